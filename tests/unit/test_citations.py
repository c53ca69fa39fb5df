"""Citations in GB/T 7714-2015, APA and MLA, from plain facts shaped as the seed pages' articles
are: bylines of one to several names, none, more than GB/T's three, pages with and without a
printed label, dates read from a file's path, estimated from datelines, or missing."""

import datetime

import pytest

from archive import citations, citing
from archive.citations import ArticleFacts, Issue
from archive.models import DateSource, Page

APRIL_17 = datetime.date(2023, 4, 17)
FRONT_PAGE = Issue("昌吉日报", APRIL_17, page="1")  # 2023-04-17/01.txt
OPENING = "昌吉州一季度招商引资实现“开门红”"


def article(title=OPENING, authors=("刘茜", "高祥钧"), issue=FRONT_PAGE):
    return ArticleFacts(title, tuple(authors), issue)


def test_the_product_owners_example_in_all_three_styles():
    cited = citations.article_citations(article())
    assert cited == {
        "gbt7714": "刘茜, 高祥钧. 昌吉州一季度招商引资实现“开门红”[N]. 昌吉日报, 2023-04-17(第1版).",
        "apa": "刘茜, & 高祥钧. (2023, April 17). 昌吉州一季度招商引资实现“开门红”. 昌吉日报, 1.",
        "mla": '刘茜 and 高祥钧. "昌吉州一季度招商引资实现“开门红”." 昌吉日报, 17 Apr. 2023, p. 1.',
    }


def test_one_author():
    cited = citations.article_citations(article("昌吉州政协召开专题协商议政会", ["田晶"]))
    assert cited["gbt7714"] == "田晶. 昌吉州政协召开专题协商议政会[N]. 昌吉日报, 2023-04-17(第1版)."
    assert cited["apa"] == "田晶. (2023, April 17). 昌吉州政协召开专题协商议政会. 昌吉日报, 1."
    assert cited["mla"] == '田晶. "昌吉州政协召开专题协商议政会." 昌吉日报, 17 Apr. 2023, p. 1.'


def test_a_transliterated_name_is_written_as_printed():
    cited = citations.article_citations(article("昌吉州第二届天山北麓葡萄酒节直播大赛启动", ["荷苒·马汗"]))
    assert cited["gbt7714"].startswith("荷苒·马汗. 昌吉州第二届")
    assert cited["mla"].startswith('荷苒·马汗. "昌吉州第二届')


def test_no_author_starts_with_the_title():
    cited = citations.article_citations(article(authors=()))
    assert cited["gbt7714"] == "昌吉州一季度招商引资实现“开门红”[N]. 昌吉日报, 2023-04-17(第1版)."
    assert cited["apa"] == "昌吉州一季度招商引资实现“开门红”. (2023, April 17). 昌吉日报, 1."
    assert cited["mla"] == '"昌吉州一季度招商引资实现“开门红”." 昌吉日报, 17 Apr. 2023, p. 1.'


def test_three_authors_are_all_named_and_a_fourth_makes_gbt_write_deng():
    three = citations.article_citations(article(authors=["刘茜", "宋华敏", "朱卫华"]))
    assert three["gbt7714"].startswith("刘茜, 宋华敏, 朱卫华. 昌吉州")
    assert three["apa"].startswith("刘茜, 宋华敏, & 朱卫华. (2023")
    assert three["mla"].startswith('刘茜 et al. "昌吉州')
    four = citations.article_citations(article(authors=["刘茜", "宋华敏", "朱卫华", "林海明"]))
    assert four["gbt7714"] == "刘茜, 宋华敏, 朱卫华, 等. 昌吉州一季度招商引资实现“开门红”[N]. 昌吉日报, 2023-04-17(第1版)."
    assert four["apa"].startswith("刘茜, 宋华敏, 朱卫华, & 林海明. (2023")
    assert "林海明" not in four["mla"]


def test_apa_names_twenty_authors_and_past_that_the_first_nineteen_and_the_last():
    names = [f"作者{n:02d}" for n in range(1, 23)]
    assert citations.apa_article(article(authors=names[:20])).startswith(", ".join(names[:19]) + ", & 作者20. (")
    assert citations.apa_article(article(authors=names)).startswith(", ".join(names[:19]) + ", . . . 作者22. (")


def test_a_title_ending_a_sentence_takes_no_added_period():
    cited = citations.article_citations(article("开工! 吹响项目建设“冲锋号”", ["刘茜", "宋华敏"]))
    assert "吹响项目建设“冲锋号”[N]." in cited["gbt7714"]
    assert "吹响项目建设“冲锋号”. 昌吉日报" in cited["apa"]
    shouting = citations.article_citations(article("开工!", ["刘茜"]))
    assert "(2023, April 17). 开工! 昌吉日报, 1." in shouting["apa"]
    assert '"开工!" 昌吉日报' in shouting["mla"]


