"""Quotes: their spans in an article's text (fragments), the chain of outlets and speakers
they came through (via hops), and the querysets that list and search them.

Articles import this module (an article makes, suggests and re-anchors its quotes), so a
quote names its article and revision models as strings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, models, transaction
from django.db.models import F, ProtectedError, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from .. import anchoring
from .. import text as textrules
from .base import (
    Tracked,
    User,
    choice_constraint,
    clean_fields_quickly,
    new_row,
    span_constraints,
)
from .directory import Outlet, Speaker
from .history import (
    _acting,
    _as,
    _user_or_none,
    copy_history,
    copy_history_of_children,
    copy_rows,
    create_with_history,
    delete_with_history,
    history_user,
    keep_proposed,
    reserve_ids,
    update_with_history,
)
from .quote_filters import QuoteFilterPaths

FRAGMENT_JOINER = " … "


#: what an argument of :meth:`Quote.edit` defaults to: leave that part as it is
KEEP: Any = object()


class QuoteQuerySet(QuoteFilterPaths, models.QuerySet):
    def with_related(self):
        """Everything a quote's JSON, CSV row or list entry shows, in a fixed number of
        queries."""
        # The body stays behind: joined in, it would be copied into every quote's row.
        return (
            self.select_related("article__publisher", "speaker")
            .defer("article__body")
            .prefetch_related(
                "fragments",
                models.Prefetch(
                    "via_hops", queryset=ViaHop.objects.select_related("outlet", "speaker")
                ),
            )
        )

    def for_speaker(self, speaker):
        return self.filter(speaker=speaker)

    def create_prepared(
        self, quotes: Sequence[Quote], *, by=None, reason: str = "", batch_size: int = 500
    ):
        """Store many quotes made by :meth:`Quote.prepare` in a few queries (however many
        there are), with their history (by ``by``, with ``reason``), fragments and via
        chains, and settle what their status means for proposed speakers and outlets as
        :meth:`Quote.settle_proposals` does for one. Returns them with their ids.

        On PostgreSQL the quotes, fragments and hops go in with ``COPY`` (the quotes' ids
        reserved first) and their history is copied from the tables: no instance is made for
        a fragment, a hop or a history record."""
        if connections[self.db].vendor == "postgresql":
            quotes = self._copy_prepared(list(quotes), by=by, reason=reason)
        else:
            quotes = self._insert_prepared(quotes, by=by, reason=reason, batch_size=batch_size)
        self._adopt([q for q in quotes if q.status == Quote.Status.CONFIRMED], by=by)
        for q in quotes:
            if q.status == Quote.Status.REJECTED and q._names_proposed():
                q.drop_unused_proposals()
        return quotes

    @staticmethod
    def _insert_prepared(quotes: Sequence[Quote], *, by, reason: str, batch_size: int):
        quotes = create_with_history(Quote, quotes, by=by, reason=reason, batch_size=batch_size)
        create_with_history(
            Fragment,
            [
                Fragment(quote=q, start=s, end=e, text=q.span_body[s:e])
                for q in quotes
                for s, e in q._spans
            ],
            by=by,
            reason=reason,
        )
        hops = [
            ViaHop(quote=q, position=n, outlet=h.outlet, speaker=h.speaker)
            for q in quotes
            for n, h in enumerate(q._hops or ())
        ]
        create_with_history(ViaHop, hops, by=by, reason=reason)
        return quotes

    def _copy_prepared(self, quotes: list[Quote], *, by, reason: str) -> list[Quote]:
        if not quotes:
            return quotes
        fields = Quote._meta.concrete_fields
        stamped = [f for f in fields if getattr(f, "auto_now", False)]
        for quote, pk in zip(quotes, reserve_ids(Quote, len(quotes)), strict=True):
            # as bulk_create() readies a row: foreign keys from the instances now stored
            # (the article, new speakers), auto_now times
            quote._prepare_related_fields_for_save(operation_name="bulk_create")
            for field in stamped:
                field.pre_save(quote, add=True)
            quote.pk = pk
            quote._state.adding = False
            quote._state.db = self.db
        names = [f.attname for f in fields]
        # with the publication time migration 0013 copies onto each quote: its trigger
        # then need not look the article up again
        copy_rows(
            Quote,
            names,
            ([*(getattr(q, a) for a in names), q.article.published_at] for q in quotes),
            columns=["published_at"],
        )
        copy_rows(
            Fragment,
            ["quote", "start", "end", "text"],
            ((q.pk, s, e, q.span_body[s:e]) for q in quotes for s, e in q._spans),
        )
        copy_rows(
            ViaHop,
            ["quote", "position", "outlet", "speaker"],
            (
                (q.pk, n, h.outlet.pk if h.outlet else None, h.speaker.pk if h.speaker else None)
                for q in quotes
                for n, h in enumerate(q._hops or ())
            ),
        )
        copy_history(Quote, quotes, by=by, reason=reason)
        ids = [q.pk for q in quotes]
        copy_history_of_children(Fragment, "quote", ids, by=by, reason=reason)
        copy_history_of_children(ViaHop, "quote", ids, by=by, reason=reason)
        return quotes

    @staticmethod
    def _adopt(confirmed: Sequence[Quote], by=None) -> None:
        """Confirmed new quotes make their speakers and via chains an editor's own."""

        def proposed(row) -> bool:
            return row is not None and row.proposed

        speakers = {q.speaker_id for q in confirmed if not Quote.speaker.is_cached(q)}
        speakers |= {q.speaker.pk for q in confirmed if proposed(q.speaker)}
        speakers |= {h.speaker.pk for q in confirmed for h in q._hops or () if proposed(h.speaker)}
        outlets = {h.outlet.pk for q in confirmed for h in q._hops or () if proposed(h.outlet)}
        speakers.discard(None)
        for model, pks in ((Speaker, speakers), (Outlet, outlets)):
            if pks:
                keep_proposed(model.objects.filter(pk__in=pks), by)
        for q in confirmed:
            rows = [h.outlet or h.speaker for h in q._hops or ()]
            if Quote.speaker.is_cached(q) and q.speaker is not None:
                rows.append(q.speaker)
            for row in rows:
                row.proposed = False


