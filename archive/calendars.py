"""Month calendars for the date archive (pure Python)."""

import calendar
import datetime
from dataclasses import dataclass

WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


@dataclass(frozen=True)
class Day:
    date: datetime.date
    count: int  # items that day; 0 renders as plain text, not a link
    in_month: bool


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    weeks: list[list[Day]]

    @property
    def total(self) -> int:
        return sum(day.count for week in self.weeks for day in week if day.in_month)


def month_calendar(year: int, month: int, counts: dict) -> Month:
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return Month(year, month, [
        [Day(day, counts.get(day, 0) if day.month == month else 0, day.month == month) for day in week]
        for week in weeks
    ])


def months_with_items(counts: dict, year: int) -> list[Month]:
    months = sorted({day.month for day in counts if day.year == year})
    return [month_calendar(year, month, counts) for month in months]
