"""Run one management command in this process and print its wall time and peak memory.

    python -m bench.measure rebuild_index --noinput
The last line printed is JSON: {"seconds": …, "peak_rss_mb": …}.
"""

import json
import os
import resource
import sys
import time

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command(*sys.argv[1:])
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
