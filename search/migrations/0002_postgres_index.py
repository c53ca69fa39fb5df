"""The PostgreSQL engine's tables (search/engines/postgres.py), made on PostgreSQL only: on
SQLite the models exist for Django but no table does."""

from django.db import migrations, models

import search.models

# fastupdate = off: with GIN's pending list, the insert that fills it (4 MB) moves it into the
# index itself — an admin save that happened to be that insert took up to 1.8 s during a rebuild
# at 10,000 articles; without it the slowest of 1,438 saves took 477 ms (bench/NOTES.md).
TABLES = """
CREATE TABLE search_pg_item (
    id bigint PRIMARY KEY,
    ident text NOT NULL UNIQUE,
    kind text NOT NULL,
    pk bigint NOT NULL,
    parent bigint,
    section bigint,
    month text,
    text_len integer NOT NULL,
    words_len integer NOT NULL,
    head_len integer NOT NULL,
    text_units text NOT NULL,
    head_units text NOT NULL,
    words text NOT NULL,
    text_tokens tsvector NOT NULL,
    head_tokens tsvector NOT NULL,
    words_tokens tsvector NOT NULL
);
CREATE INDEX search_pg_item_text ON search_pg_item USING gin (text_tokens) WITH (fastupdate = off);
CREATE INDEX search_pg_item_head ON search_pg_item USING gin (head_tokens) WITH (fastupdate = off);
CREATE INDEX search_pg_item_words ON search_pg_item USING gin (words_tokens) WITH (fastupdate = off);
CREATE INDEX search_pg_item_section ON search_pg_item (section, id);
CREATE INDEX search_pg_item_parent ON search_pg_item (parent) WHERE parent IS NOT NULL;
CREATE TABLE search_pg_item_people (
    id bigserial PRIMARY KEY,
    person bigint NOT NULL,
    item bigint NOT NULL REFERENCES search_pg_item (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE UNIQUE INDEX search_pg_item_people_person ON search_pg_item_people (person, item);
CREATE INDEX search_pg_item_people_item ON search_pg_item_people (item);
CREATE TABLE search_pg_totals (
    id bigserial PRIMARY KEY,
    items bigint NOT NULL,
    text_len bigint NOT NULL,
    words_len bigint NOT NULL,
    head_len bigint NOT NULL
);
"""
DROP = "DROP TABLE IF EXISTS search_pg_item_people, search_pg_totals, search_pg_item"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TABLES)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create, drop)],
            state_operations=[
                migrations.CreateModel(
                    name="PostgresIndexItem",
                    fields=[
                        ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                        ("ident", models.TextField(unique=True)),
                        ("kind", models.TextField()),
                        ("pk_value", models.BigIntegerField(db_column="pk")),
                        ("parent", models.BigIntegerField(null=True)),
                        ("section", models.BigIntegerField(null=True)),
                        ("month", models.TextField(null=True)),
                        ("text_len", models.IntegerField()),
                        ("words_len", models.IntegerField()),
                        ("head_len", models.IntegerField()),
                        ("text_units", models.TextField()),
                        ("head_units", models.TextField()),
                        ("words", models.TextField()),
                        ("text_tokens", search.models.TokensField()),
                        ("head_tokens", search.models.TokensField()),
                        ("words_tokens", search.models.TokensField()),
                    ],
                    options={"db_table": "search_pg_item", "managed": True},
                ),
                migrations.CreateModel(
                    name="PostgresIndexTotals",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("items", models.BigIntegerField()),
                        ("text_len", models.BigIntegerField()),
                        ("words_len", models.BigIntegerField()),
                        ("head_len", models.BigIntegerField()),
                    ],
                    options={"db_table": "search_pg_totals"},
                ),
                migrations.CreateModel(
                    name="PostgresIndexPerson",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("person", models.BigIntegerField()),
                        ("item", models.ForeignKey(db_column="item", on_delete=models.CASCADE,
                                                   to="search.postgresindexitem")),
                    ],
                    options={"db_table": "search_pg_item_people"},
                ),
            ],
        ),
    ]
