"""Validates what the user sent; every bad value becomes a message, never an exception."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError

from archive.models import Person, PersonAlias, Section

from .advanced import AdvancedQuery
from .compare import Comparison, compare
from .query import AUTHOR, BODY, HEAD, SECTION, TEXT, ParsedQuery, QueryError, parse_query
from .results import SearchResults, search
from .engines import Filters

MAX_QUERY_CHARS = 200
MAX_PAGE = 500
SECTION_CHOICES = 50  # the section menu offers the largest: an archive has thousands of rubrics
NOT_A_PAGE = "页码(page)必须是正整数。"  # named as in the address: the page shows it, the API answers it


class QueryField(forms.CharField):
    def to_python(self, value):
        # Control characters (pasted from PDFs, or sent by robots) carry no meaning in a query.
        value = "".join(ch if unicodedata.category(ch) != "Cc" else " " for ch in str(value or ""))
        return super().to_python(value)


class PersonField(forms.ModelChoiceField):
    """A person by id; the id of a person since merged into another (``PersonAlias.former_id``)
    still names them, as their old page address does."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            former_id = str(value) if re.fullmatch(r"[0-9]{1,18}", str(value)) else None  # not "²", not 10**30
            alias = former_id and PersonAlias.objects.filter(former_id=former_id).select_related("person").first()
            if alias is None:
                raise
            return alias.person


class SearchForm(forms.Form):
    q = QueryField(label="检索词", required=False, max_length=MAX_QUERY_CHARS,
                   error_messages={"max_length": f"检索词太长了,最多 {MAX_QUERY_CHARS} 个字。"})
    section = forms.ModelChoiceField(Section.objects.all(), label="栏目", required=False, empty_label="全部栏目",
                                     error_messages={"invalid_choice": "没有这个栏目。"})
    type = forms.ChoiceField(label="类型", required=False,
                             choices=[("", "稿件和图片"), ("article", "稿件"), ("photo", "图片")],
                             error_messages={"invalid_choice": "类型只能是 article 或 photo。"})
    person = PersonField(Person.objects.all(), label="作者", required=False, widget=forms.HiddenInput,
                                    error_messages={"invalid_choice": "没有这位作者。"})
    start = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "起始日期格式应为 YYYY-MM-DD。"})
    end = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": "截止日期格式应为 YYYY-MM-DD。"})
    sort = forms.ChoiceField(label="排序", required=False,
                             choices=[("relevance", "相关度"), ("newest", "最新在前"), ("oldest", "最早在前")],
                             error_messages={"invalid_choice": "排序只能是 relevance、newest 或 oldest。"})
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput,
                              error_messages={"invalid": NOT_A_PAGE, "min_value": NOT_A_PAGE})
    page_past_limit = False  # a page beyond MAX_PAGE was asked for: it is answered as past the end

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].widget.choices = self._section_menu  # read when rendered: the API never is

    def _section_menu(self) -> list[tuple]:
        """The ``SECTION_CHOICES`` largest sections (and the one chosen), as the menu lists
        them; any section's id is still accepted (the facets and section pages link them)."""
        largest = list(Section.objects.with_counts().values_list("pk", "name")[:SECTION_CHOICES])  # no rows built
        chosen = getattr(self, "cleaned_data", {}).get("section")
        if chosen and (chosen.pk, chosen.name) not in largest:
            largest.append((chosen.pk, chosen.name))
        return [("", "全部栏目"), *largest]

    def clean_page(self):
        """Pages past ``MAX_PAGE`` (deep pages cost the engine most) are treated as pages past
        the end: the reader is sent to the last page there is, at most ``MAX_PAGE``."""
        page = self.cleaned_data.get("page")
        self.page_past_limit = bool(page and page > MAX_PAGE)
        return min(page, MAX_PAGE) if page else page

    def clean_q(self):
        """Parsed here, once: a query over a limit (``search/query.py``) is a message, not a search."""
        text = self.cleaned_data.get("q") or ""
        try:
            self.parsed = parse_query(text)
        except QueryError as error:
            raise ValidationError(str(error)) from None
        self.named = _named_filters(self.parsed)
        return text

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("起始日期不能晚于截止日期。")
        for name, chosen in getattr(self, "named", {}).items():  # 作者:… in the query and ?person= disagree
            if data.get(name) and data[name] != chosen:
                label = self.fields[name].label
                raise ValidationError(f"检索词中的{label}“{chosen}”与筛选的{label}“{data[name]}”不同,请只保留一个。")
        return data

    def has_filters(self) -> bool:
        named = getattr(self, "named", {})
        return bool(named) or any(self.cleaned_data.get(name) for name in ("section", "type", "person", "start", "end"))

    def _chosen(self, name: str):
        """The section or person chosen by parameter, or named in the query (作者:刘茜)."""
        return self.cleaned_data.get(name) or getattr(self, "named", {}).get(name)

    def search(self) -> SearchResults | None:
        """None when there is nothing to look for (an empty or punctuation-only query). The
        engine may raise ``SearchTooExpensive`` (over the time budget), ``IndexUnavailable`` or
        ``IndexFailure``."""
        parsed = self.parsed
        if parsed.is_empty and not self.has_filters():
            return None
        data = self.cleaned_data
        return search(parsed, self.filters(), sort=data.get("sort") or "relevance", page=data.get("page") or 1)

    def filters(self) -> Filters:
        """The filters chosen by parameter, or named in the query (作者:刘茜)."""
        data = self.cleaned_data
        section, person = self._chosen("section"), self._chosen("person")
        return Filters(section_id=section.pk if section else None, kind=data.get("type") or "",
                       person_id=person.pk if person else None, start=data.get("start"), end=data.get("end"))

    def errors_text(self) -> str:
        return ";".join(str(e) for errors in self.errors.values() for e in errors)

    # --- compare mode (招商 | 投资): the terms, once the query is known valid ---------------------

    terms: tuple = ()  # (as typed, parsed) of each term compared; () for a plain search

    def _post_clean(self):
        """Django's hook after ``clean``: a query of terms between bars is split here, before
        each is parsed on its own (``search/query.py`` reads a bar as punctuation)."""
        if self.cleaned_data.get("q"):
            try:
                self.terms = compare_terms(self.cleaned_data["q"])
            except ValidationError as error:
                self.add_error("q", error)

    def compare(self) -> "Comparison":
        """Each term counted under the filters (as ``search`` sets them); ``IndexUnavailable``
        or ``IndexFailure`` when the engine cannot answer."""
        return compare(list(self.terms), self.filters())


