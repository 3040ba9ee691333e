"""JSON for outlets, speakers, articles and quotes, and the validation of what clients send.

Reads never query per row: each list view's queryset (see ``views.py``) fetches what these
serializers show. Writes check everything against the article body and the database before
anything is saved, and the views run them in one transaction, so a refused request changes
nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Manager
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from annotations import text as textrules
from annotations.models import (
    Article,
    BoilerplateRange,
    Fragment,
    Hop,
    Outlet,
    Quote,
    Revision,
    Speaker,
    ViaHop,
    create_with_history,
    delete_with_history,
)

MAX_FRAGMENTS = 100
MAX_VIA_HOPS = 20
MAX_ALIASES = 100
MAX_BOILERPLATE = 100
# Offsets are code point indices into a body of at most NEWSDESK_MAX_BODY_CHARS characters;
# the bound here only keeps absurd numbers away from the database.
MAX_OFFSET = 2**31 - 1


def iso_utc(value: datetime) -> str:
    """A date-time as DRF writes it with TIME_ZONE = "UTC" (``2016-02-11T12:00:00Z``),
    without DRF's per-call timezone lookups: this runs twice for every quote listed."""
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def drf_error(exc: DjangoValidationError, field: str | None = None) -> serializers.ValidationError:
    """A DRF 400 carrying a Django ValidationError's messages (under ``field`` when given)."""
    if field is None:
        return serializers.ValidationError(serializers.as_serializer_error(exc))
    return serializers.ValidationError({field: get_error_detail(exc)})


def find_nul(data: Any, path: str = "") -> str | None:
    """The path of the first string (value or key) in ``data`` holding a NUL, or None."""
    if isinstance(data, str):
        return path or "request" if "\x00" in data else None
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and "\x00" in key:
                return path or "request"
            found = find_nul(value, here)
            if found:
                return found
    elif isinstance(data, list | tuple):
        for n, value in enumerate(data):
            found = find_nul(value, f"{path}[{n}]")
            if found:
                return found
    return None


def declared_part(field: serializers.Field, data: Any) -> Any:
    """``data`` without what ``field`` ignores: keys it does not declare (or only shows)."""
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        return (
            [declared_part(field.child, item) for item in data] if isinstance(data, list) else data
        )
    if isinstance(field, serializers.Serializer) and isinstance(data, dict):
        fields = field.fields
        return {
            key: declared_part(fields[key], value)
            for key, value in data.items()
            if key in fields and not fields[key].read_only
        }
    return data


def non_string(field: serializers.Field, data: Any, path: str = "") -> str | None:
    """The path of the first value sent for a text field that is not a string (DRF's
    CharField would take a number and keep its digits), or None."""
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        for n, item in enumerate(data if isinstance(data, list) else []):
            found = non_string(field.child, item, f"{path}[{n}]")
            if found:
                return found
    elif isinstance(field, serializers.Serializer) and isinstance(data, dict):
        for key, value in data.items():
            found = non_string(field.fields[key], value, f"{path}.{key}" if path else key)
            if found:
                return found
    elif (
        type(field) is serializers.CharField
        and data is not None
        and not isinstance(data, str)
        and isinstance(data, int | float)
    ):
        return path
    return None


class RefuseNulMixin:
    """Refuse a request whose data holds a NUL character anywhere it is read, naming where
    (keys the serializer does not declare are ignored, NUL or not)."""

    def to_internal_value(self, data):
        declared = declared_part(self, data)
        where = non_string(self, declared)
        if where:
            field = where.split(".")[0].split("[")[0]
            raise serializers.ValidationError({field: f"{where} must be a string."})
        path = find_nul(declared)
        if path:
            try:
                textrules.refuse_nul("\x00", path)
            except DjangoValidationError as exc:
                field = path.split(".")[0].split("[")[0]
                raise drf_error(exc, field) from None
        return super().to_internal_value(data)


# Spans ---------------------------------------------------------------------------------


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


# Quotes --------------------------------------------------------------------------------


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


# Articles ------------------------------------------------------------------------------


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


# Speakers and outlets ------------------------------------------------------------------


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


__all__ = [
    "ArticleDetailSerializer",
    "ArticleSerializer",
    "MergeSerializer",
    "OutletSerializer",
    "QuoteSerializer",
    "RevisionDetailSerializer",
    "RevisionSerializer",
    "SpeakerSerializer",
]
