"""Pages: the editor's loop in the browser.

Every page needs a signed-in user; every change needs an editor or admin (``editor_required``)
and a POST. With htmx, a view answers with the part of the page that changed (a
django-template-partials partial, ``"page.html#part"``); without it, with the whole page or
a redirect, so every URL still works as a plain link or form.

Getting articles in and out: the import page (paste text or upload a ``.txt``, ``.html`` or
``.jsonl`` file, then read the report), the JSON Lines export of every article and the W3C
Web Annotation export of one article's quotes.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from html import escape
from urllib.parse import urlencode

from diff_match_patch import diff_match_patch
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from . import duplicates, jobs
from . import text as textrules
from .agreement import task_agreement
from .documents import articles_jsonl_lines
from .exporting import web_annotation_collection
from .forms import (
    AliasForm,
    ArticleForm,
    ImportForm,
    OutletEditForm,
    QuoteForm,
    SpeakerEditForm,
    fit_selection,
)
from .models import (
    FRAGMENT_JOINER,
    Action,
    AgreementTask,
    Article,
    BoilerplateRange,
    DistinctOutlets,
    DistinctSpeakers,
    Fragment,
    Merge,
    Outlet,
    OutletAlias,
    Quote,
    Speaker,
    SpeakerAlias,
    User,
    ViaHop,
    change_reason,
)
from .permissions import can_edit, is_admin

PAGE_SIZE = 25
PALETTE_SIZE = 8
OPTIONS_LIMIT = 10


def editor_required(view: Callable) -> Callable:
    """Signed in, and allowed to change annotations (editors and admins); 403 otherwise."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not can_edit(request.user):
            raise PermissionDenied("Your role may read but not change annotations.")
        return view(request, *args, **kwargs)

    return wrapped


def palette(speaker_id: int | None) -> str:
    return "n" if speaker_id is None else str(speaker_id % PALETTE_SIZE)


# --- The highlighted body ---------------------------------------------------------------


def highlight(body: str, quotes: Iterable[Quote], boilerplate: Iterable[tuple[int, int]]):
    """The body as HTML (each quote carrying its fragments as ``spans``, see
    ``article_quotes``): its text cut at every fragment, mention, cue and boilerplate
    boundary into segments, each a ``<mark>`` (inside a quote) or ``<span>`` carrying the ids
    of the quotes covering it (``data-q``, innermost first), of the quotes whose speaker
    mention (``data-m``) or cue (``data-c``) it is, and classes for colour, kind, depth and
    status. Overlapping and nested quotes both stay visible. One sweep over the sorted
    boundaries: O(n log n) in the number of spans, plus the output.

    Every piece of text is escaped here (``html.escape``, quotes included, as Django's
    ``escape``); the result holds no whitespace of its own, so the container's text is
    exactly the body."""
    opens: dict[int, list] = defaultdict(list)
    closes: dict[int, list] = defaultdict(list)
    n = len(body)

    def add(start, end, layer, key, info=None):
        if start is None or end is None or not (0 <= start < end <= n):
            return
        opens[start].append((layer, key, info))
        closes[end].append((layer, key, info))

    for quote in quotes:
        if quote.anchoring == Quote.Anchoring.ORPHANED:
            continue  # its spans belong to an earlier revision
        for start, end in quote.spans:
            add(start, end, "q", (quote.pk, start), (quote, end))
        add(quote.mention_start, quote.mention_end, "m", quote.pk)
        add(quote.cue_start, quote.cue_end, "c", quote.pk)
    for index, (start, end) in enumerate(boilerplate):
        add(start, end, "b", index)

    points = sorted({0, n, *opens, *closes})
    active: dict[str, dict] = {"q": {}, "m": {}, "c": {}, "b": {}}
    out: list[str] = []
    for i, point in enumerate(points[:-1]):
        for layer, key, _info in closes.get(point, ()):
            active[layer].pop(key, None)
        for layer, key, info in opens.get(point, ()):
            active[layer][key] = (info[0], point, info[1]) if layer == "q" else (info, point)
        end = points[i + 1]
        text = escape(body[point:end])
        covering, mentions, cues = active["q"], active["m"], active["c"]
        if not (covering or mentions or cues or active["b"]):
            out.append(text)
            continue
        classes = []
        attrs = ""
        if covering:
            # Innermost (shortest fragment) first: it sets the underline, the outermost the
            # background, so a quote nested in another shows both.
            ranked = sorted(
                covering.values(),
                key=lambda item: (item[2] - item[1], -item[1], item[0].pk),
            )
            inner, outer = ranked[0][0], ranked[-1][0]
            ids = []
            for quote, *_ in ranked:
                if quote.pk not in ids:
                    ids.append(quote.pk)
            classes += [
                "hl",
                f"sp{palette(inner.speaker_id)}",
                f"bg{palette(outer.speaker_id)}",
                f"k-{inner.kind}",
                f"d{min(len(ids), 3)}",
            ]
            if all(q.status == Quote.Status.SUGGESTED for q, *_ in ranked):
                classes.append("sugg")
            # Speaker, kind and status in words for screen readers: the quote list's
            # description of each covering quote (``qd-ID`` in article_detail.html).
            attrs += ' aria-describedby="' + " ".join(f"qd-{pk}" for pk in ids) + '"'
            attrs += ' data-q="' + " ".join(str(pk) for pk in ids) + '"'
        if mentions:
            classes.append("mention")
            attrs += ' data-m="' + " ".join(str(pk) for pk in sorted(mentions)) + '"'
        if cues:
            classes.append("cue")
            attrs += ' data-c="' + " ".join(str(pk) for pk in sorted(cues)) + '"'
        if active["b"]:
            classes.append("boiler")
            if not covering:
                attrs += ' aria-describedby="boiler-note"'
        tag = "mark" if covering else "span"
        out.append(f'<{tag} class="{" ".join(classes)}"{attrs}>{text}</{tag}>')
    return mark_safe("".join(out))  # noqa: S308 - every text piece above is escaped


def article_quotes(article: Article, annotator=None) -> list[Quote]:
    """The article's live, not rejected quotes in text order, each with its fragment
    ``spans`` and ``via_label``, in three queries whatever their number. (Not
    ``with_related``: joining the article would copy its body into every row, and
    ``prefetch_related`` spends more on a thousand related managers than on the rows.)"""
    quotes = list(
        Quote.objects.filter(article=article, annotator=annotator)
        .exclude(status=Quote.Status.REJECTED)
        .select_related("speaker")
        .annotate(revision_number=F("revision__number"))
        .order_by("start", "end", "id")
    )
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for quote_id, start, end in (
        Fragment.objects.filter(quote__article=article, quote__annotator=annotator)
        .order_by("quote_id", "start")
        .values_list("quote_id", "start", "end")
    ):
        spans[quote_id].append((start, end))
    via: dict[int, list[str]] = defaultdict(list)
    for quote_id, outlet, speaker in (
        ViaHop.objects.filter(quote__article=article, quote__annotator=annotator)
        .order_by("quote_id", "position")
        .values_list("quote_id", "outlet__name", "speaker__name")
    ):
        via[quote_id].append(outlet if outlet is not None else speaker)
    speaker_url = url_maker("annotations:speaker-detail")
    kinds = dict(Quote.Kind.choices)
    # Everything the list shows, worked out here once: a thousand quotes through the template
    # engine's lookups, filters and {% url %} tags would cost more than the rest of the page.
    for quote in quotes:
        quote.article = article
        quote.palette = palette(quote.speaker_id)
        quote.kind_label = kinds.get(quote.kind, quote.kind)
        quote.short_text = quote.text if len(quote.text) <= 220 else quote.text[:219] + "…"
        quote.spans = spans[quote.pk]
        quote.via_label = " › ".join(via[quote.pk])
        quote.speaker_url = speaker_url(quote.speaker_id) if quote.speaker_id else ""
    return quotes


def url_maker(name: str) -> Callable[[int], str]:
    """A fast ``reverse(name, args=[pk])`` for URLs whose only argument is an id."""
    head, tail = reverse(name, args=[987654321]).split("987654321")
    return lambda pk: f"{head}{pk}{tail}"


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


