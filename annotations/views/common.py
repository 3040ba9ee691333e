"""What every page shares: the editor check, the workspace (the highlighted body and quote
list) and its answers, refusals, and the versions that make a change from a page as safe as
one through the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import reswap, retarget

from ..models import Action, AgreementTask, Article, Quote
from ..permissions import can_edit
from .highlight import article_quotes, highlight

PAGE_SIZE = 25


def editor_required(view: Callable) -> Callable:
    """Signed in, and allowed to change annotations (editors and admins); 403 otherwise."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not can_edit(request.user):
            raise PermissionDenied("Your role may read but not change annotations.")
        return view(request, *args, **kwargs)

    return wrapped


def workspace_context(request, article: Article, **extra) -> dict:
    task = AgreementTask.open_for(article)
    # One of two editors annotating independently sees and makes only their own quotes.
    annotator = request.user if task and task.is_annotator(request.user) else None
    quotes = article_quotes(article, annotator)
    ranges = list(article.boilerplate.all())
    return {
        "article": article,
        "quotes": quotes,
        "suggested_count": sum(q.status == Quote.Status.SUGGESTED for q in quotes),
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
        "to_review": [q for q in quotes if q.anchoring != Quote.Anchoring.ANCHORED],
        **extra,
    }


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
    return render(request, "annotations/article_detail.html#workspace", context)


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
    return render(request, "annotations/article_detail.html#workspace", context, status=409)


def quote_to_change(request, pk, *, undone: str) -> tuple[Quote, int, HttpResponse | None]:
    """The quote a page action changes, the version the page showed it at, and the answer
    that refuses the action before anything is checked or changed: 428 without a version,
    409 when the quote is at another one (or deleted) already."""
    quote = get_object_or_404(
        Quote.all_objects.select_related("article", "speaker", "updated_by"), pk=pk
    )
    seen = seen_version(request.POST)
    if seen is None:
        return quote, 0, version_required(request)
    if seen != quote.version or quote.is_deleted:
        return quote, seen, stale_response(request, quote, undone=undone)
    return quote, seen, None
