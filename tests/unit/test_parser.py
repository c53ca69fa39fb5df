"""The page parser on the five real seed pages, on bad input, and on generated pages."""

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.parser import (
    Article,
    PageParseError,
    Photo,
    Subheading,
    decode_page,
    infer_year,
    parse_page,
)
from tests.seeds import EXPECTED, SEED_FILES, read_seed

DASHES = set("—–-─－")


def source_chars(text: str) -> Counter:
    """Non-whitespace characters of a page, less the heading markers at line starts."""
    chars = Counter()
    for line in text.split("\n"):
        chars.update(ch for ch in re.sub(r"^\s*#{1,6}", "", line) if not ch.isspace())
    return chars


def stored_fields(page) -> list[str]:
    fields = []
    for item in page.items:
        photos = [item] if isinstance(item, Photo) else item.photos
        if isinstance(item, Article):
            fields += [item.section, item.kicker, item.title, item.subtitle, item.byline]
            fields += [b.text for b in item.blocks if not isinstance(b, Photo)]
        for photo in photos:
            fields += [photo.caption, photo.description, photo.credit]
    return fields


def assert_text_conserved(text: str, page) -> None:
    stored = Counter(ch for field in stored_fields(page) for ch in field if not ch.isspace())
    source = source_chars(text)
    assert stored - source == Counter(), "the parser invented or duplicated characters"
    dropped = source - stored
    subtitles = sum(1 for a in page.articles if a.subtitle)
    assert set(dropped) <= DASHES, f"characters lost: {dropped}"
    assert sum(dropped.values()) <= 4 * subtitles


def summarise(item):
    if isinstance(item, Photo):
        return ("photo", item.caption, item.photographers, item.date)
    return (
        item.section, item.kicker, item.title, item.subtitle, item.reporters, item.correspondents,
        item.date, len(item.paragraphs), item.subheadings, len(item.photos),
    )


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_seed_page_items_match_what_a_reader_sees(number):
    page = parse_page(read_seed(number))
    assert [summarise(item) for item in page.items] == EXPECTED[number]


@pytest.mark.parametrize("number", range(len(SEED_FILES)))
def test_every_character_of_a_seed_page_is_stored_exactly_once(number):
    text = read_seed(number)
    assert_text_conserved(text, parse_page(text))


@pytest.mark.parametrize(
    "number, joined, broken_half",
    [
        (0, "我深刻认识到维护国家安全的重要性。”", "家安全的重要性。”"),
        (0, "自觉抵制破坏和损害国家安全的行为", "害国家安全的行为,自觉维护国家安全。"),
        (1, "现代煤化工、硅基新材料、新能源", "基新材料、新能源、装备制造、生物医药、文化旅游等方面一批重点项目。"),
        (1, "以抓实项目建设这个“点”为根本", None),
        (1, "最好的政策,让更多企业放心投资", None),
        (2, "现代产业体系重点产业链,编制产业链招商地图", None),
        (2, "市场化法治化国际化营商环境。", None),
        (3, "作出了郑重承诺", None),
        (3, "尽显昂扬斗志。会场外,奋斗热情", None),
        (4, "有针对性地招引建链、补链、延链、强链项目", None),
        (4, "通过揭短亮丑,检身改过", None),
    ],
)
def test_paragraphs_broken_by_a_column_wrap_are_rejoined(number, joined, broken_half):
    paragraphs = [p for a in parse_page(read_seed(number)).articles for p in a.paragraphs]
    assert any(joined in p for p in paragraphs)
    if broken_half:
        assert broken_half not in paragraphs


def test_a_paragraph_broken_around_a_photo_is_rejoined_and_the_photo_kept_at_its_place():
    article = parse_page(read_seed(4)).articles[0]
    kinds = [type(b).__name__ for b in article.blocks]
    photo_at = kinds.index("Photo")
    before = article.blocks[photo_at - 1]
    assert before.text.endswith("今年2月底复工,计划布局4套百米级风电叶片生产线,预计今年6月初建成投产。项目建成后每年可生产300套93米以上大型风电叶片,预计年产值将超过8亿元,将为昌吉州能源产业转型升级和经济高质量发展提供有力支撑。”新疆成飞新材料有限公司副总经理车林告诉记者。")
    photo = article.blocks[photo_at]
    assert photo.caption == "3月24日上午,新疆成飞新材料有限公司风电叶片生产基地项目建设现场,工人们正在加紧施工。"
    assert photo.credit == "本报记者 刘茜 摄"
    assert photo.photographers == ["刘茜"]


