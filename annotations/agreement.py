"""Agreement between two editors who annotated one article independently.

Quotes are matched one to one, greedily, best intersection over union of characters first
(:func:`overlap_ratio_multi` over all fragments), as the reference
scorer does: at 0.8 or more for direct quotes (matched among direct quotes), at 0.3 or more
for indirect and mixed ones (matched among those). From the matches:

- ``matched``: pairs found; ``f1`` = 2 * matched / (quotes of one + quotes of the other);
- ``span_f1``: characters both cover against characters each covers (2|A∩B| / (|A|+|B|));
- ``speaker``: share of matched pairs naming the same speaker (same id, or the same last
  word of the name, as the scorer compares names);
- ``kind``: share of matched pairs of the same kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .models import AgreementTask, Fragment, Quote

DIRECT_THRESHOLD = 0.8
OTHER_THRESHOLD = 0.3

_NAME_WORD = re.compile(r"[\w'-]+")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii"})


def name_key(name: str | None) -> str:
    """The part of a speaker name that is compared, as the reference scorer compares it:
    its last word, lower case."""
    words = [w for w in _NAME_WORD.findall((name or "").lower()) if w not in _SUFFIXES]
    return words[-1] if words else ""


def overlap_ratio_multi(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> float:
    """Intersection over union of two sets of fragments."""
    inter = 0
    for x in a:
        for y in b:
            inter += max(0, min(x[1], y[1]) - max(x[0], y[0]))
    total = sum(e - s for s, e in a) + sum(e - s for s, e in b) - inter
    return inter / total if total else 0.0


@dataclass(frozen=True)
class Item:
    """What agreement compares of a quote."""

    id: int
    kind: str
    spans: tuple[tuple[int, int], ...]
    speaker_id: int | None = None
    speaker_name: str = ""


@dataclass
class Agreement:
    first: list[Item]
    second: list[Item]
    pairs: list[tuple[Item, Item, float]] = field(default_factory=list)
    span_shared: int = 0
    span_first: int = 0
    span_second: int = 0

    @property
    def matched(self) -> int:
        return len(self.pairs)

    @property
    def f1(self) -> float:
        total = len(self.first) + len(self.second)
        return 2 * self.matched / total if total else 1.0

    @property
    def span_f1(self) -> float:
        total = self.span_first + self.span_second
        return 2 * self.span_shared / total if total else 1.0

    @property
    def speaker(self) -> float | None:
        if not self.pairs:
            return None
        same = sum(same_speaker(a, b) for a, b, _ in self.pairs)
        return same / len(self.pairs)

    @property
    def kind(self) -> float | None:
        if not self.pairs:
            return None
        return sum(a.kind == b.kind for a, b, _ in self.pairs) / len(self.pairs)

    def unmatched(self) -> tuple[list[Item], list[Item]]:
        left = {a.id for a, _, _ in self.pairs}
        right = {b.id for _, b, _ in self.pairs}
        return (
            [a for a in self.first if a.id not in left],
            [b for b in self.second if b.id not in right],
        )

    def figures(self) -> dict[str, float | int | None]:
        return {
            "first": len(self.first),
            "second": len(self.second),
            "matched": self.matched,
            "f1": round(self.f1, 3),
            "span_f1": round(self.span_f1, 3),
            "speaker": None if self.speaker is None else round(self.speaker, 3),
            "kind": None if self.kind is None else round(self.kind, 3),
        }


def same_speaker(a: Item, b: Item) -> bool:
    if a.speaker_id is not None and a.speaker_id == b.speaker_id:
        return True
    key = name_key(a.speaker_name)
    return bool(key) and key == name_key(b.speaker_name)


def _greedy(first: Sequence[Item], second: Sequence[Item], threshold: float):
    candidates = []
    for a in first:
        for b in second:
            similarity = overlap_ratio_multi(list(a.spans), list(b.spans))
            if similarity >= threshold:
                candidates.append((similarity, a.spans[0][0], b.spans[0][0], a, b))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    left: set[int] = set()
    right: set[int] = set()
    pairs = []
    for similarity, _, _, a, b in candidates:
        if a.id not in left and b.id not in right:
            left.add(a.id)
            right.add(b.id)
            pairs.append((a, b, similarity))
    return pairs


def _covered(items: Iterable[Item]) -> set[int]:
    return {i for item in items for s, e in item.spans for i in range(s, e)}


def compare(first: Sequence[Item], second: Sequence[Item]) -> Agreement:
    """Match two editors' quotes of one article and count what they agree on."""
    result = Agreement(list(first), list(second))
    direct = Quote.Kind.DIRECT
    result.pairs = _greedy(
        [a for a in first if a.kind == direct],
        [b for b in second if b.kind == direct],
        DIRECT_THRESHOLD,
    ) + _greedy(
        [a for a in first if a.kind != direct],
        [b for b in second if b.kind != direct],
        OTHER_THRESHOLD,
    )
    result.pairs.sort(key=lambda p: (p[0].spans[0][0], p[1].spans[0][0]))
    a, b = _covered(first), _covered(second)
    result.span_shared, result.span_first, result.span_second = len(a & b), len(a), len(b)
    return result


def items_of(article_id: int, annotator_ids: Sequence[int]) -> dict[int, list[Item]]:
    """Each annotator's live, not rejected quotes in an article as :class:`Item`s, in two
    queries."""
    quotes = list(
        Quote.objects.filter(article_id=article_id, annotator_id__in=annotator_ids)
        .exclude(status=Quote.Status.REJECTED)
        .select_related("speaker")
        .order_by("start", "id")
    )
    spans: dict[int, list[tuple[int, int]]] = {}
    for quote_id, start, end in (
        Fragment.objects.filter(quote__in=[q.pk for q in quotes])
        .order_by("quote_id", "start")
        .values_list("quote_id", "start", "end")
    ):
        spans.setdefault(quote_id, []).append((start, end))
    found: dict[int, list[Item]] = {pk: [] for pk in annotator_ids}
    for q in quotes:
        found[q.annotator_id].append(
            Item(
                q.pk,
                q.kind,
                tuple(spans.get(q.pk, [(q.start, q.end)])),
                q.speaker_id,
                q.speaker.name if q.speaker_id else "",
            )
        )
    return found


def task_agreement(task: AgreementTask) -> Agreement:
    found = items_of(task.article_id, [task.first_id, task.second_id])
    return compare(found[task.first_id], found[task.second_id])


def pooled(results: Iterable[Agreement]) -> Agreement:
    """Many articles' agreement as one: pairs and characters added up."""
    total = Agreement([], [])
    for r in results:
        total.first += r.first
        total.second += r.second
        total.pairs += r.pairs
        total.span_shared += r.span_shared
        total.span_first += r.span_first
        total.span_second += r.span_second
    return total
