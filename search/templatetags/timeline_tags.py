"""The search page's timeline (``search/includes/timeline.html``, ``compare.html``): the chart of
the search in ``context``, its bars linked to the same search narrowed to their periods."""

from __future__ import annotations

import html
from dataclasses import dataclass

from django import template
from django.utils.safestring import mark_safe

from .. import links
from ..timeline import of_search
from ..timeline_chart import Chart, bars, lines, marker
from .search_tags import count

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
    return {"chart": chart, "terms": terms}


# A chart's bars and its table's rows are written here rather than looped over in the template:
# a 48-bar chart took 5 ms as template code, ~10% of a page's budget (search_tags' facet_items,
# the same reasoning). ``html.escape`` as there: the pieces are labels, counts and our own links.

@register.simple_tag
def chart_bars(chart: Chart, approximate: bool = False) -> str:
    """Each period with hits: a link (the whole column, the bar in it) named by its period and
    count; the chosen ones marked current."""
    return mark_safe("\n".join(_bar(bar, chart.baseline, approximate) for bar in chart.bars if bar.url))


def _bar(bar, baseline: int, approximate: bool) -> str:
    name = html.escape(f"{bar.period.label}:{count(bar.count, approximate)} 条")
    chosen = " chosen" if bar.chosen else ""
    current = ' aria-current="true"' if bar.chosen else ""
    return (f'<a class="bar-link{chosen}" href="{html.escape(bar.url)}" aria-label="{name}"{current}><title>{name}</title>'
            f'<rect class="column" x="{bar.column_x}" y="0" width="{bar.column_width}" height="{baseline}"/>'
            f'<rect class="bar" x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}"/></a>')


@register.simple_tag
def chart_rows(chart: Chart, approximate: bool = False) -> str:
    """The table's rows: every period, the empty ones too, the chosen ones marked."""
    active = ' class="table-active"'
    return mark_safe("\n".join(
        f'<tr{active if bar.chosen else ""}><th scope="row">{html.escape(bar.period.label)}</th>'
        f'<td>{html.escape(count(bar.count, approximate))}</td></tr>' for bar in chart.bars))


@register.simple_tag
def comparison_rows(chart: Chart) -> str:
    """The table behind a comparison's chart: a row a period, a cell a term (未计算 when the
    term was not counted)."""
    series = chart.timeline.series
    return mark_safe("\n".join(
        f'<tr><th scope="row">{html.escape(period.label)}</th>'
        + "".join(f"<td>{html.escape(count(s.counts[i], s.approximate)) if s.counted else '未计算'}</td>" for s in series)
        + "</tr>" for i, period in enumerate(chart.timeline.periods)))