class LiveQuoteManager(models.Manager.from_queryset(QuoteQuerySet)):
    """Quotes that have not been deleted (deleted ones wait in ``Quote.all_objects`` for an
    undo)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


@dataclass(frozen=True)
class Hop:
    """One step of a via chain, as given to ``Quote.set_via``."""

    outlet: Outlet | None = None
    speaker: Speaker | None = None


class Quote(Tracked):
    """An attributed statement in one article: one or more fragments of its body, who said
    it, the cue, and the chain of outlets and speakers through which it reached the page.

    Pages, the API, the importers and the suggester make and change quotes only through
    :meth:`create` (or :meth:`prepare` and ``Quote.objects.create_prepared``), :meth:`edit`,
    :meth:`accept`, :meth:`reject`, :meth:`soft_delete` and :meth:`restore`. Each change
    bumps ``version``; given ``expected_version``, it is a conditional update that raises
    :class:`Quote.VersionConflict` when someone else changed the quote first. ``save()``
    stores the row and does nothing else.

    On PostgreSQL, triggers (migration 0013) keep what the list filters read beside the
    row: its text's search vector and its article's publication time as columns the model
    does not declare, and its outlets (publisher and outlet hops) in
    ``annotations_quote_outlet``; see ``QuoteQuerySet.search``, ``published`` and
    ``through_outlet``."""

    class Kind(models.TextChoices):
        DIRECT = "direct", "Direct"
        INDIRECT = "indirect", "Indirect"
        MIXED = "mixed", "Mixed"

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    class Anchoring(models.TextChoices):
        """Whether the quote's spans point at its text in the current revision."""

        ANCHORED = anchoring.State.ANCHORED.value, "Anchored"
        RELOCATED = anchoring.State.RELOCATED.value, "Relocated"
        ORPHANED = anchoring.State.ORPHANED.value, "Orphaned"

    # No index of their own: ``(article, start)`` and ``(speaker, id)`` below lead with them,
    # and every index costs each of a bulk import's inserts.
    article = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="quotes", db_index=False
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quotes",
        db_index=False,
    )
    speaker_role = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="The speaker's role or title as this article gave it, at the time.",
    )
    mention_start = models.PositiveIntegerField(null=True, blank=True)
    mention_end = models.PositiveIntegerField(null=True, blank=True)
    cue = models.CharField(max_length=200, blank=True)
    cue_start = models.PositiveIntegerField(null=True, blank=True)
    cue_end = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=5000)
    # Derived from the fragments, kept on the row for ordering, search and export.
    start = models.PositiveIntegerField(editable=False)
    end = models.PositiveIntegerField(editable=False)
    text = models.TextField(editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    anchoring = models.CharField(
        max_length=16,
        choices=Anchoring.choices,
        default=Anchoring.ANCHORED,
        db_default=Anchoring.ANCHORED.value,  # rows loaded in bulk, outside Django, too
        editable=False,
        help_text="anchored: its spans point at its text; relocated: found again after the "
        "text changed, to be confirmed; orphaned: its text is gone from the current revision.",
    )
    revision = models.ForeignKey(
        "Revision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text="For an orphaned quote, the revision its offsets and text belong to.",
    )
    previous_text = models.TextField(
        blank=True,
        default="",
        db_default="",
        editable=False,
        help_text="For a relocated quote, its text before the change that moved it.",
    )
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="Who confirmed the quote (made it, or accepted the suggestion).",
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="Who checked the quote in review: another editor than who confirmed it.",
    )
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="Set on the quotes of one editor's independent annotation for an agreement "
        "task; the article's own quotes have none.",
    )
    history = HistoricalRecords(get_user=history_user)

    objects = LiveQuoteManager()
    all_objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "start", "id"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["article", "start"], name="annotations_quote_article_idx"),
            models.Index(fields=["speaker", "id"], name="annotations_quote_speaker_idx"),
            models.Index(fields=["status", "id"], name="annotations_quote_stat_id_idx"),
            models.Index(fields=["kind", "id"], name="annotations_quote_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deleted_by__isnull=True) | Q(deleted_at__isnull=False),
                name="annotations_quote_deleted_by_needs_deleted_at",
            ),
            *span_constraints("quote", "start", "end", nullable=False),
            *span_constraints("quote_mention", "mention_start", "mention_end", nullable=True),
            *span_constraints("quote_cue", "cue_start", "cue_end", nullable=True),
        ]

    Meta.constraints[:0] = [
        choice_constraint("quote", "kind", Kind),
        choice_constraint("quote", "status", Status),
        choice_constraint("quote", "anchoring", Anchoring),
    ]

    class VersionConflict(ValidationError):
        """A change was asked of the quote at a version it is no longer at: someone else
        changed it in between. Nothing was changed."""

        def __init__(self, quote_id: int, expected: int, current: int | None):
            self.quote_id, self.expected, self.current = quote_id, expected, current
            super().__init__(
                f"Quote #{quote_id} has changed since version {expected}: it is now at "
                f"version {current}.",
                code="version_conflict",
            )

    @classmethod
    def prepare(
        cls,
        article,
        *,
        kind: str,
        fragments: Sequence[tuple[int, int]],
        status: str = Status.CONFIRMED,
        speaker: Speaker | None = None,
        speaker_role: str = "",
        mention: tuple[int, int] | None = None,
        cue: str = "",
        cue_span: tuple[int, int] | None = None,
        via: Sequence[Hop] = (),
        note: str = "",
        by=None,
        annotator=None,
        anchoring: str = Anchoring.ANCHORED,
        revision=None,
        previous_text: str = "",
    ) -> Quote:
        """A new quote, checked against the article's body but not stored yet (see
        :meth:`create`, and ``Quote.objects.create_prepared`` for many at once). With
        ``annotator``, it belongs to that editor's independent annotation (an
        :class:`AgreementTask`).

        ``anchoring``, ``revision`` and ``previous_text`` make a quote as it was elsewhere
        (an article document): an orphaned one's spans are checked against the body of its
        ``revision``."""
        if anchoring == cls.Anchoring.ORPHANED and revision is None:
            raise ValidationError(
                "An orphaned quote needs the revision its text was anchored in.",
                code="orphan_without_revision",
            )
        quote = new_row(cls)
        quote.article = article
        quote.annotator = annotator
        quote._apply(
            {
                "anchoring": anchoring,
                "revision": revision if anchoring == cls.Anchoring.ORPHANED else None,
                "previous_text": previous_text if anchoring == cls.Anchoring.RELOCATED else "",
                "kind": kind,
                "fragments": fragments,
                "status": status,
                "speaker": speaker,
                "speaker_role": speaker_role,
                "mention": mention,
                "cue": cue,
                "cue_span": cue_span,
                "via": via,
                "note": note,
            }
        )
        quote.stamp(by)
        quote._note_confirmation(None, by)
        return quote

    @classmethod
    def create(cls, article, **fields) -> Quote:
        """Make and store a quote: :meth:`prepare`'s arguments (fragments, kind, speaker,
        the speaker's role as the article gives it, mention, cue, cue span, via, status, note,
        ``by``). A confirmed quote makes its
        speaker and via chain an editor's own."""
        quote = cls.prepare(article, **fields)
        with transaction.atomic():
            quote._store(was=None)
        return quote

    def edit(
        self,
        *,
        by=None,
        expected_version: int | None = None,
        kind: str = KEEP,
        fragments: Sequence[tuple[int, int]] = KEEP,
        status: str = KEEP,
        speaker: Speaker | None = KEEP,
        speaker_role: str = KEEP,
        mention: tuple[int, int] | None = KEEP,
        cue: str = KEEP,
        cue_span: tuple[int, int] | None = KEEP,
        via: Sequence[Hop] = KEEP,
        note: str = KEEP,
    ) -> None:
        """Change what is given (anything left out stays) and bump the version. A change of
        status has the effects of :meth:`accept` and :meth:`reject`.

        With ``expected_version``, the change only happens if the quote is still at that
        version in the database; else :class:`Quote.VersionConflict` and nothing changes."""
        changes = {
            "kind": kind,
            "fragments": fragments,
            "status": status,
            "speaker": speaker,
            "speaker_role": speaker_role,
            "mention": mention,
            "cue": cue,
            "cue_span": cue_span,
            "via": via,
            "note": note,
        }
        self._change({k: v for k, v in changes.items() if v is not KEEP}, by, expected_version)

    def accept(self, by=None, *, expected_version: int | None = None) -> None:
        """Confirm the quote (an editor's yes to a suggestion): its speaker and via chain
        stop being proposed."""
        self._change({"status": self.Status.CONFIRMED}, by, expected_version)

    def reject(self, by=None, *, expected_version: int | None = None) -> None:
        """Reject the quote (kept, so that it is not suggested again). Proposed speakers and
        outlets that nothing else names go with it."""
        self._change({"status": self.Status.REJECTED}, by, expected_version)

    def soft_delete(self, by=None, *, expected_version: int | None = None) -> None:
        """Delete the quote so that it can be undone: it leaves every list but keeps its
        row."""
        with transaction.atomic():
            self._claim(expected_version, deleted=False)
            self.deleted_at = timezone.now()
            self.deleted_by = _user_or_none(by)
            self.stamp(by)
            self._change_reason = "deleted"
            self.save()

    def restore(self, by=None, *, expected_version: int | None = None) -> None:
        """Undo a delete."""
        with transaction.atomic():
            self._claim(expected_version, deleted=True)
            self.deleted_at = None
            self.deleted_by = None
            self.stamp(by)
            self._change_reason = "restored"
            self.save()

    def _apply(self, changes: dict[str, Any]) -> None:
        """Set the given fields on the instance and check them, storing nothing."""
        if "anchoring" in changes:  # a quote as stored elsewhere (an article document)
            self.anchoring = changes["anchoring"]
            self.revision = changes.get("revision")
            self.previous_text = changes.get("previous_text") or ""
        elif "fragments" in changes:
            self.settle_anchoring()  # chosen anew: the spans point at the current text
        body = self.span_body
        for field in ("kind", "status", "speaker", "speaker_role", "cue", "note"):
            if field in changes:
                setattr(self, field, changes[field])
        for key, prefix in (("mention", "mention"), ("cue_span", "cue")):
            if key in changes:
                span = changes[key]
                start, end = (None, None) if span is None else (int(span[0]), int(span[1]))
                setattr(self, f"{prefix}_start", start)
                setattr(self, f"{prefix}_end", end)
        self._spans = None
        if "fragments" in changes:
            self._spans = self.check_fragments(body, changes["fragments"])
            self._derive(self._spans)
        self._hops = list(changes["via"]) if "via" in changes else None
        # The speaker and article are instances the caller holds; the named constraints
        # are the database's to hold.
        clean_fields_quickly(
            self,
            exclude=[
                "article",
                "speaker",
                "created_by",
                "updated_by",
                "deleted_by",
                "confirmed_by",
                "checked_by",
            ],
        )
        self.clean()

    def _change(self, changes: dict[str, Any], by, expected_version: int | None) -> None:
        was = self.status
        self._apply(changes)
        self.stamp(by)
        self._note_confirmation(was, by)
        with transaction.atomic():
            self._claim(expected_version, deleted=False)
            self._store(was=was)

    def _note_confirmation(self, was: str | None, by) -> None:
        """Who confirmed the quote: whoever made its status confirmed; nobody once it is
        not."""
        if self.status == self.Status.CONFIRMED:
            if was != self.status:
                self.confirmed_by = _user_or_none(by)
        else:
            self.confirmed_by = None

    @property
    def confirmer_id(self) -> int | None:
        """Who stands behind the quote: who confirmed it, else who made it."""
        return self.confirmed_by_id or self.created_by_id

    def can_be_checked_by(self, user) -> bool:
        return self.status == self.Status.CONFIRMED and user.pk != self.confirmer_id

    def mark_checked(self, by, *, expected_version: int | None = None) -> None:
        """The second check: ``by``, another editor than whoever confirmed the quote, says
        it is right as it stands. Bumps the version."""
        if self.status != self.Status.CONFIRMED:
            raise ValidationError(
                "Only a confirmed quote can be checked: accept or reject the suggestion first.",
                code="check_unconfirmed",
            )
        if by is not None and by.pk == self.confirmer_id:
            raise ValidationError(
                "You confirmed this quote; another editor checks it.", code="check_own"
            )
        self._set_check(_user_or_none(by), timezone.now(), by, expected_version, "checked")

    def _set_check(self, checker, at, by, expected_version: int | None, reason: str) -> None:
        with transaction.atomic():
            self._claim(expected_version, deleted=False)
            self.checked_by = checker
            self.checked_at = at
            self.stamp(by)
            self._change_reason = reason
            self.save()

    def _claim(self, expected_version: int | None, *, deleted: bool) -> None:
        """Bump the version. With ``expected_version``, only if the row is still at that
        version (and deleted or not, as ``deleted`` says): a conditional ``UPDATE`` that
        also holds the row until the transaction ends."""
        if expected_version is None:
            self.version += 1
            return
        claimed = expected_version == self.version and (
            Quote.all_objects.filter(
                pk=self.pk, version=expected_version, deleted_at__isnull=not deleted
            ).update(version=F("version") + 1)
        )
        if not claimed:
            now = Quote.all_objects.filter(pk=self.pk).values_list("version", flat=True).first()
            raise self.VersionConflict(self.pk, expected_version, now)
        self.version = expected_version + 1

    def _store(self, *, was: str | None) -> None:
        """Save the row and whatever :meth:`_apply` changed beside it. Call in a
        transaction."""
        self.save()
        if self._spans is not None:
            self._write_fragments(self._spans)
        if self._hops is not None:
            self.set_via(self._hops)
        self.settle_proposals(was)

    def settle_proposals(self, was: str | None) -> None:
        """What a quote's status means for the proposed speakers and outlets it names,
        after a change from status ``was`` (None for a new quote): confirming adopts
        them, rejecting drops those nothing else names."""
        if self.status == self.Status.REJECTED and was != self.status:
            self.drop_unused_proposals()
        elif self.status == self.Status.CONFIRMED:
            self.adopt_proposals(hops=was is not None and was != self.status)

    def adopt_proposals(self, *, hops: bool) -> None:
        """A confirmed quote makes its speaker (and, with ``hops``, its via chain) an
        editor's own: they are no longer proposed."""
        cached = Quote.speaker.is_cached(self)
        by = _acting(self)
        if self.speaker_id is not None and (not cached or self.speaker.proposed):
            keep_proposed(Speaker.objects.filter(pk=self.speaker_id), by)
            if cached:
                self.speaker.proposed = False
        if hops:
            keep_proposed(Speaker.objects.filter(via_hops__quote=self), by)
            keep_proposed(Outlet.objects.filter(via_hops__quote=self), by)

    def _names_proposed(self) -> bool:
        """Whether the speaker or an outlet of the via chain in hand is proposed."""
        if self.speaker_id is not None and (
            not Quote.speaker.is_cached(self) or self.speaker.proposed
        ):
            return True
        return any(h.outlet is not None and h.outlet.proposed for h in self._hops or ())

    def drop_unused_proposals(self) -> None:
        """A rejected suggestion takes with it the proposed speaker and outlets made for it,
        once nothing but rejected suggestions names them."""
        rejected = self.Status.REJECTED
        by = _user_or_none(_acting(self))
        why = "proposed for suggestions that were all rejected"
        speaker = Speaker.objects.filter(pk=self.speaker_id, proposed=True).first()
        if speaker is not None and not (
            Quote.all_objects.filter(speaker=speaker).exclude(status=rejected).exists()
            or ViaHop.objects.filter(speaker=speaker).exclude(quote__status=rejected).exists()
            or speaker.aliases.exists()
        ):
            try:
                with transaction.atomic():  # a suggestion made meanwhile may name it
                    others = Quote.all_objects.filter(speaker=speaker).exclude(pk=self.pk)
                    update_with_history(
                        others,
                        by=by,
                        reason=why,
                        speaker=None,
                        version=F("version") + 1,
                        updated_at=timezone.now(),
                    )
                    update_with_history(
                        Quote.all_objects.filter(pk=self.pk), by=by, reason=why, speaker=None
                    )
                    delete_with_history(ViaHop.objects.filter(speaker=speaker), by=by, reason=why)
                    _as(speaker, by, why)
                    speaker.delete()
                self.speaker = None
            except (IntegrityError, ProtectedError):
                pass
        for outlet in Outlet.objects.filter(proposed=True, via_hops__quote=self).distinct():
            if (
                outlet.articles.exists()
                or ViaHop.objects.filter(outlet=outlet).exclude(quote__status=rejected).exists()
                or outlet.aliases.exists()
            ):
                continue
            try:
                with transaction.atomic():
                    delete_with_history(ViaHop.objects.filter(outlet=outlet), by=by, reason=why)
                    _as(outlet, by, why)
                    outlet.delete()
            except (IntegrityError, ProtectedError):
                pass

    def __str__(self) -> str:
        short = self.text if len(self.text) <= 60 else self.text[:57] + "…"
        return f"{self.get_kind_display()}: {short}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#quote-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def speaker_mention(self) -> tuple[int, int] | None:
        if self.mention_start is None:
            return None
        return (self.mention_start, self.mention_end)

    @property
    def cue_span(self) -> tuple[int, int] | None:
        if self.cue_start is None:
            return None
        return (self.cue_start, self.cue_end)

    def clean(self) -> None:
        super().clean()
        # An article in hand may not be stored yet (an import checks everything first).
        cached = self.article_id is not None or Quote.article.is_cached(self)
        body = self.span_body if cached and self.article is not None else ""
        if (self.mention_start is None) != (self.mention_end is None):
            raise ValidationError(
                {"mention_start": "Give both ends of the speaker mention, or neither."}
            )
        if self.mention_start is not None:
            textrules.check_span(body, self.mention_start, self.mention_end, what="speaker mention")
        if (self.cue_start is None) != (self.cue_end is None):
            raise ValidationError({"cue_start": "Give both ends of the cue span, or neither."})
        if self.cue_start is not None:
            textrules.check_span(body, self.cue_start, self.cue_end, what="cue")
        if self.deleted_by_id is not None and self.deleted_at is None:
            raise ValidationError(
                {"deleted_by": "Only a deleted quote names who deleted it."},
                code="deleted_by_needs_deleted_at",
            )

    @staticmethod
    def check_fragments(body: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Validate fragment spans against ``body``: each inside it, non-empty, none
        overlapping another. Returns them sorted."""
        if not spans:
            raise ValidationError("A quote needs at least one fragment.", code="no_fragments")
        ordered = sorted((int(s), int(e)) for s, e in spans)
        for n, (start, end) in enumerate(ordered):
            textrules.check_span(body, start, end, what=f"fragment {start}-{end}")
            if n and start < ordered[n - 1][1]:
                raise ValidationError(
                    f"Fragments {ordered[n - 1][0]}-{ordered[n - 1][1]} and {start}-{end} "
                    "overlap; a quote's fragments must not share characters.",
                    code="fragments_overlap",
                )
        return ordered

    def set_fragments(self, spans: Sequence[tuple[int, int]]) -> None:
        """Replace the quote's fragments (saving the quote first when it is new) and refresh
        its derived start, end and text. Does not bump the version: see :meth:`edit`. Spans
        chosen anew anchor the quote in the current text (a relocated or orphaned quote is
        settled)."""
        ordered = self.check_fragments(self.article.body, spans)
        self.settle_anchoring()
        self._derive(ordered)
        self.save()
        self._write_fragments(ordered)

    def _derive(self, ordered: Sequence[tuple[int, int]]) -> None:
        body = self.span_body
        self.start, self.end = ordered[0][0], ordered[-1][1]
        self.text = FRAGMENT_JOINER.join(body[s:e] for s, e in ordered)

    def _write_fragments(self, ordered: Sequence[tuple[int, int]]) -> None:
        body = self.span_body
        by = _acting(self)
        delete_with_history(self.fragments.all(), by=by)
        create_with_history(
            Fragment,
            [Fragment(quote=self, start=s, end=e, text=body[s:e]) for s, e in ordered],
            by=by,
        )

    def set_via(self, hops: Sequence[Hop]) -> None:
        """Replace the via chain; ``hops`` go nearest the speaker first."""
        by = _acting(self)
        delete_with_history(self.via_hops.all(), by=by)
        create_with_history(
            ViaHop,
            [
                ViaHop(quote=self, position=n, outlet=h.outlet, speaker=h.speaker)
                for n, h in enumerate(hops)
            ],
            by=by,
        )
        if self.status == self.Status.CONFIRMED:
            for model, rows in (
                (Speaker, [h.speaker for h in hops if h.speaker is not None]),
                (Outlet, [h.outlet for h in hops if h.outlet is not None]),
            ):
                proposed = [row.pk for row in rows if row.proposed]
                if proposed:
                    keep_proposed(model.objects.filter(pk__in=proposed), by)

    def via_names(self) -> list[str]:
        return [hop.name for hop in self.via_hops.all()]

    def snapshot(self) -> dict[str, Any]:
        """What :meth:`put_back` needs to bring the quote back to how it is now, as JSON:
        kind, status, fragments, speaker and role, mention, cue, via chain, note, deleted or not."""
        return {
            "kind": self.kind,
            "status": self.status,
            "fragments": [[f.start, f.end] for f in self.fragments.all()],
            "speaker": self.speaker_id,
            "speaker_name": self.speaker.name if self.speaker_id else "",
            "speaker_role": self.speaker_role,
            "mention": list(self.speaker_mention) if self.speaker_mention else None,
            "cue": self.cue,
            "cue_span": list(self.cue_span) if self.cue_span else None,
            "via": [
                [hop.type, hop.outlet_id or hop.speaker_id, hop.name] for hop in self.via_hops.all()
            ],
            "note": self.note,
            "deleted": self.is_deleted,
            "confirmed_by": self.confirmed_by_id,
            "checked_by": self.checked_by_id,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
        }

    def put_back(self, state: dict[str, Any], *, by=None, expected_version: int) -> None:
        """Bring the quote back to a :meth:`snapshot`, through :meth:`restore`,
        :meth:`edit` and :meth:`soft_delete` (so each step is versioned and recorded).
        Only the parts that differ change. A speaker or outlet that has gone since (a
        proposed one leaves with the last suggestion naming it) is found again or made
        anew by name."""
        with transaction.atomic():
            version = expected_version
            if self.is_deleted and not state["deleted"]:
                self.restore(by=by, expected_version=version)
                version = self.version
            now = self.snapshot()
            changes: dict[str, Any] = {}
            for key in ("kind", "status", "cue", "note"):
                if now[key] != state[key]:
                    changes[key] = state[key]
            if "speaker_role" in state and now["speaker_role"] != state["speaker_role"]:
                changes["speaker_role"] = state["speaker_role"]
            if now["fragments"] != state["fragments"]:
                changes["fragments"] = [tuple(span) for span in state["fragments"]]
            if now["mention"] != state["mention"]:
                changes["mention"] = tuple(state["mention"]) if state["mention"] else None
            if now["cue_span"] != state["cue_span"]:
                changes["cue_span"] = tuple(state["cue_span"]) if state["cue_span"] else None
            if now["speaker"] != state["speaker"]:
                changes["speaker"] = _speaker_again(state["speaker"], state["speaker_name"], by)
            if [h[:2] for h in now["via"]] != [h[:2] for h in state["via"]]:
                changes["via"] = [_hop_again(kind, pk, name, by) for kind, pk, name in state["via"]]
            if changes:
                self.edit(by=by, expected_version=version, **changes)
                version = self.version
            confirmer = state.get("confirmed_by")
            if self.status == self.Status.CONFIRMED and self.confirmed_by_id != confirmer:
                # Who confirmed it before the change, rather than whoever undid it.
                if confirmer is not None and not User.objects.filter(pk=confirmer).exists():
                    confirmer = None
                update_with_history(
                    Quote.all_objects.filter(pk=self.pk),
                    by=by,
                    reason="who confirmed it put back",
                    confirmed_by_id=confirmer,
                )
                self.confirmed_by_id = confirmer
            checked = (state.get("checked_by"), state.get("checked_at"))
            if (now["checked_by"], now["checked_at"]) != checked:
                checker = User.objects.filter(pk=checked[0]).first() if checked[0] else None
                at = datetime.fromisoformat(checked[1]) if checked[1] and checker else None
                self._set_check(checker, at, by, version, "check undone")
                version = self.version
            if state["deleted"] and not self.is_deleted:
                self.soft_delete(by=by, expected_version=version)

    # Following the text ---------------------------------------------------------------

    @property
    def is_anchored(self) -> bool:
        return self.anchoring == self.Anchoring.ANCHORED

    @property
    def span_body(self) -> str:
        """The text the quote's offsets point into: the article's body, or for an orphaned
        quote the body of the revision it was anchored in."""
        if self.anchoring == self.Anchoring.ORPHANED and self.revision is not None:
            return self.revision.body
        return self.article.body

    def settle_anchoring(self) -> None:
        """Mark the quote's spans as pointing at its text in the current revision."""
        self.anchoring = self.Anchoring.ANCHORED
        self.revision = None
        self.previous_text = ""

    def confirm_anchoring(self, by=None, *, expected_version: int | None = None) -> None:
        """An editor's word that a relocated quote was found at the right place: it is
        anchored again (with ``expected_version``, a conditional update as :meth:`edit`)."""
        if self.anchoring != self.Anchoring.RELOCATED:
            raise ValidationError(
                "Only a relocated quote can be confirmed where it was found; an orphaned "
                "one needs its text selected again.",
                code="not_relocated",
            )
        with transaction.atomic():
            self._claim(expected_version, deleted=False)
            self.settle_anchoring()
            self.stamp(by)
            self._change_reason = "anchoring confirmed"
            self.save()

    @classmethod
    def follow_text(cls, article, previous, revision, *, by_id=None):
        """Re-anchor every quote of ``article`` (deleted and rejected ones too) from the
        body of ``previous`` to that of ``revision`` (the article's body now): fragments,
        speaker mention and cue span. Orphaned quotes are looked for again from the body
        of the revision they belong to. Quotes that moved or changed state get a new
        version; nothing is deleted."""
        quotes = list(
            cls.all_objects.filter(article=article)
            .select_related("revision")
            .prefetch_related("fragments")
        )
        groups: dict[int | None, list[Quote]] = defaultdict(list)
        for quote in quotes:
            orphan = quote.anchoring == cls.Anchoring.ORPHANED and quote.revision_id
            groups[quote.revision_id if orphan else None].append(quote)
        changed: list[Quote] = []
        for key, members in groups.items():
            source = previous if key is None else members[0].revision
            spans: list[tuple[int, int]] = []
            for quote in members:
                spans += [(f.start, f.end) for f in quote.fragments.all()]
                spans += [s for s in (quote.speaker_mention, quote.cue_span) if s is not None]
            anchors = iter(anchoring.reanchor(source.body, revision.body, spans))
            for quote in members:
                if quote._follow(anchors, source, revision.body):
                    changed.append(quote)
        if not changed:
            return
        now = timezone.now()
        for quote in changed:
            quote.version += 1
            quote.updated_at = now
            if by_id is not None:
                quote.updated_by_id = by_id
        bulk_update_with_history(
            changed,
            cls,
            [
                "start",
                "end",
                "text",
                "mention_start",
                "mention_end",
                "cue_start",
                "cue_end",
                "anchoring",
                "revision",
                "previous_text",
                "version",
                "updated_at",
                "updated_by",
            ],
            batch_size=500,
            default_change_reason=f"text revised (revision {revision.number})",
            default_date=now,
            manager=cls.all_objects,  # deleted quotes follow too, for their undo
        )
        moved = [q for q in changed if q.anchoring != cls.Anchoring.ORPHANED]
        why = f"text revised (revision {revision.number})"
        delete_with_history(
            Fragment.objects.filter(quote__in=[q.pk for q in moved]), by=by_id, reason=why
        )
        create_with_history(
            Fragment,
            [
                Fragment(quote=q, start=s, end=e, text=revision.body[s:e])
                for q in moved
                for s, e in q._new_fragments
            ],
            by=by_id,
            reason=why,
        )

    def _follow(self, anchors, source, body: str) -> bool:
        """Take this quote's anchors (fragments, then mention and cue, as ``follow_text``
        listed them) and change the quote to match; returns whether it changed."""
        fragments = list(self.fragments.all())
        placed = [next(anchors) for _ in fragments]
        mention = next(anchors) if self.speaker_mention is not None else None
        cue = next(anchors) if self.cue_span is not None else None
        spans = sorted((a.start, a.end) for a in placed)
        overlapping = any(spans[i][0] < spans[i - 1][1] for i in range(1, len(spans)))
        if not placed or overlapping or any(a.state == "orphaned" for a in placed):
            if self.anchoring == self.Anchoring.ORPHANED:
                return False  # still gone; it keeps the revision it belongs to
            self.anchoring = self.Anchoring.ORPHANED
            self.revision = source
            return True
        was = (self.anchoring, self.speaker_mention, self.cue_span)
        states = [a.state for a in placed]
        for anchor, prefix in ((mention, "mention"), (cue, "cue")):
            if anchor is None:
                continue
            if anchor.state == "orphaned":  # the cue word went: the quote needs a look
                setattr(self, f"{prefix}_start", None)
                setattr(self, f"{prefix}_end", None)
                states.append(anchoring.State.RELOCATED)
            else:
                setattr(self, f"{prefix}_start", anchor.start)
                setattr(self, f"{prefix}_end", anchor.end)
                states.append(anchor.state)
        state = anchoring.worst(states)
        old_text = self.text
        self._new_fragments = spans
        self.start, self.end = spans[0][0], spans[-1][1]
        self.text = FRAGMENT_JOINER.join(body[s:e] for s, e in spans)
        if state == anchoring.State.RELOCATED and self.anchoring != self.Anchoring.RELOCATED:
            self.previous_text = old_text
        if state == anchoring.State.RELOCATED or self.anchoring == self.Anchoring.RELOCATED:
            self.anchoring = self.Anchoring.RELOCATED  # stays to be confirmed
            self.revision = None
        else:
            self.settle_anchoring()
        moved = [(f.start, f.end) for f in fragments] != spans
        now = (self.anchoring, self.speaker_mention, self.cue_span)
        return moved or now != was


def _speaker_again(pk: int | None, name: str, by) -> Speaker | None:
    if pk is None:
        return None
    found = Speaker.objects.filter(pk=pk).first()
    return found or Speaker.objects.find_or_create(name, by=by, proposed=True)


def _hop_again(kind: str, pk: int, name: str, by) -> Hop:
    if kind == "speaker":
        return Hop(speaker=_speaker_again(pk, name, by))
    found = Outlet.objects.filter(pk=pk).first()
    return Hop(outlet=found or Outlet.objects.find_or_create(name, by=by, proposed=True))


class Fragment(models.Model):
    """One contiguous span of a quote. For direct quotes it covers what stands between the
    quotation marks, not the marks."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="fragments")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["start"]
        constraints = [
            *span_constraints("fragment", "start", "end", nullable=False),
            models.UniqueConstraint(
                fields=["quote", "start"], name="annotations_fragment_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"

    def clean(self) -> None:
        if self.quote_id is not None:
            textrules.check_span(
                self.quote.article.body, self.start, self.end, self.text, what="fragment"
            )


class ViaHop(models.Model):
    """One step in the chain through which a statement reached the article: an outlet ("RIA
    Novosti reported") or a speaker (a claim relayed by someone else). Position 0 is the hop
    nearest the speaker."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="via_hops")
    position = models.PositiveSmallIntegerField()
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="via_hops"
    )
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.PROTECT, related_name="via_hops"
    )
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outlet__isnull=False) & Q(speaker__isnull=True))
                | (Q(outlet__isnull=True) & Q(speaker__isnull=False)),
                name="annotations_viahop_outlet_xor_speaker",
            ),
            models.UniqueConstraint(
                fields=["quote", "position"], name="annotations_viahop_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def type(self) -> str:
        return "outlet" if self.outlet_id else "speaker"

    @property
    def target(self):
        return self.outlet if self.outlet_id else self.speaker

    @property
    def name(self) -> str:
        return self.target.name

    def clean(self) -> None:
        if (self.outlet_id is None) == (self.speaker_id is None):
            raise ValidationError(
                "A via hop names either an outlet or a speaker, not both or neither."
            )
