"""The history every change leaves: who made it and why, written one row at a time by
django-simple-history or in bulk by the paths that write many rows in a few statements.

On PostgreSQL the bulk paths that make rows copy them into the history from their table
(``INSERT … SELECT``: no instance per history record), and the largest of them, an
import's quotes, write their rows with ``COPY`` (:func:`copy_rows`)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, router
from django.utils import timezone


def history_user(request=None, instance=None, **kwargs):
    """Who a history record names: whoever ``stamp()`` recorded on the row (this covers API
    requests signed by token, which the history middleware cannot see), else the signed-in
    user of the page request."""
    if instance is not None and instance._state.fields_cache.get("updated_by") is not None:
        return instance._state.fields_cache["updated_by"]
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def change_reason(text: str) -> str:
    """A history record's reason, cut to the column's 100 characters."""
    return text if len(text) <= 100 else text[:99] + "…"


def _user_or_none(user):
    return user if getattr(user, "is_authenticated", False) else None


def write_history(
    model, rows: Iterable[models.Model], history_type: str, *, by=None, reason: str = ""
) -> None:
    """Record ``rows`` in ``model``'s history in one insert: ``"+"`` made, ``"~"`` changed,
    ``"-"`` removed, by ``by`` (else the signed-in user of the request in hand) with
    ``reason``. For the paths that write rows in bulk, which Django's signals (and so
    django-simple-history) do not see."""
    historical = model.history.model
    now = timezone.now()

    def who(row) -> dict[str, Any]:
        if isinstance(by, int):  # an id in hand (the text-following path has no instance)
            return {"history_user_id": by}
        return {"history_user": _user_or_none(by) or historical.get_default_history_user(row)}

    records = [
        historical(
            history_date=now,
            **who(row),
            history_change_reason=change_reason(reason) if reason else None,
            history_type=history_type,
            **{f.attname: getattr(row, f.attname) for f in historical.tracked_fields},
        )
        for row in rows
    ]
    historical.objects.bulk_create(records, batch_size=500)


def create_with_history(
    model, rows: Sequence[models.Model], *, by=None, reason: str = "", batch_size: int = 1000
):
    """``bulk_create`` that records each new row in the history, with who and why."""
    rows = model._default_manager.bulk_create(list(rows), batch_size=batch_size)
    if _connection(model).vendor == "postgresql":
        copy_history(model, rows, by=by, reason=reason)
    else:
        write_history(model, rows, "+", by=by, reason=reason)
    return rows


def _connection(model):
    return connections[router.db_for_write(model)]


def _history_user_id(historical, row, by) -> int | None:
    """The id of the user :func:`write_history` would name for ``row``."""
    if isinstance(by, int):
        return by
    user = _user_or_none(by) or historical.get_default_history_user(row)
    return user.pk if user is not None else None


def _copy_into_history(model, source: str, params: list, *, reason: str, user: str) -> None:
    """One ``INSERT … SELECT`` of ``model``'s rows ``r`` in ``source`` (a ``FROM`` clause
    with its ``WHERE``) into the history, made now for ``reason``, by ``user`` (an SQL
    expression), in id order. ``params`` fill ``user``'s placeholders, then
    ``source``'s."""
    connection = _connection(model)
    historical = model.history.model
    qn = connection.ops.quote_name
    columns = [qn(f.column) for f in historical.tracked_fields]
    into = f"{qn(historical._meta.db_table)} ({', '.join(columns)}, history_date, "
    into += "history_change_reason, history_type, history_user_id)"
    select = f"{', '.join(f'r.{c}' for c in columns)}, %s, %s, '+', {user}"
    order = f"r.{qn(model._meta.pk.column)}"
    # names from the models, values as parameters
    sql = f"INSERT INTO {into} SELECT {select} FROM {source} ORDER BY {order}"  # noqa: S608
    why = change_reason(reason) if reason else None
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), why, *params])


