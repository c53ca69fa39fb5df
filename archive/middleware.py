"""What every response of the site passes through: reversing characters made visible, and a
database busy with a long write answered plainly."""

import contextlib
import re

from django.db import OperationalError, connection
from django.template.response import TemplateResponse

# Characters that reorder the text around them (embeddings, overrides, isolates): one hidden in
# a title can make it read as something else (``abc\u202edcba`` shows as ``abcabcd``). On the
# public site and in the feeds they are shown as what they are; the page's text view, the JSON
# API (data, for programs) and the admin, where staff edit the text, keep them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def visible_bidi(text: str) -> str:
    """``text`` with each reordering character written out: ``[U+202E]``."""
    return BIDI_CONTROLS.sub(lambda match: f"[U+{ord(match.group()):04X}]", text)


class VisibleBidiControlsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.path.startswith("/admin/") or getattr(response, "streaming", False)
                or not response.get("Content-Type", "").startswith("text/html")):
            return response
        html = response.content.decode(response.charset)
        if BIDI_CONTROLS.search(html):
            response.content = visible_bidi(html).encode(response.charset)
        return response


BUSY_WAIT_MS = 3000  # how long a save waits for SQLite's write lock (held by an ingest) before saying so
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@contextlib.contextmanager
def brief_lock_wait():
    """On SQLite, wait BUSY_WAIT_MS for the write lock instead of the 20 s a batch job waits."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        waited = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_WAIT_MS}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(waited)}")


class DatabaseBusyMiddleware:
    """A save (an admin edit, a login) that meets a database busy with a long write — an ingest
    of many pages — waits briefly, then says so: nothing saved, nothing half-saved, never a 500.
    Readers never wait (SQLite runs in WAL mode), so only unsafe methods are given the short wait."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        with brief_lock_wait():
            return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and "locked" in str(exception):
            return TemplateResponse(request, "database_busy.html", {"wait_seconds": BUSY_WAIT_MS // 1000}, status=503)
        return None
