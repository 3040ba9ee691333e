"""Index paths that let every quote filter of the API stop after a page, at a million quotes.

On every database: ``(kind, id)`` and ``(status, id)`` indexes, so that a rare kind or
status is read in page order.

On PostgreSQL only, kept by triggers (so that every way of writing rows keeps them right,
the ORM, bulk imports, merges and raw SQL alike), none of which the Django models know:

- ``annotations_quote.search``: the quote text's ``tsvector`` (English configuration), with a
  GIN index. It replaces the expression index of migration 0002: a phrase query rechecks
  the stored vector instead of parsing every candidate's text again, and testing a row in
  page order costs a comparison rather than a parse.
- ``annotations_quote.published_at``: the article's publication time copied onto each of
  its quotes, indexed with the id, so that a date range is one index range on the quote
  table, with row estimates from that table's own statistics.
- ``annotations_quote_outlet``: one row per quote and outlet it reached the page through
  (the article's publisher and every outlet hop), keyed ``(outlet_id, quote_id)``: an
  outlet's quotes in id order, so that ``?outlet=`` reads one index range and stops after
  a page.

Safe on a large, live table: the columns are added without a default (no rewrite), the
triggers exist before the backfill (rows written meanwhile are covered), the backfill goes
in batches of ids, each committed on its own (row locks for one batch at a time), and the
indexes are built ``CONCURRENTLY``. The migration is therefore not atomic; every step can be
run again after an interruption.
"""

from django.db import migrations, models

SEARCH_CONFIG = "english"
SEARCH_INDEX = "annotations_quote_search_idx"
PUBLISHED_INDEX = "annotations_quote_published_idx"
OLD_SEARCH_INDEX = "annotations_quote_text_fts"
OUTLETS = "annotations_quote_outlet"
BATCH = 5_000

SEARCH_VECTOR = f"to_tsvector('{SEARCH_CONFIG}'::regconfig, COALESCE({{text}}, ''))"

