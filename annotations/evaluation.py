"""Measure the quote suggester against a brat attribution corpus (PolNeAR layout).

The figures are the shared reference scorer's (``shared/eval/score_suggestions.py``), run
on the suggester's predictions: Newsdesk keeps no copy of the scorer's rules. This module
writes the predictions in the scorer's JSON Lines format (the same records
``manage.py suggest`` prints), runs the scorer on them and times the suggester.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from annotations.suggesting import Span, Suggestion, suggest
from annotations.suggesting.acceptance import direct_rows
from annotations.suggesting.case import needs_restoring, restore_case
from annotations.text import RawOffsets

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DEFAULT_SPLIT = SHARED / "eval/polnear/dev"
DEFAULT_SCORER = SHARED / "eval/score_suggestions.py"


def suggestion_record(file: str, suggestion: Suggestion) -> dict[str, Any]:
    """One suggestion in the JSON Lines format shared with ``manage.py suggest``: the
    scorer's fields, and ``via``, the outlets and people the statement came through, nearest
    the speaker first."""
    mention = suggestion.speaker_mention
    return {
        "file": file,
        "kind": suggestion.kind,
        "fragments": [[f.start, f.end] for f in suggestion.fragments],
        "speaker_name": suggestion.speaker_name,
        "speaker_role": suggestion.speaker_role,
        "speaker_mention": [mention.start, mention.end] if mention else None,
        "cue": suggestion.cue,
        "via": list(suggestion.via),
    }


def suggest_raw(raw: str, skip: Sequence[tuple[int, int]] = ()) -> list[Suggestion]:
    """Suggest on a text as stored (a file: ``\r\n`` line ends, decomposed accents): the
    suggester reads it normalised, the offsets of the suggestions (and of ``skip``) index
    ``raw``."""
    text, offsets = RawOffsets.normalize(raw)
    found = suggest(
        text, skip=[(offsets.to_normalized(s), offsets.to_normalized(e)) for s, e in skip]
    )

    def back(span: Span | None) -> Span | None:
        return None if span is None else Span(offsets.start(span.start), offsets.end(span.end))

    for suggestion in found:
        suggestion.fragments = [back(f) for f in suggestion.fragments]
        suggestion.speaker_mention = back(suggestion.speaker_mention)
        suggestion.cue_span = back(suggestion.cue_span)
    return found


def predict(texts: Mapping[str, str]) -> tuple[list[dict[str, Any]], float]:
    """Suggest for each ``{file name: text}``; return the records and the processor seconds
    spent suggesting (one core; other work on a shared machine does not count)."""
    records: list[dict[str, Any]] = []
    elapsed = 0.0
    for name, text in texts.items():
        started = time.process_time()
        suggestions = suggest_raw(text)
        elapsed += time.process_time() - started
        records += [suggestion_record(name, s) for s in suggestions]
    return records, elapsed


def write_jsonl(records: Iterable[Mapping[str, Any]], path: str | Path) -> None:
    with Path(path).open("w", encoding="utf-8") as out:
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


def split_texts(split_dir: str | Path) -> dict[str, str]:
    """Every article text of a split as stored, ``{file name: text}``, in file name order."""
    return {
        path.name: path.read_bytes().decode("utf-8")
        for path in sorted(Path(split_dir, "text").glob("*.txt"))
    }


def run_scorer(split_dir: str | Path, predictions: str | Path, scorer: str | Path) -> str:
    """What the reference scorer prints for ``predictions`` on ``split_dir`` (its own
    process and interpreter: the figures are the scorer's, byte for byte)."""
    # the scorer is a path the operator names on the command line, run as they would run it
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(scorer), str(split_dir), str(predictions)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{scorer} failed: {done.stderr.strip()}")
    return done.stdout


@dataclass
class Evaluation:
    scorer_output: str  # exactly what the scorer printed
    articles: int
    seconds: float  # in the suggester alone

    @property
    def articles_per_second(self) -> float:
        return round(self.articles / self.seconds, 1) if self.seconds else 0.0

    @property
    def figures(self) -> dict[str, Any]:
        """The scorer's JSON line, read."""
        return json.loads(self.scorer_output.splitlines()[0])


def evaluate(
    split_dir: str | Path = DEFAULT_SPLIT,
    scorer: str | Path = DEFAULT_SCORER,
    predictions: str | Path | None = None,
) -> Evaluation:
    """Suggest on every article of ``split_dir`` and score the result with ``scorer``;
    ``predictions``: also keep the suggestions there (JSON Lines)."""
    texts = split_texts(split_dir)
    records, elapsed = predict(texts)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(predictions) if predictions is not None else Path(tmp, "predictions.jsonl")
        write_jsonl(records, path)
        output = run_scorer(split_dir, path, scorer)
    return Evaluation(output, len(texts), elapsed)


def load_scorer(scorer: str | Path = DEFAULT_SCORER) -> ModuleType:
    """The reference scorer as a module, to label suggestions the way it matches them."""
    spec = importlib.util.spec_from_file_location("reference_scorer", scorer)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"{scorer}: not a Python script.")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class DirectRows:
    """The direct quotes the suggester proposes on a split, before the acceptance filter:
    their features, whether the scorer matches each to a gold quote, and the article each
    comes from; and what the filter cannot change (the gold quotes, and the quotes taken
    from mixed statements, with the matches among them)."""

    features: list[dict[str, float]]
    labels: list[int]
    articles: list[int]
    gold: int = 0
    fixed: int = 0
    fixed_matched: int = 0

    def f1(self, kept: Sequence[bool]) -> float:
        """The scorer's direct-span F1 when only the ``kept`` quotes are proposed."""
        matched = self.fixed_matched + sum(y for y, k in zip(self.labels, kept, strict=True) if k)
        proposed = self.fixed + sum(kept)
        return 2 * matched / (proposed + self.gold) if proposed + self.gold else 0.0


