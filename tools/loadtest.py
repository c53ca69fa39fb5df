"""Load the archive the way a newsroom would serve it, and fail on any error.

    python -m tools.loadtest [--duration 30] [--connections 32] [--hostile-only]

1. gunicorn (2 workers, production settings) on 127.0.0.1 with the seed pages; wrk on the home,
   article, search and API pages in turn. One line per page; any failed or non-2xx answer fails.
2. The hostile mix: the seed pages and a page of OCR garbage; half the connections ask for
   ordinary pages, half for what an attacker sends (queries over the limits or the time budget
   against the garbage, out-of-range dates, feed paging) at the same time. Any 5xx, any
   socket error or timeout, a worker gunicorn had to kill, or ordinary pages slower than 50
   requests/s (the scale target for 16 connections) fails; their latency is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
from pathlib import Path

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from .server import ROOT, gunicorn
from .wrk import PERCENTILES_LUA, mix_script, wrk

# A page as OCR garbage leaves it: a line of 60,000 letters, then letters and spaces.
GARBAGE_PAGE = ("OCR 乱码版面\n\n本报讯 记者刘茜报道:4月17日," + "a" * 60_000 + "\n\n"
                "第二篇 乱码\n\n本报讯 记者刘茜报道:4月18日," + "a " * 20_000 + "\n")
HOSTILE_PATHS = [
    "/search/?q=" + "a" * 200, "/api/search/?q=" + '"a" ' * 50, "/search/?q=" + "a " * 100,
    "/search/?q=aaaaaaaa aaaaaaaa", "/api/search/?q=aaaaaaaa&sort=newest", '/search/?q="aaaaaaaa" "aaaaaaa"',
    "/search/?q=" + " OR ".join(["a", "aa"] * 8), "/dates/2023/4/2147483648/", "/dates/9999/12/",
    "/dates/0/1/", "/dates/2023/99999999999999999999/1/", "/feeds/latest/?page=2", "/search/?q=%00%00&page=999",
]


def page_urls(base: str) -> dict[str, str]:
    with urllib.request.urlopen(base + "/api/pages/") as response:
        first_article = next(item for page in json.load(response)["pages"] for item in page["items"]
                             if item["type"] == "article")
    return {
        "home": base + "/",
        "article": base + first_article["url"],
        "search": base + "/search/?q=招商引资",
        "api": base + "/api/search/?q=招商",
    }


def run(duration: int, connections: int) -> list:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(PERCENTILES_LUA)
    results = []
    with gunicorn() as server:
        for name, url in page_urls(server.url).items():
            result = wrk(url, connections=connections, duration=duration, lua_path=lua.name)
            results.append((name, result))
            print(f"{name:8} {result.requests:7d} requests  {result.requests_per_second:8.1f} req/s  "
                  f"p50 {result.p50_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
                  f"errors {result.socket_errors}  non-2xx {result.non_2xx}", flush=True)
    Path(lua.name).unlink()
    return results


def encoded(path: str) -> str:
    return quote(path, safe="/?&=%")


def hostile_run(duration: int, connections: int, worker_timeout: int = 30, request_timeout: int = 10) -> tuple:
    """(ordinary, hostile, worker timeouts) from both mixes run at once. A request slower than
    ``request_timeout`` counts as an error; gunicorn kills a worker busy for ``worker_timeout``."""
    with tempfile.TemporaryDirectory(prefix="archive-hostile-") as folder:
        garbage = Path(folder) / "garbage.txt"
        garbage.write_text(GARBAGE_PAGE, encoding="utf-8")
        scripts = {}
        log = Path(folder) / "gunicorn.log"
        with gunicorn(pages=[str(ROOT / "seeds"), str(garbage)], error_log=log, worker_timeout=worker_timeout) as server:
            ordinary = [p.removeprefix(server.url) for p in page_urls(server.url).values()]
            for name, paths in {"ordinary": ordinary, "hostile": HOSTILE_PATHS}.items():
                scripts[name] = Path(folder) / f"{name}.lua"
                scripts[name].write_text(mix_script([encoded(p) for p in paths]), encoding="utf-8")
            with ThreadPoolExecutor(2) as pool:
                runs = {name: pool.submit(wrk, server.url + "/", connections=max(1, connections // 2),
                                          duration=duration, lua_path=str(script), timeout=request_timeout)
                        for name, script in scripts.items()}
                results = {name: run.result() for name, run in runs.items()}
        timeouts = log.read_text(encoding="utf-8", errors="replace").count("WORKER TIMEOUT")
    for name, result in results.items():
        print(f"{name:8} {result.requests:7d} requests  {result.requests_per_second:8.1f} req/s  "
              f"p50 {result.p50_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
              f"socket errors {result.socket_errors}  5xx {result.server_errors}", flush=True)
    print(f"worker timeouts {timeouts}")
    return results["ordinary"], results["hostile"], timeouts


# The scale target for pages under load (2 workers, wrk with 16 connections): 50 requests/s. The
# hostile mix gives the ordinary pages exactly 16 connections, so the same figure applies.
ORDINARY_MIN_RPS = 50


def hostile_ok(ordinary, hostile, timeouts: int, min_ordinary_rps: float = 0) -> bool:
    return (ordinary.ok and ordinary.server_errors == 0 and hostile.requests > 0 and hostile.socket_errors == 0
            and hostile.server_errors == 0 and timeouts == 0 and ordinary.requests_per_second >= min_ordinary_rps)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--duration", type=int, default=30, help="seconds per page (default 30)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (default 32)")
    parser.add_argument("--hostile-only", action="store_true", help="only the hostile mix")
    args = parser.parse_args(argv)
    results = [] if args.hostile_only else run(args.duration, args.connections)
    failed = [name for name, result in results if not result.ok]
    print("hostile mix: ordinary pages and hostile requests at once")
    if not hostile_ok(*hostile_run(args.duration, args.connections), min_ordinary_rps=ORDINARY_MIN_RPS):
        failed.append(f"hostile mix (any 5xx, error, killed worker, or ordinary pages under {ORDINARY_MIN_RPS} req/s)")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    print("all pages answered 2xx with no errors; the hostile mix got no 5xx, no timeout, no killed worker")
    return 0


if __name__ == "__main__":
    sys.exit(main())
