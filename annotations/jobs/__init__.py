"""Background jobs: imports, suggestions over many articles and exports, run by a worker
(``manage.py worker``) off the request through Django's tasks framework (the django-tasks
backport, database backend: the queue is a table in Newsdesk's own database).

A request makes a :class:`~annotations.models.Job` (what the pages and the API show) with
:func:`start` and returns at once; the worker runs :func:`run_job`, which saves progress as
it goes and checks between articles whether the job was cancelled. Each article is its
own transaction, except in a JSON Lines import, which stores ``NEWSDESK_IMPORT_BATCH`` lines
a transaction (and checks between batches): a bad line refuses that line only, and a job
that fails (or whose worker is killed) keeps what it finished. A worker that finds a
running job without a heartbeat for ``NEWSDESK_JOB_STALE_SECONDS`` marks it failed
(:func:`sweep_stale`); running it again (:func:`rerun`) skips what is already there and
imports the rest.

The suggester runs in a child process (:class:`TimeLimitedSuggester`) and is stopped when
one article takes longer than ``NEWSDESK_SUGGEST_SECONDS``: that article is reported as
too slow and the job goes on.

The task the worker runs (:func:`run_job`) and the functions that queue it live here, so
that the task's dotted path, which each queued row stores, stays ``annotations.jobs.run_job``.
The rest is in modules by concern: :mod:`.progress`, :mod:`.uploads`, :mod:`.running`, and
one for each kind of job (:mod:`.imports`, :mod:`.suggestions`, :mod:`.exports`).
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from ..models import Article, Job
from .exports import export_path
from .imports import import_params
from .progress import STOP, Cancelled
from .running import execute, run_here, run_queued, sweep_stale
from .suggestions import SuggestTimeout, TimeLimitedSuggester, suggest_in_time
from .uploads import keep_upload, upload_path

try:  # Django 6 has the tasks framework built in; 5.2 has the backport
    from django.tasks import task
except ImportError:
    from django_tasks import task


def start(
    kind: str,
    title: str,
    *,
    user=None,
    params: dict[str, Any] | None = None,
    payload: bytes | None = None,
    total: int = 0,
    rerun_of: Job | None = None,
) -> Job:
    """Make a job and put it on the queue (one transaction); returns at once."""
    with transaction.atomic():
        return _start(kind, title, user, params, payload, total, rerun_of)


def _start(kind, title, user, params, payload, total, rerun_of) -> Job:
    job = Job.objects.create(
        kind=kind,
        title=title[:300],
        params=keep_upload(params, payload),
        total=total,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        rerun_of=rerun_of,
    )
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.task_id = str(result.id)
    return job


def start_import(
    name: str,
    data: bytes,
    *,
    user=None,
    publisher: str | None = None,
    suggest: bool = True,
) -> Job:
    """An import of an uploaded file (``.txt``, ``.html``, ``.jsonl``). The file is checked
    here (type, size, UTF-8, NUL: ``ValidationError``) and kept with the job; its articles
    are read by the worker."""
    params, total = import_params(name, data, publisher=publisher, suggest=suggest)
    return start(Job.Kind.IMPORT, f"Import of {name}", user=user, params=params,
                 payload=data, total=total)  # fmt: skip


def start_text_import(
    text: str, *, title: str = "", user=None, publisher: str | None = None, suggest: bool = True
) -> Job:
    label = (title.strip() or text.strip().split("\n", 1)[0].strip())[:80] or "pasted text"
    params = {"text": text, "title": title, "publisher": publisher, "suggest": suggest}
    return start(Job.Kind.IMPORT, f"Import of {label!r}", user=user, params=params, total=1)


def start_suggest(article_ids: list[int], *, user=None, title: str = "") -> Job:
    ids = list(article_ids)
    if not title:
        title = (
            f"Suggestions for article #{ids[0]}"
            if len(ids) == 1
            else f"Suggestions for {len(ids):,} articles"
        )
    return start(Job.Kind.SUGGEST, title, user=user, params={"article_ids": ids}, total=len(ids))


def start_export(*, user=None) -> Job:
    return start(
        Job.Kind.EXPORT,
        "Export of every article (JSON Lines)",
        user=user,
        total=Article.objects.count(),
    )


def rerun(job: Job, *, user=None) -> Job:
    """The same work again, as a new job (an import skips what is already there)."""
    source = Job.objects.get(pk=job.pk)  # with the payload, which lists defer
    params, payload = dict(source.params), source.payload
    upload = upload_path(source)
    if upload is not None:
        # its own copy: each job lets its upload go when it is done
        params["upload"] = f"uploads/{uuid.uuid4().hex}{upload.suffix}"
        shutil.copyfile(upload, Path(settings.MEDIA_ROOT) / params["upload"])
    return start(
        source.kind,
        source.title,
        user=user,
        params=params,
        payload=payload,
        total=source.total,
        rerun_of=source,
    )


@task()
def run_job(job_id: int) -> str:
    """The task the worker runs: one job, start to end. Returns its final state."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not job.claim():
        return "skipped"
    sweep_stale()
    return execute(job)


__all__ = [
    "STOP",
    "Cancelled",
    "SuggestTimeout",
    "TimeLimitedSuggester",
    "execute",
    "export_path",
    "import_params",
    "keep_upload",
    "upload_path",
    "rerun",
    "run_here",
    "run_job",
    "run_queued",
    "start",
    "start_export",
    "start_import",
    "start_suggest",
    "start_text_import",
    "suggest_in_time",
    "sweep_stale",
]
