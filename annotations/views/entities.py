"""Duplicates, merges and editing speakers and outlets: the same views for both kinds."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .. import duplicates
from ..forms import AliasForm, OutletEditForm, SpeakerEditForm
from ..models import (
    DistinctOutlets,
    DistinctSpeakers,
    Merge,
    Outlet,
    OutletAlias,
    Quote,
    Speaker,
    SpeakerAlias,
    change_reason,
)
from ..permissions import can_edit
from .common import PAGE_SIZE, editor_required, error_response, message_of, quotes_csv_url
from .highlight import palette


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
