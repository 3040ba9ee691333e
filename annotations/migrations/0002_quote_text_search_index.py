"""A GIN index for full-text search of quote text, on PostgreSQL only.

The expression matches what ``SearchVector("text", config="english")`` compiles to, so that
the API's ``?q=`` filter uses it. Other databases search with a plain substring match and
get no index.
"""

from django.db import migrations

INDEX = "annotations_quote_text_fts"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON annotations_quote "
            "USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("annotations", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
