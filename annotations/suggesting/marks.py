"""Quotation marks: pairing them (the table is :data:`annotations.text.QUOTATION_MARKS`)
and masking what they enclose."""

from __future__ import annotations

import re
from collections.abc import Sequence

from annotations.text import DOUBLE_MARKS, DOUBLE_QUOTATION_MARKS

MASK = "\ue000"  # stands in for every character inside a quote
OPENERS = DOUBLE_QUOTATION_MARKS
ALL_MARKS = DOUBLE_MARKS
MAX_QUOTE_CHARS = 6000


def straight_opens(text: str, i: int) -> bool | None:
    """True: opening, False: closing, None: could be either."""
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    open_ok = (before.isspace() or before in "([{\u2014\u2013-/:;,") and not after.isspace()
    close_ok = not before.isspace() and (after.isspace() or after in ".,;:!?)]}\u2014\u2013-")
    if open_ok and not close_ok:
        return True
    if close_ok and not open_ok:
        return False
    return None


def paragraph_reopens(text: str, nl: int, opener: str) -> int:
    """Index of ``opener`` starting the paragraph after the newline at ``nl``, or -1."""
    j = nl
    while j < len(text) and text[j].isspace():
        j += 1
    return j if j < len(text) and text[j] == opener else -1


MARK_OR_NL = re.compile(f"[{re.escape(''.join(sorted(ALL_MARKS)))}\\n]")


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Pairs of (opening mark, closing mark) indices, in text order.

    Linear in the length of the text: the search for a closing mark jumps over the marks
    that cannot end it (every straight mark for a curly opening one, the straight marks
    that can only open for a straight one), so a paragraph full of unpaired marks costs
    one step a mark.
    """
    events = [(m.start(), m.group()) for m in MARK_OR_NL.finditer(text)]
    n = len(events)
    opens = [c == '"' and straight_opens(text, i) is True for i, c in events]
    # past_straight[j]: the first event from j on that is no straight mark;
    # past_opening[j]: the first that is no straight mark that can only open
    past_straight = [n] * (n + 1)
    past_opening = [n] * (n + 1)
    for j in range(n - 1, -1, -1):
        past_straight[j] = past_straight[j + 1] if events[j][1] == '"' else j
        past_opening[j] = past_opening[j + 1] if opens[j] else j
    quotes: list[tuple[int, int]] = []
    k = 0
    while k < n:
        i, ch = events[k]
        closers = OPENERS.get(ch)
        if closers is None or (ch == '"' and straight_opens(text, i) is False):
            k += 1
            continue
        skip = past_opening if ch == '"' else past_straight
        found = -1
        j = skip[k + 1]
        while j < n and events[j][0] - i <= MAX_QUOTE_CHARS:
            pos, c = events[j]
            if c == "\n":
                nxt = paragraph_reopens(text, pos, ch)
                if nxt < 0:
                    break
                # the quote goes on in the next paragraph, reopened by the same mark
                while j < n and events[j][0] <= nxt:
                    j += 1
                j = skip[j]
                continue
            if c in closers and (ch != '"' or not opens[j]):
                found = j
                break
            if ch == '"' and c == "\u201d":
                found = j  # "... him,” said Gorski: a straight mark closed by a curly one
                break
            if c == ch and ch != '"' or c in OPENERS and c != '"' and c not in closers:
                break  # a new quote opens before this one closed: this one is unbalanced
            j = skip[j + 1]
        if found < 0:
            k += 1
            continue
        quotes.append((i, events[found][0]))
        k = found + 1
    return quotes


def mask(text: str, quotes: Sequence[tuple[int, int]]) -> str:
    chars = list(text)
    for o, c in quotes:
        for k in range(o + 1, c):
            chars[k] = MASK
    return "".join(chars)
