"""Spans that follow the text when an article's body changes.

Given the body before and after a change and spans of the old body (quote fragments, speaker
mentions, cues), :func:`reanchor` says where each span stands in the new body and how sure
that is:

- ``anchored``: the span's text is unchanged and found exactly (an insertion or deletion
  elsewhere only shifts it);
- ``relocated``: the text changed a little (a spelling fix, a word added, a quote trimmed)
  and was found again near where it was, with its surrounding context; a person should
  confirm it;
- ``orphaned``: the text is gone. The span keeps its old offsets (into the old body).

How (the idea Hypothesis uses for its annotations): one character diff of the old body
against the new (diff-match-patch) maps every position. A span that no edit touches moves
exactly. A span that an edit touched is looked for with ``match_main`` (Bitap: fuzzy and
near an expected place): each end of it as a pattern of up to :data:`CONTEXT` characters of
the span and as many of its surroundings, so that the context decides between repeated
texts; then the found text must still resemble the old one (:data:`MIN_SIMILARITY`).

Pure Python, no models: the model layer (``Article.save``) applies the answer to quotes.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from diff_match_patch import diff_match_patch

__all__ = ["CONTEXT", "Anchor", "Realigner", "State", "reanchor", "similarity", "worst"]

#: characters of context on each side of a span's end when it is looked for again
CONTEXT = 20
#: how much of the old text a relocated span must keep (1 - edit distance / length)
MIN_SIMILARITY = 0.6
#: how much of a quote a trim must leave for it to count as the same quote, cut shorter
MIN_TRIMMED = 0.3
#: how far from the expected place the span's very text is taken as the span itself
NEAR = 4 * CONTEXT
#: characters around a span's end that no edit may touch for the diff alone to place it
EDGE = 4
#: seconds the body diff may take before it settles for a coarser answer
DIFF_TIMEOUT = 2.0

_EQUAL, _DELETE, _INSERT = 0, -1, 1
_EDGE_MARKS = " .,;:!?…\"'“”‘’«»"


class State(StrEnum):
    """How a span stands in the current text (also the quote's ``anchoring``)."""

    ANCHORED = "anchored"
    RELOCATED = "relocated"
    ORPHANED = "orphaned"


_RANK = {State.ANCHORED: 0, State.RELOCATED: 1, State.ORPHANED: 2}


def worst(states: Iterable[State | str]) -> State:
    """The least sure of several states (``anchored`` for none)."""
    return max((State(s) for s in states), key=_RANK.__getitem__, default=State.ANCHORED)


@dataclass(frozen=True)
class Anchor:
    """Where a span stands after the change: offsets into the new body, or, when
    ``orphaned``, the old offsets unchanged."""

    start: int
    end: int
    state: State


def _matcher() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT
    dmp.Match_Distance = 1000
    dmp.Match_Threshold = 0.45
    return dmp


def similarity(a: str, b: str) -> float:
    """1 for equal texts, 0 for nothing in common: one minus the character edit distance
    over the longer length."""
    if a == b:
        return 1.0
    longest = max(len(a), len(b))
    if not longest:
        return 1.0
    dmp = _matcher()
    return 1.0 - dmp.diff_levenshtein(dmp.diff_main(a, b, False)) / longest


def _resemblance(a: str, b: str) -> float:
    """A quick similarity of two short surroundings (difflib's ratio)."""
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _same_edges(old: str, start: int, end: int, new: str, new_start: int, new_end: int) -> bool:
    """Whether a span cut words where the old one did: a span that began (ended) at a word's
    edge begins (ends) at one."""

    def cuts(text: str, i: int) -> bool:
        return 0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()

    return cuts(old, start) == cuts(new, new_start) and cuts(old, end) == cuts(new, new_end)


class Realigner:
    """The diff of ``old`` against ``new``, asked for where spans of ``old`` went."""

    def __init__(self, old: str, new: str):
        self.old, self.new = old, new
        self.dmp = _matcher()
        diffs = self.dmp.diff_main(old, new, True)
        self.dmp.diff_cleanupSemanticLossless(diffs)  # edits slide to word boundaries
        # Equal runs as (old start, old end, new start); edits as old positions: deletions
        # [start, end), insertions at a point.
        self.equal_starts: list[int] = []
        self.equals: list[tuple[int, int, int]] = []
        self.deleted: list[tuple[int, int]] = []
        self.inserted: list[int] = []
        o = n = 0
        for op, text in diffs:
            if op == _EQUAL:
                self.equal_starts.append(o)
                self.equals.append((o, o + len(text), n))
                o += len(text)
                n += len(text)
            elif op == _DELETE:
                self.deleted.append((o, o + len(text)))
                o += len(text)
            else:
                self.inserted.append(o)
                n += len(text)
        self.diffs = diffs
        self.deleted_starts = [d[0] for d in self.deleted]

    # Positions --------------------------------------------------------------------------

    def position(self, index: int) -> int:
        """Where old position ``index`` lands in the new body (a deleted position lands
        where the deletion was)."""
        return self.dmp.diff_xIndex(self.diffs, index)

    def untouched(self, start: int, end: int) -> bool:
        """Whether no edit falls inside ``[start, end)``: nothing deleted from it, nothing
        inserted strictly between its ends."""
        i = bisect.bisect_left(self.inserted, start + 1)
        if i < len(self.inserted) and self.inserted[i] < end:
            return False
        j = bisect.bisect_right(self.deleted_starts, end - 1) - 1
        # deletions are disjoint and sorted, so only the last one starting before ``end``
        # can reach into the span
        return not (j >= 0 and self.deleted[j][1] > start)

    def shifted(self, start: int, end: int) -> tuple[int, int] | None:
        """The span's new offsets when no edit touched it, else None."""
        if not self.untouched(start, end):
            return None
        k = bisect.bisect_right(self.equal_starts, start) - 1
        if k < 0:
            return None
        o1, o2, n1 = self.equals[k]
        if not (o1 <= start and end <= o2):
            return None
        return n1 + start - o1, n1 + end - o1

    # Search -----------------------------------------------------------------------------

    def _match(self, pattern: str, expected: int) -> int:
        """Where ``pattern`` best matches the new body near ``expected``, or -1."""
        new = self.new
        # Bitap scores a match by its errors plus its distance over Match_Distance and gives
        # up past Match_Threshold: farther than that, nothing can match. The diff's guess
        # is usually close, so a narrow window is tried first (Bitap's time grows with it).
        widest = int(self.dmp.Match_Threshold * self.dmp.Match_Distance) + len(pattern)
        for radius in (2 * len(pattern), widest):
            lo = max(0, expected - radius)
            hi = min(len(new), expected + len(pattern) + radius)
            found = self.dmp.match_main(new[lo:hi], pattern, max(0, expected - lo))
            if found >= 0:
                return lo + found
        return -1

    def _boundary(self, before: str, after: str, expected: int) -> int | None:
        """The new position of a point that stood between ``before`` and ``after`` in the
        old body, expected at ``expected`` (where ``before`` starts)."""
        pattern = before + after
        found = self._match(pattern, expected)
        if found < 0:
            return None
        window = self.new[found : found + len(pattern) + CONTEXT]
        diffs = self.dmp.diff_main(pattern, window, False)
        # Trailing text of the window is an insertion after the pattern: xIndex ignores it.
        return found + self.dmp.diff_xIndex(diffs, len(before))

    def _exact(self, text: str, start: int, end: int, expected: int) -> int | None:
        """The occurrence of ``text`` in the new body near ``expected`` whose surroundings
        best resemble the old ones, if they resemble them well enough."""
        old, new = self.old, self.new
        prefix = old[max(0, start - CONTEXT) : start]
        suffix = old[end : end + CONTEXT]
        best, best_score = None, 0.0
        # Only near the expected place: farther off, the same words are more likely another
        # passage that repeats them (a pull quote, an embedded post) than this one moved.
        lo = max(0, expected - NEAR)
        hi = expected + NEAR
        at = new.find(text, lo)
        seen = 0
        while 0 <= at <= hi and seen < 50:
            seen += 1
            here_prefix = new[max(0, at - len(prefix)) : at]
            here_suffix = new[at + len(text) : at + len(text) + len(suffix)]
            before = _resemblance(prefix, here_prefix)
            after = _resemblance(suffix, here_suffix)
            if not _same_edges(old, start, end, new, at, at + len(text)):
                continue  # "he" is not the end of "the"
            if len(text) < CONTEXT and min(before, after) < 0.4:
                continue  # a short text needs its surroundings on both sides
            score = (before + after) / 2
            score -= abs(at - expected) / (10 * NEAR)  # nearer wins a tie
            if score > best_score:
                best, best_score = at, score
            at = new.find(text, at + 1)
        return best if best_score >= 0.5 else None

    def locate(self, start: int, end: int) -> Anchor:
        """Where the old span ``[start, end)`` stands in the new body."""
        old = self.old
        moved = self.shifted(start, end)
        if moved is not None:
            return Anchor(*moved, State.ANCHORED)
        text = old[start:end]
        if self.untouched(max(0, start - EDGE), start + EDGE) and self.untouched(
            end - EDGE, min(len(old), end + EDGE)
        ):
            # Edits inside, none near either end: the diff says where the ends went.
            found = self._judge(start, end, self.position(start), self.position(end))
            if found.state != State.ORPHANED:
                return found
        expected = self.position(start)
        at = self._exact(text, start, end, expected)
        if at is not None:
            return Anchor(at, at + len(text), State.ANCHORED)
        head = text[:CONTEXT]
        tail = text[-CONTEXT:]
        before = old[max(0, start - CONTEXT) : start]
        after = old[end : end + CONTEXT]
        new_start = self._boundary(before, head, max(0, expected - len(before)))
        if new_start is not None:
            # the end is looked for from where the start was found
            guess = new_start + len(text) - len(tail)
        else:
            guess = self.position(end) - len(tail)
        new_end = self._boundary(tail, after, max(0, guess))
        if new_start is not None and new_end is not None:
            found = self._judge(start, end, new_start, new_end)
            if found.state != State.ORPHANED:
                return found
        # Last, the diff's own word even with an edit at an end (a quote cut shorter).
        return self._judge(start, end, self.position(start), self.position(end))

    def _judge(self, start: int, end: int, new_start: int, new_end: int) -> Anchor:
        """The old span ``[start, end)`` found at ``[new_start, new_end)``: anchored when
        the text is the same, relocated when it resembles the old, else orphaned."""
        old, new = self.old, self.new
        text = old[start:end]
        if new_end <= new_start:
            return Anchor(start, end, State.ORPHANED)
        # a blank the edit put at an end belongs to the surroundings, not to the span
        if not text[:1].isspace():
            while new_start < new_end and new[new_start].isspace():
                new_start += 1
        if not text[-1:].isspace():
            while new_end > new_start and new[new_end - 1].isspace():
                new_end -= 1
        if new_end <= new_start:
            return Anchor(start, end, State.ORPHANED)
        if not _same_edges(old, start, end, new, new_start, new_end):
            return Anchor(start, end, State.ORPHANED)
        found = new[new_start:new_end]
        if found == text:
            return Anchor(new_start, new_end, State.ANCHORED)
        core = found.strip(_EDGE_MARKS)  # a cut quote gets its full stop back
        if core in text and len(core) >= max(8, len(text) * MIN_TRIMMED):
            return Anchor(new_start, new_end, State.RELOCATED)  # cut shorter
        if not (len(text) / 2 <= len(found) <= len(text) * 2 + 8):
            return Anchor(start, end, State.ORPHANED)
        if similarity(text, found) < MIN_SIMILARITY:
            return Anchor(start, end, State.ORPHANED)
        return Anchor(new_start, new_end, State.RELOCATED)


def reanchor(old: str, new: str, spans: Sequence[tuple[int, int]]) -> list[Anchor]:
    """Where each span ``(start, end)`` of ``old`` stands in ``new``, in the same order."""
    if old == new:
        return [Anchor(s, e, State.ANCHORED) for s, e in spans]
    realigner = Realigner(old, new)
    return [realigner.locate(s, e) for s, e in spans]
