import functools
import html

from django import forms, template
from django.urls import get_script_prefix, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from ..highlight import highlight
from ..query import QueryError, parse_query

register = template.Library()
MAX_HIGHLIGHT_QUERY = 200


@register.filter
def mark_terms(text, query):
    """``text`` escaped, with the literals of a search ``query`` (``?hl=``) marked."""
    atoms = _atoms(query)
    return highlight(str(text), atoms) if atoms else escape(text)


def _atoms(query) -> list[str]:
    """The literals of a search ``query`` (``?hl=``) to mark; none for a query that cannot run."""
    if not query:
        return []
    try:
        return parse_query(str(query)[:MAX_HIGHLIGHT_QUERY]).atoms
    except QueryError:  # over the limits, or an unknown field
        return []


@register.filter
def count(number: int, approximate: bool = False) -> str:
    """A count as the results show it: exact, or rounded and marked 约 when it is an estimate
    (``SearchResults.approximate``) — 约 12.1万, 约 4,800 — so no one quotes a sample as a figure."""
    if not approximate:
        return str(number)
    if number >= 10_000:
        return f"约 {number / 10_000:.1f}万".replace(".0万", "万")
    digits = len(str(number))
    return f"约 {round(number, 2 - digits) if digits > 2 else number:,}"


# The search page's many small pieces (options, facets, names) are written with the standard
# library's ``html.escape`` — what Django's ``escape`` calls — rather than ``format_html``, whose
# checks for lazy and safe strings cost more than the escaping on ~250 pieces a page.

@register.simple_tag
def search_field(field, placeholder=""):
    """A field of the search form as Bootstrap lays it out (label, control, its errors), written
    here rather than by django-bootstrap5's ``bootstrap_field``, which took about a third of a
    results page's rendering for six fields (measured at 300,000 articles). Validation styling
    only on a field with an error: the form is bound as soon as it is sent, and a green tick on
    every field untouched says nothing. ``placeholder`` is escaped though a template's string
    literal is marked safe: the query box's example holds quotes."""
    name = _e(field.auto_id)
    invalid = f' aria-invalid="true" aria-describedby="{name}_error"' if field.errors else ""
    control = _select(field, invalid) if isinstance(field.field.widget, forms.Select) else _input(field, invalid, placeholder)
    errors = "".join(f'<div class="invalid-feedback d-block">{_e(error)}</div>' for error in field.errors)
    feedback = f'<div id="{name}_error" class="w-100">{errors}</div>' if errors else ""
    return mark_safe(f'<div class="mb-3"><label class="form-label" for="{name}">{_e(field.label)}</label>'
                     f'{control}{feedback}</div>')


def _input(field, invalid: str, placeholder: str) -> str:
    value = field.value()
    maxlength = getattr(field.field, "max_length", None)
    return (f'<input type="{field.field.widget.input_type}" name="{field.html_name}"'
            + (f' value="{_e(value)}"' if value not in (None, "") else "")
            + (f' maxlength="{maxlength}"' if maxlength else "")
            + f' class="form-control{" is-invalid" if invalid else ""}"'
            + (f' placeholder="{_e(placeholder)}"' if placeholder else "")
            + f'{invalid} id="{_e(field.auto_id)}">')


def _select(field, invalid: str) -> str:
    """The menu, the value sent selected (a refused value selects nothing: the browser shows the
    first). The choices are iterated once: the section menu's are a query."""
    chosen = "" if field.value() is None else str(field.value())
    options = "\n".join(f'<option value="{_e(key)}"{" selected" if str(key) == chosen else ""}>{_e(label)}</option>'
                        for key, label in field.field.widget.choices)
    return (f'<select name="{field.html_name}" class="form-select{" is-invalid" if invalid else ""}"{invalid}'
            f' id="{_e(field.auto_id)}">\n{options}\n</select>')


def _e(value) -> str:
    return html.escape(str(value))


@register.simple_tag
def facet_items(links, approximate=False):
    """A facet's ``<li>``s: each a link with its count, the chosen one not a link but marked
    current. A tag rather than an included template for each: a decade's results list ~140
    facets, and the includes cost more than the rest of the facets' rendering."""
    return mark_safe("\n".join(
        f'<li>{_facet(link)} <span class="badge text-bg-light">{_e(count(link.count, approximate))}</span></li>'
        for link in links))


def _facet(link) -> str:
    if link.active:
        return f'<strong aria-current="true">{_e(link.label)}</strong>'
    return f'<a href="{_e(link.url)}">{_e(link.label)}</a>'


# Who made an item, as tags rather than included templates: a day's list shows ~90 bylines, and
# an include costs about as much as the rest of a summary (measured at 300,000 articles). Here,
# not in archive_tags, because the names are marked with the search's words.

@register.simple_tag
def credit_links(contributions, atoms=()):
    """Who made it, by role, each name a link to their page (the search's literals ``atoms``
    marked): 记者 左晓雨、刘茜 通讯员 高祥钧; "" for none."""
    groups: dict[str, list] = {}
    for contribution in contributions:
        groups.setdefault(contribution.get_role_display(), []).append(contribution.person)
    return mark_safe(" ".join(
        f'<span class="credit">{_e(role)} {"、".join(_person_link(person, atoms) for person in people)}</span>'
        for role, people in groups.items()))


def _person_link(person, atoms) -> str:
    name = highlight(person.name, atoms) if atoms else _e(person.name)
    head, tail = _person_address(get_script_prefix())
    return f'<a href="{_e(head)}{person.pk}{_e(tail)}">{name}</a>'


_SOME_ID = 2_147_483_647


@functools.lru_cache(maxsize=8)
def _person_address(prefix: str) -> tuple[str, str]:
    """``Person.get_absolute_url`` before and after the id, reversed once for the site's prefix
    rather than for each of a results page's ~40 names: ``reverse`` took a third of a hit's
    rendering (measured at 300,000 articles)."""
    head, _, tail = reverse("archive:person", args=[_SOME_ID]).rpartition(str(_SOME_ID))
    return head, tail


@register.simple_tag
def byline(item, mark=""):
    """The credits (from the item's prefetched contributions, the search ``mark``'s literals
    marked); the printed byline when it names no one (新华社电)."""
    named = credit_links(item.contributions.all(), _atoms(mark))
    if named or item.byline:
        return format_html('<span class="byline">{}</span>', named or item.byline)
    return ""
