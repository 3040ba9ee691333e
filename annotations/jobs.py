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
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .documents import (
    LISTED,
    UPDATED,
    Batch,
    Directory,
    articles_jsonl_lines,
    error_text,
    store_document,
)
from .importing import IMPORTABLE, decode_upload, import_html, import_text, parse_jsonl_line
from .models import Article, Job

try:  # Django 6 has the tasks framework built in; 5.2 has the backport
    from django.tasks import task
except ImportError:
    from django_tasks import task

#: longest list kept in a report; past it, only counted
REPORT_LIMIT = 5000
#: shorter for the articles made (each links to its page): the report is held in memory
#: and written whole every few seconds, so that a long import would grow with it
REPORT_LIMITS = {"imported": 1000}
#: how often progress is written (and cancellation noticed), in seconds
BEAT_SECONDS = 0.5
#: how often the report so far is written, in seconds
REPORT_SECONDS = 3.0
JSONL = (".jsonl", ".ndjson")
#: set when the worker is asked to stop: the running job stops after the article (or
#: batch) in hand
STOP = threading.Event()


class Cancelled(Exception):
    """The job was cancelled (or given up as stale) while it ran."""


class Interrupted(Exception):
    """The worker was asked to stop while the job ran."""


class SuggestTimeout(Exception):
    pass


# --------------------------------------------------------------------------- suggester


def _suggest_loop(conn) -> None:
    """The child process: suggest for each text received, until the pipe closes."""
    from .suggesting import suggest

    while True:
        try:
            body, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", suggest(body, **kwargs)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class TimeLimitedSuggester:
    """:func:`suggesting.suggest` in a child process, killed when one text takes longer
    than ``seconds``. The child is kept between calls (a fork per article would cost more
    than most suggestions) and replaced after a kill. Use as a context manager."""

    def __init__(self, seconds: float | None = None):
        self.seconds = settings.NEWSDESK_SUGGEST_SECONDS if seconds is None else seconds
        self.process = None
        self.conn = None

    def _start(self) -> None:
        # fork: the child has the suggester loaded already and touches no database
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_suggest_loop, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def __call__(self, body: str, **kwargs):
        if self.process is None or not self.process.is_alive():
            self._start()
        self.conn.send((body, kwargs))
        if not self.conn.poll(self.seconds):
            self.close()
            raise SuggestTimeout(f"too slow, skipped (over {self.seconds:g} s)")
        try:
            status, value = self.conn.recv()
        except EOFError:
            self.close()
            raise RuntimeError("the suggester stopped unexpectedly") from None
        if status != "ok":
            raise RuntimeError(f"the suggester failed: {value}")
        return value

    def close(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)
            self.conn.close()
        self.process = self.conn = None

    def __enter__(self) -> TimeLimitedSuggester:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def suggest_in_time(article: Article, by=None, suggester: TimeLimitedSuggester | None = None):
    """``article.suggest_quotes`` with the time limit; raises :class:`SuggestTimeout`."""
    if suggester is not None:
        return article.suggest_quotes(by=by, suggester=suggester)
    with TimeLimitedSuggester() as own:
        return article.suggest_quotes(by=by, suggester=own)


# --------------------------------------------------------------------------- starting


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


def keep_upload(params: dict[str, Any] | None, payload: bytes | None) -> dict[str, Any]:
    """The job's parameters, with an uploaded file (``payload``) kept as a file under
    ``MEDIA_ROOT/uploads`` (``params["upload"]``, relative to ``MEDIA_ROOT``) that the worker
    reads a line at a time, rather than as one value in the database that it would have to
    hold whole."""
    params = dict(params or {})
    if payload is not None:
        suffix = Path(params.get("name") or "").suffix.lower()
        relative = f"uploads/{uuid.uuid4().hex}{suffix}"
        path = Path(settings.MEDIA_ROOT) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
        params["upload"] = relative
    return params


