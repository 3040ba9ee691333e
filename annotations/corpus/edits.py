"""How well quotes follow the text: a corpus of edits made from real annotated articles,
and the figures :mod:`annotations.anchoring` reaches on it.

Each annotated article of a brat split (PolNeAR layout) gives its attribution spans
(content fragments, cues, sources). Each edit below changes the article's text in a way
articles do change after publication, as a list of replacements, so that where every span
should end up is known exactly:

- ``insert-*`` / ``delete-*``: a whole paragraph added or removed before the first quote,
  between two quotes, after the last (paragraphs without spans, taken from the same text);
- ``spelling``: a letter changed in a word inside a quote; ``word-added``: a word added
  inside a quote; ``trimmed``: a quote's last words cut;
- ``rewrite-sentence``: a sentence without spans written anew; ``rewrite-lead``: the words
  before a quote in its sentence rewritten (its cue and source go with them);
- ``whitespace``: double spaces after full stops and blanks at line ends; ``line-ends``:
  single line breaks doubled; ``curly-quotes``: straight quotation marks made curly;
- ``sentence-deleted``: the sentence holding a quote deleted.

A span is then ``unchanged`` (no replacement inside it: it must come back anchored exactly),
``changed`` (a replacement inside it, the text still similar: it must be found at its new
place, relocated) or ``gone`` (covered by a replacement: it must be orphaned). A span
placed anywhere else than expected, or placed when gone, is a false relocation.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..anchoring import Realigner, State, similarity
from . import brat

Replacement = tuple[int, int, str]  # old [start, end) becomes the text


@dataclass
class Edit:
    kind: str
    old: str
    replacements: tuple[Replacement, ...]

    @cached_property
    def new(self) -> str:
        """The text after the edit."""
        out, at = [], 0
        for start, end, text in self.replacements:
            out.append(self.old[at:start])
            out.append(text)
            at = end
        out.append(self.old[at:])
        return "".join(out)

    def expected(self, start: int, end: int) -> tuple[str, tuple[int, int] | None]:
        """The category of the old span ``[start, end)`` under this edit and where it
        should be in the new text (None when gone)."""
        inside = [
            (s, e, t)
            for s, e, t in self.replacements
            if (s < end and e > start and s != e) or (s == e and start < s < end)
        ]
        if not inside:
            return "unchanged", (self._map(start, True), self._map(end, False))
        if any(s <= start and e >= end for s, e, _ in inside):
            return "gone", None
        new = (self._map(start, True), self._map(end, False))
        old_text = self.old[start:end]
        new_text = self.new[new[0] : new[1]]
        if new[0] >= new[1] or similarity(old_text, new_text) < 0.5:
            return "gone", None
        return "changed", new

    def _map(self, position: int, is_start: bool) -> int:
        shift = 0
        for s, e, t in self.replacements:
            if e < position or (e == position and (s < e or is_start)):
                shift += len(t) - (e - s)
            elif s < position < e:
                return s + shift + (len(t) if not is_start else 0)
        return position + shift


@dataclass
class Case:
    article: str
    edit: Edit
    spans: list[tuple[str, int, int]]  # (role, start, end) in edit.old


@dataclass
class Figures:
    """Counts by category and outcome, and the figures the goals speak of."""

    outcomes: Counter = field(default_factory=Counter)
    by_kind: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    cases: int = 0
    articles: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, kind: str, category: str, outcome: str, note: str = "") -> None:
        self.outcomes[category, outcome] += 1
        self.by_kind[kind][category, outcome] += 1
        if outcome not in ("exact", "orphaned-ok") and len(self.misses) < 200:
            self.misses.append(f"{kind} {category} {outcome}: {note}")

    def total(self, category: str) -> int:
        return sum(n for (c, _), n in self.outcomes.items() if c == category)

    @property
    def unchanged_exact(self) -> float:
        return _ratio(self.outcomes["unchanged", "exact"], self.total("unchanged"))

    @property
    def changed_relocated(self) -> float:
        return _ratio(self.outcomes["changed", "exact"], self.total("changed"))

    @property
    def gone_orphaned(self) -> float:
        return _ratio(self.outcomes["gone", "orphaned-ok"], self.total("gone"))

    @property
    def lost(self) -> int:
        """Spans whose text survived but came back orphaned."""
        return self.outcomes["unchanged", "orphaned"] + self.outcomes["changed", "orphaned"]

    @property
    def false_placements(self) -> int:
        return sum(n for (_, outcome), n in self.outcomes.items() if outcome == "wrong-place")

    @property
    def false_relocation_rate(self) -> float:
        placed = sum(
            n for (_, outcome), n in self.outcomes.items() if outcome in ("exact", "wrong-place")
        )
        return _ratio(self.false_placements, placed)

    def report(self) -> str:
        spans = sum(self.outcomes.values())
        lines = [
            f"{self.articles} articles, {self.cases} edited versions, {spans} spans re-anchored",
            f"unchanged text anchored exactly: {self.outcomes['unchanged', 'exact']}"
            f"/{self.total('unchanged')} ({self.unchanged_exact:.2%})",
            f"small changes relocated to the right place: {self.outcomes['changed', 'exact']}"
            f"/{self.total('changed')} ({self.changed_relocated:.2%})",
            f"gone text orphaned: {self.outcomes['gone', 'orphaned-ok']}"
            f"/{self.total('gone')} ({self.gone_orphaned:.2%})",
            f"lost (text survived, span orphaned): {self.lost}; "
            "dropped: 0 (every span comes back with a state)",
            f"false relocations (placed at a wrong place, or placed when gone): "
            f"{self.false_placements} ({self.false_relocation_rate:.2%} of spans placed)",
            "by edit (category: outcome count):",
        ]
        for kind in sorted(self.by_kind):
            counts = ", ".join(f"{c}: {o} {n}" for (c, o), n in sorted(self.by_kind[kind].items()))
            lines.append(f"  {kind}: {counts}")
        return "\n".join(lines)


def _ratio(n: int, d: int) -> float:
    return n / d if d else 1.0


# --------------------------------------------------------------------------- the corpus

_SENTENCE_END = re.compile(r"[.!?][\"”’)]?(?=\s)")
_WORD = re.compile(r"[A-Za-z]{5,}")
FILLER = (
    "This story has been updated with further details and reaction from officials.",
    "Readers can find the full transcript of the remarks on the publisher's website.",
    "Editor's note: an earlier version of this article misstated a date.",
)


def article_spans(text: str, doc: brat.BratDocument) -> list[tuple[str, int, int]]:
    """Every span of the attributions with content, blanks trimmed, as (role, start,
    end)."""
    spans = set()
    for att in doc.attributions:
        for role, span_id in (("fragment", att.content), ("cue", att.cue), ("source", att.source)):
            span = doc.span(span_id)
            if span is None:
                continue
            for s, e in span.fragments:
                e = min(e, len(text))
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
                if s < e:
                    spans.add((role, s, e))
    return sorted(spans, key=lambda x: (x[1], x[2], x[0]))


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, its line break included."""
    out, at = [], 0
    for line in text.split("\n"):
        out.append((at, at + len(line) + 1))
        at += len(line) + 1
    out[-1] = (out[-1][0], len(text))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _free(spans, start: int, end: int) -> bool:
    return all(e <= start or s >= end for _, s, e in spans)


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, at = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        out.append((at, m.end()))
        at = m.end()
        while at < end and text[at] == " ":
            at += 1
    return [(s, e) for s, e in out if e - s > 20]