def test_the_title_is_never_altered_and_a_title_on_two_lines_is_cited_on_one():
    title = "“链”上昌吉 融入“丝路”昌吉州招商引资推介会暨项目签约仪式在乌举行"
    for text in citations.article_citations(article(title, ["左晓雨"])).values():
        assert title in text
    two_lines = citations.gbt7714_article(article("没有等出来的精彩\n只有干出来的辉煌"))
    assert "没有等出来的精彩 只有干出来的辉煌[N]" in two_lines


def test_no_title_is_said_in_brackets():
    assert citations.gbt7714_article(article("", ["刘茜"])).startswith("刘茜. [无题名][N]. 昌吉日报")


def test_a_page_without_a_printed_label_is_cited_without_a_page():
    issue = Issue("昌吉日报", APRIL_17)
    cited = citations.article_citations(article(issue=issue))
    assert cited["gbt7714"].endswith("[N]. 昌吉日报, 2023-04-17.")
    assert cited["apa"].endswith("(2023, April 17). 昌吉州一季度招商引资实现“开门红”. 昌吉日报.")
    assert cited["mla"].endswith('." 昌吉日报, 17 Apr. 2023.')


def test_a_lettered_page_is_cited_as_labelled():
    issue = Issue("昌吉日报", APRIL_17, page="A03")
    cited = citations.article_citations(article(issue=issue))
    assert cited["gbt7714"].endswith("昌吉日报, 2023-04-17(A03版).")
    assert cited["apa"].endswith("昌吉日报, A03.")
    assert cited["mla"].endswith("17 Apr. 2023, p. A03.")


def test_a_date_estimated_from_the_pages_datelines_is_bracketed():
    """The seed pages: no date or page in their file names, the date read from their datelines."""
    issue = Issue("昌吉日报", APRIL_17, date_estimated=True)
    cited = citations.article_citations(article(issue=issue))
    assert cited["gbt7714"] == "刘茜, 高祥钧. 昌吉州一季度招商引资实现“开门红”[N]. 昌吉日报, [2023-04-17]."
    assert cited["apa"] == "刘茜, & 高祥钧. ([2023, April 17]). 昌吉州一季度招商引资实现“开门红”. 昌吉日报."
    assert cited["mla"] == '刘茜 and 高祥钧. "昌吉州一季度招商引资实现“开门红”." 昌吉日报, [17 Apr. 2023].'


def test_no_date_is_said_in_each_styles_way():
    issue = Issue("昌吉日报", None)
    cited = citations.article_citations(article(issue=issue))
    assert cited["gbt7714"] == "刘茜, 高祥钧. 昌吉州一季度招商引资实现“开门红”[N]. 昌吉日报, [出版日期不详]."
    assert cited["apa"] == "刘茜, & 高祥钧. (n.d.). 昌吉州一季度招商引资实现“开门红”. 昌吉日报."
    assert cited["mla"] == '刘茜 and 高祥钧. "昌吉州一季度招商引资实现“开门红”." 昌吉日报.'


def test_a_whole_page():
    assert citations.page_citations(FRONT_PAGE) == {
        "gbt7714": "昌吉日报[N]. 2023-04-17(第1版).",
        "apa": "昌吉日报. (2023, April 17). [Page 1].",
        "mla": "昌吉日报, 17 Apr. 2023, p. 1.",
    }
    unlabelled = citations.page_citations(Issue("昌吉日报", APRIL_17, date_estimated=True))
    assert unlabelled == {"gbt7714": "昌吉日报[N]. [2023-04-17].", "apa": "昌吉日报. ([2023, April 17]).",
                          "mla": "昌吉日报, [17 Apr. 2023]."}
    assert citations.page_citations(Issue("昌吉日报", None))["gbt7714"] == "昌吉日报[N]. [出版日期不详]."


@pytest.mark.parametrize("month, mla", [(5, "May"), (6, "June"), (7, "July"), (9, "Sept."), (12, "Dec.")])
def test_mla_abbreviates_months_as_its_handbook_does(month, mla):
    issue = Issue("昌吉日报", datetime.date(2023, month, 2))
    assert citations.mla_page(issue) == f"昌吉日报, 2 {mla} 2023."


@pytest.mark.parametrize("source, label, printed", [
    ("2023-04-17/01.txt", "1", "1"),  # the label its file's name printed
    ("2023/04/17/A03.txt", "A03", "A03"),
    ("000_6cccedd8bdd5bbb2.txt", "1", ""),  # a seed page: numbered by ingest order, not printed
    ("2023-04-17/02.txt", "3", ""),  # a label that is not the file name's is not cited either
])
def test_only_a_label_the_file_name_printed_is_cited(source, label, printed):
    assert citing.printed_label(Page(source=source, label=label)) == printed


@pytest.mark.parametrize("source, estimated", [(DateSource.PATH, False), (DateSource.OPTION, False),
                                               (DateSource.DATELINE, True), (DateSource.MENTION, True)])
def test_a_date_read_from_the_pages_text_is_an_estimate(source, estimated, settings):
    settings.ARCHIVE_NEWSPAPER_TITLE = "奎屯日报"
    issue = citing.issue_of(Page(source="2023-04-17/01.txt", label="1", date=APRIL_17, date_source=source))
    assert issue == Issue("奎屯日报", APRIL_17, estimated, "1")