def upload_path(job: Job) -> Path | None:
    relative = (job.params or {}).get("upload")
    return Path(settings.MEDIA_ROOT) / relative if relative else None


def _let_upload_go(job: Job) -> None:
    """A finished import's upload is not needed any more (as the payload column was)."""
    path = upload_path(job)
    if path is not None:
        path.unlink(missing_ok=True)


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


def import_params(
    name: str,
    data: bytes,
    *,
    publisher: str | None = None,
    suggest: bool = True,
    max_bytes: int | None = None,
) -> tuple[dict[str, Any], int]:
    """Check a file before it is queued (type, size, UTF-8, NUL: ``ValidationError``);
    returns the job's parameters and its number of articles."""
    suffix = Path(name).suffix.lower()
    if suffix not in IMPORTABLE:
        raise ValidationError(
            f"{name}: Newsdesk imports {', '.join(IMPORTABLE)} files, not {suffix or 'this'}."
        )
    text = decode_upload(data, name, max_bytes=max_bytes)
    total = sum(1 for _ in _lines(text)) if suffix in JSONL else 1
    return {"name": name, "publisher": publisher, "suggest": suggest}, total


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


# --------------------------------------------------------------------------- running


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


@task()
def run_job(job_id: int) -> str:
    """The task the worker runs: one job, start to end. Returns its final state."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not job.claim():
        return "skipped"
    sweep_stale()
    return execute(job)


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


class Progress:
    """Counts, report lists and heartbeats of a running job."""

    def __init__(self, job: Job, on_step: Callable[[Job], None] | None = None):
        self.job = job
        self.on_step = on_step
        self.where = ""
        self.last_beat = self.last_report = 0.0
        job.report = {"imported": [], "skipped": [], "refused": [], "slow": [], "more": {}}

    def add(self, key: str, entry: dict[str, Any]) -> None:
        items = self.job.report.setdefault(key, [])
        if len(items) < REPORT_LIMITS.get(key, REPORT_LIMIT):
            items.append(entry)
        else:
            more = self.job.report.setdefault("more", {})
            more[key] = more.get(key, 0) + 1

    def count(self, key: str, n: int = 1) -> None:
        self.job.report[key] = self.job.report.get(key, 0) + n

    def step(self, n: int = 1, *, force: bool = False, beat: bool = True) -> None:
        """``n`` units done (``on_step`` is called after each): write progress now and then;
        raise :class:`Cancelled` when the job was cancelled meanwhile."""
        for _ in range(n):
            self.job.done += 1
            if self.on_step is not None:
                self.on_step(self.job)
        if beat:
            self.beat(force=force)

    def beat(self, *, force: bool = False) -> None:
        if STOP.is_set():
            raise Interrupted
        now = time.monotonic()
        if not force and now - self.last_beat < BEAT_SECONDS:
            return
        with_report = force or now - self.last_report >= REPORT_SECONDS
        self.last_beat = now
        if with_report:
            self.last_report = now
        if not self.job.beat(report=with_report):
            raise Cancelled


def _user(job: Job):
    return job.created_by


def _run_import(job: Job, progress: Progress) -> None:
    params = job.params
    user = _user(job)
    if "text" in params:
        report = import_text(
            params["text"],
            title=params.get("title") or None,
            publisher=params.get("publisher"),
            user=user,
            suggest=False,
        )
        _single_article_report(job, progress, report, "pasted text")
        return
    name = params["name"]
    if Path(name).suffix.lower() in JSONL:
        _import_lines(job, progress, user)
        return
    text = _upload_text(job)
    importer = import_text if Path(name).suffix.lower() == ".txt" else import_html
    report = importer(text, publisher=params.get("publisher"), user=user, suggest=False, label=name)
    _single_article_report(job, progress, report, name)


def _single_article_report(job: Job, progress: Progress, report, label: str) -> None:
    """A text or HTML import: one article, then its suggestions (time-limited)."""
    for why in report.refused:
        progress.add("refused", {"line": None, "why": why})
    for why in report.skipped:
        progress.add("skipped", {"title": why.split(":", 1)[0].strip("'\""), "why": why})
    for why in report.updated:  # the same URL with a new text: a new revision
        progress.add("updated", {"title": why.split(":", 1)[0].strip("'\""), "why": why})
    for pk, title in report.imported_articles():
        progress.add("imported", {"title": title, "article": pk})
        if job.params.get("suggest", True):
            _suggest_one(progress, Article.objects.get(pk=pk), _user(job))
    progress.step(force=True)


def _suggest_one(progress: Progress, article: Article, user, suggester=None) -> None:
    progress.where = f"article #{article.pk}"
    try:
        made = suggest_in_time(article, by=user, suggester=suggester)
    except SuggestTimeout as exc:
        progress.add("slow", {"title": article.title, "article": article.pk, "why": str(exc)})
        return
    progress.count("suggested", len(made))
    # what was left out: an editor had already decided there, or a suggestion is waiting
    progress.count("decided", getattr(made, "decided", 0))
    progress.count("pending", getattr(made, "pending", 0))
    if made:
        progress.add(
            "suggestions", {"title": article.title, "article": article.pk, "count": len(made)}
        )


def _upload_text(job: Job) -> str:
    path = upload_path(job)
    data = path.read_bytes() if path is not None else bytes(job.payload or b"")
    return decode_upload(data, job.params["name"], max_bytes=0)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for lineno, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield lineno, line


def _upload_lines(job: Job) -> Iterator[tuple[int, str]]:
    """The non-blank lines of a job's upload with their numbers, read one at a time from
    its file (checked when it was queued: UTF-8, no NUL), so that memory does not grow
    with the file. A job queued with its upload in the database reads that."""
    path = upload_path(job)
    if path is None:
        yield from _lines(_upload_text(job))
        return
    with path.open("rb") as upload:
        for lineno, raw in enumerate(upload, start=1):
            line = raw.decode("utf-8").removesuffix("\n")
            if lineno == 1:
                line = line.removeprefix("\ufeff")
            if line.strip():
                yield lineno, line


def _import_lines(job: Job, progress: Progress, user) -> None:
    """JSON Lines article documents, ``NEWSDESK_IMPORT_BATCH`` lines a transaction."""
    job.total = sum(1 for _ in _upload_lines(job))
    size = max(1, settings.NEWSDESK_IMPORT_BATCH)
    lines = _upload_lines(job)
    with _commits_without_waiting():
        while chunk := list(islice(lines, size)):
            _import_batch(chunk, progress, user)


def _import_batch(chunk: list[tuple[int, str]], progress: Progress, user) -> None:
    """Lines in one transaction, their rows written in bulk (:class:`Batch`). A line the
    checks refuse is refused alone; when anything else goes wrong, the transaction is
    rolled back and the lines are imported again one per transaction, so that the one at
    fault fails the job alone and those before it are kept."""
    outcomes: list[tuple[int, Any]] = []
    docs = []
    for lineno, line in chunk:
        try:
            docs.append((lineno, parse_jsonl_line(line)))
        except ValidationError as exc:
            outcomes.append((lineno, exc))
    try:
        with transaction.atomic():
            batch = Batch([doc for _, doc in docs], user=user)
            for lineno, doc in docs:
                progress.where = f"line {lineno}"
                try:
                    article, how = store_document(doc, user=user, batch=batch)
                except ValidationError as exc:
                    outcomes.append((lineno, exc))
                else:
                    outcomes.append((lineno, (article, _revision_of(article, how))))
            batch.save()
    except Exception:  # noqa: BLE001 - each line again on its own, the culprit alone
        _import_one_by_one(chunk, progress, user)
        return
    for lineno, outcome in sorted(outcomes, key=lambda o: o[0]):
        _report_line(progress, lineno, outcome)
    progress.step(len(chunk))


def _import_one_by_one(chunk: list[tuple[int, str]], progress: Progress, user) -> None:
    directory = Directory()
    for lineno, line in chunk:
        progress.where = f"line {lineno}"
        try:
            article, how = _import_one(parse_jsonl_line(line), user, directory)
        except ValidationError as exc:
            _report_line(progress, lineno, exc)
        else:
            _report_line(progress, lineno, (article, _revision_of(article, how)))
        progress.step(beat=False)
    progress.beat()


def _revision_of(article: Article, how: str) -> str | int:
    """What :func:`store_document` did, with the number of the revision it made, if any
    (asked now: a later line may change the article again)."""
    return article.current_revision_number() if how == UPDATED else how


def _report_line(progress: Progress, lineno: int, outcome) -> None:
    """One line's entry in the report: refused and why, or the article made, updated (the
    revision's number) or found already there; a directory line's speakers and outlets
    (those no article names) are counted as listed."""
    if isinstance(outcome, ValidationError):
        progress.add("refused", {"line": lineno, "why": error_text(outcome)})
        return
    article, how = outcome
    if how == LISTED:
        progress.count("listed")
        return
    entry = {"line": lineno, "title": article.title, "article": article.pk}
    if not how:
        progress.add("imported", entry)
    elif isinstance(how, int):
        entry["why"] = f"a new text: revision {how}"
        progress.add("updated", entry)
    else:
        entry["why"] = "already in Newsdesk (same URL, or same title and body)"
        progress.add("skipped", entry)


def _import_one(doc, user, directory: Directory):
    """One document in its own transaction. The directory of names may be stale (a speaker
    merged away meanwhile, an alias added): on a database error it starts afresh and the
    document is tried once more."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return store_document(doc, user=user, directory=directory)
        except IntegrityError:
            directory.forget()
            if attempt == 2:
                raise
        except BaseException:
            directory.forget()
            raise


