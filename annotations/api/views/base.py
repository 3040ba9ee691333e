"""What every viewset shares: the errors it answers with and how the schema describes them,
the base viewset (and the one for rows with aliases that can be merged), and the JSON 404
for paths that name nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import APIException, NotFound
from rest_framework.generics import get_object_or_404  # a malformed id is a 404 too
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from annotations.models import Article, Merge, Quote, Speaker, ViaHop

from ..filters import StrictFilterBackend, StrictOrderingFilter
from ..pagination import IdCursorPagination
from ..serializers import MergeSerializer, drf_error


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


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
def not_found(request, *args, **kwargs):
    """The answer for API paths that name nothing (``/api/v1/quotes/abc/``), in JSON."""
    raise NotFound("No such API endpoint or object.")
