"""What every page shares: the editor check, the workspace (the highlighted body and quote
list) and its answers, refusals, and the versions that make a change from a page as safe as
one through the API."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_htmx.http import reswap, retarget

from ..models import Action, AgreementTask, Article, Quote
from ..permissions import can_edit
from .highlight import (
    QuoteItems,
    ShownQuote,
    article_quotes,
    highlight,
    paragraph_bounds,
    paragraphs_touched,
    shown_quotes,
    touching,
)

PAGE_SIZE = 25
# The quote list shows this many entries with the page; the rest come when the list is
# scrolled to its end, or when one of them is chosen (a thousand entries cost the browser
# more than the rest of the page).
LIST_WINDOW = 50


def editor_required(view: Callable) -> Callable:
    """Signed in, and allowed to change annotations (editors and admins); 403 otherwise."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not can_edit(request.user):
            raise PermissionDenied("Your role may read but not change annotations.")
        return view(request, *args, **kwargs)

    return wrapped


# Markers for ``render_workspace``: no escaped text can hold "<!--", and this one is new with
# every start.
SPLICE = secrets.token_hex(8)


def render_workspace(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    """``render``, with the workspace's two large pieces of HTML (the highlighted body and the
    quote list, a megabyte for a thousand quotes) put in after the template engine has done:
    every level of a template copies all the text it renders, a dozen copies of a
    megabyte."""
    marks = {
        name: f"<!--{SPLICE}:{name}-->" for name in ("body_html", "quote_items", "quote_notes")
    }
    marks = {name: mark for name, mark in marks.items() if name in context}
    small = {**context, **{name: mark_safe(mark) for name, mark in marks.items()}}  # noqa: S308
    parts = [render_to_string(template, small, request)]
    for name, mark in marks.items():
        head, found, tail = parts[-1].partition(mark)
        if found:
            parts[-1:] = [head, context[name], tail]
    return HttpResponse("".join(parts).encode(), status=status)


def page_annotator(request, article: Article):
    """Whose quotes the page shows (None: the article's own), and the open agreement task:
    one of two editors annotating independently sees and makes only their own quotes."""
    task = AgreementTask.open_for(article)
    return (request.user if task and task.is_annotator(request.user) else None), task


def workspace_context(request, article: Article, **extra) -> dict:
    annotator, task = page_annotator(request, article)
    quotes = article_quotes(article, annotator)
    ranges = list(article.boilerplate.all())
    unsettled = [q.pk for q in quotes if q.anchoring != Quote.Anchoring.ANCHORED]
    items = QuoteItems(can_edit(request.user))
    shown, rest = quotes[:LIST_WINDOW], quotes[LIST_WINDOW:]
    return {
        "article": article,
        "quotes": quotes,
        "quote_items": mark_safe(items.html(shown) + list_more(article, shown, rest)),  # noqa: S308
        # The descriptions that the text's highlights of the quotes not listed yet point to.
        "quote_notes": items.descriptions(rest),
        "suggested_count": sum(q.is_suggested for q in quotes),
        "body_html": highlight(article.body, quotes, [(b.start, b.end) for b in ranges]),
        "proposed_boilerplate": [b for b in ranges if b.proposed],
        "agreement_task": task,
        "can_edit": can_edit(request.user),
        "last_action": Action.last_for(request.user, article) if can_edit(request.user) else None,
        "export_url": quotes_csv_url(article=article.pk, status=Quote.Status.CONFIRMED),
        "export_all_url": quotes_csv_url(article=article.pk),
        # The list's buttons name their action; newsdesk.js sends it through htmx to
        # quote_url + ID + "/" + action + "/" (quote-edit, -delete, -accept, -reject).
        "quote_url": reverse("annotations:quote-edit", args=[0]).removesuffix("0/edit/"),
        "to_review": to_review(unsettled),
        **extra,
    }


def list_more(article: Article, shown: list[ShownQuote], rest: list[ShownQuote]) -> str:
    """The list's last entry while it does not show every quote: a button that brings the
    rest (``quote_entries``), pressed by htmx too when it scrolls into view."""
    if not rest:
        return ""
    url = reverse("annotations:quote-entries", args=[article.pk])
    count = len(rest)
    label = "the other quote" if count == 1 else f"the other {count} quotes"
    return (
        f'<li class="list-more" data-list-more><button type="button" class="ghost"'
        f' hx-get="{url}?after={shown[-1].pk}" hx-target="closest li" hx-swap="outerHTML"'
        f' hx-trigger="click, intersect once" hx-sync="this:drop">Show {label}</button></li>\n'
    )


def to_review(pks: list[int]) -> list[Quote]:
    """The quotes whose text changed under them (relocated, orphaned), in text order."""
    if not pks:
        return []
    return list(
        Quote.objects.filter(pk__in=pks)
        .annotate(revision_number=F("revision__number"))
        .order_by("start", "end", "id")
    )


def quotes_csv_url(**filters) -> str:
    return "/api/v1/quotes/?" + urlencode({"format": "csv", **filters})


def workspace_response(
    request, article: Article, *, select: int | None = None, flash: str = "", undo=None
) -> HttpResponse:
    """After a change: the redrawn body and quote list for htmx, a redirect otherwise."""
    if not request.htmx:
        url = article.get_absolute_url()
        return redirect(f"{url}#quote-{select}" if select else url)
    context = workspace_context(request, article, select=select or "", flash=flash, undo=undo)
    return render_workspace(request, "annotations/article_detail.html#workspace", context)


def as_shown(request, article: Article, pk: int) -> ShownQuote | None:
    """Quote ``pk`` as the article page shows it, None when it does not: what
    ``workspace_patch`` compares with after a change."""
    annotator, _ = page_annotator(request, article)
    found = article_quotes(article, annotator, only=Q(pk=pk))
    return found[0] if found else None


def workspace_patch(
    request,
    article: Article,
    before: dict[int, ShownQuote | None],
    *,
    select: int | None = None,
    flash: str = "",
    undo=None,
) -> HttpResponse:
    """After a change to the quotes that ``before`` names (each as the page showed it, see
    ``as_shown``; None for one it did not show): for the page's own workspace, only what
    changed, as htmx out-of-band swaps: each quote's list entry (in place, moved, added or
    gone), the paragraphs of the body that its highlights left or reached, the list's
    counts, the undo bar and the emptied form; the message goes to the message area. The
    page then chooses ``select`` (the ``newsdesk:patched`` event). Anything that redraws more
    (the list of quotes to review, the first or last quote) gets the whole workspace."""
    if not (request.htmx and request.htmx.target == "workspace"):
        return workspace_response(request, article, select=select, flash=flash, undo=undo)
    annotator, _ = page_annotator(request, article)
    after = {q.pk: q for q in article_quotes(article, annotator, only=Q(pk__in=list(before)))}
    shown = shown_quotes(article, annotator)
    counts = shown.aggregate(
        total=Count("pk"), suggested=Count("pk", filter=Q(status=Quote.Status.SUGGESTED))
    )
    both = [q for q in [*before.values(), *after.values()] if q is not None]
    if counts["total"] <= 1 or any(q.anchoring != Quote.Anchoring.ANCHORED for q in both):
        return workspace_response(request, article, select=select, flash=flash, undo=undo)
    items = QuoteItems(can_edit(request.user))
    entries = []
    for pk, was in before.items():
        now = after.get(pk)
        if was is not None and (now is None or (now.start, now.end) != (was.start, was.end)):
            entries.append(f'<li id="quote-{pk}" hx-swap-oob="delete"></li>')
        if now is None:
            continue
        if was is not None and (now.start, now.end) == (was.start, was.end):
            entries.append(items.item(now, oob="true"))
            continue
        later = (
            Q(start__gt=now.start)
            | Q(start=now.start, end__gt=now.end)
            | Q(start=now.start, end=now.end, pk__gt=now.pk)
        )
        following = (
            shown.filter(later).exclude(pk__in=list(before)).order_by("start", "end", "id")
        ).values_list("pk", flat=True)[:1]
        where = f"beforebegin:#quote-{following[0]}" if following else "beforeend:#quote-list"
        entries.append(f'<div hx-swap-oob="{where}" data-list-entry>{items.item(now)}</div>')
    body = article.body
    touched = paragraphs_touched(body, [r for q in both for r in q.marked_ranges])
    bounds = paragraph_bounds(body, touched)
    marking = article_quotes(article, annotator, only=touching(bounds)) if bounds else []
    boilerplate = [(b.start, b.end) for b in article.boilerplate.all()]
    context = {
        "article": article,
        "flash": flash,
        "undo": undo,
        "can_edit": can_edit(request.user),
        "last_action": Action.last_for(request.user, article) if can_edit(request.user) else None,
        "quote_count": counts["total"],
        "suggested_count": counts["suggested"],
        "entries": mark_safe("".join(entries)),  # noqa: S308 - QuoteItems escapes
        "body_html": highlight(body, marking, boilerplate, paragraphs=touched, oob=True),
    }
    response = render(request, "annotations/workspace_patch.html", context)
    response = reswap(retarget(response, "#flash"), "innerHTML")
    response["HX-Trigger-After-Settle"] = json.dumps({"newsdesk:patched": {"select": select or ""}})
    return response


def error_response(request, message: str, status: int = 422) -> HttpResponse:
    """A refused change: the message in the page's message area for htmx, a page
    otherwise."""
    template = "annotations/error.html#message" if request.htmx else "annotations/error.html"
    response = render(request, template, {"message": message}, status=status)
    if request.htmx:
        response = reswap(retarget(response, "#flash"), "innerHTML")
    return response


def message_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Versions: a change from a page is as safe as one through the API ----------------------
# Every form and button that changes a quote sends the version the page showed it at
# (``version``); the view passes it to the quote's method as ``expected_version``, which
# changes the row only if it is still at that version (``UPDATE ... WHERE version = %s``).
# Without a version the answer is 428 and nothing changes, as the API answers a write
# without If-Match; with a stale one, 409 and the page shows the quote as it is now.


def seen_version(params) -> int | None:
    """The quote's version as the page showed it, or None when the request does not say."""
    value = params.get("version", "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


def version_required(request) -> HttpResponse:
    return error_response(
        request,
        "The request did not say which version of the quote you saw, so nothing was changed "
        "(it would overwrite changes you have not seen). Reload the page and try again.",
        status=428,
    )


def changed_by(quote: Quote) -> str:
    who = quote.updated_by.get_username() if quote.updated_by_id else "someone else"
    when = timezone.localtime(quote.updated_at).strftime("%H:%M") if quote.updated_at else ""
    return f"{who} at {when}" if when else who


def stale_response(request, quote: Quote, *, undone: str) -> HttpResponse:
    """409: someone changed ``quote`` since the page showed it. With htmx, the workspace
    redrawn with the quote as it is now and the message above the list; the message on its
    own page otherwise. ``undone`` says what was not done ("accepted", "deleted")."""
    quote = (
        Quote.all_objects.select_related("article", "updated_by").filter(pk=quote.pk).first()
        or quote
    )
    gone = " and deleted it" if quote.is_deleted else ""
    message = (
        f"Someone else changed quote #{quote.pk} ({changed_by(quote)}){gone} since this page "
        f"showed it, so it was not {undone}. It is shown as it is now: look, then do it again "
        "if you still want to."
    )
    if not request.htmx:
        return error_response(request, message, status=409)
    context = workspace_context(
        request,
        quote.article,
        select="" if quote.is_deleted else quote.pk,
        flash=message,
        conflict=True,
    )
    return render_workspace(
        request, "annotations/article_detail.html#workspace", context, status=409
    )


def quote_to_change(
    request, pk, *, undone: str, deleted: bool = False
) -> tuple[Quote, int, HttpResponse | None]:
    """The quote a page action changes, the version the page showed it at, and the answer
    that refuses the action before anything is checked or changed: 428 without a version,
    409 when the quote is at another one already, or deleted (unless the action is one on
    deleted quotes, ``deleted=True``: a restore)."""
    quote = get_object_or_404(
        Quote.all_objects.select_related("article", "speaker", "updated_by"), pk=pk
    )
    seen = seen_version(request.POST)
    if seen is None:
        return quote, 0, version_required(request)
    if seen != quote.version or (quote.is_deleted and not deleted):
        return quote, seen, stale_response(request, quote, undone=undone)
    return quote, seen, None
