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
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import wraps
from html import escape
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from . import jobs
from .documents import articles_jsonl_lines
from .exporting import web_annotation_collection
from .forms import ArticleForm, ImportForm, QuoteForm, fit_selection
from .models import Article, BoilerplateRange, Fragment, Outlet, Quote, Speaker, ViaHop
from .permissions import can_edit

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


def article_quotes(article: Article) -> list[Quote]:
    """The article's live, not rejected quotes in text order, each with its fragment
    ``spans`` and ``via_label``, in three queries whatever their number. (Not
    ``with_related``: joining the article would copy its body into every row, and
    ``prefetch_related`` spends more on a thousand related managers than on the rows.)"""
    quotes = list(
        Quote.objects.filter(article=article)
        .exclude(status=Quote.Status.REJECTED)
        .select_related("speaker")
        .order_by("start", "end", "id")
    )
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for quote_id, start, end in (
        Fragment.objects.filter(quote__article=article)
        .order_by("quote_id", "start")
        .values_list("quote_id", "start", "end")
    ):
        spans[quote_id].append((start, end))
    via: dict[int, list[str]] = defaultdict(list)
    for quote_id, outlet, speaker in (
        ViaHop.objects.filter(quote__article=article)
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
    quotes = article_quotes(article)
    ranges = list(article.boilerplate.all())
    return {
        "article": article,
        "quotes": quotes,
        "suggested_count": sum(q.status == Quote.Status.SUGGESTED for q in quotes),
        "body_html": highlight(article.body, quotes, [(b.start, b.end) for b in ranges]),
        "proposed_boilerplate": [b for b in ranges if b.proposed],
        "can_edit": can_edit(request.user),
        "export_url": quotes_csv_url(article=article.pk, status=Quote.Status.CONFIRMED),
        "export_all_url": quotes_csv_url(article=article.pk),
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


def filtered_articles(params):
    articles = Article.objects.with_counts().select_related("publisher").defer("body")
    q = params.get("q", "").strip()
    if q:
        articles = articles.filter(Q(title__icontains=q) | Q(body__icontains=q))
    publisher = params.get("publisher", "")
    if publisher.isdigit():
        articles = articles.filter(publisher_id=int(publisher))
    status = params.get("status", "")
    if status in Article.Status.values:
        articles = articles.filter(status=status)
    return articles, {"q": q, "publisher": publisher, "status": status}


def article_list_context(request, form=None) -> dict:
    articles, filters = filtered_articles(request.GET)
    page = Paginator(articles.order_by(F("published_at").desc(nulls_last=True), "-id"), PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    export = {"outlet": filters["publisher"]} if filters["publisher"] else {}
    export["status"] = Quote.Status.CONFIRMED
    keep = {k: v for k, v in filters.items() if v}
    return {
        "page": page,
        "filters": filters,
        "query": urlencode(keep),
        "publishers": Outlet.objects.filter(
            Exists(Article.objects.filter(publisher=OuterRef("pk")))
        ),
        "statuses": Article.Status.choices,
        "export_url": quotes_csv_url(**export),
        "form": form or ArticleForm(),
        "can_edit": can_edit(request.user),
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
    article = get_object_or_404(Article.objects.select_related("publisher"), pk=pk)
    context = workspace_context(request, article, select="")
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
    article.status = status
    article.stamp(request.user)
    article.save()
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
    quote = form.save(request.user)
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
        form.save(request.user, accept=bool(request.POST.get("accept")))
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
    quote.soft_delete(by=request.user)
    return workspace_response(request, quote.article, flash="Quote deleted.", undo=quote)


@require_POST
@editor_required
def quote_restore(request, pk):
    quote = get_object_or_404(Quote.all_objects.select_related("article"), pk=pk)
    if quote.is_deleted:
        quote.restore(by=request.user)
    return workspace_response(request, quote.article, select=quote.pk, flash="Quote restored.")


@require_POST
@editor_required
def boilerplate_confirm(request, pk):
    found = get_object_or_404(BoilerplateRange.objects.select_related("article"), pk=pk)
    found.confirm()
    return workspace_response(request, found.article, flash="Boilerplate confirmed.")


@require_POST
@editor_required
def boilerplate_reject(request, pk):
    found = get_object_or_404(BoilerplateRange.objects.select_related("article"), pk=pk)
    article = found.article
    if not found.proposed:
        return error_response(request, "Only a proposed range can be rejected here.")
    found.reject()
    return workspace_response(request, article, flash="Boilerplate rejected: it is the story.")


@require_POST
@editor_required
def quote_accept(request, pk):
    quote = editable_quote(pk)
    quote.accept(by=request.user)
    return workspace_response(request, quote.article, select=quote.pk, flash="Suggestion accepted.")


@require_POST
@editor_required
def quote_reject(request, pk):
    quote = editable_quote(pk)
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
        {
            "speaker": speaker,
            "page": page,
            "export_url": quotes_csv_url(speaker=speaker.pk, status=Quote.Status.CONFIRMED),
        },
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
        {
            "outlet": outlet,
            "page": page,
            "export_url": quotes_csv_url(outlet=outlet.pk, status=Quote.Status.CONFIRMED),
        },
    )


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