# --- Articles ----------------------------------------------------------------------------


def filtered_articles(params, user):
    """The article list's filters: search, publisher, status, assignee (``me``, ``none`` or
    an id) and suggestions waiting (``yes``/``no``)."""
    articles = Article.objects.with_counts().select_related("publisher", "assignee").defer("body")
    q = params.get("q", "").strip()
    if q:
        articles = articles.filter(Q(title__icontains=q) | Q(body__icontains=q))
    publisher = params.get("publisher", "")
    if publisher.isdigit():
        articles = articles.filter(publisher_id=int(publisher))
    status = params.get("status", "")
    if status in Article.Status.values:
        articles = articles.filter(status=status)
    assignee = params.get("assignee", "")
    if assignee == "me":
        articles = articles.assigned_to(user)
    elif assignee == "none":
        articles = articles.unassigned()
    elif assignee.isdigit():
        articles = articles.filter(assignee_id=int(assignee))
    else:
        assignee = ""
    suggestions = params.get("has_suggestions", "")
    if suggestions in {"yes", "no"}:
        articles = articles.with_suggestions(suggestions == "yes")
    else:
        suggestions = ""
    filters = {
        "q": q,
        "publisher": publisher,
        "status": status,
        "assignee": assignee,
        "has_suggestions": suggestions,
    }
    return articles, filters


def queue_progress(articles) -> dict:
    """How far the listed articles are: how many in each status, in each editor's queue,
    and suggestions waiting in them. Three queries, whatever the number of articles."""
    ids = articles.order_by().values("pk")
    by_status = dict(
        Article.objects.filter(pk__in=ids)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    per_assignee = list(
        Article.objects.filter(pk__in=ids)
        .order_by()
        .values("assignee_id", "assignee__username")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=~Q(status=Article.Status.DONE)),
        )
        .order_by(F("assignee__username").asc(nulls_first=True))
    )
    waiting = Quote.objects.filter(article__in=ids, status=Quote.Status.SUGGESTED).count()
    return {
        "statuses": [
            (value, label, by_status.get(value, 0)) for value, label in Article.Status.choices
        ],
        "assignees": per_assignee,
        "suggestions_waiting": waiting,
    }


QUEUE_TABS = [("", "All articles"), ("me", "My articles"), ("none", "Unassigned")]


