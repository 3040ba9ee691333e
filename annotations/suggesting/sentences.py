"""Sentences of the masked text (quotes are atomic) and the words in a range."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Sequence

from .lexicon import ABBREVIATIONS, PARTICLES, SPEECH
from .marks import MASK, OPENERS


def lead_space(text: str, lo: int, hi: int) -> int:
    """How many blanks open ``text[lo:hi]``."""
    return len(text[lo:hi]) - len(text[lo:hi].lstrip())


# a quote's masked inside is one token, however long
WORD = re.compile(r"\ue000+|\d+/\d+|[\w\u2019'.&-]+|[^\w\s]")
SENTENCE_BREAK = re.compile(r"[.!?]+(?:''|[\"\u201d\u00bb)\]])*(?=\s)|[\"\u201d\u00bb](?=\s)|\n")
ATTRIBUTION_TAIL = re.compile(
    r"(?:[A-Z][\w.\u2019'-]*|He|She|They)(?:\s+[\w.\u2019'-]+){0,4}?\s+(?:also\s+)?"
    r"(?:"
    + "|".join(
        sorted(
            f if lemma not in PARTICLES else rf"{f}\s+{PARTICLES[lemma]}"
            for f, lemma in SPEECH.items()
            if f != lemma and not f.endswith("ing")
        )
    )
    + r")"
    r"(?:\s+(?:on|in|at|to|last|this)?\s*[\w\u2019'-]+){0,3}(?:[.!?](?=\s|$)|,)"
)


def split_sentences(masked: str, original: str) -> list[tuple[int, int]]:
    """Sentence ranges of the masked text (quotes are atomic)."""
    out: list[tuple[int, int]] = []
    start = 0
    n = len(masked)
    for m in SENTENCE_BREAK.finditer(masked):
        end = m.end()
        if masked[m.start()] == "\n":
            if masked[start : m.start()].strip():
                out.append((start, m.start()))
            start = end
            continue
        nxt = end
        while nxt < n and masked[nxt] in " \t":
            nxt += 1
        if nxt < n and masked[nxt] == "\n":
            continue  # the newline will close it
        if nxt >= n:
            continue
        follower = masked[nxt]
        # "''" opens a quote in the style of some newspapers ("''We won,'' he said.")
        double_apostrophe = masked.startswith("''", nxt)
        if not (
            follower.isupper() or follower.isdigit() or follower in OPENERS or double_apostrophe
        ):
            continue
        token = m.group()
        if token[-1] in '"\u201d\u00bb' and ATTRIBUTION_TAIL.match(masked, nxt):
            opener = m.start() + len(token) - 1
            while opener > start and masked[opener - 1] == MASK:
                opener -= 1
            if not masked[start : opener - 1].strip():
                continue  # "“... emails.” Trump said.": the attribution belongs to the quote
        if token[0] in '"\u201d\u00bb':
            # a quote closing a sentence: its last inner character must end a sentence
            inner = original[: m.start()].rstrip()
            if not inner or inner[-1] not in ".!?":
                continue
        elif token.startswith("."):
            word = re.search(r"([\w.]+)$", masked[start : m.start()])
            prev = word.group(1).lower() if word else ""
            if prev in ABBREVIATIONS or (len(prev) == 1 and prev.isalpha()):
                continue
            if re.fullmatch(r"(?:[a-z]\.)+[a-z]", prev):
                continue  # "U.S." and friends
        out.append((start, end))
        start = nxt
    if masked[start:].strip():
        out.append((start, n))
    # trim blanks at both ends
    trimmed = []
    for s, e in out:
        while s < e and masked[s].isspace():
            s += 1
        while e > s and masked[e - 1].isspace():
            e -= 1
        if s < e:
            trimmed.append((s, e))
    return trimmed


# Longer than any sentence of news outside its quotes (PolNeAR's longest has 1,094
# characters), and more cues times characters than any has (its most: 10 cues in 405): a
# run-on text is read in pieces, so that the work a cue does on its sentence stays bounded
# and the whole stays linear in the length of the text.
MAX_SENTENCE = 1200
MAX_CUE_WORK = 5000
MIN_PIECE = 200
CLAUSE_BREAK = re.compile(r"[,;:]\s|\s")
BLANK = re.compile(r"\s")


def piece_limit(masked: str, s: int, e: int, cue_starts: Sequence[int]) -> int | None:
    """How long the pieces of the sentence ``masked[s:e]`` may be (quotes not counted), or
    None when it is read whole."""
    length = e - s - masked.count(MASK, s, e)
    cues = bisect_left(cue_starts, e) - bisect_left(cue_starts, s)
    if length <= MAX_SENTENCE and cues * length <= MAX_CUE_WORK:
        return None
    if cues * length <= MAX_CUE_WORK:
        return MAX_SENTENCE
    return max(MIN_PIECE, min(MAX_SENTENCE, math.isqrt(MAX_CUE_WORK * length // cues)))


def bounded(
    masked: str, sentences: list[tuple[int, int]], cue_starts: Sequence[int] = ()
) -> list[tuple[int, int]]:
    """``sentences`` with each too long or too full of cues cut into pieces at the last
    clause break (else blank) before :func:`piece_limit`; never inside a quote."""
    out: list[tuple[int, int]] = []
    for s, e in sentences:
        limit = piece_limit(masked, s, e, cue_starts)
        if limit is None:
            out.append((s, e))
            continue
        while e - s > limit:
            # count the masked inside of quotes as free: stretch the window over them
            window_end = s + limit + masked.count(MASK, s, s + limit)
            if window_end >= e:
                break
            cut = -1
            for m in CLAUSE_BREAK.finditer(masked, s + limit // 2, window_end):
                if cut < 0 or masked[m.start()] in ",;:" or masked[cut] not in ",;:":
                    cut = m.start() if masked[m.start()].isspace() else m.start() + 1
            if cut < 0:
                blank = BLANK.search(masked, window_end, e)
                if blank is None:
                    break
                cut = blank.start()
            out.append((s, cut))
            s = cut
            while s < e and masked[s].isspace():
                s += 1
        if s < e:
            out.append((s, e))
    return out


def scan_words(masked: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    return [(m.start() + lo, m.end() + lo, m.group()) for m in WORD.finditer(masked[lo:hi])]


# The words of the text read last, found once: rules ask for the words of many ranges of
# one text (every cue its left side), which costs a binary search and a slice.
_last_text: tuple[str, list[int], list[tuple[int, int, str]]] | None = None
# from this length on (a long or run-on text) the words of the whole text are found once
WHOLE_TEXT_WORDS = 20_000


def word_tokens(masked: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """The words (and punctuation) of ``masked[lo:hi]`` as (start, end, word)."""
    if len(masked) < WHOLE_TEXT_WORDS:
        return scan_words(masked, lo, hi)  # an article: reading the range is cheaper
    global _last_text
    known = _last_text
    if known is None or known[0] is not masked:
        words = scan_words(masked, 0, len(masked))
        known = _last_text = (masked, [w[0] for w in words], words)
    _, starts, words = known
    first = bisect_left(starts, lo)
    last = bisect_left(starts, hi, first)
    head: list[tuple[int, int, str]] = []
    if first and words[first - 1][1] > lo:
        # a word cut by lo: read its end anew
        head = scan_words(masked, lo, min(hi, words[first - 1][1]))
    middle = words[first:last]
    if middle and middle[-1][1] > hi:
        middle[-1:] = scan_words(masked, middle[-1][0], hi)
    return head + middle if head else middle