class _commits_without_waiting:
    """On PostgreSQL, the job's commits do not wait for the disk
    (``synchronous_commit = off``): a crash of the database server may lose the last
    fraction of a second of articles, never a part of one, and running the job again
    imports them. Commits are a large part of an import's time."""

    def __enter__(self):
        self.on = connection.vendor == "postgresql" and not connection.in_atomic_block
        if self.on:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")

    def __exit__(self, *exc):
        if self.on and connection.connection is not None and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")


def _run_suggest(job: Job, progress: Progress) -> None:
    ids = job.params.get("article_ids") or []
    job.total = len(ids)
    user = _user(job)
    with TimeLimitedSuggester() as suggester:
        for pk in ids:
            article = Article.objects.filter(pk=pk).first()
            if article is None:
                progress.add("skipped", {"article": pk, "why": "the article is gone"})
            else:
                _suggest_one(progress, article, user, suggester)
            progress.step()


def export_path(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / job.file


def _run_export(job: Job, progress: Progress) -> None:
    """Every article as JSON Lines, written to a file under ``MEDIA_ROOT/exports``: to a
    temporary name first, renamed when complete, so a file that is there is whole."""
    job.file = f"exports/newsdesk-articles-job{job.pk}.jsonl"
    path = export_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    job.total = Article.all_objects.count()
    try:
        with partial.open("w", encoding="utf-8") as out:
            for line in articles_jsonl_lines():  # deleted ones too, and the directory line
                out.write(line)
                progress.step()
        job.total = max(job.total, job.done)  # the directory line, when there is one
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    progress.count("exported", job.done)


RUNNERS: dict[str, Callable[[Job, Progress], None]] = {
    Job.Kind.IMPORT: _run_import,
    Job.Kind.SUGGEST: _run_suggest,
    Job.Kind.EXPORT: _run_export,
}


__all__ = [
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
