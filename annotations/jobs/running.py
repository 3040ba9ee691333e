"""Running a claimed job to its end, by the kind's runner, and recording how it ended; and
failing the jobs whose worker stopped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Job
from .exports import _run_export
from .imports import _run_import
from .progress import Cancelled, Interrupted, Progress
from .suggestions import _run_suggest
from .uploads import _let_upload_go, keep_upload


def run_here(
    kind: str,
    title: str,
    *,
    user=None,
    params: dict[str, Any] | None = None,
    payload: bytes | None = None,
    total: int = 0,
    on_step: Callable[[Job], None] | None = None,
) -> Job:
    """Run a job in this process, now (the management commands). It is recorded like
    any other job, but never queued for a worker."""
    job = Job.objects.create(
        kind=kind, title=title[:300], params=keep_upload(params, payload), total=total,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )  # fmt: skip
    job.claim()
    execute(job, on_step=on_step)
    return job


def execute(job: Job, *, on_step: Callable[[Job], None] | None = None) -> str:
    """Run a claimed job to its end and record how it ended. ``on_step`` is called after
    each article (a progress bar)."""
    progress = Progress(job, on_step)
    try:
        RUNNERS[job.kind](job, progress)
    except Cancelled:
        job.finish(Job.State.CANCELLED)
    except Interrupted:
        job.finish(
            Job.State.FAILED,
            error=f"The worker was stopped after {job.done} of {job.total}. What was done "
            "is kept; run the job again to do the rest (what is already there is skipped).",
        )
    except Exception as exc:  # noqa: BLE001 - the job records why it failed
        where = f" at {progress.where}" if progress.where else ""
        job.finish(
            Job.State.FAILED,
            error=f"Failed{where}: {type(exc).__name__}: {exc}. "
            f"{job.done} done before that are kept.",
        )
    else:
        job.finish(Job.State.DONE)
    if job.state == Job.State.DONE:
        _let_upload_go(job)
    return job.state


def run_queued(limit: int | None = None) -> list[Job]:
    """Run queued jobs in this process, oldest first (for tests and the command line;
    the worker is the usual way)."""
    ran = []
    for job in Job.objects.filter(state=Job.State.QUEUED).order_by("pk")[:limit]:
        if job.claim():
            execute(job)
            ran.append(job)
    return ran


def sweep_stale(seconds: float | None = None) -> list[Job]:
    """Fail the running jobs whose worker stopped, and their task results."""
    seconds = settings.NEWSDESK_JOB_STALE_SECONDS if seconds is None else seconds
    with transaction.atomic():  # the job and its task result fail together
        failed = Job.fail_stale(seconds)
        ids = [job.task_id for job in failed if job.task_id]
        if ids:
            from django_tasks_db.compat import TaskResultStatus
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=timezone.now()
            )
    return failed


RUNNERS: dict[str, Callable[[Job, Progress], None]] = {
    Job.Kind.IMPORT: _run_import,
    Job.Kind.SUGGEST: _run_suggest,
    Job.Kind.EXPORT: _run_export,
}