SECTION_CANDIDATES = 8  # sections offered when a 栏目: name is part of several


def _named_filters(parsed: ParsedQuery) -> dict:
    """The person and the section a query names (``作者:``, ``栏目:``), as the form's filters."""
    named = {}
    if name := parsed.named.get(AUTHOR):
        named["person"] = _person_named(name)
    if name := parsed.named.get(SECTION):
        named["section"] = _section_named(name)
    return named


def _person_named(name: str) -> Person:
    """The person ``作者:`` names: by name, or by another printing of it (an alias)."""
    person = Person.objects.filter(name=name).first()
    alias = None if person else PersonAlias.objects.filter(name=name).select_related("person").first()
    if person or alias:
        return person or alias.person
    raise ValidationError(f"档案中没有署名为“{name}”的作者。作者名要与署名完全一致,例如 作者:刘茜。")


def _section_named(name: str) -> Section:
    """The section ``栏目:`` names: by its whole name, else the one section whose name holds it."""
    exact = Section.objects.filter(name=name).first()
    if exact:
        return exact
    holding = list(Section.objects.filter(name__contains=name).order_by("name").values_list("name", flat=True)[:SECTION_CANDIDATES + 1])
    if len(holding) == 1:
        return Section.objects.get(name=holding[0])
    if not holding:
        raise ValidationError(f"没有名称含“{name}”的栏目。")
    listed = "、".join(f"“{n}”" for n in holding[:SECTION_CANDIDATES]) + ("等" if len(holding) > SECTION_CANDIDATES else "")
    raise ValidationError(f"名称含“{name}”的栏目不止一个:{listed}。请写出栏目全名(含空格时加引号)。")


