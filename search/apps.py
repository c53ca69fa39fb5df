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

    try:
        build(settings.ARCHIVE_SEARCH)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="ARCHIVE_SEARCH_ENGINE=whoosh|sqlite|elasticsearch "
                             "(elasticsearch needs ELASTICSEARCH_URL)", id="search.E001")]
    return []
