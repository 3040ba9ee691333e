"""Filters for the API lists, and the backends that keep query strings honest.

Every list accepts exactly the filters its FilterSet declares plus the standard parameters
(``cursor``, ``page_size``, ``format``, ``ordering``). Any other name is refused with a 400
that lists the allowed ones, so a typo never silently returns everything and no lookup the
API did not declare (``?created_by__password__startswith=a``) ever reaches the ORM.
"""

from __future__ import annotations

from datetime import UTC

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.drainage import get_override, set_override
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from annotations import text as textrules
from annotations.models import WIKIDATA_ID, Article, Outlet, Quote, Speaker

STANDARD_PARAMETERS = frozenset({"cursor", "page_size", "format", "ordering"})
MAX_SEARCH_CHARS = 200
_BIGINT_MAX = 2**63 - 1


class _Described:
    """A filter whose class gives its schema (``extend_schema_field``) and whose help text
    still describes it there (a schema given that way carries no description of its own)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        help_text = self.extra.get("help_text")
        if help_text:
            set_override(self, "field", {**get_override(self, "field"), "description": help_text})


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": _BIGINT_MAX})
class IdFilter(_Described, filters.Filter):
    """An id: a whole number (``NumberFilter`` would take decimals and huge values)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", _BIGINT_MAX)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "pattern": WIKIDATA_ID.regex.pattern})
