"""Where a timeline's marks go in the search page's chart (inline SVG, drawn server-side by
``search/templates/search/includes/timeline*.html``): bars for one search, a line per term when
comparing, the axis labels, the chosen dates. Pure geometry in the SVG's own units (``WIDTH`` ×
``HEIGHT``): the browser scales the drawing to the column, so no script is needed (the CSP
allows none inline) and the marks are links.

Hand-written rather than a charting library: pygal and matplotlib, which draw SVG on a server,
style it with an inline ``<style>`` element or ``style=`` attributes (refused by this site's CSP),
and pygal adds a tooltip script from a CDN; bending them to class-only markup whose bars are
links with accessible names would take more code than this module.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass

from .timeline import MONTH, Period, Series, Timeline

# The SVG's units. 360 wide: on a 375 px phone the column is ~343 px, so a unit is ~1 px and an
# 11-unit label ~10 px; a desktop page caps the chart at 32rem (archive.css), ~1.4 px a unit.
WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 36, 10, 10, 22  # room for the counts (left) and the periods (below)
FONT = 11  # archive.css's .timeline-chart text
CHARACTER = 0.62 * FONT  # the width of a digit or a dot in the label font, about
BAR_SHARE, WIDEST_BAR = 0.72, 36  # of the period's column; a lone period is not one wide slab
LOWEST_BAR = 2.0  # a period with a few hits among many is still seen and can be tapped
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 48)  # a label every N months: Jan/Apr/Jul/Oct for 3
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100)
MARKERS = ("circle", "square", "triangle", "diamond", "down")  # one a term, with its dash (archive.css)
MARKER_SIZE, MARKER_GROWTH = 3.0, 0.5  # each term's marker a little larger: where points coincide
# (drawn last term first, the first on top) every marker still shows round the one above it


@dataclass(frozen=True)
class Bar:
    period: Period
    count: int
    url: str  # the search narrowed to the period; "" for an empty one (nothing to show)
    chosen: bool  # inside the dates in force
    column_x: float  # the whole column is the link, not just the bar: a thin bar is hard to tap
    column_width: float
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    x: float
    text: str


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str


@dataclass(frozen=True)
class Line:
    series: Series
    style: int  # its colour, dash and marker (archive.css: .series-N)
    marker: str
    points: str  # SVG polyline points
    markers: str  # SVG path of a marker at every point


@dataclass(frozen=True)
class Band:
    """The chosen dates' periods, shaded behind the marks."""
    x: float
    width: float


@dataclass(frozen=True)
class Chart:
    timeline: Timeline
    bars: tuple[Bar, ...]
    lines: tuple[Line, ...]
    ticks: tuple[Tick, ...]
    grid: tuple[GridLine, ...]
    band: Band | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM

    @property
    def tick_y(self) -> float:
        return self.baseline + FONT + 3


PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def nice_top(highest: int) -> int:
    """The top of the count axis: the smallest 1, 2 or 5 × 10ⁿ at least ``highest``."""
    top = 1
    while top < highest:
        for factor in (2, 2.5, 2):  # 1 → 2 → 5 → 10 → 20 …
            top = int(top * factor)
            if top >= highest:
                break
    return top


def compact(number: int) -> str:
    """A count on the axis, short: 800, 1200, 3万."""
    return f"{number / 10_000:g}万" if number >= 10_000 else str(number)


def column(index: int, count: int) -> tuple[float, float]:
    """The x and width of period ``index`` of ``count``."""
    width = PLOT_WIDTH / count
    return LEFT + index * width, width


def height_of(count: int, top: int) -> float:
    if count <= 0:
        return 0.0
    return max(LOWEST_BAR, count / top * PLOT_HEIGHT)


