"""The article as the rules read it: the text, its quotes, the masked text, sentences and
cues."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence

from .lexicon import cue_index
from .marks import find_quotes, mask
from .names import Names
from .sentences import bounded, split_sentences
from .spans import Span

MIN_UNATTRIBUTED_WORDS = 4


class ArticleText:
    """The article as the rules read it: skipped ranges blanked, quotes paired and masked,
    sentences cut, cues indexed."""

    def __init__(
        self, text: str, skip: Sequence[tuple[int, int]], known: Mapping[str, Sequence[str]] | None
    ) -> None:
        self.text = text
        self.skip = sorted((int(s), int(e)) for s, e in skip)
        work = text
        if self.skip:
            chars = list(text)
            for s, e in self.skip:
                for k in range(max(0, s), min(len(text), e)):
                    chars[k] = "\n"
            work = "".join(chars)
        self.work = work = work.replace("\u00a0", " ")  # same length: offsets hold
        self.quotes = find_quotes(work)
        self.quote_opens = [o for o, _ in self.quotes]
        self.masked = mask(work, self.quotes)
        self.cues = cue_index(self.masked)
        self.cue_starts = [c[0] for c in self.cues]
        self.sentences = bounded(self.masked, split_sentences(self.masked, work), self.cue_starts)
        self.names = Names(text, known)
        self.sentence_ends = [e for _, e in self.sentences]
        self._breaks: list[int] | None = None

    def cues_in(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        k = bisect_left(self.cue_starts, lo)
        out = []
        while k < len(self.cues) and self.cues[k][1] <= hi:
            out.append(self.cues[k])
            k += 1
        return out

    def quotes_in(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The quotes wholly inside ``[lo, hi)``, marks included."""
        k = bisect_left(self.quote_opens, lo)
        out = []
        # quotes never overlap: past the first that ends too late, all do
        while k < len(self.quotes) and self.quotes[k][1] < hi:
            out.append(self.quotes[k])
            k += 1
        return out

    def words(self, span: Span) -> int:
        return len(self.work[span.start : span.end].split())

    def trim(self, lo: int, hi: int) -> tuple[int, int]:
        m = self.masked
        while lo < hi and (m[lo].isspace() or m[lo] in ",;:\u2014\u2013-"):
            lo += 1
        while hi > lo and (m[hi - 1].isspace() or m[hi - 1] in ".,;:!?\u2014\u2013-"):
            hi -= 1
        return lo, hi

    def paragraph_start(self, pos: int) -> int:
        """Where the paragraph holding ``pos`` starts (a search, not a scan back)."""
        if self._breaks is None:
            self._breaks = [i for i, ch in enumerate(self.work) if ch == "\n"]
        k = bisect_left(self._breaks, pos)
        return self._breaks[k - 1] + 1 if k else 0

    def same_paragraph(self, a: int, b: int) -> bool:
        return "\n" not in self.work[a:b]

    def in_skip(self, span: Span) -> bool:
        return any(span.start < e and s < span.end for s, e in self.skip)