def article_list_context(request, form=None) -> dict:
    articles, filters = filtered_articles(request.GET, request.user)
    page = Paginator(articles.order_by(F("published_at").desc(nulls_last=True), "-id"), PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    export = {"outlet": filters["publisher"]} if filters["publisher"] else {}
    export["status"] = Quote.Status.CONFIRMED
    keep = {k: v for k, v in filters.items() if v}
    tabs = []
    for value, label in QUEUE_TABS:
        query = {
            **{k: v for k, v in keep.items() if k != "assignee"},
            **({"assignee": value} if value else {}),
        }
        tabs.append({"value": value, "label": label, "query": urlencode(query)})
    editors = []
    if is_admin(request.user):
        editors = list(
            User.objects.filter(is_active=True, role__in=[User.Role.EDITOR, User.Role.ADMIN])
            .order_by("username")
            .only("pk", "username")
        )
    return {
        "page": page,
        "filters": filters,
        "query": urlencode(keep),
        "tabs": tabs,
        "progress": queue_progress(articles),
        "publishers": Outlet.objects.filter(
            Exists(Article.objects.filter(publisher=OuterRef("pk")))
        ),
        "statuses": Article.Status.choices,
        "assignable": editors,
        "export_url": quotes_csv_url(**export),
        "form": form or ArticleForm(),
        "can_edit": can_edit(request.user),
        "is_admin": is_admin(request.user),
    }


@require_GET
@login_required
def article_list(request):
    context = article_list_context(request)
    if request.htmx and request.htmx.target == "results":
        return render(request, "annotations/article_list.html#results", context)
    return render(request, "annotations/article_list.html", context)


@require_POST
@editor_required
def article_create(request):
    form = ArticleForm(request.POST)
    if not form.is_valid():
        context = article_list_context(request, form=form)
        context["adding"] = True
        return render(request, "annotations/article_list.html", context, status=422)
    article = form.save_for(request.user)
    jobs.start_suggest([article.pk], user=request.user)  # the page never waits on it
    return redirect(article)


@require_GET
@login_required
def article_detail(request, pk):
    article = get_object_or_404(Article.objects.select_related("publisher", "assignee"), pk=pk)
    context = workspace_context(request, article, select="")
    context.update(workflow_context(request, article))
    if request.GET.get("history"):
        context["timeline"] = article_timeline(article, request.user)
    if request.htmx and request.htmx.target == "workspace":
        return render(request, "annotations/article_detail.html#workspace", context)
    context["revision_number"] = article.current_revision_number()
    return render(request, "annotations/article_detail.html", context)


@require_POST
@editor_required
def article_status(request, pk):
    article = get_object_or_404(Article, pk=pk)
    status = request.POST.get("status", "")
    if status not in Article.Status.values:
        return error_response(request, f"Unknown status {status[:20]!r}.", status=400)
    if status == Article.Status.IN_REVIEW:
        chosen = request.POST.get("reviewer", "")
        reviewer = None
        if chosen:
            reviewer = User.objects.filter(pk=chosen if chosen.isdigit() else 0).first()
            if reviewer is None:
                return error_response(request, "Choose a reviewer from the list.", status=400)
        try:
            article.send_to_review(reviewer, by=request.user)
        except ValidationError as exc:
            return error_response(request, message_of(exc), status=400)
        return redirect(article)
    if status == Article.Status.DONE:
        waiting = Quote.objects.filter(article=article, status=Quote.Status.SUGGESTED)
        versions = dict(waiting.values_list("pk", "version"))
        pending = len(versions)
        seen = parse_seen(request.POST.get("seen", "")) if request.POST.get("pending") else None
        if pending and (request.POST.get("pending") != "reject" or seen != versions):
            # Ask first, on the page: the waiting suggestions would be marked done unseen. The
            # answer names them at their versions; when they changed meanwhile (one edited,
            # decided or suggested since), it is asked again rather than half done.
            page = get_object_or_404(Article.objects.select_related("publisher", "assignee"), pk=pk)
            context = workspace_context(request, page, select="")
            context.update(workflow_context(request, page))
            context["confirm_done"] = pending
            context["confirm_seen"] = " ".join(f"{pk}:{v}" for pk, v in versions.items())
            context["confirm_changed"] = request.POST.get("pending") == "reject"
            return render(request, "annotations/article_detail.html", context, status=409)
        if pending:
            quotes = list(
                waiting.select_related("speaker").prefetch_related(
                    "fragments", "via_hops__outlet", "via_hops__speaker"
                )
            )
            for quote in quotes:
                quote.article = article
            label = f"Rejected {pending} waiting suggestion{'s' if pending != 1 else ''}"
            try:
                with Action.track(
                    request.user, article, Action.Kind.BULK_REJECT, quotes, label=label
                ):
                    for quote in quotes:
                        quote.reject(by=request.user, expected_version=seen[quote.pk])
                    article.set_status(status, by=request.user)
            except (Quote.VersionConflict, KeyError):  # changed this very moment: all undone
                return error_response(
                    request,
                    "A waiting suggestion changed while it was being rejected; nothing was "
                    "done. Reload the page and look again.",
                    status=409,
                )
            return redirect(article)
    article.set_status(status, by=request.user)
    return redirect(article)


@require_POST
@editor_required
def article_suggest(request, pk):
    article = get_object_or_404(Article, pk=pk)
    job = jobs.start_suggest([article.pk], user=request.user)
    flash = format_html(
        'Suggesting quotes in the background (<a href="{}">job #{}</a>); reload to see them.',
        job.get_absolute_url(),
        job.pk,
    )
    return workspace_response(request, article, flash=flash)


# --- Quotes ------------------------------------------------------------------------------


def render_quote_form(request, form: QuoteForm, *, status: int = 200, **extra) -> HttpResponse:
    quote = form.quote
    context = {
        "form": form,
        "article": form.article,
        "quote": quote,
        "action": (
            reverse("annotations:quote-update", args=[quote.pk])
            if quote
            else reverse("annotations:quote-create", args=[form.article.pk])
        ),
        "uid": secrets.token_hex(4),
        **extra,
    }
    template = "annotations/quote_form.html"
    if request.htmx:
        template += "#quote-form"
    response = render(request, template, context, status=status)
    if request.htmx and status in (409, 422):
        # The form posts to redraw the workspace; a refused one comes back to its own place.
        response = reswap(retarget(response, "#quote-form-slot"), "innerHTML")
    return response


def int_param(params, name: str) -> int:
    try:
        return int(params.get(name, ""))
    except ValueError:
        raise ValidationError(f"The {name} offset must be a whole number.") from None


@require_GET
@editor_required
def quote_new(request, pk):
    """The form for a new quote over the selected span (code points, as ``start``/``end``)."""
    article = get_object_or_404(Article, pk=pk)
    try:
        start, end, direct = fit_selection(
            article.body, int_param(request.GET, "start"), int_param(request.GET, "end")
        )
    except ValidationError as exc:
        return error_response(request, message_of(exc))
    current = None
    if request.GET.get("current", "").isdigit():
        current = Quote.objects.filter(article=article, pk=request.GET["current"]).first()
    if current is not None:
        # The version the list showed (the page sends it), else the one it has now.
        current.seen_version = seen_version({"version": request.GET.get("current_version", "")})
        current.seen_version = current.seen_version or current.version
    form = QuoteForm(
        article=article,
        initial={
            "kind": Quote.Kind.DIRECT if direct else Quote.Kind.INDIRECT,
            "fragments": [{"start": start, "end": end, "text": article.body[start:end]}],
        },
    )
    return render_quote_form(request, form, current=current, span=(start, end))


@require_POST
@editor_required
def quote_create(request, pk):
    article = get_object_or_404(Article, pk=pk)
    form = QuoteForm(request.POST, article=article)
    if not form.is_valid():
        return render_quote_form(request, form, status=422)
    task = AgreementTask.open_for(article)
    # One of an agreement task's two editors annotates on their own.
    annotator = request.user if task and task.is_annotator(request.user) else None
    quote = form.save(request.user, annotator=annotator)
    return workspace_response(request, article, select=quote.pk, flash="Quote saved.")


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


def editable_quote(pk) -> Quote:
    return get_object_or_404(
        Quote.objects.select_related("article", "speaker", "updated_by"), pk=pk
    )


@require_GET
@editor_required
def quote_edit(request, pk):
    quote = editable_quote(pk)
    body = quote.article.body
    form = QuoteForm(
        article=quote.article,
        quote=quote,
        initial={
            "kind": quote.kind,
            "speaker": quote.speaker_id,
            "speaker_name": quote.speaker.name if quote.speaker else "",
            "speaker_role": quote.speaker_role,
            **(
                {}
                if quote.anchoring == Quote.Anchoring.ORPHANED
                else {
                    "mention_start": quote.mention_start,
                    "mention_end": quote.mention_end,
                    "cue_start": quote.cue_start,
                    "cue_end": quote.cue_end,
                }
            ),
            "cue": quote.cue,
            "note": quote.note,
            "version": quote.version,
            # An orphaned quote's fragments belong to an earlier text: it is settled by
            # selecting its text anew, never by posting the old offsets back.
            "fragments": []
            if quote.anchoring == Quote.Anchoring.ORPHANED
            else [
                {"start": f.start, "end": f.end, "text": body[f.start : f.end]}
                for f in quote.fragments.all()
            ],
            "via": [
                {"type": hop.type, "name": hop.name}
                for hop in quote.via_hops.select_related("outlet", "speaker")
            ],
        },
    )
    return render_quote_form(request, form)


@require_POST
@editor_required
def quote_update(request, pk):
    quote = get_object_or_404(
        Quote.all_objects.select_related("article", "speaker", "updated_by"), pk=pk
    )
    seen = seen_version(request.POST)
    if seen is None:
        return version_required(request)
    form = QuoteForm(request.POST, article=quote.article, quote=quote)
    if seen != quote.version or quote.is_deleted:
        return quote_conflict(request, form)
    if not form.is_valid():
        return render_quote_form(request, form, status=422)
    try:
        with Action.track(request.user, quote.article, Action.Kind.EDIT, [quote]):
            form.save(request.user, accept=bool(request.POST.get("accept")))
            if quote.article.is_reviewed_by(request.user) and quote.can_be_checked_by(request.user):
                quote.mark_checked(request.user)  # the reviewer's correction checks it
    except Quote.VersionConflict:
        return quote_conflict(request, form)
    return workspace_response(request, quote.article, select=quote.pk, flash="Quote saved.")


def quote_conflict(request, form: QuoteForm) -> HttpResponse:
    """409 for a save over someone else's change: the form comes back with what the editor
    typed, beside the quote as it is now (theirs), and the version it is at now, so that
    saving again puts the editor's change over theirs knowingly."""
    theirs = (
        Quote.all_objects.select_related("article", "speaker", "updated_by")
        .prefetch_related("via_hops__outlet", "via_hops__speaker")
        .get(pk=form.quote.pk)
    )
    data = form.data.copy()
    data["version"] = str(theirs.version)
    kept = QuoteForm(data, article=theirs.article, quote=theirs)
    conflict = {
        "who": changed_by(theirs),
        "deleted": theirs.is_deleted,
        "text": theirs.text,
        "kind": theirs.get_kind_display(),
        "status": theirs.get_status_display(),
        "speaker": theirs.speaker.name if theirs.speaker else "",
        "speaker_role": theirs.speaker_role,
        "cue": theirs.cue,
        "via": " › ".join(hop.name for hop in theirs.via_hops.all()),
        "note": theirs.note,
    }
    return render_quote_form(request, kept, status=409, conflict=conflict)


@require_POST
@editor_required
def quote_add_fragment(request, pk):
    """Add the selected span to an existing quote as a further fragment."""
    quote, seen, refused = quote_to_change(request, pk, undone="given the fragment")
    if refused:
        return refused
    body = quote.article.body
    try:
        start, end, _ = fit_selection(
            body, int_param(request.POST, "start"), int_param(request.POST, "end")
        )
        spans = [(start, end)]
        if quote.anchoring != Quote.Anchoring.ORPHANED:  # an orphan's are in an old text
            spans += [(f.start, f.end) for f in quote.fragments.all()]
        spans = Quote.check_fragments(body, spans)
    except ValidationError as exc:
        # The fragments read may be a newer version's than the one checked (another editor
        # changed the quote in between): that is a conflict, not a bad selection.
        if Quote.all_objects.filter(pk=quote.pk, version=seen).exists():
            return error_response(request, message_of(exc))
        return stale_response(request, quote, undone="given the fragment")
    try:
        quote.edit(fragments=spans, by=request.user, expected_version=seen)
    except Quote.VersionConflict:
        return stale_response(request, quote, undone="given the fragment")
    return workspace_response(request, quote.article, select=quote.pk, flash="Fragment added.")


@require_POST
@editor_required
def quote_delete(request, pk):
    quote, seen, refused = quote_to_change(request, pk, undone="deleted")
    if refused:
        return refused
    try:
        with Action.track(request.user, quote.article, Action.Kind.DELETE, [quote]):
            quote.soft_delete(by=request.user, expected_version=seen)
    except Quote.VersionConflict:
        return stale_response(request, quote, undone="deleted")
    return workspace_response(request, quote.article, flash="Quote deleted.", undo=quote)


@require_POST
@editor_required
def quote_restore(request, pk):
    quote = get_object_or_404(Quote.all_objects.select_related("article"), pk=pk)
    seen = seen_version(request.POST)
    if seen is None:
        return version_required(request)
    if seen != quote.version:
        return stale_response(request, quote, undone="restored")
    last = Action.last_for(request.user, quote.article)
    try:
        if last is not None and last.kind == Action.Kind.DELETE and last.quote_ids == [quote.pk]:
            last.undo(by=request.user)  # the delete's undo button: that action is undone
            quote.refresh_from_db()
        elif quote.is_deleted:
            quote.restore(by=request.user, expected_version=seen)
    except Quote.VersionConflict:
        return stale_response(request, quote, undone="restored")
    except ValidationError as exc:
        return error_response(request, message_of(exc), status=409)
    return workspace_response(request, quote.article, select=quote.pk, flash="Quote restored.")


@require_POST
@editor_required
def boilerplate_confirm(request, pk):
    found = get_object_or_404(BoilerplateRange.objects.select_related("article"), pk=pk)
    found.confirm(by=request.user)
    return workspace_response(request, found.article, flash="Boilerplate confirmed.")


@require_POST
@editor_required
def boilerplate_reject(request, pk):
    found = get_object_or_404(BoilerplateRange.objects.select_related("article"), pk=pk)
    article = found.article
    if not found.proposed:
        return error_response(request, "Only a proposed range can be rejected here.")
    found.reject(by=request.user)
    return workspace_response(request, article, flash="Boilerplate rejected: it is the story.")


@require_POST
@editor_required
def quote_accept(request, pk):
    quote, seen, refused = quote_to_change(request, pk, undone="accepted")
    if refused:
        return refused
    try:
        with Action.track(request.user, quote.article, Action.Kind.ACCEPT, [quote]):
            quote.accept(by=request.user, expected_version=seen)
    except Quote.VersionConflict:
        return stale_response(request, quote, undone="accepted")
    return workspace_response(request, quote.article, select=quote.pk, flash="Suggestion accepted.")


@require_POST
@editor_required
def quote_reject(request, pk):
    quote, seen, refused = quote_to_change(request, pk, undone="rejected")
    if refused:
        return refused
    try:
        with Action.track(request.user, quote.article, Action.Kind.REJECT, [quote]):
            quote.reject(by=request.user, expected_version=seen)
    except Quote.VersionConflict:
        return stale_response(request, quote, undone="rejected")
    return workspace_response(request, quote.article, flash="Suggestion rejected.")


@require_GET
@login_required
def via_row(request):
    kind = request.GET.get("type", "outlet")
    return render(
        request,
        "annotations/quote_form.html#via-row",
        {
            "hop": {"type": kind if kind in {"outlet", "speaker"} else "outlet", "name": ""},
            "uid": secrets.token_hex(4),
        },
    )


def options_term(request, *fallbacks: str) -> str:
    """What was typed into a combobox: the field it names (``field``), else the first of
    ``fallbacks`` given, else ``q``."""
    params = request.GET
    field = params.get("field", "")
    for name in (field, *fallbacks, "q"):
        if name and params.get(name):
            return params[name].strip()[:200]
    return ""


def combobox_options(model, term: str, *, counted) -> tuple[list, object, bool]:
    """The rows whose name or alias holds ``term`` (with ``quote_count``), the row the
    duplicate finder takes ``term`` to mean (first, when there is one), and whether ``term``
    is exactly one of them, so that offering a new row makes no sense."""
    if not term:
        return [], None, True
    rows = list(counted(model.objects.matching(term)).prefetch_related("aliases")[:OPTIONS_LIMIT])
    likely = model.objects.likely(term)
    if likely is not None:
        rows = [row for row in rows if row.pk != likely.pk]
        likely = counted(model.objects.filter(pk=likely.pk)).prefetch_related("aliases").get()
        rows = [likely, *rows][:OPTIONS_LIMIT]
    key = textrules.name_key(term)
    folded = term.casefold()
    exact = False
    for row in rows:
        row.matched_aliases = [a.name for a in row.aliases.all() if folded in a.name.casefold()]
        if textrules.name_key(row.name) == key or any(
            textrules.name_key(a.name) == key for a in row.aliases.all()
        ):
            exact = True
    return rows, likely, exact


def counted_speakers(queryset):
    live = Q(quotes__deleted_at__isnull=True) & ~Q(quotes__status=Quote.Status.REJECTED)
    return queryset.annotate(quote_count=Count("quotes", filter=live))


def counted_outlets(queryset):
    return queryset.annotate(quote_count=Count("via_hops"))


@require_GET
@login_required
def speaker_options(request):
    """The speaker combobox's options: the likely match first ("Elena Petrova already has 3
    quotes: use this speaker?"), then speakers whose name or an alias holds what was typed,
    then "New speaker: ..." unless the name is already there."""
    term = options_term(request, "speaker_name")
    rows, likely, exact = combobox_options(Speaker, term, counted=counted_speakers)
    return render(
        request,
        "annotations/combobox.html#options",
        {"rows": rows, "likely": likely, "term": term, "new": not exact, "kind": "speaker"},
    )


@require_GET
@login_required
def name_options(request):
    """The via hop (or publisher) combobox's options: outlets, or speakers when the hop's
    type says so, as for the speaker field."""
    term = options_term(request, "via_name", "publisher_name")
    kind = "speaker" if request.GET.get("via_type") == "speaker" else "outlet"
    model, counted = (Speaker, counted_speakers) if kind == "speaker" else (Outlet, counted_outlets)
    rows, likely, exact = combobox_options(model, term, counted=counted)
    return render(
        request,
        "annotations/combobox.html#options",
        {"rows": rows, "likely": likely, "term": term, "new": not exact, "kind": kind},
    )


# --- Speakers and outlets ----------------------------------------------------------------


def quote_page(request, quotes):
    quotes = (
        quotes.exclude(status=Quote.Status.REJECTED)
        .filter(annotator__isnull=True)
        .with_related()
        .defer("article__body")
        .order_by(F("article__published_at").desc(nulls_last=True), "-created_at", "-id")
    )
    page = Paginator(quotes, PAGE_SIZE).get_page(request.GET.get("page"))
    for quote in page:
        quote.palette = palette(quote.speaker_id)
    return page


@require_GET
@login_required
def speaker_list(request):
    term = request.GET.get("q", "").strip()
    speakers = Speaker.objects.matching(term) if term else Speaker.objects.all()
    live = Q(quotes__deleted_at__isnull=True) & ~Q(quotes__status=Quote.Status.REJECTED)
    speakers = speakers.annotate(quote_count=Count("quotes", filter=live)).order_by("name", "id")
    page = Paginator(speakers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/speaker_list.html",
        {"page": page, "q": term, "query": urlencode({"q": term} if term else {})},
    )


@require_GET
@login_required
def speaker_detail(request, pk):
    speaker = get_object_or_404(Speaker.objects.prefetch_related("aliases"), pk=pk)
    return render_entity_page(request, ENTITIES["speaker"], speaker)


@require_GET
@login_required
def outlet_list(request):
    term = request.GET.get("q", "").strip()
    outlets = Outlet.objects.matching(term) if term else Outlet.objects.all()
    outlets = outlets.annotate(article_count=Count("articles")).order_by("name", "id")
    page = Paginator(outlets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/outlet_list.html",
        {"page": page, "q": term, "query": urlencode({"q": term} if term else {})},
    )


@require_GET
@login_required
def outlet_detail(request, pk):
    outlet = get_object_or_404(Outlet.objects.prefetch_related("aliases"), pk=pk)
    return render_entity_page(request, ENTITIES["outlet"], outlet)


# --- Duplicates, merges and editing speakers and outlets ---------------------------------


@dataclass(frozen=True)
class Entity:
    """What the speaker and outlet pages share, told apart by these."""

    kind: str  # Merge.Kind
    model: type
    alias_model: type
    distinct: type
    form: type
    person_word: str  # "people" / "outlets", for "different ..." buttons

    @property
    def detail(self) -> str:
        return f"annotations:{self.kind}-detail"


ENTITIES = {
    "speaker": Entity(
        "speaker", Speaker, SpeakerAlias, DistinctSpeakers, SpeakerEditForm, "people"
    ),
    "outlet": Entity("outlet", Outlet, OutletAlias, DistinctOutlets, OutletEditForm, "outlets"),
}


def finder_entries(entity: Entity) -> list[duplicates.Entry]:
    """Every speaker or outlet as the duplicate finder sees it, in two queries."""
    aliases: dict[int, list[str]] = defaultdict(list)
    owner = f"{entity.kind}_id"
    for pk, name in entity.alias_model.objects.values_list(owner, "name"):
        aliases[pk].append(name)
    if entity.kind == "speaker":
        rows = Speaker.objects.values_list("pk", "name", "kind", "description")
        return [
            duplicates.Entry(pk, name, tuple(aliases[pk]), kind == Speaker.Kind.PERSON, desc)
            for pk, name, kind, desc in rows
        ]
    rows = Outlet.objects.values_list("pk", "name")
    return [duplicates.Entry(pk, name, tuple(aliases[pk]), person=False) for pk, name in rows]


def duplicate_pairs(entity: Entity) -> list[duplicates.Pair]:
    """The finder's pairs, worked out again only when a speaker (outlet), an alias or a
    "different" mark has changed since: three small aggregate queries tell."""
    stamp = [
        entity.model.objects.aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk")),
        entity.alias_model.objects.aggregate(n=Count("pk"), top=Max("pk")),
        entity.distinct.objects.aggregate(n=Count("pk"), top=Max("pk")),
    ]
    digest = hashlib.sha256(repr(stamp).encode()).hexdigest()[:32]
    key = f"newsdesk:duplicates:{entity.kind}:{digest}"
    pairs = cache.get(key)
    if pairs is None:
        pairs = duplicates.find_pairs(finder_entries(entity), distinct=entity.distinct.id_pairs())
        cache.set(key, pairs, timeout=3600)
    return pairs


def with_counts(entity: Entity, queryset):
    if entity.kind == "speaker":
        live = Q(quotes__deleted_at__isnull=True) & ~Q(quotes__status=Quote.Status.REJECTED)
        return queryset.annotate(quote_count=Count("quotes", filter=live, distinct=True))
    return queryset.annotate(
        quote_count=Count("via_hops", distinct=True),
        article_count=Count("articles", distinct=True),
    )


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_GET
@editor_required
def duplicate_list(request, kind: str):
    """Pairs of speakers (outlets) that are probably one, each with the reason, their quote
    counts and the actions: merge either way, or mark them different."""
    entity = ENTITIES[kind]
    page = Paginator(duplicate_pairs(entity), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = {pk for pair in page for pk in (pair.first, pair.second)}
    rows = with_counts(entity, entity.model.objects.filter(pk__in=ids)).prefetch_related("aliases")
    by_id = {row.pk: row for row in rows}
    shown = [
        {"pair": pair, "a": by_id[pair.first], "b": by_id[pair.second]}
        for pair in page
        if pair.first in by_id and pair.second in by_id
    ]
    for row in shown:
        row["rows"] = (row["a"], row["b"])
    merges = Merge.objects.filter(kind=kind, undone_at__isnull=True).select_related("merged_by")
    return render(
        request,
        "annotations/duplicates.html",
        {
            "entity": entity,
            "page": page,
            "pairs": shown,
            "merges": merges[:10],
            "count": page.paginator.count,
        },
    )


@require_GET
@editor_required
def duplicate_compare(request, kind: str, first: int, second: int):
    """Two likely duplicates side by side: what each is, why they look alike, and their
    quotes."""
    entity = ENTITIES[kind]
    rows = with_counts(entity, entity.model.objects.filter(pk__in=[first, second]))
    by_id = {row.pk: row for row in rows.prefetch_related("aliases")}
    if len(by_id) != 2 or first == second:
        raise Http404("No such pair.")
    a, b = by_id[first], by_id[second]
    found = duplicates.find_pairs(finder_entries_for(entity, [a, b]))
    sides = []
    for row in (a, b):
        quotes = (
            Quote.objects.for_speaker(row)
            if kind == "speaker"
            else Quote.objects.through_outlet(row)
        )
        quotes = (
            quotes.exclude(status=Quote.Status.REJECTED)
            .with_related()
            .order_by(F("article__published_at").desc(nulls_last=True), "-id")[:20]
        )
        sides.append({"row": row, "quotes": list(quotes)})
    for side in sides:
        for quote in side["quotes"]:
            quote.palette = palette(quote.speaker_id)
    return render(
        request,
        "annotations/duplicate_compare.html",
        {
            "entity": entity,
            "a": a,
            "b": b,
            "sides": sides,
            "reason": found[0].reason if found else "",
            "distinct": entity.distinct.objects.filter(
                first=min(a.pk, b.pk), second=max(a.pk, b.pk)
            ).exists(),
        },
    )


def finder_entries_for(entity: Entity, rows) -> list[duplicates.Entry]:
    return [
        duplicates.Entry(
            row.pk,
            row.name,
            tuple(alias.name for alias in row.aliases.all()),
            person=entity.kind == "speaker" and row.kind == Speaker.Kind.PERSON,
            description=getattr(row, "description", ""),
        )
        for row in rows
    ]


@require_POST
@editor_required
def entity_merge(request, kind: str, pk: int):
    """Merge the speaker (outlet) named by ``duplicate`` into this one."""
    entity = ENTITIES[kind]
    survivor = get_object_or_404(entity.model, pk=pk)
    other = request.POST.get("duplicate", "")
    if other.isdigit():
        duplicate = entity.model.objects.filter(pk=other).first()
        gone = Merge.conflict_for(entity.model, int(other)) if duplicate is None else None
        if gone is not None:  # merged a moment ago, by another editor or another click
            return error_response(request, message_of(gone), status=409)
    else:
        duplicate = entity.model.objects.find(request.POST.get("duplicate_name", "").strip())
    if duplicate is None:
        return error_response(request, f"Choose the {kind} to merge into {survivor.name}.", 400)
    try:
        record = survivor.merge(duplicate, by=request.user)
    except Merge.Conflict as exc:
        return error_response(request, message_of(exc), status=409)
    except ValidationError as exc:
        return error_response(request, message_of(exc))
    messages.success(
        request,
        f"Merged {record.loser_name} into {survivor.name}; undo it from the list of merges.",
    )
    return redirect(safe_next(request, survivor.get_absolute_url()))


@require_POST
@editor_required
def merge_undo(request, pk: int):
    record = get_object_or_404(Merge, pk=pk)
    try:
        restored = record.undo(by=request.user)
    except Merge.Conflict as exc:
        return error_response(request, message_of(exc), status=409)
    except ValidationError as exc:
        return error_response(request, message_of(exc))
    messages.success(request, f"Undid the merge: {restored.name} is back.")
    return redirect(safe_next(request, restored.get_absolute_url()))


@require_POST
@editor_required
def entity_distinct(request, kind: str):
    """Mark two speakers (outlets) as different, so that they are not offered again."""
    entity = ENTITIES[kind]
    ids = [request.POST.get("first", ""), request.POST.get("second", "")]
    rows = list(entity.model.objects.filter(pk__in=[i for i in ids if i.isdigit()]))
    if len(rows) != 2:
        return error_response(request, f"Choose two {kind}s to mark as different.", 400)
    entity.distinct.mark(rows[0], rows[1], by=request.user)
    messages.success(
        request, f"{rows[0]} and {rows[1]} are marked as different {entity.person_word}."
    )
    return redirect(safe_next(request, reverse(f"annotations:{kind}-duplicates")))


def entity_page_context(request, entity: Entity, row, form=None, alias_form=None) -> dict:
    """What the speaker (outlet) page adds for editors: the form, aliases, history, merges."""
    if not can_edit(request.user):
        return {}
    history = list(
        row.history.select_related("history_user").order_by("-history_date", "-history_id")[:15]
    )
    for record in history:
        previous = record.prev_record
        record.changes = (
            [c.field for c in record.diff_against(previous).changes] if previous else []
        )
    removed = (
        entity.alias_model.history.filter(**{f"{entity.kind}_id": row.pk}, history_type="-")
        .select_related("history_user")
        .order_by("-history_date")[:10]
    )
    live = {a.name.casefold() for a in row.aliases.all()}
    return {
        "can_edit": True,
        "edit_form": form or entity.form(instance=row),
        "alias_form": alias_form or AliasForm(),
        "history": history,
        "removed_aliases": [r for r in removed if r.name.casefold() not in live],
        "merges": Merge.objects.filter(kind=entity.kind, survivor_id=row.pk).select_related(
            "merged_by", "undone_by"
        )[:10],
        "entity": entity,
    }


def render_entity_page(request, entity: Entity, row, *, status=200, **extra):
    if entity.kind == "speaker":
        page = quote_page(request, Quote.objects.for_speaker(row))
        export = quotes_csv_url(speaker=row.pk, status=Quote.Status.CONFIRMED)
    else:
        page = quote_page(request, Quote.objects.through_outlet(row))
        export = quotes_csv_url(outlet=row.pk, status=Quote.Status.CONFIRMED)
    context = {
        entity.kind: row,
        "page": page,
        "export_url": export,
        **entity_page_context(request, entity, row, **extra),
    }
    return render(request, f"annotations/{entity.kind}_detail.html", context, status=status)


@require_POST
@editor_required
def entity_edit(request, kind: str, pk: int):
    """Rename a speaker (outlet) or change its other fields; history records who and when."""
    entity = ENTITIES[kind]
    row = get_object_or_404(entity.model.objects.prefetch_related("aliases"), pk=pk)
    before = row.name
    form = entity.form(request.POST, instance=row)
    if not form.is_valid():
        row.name = before
        return render_entity_page(request, entity, row, status=422, form=form)
    row = form.save(commit=False)
    row.stamp(request.user)
    if row.name != before:
        row._change_reason = change_reason(f"renamed from {before!r}")
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        form.add_error("name", f"Another {kind} already has this name.")
        row.name = before
        return render_entity_page(request, entity, row, status=422, form=form)
    messages.success(request, f"Saved {row.name}.")
    return redirect(row)


@require_POST
@editor_required
def entity_revert(request, kind: str, pk: int, history_id: int):
    """Undo changes: put back the fields as a history record has them."""
    entity = ENTITIES[kind]
    row = get_object_or_404(entity.model, pk=pk)
    record = get_object_or_404(row.history, history_id=history_id)
    for name in entity.form._meta.fields:
        setattr(row, name, getattr(record, name))
    row.stamp(request.user)
    row._change_reason = change_reason(
        f"reverted to the version of {record.history_date:%Y-%m-%d %H:%M}"
    )
    try:
        row.full_clean(exclude=["name_key"] if kind == "speaker" else None)
        with transaction.atomic():
            row.save()
    except (ValidationError, IntegrityError):
        return error_response(
            request, f"Another {kind} now has that name; rename or describe it first."
        )
    messages.success(request, f"Put {row.name} back as it was.")
    return redirect(row)


@require_POST
@editor_required
def alias_add(request, kind: str, pk: int):
    entity = ENTITIES[kind]
    row = get_object_or_404(entity.model.objects.prefetch_related("aliases"), pk=pk)
    form = AliasForm(request.POST)
    if not form.is_valid():
        return render_entity_page(request, entity, row, status=422, alias_form=form)
    added = row.add_aliases([form.cleaned_data["name"]], by=request.user)
    if added:
        messages.success(request, f"Added the alias {added[0]}.")
    else:
        messages.info(request, f"{row.name} already answers to {form.cleaned_data['name']}.")
    return redirect(row)


@require_POST
@editor_required
def alias_remove(request, kind: str, pk: int, alias_pk: int):
    entity = ENTITIES[kind]
    row = get_object_or_404(entity.model, pk=pk)
    alias = get_object_or_404(row.aliases, pk=alias_pk)
    alias._history_user = request.user
    alias.delete()
    messages.success(
        request, f"Removed the alias {alias.name}; restore it below if that was wrong."
    )
    return redirect(row)


# --- Import and export -------------------------------------------------------------------


def _require_editor(request) -> None:
    if not can_edit(request.user):
        raise PermissionDenied("Only editors and admins may import articles.")


@require_http_methods(["GET", "POST"])
@login_required
def import_page(request):
    """Editors paste or upload articles here. The file is checked at once (type, size,
    encoding) and its articles are imported by a background job: the answer is a redirect
    to the job's page, which shows the progress and then what was imported, skipped and
    refused."""
    _require_editor(request)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            publisher = data["publisher"].strip() or None
            try:
                if data["file"]:
                    upload = data["file"]
                    job = jobs.start_import(
                        upload.name,
                        upload.read(),
                        publisher=publisher,
                        user=request.user,
                        suggest=data["suggest"],
                    )
                else:
                    job = jobs.start_text_import(
                        data["text"],
                        title=data["title"],
                        publisher=publisher,
                        user=request.user,
                        suggest=data["suggest"],
                    )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return redirect(job)
        status = 400
    else:
        form = ImportForm()
        status = 200
    return render(request, "annotations/import.html", {"form": form}, status=status)


@require_GET
@login_required
def export_articles_jsonl(request):
    """Every article with its quotes, speakers and outlets, one document a line."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in articles_jsonl_lines()),
        content_type="application/x-ndjson; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="newsdesk-articles.jsonl"'
    return response


@require_GET
@login_required
def article_annotations_jsonld(request, pk: int):
    """One article's quotes as a W3C Web Annotation collection (JSON-LD)."""
    article = get_object_or_404(Article, pk=pk)
    collection = web_annotation_collection(article, base_url=request.build_absolute_uri("/"))
    return HttpResponse(
        json.dumps(collection, ensure_ascii=False, indent=2),
        content_type='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    )


# --- Workflow: the queue, review, undo ----------------------------------------------------


def back_to(request, fallback: str) -> HttpResponse:
    """Redirect to the form's ``next`` (a path on this site), else to ``fallback``."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return redirect(target or fallback)


def workflow_context(request, article: Article) -> dict:
    """The article page's queue controls: who has it, take, assign (admins), next."""
    admin = is_admin(request.user)
    assignable = []
    if admin:
        assignable = list(
            User.objects.filter(is_active=True, role__in=[User.Role.EDITOR, User.Role.ADMIN])
            .order_by("username")
            .only("pk", "username")
        )
    context = {"is_admin": admin, "assignable": assignable}
    if can_edit(request.user) and article.status in {
        Article.Status.NEW,
        Article.Status.IN_PROGRESS,
    }:
        context["reviewers"] = list(article.reviewers().only("pk", "username"))
    if article.is_reviewed_by(request.user):
        context["to_check"] = review_items(request, article, "check").count()
    return context


@require_POST
@editor_required
def article_take(request, pk):
    """Put an unassigned article in my queue."""
    with transaction.atomic():
        article = get_object_or_404(Article.objects.select_for_update(), pk=pk)
        if article.assignee_id not in (None, request.user.pk):
            return error_response(
                request,
                f"{article.assignee.get_username()} has this article already; an admin can "
                "give it to you.",
                status=409,
            )
        if article.assignee_id is None:
            article.assign(request.user, by=request.user)
    return back_to(request, article.get_absolute_url())


@require_POST
@login_required
def article_assign(request, pk):
    """Admins give an article to an editor (or to nobody)."""
    if not is_admin(request.user):
        raise PermissionDenied("Only admins may give articles to editors.")
    article = get_object_or_404(Article, pk=pk)
    chosen = request.POST.get("assignee", "")
    user = None
    if chosen:
        if not chosen.isdigit():
            return error_response(request, "Choose an editor from the list.", status=400)
        user = User.objects.filter(pk=int(chosen), is_active=True).first()
        if user is None:
            return error_response(request, "There is no such active user.", status=400)
    try:
        article.assign(user, by=request.user)
    except ValidationError as exc:
        return error_response(request, message_of(exc), status=400)
    return back_to(request, article.get_absolute_url())


@require_GET
@login_required
def article_next(request):
    """The next article in my queue (key ``n``), or my queue's list when it is empty."""
    following = Article.objects.queue_of(request.user)
    current = request.GET.get("after", "")
    if current.isdigit():
        following = following.exclude(pk=int(current))
    article = following.only("pk").first()
    if article is None:
        return redirect(reverse("annotations:article-list") + "?assignee=me&empty=1")
    return redirect(article)


# Reviewing suggestions one at a time. The review panel sits above the workspace; its
# requests answer with the redrawn workspace (the next suggestion chosen) and the panel out
# of band, so that one request per key moves on. static/review.js drives it.

SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019)\]]*\s+|\n")
CONTEXT_CHARS = 400


