"""Text written in capitals (``KONASHENKOV SAID THAT ...``) or in Title Case read as normal
case: the rules lean on capitals to find names, so such a text is read through a copy with
its case restored. The copy has the same length, so every offset holds.

Restoring needs to know which words are ordinary words: :data:`LOWERCASE`, the words news
writes in lower case (``lowercase.txt``, built from the PolNeAR training split by
``manage.py train_suggester``). Every other word keeps a capital, as a name would; a sentence
starts with one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

VOCABULARY_FILE = Path(__file__).resolve().parent / "lowercase.txt"
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*|[\"\u201c\u00ab]\s*)$")


def load_vocabulary(path: Path = VOCABULARY_FILE) -> frozenset[str]:
    if not path.is_file():
        return frozenset()
    return frozenset(w for w in path.read_text(encoding="utf-8").split() if w)


LOWERCASE = load_vocabulary()


def build_vocabulary(texts: Iterable[str], min_count: int = 3, share: float = 0.8) -> list[str]:
    """The words written in lower case in at least ``share`` of their ``min_count`` or more
    appearances in ``texts`` (not counting a sentence's first word), sorted."""
    lower: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for text in texts:
        for m in WORD.finditer(text):
            if SENTENCE_START.search(text, max(0, m.start() - 3), m.start()):
                continue
            word = m.group()
            key = word.lower()
            seen[key] += 1
            lower[key] += word == key
    return sorted(w for w, n in seen.items() if n >= min_count and lower[w] >= share * n)


def needs_restoring(text: str) -> bool:
    """Whether ``text`` is mostly capitals, or mostly words starting with one."""
    letters = sum(map(str.isalpha, text))
    if not letters:
        return False
    if sum(map(str.isupper, text)) > 0.5 * letters:
        return True
    words = WORD.findall(text)
    return len(words) >= 20 and sum(1 for w in words if w[0].isupper()) > 0.6 * len(words)


def restore_case(text: str, vocabulary: frozenset[str] = LOWERCASE) -> str:
    """``text`` with ordinary words in lower case and the others capitalised (same length)."""
    out = []
    last = 0
    for m in WORD.finditer(text):
        word = m.group()
        low = word.lower()
        if low == "i":
            new = "I"
        elif low in vocabulary and not SENTENCE_START.search(
            text, max(0, m.start() - 3), m.start()
        ):
            new = low
        else:
            new = word[0].upper() + word[1:].lower()
        if len(new) != len(word):
            new = word  # a letter whose case changes its length: leave the word be
        out.append(text[last : m.start()])
        out.append(new)
        last = m.end()
    out.append(text[last:])
    return "".join(out)
