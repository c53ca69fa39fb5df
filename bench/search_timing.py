"""Time the app's own search path (form → query → engine → database → highlight) in a fresh
process: the first query (cold), then the query mix twice, timing the second pass (warm).

    python -m bench.search_timing QUERIES.json   (with the archive's environment variables set)
Prints one JSON object.
"""

import json
import os
import resource
import sys
import time


def main(path: str) -> None:
    started = time.perf_counter()
    import config.wsgi  # noqa: F401 - set up as a web worker is

    from search.forms import SearchForm

    def run(params: dict) -> float:
        begin = time.perf_counter()
        form = SearchForm(params)
        assert form.is_valid(), (params, form.errors)
        results = form.search()
        [str(hit.snippet) for hit in (results.hits if results else [])]
        return (time.perf_counter() - begin) * 1000

    queries = json.load(open(path, encoding="utf-8"))
    cold_ms = run(queries[0])
    cold_since_start_ms = (time.perf_counter() - started) * 1000
    for params in queries:
        run(params)
    warm = sorted(run(params) for params in queries)

    def pct(p: float) -> float:
        return warm[min(len(warm) - 1, int(round(p / 100 * (len(warm) - 1))))]

    print(json.dumps({
        "queries": len(warm), "cold_ms": cold_ms, "cold_since_start_ms": cold_since_start_ms,
        "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99), "mean_ms": sum(warm) / len(warm),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
