"""Article text: the one normalisation applied at import, and the span rules.

Bodies are normalised once, when they enter Newsdesk, and never again: every offset stored
afterwards is a Python ``str`` index (a Unicode code point) into that exact string, with the
end exclusive. Browsers count in UTF-16 code units; the helpers at the bottom convert, so
that server code and tests can speak the browser's language when they need to.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

KEPT_CONTROLS = {"\n", "\t"}

# Quotation marks, the one table Newsdesk reads them from: opening mark -> the closing marks
# that may end it. Straight "...", curly “...”, low-high „...“ and „...”, guillemets «...» and
# »...« (Danish, Swedish), CJK 「...」 and 『...』, single ‘...’.
QUOTATION_MARKS = {
    '"': '"',
    "\u201c": "\u201d",  # “ ”
    "\u201e": "\u201c\u201d",  # „ “, „ ”
    "\u00ab": "\u00bb",  # « »
    "\u00bb": "\u00ab",  # » «
    "\u300c": "\u300d",  # 「 」
    "\u300e": "\u300f",  # 『 』
    "\u2018": "\u2019",  # ‘ ’
}
# Single marks double as apostrophes (don’t, the mayor’s): text read without an editor's eye
# (suggestions, imported annotations) trusts only the double marks.
SINGLE_MARKS = frozenset("\u2018\u2019")
DOUBLE_QUOTATION_MARKS = {
    opening: closing for opening, closing in QUOTATION_MARKS.items() if opening not in SINGLE_MARKS
}
# Every double mark, opening or closing.
DOUBLE_MARKS = frozenset("".join(o + c for o, c in DOUBLE_QUOTATION_MARKS.items()))

# Pronouns: a source that names no one. The subject pronouns are the ones a reader resolves
# to the person last named before them (the suggester's speakers).
SUBJECT_PRONOUNS = frozenset(["he", "she", "they", "we", "i", "it", "who"])
PRONOUNS = SUBJECT_PRONOUNS | frozenset(
    [
        "you",
        "him",
        "her",
        "them",
        "his",
        "hers",
        "their",
        "its",
        "which",
        "that",
        "this",
        "these",
        "those",
        "one",
        "someone",
        "whom",
    ]
)


def normalize(text: str) -> str:
    """Return ``text`` as Newsdesk stores it: NFC, ``\\n`` line ends, no control characters
    other than ``\\n`` and ``\\t``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return _NEEDS_CHANGE.sub("", text)  # the control characters (category Cc) not kept


# what normalize changes besides composing: line ends and control characters (category Cc
# is these code points, less the KEPT_CONTROLS)
_NEEDS_CHANGE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class RawOffsets:
    """The way back from offsets into a normalised text to offsets into the raw text it came
    from (a file as stored: ``\r\n`` line ends, decomposed accents, control characters).

    Built by :meth:`normalize`, which normalises a character (with the combining marks that
    follow it) at a time and records where each piece came from.
    """

    def __init__(
        self, raw_starts: list[int] | None, raw_ends: list[int] | None, raw_length: int
    ) -> None:
        # per normalised character: where its piece of ``raw`` starts and ends (None: the
        # text was normalised already, offsets are the same)
        self.raw_starts = raw_starts
        self.raw_ends = raw_ends
        self.raw_length = raw_length

    @classmethod
    def normalize(cls, raw: str) -> tuple[str, RawOffsets]:
        """``raw`` normalised (as :func:`normalize` does) and the map back to ``raw``."""
        if not _NEEDS_CHANGE.search(raw) and unicodedata.is_normalized("NFC", raw):
            return raw, cls(None, None, len(raw))
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        i, n = 0, len(raw)
        while i < n:
            j = i + 1
            if raw[i] == "\r" and j < n and raw[j] == "\n":
                j += 1
            while j < n and unicodedata.combining(raw[j]):
                j += 1  # a base character and its combining marks compose together
            piece = normalize(raw[i:j])
            pieces.append(piece)
            if len(piece) == j - i and piece == raw[i:j]:
                starts.extend(range(i, j))
                ends.extend(range(i + 1, j + 1))
            else:
                starts.extend([i] * len(piece))
                ends.extend([j] * len(piece))
            i = j
        return "".join(pieces), cls(starts, ends, n)

    def start(self, index: int) -> int:
        """The raw offset of a span starting at ``index`` of the normalised text."""
        if self.raw_starts is None:
            return index
        return self.raw_starts[index] if index < len(self.raw_starts) else self.raw_length

    def end(self, index: int) -> int:
        """The raw offset of a span ending (exclusive) at ``index`` of the normalised text."""
        if self.raw_ends is None:
            return index
        return self.raw_ends[index - 1] if index > 0 else 0

    def to_normalized(self, raw_index: int) -> int:
        """The normalised offset of the first character at or after ``raw_index``."""
        if self.raw_starts is None:
            return raw_index
        return bisect_left(self.raw_starts, raw_index)


