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

import json
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import wraps
from html import escape
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from .agreement import task_agreement
from .documents import articles_jsonl_lines
from .exporting import web_annotation_collection
from .forms import ArticleForm, ImportForm, QuoteForm, fit_selection
from .importing import ImportReport, import_file, import_text
from .models import (
    FRAGMENT_JOINER,
    Action,
    AgreementTask,
    Article,
    Fragment,
    Outlet,
    Quote,
    Speaker,
    User,
    ViaHop,
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
            attrs += ' data-q="' + " ".join(str(pk) for pk in ids) + '"'
        if mentions:
            classes.append("mention")
            attrs += ' data-m="' + " ".join(str(pk) for pk in sorted(mentions)) + '"'
        if cues:
            classes.append("cue")
            attrs += ' data-c="' + " ".join(str(pk) for pk in sorted(cues)) + '"'
        if active["b"]:
            classes.append("boiler")
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
    return {
        "article": article,
        "quotes": quotes,
        "suggested_count": sum(q.status == Quote.Status.SUGGESTED for q in quotes),
        "body_html": highlight(article.body, quotes, article.boilerplate_spans()),
        "agreement_task": task,
        "can_edit": can_edit(request.user),
        "last_action": Action.last_for(request.user, article) if can_edit(request.user) else None,
        "export_url": quotes_csv_url(article=article.pk),
        # The list's buttons name their action; newsdesk.js sends it through htmx to
        # quote_url + ID + "/" + action + "/" (quote-edit, -delete, -accept, -reject).
        "quote_url": reverse("annotations:quote-edit", args=[0]).removesuffix("0/edit/"),
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
    article.suggest_quotes(by=request.user)
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
        pending = waiting.count()
        if pending and request.POST.get("pending") != "reject":
            # Ask first, on the page: the waiting suggestions would be marked done unseen.
            page = get_object_or_404(Article.objects.select_related("publisher", "assignee"), pk=pk)
            context = workspace_context(request, page, select="")
            context.update(workflow_context(request, page))
            context["confirm_done"] = pending
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
            with Action.track(request.user, article, Action.Kind.BULK_REJECT, quotes, label=label):
                for quote in quotes:
                    quote.reject(by=request.user)
                article.set_status(status, by=request.user)
            return redirect(article)
    article.set_status(status, by=request.user)
    return redirect(article)


@require_POST
@editor_required
def article_suggest(request, pk):
    article = get_object_or_404(Article, pk=pk)
    made = article.suggest_quotes(by=request.user)
    return workspace_response(request, article, flash=made.summary())


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
    if request.htmx and status == 422:
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
            "mention_start": quote.mention_start,
            "mention_end": quote.mention_end,
            "cue": quote.cue,
            "cue_start": quote.cue_start,
            "cue_end": quote.cue_end,
            "note": quote.note,
            "version": quote.version,
            "fragments": [
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
    quote = editable_quote(pk)
    form = QuoteForm(request.POST, article=quote.article, quote=quote)
    if not form.is_valid():
        return render_quote_form(request, form, status=422)
    try:
        with Action.track(request.user, quote.article, Action.Kind.EDIT, [quote]):
            form.save(request.user, accept=bool(request.POST.get("accept")))
            if quote.article.is_reviewed_by(request.user) and quote.can_be_checked_by(request.user):
                quote.mark_checked(request.user)  # the reviewer's correction checks it
    except Quote.VersionConflict:
        quote.refresh_from_db()
        form.add_error(None, form.stale_message())
        return render_quote_form(request, form, status=422)
    return workspace_response(request, quote.article, select=quote.pk, flash="Quote saved.")


@require_POST
@editor_required
def quote_add_fragment(request, pk):
    """Add the selected span to an existing quote as a further fragment."""
    quote = editable_quote(pk)
    body = quote.article.body
    try:
        start, end, _ = fit_selection(
            body, int_param(request.POST, "start"), int_param(request.POST, "end")
        )
        spans = [(f.start, f.end) for f in quote.fragments.all()] + [(start, end)]
        spans = Quote.check_fragments(body, spans)
    except ValidationError as exc:
        return error_response(request, message_of(exc))
    quote.edit(fragments=spans, by=request.user)
    return workspace_response(request, quote.article, select=quote.pk, flash="Fragment added.")


@require_POST
@editor_required
def quote_delete(request, pk):
    quote = editable_quote(pk)
    with Action.track(request.user, quote.article, Action.Kind.DELETE, [quote]):
        quote.soft_delete(by=request.user)
    return workspace_response(request, quote.article, flash="Quote deleted.", undo=quote)


@require_POST
@editor_required
def quote_restore(request, pk):
    quote = get_object_or_404(Quote.all_objects.select_related("article"), pk=pk)
    last = Action.last_for(request.user, quote.article)
    if last is not None and last.kind == Action.Kind.DELETE and last.quote_ids == [quote.pk]:
        try:
            last.undo(by=request.user)  # the delete's undo button: that action is undone
        except ValidationError as exc:
            return error_response(request, message_of(exc), status=409)
        quote.refresh_from_db()
    if quote.is_deleted:
        quote.restore(by=request.user)
    return workspace_response(request, quote.article, select=quote.pk, flash="Quote restored.")


@require_POST
@editor_required
def quote_accept(request, pk):
    quote = editable_quote(pk)
    with Action.track(request.user, quote.article, Action.Kind.ACCEPT, [quote]):
        quote.accept(by=request.user)
    return workspace_response(request, quote.article, select=quote.pk, flash="Suggestion accepted.")


@require_POST
@editor_required
def quote_reject(request, pk):
    quote = editable_quote(pk)
    with Action.track(request.user, quote.article, Action.Kind.REJECT, [quote]):
        quote.reject(by=request.user)
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


@require_GET
@login_required
def speaker_options(request):
    """Autocomplete: speakers whose name or an alias holds what was typed."""
    term = request.GET.get("speaker_name", request.GET.get("q", "")).strip()
    speakers = []
    if term:
        speakers = list(Speaker.objects.matching(term).prefetch_related("aliases")[:OPTIONS_LIMIT])
        folded = term.casefold()
        for speaker in speakers:
            speaker.matched_aliases = [
                a.name for a in speaker.aliases.all() if folded in a.name.casefold()
            ]
    return render(
        request, "annotations/quote_form.html#speaker-options", {"speakers": speakers, "term": term}
    )


@require_GET
@login_required
def name_options(request):
    """Autocomplete for a via hop or a publisher: outlet or speaker names, as
    ``<option>``s."""
    params = request.GET
    term = (params.get("via_name") or params.get("publisher_name") or params.get("q", "")).strip()
    kind = params.get("via_type", "outlet")
    names: list[str] = []
    if term:
        found = (
            Speaker.objects.matching(term) if kind == "speaker" else Outlet.objects.matching(term)
        )
        names = list(found.values_list("name", flat=True)[:OPTIONS_LIMIT])
    return render(request, "annotations/quote_form.html#name-options", {"names": names})


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
    page = quote_page(request, Quote.objects.for_speaker(speaker))
    return render(
        request,
        "annotations/speaker_detail.html",
        {"speaker": speaker, "page": page, "export_url": quotes_csv_url(speaker=speaker.pk)},
    )


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
    page = quote_page(request, Quote.objects.through_outlet(outlet))
    return render(
        request,
        "annotations/outlet_detail.html",
        {"outlet": outlet, "page": page, "export_url": quotes_csv_url(outlet=outlet.pk)},
    )


# --- Import and export -------------------------------------------------------------------


def _require_editor(request) -> None:
    if not can_edit(request.user):
        raise PermissionDenied("Only editors and admins may import articles.")


@require_http_methods(["GET", "POST"])
@login_required
def import_page(request):
    """Editors paste or upload articles here and see what was imported, skipped and
    refused. A refused file changes nothing."""
    _require_editor(request)
    report: ImportReport | None = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            publisher = data["publisher"].strip() or None
            if data["file"]:
                upload = data["file"]
                report = import_file(
                    upload.name,
                    upload.read(),
                    publisher=publisher,
                    user=request.user,
                    suggest=data["suggest"],
                )
            else:
                report = import_text(
                    data["text"],
                    title=data["title"],
                    publisher=publisher,
                    user=request.user,
                    suggest=data["suggest"],
                )
            if report.refused:
                status = 400
            else:
                form = ImportForm(initial={"suggest": data["suggest"]})
        else:
            status = 400
    else:
        form = ImportForm()
    return render(
        request, "annotations/import.html", {"form": form, "report": report}, status=status
    )


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
            "review_position": position + 1,
            "review_pieces": in_sentence(article.body, spans),
            "review_via": " › ".join(hop.name for hop in hops),
            "review_kind": Quote.Kind(current.kind).label,
            "review_same_speaker": by_speaker if current.speaker_id else 0,
        }
    )
    return context


def review_response(request, article: Article, review: dict, *, flash: str = "", undo=None):
    """The workspace with the review's suggestion chosen, and the panel out of band; the
    article page with the panel open without htmx."""
    select = review["review_quote"].pk if review["review_quote"] else None
    if request.htmx:
        context = workspace_context(request, article, select=select or "", flash=flash, undo=undo)
        context.update(review)
        return render(request, "annotations/review_response.html", context)
    context = workspace_context(request, article, select=select or "", flash=flash)
    context.update(workflow_context(request, article))
    context.update(review)
    return render(request, "annotations/article_detail.html", context)


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
    version = params.get("version", "")
    expected = int(version) if version.isdigit() else quote.version
    kind, method, flash = DECISIONS[decision]
    try:
        with Action.track(request.user, article, kind, [quote]):
            getattr(quote, method)(by=request.user, expected_version=expected)
    except Quote.VersionConflict:
        return error_response(
            request,
            "Someone changed this quote since you saw it; it is shown as it is now.",
            status=409,
        )
    except ValidationError as exc:
        return error_response(request, message_of(exc), status=400)
    review = review_context(request, article, after=quote, mode=mode)
    return review_response(request, article, review, flash=flash)


DECISIONS = {
    "accept": (Action.Kind.ACCEPT, "accept", "Suggestion accepted."),
    "reject": (Action.Kind.REJECT, "reject", "Rejected."),
    "check": (Action.Kind.CHECK, "mark_checked", "Checked."),
}


@require_POST
@editor_required
def article_bulk(request, pk):
    """Accept or reject every suggestion in the article, or those of one speaker; one
    action, undone in one go."""
    article = get_object_or_404(Article.objects.select_related("publisher"), pk=pk)
    decision = request.POST.get("decision", "")
    if decision not in {"accept", "reject"}:
        return error_response(request, "Decide accept or reject.", status=400)
    quotes = (
        Quote.objects.filter(article=article, status=Quote.Status.SUGGESTED)
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
    quotes = list(quotes)
    for quote in quotes:
        quote.article = article
    done = "Accepted" if decision == "accept" else "Rejected"
    label = f"{done} {len(quotes)} suggestion{'s' if len(quotes) != 1 else ''}{who}"
    kind = Action.Kind.BULK_ACCEPT if decision == "accept" else Action.Kind.BULK_REJECT
    with Action.track(request.user, article, kind, quotes, label=label):
        for quote in quotes:
            getattr(quote, decision)(by=request.user)
    review = review_context(request, article)
    return review_response(request, article, review, flash=f"{label}.")


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
    for entry in entries:
        record = entry["quote"]
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
    version = request.POST.get("version", "")
    expected = int(version) if version.isdigit() else quote.version
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
        return error_response(
            request,
            "The quote has changed since you opened the history; nothing was put back.",
            status=409,
        )
    except ValidationError as exc:
        return error_response(request, message_of(exc), status=400)
    return redirect(url)
