"""Where a page sits in the paper, read from its path, and dates printed in other digits."""

import datetime

import pytest

from archive.issues import label_sequence, place_from_path
from archive.numerals import ascii_dates
from archive.parser import parse_page

D = datetime.date


@pytest.mark.parametrize("path, date, label", [
    ("2023-04-17/01.txt", D(2023, 4, 17), "1"),
    ("/archive/2023/04/17/A01.txt", D(2023, 4, 17), "A01"),
    ("scans/20230417_A01.txt", D(2023, 4, 17), "A01"),
    ("2023-04-17_3.txt", D(2023, 4, 17), "3"),
    ("2023年4月17日/第3版.txt", D(2023, 4, 17), "3"),
    ("2023-04-17.txt", D(2023, 4, 17), ""),
    ("seeds/000_6cccedd8bdd5bbb2.txt", None, ""),  # a hash, not a date
    ("19981301.txt", None, ""),  # a thirteenth month is no date
    ("/tmp/tmpab20231105x/page.txt", None, ""),  # digits inside a word are no date
])
def test_the_issue_date_and_page_label_are_read_from_the_path(path, date, label):
    place = place_from_path(path)
    assert (place.date, place.label) == (date, label)


def test_labels_sort_in_reading_order():
    labels = ["B01", "10", "A02", "2", "A01", "1", "1001"]
    assert sorted(labels, key=label_sequence) == ["1", "2", "10", "1001", "A01", "A02", "B01"]


@pytest.mark.parametrize("printed, read", [
    ("二〇二三年四月十七日,昌吉州", "2023年4月17日,昌吉州"),
    ("二○二三年十二月三十一日", "2023年12月31日"),  # OCR's white circle for zero
    ("１９９８年５月３日", "1998年5月3日"),
    ("三月二十一日电", "3月21日电"),
    ("一季度全州", "一季度全州"),  # a number that is not a date is left alone
])
def test_dates_in_chinese_numerals_and_full_width_digits_are_read(printed, read):
    assert ascii_dates(printed) == read


def test_a_page_dated_in_chinese_numerals_gets_its_year_and_dateline():
    page = parse_page("标题一行\n\n本报讯 记者刘茜报道:二〇二三年四月十七日,记者从州商务局获悉,全州招商引资实现开门红。\n"
                      "今年以来,全州共签约项目十个。\n")
    assert page.year == 2023 and page.articles[0].date == D(2023, 4, 17)
    assert page.date == D(2023, 4, 17) and page.date_source == "dateline"


def test_full_width_years_count_when_the_year_is_inferred():
    page = parse_page("标题一行\n\n本报讯 记者刘茜报道:4月17日,全州在１９９８年以来首次实现开门红。１９９８年的记录被打破。\n")
    assert page.year == 1998 and page.year_inferred and page.articles[0].date == D(1998, 4, 17)
