"""The search page's date facet over several years: years first, a year's months once the
dates chosen fall in it, each link the current search with only its dates changed."""

from urllib.parse import parse_qs, urlsplit

from search.links import date_links, search_url
from search.results import MonthFacet, SearchResults

MONTHS = [MonthFacet("2024-02", 5), MonthFacet("2024-01", 7), MonthFacet("2023-12", 2),
          MonthFacet("2023-04", 3), MonthFacet("2021-07", 1)]  # newest first, as results give them


def links(**params):
    return date_links(SearchResults(total=18, page=1, num_pages=1, hits=[], took_ms=0, months=MONTHS),
                      {"q": "昌吉", "sort": "newest", **params})


def shown(found):
    return [(link.label, link.count, link.active) for link in found]


def dates(link):
    query = parse_qs(urlsplit(link.url).query)
    return query["start"][0], query["end"][0]


def test_without_dates_the_years_are_offered_and_no_months():
    found = links()
    assert shown(found["year_links"]) == [("2024年", 12, False), ("2023年", 5, False), ("2021年", 1, False)]
    assert found["month_links"] == [] and found["focused_year"] is None
    assert [dates(link) for link in found["year_links"]][1] == ("2023-01-01", "2023-12-31")


def test_a_chosen_year_lists_its_months_only():
    found = links(start="2023-01-01", end="2023-12-31")
    assert ("2023年", 5, True) in shown(found["year_links"])
    assert shown(found["month_links"]) == [("2023年12月", 2, False), ("2023年4月", 3, False)]
    assert dates(found["month_links"][1]) == ("2023-04-01", "2023-04-30") and found["focused_year"] == 2023


def test_a_chosen_month_is_marked_and_its_year_widens_to_the_year():
    found = links(start="2024-02-01", end="2024-02-29")
    assert shown(found["month_links"]) == [("2024年2月", 5, True), ("2024年1月", 7, False)]
    assert shown(found["year_links"])[0] == ("2024年", 12, False)


def test_dates_in_different_years_or_only_one_date_list_no_months():
    assert links(start="2023-04-01", end="2024-01-31")["month_links"] == []
    assert links(start="2023-04-01")["month_links"] == [] and links(end="2023-04-30")["month_links"] == []


def test_every_link_is_the_search_with_only_its_dates_changed():
    params = {"q": "a&b 昌吉", "section": "4", "type": "article", "person": "9", "start": "2023-01-01",
              "end": "2023-12-31", "sort": "newest"}
    found = date_links(SearchResults(total=18, page=1, num_pages=1, hits=[], took_ms=0, months=MONTHS), params)
    for link in found["year_links"] + found["month_links"]:
        start, end = dates(link)
        assert link.url == search_url(params, start=start, end=end)
