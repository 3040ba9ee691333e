"""Boilerplate found rather than only marked: paragraphs a publisher repeats word for word
across its articles (an appeal for donations, a newsletter box) are proposed as ranges that
are not the story, for an editor to confirm.

Pure Python, no models: :mod:`annotations.models` asks it with the bodies of the
publisher's other articles.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

#: a paragraph is boilerplate when this many articles of one publisher hold it (this one too)
MIN_ARTICLES = 3
#: and a range proposed holds at least this many characters of such paragraphs
MIN_CHARS = 80

PARAGRAPH = re.compile(r"[^\n]+")


def paragraph_key(text: str) -> str:
    """What two paragraphs must share to count as the same: their words, in order."""
    return hashlib.blake2b(" ".join(text.split()).encode("utf-8"), digest_size=16).hexdigest()


def paragraphs(body: str) -> list[tuple[int, int, str]]:
    """The non-blank paragraphs of ``body`` (lines) as (start, end, key), blanks trimmed."""
    out = []
    for m in PARAGRAPH.finditer(body):
        text = m.group()
        if not text.strip():
            continue
        start = m.start() + len(text) - len(text.lstrip())
        end = m.end() - (len(text) - len(text.rstrip()))
        out.append((start, end, paragraph_key(text)))
    return out


def recurring_keys(body: str, others: Iterable[str], min_articles: int = MIN_ARTICLES) -> set[str]:
    """The keys of the paragraphs of ``body`` that ``min_articles`` articles hold, counting
    ``body`` and the ``others`` (the same publisher's other articles)."""
    wanted = {key for _, _, key in paragraphs(body)}
    holders: dict[str, int] = dict.fromkeys(wanted, 1)
    for other in others:
        for key in {key for _, _, key in paragraphs(other)} & wanted:
            holders[key] += 1
    return {key for key, n in holders.items() if n >= min_articles}


def ranges_of(body: str, keys: set[str], min_chars: int = MIN_CHARS) -> list[tuple[int, int]]:
    """Ranges of ``body`` made of paragraphs whose keys are in ``keys``: neighbouring ones make
    one range, kept when it holds ``min_chars`` characters or more."""
    ranges: list[list[int]] = []
    last = -2  # index of the paragraph that ended the last range
    for n, (start, end, key) in enumerate(paragraphs(body)):
        if key not in keys:
            continue
        if ranges and last == n - 1:
            ranges[-1][1] = end
        else:
            ranges.append([start, end])
        last = n
    return [(s, e) for s, e in ranges if e - s >= min_chars]


def recurring_ranges(
    body: str,
    others: Iterable[str],
    min_articles: int = MIN_ARTICLES,
    min_chars: int = MIN_CHARS,
) -> list[tuple[int, int]]:
    """Ranges of ``body`` made of paragraphs that recur word for word in the ``others`` (the
    same publisher's other articles) so that ``min_articles`` articles hold them; neighbouring
    such paragraphs make one range, kept when it holds ``min_chars`` characters or more."""
    return ranges_of(body, recurring_keys(body, others, min_articles), min_chars)
