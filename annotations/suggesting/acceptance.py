"""A learned acceptance filter where the rules stop: whether a proposed direct quote is kept.

The rules propose every quote of four words or more, and some of them are not what news
annotators count as statements: quotes over several paragraphs, very short ones, titles and
slogans, quotes right after "the authors of the" or inside a tweet's markup. A logistic
regression over what the rules already know of a quote (its length and shape, whether a cue
and a speaker were found, what kind of cue and how far, its place in the paragraph) gives
each proposed direct quote a probability of being one; quotes under the threshold are
dropped (a statement that loses every fragment is dropped whole).

The weights and the threshold are learned from the PolNeAR train split by ``manage.py
train_suggester`` (the threshold by cross-validation, for the best F1) and kept, readable,
in ``weights.json`` beside this module. Serving is a dot product and a sigmoid; without the
file nothing is filtered.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from .lexicon import COGNITION, CUE_FORMS, IMPRESSION, INTENT, PRONOUNS, SPEECH, word_set
from .spans import Span, Suggestion

WEIGHTS_FILE = Path(__file__).resolve().parent / "weights.json"

QUOTE_CHARS = '"\u201c\u201d\u201e\u00ab\u00bb\u300c\u300d\u300e\u300f'
SENTENCE_END = ".?!"
WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
# what is read on either side of a quote (bounded, so a long paragraph costs no more)
AROUND = 200
# a quote right after one of these is named or embedded rather than said: "the authors of
# the “Growth and Opportunity Project,”", "funded by “closing tax loopholes”"
FUNCTION_WORDS = word_set(
    "a an the of by on in at for to from with as about into than like and or his her their its"
    " our my your called titled dubbed named"
)


def cue_class(cue: str) -> str:
    """The kind of a cue: a verb of saying, of thinking, of stance, an impression, an
    intention, ``according to``, another cue (a noun, a layout) or none."""
    words = cue.lower().split()
    if not words:
        return "none"
    for w in words:
        lemma = CUE_FORMS.get(w)
        if lemma is not None:
            if w in IMPRESSION:
                return "impression"
            if lemma in INTENT:
                return "intent"
            if w in SPEECH:
                return "speech"
            if w in COGNITION:
                return "cognition"
            return "stance"
    return "according" if words[0] == "according" else "other"


class Paragraphs:
    """Where the paragraphs of a text start and end, and the direct quotes in each."""

    def __init__(self, text: str, suggestions: Sequence[Suggestion]) -> None:
        self.breaks = [m.start() for m in re.finditer("\n", text)]
        self.length = len(text)
        self.quotes = sorted(
            f.start for s in suggestions if s.kind == "direct" for f in s.fragments
        )

    def bounds(self, pos: int) -> tuple[int, int]:
        k = bisect_left(self.breaks, pos)
        lo = self.breaks[k - 1] + 1 if k else 0
        hi = self.breaks[k] if k < len(self.breaks) else self.length
        return lo, hi

    def crosses(self, a: int, b: int) -> bool:
        """Whether a line break lies in ``[a, b)``."""
        k = bisect_left(self.breaks, a)
        return k < len(self.breaks) and self.breaks[k] < b

    def quotes_in(self, lo: int, hi: int) -> int:
        return bisect_right(self.quotes, hi) - bisect_left(self.quotes, lo)


def direct_features(
    text: str, suggestion: Suggestion, fragment: Span, paragraphs: Paragraphs
) -> dict[str, float]:
    """What the rules know of one fragment of a direct suggestion, by feature name."""
    inner = text[fragment.start : fragment.end].strip(QUOTE_CHARS + " ")
    n = len(inner.split())
    para_lo, para_hi = paragraphs.bounds(fragment.start)
    # the fragment may hold its marks or not: read around them
    before = text[max(para_lo, fragment.start - AROUND) : fragment.start]
    before = before.strip().rstrip(QUOTE_CHARS).rstrip()
    after = text[fragment.end : min(para_hi, fragment.end + AROUND)]
    after = after.strip().lstrip(QUOTE_CHARS).lstrip()
    letters = WORD.findall(inner)
    capitals = sum(1 for w in letters if w[0].isupper())
    previous = WORD.findall(before[-30:])
    previous_word = previous[-1].lower() if previous and before[-1:].isalpha() else ""
    cue = suggestion.cue_span if suggestion.cue else None
    mention = suggestion.speaker_mention
    said = text[mention.start : mention.end].lower() if mention is not None else ""
    f = {
        "bias": 1.0,
        "log_words": math.log1p(n),
        "words_under_6": float(n < 6),
        "words_under_10": float(n < 10),
        "many_paragraphs": float(paragraphs.crosses(fragment.start, fragment.end)),
        "has_cue": float(cue is not None),
        "cue_" + cue_class(suggestion.cue): 1.0,
        "has_mention": float(mention is not None),
        "pronoun_speaker": float(said in PRONOUNS),
        "no_speaker": float(not suggestion.speaker_name),
        "speaker_is_name": float(suggestion.speaker_name[:1].isupper()),
        "fragments": float(len(suggestion.fragments) > 1),
        "later_fragment": float(fragment != suggestion.fragments[0]),
        "opens_paragraph": float(not before),
        "closes_paragraph": float(not after),
        "whole_paragraph": float(not before and not after),
        "after_sentence_end": float(not before or before[-1] in SENTENCE_END + ":"),
        "after_function_word": float(previous_word in FUNCTION_WORDS),
        "after_other_word": float(bool(previous_word) and previous_word not in FUNCTION_WORDS),
        "first_line": float(para_lo == 0),
        "starts_capital": float(inner[:1].isupper()),
        "ends_punctuation": float(inner[-1:] in tuple(SENTENCE_END + ",")),
        "ends_full_stop": float(inner[-1:] in tuple(SENTENCE_END)),
        "title_like": float(bool(letters) and capitals == len(letters)),
        "capital_share": capitals / len(letters) if letters else 0.0,
        "inner_quote": float(any(ch in QUOTE_CHARS for ch in inner)),
        "markup": float("<" in before[-60:] or "<" in inner),
        "quotes_in_paragraph": math.log1p(paragraphs.quotes_in(para_lo, para_hi)),
    }
    if cue is not None:
        gap = cue.start - fragment.end if cue.start >= fragment.end else fragment.start - cue.end
        f["cue_after"] = float(cue.start >= fragment.end)
        f["log_cue_distance"] = math.log1p(max(0, gap))
        f["cue_same_paragraph"] = float(para_lo <= cue.start and cue.end <= para_hi)
    return {k: round(v, 6) for k, v in f.items()}


def direct_rows(
    text: str, suggestions: Sequence[Suggestion]
) -> list[tuple[Suggestion, Span, dict[str, float]]]:
    """Every fragment of the direct suggestions, with its features."""
    paragraphs = Paragraphs(text, suggestions)
    return [
        (s, f, direct_features(text, s, f, paragraphs))
        for s in suggestions
        if s.kind == "direct"
        for f in s.fragments
    ]


@lru_cache(maxsize=4)
def load_weights(path: Path = WEIGHTS_FILE) -> Mapping[str, object]:
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def probability(features: Mapping[str, float], weights: Mapping[str, float]) -> float:
    z = sum(weights.get(k, 0.0) * v for k, v in features.items())
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def accept(text: str, suggestions: list[Suggestion], path: Path = WEIGHTS_FILE) -> list[Suggestion]:
    """``suggestions`` without the direct quotes the learned filter turns down."""
    model = load_weights(path).get("direct")
    if not model:
        return suggestions
    weights, threshold = model["weights"], model["threshold"]
    dropped = {
        (id(s), f)
        for s, f, features in direct_rows(text, suggestions)
        if probability(features, weights) < threshold
    }
    if not dropped:
        return suggestions
    out = []
    for s in suggestions:
        if s.kind == "direct":
            kept = [f for f in s.fragments if (id(s), f) not in dropped]
            if not kept:
                continue
            s.fragments = kept
        out.append(s)
    return out
