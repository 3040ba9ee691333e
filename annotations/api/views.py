"""The API's viewsets: outlets, speakers, articles and quotes.

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

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import (
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Coalesce, Length, Substr
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import APIException, NotFound
from rest_framework.generics import get_object_or_404  # a malformed id is a 404 too
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from annotations import jobs
from annotations.models import (
    Article,
    BoilerplateRange,
    Merge,
    Outlet,
    OutletAlias,
    Quote,
    Revision,
    Speaker,
    SpeakerAlias,
    ViaHop,
)
from annotations.permissions import AdminsOnly

from .filters import (
    ArticleFilter,
    OutletFilter,
    QuoteFilter,
    SpeakerFilter,
    StrictFilterBackend,
    StrictOrderingFilter,
)
from .pagination import IdCursorPagination
from .serializers import (
    ArticleDetailSerializer,
    ArticleSerializer,
    MergeSerializer,
    OutletSerializer,
    QuoteSerializer,
    RevisionDetailSerializer,
    RevisionSerializer,
    SpeakerSerializer,
    drf_error,
)

# Querysets: each says what its serializer shows, fetched in a fixed number of queries. ----


def count_of(queryset):
    """A correlated ``COUNT(*)`` subquery: evaluated only for the rows a page shows, where a
    JOIN with GROUP BY would count for every row before paging."""
    counted = queryset.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def counted_quotes():
    """The quotes that ``quote_count`` counts: live, and not rejected (rejected suggestions
    are kept only so that they are not suggested again)."""
    return Quote.objects.exclude(status=Quote.Status.REJECTED).filter(annotator__isnull=True)


def quote_queryset(queryset=None):
    """Everything the quote JSON shows, in three queries however many quotes: this one, with
    the speaker's name and the text of the mention and cue spans as annotations (cut from
    the body in SQL, so that bodies are not fetched), then the fragments and via hops of all
    the quotes being shown, in one query each (``serializers.attach_parts``). The quote list
    is the API's hot path: plain values there, rather than related model instances and
    Django's prefetch machinery, halve its cost."""
    # An agreement task's two independent annotations are not the article's quotes (yet).
    queryset = Quote.objects.filter(annotator__isnull=True) if queryset is None else queryset
    # An orphaned quote's spans belong to the revision it was anchored in.
    body = Coalesce("revision__body", "article__body")
    return queryset.annotate(
        speaker_name=F("speaker__name"),
        revision_number=F("revision__number"),
        confirmed_by_name=F("confirmed_by__username"),
        checked_by_name=F("checked_by__username"),
        mention_text=Substr(body, F("mention_start") + 1, F("mention_end") - F("mention_start")),
        cue_text=Substr(body, F("cue_start") + 1, F("cue_end") - F("cue_start")),
    )


def current_revision():
    """The number of an article's current revision: the last stored, or 1."""
    last = Revision.objects.filter(article=OuterRef("pk")).order_by("-number").values("number")
    return Coalesce(Subquery(last[:1], output_field=IntegerField()), Value(1))


def article_queryset(*, detail: bool = False):
    queryset = Article.objects.select_related("publisher", "assignee").annotate(
        quote_count=count_of(counted_quotes().filter(article=OuterRef("pk"))),
        revision=current_revision(),
    )
    if not detail:
        return queryset.defer("body")
    return queryset.prefetch_related(
        Prefetch(
            "quotes", queryset=quote_queryset().order_by("start", "id"), to_attr="live_quotes"
        ),
        Prefetch("boilerplate", queryset=BoilerplateRange.objects.order_by("start")),
    )


def speaker_queryset():
    return Speaker.objects.prefetch_related(
        Prefetch("aliases", queryset=SpeakerAlias.objects.order_by("id"))
    ).annotate(quote_count=count_of(counted_quotes().filter(speaker=OuterRef("pk"))))


def outlet_queryset():
    relayed = ViaHop.objects.filter(quote=OuterRef("pk"), outlet=OuterRef(OuterRef("pk")))
    return Outlet.objects.prefetch_related(
        Prefetch("aliases", queryset=OutletAlias.objects.order_by("id"))
    ).annotate(
        quote_count=count_of(
            counted_quotes().filter(Q(article__publisher=OuterRef("pk")) | Exists(relayed))
        ),
        article_count=count_of(Article.objects.filter(publisher=OuterRef("pk"))),
    )


