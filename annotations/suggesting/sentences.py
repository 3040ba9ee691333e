"""Sentences of the masked text (quotes are atomic) and the words in a range."""

from __future__ import annotations

import re

from .lexicon import ABBREVIATIONS, PARTICLES, SPEECH
from .marks import MASK, OPENERS


def lead_space(text: str, lo: int, hi: int) -> int:
    """How many blanks open ``text[lo:hi]``."""
    return len(text[lo:hi]) - len(text[lo:hi].lstrip())


WORD = re.compile(r"\d+/\d+|[\w\u2019'.&-]+|[^\w\s]")
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


def word_tokens(masked: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    return [(m.start() + lo, m.end() + lo, m.group()) for m in WORD.finditer(masked[lo:hi])]
