"""A search's results as a download — ``/search/export.csv`` and ``/search/export.jsonl`` with the
search page's parameters, and ``text=1`` for each item's text: every match (``search/matches.py``)
up to ``ARCHIVE_EXPORT_LIMIT``, written as the engine's pages arrive (a streamed response).

A refused parameter or a search the engine refuses is answered before anything is sent (JSON
400/503, as ``/api/search/``). A later page of the engine failing cannot change an answer already
begun: the stream is broken off (``ExportInterrupted``), so that the server drops the connection
without the end of the response and the browser or client reports an incomplete download, rather
than leaving a shorter file that looks whole.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from django.conf import settings
from django.http import StreamingHttpResponse

from archive.api import JsonView, json_error

from .failures import SEARCH_FAILURES, failure
from .forms import ExportForm
from .matches import Match, Matches

log = logging.getLogger(__name__)
# "date": the item's own (its dateline), what the search's dates filter on; "issue_date": the
# issue's that printed it, what a citation gives. They differ for a story printed days later.
FIELDS = ("id", "type", "permalink", "date", "issue_date", "section", "title", "byline", "names")
TEXT_FIELD = "text"
CHUNK_CHARS = 64 * 1024  # written out at about this size: one page of the engine may be megabytes
NAME_SEPARATOR = "、"  # a CSV cell holds the names as the paper prints a list of them


class ExportInterrupted(Exception):
    """The engine failed on a later page, after the export had begun: the stream is broken off."""


class CsvFormat:
    suffix, content_type = "csv", "text/csv; charset=utf-8"

    def writer(self, out: io.StringIO, fields: tuple[str, ...]):
        """Writes the head into ``out``; returns what writes one row there."""
        # The BOM: without it Excel and WPS read a UTF-8 file in the local code page (mojibake).
        out.write("\ufeff")
        writer = csv.DictWriter(out, fields)
        writer.writeheader()
        return lambda found: writer.writerow({name: _cell(value) for name, value in found.items()})


class JsonLinesFormat:
    suffix, content_type = "jsonl", "application/x-ndjson; charset=utf-8"
    # Line breaks that JSON leaves unescaped but ``str.splitlines`` splits on: escaped, so that
    # however a reader splits the file, a line is an item.
    UNSPLIT = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})

    def writer(self, out: io.StringIO, fields: tuple[str, ...]):
        return lambda found: out.write(json.dumps(found, ensure_ascii=False).translate(self.UNSPLIT) + "\n")


FORMATS = {"csv": CsvFormat(), "jsonl": JsonLinesFormat()}


def _cell(value) -> str:
    if value is None:
        return ""
    return NAME_SEPARATOR.join(value) if isinstance(value, list) else str(value)


def row(match: Match, site: str, with_text: bool) -> dict:
    """One item as the export writes it; ``site`` (``https://host``) makes its address absolute."""
    found = {
        "id": match.object.pk,
        "type": match.kind,
        "permalink": site + match.object.get_absolute_url(),
        "date": match.date.isoformat() if match.date else None,
        "issue_date": match.issue_date.isoformat() if match.issue_date else None,
        "section": match.section or None,
        "title": match.title,
        "byline": match.byline,
        "names": match.names,
    }
    return found | {TEXT_FIELD: match.text} if with_text else found


def written(matches: Matches, file_format, site: str, with_text: bool) -> Iterator[str]:
    """The file, in pieces of about ``CHUNK_CHARS``."""
    out = io.StringIO()
    write = file_format.writer(out, FIELDS + ((TEXT_FIELD,) if with_text else ()))
    # Chained, not a loop over pages: no name keeps a written page alive while the next is loaded.
    for match in itertools.chain.from_iterable(matches.pages()):
        write(row(match, site, with_text))
        if out.tell() >= CHUNK_CHARS:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def streamed(matches: Matches, file_format, site: str, with_text: bool, query: str) -> Iterator[bytes]:
    try:
        for piece in written(matches, file_format, site, with_text):
            yield piece.encode("utf-8")
    except SEARCH_FAILURES as error:
        log.error("export of %r broken off: %s", query, error)
        raise ExportInterrupted(f"导出中断:{error}") from error


def file_names(query: str, suffix: str, with_text: bool = False) -> str:
    """``Content-Disposition`` with the query in the file's name: RFC 5987's ``filename*`` for
    browsers, and a plain ASCII ``filename`` for clients that read no other. (Django's
    ``content_disposition_header`` writes one or the other, never both.)"""
    # Path separators, characters Windows refuses in names, and spaces, controls and characters
    # that reorder text (one could make ``.csv`` look like another suffix) become ``_``.
    kept = "".join("_" if ch in '\\/:*?"<>|' or unicodedata.category(ch)[0] in "CZ" else ch for ch in query)
    words = re.sub("_+", "_", kept).strip("._")[:60]
    name = f"检索_{words or '全部'}{'_全文' if with_text else ''}.{suffix}"  # the two downloads apart
    return f"attachment; filename=\"archive-search.{suffix}\"; filename*=UTF-8''{quote(name, safe='')}"


class ExportView(JsonView):
    def get(self, request, fmt: str):
        file_format = FORMATS.get(fmt)
        if file_format is None:
            return json_error(404, f"没有“{fmt[:20]}”这种导出格式,可用:{'、'.join(FORMATS)}。")
        form = ExportForm(request.GET)
        if not form.is_valid():
            return json_error(400, form.errors_by_parameter())
        if not form.has_something_to_find():
            return json_error(400, "请提供检索词(参数 q)或筛选条件" if not (form.cleaned_data.get("q") or "").strip()
                              else "参数 q:检索词里没有可以查找的文字")
        query, limit = form.cleaned_data.get("q") or "", settings.ARCHIVE_EXPORT_LIMIT
        try:
            matches = Matches(form.parsed, form.filters(), form.cleaned_data.get("sort") or "relevance", limit,
                              with_text=form.with_text())
            truncated = matches.truncated()
        except SEARCH_FAILURES as error:
            failed = failure(error, "export", query)
            return json_error(failed.status, failed.message)
        site = request.build_absolute_uri("/").rstrip("/")
        body = streamed(matches, file_format, site, form.with_text(), query) if request.method != "HEAD" else ()
        response = StreamingHttpResponse(body, content_type=file_format.content_type)
        response["Content-Disposition"] = file_names(query.strip(), file_format.suffix, form.with_text())
        response["X-Archive-Export-Limit"] = str(limit)
        response["X-Archive-Export-Truncated"] = "true" if truncated else "false"
        response["X-Archive-Export-Total"] = str(matches.total)
        response["X-Archive-Export-Total-Is-Estimate"] = "true" if matches.approximate else "false"
        return response