def grid(top: int) -> tuple[GridLine, ...]:
    """Lines at 0, the middle (when a whole number) and the top of the count axis."""
    values = [0, top // 2, top] if top % 2 == 0 else [0, top]
    return tuple(GridLine(_r(HEIGHT - BOTTOM - value / top * PLOT_HEIGHT), compact(value)) for value in values)


def tick_step(periods: tuple[Period, ...]) -> int:
    """Label every Nth period, N the smallest step whose labels do not touch."""
    if not periods:
        return 1
    _, width = column(0, len(periods))
    widest = max(len(period.tick) for period in periods) * CHARACTER + 6
    steps = MONTH_STEPS if periods[0].unit == MONTH else YEAR_STEPS
    return next((step for step in steps if step * width >= widest), steps[-1])


def ticks(periods: tuple[Period, ...]) -> tuple[Tick, ...]:
    """The labelled periods: every Nth, on round ones (January, April… or 2020, 2025…), so that
    the labels keep their places from one search to the next; the first when none is round."""
    step = tick_step(periods)

    def position(period: Period) -> int:
        return period.start.year * 12 + period.start.month - 1 if period.unit == MONTH else period.start.year

    labelled = [i for i, period in enumerate(periods) if position(period) % step == 0] or [0]
    found = []
    for i in labelled:
        x, width = column(i, len(periods))
        half = len(periods[i].tick) * CHARACTER / 2
        found.append(Tick(_r(min(max(x + width / 2, LEFT + half), WIDTH - half)), periods[i].tick))
    return tuple(found)


def band(periods: tuple[Period, ...], start: datetime.date | None, end: datetime.date | None) -> Band | None:
    chosen = [i for i, period in enumerate(periods) if period.overlaps(start, end)]
    if not chosen:
        return None
    x, width = column(chosen[0], len(periods))
    return Band(_r(x), _r(width * (chosen[-1] - chosen[0] + 1)))


def bars(line: Timeline, url: Callable[[str, str], str], start: datetime.date | None = None,
         end: datetime.date | None = None) -> Chart:
    """One search's chart: a bar a period, each a link to ``url(first day, last day)`` of its
    period (the current search with only its dates changed, ``search/links.py``)."""
    top = nice_top(line.highest)
    counts = line.series[0].counts
    found = []
    for i, (period, count) in enumerate(zip(line.periods, counts)):
        x, width = column(i, len(line.periods))
        bar_width = min(WIDEST_BAR, max(1.0, width * BAR_SHARE))
        height = height_of(count, top)
        found.append(Bar(period, count, url(period.start.isoformat(), period.end.isoformat()) if count else "",
                         period.overlaps(start, end), _r(x), _r(width), _r(x + (width - bar_width) / 2),
                         _r(HEIGHT - BOTTOM - height), _r(bar_width), _r(height)))
    return Chart(line, tuple(found), (), ticks(line.periods), grid(top), band(line.periods, start, end))


def lines(line: Timeline, start: datetime.date | None = None, end: datetime.date | None = None) -> Chart:
    """A comparison's chart: a line a counted term over the same periods, each with its own
    colour, dash and marker (never colour alone)."""
    top = nice_top(line.highest)
    drawn = []
    for style, series in enumerate(line.series):
        if not series.counted:
            continue
        points = []
        for i, count in enumerate(series.counts):
            x, width = column(i, len(line.periods))
            points.append((_r(x + width / 2), _r(HEIGHT - BOTTOM - (count / top * PLOT_HEIGHT if count else 0))))
        drawn.append(Line(series, style, MARKERS[style % len(MARKERS)], " ".join(f"{x},{y}" for x, y in points),
                          " ".join(marker(style, x, y) for x, y in points)))
    return Chart(line, (), tuple(drawn), ticks(line.periods), grid(top), band(line.periods, start, end))


def marker(style: int, x: float, y: float) -> str:
    """The marker of term number ``style`` at (x, y): on the chart, and in the legend."""
    return marker_path(MARKERS[style % len(MARKERS)], x, y, MARKER_SIZE + MARKER_GROWTH * (style % len(MARKERS)))


def marker_path(shape: str, x: float, y: float, size: float = MARKER_SIZE) -> str:
    """An SVG path drawing ``shape`` centred on (x, y)."""
    s = _r(size)
    if shape == "circle":
        return f"M{_r(x - s)},{_r(y)}a{s},{s} 0 1,0 {_r(2 * s)},0a{s},{s} 0 1,0 {_r(-2 * s)},0z"
    corners = {
        "square": [(-s, -s), (s, -s), (s, s), (-s, s)],
        "triangle": [(0, -s * 1.2), (s * 1.2, s), (-s * 1.2, s)],
        "diamond": [(0, -s * 1.3), (s * 1.3, 0), (0, s * 1.3), (-s * 1.3, 0)],
        "down": [(0, s * 1.2), (s * 1.2, -s), (-s * 1.2, -s)],
    }[shape]
    return "M" + "L".join(f"{_r(x + dx)},{_r(y + dy)}" for dx, dy in corners) + "z"


def _r(value: float) -> float:
    """Coordinates to a tenth of a unit: the markup stays short, the drawing the same."""
    rounded = round(value, 1)
    return int(rounded) if rounded == math.floor(rounded) else rounded
