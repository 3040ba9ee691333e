"""The export job: every article as JSON Lines, written to a file under ``MEDIA_ROOT``."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from ..documents import articles_jsonl_lines
from ..models import Article, Job
from .progress import Progress


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
