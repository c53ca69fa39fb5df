"""The addresses the search page links to. Each is the current search with one thing changed —
a facet chosen, a filter removed, another page — so that no link drops a filter the reader
chose, and every filter in force is shown (as a chip) with a way to remove it."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils.http import urlencode

from .results import MonthFacet, SearchResults

# The search's parameters, in the order addresses carry them.
PARAMETERS = ("q", "section", "type", "person", "start", "end", "sort")
FILTERS = PARAMETERS[1:]  # what 清除全部筛选 removes: everything but the words
DEFAULT_SORT = "relevance"
# Words the advanced form's 包含全部词语 writes back as they are: no quote, colon, bar or leading
# minus (search/advanced.py quotes those, which would change the query).
PLAIN_WORDS = re.compile(r"(?:[^\s\"“”「」『』:：|｜\-－][^\s\"“”「」『』:：|｜]*\s*)+")


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    count: int | None = None
    active: bool = False  # the filter in force: shown, not offered again


def current(data: dict) -> dict[str, str]:
    """The search as address parameters, from a form's ``cleaned_data`` (its valid fields):
    no empty values, no page, no default sort."""
    values = {
        "q": (data.get("q") or "").strip(),
        "section": data["section"].pk if data.get("section") else "",
        "type": data.get("type") or "",
        "person": data["person"].pk if data.get("person") else "",
        "start": data["start"].isoformat() if data.get("start") else "",
        "end": data["end"].isoformat() if data.get("end") else "",
        "sort": data.get("sort") if data.get("sort") not in (None, "", DEFAULT_SORT) else "",
    }
    return {name: str(values[name]) for name in PARAMETERS if values[name]}


def search_url(params: dict[str, str], **changes) -> str:
    """The search page with ``params`` and ``changes`` (a change to None removes a parameter)."""
    merged = {**params, **changes}
    kept = [(name, merged[name]) for name in (*PARAMETERS, "page") if merged.get(name) not in (None, "")]
    base = _search_page(get_script_prefix())
    return f"{base}?{urlencode(kept)}" if kept else base


@functools.lru_cache(maxsize=8)
def _search_page(prefix: str) -> str:
    """The search page's address under the site's prefix: reversed once, not for each of a
    results page's ~150 links (a decade's month facets, sections, pages)."""
    return reverse("search:search")


def page_url(params: dict[str, str], page: int) -> str:
    return search_url(params, page=page if page > 1 else None)


def chips(form, params: dict[str, str]) -> list[Link]:
    """One chip per filter in force (``params`` from the form's valid fields), each leading to
    the same search without that filter. Labels are the form's own: a person's name, not an id."""
    return [Link(f"{form.fields[name].label}:{_shown(form, name)}", search_url(params, **{name: None}))
            for name in FILTERS if name in params]


def _shown(form, name: str) -> str:
    value = form.cleaned_data[name]
    if name in ("type", "sort"):
        return str(dict(form.fields[name].choices)[value])
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def clear_url(params: dict[str, str]) -> str:
    """清除全部筛选: the same words, nothing else."""
    return search_url({"q": params["q"]} if "q" in params else {})


def section_links(results: SearchResults, params: dict[str, str]) -> list[Link]:
    chosen, url = params.get("section"), _varying(params, "section")
    return [Link(section.name, url(section.pk), count, active=str(section.pk) == chosen)
            for section, count in results.sections]


def date_links(results: SearchResults, params: dict[str, str]) -> dict:
    """The date facet: a link a year, and the months of the year the chosen dates fall in (a
    year chosen, or a month). A decade's results fall in ~120 months: listed all at once they
    were a long column and a third of the facets' cost; a year's link leads to its months."""
    url = _varying(params, "start", "end")
    focus = _focused_year(params)
    return {
        "year_links": _year_links(results.months, params, url),
        "month_links": [_month_link(facet, params, url) for facet in results.months if facet.first_day.year == focus],
        "focused_year": focus,
    }


def _year_links(months: list[MonthFacet], params: dict[str, str], url) -> list[Link]:
    """Newest first, as the months are; each counts its months' results."""
    years: dict[int, int] = {}
    for facet in months:
        years[facet.first_day.year] = years.get(facet.first_day.year, 0) + facet.count
    return [_year_link(year, count, params, url) for year, count in sorted(years.items(), reverse=True)]


def _year_link(year: int, count: int, params: dict[str, str], url) -> Link:
    start, end = datetime.date(year, 1, 1).isoformat(), datetime.date(year, 12, 31).isoformat()
    active = params.get("start") == start and params.get("end") == end
    return Link(f"{year}年", url(start, end), count, active)


def _focused_year(params: dict[str, str]) -> int | None:
    """The year both chosen dates are in, whose months are listed; None without both."""
    start, end = params.get("start", ""), params.get("end", "")
    return int(start[:4]) if start and end and start[:4] == end[:4] else None


def _month_link(facet: MonthFacet, params: dict[str, str], url) -> Link:
    start, end = facet.first_day.isoformat(), facet.last_day.isoformat()
    active = params.get("start") == start and params.get("end") == end
    label = f"{facet.first_day.year}年{facet.first_day.month}月"
    return Link(label, url(start, end), facet.count, active)


def _varying(params: dict[str, str], *names: str):
    """``search_url(params, **dict(zip(names, values)))`` as a function of the values, for a
    facet's many links: the parameters around ``names`` (adjacent in ``PARAMETERS``) are encoded
    once, not once a link. The values are ids and ISO dates, which need no escaping."""
    first, last = PARAMETERS.index(names[0]), PARAMETERS.index(names[-1])
    assert PARAMETERS[first:last + 1] == names, names
    head = urlencode([(name, params[name]) for name in PARAMETERS[:first] if name in params])
    tail = urlencode([(name, params[name]) for name in PARAMETERS[last + 1:] if name in params])
    base = f"{_search_page(get_script_prefix())}?{head}{'&' if head else ''}"
    return lambda *values: base + "&".join(f"{n}={v}" for n, v in zip(names, values)) + (f"&{tail}" if tail else "")


def for_page(form, results: SearchResults | None) -> dict:
    """What the search page links to, for its template (``form`` validated): chips of the
    filters in force (from the form's valid fields, so a filter is shown even when another
    value is refused), facets and neighbouring pages."""
    if not form.is_bound:
        return {}
    params = current(form.cleaned_data)
    context = {"chips": chips(form, params), "clear_url": clear_url(params), "advanced_url": advanced_url(params)}
    if results:
        context |= {
            "section_links": section_links(results, params),
            **date_links(results, params),
            "previous_url": page_url(params, results.page - 1) if results.page > 1 else "",
            "next_url": page_url(params, results.page + 1) if results.page < results.num_pages else "",
        }
    return context


ADVANCED_CARRIED = ("section", "type", "start", "end")  # the advanced form's own filters


def advanced_url(params: dict[str, str]) -> str:
    """The advanced form, filled with the current search's filters and — when the query is plain
    words (no quotes, OR, exclusion or field, which its boxes would write otherwise) — its words
    as 包含全部词语, so that changing one box does not mean filling in all of them again."""
    carried = {name: params[name] for name in ADVANCED_CARRIED if params.get(name)}
    words = params.get("q", "")
    if words and PLAIN_WORDS.fullmatch(words) and "OR" not in words.split():
        carried["all_words"] = words
    return reverse("search:advanced") + (f"?{urlencode(carried)}" if carried else "")


def dates_url(params: dict[str, str]):
    """The current search with only its dates changed, as a function of (start, end): for the
    timeline's bars (``search/timeline_chart.py``), one a period, as the month facet's links."""
    return _varying(params, "start", "end")