class WikidataIdFilter(_Described, filters.CharFilter):
    """A Wikidata id, ``Q42``: the schema gives clients the pattern the filter holds to."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [WIKIDATA_ID])
        super().__init__(*args, **kwargs)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, moved to UTC: an offset PostgreSQL would refuse (beyond
    ±15:59) is fine, and one that leaves the calendar's range is a 400, not a 500."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("The date-time is out of range.") from None


class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class QuoteFilter(filters.FilterSet):
    article = IdFilter(field_name="article_id", help_text="Quotes in this article (id).")
    speaker = IdFilter(
        field_name="speaker_id", method="filter_speaker", help_text="Quotes by this speaker (id)."
    )
    outlet = IdFilter(
        method="filter_outlet",
        help_text="Quotes published by this outlet or relayed through it at any via hop (id).",
    )
    kind = filters.ChoiceFilter(choices=Quote.Kind.choices)
    status = filters.ChoiceFilter(choices=Quote.Status.choices)
    anchoring = filters.ChoiceFilter(
        choices=Quote.Anchoring.choices,
        help_text="anchored, relocated (to confirm) or orphaned (text gone from the article).",
    )
    published_after = DateTimeFilter(
        method="filter_published",
        help_text="Articles published at or after this ISO 8601 date-time.",
    )
    published_before = DateTimeFilter(
        method="filter_published",
        help_text="Articles published before this ISO 8601 date-time.",
    )
    q = filters.CharFilter(
        method="search",
        max_length=MAX_SEARCH_CHARS,
        help_text="Text search in the quote. PostgreSQL: full-text (English stemming; "
        'websearch syntax: words, "a phrase", -word, or). SQLite: substring match.',
    )

    class Meta:
        model = Quote
        fields: list[str] = []

    def filter_speaker(self, queryset, name, value):
        if self.form.cleaned_data.get("outlet") is not None:
            return queryset  # filter_outlet takes the speaker along
        return queryset.filter(speaker_id=value)

    def filter_outlet(self, queryset, name, value):
        # With a speaker too, the outlet's quotes by that speaker are one index range (a
        # second test of the speaker on the quote would only mislead the planner's count).
        return queryset.through_outlet(value, speaker=self.form.cleaned_data.get("speaker"))

    def filter_published(self, queryset, name, value):
        # Both bounds at once: a range is one index range, where each bound alone may match
        # most quotes.
        if name == "published_before" and self.form.cleaned_data.get("published_after"):
            return queryset  # filter_published for published_after took this bound too
        return queryset.published(
            after=self.form.cleaned_data.get("published_after"),
            before=self.form.cleaned_data.get("published_before"),
        )

    def search(self, queryset, name, value):
        return queryset.search(value)


class ArticleFilter(filters.FilterSet):
    publisher = IdFilter(field_name="publisher_id", help_text="Published by this outlet (id).")
    status = filters.ChoiceFilter(choices=Article.Status.choices)
    assignee = IdFilter(field_name="assignee_id", help_text="In this editor's queue (user id).")
    has_suggestions = filters.BooleanFilter(
        method="filter_has_suggestions",
        help_text="true: articles with suggestions waiting for an editor; false: without.",
    )
    language = filters.CharFilter(max_length=16)
    published_after = DateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = DateTimeFilter(field_name="published_at", lookup_expr="lt")
    q = filters.CharFilter(
        field_name="title",
        lookup_expr="icontains",
        max_length=MAX_SEARCH_CHARS,
        help_text="Substring of the title, any case.",
    )

    class Meta:
        model = Article
        fields: list[str] = []

    def filter_has_suggestions(self, queryset, name, value):
        return queryset.with_suggestions(value)


class _NameSearch(filters.FilterSet):
    """``q`` over a name and its aliases, for models whose querysets have ``matching``."""

    q = filters.CharFilter(
        method="search",
        max_length=MAX_SEARCH_CHARS,
        help_text="Substring of the name or of any alias, any case.",
    )

    proposed = filters.BooleanFilter(
        help_text="true: only those the suggester made for suggestions no editor has accepted "
        "yet; false: only the others."
    )

    wikidata_id = WikidataIdFilter(help_text="The Wikidata id (Q42): those that carry it.")

    def search(self, queryset, name, value):
        return queryset.matching(value)


class SpeakerFilter(_NameSearch):
    kind = filters.ChoiceFilter(choices=Speaker.Kind.choices)

    class Meta:
        model = Speaker
        fields: list[str] = []


class OutletFilter(_NameSearch):
    kind = filters.ChoiceFilter(choices=Outlet.Kind.choices)

    class Meta:
        model = Outlet
        fields: list[str] = []


class StrictFilterBackend(filters.DjangoFilterBackend):
    """django-filter, refusing query parameters the view does not declare and NUL bytes."""

    def allowed_parameters(self, request, queryset, view) -> set[str]:
        filterset_class = self.get_filterset_class(view, queryset)
        declared = set(filterset_class.base_filters) if filterset_class else set()
        return declared | STANDARD_PARAMETERS

    def filter_queryset(self, request, queryset, view):
        allowed = self.allowed_parameters(request, queryset, view)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            shown = ", ".join(repr(name[:60]) for name in unknown[:5])
            raise ValidationError(
                {
                    "detail": f"Unknown query parameter {shown}. "
                    f"Allowed here: {', '.join(sorted(allowed))}."
                }
            )
        for name, values in request.query_params.lists():
            for value in values:
                try:
                    textrules.refuse_nul(value, f"query parameter {name!r}")
                except DjangoValidationError as exc:
                    raise ValidationError({name: list(exc.messages)}) from None
        if (allowed - STANDARD_PARAMETERS).isdisjoint(request.query_params):
            # No filter asked for: a FilterSet (a form, its fields) would change nothing.
            return queryset
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` with one of the view's ``ordering_fields`` (optionally ``-``); anything
    else is refused with a 400. Lists are cursor-paged, so only unique keys are offered."""

    def get_valid_fields(self, queryset, view, context=None):
        return [(name, name) for name in getattr(view, "ordering_fields", ["id"])]

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = {name for name, _ in self.get_valid_fields(queryset, view)}
        choices = sorted(valid | {f"-{name}" for name in valid})
        if len(fields) != 1 or fields[0].lstrip("-") not in valid:
            raise ValidationError({"ordering": f"ordering must be one of: {', '.join(choices)}."})
        return fields

    def get_schema_operation_parameters(self, view):
        valid = getattr(view, "ordering_fields", ["id"])
        choices = sorted([*valid, *(f"-{name}" for name in valid)])
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Order of the results (default `id`); `-id` is newest first.",
                "schema": {"type": "string", "enum": choices},
            }
        ]
