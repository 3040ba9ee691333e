"""JSON for speakers and outlets, with their aliases, and for a merge of two of them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations import text as textrules
from annotations.models import Outlet, Speaker, delete_with_history

from .base import MAX_ALIASES, RefuseNulMixin


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}}
)
class AliasesField(serializers.ListField):
    child = serializers.CharField(max_length=200)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_ALIASES)
        super().__init__(**kwargs)

    def to_representation(self, manager) -> list[str]:
        return [alias.name for alias in manager.all()]


class AliasedSerializer(RefuseNulMixin, serializers.ModelSerializer):
    """Shared by speakers and outlets: aliases are a list of names; writing it replaces
    them (case-insensitive duplicates and the row's own name are dropped)."""

    aliases = AliasesField(help_text="Other names: a surname, other spellings.")
    quote_count = serializers.IntegerField(read_only=True)

    def _save(self, obj, attrs: dict[str, Any]):
        aliases = attrs.pop("aliases", None)
        for field, value in attrs.items():
            setattr(obj, field, value)
        obj.stamp(self.context["request"].user)
        obj.save()
        if aliases is not None:
            keep = {name.strip().casefold() for name in aliases}
            gone = [a.pk for a in obj.aliases.all() if a.name.casefold() not in keep]
            by = self.context["request"].user
            delete_with_history(obj.aliases.filter(pk__in=gone), by=by)
            obj.add_aliases(aliases, by=by)
        return obj

    def create(self, validated_data: dict[str, Any]):
        return self._save(self.Meta.model(), validated_data)

    def update(self, instance, validated_data: dict[str, Any]):
        return self._save(instance, validated_data)


class SpeakerSerializer(AliasedSerializer):
    quote_count = serializers.IntegerField(
        read_only=True, help_text="Live quotes by this speaker, rejected suggestions excepted."
    )

    class Meta:
        model = Speaker
        fields = [
            "id",
            "name",
            "kind",
            "role",
            "affiliation",
            "wikidata_id",
            "description",
            "aliases",
            "quote_count",
            "proposed",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["proposed", "created_at", "updated_at"]
        validators: list = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        name = attrs.get("name", self.instance.name if self.instance else "")
        description = attrs.get("description", self.instance.description if self.instance else "")
        others = Speaker.objects.filter(name_key=textrules.name_key(name), description=description)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(
                {
                    "name": f"There is already a speaker named {name!r}; merge into it, or "
                    "give this one a description that tells them apart."
                },
                code="unique",
            )
        return attrs


class OutletSerializer(AliasedSerializer):
    quote_count = serializers.IntegerField(
        read_only=True,
        help_text="Live quotes published by this outlet or relayed through it (the quotes "
        "`/quotes/?outlet=ID` lists), rejected suggestions excepted.",
    )
    article_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Outlet
        fields = [
            "id",
            "name",
            "kind",
            "home_page",
            "wikidata_id",
            "aliases",
            "quote_count",
            "article_count",
            "proposed",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["proposed", "created_at", "updated_at"]
        validators: list = []

    def validate_name(self, value: str) -> str:
        others = Outlet.objects.filter(name__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(
                f"There is already an outlet named {value!r}.", code="unique"
            )
        return value


class MergeSerializer(serializers.Serializer):
    duplicate = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        help_text="Id of the duplicate: it is folded into the row in the URL and removed.",
    )
