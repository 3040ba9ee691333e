"""The directory's viewsets: outlets and speakers, with their aliases, merges and restores."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from annotations.models import Outlet, Speaker
from annotations.permissions import AdminsOnly

from ..filters import OutletFilter, SpeakerFilter
from ..serializers import OutletSerializer, SpeakerSerializer
from .base import (
    COMMON_ERRORS,
    CONFLICT,
    ERROR,
    LIST_ERRORS,
    AliasedViewSet,
    merge_schema,
    restore_schema,
)
from .querysets import outlet_queryset, speaker_queryset


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