def copy_history(model, rows: Sequence[models.Model], *, by=None, reason: str = "") -> None:
    """What ``write_history(model, rows, "+", ...)`` records for rows just stored as they
    are held, copied from their table in one statement (PostgreSQL): the same values, who
    (each row's, as :func:`write_history` finds it) and why."""
    if not rows:
        return
    historical = model.history.model
    ids = [row.pk for row in rows]
    users = [_history_user_id(historical, row, by) for row in rows]
    table = _connection(model).ops.quote_name(model._meta.db_table)
    pk = _connection(model).ops.quote_name(model._meta.pk.column)
    _copy_into_history(
        model,
        f"{table} r JOIN unnest(%s::bigint[], %s::bigint[]) AS t(id, user_id) ON r.{pk} = t.id",
        [ids, users],
        reason=reason,
        user="t.user_id",
    )


def copy_history_of_children(
    model, parent: str, parent_ids: Sequence[int], *, by=None, reason: str = ""
) -> None:
    """Record every stored row of ``model`` whose ``parent`` foreign key is among
    ``parent_ids`` (rows just made for new parents: fragments and via hops of new quotes) as
    made, by ``by``, in one statement (PostgreSQL). The rows hold no one's stamp: each names
    ``by`` (else the signed-in user of the request in hand), as :func:`write_history`
    would."""
    if not parent_ids:
        return
    historical = model.history.model
    user = _history_user_id(historical, model(), by)
    qn = _connection(model).ops.quote_name
    column = qn(model._meta.get_field(parent).column)
    _copy_into_history(
        model,
        f"{qn(model._meta.db_table)} r WHERE r.{column} = ANY(%s::bigint[])",
        [user, list(parent_ids)],
        reason=reason,
        user="%s::bigint",
    )


def reserve_ids(model, n: int) -> list[int]:
    """``n`` new ids from ``model``'s id sequence (PostgreSQL), for rows written with
    :func:`copy_rows` that others refer to."""
    if n <= 0:
        return []
    with _connection(model).cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, n],
        )
        return sorted(row[0] for row in cursor.fetchall())


def copy_rows(
    model, fields: Sequence[str], rows: Iterable[Sequence[Any]], *, columns: Sequence[str] = ()
) -> None:
    """Insert ``rows`` into ``model``'s table with PostgreSQL's ``COPY``: for each row the
    values of ``fields`` (attribute names), then of ``columns`` (columns the model does not
    declare), as the database stores them. Triggers and constraints apply as to an
    ``INSERT``; Django's signals do not. Logged with the connection's queries, as one
    statement."""
    connection = _connection(model)
    qn = connection.ops.quote_name
    names = [model._meta.get_field(f).column for f in fields] + list(columns)
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(map(qn, names))}) FROM STDIN"
    started = time.monotonic()
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def delete_with_history(queryset, *, by=None, reason: str = "") -> int:
    """Delete the rows of ``queryset`` (rows nothing else refers to: aliases, fragments, via
    hops, boilerplate ranges) in one statement, recording each in the history first."""
    rows = list(queryset)
    if not rows:
        return 0
    write_history(queryset.model, rows, "-", by=by, reason=reason)
    gone = queryset.model._base_manager.filter(pk__in=[r.pk for r in rows])
    return gone._raw_delete(gone.db)


def update_with_history(queryset, *, by=None, reason: str = "", **values) -> list[int]:
    """``queryset.update(**values)`` that records each changed row in the history (in a
    few queries whatever the number of rows); returns the ids changed."""
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    if ids:
        model._base_manager.filter(pk__in=ids).update(**values)
        write_history(model, model._base_manager.filter(pk__in=ids), "~", by=by, reason=reason)
    return ids


def keep_proposed(queryset, by=None) -> None:
    """Make the proposed speakers or outlets of ``queryset`` an editor's own (an editor
    confirmed a quote naming them), recording the change."""
    update_with_history(
        queryset.filter(proposed=True),
        by=by,
        reason="kept: a confirmed quote names it",
        proposed=False,
    )


def _as(row, by, reason: str) -> None:
    """Name who and why on ``row``'s next history record (a delete's, say)."""
    if _user_or_none(by) is not None:
        row._history_user = by
    row._change_reason = change_reason(reason)


def _acting(row):
    """Who is changing ``row``, as its last ``stamp()`` recorded (no query)."""
    return row._state.fields_cache.get("updated_by")