def sentence_around(body: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or sentences) holding ``body[start:end]``: from the last sentence end
    before ``start`` to the first after ``end``, at most ``CONTEXT_CHARS`` either side."""
    lo = max(0, start - CONTEXT_CHARS)
    left = lo
    for m in SENTENCE_END.finditer(body, lo, start):
        left = m.end()
    if left == lo and lo > 0:
        left = body.find(" ", lo, start) + 1 or lo
    hi = min(len(body), end + CONTEXT_CHARS)
    m = SENTENCE_END.search(body, end, hi)
    right = m.start() + len(m.group().rstrip()) if m else hi
    return left, max(right, end)


def in_sentence(body: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The sentence around a quote's fragments as pieces of text, each marked or not."""
    left, right = sentence_around(body, spans[0][0], spans[-1][1])
    pieces, at = [], left
    for start, end in spans:
        if start > at:
            pieces.append((body[at:start], False))
        pieces.append((body[start:end], True))
        at = end
    if right > at:
        pieces.append((body[at:right], False))
    return pieces


def review_items(request, article: Article, mode: str):
    """What the panel walks through: the suggestions, or (``check``) the confirmed quotes
    nobody has checked that someone else confirmed."""
    if mode == "check":
        return Quote.objects.filter(
            article=article, status=Quote.Status.CONFIRMED, checked_by__isnull=True
        ).exclude(confirmed_by=request.user)
    return Quote.objects.filter(
        article=article, status=Quote.Status.SUGGESTED, annotator__isnull=True
    )


