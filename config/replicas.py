"""Read replicas (README, "Past one machine"): the public pages read the archive from a streaming
replica of the PostgreSQL primary when one is healthy; everything that writes, and everything
that reads in order to write, uses the primary.

- Every write goes to the primary (``default``).
- A GET or HEAD of the public site reads the archive's and the search's tables (models of the
  apps ``archive`` and ``search``, and ``db_for_read(None)``: the search engine's own tables)
  from one healthy replica, the same one for the whole request. Sessions, logins, the admin's log
  and the rest always read the primary: a login must never meet a lagging copy of a session.
- The primary serves the rest: the admin (a form read from a lagging copy would save stale values
  back), other methods, reads inside a transaction on the primary, reads after the request wrote,
  and everything outside a request (ingest, the index worker, the shell: they read what they are
  about to write).
- Read-your-writes: a staff browser whose request wrote reads the primary for
  ``DATABASE_REPLICA_PIN_SECONDS`` afterwards (a signed cookie, honoured only for staff).
- Healthy: the replica answers and lags at most ``DATABASE_REPLICA_MAX_LAG`` seconds; asked at
  most once every CHECK_SECONDS per process and replica, and one that could not be reached is
  left alone for DOWN_SECONDS. With none healthy, the primary serves.
- A replica that fails between its check and a query: the view runs again on the primary, so
  a replica going down never costs a reader a 500.

Every response whose request read the archive says where from (``X-Archive-Read-From:
replica1``), which the replication tests check and which tells an operator which server
answered.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import logging
import random
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICATED_APPS = frozenset({"archive", "search"})
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ADMIN_PATH = "/admin/"
READ_FROM_HEADER = "X-Archive-Read-From"
PIN_COOKIE = "archive_read_primary"
PIN_SALT = "config.replicas.pin"
CHECK_SECONDS = 1.0  # a replica's lag is asked at most this often (per process and replica)
DOWN_SECONDS = 5.0  # a replica that could not be reached is not tried again for this long
QUERY_CANCELED = "57014"  # statement_timeout, or a cancel request

# The replica's lag in seconds: none while it has replayed all it received, else the age of the
# last transaction it replayed. "<=", not "=": a replica restarted while the primary is idle
# reports as received only the start of the segment it streams from, behind what it replayed. A
# server that is not a standby (a promoted replica; a test naming the primary as a replica) has
# nothing to lag behind.
LAG_SQL = """
    SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
                WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
                ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END
"""


# --- where one request reads ---------------------------------------------------------------------

@dataclasses.dataclass
class Reads:
    """Where the request being served reads the archive from."""

    replicas_allowed: bool
    wrote: bool = False
    replica: str | None = None  # chosen at the first read of the archive, then kept
    served: list[str] = dataclasses.field(default_factory=list)  # what answered, for the header
    retried: bool = False


_reads: contextvars.ContextVar[Reads | None] = contextvars.ContextVar("archive_reads", default=None)


@contextlib.contextmanager
def request_reads(replicas_allowed: bool):
    """Reads of the archive inside the block follow one request's rules (outside any: the primary)."""
    reads = Reads(replicas_allowed)
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


def archive_read_alias(instance=None) -> str:
    reads = _reads.get()
    if reads is None:
        return PRIMARY
    if (not reads.replicas_allowed or reads.wrote or connections[PRIMARY].in_atomic_block
            or (instance is not None and instance._state.db == PRIMARY)):  # what a row read there relates to
        alias = PRIMARY
    else:
        if reads.replica is None:
            reads.replica = healthy_replica() or PRIMARY
        alias = reads.replica
    if alias not in reads.served:
        reads.served.append(alias)
    return alias


class PrimaryReplicaRouter:
    """Django's database router (``DATABASE_ROUTERS``). It runs for every query: it does no more
    than look at the request's ``Reads``, and asks a replica's health only once a request."""

    def db_for_read(self, model, **hints):
        if not settings.DATABASE_REPLICAS:
            return None
        if model is not None and model._meta.app_label not in REPLICATED_APPS:
            return PRIMARY
        return archive_read_alias(hints.get("instance"))

    def db_for_write(self, model, **hints):
        reads = _reads.get()
        if reads is not None:
            reads.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # replicas receive the primary's tables by replication


# --- a replica's health --------------------------------------------------------------------------

@dataclasses.dataclass
class Health:
    healthy: bool
    until: float  # time.monotonic() until which this is believed
    reason: str = ""


_health: dict[str, Health] = {}