SCHEMA = [
    "ALTER TABLE annotations_quote ADD COLUMN IF NOT EXISTS search tsvector",
    "ALTER TABLE annotations_quote ADD COLUMN IF NOT EXISTS published_at timestamp with time zone",
    f"""CREATE TABLE IF NOT EXISTS {OUTLETS} (
        outlet_id bigint NOT NULL,
        quote_id bigint NOT NULL,
        PRIMARY KEY (outlet_id, quote_id)
    )""",
    f"CREATE INDEX IF NOT EXISTS {OUTLETS}_quote_idx ON {OUTLETS} (quote_id)",
    # The quote's own columns, before the row is stored.
    f"""CREATE OR REPLACE FUNCTION annotations_quote_derived() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' OR NEW.text IS DISTINCT FROM OLD.text THEN
            NEW.search := {SEARCH_VECTOR.format(text="NEW.text")};
        END IF;
        -- A bulk load may bring the publication time along (bench/data.py does).
        IF TG_OP = 'INSERT' AND NEW.published_at IS NULL
                OR TG_OP = 'UPDATE' AND NEW.article_id IS DISTINCT FROM OLD.article_id THEN
            NEW.published_at := (
                SELECT published_at FROM annotations_article WHERE id = NEW.article_id
            );
        END IF;
        RETURN NEW;
    END $$""",
    # The outlets of some quotes, worked out again from their articles and hops.
    f"""CREATE OR REPLACE FUNCTION annotations_quote_outlet_refresh(ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
        DELETE FROM {OUTLETS} WHERE quote_id = ANY(ids);
        INSERT INTO {OUTLETS} (outlet_id, quote_id)
            SELECT a.publisher_id, q.id
            FROM annotations_quote q JOIN annotations_article a ON a.id = q.article_id
            WHERE q.id = ANY(ids) AND a.publisher_id IS NOT NULL
            UNION
            SELECT h.outlet_id, h.quote_id FROM annotations_viahop h
            WHERE h.quote_id = ANY(ids) AND h.outlet_id IS NOT NULL
        ON CONFLICT DO NOTHING;
    $$""",
    f"""CREATE OR REPLACE FUNCTION annotations_quote_outlet_on_quote() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {OUTLETS} WHERE quote_id = OLD.id;
        ELSE
            PERFORM annotations_quote_outlet_refresh(ARRAY[NEW.id]);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION annotations_quote_outlet_on_hop() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM annotations_quote_outlet_refresh(ARRAY[OLD.quote_id]);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.outlet_id IS NOT NULL THEN
            PERFORM annotations_quote_outlet_refresh(ARRAY[NEW.quote_id]);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION annotations_quote_on_article() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.publisher_id IS DISTINCT FROM OLD.publisher_id THEN
            PERFORM annotations_quote_outlet_refresh(
                ARRAY(SELECT id FROM annotations_quote WHERE article_id = NEW.id)
            );
        END IF;
        IF NEW.published_at IS DISTINCT FROM OLD.published_at THEN
            UPDATE annotations_quote SET published_at = NEW.published_at
            WHERE article_id = NEW.id;
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION annotations_quote_outlet_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {OUTLETS};
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS annotations_quote_derived ON annotations_quote",
    """CREATE TRIGGER annotations_quote_derived
    BEFORE INSERT OR UPDATE OF text, article_id ON annotations_quote
    FOR EACH ROW EXECUTE FUNCTION annotations_quote_derived()""",
    # Derived columns are right even for rows loaded with triggers off (replication).
    "ALTER TABLE annotations_quote ENABLE ALWAYS TRIGGER annotations_quote_derived",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet ON annotations_quote",
    """CREATE TRIGGER annotations_quote_outlet
    AFTER INSERT OR DELETE OR UPDATE OF article_id ON annotations_quote
    FOR EACH ROW EXECUTE FUNCTION annotations_quote_outlet_on_quote()""",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet_truncate ON annotations_quote",
    """CREATE TRIGGER annotations_quote_outlet_truncate
    AFTER TRUNCATE ON annotations_quote
    FOR EACH STATEMENT EXECUTE FUNCTION annotations_quote_outlet_truncate()""",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet ON annotations_viahop",
    """CREATE TRIGGER annotations_quote_outlet
    AFTER INSERT OR DELETE OR UPDATE OF quote_id, outlet_id ON annotations_viahop
    FOR EACH ROW EXECUTE FUNCTION annotations_quote_outlet_on_hop()""",
    "DROP TRIGGER IF EXISTS annotations_quote_on_article ON annotations_article",
    """CREATE TRIGGER annotations_quote_on_article
    AFTER UPDATE OF publisher_id, published_at ON annotations_article
    FOR EACH ROW EXECUTE FUNCTION annotations_quote_on_article()""",
]

DROP_SCHEMA = [
    "DROP TRIGGER IF EXISTS annotations_quote_on_article ON annotations_article",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet ON annotations_viahop",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet_truncate ON annotations_quote",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet ON annotations_quote",
    "DROP TRIGGER IF EXISTS annotations_quote_derived ON annotations_quote",
    "DROP FUNCTION IF EXISTS annotations_quote_on_article()",
    "DROP FUNCTION IF EXISTS annotations_quote_outlet_on_hop()",
    "DROP FUNCTION IF EXISTS annotations_quote_outlet_on_quote()",
    "DROP FUNCTION IF EXISTS annotations_quote_outlet_truncate()",
    "DROP FUNCTION IF EXISTS annotations_quote_outlet_refresh(bigint[])",
    "DROP FUNCTION IF EXISTS annotations_quote_derived()",
    f"DROP TABLE IF EXISTS {OUTLETS}",
    f"DROP INDEX CONCURRENTLY IF EXISTS {SEARCH_INDEX}",
    f"DROP INDEX CONCURRENTLY IF EXISTS {PUBLISHED_INDEX}",
    "ALTER TABLE annotations_quote DROP COLUMN IF EXISTS search",
    "ALTER TABLE annotations_quote DROP COLUMN IF EXISTS published_at",
]

# One batch of quote ids: their derived columns, then their outlets.
BACKFILL_COLUMNS = f"""UPDATE annotations_quote q
    SET search = {SEARCH_VECTOR.format(text="q.text")}, published_at = a.published_at
    FROM annotations_article a
    WHERE a.id = q.article_id AND q.id >= %(low)s AND q.id < %(high)s
        AND (q.search IS NULL OR q.published_at IS DISTINCT FROM a.published_at)"""
BACKFILL_OUTLETS = f"""INSERT INTO {OUTLETS} (outlet_id, quote_id)
    SELECT a.publisher_id, q.id
    FROM annotations_quote q JOIN annotations_article a ON a.id = q.article_id
    WHERE q.id >= %(low)s AND q.id < %(high)s AND a.publisher_id IS NOT NULL
    UNION
    SELECT h.outlet_id, h.quote_id FROM annotations_viahop h
    WHERE h.quote_id >= %(low)s AND h.quote_id < %(high)s AND h.outlet_id IS NOT NULL
    ON CONFLICT DO NOTHING"""

INDEXES = [
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {SEARCH_INDEX} ON annotations_quote "
    "USING gin (search)",
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {PUBLISHED_INDEX} ON annotations_quote "
    "(published_at, id)",
]


def create_schema(cursor) -> None:
    for statement in SCHEMA:
        cursor.execute(statement)


def backfill(cursor, *, batch: int = BATCH, progress=None) -> None:
    """Fill the derived columns and the outlet table for every quote, one committed batch
    of ids at a time (the cursor must be in autocommit)."""
    cursor.execute("SELECT COALESCE(min(id), 0), COALESCE(max(id), -1) FROM annotations_quote")
    first, last = cursor.fetchone()
    for low in range(first, last + 1, batch):
        for statement in (BACKFILL_COLUMNS, BACKFILL_OUTLETS):
            cursor.execute(statement, {"low": low, "high": low + batch})
        if progress:
            progress(low + batch - first, last + 1 - first)


def create_indexes(cursor) -> None:
    for statement in INDEXES:
        cursor.execute(statement)


def _invalid_index(cursor, name: str) -> bool:
    cursor.execute("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [name])
    row = cursor.fetchone()
    return bool(row and row[0])


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        create_schema(cursor)
        backfill(cursor)
        for name in (SEARCH_INDEX, PUBLISHED_INDEX):
            # A concurrent build that was interrupted leaves an invalid index behind.
            if _invalid_index(cursor, name):
                cursor.execute(f"DROP INDEX CONCURRENTLY {name}")
        create_indexes(cursor)
        cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD_SEARCH_INDEX}")
        cursor.execute("ANALYZE annotations_quote")
        cursor.execute(f"ANALYZE {OUTLETS}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {OLD_SEARCH_INDEX} ON annotations_quote "
            f"USING gin ({SEARCH_VECTOR.format(text='text')})"
        )
        for statement in DROP_SCHEMA:
            cursor.execute(statement)


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """``CREATE INDEX CONCURRENTLY`` on PostgreSQL (no write lock on a large table), a plain
    ``CREATE INDEX`` elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, self.index, concurrently=True)
        else:
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, self.index, concurrently=True)
        else:
            schema_editor.remove_index(model, self.index)


class RemoveIndexConcurrentlyOnPostgres(migrations.RemoveIndex):
    """``DROP INDEX CONCURRENTLY`` on PostgreSQL, a plain ``DROP INDEX`` elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, index, concurrently=True)
        else:
            schema_editor.remove_index(model, index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, index, concurrently=True)
        else:
            schema_editor.add_index(model, index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("annotations", "0012_web_urls")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="quote",
            index=models.Index(fields=["kind", "id"], name="annotations_quote_kind_idx"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="quote",
            index=models.Index(fields=["status", "id"], name="annotations_quote_stat_id_idx"),
        ),
        RemoveIndexConcurrentlyOnPostgres(model_name="quote", name="annotations_quote_status_idx"),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
