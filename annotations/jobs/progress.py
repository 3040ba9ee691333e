"""A running job's progress: counts, report lists and heartbeats, and the ways it stops early
(cancelled, or the worker asked to stop)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from ..models import Job

#: longest list kept in a report; past it, only counted
REPORT_LIMIT = 5000
#: shorter for the articles made (each links to its page): the report is held in memory
#: and written whole every few seconds, so that a long import would grow with it
REPORT_LIMITS = {"imported": 1000}
#: how often progress is written (and cancellation noticed), in seconds
BEAT_SECONDS = 0.5
#: how often the report so far is written, in seconds
REPORT_SECONDS = 3.0


#: set when the worker is asked to stop: the running job stops after the article (or
#: batch) in hand
STOP = threading.Event()


class Cancelled(Exception):
    """The job was cancelled (or given up as stale) while it ran."""


class Interrupted(Exception):
    """The worker was asked to stop while the job ran."""


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
