"""People: their pinyin order, the names they are printed under, merging two printings of one
person, and their credits as the byline prints them."""

from __future__ import annotations

import string
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from pypinyin import Style, lazy_pinyin

from .contributors import byline_names, names_text, photo_credit_names
from .models import ArticleContribution, Person, PersonAlias, PhotoContribution, Role
from .signals import items_changed

# --- pinyin order ------------------------------------------------------------------------------

# pypinyin (0.55) has no surname mode: it reads 单 as dān and 曾 as céng, as in running text.
# The first character of a Chinese name is the surname, so these common surnames with a
# reading of their own are read as surnames there (not in transliterated names, 荷苒·马汗).
SURNAME_READINGS = {
    "单": "shan4", "曾": "zeng1", "解": "xie4", "仇": "qiu2", "朴": "piao2", "区": "ou1", "查": "zha1",
    "盖": "ge3", "乐": "yue4", "覃": "qin2", "翟": "zhai2", "缪": "miao4", "种": "chong2", "秘": "bi4",
    "召": "shao4", "繁": "po2", "黑": "he4", "重": "chong2", "员": "yun4", "宓": "fu2", "隗": "wei3",
    "尉": "wei4", "长": "chang2", "参": "can1", "柏": "bai3", "万": "wan4", "洗": "xian3", "折": "she2",
}
TRANSLITERATION_DOTS = "·・•‧"
OTHER = "#"  # the index entry of names that start with no Latin letter once read as pinyin
LETTERS = [*string.ascii_uppercase, OTHER]
_AFTER_LETTERS = "{"  # the character after "z": keys of OTHER names start with it
MAX_KEY = 255


def sort_key(name: str) -> str:
    """``刘茜`` → ``liu2 qian4``: syllables with their tone, so that names sort as a dictionary
    orders them (syllable, then tone, then the next character). A name that starts with no
    letter (a digit, a character pypinyin cannot read) sorts after Z."""
    syllables = lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True)
    if syllables and name[:1] in SURNAME_READINGS and not any(dot in name for dot in TRANSLITERATION_DOTS):
        syllables[0] = SURNAME_READINGS[name[0]]
    words = [w for s in syllables for w in s.lower().split() if any(ch.isalnum() for ch in w)]
    key = " ".join(words)
    if not ("a" <= key[:1] <= "z"):
        key = _AFTER_LETTERS + key
    return key[:MAX_KEY]


def initial(key: str) -> str:
    """The index entry (A–Z, or #) of a sort key."""
    return key[0].upper() if "a" <= key[:1] <= "z" else OTHER


def letter_filter(letter: str) -> Q:
    """People under ``letter`` in the index, as a range of sort keys (an index range scan:
    ``startswith`` would be a case-insensitive LIKE, which SQLite cannot answer from it)."""
    if letter == OTHER:
        return Q(sort_key__gte=_AFTER_LETTERS) | Q(sort_key__lt="a")
    low = letter.lower()
    return Q(sort_key__gte=low, sort_key__lt=chr(ord(low) + 1))


def listed():
    """People in pinyin order with their credits counted, for the list of people. The counts
    are subqueries, so a page of the list reads its hundred people off the ``sort_key`` index
    and counts their credits alone (``PersonQuerySet.with_counts`` groups every person first)."""
    def credits(model, **where):
        counted = model.objects.filter(person=OuterRef("pk"), **where).order_by().values("person")
        return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)

    return Person.objects.annotate(
        reporter_count=credits(ArticleContribution, role=Role.REPORTER),
        correspondent_count=credits(ArticleContribution, role=Role.CORRESPONDENT),
        photo_count=credits(PhotoContribution),
    ).order_by("sort_key", "name")


def letters_in_use() -> set[str]:
    """The index letters that have people, in one query of one index look-up per letter."""
    checks = {f"has_{i}": Exists(Person.objects.filter(letter_filter(letter))) for i, letter in enumerate(LETTERS)}
    # Any one row carries the answers: the subqueries do not depend on it.
    row = Person.objects.order_by().annotate(**checks).values(*checks).first()
    return {letter for i, letter in enumerate(LETTERS) if row and row[f"has_{i}"]}


# --- names as printed --------------------------------------------------------------------------

def people_named(names: set[str]) -> dict[str, Person]:
    """The person each printed name credits — through an alias when it is another printing of a
    merged person's name — creating those not known yet (with their sort key: ``bulk_create``
    does not call ``save``)."""
    names = set(names)
    found = {a.name: a.person for a in PersonAlias.objects.filter(name__in=names).select_related("person")}
    rest = names - found.keys()
    found |= {p.name: p for p in Person.objects.filter(name__in=rest)}
    missing = sorted(rest - found.keys())
    Person.objects.bulk_create([Person(name=n, sort_key=sort_key(n)) for n in missing])
    found |= {p.name: p for p in Person.objects.filter(name__in=missing)}
    return found


