"""Every URL the site serves, with hostile path numbers and query parameters, on an archive that
holds OCR garbage: never a 5xx. (How long each request may take is bounded by the server itself
— the search budget, the query limits — not measured here.)"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PARAMETERS = ["q", "page", "p", "sort", "section", "type", "start", "end", "person", "hl"]


def routes(patterns=None, prefix="") -> list[str]:
    """The site's routes (``dates/<int:year>/``…), the admin left out (it needs a login)."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith("admin/"):
                found += routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


NUMBERS = st.one_of(
    st.integers(0, 10**25).map(str),
    st.sampled_from(["0", "1", "12", "2023", "9999", "10000", "2147483648", "99999999999999999999", "-1", "١٢٣"]),
)
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "\u202e昌吉\u202c", "a" * 10_000, "招" * 10_000, "OR OR OR - - -", '"' * 30,
                     '"a" ' * 40, "-1", "99999999999999999999", "２０２３-０４-１７", "2023-02-30", "0000-00-00",
                     "9999-12-31", "relevance", "photo", "article", "a " * 300, "(((", "\\", "%00"]),
    NUMBERS,
)
REQUESTS = st.tuples(st.sampled_from(routes()), st.lists(NUMBERS, min_size=3, max_size=3),
                     st.dictionaries(st.sampled_from(PARAMETERS), TEXT, max_size=5))


def test_every_route_is_covered():
    assert {"dates/<int:year>/<int:month>/<int:day>/", "search/", "api/search/", "feeds/latest/"} <= set(routes())


@pytest.mark.usefixtures("hostile_archive")
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(request=REQUESTS)
def test_no_request_gets_a_server_error(client, request):
    route, numbers, params = request
    numbers = iter(numbers)
    path = "/" + re.sub(r"<\w+:\w+>", lambda _: next(numbers), route)
    response = client.get(path, params)
    assert response.status_code < 500, (path, params)