def edits_for(text: str, spans, rng: random.Random) -> Iterator[Edit]:
    """The edits of one article (those its text allows)."""
    paragraphs = _paragraphs(text)
    free = [p for p in paragraphs if _free(spans, *p)]
    contents = [(s, e) for role, s, e in spans if role == "fragment"]
    if not contents:
        return
    first, last = contents[0][0], max(e for _, e in contents)
    donor = rng.choice(FILLER) + "\n"
    for name, where in (
        ("insert-before", [p for p in paragraphs if p[1] <= first]),
        ("insert-between", [p for p in paragraphs if first < p[0] and p[1] <= last]),
        ("insert-after", [p for p in paragraphs if p[0] >= last]),
    ):
        if where:
            at = rng.choice(where)[0]
            yield Edit(name, text, ((at, at, donor),))
    at = paragraphs[0][0]
    yield Edit("insert-at-start", text, ((at, at, donor + "\n"),))
    for name, pool in (
        ("delete-before", [p for p in free if p[1] <= first]),
        ("delete-between", [p for p in free if first < p[0] and p[1] <= last]),
        ("delete-after", [p for p in free if p[0] >= last]),
    ):
        if pool:
            s, e = rng.choice(pool)
            yield Edit(name, text, ((s, e, ""),))

    # changes inside quotes
    long_quotes = [(s, e) for s, e in contents if e - s >= 40]
    if long_quotes:
        s, e = rng.choice(long_quotes)
        words = [m for m in _WORD.finditer(text, s, e) if m.start() > s and m.end() < e]
        if words:
            w = rng.choice(words)
            i = w.start() + rng.randrange(1, len(w.group()) - 1)
            a, b = text[i], text[i + 1]
            swapped = (b + a) if a != b else (a + "x")
            yield Edit("spelling", text, ((i, i + 2, swapped),))
        s, e = rng.choice(long_quotes)
        blanks = [m.start() for m in re.finditer(r" ", text[s:e])]
        if blanks:
            i = s + rng.choice(blanks)
            yield Edit("word-added", text, ((i, i, " " + rng.choice(["very", "really", "also"])),))
        s, e = rng.choice(long_quotes)
        cut = text.rfind(" ", s, e - 1)
        cut2 = text.rfind(" ", s, cut) if cut > s else -1
        if cut2 > s + (e - s) * 3 // 4:  # a trim, not a rewrite: at most a quarter
            tail = text[cut2:e]
            # keep closing punctuation and marks, drop the last words
            keep = re.search(r"[.,!?\"”’]*$", tail).group()
            yield Edit("trimmed", text, ((cut2, e - len(keep), ""),))

    # sentences
    free_sentences = [x for p in paragraphs for x in _sentences(text, *p) if _free(spans, *x)]
    if free_sentences:
        s, e = rng.choice(free_sentences)
        yield Edit("rewrite-sentence", text, ((s, e, rng.choice(FILLER)),))
    leads = []
    for s, _ in contents:
        paragraph = next((p for p in paragraphs if p[0] <= s < p[1]), (s, s))
        for ss, se in _sentences(text, *paragraph):
            if ss < s - 10 and s < se:
                leads.append((ss, s))
    if leads:
        s, e = rng.choice(leads)
        lead = "In a statement released later, the campaign put it this way: "
        yield Edit("rewrite-lead", text, ((s, e, lead),))
    holders = []
    for s, e in contents:
        for p in paragraphs:
            for ss, se in _sentences(text, *p):
                if ss <= s and e <= se:
                    holders.append((ss, se))
    if holders:
        s, e = rng.choice(holders)
        # the deletion takes every span it touches whole, or it is not made
        touched = [(a, b) for _, a, b in spans if a < e and b > s]
        if all(s <= a and b <= e for a, b in touched):
            yield Edit("sentence-deleted", text, ((s, e, ""),))

    # whitespace, line ends, quotation marks
    reps = [(m.start(), m.end(), "  ") for m in re.finditer(r"(?<=\.) (?=[A-Z])", text)]
    reps += [(m.start(), m.start(), " ") for m in re.finditer(r"(?<=\S)\n", text)]
    if reps:
        yield Edit("whitespace", text, tuple(sorted(reps)[:200]))
    reps = [(m.start(), m.end(), "\n\n") for m in re.finditer(r"(?<!\n)\n(?!\n)", text)]
    if reps:
        yield Edit("line-ends", text, tuple(reps))


