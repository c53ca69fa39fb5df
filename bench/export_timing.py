"""Time exports of search results (``search/export.py``) on an archive, in a fresh process set up as
a web worker: each address read through Django's test client to its last byte (no network), the
time to the first byte, the whole, the lines and the most memory the stream took (tracemalloc's
peak above what was held before: Python's own allocations, read again apart from the timing).

    python -m bench.export_timing [ADDRESS ...]   (with the archive's environment variables set)

Without addresses: the whole archive (every dated item) as CSV and as JSON Lines with the text,
and ``记者`` (in most items) by relevance and newest first. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
import tracemalloc

DEFAULT = [
    "/search/export.csv?start=1000-01-01",
    "/search/export.jsonl?start=1000-01-01&text=1",
    "/search/export.csv?q=记者",
    "/search/export.csv?q=记者&sort=newest&text=1",
]


def read(client, address: str) -> tuple[object, float, float, int, int]:
    """The response, ms to its first piece and to its last, its bytes and lines."""
    begin = time.perf_counter()
    response = client.get(address)
    pieces = iter(response.streaming_content) if response.streaming else iter([response.content])
    first = next(pieces, b"")
    first_ms = (time.perf_counter() - begin) * 1000
    size, lines = len(first), first.count(b"\n")
    for piece in pieces:
        size, lines = size + len(piece), lines + piece.count(b"\n")
    return response, first_ms, (time.perf_counter() - begin) * 1000, size, lines


def timed(client, address: str) -> dict:
    """Timed once as served; read once more under tracemalloc (which slows Python) for its memory."""
    response, first_ms, whole_ms, size, lines = read(client, address)
    tracemalloc.start()
    held = tracemalloc.get_traced_memory()[0]
    read(client, address)
    peak = tracemalloc.get_traced_memory()[1] - held
    tracemalloc.stop()
    return {"address": address, "status": response.status_code, "first_byte_ms": round(first_ms, 1),
            "whole_ms": round(whole_ms, 1), "lines": lines, "mb": round(size / 2**20, 2),
            "peak_memory_mb": round(peak / 2**20, 1), "truncated": response.get("X-Archive-Export-Truncated"),
            "total": response.get("X-Archive-Export-Total")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("addresses", nargs="*", default=DEFAULT)
    args = parser.parse_args()
    importlib.import_module("config.wsgi")  # set up as a web worker is
    from django.test import Client

    from archive.models import Article

    client = Client()
    read(client, args.addresses[0])  # the engine opened, caches warm
    print(json.dumps({"articles": Article.objects.count(), "exports": [timed(client, a) for a in args.addresses]},
                     ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