def test_a_photo_between_byline_and_text_opens_the_article():
    article = parse_page(read_seed(3)).articles[0]
    assert isinstance(article.blocks[0], Photo)
    assert article.blocks[0].caption.startswith("5月17日下午,2023年新疆·昌吉")
    assert article.blocks[0].date.isoformat() == "2023-05-17"


def test_a_stand_alone_photo_keeps_caption_description_and_credit_apart():
    photo = parse_page(read_seed(0)).photos[0]
    assert photo.caption == "4月16日,民警帮助牧民看护羊群。"
    assert photo.description.startswith("随着天气转暖,北塔山边境牧场的牲畜开始陆续转场。")
    assert photo.credit == "本报记者 何龙 摄"


def test_photos_printed_under_a_feature_belong_to_it():
    article = parse_page(read_seed(2)).articles[0]
    assert [p.caption[:8] for p in article.photos] == ["准东经济技术开发", "位于昌吉国家高新"]
    assert isinstance(article.blocks[-1], Photo)


def test_two_line_subheadings_stay_inside_the_article_in_order():
    article = parse_page(read_seed(2)).articles[0]
    kinds = [type(b) for b in article.blocks]
    assert kinds.count(Subheading) == 3
    assert kinds.index(Subheading) == 3  # after the three opening paragraphs


def test_byline_and_body_are_split_at_the_colon():
    article = parse_page(read_seed(0)).articles[0]
    assert article.byline == "本报讯 记者刘茜、通讯员高祥钧报道:"
    assert article.paragraphs[0].startswith("4月17日,记者从昌吉州商务局获悉")


def test_lead_in_lines_ending_with_dashes_are_paragraphs_not_headings():
    article = parse_page(read_seed(3)).articles[0]
    assert "这是一场精准对接、诚意满满的推介——" in article.paragraphs


def test_text_is_never_fixed():
    """The seeds carry an OCR slip ("and") and a garbled name; both are kept as printed."""
    assert "引进了一批重大项目 and 重点产业上下游项目" in parse_page(read_seed(0)).articles[0].paragraphs[3]
    assert parse_page(read_seed(4)).articles[3].reporters == ["苻苻·马汗"]


class TestYear:
    def test_most_mentioned_year_wins_and_ties_go_to_the_latest(self):
        assert infer_year("2022年 2022年 2023年") == 2022
        assert infer_year("2022年 2023年") == 2023
        assert infer_year("投资1026亿元,2060.43亿元") is None

    def test_seed_page_with_a_tie_between_2022_and_2023_is_dated_2023(self):
        page = parse_page(read_seed(4))
        assert (page.year, page.year_inferred) == (2023, True)

    def test_a_given_year_overrides_the_inferred_one(self):
        page = parse_page(read_seed(0), year=2021)
        assert page.articles[0].date.isoformat() == "2021-04-17"
        assert page.year_inferred is False

    def test_a_page_without_any_year_keeps_dates_empty(self):
        page = parse_page("标题\n\n本报讯 记者刘茜报道:4月17日,开会。\n")
        assert page.articles[0].date is None
        assert page.year is None

    def test_an_impossible_dateline_gives_no_date(self):
        page = parse_page("2023年\n\n标题\n\n本报讯 记者刘茜报道:2月30日,开会。\n")
        assert page.articles[-1].date is None


