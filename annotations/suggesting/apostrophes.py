"""Quotes written with two apostrophes (``''We won,'' he said.``), the style of some
newspapers. The marks are ordinary text (the reference corpus reads such a quote as reported
speech), so the statement is an indirect one: the words from the opening marks to the
closing ones, with the part that goes on after the attribution (``''We won,'' he said.
''We will win again.''``) as a second fragment."""

from __future__ import annotations

import re

from .article import ArticleText
from .clauses import ends_clause, make
from .lexicon import CUE_FORMS, SPEECH
from .patterns import ABBREV_ANY, CLAUSE_END
from .spans import Reading, Span
from .speakers import np_left, np_right

# two apostrophes that open a quote: at the start of a range or after a space
OPENING = re.compile(r"(?:^|(?<=[\s(\u2014]))(?:''|\u2019\u2019|\u2018\u2018)(?=\w)")
# a quote's closing marks after the comma, question or exclamation mark that ends it
CLOSING = re.compile(r"[,?!\u2014-]\s?(?:''|\u2019\u2019)(?=\s|$)")
# closing marks of any kind: after a word, a comma or a full stop
CLOSE_ANY = re.compile(r"(?:''|\u2019\u2019)(?!\w)")
# what may follow an attribution before the quote goes on: ", ''..." in the same sentence
GOES_ON = re.compile(r"\s*,\s*(?:''|\u2019\u2019)")
# a whole sentence of the quote going on, ending with its closing marks
ENDS_QUOTE = re.compile(r"(?:''|\u2019\u2019)\s*$")


def apostrophe_quote(doc: ArticleText, lo: int, hi: int, cue_span: Span, si: int) -> Reading | None:
    """``''We won,'' Mr. Smith, the mayor, said in his office. ''We will win again.''``:
    the speaker is the phrase between the closing marks and the cue, or right after the
    cue; anything may follow the attribution."""
    masked = doc.masked
    if (
        masked.find("''", lo, cue_span.start) < 0
        and masked.find("\u2019\u2019", lo, cue_span.start) < 0
    ):
        return None
    left = masked[lo : cue_span.start]
    closes = list(CLOSING.finditer(left))
    if not closes:
        return None
    close = closes[-1]
    opening = OPENING.search(left, 0, close.start())
    start = lo + opening.start() if opening else quote_start(doc, si, lo)
    if start < 0:
        return None
    if opening is not None and left[: opening.start()].strip():
        # "At private courses, members will pay more ''because ...,'' he said": the words
        # before the quote belong to the statement, unless a cue of their own attributes them
        if any(CUE_FORMS.get(c[2]) in SPEECH for c in doc.cues_in(lo, start)):
            return None
        start = lo
    zone = left[close.end() :]
    if len(zone.split()) > 12 or CLAUSE_END.search(ABBREV_ANY.sub("", zone)):
        return None
    # the quote itself holds no second attribution: "''A,'' he said, ''B,'' she said"
    if len(closes) > 1 and OPENING.search(left, closes[0].end(), close.start()) is None:
        return None
    end = lo + close.end()
    if zone.strip(" ,"):
        mention = np_left(masked, lo + close.end(), cue_span.start)
    else:
        mention = np_right(masked, cue_span.end, hi)
        if mention is not None and not ends_clause(doc, mention, hi):
            mention = None
    if mention is None:
        return None
    f = make(doc, si, start, end, mention, masked[cue_span.start : cue_span.end], cue_span)
    if f is None or f.kind != "indirect":
        return None
    f.fragments += going_on(doc, si, max(cue_span.end, mention.span.end), hi)
    return f


def quote_start(doc: ArticleText, si: int, lo: int) -> int:
    """Where a quote that closes in sentence ``si`` opened, when it opened in an earlier
    sentence of the paragraph (``''Did I enjoy it? No, not at all,'' she said.``), else -1."""
    masked = doc.masked
    for k in range(si - 1, max(-1, si - 6), -1):
        klo, khi = doc.sentences[k]
        if not doc.same_paragraph(klo, lo) or CLOSING.search(masked, klo, khi):
            return -1
        if OPENING.match(masked, klo):
            return klo
    return -1


def going_on(doc: ArticleText, si: int, pos: int, hi: int) -> list[Span]:
    """Where the quote goes on after its attribution: in the same sentence after a comma, or
    in the sentences of the same paragraph that follow, up to its closing marks."""
    masked = doc.masked
    rest = masked[pos:hi]
    tail = re.search(r",\s*(?:''|\u2019\u2019)", rest)
    if tail is not None and not rest[: tail.start()].count(","):
        s, e = doc.trim(pos + tail.start() + 1, hi)
        return [Span(s, e)] if e > s else []
    if si + 1 >= len(doc.sentences):
        return []
    nlo, _nhi = doc.sentences[si + 1]
    if not doc.same_paragraph(hi, nlo) or not OPENING.match(masked, nlo):
        return []
    # the quote runs over the following sentences of the paragraph to its closing marks
    for k in range(si + 1, min(len(doc.sentences), si + 8)):
        klo, khi = doc.sentences[k]
        if not doc.same_paragraph(nlo, klo):
            return []
        body = masked[klo:khi]
        if k > si + 1 and OPENING.match(body):
            return []  # a new quote opens: the first never closed
        if ENDS_QUOTE.search(body):
            s, e = doc.trim(nlo, khi)
            return [Span(s, e)]
    return []


def inside_quote(doc: ArticleText, lo: int, hi: int, pos: int) -> bool:
    """Whether ``pos`` lies inside a quote in two apostrophes that opens and closes within
    ``masked[lo:hi]`` and is not the whole range (``''As she said, we won,'' Mr. Merrill
    said``: the first "said" is part of the quote)."""
    masked = doc.masked
    for opening in OPENING.finditer(masked, lo, pos):
        close = CLOSING.search(masked, opening.end(), hi)
        if close is None or close.end() > hi or close.start() < pos:
            continue
        if opening.start() == lo and not masked[close.end() : hi].strip(" .,;"):
            continue  # the range is the quote itself: a statement nested in it
        return True
    return False


def in_open_quote(doc: ArticleText, lo: int, pos: int) -> bool:
    """Whether ``pos`` follows the opening marks of a quote in two apostrophes in
    ``masked[lo:pos]`` that have not closed yet (``''That doesn't seem right.''``: the quote
    is someone's statement, its cues part of it)."""
    masked = doc.masked
    last = None
    for last in OPENING.finditer(masked, lo, pos):  # noqa: B007 - the last one is wanted
        pass
    return last is not None and CLOSE_ANY.search(masked, last.end(), pos) is None