def review_context(
    request, article: Article, *, after: Quote | None = None, at=None, mode: str = "suggest"
) -> dict:
    """The review panel: the first item at or after ``at`` (a quote, still waiting) or
    strictly after ``after`` in text order, never wrapping back to the top by itself."""
    mode = "check" if mode == "check" else "suggest"
    suggestions = list(
        review_items(request, article, mode)
        .select_related("speaker")
        .order_by("start", "end", "id")
        .only("pk", "start", "end", "kind", "cue", "speaker__name", "version", "article_id")
    )
    mark = at or after
    key = (mark.start, mark.end, mark.pk) if mark is not None else None
    current = None
    for n, quote in enumerate(suggestions):
        here = (quote.start, quote.end, quote.pk)
        if key is None or here > key or (at is not None and here == key):
            current, position = quote, n
            break
    context = {
        "article": article,
        "reviewing": True,
        "review_mode": mode,
        "review_total": len(suggestions),
        "review_url": reverse("annotations:article-review", args=[article.pk]),
        "bulk_url": reverse("annotations:article-bulk", args=[article.pk]),
        "review_quote": current,
    }
    if current is None:
        context["review_earlier"] = len(suggestions)
        return context
    spans = list(
        Fragment.objects.filter(quote=current).order_by("start").values_list("start", "end")
    )
    hops = ViaHop.objects.filter(quote=current).select_related("outlet", "speaker")
    by_speaker = sum(1 for q in suggestions if q.speaker_id == current.speaker_id)
    context.update(
        {
            # What the bulk buttons decide: these quotes at these versions, nothing else.
            "review_seen": seen_list(suggestions),
            "review_seen_speaker": seen_list(
                q for q in suggestions if q.speaker_id == current.speaker_id
            ),
            "review_position": position + 1,
            "review_pieces": in_sentence(article.body, spans),
            "review_via": " › ".join(hop.name for hop in hops),
            "review_kind": Quote.Kind(current.kind).label,
            "review_same_speaker": by_speaker if current.speaker_id else 0,
        }
    )
    return context


