"""JSON for quotes, with their fragments (spans of the body), speaker and via hops, and the
validation of a quote a client writes against its article's body."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import Manager
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from annotations import text as textrules
from annotations.models import Article, Hop, Outlet, Quote, Speaker

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


# What the JSON of a quote is made of, as names for ``values()`` on
# ``views.querysets.quote_queryset()``: the quote's own columns, then what that queryset
# annotates (the names of its speaker and users, the text of its mention and cue spans cut
# from the body, the revision an orphaned quote's spans belong to).
QUOTE_COLUMNS = (
    "id", "article_id", "kind", "text", "start", "end", "speaker_id", "speaker_role",
    "mention_start", "mention_end", "cue", "cue_start", "cue_end", "status", "note", "version",
    "anchoring", "previous_text", "created_at", "updated_at", "confirmed_by_id",
    "checked_by_id", "checked_at",
)  # fmt: skip
QUOTE_ANNOTATIONS = (
    "speaker_name", "mention_text", "cue_text", "revision_number", "confirmed_by_name",
    "checked_by_name",
)  # fmt: skip
QUOTE_VALUES = QUOTE_COLUMNS + QUOTE_ANNOTATIONS

# The fragments and via hops of a page of quotes, nearest the speaker first: two fixed
# statements by quote id, written as SQL because the ORM's building of them (an IN list of
# up to 500 ids) cost the list about as much as running them.
_FRAGMENTS_SQL = """
    SELECT quote_id, start, "end", text FROM annotations_fragment
    WHERE quote_id IN ({ids}) ORDER BY quote_id, start
"""
_HOPS_SQL = """
    SELECT hop.quote_id, hop.outlet_id, hop.speaker_id, COALESCE(outlet.name, speaker.name)
    FROM annotations_viahop hop
    LEFT JOIN annotations_outlet outlet ON outlet.id = hop.outlet_id
    LEFT JOIN annotations_speaker speaker ON speaker.id = hop.speaker_id
    WHERE hop.quote_id IN ({ids}) ORDER BY hop.quote_id, hop.position
"""


def quote_parts(ids: list[int]) -> tuple[dict[int, list], dict[int, list]]:
    """The fragments and the via hops of the quotes ``ids``, as JSON-ready dicts by quote
    id, in two queries however many quotes (a hand-made prefetch: plain values, no model
    instances)."""
    fragments: dict[int, list] = {pk: [] for pk in ids}
    via: dict[int, list] = {pk: [] for pk in ids}
    if not ids:
        return fragments, via
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(_FRAGMENTS_SQL.format(ids=marks), ids)
        for quote_id, start, end, text in cursor.fetchall():
            fragments[quote_id].append({"start": start, "end": end, "text": text})
        cursor.execute(_HOPS_SQL.format(ids=marks), ids)
        for quote_id, outlet_id, speaker_id, name in cursor.fetchall():
            via[quote_id].append(
                {"type": "outlet", "id": outlet_id, "name": name}
                if outlet_id
                else {"type": "speaker", "id": speaker_id, "name": name}
            )
    return fragments, via


def attach_parts(quotes: list[Quote]) -> None:
    """Give each quote ``fragment_list`` and ``via_list`` (see :func:`quote_parts`)."""
    by_id = {quote.pk: quote for quote in quotes if not hasattr(quote, "fragment_list")}
    if not by_id:
        return
    fragments, via = quote_parts(list(by_id))
    for pk, quote in by_id.items():
        quote.fragment_list, quote.via_list = fragments[pk], via[pk]


def quote_json(row: dict[str, Any], fragments: list, via: list) -> dict[str, Any]:
    """The JSON of one quote, from its ``QUOTE_VALUES`` and its parts: the one place that
    says what a quote looks like, for the list's plain rows and for model instances
    (:meth:`QuoteSerializer.to_representation`) alike."""
    mention_start, cue_start, checked_at = row["mention_start"], row["cue_start"], row["checked_at"]
    return {
        "id": row["id"],
        "article": row["article_id"],
        "kind": row["kind"],
        "fragments": fragments,
        "text": row["text"],
        "start": row["start"],
        "end": row["end"],
        "speaker": row["speaker_id"],
        "speaker_name": row["speaker_name"],
        "speaker_role": row["speaker_role"],
        "speaker_mention": None
        if mention_start is None
        else {"start": mention_start, "end": row["mention_end"], "text": row["mention_text"]},
        "cue": row["cue"],
        "cue_span": None
        if cue_start is None
        else {"start": cue_start, "end": row["cue_end"], "text": row["cue_text"]},
        "via": via,
        "status": row["status"],
        "note": row["note"],
        "version": row["version"],
        "anchoring": row["anchoring"],
        "anchored_revision": row["revision_number"],
        "previous_text": row["previous_text"],
        "created_at": iso_utc(row["created_at"]),
        "updated_at": iso_utc(row["updated_at"]),
        "confirmed_by": row["confirmed_by_id"],
        "confirmed_by_name": row["confirmed_by_name"],
        "checked_by": row["checked_by_id"],
        "checked_by_name": row["checked_by_name"],
        "checked_at": iso_utc(checked_at) if checked_at else None,
    }


def quotes_json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The JSON of a page of quotes read as ``quote_queryset().values(*QUOTE_VALUES)``, in
    two more queries (their fragments and via hops): the quote list, the API's hot path,
    without a model instance or a serializer field per quote. The list's schema is still
    :class:`QuoteSerializer`'s, whose answers these are byte for byte."""
    fragments, via = quote_parts([row["id"] for row in rows])
    return [quote_json(row, fragments[row["id"]], via[row["id"]]) for row in rows]


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

    # Reading: built by hand, as the list builds its rows (``quotes_json``).
    def to_representation(self, quote: Quote) -> dict[str, Any]:
        attach_parts([quote])  # nothing to do when the list serializer did it
        return quote_json(self._values(quote), quote.fragment_list, quote.via_list)

    @staticmethod
    def _values(quote: Quote) -> dict[str, Any]:
        """The quote's ``QUOTE_VALUES``: what ``views.querysets.quote_queryset()``
        annotates, or else looked up through the quote's relations."""
        row = {name: getattr(quote, name) for name in QUOTE_COLUMNS}
        if hasattr(quote, "speaker_name"):
            row.update({name: getattr(quote, name) for name in QUOTE_ANNOTATIONS})
            return row
        # Not fetched through quote_queryset().
        body = None
        if quote.mention_start is not None or quote.cue_start is not None:
            body = quote.revision.body if quote.revision_id else quote.article.body
        row.update(
            speaker_name=quote.speaker.name if quote.speaker_id else None,
            mention_text=body[quote.mention_start : quote.mention_end]
            if quote.mention_start is not None
            else None,
            cue_text=body[quote.cue_start : quote.cue_end] if quote.cue_start is not None else None,
            revision_number=quote.revision.number if quote.revision_id else None,
            confirmed_by_name=quote.confirmed_by.username if quote.confirmed_by_id else None,
            checked_by_name=quote.checked_by.username if quote.checked_by_id else None,
        )
        return row

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
