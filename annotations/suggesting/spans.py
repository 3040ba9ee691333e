"""Spans, the suggestions handed out, and the working records behind them."""

from __future__ import annotations

from bisect import bisect_right
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
    # the speaker's part when someone speaks for them: "spokesman" for "a Nordfrakt
    # spokesman" (speaker Nordfrakt), "memo" for "a Justice Department memo"
    speaker_role: str = ""


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


class Cover:
    """Spans, each with its owner, asked whether any of them holds a given span: sorted by
    start with the two furthest ends so far (of different owners), so a question costs a
    binary search."""

    def __init__(self, spans: Sequence[tuple[Span, int]]) -> None:
        ordered = sorted(spans, key=lambda item: item[0].start)
        self.starts = [sp.start for sp, _ in ordered]
        # per prefix: (end, owner) furthest, and the furthest of another owner
        self.best: list[tuple[tuple[int, int], tuple[int, int]]] = []
        first, second = (-1, -1), (-1, -1)
        for sp, who in ordered:
            if who == first[1]:
                first = max(first, (sp.end, who))
            elif sp.end > first[0]:
                first, second = (sp.end, who), first
            elif sp.end > second[0]:
                second = (sp.end, who)
            self.best.append((first, second))

    def covers(self, span: Span, besides: int | None = None) -> bool:
        """Whether a span not owned by ``besides`` holds ``span``."""
        k = bisect_right(self.starts, span.start)
        if not k:
            return False
        first, second = self.best[k - 1]
        if first[0] >= span.end and first[1] != besides:
            return True
        return second[0] >= span.end and second[1] != besides
