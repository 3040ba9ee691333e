"""The quote's article and speaker keys lose their own indexes: ``(article_id, start)`` and
``(speaker_id, id)`` lead with the same columns and serve every lookup they served, while
each index costs every insert (a bulk import writes thousands of quotes a second).

Only the indexes go: the foreign-key constraints stay as they are (Django's own way of
altering the fields would drop and re-add them, checking every quote again under a lock).
On PostgreSQL the indexes are dropped ``CONCURRENTLY``, so the table is never locked
against writes."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "annotations_quote_article_id_b9b651e0": "article_id",
    "annotations_quote_speaker_id_a6f2bdd0": "speaker_id",
}


def concurrently(schema_editor) -> str:
    return " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX{concurrently(schema_editor)} IF EXISTS {name}")


def create(apps, schema_editor):
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX{concurrently(schema_editor)} IF NOT EXISTS {name} "
            f"ON annotations_quote ({column})"
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("annotations", "0015_quote_outlet_statement_triggers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="quote",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="quotes",
                        to="annotations.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="quote",
                    name="speaker",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="quotes",
                        to="annotations.speaker",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop, create, elidable=False)],
        ),
    ]
