"""The Newsdesk domain: outlets, speakers, articles and the quotes annotated in them.

Invariants the database can hold are named constraints; ``clean()`` mirrors them, and checks
what a row cannot see on its own (a span against its article's body), with messages meant
for people.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import IntegrityError, connections, models, transaction
from django.db.models import Exists, F, OuterRef, ProtectedError, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from . import anchoring, duplicates
from . import text as textrules
from .boilerplate import ranges_of, recurring_keys
from .suggesting import suggest

FRAGMENT_JOINER = " … "
#: what an argument of :meth:`Quote.edit` defaults to: leave that part as it is
KEEP: Any = object()


def history_user(request=None, instance=None, **kwargs):
    """Who a history record names: whoever ``stamp()`` recorded on the row (this covers API
    requests signed by token, which the history middleware cannot see), else the signed-in
    user of the page request."""
    if instance is not None and instance._state.fields_cache.get("updated_by") is not None:
        return instance._state.fields_cache["updated_by"]
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def change_reason(text: str) -> str:
    """A history record's reason, cut to the column's 100 characters."""
    return text if len(text) <= 100 else text[:99] + "…"


def _user_or_none(user):
    return user if getattr(user, "is_authenticated", False) else None


def write_history(
    model, rows: Iterable[models.Model], history_type: str, *, by=None, reason: str = ""
) -> None:
    """Record ``rows`` in ``model``'s history in one insert: ``"+"`` made, ``"~"`` changed,
    ``"-"`` removed, by ``by`` (else the signed-in user of the request in hand) with
    ``reason``. For the paths that write rows in bulk, which Django's signals (and so
    django-simple-history) do not see."""
    historical = model.history.model
    now = timezone.now()

    def who(row) -> dict[str, Any]:
        if isinstance(by, int):  # an id in hand (the text-following path has no instance)
            return {"history_user_id": by}
        return {"history_user": _user_or_none(by) or historical.get_default_history_user(row)}

    records = [
        historical(
            history_date=now,
            **who(row),
            history_change_reason=change_reason(reason) if reason else None,
            history_type=history_type,
            **{f.attname: getattr(row, f.attname) for f in historical.tracked_fields},
        )
        for row in rows
    ]
    historical.objects.bulk_create(records, batch_size=500)


def create_with_history(
    model, rows: Sequence[models.Model], *, by=None, reason: str = "", batch_size: int = 1000
):
    """``bulk_create`` that records each new row in the history, with who and why."""
    rows = model._default_manager.bulk_create(list(rows), batch_size=batch_size)
    write_history(model, rows, "+", by=by, reason=reason)
    return rows


def delete_with_history(queryset, *, by=None, reason: str = "") -> int:
    """Delete the rows of ``queryset`` (rows nothing else refers to: aliases, fragments, via
    hops, boilerplate ranges) in one statement, recording each in the history first."""
    rows = list(queryset)
    if not rows:
        return 0
    write_history(queryset.model, rows, "-", by=by, reason=reason)
    gone = queryset.model._base_manager.filter(pk__in=[r.pk for r in rows])
    return gone._raw_delete(gone.db)


def update_with_history(queryset, *, by=None, reason: str = "", **values) -> list[int]:
    """``queryset.update(**values)`` that records each changed row in the history (in a
    few queries whatever the number of rows); returns the ids changed."""
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    if ids:
        model._base_manager.filter(pk__in=ids).update(**values)
        write_history(model, model._base_manager.filter(pk__in=ids), "~", by=by, reason=reason)
    return ids


def keep_proposed(queryset, by=None) -> None:
    """Make the proposed speakers or outlets of ``queryset`` an editor's own (an editor
    confirmed a quote naming them), recording the change."""
    update_with_history(
        queryset.filter(proposed=True),
        by=by,
        reason="kept: a confirmed quote names it",
        proposed=False,
    )


def _as(row, by, reason: str) -> None:
    """Name who and why on ``row``'s next history record (a delete's, say)."""
    if _user_or_none(by) is not None:
        row._history_user = by
    row._change_reason = change_reason(reason)


def _acting(row):
    """Who is changing ``row``, as its last ``stamp()`` recorded (no query)."""
    return row._state.fields_cache.get("updated_by")


def _span_similarity(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> float:
    """Characters shared by two sets of spans over the characters either covers."""
    shared = sum(max(0, min(x[1], y[1]) - max(x[0], y[0])) for x in a for y in b)
    total = sum(e - s for s, e in a) + sum(e - s for s, e in b) - shared
    return shared / total if total else 0.0


def choice_constraint(prefix: str, field: str, choices: type[models.Choices]):
    """A named constraint holding ``field`` to the values of ``choices``.

    A model's ``Meta`` cannot see the enums nested beside it, so models append these to
    ``Meta.constraints`` from their own body."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"annotations_{prefix}_{field}_valid",
    )


