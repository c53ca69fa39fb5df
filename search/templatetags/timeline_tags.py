"""The search page's timeline (``search/includes/timeline.html``, ``compare.html``): the chart of
the search in ``context``, its bars linked to the same search narrowed to their periods."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from .. import links
from ..timeline import of_search
from ..timeline_chart import Chart, bars, lines, marker

register = template.Library()


@register.simple_tag(takes_context=True)
def results_chart(context) -> Chart | None:
    """The bars of the page's ``results``; None when no result is dated."""
    line = of_search(context["results"])
    if not line.periods:
        return None
    data = context["form"].cleaned_data
    return bars(line, links.dates_url(links.current(data)), data.get("start"), data.get("end"))


@dataclass(frozen=True)
class ComparedTerm:
    text: str
    total: int | None  # None: not counted
    approximate: bool
    url: str  # the term's own search, every filter kept
    style: int  # its line's colour, dash and marker (archive.css .series-N)
    marker: str  # a marker's path for the legend's swatch


@register.simple_tag(takes_context=True)
def comparison_chart(context) -> dict:
    """The comparison's lines (None when no term has a dated result) and its terms, in order."""
    comparison, data = context["comparison"], context["form"].cleaned_data
    params = links.current(data)
    line = comparison.timeline
    terms = [ComparedTerm(term.text, term.total, term.approximate, links.search_url(params, q=term.text), style,
                          marker(style, 14, 8)) for style, term in enumerate(comparison.terms)]
    chart = lines(line, data.get("start"), data.get("end")) if line.periods else None
    return {"chart": chart, "terms": terms, "rows": _rows(line) if chart else []}


def _rows(line) -> list[tuple]:
    """The table behind the chart: a period, and each term's (count in it, whether estimated);
    the count None when the term was not counted."""
    return [(period, [(series.counts[i] if series.counted else None, series.approximate) for series in line.series])
            for i, period in enumerate(line.periods)]
