"""Load the archive the way a newsroom would serve it, and fail on any error.

    python -m tools.loadtest [--duration 30] [--connections 32]

gunicorn (2 workers, production settings) on 127.0.0.1 with the seed pages; wrk on the home,
article, search and API pages in turn. Prints one line per page; exits 1 if any request failed
or answered other than 2xx.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
from pathlib import Path

from .server import gunicorn
from .wrk import PERCENTILES_LUA, wrk


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--duration", type=int, default=30, help="seconds per page (default 30)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (default 32)")
    args = parser.parse_args(argv)
    results = run(args.duration, args.connections)
    failed = [name for name, result in results if not result.ok]
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    print("all pages answered 2xx with no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
