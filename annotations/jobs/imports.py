"""The import job: a pasted text, an HTML or text file (one article), or a JSON Lines file
of article documents stored ``NEWSDESK_IMPORT_BATCH`` lines a transaction."""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from ..documents import LISTED, UPDATED, Batch, Directory, error_text, store_document
from ..importing import IMPORTABLE, decode_upload, import_html, import_text, parse_jsonl_line
from ..models import Article, Job
from .progress import Progress, _user
from .suggestions import _suggest_one
from .uploads import JSONL, _lines, _upload_lines, _upload_text


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
