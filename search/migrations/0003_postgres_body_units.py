"""The body's units in a column of their own (``正文:``), on PostgreSQL only. A row written before
keeps all its units in ``text_units`` and an empty body: its text is searched as before, and it
holds no body until ``rebuild_index`` writes it again."""

from django.db import migrations, models


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # a constant default: no table rewrite
        schema_editor.execute("ALTER TABLE search_pg_item ADD COLUMN body_units text NOT NULL DEFAULT ''")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_pg_item DROP COLUMN body_units")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add, remove)],
            state_operations=[migrations.AddField("postgresindexitem", "body_units", models.TextField(default=""))],
        ),
    ]