def direct_rows_of(split_dir: str | Path, scorer: str | Path = DEFAULT_SCORER) -> DirectRows:
    ref = load_scorer(scorer)
    gold = ref.load_gold(Path(split_dir))
    rows = DirectRows([], [], [])
    for n, (name, raw) in enumerate(split_texts(split_dir).items()):
        article = gold.get(Path(name).stem)
        if article is None:
            continue
        text, offsets = RawOffsets.normalize(raw)
        found = suggest(text, filtered=False)
        read = restore_case(text) if needs_restoring(text) else text
        quotes = {(id(s), f): features for s, f, features in direct_rows(read, found)}
        # the scorer's list of proposed quotes, in its order
        proposed: list[dict[str, Any]] = []
        ours: list[tuple[int, dict[str, float]]] = []
        for s in found:
            for f in s.fragments:
                start, end = offsets.start(f.start), offsets.end(f.end)
                if s.kind == "direct":
                    ours.append((len(proposed), quotes[id(s), f]))
                    proposed.append({"span": ref.strip_marks(raw, start, end)})
                else:
                    runs = ref.quoted_runs(raw, max(0, start - 1), min(len(raw), end + 1))
                    proposed += [{"span": run} for run in runs]
        matches = ref.greedy(
            article["direct"], proposed, lambda g, p: ref.iou(g["span"], p["span"]), 0.8
        )
        matched = {p for _, p in matches}
        rows.gold += len(article["direct"])
        rows.fixed += len(proposed) - len(ours)
        rows.fixed_matched += len(matched - {k for k, _ in ours})
        for k, features in ours:
            rows.features.append(features)
            rows.labels.append(int(k in matched))
            rows.articles.append(n)
    return rows


def train_acceptance(
    split_dir: str | Path, scorer: str | Path = DEFAULT_SCORER, folds: int = 10, c: float = 1.0
) -> dict[str, Any]:
    """The acceptance filter's weights for direct quotes, learned from ``split_dir``: a
    logistic regression (scikit-learn), and the threshold that gives the best direct-span F1
    on held-out articles (``folds``-fold cross-validation by article)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    rows = direct_rows_of(split_dir, scorer)
    names = sorted({k for f in rows.features for k in f})
    x = np.array([[f.get(k, 0.0) for k in names] for f in rows.features])
    y = np.array(rows.labels)

    def fit(ix):
        return LogisticRegression(C=c, fit_intercept=False, max_iter=5000).fit(x[ix], y[ix])

    held_out = np.zeros(len(y))
    for train, test in GroupKFold(folds).split(x, y, rows.articles):
        held_out[test] = fit(train).predict_proba(x[test])[:, 1]
    # the lowest threshold among the best: keep a quote when in doubt
    thresholds = [k / 100 for k in range(1, 100)]
    scores = [round(rows.f1(held_out >= t), 6) for t in thresholds]
    threshold = thresholds[scores.index(max(scores))]
    model = fit(np.arange(len(y)))
    weights = {k: round(float(w), 3) for k, w in zip(names, model.coef_[0], strict=True)}
    return {
        "direct": {
            "about": (
                "Logistic regression: a proposed direct quote is kept when "
                "1 / (1 + exp(-sum(weights[f] * features[f]))) >= threshold."
            ),
            "threshold": threshold,
            "weights": weights,
            "trained_on": {
                "articles_with_quotes": len(set(rows.articles)),
                "quotes": len(y),
                "matched": int(y.sum()),
                "cross_validated_f1": {
                    "all_kept": round(rows.f1([True] * len(y)), 4),
                    "filtered": round(max(scores), 4),
                },
            },
        }
    }


def weights_json(model: Mapping[str, Any]) -> str:
    """The weights as written to ``weights.json``: sorted keys, so the bytes are stable."""
    return json.dumps(model, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
