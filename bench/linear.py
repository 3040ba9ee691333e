"""Suggester time against text length: it should grow in proportion.

    python bench/linear.py [--small] [--split DIR]

Prints, for 10 and 100 articles joined into one text, the time against the sum of the
articles one by one; and for texts built to be hard (a paragraph full of unpaired marks,
a run-on "he said that he said that ...", a quote and its cue repeated) the speed in
kilobytes per second at two sizes and the ratio of the times (2.0 is linear).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.evaluation import DEFAULT_SPLIT  # noqa: E402
from annotations.suggesting import suggest  # noqa: E402

# name -> the unit repeated to build the text
ADVERSARIAL = {
    "unpaired marks": 'the "word and "another one, ',
    "run-on cues": "he said that ",
    "quote and cue": '"Yes," he said. ',
    "cue-rich paragraph": 'Smith said the plan, which "they back," failed, Jones added, ',
    # "I" is looked up in a transcript's turn: one paragraph of it, the turn labelled
    "transcript turn": "HOLT: I said that I said that ",
    # "who" is the speaker named just before it: looked up among all the speakers
    "who after a speaker": '"Yes," said Dahl, who said that it is fine. ',
}


def seconds(text: str) -> float:
    """Processor seconds of one call: other work on a shared machine does not count."""
    started = time.process_time()
    suggest(text)
    return time.process_time() - started


def repeated(unit: str, size: int) -> str:
    return unit * (size // len(unit))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="smaller texts")
    parser.add_argument("--split", default=str(DEFAULT_SPLIT.parent / "train"))
    args = parser.parse_args(argv)
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(args.split, "text").glob("*.txt"))]
    for n in (10, 100):
        if len(texts) < n:
            print(f"{n} articles joined: only {len(texts)} articles in {args.split}, skipped")
            continue
        alone = sum(seconds(t) for t in texts[:n])
        joined = "\n\n".join(texts[:n])
        together = seconds(joined)
        print(
            f"{n} articles joined ({len(joined):,} characters): {together:.2f} s, "
            f"one by one {alone:.2f} s, ratio {together / alone:.2f}"
        )
    size = 50_000 if args.small else 200_000
    for name, unit in ADVERSARIAL.items():
        small, large = seconds(repeated(unit, size)), seconds(repeated(unit, 2 * size))
        print(
            f"{name}: {size // 1000} KB {small:.2f} s, {2 * size // 1000} KB {large:.2f} s "
            f"({2 * size / 1000 / large:.0f} KB/s), ratio {large / small:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
