"""The PostgreSQL engine's sample of items (postgres.py, ``PostgresSearch._counts``): an index of
``id % 1024``, so that a search matching most of the archive counts its facets on a fixed share
of the items (the GIN index's matches ANDed with this index's range), not on every match."""

from django.db import migrations

SAMPLE_INDEX = "CREATE INDEX search_pg_item_sample ON search_pg_item ((id %% 1024))"  # %% : a parameter-free statement still goes through psycopg's placeholders


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SAMPLE_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_pg_item_sample")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres_index")]

    operations = [migrations.RunPython(create, drop)]
