"""Run wrk (Debian package) against a URL and read its figures."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from urllib.parse import quote

# wrk's --latency report has no p95; this Lua script prints p50/p95/p99 in microseconds.
PERCENTILES_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("PERCENTILES %d %d %d\\n", latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""

# A mix: each connection asks for the paths in turn, and 5xx answers are counted apart from the
# 4xx that hostile requests are meant to get (wrk's own count lumps them together).
MIX_LUA = """
paths = {%s}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counter = math.random(#paths); server_errors = 0 end
function request()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter])
end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("server_errors") end
  io.write(string.format("SERVER_ERRORS %%d\\n", total))
  io.write(string.format("PERCENTILES %%d %%d %%d\\n", latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def mix_script(paths: list[str]) -> str:
    """The Lua for ``wrk(..., lua_path=…)`` that cycles over ``paths`` (already URL-encoded)."""
    return MIX_LUA % ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)


@dataclass
class WrkResult:
    url: str
    requests: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    socket_errors: int
    non_2xx: int  # and non-3xx
    server_errors: int | None = None  # 5xx, counted by the mix script (None: no such script ran)

    @property
    def ok(self) -> bool:
        return self.requests > 0 and self.socket_errors == 0 and self.non_2xx == 0


def wrk(url: str, connections: int = 32, duration: int = 30, threads: int = 2, lua_path: str | None = None,
        timeout: int = 10) -> WrkResult:
    """``timeout``: seconds after which wrk counts a request as failed (a socket timeout)."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (Debian package 'wrk'; `make test` installs it)")
    safe_url = quote(url, safe=":/?&=%")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", f"{timeout}s"]
    if lua_path:
        command += ["-s", lua_path]
    output = subprocess.run(command + [safe_url], capture_output=True, text=True, check=True).stdout
    return parse(url, output)


def parse(url: str, output: str) -> WrkResult:
    def number(pattern, default=0.0):
        match = re.search(pattern, output)
        return float(match.group(1)) if match else default

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    percentiles = re.search(r"PERCENTILES (\d+) (\d+) (\d+)", output)
    p50, p95, p99 = (int(v) / 1000 for v in percentiles.groups()) if percentiles else (0.0, 0.0, 0.0)
    return WrkResult(
        url=url,
        requests=int(number(r"(\d+) requests in")),
        requests_per_second=number(r"Requests/sec:\s+([\d.]+)"),
        p50_ms=p50, p95_ms=p95, p99_ms=p99,
        socket_errors=sum(int(v) for v in errors.groups()) if errors else 0,
        non_2xx=int(number(r"Non-2xx or 3xx responses: (\d+)")),
        server_errors=int(number(r"SERVER_ERRORS (\d+)", -1)) if "SERVER_ERRORS" in output else None,
    )
