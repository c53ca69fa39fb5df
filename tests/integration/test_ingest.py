"""The ingest command against a real database: re-runs, changes, admin edits, bad files."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from archive.models import Article, Page, Person, PhotoCaption, Role, Section
from archive.signals import items_changed
from tests.helpers import ingest, queued_engine_only
from tests.seeds import EXPECTED, SEED_FILES, SEEDS_DIR

pytestmark = pytest.mark.django_db

TOTAL_ARTICLES = sum(1 for items in EXPECTED.values() for i in items if i[0] != "photo")
STANDALONE_PHOTOS = sum(1 for items in EXPECTED.values() for i in items if i[0] == "photo")
ARTICLE_PHOTOS = sum(i[9] for items in EXPECTED.values() for i in items if i[0] != "photo")


def counts():
    return (Page.objects.count(), Article.objects.count(), PhotoCaption.objects.count(),
            Person.objects.count(), Section.objects.count())


def test_ingesting_the_seeds_stores_every_item():
    output = ingest(SEEDS_DIR)
    assert "共 5 个文件:新建 5,更新 0,跳过 0,失败 0" in output
    assert Page.objects.count() == 5
    assert Article.objects.count() == TOTAL_ARTICLES == 17
    assert PhotoCaption.objects.standalone().count() == STANDALONE_PHOTOS == 3
    assert PhotoCaption.objects.filter(article__isnull=False).count() == ARTICLE_PHOTOS == 4
    assert sorted(Section.objects.values_list("name", flat=True)) == sorted(
        ["强信心 起好步 开新局", "2023(中国)亚欧商品贸易博览会", "新时代新征程新伟业"])
    assert Section.objects.get(name="强信心 起好步 开新局").articles.count() == 2


def test_stored_article_keeps_headline_contributors_in_order_body_and_photo_position():
    ingest(SEEDS_DIR)
    article = Article.objects.get(title="开工! 吹响项目建设“冲锋号”")
    assert article.kicker == "昌吉高新区第一季度10个项目集中复工开工 总投资20亿元"
    assert article.section.name == "强信心 起好步 开新局"
    assert article.byline == "本报讯 记者刘茜、通讯员宋华敏报道:"
    assert article.names(Role.REPORTER) == ["刘茜"]
    assert article.names(Role.CORRESPONDENT) == ["宋华敏"]
    assert (article.date.isoformat(), article.date_inferred) == ("2023-03-24", True)
    photo = article.photos.get()
    assert photo.position == 5 and photo.photographers() == ["刘茜"]
    assert "今年2月底复工" in article.paragraphs()[4]

    feature = Article.objects.get(title="没有等出来的精彩 只有干出来的辉煌")
    assert feature.subheadings()[0] == "“链”上招商新赛道\n打造经济发展增长极"
    assert feature.body.count("## ") == 3
    assert Person.objects.get(name="常虹").articles.get().title == "昌吉市政协开展夏季防溺水工作专项视察"


def test_rerun_skips_unchanged_files_and_duplicates_nothing():
    ingest(SEEDS_DIR)
    before = counts()
    output = ingest(SEEDS_DIR)
    assert "跳过 5" in output and "新建 0" in output
    assert counts() == before


def test_a_single_file_and_its_folder_share_one_source_name():
    ingest(SEED_FILES[0])
    output = ingest(SEEDS_DIR)
    assert "新建 4" in output and "跳过 1" in output
    assert Page.objects.count() == 5


def test_a_changed_file_replaces_that_pages_items_in_place(seed_dir):
    ingest(seed_dir)
    before = counts()
    path = seed_dir / SEED_FILES[3].name
    path.write_text(path.read_text(encoding="utf-8").replace("本报讯 记者刘思思报道", "本报讯 记者王小明报道"), encoding="utf-8")
    output = ingest(seed_dir)
    assert f"更新 {path.name}" in output and "跳过 4" in output
    assert counts() == before  # 刘思思 is gone, 王小明 took the place
    article = Article.objects.get(title="第二届全国职业技能大赛新疆赛区昌吉赛点开赛")
    assert article.names(Role.REPORTER) == ["王小明"]
    assert not Person.objects.filter(name="刘思思").exists()


def test_admin_edited_articles_are_kept_and_reported_unless_forced(seed_dir):
    ingest(seed_dir)
    article = Article.objects.get(title="昌吉州政协召开专题协商议政会")
    article.title = "昌吉州政协召开专题协商议政会(已校对)"
    article.edited_at = timezone.now()
    article.save()
    path = seed_dir / SEED_FILES[1].name
    path.write_text(path.read_text(encoding="utf-8").replace("专题讲座", "专题辅导讲座"), encoding="utf-8")

    output = ingest(seed_dir)
    assert "保留后台修改过的稿件 1 篇 《昌吉州政协召开专题协商议政会(已校对)》" in output
    kept = Article.objects.get(pk=article.pk)
    assert kept.title.endswith("(已校对)")
    assert Article.objects.filter(page__source=path.name).count() == 5
    assert Article.objects.filter(title__startswith="昌吉州政协召开专题协商议政会").count() == 1

    ingest(seed_dir, "--force")
    assert not Article.objects.filter(title__endswith="(已校对)").exists()
    assert "专题辅导讲座" in Article.objects.get(title="昌吉州政协召开专题协商议政会").body


def test_dry_run_prints_what_would_be_stored_and_writes_nothing():
    output = ingest(SEEDS_DIR, "--dry-run")
    assert "新建(预演) 000_6cccedd8bdd5bbb2.txt:稿件 4 篇,图片 1 张" in output
    assert "稿件 [强信心 起好步 开新局] 昌吉州一季度招商引资实现“开门红” — 刘茜、高祥钧 2023-04-17" in output
    assert counts() == (0, 0, 0, 0, 0)


def test_given_year_dates_every_item_and_is_not_marked_inferred():
    ingest(SEED_FILES[0], "--year", "2024")
    article = Article.objects.get(title="昌吉州工信系统开展工业经济观摩活动")
    assert (article.date.isoformat(), article.date_inferred) == ("2024-04-17", False)
    assert Page.objects.get().date.isoformat() == "2024-04-17"


def test_an_absurd_year_is_refused_naming_the_option():
    with pytest.raises(CommandError, match="--year 99999"):
        ingest(SEED_FILES[0], "--year", "99999")


class TestBadFiles:
    def write(self, folder, name, data: bytes):
        (folder / name).write_bytes(data)
        return folder / name

    def test_each_bad_file_is_reported_with_its_line_and_the_rest_are_ingested(self, seed_dir):
        self.write(seed_dir, "empty.txt", b"")
        self.write(seed_dir, "binary.txt", "标题\n".encode() + b"\x00\x89PNG")
        self.write(seed_dir, "latin1.txt", "标题\n\n".encode() + b"caf\xe9 \xff\xfe\n")
        self.write(seed_dir, "prose.txt", "这是一段文字。\n".encode())
        self.write(seed_dir, "gbk.txt", "昌吉州开会\n\n本报讯 记者刘茜报道:4月1日,开会。\n".encode("gb18030"))
        out = io.StringIO()
        with pytest.raises(CommandError, match="4 个文件导入失败"):
            call_command("ingest", str(seed_dir), stdout=out)
        output = out.getvalue()
        assert f"失败 {seed_dir / 'empty.txt'}:1: the file is empty" in output
        assert f"失败 {seed_dir / 'binary.txt'}:2: binary data" in output
        assert f"失败 {seed_dir / 'latin1.txt'}:3: not UTF-8 or GB18030 text" in output
        assert f"失败 {seed_dir / 'prose.txt'}:1: no article headline" in output
        assert "新建 6" in output
        assert Article.objects.filter(title="昌吉州开会").exists()

    def test_a_missing_path_is_reported(self, tmp_path):
        with pytest.raises(CommandError):
            ingest(tmp_path / "nope.txt")

    def test_an_empty_folder_is_an_error(self, tmp_path):
        with pytest.raises(CommandError, match="没有找到版面文件"):
            ingest(tmp_path)

    def test_files_over_the_size_limit_are_refused_unread_naming_the_setting(self, seed_dir, settings):
        settings.ARCHIVE_MAX_PAGE_KB = 512
        one_line = "OCR 单行\n\n本报讯 记者刘茜报道:4月17日," + "乱码" * 200_000  # 1.2 MB on one line
        self.write(seed_dir, "one_line.txt", one_line.encode())
        with open(seed_dir / "huge.txt", "wb") as huge:  # 50 MB, never read
            huge.truncate(50 * 1024 * 1024)
        below = "OCR 长行\n\n本报讯 记者刘茜报道:4月17日," + "a" * 400_000 + "\n"  # under the limit
        self.write(seed_dir, "below.txt", below.encode())
        out = io.StringIO()
        with pytest.raises(CommandError, match="2 个文件导入失败"):
            call_command("ingest", str(seed_dir), stdout=out)
        output = out.getvalue()
        assert f"失败 {seed_dir / 'one_line.txt'}: 1,172 KB,超过单个版面的上限 512 KB(设置 ARCHIVE_MAX_PAGE_KB)" in output
        assert f"失败 {seed_dir / 'huge.txt'}: 51,200 KB,超过单个版面的上限 512 KB" in output
        assert "新建 6" in output  # the seeds and the long line under the limit
        assert len(Article.objects.get(title="OCR 长行").body) > 400_000

    def test_a_bad_new_version_never_loses_the_stored_page(self, seed_dir):
        ingest(seed_dir)
        before = counts()
        self.write(seed_dir, SEED_FILES[2].name, b"\x00")
        with pytest.raises(CommandError):
            ingest(seed_dir)
        assert counts() == before
        assert Article.objects.filter(title="没有等出来的精彩 只有干出来的辉煌").exists()


def test_search_hook_hears_once_per_page_inside_its_transaction():
    heard = []

    def listener(sender, **kwargs):
        from django.db import connection
        heard.append(kwargs | {"in_transaction": connection.in_atomic_block})

    items_changed.connect(listener)
    try:
        ingest(SEED_FILES[4])
    finally:
        items_changed.disconnect(listener)
    assert len(heard) == 1
    assert sorted(heard[0]["articles_saved"]) == sorted(Article.objects.values_list("pk", flat=True))
    assert len(heard[0]["photos_saved"]) == 3
    assert heard[0]["articles_deleted"] == []
    assert heard[0]["in_transaction"]


@queued_engine_only
def test_ingest_queues_index_updates_with_the_page(fresh_index):
    from search.models import PendingIndexUpdate
    ingest(SEED_FILES[4])  # the test's transaction never commits: nothing is flushed
    queued = set(PendingIndexUpdate.objects.values_list("label", "object_id"))
    expected = {("archive.article", str(pk)) for pk in Article.objects.values_list("pk", flat=True)}
    expected |= {("archive.photocaption", str(pk)) for pk in PhotoCaption.objects.values_list("pk", flat=True)}
    assert queued == expected


TAIWAN_PAGE = "臺灣同胞參觀昌吉\n\n本報訊 記者劉茜報道:4月17日,臺灣同胞參觀團一行來到昌吉州,參觀了當地的產業園區和文化設施,並與企業座談交流。\n"
TOKYO_PAGE = "東京の新聞記事\n\n本日、東京で会議が開かれました。参加者は多く、議論は活発でした。記者 山田\n"


class TestEncodings:
    def test_big5_and_shift_jis_are_refused_naming_the_guess_never_stored_as_garbage(self, tmp_path):
        (tmp_path / "big5.txt").write_bytes(TAIWAN_PAGE.encode("big5"))
        (tmp_path / "sjis.txt").write_bytes(TOKYO_PAGE.encode("shift_jis"))
        out = io.StringIO()
        with pytest.raises(CommandError, match="2 个文件导入失败"):
            call_command("ingest", str(tmp_path), stdout=out)
        assert f"失败 {tmp_path / 'big5.txt'}:1: not UTF-8 or GB18030 text" in out.getvalue()
        assert "it looks like big5 (pass --encoding if so)" in out.getvalue()
        assert "it looks like cp932" in out.getvalue() or "it looks like shift_jis" in out.getvalue()
        assert not Page.objects.exists()

    def test_the_archivist_names_the_encoding(self, tmp_path):
        (tmp_path / "big5.txt").write_bytes(TAIWAN_PAGE.encode("big5"))
        ingest(tmp_path / "big5.txt", "--encoding", "big5")
        assert Article.objects.get().title == "臺灣同胞參觀昌吉"

    @pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-8-sig"])
    def test_text_with_a_byte_order_mark_is_decoded(self, tmp_path, codec):
        (tmp_path / "page.txt").write_bytes(SEED_FILES[3].read_text(encoding="utf-8").encode(codec))
        ingest(tmp_path / "page.txt")
        assert Article.objects.filter(title="一次共赢发展的全新启航").exists()
        assert Page.objects.get().raw_text == SEED_FILES[3].read_text(encoding="utf-8")


class TestPageIdentity:
    def two_issues(self, root):
        for issue, seed in [("issue1", SEED_FILES[0]), ("issue2", SEED_FILES[4])]:
            (root / issue).mkdir(parents=True)
            (root / issue / "page01.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")

    def test_another_pages_file_of_the_same_name_never_replaces_a_stored_page(self, tmp_path):
        self.two_issues(tmp_path)
        ingest(tmp_path / "issue1")
        before = counts()
        out = io.StringIO()
        with pytest.raises(CommandError, match="1 个文件导入失败"):
            call_command("ingest", str(tmp_path / "issue2"), stdout=out)
        assert f"失败 {tmp_path / 'issue2' / 'page01.txt'}: 已存的版面 page01.txt(导入自 {tmp_path / 'issue1' / 'page01.txt'})" in out.getvalue()
        assert "ARCHIVE_PAGES_ROOT" in out.getvalue() and "--replace" in out.getvalue()
        assert counts() == before
        assert Article.objects.filter(title="昌吉州一季度招商引资实现“开门红”").exists()

    def test_under_an_archive_root_each_file_is_its_own_page(self, tmp_path, settings):
        settings.ARCHIVE_PAGES_ROOT = str(tmp_path)
        self.two_issues(tmp_path)
        ingest(tmp_path / "issue1")
        ingest(tmp_path / "issue2")
        assert sorted(Page.objects.values_list("source", flat=True)) == ["issue1/page01.txt", "issue2/page01.txt"]

    def test_a_correction_of_the_same_page_still_updates_it(self, tmp_path):
        (tmp_path / "page01.txt").write_text(SEED_FILES[0].read_text(encoding="utf-8"), encoding="utf-8")
        ingest(tmp_path)
        corrected = SEED_FILES[0].read_text(encoding="utf-8").replace("昌吉州工信系统", "昌吉州工业和信息化系统")
        (tmp_path / "page01.txt").write_text(corrected, encoding="utf-8")
        assert "更新 page01.txt" in ingest(tmp_path)
        assert Article.objects.filter(title="昌吉州工业和信息化系统开展工业经济观摩活动").exists()

    @pytest.mark.parametrize("root", [False, True])
    def test_the_same_file_reached_through_two_folders_is_stored_once(self, tmp_path, settings, root):
        if root:
            settings.ARCHIVE_PAGES_ROOT = str(tmp_path)
        (tmp_path / "dupA" / "2023").mkdir(parents=True)
        (tmp_path / "dupA" / "2023" / "p1.txt").write_text(SEED_FILES[1].read_text(encoding="utf-8"), encoding="utf-8")
        ingest(tmp_path / "dupA")
        second = ingest(tmp_path / "dupA" / "2023")
        assert Page.objects.count() == 1
        assert ("内容未变" if root else "与已存的版面 2023/p1.txt 内容相同") in second

    def test_a_file_outside_the_archive_root_is_refused(self, tmp_path, settings):
        settings.ARCHIVE_PAGES_ROOT = str(tmp_path / "archive")
        (tmp_path / "archive").mkdir()
        with pytest.raises(CommandError):
            ingest(SEED_FILES[0])
        assert not Page.objects.exists()


def test_a_page_stored_garbled_is_mended_by_reading_it_again_in_its_encoding(tmp_path):
    (tmp_path / "big5.txt").write_bytes(TAIWAN_PAGE.encode("big5"))
    ingest(tmp_path / "big5.txt", "--encoding", "gb18030")  # as earlier versions read it: nonsense
    assert not Article.objects.filter(title="臺灣同胞參觀昌吉").exists()
    with pytest.raises(CommandError):  # the text is all different: is it a correction?
        ingest(tmp_path / "big5.txt", "--encoding", "big5")
    assert "更新 big5.txt" in ingest(tmp_path / "big5.txt", "--encoding", "big5", "--replace")
    assert Article.objects.get().title == "臺灣同胞參觀昌吉"
    assert "内容未变" in ingest(tmp_path / "big5.txt", "--encoding", "big5")


@pytest.mark.parametrize("text", ["乡村振兴\n\n梁宏涛 摄\n", "昌吉州促进外经贸发展培训班在闽结业\n\n本报讯 记者刘茜报道:3月24日,结业。\n"])
def test_short_gb18030_pages_are_read(tmp_path, text):
    from archive.parser import decode_page

    assert decode_page(text.encode("gb18030")) == text


class TestCorrectionsKeepAddresses:
    """A corrected page file ingested again keeps every item's identity, and with it every
    published address; an item the correction removed leads to its page."""

    def ids(self):
        return (sorted(Article.objects.values_list("pk", "title")), sorted(PhotoCaption.objects.values_list("pk", "caption")))

    def test_a_one_character_correction_keeps_every_item_and_its_address(self, seed_dir, client):
        ingest(seed_dir)
        articles, photos = self.ids()
        first = Article.objects.get(title="昌吉州一季度招商引资实现“开门红”")
        cited = first.get_absolute_url()
        page = seed_dir / SEED_FILES[0].name
        page.write_text(page.read_text(encoding="utf-8").replace("开门红", "开门紅"), encoding="utf-8")
        assert "更新 " + SEED_FILES[0].name in ingest(seed_dir)
        assert [pk for pk, _ in self.ids()[0]] == [pk for pk, _ in articles]
        assert [pk for pk, _ in self.ids()[1]] == [pk for pk, _ in photos]
        response = client.get(cited)
        assert response.status_code == 200 and "开门紅" in response.content.decode()

    def test_stories_that_swap_places_keep_their_own_addresses(self, seed_dir):
        ingest(seed_dir)
        page = seed_dir / SEED_FILES[1].name
        before = {a.title: (a.pk, a.position) for a in Article.objects.filter(page__source=page.name)}
        text = page.read_text(encoding="utf-8")
        a, b, c = (text.index(t) for t in ["昌吉州政协召开专题协商议政会", "昌吉市政协开展夏季防溺水工作专项视察",
                                          "昌吉州参加亚欧商博会招商引资重点项目签约仪式"])
        page.write_text(text[:a] + text[b:c] + text[a:b] + text[c:], encoding="utf-8")  # the two stories swapped
        ingest(seed_dir)
        after = {a.title: (a.pk, a.position) for a in Article.objects.filter(page__source=page.name)}
        assert {t: pk for t, (pk, _) in after.items()} == {t: pk for t, (pk, _) in before.items()}
        assert after["昌吉州政协召开专题协商议政会"][1] == before["昌吉市政协开展夏季防溺水工作专项视察"][1]

    def test_a_story_the_correction_removed_leads_to_its_page_and_then_says_it_is_gone(self, seed_dir, client):
        ingest(seed_dir)
        page_file = seed_dir / SEED_FILES[0].name
        removed = Article.objects.get(title="昌吉州工信系统开展工业经济观摩活动")
        kept = Article.objects.get(title="昌吉州一季度招商引资实现“开门红”")
        text = page_file.read_text(encoding="utf-8")
        start = text.index("昌吉州工信系统开展工业经济观摩活动")
        end = text.index("4月16日,民警帮助牧民看护羊群")
        page_file.write_text(text[:start] + text[end:], encoding="utf-8")
        ingest(seed_dir)
        assert not Article.objects.filter(pk=removed.pk).exists()
        assert Article.objects.filter(pk=kept.pk, title=kept.title).exists()
        response = client.get(f"/articles/{removed.pk}/")
        assert response.status_code == 301 and response["Location"] == removed.page.get_absolute_url()
        Page.objects.filter(pk=removed.page_id).delete()
        gone = client.get(f"/articles/{removed.pk}/")
        assert gone.status_code == 410 and "昌吉州工信系统开展工业经济观摩活动" in gone.content.decode()
        assert client.get("/articles/987654/").status_code == 404  # never published: not found
