"""Merging duplicate speakers or outlets, recorded so that each merge can be undone, and
the pairs people have said are distinct."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from .articles import Article
from .base import choice_constraint
from .directory import Outlet, Speaker
from .history import _user_or_none, change_reason, delete_with_history, update_with_history
from .quotes import Quote, ViaHop


class Merge(models.Model):
    """One merge of a duplicate speaker or outlet into another, with what it moved, so that
    ``undo()`` can put every quote, hop, article, alias and field back where it was."""

    class Kind(models.TextChoices):
        SPEAKER = "speaker", "Speaker"
        OUTLET = "outlet", "Outlet"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    survivor_id = models.PositiveBigIntegerField()
    survivor_name = models.CharField(max_length=200)
    loser_id = models.PositiveBigIntegerField()
    loser_name = models.CharField(max_length=200)
    # {"row": the duplicate's columns, "aliases": its aliases, "quotes"/"articles": ids that
    # moved, "hops": [quote id, position] that moved, "added_aliases": names the survivor
    # gained, "filled": fields the survivor took from it, "distinct": pairs it was in}
    moved = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]
        indexes = [models.Index(fields=["kind", "survivor_id"], name="annotations_merge_surv_idx")]
        constraints = []

    Meta.constraints.append(choice_constraint("merge", "kind", Kind))

    def __str__(self) -> str:
        return f"{self.loser_name} into {self.survivor_name}"

    @property
    def model(self) -> type[Speaker] | type[Outlet]:
        return Speaker if self.kind == self.Kind.SPEAKER else Outlet

    class Conflict(ValidationError):
        """The pair is no longer there to merge, or to unmerge: someone else merged (or
        undid) it first. Nothing was changed."""

        def __init__(self, message: str):
            super().__init__(message, code="merge_conflict")

    @staticmethod
    def lock_pair(survivor, duplicate):
        """Lock both rows (``SELECT ... FOR UPDATE``, lower id first, so that two merges of
        one pair in either direction queue rather than deadlock), and check that both are
        still there: a merge that waited behind another of the same pair finds the
        duplicate gone and raises :class:`Merge.Conflict`. Returns the duplicate as locked;
        ``survivor`` is reloaded in place. Call in a transaction."""
        model = type(survivor)
        rows = {
            row.pk: row
            for row in model.objects.select_for_update()
            .filter(pk__in=[survivor.pk, duplicate.pk])
            .order_by("pk")
        }
        noun = model._meta.verbose_name
        for row, what in ((duplicate, "duplicate"), (survivor, noun)):
            if row.pk not in rows:
                raise Merge.Conflict(
                    f"The {what} {row.name!r} is no longer there: someone merged or removed "
                    "it a moment ago. Nothing was merged; reload to see the list as it is."
                )
        survivor.refresh_from_db()
        return rows[duplicate.pk]

    @classmethod
    def conflict_for(cls, model, pk: int) -> Merge.Conflict | None:
        """When row ``pk`` of ``model`` (a speaker or outlet) is gone because it was merged
        into another, the conflict that says so; None when it never was."""
        kind = cls.Kind.SPEAKER if model is Speaker else cls.Kind.OUTLET
        merge = (
            cls.objects.filter(kind=kind, loser_id=pk, undone_at__isnull=True)
            .order_by("-merged_at", "-id")
            .first()
        )
        if merge is None:
            return None
        return cls.Conflict(
            f"{merge.loser_name!r} (#{pk}) was merged into {merge.survivor_name!r} already; "
            "nothing was merged."
        )

    @classmethod
    def begin(cls, survivor, loser, by) -> Merge:
        kind = cls.Kind.SPEAKER if isinstance(survivor, Speaker) else cls.Kind.OUTLET
        row = {f.attname: getattr(loser, f.attname) for f in loser._meta.concrete_fields}
        pairs = DistinctSpeakers if kind == cls.Kind.SPEAKER else DistinctOutlets
        distinct = pairs.objects.filter(Q(first=loser) | Q(second=loser))
        return cls(
            kind=kind,
            survivor_id=survivor.pk,
            survivor_name=survivor.name,
            loser_id=loser.pk,
            loser_name=loser.name,
            merged_by=_user_or_none(by),
            moved={
                "row": row,
                "distinct": [list(p) for p in distinct.values_list("first_id", "second_id")],
            },
        )

    def finish(self, survivor, loser, *, fill: Sequence[str]) -> None:
        """Move the aliases and the blank fields over (recording both) and stamp."""
        aliases = list(loser.aliases.values_list("name", flat=True))
        why = f"{self.kind} {loser.name!r} (#{loser.pk}) merged into #{survivor.pk}"
        delete_with_history(loser.aliases.all(), by=self.merged_by, reason=why)
        self.moved["aliases"] = aliases
        self.moved["added_aliases"] = survivor.add_aliases(
            [loser.name, *aliases], by=self.merged_by, reason=why
        )
        self.moved["filled"] = {}
        for name in fill:
            if not getattr(survivor, name) and getattr(loser, name):
                setattr(survivor, name, getattr(loser, name))
                self.moved["filled"][name] = getattr(loser, name)
        survivor.stamp(self.merged_by)

    @transaction.atomic
    def undo(self, by=None):
        """Bring the duplicate back as it was, with everything the merge moved that still
        sits with the survivor. Returns the duplicate. Two undos of one merge at once: the
        second waits for the first and raises :class:`Merge.Conflict`."""
        model = self.model
        locked = Merge.objects.select_for_update().filter(pk=self.pk).first()
        if locked is None or locked.undone_at is not None:
            raise Merge.Conflict("This merge has already been undone.")
        survivor = model.objects.select_for_update().filter(pk=self.survivor_id).first()
        if survivor is None:
            raise ValidationError(
                f"{self.survivor_name} is no longer there (merged into another since?); "
                "undo that merge first."
            )
        moved = self.moved
        loser = model(**moved["row"])
        loser.stamp(by)
        loser._change_reason = change_reason(
            f"merge into {survivor.name!r} (#{survivor.pk}) undone"
        )
        try:
            with transaction.atomic():
                loser.save(force_insert=True)
        except IntegrityError:
            raise ValidationError(
                f"Another {self.kind} is now called {self.loser_name!r}; rename or describe it "
                "before undoing this merge."
            ) from None
        why = f"merge of {self.kind} #{loser.pk} into #{survivor.pk} undone"
        delete_with_history(
            survivor.aliases.filter(name__in=moved.get("added_aliases", [])), by=by, reason=why
        )
        loser.add_aliases(moved.get("aliases", []), by=by, reason=why)
        hop_keys = {tuple(h) for h in moved.get("hops", [])}
        hop_field = "speaker" if self.kind == self.Kind.SPEAKER else "outlet"
        hop_ids = [
            pk
            for pk, quote_id, position in ViaHop.objects.filter(
                **{hop_field: survivor}, quote_id__in={q for q, _ in hop_keys}
            ).values_list("pk", "quote_id", "position")
            if (quote_id, position) in hop_keys
        ]
        touched = Q(via_hops__in=hop_ids)
        if self.kind == self.Kind.SPEAKER:
            quotes = Quote.all_objects.filter(pk__in=moved.get("quotes", []), speaker=survivor)
            quote_ids = list(quotes.values_list("pk", flat=True))
            touched |= Q(pk__in=quote_ids)
        changes: dict[str, Any] = {"version": F("version") + 1, "updated_at": timezone.now()}
        if self.kind == self.Kind.SPEAKER:
            changes["speaker"] = models.Case(
                models.When(pk__in=quote_ids, then=models.Value(loser.pk)),
                default=F("speaker"),
                output_field=models.BigIntegerField(),
            )
        update_with_history(
            Quote.all_objects.filter(pk__in=Quote.all_objects.filter(touched).values("pk")),
            by=by,
            reason=why,
            **changes,
        )
        if self.kind == self.Kind.OUTLET:
            update_with_history(
                Article.all_objects.filter(pk__in=moved.get("articles", []), publisher=survivor),
                by=by,
                reason=why,
                publisher=loser,
            )
        update_with_history(
            ViaHop.objects.filter(pk__in=hop_ids), by=by, reason=why, **{hop_field: loser}
        )
        for name, value in moved.get("filled", {}).items():
            if getattr(survivor, name) == value:
                setattr(survivor, name, "")
        pairs = DistinctSpeakers if self.kind == self.Kind.SPEAKER else DistinctOutlets
        for first, second in moved.get("distinct", []):
            if model.objects.filter(pk__in=[first, second]).count() == 2:
                pairs.objects.get_or_create(first_id=first, second_id=second)
        survivor.stamp(by)
        survivor._change_reason = change_reason(f"undid the merge of {loser.name!r} (#{loser.pk})")
        survivor.save()
        self.undone_at = timezone.now()
        self.undone_by = _user_or_none(by)
        self.save(update_fields=["undone_at", "undone_by"])
        return loser


class DistinctPair(models.Model):
    """Two rows an editor said are not one: the duplicate finder leaves them out. ``first``
    is the lower id."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="%(app_label)s_%(class)s_ordered"
            ),
            models.UniqueConstraint(
                fields=["first", "second"], name="%(app_label)s_%(class)s_unique"
            ),
        ]

    @classmethod
    def mark(cls, a, b, by=None):
        """Record that ``a`` and ``b`` are different (once, whichever order they come in)."""
        if a.pk == b.pk:
            raise ValidationError("A row is not different from itself.")
        first, second = sorted((a.pk, b.pk))
        row, _ = cls.objects.get_or_create(
            first_id=first, second_id=second, defaults={"created_by": _user_or_none(by)}
        )
        return row

    @classmethod
    def id_pairs(cls) -> list[tuple[int, int]]:
        return list(cls.objects.values_list("first_id", "second_id"))


class DistinctSpeakers(DistinctPair):
    """Two speakers an editor said are different people."""

    first = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="+")

    class Meta(DistinctPair.Meta):
        verbose_name_plural = "distinct speakers"

    def __str__(self) -> str:
        return f"{self.first} is not {self.second}"


class DistinctOutlets(DistinctPair):
    """Two outlets an editor said are different."""

    first = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+")

    class Meta(DistinctPair.Meta):
        verbose_name_plural = "distinct outlets"

    def __str__(self) -> str:
        return f"{self.first} is not {self.second}"