class AdvancedSearchForm(SearchForm):
    """The advanced search: boxes that write the query (``search/advanced.py``), and the
    search's own section, type and date filters."""

    q = sort = page = person = None  # written from the boxes below; the results page sorts and pages
    all_words = QueryField(label="包含全部词语", required=False, max_length=MAX_QUERY_CHARS)
    phrase = QueryField(label="包含完整词组", required=False, max_length=MAX_QUERY_CHARS)
    any_words = QueryField(label="包含任意一个词语", required=False, max_length=MAX_QUERY_CHARS)
    none_words = QueryField(label="不包含这些词语", required=False, max_length=MAX_QUERY_CHARS)
    where = forms.ChoiceField(label="词语出现在", required=False,
                              choices=[(TEXT, "全文任意位置"), (HEAD, "标题中"), (BODY, "正文中")],
                              error_messages={"invalid_choice": "词语位置(where)只能是 text、head 或 body。"})
    author = QueryField(label="作者", required=False, max_length=100)
    field_order = ["all_words", "phrase", "any_words", "none_words", "where", "author"]

    def clean(self):
        data = super().clean()
        query = AdvancedQuery(data.get("all_words") or "", data.get("phrase") or "", data.get("any_words") or "",
                              data.get("none_words") or "", data.get("where") or TEXT, data.get("author") or "")
        self.written = query.written()
        if len(self.written) > MAX_QUERY_CHARS:
            raise ValidationError(f"写成的检索式太长了,最多 {MAX_QUERY_CHARS} 个字。")
        try:  # the results page parses it again; what it would refuse is said here, on the form
            parsed = parse_query(self.written)
        except QueryError as error:
            raise ValidationError(str(error)) from None
        self.named = _named_filters(parsed)
        if parsed.is_empty and not self.has_filters():
            raise ValidationError("请至少填写一个词语或筛选条件。")
        return data

    def results_address(self) -> dict[str, str]:
        """The results page's parameters: the written query and the filters chosen."""
        data = self.cleaned_data
        values = {"q": self.written, "section": data["section"].pk if data.get("section") else "",
                  "type": data.get("type") or "", "start": data["start"].isoformat() if data.get("start") else "",
                  "end": data["end"].isoformat() if data.get("end") else ""}
        return {name: str(value) for name, value in values.items() if value}


MAX_COMPARE_TERMS = 5  # each term is one more engine count, within the one time budget of a search
TERM_BAR = re.compile(r"[|｜]")  # half- or full-width; the spaces around are the term's own and dropped


def compare_terms(text: str) -> tuple[tuple[str, ParsedQuery], ...]:
    """The terms of a compare query (``招商 | 投资``), each parsed; () when ``text`` holds fewer
    than two (``招商 |`` is a plain search). A term repeated is compared once. Raises
    ``ValidationError`` naming the term when there are too many or one cannot be searched."""
    terms = list(dict.fromkeys(term.strip() for term in TERM_BAR.split(text) if term.strip()))
    if len(terms) < 2:
        return ()
    if len(terms) > MAX_COMPARE_TERMS:
        raise ValidationError(f"用 | 比较的词最多 {MAX_COMPARE_TERMS} 个(这里有 {len(terms)} 个)。")
    parsed = []
    for term in terms:
        try:
            query = parse_query(term)
        except QueryError as error:
            raise ValidationError(f"比较的“{term}”:{error}") from None
        if not query.groups:
            raise ValidationError(f"比较的“{term}”里没有可以查找的文字(只有排除词,或只有作者、栏目的检索无法比较)。")
        parsed.append((term, query))
    return tuple(parsed)


class WholeSearchForm(SearchForm):
    """A search taken as a whole rather than a page of it — what the export and the search's
    Atom feed run: the search page's parameters and checks, no ``page``."""

    page = None

    def has_something_to_find(self) -> bool:
        """Whether there is anything to look for: words (not punctuation alone) or a filter."""
        return not (self.parsed.is_empty and not self.has_filters())

    def _post_clean(self):
        """Terms compared (``招商 | 投资``) are counted, not listed: there are no results to take."""
        super()._post_clean()
        if self.terms:
            self.add_error("q", "用 | 比较的几个词只有各自的数量,没有结果列表可导出或订阅;请分别检索每个词。")
            self.terms = ()

    def errors_by_parameter(self) -> str:
        """Each refused value's message with the address parameters it came from, so that a
        script that built the address knows which to mend."""
        messages = []
        for name, errors in self.errors.items():
            named = self._form_error_parameters() if name == "__all__" else name
            messages += [f"参数 {named}:{error}" for error in errors]
        return ";".join(messages)

    def _form_error_parameters(self) -> str:
        """The parameters an error of the whole form (``clean``) is about: the dates in the
        wrong order, or a name in the query (作者:, 栏目:) that another parameter contradicts."""
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            return "start、end"
        return "、".join(["q", *(name for name in getattr(self, "named", {}) if data.get(name))])


class ExportForm(WholeSearchForm):
    """The export's parameters: the search's, and whether each item's text is wanted."""

    text = forms.ChoiceField(required=False, choices=[("", "否"), ("0", "否"), ("1", "是")],
                             error_messages={"invalid_choice": "只能是 1(含全文)或 0(不含)。"})

    def with_text(self) -> bool:
        return self.cleaned_data.get("text") == "1"


class FeedForm(WholeSearchForm):
    """The search's Atom feed: its newest matches, so no choice of order."""

    sort = None
