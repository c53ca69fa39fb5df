"""Settings for the archive, read from environment variables with development defaults.

ARCHIVE_DATA_DIR       folder for the SQLite file, the Whoosh index and collected static files (./data)
ARCHIVE_SEARCH_ENGINE  "whoosh" (default), "sqlite" (SQLite FTS5: much faster to build and search),
                       "postgres" (with a PostgreSQL DATABASE_URL) or "elasticsearch" (with ELASTICSEARCH_URL)
ARCHIVE_INDEX_DIR      the search index folder, if not in the data folder
ARCHIVE_SEARCH_BUDGET_MS  how long one search may run (1000); a longer one is stopped and refused
ARCHIVE_SEARCH_COMMON_ITEMS  items past which a word is common (5000): not weighed in ranking,
                       and a search matching more has its counts estimated (约)
ARCHIVE_RELATED_BUDGET_MS  how long finding an article's related reports may run (300); past it, none are listed
ARCHIVE_MAX_PAGE_KB    the largest page file ingest accepts (512); larger files are refused, unread
ARCHIVE_WHOOSH_CEILING articles up to which the Whoosh engine is advised (20000); past it, ingest says so
ARCHIVE_PAGES_ROOT     the folder page files live under; a page is named by its path below it
ARCHIVE_NEWSPAPER_TITLE  the newspaper's title, as citations name it (昌吉日报)
ARCHIVE_EXPORT_LIMIT   the most items one export of search results writes (10000); a larger search is cut there
DJANGO_DEBUG           "1" (default) for development; "0" in production
DJANGO_SECRET_KEY      required when DJANGO_DEBUG=0
DJANGO_ALLOWED_HOSTS   comma-separated host names (default: localhost names)
DJANGO_CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://archive.example.com
DJANGO_HTTPS           "1" behind HTTPS: redirect to HTTPS, secure cookies, HSTS
DJANGO_HSTS_SECONDS    HSTS max-age when DJANGO_HTTPS=1 (default: one year)
DATABASE_URL           e.g. postgres://user:pass@127.0.0.1:5432/archive (default: SQLite in the data folder)
DATABASE_REPLICA_URLS  comma-separated streaming replicas of that PostgreSQL primary, read by the
                       public pages (config/replicas.py; README, "Past one machine"); empty: none
DATABASE_REPLICA_MAX_LAG  seconds a replica may lag before reads go elsewhere (5)
DATABASE_REPLICA_PIN_SECONDS  how long a staff browser that saved something reads the primary (10)
ELASTICSEARCH_URL      e.g. http://es-host:9200, the cluster ARCHIVE_SEARCH_ENGINE=elasticsearch uses
ARCHIVE_ES_INDEX       the Elasticsearch index name (default: archive)
ARCHIVE_LIVE_INDEX     "0" for bulk loads: ingest does not update the index (run rebuild_index after)
DJANGO_LOG_LEVEL       INFO by default; logs go to standard output
DJANGO_LOGIN_FAILURE_LIMIT, DJANGO_LOGIN_COOLOFF_MINUTES  wrong passwords before a lockout (5), its length (30)
DJANGO_PROXY_COUNT     proxies in front that add X-Forwarded-For (1 with DJANGO_HTTPS, else 0)
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ARCHIVE_DATA_DIR", BASE_DIR / "data"))


def env_flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    SECRET_KEY = "development-only-not-secret"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

HTTPS = env_flag("DJANGO_HTTPS", False)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # TLS ends at the proxy in front
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_bootstrap5",
    "csp",
    "axes",
    "haystack",
    "archive",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "archive.middleware.VisibleBidiControlsMiddleware",
    "archive.middleware.DatabaseBusyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.replicas.ReplicaReadsMiddleware",  # after authentication: it pins staff who wrote
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Password guessing (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is locked out for AXES_COOLOFF_TIME; lockouts and attempts are
# listed in the admin (访问尝试 / 访问失败) and logged. README, "Logins".
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its start-up banner on every command's output; attempts are still logged
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address (config/client_address.py): behind the HTTPS proxy, the one it appends to
# X-Forwarded-For; otherwise only the connection's own, so that a forged header cannot dodge it.
DJANGO_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "1" if env_flag("DJANGO_HTTPS", False) else "0"))
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"

# Only the app's own scripts and styles; no inline script anywhere (page text is data).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Bootstrap draws its icons from data: URIs
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'archive.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers go on while an ingest writes; the timeout waits out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too (not shared-cache memory, which locks whole tables and ignores the
    # busy timeout), so concurrent writers behave in tests as they do in production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-archive.sqlite3")}



def replica_databases(urls: list[str], primary: dict) -> dict:
    """``replica1``, ``replica2``, … for DATABASE_REPLICA_URLS, connected as the primary is. A
    replica that cannot be reached is given up on after a few seconds, not the system's minutes.
    Under tests a replica stands for the primary's test database (MIRROR): none is made on it."""
    replicas = {}
    for number, url in enumerate(urls, start=1):
        replica = dj_database_url.parse(url, conn_max_age=primary["CONN_MAX_AGE"],
                                        conn_health_checks=primary["CONN_HEALTH_CHECKS"])
        replica["OPTIONS"] = dict(primary.get("OPTIONS", {})) if replica["ENGINE"] == primary["ENGINE"] else {}
        if replica["ENGINE"] == "django.db.backends.postgresql":
            replica["OPTIONS"].setdefault("connect_timeout", 3)
        replica["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = replica
    return replicas


# Streaming replicas of a PostgreSQL primary (config/replicas.py): the public pages read from a
# healthy one; writes, the admin, logins and commands use the primary. None: nothing changes.
DATABASES |= replica_databases(env_list("DATABASE_REPLICA_URLS", ""), DATABASES["default"])
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "5"))
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "10"))
DATABASE_ROUTERS = ["config.replicas.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# django-bootstrap5 loads Bootstrap from a CDN unless told otherwise: the archive works offline.
BOOTSTRAP5 = {
    "css_url": {"url": "/static/vendor/bootstrap/bootstrap.min.css"},
    "javascript_url": {"url": "/static/vendor/bootstrap/bootstrap.bundle.min.js"},
    "success_css_class": "",  # no green ticks on a search form that was merely filled in
}

# ARCHIVE_LIVE_INDEX=0 is for bulk loads (years of back issues): ingest leaves the index alone
# and one `rebuild_index` follows. Admin edits are then not indexed either until it is back on.
HAYSTACK_SIGNAL_PROCESSOR = (
    "search.signals.QueuedSignalProcessor" if env_flag("ARCHIVE_LIVE_INDEX", True)
    else "haystack.signals.BaseSignalProcessor"
)
# The one setting that chooses the search engine (search/engines/__init__.py): "whoosh" for a
# new archive, "sqlite" (FTS5) for a large one on one machine, "postgres" for an archive in
# PostgreSQL (the index in its own tables, read from replicas too), "elasticsearch" for a cluster.
# Every engine tokenises with search/analyzers.py and ranks with search/scoring.py.
ARCHIVE_SEARCH = {"ENGINE": os.environ.get("ARCHIVE_SEARCH_ENGINE", "whoosh").strip().lower()}
# Up to how many articles the Whoosh engine keeps pages and searches within their budgets
# (README, "Which search engine"); past it, ingest and check_index advise the FTS5 engine.
ARCHIVE_WHOOSH_CEILING = int(os.environ.get("ARCHIVE_WHOOSH_CEILING", "20000"))
if ARCHIVE_SEARCH["ENGINE"] == "elasticsearch":
    ARCHIVE_SEARCH |= {"LOCATION": os.environ.get("ELASTICSEARCH_URL", ""),
                       "INDEX_NAME": os.environ.get("ARCHIVE_ES_INDEX", "archive")}
elif ARCHIVE_SEARCH["ENGINE"] == "postgres":
    ARCHIVE_SEARCH["LOCATION"] = "default"  # the archive's database (the primary): see search/engines/postgres.py
else:
    _index_folder = {"whoosh": "whoosh_index", "sqlite": "fts5_index"}.get(ARCHIVE_SEARCH["ENGINE"], "index")
    ARCHIVE_SEARCH["LOCATION"] = os.environ.get("ARCHIVE_INDEX_DIR", str(DATA_DIR / _index_folder))
# The folder page files live under: a page's identity is its path below it (README, "Page
# identity"). Unset: the path below the folder given to ingest, or the file's name.
ARCHIVE_PAGES_ROOT = os.environ.get("ARCHIVE_PAGES_ROOT", "")
# The newspaper the pages are from, as citations name it (archive/citations.py; README, "Citing").
# The seed pages print no masthead; their stories are 昌吉州's own ("本报讯", 本报记者 of 州 news)
# and the product owner names the paper 昌吉日报. An archive of another paper sets its title;
# an empty value is taken as unset, since a citation without its newspaper cites nothing.
ARCHIVE_NEWSPAPER_TITLE = os.environ.get("ARCHIVE_NEWSPAPER_TITLE", "").strip() or "昌吉日报"
# The largest page file ingest reads (a printed page is tens of KB): larger ones are refused.
ARCHIVE_MAX_PAGE_KB = int(os.environ.get("ARCHIVE_MAX_PAGE_KB", "512"))
# How long one search may run before it is stopped with "检索过于复杂" (README, "Limits").
ARCHIVE_SEARCH_BUDGET_MS = int(os.environ.get("ARCHIVE_SEARCH_BUDGET_MS", "1000"))
# How long the search for an article's related reports (相关报道, search/related.py) may run: it is
# part of an article page (cached after), so a search that runs out lists none rather than wait.
ARCHIVE_RELATED_BUDGET_MS = int(os.environ.get("ARCHIVE_RELATED_BUDGET_MS", "300"))
# A word in more items than this is common: it decides what matches, not the order, and a search
# matching more items has its counts estimated (search/scoring.py; README, "Limits").
ARCHIVE_SEARCH_COMMON_ITEMS = int(os.environ.get("ARCHIVE_SEARCH_COMMON_ITEMS", "5000"))
# The most items one export of search results (/search/export.csv, .jsonl) writes; a search with
# more is cut there, and says so (X-Archive-Export-Truncated; README, "Exporting results").
ARCHIVE_EXPORT_LIMIT = max(1, int(os.environ.get("ARCHIVE_EXPORT_LIMIT", "10000")))
# haystack's commands (rebuild_index, update_index) and index classes drive that engine.
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "search.haystack_backend.ArchiveSearchEngine"}}
if ARCHIVE_SEARCH["ENGINE"] == "postgres":
    # rebuild_index writes each batch in one transaction; an admin save of an item in that batch
    # waits for its commit: small batches keep that wait short.
    HAYSTACK_CONNECTIONS["default"]["BATCH_SIZE"] = 25

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
