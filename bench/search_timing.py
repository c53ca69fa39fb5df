"""Time the app's own search path (form → query → engine → database → highlight) in a fresh
process: the first query (cold), then the query mix twice, timing the second pass (warm). The
engine's own share (``SearchEngine.search``: matching, ranking, counting, facets) is timed too, to compare
like with like against the FTS5 reference, which neither loads objects nor highlights.

    python -m bench.search_timing QUERIES.json   (with the archive's environment variables set)
Prints one JSON object.
"""

import json
import sys
import time

from .measure import peak_rss_mb


def percentiles(timings: list[float]) -> dict:
    ordered = sorted(timings)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    return {"p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99), "max_ms": ordered[-1],
            "mean_ms": sum(ordered) / len(ordered)}


def main(path: str) -> None:
    started = time.perf_counter()
    import config.wsgi  # noqa: F401 - set up as a web worker is

    from search.engines import engine as chosen_engine
    from search.forms import SearchForm

    engine, engine_ms = chosen_engine(), []
    engine_search = engine.search

    def timed_search(*args, **kwargs):
        begin = time.perf_counter()
        try:
            return engine_search(*args, **kwargs)
        finally:
            engine_ms.append((time.perf_counter() - begin) * 1000)

    engine.search = timed_search

    def run(params: dict) -> tuple[float, float]:
        engine_ms.clear()
        begin = time.perf_counter()
        form = SearchForm(params)
        assert form.is_valid(), (params, form.errors)
        results = form.search()
        [str(hit.snippet) for hit in (results.hits if results else [])]
        return (time.perf_counter() - begin) * 1000, sum(engine_ms)

    queries = json.load(open(path, encoding="utf-8"))
    cold_ms = run(queries[0])[0]
    cold_since_start_ms = (time.perf_counter() - started) * 1000
    for params in queries:
        run(params)
    warm = [run(params) for params in queries]
    slowest = max(range(len(queries)), key=lambda n: warm[n][0])
    print(json.dumps({
        "slowest": {"query": queries[slowest], "ms": warm[slowest][0]},
        "queries": len(warm), "cold_ms": cold_ms, "cold_since_start_ms": cold_since_start_ms,
        **percentiles([total for total, _ in warm]),
        "engine": percentiles([engine for _, engine in warm]),
        "peak_rss_mb": peak_rss_mb(),
    }))


if __name__ == "__main__":
    main(sys.argv[1])
