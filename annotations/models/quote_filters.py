"""How quotes are filtered fast at a million: through an outlet (the quote–outlet table that
triggers keep), by publication date and by text (columns PostgreSQL keeps on the quote row),
each read as one index range or, when matches are few, collected first (migrations 0013,
0015 and 0017). Elsewhere the filters keep their plain definitions.

``QuoteQuerySet`` (in :mod:`.quotes`) takes these methods from :class:`QuoteFilterPaths`."""

from __future__ import annotations

import json
import time
from datetime import datetime

from django.db import connections, models
from django.db.models import Exists, OuterRef, Q

from .directory import Outlet, Speaker


class QuoteFilterPaths:
    """The filter methods of the quote queryset."""

    def _on_postgresql(self) -> bool:
        return connections[self.db].vendor == "postgresql"

    def through_outlet(self, outlet, *, speaker=None):
        """Quotes published by ``outlet`` or relayed through it at any hop, and by
        ``speaker`` when one is given.

        On PostgreSQL through the outlet table that triggers keep (migrations 0013 and
        0017): the outlet's quotes (by the speaker) in id order, one index range, so that a
        page stops after its last row whether the outlet has ten quotes or a hundred
        thousand, and however common the speaker is elsewhere."""
        outlet_id = outlet.pk if isinstance(outlet, Outlet) else int(outlet)
        speaker_id = speaker.pk if isinstance(speaker, Speaker) else speaker
        if self._on_postgresql():
            return self.filter(pk__in=_QuoteColumn.outlet_quotes(outlet_id, speaker_id))
        via_hop = self.model._meta.get_field("via_hops").related_model
        hops = via_hop.objects.filter(quote=OuterRef("pk"), outlet=outlet_id)
        quotes = self.filter(Q(article__publisher=outlet_id) | Exists(hops))
        return quotes if speaker_id is None else quotes.filter(speaker=speaker_id)

    def published(self, *, after: datetime | None = None, before: datetime | None = None):
        """Quotes whose article was published at or after ``after`` and before ``before``.
        On PostgreSQL through the publication time each quote carries (migration 0013)."""
        if not self._on_postgresql():
            queryset = self
            if after is not None:
                queryset = queryset.filter(article__published_at__gte=after)
            if before is not None:
                queryset = queryset.filter(article__published_at__lt=before)
            return queryset

        def condition(quotes):
            quotes = quotes.alias(_published=_QuoteColumn("published_at", models.DateTimeField()))
            if after is not None:
                quotes = quotes.filter(_published__gte=after)
            if before is not None:
                quotes = quotes.filter(_published__lt=before)
            return quotes

        return self._among(condition)

    def search(self, words: str):
        """Quotes whose text matches ``words``: on PostgreSQL full-text search (English
        stemming; websearch syntax: words, "a phrase", -word, or) through the stored vector
        and its GIN index (migration 0013); a case-insensitive substring elsewhere."""
        if not self._on_postgresql():
            return self.filter(text__icontains=words)
        from django.contrib.postgres.search import SearchQuery, SearchVectorField

        def condition(quotes):
            return quotes.alias(_search=_QuoteColumn("search", SearchVectorField())).filter(
                _search=SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch")
            )

        return self._among(condition)

    def _among(self, condition):
        """These quotes filtered by ``condition`` (a function that filters a quote queryset
        on the quote row, with an index that does not give id order: a date range, a text
        search), on PostgreSQL.

        A page in id order can be served two ways: walk the quotes in id order testing each
        (cheap when matches are common, ruinous when they are few or all at the far end of
        the order, which the planner cannot know: it assumes them spread evenly), or
        collect the matching ids through their index first and read the page from those in
        order. Walking costs about ``100 / share`` rows on even spread (``share`` the
        matches' part of all quotes), collecting about as many as match, so the planner's
        estimate of the matches decides: under the square root of 100 times the quotes
        (10,000 at a million, 1,414 at 20,000) they are collected, otherwise the page is
        walked.

        Collected ids stay on the server, as an array made by a subquery. Sent back as a
        constant, the plan would know their number (of a subquery's array it assumes ten,
        which on a small table may join and sort them all before keeping a page), but at
        a million quotes their round trip costs more than that saves."""
        matches = condition(self.model.all_objects.using(self.db)).order_by().values("pk")
        plan = json.loads(matches.explain(format="json"))[0]["Plan"]
        if plan["Plan Rows"] ** 2 >= self.WALK_PAGE * self._estimated_quotes():
            return condition(self)
        return self.filter(_IdAmong(matches))

    WALK_PAGE = 100

    def _estimated_quotes(self) -> int:
        """The planner's count of quote rows (as of the last ``ANALYZE``), at least 1: read
        at most once a minute for each database, since it moves slowly and reading it costs
        a round trip to the database in every filtered request."""
        now = time.monotonic()
        known = _QUOTE_COUNTS.get(self.db)
        if known is None or now - known[0] > 60:
            with connections[self.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                    [self.model._meta.db_table],
                )
                known = _QUOTE_COUNTS[self.db] = (now, max(int(cursor.fetchone()[0]), 1))
        return known[1]


# database alias -> (when read, the planner's count of quotes)
_QUOTE_COUNTS: dict[str, tuple[float, int]] = {}


def forget_quote_counts() -> None:
    """Read the planner's count of quotes afresh next time (after an ``ANALYZE``)."""
    _QUOTE_COUNTS.clear()


SEARCH_CONFIG = "english"


class _QuoteColumn(models.Expression):
    """A column that PostgreSQL keeps on the quote table and the model does not declare
    (migration 0013: ``search``, ``published_at``), read from the query's own quote table
    (its alias, in a subquery too)."""

    def __init__(self, column: str, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        table = compiler.quote_name_unless_alias(alias)
        return f"{table}.{connection.ops.quote_name(self.column)}", []

    @staticmethod
    def outlet_quotes(outlet_id: int, speaker_id: int | None = None) -> models.expressions.RawSQL:
        """The ids of the quotes that reached the page through an outlet (and are by a
        speaker)."""
        if speaker_id is None:
            return models.expressions.RawSQL(
                "SELECT quote_id FROM annotations_quote_outlet WHERE outlet_id = %s", [outlet_id]
            )
        return models.expressions.RawSQL(
            "SELECT quote_id FROM annotations_quote_outlet"
            " WHERE outlet_id = %s AND speaker_id = %s",
            [outlet_id, speaker_id],
        )


class _IdAmong(models.Expression):
    """``id = ANY(ARRAY(<ids>))`` on the query's own quote table: the subquery runs once,
    first, and the page is read from its ids in order through the primary key."""

    output_field = models.BooleanField()

    def __init__(self, ids):
        super().__init__()
        self.ids = ids

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        sql, params = self.ids.query.get_compiler(connection=connection).as_sql()
        return f'{alias}."id" = ANY(ARRAY({sql}))', params
