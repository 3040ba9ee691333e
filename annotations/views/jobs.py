"""Pages for background jobs: the list, a job's page with its progress (redrawn by htmx
every second while it runs) and report, cancel and run again, the download of an export,
and the buttons that start suggestions and exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from .. import jobs
from ..models import Job
from ..permissions import can_edit
from .articles import filtered_articles
from .common import editor_required

LIST_SIZE = 50


def job_for(request, pk: int) -> Job:
    """The job, when this user may see it (its starter, or an admin); 404 otherwise, so
    that ids of other people's jobs say nothing."""
    return get_object_or_404(Job.objects.visible_to(request.user).defer("payload"), pk=pk)


@require_GET
@login_required
def job_list(request):
    job_rows = Job.objects.visible_to(request.user).defer("payload", "report", "params")
    job_rows = job_rows.select_related("created_by")[:LIST_SIZE]
    context = {"jobs": job_rows, "running": any(not j.is_finished for j in job_rows)}
    if request.htmx and request.htmx.target == "job-rows":
        return render(request, "annotations/job_list.html#rows", context)
    return render(request, "annotations/job_list.html", context)


@require_GET
@login_required
def job_detail(request, pk: int):
    job = job_for(request, pk)
    context = {"job": job, "can_edit": can_edit(request.user)}
    if request.htmx and request.htmx.target == "job-progress":
        return render(request, "annotations/job_detail.html#progress", context)
    return render(request, "annotations/job_detail.html", context)


@require_POST
@login_required
def job_cancel(request, pk: int):
    job = job_for(request, pk)
    job.cancel()
    if request.htmx:
        return render(request, "annotations/job_detail.html#progress", {"job": job})
    return redirect(job)


@require_POST
@editor_required
def job_rerun(request, pk: int):
    job = job_for(request, pk)
    if not job.can_rerun:
        raise PermissionDenied("This job is running, or finished with nothing left to do.")
    return redirect(jobs.rerun(job, user=request.user))


@require_GET
@login_required
def job_download(request, pk: int):
    job = job_for(request, pk)
    if job.kind != Job.Kind.EXPORT or job.state != Job.State.DONE or not job.file:
        raise Http404("This job has no file to download.")
    path = jobs.export_path(job)
    if not path.is_file():
        raise Http404("The file is gone.")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename="newsdesk-articles.jsonl",
        content_type="application/x-ndjson; charset=utf-8",
    )


@require_POST
@editor_required
def suggest_articles(request):
    """Suggestions for every article matching the article list's filters, as a job."""
    articles, filters = filtered_articles(request.POST, request.user)
    ids = list(articles.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return redirect("annotations:article-list")
    return redirect(jobs.start_suggest(ids, user=request.user))


@require_POST
@login_required
def export_articles_job(request):
    """Every article as JSON Lines, written by a job; its page links to the file."""
    return redirect(jobs.start_export(user=request.user))
