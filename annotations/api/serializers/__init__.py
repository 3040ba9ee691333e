"""JSON for outlets, speakers, articles and quotes, and the validation of what clients send.

Reads never query per row: each list view's queryset (see ``views/querysets.py``) fetches
what these serializers show. Writes check everything against the article body and the
database before anything is saved, and the views run them in one transaction, so a refused
request changes nothing.

One module per resource: :mod:`.quotes`, :mod:`.articles`, :mod:`.directory` (speakers,
outlets, merges), on what :mod:`.base` shares.
"""

from .articles import (
    ArticleDetailSerializer,
    ArticleSerializer,
    RevisionDetailSerializer,
    RevisionSerializer,
)
from .base import RefuseNulMixin, drf_error
from .directory import MergeSerializer, OutletSerializer, SpeakerSerializer
from .quotes import QuoteSerializer

__all__ = [
    "ArticleDetailSerializer",
    "ArticleSerializer",
    "MergeSerializer",
    "OutletSerializer",
    "QuoteSerializer",
    "RefuseNulMixin",
    "RevisionDetailSerializer",
    "RevisionSerializer",
    "SpeakerSerializer",
    "drf_error",
]
