from django.db import models


class PendingIndexUpdate(models.Model):
    """An index write that has not landed yet (the index was locked by another writer).

    Rows are removed only after the index commit that applied them, so a crash or a busy
    index never loses an update; any later writer, or the retry thread, applies them.
    """

    label = models.CharField("类型", max_length=100)  # haystack's "app.model"
    object_id = models.CharField("编号", max_length=40)
    deleted = models.BooleanField("删除", default=False)
    queued_at = models.DateTimeField("排队时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "待更新索引"
        indexes = [models.Index(fields=["label", "object_id"])]

    def __str__(self):
        return f"{'删除' if self.deleted else '更新'} {self.label}.{self.object_id}"


# --- the PostgreSQL engine's index (search/engines/postgres.py) ------------------------------
# Tables in the archive's own database, written in the same transaction as the archive. Declared
# as models so that Django knows them (a test's flush empties them with the archive, a router
# can place them); created by migration 0002 on PostgreSQL only, and read and written by the
# engine in SQL.

class TokensField(models.TextField):
    """A ``tsvector``: search tokens made by ``search/analyzers.py``, never parsed by PostgreSQL."""

    def db_type(self, connection):
        return "tsvector"


class PostgresIndexItem(models.Model):
    id = models.BigIntegerField(primary_key=True)  # engines/item_ids.py: date, articles first, pk
    ident = models.TextField(unique=True)  # "archive.article.12"
    kind = models.TextField()  # "article" | "photo"
    pk_value = models.BigIntegerField(db_column="pk")
    parent = models.BigIntegerField(null=True)  # a photo printed in an article: the article's pk
    section = models.BigIntegerField(null=True)
    month = models.TextField(null=True)  # "YYYY-MM", NULL when undated
    text_len = models.IntegerField()  # each field's length as the scoring counts it
    words_len = models.IntegerField()
    head_len = models.IntegerField()
    # Normalised units of everything printed but the body, and of the body: a literal is a
    # substring of one of the two (正文: looks in the body's).
    text_units = models.TextField()
    body_units = models.TextField(default="")
    head_units = models.TextField()
    words = models.TextField()  # " w1  w2 ": each jieba word between its own two spaces
    text_tokens = TokensField()  # units and bigrams: what the GIN indexes find
    head_tokens = TokensField()
    words_tokens = TokensField()

    class Meta:
        db_table = "search_pg_item"
        managed = True


class PostgresIndexPerson(models.Model):
    id = models.BigAutoField(primary_key=True)
    person = models.BigIntegerField()
    item = models.ForeignKey(PostgresIndexItem, on_delete=models.CASCADE, db_column="item", db_constraint=True)

    class Meta:
        db_table = "search_pg_item_people"


class PostgresIndexTotals(models.Model):
    """Items and field lengths added or taken away by one write: summed, they are the scoring's
    N and mean lengths. One row per write, not one row for all, so that concurrent transactions
    (an ingest, an admin save) never wait on each other for it; ``postgres.compact_totals``
    folds them together now and then."""

    id = models.BigAutoField(primary_key=True)
    items = models.BigIntegerField()
    text_len = models.BigIntegerField()
    words_len = models.BigIntegerField()
    head_len = models.BigIntegerField()

    class Meta:
        db_table = "search_pg_totals"
