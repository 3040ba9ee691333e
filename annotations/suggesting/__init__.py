"""Suggest attributed statements (quotes) in an article, for an editor to accept or reject."""

from .core import suggest
from .lexicon import NAME_SUFFIXES, TITLES
from .names import speaker_name_from_source
from .spans import Span, Suggestion

__all__ = ["NAME_SUFFIXES", "TITLES", "Span", "Suggestion", "speaker_name_from_source", "suggest"]
