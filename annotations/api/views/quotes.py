"""The quotes' viewset, with the list as CSV.

Concurrency: a quote carries a ``version``, sent as its ETag. Changing or deleting a quote
requires ``If-Match`` with the version the client last saw: without it the answer is 428,
with a stale one 412, and nothing changes. The view passes the version to the quote's own
methods as ``expected_version`` (``Quote.edit``, ``soft_delete``, ``restore``): the check and
the write happen in one transaction that starts by claiming the row with
``UPDATE ... WHERE version = <seen>``, and a lost race raises ``Quote.VersionConflict``: on
PostgreSQL the row lock makes a concurrent writer wait and then find the version moved on;
on SQLite writers are serialised anyway (and, within one process, queued on a lock by
``annotations.middleware.SQLiteWriteQueueMiddleware`` so that they wait rather than fail with
"database is locked").
"""

from __future__ import annotations

import orjson
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from annotations.models import Quote

from ..filters import QuoteFilter
from ..serializers import QuoteSerializer
from ..serializers.quotes import QUOTE_VALUES, quotes_json
from .base import (
    COMMON_ERRORS,
    ERROR,
    FIELD_ERRORS,
    LIST_ERRORS,
    UNPROCESSABLE,
    NewsdeskViewSet,
    PreconditionFailed,
    PreconditionRequired,
)
from .querysets import quote_queryset