def straighten(text: str) -> str:
    """The text with straight quotation marks and apostrophes (same length)."""
    return text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))


def curly_edit(text: str) -> Edit | None:
    """Straight quotation marks made curly: the edit from ``straighten(text)`` back to
    ``text``, one replacement per changed mark."""
    old = straighten(text)
    reps = tuple((i, i + 1, text[i]) for i in range(len(text)) if text[i] != old[i])
    return Edit("curly-quotes", old, reps) if reps else None


def corpus_cases(split_dir: str | Path, *, seed: int = 2016) -> Iterator[Case]:
    """The edited versions of every annotated article of a split, with their spans."""
    rng = random.Random(seed)
    for name, text, doc in brat.iter_corpus(split_dir):
        spans = article_spans(text, doc)
        if not spans:
            continue
        for edit in edits_for(text, spans, rng):
            yield Case(name, edit, spans)
        curly = curly_edit(text)
        if curly is not None:
            yield Case(name, curly, spans)


def evaluate(split_dir: str | Path, *, seed: int = 2016) -> Figures:
    """Re-anchor every span of every edited version and count how it came back."""
    figures = Figures()
    names = set()
    for case in corpus_cases(split_dir, seed=seed):
        names.add(case.article)
        figures.cases += 1
        edit = case.edit
        new = edit.new
        realigner = Realigner(edit.old, new)
        for role, s, e in case.spans:
            category, want = edit.expected(s, e)
            got = realigner.locate(s, e)
            note = f"{case.article} {role} {edit.old[s:e][:60]!r}"
            if got.state == State.ORPHANED:
                outcome = "orphaned-ok" if category == "gone" else "orphaned"
            elif category == "gone":
                outcome = "wrong-place"
                note += f" -> {new[got.start : got.end][:60]!r}"
            elif (got.start, got.end) == want:
                marked = (got.state == State.ANCHORED) != (category == "unchanged")
                outcome = "marked" if marked else "exact"
            else:
                outcome = "wrong-place"
                note += f" -> {got.state} {new[got.start : got.end][:60]!r} want {want}"
            figures.add(edit.kind, category, outcome, note)
    figures.articles = len(names)
    return figures
