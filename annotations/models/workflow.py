"""The work around quotes: actions an annotator can undo, and agreement tasks where two
annotators mark the same article and their differences are settled."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from .articles import Article
from .base import choice_constraint
from .history import _user_or_none
from .quotes import Hop, Quote


class Action(models.Model):
    """A change an editor made to quotes from an article page, kept (per editor and
    article, so it survives a reload) until it is undone: which quotes, each one's state
    and version before, and its version after. Undo puts back exactly those quotes, and
    only if none has changed since."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", "Accepted"
        REJECT = "reject", "Rejected"
        EDIT = "edit", "Edited"
        DELETE = "delete", "Deleted"
        BULK_ACCEPT = "bulk_accept", "Accepted all"
        BULK_REJECT = "bulk_reject", "Rejected all"
        CHECK = "check", "Checked"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quote_actions"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    label = models.CharField(max_length=300)
    #: one entry a quote: {"id", "version" (before), "after" (version after), "state"
    #: (Quote.snapshot() before)}
    quotes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "article", "-id"], name="annotations_action_user_idx")
        ]
        constraints = []

    Meta.constraints.append(choice_constraint("action", "kind", Kind))

    def __str__(self) -> str:
        return self.label

    @property
    def quote_ids(self) -> list[int]:
        return [item["id"] for item in self.quotes]

    @classmethod
    def last_for(cls, user, article) -> Action | None:
        """The user's latest change on the article that has not been undone."""
        if not getattr(user, "is_authenticated", False):
            return None
        return cls.objects.filter(user=user, article=article, undone_at__isnull=True).first()

    @classmethod
    def track(cls, user, article, kind: str, quotes: Iterable[Quote], label: str = ""):
        """A context manager around a change to ``quotes``: it snapshots them first and,
        when the block ends without an error, records the action (all in one
        transaction). Quotes the block did not change are left out."""
        return _Tracking(cls, user, article, kind, list(quotes), label)

    @transaction.atomic
    def undo(self, by=None) -> list[Quote]:
        """Put back every quote this action changed, as it was before; refused (nothing
        changes) when the action was undone already or a quote has changed since."""
        locked = Action.objects.select_for_update().get(pk=self.pk)
        if locked.undone_at is not None:
            raise ValidationError("That change has been undone already.", code="undone")
        ids = [item["id"] for item in self.quotes]
        found = {
            q.pk: q
            for q in Quote.all_objects.filter(pk__in=ids)
            .select_related("article", "speaker")
            .prefetch_related("fragments", "via_hops__outlet", "via_hops__speaker")
        }
        restored = []
        for item in self.quotes:
            quote = found.get(item["id"])
            if quote is None or quote.version != item["after"]:
                raise ValidationError(
                    f"Quote #{item['id']} has changed since ({self.label.lower()}); "
                    "nothing was undone.",
                    code="changed_since",
                )
            quote.put_back(item["state"], by=by, expected_version=item["after"])
            restored.append(quote)
        self.undone_at = locked.undone_at = timezone.now()
        self.save(update_fields=["undone_at"])
        return restored


class _Tracking:
    def __init__(self, model, user, article, kind, quotes, label):
        self.model, self.user, self.article, self.kind = model, user, article, kind
        self.quotes, self.label = quotes, label
        self.action = None

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.before = [(q, q.version, q.snapshot()) for q in self.quotes]
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self._record()
            except BaseException as error:
                self.atomic.__exit__(type(error), error, error.__traceback__)
                raise
        return self.atomic.__exit__(exc_type, exc, tb)

    def _record(self) -> None:
        # Read back: a change may bump other quotes of the batch (a rejected suggestion
        # takes its proposed speaker from the quotes rejected before it).
        now = dict(
            Quote.all_objects.filter(pk__in=[q.pk for q, _, _ in self.before]).values_list(
                "pk", "version"
            )
        )
        items = [
            {"id": q.pk, "version": version, "after": now[q.pk], "state": state}
            for q, version, state in self.before
            if q.pk in now and now[q.pk] != version
        ]
        if items and getattr(self.user, "is_authenticated", False):
            label = self.label or self.model.Kind(self.kind).label
            self.action = self.model.objects.create(
                user=self.user,
                article=self.article,
                kind=self.kind,
                label=label[:300],
                quotes=items,
            )


class AgreementTask(models.Model):
    """One article annotated by two editors independently: each sees only their own quotes
    (``Quote.annotator``) until both are done; then the differences are settled into the
    article's own set of quotes."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="agreement_tasks")
    first = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    first_done_at = models.DateTimeField(null=True, blank=True)
    second_done_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(first=F("second")), name="annotations_agreementtask_two_editors"
            ),
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(settled_at__isnull=True),
                name="annotations_agreementtask_one_open_per_article",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} ({self.first} and {self.second})"

    @classmethod
    def open_for(cls, article) -> AgreementTask | None:
        return cls.objects.filter(article=article, settled_at__isnull=True).first()

    def clean(self) -> None:
        if self.first_id is not None and self.first_id == self.second_id:
            raise ValidationError("Agreement needs two different editors.")

    def is_annotator(self, user) -> bool:
        return getattr(user, "pk", None) in {self.first_id, self.second_id}

    def is_done_by(self, user) -> bool:
        if user.pk == self.first_id:
            return self.first_done_at is not None
        return user.pk == self.second_id and self.second_done_at is not None

    @property
    def both_done(self) -> bool:
        return self.first_done_at is not None and self.second_done_at is not None

    def mark_done(self, user) -> None:
        """``user`` (one of the two) has finished their annotation."""
        field = "first_done_at" if user.pk == self.first_id else "second_done_at"
        if not self.is_annotator(user):
            raise ValidationError("Only the two editors of this task can finish it.")
        setattr(self, field, timezone.now())
        self.save(update_fields=[field])

    @transaction.atomic
    def settle(self, chosen: Iterable[Quote], *, by=None) -> list[Quote]:
        """Make the article's own quotes from ``chosen`` (quotes of either editor), confirmed
        and named as ``by``'s, and close the task. The two editors' quotes are kept."""
        if not self.both_done:
            raise ValidationError("Both editors must be done before the differences are settled.")
        made = []
        for quote in chosen:
            if quote.annotator_id not in {self.first_id, self.second_id}:
                raise ValidationError(f"Quote #{quote.pk} is not part of this task.")
            made.append(
                Quote.create(
                    self.article,
                    kind=quote.kind,
                    fragments=[(f.start, f.end) for f in quote.fragments.all()],
                    status=Quote.Status.CONFIRMED,
                    speaker=quote.speaker,
                    mention=quote.speaker_mention,
                    cue=quote.cue,
                    cue_span=quote.cue_span,
                    via=[Hop(outlet=h.outlet, speaker=h.speaker) for h in quote.via_hops.all()],
                    note=quote.note,
                    by=by,
                )
            )
        self.settled_at = timezone.now()
        self.settled_by = _user_or_none(by)
        self.save(update_fields=["settled_at", "settled_by"])
        return made
