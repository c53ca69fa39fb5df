"""Search pieces without a database: query parsing, the scoring plan, the engines' compilers,
marking matches."""

import math

import pytest

from search.engines.sqlite_query import match_expression
from search.highlight import highlight, snippet
from search.query import QueryTooComplex, parse_query
from search.scoring import bm25, idf, plan, quantized


class TestHighlight:
    def test_marks_land_on_the_matched_characters(self):
        assert highlight("昌吉州一季度招商引资实现", ["引资"]) == "昌吉州一季度招商<mark>引资</mark>实现"

    def test_marks_span_punctuation_inside_a_match_and_merge_overlaps(self):
        assert highlight("签约,招商引资", ["约招", "招商", "商引"]) == "签<mark>约,招商引</mark>资"

    def test_traditional_and_full_width_queries_mark_simplified_text(self):
        atoms = parse_query("國家安全 ２０２３").atoms
        assert highlight("2023年国家安全教育日", atoms) == "<mark>2023</mark>年<mark>国家</mark><mark>安全</mark>教育日" \
            or highlight("2023年国家安全教育日", atoms) == "<mark>2023</mark>年<mark>国家安全</mark>教育日"

    def test_html_in_the_text_stays_escaped(self):
        marked = snippet('<script>alert("x")</script>招商<b>', ["招商"])
        assert "<script>" not in marked and "&lt;script&gt;" in marked
        assert "<mark>招商</mark>&lt;b&gt;" in marked

    def test_snippet_centres_on_the_first_match(self):
        text = "甲" * 300 + "招商" + "乙" * 300
        marked = snippet(text, ["招商"])
        assert marked.startswith("…") and marked.endswith("…") and "<mark>招商</mark>" in marked




class TestQuery:
    def test_words_phrases_or_and_exclusions(self):
        query = parse_query('招商引资 "州县联动、领导包联" 消防 OR 献血 -亚欧')
        assert [[c.atoms for c in group] for group in query.groups] == [
            [["招商引资"]], [["州县联动领导包联"]], [["消防"], ["献血"]]]
        assert [c.atoms for c in query.excluded] == [["亚欧"]]
        assert query.whole == ""  # alternatives are never one printed phrase
        assert parse_query("国家 安全").whole == "国家安全"

    def test_nothing_typed_is_syntax_to_an_engine(self):
        for text in ["title:招商", "[a TO b]", "招商*", 'NEAR(a b)', "{units}:x"]:
            assert all(atom.isalnum() for atom in parse_query(text).atoms)

    def test_traditional_and_full_width_are_folded(self):
        assert parse_query("國家安全 ＧＭＰ").atoms == parse_query("国家安全 gmp").atoms


class TestScoring:
    def test_the_plan_names_each_kind_of_evidence(self):
        evidence = plan(parse_query("国家安全"))
        assert [(e.field, e.literals) for e in evidence] == [
            ("text", ("国家", "安全")), ("words", ("国家", "安全")), ("head", ("国家", "安全")),
            ("text", ("国家安全",)), ("head", ("国家安全",))]

    def test_one_character_words_are_no_headline_or_word_evidence(self):
        fields = {e.field for e in plan(parse_query("是"))}
        assert fields == {"text"}

    def test_the_whole_query_weighs_more_the_longer_it_is(self):
        def whole_weight(text):
            return next(e.weight for e in reversed(plan(parse_query(text))) if e.field == "text")
        assert whole_weight("维护国家安全教育日") > whole_weight("国家安全")

    def test_bm25_by_the_formula(self):
        # idf = ln((10 − 2 + 0.5) / (2 + 0.5)); tf 3 in a field of 20 tokens, the mean 10
        expected = math.log(8.5 / 2.5) * (3 * 2.2) / (3 + 1.2 * (0.25 + 0.75 * 2))
        assert bm25(idf(10, 2), 3, 20, 10) == pytest.approx(expected, rel=1e-12)
        assert idf(10, 9) == 1e-6  # a literal in most items still counts, barely
        assert quantized(1.0000004) == quantized(1.0000001) == 1_000_000 < quantized(1.0000006)


class TestFts5Compiler:
    def test_query_text_never_reaches_fts5_as_syntax(self):
        hostile = 'a" OR b NEAR(c) * {units} : ^d -e "f'
        expression = match_expression(parse_query(hostile))
        parts = expression.split('"')
        quoted, outside = parts[1::2], parts[0::2]
        assert quoted and all(part.replace(" ", "").isalnum() for part in quoted)  # only units inside quotes
        syntax = set(" ".join(outside).replace("(", " ").replace(")", " ").split())
        ours = {"AND", "OR", "NOT", ":", "{units", "body_units}", "{bigrams", "body_bigrams}"}
        assert syntax <= ours  # only ours outside


class TestQueryLimits:
    def test_what_readers_type_is_never_refused(self):
        for text in ["4月12日上午,昌吉州召开全州招商引资工作推进会议,深入学习贯彻落实党的二十大精神和自治区党委有关会议精神",
                     "13999999999", "1000000000", "招商 OR 投资 OR 签约", '"州县联动、领导包联" 招商 -消博会', "哈哈哈"]:
            parse_query(text)

    def test_what_only_robots_and_garbage_send_is_refused_naming_the_limit(self):
        for text, limit in [("a" * 30, "同一个字连续最多 8 次"), ("1" * 30, "同一个数字连续最多 16 次"),
                            (" ".join(f"w{n}" for n in range(60)), "最多 48 个词"),
                            ('"a" ' * 9, "引号短语最多 8 个"), (" OR ".join(f"w{n}" for n in range(14)), "OR 连接的词最多 12 个")]:
            with pytest.raises(QueryTooComplex, match=limit):
                parse_query(text)
