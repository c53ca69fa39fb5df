"""The section facet of a search lists the sections with most results (and the one chosen),
however many sections the results fall in: an archive has thousands of rubrics."""

import pytest

from archive.models import Section
from search.results import SECTION_FACETS, _section_counts

pytestmark = pytest.mark.django_db


def test_the_section_facet_lists_the_largest_and_keeps_the_chosen_one():
    sections = Section.objects.bulk_create([Section(name=f"专栏{n:03d}") for n in range(SECTION_FACETS + 30)])
    counts = {section.pk: n + 1 for n, section in enumerate(sections)}
    listed = _section_counts(counts, chosen=None)
    assert [n for _, n in listed] == sorted(counts.values(), reverse=True)[:SECTION_FACETS]
    smallest = sections[0]
    with_chosen = _section_counts(counts, chosen=smallest.pk)
    assert len(with_chosen) == SECTION_FACETS + 1 and with_chosen[-1] == (smallest, 1)
