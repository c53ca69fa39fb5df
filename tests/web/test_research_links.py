"""The results page offers the search shown as downloads (导出 CSV, 导出 JSON Lines, with or without
the text) and as a feed to follow (订阅此检索, and a ``<link rel="alternate">`` in its head)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from archive.models import Section

SECTION = "强信心 起好步 开新局"


def page(client, **params) -> str:
    return client.get(reverse("search:search"), params).content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_archive")
class TestTheResultsPageLinks:
    def test_the_page_links_its_feed_and_its_exports_with_its_parameters(self, client):
        section = Section.objects.get(name=SECTION)
        shown = page(client, q="昌吉", section=section.pk, sort="oldest")
        head = shown.split("</head>")[0]
        feed_address = f'/search/feed/?q=%E6%98%8C%E5%90%89&amp;section={section.pk}'  # no sort: always newest
        assert (f'<link rel="alternate" type="application/atom+xml" title="订阅检索“昌吉”(栏目:{SECTION})" '
                f'href="{feed_address}">') in head
        assert f'href="{feed_address}" type="application/atom+xml" id="search-feed-link">订阅此检索</a>' in shown
        csv_address = f"/search/export.csv?q=%E6%98%8C%E5%90%89&amp;section={section.pk}&amp;sort=oldest"
        assert f'<a href="{csv_address}" download>导出 CSV</a>' in shown
        assert f'<a href="{csv_address}&amp;text=1" download>导出 CSV(含全文)</a>' in shown
        assert "导出 JSON Lines</a>" in shown and "导出 JSON Lines(含全文)</a>" in shown

    def test_no_results_offer_no_export_but_may_be_followed(self, client):
        shown = page(client, q="量子计算机")
        assert "订阅此检索" in shown and "导出 CSV" not in shown

    def test_nothing_searched_offers_neither(self, client):
        for params in [{}, {"q": ""}, {"q": "招商", "start": "bad"}, {"q": "招商 | 投资"}]:
            shown = page(client, **params)
            assert "订阅此检索" not in shown and "导出 CSV" not in shown and 'title="订阅检索' not in shown, params

    def test_a_search_over_the_limit_says_where_its_export_is_cut(self, client):
        with override_settings(ARCHIVE_EXPORT_LIMIT=4):
            cut = page(client, q="昌吉")
        assert "结果超过导出上限,导出前 4 条" in cut
        assert "导出 CSV(前 4 条)</a>" in cut and "导出 JSON Lines(含全文,前 4 条)</a>" in cut
        whole = page(client, q="昌吉")
        assert "导出全部结果" in whole and "导出 CSV</a>" in whole and "前 10,000 条" not in whole