class User(AbstractUser):
    """A Newsdesk account. The role decides what it may do: analysts read, editors annotate,
    admins also manage users and merge speakers and outlets (and use the Django admin)."""

    class Role(models.TextChoices):
        ANALYST = "analyst", "Analyst"
        EDITOR = "editor", "Editor"
        ADMIN = "admin", "Admin"

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANALYST)

    class Meta:
        constraints = []

    Meta.constraints.append(choice_constraint("user", "role", Role))

    def save(self, *args, **kwargs):
        # createsuperuser makes admins; the role and the admin flags never disagree.
        if self.is_superuser:
            self.role = self.Role.ADMIN
        self.is_staff = self.is_superuser = self.role == self.Role.ADMIN
        super().save(*args, **kwargs)

    @property
    def can_edit(self) -> bool:
        """Whether this user may change annotations (editors and admins)."""
        return self.is_active and self.role in {self.Role.EDITOR, self.Role.ADMIN}


class Tracked(models.Model):
    """Who made a row and who last changed it, and when."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    def stamp(self, user) -> None:
        """Record ``user`` as the last editor (and as the creator of a new row)."""
        if user is not None and not getattr(user, "is_authenticated", False):
            user = None
        if self._state.adding and self.created_by_id is None:
            self.created_by = user
        self.updated_by = user


class Proposable(models.Model):
    """A row the suggester may make for a suggestion: it stays "proposed" until an editor
    accepts a quote naming it or edits it, and goes with the last suggestion rejected."""

    proposed = models.BooleanField(
        default=False,
        editable=False,
        help_text="Made by the suggester for suggestions that no editor has accepted yet.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.proposed = False  # an edit is an editor's word on it
        super().save(*args, **kwargs)


class LiveManager(models.Manager):
    """Rows that have not been deleted; deleted ones wait in ``all_objects`` to be
    restored."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeletable(models.Model):
    """A row whose delete can be undone: :meth:`soft_delete` hides it from every list (the
    model's ``objects``), keeping it, with who deleted it and when, for :meth:`restore`."""

    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,  # nobody looks rows up by who deleted them
    )

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def _set_deleted(self, at, by, reason: str) -> None:
        self.deleted_at = at
        self.deleted_by = _user_or_none(by) if at is not None else None
        self.stamp(by)
        self._change_reason = change_reason(reason)
        # Not Proposable.save(): deleting or restoring is no editor's word on a proposal.
        models.Model.save(
            self, update_fields=["deleted_at", "deleted_by", "updated_at", "updated_by"]
        )

    def soft_delete(self, by=None) -> None:
        """Delete so that it can be undone (see :meth:`restore`)."""
        if self.deleted_at is None:
            self._set_deleted(timezone.now(), by, "deleted")

    def restore(self, by=None) -> None:
        """Undo a delete."""
        if self.deleted_at is not None:
            self._set_deleted(None, by, "restored")


WIKIDATA_ID = RegexValidator(r"^Q[1-9][0-9]*$", "A Wikidata id looks like Q42.")


def wikidata_field():
    return models.CharField(
        "Wikidata id",
        max_length=20,
        blank=True,
        default="",
        validators=[WIKIDATA_ID],
        help_text="The item's id on Wikidata, Q followed by digits.",
    )


def span_constraints(prefix: str, start: str, end: str, *, nullable: bool) -> list:
    """Named constraints for a span held in two columns: non-negative and start < end; a
    nullable span is either wholly absent or wholly present."""
    valid = Q(**{f"{start}__gte": 0}) & Q(**{f"{start}__lt": F(end)})
    if nullable:
        # Spelled out: a comparison with NULL is unknown, and CHECK lets unknown through.
        present = Q(**{f"{start}__isnull": False}) & Q(**{f"{end}__isnull": False}) & valid
        valid = present | (Q(**{f"{start}__isnull": True}) & Q(**{f"{end}__isnull": True}))
    return [models.CheckConstraint(condition=valid, name=f"annotations_{prefix}_start_before_end")]


