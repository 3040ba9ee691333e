"""Revisions: an article's text through its revisions, changing the text, and confirming
the quotes that were relocated."""

from __future__ import annotations

from html import escape

from diff_match_patch import diff_match_patch
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from ..models import Article, Quote
from .common import (
    editor_required,
    error_response,
    message_of,
    quote_to_change,
    stale_response,
    workspace_response,
)

DIFF_CONTEXT = 200


def render_diff(old: str, new: str) -> str:
    """The change from ``old`` to ``new`` as HTML: removed text in ``<del>``, added text in
    ``<ins>``, long unchanged stretches shortened to their ends. Every piece is escaped."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0
    diffs = dmp.diff_main(old, new)
    dmp.diff_cleanupSemantic(diffs)
    out = []
    for n, (op, text) in enumerate(diffs):
        if op == 0:
            keep_head = n > 0
            keep_tail = n < len(diffs) - 1
            limit = DIFF_CONTEXT * (keep_head + keep_tail)
            if len(text) > limit + 40:
                head = text[:DIFF_CONTEXT] if keep_head else ""
                tail = text[-DIFF_CONTEXT:] if keep_tail else ""
                out.append(
                    escape(head)
                    + '<span class="elided" title="unchanged text">…</span>'
                    + escape(tail)
                )
            else:
                out.append(escape(text))
        elif op < 0:
            out.append(f"<del>{escape(text)}</del>")
        else:
            out.append(f"<ins>{escape(text)}</ins>")
    return mark_safe("".join(out))  # noqa: S308 - every text piece above is escaped


def revision_number(value: str, default: int, last: int) -> int:
    return int(value) if value.isdigit() and 1 <= int(value) <= last else default


@require_GET
@login_required
def article_revisions(request, pk):
    """Every revision of the article's body with who made it and when, and the difference
    between any two (``?a=1&b=3``; by default the last change)."""
    article = get_object_or_404(Article.objects.select_related("publisher", "created_by"), pk=pk)
    revisions = article.revision_list()
    last = revisions[-1].number
    b = revision_number(request.GET.get("b", ""), last, last)
    a = revision_number(request.GET.get("a", ""), max(1, b - 1), last)
    by_number = {r.number: r for r in revisions}
    diff = render_diff(by_number[a].body, by_number[b].body) if a != b else ""
    orphaned = Quote.objects.filter(article=article, anchoring=Quote.Anchoring.ORPHANED)
    return render(
        request,
        "annotations/article_revisions.html",
        {
            "article": article,
            "revisions": revisions[::-1],
            "a": a,
            "b": b,
            "diff": diff,
            "orphaned": orphaned.select_related("revision").order_by("start", "id"),
        },
    )


@require_POST
@editor_required
def article_text(request, pk):
    """Change the article's text: a new revision, the quotes following it. The form carries
    the revision it was opened on, so that a change made meanwhile is never overwritten
    unseen."""
    with transaction.atomic():
        article = get_object_or_404(Article.objects.select_for_update(), pk=pk)
        current = article.current_revision_number()
        opened = request.POST.get("revision", "")
        if opened != str(current):
            who = article.revision_list()[-1].created_by
            return error_response(
                request,
                f"The text was changed{f' by {who.get_username()}' if who else ''} since you "
                f"opened it (revision {current} now); reload the page to see it, then edit "
                "again.",
                status=409,
            )
        try:
            revision = article.revise(request.POST.get("body", ""), by=request.user)
        except ValidationError as exc:
            return error_response(request, message_of(exc))
    if revision is None:
        flash = "The text is unchanged."
    else:
        counts = Quote.objects.filter(article=article).exclude(anchoring="anchored")
        review = counts.count()
        flash = f"Text saved as revision {revision.number}." + (
            f" {review} quote{'s' if review != 1 else ''} to review." if review else ""
        )
    if request.htmx:
        return workspace_response(request, article, flash=flash)
    return redirect(article)


@require_POST
@editor_required
def quote_confirm_anchoring(request, pk):
    """An editor confirms that a relocated quote was found at the right place."""
    quote, seen, refused = quote_to_change(request, pk, undone="confirmed")
    if refused:
        return refused
    try:
        quote.confirm_anchoring(by=request.user, expected_version=seen)
    except Quote.VersionConflict:
        return stale_response(request, quote, undone="confirmed")
    except ValidationError as exc:
        return error_response(request, message_of(exc))
    return workspace_response(request, quote.article, select=quote.pk, flash="Quote confirmed.")
