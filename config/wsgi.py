import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What start-up loaded (modules, URL patterns, the analyzers' tables) lives as long as the
# worker: keep the cyclic garbage collector from walking it again at every full collection,
# which cost a search ~15 ms each time it struck (measured with bench/search_timing.py).
gc.freeze()
