"""The quote-to-outlet table of migration 0013 also holds each quote's speaker, with an
``(outlet_id, speaker_id, quote_id)`` index, so that quotes by one speaker through one
outlet are one index range in id order, however common either is alone.

Without it, PostgreSQL either reads every quote of the outlet from the heap to test its
speaker (thousands of rows for a page of a hundred when few match) or walks the quotes in
id order testing both. The speaker is refreshed with the rest of a quote's outlet rows:
by the statement triggers of migration 0015 when quotes and hops are written, and by the
quote's row trigger, which now also follows a change of speaker (an edit, a merge).

Like 0013, on PostgreSQL only, without a lock on the quote table: the column is added
empty (no rewrite), the functions replaced, the column filled in batches of quote ids,
each committed on its own, and the index built ``CONCURRENTLY``.
"""

from django.db import migrations

OUTLETS = "annotations_quote_outlet"
INDEX = "annotations_quote_outlet_speaker_idx"
BATCH = 5_000

REFRESH = """CREATE OR REPLACE FUNCTION annotations_quote_outlet_refresh(ids bigint[])
    RETURNS void LANGUAGE sql AS $$
        DELETE FROM annotations_quote_outlet WHERE quote_id = ANY(ids);
        INSERT INTO annotations_quote_outlet (outlet_id, quote_id, speaker_id)
            SELECT a.publisher_id, q.id, q.speaker_id
            FROM annotations_quote q JOIN annotations_article a ON a.id = q.article_id
            WHERE q.id = ANY(ids) AND a.publisher_id IS NOT NULL
            UNION
            SELECT h.outlet_id, h.quote_id, q.speaker_id
            FROM annotations_viahop h JOIN annotations_quote q ON q.id = h.quote_id
            WHERE h.quote_id = ANY(ids) AND h.outlet_id IS NOT NULL
        ON CONFLICT DO NOTHING;
    $$"""

# Migration 0013's refresh, for going back.
OLD_REFRESH = """CREATE OR REPLACE FUNCTION annotations_quote_outlet_refresh(ids bigint[])
    RETURNS void LANGUAGE sql AS $$
        DELETE FROM annotations_quote_outlet WHERE quote_id = ANY(ids);
        INSERT INTO annotations_quote_outlet (outlet_id, quote_id)
            SELECT a.publisher_id, q.id
            FROM annotations_quote q JOIN annotations_article a ON a.id = q.article_id
            WHERE q.id = ANY(ids) AND a.publisher_id IS NOT NULL
            UNION
            SELECT h.outlet_id, h.quote_id FROM annotations_viahop h
            WHERE h.quote_id = ANY(ids) AND h.outlet_id IS NOT NULL
        ON CONFLICT DO NOTHING;
    $$"""


def quote_trigger(columns: str) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS annotations_quote_outlet ON annotations_quote",
        f"""CREATE TRIGGER annotations_quote_outlet
        AFTER UPDATE OF {columns} ON annotations_quote
        FOR EACH ROW EXECUTE FUNCTION annotations_quote_outlet_on_quote()""",
    ]


SCHEMA = [
    f"ALTER TABLE {OUTLETS} ADD COLUMN IF NOT EXISTS speaker_id bigint NULL",
    REFRESH,
    *quote_trigger("article_id, speaker_id"),
]

DROP_SCHEMA = [
    f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}",
    *quote_trigger("article_id"),
    OLD_REFRESH,
    f"ALTER TABLE {OUTLETS} DROP COLUMN IF EXISTS speaker_id",
]

# One batch of quote ids: the speaker of each of their outlet rows.
BACKFILL_SPEAKERS = f"""UPDATE {OUTLETS} o SET speaker_id = q.speaker_id
    FROM annotations_quote q
    WHERE q.id = o.quote_id AND o.quote_id >= %(low)s AND o.quote_id < %(high)s
        AND o.speaker_id IS DISTINCT FROM q.speaker_id"""

CREATE_INDEX = (
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON {OUTLETS} "
    "(outlet_id, speaker_id, quote_id)"
)


def backfill(cursor, *, batch: int = BATCH) -> None:
    """Give every outlet row its quote's speaker, one committed batch of quote ids at a
    time (the cursor must be in autocommit)."""
    cursor.execute(f"SELECT COALESCE(min(quote_id), 0), COALESCE(max(quote_id), -1) FROM {OUTLETS}")
    first, last = cursor.fetchone()
    for low in range(first, last + 1, batch):
        cursor.execute(BACKFILL_SPEAKERS, {"low": low, "high": low + batch})


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in SCHEMA:
            cursor.execute(statement)
        backfill(cursor)
        # A concurrent build that was interrupted leaves an invalid index behind.
        cursor.execute(
            "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [INDEX]
        )
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute(f"DROP INDEX CONCURRENTLY {INDEX}")
        cursor.execute(CREATE_INDEX)
        cursor.execute(f"ANALYZE {OUTLETS}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in DROP_SCHEMA:
            cursor.execute(statement)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("annotations", "0016_quote_fk_indexes_covered")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
