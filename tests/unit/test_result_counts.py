"""How a count is shown: exact, or rounded and marked 约 when the engine estimated it."""

import pytest

from search.templatetags.search_tags import count


@pytest.mark.parametrize("number, approximate, shown", [
    (57, False, "57"), (121_455, False, "121455"),
    (57, True, "约 57"), (4_837, True, "约 4,800"), (121_455, True, "约 12.1万"), (120_000, True, "约 12万"),
])
def test_an_estimate_is_rounded_and_marked(number, approximate, shown):
    assert count(number, approximate) == shown