def seen_list(quotes: Iterable[Quote]) -> str:
    """Quotes as a page saw them, ``ID:VERSION`` separated by spaces (see
    :func:`parse_seen`)."""
    return " ".join(f"{q.pk}:{q.version}" for q in quotes)


def parse_seen(value: str) -> dict[int, int] | None:
    """``ID:VERSION ...`` as the page sent it; None when it is missing or malformed."""
    seen = {}
    for item in value.split():
        pk, _, version = item.partition(":")
        if not (pk.isdecimal() and version.isdecimal() and len(pk) < 19 and len(version) < 10):
            return None
        seen[int(pk)] = int(version)
    return seen if value.strip() else None


def review_response(
    request, article: Article, review: dict, *, flash: str = "", undo=None, status: int = 200
):
    """The workspace with the review's suggestion chosen, and the panel out of band; the
    article page with the panel open without htmx. A ``status`` of 409 shows ``flash`` as a
    conflict."""
    select = review["review_quote"].pk if review["review_quote"] else None
    extra = {"select": select or "", "flash": flash, "conflict": status == 409}
    if request.htmx:
        context = workspace_context(request, article, undo=undo, **extra)
        context.update(review)
        return render(request, "annotations/review_response.html", context, status=status)
    context = workspace_context(request, article, **extra)
    context.update(workflow_context(request, article))
    context.update(review)
    return render(request, "annotations/article_detail.html", context, status=status)


