"""Suggester speed: articles per second on one core, and the evaluation figures.

    python bench/suggest.py [--small] [--split DIR ...]

Reads the corpus from ../shared/eval/polnear (dev and train) unless told otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.evaluation import DEFAULT_SPLIT, evaluate  # noqa: E402
from annotations.suggesting import suggest  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="dev split only")
    parser.add_argument("--split", action="append", help="corpus split dirs")
    args = parser.parse_args(argv)
    splits = [Path(s) for s in args.split or []] or [DEFAULT_SPLIT]
    if not args.split and not args.small:
        splits.append(DEFAULT_SPLIT.parent / "train")
    for split in splits:
        if not split.is_dir():
            print(f"{split}: not found, skipped")
            continue
        result = evaluate(split)
        figures = result.figures
        print(
            f"{split.name}: {result.articles} articles, "
            f"{result.articles_per_second} articles/s; "
            f"direct F1 {figures['direct_prf'][2]}, with speaker "
            f"{figures['direct_with_speaker_prf'][2]}, indirect F1@0.3 "
            f"{figures['indirect_prf_0.3'][2]}, @0.8 {figures['indirect_prf_0.8'][2]}"
        )
    seed = (ROOT / "seeds" / "moscow-times-syria-strikes.txt").read_text(encoding="utf-8")
    long_article = "\n".join([seed[:1412]] * 50)
    started = time.perf_counter()
    found = suggest(long_article)
    elapsed = time.perf_counter() - started
    print(
        f"long article: {len(long_article):,} characters, {len(found)} suggestions "
        f"in {elapsed * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
