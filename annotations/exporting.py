"""Getting annotations out of Newsdesk: spreadsheet CSV and W3C Web Annotations.

CSV (``quotes_csv_response``)
    One row per quote, the columns of DESIGN.md's public contract first, in that order, then
    ``speaker_id, note, created_at, updated_at, anchoring`` (``anchored``, ``relocated`` or
    ``orphaned``: an orphaned quote's text and offsets are those of the revision it was
    anchored in, its text being gone from the current one). RFC 4180: every field that needs it is
    quoted, quotes doubled, records end with CRLF (line breaks inside a quoted cell stay
    ``\\n``). The body starts with a UTF-8 byte order mark: Excel needs it to read UTF-8 at
    all, and ``pandas.read_csv`` (default encoding, either engine) drops it, so the first
    column is still ``article_id``; users of Python's ``csv`` module open the file with
    ``encoding="utf-8-sig"``. LibreOffice: choose "Unicode (UTF-8)" as the character set in
    the Text Import dialog (headless: ``--infilter="CSV:44,34,76,1"``). A text cell that
    starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so
    that no spreadsheet runs it as a formula (for ``via``, the first hop's name). Empty text
    and missing values are empty cells. Dates are ISO 8601 in UTC to the second,
    ``2016-02-11T12:00:00Z``.

    The rows come from one SQL query, the same on every database (joins for article,
    publisher and speaker, a correlated subquery for the via names, defusing and date
    formatting in SQL). On PostgreSQL it runs inside ``COPY (...) TO STDOUT WITH (FORMAT
    csv)`` and the bytes are passed on with only the record ends changed, so the export keeps
    up with ``psql \\copy`` (``bench/export.py``); elsewhere the rows are read with
    ``QuerySet.iterator(chunk_size=2000)`` and written by the ``csv`` module. Memory stays
    flat whatever the number of rows; no model instances are built. A test checks that both
    paths write the same bytes.

JSON Lines
    The lossless article documents, one a line, are written by
    :func:`annotations.documents.articles_jsonl_lines`, beside the code that reads them.

W3C Web Annotation (``web_annotation_collection``)
    An ``AnnotationCollection`` whose first ``AnnotationPage`` holds one ``Annotation`` per
    live, not rejected quote of an article: one ``SpecificResource`` target per fragment,
    each with a ``TextQuoteSelector`` (exact, 32 characters of prefix and suffix: enough
    for a reader to find the text again after it changed) and a ``TextPositionSelector``.
    A quote that is not ``anchored`` is tagged ``anchoring:relocated`` or
    ``anchoring:orphaned``; an orphaned one's selector quotes the revision its text was in,
    and has no position (its text is not in the current body). Positions are Unicode code
    points into the body as Newsdesk stores it (NFC, ``\\n`` line ends), which is what the
    Web Annotation model's "characters" are; browsers' UTF-16 offsets differ after astral
    characters such as emoji.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

from django.db import connections
from django.db.models import (
    Case,
    F,
    Func,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat, Left, NullIf
from django.db.models.lookups import In
from django.http import StreamingHttpResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify

from .models import Article, Outlet, Quote, Speaker, ViaHop

CSV_COLUMNS = (
    "article_id",
    "article_title",
    "article_url",
    "publisher",
    "published_at",
    "quote_id",
    "kind",
    "speaker",
    "speaker_role",
    "cue",
    "via",
    "text",
    "start",
    "end",
    "status",
    # additions after the contract's columns
    "speaker_id",
    "note",
    "created_at",
    "updated_at",
    "speaker_wikidata_id",
    "publisher_wikidata_id",
    "anchoring",
    "confirmed_by",
    "checked_by",
    "checked_at",
)
VIA_SEPARATOR = " > "
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"  # the item's URI, as linked data names it
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BATCH = 2000
UTF8_BOM = "\ufeff"


def defuse(value: str) -> str:
    """``value`` as a spreadsheet shows it but never runs it: a leading ``'`` when it starts
    like a formula."""
    return "'" + value if value and value[0] in FORMULA_STARTS else value


def _defused(expression) -> Case:
    """The SQL twin of :func:`defuse` (empty text becomes NULL, written as an empty cell)."""
    if isinstance(expression, str):
        expression = F(expression)
    return Case(
        When(
            In(Left(expression, 1), list(FORMULA_STARTS)),
            then=Concat(Value("'"), expression, output_field=TextField()),
        ),
        default=NullIf(expression, Value("")),
        output_field=TextField(),
    )


class CsvTimestamp(Func):
    """A date-time as the CSV writes it: ISO 8601 in UTC to the second,
    ``2016-02-11T12:00:00Z``."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', {sql})", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"""to_char({sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')""", params