# --- merging -----------------------------------------------------------------------------------

@dataclass
class Merged:
    kept: Person
    names: list[str]  # the names that became aliases
    articles: list[int]  # ids of the items whose credits moved
    photos: list[int]


@transaction.atomic
def merge_people(kept: Person, others) -> Merged:
    """Make ``others`` one person with ``kept``: their credits move to ``kept`` (one credit per
    item and role), their names become aliases of ``kept`` (bylines printing them credit
    ``kept``; their addresses lead to ``kept``), and they are deleted. The items whose credits
    moved are re-indexed through ``items_changed``, with this transaction."""
    others = [p for p in others if p.pk != kept.pk]
    ids = [p.pk for p in others]
    # Held until commit: an ingest crediting one of them meanwhile waits, instead of crediting
    # a person about to be deleted (PostgreSQL; SQLite lets one writer in at a time anyway).
    list(Person.objects.select_for_update().filter(pk__in=[kept.pk, *ids]).values_list("pk"))
    articles = _move_credits(ArticleContribution, "article_id", kept, ids)
    photos = _move_credits(PhotoContribution, "photo_id", kept, ids)
    PersonAlias.objects.filter(person__in=ids).update(person=kept)
    # An alias of the same spelling (left from adding the person by hand) gives way.
    PersonAlias.objects.filter(name__in=[p.name for p in others]).delete()
    PersonAlias.objects.bulk_create([PersonAlias(name=p.name, person=kept, former_id=p.pk) for p in others])
    Person.objects.filter(pk__in=ids).delete()
    items_changed.send(sender=Person, page_id=None, articles_saved=articles, photos_saved=photos,
                       articles_deleted=[], photos_deleted=[])
    return Merged(kept, [p.name for p in others], articles, photos)


def _move_credits(model, item_field: str, kept: Person, ids: list[int]) -> list[int]:
    """Credits of people ``ids`` become ``kept``'s; where ``kept`` (or an earlier of them)
    already has the item in that role, the extra credit is dropped. Returns the items' ids."""
    moving = list(model.objects.filter(person__in=ids).order_by(item_field, "order", "pk"))
    items = sorted({getattr(c, item_field) for c in moving})
    held = set(model.objects.filter(person=kept, **{f"{item_field}__in": items}).values_list(item_field, "role"))
    drop, move = [], []
    for credit in moving:
        slot = (getattr(credit, item_field), credit.role)
        (drop if slot in held else move).append(credit.pk)
        held.add(slot)
    model.objects.filter(pk__in=drop).delete()
    model.objects.filter(pk__in=move).update(person=kept)
    return items


# --- credits from the printed byline -----------------------------------------------------------

def credits_from_byline(article) -> bool:
    """Re-derive an article's credits from its byline (the byline is what staff edit; the
    credits follow). Returns False when the byline names somebody but no name can be read."""
    roles = byline_names(article.byline)
    _set_credits(ArticleContribution, "article", article, roles)
    return bool(roles) or not names_text(article.byline)


def credits_from_photo_credit(photo) -> bool:
    """The same for a photo's printed credit (``本报记者 何龙 摄``)."""
    names = photo_credit_names(photo.credit)
    _set_credits(PhotoContribution, "photo", photo, [(Role.PHOTOGRAPHER, n) for n in names])
    return bool(names) or not names_text(photo.credit)


def _set_credits(model, owner_field: str, owner, roles: list[tuple[str, str]]) -> None:
    current = list(model.objects.filter(**{owner_field: owner}).select_related("person"))
    people = people_named({name for _role, name in roles})
    wanted = [(people[name].pk, role, order) for order, (role, name) in enumerate(roles)]
    if [(c.person_id, c.role, c.order) for c in current] == wanted:
        return
    # One by one, so that the search index hears of it (post_save/post_delete); a byline has
    # a handful of names.
    for credit in current:
        credit.delete()
    for person_id, role, order in wanted:
        model.objects.create(**{owner_field: owner}, person_id=person_id, role=role, order=order)
    dropped = {c.person_id for c in current} - {w[0] for w in wanted}
    # A person only this byline named (a misspelling now corrected) goes, as ingest prunes
    # them — unless they carry aliases, whose old addresses lead to them.
    Person.objects.filter(pk__in=dropped, articlecontribution__isnull=True, photocontribution__isnull=True,
                          aliases__isnull=True).delete()
