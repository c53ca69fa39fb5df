"""Field syntax (标题:, 正文:, 作者:, 栏目:) and the advanced form's query writer — no database."""

import re

import pytest

from search.advanced import AdvancedQuery
from search.query import AUTHOR, BODY, HEAD, SECTION, TEXT, UnknownField, parse_query


def clauses(query: str) -> list[list[tuple[str, str]]]:
    return [[(c.field, c.run) for c in group] for group in parse_query(query).groups]


class TestFieldSyntax:
    @pytest.mark.parametrize("query", ["标题:招商", "title:招商", "TITLE:招商", "标题：招商", '标题:"招商"', "标题:“招商”"])
    def test_a_headline_field_in_either_language_and_colon(self, query):
        assert clauses(query) == [[(HEAD, "招商")]]

    def test_fields_mix_with_words_alternatives_and_exclusions(self):
        parsed = parse_query("标题:招商 OR 投资 昌吉 -标题:会议 -消博会")
        assert clauses("标题:招商 OR 投资 昌吉 -标题:会议 -消博会") == [[(HEAD, "招商"), (TEXT, "投资")], [(TEXT, "昌吉")]]
        assert [(c.field, c.run) for c in parsed.excluded] == [(HEAD, "会议"), (TEXT, "消博会")]
        # what the text must hold: every clause, in the text; only the text's exclusions
        in_text = parsed.matched_in()
        assert [[c.field for c in g] for g in in_text.groups] == [[TEXT, TEXT], [TEXT]]
        assert [c.run for c in in_text.excluded] == ["消博会"]
        assert [c.run for c in parsed.checked_excluded()] == ["会议"]

    @pytest.mark.parametrize("query", ["正文:招商", "body:招商", "Body：招商", '正文:"招商"'])
    def test_a_body_field_in_either_language_and_colon(self, query):
        assert clauses(query) == [[(BODY, "招商")]]

    def test_an_engine_that_looks_in_the_body_at_once_keeps_body_clauses_and_checks_the_rest(self):
        parsed = parse_query("正文:招商 OR 标题:投资 昌吉 -正文:会议 -标题:消博会")
        in_match = parsed.matched_in(frozenset({TEXT, BODY}))
        assert [[c.field for c in g] for g in in_match.groups] == [[BODY, TEXT], [TEXT]]
        assert [(c.field, c.run) for c in in_match.excluded] == [(BODY, "会议")]
        assert [[c.field for c in g] for g in parsed.checked_groups(frozenset({TEXT, BODY}))] == [[BODY, HEAD]]
        assert [c.run for c in parsed.checked_excluded(frozenset({TEXT, BODY}))] == ["消博会"]
        assert [c.run for c in parsed.checked_excluded()] == ["会议", "消博会"]  # what the text match alone leaves

    def test_a_headline_word_is_not_whole_query_evidence_with_the_text(self):
        assert parse_query("标题:招商 引资").whole == ""
        assert parse_query("招商 引资").whole == "招商引资"

    def test_author_and_section_are_names_for_the_filters(self):
        parsed = parse_query('作者:刘茜 栏目:"强信心 起好步 开新局" 招商')
        assert parsed.named == {AUTHOR: "刘茜", SECTION: "强信心 起好步 开新局"}
        assert clauses('作者:刘茜 栏目:"强信心 起好步 开新局" 招商') == [[(TEXT, "招商")]]
        assert parse_query("author:刘茜").is_empty  # no words: the filter alone

    @pytest.mark.parametrize("query, said", [
        ("titel:招商", "没有“titel”这个检索字段"),
        ("http://example.com", "没有“http”这个检索字段"),
        ("标题: 招商", "后面缺少要查找的文字"),
        ("标题:", "后面缺少要查找的文字"),
        ("-作者:刘茜", "不能排除"),
        ("作者:刘茜 OR 招商", "不能排除(-)或用 OR 连接"),
        ("招商 OR 栏目:要闻", "不能排除(-)或用 OR 连接"),
        ("作者:刘茜 作者:何龙", "只能限定一个作者"),
    ])
    def test_what_cannot_run_is_a_message(self, query, said):
        with pytest.raises(UnknownField, match=re.escape(said)):
            parse_query(query)

    def test_chinese_before_a_colon_is_text_unless_it_names_a_field(self):
        # pasted news text: what is printed is found
        assert clauses("佳敏报道:4月17日") == [[(TEXT, "佳敏报道4月17日")]]
        assert clauses("时间:4月17日") == [[(TEXT, "时间4月17日")]]
        assert clauses('"titel:招商"') == [[(TEXT, "titel招商")]]
        assert clauses("昌吉州商务局获悉:一季度")[0][0][0] == TEXT


class TestAdvancedQuery:
    def test_every_box_written_in_the_syntax(self):
        written = AdvancedQuery(all_words="招商 引资", phrase="开门红", any_words="献血 消防", none_words="消博会",
                                author="刘茜").written()
        assert written == '招商 引资 "开门红" 献血 OR 消防 -消博会 作者:刘茜'
        parsed = parse_query(written)
        assert [[c.run for c in g] for g in parsed.groups] == [["招商"], ["引资"], ["开门红"], ["献血", "消防"]]
        assert [c.run for c in parsed.excluded] == ["消博会"] and parsed.named == {AUTHOR: "刘茜"}

    def test_in_the_headline(self):
        written = AdvancedQuery(all_words="招商", phrase="开门红", any_words="献血 消防", none_words="会议", where=HEAD).written()
        assert written == '标题:招商 标题:"开门红" 标题:献血 OR 标题:消防 -标题:会议'
        assert {c.field for g in parse_query(written).groups for c in g} == {HEAD}

    @pytest.mark.parametrize("word", ["OR", "-消博会", "时间:4月", 'a"b', "http://x"])
    def test_a_word_the_syntax_would_read_otherwise_is_quoted(self, word):
        written = AdvancedQuery(all_words=f"招商 {word}").written()
        parsed = parse_query(written)  # never an unknown field, never an operator
        assert len(parsed.groups) == 2 and not parsed.excluded

    def test_quotes_inside_a_phrase_do_not_end_it(self):
        assert AdvancedQuery(phrase='州县联动"领导包联').written() == '"州县联动 领导包联"'

    def test_nothing_filled_writes_nothing(self):
        assert AdvancedQuery().written() == ""
