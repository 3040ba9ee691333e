"""The quote-to-outlet table of migration 0013 kept once per statement rather than once per
row when quotes or via hops are inserted or deleted.

Migration 0013's row triggers work out a quote's outlets again for every quote and hop
written, each time planning the refresh afresh: most of the time an import of many quotes
spent in the database. Here the inserts and deletes of quotes and hops are followed by
statement triggers that read the rows of the statement from transition tables and refresh
all their quotes in one set-based statement. What the table holds is unchanged: the same
refresh, for the same quotes, once the statement is over (when the row triggers fired too).

PostgreSQL allows transition tables only on triggers of one event without a column list,
so updates of a quote's article and of a hop's quote or outlet (rare: a merge, a move) keep
their row triggers, and so does the article's trigger.
"""

from django.db import migrations

FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION annotations_quote_outlet_on_quotes_added() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM annotations_quote_outlet_refresh(ARRAY(SELECT id FROM added));
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION annotations_quote_outlet_on_quotes_removed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM annotations_quote_outlet WHERE quote_id IN (SELECT id FROM removed);
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION annotations_quote_outlet_on_hops_added() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM annotations_quote_outlet_refresh(
            ARRAY(SELECT DISTINCT quote_id FROM added WHERE outlet_id IS NOT NULL)
        );
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION annotations_quote_outlet_on_hops_removed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM annotations_quote_outlet_refresh(ARRAY(SELECT DISTINCT quote_id FROM removed));
        RETURN NULL;
    END $$""",
]

TRIGGERS = [
    "DROP TRIGGER IF EXISTS annotations_quote_outlet ON annotations_quote",
    """CREATE TRIGGER annotations_quote_outlet
    AFTER UPDATE OF article_id ON annotations_quote
    FOR EACH ROW EXECUTE FUNCTION annotations_quote_outlet_on_quote()""",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet_added ON annotations_quote",
    """CREATE TRIGGER annotations_quote_outlet_added
    AFTER INSERT ON annotations_quote REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION annotations_quote_outlet_on_quotes_added()""",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet_removed ON annotations_quote",
    """CREATE TRIGGER annotations_quote_outlet_removed
    AFTER DELETE ON annotations_quote REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION annotations_quote_outlet_on_quotes_removed()""",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet ON annotations_viahop",
    """CREATE TRIGGER annotations_quote_outlet
    AFTER UPDATE OF quote_id, outlet_id ON annotations_viahop
    FOR EACH ROW EXECUTE FUNCTION annotations_quote_outlet_on_hop()""",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet_added ON annotations_viahop",
    """CREATE TRIGGER annotations_quote_outlet_added
    AFTER INSERT ON annotations_viahop REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION annotations_quote_outlet_on_hops_added()""",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet_removed ON annotations_viahop",
    """CREATE TRIGGER annotations_quote_outlet_removed
    AFTER DELETE ON annotations_viahop REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION annotations_quote_outlet_on_hops_removed()""",
]

# Migration 0013's row triggers, as they were.
ROW_TRIGGERS = [
    "DROP TRIGGER IF EXISTS annotations_quote_outlet_added ON annotations_quote",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet_removed ON annotations_quote",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet ON annotations_quote",
    """CREATE TRIGGER annotations_quote_outlet
    AFTER INSERT OR DELETE OR UPDATE OF article_id ON annotations_quote
    FOR EACH ROW EXECUTE FUNCTION annotations_quote_outlet_on_quote()""",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet_added ON annotations_viahop",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet_removed ON annotations_viahop",
    "DROP TRIGGER IF EXISTS annotations_quote_outlet ON annotations_viahop",
    """CREATE TRIGGER annotations_quote_outlet
    AFTER INSERT OR DELETE OR UPDATE OF quote_id, outlet_id ON annotations_viahop
    FOR EACH ROW EXECUTE FUNCTION annotations_quote_outlet_on_hop()""",
    "DROP FUNCTION IF EXISTS annotations_quote_outlet_on_quotes_added()",
    "DROP FUNCTION IF EXISTS annotations_quote_outlet_on_quotes_removed()",
    "DROP FUNCTION IF EXISTS annotations_quote_outlet_on_hops_added()",
    "DROP FUNCTION IF EXISTS annotations_quote_outlet_on_hops_removed()",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in FUNCTIONS + TRIGGERS:
            cursor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in ROW_TRIGGERS:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0014_lossless")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