class QuoteListRenderer(JSONRenderer):
    """DRF's JSON byte for byte (compact UTF-8, U+2028 and U+2029 escaped), written by
    orjson: a page of quotes is the API's largest and most asked-for answer. Indented
    JSON (``Accept: application/json; indent=2``), and anything orjson cannot write, is
    left to DRF's renderer."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            text = orjson.dumps(data)
        except TypeError:  # a type only DRF's encoder knows, such as a lazy translation
            return super().render(data, accepted_media_type, renderer_context)
        return text.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")


class QuoteCSVRenderer(BaseRenderer):
    """Lets content negotiation accept ``?format=csv`` on the quote list; the list itself
    streams the CSV (``exporting.quotes_csv_response``), so this renders only what else
    might come its way, as JSON (errors are switched to JSON before rendering)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The quote\'s ETag as you last saw it, e.g. `"3"` (its `version`). Without '
    "it: 428; when the quote has changed since: 412. Either way nothing changes.",
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Optional: the ETag of the deleted quote; refused with 412 when stale.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The quote\'s version, quoted: `"3"`. Send it back in If-Match.',
)
WRITE_ERRORS = {
    400: FIELD_ERRORS,
    401: ERROR,
    403: ERROR,
    404: ERROR,
    412: OpenApiResponse(ERROR, description="The quote changed since that version."),
    428: OpenApiResponse(ERROR, description="If-Match is missing."),
}
QUOTE_EXAMPLE = OpenApiExample(
    "A direct quote in two fragments",
    value={
        "article": 1,
        "kind": "direct",
        "fragments": [{"start": 120, "end": 164}, {"start": 190, "end": 230}],
        "speaker": 4,
        "speaker_mention": {"start": 166, "end": 177},
        "cue": "said",
        "via": [{"type": "outlet", "id": 2}],
    },
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(
        description="Quotes, cursor-paged. `?format=csv` (or `Accept: text/csv`) streams "
        "every matching quote as CSV instead, unpaged.",
        responses={
            (200, "application/json"): QuoteSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="With `?format=csv`: every matching quote, one row each.",
            ),
            **LIST_ERRORS,
        },
    ),
    retrieve=extend_schema(
        parameters=[ETAG],
        responses={
            200: QuoteSerializer,
            404: ERROR,
            **COMMON_ERRORS,
        },
    ),
    create=extend_schema(
        examples=[QUOTE_EXAMPLE],
        parameters=[ETAG],
        responses={201: QuoteSerializer, **COMMON_ERRORS, 422: UNPROCESSABLE},
    ),
    update=extend_schema(
        parameters=[IF_MATCH, ETAG],
        responses={200: QuoteSerializer, **WRITE_ERRORS, 422: UNPROCESSABLE},
    ),
    partial_update=extend_schema(
        parameters=[IF_MATCH, ETAG],
        responses={200: QuoteSerializer, **WRITE_ERRORS, 422: UNPROCESSABLE},
    ),
    destroy=extend_schema(
        description="Deletes the quote so that it can be undone with `restore`.",
        parameters=[IF_MATCH],
        responses={204: None, **WRITE_ERRORS},
    ),
)
class QuoteViewSet(NewsdeskViewSet):
    """Attributed statements. Changing or deleting one needs `If-Match` with its ETag."""

    serializer_class = QuoteSerializer
    filterset_class = QuoteFilter
    queryset = Quote.objects.none()
    single_quote_actions = frozenset(
        {"retrieve", "create", "update", "partial_update", "restore", "confirm_anchoring"}
    )

    # The list reads plain values rather than model instances (``serializers.quotes_json``).
    # Built once, like DRF's ``queryset``, and cloned for each request.
    list_queryset = quote_queryset().values(*QUOTE_VALUES)

    def get_queryset(self):
        if self.action == "restore":
            return quote_queryset(Quote.all_objects.all())
        return quote_queryset()

    def get_renderers(self):
        if self.action == "list":
            return [QuoteListRenderer(), QuoteCSVRenderer()]
        return super().get_renderers()

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            from annotations import exporting  # written alongside; imported when used

            queryset = self.filter_queryset(self.get_queryset())
            filename = exporting.quotes_csv_filename(request.query_params)
            return exporting.quotes_csv_response(queryset, filename)
        rows = self.paginate_queryset(self.filter_queryset(self.list_queryset.all()))
        return self.get_paginated_response(quotes_json(rows))

    def finalize_response(self, request, response, *args, **kwargs):
        accepted = getattr(request, "accepted_renderer", None)
        failed = isinstance(response, Response) and response.status_code >= 400
        if failed and accepted is not None and accepted.format == "csv":
            # Errors are JSON whatever the format asked for.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (
            self.action in self.single_quote_actions
            and response.status_code < 300
            and isinstance(data, dict)
            and "version" in data
        ):
            response["ETag"] = f'"{data["version"]}"'
        return response

    # Versions.
    @staticmethod
    def versions_from(request, *, required: bool = True) -> set[int] | None:
        header = request.headers.get("If-Match")
        if header is None or not header.strip() or header.strip() == "*":
            if required:
                raise PreconditionRequired()
            return None
        versions = set()
        for tag in header.split(","):
            tag = tag.strip()
            tag = tag.removeprefix("W/").strip('"')
            if tag.isdecimal() and len(tag) < 19:
                versions.add(int(tag))
        return versions

    @staticmethod
    def expected_version(quote: Quote, versions: set[int]) -> int:
        """The version the client's If-Match names for ``quote`` as loaded; the write then
        only happens if the row is still at it (see :meth:`Quote.edit`)."""
        if quote.version in versions:
            return quote.version
        now = Quote.all_objects.filter(pk=quote.pk).values_list("version", flat=True).first()
        seen = ", ".join(str(v) for v in sorted(versions)) or "none"
        raise PreconditionFailed.stale(seen, now)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            quote = serializer.save()
        data = self.reloaded(quote)
        location = reverse("api:quote-detail", args=[quote.pk], request=request)
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        versions = self.versions_from(request)
        quote = self.get_object()
        serializer = self.get_serializer(quote, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save(expected_version=self.expected_version(quote, versions))
        return Response(self.reloaded(quote))

    def destroy(self, request, *args, **kwargs):
        versions = self.versions_from(request)
        quote = self.get_object()
        quote.soft_delete(by=request.user, expected_version=self.expected_version(quote, versions))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Confirm a relocated quote where it was found (editors)",
        description="After the article's text changed, a quote found again at a slightly "
        "different text is `relocated`; this says it was found at the right place and makes "
        "it `anchored`. An orphaned quote is settled by sending its `fragments` anew.",
        request=None,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: QuoteSerializer,
            **WRITE_ERRORS,
            409: OpenApiResponse(FIELD_ERRORS.response, description="The quote is not relocated."),
        },
    )
    @action(detail=True, methods=["post"], url_path="confirm-anchoring")
    def confirm_anchoring(self, request, pk=None, format=None):
        versions = self.versions_from(request)
        quote = self.get_object()
        expected = self.expected_version(quote, versions)
        quote.confirm_anchoring(by=request.user, expected_version=expected)
        return Response(self.reloaded(quote))

    @extend_schema(
        summary="Undo the delete of a quote (editors)",
        description="Brings a deleted quote back. A quote that is not deleted is returned "
        "unchanged.",
        request=None,
        parameters=[IF_MATCH_OPTIONAL, ETAG],
        responses={
            200: QuoteSerializer,
            401: ERROR,
            403: ERROR,
            404: ERROR,
            412: ERROR,
        },
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None, format=None):
        versions = self.versions_from(request, required=False)
        quote = self.get_object()
        if quote.is_deleted:
            expected = self.expected_version(quote, versions or {quote.version})
            quote.restore(by=request.user, expected_version=expected)
        return Response(self.reloaded(quote))
