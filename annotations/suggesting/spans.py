"""Spans, the suggestions handed out, and the working records behind them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A range of the article text: code-point offsets, ``end`` exclusive."""

    start: int
    end: int


@dataclass
class Suggestion:
    """One proposed attributed statement."""

    kind: str  # "direct" | "indirect" | "mixed"
    fragments: list[Span]
    speaker_name: str = ""
    speaker_mention: Span | None = None
    cue: str = ""
    cue_span: Span | None = None
    via: list[str] = field(default_factory=list)


@dataclass
class Mention:
    """Words of the text that name a speaker."""

    span: Span
    text: str


@dataclass
class Reading:
    """A statement a rule found, before pronouns are resolved and labels dropped."""

    kind: str
    fragments: list[Span]
    mention: Mention | None
    cue: str
    cue_span: Span
    via: list[str] = field(default_factory=list)
    sentence: int = 0
    nested: bool = False


def any_overlap(a: Sequence[Span], b: Sequence[Span]) -> bool:
    return any(x.start < y.end and y.start < x.end for x in a for y in b)


def all_inside(a: Sequence[Span], b: Sequence[Span]) -> bool:
    return all(any(y.start <= x.start and x.end <= y.end for y in b) for x in a)