def healthy_replica() -> str | None:
    """A healthy replica, chosen at random among them so that readers spread over all."""
    replicas = list(settings.DATABASE_REPLICAS)
    random.shuffle(replicas)
    return next((alias for alias in replicas if is_healthy(alias)), None)


def is_healthy(alias: str) -> bool:
    known = _health.get(alias)
    now = time.monotonic()
    if known is not None and now < known.until:
        return known.healthy
    health = check(alias, now)
    if known is None or (known.healthy, known.reason) != (health.healthy, health.reason):
        log = logger.info if health.healthy else logger.warning
        log("read replica %s: %s", alias, health.reason)
    _health[alias] = health
    return health.healthy


def check(alias: str, now: float) -> Health:
    try:
        lag = replica_lag(alias)
    except (DatabaseError, InterfaceError) as error:
        return Health(False, now + DOWN_SECONDS, f"unreachable, the primary serves ({error.__class__.__name__})")
    if lag is None or lag > settings.DATABASE_REPLICA_MAX_LAG:
        return Health(False, now + CHECK_SECONDS,
                      f"lags more than {settings.DATABASE_REPLICA_MAX_LAG:g} s, the primary serves")
    return Health(True, now + CHECK_SECONDS, "serving reads")


def replica_lag(alias: str) -> float | None:
    """Seconds ``alias`` lags behind the primary (None: unknown). A kept connection the replica
    dropped (a restart) fails once; a new one is tried before the replica counts as down."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return 0.0  # SQLite does not stream (tests name the primary's own file as a replica)
    for attempt in (1, 2):
        try:
            with connection.cursor() as cursor:
                cursor.execute(LAG_SQL)
                lag = cursor.fetchone()[0]
            return None if lag is None else float(lag)
        except (DatabaseError, InterfaceError):
            close_quietly(alias)
            if attempt == 2:
                raise
    return None


def mark_down(alias: str) -> None:
    _health[alias] = Health(False, time.monotonic() + DOWN_SECONDS, "failed during a request, the primary serves")
    logger.warning("read replica %s failed during a request; the primary serves for %g s", alias, DOWN_SECONDS)
    close_quietly(alias)


def close_quietly(alias: str) -> None:
    with contextlib.suppress(DatabaseError, InterfaceError):
        connections[alias].close()


def forget_health() -> None:
    """Every replica is asked afresh (tests, after changing what a replica alias points at)."""
    _health.clear()


# --- the middleware ------------------------------------------------------------------------------

def is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def pinned_to_primary(request) -> bool:
    """Whether this staff browser wrote in the last DATABASE_REPLICA_PIN_SECONDS."""
    if PIN_COOKIE not in request.COOKIES:
        return False  # every reader: no session or user is looked up
    return is_staff(request) and request.get_signed_cookie(
        PIN_COOKIE, default=None, salt=PIN_SALT, max_age=settings.DATABASE_REPLICA_PIN_SECONDS) is not None


def may_read_replicas(request) -> bool:
    return (request.method in SAFE_METHODS and not request.path.startswith(ADMIN_PATH)
            and not pinned_to_primary(request))


def pin_to_primary(response) -> None:
    response.set_signed_cookie(PIN_COOKIE, "1", salt=PIN_SALT, max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                               httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


def replica_failed(exception: Exception) -> bool:
    """Whether ``exception`` may be the replica failing: a lost or refused connection, a query
    cancelled by replay (a hot standby's conflict). A statement stopped for running too long
    (SQLSTATE 57014, a search's time budget) is not: it would only run as long again on the primary."""
    if not isinstance(exception, (OperationalError, InterfaceError)):
        return False
    return getattr(exception.__cause__, "sqlstate", None) != QUERY_CANCELED


def rendered(response):
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    return response


class ReplicaReadsMiddleware:
    """Sets each request's ``Reads`` (after AuthenticationMiddleware: a pin is honoured for
    staff only), pins a staff browser that wrote to the primary, says where the archive was read
    from, and runs a view again on the primary when its replica fails under it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        with request_reads(may_read_replicas(request)) as reads:
            response = self.get_response(request)
        if reads.served:
            response[READ_FROM_HEADER] = ", ".join(reads.served)
        if reads.wrote and is_staff(request):
            pin_to_primary(response)
        return response

    def process_exception(self, request, exception):
        reads = _reads.get()
        if (reads is None or reads.retried or reads.replica in (None, PRIMARY)
                or request.method not in SAFE_METHODS or not replica_failed(exception)):
            return None
        mark_down(reads.replica)
        reads.replica, reads.served, reads.retried = PRIMARY, [], True
        match = request.resolver_match
        return rendered(match.func(request, *match.args, **match.kwargs))
