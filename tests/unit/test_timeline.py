"""Hits over time, without a database: month counts → the periods drawn (months, or years past
four years; empty periods between kept), the chart's geometry and links, and compare mode's
terms (招商 | 投资)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from search.forms import MAX_COMPARE_TERMS, compare_terms
from search.timeline import (MONTHS_DRAWN, Period, as_json, binned, month_period, of_months, periods_between,
                             timeline, unit_for)
from search.timeline_chart import (CHARACTER, HEIGHT, LEFT, MARKERS, WIDTH, bars, lines, nice_top, tick_step,
                                   ticks)

D = datetime.date


def keys(line):
    return [period.key for period in line.periods]


# --- the periods ----------------------------------------------------------------------------------

def test_four_years_are_drawn_by_month_and_a_month_more_by_year():
    assert unit_for("2019-01", "2022-12") == "month"  # 48 months, both ends counted
    assert unit_for("2019-01", "2023-01") == "year"  # 49
    assert unit_for("2023-04", "2023-04") == "month"
    assert MONTHS_DRAWN == 48


def test_the_empty_months_between_the_first_and_the_last_are_drawn_as_zero():
    line = of_months({"2023-08": 5, "2023-03": 6, "2023-05": 3})
    assert line.unit == "month"
    assert keys(line) == ["2023-03", "2023-04", "2023-05", "2023-06", "2023-07", "2023-08"]
    assert line.series[0].counts == (6, 0, 3, 0, 0, 5)
    assert line.span == "2023年3月—2023年8月"


def test_a_span_across_new_year_runs_through_december():
    assert [p.key for p in periods_between("2022-11", "2023-02", "month")] == ["2022-11", "2022-12", "2023-01", "2023-02"]


def test_past_four_years_the_months_are_summed_into_years_with_the_empty_years_kept():
    line = of_months({"2016-05": 2, "2016-07": 1, "2019-01": 4, "2023-04": 6, "2023-08": 5})
    assert line.unit == "year"
    assert keys(line) == ["2016", "2017", "2018", "2019", "2020", "2021", "2022", "2023"]
    assert line.series[0].counts == (3, 0, 0, 4, 0, 0, 0, 11)
    assert sum(line.series[0].counts) == 18  # nothing lost in the binning


def test_a_period_runs_from_its_first_day_to_its_last():
    assert month_period(2024, 2) == Period("2024-02", D(2024, 2, 1), D(2024, 2, 29))  # a leap year
    assert month_period(2023, 2).end == D(2023, 2, 28)
    [year] = periods_between("2019-11", "2019-12", "year")
    assert (year.key, year.start, year.end, year.label, year.tick) == ("2019", D(2019, 1, 1), D(2019, 12, 31), "2019年", "2019")
    assert (month_period(2023, 4).label, month_period(2023, 4).tick) == ("2023年4月", "2023.4")


def test_months_outside_the_periods_are_not_counted():
    periods = periods_between("2023-04", "2023-05", "month")
    assert binned({"2023-03": 9, "2023-04": 1, "2023-05": 2, "2023-06": 9}, periods) == (1, 2)


def test_no_dated_count_draws_no_periods():
    assert of_months({}).periods == () and as_json(of_months({}))["periods"] == []


def test_a_comparison_draws_every_term_over_the_span_of_all():
    line = timeline([("招商", {"2023-04": 2}, False), ("投资", {"2023-08": 3, "2023-03": 1}, True),
                     ("消防", None, False)])
    assert keys(line) == ["2023-03", "2023-04", "2023-05", "2023-06", "2023-07", "2023-08"]
    assert [s.counts for s in line.series] == [(0, 2, 0, 0, 0, 0), (1, 0, 0, 0, 0, 3), None]
    assert [s.counted for s in line.series] == [True, True, False]
    assert line.approximate and line.highest == 3


def test_the_chosen_dates_mark_the_periods_they_touch():
    april = month_period(2023, 4)
    assert april.overlaps(D(2023, 4, 1), D(2023, 4, 30)) and april.overlaps(D(2023, 4, 30), None)
    assert april.overlaps(None, D(2023, 4, 1)) and april.overlaps(D(2023, 1, 1), D(2023, 12, 31))
    assert not april.overlaps(D(2023, 5, 1), None) and not april.overlaps(None, D(2023, 3, 31))
    assert not april.overlaps(None, None)  # no dates chosen: nothing marked


def test_the_api_gives_each_period_its_dates_and_count():
    answer = as_json(of_months({"2023-04": 2, "2023-06": 1}, approximate=True))
    assert answer == {"unit": "month", "approximate": True, "periods": [
        {"period": "2023-04", "start": "2023-04-01", "end": "2023-04-30", "count": 2},
        {"period": "2023-05", "start": "2023-05-01", "end": "2023-05-31", "count": 0},
        {"period": "2023-06", "start": "2023-06-01", "end": "2023-06-30", "count": 1}]}
    compared = as_json(timeline([("招商", {"2023-04": 2}, False), ("投资", None, False)]), compared=True)
    assert compared["periods"] == [{"period": "2023-04", "start": "2023-04-01", "end": "2023-04-30"}]
    assert compared["series"] == [{"term": "招商", "approximate": False, "counted": True, "counts": [2]},
                                  {"term": "投资", "approximate": False, "counted": False, "counts": None}]


# --- the chart ------------------------------------------------------------------------------------

def url(start, end):
    return f"/search/?q=x&start={start}&end={end}"


def test_each_bar_links_to_its_period_and_an_empty_one_to_nothing():
    chart = bars(of_months({"2023-03": 6, "2023-05": 3}), url)
    assert [(bar.period.key, bar.count, bar.url) for bar in chart.bars] == [
        ("2023-03", 6, "/search/?q=x&start=2023-03-01&end=2023-03-31"),
        ("2023-04", 0, ""),
        ("2023-05", 3, "/search/?q=x&start=2023-05-01&end=2023-05-31")]


def test_bars_stand_on_the_baseline_as_tall_as_their_counts_within_the_drawing():
    chart = bars(of_months({"2023-03": 6, "2023-04": 3, "2023-05": 1}), url)
    top = nice_top(6)
    assert top == 10
    heights = [bar.height for bar in chart.bars]
    assert heights[0] == pytest.approx(2 * heights[1], abs=0.2) and heights[1] == pytest.approx(3 * heights[2], abs=0.2)
    for bar in chart.bars:
        assert bar.y + bar.height == pytest.approx(chart.baseline, abs=0.1)
        assert LEFT <= bar.column_x <= bar.x and bar.x + bar.width <= bar.column_x + bar.column_width + 0.1 <= WIDTH
        assert 0 <= bar.y <= HEIGHT


def test_one_hit_among_many_is_still_a_bar_to_tap():
    chart = bars(of_months({"2023-03": 100_000, "2023-04": 1}), url)
    assert chart.bars[1].height >= 2 and chart.bars[0].height <= HEIGHT


def test_the_count_axis_ends_on_a_round_number():
    assert [nice_top(n) for n in (0, 1, 2, 3, 6, 10, 11, 49, 51, 120_001)] == [1, 1, 2, 5, 10, 10, 20, 50, 100, 200_000]
    assert [line.label for line in bars(of_months({"2023-03": 31_000}), url).grid] == ["0", "2.5万", "5万"]


def test_the_chosen_dates_are_marked_and_shaded():
    chart = bars(of_months({"2023-03": 6, "2023-04": 6, "2023-05": 3}), url, D(2023, 4, 1), D(2023, 4, 30))
    assert [bar.chosen for bar in chart.bars] == [False, True, False]
    assert (chart.band.x, chart.band.width) == (chart.bars[1].column_x, chart.bars[1].column_width)
    assert bars(of_months({"2023-03": 6}), url).band is None


@pytest.mark.parametrize("months", [1, 2, 6, 13, 25, 48])
def test_month_labels_never_overlap_and_fall_on_round_months(months):
    counts = {f"{2019 + n // 12}-{n % 12 + 1:02d}": 1 for n in range(months)}
    found = ticks(of_months(counts).periods)
    assert found
    for left, right in zip(found, found[1:]):
        assert right.x - left.x >= (len(left.text) + len(right.text)) / 2 * CHARACTER, (left, right)
    for tick in found:
        assert len(tick.text) * CHARACTER / 2 <= tick.x + 0.1 and tick.x + len(tick.text) * CHARACTER / 2 <= WIDTH + 0.1
    if months == 48:  # 48 thin bars: a label every few months, on January, April…
        step = tick_step(of_months(counts).periods)
        assert step > 1 and all(int(tick.text.split(".")[1]) % step == 1 % step for tick in found)


def test_year_labels_of_a_long_archive_fall_on_round_years():
    found = ticks(of_months({"1950-01": 1, "2023-12": 1}).periods)
    years = [int(tick.text) for tick in found]
    assert years[0] <= 1955 and years[-1] >= 2015 and len({b - a for a, b in zip(years, years[1:])}) == 1


def test_a_comparison_draws_a_line_a_counted_term_each_with_its_own_marker():
    line = timeline([(term, {"2023-03": n, "2023-05": n + 1}, False) for n, term in enumerate("甲乙丙丁戊")]
                    + [("己", None, False)])
    chart = lines(line)
    assert [drawn.series.name for drawn in chart.lines] == list("甲乙丙丁戊")  # 己 was not counted
    assert len({drawn.style for drawn in chart.lines}) == 5 and [d.marker for d in chart.lines] == list(MARKERS)
    for drawn in chart.lines:
        points = [tuple(map(float, p.split(","))) for p in drawn.points.split()]
        assert len(points) == len(line.periods) == 3
        assert [y for _, y in points][1] == chart.baseline  # April: none, on the baseline
        assert len(re.findall("M", drawn.markers)) == 3  # a marker at every point
    assert chart.bars == ()


# --- compare mode's terms ---------------------------------------------------------------------------

def test_terms_are_split_on_bars_half_or_full_width_with_spaces_or_none():
    assert [text for text, _ in compare_terms("招商 | 投资")] == ["招商", "投资"]
    assert [text for text, _ in compare_terms("招商｜投资 |  “开门红” ")] == ["招商", "投资", "“开门红”"]
    [(_, parsed)] = compare_terms("招商 -消博会 | 投资")[:1]
    assert parsed.excluded and parsed.groups  # each term is a query of its own


def test_one_term_is_a_plain_search():
    assert compare_terms("招商") == () and compare_terms("招商 |") == () and compare_terms("| 招商 | 招商") == ()


def test_more_terms_than_the_limit_is_a_message():
    with pytest.raises(ValidationError, match=f"最多 {MAX_COMPARE_TERMS} 个"):
        compare_terms(" | ".join("甲乙丙丁戊己"))
    assert len(compare_terms(" | ".join("甲乙丙丁戊"))) == MAX_COMPARE_TERMS


@pytest.mark.parametrize("text", ["招商 | ,。!", "招商 | -消博会"])
def test_a_term_with_nothing_to_find_is_a_message_naming_it(text):
    with pytest.raises(ValidationError, match="比较的“"):
        compare_terms(text)
