"""The quote list written by hand: the yardstick for the API's ``GET /api/v1/quotes/``.

A plain Django view over the database connection's cursor: the token looked up, one query
for a page of quotes (the speaker's and users' names, the mention and cue text cut from the
body in SQL, as the API does), one for their fragments and one for their via hops: the same
four queries as the API. Rows become dicts by hand and ``json.dumps`` writes them as DRF's
JSON renderer does, so that for the parameters it knows (``page_size``, ``cursor``,
``ordering`` of ``id`` or ``-id``, and the filters ``article``, ``speaker``, ``kind``,
``status`` and ``anchoring``) its answer is byte for byte the API's, pagination links
included; ``tests/test_api_raw_sql.py`` holds it to that. It checks nothing else: it is
not a second API, only what the API's quote list would cost with no framework at all.

The SQL is portable (SQLite and PostgreSQL). ``bench/api.py`` times it beside the API in
one process and serves it beside the API from one gunicorn, with ``bench/raw_settings.py``,
whose URL conf (this module's ``urlpatterns``) adds it at ``/bench/raw-quotes/``; the
project's own settings and URLs never include it.
"""

from __future__ import annotations

import json
from base64 import b64decode, b64encode
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path

PAGE_SIZE, MAX_PAGE_SIZE = 50, 500
# The filters that are a column equal to the value: (column, is an id).
FILTERS = {
    "article": ("article_id", True),
    "speaker": ("speaker_id", True),
    "kind": ("kind", False),
    "status": ("status", False),
    "anchoring": ("anchoring", False),
}

TOKEN_SQL = """
SELECT u.id FROM authtoken_token t JOIN annotations_user u ON u.id = t.user_id
WHERE t.key = %s AND u.is_active
"""
QUOTES_SQL = """
SELECT q.id, q.article_id, q.kind, q.text, q.start, q."end", q.speaker_id, s.name,
  q.speaker_role, q.mention_start, q.mention_end,
  SUBSTR(COALESCE(r.body, a.body), q.mention_start + 1, q.mention_end - q.mention_start),
  q.cue, q.cue_start, q.cue_end,
  SUBSTR(COALESCE(r.body, a.body), q.cue_start + 1, q.cue_end - q.cue_start),
  q.status, q.note, q.version, q.anchoring, r.number, q.previous_text, q.created_at,
  q.updated_at, q.confirmed_by_id, confirmer.username, q.checked_by_id, checker.username,
  q.checked_at
FROM annotations_quote q
JOIN annotations_article a ON a.id = q.article_id
LEFT JOIN annotations_revision r ON r.id = q.revision_id
LEFT JOIN annotations_speaker s ON s.id = q.speaker_id
LEFT JOIN annotations_user confirmer ON confirmer.id = q.confirmed_by_id
LEFT JOIN annotations_user checker ON checker.id = q.checked_by_id
WHERE q.deleted_at IS NULL AND q.annotator_id IS NULL{where}
ORDER BY q.id {direction}
LIMIT %s
"""
FRAGMENTS_SQL = """
SELECT quote_id, start, "end", text FROM annotations_fragment
WHERE quote_id IN ({ids}) ORDER BY quote_id, start
"""
HOPS_SQL = """
SELECT h.quote_id, h.outlet_id, h.speaker_id, COALESCE(o.name, s.name)
FROM annotations_viahop h
LEFT JOIN annotations_outlet o ON o.id = h.outlet_id
LEFT JOIN annotations_speaker s ON s.id = h.speaker_id
WHERE h.quote_id IN ({ids}) ORDER BY h.quote_id, h.position
"""


def _stamp(value) -> str | None:
    """A date-time as the API writes it: ISO 8601 in UTC with ``Z``. PostgreSQL gives it
    with its UTC offset, SQLite as a naive UTC time."""
    if value is None:
        return None
    text = value.isoformat()
    if text.endswith("+00:00"):
        return text[:-6] + "Z"
    return text if value.tzinfo else text + "Z"


def _cursor_url(url: str, *, reverse: bool, position: int) -> str:
    """``url`` with the cursor for ``position`` in place of its own (as DRF's
    ``CursorPagination`` writes it: the query's parameters sorted by name)."""
    token = f"r=1&p={position}" if reverse else f"p={position}"
    scheme, netloc, route, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params["cursor"] = [b64encode(token.encode("ascii")).decode("ascii")]
    return urlunsplit((scheme, netloc, route, urlencode(sorted(params.items()), doseq=True), ""))


