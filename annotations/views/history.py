"""History: the article's timeline from django-simple-history's records, and putting back
an earlier version of a quote."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ..models import FRAGMENT_JOINER, Action, Article, Quote
from ..permissions import can_edit
from .common import (
    changed_by,
    editor_required,
    error_response,
    message_of,
    seen_version,
    version_required,
)

TIMELINE_LIMIT = 300


def quote_change(before, after) -> str:
    """What one historical record of a quote did, against the one before it."""
    if before is None or after.history_type == "+":
        return "made" if after.status != Quote.Status.SUGGESTED else "suggested"
    if after.history_type == "-":
        return "removed"
    if after.deleted_at is not None and before.deleted_at is None:
        return "deleted"
    if after.deleted_at is None and before.deleted_at is not None:
        return "restored"
    if after.status != before.status:
        return {
            Quote.Status.CONFIRMED: "accepted",
            Quote.Status.REJECTED: "rejected",
            Quote.Status.SUGGESTED: "put back to suggested",
        }[after.status]
    if after.checked_by_id and not before.checked_by_id:
        return "checked"
    if before.checked_by_id and not after.checked_by_id:
        return "check undone"
    return "edited"


def article_timeline(article: Article, user) -> list[dict]:
    """The article's changes, newest first: quotes made, edited, accepted, rejected,
    deleted, checked, and its status and assignee. Two queries whatever the history. An
    agreement task's quotes show only to the editor who made them."""
    entries = []
    previous: dict[int, object] = {}
    mine = Q(annotator_id__isnull=True)
    if getattr(user, "pk", None) is not None:
        mine |= Q(annotator_id=user.pk)
    for record in (
        Quote.history.model.objects.filter(mine, article_id=article.pk)
        .select_related("history_user", "speaker")
        .order_by("id", "history_date", "history_id")
    ):
        what = quote_change(previous.get(record.id), record)
        previous[record.id] = record
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": what,
                "quote": record,
                "reason": record.history_change_reason or "",
            }
        )
    latest = {pk: record.history_id for pk, record in previous.items()}
    # "Restore this version" sends the version the quote is at as this page shows it.
    live = dict(Quote.all_objects.filter(article_id=article.pk).values_list("pk", "version"))
    for entry in entries:
        record = entry["quote"]
        entry["version"] = live.get(record.id, "")
        entry["restorable"] = (
            record.history_id != latest[record.id]
            and record.history_type != "-"
            and record.deleted_at is None
        )
    before = None
    for record in (
        Article.history.model.objects.filter(id=article.pk)
        .defer("body")
        .select_related("history_user", "assignee")
        .order_by("history_date", "history_id")
    ):
        changes = []
        if before is None:
            changes.append("article added")
        else:
            if record.status != before.status:
                changes.append(f"status {Article.Status(record.status).label.lower()}")
            if record.assignee_id != before.assignee_id:
                name = record.assignee.get_username() if record.assignee else None
                changes.append(f"assigned to {name}" if name else "unassigned")
        before = record
        if changes:
            entries.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "what": ", ".join(changes),
                }
            )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:TIMELINE_LIMIT]


@require_GET
@login_required
def article_history(request, pk):
    article = get_object_or_404(Article.objects.defer("body"), pk=pk)
    context = {
        "article": article,
        "timeline": article_timeline(article, request.user),
        "can_edit": can_edit(request.user),
    }
    template = "annotations/article_history.html"
    if request.htmx:
        template += "#timeline"
    return render(request, template, context)


def fragments_of(body: str, record) -> list[tuple[int, int]]:
    """A historical quote's fragments, from its start, end and text (its fragments joined
    with " … "): each piece found in order between start and end."""
    pieces = record.text.split(FRAGMENT_JOINER)
    if len(pieces) == 1:
        return [(record.start, record.end)]
    spans, at = [], record.start
    for n, piece in enumerate(pieces):
        found = body.find(piece, at, record.end) if n < len(pieces) - 1 else record.end - len(piece)
        if found < 0 or body[found : found + len(piece)] != piece:
            raise ValidationError("That version's fragments cannot be found in the text.")
        spans.append((found, found + len(piece)))
        at = found + len(piece)
    return spans


@require_POST
@editor_required
def quote_history_restore(request, pk, history_id):
    """Put back an earlier version of a quote (not its via chain, which the history does
    not hold), through ``Quote.edit`` with the version the editor saw."""
    quote = get_object_or_404(
        Quote.all_objects.select_related("article", "speaker").prefetch_related(
            "fragments", "via_hops__outlet", "via_hops__speaker"
        ),
        pk=pk,
    )
    record = get_object_or_404(
        Quote.history.model.objects.select_related("speaker"), id=pk, history_id=history_id
    )
    expected = seen_version(request.POST)
    if expected is None:
        return version_required(request)
    url = reverse("annotations:article-detail", args=[quote.article_id]) + "?history=1#history"
    try:
        state = quote.snapshot()
        state.update(
            {
                "kind": record.kind,
                "status": record.status,
                "fragments": [list(span) for span in fragments_of(quote.article.body, record)],
                "speaker": record.speaker_id,
                "speaker_name": record.speaker.name if record.speaker else "",
                "speaker_role": record.speaker_role,
                "mention": [record.mention_start, record.mention_end]
                if record.mention_start is not None
                else None,
                "cue": record.cue,
                "cue_span": [record.cue_start, record.cue_end]
                if record.cue_start is not None
                else None,
                "note": record.note,
                "deleted": record.deleted_at is not None,
            }
        )
        if quote.version != expected:
            raise Quote.VersionConflict(quote.pk, expected, quote.version)
        with Action.track(request.user, quote.article, Action.Kind.EDIT, [quote]):
            quote.put_back(state, by=request.user, expected_version=expected)
    except Quote.VersionConflict:
        quote = Quote.all_objects.select_related("updated_by").get(pk=quote.pk)
        return error_response(
            request,
            f"Someone else changed quote #{quote.pk} ({changed_by(quote)}) since you opened "
            "the history; nothing was put back. Reload the history to see the change.",
            status=409,
        )
    except ValidationError as exc:
        return error_response(request, message_of(exc), status=400)
    return redirect(url)