def via_names_sql(vendor: str) -> RawSQL:
    """A correlated subquery: the quote's via names, nearest the speaker first, joined with
    `` > `` and defused (NULL when the chain is empty). The chain is aggregated in a derived
    table and defused outside it, so that it is computed once per row."""
    hop, outlet, speaker = (m._meta.db_table for m in (ViaHop, Outlet, Speaker))
    quote = Quote._meta.db_table
    joins = (
        f"FROM {hop} h LEFT JOIN {outlet} o ON o.id = h.outlet_id "
        f"LEFT JOIN {speaker} s ON s.id = h.speaker_id WHERE h.quote_id = {quote}.id"
    )
    name = "COALESCE(o.name, s.name)"
    if vendor == "postgresql":
        chain = f"SELECT string_agg({name}, %s ORDER BY h.position) AS v {joins}"  # noqa: S608
    else:
        # SQLite before 3.44 has no ORDER BY inside aggregates; it concatenates in the order
        # of an ordered subquery.
        inner = f"SELECT {name} AS n {joins} ORDER BY h.position"  # noqa: S608
        chain = f"SELECT group_concat(n, %s) AS v FROM ({inner})"  # noqa: S608
    starts = ", ".join("%s" for _ in FORMULA_STARTS)
    defused = f"CASE WHEN substr(v, 1, 1) IN ({starts}) THEN %s || v ELSE v END"
    sql = f"(SELECT {defused} FROM ({chain}) chain)"  # noqa: S608
    params = (*FORMULA_STARTS, "'", VIA_SEPARATOR)
    # table names come from the models, the values are parameters: nothing from a request
    return RawSQL(sql, params, output_field=TextField())  # noqa: S611


def csv_queryset(queryset):
    """The one query behind the CSV: a ``values_list`` of the columns in order, every value
    final (text defused, dates formatted, empty text as NULL)."""
    vendor = connections[queryset.db].vendor
    qs = queryset.select_related(None).prefetch_related(None)
    if not qs.ordered:
        qs = qs.order_by("article_id", "start", "id")
    return qs.annotate(
        _title=_defused("article__title"),
        _url=_defused("article__url"),
        _publisher=_defused("article__publisher__name"),
        _published=CsvTimestamp("article__published_at"),
        _speaker=_defused("speaker__name"),
        # The role the article gave at the time; the speaker's current role when the quote
        # has none (quotes annotated before roles were kept per quote).
        _role=_defused(Coalesce(NullIf(F("speaker_role"), Value("")), F("speaker__role"))),
        _cue=_defused("cue"),
        _via=via_names_sql(vendor),
        _text=_defused("text"),
        _note=_defused("note"),
        _created=CsvTimestamp("created_at"),
        _updated=CsvTimestamp("updated_at"),
        _speaker_qid=NullIf(F("speaker__wikidata_id"), Value("")),
        _publisher_qid=NullIf(F("article__publisher__wikidata_id"), Value("")),
        _confirmed_by=_defused("confirmed_by__username"),
        _checked_by=_defused("checked_by__username"),
        _checked=CsvTimestamp("checked_at"),
    ).values_list(
        "article_id",
        "_title",
        "_url",
        "_publisher",
        "_published",
        "id",
        "kind",
        "_speaker",
        "_role",
        "_cue",
        "_via",
        "_text",
        "start",
        "end",
        "status",
        "speaker_id",
        "_note",
        "_created",
        "_updated",
        "_speaker_qid",
        "_publisher_qid",
        "anchoring",
        "_confirmed_by",
        "_checked_by",
        "_checked",
    )


