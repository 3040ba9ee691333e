"""Background jobs in the API: ``/api/v1/jobs/`` (list, detail, cancel, download) and the
endpoints that start one: ``POST /api/v1/imports/`` (a file or pasted text),
``POST /api/v1/articles/suggest/`` (every article matching the list's filters) and
``POST /api/v1/exports/`` (every article as JSON Lines). Each answers 202 with the job,
``Location`` pointing at it; poll the job for ``state``, ``done``/``total``, ``rate`` and
``seconds_left``, and read its ``report`` at the end."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action, api_view, parser_classes, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from annotations import jobs
from annotations.models import Job

from .filters import ArticleFilter, StrictFilterBackend
from .pagination import IdCursorPagination
from .parsers import JSONParser
from .serializers.base import RefuseNulMixin
from .views.base import COMMON_ERRORS, ERROR, FIELD_ERRORS, LIST_ERRORS
from .views.querysets import article_queryset


class JobSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:job-detail")
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)
    percent = serializers.IntegerField(read_only=True)
    rate = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Articles a second so far."
    )
    seconds_left = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Estimated from the rate so far."
    )
    download = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "url",
            "kind",
            "state",
            "title",
            "done",
            "total",
            "percent",
            "rate",
            "seconds_left",
            "error",
            "download",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "rerun_of",
        ]
        read_only_fields = fields

    def get_download(self, job: Job) -> str | None:
        if job.kind == Job.Kind.EXPORT and job.state == Job.State.DONE and job.file:
            return reverse("api:job-download", args=[job.pk], request=self.context.get("request"))
        return None


class JobDetailSerializer(JobSerializer):
    report = serializers.JSONField(
        read_only=True,
        help_text="imported / skipped / refused (each with line, title, article, why), slow "
        "(too slow to suggest), suggested (count).",
    )

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "report"]
        read_only_fields = fields


def accepted(request, job: Job) -> Response:
    data = JobDetailSerializer(job, context={"request": request}).data
    location = reverse("api:job-detail", args=[job.pk], request=request)
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


@extend_schema_view(
    list=extend_schema(responses={200: JobSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: JobDetailSerializer, 404: ERROR, **COMMON_ERRORS}),
)
class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Your background jobs (admins: everyone's), newest last; the detail adds the
    report."""

    pagination_class = IdCursorPagination
    filter_backends = [StrictFilterBackend]
    permission_classes = [IsAuthenticated]
    queryset = Job.objects.none()

    def get_queryset(self):
        queryset = Job.objects.visible_to(self.request.user).select_related("created_by")
        queryset = queryset.defer("payload", "params")
        return queryset.defer("report") if self.action == "list" else queryset

    def get_serializer_class(self):
        return JobSerializer if self.action == "list" else JobDetailSerializer

    @extend_schema(request=None, responses={200: JobDetailSerializer, 404: ERROR, **COMMON_ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, format=None):
        """Stop the job: a queued one never starts, a running one stops after the article
        in hand (what it finished is kept)."""
        job = self.get_object()
        job.cancel()
        return Response(JobDetailSerializer(job, context={"request": request}).data)

    @extend_schema(responses={(200, "application/x-ndjson"): bytes, 404: ERROR, **COMMON_ERRORS})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None, format=None):
        """The file an export job wrote."""
        job = self.get_object()
        path = jobs.export_path(job) if job.file else None
        if job.state != Job.State.DONE or path is None or not path.is_file():
            raise Http404("This job has no file to download.")
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename="newsdesk-articles.jsonl",
            content_type="application/x-ndjson; charset=utf-8",
        )


class ImportTextSerializer(RefuseNulMixin, serializers.Serializer):
    """Pasted text: the article, with an optional title."""

    text = serializers.CharField(
        trim_whitespace=False, help_text="An article: its title on the first line."
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    suggest = serializers.BooleanField(required=False, default=True)

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("The text is empty.", code="blank")
        return value


class ImportUploadSerializer(ImportTextSerializer):
    """A file (``.txt``, ``.html``, ``.jsonl``) or pasted text, one of the two."""

    file = serializers.FileField(
        required=False, allow_empty_file=True, help_text=".txt, .html or .jsonl"
    )
    text = serializers.CharField(
        required=False, trim_whitespace=False, help_text="An article: its title on the first line."
    )

    def validate(self, attrs):
        if ("file" in attrs) == ("text" in attrs):
            raise serializers.ValidationError("Send a file or some text, one of the two.")
        return attrs


@extend_schema(
    summary="Import articles in the background (editors)",
    description="A file (multipart `file`: .txt, .html, .jsonl) or pasted `text` (with an "
    "optional `title`). The file is checked at once (type, size, UTF-8: 422 when refused); "
    "its articles are imported by a job, each in its own transaction.",
    request={
        "multipart/form-data": ImportUploadSerializer,
        "application/json": ImportTextSerializer,
    },
    responses={202: JobDetailSerializer, **COMMON_ERRORS, 422: FIELD_ERRORS},
)
@api_view(["POST"])
@parser_classes([MultiPartParser, JSONParser])
def import_articles(request):
    given = ImportUploadSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    data = given.validated_data
    publisher = (data.get("publisher") or "").strip() or None
    try:
        if data.get("file") is not None:
            upload = data["file"]
            job = jobs.start_import(
                upload.name,
                upload.read(),
                user=request.user,
                publisher=publisher,
                suggest=data["suggest"],
            )
        else:
            job = jobs.start_text_import(
                data["text"],
                title=data.get("title") or "",
                user=request.user,
                publisher=publisher,
                suggest=data["suggest"],
            )
    except DjangoValidationError as exc:
        raise ValidationError({"detail": " ".join(exc.messages)}, code="file_refused") from None
    return accepted(request, job)


@extend_schema(
    operation_id="articles_suggest_matching",
    summary="Suggest quotes in every matching article, in the background (editors)",
    description="Takes the article list's filters as query parameters (`publisher`, "
    "`status`, `language`, `published_after`, `published_before`, `q`).",
    parameters=[OpenApiParameter("q", str, required=False)],
    request=None,
    responses={
        202: JobDetailSerializer,
        400: FIELD_ERRORS,
        401: ERROR,
        403: ERROR,
        422: OpenApiResponse(ERROR, description="No article matches the filters."),
    },
)
@api_view(["POST"])
def suggest_articles(request):
    class View:  # what StrictFilterBackend reads from a view
        filterset_class = ArticleFilter

    articles = StrictFilterBackend().filter_queryset(request, article_queryset(), View)
    ids = list(articles.order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"detail": "No article matches these filters."}, code="no_match")
    return accepted(request, jobs.start_suggest(ids, user=request.user))


@extend_schema(
    summary="Export every article as JSON Lines, in the background",
    request=None,
    responses={202: JobDetailSerializer, 401: ERROR},
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def export_articles(request):
    return accepted(request, jobs.start_export(user=request.user))
