"""Background jobs: what a request asked for, how far it has got, and what it found."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .base import User

# --- Jobs ------------------------------------------------------------------------------


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see every job; everyone else the jobs they started."""
        if getattr(user, "role", None) == User.Role.ADMIN:
            return self
        return self.filter(created_by=user)

    def stale(self, seconds: float):
        """Running jobs whose worker has given no sign of life for ``seconds``."""
        cutoff = timezone.now() - timedelta(seconds=seconds)
        return self.filter(state=Job.State.RUNNING, heartbeat_at__lt=cutoff)


class Job(models.Model):
    """Long work run by a worker off the request (an import, suggestions over many
    articles, an export): what the pages and the API show about it. Django's tasks
    framework runs it; ``task_id`` is its task result."""

    class Kind(models.TextChoices):
        IMPORT = "import", "Import"
        SUGGEST = "suggest", "Suggestions"
        EXPORT = "export", "Export"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINISHED = (State.DONE, State.FAILED, State.CANCELLED)

    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    title = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    payload = models.BinaryField(null=True, blank=True, editable=False)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    file = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    rerun_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns"
    )

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="annotations_job_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["import", "suggest", "export"]),
                name="annotations_job_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed", "cancelled"]),
                name="annotations_job_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("annotations:job-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def is_stopping(self) -> bool:
        """Cancelled while running: the worker stops after the article (or batch) in hand."""
        return self.state == self.State.CANCELLED and self.started_at and not self.finished_at

    @property
    def can_rerun(self) -> bool:
        """Finished, with something to do again: a finished import lets its upload go."""
        if not self.is_finished:
            return False
        return not (
            self.kind == self.Kind.IMPORT
            and self.state == self.State.DONE
            and "text" not in self.params
        )

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else 0

    @property
    def elapsed(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return max(0.0, (end - self.started_at).total_seconds())

    @property
    def rate(self) -> float | None:
        """Articles a second so far."""
        elapsed = self.elapsed
        if not elapsed or not self.done:
            return None
        return self.done / elapsed

    @property
    def seconds_left(self) -> float | None:
        rate = self.rate
        if self.is_finished or not rate or not self.total:
            return None
        return max(0.0, (self.total - self.done) / rate)

    # The worker's side. Every write is one UPDATE guarded by the state, so that a cancel
    # (or a stale-job sweep) from another process is never overwritten.

    def claim(self) -> bool:
        """Mark a queued job running; False when it was cancelled (or taken) meanwhile."""
        now = timezone.now()
        claimed = Job.objects.filter(pk=self.pk, state=self.State.QUEUED).update(
            state=self.State.RUNNING, started_at=now, heartbeat_at=now
        )
        if claimed:
            self.state, self.started_at, self.heartbeat_at = self.State.RUNNING, now, now
        return bool(claimed)

    def beat(self, *, report: bool = False) -> bool:
        """Save progress (``done``, ``total`` and, when asked, the report so far) as a sign
        of life. False when the job is no longer running: cancelled, or given up as stale."""
        self.heartbeat_at = timezone.now()
        fields = {"done": self.done, "total": self.total, "heartbeat_at": self.heartbeat_at}
        if report:
            fields["report"] = self.report
        return bool(Job.objects.filter(pk=self.pk, state=self.State.RUNNING).update(**fields))

    def finish(self, state: str, *, error: str = "") -> None:
        """Record the end: ``state`` unless the job was cancelled meanwhile (a cancelled job
        stays cancelled, with the report of what it did before it stopped)."""
        now = timezone.now()
        fields = {
            "done": self.done,
            "total": self.total,
            "report": self.report,
            "file": self.file,
            "finished_at": now,
            "heartbeat_at": now,
        }
        if state == self.State.DONE:
            fields["payload"] = None  # the upload is not needed any more
        updated = Job.objects.filter(pk=self.pk, state=self.State.RUNNING).update(
            state=state, error=error, **fields
        )
        if not updated:
            Job.objects.filter(pk=self.pk, finished_at__isnull=True).update(**fields)
        self.refresh_from_db()

    # The people's side.

    def cancel(self) -> bool:
        """Ask a queued or running job to stop: a queued one never starts, a running one
        stops after the article (or batch of lines) in hand. False when it had already
        finished."""
        now = timezone.now()
        queued = Job.objects.filter(pk=self.pk, state=self.State.QUEUED).update(
            state=self.State.CANCELLED, finished_at=now
        )
        running = Job.objects.filter(pk=self.pk, state=self.State.RUNNING).update(
            state=self.State.CANCELLED
        )
        self.refresh_from_db()
        return bool(queued or running)

    @classmethod
    def fail_stale(cls, seconds: float) -> list[Job]:
        """Mark failed the running jobs whose worker stopped (killed, or its machine lost)
        without a word for ``seconds``. What they did is kept: each article was its own
        transaction. Returns them."""
        failed = []
        for job in cls.objects.stale(seconds).defer("payload"):
            updated = cls.objects.filter(
                pk=job.pk, state=cls.State.RUNNING, heartbeat_at=job.heartbeat_at
            ).update(
                state=cls.State.FAILED,
                finished_at=timezone.now(),
                error=(
                    f"The worker stopped (no sign of life for {seconds:.0f} s) after "
                    f"{job.done} of {job.total or '?'}. What was done before is kept; run "
                    "the job again to do the rest (what is already there is skipped)."
                ),
            )
            if updated:
                failed.append(job)
        return failed
