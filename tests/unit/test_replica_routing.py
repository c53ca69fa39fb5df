"""Read replicas: which databases DATABASE_REPLICA_URLS makes, and the router's choices that need
no database (config/replicas.py). tests/integration/test_replica_routing.py asks real servers."""

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test.utils import override_settings

from archive.models import Article
from config.replicas import PRIMARY, PrimaryReplicaRouter, request_reads
from config.settings import replica_databases
from search.models import PendingIndexUpdate

PRIMARY_SETTINGS = {"ENGINE": "django.db.backends.postgresql", "NAME": "archive", "CONN_MAX_AGE": 60,
                    "CONN_HEALTH_CHECKS": True, "OPTIONS": {"sslmode": "prefer"}}
router = PrimaryReplicaRouter()


def test_each_replica_url_is_an_alias_connected_as_the_primary_is():
    replicas = replica_databases(["postgres://archive:pw@10.0.0.2:5432/archive",
                                  "postgres://archive:pw@10.0.0.3:6432/archive"], PRIMARY_SETTINGS)
    assert list(replicas) == ["replica1", "replica2"]
    first, second = replicas["replica1"], replicas["replica2"]
    assert (first["HOST"], first["PORT"], second["HOST"], second["PORT"]) == ("10.0.0.2", 5432, "10.0.0.3", 6432)
    assert first["CONN_MAX_AGE"] == 60 and first["CONN_HEALTH_CHECKS"] is True
    assert first["OPTIONS"] == {"sslmode": "prefer", "connect_timeout": 3}  # a dead host costs seconds, not minutes
    assert first["TEST"] == {"MIRROR": "default"}  # tests make no database on a replica


def test_no_replica_urls_change_nothing():
    assert replica_databases([], PRIMARY_SETTINGS) == {}
    with override_settings(DATABASE_REPLICAS=[]), request_reads(replicas_allowed=True):
        assert router.db_for_read(Article) is None  # Django's own choice, as without a router
        assert router.db_for_read(None) is None


@override_settings(DATABASE_REPLICAS=["replica1"])
def test_outside_a_request_everything_reads_the_primary():
    """Ingest, the index worker and the shell read what they are about to write."""
    for model in (Article, PendingIndexUpdate, None, Session):
        assert router.db_for_read(model) == PRIMARY


@override_settings(DATABASE_REPLICAS=["replica1"])
def test_sessions_and_logins_always_read_the_primary():
    with request_reads(replicas_allowed=True):
        assert router.db_for_read(Session) == PRIMARY
        assert router.db_for_read(User) == PRIMARY


@override_settings(DATABASE_REPLICAS=["replica1"])
def test_a_request_not_allowed_replicas_reads_the_primary_and_says_so():
    with request_reads(replicas_allowed=False) as reads:
        assert router.db_for_read(Article) == PRIMARY
        assert router.db_for_read(None) == PRIMARY
    assert reads.served == [PRIMARY]


def test_writes_go_to_the_primary_and_are_remembered_by_the_request():
    with request_reads(replicas_allowed=True) as reads:
        assert router.db_for_write(Article) == PRIMARY
    assert reads.wrote


def test_tables_are_made_on_the_primary_only_and_rows_relate_across_aliases():
    assert router.allow_migrate("default", "archive")
    assert not router.allow_migrate("replica1", "archive")
    assert router.allow_relation(Article(), Article())


@override_settings(DATABASE_REPLICAS=["replica1"])
def test_rows_related_to_a_row_read_from_the_primary_are_read_there_too():
    """A search hit the replica had not replayed is read from the primary; so are its bylines."""
    article = Article()
    article._state.db = PRIMARY
    with request_reads(replicas_allowed=True) as reads:
        assert router.db_for_read(Article, instance=article) == PRIMARY
    assert reads.served == [PRIMARY]
