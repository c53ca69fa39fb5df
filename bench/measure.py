"""Run one management command in this process and print its wall time and peak memory.

    python -m bench.measure rebuild_index --noinput
The last line printed is JSON: {"seconds": …, "peak_rss_mb": …}.
"""

import json
import os
import sys
import time


def peak_rss_mb() -> float:
    """This process's own peak resident memory (``VmHWM``). Not ``ru_maxrss``: Linux carries a
    parent's high-water mark over ``exec``, so a command started by the benchmark (which holds
    300,000 generated articles) reported the benchmark's 801 MB as its own."""
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return kb / 1024


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command(*sys.argv[1:])
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "peak_rss_mb": peak_rss_mb()}))
