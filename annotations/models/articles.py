"""Articles: their text and its revisions, the boilerplate in it, the work queue they move
through, and the quotes suggested in them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .. import anchoring
from .. import text as textrules
from ..boilerplate import ranges_of, recurring_keys
from ..suggesting import suggest
from .base import LiveManager, SoftDeletable, Tracked, User, choice_constraint, span_constraints
from .directory import Outlet, Speaker
from .history import (
    _as,
    _user_or_none,
    create_with_history,
    delete_with_history,
    history_user,
    update_with_history,
    write_history,
)
from .quotes import Hop, Quote


def _span_similarity(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> float:
    """Characters shared by two sets of spans over the characters either covers."""
    shared = sum(max(0, min(x[1], y[1]) - max(x[0], y[0])) for x in a for y in b)
    total = sum(e - s for s, e in a) + sum(e - s for s, e in b) - shared
    return shared / total if total else 0.0


class ArticleQuerySet(models.QuerySet):
    def with_counts(self):
        """Annotate each article with its number of live quotes and of suggested ones."""
        live = Q(quotes__deleted_at__isnull=True)
        return self.annotate(
            quote_count=models.Count("quotes", filter=live & ~Q(quotes__status="rejected")),
            suggested_count=models.Count("quotes", filter=live & Q(quotes__status="suggested")),
        )

    def with_suggestions(self, has: bool = True):
        """Articles with (or, ``has=False``, without) live suggestions waiting."""
        waiting = Quote.objects.filter(article=OuterRef("pk"), status=Quote.Status.SUGGESTED)
        return self.filter(Exists(waiting)) if has else self.exclude(Exists(waiting))

    def assigned_to(self, user):
        return self.filter(assignee=user)

    def unassigned(self):
        return self.filter(assignee__isnull=True)

    def queue_of(self, user):
        """``user``'s queue: the articles assigned to them that are not done, in review
        first (someone waits for them), then in progress, then new; oldest first within."""
        order = models.Case(
            models.When(status=Article.Status.IN_REVIEW, then=0),
            models.When(status=Article.Status.IN_PROGRESS, then=1),
            default=2,
        )
        return (
            self.assigned_to(user)
            .exclude(status=Article.Status.DONE)
            .alias(queue_rank=order)
            .order_by("queue_rank", "created_at", "id")
        )


class Article(SoftDeletable, Tracked):
    """A news story as published. Its body is stored as imported (normalised once); each
    change of it is a :class:`Revision`, and the quotes follow the text."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        IN_REVIEW = "in_review", "In review"
        DONE = "done", "Done"

    title = models.CharField(max_length=500)
    body = models.TextField()
    publisher = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    url = models.URLField(
        "URL", max_length=1000, blank=True, validators=[textrules.web_url_validator()]
    )
    byline = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, default="en")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_articles",
        help_text="The editor whose queue the article is in.",
    )
    uid = models.UUIDField(
        "UID",
        default=uuid.uuid4,
        null=True,  # rows made before it existed get theirs from the migration, in batches
        editable=False,
        help_text="The article's identity across databases: an export carries it, and an "
        "import finds the article again by it.",
    )
    history = HistoricalRecords(get_user=history_user)

    objects = LiveManager.from_queryset(ArticleQuerySet)()
    all_objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["published_at"], name="annotations_article_pub_idx"),
            models.Index(fields=["status"], name="annotations_article_status_idx"),
            models.Index(fields=["assignee", "status"], name="annotations_article_queue_idx"),
            # an import looks for the same title and body before it adds an article
            models.Index(fields=["title"], name="annotations_article_title_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="annotations_article_url_unique"
            ),
            models.CheckConstraint(
                condition=~Q(body=""), name="annotations_article_body_not_empty"
            ),
            models.UniqueConstraint(fields=["uid"], name="annotations_article_uid_unique"),
        ]

    Meta.constraints.append(choice_constraint("article", "status", Status))

    def __str__(self) -> str:
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_body = instance.__dict__.get("body")
        return instance

    def body_changed(self) -> bool:
        if self._state.adding or "body" not in self.__dict__:
            return False
        loaded = getattr(self, "_loaded_body", None)
        if loaded is None:  # loaded with the body deferred: ask the database
            loaded = Article.all_objects.filter(pk=self.pk).values_list("body", flat=True).first()
        return loaded is not None and loaded != self.body

    def clean(self) -> None:
        super().clean()
        if self.body and (self._state.adding or self.body_changed()):
            self.body = textrules.normalize(self.body)
        if len(self.body) > settings.NEWSDESK_MAX_BODY_CHARS:
            raise ValidationError(
                {
                    "body": f"The body has {len(self.body):,} characters; the most Newsdesk "
                    f"accepts is {settings.NEWSDESK_MAX_BODY_CHARS:,}."
                }
            )

    def save(self, *args, **kwargs):
        """Save the article; a changed body becomes a new revision, and the quotes follow
        the text (see :meth:`apply_revision`)."""
        fields = kwargs.get("update_fields")
        changed = self.body_changed() and (fields is None or "body" in fields)
        if not changed:
            super().save(*args, **kwargs)
            self._loaded_body = self.body
            return
        with transaction.atomic():
            # The body as stored now, the row locked: a change made meanwhile by someone
            # else is the text the quotes point into, not what this instance loaded.
            stored = (
                Article.all_objects.select_for_update()
                .filter(pk=self.pk)
                .values_list("body", flat=True)
                .get()
            )
            super().save(*args, **kwargs)
            self._loaded_body = self.body
            if stored != self.body:
                self.apply_revision(stored, by=self.updated_by_id)

    def revise(self, body: str, by=None) -> Revision | None:
        """Change the body to ``body`` (normalised here) as ``by``: a new revision, the
        quotes re-anchored. Returns the revision, or None when the text is the same."""
        textrules.refuse_nul(body, "body")
        body = textrules.normalize(body)
        if not body.strip():
            raise ValidationError({"body": "The body is empty."}, code="body_empty")
        limit = settings.NEWSDESK_MAX_BODY_CHARS
        if len(body) > limit:
            raise ValidationError(
                {
                    "body": f"The body has {len(body):,} characters; the most Newsdesk accepts is "
                    f"{limit:,}."
                },
                code="body_too_long",
            )
        self.body = body
        if not self.body_changed():
            return None
        self.stamp(by)
        self.save()
        return self.revisions.order_by("-number").first()

    def current_revision_number(self) -> int:
        """The number of the body as it stands (1 until it first changes)."""
        return self.revisions.aggregate(n=models.Max("number"))["n"] or 1

    def revision_list(self) -> list[Revision]:
        """Every revision, oldest first; an article whose body never changed has one,
        unsaved, made from the article itself."""
        revisions = list(self.revisions.select_related("created_by").order_by("number"))
        if not revisions:
            revisions = [
                Revision(
                    article=self,
                    number=1,
                    body=self.body,
                    created_at=self.created_at,
                    created_by=self.created_by,
                )
            ]
        return revisions

    def apply_revision(self, old_body: str, by=None) -> Revision:
        """Record the body, just saved, as a new revision after ``old_body``, and make every
        quote (deleted and rejected ones too) and boilerplate range follow the text.

        The first change also stores revision 1, the body as it was made. Quotes whose text
        is unchanged move exactly; changed a little, they are ``relocated``; gone, they are
        ``orphaned`` and keep their old offsets, text and the revision those point into.
        Nothing is deleted. Call inside a transaction, with the article row locked."""
        by_id = by.pk if isinstance(by, models.Model) else by
        previous = self.revisions.order_by("-number").first()
        if previous is None:
            previous = Revision.objects.create(
                article=self,
                number=1,
                body=old_body,
                created_at=self.created_at,
                created_by_id=self.created_by_id,
            )
        revision = Revision.objects.create(
            article=self, number=previous.number + 1, body=self.body, created_by_id=by_id
        )
        Quote.follow_text(self, previous, revision, by_id=by_id)
        BoilerplateRange.follow_text(self, old_body, by=by_id)
        return revision

    def get_absolute_url(self) -> str:
        return reverse("annotations:article-detail", args=[self.pk])

    @transaction.atomic
    def soft_delete(self, by=None) -> None:
        """Delete the article so that it can be undone: it leaves every list, and so do its
        live quotes (deleted at the same moment, so that :meth:`restore` knows them)."""
        if self.deleted_at is not None:
            return
        super().soft_delete(by)
        update_with_history(
            Quote.objects.filter(article=self),
            by=by,
            reason="deleted with its article",
            deleted_at=self.deleted_at,
            deleted_by=_user_or_none(by),
            version=F("version") + 1,
            updated_at=self.deleted_at,
        )

    @transaction.atomic
    def restore(self, by=None) -> None:
        """Undo a delete: the article comes back with the quotes that went with it (those
        deleted before it stay deleted)."""
        if self.deleted_at is None:
            return
        went = Quote.all_objects.filter(article=self, deleted_at=self.deleted_at)
        update_with_history(
            went,
            by=by,
            reason="restored with its article",
            deleted_at=None,
            deleted_by=None,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        super().restore(by)

    def assign(self, user, *, by=None) -> None:
        """Put the article in ``user``'s queue (None: nobody's). Only editors and admins
        can be given articles."""
        if user is not None and not user.can_edit:
            raise ValidationError(
                {
                    "assignee": f"{user.get_username()} may not annotate: only editors and admins "
                    "can be given articles."
                },
                code="assignee_cannot_edit",
            )
        self.assignee = user
        self.stamp(by)
        self._change_reason = (
            f"assigned to {user.get_username()}" if user is not None else "unassigned"
        )
        self.save(update_fields=["assignee", "updated_by", "updated_at"])

    def set_status(self, status: str, *, by=None) -> None:
        """Move the article to ``status`` (one of :class:`Article.Status`)."""
        if status not in self.Status.values:
            raise ValidationError(f"Unknown status {status[:20]!r}.", code="unknown_status")
        self.status = status
        self.stamp(by)
        self._change_reason = f"status {status}"
        self.save(update_fields=["status", "updated_by", "updated_at"])

    def is_reviewed_by(self, user) -> bool:
        """Whether the article is in review in ``user``'s queue."""
        return (
            self.status == self.Status.IN_REVIEW
            and getattr(user, "pk", None) is not None
            and self.assignee_id == user.pk
        )

    def annotators(self) -> set[int]:
        """Ids of the editors who annotated the article: who it was assigned to before
        review, who made or confirmed its confirmed quotes."""
        confirmed = Quote.objects.filter(article=self, status=Quote.Status.CONFIRMED)
        ids = set(confirmed.values_list("confirmed_by", flat=True))
        ids |= set(confirmed.values_list("created_by", flat=True))
        if self.assignee_id and self.status != self.Status.IN_REVIEW:
            ids.add(self.assignee_id)
        ids.discard(None)
        return ids

    def reviewers(self):
        """Editors who may review the article (none of its annotators), those with the
        fewest articles waiting in review first."""
        waiting = models.Count(
            "assigned_articles", filter=Q(assigned_articles__status=self.Status.IN_REVIEW)
        )
        return (
            User.objects.filter(is_active=True, role__in=[User.Role.EDITOR, User.Role.ADMIN])
            .exclude(pk__in=self.annotators())
            .annotate(in_review=waiting)
            .order_by("in_review", "username")
        )

    @transaction.atomic
    def send_to_review(self, reviewer=None, *, by=None) -> None:
        """Move the article to "in review" and into the queue of ``reviewer`` (by default
        the free-est editor who did not annotate it). An editor never reviews their own."""
        if reviewer is None:
            reviewer = self.reviewers().first()
            if reviewer is None:
                raise ValidationError(
                    "No other editor can review this article: everyone who could annotated it.",
                    code="no_reviewer",
                )
        elif reviewer.pk in self.annotators():
            raise ValidationError(
                f"{reviewer.get_username()} annotated this article; another editor reviews it.",
                code="review_own",
            )
        elif not reviewer.can_edit:
            raise ValidationError(
                f"{reviewer.get_username()} may not annotate, so cannot review.",
                code="reviewer_cannot_edit",
            )
        self.status = self.Status.IN_REVIEW
        self.assignee = reviewer
        self.stamp(by)
        self._change_reason = f"sent to review by {reviewer.get_username()}"
        self.save(update_fields=["status", "assignee", "updated_by", "updated_at"])

    #: how many of the publisher's latest articles are compared with a new one
    BOILERPLATE_LOOKBACK = 200

    @transaction.atomic
    def propose_boilerplate(self) -> list[BoilerplateRange]:
        """Propose as boilerplate the paragraphs this article shares word for word with
        enough of its publisher's latest articles (see :mod:`annotations.boilerplate`), in
        this article and in those others; ranges already marked or proposed stay as they are.
        Suggestions that an earlier run left inside a new range are deleted (restorable).
        Returns the ranges made."""
        if self.publisher_id is None:
            return []
        others = list(
            Article.objects.filter(publisher_id=self.publisher_id)
            .exclude(pk=self.pk)
            .order_by("-pk")
            .prefetch_related("boilerplate")[: self.BOILERPLATE_LOOKBACK]
        )
        keys = recurring_keys(self.body, [a.body for a in others])
        if not keys:
            return []
        made = []
        for article in [self, *others]:
            taken = [(b.start, b.end) for b in article.boilerplate.all()]
            for start, end in ranges_of(article.body, keys):
                if any(start < e and s < end for s, e in taken):
                    continue
                made.append(
                    BoilerplateRange(
                        article=article,
                        start=start,
                        end=end,
                        proposed=True,
                        note="Repeated word for word in other articles of the publisher.",
                    )
                )
        made = create_with_history(
            BoilerplateRange, made, reason=f"proposed on adding article #{self.pk}"
        )
        # what was suggested there before the range was found goes (it can be restored)
        for found in made:
            inside = Quote.objects.filter(
                article_id=found.article_id, status=Quote.Status.SUGGESTED
            ).prefetch_related("fragments")
            for quote in inside:
                frags = list(quote.fragments.all())
                if frags and all(found.start <= f.start and f.end <= found.end for f in frags):
                    quote.soft_delete()
        return made

    def boilerplate_spans(self) -> list[tuple[int, int]]:
        return [(b.start, b.end) for b in self.boilerplate.all()]

    @transaction.atomic
    def suggest_quotes(self, by=None, suggester=None) -> Suggested:
        """Run the quote suggester over the body and store what it finds as quotes with
        status ``suggested``. ``suggester`` stands in for :func:`suggesting.suggest` (the
        jobs run it in a child process with a time limit).

        Nothing is proposed inside boilerplate ranges, nor where a quote already stands
        (confirmed, suggested, rejected or deleted: an editor's "no" is remembered).
        Speakers and outlets are matched by name or alias, else by the duplicate finder's
        rules (``likely``: titles, transliterations, compatible first names, a surname only
        one speaker has); a name that matches none becomes a new, *proposed* speaker or
        outlet (see :class:`Proposable`). Returns the new quotes, as a list that also counts
        what was left out (:class:`Suggested`).
        """
        existing = list(
            Quote.all_objects.filter(article=self, annotator__isnull=True).prefetch_related(
                "fragments", "speaker__aliases"
            )
        )
        known = {
            q.speaker.name: [a.name for a in q.speaker.aliases.all()]
            for q in existing
            if q.speaker is not None
        }
        # An orphaned quote's offsets are in an older text.
        placed = [q for q in existing if q.anchoring != Quote.Anchoring.ORPHANED]
        taken = [[(f.start, f.end) for f in q.fragments.all()] for q in placed]
        # An editor's word on a quote: confirmed, rejected or deleted (a suggestion no one
        # has looked at yet is not).
        decided = [q.status != Quote.Status.SUGGESTED or q.is_deleted for q in placed]
        speakers: dict[str, Speaker] = {}
        outlets: dict[str, Outlet] = {}
        created = Suggested()
        suggester = suggester or suggest
        for found in suggester(self.body, skip=self.boilerplate_spans(), known_speakers=known):
            spans = [(f.start, f.end) for f in found.fragments]
            near = [n for n, other in enumerate(taken) if _span_similarity(spans, other) >= 0.5]
            if near:
                if any(decided[n] for n in near):
                    created.decided += 1
                else:
                    created.pending += 1
                continue
            speaker = None
            if found.speaker_name:
                name = found.speaker_name[:200]
                if name not in speakers:
                    # A name no speaker has, that the duplicate finder takes for one of
                    # them ("Maj. Gen. Konashenkov"), is linked to it, not proposed anew.
                    speakers[name] = (
                        Speaker.objects.find(name)
                        or Speaker.objects.likely(name)
                        or Speaker.objects.find_or_create(name, by=by, proposed=True)
                    )
                speaker = speakers[name]
            hops = []
            for name in found.via:
                name = name[:200]
                if name not in outlets:
                    outlets[name] = (
                        Outlet.objects.find(name)
                        or Outlet.objects.likely(name)
                        or Outlet.objects.find_or_create(
                            name, by=by, proposed=True, kind=Outlet.Kind.NEWS_AGENCY
                        )
                    )
                hops.append(Hop(outlet=outlets[name]))
            mention, cue_span = found.speaker_mention, found.cue_span
            quote = Quote.create(
                self,
                kind=found.kind,
                status=Quote.Status.SUGGESTED,
                fragments=spans,
                speaker=speaker,
                mention=None if mention is None else (mention.start, mention.end),
                cue=found.cue[:200],
                cue_span=None if cue_span is None else (cue_span.start, cue_span.end),
                via=hops,
                by=by,
            )
            taken.append(spans)
            decided.append(False)
            created.append(quote)
        return created


class Suggested(list):
    """The quotes :meth:`Article.suggest_quotes` made, with what it left out: ``decided``,
    where an editor had already confirmed, rejected or deleted a quote; ``pending``, where a
    suggestion was already waiting."""

    def __init__(self, *args):
        super().__init__(*args)
        self.decided = 0
        self.pending = 0

    def summary(self) -> str:
        """For people: "Added 3 suggestions; left out 2 that an editor had already
        decided." """
        added = len(self)
        text = f"Added {added} suggestion{'s' if added != 1 else ''}"
        if self.decided:
            text += f"; left out {self.decided} that an editor had already decided"
        if self.pending:
            text += f"; {self.pending} already waiting"
        return text + "."


class Revision(models.Model):
    """One version of an article's body, with who made it and when. Stored from the first
    change on (revision 1 is then the body as the article was made); the current body is
    also the article's own."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["article_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="annotations_revision_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="annotations_revision_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("annotations:article-revisions", args=[self.article_id]) + (
            f"#r{self.number}"
        )


class BoilerplateRange(models.Model):
    """A part of the body that is not the story (a publisher's appeal, a newsletter box):
    nothing is suggested there.

    Marked by an editor, or found: a paragraph the publisher repeats word for word in its
    articles is *proposed* (``proposed``) until an editor confirms it (:meth:`confirm`) or
    rejects it (:meth:`reject`); nothing is suggested inside it meanwhile either."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="boilerplate")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)
    proposed = models.BooleanField(
        default=False, help_text="Found by Newsdesk, waiting for an editor to confirm it."
    )
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["start"]
        constraints = span_constraints("boilerplaterange", "start", "end", nullable=False)

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"

    def clean(self) -> None:
        if self.article_id is not None:
            textrules.check_span(self.article.body, self.start, self.end, what="boilerplate range")

    def confirm(self, by=None) -> None:
        """An editor agrees the proposed range is not the story: it stays, as if marked."""
        if self.proposed:
            self.proposed = False
            _as(self, by, "confirmed")
            self.save(update_fields=["proposed"])

    def reject(self, by=None) -> None:
        """An editor says the proposed range is the story: it goes (a marked one stays)."""
        if self.proposed:
            _as(self, by, "rejected: it is the story")
            self.delete()

    @classmethod
    def follow_text(cls, article: Article, old_body: str, by=None) -> None:
        """Move the article's ranges with its text; a range whose text is gone goes."""
        ranges = list(cls.objects.filter(article=article))
        if not ranges:
            return
        anchors = anchoring.reanchor(old_body, article.body, [(b.start, b.end) for b in ranges])
        gone = [b.pk for b, a in zip(ranges, anchors, strict=True) if a.state == "orphaned"]
        moved = []
        for b, a in zip(ranges, anchors, strict=True):
            if a.state != "orphaned" and (a.start, a.end) != (b.start, b.end):
                b.start, b.end = a.start, a.end
                moved.append(b)
        why = "the text changed"
        delete_with_history(cls.objects.filter(pk__in=gone), by=by, reason=why)
        if moved:
            cls.objects.bulk_update(moved, ["start", "end"])
            write_history(cls, moved, "~", by=by, reason=why)
