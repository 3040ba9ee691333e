"""Read brat standoff attribution files (the PolNeAR layout).

A ``.ann`` file is a list of records. A record starts on a line matching ``^[TE]\\d+\\t``
(text-bound span or event); any other line continues the previous record, because span
texts may contain newlines. Brat's annotator notes (``#1\\tAnnotatorNotes T66\\t...``) are
kept apart as notes rather than glued onto the previous record.

- ``T<n>\\t<Label> <start> <end>[;<start> <end>...]\\t<text>``: a span with one or more
  fragments (``;`` separates the pieces of a discontinuous span). Labels used for
  attribution: ``Source``, ``Cue``, ``Content``, ``Attribution``, ``Attribution-no-source``
  (others, such as ``Discuss`` or ``Discard``, are parsed and kept too).
- ``E<n>\\tAttribution:T<a> Content:T<c> Cue:T<q> Source:T<s>``: ties spans into one
  attribution; any role may be missing (most often Source).

Offsets are code points into the article text, end exclusive. About 0.2% of the recorded
span texts differ from ``article[start:end]`` by a trailing newline; :meth:`BratSpan.matches`
tolerates that, and nothing here relies on the recorded text being exact.

Pure Python and free of Django so that the corpus evaluation and the brat importer can both
use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "BratAttribution",
    "BratDocument",
    "BratFormatError",
    "BratSpan",
    "iter_corpus",
    "parse_ann",
    "read_ann",
]

_RECORD = re.compile(r"^[TE]\d+\t")
_NOTE = re.compile(r"^#\d+\t")
_FRAGMENT = re.compile(r"^\s*(\d+)\s+(\d+)\s*$")


class BratFormatError(ValueError):
    """A record that cannot be parsed; the message names the line."""


@dataclass(frozen=True)
class BratSpan:
    """A text-bound annotation (``T`` record)."""

    id: str
    label: str
    fragments: tuple[tuple[int, int], ...]
    text: str = ""

    @property
    def start(self) -> int:
        return min(s for s, _ in self.fragments)

    @property
    def end(self) -> int:
        return max(e for _, e in self.fragments)

    def text_in(self, article: str, sep: str = " ") -> str:
        """The span's text taken from the article, fragments joined with ``sep``."""
        return sep.join(article[s:e] for s, e in self.fragments)

    def matches(self, article: str) -> bool:
        """Whether the recorded text agrees with the article, trailing newlines aside."""
        pieces = [article[s:e] for s, e in self.fragments]
        expected = self.text.rstrip("\n")
        # brat writes discontinuous texts joined by a space
        return any(sep.join(pieces).rstrip("\n") == expected for sep in (" ", ""))


@dataclass(frozen=True)
class BratAttribution:
    """An attribution (``E`` record): ids of its spans, ``None`` where a role is missing."""

    id: str
    content: str | None
    cue: str | None
    source: str | None
    attribution: str | None = None
    roles: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass
class BratDocument:
    """All records of one ``.ann`` file."""

    spans: dict[str, BratSpan] = field(default_factory=dict)
    attributions: list[BratAttribution] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def span(self, span_id: str | None) -> BratSpan | None:
        return self.spans.get(span_id) if span_id else None

    def by_label(self, label: str) -> list[BratSpan]:
        return [s for s in self.spans.values() if s.label == label]


def _parse_span(rid: str, rest: str, lineno: int) -> BratSpan:
    head, _, text = rest.partition("\t")
    label, _, locs = head.partition(" ")
    fragments = []
    for part in locs.split(";"):
        m = _FRAGMENT.match(part)
        if not m:
            raise BratFormatError(f"line {lineno}: bad offsets {locs!r} in {rid}")
        s, e = int(m.group(1)), int(m.group(2))
        if s > e:
            raise BratFormatError(f"line {lineno}: start after end in {rid}")
        fragments.append((s, e))
    if not label:
        raise BratFormatError(f"line {lineno}: missing label in {rid}")
    return BratSpan(rid, label, tuple(fragments), text)


def _parse_event(rid: str, rest: str) -> BratAttribution:
    roles: dict[str, str] = {}
    for token in rest.split():
        role, sep, target = token.partition(":")
        if sep and target:
            roles[role] = target
    return BratAttribution(
        id=rid,
        content=roles.get("Content"),
        cue=roles.get("Cue"),
        source=roles.get("Source"),
        attribution=roles.get("Attribution"),
        roles=roles,
    )


def parse_ann(ann: str) -> BratDocument:
    """Parse the text of a ``.ann`` file. Raises :class:`BratFormatError` on bad records."""
    records: list[tuple[int, str]] = []
    notes: list[str] = []
    in_note = False
    for lineno, line in enumerate(ann.split("\n"), start=1):
        if _RECORD.match(line):
            records.append((lineno, line))
            in_note = False
        elif _NOTE.match(line):
            notes.append(line)
            in_note = True
        elif in_note:
            notes[-1] += "\n" + line
        elif records:
            lineno0, prev = records[-1]
            records[-1] = (lineno0, prev + "\n" + line)
        elif line.strip():
            raise BratFormatError(f"line {lineno}: text before the first record")
    doc = BratDocument(notes=notes)
    for lineno, record in records:
        rid, _, rest = record.partition("\t")
        if rid.startswith("T"):
            doc.spans[rid] = _parse_span(rid, rest, lineno)
        else:
            doc.attributions.append(_parse_event(rid, rest))
    return doc


def read_ann(path: str | Path) -> BratDocument:
    """Read and parse one ``.ann`` file (UTF-8)."""
    return parse_ann(Path(path).read_text(encoding="utf-8"))


def corpus_files(split_dir: str | Path) -> Iterator[tuple[str, Path, Path | None]]:
    """Yield ``(name, text file, first annotator's .ann file or None)`` for each text of a
    split: ``text/<name>.txt`` and ``attributions/<name>_<annotator>.ann``, the first in
    sorted order where several annotators' files exist."""
    split = Path(split_dir)
    for txt in sorted((split / "text").glob("*.txt")):
        anns = sorted((split / "attributions").glob(txt.stem + "_*.ann"))
        # the glob would also catch "<name>_more_<annotator>.ann" of a longer name
        anns = [a for a in anns if "_" not in a.stem[len(txt.stem) + 1 :]]
        yield txt.stem, txt, anns[0] if anns else None


def iter_corpus(split_dir: str | Path) -> Iterator[tuple[str, str, BratDocument]]:
    """Yield ``(name, article_text, document)`` for each annotated article of a split
    (articles without any annotation file are skipped)."""
    for name, txt, ann in corpus_files(split_dir):
        if ann is not None:
            yield name, txt.read_text(encoding="utf-8"), read_ann(ann)
