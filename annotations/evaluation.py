"""Measure the quote suggester against a brat attribution corpus (PolNeAR layout).

The figures are the shared reference scorer's (``shared/eval/score_suggestions.py``), run
on the suggester's predictions: Newsdesk keeps no copy of the scorer's rules. This module
writes the predictions in the scorer's JSON Lines format (the same records
``manage.py suggest`` prints), runs the scorer on them and times the suggester.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotations.suggesting import Span, Suggestion, suggest
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