def article_quote(article: Article, value: str) -> Quote | None:
    if not value.isdigit():
        return None
    return (
        Quote.all_objects.filter(article=article, pk=int(value))
        .select_related("article", "speaker")
        .first()
    )


@require_http_methods(["GET", "POST"])
@login_required
def article_review(request, pk):
    """GET: the panel at the first suggestion (``?from=ID``: that one if still suggested,
    else the next; ``?after=ID``: the next after it, which is "skip"). POST ``quote``,
    ``version`` and ``decision`` (accept or reject): decide it and move to the next."""
    article = get_object_or_404(Article.objects.select_related("publisher"), pk=pk)
    params = request.POST if request.method == "POST" else request.GET
    mode = params.get("mode", "")
    if request.method == "GET":
        at = article_quote(article, params.get("from", ""))
        after = article_quote(article, params.get("after", ""))
        review = review_context(request, article, at=at, after=after, mode=mode)
        if request.GET.get("panel"):
            return render(request, "annotations/review_panel.html", review)
        return review_response(request, article, review)
    if not can_edit(request.user):
        raise PermissionDenied("Your role may read but not change annotations.")
    decision = params.get("decision", "")
    quote = article_quote(article, params.get("quote", ""))
    if decision not in DECISIONS:
        return error_response(request, "Decide accept, reject or check.", status=400)
    if quote is None or quote.is_deleted:
        return error_response(request, "That quote is no longer in this article.", 404)
    expected = seen_version(params)
    if expected is None:
        return version_required(request)
    kind, method, flash = DECISIONS[decision]
    try:
        with Action.track(request.user, article, kind, [quote]):
            getattr(quote, method)(by=request.user, expected_version=expected)
    except Quote.VersionConflict:
        quote = article_quote(article, str(quote.pk))
        message = (
            f"Someone else changed this quote ({changed_by(quote)}) since you saw it, so it "
            f"was not {DONE[decision]}. It is shown as it is now: decide again."
        )
        review = review_context(request, article, at=quote, mode=mode)
        return review_response(request, article, review, flash=message, status=409)
    except ValidationError as exc:
        return error_response(request, message_of(exc), status=400)
    review = review_context(request, article, after=quote, mode=mode)
    return review_response(request, article, review, flash=flash)


DONE = {"accept": "accepted", "reject": "rejected", "check": "checked"}
DECISIONS = {
    "accept": (Action.Kind.ACCEPT, "accept", "Suggestion accepted."),
    "reject": (Action.Kind.REJECT, "reject", "Rejected."),
    "check": (Action.Kind.CHECK, "mark_checked", "Checked."),
}


