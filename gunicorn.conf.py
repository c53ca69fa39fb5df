"""gunicorn's settings for the archive, read from this folder by `make serve` and the load tests.

Debug mode is the settings' default, for `make run` (Django's development server); a real
server must be told which it is: DJANGO_DEBUG=0 to serve (README, "Deploying"), or
DJANGO_DEBUG=1 to serve in debug mode on purpose.
"""

import os
import sys

if "DJANGO_DEBUG" not in os.environ:
    sys.exit("DJANGO_DEBUG is not set: set DJANGO_DEBUG=0 to serve (README, \"Deploying\"), "
             "or DJANGO_DEBUG=1 to serve in debug mode on purpose.")
