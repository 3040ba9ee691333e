"""JSON for articles, their boilerplate and their revisions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from annotations import text as textrules
from annotations.models import (
    Article,
    BoilerplateRange,
    Outlet,
    Revision,
    create_with_history,
    delete_with_history,
)

from .base import MAX_BOILERPLATE, MAX_OFFSET, RefuseNulMixin
from .quotes import QuoteSerializer


class BoilerplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = BoilerplateRange
        fields = ["start", "end", "note", "proposed"]
        # proposed: found by Newsdesk and waiting for an editor (the article page confirms it)
        read_only_fields = ["proposed"]
        extra_kwargs = {
            "start": {"min_value": 0, "max_value": MAX_OFFSET},
            "end": {"min_value": 0, "max_value": MAX_OFFSET},
        }


class ArticleSerializer(RefuseNulMixin, serializers.ModelSerializer):
    publisher = serializers.PrimaryKeyRelatedField(
        queryset=Outlet.objects.all(), allow_null=True, required=False
    )
    publisher_name = serializers.CharField(
        source="publisher.name", read_only=True, allow_null=True, default=None
    )
    quote_count = serializers.IntegerField(
        read_only=True, help_text="Live quotes in the article, rejected suggestions excepted."
    )
    assignee = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The editor whose queue it is in (user id)."
    )
    assignee_name = serializers.CharField(
        source="assignee.username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The assignee's user name.",
    )
    revision = serializers.IntegerField(
        read_only=True,
        help_text="The number of the body's current revision (1 until the body first changes).",
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "url",
            "publisher",
            "publisher_name",
            "byline",
            "published_at",
            "language",
            "status",
            "quote_count",
            "revision",
            "created_at",
            "updated_at",
            "assignee",
            "assignee_name",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ArticleDetailSerializer(ArticleSerializer):
    """An article with its body, its live quotes and the body ranges that are not the story.
    The body is normalised once on the way in (NFC, ``\\n`` line ends, no control
    characters). Changing it makes a new revision, and the quotes follow the text (see
    their ``anchoring``)."""

    body = serializers.CharField(trim_whitespace=False)
    quotes = QuoteSerializer(many=True, read_only=True, source="live_quotes")
    boilerplate = BoilerplateSerializer(many=True, required=False, max_length=MAX_BOILERPLATE)

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "body", "boilerplate", "quotes"]

    def validate_body(self, value: str) -> str:
        value = textrules.normalize(value)
        if not value.strip():
            raise serializers.ValidationError("The body is empty.")
        limit = settings.NEWSDESK_MAX_BODY_CHARS
        if len(value) > limit:
            raise serializers.ValidationError(
                f"The body has {len(value):,} characters; the most Newsdesk accepts is {limit:,}."
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        body = attrs.get("body", self.instance.body if self.instance else "")
        errors = []
        for n, b in enumerate(attrs.get("boilerplate") or []):
            try:
                textrules.check_span(body, b["start"], b["end"], what=f"boilerplate range {n}")
            except DjangoValidationError as exc:
                errors.extend(get_error_detail(exc))
        if errors:
            raise serializers.ValidationError({"boilerplate": errors})
        return attrs

    def _save(self, article: Article, attrs: dict[str, Any]) -> Article:
        boilerplate = attrs.pop("boilerplate", None)
        for field, value in attrs.items():
            setattr(article, field, value)
        article.stamp(self.context["request"].user)
        article.save()  # a new body is a new revision; the quotes follow it
        if boilerplate is not None:
            by = self.context["request"].user
            delete_with_history(article.boilerplate.all(), by=by)
            create_with_history(
                BoilerplateRange,
                [BoilerplateRange(article=article, **b) for b in boilerplate],
                by=by,
            )
        return article

    def create(self, validated_data: dict[str, Any]) -> Article:
        return self._save(Article(), validated_data)

    def update(self, article: Article, validated_data: dict[str, Any]) -> Article:
        return self._save(article, validated_data)


class RevisionSerializer(serializers.ModelSerializer):
    """One version of an article's body: who made it and when. The list leaves the bodies
    out; a revision's detail has it."""

    created_by = serializers.CharField(
        source="created_by.get_username", read_only=True, allow_null=True, default=None
    )
    length = serializers.IntegerField(read_only=True, help_text="Characters in the body.")

    class Meta:
        model = Revision
        fields = ["number", "created_at", "created_by", "length"]


class RevisionDetailSerializer(RevisionSerializer):
    class Meta(RevisionSerializer.Meta):
        fields = [*RevisionSerializer.Meta.fields, "body"]