@require_POST
@editor_required
def article_bulk(request, pk):
    """Accept or reject every suggestion in the article, or those of one speaker; one
    action, undone in one go.

    The page sends the suggestions it counted with their versions (``seen``: ``ID:VERSION``
    ...). Only those are decided, and only those still at the version the page showed:
    one that someone changed meanwhile (or decided, or deleted) is left as it is and named
    in the answer, to be looked at; a suggestion made since the page was drawn is not
    decided unseen."""
    article = get_object_or_404(Article.objects.select_related("publisher"), pk=pk)
    decision = request.POST.get("decision", "")
    if decision not in {"accept", "reject"}:
        return error_response(request, "Decide accept or reject.", status=400)
    seen = parse_seen(request.POST.get("seen", ""))
    if seen is None:
        return error_response(
            request,
            "The request did not say which suggestions at which versions you saw, so none "
            "was decided. Reload the page and try again.",
            status=428,
        )
    quotes = (
        Quote.objects.filter(article=article, status=Quote.Status.SUGGESTED, pk__in=seen)
        .select_related("speaker")
        .prefetch_related("fragments", "via_hops__outlet", "via_hops__speaker")
        .order_by("start", "id")
    )
    speaker = request.POST.get("speaker", "")
    who = ""
    if speaker:
        if not speaker.isdigit():
            return error_response(request, "Unknown speaker.", status=400)
        quotes = quotes.filter(speaker_id=int(speaker))
        named = Speaker.objects.filter(pk=int(speaker)).first()
        who = f" by {named.name}" if named else ""
    quotes = [q for q in quotes if q.version == seen[q.pk]]
    for quote in quotes:
        quote.article = article
    done = "Accepted" if decision == "accept" else "Rejected"
    kind = Action.Kind.BULK_ACCEPT if decision == "accept" else Action.Kind.BULK_REJECT
    decided = []
    with Action.track(request.user, article, kind, quotes) as tracking:
        for quote in quotes:
            try:
                getattr(quote, decision)(by=request.user, expected_version=seen[quote.pk])
            except Quote.VersionConflict:  # changed this very moment: left as it is
                continue
            decided.append(quote.pk)
        label = f"{done} {len(decided)} suggestion{'s' if len(decided) != 1 else ''}{who}"
        tracking.label = label
    flash = f"{label}."
    left = sorted(set(seen) - set(decided))
    if left:
        ids = ", ".join(f"#{pk}" for pk in left[:10]) + (" …" if len(left) > 10 else "")
        flash += (
            f" {len(left)} changed since you saw {'them' if len(left) != 1 else 'it'} "
            f"(someone else edited, decided or deleted {'them' if len(left) != 1 else 'it'}) "
            f"and {'were' if len(left) != 1 else 'was'} left as "
            f"{'they are' if len(left) != 1 else 'it is'}: {ids}."
        )
    review = review_context(request, article)
    return review_response(request, article, review, flash=flash)


@require_POST
@editor_required
def article_undo(request, pk):
    """Undo my last change on this article that is not undone yet (it survives reloads)."""
    article = get_object_or_404(Article.objects.select_related("publisher"), pk=pk)
    last = Action.last_for(request.user, article)
    if last is None:
        return error_response(request, "There is nothing of yours to undo here.", status=409)
    try:
        restored = last.undo(by=request.user)
    except ValidationError as exc:
        return error_response(request, message_of(exc), status=409)
    flash = f"Undone: {last.label.lower()}."
    first = min(restored, key=lambda q: (q.start, q.pk)) if restored else None
    if request.POST.get("review"):
        review = review_context(request, article, at=first, mode=request.POST.get("mode", ""))
        return review_response(request, article, review, flash=flash)
    return workspace_response(request, article, select=first.pk if first else None, flash=flash)


# Agreement: two editors annotate one article independently, then an admin settles.


@require_POST
@login_required
def agreement_start(request, pk):
    """Admins have an article annotated by two editors independently."""
    if not is_admin(request.user):
        raise PermissionDenied("Only admins may set agreement tasks.")
    article = get_object_or_404(Article, pk=pk)
    ids = [request.POST.get("first", ""), request.POST.get("second", "")]
    if not all(i.isdigit() for i in ids) or ids[0] == ids[1]:
        return error_response(request, "Choose two different editors.", status=400)
    editors = {
        u.pk: u
        for u in User.objects.filter(
            pk__in=[int(i) for i in ids],
            is_active=True,
            role__in=[User.Role.EDITOR, User.Role.ADMIN],
        )
    }
    if len(editors) != 2:
        return error_response(request, "Both must be active editors.", status=400)
    if AgreementTask.open_for(article):
        return error_response(request, "This article has an agreement task already.", 409)
    AgreementTask.objects.create(
        article=article,
        first=editors[int(ids[0])],
        second=editors[int(ids[1])],
        created_by=request.user,
    )
    return redirect(article)


@require_POST
@editor_required
def agreement_done(request, pk):
    """One of the two editors has finished their annotation."""
    article = get_object_or_404(Article, pk=pk)
    task = AgreementTask.open_for(article)
    if task is None or not task.is_annotator(request.user):
        raise PermissionDenied("You are not one of this article's two editors.")
    task.mark_done(request.user)
    return redirect(article)


def agreement_task_for(request, article) -> AgreementTask:
    task = AgreementTask.open_for(article)
    if task is None:
        raise PermissionDenied("This article has no open agreement task.")
    if not (is_admin(request.user) or task.is_annotator(request.user)):
        raise PermissionDenied("Only admins and the task's two editors see its agreement.")
    if not task.both_done:
        raise PermissionDenied("Neither editor sees the other's quotes until both are done.")
    return task


@require_GET
@login_required
def agreement_page(request, pk):
    """The figures and the two sets side by side, matched quotes in one row."""
    article = get_object_or_404(Article.objects.select_related("publisher"), pk=pk)
    task = agreement_task_for(request, article)
    result = task_agreement(task)
    only_first, only_second = result.unmatched()
    rows = [{"first": a, "second": b, "similarity": round(sim, 2)} for a, b, sim in result.pairs]
    rows += [{"first": a, "second": None} for a in only_first]
    rows += [{"first": None, "second": b} for b in only_second]
    rows.sort(key=lambda r: (r["first"] or r["second"]).spans[0])
    body = article.body
    for row in rows:
        for side in ("first", "second"):
            item = row[side]
            if item is not None:
                row[f"{side}_text"] = " … ".join(body[s:e] for s, e in item.spans)
    return render(
        request,
        "annotations/agreement.html",
        {
            "article": article,
            "task": task,
            "figures": result.figures(),
            "rows": rows,
            "can_settle": is_admin(request.user),
        },
    )


@require_POST
@login_required
def agreement_settle(request, pk):
    """Admins settle the differences: each row keeps one side's quote, or neither."""
    if not is_admin(request.user):
        raise PermissionDenied("Only admins settle agreement tasks.")
    article = get_object_or_404(Article, pk=pk)
    task = agreement_task_for(request, article)
    ids = [
        int(v)
        for key in request.POST
        if key == "keep" or key.startswith("keep-")
        for v in request.POST.getlist(key)
        if v.isdigit()
    ]
    chosen = list(
        Quote.objects.filter(pk__in=ids, article=article)
        .select_related("speaker")
        .prefetch_related("fragments", "via_hops__outlet", "via_hops__speaker")
        .order_by("start", "id")
    )
    try:
        task.settle(chosen, by=request.user)
    except ValidationError as exc:
        return error_response(request, message_of(exc), status=400)
    return redirect(article)


# History: the article's timeline from django-simple-history's records, and putting back an
# earlier version of a quote.

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


# --- Revisions ---------------------------------------------------------------------------

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


# --- Deleted articles, speakers and outlets, waiting to be restored -------------------------

DELETED_KINDS = {"article": Article, "speaker": Speaker, "outlet": Outlet}
DELETED_LIMIT = 200


@require_GET
@login_required
def deleted_list(request):
    """What was deleted, newest first, with who and when; editors restore from here."""
    sections = [
        (
            kind,
            model._meta.verbose_name_plural.capitalize(),
            list(
                model.all_objects.filter(deleted_at__isnull=False)
                .select_related("deleted_by")
                .defer(*(["body"] if model is Article else []))
                .order_by("-deleted_at", "-pk")[:DELETED_LIMIT]
            ),
        )
        for kind, model in DELETED_KINDS.items()
    ]
    context = {"sections": sections, "can_edit": can_edit(request.user)}
    return render(request, "annotations/deleted.html", context)


@require_POST
@editor_required
def deleted_restore(request, kind: str, pk: int):
    model = DELETED_KINDS.get(kind)
    if model is None:
        raise Http404
    row = get_object_or_404(model.all_objects.all(), pk=pk)
    with transaction.atomic():
        row.restore(by=request.user)
    name = row.title if model is Article else row.name
    messages.success(request, f"Restored {name}.")
    return redirect(row)
