"""Each page kind, one client: a few warm-up requests, then ``rounds`` timed ones.

    python -m bench.page_timing URL URLS.json [rounds]   → one JSON object {kind: {p50_ms, p95_ms, …}}
"""

import json
import sys
import time
import urllib.error
import urllib.request

from .search_timing import percentiles

WARM_UP = 3


def fetch(url: str) -> tuple[int, float, int]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            size = len(response.read())
            status = response.status
    except urllib.error.HTTPError as error:
        size, status = 0, error.code
    return status, (time.perf_counter() - started) * 1000, size


def time_pages(base: str, paths: dict[str, str], rounds: int = 30) -> dict:
    figures = {}
    for kind, path in paths.items():
        for _ in range(WARM_UP):
            fetch(base + path)
        results = [fetch(base + path) for _ in range(rounds)]
        statuses = sorted({status for status, _, _ in results})
        figures[kind] = percentiles([ms for _, ms, _ in results]) | {
            "path": path, "statuses": statuses, "kb": round(results[-1][2] / 1024, 1)}
    return figures


if __name__ == "__main__":
    base, urls_path = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    paths = json.loads(open(urls_path, encoding="utf-8").read())
    print(json.dumps(time_pages(base, paths, rounds), ensure_ascii=False))