# Errors and the base viewset. -------------------------------------------------------------


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = (
        'Send If-Match: "<version>" with the ETag (the version) of the quote as you last '
        "saw it; changes and deletes without it are refused so that nobody overwrites a "
        "change they have not seen."
    )
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The quote has changed since you read it."
    default_code = "precondition_failed"

    @classmethod
    def stale(cls, seen: str, now: int | None) -> PreconditionFailed:
        return cls(
            f"The quote has changed since version {seen}: it is now at version {now}. "
            "GET it again, reapply your change and send its new ETag in If-Match."
        )


class SuggesterTooSlow(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "suggester_too_slow"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


ERROR = inline_serializer("Error", fields={"detail": serializers.CharField()})
FIELD_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Refused, nothing changed: field names map to lists of messages.",
)


class NewsdeskViewSet(viewsets.ModelViewSet):
    """Cursor-paged, strictly filtered, JSON only; Django ValidationErrors become 400s."""

    pagination_class = IdCursorPagination
    filter_backends = [StrictFilterBackend, StrictOrderingFilter]
    renderer_classes = [JSONRenderer]
    ordering_fields = ["id"]
    ordering = ["id"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def handle_exception(self, exc):
        if isinstance(exc, Quote.VersionConflict):
            exc = PreconditionFailed.stale(str(exc.expected), exc.current)
        elif isinstance(exc, Merge.Conflict):
            exc = Conflict(" ".join(exc.messages))
        elif isinstance(exc, DjangoValidationError):
            exc = drf_error(exc)
        elif isinstance(exc, ProtectedError | RestrictedError):
            exc = Conflict(
                "Other rows still refer to this one, so it cannot be deleted; merge it into "
                "the row that should replace it instead."
            )
        return super().handle_exception(exc)

    def perform_destroy(self, instance):
        """Speakers, outlets and articles are deleted so that it can be undone (``restore``)."""
        with transaction.atomic():
            instance.soft_delete(by=self.request.user)

    def restore(self, request, pk=None, format=None):
        """Bring a deleted row back (a live one is returned as it is)."""
        model = self.get_queryset().model
        row = get_object_or_404(model.all_objects.all(), pk=pk)
        with transaction.atomic():
            row.restore(by=request.user)
        return Response(self.reloaded(row))

    def reloaded(self, instance) -> dict[str, Any]:
        """The row as the API shows it, counts included, after a write."""
        return self.get_serializer(self.get_queryset().get(pk=instance.pk)).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = serializer.save()
        return Response(self.reloaded(instance), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = serializer.save()
        return Response(self.reloaded(instance))


def restore_schema(what: str, serializer):
    return extend_schema(
        summary=f"Undo the delete of {what} (editors)",
        description=f"Brings a deleted {what} back; one that is not deleted is returned as it is.",
        request=None,
        responses={200: serializer, 404: ERROR, **COMMON_ERRORS},
    )


class AliasedViewSet(NewsdeskViewSet):
    """Speakers and outlets: plain CRUD (a delete can be undone), aliases, and an admin-only
    merge."""

    def perform_destroy(self, instance):
        # What quotes or articles name stays: merge it into the row that replaces it.
        named = (
            Quote.all_objects.filter(speaker=instance).exists()
            if isinstance(instance, Speaker)
            else Article.all_objects.filter(publisher=instance).exists()
        )
        field = "speaker" if isinstance(instance, Speaker) else "outlet"
        if named or ViaHop.objects.filter(**{field: instance}).exists():
            raise ProtectedError("referred to", set())
        super().perform_destroy(instance)

    @transaction.atomic
    def merge(self, request, pk=None, format=None):
        survivor = self.get_object()
        body = MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        model = self.queryset.model if self.queryset is not None else survivor.__class__
        duplicate = model.objects.filter(pk=body.validated_data["duplicate"]).first()
        if duplicate is None and (
            gone := Merge.conflict_for(model, body.validated_data["duplicate"])
        ):
            raise gone  # merged a moment ago, perhaps by a request sent with this one
        if duplicate is None:
            raise serializers.ValidationError(
                {"duplicate": f"There is no {model._meta.verbose_name} with this id."},
                code="unknown_reference",
            )
        survivor.merge(duplicate, by=request.user)
        return Response(self.reloaded(survivor))


def merge_schema(what: str, serializer):
    return extend_schema(
        summary=f"Merge a duplicate {what} into this one (admins)",
        description=(
            f"Folds the duplicate {what} into the {what} in the URL in one transaction: its "
            "quotes, mentions, via hops and aliases move here, its name becomes an alias, "
            "and the duplicate is removed. Admins only."
        ),
        request=MergeSerializer,
        responses={
            200: serializer,
            400: FIELD_ERRORS,
            401: ERROR,
            403: ERROR,
            404: ERROR,
            **WRITE_REFUSALS,
        },
    )


COMMON_ERRORS = {400: FIELD_ERRORS, 401: ERROR, 403: ERROR}
# Refusals of schema-valid writes that depend on stored rows (see exceptions.py).
CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Refused, nothing changed: the request clashes with a stored row (a name or "
    "URL already taken) or with the row's current state. Field names map to messages.",
)
UNPROCESSABLE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Refused, nothing changed: the request is well formed but names a row that "
    "is not there, or a span that does not fit the article's text. Field names map to "
    "messages.",
)
WRITE_REFUSALS = {409: CONFLICT, 422: UNPROCESSABLE}
LIST_ERRORS = {
    **COMMON_ERRORS,
    404: OpenApiResponse(ERROR, description="The cursor is not one the server made."),
}


@extend_schema_view(
    list=extend_schema(responses={200: OutletSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: OutletSerializer, 404: ERROR, **COMMON_ERRORS}),
    create=extend_schema(responses={201: OutletSerializer, **COMMON_ERRORS, 409: CONFLICT}),
    update=extend_schema(
        responses={200: OutletSerializer, 404: ERROR, **COMMON_ERRORS, 409: CONFLICT}
    ),
    partial_update=extend_schema(
        responses={200: OutletSerializer, 404: ERROR, **COMMON_ERRORS, 409: CONFLICT}
    ),
    destroy=extend_schema(
        description="Deletes an outlet nothing refers to, so that `restore` can undo it; one "
        "that publishes articles or relays quotes gets 409 (merge it instead).",
        responses={204: None, 404: ERROR, 409: ERROR, **COMMON_ERRORS},
    ),
)
class OutletViewSet(AliasedViewSet):
    """News organisations: publishers of articles and hops through which quotes travel."""

    serializer_class = OutletSerializer
    filterset_class = OutletFilter
    queryset = Outlet.objects.none()

    def get_queryset(self):
        return outlet_queryset()

    @merge_schema("outlet", OutletSerializer)
    @action(detail=True, methods=["post"], permission_classes=[AdminsOnly])
    def merge(self, request, pk=None, format=None):
        return super().merge(request, pk)

    @restore_schema("a outlet", OutletSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None, format=None):
        return super().restore(request, pk)


@extend_schema_view(
    list=extend_schema(responses={200: SpeakerSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: SpeakerSerializer, 404: ERROR, **COMMON_ERRORS}),
    create=extend_schema(responses={201: SpeakerSerializer, **COMMON_ERRORS, 409: CONFLICT}),
    update=extend_schema(
        responses={200: SpeakerSerializer, 404: ERROR, **COMMON_ERRORS, 409: CONFLICT}
    ),
    partial_update=extend_schema(
        responses={200: SpeakerSerializer, 404: ERROR, **COMMON_ERRORS, 409: CONFLICT}
    ),
    destroy=extend_schema(
        description="Deletes a speaker nothing refers to, so that `restore` can undo it; one "
        "with quotes or via hops gets 409 (merge it instead).",
        responses={204: None, 404: ERROR, 409: ERROR, **COMMON_ERRORS},
    ),
)
class SpeakerViewSet(AliasedViewSet):
    """Who made statements: people, organisations, groups, unnamed sources."""

    serializer_class = SpeakerSerializer
    filterset_class = SpeakerFilter
    queryset = Speaker.objects.none()

    def get_queryset(self):
        return speaker_queryset()

    @merge_schema("speaker", SpeakerSerializer)
    @action(detail=True, methods=["post"], permission_classes=[AdminsOnly])
    def merge(self, request, pk=None, format=None):
        return super().merge(request, pk)

    @restore_schema("a speaker", SpeakerSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None, format=None):
        return super().restore(request, pk)


@extend_schema_view(
    list=extend_schema(responses={200: ArticleSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: ArticleDetailSerializer, 404: ERROR, **COMMON_ERRORS}),
    create=extend_schema(
        responses={201: ArticleDetailSerializer, **COMMON_ERRORS, **WRITE_REFUSALS}
    ),
    update=extend_schema(
        responses={200: ArticleDetailSerializer, 404: ERROR, **COMMON_ERRORS, **WRITE_REFUSALS}
    ),
    partial_update=extend_schema(
        responses={200: ArticleDetailSerializer, 404: ERROR, **COMMON_ERRORS, **WRITE_REFUSALS}
    ),
    destroy=extend_schema(
        description="Deletes an article and its quotes so that `restore` can undo it: they "
        "leave every list and come back together.",
        responses={204: None, 404: ERROR, **COMMON_ERRORS},
    ),
)
class ArticleViewSet(NewsdeskViewSet):
    """Articles; the detail adds the body, the live quotes and the boilerplate ranges."""

    filterset_class = ArticleFilter
    queryset = Article.objects.none()

    def get_queryset(self):
        return article_queryset(detail=self.action != "list")

    def get_serializer_class(self):
        return ArticleSerializer if self.action == "list" else ArticleDetailSerializer

    @restore_schema("an article", ArticleDetailSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None, format=None):
        return super().restore(request, pk)

    @extend_schema(
        summary="Suggest quotes in this article (editors)",
        description="Runs the quote suggester over the article body (boilerplate ranges "
        "excepted) and returns the suggested quotes it created, status `suggested`. The "
        "suggester has `NEWSDESK_SUGGEST_SECONDS` (10 by default); over that the answer is "
        "503 and nothing changes. For many articles use `POST /api/v1/articles/suggest/`.",
        request=None,
        responses={200: QuoteSerializer(many=True), **COMMON_ERRORS, 404: ERROR, 503: ERROR},
    )
    @action(
        detail=True,
        methods=["post"],
        pagination_class=None,
        filterset_class=None,
        filter_backends=[StrictFilterBackend],
    )
    def suggest(self, request, pk=None, format=None):
        article = self.get_object()
        try:  # in a child process, stopped at NEWSDESK_SUGGEST_SECONDS
            made = jobs.suggest_in_time(article, by=request.user)
        except jobs.SuggestTimeout as exc:
            raise SuggesterTooSlow(f"The suggester was {exc}; nothing was suggested.") from None
        quotes = quote_queryset().filter(pk__in=[q.pk for q in made]).order_by("start", "id")
        return Response(QuoteSerializer(quotes, many=True).data)

    def revisions_of(self, pk) -> list[Revision]:
        article = get_object_or_404(
            Article.objects.select_related("created_by").only(
                "pk", "body", "created_at", "created_by"
            ),
            pk=pk,
        )
        stored = list(
            article.revisions.select_related("created_by")
            .annotate(length=Length("body"))
            .defer("body")
            .order_by("number")
        )
        if stored:
            return stored
        first = article.revision_list()[0]  # the body never changed: revision 1, unsaved
        first.length = len(first.body)
        return [first]

    @extend_schema(
        summary="The revisions of an article's body",
        description="Every version of the body, oldest first, with who made it and when "
        "(bodies left out: see the revision's own URL). An article whose body never changed "
        "has one revision.",
        responses={200: RevisionSerializer(many=True), 401: ERROR, 403: ERROR, 404: ERROR},
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        filterset_class=None,
        filter_backends=[StrictFilterBackend],
    )
    def revisions(self, request, pk=None, format=None):
        return Response(RevisionSerializer(self.revisions_of(pk), many=True).data)

    @extend_schema(
        summary="One revision of an article's body",
        responses={200: RevisionDetailSerializer, 401: ERROR, 403: ERROR, 404: ERROR},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"revisions/(?P<number>[0-9]{1,9})",
        pagination_class=None,
        filterset_class=None,
        filter_backends=[StrictFilterBackend],
    )
    def revision(self, request, pk=None, number=None, format=None):
        article = get_object_or_404(Article.objects.select_related("created_by"), pk=pk)
        number = int(number)
        revision = article.revisions.select_related("created_by").filter(number=number).first()
        if revision is None and number == 1 and not article.revisions.exists():
            revision = article.revision_list()[0]  # the body never changed
        if revision is None:
            raise NotFound(f"The article has no revision {number}.")
        revision.length = len(revision.body)
        return Response(RevisionDetailSerializer(revision).data)


# Quotes -------------------------------------------------------------------------------


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

    def get_queryset(self):
        if self.action == "restore":
            return quote_queryset(Quote.all_objects.all())
        return quote_queryset()

    def get_renderers(self):
        if self.action == "list":
            return [JSONRenderer(), QuoteCSVRenderer()]
        return super().get_renderers()

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            from annotations import exporting  # written alongside; imported when used

            queryset = self.filter_queryset(self.get_queryset())
            filename = exporting.quotes_csv_filename(request.query_params)
            return exporting.quotes_csv_response(queryset, filename)
        return super().list(request, *args, **kwargs)

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


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
def not_found(request, *args, **kwargs):
    """The answer for API paths that name nothing (``/api/v1/quotes/abc/``), in JSON."""
    raise NotFound("No such API endpoint or object.")