def is_normalized(text: str) -> bool:
    return normalize(text) == text


def refuse_nul(value: str, field: str = "text") -> None:
    """Refuse a value holding NUL: it is never legitimate text and some databases truncate
    at it."""
    if "\x00" in value:
        raise ValidationError(
            f"The {field} contains a NUL character (\\x00); remove it and try again.",
            code="nul",
        )


def check_span(body: str, start: int, end: int, text: str | None = None, *, what: str = "span"):
    """Check that ``[start, end)`` is a non-empty span inside ``body`` and, when ``text`` is
    given, that it equals ``body[start:end]``. Raises ``ValidationError`` with a message that
    says which rule failed."""
    if not isinstance(start, int) or not isinstance(end, int):
        raise ValidationError(f"The {what} offsets must be whole numbers.", code="span_type")
    if start < 0:
        raise ValidationError(
            f"The {what} starts before the article ({start} < 0).", code="span_bounds"
        )
    if end > len(body):
        raise ValidationError(
            f"The {what} ends at {end}, past the end of the article ({len(body)} characters).",
            code="span_bounds",
        )
    if start >= end:
        raise ValidationError(
            f"The {what} must start before it ends (start {start}, end {end}).", code="span_order"
        )
    if text is not None and body[start:end] != text:
        raise ValidationError(
            f"The {what} text does not match the article at {start}-{end}: "
            f"the article has {body[start:end][:80]!r}, the request has {text[:80]!r}.",
            code="span_text",
        )


def trim_span(body: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so that it neither starts nor ends with whitespace."""
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def inside_quotation_marks(body: str, start: int, end: int) -> bool:
    """Whether the span sits directly between an opening and its closing quotation mark,
    allowing whitespace and closing punctuation in between."""
    before = body[:start].rstrip()
    after = body[end:].lstrip()
    if not before or not after:
        return False
    return after[0] in QUOTATION_MARKS.get(before[-1], "")


@lru_cache(maxsize=16)
def paragraph_starts(body: str) -> tuple[int, ...]:
    """Where each paragraph of ``body`` starts: at 0 and after each run of line breaks (the
    breaks end the paragraph before them). The page draws the body a paragraph at a time, so
    that a change redraws only the paragraphs it touches (and asks this more than once)."""
    return (0, *(m.end() for m in re.finditer(r"\n+", body) if m.end() < len(body)))


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 code unit offset of code point ``index`` in ``text`` (what a browser counts)."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def codepoint_offset(text: str, utf16_index: int) -> int:
    """The code point index for a UTF-16 code unit offset into ``text``."""
    units = 0
    for i, ch in enumerate(text):
        if units >= utf16_index:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def name_key(name: str) -> str:
    """The form in which two names count as one for uniqueness: NFKC, case folded, white
    space collapsed ("Elena  PETROVA" and "elena petrova" share one)."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


# Web addresses: an article's URL, an outlet's home page. ----------------------------------

_PCHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
# http or https, a host name with a top-level domain of letters, an optional port, then
# RFC 3986 characters only: no spaces, quotes, angle brackets or other characters that would
# need escaping in a page. The same expression, written to be read alike by Python and by
# JavaScript, is the ``pattern`` in the OpenAPI schema.
WEB_URL_PATTERN = (
    r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?\.){1,6}[A-Za-z]{2,24}\.?"
    r"(?::[1-9][0-9]{0,3})?"
    rf"(?:/{_PCHAR}*)*"
    rf"(?:\?(?:{_PCHAR}|[/?])*)?"
    rf"(?:#(?:{_PCHAR}|[/?])*)?$"
)


def web_url_validator() -> RegexValidator:
    """A validator for a web address as Newsdesk keeps it (see ``WEB_URL_PATTERN``)."""
    return RegexValidator(
        WEB_URL_PATTERN,
        "Enter a web address starting with http:// or https://, like "
        "https://example.com/news/story (spaces, quotes and angle brackets need "
        "percent-encoding: %%20, %%22, %%3C, %%3E).",
        code="invalid_url",
    )


def is_web_url(value: str) -> bool:
    """Whether ``value`` is a web address Newsdesk accepts."""
    return re.fullmatch(WEB_URL_PATTERN.rstrip("$"), value) is not None
