import gc
import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "DJANGO_DEBUG" not in os.environ:
    # Debug mode is the default for `make run`; a server (gunicorn, `make serve`) must be told.
    raise ImproperlyConfigured("DJANGO_DEBUG is not set: set DJANGO_DEBUG=0 to serve (see README, "
                               "\"Deploying\"), or DJANGO_DEBUG=1 to serve in debug mode on purpose.")
application = get_wsgi_application()

# What start-up loaded (modules, URL patterns, the analyzers' tables) lives as long as the
# worker: keep the cyclic garbage collector from walking it again at every full collection,
# which cost a search ~15 ms each time it struck (measured with bench/search_timing.py).
gc.freeze()
