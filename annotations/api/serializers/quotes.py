"""JSON for quotes, with their fragments (spans of the body), speaker and via hops, and the
validation of a quote a client writes against its article's body."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Manager
from django.db.models.functions import Coalesce
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from annotations import text as textrules
from annotations.models import Article, Fragment, Hop, Outlet, Quote, Speaker, ViaHop

from .base import MAX_FRAGMENTS, MAX_OFFSET, MAX_VIA_HOPS, RefuseNulMixin, iso_utc


class SpanSerializer(serializers.Serializer):
    """A span of the article body: code point offsets, ``end`` exclusive. On writes ``text``
    is optional; when given it must equal the body between the offsets."""

    start = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET)
    end = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET)
    text = serializers.CharField(
        required=False, trim_whitespace=False, allow_blank=False, max_length=500_000
    )


class FragmentSerializer(SpanSerializer):
    pass


class ViaHopSerializer(serializers.Serializer):
    """One hop of the chain through which a statement reached the article, nearest the
    speaker first. Write ``{"type": "outlet", "id": 3}`` (or the shorthand
    ``{"outlet": 3}`` / ``{"speaker": 7}``); ``name`` is read-only."""

    type = serializers.ChoiceField(choices=["outlet", "speaker"])
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    name = serializers.CharField(read_only=True)

    def to_internal_value(self, data):
        if isinstance(data, dict) and ("outlet" in data or "speaker" in data):
            named = [key for key in ("outlet", "speaker") if key in data]
            if len(named) == 2 or "type" in data:
                raise serializers.ValidationError(
                    "A via hop names either an outlet or a speaker, not both."
                )
            data = {"type": named[0], "id": data[named[0]]}
        elif isinstance(data, dict) and "type" not in data and "id" not in data:
            raise serializers.ValidationError(
                "A via hop names either an outlet or a speaker, not neither: "
                'give {"type": "outlet" | "speaker", "id": ...}.'
            )
        return super().to_internal_value(data)


def attach_parts(quotes: list[Quote]) -> None:
    """Give each quote ``fragment_list`` and ``via_list``, as JSON-ready dicts, for all of
    them in two queries (a hand-made prefetch: plain values, no model instances)."""
    by_id = {quote.pk: quote for quote in quotes if not hasattr(quote, "fragment_list")}
    if not by_id:
        return
    for quote in by_id.values():
        quote.fragment_list, quote.via_list = [], []
    fragments = (
        Fragment.objects.filter(quote_id__in=by_id)
        .order_by("quote_id", "start")
        .values_list("quote_id", "start", "end", "text")
    )
    for quote_id, start, end, text in fragments:
        by_id[quote_id].fragment_list.append({"start": start, "end": end, "text": text})
    hops = (
        ViaHop.objects.filter(quote_id__in=by_id)
        .annotate(target_name=Coalesce(F("outlet__name"), F("speaker__name")))
        .order_by("quote_id", "position")
        .values_list("quote_id", "outlet_id", "speaker_id", "target_name")
    )
    for quote_id, outlet_id, speaker_id, name in hops:
        by_id[quote_id].via_list.append(
            {"type": "outlet", "id": outlet_id, "name": name}
            if outlet_id
            else {"type": "speaker", "id": speaker_id, "name": name}
        )


class QuoteListSerializer(serializers.ListSerializer):
    def to_representation(self, data) -> list[dict[str, Any]]:
        quotes = list(data.all() if isinstance(data, Manager) else data)
        attach_parts(quotes)
        return [self.child.to_representation(quote) for quote in quotes]


class QuoteSerializer(RefuseNulMixin, serializers.ModelSerializer):
    """An attributed statement. ``fragments`` are the spans of the body it covers (``text``
    joins them with " … "); ``via`` is the chain through which it reached the article,
    nearest the speaker first. ``version`` is the quote's ETag: send it back in ``If-Match``
    to change or delete the quote."""

    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all())
    fragments = FragmentSerializer(
        many=True, allow_empty=False, max_length=MAX_FRAGMENTS, help_text="At least one span."
    )
    speaker = serializers.PrimaryKeyRelatedField(
        queryset=Speaker.objects.all(), allow_null=True, required=False
    )
    speaker_name = serializers.CharField(read_only=True, allow_null=True)
    speaker_mention = SpanSerializer(
        allow_null=True, required=False, help_text="Where the text names the speaker."
    )
    cue_span = SpanSerializer(
        allow_null=True, required=False, help_text="Where the reporting verb stands."
    )
    via = ViaHopSerializer(many=True, required=False, max_length=MAX_VIA_HOPS)
    version = serializers.IntegerField(read_only=True)
    confirmed_by = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Who confirmed the quote (user id)."
    )
    confirmed_by_name = serializers.CharField(read_only=True, allow_null=True)
    checked_by = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="Who checked the quote in review, another editor than who confirmed it.",
    )
    checked_by_name = serializers.CharField(read_only=True, allow_null=True)
    checked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    anchoring = serializers.ChoiceField(
        choices=Quote.Anchoring.choices,
        read_only=True,
        help_text="anchored: the spans point at the text in the current revision; relocated: "
        "found again after the text changed, for an editor to confirm (`previous_text` is the "
        "text before); orphaned: the text is gone, and fragments, `text` and spans are those "
        "of revision `anchored_revision`. Sending `fragments` anchors the quote again.",
    )
    anchored_revision = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="For an orphaned quote, the number of the revision its spans belong to.",
    )
    previous_text = serializers.CharField(read_only=True)

    class Meta:
        model = Quote
        fields = [
            "id",
            "article",
            "kind",
            "fragments",
            "text",
            "start",
            "end",
            "speaker",
            "speaker_name",
            "speaker_role",
            "speaker_mention",
            "cue",
            "cue_span",
            "via",
            "status",
            "note",
            "version",
            "anchoring",
            "anchored_revision",
            "previous_text",
            "created_at",
            "updated_at",
            "confirmed_by",
            "confirmed_by_name",
            "checked_by",
            "checked_by_name",
            "checked_at",
        ]
        read_only_fields = ["text", "start", "end", "created_at", "updated_at"]
        list_serializer_class = QuoteListSerializer
        extra_kwargs = {
            "note": {"max_length": 5000},
            "cue": {"max_length": 200},
            "status": {"required": False},
            "speaker_role": {"max_length": 300, "required": False},
        }

    # Reading: built by hand from the prefetched rows; this is the hot path of the API.
    def to_representation(self, quote: Quote) -> dict[str, Any]:
        attach_parts([quote])  # nothing to do when the list serializer did it
        if hasattr(quote, "speaker_name"):
            speaker_name = quote.speaker_name
        else:  # not fetched through views.quote_queryset()
            speaker_name = quote.speaker.name if quote.speaker_id else None
        return {
            "id": quote.id,
            "article": quote.article_id,
            "kind": quote.kind,
            "fragments": quote.fragment_list,
            "text": quote.text,
            "start": quote.start,
            "end": quote.end,
            "speaker": quote.speaker_id,
            "speaker_name": speaker_name,
            "speaker_role": quote.speaker_role,
            "speaker_mention": self._span(quote, "mention"),
            "cue": quote.cue,
            "cue_span": self._span(quote, "cue"),
            "via": quote.via_list,
            "status": quote.status,
            "note": quote.note,
            "version": quote.version,
            "anchoring": quote.anchoring,
            "anchored_revision": self._revision_number(quote),
            "previous_text": quote.previous_text,
            "created_at": iso_utc(quote.created_at),
            "updated_at": iso_utc(quote.updated_at),
            "confirmed_by": quote.confirmed_by_id,
            "confirmed_by_name": self._user_name(quote, "confirmed_by"),
            "checked_by": quote.checked_by_id,
            "checked_by_name": self._user_name(quote, "checked_by"),
            "checked_at": iso_utc(quote.checked_at) if quote.checked_at else None,
        }

    @staticmethod
    def _user_name(quote: Quote, field: str) -> str | None:
        if getattr(quote, f"{field}_id") is None:
            return None
        if hasattr(quote, f"{field}_name"):
            return getattr(quote, f"{field}_name")
        return getattr(quote, field).username  # not fetched through quote_queryset()

    @staticmethod
    def _revision_number(quote: Quote) -> int | None:
        if quote.revision_id is None:
            return None
        if hasattr(quote, "revision_number"):
            return quote.revision_number
        return quote.revision.number  # not fetched through quote_queryset()

    @staticmethod
    def _span(quote: Quote, prefix: str) -> dict[str, Any] | None:
        start, end = getattr(quote, f"{prefix}_start"), getattr(quote, f"{prefix}_end")
        if start is None:
            return None
        text = getattr(quote, f"{prefix}_text", None)
        if text is None:  # not fetched through quote_queryset()
            body = quote.revision.body if quote.revision_id else quote.article.body
            text = body[start:end]
        return {"start": start, "end": end, "text": text}

    # Writing.
    def validate_article(self, article: Article) -> Article:
        if self.instance is not None and article.pk != self.instance.article_id:
            raise serializers.ValidationError(
                "A quote cannot move to another article.", code="moved_article"
            )
        return article

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        article = attrs.get("article") or self.instance.article
        body = article.body
        errors: dict[str, list[str]] = {}
        if "fragments" in attrs:
            spans = [(f["start"], f["end"]) for f in attrs["fragments"]]
            try:
                attrs["spans"] = Quote.check_fragments(body, spans)
                for f in attrs["fragments"]:
                    textrules.check_span(
                        body,
                        f["start"],
                        f["end"],
                        f.get("text"),
                        what=f"fragment {f['start']}-{f['end']}",
                    )
            except DjangoValidationError as exc:
                errors["fragments"] = get_error_detail(exc)
        for field, what in (("speaker_mention", "speaker mention"), ("cue_span", "cue")):
            span = attrs.get(field)
            if span is not None:
                try:
                    textrules.check_span(
                        body, span["start"], span["end"], span.get("text"), what=what
                    )
                except DjangoValidationError as exc:
                    errors[field] = get_error_detail(exc)
        if attrs.get("via"):
            try:
                attrs["hops"] = self._resolve_hops(attrs["via"])
            except serializers.ValidationError as exc:
                errors["via"] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    @staticmethod
    def _resolve_hops(via: list[dict[str, Any]]) -> list[Hop]:
        wanted = {"outlet": set(), "speaker": set()}
        for hop in via:
            wanted[hop["type"]].add(hop["id"])
        found = {
            "outlet": Outlet.objects.in_bulk(wanted["outlet"]) if wanted["outlet"] else {},
            "speaker": Speaker.objects.in_bulk(wanted["speaker"]) if wanted["speaker"] else {},
        }
        missing = [
            f"There is no {kind} with id {pk}."
            for kind in ("outlet", "speaker")
            for pk in sorted(wanted[kind] - set(found[kind]))
        ]
        if missing:
            raise serializers.ValidationError(missing, code="unknown_reference")
        return [Hop(**{hop["type"]: found[hop["type"]][hop["id"]]}) for hop in via]

    @staticmethod
    def _changes(attrs: dict[str, Any]) -> dict[str, Any]:
        """What the request changes, in the terms of :meth:`Quote.edit`."""
        fields = ("kind", "status", "speaker", "speaker_role", "cue", "note")
        changes = {f: attrs[f] for f in fields if f in attrs}
        for field, key in (("speaker_mention", "mention"), ("cue_span", "cue_span")):
            if field in attrs:
                span = attrs[field]
                changes[key] = (span["start"], span["end"]) if span else None
        if "spans" in attrs:
            changes["fragments"] = attrs["spans"]
        if "via" in attrs:
            changes["via"] = attrs.get("hops", [])
        return changes

    def create(self, validated_data: dict[str, Any]) -> Quote:
        return Quote.create(
            validated_data["article"],
            by=self.context["request"].user,
            **self._changes(validated_data),
        )

    def update(self, quote: Quote, validated_data: dict[str, Any]) -> Quote:
        """Change the quote; ``expected_version`` (the If-Match the view passes to
        ``save()``) makes it conditional."""
        quote.edit(
            by=self.context["request"].user,
            expected_version=validated_data.get("expected_version"),
            **self._changes(validated_data),
        )
        return quote