class NamedQuerySet(models.QuerySet):
    """Finding speakers and outlets by what people call them: one path for the pages, the
    API, the importers and the suggester."""

    person_names = False  # whether names are people's (first names, surnames) or not

    def matching(self, term: str):
        raise NotImplementedError

    def find(self, name: str):
        raise NotImplementedError

    def insert_or_find(self, row, name: str):
        """Store the new ``row`` named ``name``; when someone stored that name meanwhile
        (the unique name constraint refuses ours), the row :meth:`find` now finds. Many
        saves naming one new speaker at once make exactly one."""
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            found = self.find(name)
            if found is None:
                # A deleted row holds the name: naming it again brings it back.
                found = self.model.all_objects.filter(row.unique_key(), deleted_at__isnull=False)
                found = found.order_by("pk").first()
                if found is None:
                    raise
                found.restore(by=_acting(row))
            return found
        return row

    def likely(self, name: str, *, limit: int = 50):
        """The stored row that ``name`` most probably means by the duplicate finder's rules
        (see ``duplicates``: titles, aliases, transliterations, compatible first names, a
        surname only one full name has), or None. Looks only at rows holding the name's
        surname (an organisation's first word), or its first five letters."""
        words = duplicates.name_words(name)
        if self.person_names:
            words = duplicates.strip_titles(words)
        words = [w for w in words if w not in duplicates.ARTICLES] or words
        if not words:
            return None
        key = (words[-1] if self.person_names else words[0]).replace("-", " ")
        rows = list(self.matching(key).prefetch_related("aliases").order_by("pk")[:limit])
        if len(rows) < limit and len(key) > 5:
            more = self.matching(key[:5]).exclude(pk__in=[r.pk for r in rows])
            rows += list(more.prefetch_related("aliases").order_by("pk")[: limit - len(rows)])
        by_id = {row.pk: row for row in rows}
        entries = [row.finder_entry() for row in rows]
        for pair in duplicates.matches(name, entries, person=self.person_names):
            return by_id[pair.second]
        return None


class OutletQuerySet(NamedQuerySet):
    def matching(self, term: str):
        """Outlets whose name or any alias holds ``term``, in any case."""
        aliases = OutletAlias.objects.filter(outlet=OuterRef("pk"), name__icontains=term)
        return self.filter(Q(name__icontains=term) | Exists(aliases))

    def find(self, name: str) -> Outlet | None:
        """The outlet named ``name``, or else the one with it as an alias, in any case."""
        outlet = self.filter(name__iexact=name).first()
        if outlet is None:
            outlet = self.filter(aliases__name__iexact=name).order_by("pk").first()
        return outlet

    def find_or_create(
        self,
        name: str,
        *,
        by=None,
        proposed: bool = False,
        aliases: Iterable[str] = (),
        kind: str | None = None,
        home_page: str | None = None,
        wikidata_id: str | None = None,
    ) -> Outlet:
        """The outlet :meth:`find` finds for ``name``, or a new one made with the given
        kind, home page and Wikidata id (a *proposed* one when the suggester asks).
        ``aliases`` are added either way."""
        outlet = self.find(name)
        if outlet is None:
            outlet = self.model(
                name=name,
                kind=kind or Outlet.Kind.OTHER,
                home_page=home_page or "",
                wikidata_id=wikidata_id or "",
                proposed=proposed,
            )
            outlet.stamp(by)
            outlet.full_clean(validate_constraints=False)  # insert_or_find's to settle
            outlet = self.insert_or_find(outlet, name)
        if aliases:
            outlet.add_aliases(aliases, by=by)
        return outlet