class TestBadInput:
    def test_empty_file(self):
        with pytest.raises(PageParseError, match="empty") as error:
            decode_page(b"  \n\n")
        assert error.value.line == 1

    def test_binary_data_names_the_line(self):
        with pytest.raises(PageParseError, match="binary") as error:
            decode_page("标题\n\n正文\n".encode() + b"\x00\x01\x02")
        assert error.value.line == 4

    def test_control_characters_are_binary(self):
        with pytest.raises(PageParseError, match="binary") as error:
            decode_page("标题\n正文\x07\n".encode())
        assert error.value.line == 2

    def test_gb18030_is_tried_before_giving_up(self):
        text = read_seed(0)
        assert decode_page(text.encode("gb18030")) == text

    def test_undecodable_bytes_name_the_line(self):
        data = "第一行\n第二行\n".encode() + b"\xff\xff\xff\xff\n"
        with pytest.raises(PageParseError, match="not UTF-8 or GB18030") as error:
            decode_page(data)
        assert error.value.line == 3

    def test_a_page_with_no_item_is_an_error_naming_its_first_line(self):
        with pytest.raises(PageParseError, match="no article") as error:
            parse_page("\n\n这是一段普通的文字。\n\n又一段文字。\n")
        assert error.value.line == 3
        assert error.value.located("x.txt") == "x.txt:3: no article headline, byline or photo credit found"

    def test_windows_line_endings_and_bom_parse_like_the_original(self):
        text = read_seed(1)
        decoded = decode_page(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
        assert [summarise(i) for i in parse_page(decoded).items] == EXPECTED[1]


# --- generated and mangled pages ----------------------------------------------------------

SEED_LINES = [line for path in SEED_FILES for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
PIECES = st.one_of(
    st.sampled_from(SEED_LINES),
    st.sampled_from(["本报记者 何龙 摄", "梁宏涛 摄", "本报记者 刘茜", "本报讯 记者刘茜、通讯员高祥钧报道:", "——副题",
                     "# ", "## 标题", "强信心 起好步 开新局", "“链”上招商新赛道\n打造经济发展增长极"]),
    st.text(alphabet=st.sampled_from(list("昌吉州招商引资,。、:“”——#·摄 本报讯记者通讯员0123456789年月日abc\t")), max_size=80),
)
PAGES = st.lists(st.tuples(PIECES, st.integers(1, 4)), min_size=1, max_size=30).map(
    lambda parts: "".join(piece + "\n" * gap for piece, gap in parts)
)


def parse_or_reject(text: str):
    try:
        return parse_page(text)
    except PageParseError as error:
        assert error.line and error.line >= 1
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAGES)
def test_generated_pages_never_crash_and_never_lose_a_character(text):
    page = parse_or_reject(text)
    if page is not None:
        assert_text_conserved(text, page)


@st.composite
def mangled_seed(draw):
    lines = read_seed(draw(st.integers(0, len(SEED_FILES) - 1))).split("\n")
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(lines) - 1))
        operation = draw(st.sampled_from(["drop", "duplicate", "blank", "marker", "merge", "split"]))
        if operation == "drop":
            del lines[at]
        elif operation == "duplicate":
            lines.insert(at, lines[at])
        elif operation == "blank":
            lines.insert(at, "")
        elif operation == "marker":
            lines[at] = "#" * draw(st.integers(1, 3)) + " " + lines[at]
        elif operation == "merge" and at + 1 < len(lines):
            lines[at:at + 2] = [lines[at] + lines[at + 1]]
        elif operation == "split" and len(lines[at]) > 2:
            cut = draw(st.integers(1, len(lines[at]) - 1))
            lines[at:at + 1] = [lines[at][:cut], "", lines[at][cut:]]
        if not lines:
            lines = [""]
    return "\n".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_seed())
def test_mangled_seed_pages_never_crash_and_never_lose_a_character(text):
    page = parse_or_reject(text)
    if page is not None:
        assert_text_conserved(text, page)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_decoded_or_rejected_with_a_line(data):
    try:
        text = decode_page(data)
    except PageParseError as error:
        assert error.line >= 1
        return
    page = parse_or_reject(text)
    if page is not None:
        assert_text_conserved(text, page)


def test_a_page_is_dated_by_its_newest_dateline_or_else_the_newest_day_it_mentions():
    assert [parse_page(read_seed(n)).date.isoformat() for n in range(5)] == [
        "2023-04-17", "2023-08-18", "2023-04-21", "2023-05-17", "2023-03-26"]

