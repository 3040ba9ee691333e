"""The files an import job reads: kept under ``MEDIA_ROOT/uploads`` when the job is made,
read a line at a time by the worker, let go when the job is done."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from ..importing import decode_upload
from ..models import Job

JSONL = (".jsonl", ".ndjson")


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
