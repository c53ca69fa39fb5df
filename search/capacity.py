"""Whoosh is the engine a new archive starts with, up to a size: past it, pages and searches
leave their budgets (measured: README, "Which search engine"). Ingest and ``check_index`` say
so, naming the one command that moves the archive to the SQLite FTS5 engine."""

from django.conf import settings

from archive.models import Article

MOVE_COMMAND = "ARCHIVE_SEARCH_ENGINE=sqlite python manage.py rebuild_index --noinput"


def engine_advice() -> str:
    """A sentence for the archivist when the archive has outgrown its engine, else ""."""
    if settings.ARCHIVE_SEARCH["ENGINE"] != "whoosh":
        return ""
    ceiling, articles = settings.ARCHIVE_WHOOSH_CEILING, Article.objects.count()
    if articles <= ceiling:
        return ""
    return (f"提示:本档案已有 {articles:,} 篇稿件,超过 Whoosh 检索引擎的适用上限 {ceiling:,} 篇,检索会越来越慢。"
            f"请改用 SQLite FTS5 引擎:运行一次 `{MOVE_COMMAND}` 建好新索引,"
            "再在服务的环境中设置 ARCHIVE_SEARCH_ENGINE=sqlite。")
