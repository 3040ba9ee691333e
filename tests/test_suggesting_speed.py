"""The suggester's time grows in proportion to the length of the text.

Ratios of processor time (``time.process_time``: other work on a shared machine does not
count), with generous margins: a quadratic step shows as a ratio far beyond them. The
absolute speeds are printed by ``bench/linear.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from annotations.evaluation import DEFAULT_SPLIT
from annotations.suggesting import suggest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# texts built to be hard: unpaired marks, a run-on of cues, a quote and its cue repeated
ADVERSARIAL = [
    'the "word and "another one, ',
    "he said that ",
    '"Yes," he said. ',
    'Smith said the plan, which "they back," failed, Jones added, ',
    "\u201cNo way, he said \u201c",
    "HOLT: I said that I said that ",  # "I" looked up in a transcript's turn
    '"Yes," said Dahl, who said that it is fine. ',  # "who" looked up among the speakers
]


def cpu_seconds(text: str, repeat: int = 2) -> float:
    """The fastest of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        suggest(text)
        best = min(best, time.process_time() - started)
    return best


def joined_against_alone(texts: list[str]) -> float:
    suggest(texts[0])  # the first call pays for setting up; it is no part of the measure
    alone = sum(cpu_seconds(t) for t in texts)
    return cpu_seconds("\n\n".join(texts)) / alone


def test_ten_articles_joined_cost_no_more_than_one_by_one():
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    # ten news-like articles: the sample story, its paragraphs in other orders
    paragraphs = [p for s in seeds for p in s.split("\n") if p.strip()]
    texts = ["\n".join(paragraphs[k:] + paragraphs[:k]) for k in range(10)]
    assert joined_against_alone(texts) <= 1.5


@pytest.mark.corpus
@pytest.mark.parametrize("n", [10, 100])
def test_polnear_articles_joined_cost_no_more_than_one_by_one(n):
    split = DEFAULT_SPLIT.parent / "train"
    paths = sorted((split / "text").glob("*.txt"))[:n]
    assert len(paths) == n
    texts = [p.read_text(encoding="utf-8") for p in paths]
    assert joined_against_alone(texts) <= 1.5


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_hard_texts_take_time_in_proportion_to_their_length(unit):
    small = unit * (20_000 // len(unit))
    large = unit * (60_000 // len(unit))
    suggest(unit * 10)
    # three times the text: 3 if linear, 9 if quadratic
    assert cpu_seconds(large) / max(cpu_seconds(small), 1e-3) < 5.5
