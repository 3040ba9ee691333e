"""The outlets and speakers quotes name, with the aliases they answer to and the managers
that find or create them by name."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .. import duplicates
from .. import text as textrules
from .base import LiveManager, Proposable, SoftDeletable, Tracked, choice_constraint, wikidata_field
from .history import (
    _acting,
    _as,
    change_reason,
    create_with_history,
    history_user,
    update_with_history,
)


def _above(*names: str) -> list[type[models.Model]]:
    """The models of the modules that import this one (articles, quotes, merges), which a
    merge here moves rows of."""
    return [apps.get_model("annotations", name) for name in names]


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
    def merge(self, duplicate: Outlet, by=None):
        """Fold ``duplicate`` into this outlet: its articles, via hops and aliases move here,
        its name becomes an alias, and the duplicate row goes. Nothing else is lost: the
        returned :class:`Merge` records what moved, and its ``undo()`` puts it back."""
        if duplicate.pk == self.pk:
            raise ValidationError("An outlet cannot be merged into itself.", code="merge_self")
        Merge, Article, Quote, ViaHop = _above("Merge", "Article", "Quote", "ViaHop")
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
    def merge(self, duplicate: Speaker, by=None):
        """Fold ``duplicate`` into this speaker: its quotes, via hops and aliases move here,
        its name becomes an alias, and the duplicate row goes. Nothing else is lost: the
        returned :class:`Merge` records what moved, and its ``undo()`` puts it back."""
        if duplicate.pk == self.pk:
            raise ValidationError("A speaker cannot be merged into itself.", code="merge_self")
        Merge, Quote, ViaHop = _above("Merge", "Quote", "ViaHop")
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
