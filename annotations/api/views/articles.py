"""The articles' viewset: articles with their text, revisions and boilerplate."""

from __future__ import annotations

from django.db.models.functions import Length
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404  # a malformed id is a 404 too
from rest_framework.response import Response

from annotations import jobs
from annotations.models import Article, Revision

from ..filters import ArticleFilter, StrictFilterBackend
from ..serializers import (
    ArticleDetailSerializer,
    ArticleSerializer,
    QuoteSerializer,
    RevisionDetailSerializer,
    RevisionSerializer,
)
from .base import (
    COMMON_ERRORS,
    ERROR,
    LIST_ERRORS,
    WRITE_REFUSALS,
    NewsdeskViewSet,
    SuggesterTooSlow,
    restore_schema,
)
from .querysets import article_queryset, quote_queryset


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
