import os

from django.apps import AppConfig
from django.core import checks


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "全文检索"

    def ready(self):
        checks.register(check_search_engine)


def check_search_engine(app_configs=None, **kwargs):
    """``manage.py check`` (and every command that runs checks) refuses an unknown engine or an
    engine without its index location, naming the variable to set."""
    from django.core.exceptions import ImproperlyConfigured

    from .engines import build
    from django.conf import settings

    hint = ("ARCHIVE_SEARCH_ENGINE=whoosh|sqlite|postgres|elasticsearch (postgres needs a PostgreSQL DATABASE_URL, "
            "elasticsearch needs ELASTICSEARCH_URL)")
    try:
        build(settings.ARCHIVE_SEARCH)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint=hint, id="search.E001")]
    if os.environ.get("ELASTICSEARCH_URL") and settings.ARCHIVE_SEARCH["ENGINE"] != "elasticsearch":
        # It used to choose Elasticsearch by itself: never fall back to an empty local index silently.
        return [checks.Error(f"ELASTICSEARCH_URL is set but ARCHIVE_SEARCH_ENGINE={settings.ARCHIVE_SEARCH['ENGINE']}",
                             hint="set ARCHIVE_SEARCH_ENGINE=elasticsearch to search with it, or unset ELASTICSEARCH_URL",
                             id="search.E002")]
    return []