def _refuse(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def quote_list(request):
    auth = request.headers.get("Authorization", "").split()
    if len(auth) != 2 or auth[0] != "Token":
        return _refuse(401, "Authentication credentials were not provided.")
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_SQL, [auth[1]])
        if cursor.fetchone() is None:
            return _refuse(401, "Invalid token.")

    params = request.GET
    where, args = [], []
    for name, (column, is_id) in FILTERS.items():
        if name in params:
            where.append(f"q.{column} = %s")
            args.append(int(params[name]) if is_id else params[name])
    size = int(params.get("page_size", PAGE_SIZE))
    if not 1 <= size <= MAX_PAGE_SIZE:
        return _refuse(400, "page_size out of range")
    descending = params.get("ordering", "id") == "-id"
    reverse, position = False, None
    if "cursor" in params:
        tokens = parse_qs(b64decode(params["cursor"]).decode("ascii"))
        if "o" in tokens:
            return _refuse(400, "offsets in cursors are not handled here")
        reverse = tokens.get("r", ["0"])[0] == "1"
        position = int(tokens["p"][0]) if "p" in tokens else None
    backwards = descending != reverse  # the direction rows are read in
    if position is not None:
        where.append("q.id < %s" if backwards else "q.id > %s")
        args.append(position)
    sql = QUOTES_SQL.format(
        where="".join(f" AND {condition}" for condition in where),
        direction="DESC" if backwards else "ASC",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*args, size + 1])
        rows = cursor.fetchall()
    more = len(rows) > size
    rows = rows[:size]
    if reverse:
        rows.reverse()

    fragments: dict[int, list] = {row[0]: [] for row in rows}
    via: dict[int, list] = {row[0]: [] for row in rows}
    if rows:
        ids = list(fragments)
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(FRAGMENTS_SQL.format(ids=marks), ids)
            for quote_id, start, end, text in cursor.fetchall():
                fragments[quote_id].append({"start": start, "end": end, "text": text})
            cursor.execute(HOPS_SQL.format(ids=marks), ids)
            for quote_id, outlet_id, speaker_id, name in cursor.fetchall():
                via[quote_id].append(
                    {"type": "outlet", "id": outlet_id, "name": name}
                    if outlet_id
                    else {"type": "speaker", "id": speaker_id, "name": name}
                )

    results = []
    for (
        id_, article, kind, text, start, end, speaker, speaker_name, speaker_role,
        mention_start, mention_end, mention_text, cue, cue_start, cue_end, cue_text, status,
        note, version, anchoring, revision, previous_text, created_at, updated_at,
        confirmed_by, confirmed_by_name, checked_by, checked_by_name, checked_at,
    ) in rows:  # fmt: skip
        results.append(
            {
                "id": id_,
                "article": article,
                "kind": kind,
                "fragments": fragments[id_],
                "text": text,
                "start": start,
                "end": end,
                "speaker": speaker,
                "speaker_name": speaker_name,
                "speaker_role": speaker_role,
                "speaker_mention": None
                if mention_start is None
                else {"start": mention_start, "end": mention_end, "text": mention_text},
                "cue": cue,
                "cue_span": None
                if cue_start is None
                else {"start": cue_start, "end": cue_end, "text": cue_text},
                "via": via[id_],
                "status": status,
                "note": note,
                "version": version,
                "anchoring": anchoring,
                "anchored_revision": revision,
                "previous_text": previous_text,
                "created_at": _stamp(created_at),
                "updated_at": _stamp(updated_at),
                "confirmed_by": confirmed_by,
                "confirmed_by_name": confirmed_by_name,
                "checked_by": checked_by,
                "checked_by_name": checked_by_name,
                "checked_at": _stamp(checked_at),
            }
        )

    # DRF's cursor links, for an ordering by a unique key and cursors without offsets:
    # ``next`` continues after the page's last row, ``previous`` goes back before its first.
    url = request.build_absolute_uri()
    has_next = position is not None if reverse else more
    has_previous = more if reverse else position is not None
    next_url = previous_url = None
    if has_next:
        last = results[-1]["id"] if results else position
        next_url = _cursor_url(url, reverse=False, position=last)
    if has_previous:
        first = results[0]["id"] if results else position
        previous_url = _cursor_url(url, reverse=True, position=first)

    body = json.dumps(
        {"next": next_url, "previous": previous_url, "results": results},
        ensure_ascii=False,
        allow_nan=False,
        separators=(",", ":"),
    )
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return HttpResponse(body.encode(), content_type="application/json")


def _urlpatterns():
    from newsdesk.urls import urlpatterns

    return [path("bench/raw-quotes/", quote_list, name="bench-raw-quotes"), *urlpatterns]


# The URL conf of bench/raw_settings.py: the project's URLs and this view beside them.
urlpatterns = _urlpatterns()
