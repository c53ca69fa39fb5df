"""The read-only JSON API."""

import pytest
from django.urls import reverse

from archive.models import Article

pytestmark = pytest.mark.django_db


def test_pages_list_every_item_in_reading_order(client, ingested):
    data = client.get(reverse("archive:api-pages")).json()
    assert data["count"] == 5
    first = data["pages"][0]
    assert first["source"] == "000_6cccedd8bdd5bbb2.txt"
    assert [i["type"] for i in first["items"]] == ["article", "article", "article", "photo", "article"]
    article, photo = first["items"][0], first["items"][3]
    assert article["section"] == "强信心 起好步 开新局"
    assert article["kicker"] == "扎实开展学习贯彻习近平新时代中国特色社会主义思想主题教育"
    assert article["reporters"] == ["刘茜"] and article["correspondents"] == ["高祥钧"]
    assert article["date"] == "2023-04-17"
    assert article["body"].startswith("4月17日,记者从昌吉州商务局获悉")
    assert article["body"].count("\n\n") == 7
    assert article["url"] == f"/issues/2023-04-17/1/articles/{article['id']}/"
    assert photo == {"type": "photo", "id": photo["id"], "caption": "4月16日,民警帮助牧民看护羊群。",
                     "description": photo["description"], "credit": "本报记者 何龙 摄",
                     "photographers": ["何龙"], "date": "2023-04-16", "shown_date": "2023-04-16"}


def test_one_article_has_subheadings_and_photos(client, ingested):
    feature = Article.objects.get(title="没有等出来的精彩 只有干出来的辉煌")
    data = client.get(reverse("archive:api-article", args=[feature.pk])).json()
    assert data["subheadings"] == ["“链”上招商新赛道\n打造经济发展增长极", "拼拼拼吹响冲锋号\n多点发力加速产业发展",
                                   "优服务下好“关键棋”\n全方位赋能招商添动力"]
    assert "## " not in data["body"]
    assert [p["photographers"] for p in data["photos"]] == [["何龙"], ["何龙"]]
    assert data["date"] is None
    assert data["blocks"][3] == {"type": "subheading", "text": data["subheadings"][0]}


def test_missing_article_is_a_json_404(client, db):
    response = client.get(reverse("archive:api-article", args=[999999]))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "999999" in response.json()["error"]


@pytest.mark.parametrize("page, status", [("abc", 400), ("0", 404), ("99", 404)])
def test_bad_page_parameter_is_a_json_error(client, ingested, page, status):
    response = client.get(reverse("archive:api-pages"), {"page": page})
    assert response.status_code == status
    assert "page" in response.json()["error"]


def test_the_api_is_read_only(client, ingested):
    response = client.post(reverse("archive:api-pages"), {})
    assert response.status_code == 405
    assert response.json()["error"]
    article = Article.objects.first()
    assert client.delete(reverse("archive:api-article", args=[article.pk])).status_code == 405
