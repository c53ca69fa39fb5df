"""People (issue 11, item 10): listed in pinyin order under an index of initials; one person
printed two ways merged in the admin; a person's page lists their articles and photos."""

import pytest
from django.apps import apps
from django.urls import reverse

from archive.contributors import byline_names
from archive.models import Article, ArticleContribution, Person, PersonAlias, PhotoCaption, Role
from archive.people import merge_people, people_named, sort_key
from tests.helpers import admin_action, ingest, run, titles_found

pytestmark = pytest.mark.django_db

OLD, KEPT = "苻苻·马汗", "荷苒·马汗"  # the same reporter, printed two ways in the seeds
OLD_TITLE = "昌吉高新区为7家企业发放87万元清洁能源替代补贴"
KEPT_TITLE = "昌吉州第二届天山北麓葡萄酒节直播大赛启动"


def html(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def listed_names(page: str, names) -> list[str]:
    return sorted(names, key=page.index)


# --- pinyin order --------------------------------------------------------------------------------

def test_people_are_listed_in_pinyin_order_under_an_index_of_initials(client, ingested):
    page = html(client, reverse("archive:people"))
    assert listed_names(page, ["宋华敏", "何龙", "刘茜", "朱卫华", KEPT]) == ["何龙", KEPT, "刘茜", "宋华敏", "朱卫华"]
    assert '<a class="page-link" href="?letter=L">L</a>' in page  # letters with people link
    assert '<span class="page-link">V</span>' in page  # letters without are shown, not linked
    assert '<th scope="rowgroup" colspan="4" class="pt-3" id="letter-H">H</th>' in page

    only_l = html(client, reverse("archive:people"), letter="l")
    assert "刘茜" in only_l and "何龙" not in only_l
    assert 'aria-current="page">L</a>' in only_l
    assert "没有姓名以 V 开头的作者。" in html(client, reverse("archive:people"), letter="V")
    assert "何龙" in html(client, reverse("archive:people"), letter="<script>")  # unknown: all
    assert client.get(reverse("archive:people"), {"letter": "L", "page": "9"}).status_code == 404


def test_sort_keys_read_surnames_as_surnames_and_sort_like_a_dictionary():
    assert sort_key("刘茜") == "liu2 qian4"
    assert sort_key("单田芳").startswith("shan4 ")  # not dan1, as in running text
    assert sort_key("曾国藩").startswith("zeng1 ")
    assert sort_key(KEPT) == "he2 ran3 ma3 han4"
    assert sort_key("李明") < sort_key("梁红") < sort_key("刘茜") < sort_key("吕方")
    assert sort_key("3号记者") > sort_key("祝") and sort_key("John Smith") == "john smith"


def test_people_get_their_sort_key_on_ingest_on_save_and_in_the_migration(ingested):
    assert not Person.objects.filter(sort_key="").exists()  # bulk-created by ingest
    person = Person.objects.create(name="单田芳")
    assert person.sort_key.startswith("shan4")
    Person.objects.update(sort_key="")
    fill_sort_keys = __import__("archive.migrations.0006_person_sort_key_and_alias",
                                fromlist=["fill_sort_keys"]).fill_sort_keys
    fill_sort_keys(apps, None)
    assert Person.objects.get(name="刘茜").sort_key == "liu2 qian4"
    assert not Person.objects.filter(sort_key="").exists()


# --- a person's page -----------------------------------------------------------------------------

def test_all_work_lists_a_persons_articles_and_photos_newest_first(client, ingested):
    reporter = Person.objects.get(name="刘茜")
    page = html(client, reporter.get_absolute_url())
    articles = Article.objects.by_person(reporter).count()
    photos = PhotoCaption.objects.by_person(reporter).count()
    assert photos == 1 and f"全部稿件和图片 {articles + photos}" in page
    assert "工人们正在加紧施工" in page and "昌吉州促进外经贸发展培训班在闽结业" in page
    assert page.count('<article class="mb-3">') == articles and page.count("<figure") >= photos
    assert "工人们正在加紧施工" not in html(client, reporter.get_absolute_url(), role="reporter")


# --- merging two printings of one name -----------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_merging_two_printings_of_a_name_in_the_admin(staff_client, client, fresh_index, ingested, tmp_path):
    old, kept = Person.objects.get(name=OLD), Person.objects.get(name=KEPT)
    assert titles_found(KEPT) == [KEPT_TITLE]

    confirm = admin_action(staff_client, "person", "merge", [old, kept])
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "保留哪一个姓名" in page and f'value="{kept.pk}"' in page and OLD in page
    assert staff_client.get(reverse("admin:archive_person_changelist")).status_code == 200  # nothing yet
    assert Person.objects.filter(pk=old.pk).exists()

    done = admin_action(staff_client, "person", "merge", [old, kept], post="yes", kept=kept.pk)
    assert done.status_code == 302
    assert not Person.objects.filter(pk=old.pk).exists()
    credits = ArticleContribution.objects.filter(person=kept)
    assert sorted(c.article.title for c in credits) == sorted([OLD_TITLE, KEPT_TITLE])
    alias = PersonAlias.objects.get(name=OLD)
    assert (alias.person, alias.former_id) == (kept, old.pk)

    moved = client.get(f"/people/{old.pk}/?role=reporter")
    assert moved.status_code == 301 and moved["Location"] == f"{kept.get_absolute_url()}?role=reporter"
    kept_page = html(client, kept.get_absolute_url())
    assert OLD_TITLE in kept_page and KEPT_TITLE in kept_page and f"又署名为 {OLD}" in kept_page

    # The index heard of it: the old name is still found (the byline prints it), the kept
    # name finds both, and the person filter holds both.
    assert titles_found(OLD) == [OLD_TITLE]
    assert sorted(titles_found(KEPT)) == sorted([OLD_TITLE, KEPT_TITLE])
    assert sorted(t.object.title for t in run("昌吉", person_id=kept.pk).hits) == sorted([OLD_TITLE, KEPT_TITLE])
    # A search link made before the merge (?person=<old id>) filters by the kept person.
    linked = html(client, f"/search/?q=昌吉&person={old.pk}")
    assert f"作者:{KEPT}" in linked and "共 2 条结果" in linked

    # A page printed later under the old name credits the kept person.
    later = tmp_path / "later.txt"
    later.write_text(f"昌吉高新区燃煤锅炉全部停用\n\n本报讯 记者{OLD}报道:6月1日,昌吉高新区内燃煤锅炉全部停用,"
                     "清洁能源替代工作提前完成。\n", encoding="utf-8")
    ingest(later)
    article = Article.objects.get(title="昌吉高新区燃煤锅炉全部停用")
    assert [(c.person, c.role) for c in article.contributions.all()] == [(kept, Role.REPORTER)]
    assert not Person.objects.filter(name=OLD).exists()


def test_merging_keeps_one_credit_per_item_and_role_and_carries_aliases_over(ingested):
    reporter = Person.objects.get(name="刘茜")
    article = Article.objects.by_person(reporter, Role.REPORTER).first()
    twice = Person.objects.create(name="刘倩")  # a misprint credited on the same story
    ArticleContribution.objects.create(article=article, person=twice, role=Role.REPORTER, order=5)
    PersonAlias.objects.create(name="刘茜茜", person=twice)
    credits_before = ArticleContribution.objects.filter(person=reporter).count()

    merged = merge_people(reporter, [twice, reporter])
    assert merged.names == ["刘倩"] and merged.articles == [article.pk]
    assert ArticleContribution.objects.filter(person=reporter).count() == credits_before
    assert [c.person for c in article.contributions.filter(role=Role.REPORTER)].count(reporter) == 1
    assert set(reporter.aliases.values_list("name", flat=True)) == {"刘倩", "刘茜茜"}
    assert people_named({"刘倩", "刘茜茜", "新人"}) == {
        "刘倩": reporter, "刘茜茜": reporter, "新人": Person.objects.get(name="新人")}


def test_merge_asks_for_two_people_and_a_choice(staff_client, ingested):
    one = Person.objects.get(name="刘茜")
    response = admin_action(staff_client, "person", "merge", [one])
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["请至少选择两位作者再合并。"]
    two = [one, Person.objects.get(name="何龙")]
    unchosen = admin_action(staff_client, "person", "merge", two, post="yes", kept="not-a-person")
    assert unchosen.status_code == 200 and "请选择保留哪一个姓名" in unchosen.content.decode()
    assert Person.objects.filter(pk__in=[p.pk for p in two]).count() == 2


def test_unknown_people_still_get_the_friendly_404(client, ingested):
    assert client.get("/people/99999/").status_code == 404


# --- the byline reader the admin uses agrees with the page reader ---------------------------------

def test_bylines_read_again_give_the_credits_ingest_stored(ingested):
    for article in Article.objects.for_display():
        stored = [(c.role, c.person.name) for c in article.contributions.all()]
        assert byline_names(article.byline) == stored, article.byline