def csv_rows(queryset) -> Iterator[tuple]:
    """The CSV rows (without the header) of every quote in ``queryset``, in its order, as
    tuples ready for ``csv.writer``."""
    return csv_queryset(queryset).iterator(chunk_size=CSV_BATCH)


class _Pieces:
    """A file-like sink for ``csv.writer`` that hands back what was written since last
    asked."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


def csv_header(*, bom: bool = True) -> bytes:
    sink = _Pieces()
    csv.writer(sink, lineterminator="\r\n").writerow(CSV_COLUMNS)
    return ((UTF8_BOM if bom else "") + sink.take()).encode("utf-8")


def iter_csv(rows: Iterable[tuple], *, bom: bool = True, batch: int = CSV_BATCH) -> Iterator[bytes]:
    """Encode ``rows`` under the CSV header, ``batch`` rows per yielded chunk."""
    yield csv_header(bom=bom)
    sink = _Pieces()
    writer = csv.writer(sink, lineterminator="\r\n")
    rows = iter(rows)
    while chunk := list(islice(rows, batch)):
        writer.writerows(chunk)
        yield sink.take().encode("utf-8")


def iter_csv_postgresql(queryset, *, bom: bool = True, block: int = 1 << 16) -> Iterator[bytes]:
    """The same bytes as :func:`iter_csv` over :func:`csv_rows`, written by PostgreSQL's
    ``COPY (query) TO STDOUT``: rows never become Python objects, so the export runs at
    about the speed of ``psql \\copy``. Yields chunks of about ``block`` bytes.

    PostgreSQL sends one message per row (a promise of its protocol), ending with ``\\n``;
    that last byte becomes ``\\r\\n``, and line breaks inside quoted cells stay as they
    are."""
    sql, params = csv_queryset(queryset).query.sql_with_params()
    yield csv_header(bom=bom)
    with connections[queryset.db].cursor() as cursor:
        copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
        with cursor.cursor.copy(copy_sql, params) as copy:
            pending: list[bytes] = []
            size = 0
            for data in copy:
                if data[-1:] != b"\n":  # the protocol promises whole rows; never guess
                    raise RuntimeError("PostgreSQL sent a COPY message that is not one row.")
                pending.append(bytes(data[:-1]))
                size += len(data)
                if size >= block:
                    pending.append(b"")
                    yield b"\r\n".join(pending)
                    pending, size = [], 0
            if pending:
                pending.append(b"")
                yield b"\r\n".join(pending)


def quotes_csv_filename(params: Mapping[str, str]) -> str:
    """A file name that says what the export holds, from the quote filters in ``params``:
    ``quotes-igor-konashenkov-ria-novosti-2016-confirmed.csv``. Speaker, outlet and article
    are named (an id that names nothing is left out), a date range that is one calendar year
    is the year, any other range its dates; kind and status as given."""
    parts = ["quotes"]

    def named(model, key, attr):
        value = str(params.get(key, ""))
        if value.isdigit():
            name = model.objects.filter(pk=int(value)).values_list(attr, flat=True).first()
            if name:
                parts.append(slugify(name)[:60].strip("-") or f"{key}-{value}")

    named(Speaker, "speaker", "name")
    named(Outlet, "outlet", "name")
    named(Article, "article", "title")
    after = _filter_date(params.get("published_after", ""))
    before = _filter_date(params.get("published_before", ""))
    if after and before and (after.month, after.day, before.month, before.day) == (1, 1, 1, 1):
        years = range(after.year, before.year)
        if len(years) == 1:
            parts.append(str(after.year))
        elif years:
            parts.append(f"{years[0]}-{years[-1]}")
    elif after or before:
        parts.append(f"{after.isoformat() if after else 'start'}-to-")
        # published_before is exclusive: the range ends the day before.
        parts[-1] += (before - timedelta(days=1)).isoformat() if before else "now"
    for key in ("kind", "status"):
        value = slugify(str(params.get(key, "")))[:20]
        if value:
            parts.append(value)
    return "-".join(parts) + ".csv"


def _filter_date(value: str) -> date | None:
    value = str(value).strip()
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        return moment.date() if moment else parse_date(value)
    except ValueError:
        return None


def quotes_csv_response(queryset, filename: str) -> StreamingHttpResponse:
    """Stream every quote of ``queryset`` (already filtered) as the contract's CSV, as an
    attachment called ``filename``."""
    if connections[queryset.db].vendor == "postgresql":
        stream = iter_csv_postgresql(queryset)
    else:
        stream = iter_csv(csv_rows(queryset))
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    safe = "".join(ch for ch in filename if ch not in '"\\\r\n')
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------- W3C


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
SELECTOR_CONTEXT_CHARS = 32


def _text_quote_selector(body: str, start: int, end: int) -> dict[str, Any]:
    return {
        "type": "TextQuoteSelector",
        "exact": body[start:end],
        "prefix": body[max(0, start - SELECTOR_CONTEXT_CHARS) : start],
        "suffix": body[end : end + SELECTOR_CONTEXT_CHARS],
    }


def web_annotation_collection(article: Article, *, base_url: str) -> dict[str, Any]:
    """The article's live, not rejected quotes as a W3C Web Annotation collection.

    ``base_url`` is the site's absolute root (``https://newsdesk.example/``); ids of
    annotations are the quotes' API URLs, and the target source is the article's canonical
    URL, or its API URL when it has none.
    """
    root = base_url.rstrip("/")
    source = article.url or f"{root}/api/v1/articles/{article.pk}/"
    quotes = (
        article.quotes.filter(deleted_at__isnull=True)
        .exclude(status=Quote.Status.REJECTED)
        .with_related()
        .select_related("revision")
        .order_by("start", "end", "pk")
    )
    items = []
    for q in quotes:
        orphaned = q.anchoring == Quote.Anchoring.ORPHANED
        # An orphaned quote's offsets and text belong to an earlier revision: its selector
        # carries that text and context (for a reader to look for), and no position.
        body = q.revision.body if orphaned and q.revision is not None else article.body
        bodies = [
            {"type": "TextualBody", "purpose": "classifying", "value": q.kind},
            {"type": "TextualBody", "purpose": "tagging", "value": f"status:{q.status}"},
        ]
        if q.anchoring != Quote.Anchoring.ANCHORED:
            bodies.append(
                {"type": "TextualBody", "purpose": "tagging", "value": f"anchoring:{q.anchoring}"}
            )
        if q.speaker is not None:
            bodies.append(
                {"type": "TextualBody", "purpose": "identifying", "value": q.speaker.name}
            )
            if q.speaker.wikidata_id:
                bodies.append(
                    {
                        "type": "SpecificResource",
                        "purpose": "identifying",
                        "source": f"{WIKIDATA_ENTITY}{q.speaker.wikidata_id}",
                    }
                )
        if q.speaker_role:
            bodies.append({"type": "TextualBody", "purpose": "describing", "value": q.speaker_role})
        if q.cue:
            bodies.append({"type": "TextualBody", "purpose": "describing", "value": q.cue})
        via = q.via_names()
        if via:
            bodies.append(
                {
                    "type": "TextualBody",
                    "purpose": "describing",
                    "value": "via " + VIA_SEPARATOR.join(via),
                }
            )
        if q.note:
            bodies.append({"type": "TextualBody", "purpose": "commenting", "value": q.note})
        targets = [
            {
                "type": "SpecificResource",
                "source": source,
                "selector": [_text_quote_selector(body, f.start, f.end)]
                + (
                    []
                    if orphaned
                    else [{"type": "TextPositionSelector", "start": f.start, "end": f.end}]
                ),
            }
            for f in q.fragments.all()
        ]
        items.append(
            {
                "id": f"{root}/api/v1/quotes/{q.pk}/",
                "type": "Annotation",
                "motivation": "identifying",
                "created": _iso(q.created_at),
                "modified": _iso(q.updated_at),
                "body": bodies,
                "target": targets,
            }
        )
    collection_id = f"{root}/articles/{article.pk}/annotations.jsonld"
    return {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Attributed statements in {article.title}",
        "total": len(items),
        "first": {
            "id": collection_id + "#page1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }
