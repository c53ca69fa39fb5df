"""Load page files into the database.

One transaction per file, keyed on the file's source name (its path below the folder given,
or its file name). Re-running is safe: an unchanged file is skipped by its SHA-256; a changed
file replaces that page's items; articles edited in the admin are kept (and reported) unless
``force`` is given. A bad file is reported and the others go on.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F

from . import body, counts
from .issues import dated_source_name
from .matching import character_pairs, match, shared
from .models import (
    Article, ArticleContribution, Page, Person, PhotoCaption, PhotoContribution, RemovedArticle, Role, Section,
)
from .parser import Article as ParsedArticle
from .parser import PageParseError, ParsedPage, Paragraph, Photo, Subheading, decode_page, parse_page
from .placement import Dating, PlacementConflict, dating_after_parse, dating_before_parse, keep_former_address, place_page
from .people import people_named
from .signals import ingest_finished, ingest_run, items_changed

CREATED, UPDATED, SKIPPED, FAILED = "created", "updated", "skipped", "failed"
STATUS_LABELS = {CREATED: "新建", UPDATED: "更新", SKIPPED: "跳过", FAILED: "失败"}


@dataclass
class FileReport:
    source: str
    status: str
    articles: int = 0
    photos: int = 0
    kept_edited: list[str] = field(default_factory=list)
    error: str = ""
    note: str = ""  # why a file was skipped, when not because it is unchanged
    preview: list[str] = field(default_factory=list)
    dry_run: bool = False
    dating: Dating | None = None  # the page's date and where it came from

    def line(self) -> str:
        label = STATUS_LABELS[self.status] + ("(预演)" if self.dry_run and self.status != FAILED else "")
        if self.status == FAILED:
            return f"{label} {self.error}"
        if self.status == SKIPPED:
            return f"{label} {self.source}:{self.note or '内容未变'}"
        text = f"{label} {self.source}:稿件 {self.articles} 篇,图片 {self.photos} 张"
        if self.dating:
            text += f",{self.dating.describe()}"
        if self.kept_edited:
            kept = "、".join(f"《{t}》" for t in self.kept_edited)
            text += f";保留后台修改过的稿件 {len(self.kept_edited)} 篇 {kept}(加 --force 覆盖)"
        return text


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what listeners of ``ingest_finished`` have to say

    @property
    def counts(self) -> Counter:
        return Counter(f.status for f in self.files)

    @property
    def failed(self) -> int:
        return self.counts[FAILED]

    def summary(self) -> str:
        c = self.counts
        return (
            f"共 {len(self.files)} 个文件:新建 {c[CREATED]},更新 {c[UPDATED]},"
            f"跳过 {c[SKIPPED]},失败 {c[FAILED]}"
        )


def page_files(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """(file, source name) for every ``*.txt`` below each folder and every file named. A page's
    source name is its identity: its path below ``ARCHIVE_PAGES_ROOT`` when that is set (the
    same file has one name whichever folder is given; two folders' ``page01.txt`` two names),
    else its path below the folder given, or its file name ("" when outside the root)."""
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += [(f, source_name(f, path)) for f in sorted(path.rglob("*.txt")) if f.is_file()]
        else:
            found.append((path, source_name(path, path.parent)))
    return found


def source_name(file: Path, folder: Path) -> str:
    root = settings.ARCHIVE_PAGES_ROOT
    if not root:
        return dated_source_name(file, folder, file.relative_to(folder).as_posix())
    try:
        return file.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return ""


def ingest_paths(
    paths: Iterable[str | Path],
    *,
    year: int | None = None,
    date: datetime.date | None = None,
    force: bool = False,
    replace: bool = False,
    dry_run: bool = False,
    encoding: str | None = None,
    on_file: Callable[[FileReport], None] | None = None,
) -> IngestReport:
    report = IngestReport()
    with ingest_run():
        for path, source in page_files(paths):
            result = ingest_file(path, source, year=year, date=date, force=force, replace=replace,
                                 dry_run=dry_run, encoding=encoding)
            report.files.append(result)
            if on_file:
                on_file(result)
    if not dry_run:
        ingest_finished.send(sender=IngestReport, report=report)
    return report


def ingest_file(path: Path, source: str, *, year=None, date=None, force=False, replace=False, dry_run=False,
                encoding=None) -> FileReport:
    if not source:
        return FileReport(str(path), FAILED, dry_run=dry_run,
                          error=f"{path}: 不在档案根目录 ARCHIVE_PAGES_ROOT={settings.ARCHIVE_PAGES_ROOT} 之下,未导入")
    try:
        too_large = _too_large(path)
        if too_large:
            return FileReport(source, FAILED, error=too_large, dry_run=dry_run)
        data = path.read_bytes()
    except OSError as error:
        return FileReport(source, FAILED, error=f"{path}: 无法读取({error.strerror or error})", dry_run=dry_run)
    digest = hashlib.sha256(data).hexdigest()
    stored = Page.objects.filter(source=source).first()
    dating = dating_before_parse(path, year=year, date=date, stored=stored)
    # Unchanged bytes are skipped, unless read in a named encoding: then the text decides
    # (a page once stored garbled, read again with --encoding, is a change).
    unchanged_dating = stored and _same_year(stored, year) and _same_date(stored, dating)
    if stored and not force and not encoding and stored.content_hash == digest and unchanged_dating:
        return FileReport(source, SKIPPED, dry_run=dry_run)
    twin = None if stored else Page.objects.without_text().filter(content_hash=digest).first()
    if twin:
        return FileReport(source, SKIPPED, note=f"与已存的版面 {twin.source} 内容相同,不重复存入", dry_run=dry_run)
    try:
        text = decode_page(data, encoding)
        parsed = parse_page(text, year=dating.year)
    except PageParseError as error:
        return FileReport(source, FAILED, error=error.located(str(path)), dry_run=dry_run)
    dating = dating_after_parse(dating, parsed)
    if stored and not force and encoding and stored.raw_text == text and unchanged_dating:
        return FileReport(source, SKIPPED, dry_run=dry_run)
    if stored and not replace and (similar := similarity(stored.raw_text, text)) < SAME_PAGE_SIMILARITY:
        return FileReport(source, FAILED, dry_run=dry_run, error=(
            f"{path}: 已存的版面 {source}(导入自 {stored.origin or '未记录'})与此文件内容完全不同(相似度 {similar:.0%}),"
            "多半是另一个同名版面;为免覆盖,未导入。请设置 ARCHIVE_PAGES_ROOT 从档案根目录导入,"
            "或确认这是同一版面的更正后加 --replace"))
    if dry_run:
        status = UPDATED if stored else CREATED
        return FileReport(source, status, len(parsed.articles), len(parsed.photos),
                          preview=describe(parsed), dry_run=True, dating=dating)
    try:
        return store_page(source, digest, text, parsed, dating, force=force, origin=str(path.resolve()))
    except PlacementConflict as error:
        return FileReport(source, FAILED, error=f"{path}: {error};未导入")
    except DatabaseError as error:
        return FileReport(source, FAILED, error=f"{path}: 数据库错误({error}),此文件未写入")


# Below this share of shared character pairs, a file is not a correction of the stored page of
# its name but another page (measured on the seeds: two pages share 9–14%, a corrected page 99%).
SAME_PAGE_SIMILARITY = 0.5


def similarity(old: str, new: str) -> float:
    """Jaccard similarity of the two texts' sets of neighbouring-character pairs."""
    return shared(character_pairs(old), character_pairs(new))


def _too_large(path: Path) -> str:
    """Why a file is refused unread, or "". A newspaper page is tens of kilobytes; a file far
    larger is a scan gone wrong or not a page, and would hold the database (one transaction)
    and every view of it for as long as it takes."""
    limit_kb = settings.ARCHIVE_MAX_PAGE_KB
    size = path.stat().st_size
    if size <= limit_kb * 1024:
        return ""
    return (f"{path}: {size / 1024:,.0f} KB,超过单个版面的上限 {limit_kb} KB(设置 ARCHIVE_MAX_PAGE_KB);"
            "未读取,未导入")


def _same_year(page: Page, year: int | None) -> bool:
    """Whether ``--year`` (if given) is the year the page is already stored with."""
    return year is None or (page.year == year and not page.year_inferred)


def _same_date(page: Page, dating: Dating) -> bool:
    """Whether the date the path or ``--date`` gives (if any) is the one the page is stored with."""
    return dating.date is None or (page.date == dating.date and page.date_source == dating.source)


def describe(parsed: ParsedPage) -> list[str]:
    """One line per item, for ``--dry-run``."""
    lines = []
    for position, item in enumerate(parsed.items):
        if isinstance(item, Photo):
            lines.append(f"  {position}. 图片 {item.caption[:30]} [{item.credit}] {item.date or ''}")
            continue
        people = "、".join(item.reporters + item.correspondents)
        section = f"[{item.section}] " if item.section else ""
        lines.append(
            f"  {position}. 稿件 {section}{item.title or '(无标题)'} — {people or '无署名'}"
            f" {item.date or ''} 段落 {len(item.paragraphs)},小标题 {len(item.subheadings)},图片 {len(item.photos)}"
        )
    return lines


@transaction.atomic
def store_page(source: str, digest: str, text: str, parsed: ParsedPage, dating: Dating, *, force: bool = False,
               origin: str = "") -> FileReport:
    page = Page.objects.select_for_update().filter(source=source).first()
    status = UPDATED if page else CREATED
    page = page or Page(source=source)
    stored = page.pk is not None  # a new page has no items to continue, keep, delete or recount
    page.content_hash, page.raw_text, page.origin = digest, text, origin
    page.year, page.year_inferred = parsed.year, parsed.year_inferred
    days_before = _item_days(page) if stored else set()
    former_address = place_page(page, dating)
    page.save()
    keep_former_address(page, former_address)

    kept, old_articles, old_standalone = _stored_items(page, force) if stored else ({}, [], [])
    old_photo_ids = [p.pk for p in old_standalone] + [p.pk for a in old_articles for p in a.photos.all()]
    old_sections, old_people = _references([a.pk for a in old_articles], old_photo_ids) if stored else (set(), set())

    writer = _PageWriter(page, parsed)
    for position, item in enumerate(parsed.items):
        if position not in kept:
            writer.add(position, item)
    writer.continue_from(old_articles, old_standalone)
    continued_articles, continued_photos = set(writer.article_ids()), set(writer.photo_ids())
    gone = [a for a in old_articles if a.pk not in continued_articles]
    gone_articles = [a.pk for a in gone]
    gone_photos = [pk for pk in old_photo_ids if pk not in continued_photos]
    PhotoCaption.objects.filter(pk__in=gone_photos).delete()
    RemovedArticle.record(gone)
    Article.objects.filter(pk__in=gone_articles).delete()
    writer.save()
    if stored:
        page.sync_item_dates()  # the bulk updates above leave a continued item's shown_date to this
        _prune_unused(old_sections, old_people)
    counts.recount(days_before | (_item_days(page) if stored else writer.days()), old_sections | set(writer.section_ids()))

    # Inside the transaction: what listeners record (the index queue) commits with the page.
    items_changed.send(
        sender=Page, page_id=page.pk,
        articles_saved=writer.article_ids(), photos_saved=writer.photo_ids(),
        articles_deleted=gone_articles, photos_deleted=gone_photos,
    )
    return FileReport(
        source, status, len(parsed.articles), len(parsed.photos),
        kept_edited=[str(a) for a in kept.values()], dating=dating,
    )


def _stored_items(page: Page, force: bool) -> tuple[dict, list[Article], list[PhotoCaption]]:
    """A stored page's items: those an archivist edited (kept unless ``force``), by position;
    the other articles; its stand-alone photos."""
    kept = {} if force else {a.position: a for a in page.articles.edited()}
    old_articles = list(page.articles.exclude(pk__in=[a.pk for a in kept.values()]).prefetch_related("photos"))
    return kept, old_articles, list(page.photos.filter(article__isnull=True))


def _item_days(page: Page) -> set:
    return {*page.articles.values_list("shown_date", flat=True), *page.photos.values_list("shown_date", flat=True)}


def _references(article_ids: list[int], photo_ids: list[int]) -> tuple[set[int], set[int]]:
    sections = set(Article.objects.filter(pk__in=article_ids, section__isnull=False).values_list("section", flat=True))
    people = set(ArticleContribution.objects.filter(article__in=article_ids).values_list("person", flat=True))
    people |= set(PhotoContribution.objects.filter(photo__in=photo_ids).values_list("person", flat=True))
    return sections, people


def _prune_unused(section_ids: set[int], person_ids: set[int]) -> None:
    """Sections and people that only the replaced items named (a corrected name, say)."""
    Section.objects.filter(pk__in=section_ids, articles__isnull=True).delete()
    Person.objects.filter(
        pk__in=person_ids, articlecontribution__isnull=True, photocontribution__isnull=True
    ).delete()


class _PageWriter:
    """Builds a page's rows in memory and writes each table with one bulk insert — or, for an
    item that continues a stored one (``continue_from``), one bulk update of that row."""

    def __init__(self, page: Page, parsed: ParsedPage):
        self.page = page
        self.inferred = parsed.year_inferred
        self.articles: list[tuple[Article, ParsedArticle]] = []
        self.photos: list[tuple[PhotoCaption, Photo, int | None]] = []

    def add(self, position: int, item) -> None:
        if isinstance(item, Photo):
            self.photos.append((self._photo(item, position), item, None))
            return
        article = Article(
            page=self.page, position=position, kicker=item.kicker, title=item.title,
            subtitle=item.subtitle, byline=item.byline, date=item.date, shown_date=item.date or self.page.date,
            date_inferred=bool(item.date and self.inferred and not item.year_printed), source_line=item.line,
        )
        article.section_name = item.section
        blocks = []
        for block in item.blocks:
            if isinstance(block, Photo):
                self.photos.append((self._photo(block, len(blocks)), block, len(self.articles)))
            elif isinstance(block, Subheading):
                blocks.append(body.BodyBlock(body.SUBHEADING, block.text))
            elif isinstance(block, Paragraph):
                blocks.append(body.BodyBlock(body.PARAGRAPH, block.text))
        article.body = body.join_blocks(blocks)
        self.articles.append((article, item))

    def _photo(self, photo: Photo, position: int) -> PhotoCaption:
        return PhotoCaption(
            page=self.page, position=position, caption=photo.caption, description=photo.description,
            credit=photo.credit, date=photo.date, shown_date=photo.date or self.page.date,
            date_inferred=bool(photo.date and self.inferred and not photo.year_printed), source_line=photo.line,
        )

    def continue_from(self, old_articles: list[Article], old_standalone: list[PhotoCaption]) -> None:
        """Give each new article and stand-alone photo the id of the stored one it continues
        (``archive/matching.py``); a continued article's photos continue its photos in order."""
        new_articles = [a for a, _ in self.articles]
        for i, j in match([(a.position, _article_text(a)) for a in old_articles],
                          [(a.position, _article_text(a)) for a in new_articles]):
            new_articles[j].pk = old_articles[i].pk
            old_photos = sorted(old_articles[i].photos.all(), key=lambda p: (p.position, p.pk))
            for old_photo, (photo, _, _) in zip(old_photos, [p for p in self.photos if p[2] == j]):
                photo.pk = old_photo.pk
        new_standalone = [photo for photo, _, owner in self.photos if owner is None]
        for i, j in match([(p.position, _photo_text(p)) for p in old_standalone],
                          [(p.position, _photo_text(p)) for p in new_standalone]):
            new_standalone[j].pk = old_standalone[i].pk

    def save(self) -> None:
        continued = [a for a, _ in self.articles if a.pk], [p for p, _, _ in self.photos if p.pk]
        sections = _get_or_create_by_name(Section, {a.section_name for a, _ in self.articles} - {""})
        for article, _ in self.articles:
            article.section = sections.get(article.section_name)
        articles = [a for a, _ in self.articles]
        _save_rows(Article, articles, ARTICLE_FIELDS, shift_positions=True)
        for photo, _, owner in self.photos:
            photo.article = self.articles[owner][0] if owner is not None else None
        _save_rows(PhotoCaption, [p for p, _, _ in self.photos], PHOTO_FIELDS)
        self._save_contributions(*continued)

    def _save_contributions(self, continued_articles: list, continued_photos: list) -> None:
        wanted = []
        for article, item in self.articles:
            names = [(Role.REPORTER, n) for n in item.reporters] + [(Role.CORRESPONDENT, n) for n in item.correspondents]
            wanted += [(ArticleContribution, "article", article, role, name, order) for order, (role, name) in enumerate(names)]
        for photo, item, _ in self.photos:
            wanted += [(PhotoContribution, "photo", photo, Role.PHOTOGRAPHER, n, order) for order, n in enumerate(item.photographers)]
        # Through aliases: a name printed another way than its merged person's credits them.
        people = people_named({w[4] for w in wanted})
        # A continued item's credits are written afresh (they have no address of their own).
        if continued_articles:
            ArticleContribution.objects.filter(article__in=continued_articles).delete()
        if continued_photos:
            PhotoContribution.objects.filter(photo__in=continued_photos).delete()
        rows: dict[type, list] = {ArticleContribution: [], PhotoContribution: []}
        for model, owner_field, owner, role, name, order in wanted:
            rows[model].append(model(**{owner_field: owner}, person=people[name], role=role, order=order))
        for model, objects in rows.items():
            model.objects.bulk_create(objects)

    def days(self) -> set:
        """The days its items are shown under (a new page's: no query needed)."""
        return {a.shown_date for a, _ in self.articles} | {p.shown_date for p, _, _ in self.photos}

    def section_ids(self) -> list[int]:
        return [a.section_id for a, _ in self.articles if a.section_id]

    def article_ids(self) -> list[int]:
        return [a.pk for a, _ in self.articles]

    def photo_ids(self) -> list[int]:
        return [p.pk for p, _, _ in self.photos]


ARTICLE_FIELDS = ["position", "section", "kicker", "title", "subtitle", "byline", "date", "date_inferred", "body",
                  "source_line"]
PHOTO_FIELDS = ["article", "position", "caption", "description", "credit", "date", "date_inferred", "source_line"]
POSITION_SHIFT = 1_000_000  # out of the way of every real position while a page's rows are reordered


def _save_rows(model, rows: list, fields: list[str], shift_positions: bool = False) -> None:
    """Insert the new rows and update the continued ones (they carry a pk). Positions are
    unique per page for articles: the continued rows first move out of the way, so that two
    stories swapping places never collide."""
    continued = [row for row in rows if row.pk]
    if shift_positions and continued:
        model.objects.filter(pk__in=[row.pk for row in continued]).update(position=F("position") + POSITION_SHIFT)
    model.objects.bulk_update(continued, fields)
    model.objects.bulk_create([row for row in rows if not row.pk])


def _article_text(article: Article) -> str:
    return "\n".join([article.kicker, article.title, article.subtitle, article.body])


def _photo_text(photo: PhotoCaption) -> str:
    return "\n".join([photo.caption, photo.description])


def _get_or_create_by_name(model, names: set[str]) -> dict:
    existing = {o.name: o for o in model.objects.filter(name__in=names)}
    missing = [model(name=n) for n in sorted(names - existing.keys())]
    model.objects.bulk_create(missing)
    existing.update({o.name: o for o in model.objects.filter(name__in=[m.name for m in missing])})
    return existing

