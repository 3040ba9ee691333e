"""Articles: the list with its filters and queue tabs, adding one, its page, its status and
suggestions for it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from .. import jobs
from ..forms import ArticleForm
from ..models import Action, Article, Outlet, Quote, User
from ..permissions import can_edit, is_admin
from .common import (
    PAGE_SIZE,
    editor_required,
    error_response,
    message_of,
    quotes_csv_url,
    render_workspace,
    workspace_context,
    workspace_response,
)
from .history import article_timeline
from .workflow import parse_seen, workflow_context


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
        return render_workspace(request, "annotations/article_detail.html#workspace", context)
    context["revision_number"] = article.current_revision_number()
    return render_workspace(request, "annotations/article_detail.html", context)


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
            return render_workspace(request, "annotations/article_detail.html", context, status=409)
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
