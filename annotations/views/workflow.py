"""Workflow: the queue (take, assign, next), review, bulk decisions and undo, and the
agreement task of two editors annotating one article independently."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..agreement import task_agreement
from ..models import Action, AgreementTask, Article, Fragment, Quote, Speaker, User, ViaHop
from ..permissions import can_edit, is_admin
from .common import (
    changed_by,
    editor_required,
    error_response,
    message_of,
    render_workspace,
    seen_version,
    version_required,
    workspace_context,
    workspace_response,
)


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
        return render_workspace(request, "annotations/review_response.html", context, status=status)
    context = workspace_context(request, article, **extra)
    context.update(workflow_context(request, article))
    context.update(review)
    return render_workspace(request, "annotations/article_detail.html", context, status=status)


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
