"""The history every change leaves: who made it and why, written one row at a time by
django-simple-history or in bulk by the paths that write many rows in a few statements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models
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
    write_history(model, rows, "+", by=by, reason=reason)
    return rows


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
