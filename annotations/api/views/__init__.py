"""The API's viewsets: outlets and speakers (:mod:`.directory`), articles (:mod:`.articles`)
and quotes (:mod:`.quotes`, where the concurrency rules are), on the base viewset and the
shared errors of :mod:`.base` and the querysets of :mod:`.querysets`."""

from .articles import ArticleViewSet
from .base import not_found
from .directory import OutletViewSet, SpeakerViewSet
from .querysets import article_queryset, quote_queryset
from .quotes import QuoteViewSet

__all__ = [
    "ArticleViewSet",
    "OutletViewSet",
    "QuoteViewSet",
    "SpeakerViewSet",
    "article_queryset",
    "not_found",
    "quote_queryset",
]