class Outlet(SoftDeletable, Proposable, Tracked):
    """A news organisation: the publisher of articles, or a hop through which a statement
    travelled (the agency that relayed it)."""

    class Kind(models.TextChoices):
        NEWSPAPER = "newspaper", "Newspaper"
        NEWS_AGENCY = "news_agency", "News agency"
        BROADCASTER = "broadcaster", "Broadcaster"
        ONLINE = "online", "Online"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    home_page = models.URLField(
        max_length=500, blank=True, validators=[textrules.web_url_validator()]
    )
    wikidata_id = wikidata_field()
    history = HistoricalRecords(get_user=history_user)

    objects = LiveManager.from_queryset(OutletQuerySet)()
    all_objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="annotations_outlet_name_unique"),
        ]

    Meta.constraints.append(choice_constraint("outlet", "kind", Kind))

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("annotations:outlet-detail", args=[self.pk])

    def unique_key(self) -> Q:
        """What the name's uniqueness compares (in any case)."""
        return Q(name__iexact=self.name)

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""

    def finder_entry(self) -> duplicates.Entry:
        """This outlet as the duplicate finder sees it (aliases prefetched, ideally)."""
        return duplicates.Entry(
            self.pk, self.name, tuple(a.name for a in self.aliases.all()), person=False
        )

    @transaction.atomic
    def merge(self, duplicate: Outlet, by=None) -> Merge:
        """Fold ``duplicate`` into this outlet: its articles, via hops and aliases move here,
        its name becomes an alias, and the duplicate row goes. Nothing else is lost: the
        returned :class:`Merge` records what moved, and its ``undo()`` puts it back."""
        if duplicate.pk == self.pk:
            raise ValidationError("An outlet cannot be merged into itself.", code="merge_self")
        duplicate = Merge.lock_pair(self, duplicate)
        record = Merge.begin(self, duplicate, by)
        why = f"outlet {duplicate.name!r} (#{duplicate.pk}) merged into #{self.pk}"
        articles = Article.all_objects.filter(publisher=duplicate)
        record.moved["articles"] = update_with_history(articles, by=by, reason=why, publisher=self)
        hops = ViaHop.objects.filter(outlet=duplicate)
        record.moved["hops"] = [list(h) for h in hops.values_list("quote_id", "position")]
        update_with_history(
            Quote.all_objects.filter(Exists(hops.filter(quote=OuterRef("pk")))),
            by=by,
            reason=why,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        update_with_history(hops, by=by, reason=why, outlet=self)
        record.finish(self, duplicate, fill=("home_page", "wikidata_id"))
        self._change_reason = change_reason(f"merged outlet {duplicate.name!r} (#{duplicate.pk})")
        self.save()
        _as(duplicate, by, f"merged into {self.name!r} (#{self.pk})")
        duplicate.delete()
        record.save()
        return record

    def add_aliases(self, names: Iterable[str], *, by=None, reason: str = "") -> list[str]:
        """Add the names it does not already answer to (each recorded in the history as
        ``by``'s); returns those added."""
        known = {
            self.name.casefold(),
            *(a.casefold() for a in self.aliases.values_list("name", flat=True)),
        }
        added = []
        for name in names:
            name = name.strip()
            if name and name.casefold() not in known:
                known.add(name.casefold())
                added.append(OutletAlias(outlet=self, name=name))
        create_with_history(OutletAlias, added, by=by or _acting(self), reason=reason)
        return [alias.name for alias in added]


class OutletAlias(models.Model):
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name_plural = "outlet aliases"
        constraints = [
            models.UniqueConstraint(
                "outlet", Lower("name"), name="annotations_outletalias_unique_per_outlet"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SpeakerQuerySet(NamedQuerySet):
    person_names = True

    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, keeping each row's name key (``save()`` is not called)."""
        objs = list(objs)
        for obj in objs:
            obj.name_key = textrules.name_key(obj.name)
        return super().bulk_create(objs, *args, **kwargs)

    def matching(self, term: str):
        """Speakers whose name or any alias holds ``term``, in any case."""
        aliases = SpeakerAlias.objects.filter(speaker=OuterRef("pk"), name__icontains=term)
        return self.filter(Q(name__icontains=term) | Exists(aliases))

    def find(self, name: str, *, wikidata_id: str = "") -> Speaker | None:
        """The speaker with Wikidata id ``wikidata_id`` (when given), else the one named
        ``name`` (case and spacing aside; the undescribed one of namesakes), else the first
        with it as an alias, in any case."""
        if wikidata_id:
            found = self.filter(wikidata_id=wikidata_id).order_by("pk").first()
            if found is not None:
                return found
        key = textrules.name_key(name)
        speaker = self.filter(name_key=key).order_by("description", "pk").first()
        if speaker is None:
            speaker = self.filter(aliases__name__iexact=name).order_by("pk").first()
        return speaker

    def find_namesake(
        self,
        name: str,
        *,
        kind: str | None = None,
        role: str = "",
        affiliation: str = "",
        wikidata_id: str = "",
        description: str = "",
    ) -> Speaker | None:
        """The speaker with this very name, kind, role, affiliation, Wikidata id and
        description: one of two namesakes that must stay apart."""
        if wikidata_id:
            found = self.filter(wikidata_id=wikidata_id).order_by("pk").first()
            if found is not None:
                return found
        return (
            self.filter(
                name_key=textrules.name_key(name),
                kind=kind or Speaker.Kind.PERSON,
                role=role or "",
                affiliation=affiliation or "",
                wikidata_id=wikidata_id or "",
                description=description or "",
            )
            .order_by("pk")
            .first()
        )

    def find_or_create(
        self,
        name: str,
        *,
        by=None,
        proposed: bool = False,
        namesake: bool = False,
        aliases: Iterable[str] = (),
        kind: str | None = None,
        role: str | None = None,
        affiliation: str | None = None,
        wikidata_id: str | None = None,
        description: str | None = None,
    ) -> Speaker:
        """The speaker :meth:`find` finds for ``name`` (:meth:`find_namesake` with
        ``namesake`` or a ``description``), or a new one made with the given details (a
        *proposed* one when the suggester asks). ``aliases`` are added either way.

        Safe when many ask at once: one row is made, and the others read it (see
        :meth:`insert_or_find`)."""
        details = {
            "kind": kind or Speaker.Kind.PERSON,
            "role": role or "",
            "affiliation": affiliation or "",
            "wikidata_id": wikidata_id or "",
            "description": description or "",
        }
        if namesake:
            speaker = self.find_namesake(name, **details)
        elif details["description"]:
            speaker = self.filter(
                name_key=textrules.name_key(name), description=details["description"]
            ).first()
        else:
            speaker = self.find(name, wikidata_id=details["wikidata_id"])
        if speaker is None:
            speaker = self.model(name=name, proposed=proposed, **details)
            speaker.stamp(by)
            speaker.full_clean(validate_constraints=False)  # insert_or_find's to settle
            speaker = self.insert_or_find(speaker, name)
        if aliases:
            speaker.add_aliases(aliases, by=by)
        return speaker


class Speaker(SoftDeletable, Proposable, Tracked):
    """Who made a statement: a person, an organisation, a group or an unnamed source."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        GROUP = "group", "Group"
        UNNAMED = "unnamed", "Unnamed source"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PERSON)
    role = models.CharField(
        max_length=300, blank=True, help_text="Role or title as the news gives it."
    )
    affiliation = models.CharField(max_length=300, blank=True)
    wikidata_id = wikidata_field()
    description = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="Tells apart two speakers of one name (“the senator”, “the footballer”).",
    )
    # The name as uniqueness sees it (see ``text.name_key``), kept by ``save()``.
    name_key = models.CharField(max_length=200, editable=False)
    history = HistoricalRecords(get_user=history_user)

    objects = LiveManager.from_queryset(SpeakerQuerySet)()
    all_objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        base_manager_name = "all_objects"
        indexes = [models.Index(Lower("name"), name="annotations_speaker_name_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key", "description"],
                name="annotations_speaker_name_unique",
                violation_error_message=(
                    "A speaker of this name already exists; pick that one, or describe this "
                    "one to tell them apart."
                ),
            ),
        ]

    Meta.constraints.append(choice_constraint("speaker", "kind", Kind))

    def __str__(self) -> str:
        return f"{self.name} ({self.description})" if self.description else self.name

    def get_absolute_url(self) -> str:
        return reverse("annotations:speaker-detail", args=[self.pk])

    def unique_key(self) -> Q:
        """What the name's uniqueness compares: the name key and the description."""
        return Q(name_key=textrules.name_key(self.name), description=self.description)

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""

    def finder_entry(self) -> duplicates.Entry:
        """This speaker as the duplicate finder sees it (aliases prefetched, ideally)."""
        return duplicates.Entry(
            self.pk,
            self.name,
            tuple(a.name for a in self.aliases.all()),
            person=self.kind == self.Kind.PERSON,
            description=self.description,
        )

    def clean(self) -> None:
        super().clean()
        self.name_key = textrules.name_key(self.name)

    def save(self, *args, **kwargs):
        self.name_key = textrules.name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @transaction.atomic
    def merge(self, duplicate: Speaker, by=None) -> Merge:
        """Fold ``duplicate`` into this speaker: its quotes, via hops and aliases move here,
        its name becomes an alias, and the duplicate row goes. Nothing else is lost: the
        returned :class:`Merge` records what moved, and its ``undo()`` puts it back."""
        if duplicate.pk == self.pk:
            raise ValidationError("A speaker cannot be merged into itself.", code="merge_self")
        duplicate = Merge.lock_pair(self, duplicate)
        record = Merge.begin(self, duplicate, by)
        why = f"speaker {duplicate.name!r} (#{duplicate.pk}) merged into #{self.pk}"
        hops = ViaHop.objects.filter(speaker=duplicate)
        record.moved["quotes"] = list(
            Quote.all_objects.filter(speaker=duplicate).values_list("pk", flat=True)
        )
        record.moved["hops"] = [list(h) for h in hops.values_list("quote_id", "position")]
        update_with_history(
            Quote.all_objects.filter(
                Q(speaker=duplicate) | Exists(hops.filter(quote=OuterRef("pk")))
            ),
            by=by,
            reason=why,
            version=F("version") + 1,
            updated_at=timezone.now(),
            speaker=models.Case(
                models.When(speaker=duplicate, then=models.Value(self.pk)),
                default=F("speaker"),
                output_field=models.BigIntegerField(),
            ),
        )
        update_with_history(hops, by=by, reason=why, speaker=self)
        record.finish(self, duplicate, fill=("role", "affiliation", "wikidata_id"))
        self._change_reason = change_reason(f"merged speaker {duplicate.name!r} (#{duplicate.pk})")
        self.save()
        _as(duplicate, by, f"merged into {self.name!r} (#{self.pk})")
        duplicate.delete()
        record.save()
        return record

    def add_aliases(self, names: Iterable[str], *, by=None, reason: str = "") -> list[str]:
        """Add the names it does not already answer to (each recorded in the history as
        ``by``'s); returns those added."""
        known = {
            self.name.casefold(),
            *(a.casefold() for a in self.aliases.values_list("name", flat=True)),
        }
        added = []
        for name in names:
            name = name.strip()
            if name and name.casefold() not in known:
                known.add(name.casefold())
                added.append(SpeakerAlias(speaker=self, name=name))
        create_with_history(SpeakerAlias, added, by=by or _acting(self), reason=reason)
        return [alias.name for alias in added]


class SpeakerAlias(models.Model):
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name_plural = "speaker aliases"
        indexes = [models.Index(Lower("name"), name="annotations_alias_name_idx")]
        constraints = [
            models.UniqueConstraint(
                "speaker", Lower("name"), name="annotations_speakeralias_unique_per_speaker"
            )
        ]

    def __str__(self) -> str:
        return self.name


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


class QuoteQuerySet(models.QuerySet):
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
        :meth:`Quote.settle_proposals` does for one. Returns them with their ids."""
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
        self._adopt([q for q in quotes if q.status == Quote.Status.CONFIRMED], by=by)
        for q in quotes:
            if q.status == Quote.Status.REJECTED and q._names_proposed():
                q.drop_unused_proposals()
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

    def _on_postgresql(self) -> bool:
        return connections[self.db].vendor == "postgresql"

    def through_outlet(self, outlet):
        """Quotes published by ``outlet`` or relayed through it at any hop.

        On PostgreSQL through the outlet table that triggers keep (migration 0013): the
        outlet's quotes in id order, one index range, so that a page stops after its last
        row whether the outlet has ten quotes or a hundred thousand."""
        outlet_id = outlet.pk if isinstance(outlet, Outlet) else int(outlet)
        if self._on_postgresql():
            return self.filter(pk__in=_QuoteColumn.outlet_quotes(outlet_id))
        hops = ViaHop.objects.filter(quote=OuterRef("pk"), outlet=outlet_id)
        return self.filter(Q(article__publisher=outlet_id) | Exists(hops))

    def published(self, *, after: datetime | None = None, before: datetime | None = None):
        """Quotes whose article was published at or after ``after`` and before ``before``.
        On PostgreSQL through the publication time each quote carries (migration 0013)."""
        if not self._on_postgresql():
            queryset = self
            if after is not None:
                queryset = queryset.filter(article__published_at__gte=after)
            if before is not None:
                queryset = queryset.filter(article__published_at__lt=before)
            return queryset

        def condition(quotes):
            quotes = quotes.alias(_published=_QuoteColumn("published_at", models.DateTimeField()))
            if after is not None:
                quotes = quotes.filter(_published__gte=after)
            if before is not None:
                quotes = quotes.filter(_published__lt=before)
            return quotes

        return self._among(condition)

    def search(self, words: str):
        """Quotes whose text matches ``words``: on PostgreSQL full-text search (English
        stemming; websearch syntax: words, "a phrase", -word, or) through the stored vector
        and its GIN index (migration 0013); a case-insensitive substring elsewhere."""
        if not self._on_postgresql():
            return self.filter(text__icontains=words)
        from django.contrib.postgres.search import SearchQuery, SearchVectorField

        def condition(quotes):
            return quotes.alias(_search=_QuoteColumn("search", SearchVectorField())).filter(
                _search=SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch")
            )

        return self._among(condition)

    def _among(self, condition):
        """These quotes filtered by ``condition`` (a function that filters a quote queryset
        on the quote row, with an index that does not give id order: a date range, a text
        search), on PostgreSQL.

        A page in id order can be served two ways: walk the quotes in id order testing each
        (cheap when matches are common, ruinous when they are few or all at the far end of
        the order, which the planner cannot know: it assumes them spread evenly), or
        collect the matching ids through their index first and read the page from those in
        order. The planner's estimate of the matches decides: under ``COLLECT_BELOW`` they
        are collected (at worst that many ids), otherwise the page is walked (on even
        spread, at most ``100 / share`` rows, a share of at least 1 in 100 at a million)."""
        matches = condition(Quote.all_objects.using(self.db)).order_by().values("pk")
        plan = json.loads(matches.explain(format="json"))[0]["Plan"]
        if plan["Plan Rows"] >= self.COLLECT_BELOW:
            return condition(self)
        return self.filter(_IdAmong(matches))

    COLLECT_BELOW = 10_000


SEARCH_CONFIG = "english"


class _QuoteColumn(models.Expression):
    """A column that PostgreSQL keeps on the quote table and the model does not declare
    (migration 0013: ``search``, ``published_at``), read from the query's own quote table
    (its alias, in a subquery too)."""

    def __init__(self, column: str, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        table = compiler.quote_name_unless_alias(alias)
        return f"{table}.{connection.ops.quote_name(self.column)}", []

    @staticmethod
    def outlet_quotes(outlet_id: int) -> models.expressions.RawSQL:
        """The ids of the quotes that reached the page through an outlet."""
        return models.expressions.RawSQL(
            "SELECT quote_id FROM annotations_quote_outlet WHERE outlet_id = %s", [outlet_id]
        )


class _IdAmong(models.Expression):
    """``id = ANY(ARRAY(<ids>))`` on the query's own quote table: the subquery runs once,
    first, and the page is read from its ids in order through the primary key."""

    output_field = models.BooleanField()

    def __init__(self, ids):
        super().__init__()
        self.ids = ids

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        sql, params = self.ids.query.get_compiler(connection=connection).as_sql()
        return f'{alias}."id" = ANY(ARRAY({sql}))', params


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

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.PROTECT, related_name="quotes"
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
        Revision,
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
        article: Article,
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
        revision: Revision | None = None,
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
        quote = cls(article=article, annotator=annotator)
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
    def create(cls, article: Article, **fields) -> Quote:
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
        self.clean_fields(
            exclude=[
                "article",
                "speaker",
                "created_by",
                "updated_by",
                "deleted_by",
                "confirmed_by",
                "checked_by",
            ]
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
    def follow_text(cls, article: Article, previous: Revision, revision: Revision, *, by_id=None):
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

    def _follow(self, anchors, source: Revision, body: str) -> bool:
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
