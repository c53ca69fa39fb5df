"""Page files in the seeds' format, made from real articles, dated across several years.

Every page has what the seeds have: a rubric banner over its first story, headline blocks
(kicker / title / ——subtitle), ``本报讯 记者…、通讯员…报道:M月D日,`` bylines, photos printed inside
their article (caption and ``本报记者 … 摄`` after a wide gap), and paragraphs cut by column wraps.
Above the ~10k real articles, articles are recombined from real paragraphs (a real title with
paragraphs drawn from other real articles).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from pathlib import Path

from .corpus import RawArticle

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉宇峰建文斌云飞鑫波宁亮海燕晶欣晨雪琳倩颖婷慧佳茜龙"
RUBRICS = ["强信心 起好步 开新局", "新时代新征程新伟业", "奋进新征程 建功新时代", "学习贯彻党的精神", "聚焦两会",
           "乡村振兴看变化", "优化营商环境", "高质量发展调研行", "民生实事办实事", "文明创建在行动"]
START, YEARS = datetime.date(2016, 1, 1), 10
ARTICLES_PER_PAGE = 6


@dataclass
class PageFile:
    name: str
    text: str
    date: datetime.date
    articles: int


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def articles_of_size(real: list[RawArticle], size: int, seed: int = 1998) -> list[RawArticle]:
    """``size`` articles: the real ones first, then recombinations of real paragraphs."""
    if size <= len(real):
        return real[:size]
    rng = random.Random(seed)
    paragraphs = [p for a in real for p in a.paragraphs]
    extra = []
    for _ in range(size - len(real)):
        base = rng.choice(real)
        count = max(2, min(12, len(base.paragraphs) + rng.randint(-1, 2)))
        extra.append(RawArticle(base.title, rng.sample(paragraphs, count), "recombined"))
    return real + extra


def _title(text: str) -> str:
    return text.rstrip("。！？!?…;；,，、:：").strip()[:40] or "无题"


def _wrap(paragraph: str, rng: random.Random) -> str:
    """Cut a long paragraph mid-sentence, as a column wrap does."""
    if len(paragraph) < 60 or rng.random() > 0.15:
        return paragraph
    cut = rng.randrange(20, len(paragraph) - 20)
    while cut < len(paragraph) - 1 and not paragraph[cut - 1].isalnum():
        cut += 1
    return paragraph[:cut] + "\n\n" + paragraph[cut:]


def page_text(articles: list[RawArticle], date: datetime.date, rng: random.Random) -> str:
    dateline = date - datetime.timedelta(days=1)
    blocks = []
    for number, article in enumerate(articles):
        head = [_title(article.title)]
        if number == 0:
            head = [rng.choice(RUBRICS), head[0], f"——{date.year}年{_title(article.paragraphs[0])[:20]}"]
        elif rng.random() < 0.3:
            head.insert(0, f"{rng.choice(RUBRICS).split()[0]}")
        blocks += head
        byline = f"本报讯 记者{person(rng)}、通讯员{person(rng)}报道:{dateline.month}月{dateline.day}日,"
        first, *rest = article.paragraphs
        body = [byline + first] + [_wrap(p, rng) for p in rest]
        if rng.random() < 0.2 and rest:
            # A photo printed inside its article, as on the seed pages: its caption and credit on
            # one line after a wide gap, the article's text going on below it.
            caption = f"{dateline.month}月{dateline.day}日,{_title(article.title)}现场。 本报记者 {person(rng)} 摄"
            body.insert(len(body) - 1, f"\n\n{caption}\n")
        blocks += body
    return "\n\n" + "\n\n".join(blocks) + "\n"


def make_pages(articles: list[RawArticle], seed: int = 7, start: datetime.date = START, years: int = YEARS,
               prefix: str = "p") -> list[PageFile]:
    """Pages spread evenly over ``years`` from ``start``; ``years=0`` puts them all on one day."""
    rng = random.Random(seed)
    groups = [articles[i:i + ARTICLES_PER_PAGE] for i in range(0, len(articles), ARTICLES_PER_PAGE)]
    days = max(0, (datetime.date(start.year + years, 1, 1) - start).days) if years else 0
    pages = []
    for number, group in enumerate(groups):
        date = start + datetime.timedelta(days=number * days // max(1, len(groups)))
        pages.append(PageFile(f"{date:%Y/%m/%d}/{prefix}{number:06d}.txt", page_text(group, date, rng), date, len(group)))
    return pages


def write_pages(pages: list[PageFile], folder: Path) -> int:
    total = 0
    for page in pages:
        path = folder / page.name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = page.text.encode("utf-8")
        path.write_bytes(data)
        total += len(data)
    return total
