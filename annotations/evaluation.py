"""Measure the quote suggester against a brat attribution corpus (PolNeAR layout).

The numbers agree with the shared reference scorer (``shared/eval/score_suggestions.py``);
this is an independent implementation of the same definitions:

Gold, from the first annotator's ``.ann`` file of each article:

- *direct segments*: every run of text between a pair of quotation marks (marks excluded)
  of four words or more that lies at least 90% inside the Content of an attribution whose
  Content contains a quotation mark. Its speaker is the attribution's Source text, cut at
  the first comma; a pronoun Source stands for the last non-pronoun Source that starts
  before it in the article ("" when there is none).
- *indirect statements*: the Content fragments of attributions without quotation marks.

Predictions: each fragment of a ``direct`` suggestion (quotation marks and blanks trimmed)
is a direct segment, and so is each quoted run of four words or more inside the fragments
of an ``indirect`` or ``mixed`` suggestion. ``indirect`` suggestions are also indirect
statements.

Matching is one to one and greedy: candidate pairs are taken best first by intersection
over union of characters (ties: later gold item, then later prediction, first), down to the
threshold (0.8 for direct segments; 0.3 and 0.8 for indirect statements, whose overlap
counts every fragment). A matched direct segment also counts for "direct with speaker" when
the gold speaker is known and its last word (lower case, "Jr."/"Sr."/"II"/"III" dropped)
equals that of the suggested speaker name.

Speed is articles per second of :func:`annotations.suggesting.suggest` alone (wall time of
the calls, one process, one thread).

Run ``python -m annotations.evaluation [SPLIT_DIR] [--predictions OUT.jsonl] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.corpus.brat import iter_corpus
from annotations.suggesting import Suggestion, suggest

DEFAULT_SPLIT = Path(__file__).resolve().parent.parent.parent / "shared/eval/polnear/dev"

Spans = list[tuple[int, int]]

#: opening mark -> closing mark, as the scorer pairs them
MARK_PAIRS = {"\u201c": "\u201d", '"': '"', "\u00ab": "\u00bb", "\u201e": "\u201c"}
MARKS = frozenset(MARK_PAIRS) | frozenset(MARK_PAIRS.values())
PRONOUNS = frozenset(
    [
        "he",
        "she",
        "they",
        "it",
        "who",
        "i",
        "we",
        "you",
        "him",
        "her",
        "them",
        "his",
        "which",
        "that",
    ]
)
_NAME_WORD = re.compile(r"[\w'-]+")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii"})


def quoted_runs(text: str, lo: int, hi: int, min_words: int = 4) -> Spans:
    """Spans between paired quotation marks in ``text[lo:hi]``, of ``min_words`` or more.

    Marks pair left to right. A curly, guillemet or low-high opening mark without its
    closing mark is passed over; a straight mark without a partner ends the search.
    """
    runs: Spans = []
    pos = lo
    while pos < hi:
        opener = text[pos]
        closer = MARK_PAIRS.get(opener)
        if closer is None:
            pos += 1
            continue
        end = text.find(closer, pos + 1, hi)
        if end < 0:
            if opener == '"':
                break
            pos += 1
            continue
        if len(text[pos + 1 : end].split()) >= min_words:
            runs.append((pos + 1, end))
        pos = end + 1
    return runs


def name_key(name: str | None) -> str:
    """The part of a speaker name that is compared: its last word, lower case."""
    words = [w for w in _NAME_WORD.findall((name or "").lower()) if w not in _SUFFIXES]
    return words[-1] if words else ""


def overlap_ratio(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Intersection over union of two character ranges."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def overlap_ratio_multi(a: Spans, b: Spans) -> float:
    """Intersection over union of two sets of fragments."""
    inter = 0
    for x in a:
        for y in b:
            inter += max(0, min(x[1], y[1]) - max(x[0], y[0]))
    total = sum(e - s for s, e in a) + sum(e - s for s, e in b) - inter
    return inter / total if total else 0.0


def _trim_marks(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start] in MARKS or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in MARKS or text[end - 1].isspace()):
        end -= 1
    return start, end


def _widened_runs(text: str, start: int, end: int) -> Spans:
    # one character either side so that marks just outside a fragment still pair
    return quoted_runs(text, max(0, start - 1), min(len(text), end + 1))


@dataclass
class DirectSegment:
    span: tuple[int, int]
    speaker: str


@dataclass
class GoldArticle:
    name: str
    text: str
    direct: list[DirectSegment] = field(default_factory=list)
    indirect: list[Spans] = field(default_factory=list)


def load_gold(split_dir: str | Path) -> dict[str, GoldArticle]:
    """Derive gold direct segments and indirect statements for every annotated article."""
    gold: dict[str, GoldArticle] = {}
    for name, text, doc in iter_corpus(split_dir):
        article = GoldArticle(name, text)
        items: list[tuple[Spans, str, int | None]] = []
        for att in doc.attributions:
            content = doc.span(att.content)
            if content is None:
                continue
            source = doc.span(att.source)
            if source is None:
                speaker, source_start = "", None
            else:
                joined = " ".join(text[s:e] for s, e in source.fragments)
                speaker, source_start = joined.split(",")[0].strip(), source.fragments[0][0]
            items.append((list(content.fragments), speaker, source_start))
        named = sorted(
            (start, speaker)
            for _, speaker, start in items
            if start is not None and speaker and speaker.lower() not in PRONOUNS
        )
        for fragments, speaker, source_start in items:
            if source_start is not None and speaker.lower() in PRONOUNS:
                earlier = [n for s, n in named if s < source_start]
                speaker = earlier[-1] if earlier else ""
            content_text = "".join(text[s:e] for s, e in fragments)
            if not MARKS.intersection(content_text):
                article.indirect.append(fragments)
                continue
            for s, e in fragments:
                for qs, qe in _widened_runs(text, s, e):
                    inside = max(0, min(qe, e) - max(qs, s))
                    if inside >= 0.9 * (qe - qs):
                        article.direct.append(DirectSegment((qs, qe), speaker))
        gold[name] = article
    return gold


def _greedy_matches(
    similarities: Mapping[tuple[int, int], float], threshold: float
) -> list[tuple[int, int]]:
    """One-to-one (gold, prediction) matches from ``{(gold, prediction): similarity}``.

    Best similarity first (ties: later gold, then later prediction), down to ``threshold``.
    """
    candidates = [(sim, gi, pi) for (gi, pi), sim in similarities.items() if sim >= threshold]
    candidates.sort(reverse=True)
    taken_gold: set[int] = set()
    taken_pred: set[int] = set()
    matches = []
    for _, gi, pi in candidates:
        if gi not in taken_gold and pi not in taken_pred:
            taken_gold.add(gi)
            taken_pred.add(pi)
            matches.append((gi, pi))
    return matches


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 3), round(recall, 3), round(f1, 3)


def score(gold: Mapping[str, GoldArticle], records: Iterable[Mapping[str, Any]]) -> dict:
    """Score prediction records (the JSON Lines format) against derived gold."""
    by_article: dict[str, list[Mapping[str, Any]]] = {}
    for rec in records:
        by_article.setdefault(Path(rec["file"]).stem, []).append(rec)
    c = dict.fromkeys(
        ["gold_d", "pred_d", "tp_d", "joint", "known_sp", "gold_i", "pred_i", "tp_i3", "tp_i8"], 0
    )
    for name, article in gold.items():
        text = article.text
        pred_direct: list[DirectSegment] = []
        pred_indirect: list[Spans] = []
        for rec in by_article.get(name, []):
            fragments = [(int(s), int(e)) for s, e in rec.get("fragments") or []]
            speaker = rec.get("speaker_name") or ""
            if rec.get("kind") == "direct":
                pred_direct += [
                    DirectSegment(_trim_marks(text, s, e), speaker) for s, e in fragments
                ]
                continue
            for s, e in fragments:
                pred_direct += [DirectSegment(run, speaker) for run in _widened_runs(text, s, e)]
            if rec.get("kind") == "indirect":
                pred_indirect.append(fragments)
        gd = article.direct
        direct_sims = {
            (g, p): overlap_ratio(gd[g].span, pred_direct[p].span)
            for g in range(len(gd))
            for p in range(len(pred_direct))
        }
        matches = _greedy_matches(direct_sims, 0.8)
        c["gold_d"] += len(gd)
        c["pred_d"] += len(pred_direct)
        c["tp_d"] += len(matches)
        for g, p in matches:
            if gd[g].speaker:
                c["known_sp"] += 1
                c["joint"] += name_key(gd[g].speaker) == name_key(pred_direct[p].speaker)
        gi = article.indirect
        c["gold_i"] += len(gi)
        c["pred_i"] += len(pred_indirect)
        sims = {
            (g, p): overlap_ratio_multi(gi[g], pred_indirect[p])
            for g in range(len(gi))
            for p in range(len(pred_indirect))
        }
        for threshold, key in ((0.3, "tp_i3"), (0.8, "tp_i8")):
            c[key] += len(_greedy_matches(sims, threshold))
    return {
        "articles": len(gold),
        "articles_with_predictions": sum(1 for n in gold if n in by_article),
        "direct_gold": c["gold_d"],
        "direct_pred": c["pred_d"],
        "direct_prf": _prf(c["tp_d"], c["pred_d"], c["gold_d"]),
        "direct_with_speaker_prf": _prf(c["joint"], c["pred_d"], c["gold_d"]),
        "speaker_accuracy": round(c["joint"] / c["known_sp"], 3) if c["known_sp"] else 0.0,
        "indirect_gold": c["gold_i"],
        "indirect_pred": c["pred_i"],
        "indirect_prf_0.3": _prf(c["tp_i3"], c["pred_i"], c["gold_i"]),
        "indirect_prf_0.8": _prf(c["tp_i8"], c["pred_i"], c["gold_i"]),
    }


def suggestion_record(file: str, suggestion: Suggestion) -> dict[str, Any]:
    """One suggestion in the JSON Lines format shared with ``manage.py suggest``."""
    mention = suggestion.speaker_mention
    return {
        "file": file,
        "kind": suggestion.kind,
        "fragments": [[f.start, f.end] for f in suggestion.fragments],
        "speaker_name": suggestion.speaker_name,
        "speaker_mention": [mention.start, mention.end] if mention else None,
        "cue": suggestion.cue,
    }


def predict(texts: Mapping[str, str]) -> tuple[list[dict[str, Any]], float]:
    """Suggest for each ``{name: text}``; return the records and the seconds spent."""
    records: list[dict[str, Any]] = []
    elapsed = 0.0
    for name, text in texts.items():
        started = time.perf_counter()
        suggestions = suggest(text)
        elapsed += time.perf_counter() - started
        records += [suggestion_record(name + ".txt", s) for s in suggestions]
    return records, elapsed


def write_jsonl(records: Iterable[Mapping[str, Any]], path: str | Path) -> None:
    with Path(path).open("w", encoding="utf-8") as out:
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


def evaluate(split_dir: str | Path = DEFAULT_SPLIT, predictions: str | Path | None = None) -> dict:
    """Suggest on every annotated article of ``split_dir`` and score the result.

    Returns the scorer's figures plus ``articles_per_second``; when ``predictions`` is a
    path, the suggestions are also written there as JSON Lines.
    """
    gold = load_gold(split_dir)
    records, elapsed = predict({name: article.text for name, article in gold.items()})
    if predictions is not None:
        write_jsonl(records, predictions)
    result = score(gold, records)
    result["seconds"] = round(elapsed, 3)
    result["articles_per_second"] = round(len(gold) / elapsed, 1) if elapsed else 0.0
    return result


def format_report(result: Mapping[str, Any]) -> str:
    """Human-readable lines for :func:`evaluate`'s result."""
    lines = [f"articles: {result['articles']}"]
    rows: Sequence[tuple[str, str]] = (
        ("direct quote spans (IoU 0.8)", "direct_prf"),
        ("direct quotes with right speaker", "direct_with_speaker_prf"),
        ("indirect statements (IoU 0.3)", "indirect_prf_0.3"),
        ("indirect statements (IoU 0.8)", "indirect_prf_0.8"),
    )
    for label, key in rows:
        p, r, f = result[key]
        lines.append(f"{label:36} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    lines.append(f"speaker accuracy on matched direct quotes: {result['speaker_accuracy']:.3f}")
    if "articles_per_second" in result:
        lines.append(f"articles per second: {result['articles_per_second']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("split_dir", nargs="?", default=str(DEFAULT_SPLIT))
    parser.add_argument("--predictions", help="also write the suggestions here (JSON Lines)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = evaluate(args.split_dir, args.predictions)
    print(json.dumps(result) if args.json else format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
