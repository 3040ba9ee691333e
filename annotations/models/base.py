"""What the domain models share: users and their roles, the tracked, proposable and
soft-deletable mixins, and the named constraints the models build from their fields.

Invariants the database can hold are named constraints; ``clean()`` mirrors them, and checks
what a row cannot see on its own (a span against its article's body), with messages meant
for people."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core import validators
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .history import _user_or_none, change_reason


def _plain_values(field: models.Field) -> Callable[[Any], bool] | None:
    """A test passing the values of ``field`` that its ``clean()`` takes as they are (no
    conversion, no error), or None when its checks are not simple ones (a relation, a
    validator other than limits of length and size)."""
    if field.is_relation:
        return None
    limits: dict[str, Any] = {}
    for validator in field.validators:
        if isinstance(validator, validators.MaxLengthValidator):
            limits["longest"] = validator.limit_value
        elif isinstance(validator, validators.MinValueValidator):
            limits["low"] = validator.limit_value
        elif isinstance(validator, validators.MaxValueValidator):
            limits["high"] = validator.limit_value
        else:
            return None
    if field.choices:
        allowed = frozenset(str(value) for value, _ in field.flatchoices)
        return lambda value: isinstance(value, str) and value in allowed
    if isinstance(field, models.CharField | models.TextField):
        longest, blank = limits.get("longest"), field.blank
        return lambda value: (
            isinstance(value, str)
            and (blank or value != "")
            and (longest is None or len(value) <= longest)
        )
    if isinstance(field, models.IntegerField):
        low, high = limits.get("low"), limits.get("high")
        return lambda value: (
            type(value) is int and (low is None or value >= low) and (high is None or value <= high)
        )
    if isinstance(field, models.DateTimeField):
        return lambda value: isinstance(value, datetime)
    return None


_PLAIN_VALUES: dict[type[models.Model], list[tuple]] = {}


def clean_fields_quickly(row: models.Model, exclude: Collection[str] = ()) -> None:
    """``row.clean_fields(exclude=exclude)``, at a fraction of the cost for a row whose
    values are plainly right (strings of an allowed length or choice, whole numbers within
    their limits, times): only when one is not does Django's check run, with its messages.
    For paths that check many new rows at once (an import's quotes)."""
    model = type(row)
    if model not in _PLAIN_VALUES:
        _PLAIN_VALUES[model] = [
            (f.name, f.attname, f.blank, f.empty_values, _plain_values(f))
            for f in model._meta.concrete_fields
        ]
    loaded = row.__dict__
    for name, attname, blank, empty, plain in _PLAIN_VALUES[model]:
        if name in exclude:
            continue
        value = loaded[attname] if attname in loaded else getattr(row, attname)
        if blank and value in empty:
            continue  # as clean_fields() skips it
        if plain is None or not plain(value):
            row.clean_fields(exclude=exclude)
            return


RowT = TypeVar("RowT", bound=models.Model)


_DEFAULTS: dict[type[models.Model], tuple[list[Any], list[tuple[int, Callable[[], Any]]]]] = {}


def new_row(model: type[RowT]) -> RowT:
    """``model()``, a new row holding each field's default, made through the positional path
    of ``Model.__init__`` (the one ``from_db()`` takes): a few times faster than the keyword
    path, for code that makes many rows."""
    try:
        values, made = _DEFAULTS[model]
    except KeyError:
        fields = model._meta.concrete_fields
        made = [
            (n, f.default) for n, f in enumerate(fields) if f.has_default() and callable(f.default)
        ]
        values = [None if (n, f.default) in made else f.get_default() for n, f in enumerate(fields)]
        _DEFAULTS[model] = values, made
    values = list(values)
    for n, default in made:  # a time, a new uid: one of its own for each row
        values[n] = default()
    return model(*values)


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
