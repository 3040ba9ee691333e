"""Articles get a stable uid; speakers, outlets and articles can be deleted and restored;
fragments, via hops and boilerplate ranges get a history.

Safe on large tables (PostgreSQL): every new column is nullable without a default, so adding
it rewrites nothing and holds its lock for an instant (``uid``'s Python default is set in
the migration state only). Existing articles get their uid in batches of 5,000 ids, each
its own short transaction (the migration is not atomic), by ``gen_random_uuid()`` on
PostgreSQL and uuid4 in Python elsewhere; the unique index is then built with
``CREATE UNIQUE INDEX CONCURRENTLY`` and attached as the constraint without a scan. New
history tables start empty.
"""

import django.db.models.deletion
import django.db.models.manager
import simple_history.models
import uuid
from django.conf import settings
from django.db import migrations, models


BATCH = 5000
INDEX = "annotations_article_uid_unique"


def fill_uids(apps, schema_editor):
    """Give every article made before this migration its uid, a batch of ids at a time."""
    connection = schema_editor.connection
    Article = apps.get_model("annotations", "Article")
    table = Article._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT min(id), max(id) FROM {table}")
            low, high = cursor.fetchone()
            if low is None:
                return
            for start in range(low, high + 1, BATCH):
                cursor.execute(
                    f"UPDATE {table} SET uid = gen_random_uuid() "
                    "WHERE id >= %s AND id < %s AND uid IS NULL",
                    [start, start + BATCH],
                )
        return
    rows = Article._base_manager.filter(uid__isnull=True).order_by("pk")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).only("pk")[:BATCH])
        if not batch:
            return
        for article in batch:
            article.uid = uuid.uuid4()
        Article._base_manager.bulk_update(batch, ["uid"])
        last = batch[-1].pk


def add_uid_index(apps, schema_editor):
    """The uid's unique constraint: on PostgreSQL built concurrently (writes go on while it
    builds) and then attached, which only needs a moment's lock."""
    Article = apps.get_model("annotations", "Article")
    constraint = models.UniqueConstraint(fields=("uid",), name=INDEX)
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.add_constraint(Article, constraint)
        return
    table = Article._meta.db_table
    schema_editor.execute(
        f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON {table} (uid)"
    )
    schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {INDEX} UNIQUE USING INDEX {INDEX}")


def drop_uid_index(apps, schema_editor):
    Article = apps.get_model("annotations", "Article")
    schema_editor.remove_constraint(Article, models.UniqueConstraint(fields=("uid",), name=INDEX))


class Migration(migrations.Migration):
    atomic = False  # the uid batches commit one by one; CREATE INDEX CONCURRENTLY needs it

    dependencies = [
        ("annotations", "0013_quote_filter_paths"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalBoilerplateRange",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("start", models.PositiveIntegerField()),
                ("end", models.PositiveIntegerField()),
                ("note", models.CharField(blank=True, max_length=300)),
                (
                    "proposed",
                    models.BooleanField(
                        default=False,
                        help_text="Found by Newsdesk, waiting for an editor to confirm it.",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical boilerplate range",
                "verbose_name_plural": "historical boilerplate ranges",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalFragment",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("start", models.PositiveIntegerField()),
                ("end", models.PositiveIntegerField()),
                ("text", models.TextField()),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical fragment",
                "verbose_name_plural": "historical fragments",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalViaHop",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField()),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical via hop",
                "verbose_name_plural": "historical via hops",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AlterModelOptions(
            name="article",
            options={"base_manager_name": "all_objects", "ordering": ["-published_at", "-id"]},
        ),
        migrations.AlterModelOptions(
            name="outlet",
            options={"base_manager_name": "all_objects", "ordering": ["name"]},
        ),
        migrations.AlterModelOptions(
            name="speaker",
            options={"base_manager_name": "all_objects", "ordering": ["name"]},
        ),
        migrations.AlterModelManagers(
            name="article",
            managers=[
                ("objects", django.db.models.manager.Manager()),
                ("all_objects", django.db.models.manager.Manager()),
            ],
        ),
        migrations.AlterModelManagers(
            name="outlet",
            managers=[
                ("objects", django.db.models.manager.Manager()),
                ("all_objects", django.db.models.manager.Manager()),
            ],
        ),
        migrations.AlterModelManagers(
            name="speaker",
            managers=[
                ("objects", django.db.models.manager.Manager()),
                ("all_objects", django.db.models.manager.Manager()),
            ],
        ),
        migrations.AddField(
            model_name="article",
            name="deleted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="deleted_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddField(
                    model_name="article",
                    name="uid",
                    field=models.UUIDField(editable=False, null=True, verbose_name="UID"),
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="article",
                    name="uid",
                    field=models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        help_text="The article's identity across databases: an export carries it, and an import finds the article again by it.",
                        null=True,
                        verbose_name="UID",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="deleted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="deleted_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddField(
                    model_name="historicalarticle",
                    name="uid",
                    field=models.UUIDField(editable=False, null=True, verbose_name="UID"),
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="historicalarticle",
                    name="uid",
                    field=models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        help_text="The article's identity across databases: an export carries it, and an import finds the article again by it.",
                        null=True,
                        verbose_name="UID",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="historicaloutlet",
            name="deleted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicaloutlet",
            name="deleted_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalspeaker",
            name="deleted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalspeaker",
            name="deleted_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="outlet",
            name="deleted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="outlet",
            name="deleted_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="speaker",
            name="deleted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="speaker",
            name="deleted_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(fill_uids, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_uid_index, drop_uid_index)],
            state_operations=[
                migrations.AddConstraint(
                    model_name="article",
                    constraint=models.UniqueConstraint(fields=("uid",), name=INDEX),
                ),
            ],
        ),
        migrations.AddField(
            model_name="historicalboilerplaterange",
            name="article",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="annotations.article",
            ),
        ),
        migrations.AddField(
            model_name="historicalboilerplaterange",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalfragment",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalfragment",
            name="quote",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="annotations.quote",
            ),
        ),
        migrations.AddField(
            model_name="historicalviahop",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalviahop",
            name="outlet",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="annotations.outlet",
            ),
        ),
        migrations.AddField(
            model_name="historicalviahop",
            name="quote",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="annotations.quote",
            ),
        ),
        migrations.AddField(
            model_name="historicalviahop",
            name="speaker",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="annotations.speaker",
            ),
        ),
    ]
