"""How long an admin save takes while ``rebuild_index`` runs (PostgreSQL engine): the issue's
bound is half a second. In the archive's environment (``DATABASE_URL``, ``ARCHIVE_SEARCH_ENGINE``):

    python -m bench.rebuild_saves [RESULT.json]

starts ``rebuild_index`` in another process and, until it ends, re-saves a random article every
50 ms in a transaction of its own, as the admin does (its index row is written in it). Prints
one JSON object; with RESULT.json (a benchmark result), stores it there as ``rebuild_saves``.
"""

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

SAVE_EVERY = 0.05


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import transaction

    from archive.models import Article

    pks = list(Article.objects.values_list("pk", flat=True))
    rng = random.Random(5)
    started = time.perf_counter()
    rebuild = subprocess.Popen([sys.executable, "manage.py", "rebuild_index", "--noinput", "-v0"])
    times = []
    while rebuild.poll() is None:
        article = Article.objects.get(pk=rng.choice(pks))
        begin = time.perf_counter()
        with transaction.atomic():
            article.save()
        times.append((time.perf_counter() - begin) * 1000)
        time.sleep(SAVE_EVERY)
    seconds = time.perf_counter() - started
    slowest_at = times.index(max(times)) / len(times)  # how far into the rebuild the slowest save came
    times.sort()
    found = {"saves": len(times), "rebuild_seconds": seconds, "rebuild_articles_per_s": len(pks) / seconds,
             "p50_ms": times[len(times) // 2], "p95_ms": times[int(len(times) * 0.95)], "max_ms": times[-1],
             "over_500_ms": sum(t > 500 for t in times), "slowest_at_share": slowest_at, "rebuild_returncode": rebuild.returncode}
    print(json.dumps(found))
    if len(sys.argv) > 1:
        path = Path(sys.argv[1])
        result = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(result | {"rebuild_saves": found}, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
