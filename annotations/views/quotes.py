"""Quotes: the form to add and edit one, its fragments, delete and restore, accepting and
rejecting suggestions, boilerplate, and the comboboxes' options."""

from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from .. import text as textrules
from ..forms import QuoteForm, fit_selection
from ..models import Action, AgreementTask, Article, BoilerplateRange, Outlet, Quote, Speaker
from ..permissions import can_edit
from .common import (
    as_shown,
    changed_by,
    editor_required,
    error_response,
    message_of,
    page_annotator,
    quote_to_change,
    seen_version,
    stale_response,
    version_required,
    workspace_patch,
    workspace_response,
)
from .highlight import QuoteItems, article_quotes

OPTIONS_LIMIT = 10


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
@login_required
def quote_entries(request, pk):
    """The quote list's entries after quote ``after`` (in text order) that the page did not
    show with it, in place of the list's "show the other quotes" entry; their descriptions
    leave the hidden block that held them until now."""
    article = get_object_or_404(Article, pk=pk)
    annotator, _ = page_annotator(request, article)
    after = request.GET.get("after", "")
    key = None
    if after.isdecimal() and len(after) < 12:
        found = Quote.all_objects.filter(article=article, pk=after)
        key = found.values_list("start", "end", "pk").first()
    if key is None:
        return error_response(request, "The list does not say where it ends. Reload the page.", 400)
    start, end, last = key
    later = Q(start__gt=start) | Q(start=start, end__gt=end) | Q(start=start, end=end, pk__gt=last)
    quotes = article_quotes(article, annotator, only=later)
    entries = QuoteItems(can_edit(request.user)).html(quotes)
    return HttpResponse(f'<div id="quote-notes" hx-swap-oob="delete"></div>{entries}')


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
    before: dict = {quote.pk: None}  # not on the page until now
    return workspace_patch(request, article, before, select=quote.pk, flash="Quote saved.")


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
    before = {quote.pk: as_shown(request, quote.article, quote.pk)}
    try:
        with Action.track(request.user, quote.article, Action.Kind.EDIT, [quote]):
            form.save(request.user, accept=bool(request.POST.get("accept")))
            if quote.article.is_reviewed_by(request.user) and quote.can_be_checked_by(request.user):
                quote.mark_checked(request.user)  # the reviewer's correction checks it
    except Quote.VersionConflict:
        return quote_conflict(request, form)
    return workspace_patch(request, quote.article, before, select=quote.pk, flash="Quote saved.")


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
    before = {quote.pk: as_shown(request, quote.article, quote.pk)}
    try:
        quote.edit(fragments=spans, by=request.user, expected_version=seen)
    except Quote.VersionConflict:
        return stale_response(request, quote, undone="given the fragment")
    return workspace_patch(request, quote.article, before, select=quote.pk, flash="Fragment added.")


@require_POST
@editor_required
def quote_delete(request, pk):
    quote, seen, refused = quote_to_change(request, pk, undone="deleted")
    if refused:
        return refused
    before = {quote.pk: as_shown(request, quote.article, quote.pk)}
    try:
        with Action.track(request.user, quote.article, Action.Kind.DELETE, [quote]):
            quote.soft_delete(by=request.user, expected_version=seen)
    except Quote.VersionConflict:
        return stale_response(request, quote, undone="deleted")
    return workspace_patch(request, quote.article, before, flash="Quote deleted.", undo=quote)


@require_POST
@editor_required
def quote_restore(request, pk):
    quote, seen, refused = quote_to_change(request, pk, undone="restored", deleted=True)
    if refused:
        return refused
    last = Action.last_for(request.user, quote.article)
    before = {quote.pk: as_shown(request, quote.article, quote.pk)}
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
    return workspace_patch(request, quote.article, before, select=quote.pk, flash="Quote restored.")


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
    before = {quote.pk: as_shown(request, quote.article, quote.pk)}
    try:
        with Action.track(request.user, quote.article, Action.Kind.ACCEPT, [quote]):
            quote.accept(by=request.user, expected_version=seen)
    except Quote.VersionConflict:
        return stale_response(request, quote, undone="accepted")
    return workspace_patch(
        request, quote.article, before, select=quote.pk, flash="Suggestion accepted."
    )


@require_POST
@editor_required
def quote_reject(request, pk):
    quote, seen, refused = quote_to_change(request, pk, undone="rejected")
    if refused:
        return refused
    before = {quote.pk: as_shown(request, quote.article, quote.pk)}
    try:
        with Action.track(request.user, quote.article, Action.Kind.REJECT, [quote]):
            quote.reject(by=request.user, expected_version=seen)
    except Quote.VersionConflict:
        return stale_response(request, quote, undone="rejected")
    return workspace_patch(request, quote.article, before, flash="Suggestion rejected.")


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
