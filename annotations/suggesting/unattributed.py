"""Quotes no cue attributes: a second fragment of a statement, a speaker from the layout or
the quote's own clause, else a neighbouring statement's speaker."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from itertools import accumulate

from .article import MIN_UNATTRIBUTED_WORDS, ArticleText
from .clauses import (
    CLAUSE_BREAKS,
    main_verb,
    named_after_preposition,
    programme_title,
    reads_as_noun,
)
from .lexicon import CUE_FORMS, LABELLING, NOT_NAMES, PRONOUNS, RELATIVES, SPEECH, TITLES
from .marks import MASK, OPENERS
from .names import is_cap, looks_like_name
from .patterns import (
    ABBREV_ANY,
    AS_PUT_IT,
    AS_PUT_IT_AFTER,
    CAP_WORD,
    CLAUSE_END,
    DASH_NAME,
    LEAD_INTRO,
    LEAD_NAME_COLON,
    NAME_COLON,
    NAME_RUN,
    QUOTE_CLAUSE,
    ROLE_NAME_COLON,
    SUBJECT_NP,
    TIME_AFTER_CUE,
)
from .sentences import WORD, lead_space
from .spans import Mention, Reading, Span
from .speakers import np_left, np_right, owner


class Neighbours:
    """The attributed statements so far, sorted by where they start, for the nearest one
    before or after a position (a quote that no rule attributes borrows its speaker)."""

    def __init__(self, found: list[Reading]) -> None:
        self.keys: list[tuple[int, int]] = []  # (start, order of arrival), with a mention
        self.cued: list[tuple[int, int]] = []  # the same, with a cue as well
        self.items: list[Reading] = []
        self.key_of: dict[int, tuple[int, int]] = {}
        for f in found:
            self.add(f)

    def add(self, f: Reading) -> None:
        if f.mention is None:
            return
        key = (f.fragments[0].start, len(self.items))
        self.items.append(f)
        self.key_of[id(f)] = key
        insort(self.keys, key)
        if f.cue_span is not None:
            insort(self.cued, key)

    def moved(self, f: Reading) -> None:
        """``f`` gained a fragment before its first one."""
        old = self.key_of.get(id(f))
        if old is None or old[0] == f.fragments[0].start:
            return
        new = self.key_of[id(f)] = (f.fragments[0].start, old[1])
        for keys in (self.keys, self.cued) if f.cue_span is not None else (self.keys,):
            del keys[bisect_left(keys, old)]
            insort(keys, new)

    def last_before(self, keys: list[tuple[int, int]], lo: int, pos: int) -> Reading | None:
        """The statement starting last in ``[lo, pos)`` (the first to arrive of a tie)."""
        k = bisect_left(keys, (pos, -1)) - 1
        if k < 0 or keys[k][0] < lo:
            return None
        return self.items[keys[bisect_left(keys, (keys[k][0], -1))][1]]

    def first_after(self, pos: int, hi: int | None = None) -> Reading | None:
        """The statement starting first in ``(pos, hi]``."""
        k = bisect_right(self.keys, (pos, len(self.items)))
        if k >= len(self.keys) or hi is not None and self.keys[k][0] > hi:
            return None
        return self.items[self.keys[k][1]]


def attach_unattributed(doc: ArticleText, found: list[Reading]) -> list[Reading]:
    # what the rules cover, sorted by start, with the furthest end reached so far
    covered = sorted((f.start, f.end) for r in found for f in r.fragments)
    covered_starts = [s for s, _ in covered]
    reach = list(accumulate((e for _, e in covered), max))
    by_sentence: dict[int, list[Reading]] = {}
    for f in found:
        by_sentence.setdefault(f.sentence, []).append(f)
    sentence_of = {}
    for si, (lo, hi) in enumerate(doc.sentences):
        for o, _ in doc.quotes_in(lo, hi):
            sentence_of[o] = si
    neighbours = Neighbours(found)
    extra: list[Reading] = []

    def add(f: Reading, si: int) -> None:
        extra.append(f)
        neighbours.add(f)
        by_sentence.setdefault(si, []).append(f)

    for o, c in doc.quotes:
        span = Span(o + 1, c)
        k = bisect_right(covered_starts, span.start + 1)
        if k and reach[k - 1] + 1 >= span.end:
            continue  # inside a fragment the rules found
        if doc.words(span) < MIN_UNATTRIBUTED_WORDS:
            continue
        si = sentence_of.get(o, -1)
        if si < 0:
            continue
        lo, hi = doc.sentences[si]
        # the first quote of "“First,” he said, “second.”": same sentence
        same = [f for f in by_sentence.get(si, []) if f.kind == "direct"]
        if same:
            same[0].fragments.append(span)
            same[0].fragments.sort(key=lambda sp: sp.start)
            neighbours.moved(same[0])
            continue
        # "“First,” he said. “Second.”": the statement goes on
        prev = by_sentence.get(si - 1, [])
        alone = not doc.masked[lo:hi].replace(doc.masked[o : c + 1], "").strip(" .,")
        if (
            prev
            and prev[-1].kind == "direct"
            and doc.same_paragraph(doc.sentences[si - 1][1], lo)
            and alone
            and not prev[-1].nested
        ):
            prev[-1].fragments.append(span)
            by_sentence.setdefault(si, []).append(prev[-1])
            continue
        intro = introduced(doc, o, c)
        if intro is not None:
            add(Reading("direct", [span], intro[0], intro[1], intro[2], sentence=si), si)
            continue
        own = own_clause(doc, o, c, lo, hi)
        if own is not None and named_after_preposition(doc, span):
            continue  # "are participating in “Barack Obama Election Day,”": a name
        if own is not None:
            f = Reading("direct", [span], own[0], own[1], own[2], sentence=si)
            f.nested = True
            add(f, si)
            continue
        near = neighbour(doc, neighbours, o)
        if near is None or not doc.same_paragraph(near.fragments[0].start, o):
            subject = subject_before(doc, o, si)
            if subject is not None:
                add(Reading("direct", [span], subject, "", None, sentence=si), si)
                continue
        if near is None and title_like(doc, span):
            continue
        if near is None:
            near = far_neighbour(neighbours, o)
        f = Reading(
            "direct",
            [span],
            near.mention if near else None,
            near.cue if near else "",
            near.cue_span if near else None,
            sentence=si,
        )
        f.nested = True  # borrowed speaker: never the start of a split quote
        add(f, si)
    return found + extra


# A speaker found for a quote: who, the cue (may be ""), where the cue is (may be None).
Attribution = tuple[Mention, str, Span | None]


def introduced(doc: ArticleText, o: int, c: int) -> Attribution | None:
    """The speaker of a quote that no cue of its sentence attributes, from its layout: the
    first of :data:`LAYOUTS` that finds one."""
    for layout in LAYOUTS:
        found = layout(doc, o, c)
        if found is not None:
            return found
    return None


def text_before(doc: ArticleText, o: int) -> tuple[int, str]:
    """Where the quote's paragraph starts, and the (masked) text between there and the quote."""
    para_start = doc.work.rfind("\n", 0, o) + 1
    return para_start, doc.masked[para_start:o]


def as_put_it_after(doc: ArticleText, o: int, c: int) -> Attribution | None:
    """``“...,” as a Homeland Security memo put it.``"""
    asm = AS_PUT_IT_AFTER.match(doc.masked, c + 1)
    if asm is None:
        return None
    cue_span = Span(asm.start("cue"), asm.end("cue"))
    mention = Mention(Span(asm.start("np"), asm.end("np")), asm.group("np"))
    return mention, asm.group("cue"), cue_span


def name_colon(doc: ArticleText, o: int, c: int) -> Attribution | None:
    """``Philip Bump: “...”`` / ``HEADLINE - Frank Newport: “...”``"""
    para_start, before = text_before(doc, o)
    nm = NAME_COLON.search(before)
    if nm is None:
        nm = ROLE_NAME_COLON.match(before)
        if nm and not set(nm.group("role").lower().split()) <= TITLES | {"of", "the"}:
            nm = None
    if nm is None:
        nm = LEAD_NAME_COLON.search(before)  # "Here’s Clinton in December 1992:"
    if not nm or CLAUSE_END.search(ABBREV_ANY.sub("", before[: nm.start()])[-2:]):
        return None
    name = nm.group("name")
    if not looks_like_name(name):
        return None
    start = para_start + nm.start("name")
    return Mention(Span(start, start + len(name)), name), "", None


def clause_before_colon(doc: ArticleText, o: int, c: int) -> Attribution | None:
    """``Rubio fired back forcefully: “...”`` (the subject of the clause before a colon or a
    comma) / ``As The Post's Dana Milbank puts it, “...”``"""
    masked = doc.masked
    _, before = text_before(doc, o)
    if not before.rstrip().endswith((":", ",")):
        return None
    k = bisect_left(doc.sentence_ends, o)
    if k >= len(doc.sentences) or doc.sentences[k][0] >= o:
        return None
    lo = doc.sentences[k][0]
    asm = AS_PUT_IT.match(masked, lo, o)
    if asm and not masked[asm.end() : o].strip():
        cue_span = Span(asm.start("cue"), asm.end("cue"))
        mention = Mention(Span(asm.start("np"), asm.end("np")), asm.group("np"))
        return mention, asm.group("cue"), cue_span
    intro = LEAD_INTRO.match(masked, lo, o)
    mark = masked.rfind(":" if before.rstrip().endswith(":") else ",", lo, o)
    found = colon_speaker(doc, intro.end() if intro else lo, mark)
    if found is not None and found[0].text.lower() not in ("it", "this", "that"):
        return found
    return None


def paragraph_colon(doc: ArticleText, o: int, c: int) -> Attribution | None:
    """``Cruz continued:`` / ``Trump issued the following statement:`` ending the paragraph
    before one that opens with the quote."""
    para_start, before = text_before(doc, o)
    if before.strip():
        return None
    masked, work = doc.masked, doc.work
    prev_end = para_start - 1
    while prev_end > 0 and work[prev_end - 1].isspace():
        prev_end -= 1
    if prev_end <= 0 or masked[prev_end - 1] != ":":
        return None
    k = bisect_left(doc.sentence_ends, prev_end) if doc.sentences else 0
    if k >= len(doc.sentences):
        return None
    lo, hi = doc.sentences[k]
    if not lo < prev_end <= hi + 1:
        return None
    return clause_colon_speaker(doc, lo, prev_end - 1)


def dash_line(doc: ArticleText, o: int, c: int) -> Attribution | None:
    """``“...”`` followed by a paragraph ``- Sanders.`` / ``— Michelle Marks, Ohio.``, or by
    the dash and the name ending the quote's own paragraph (``“...” ― Jorge Falcon``)."""
    _, before = text_before(doc, o)
    # a later quote of a paragraph that opens with one: “...” And “...” ― Name
    later = before.strip()[:1] in OPENERS
    if before.strip() and not later:
        return None
    masked, work = doc.masked, doc.work
    nxt = work.find("\n", c)
    if nxt < 0:
        nxt = len(work)
    if later and not masked[c + 1 : nxt].strip(" .,"):
        return None
    if masked[c + 1 : nxt].strip(" .,"):
        # the dash on the quote's own line: the name must end the paragraph, right after
        # the quote or after the rest of what is quoted there (“...” And “...” ― Name)
        dm = DASH_NAME.match(work, c + 1)
        if not dm:
            dash = max(work.rfind(d, c + 1, nxt) for d in "\u2014\u2013\u2015")
            dm = DASH_NAME.match(work, dash) if dash > c and MASK in masked[c + 1 : dash] else None
        if not dm or work[dm.end("name") : nxt].strip(" .,\t"):
            return None
        if not looks_like_name(dm.group("name")):
            return None
        return Mention(Span(dm.start("name"), dm.end("name")), dm.group("name")), "", None
    dm = DASH_NAME.match(work, nxt)
    if not dm or not looks_like_name(dm.group("name")):
        return None
    name = dm.group("name")
    return Mention(Span(dm.start("name"), dm.end("name")), name), "", None


def bare_attribution(doc: ArticleText, o: int, c: int) -> Attribution | None:
    """``Lau said in a statement. “...”``: the sentence right before the quote (in its
    paragraph or closing the one before) is a speech cue with only circumstances after
    it; its subject is the speaker."""
    k = bisect_left(doc.sentence_ends, o)
    if k == 0:
        return None
    lo, hi = doc.sentences[k - 1]
    masked = doc.masked
    if masked[hi:o].strip() or masked[hi:o].count("\n") > 2:
        return None
    body = masked[lo:hi].rstrip()
    if not body.endswith(".") or MASK in body:
        return None
    for cue_start, cue_end, low in reversed(doc.cues_in(lo, hi)):
        if low not in SPEECH:
            continue
        if reads_as_noun(doc, lo, cue_start, low, CUE_FORMS.get(low, "")):
            return None  # "... of a congressional report.": no cue
        tail = masked[cue_end : lo + len(body) - 1]
        if tail.strip() and not TIME_AFTER_CUE.fullmatch(tail):
            return None
        intro = LEAD_INTRO.match(masked, lo, cue_start)
        mention = np_left(masked, intro.end() if intro else lo, cue_start)
        if mention is None or mention.text.lower() in ("it", "this", "that"):
            return None
        return mention, masked[cue_start:cue_end], Span(cue_start, cue_end)
    return None


# Where the layout names a quote's speaker, in the order they are tried.
LAYOUTS = [
    as_put_it_after,
    name_colon,
    clause_before_colon,
    bare_attribution,
    paragraph_colon,
    dash_line,
]


def own_clause(
    doc: ArticleText, o: int, c: int, lo: int, hi: int
) -> tuple[Mention, str, Span | None] | None:
    """The speaker of a quote from its own sentence when no cue attributes it.

    ``Moore thanked him for “...”`` / ``Pence, who ..., praised Cruz for “...”``: the
    subject of the clause that holds the quote (any verb); ``“...,” Toomey fumed.`` /
    ``“...,” opined the Plain Dealer.``: a short clause after a quote that ends with a
    comma, question or exclamation mark.
    """
    masked = doc.masked
    if masked[lo:o].strip(" ,\u2014\u2013-"):
        # the clause nearest the quote first ("..., and the crowd chanted “...”")
        intro = LEAD_INTRO.match(masked, lo, o)
        starts = [m.end() for m in QUOTE_CLAUSE.finditer(masked, lo, o)][::-1]
        starts.append(intro.end() if intro else lo)
        for start in starts:
            verb = main_verb(doc, start, o)
            if verb is None:
                continue
            mention = np_left(masked, start, verb[0])
            if mention is None or mention.text.lower() in ("it", "this", "that", "there"):
                continue
            return owner(mention), masked[verb[0] : verb[1]], Span(verb[0], verb[1])
        return None
    inner = doc.work[o + 1 : c].rstrip().rstrip("\u2019'")
    tail = masked[c + 1 : hi]
    if not (inner.endswith((",", "?", "!", "\u2014")) or tail.lstrip().startswith(",")):
        return None
    tail = tail.rstrip(" .!?")
    words = tail.split()
    if not words or len(words) > 12 or MASK in tail:
        return None
    start = c + 1 + (len(tail) - len(tail.lstrip(" ,")))
    first = WORD.match(masked, start)
    if first and first.group().islower() and first.group().endswith("ed"):
        mention = np_right(masked, first.end(), hi)  # "opined Cleveland's Plain Dealer"
        if mention is not None:
            return mention, first.group(), Span(first.start(), first.end())
        return None
    verb = main_verb(doc, start, c + 1 + len(tail) + 1)
    mention = np_left(masked, start, verb[0]) if verb is not None else None
    if mention is not None:
        return mention, masked[verb[0] : verb[1]], Span(verb[0], verb[1])
    # "“...,” Trump shot back.": a name, then a few words of an unknown verb
    end = c + 1 + len(tail)
    first = NAME_RUN.match(masked, start)
    rest = masked[first.end() : end].split() if first else []
    if first is None or not looks_like_name(first.group()) or not 1 <= len(rest) <= 2:
        return None
    if not all(w.isalpha() and w.islower() for w in rest):
        return None
    return Mention(Span(first.start(), first.end()), first.group()), "", None


def clause_colon_speaker(
    doc: ArticleText, lo: int, hi: int
) -> tuple[Mention, str, Span | None] | None:
    """:func:`colon_speaker` of the clause holding the colon first (``When Wallace died,
    President Clinton released the following statement:``, ``... — Cruz called them on
    it:``), else of the sentence."""
    comma = max(doc.masked.rfind(mark, lo, hi) for mark in CLAUSE_BREAKS)
    if comma > lo and len(doc.masked[comma + 1 : hi].split()) >= 3:
        found = colon_speaker(doc, comma + 1 + lead_space(doc.masked, comma + 1, hi), hi)
        if found is not None and found[0].text.lower() not in PRONOUNS | {"it", "this"}:
            return found
    return colon_speaker(doc, lo, hi)


def colon_speaker(doc: ArticleText, lo: int, hi: int) -> tuple[Mention, str, Span | None] | None:
    """The speaker of "X said:", "Continued Stone:", "X released this statement:"."""
    masked = doc.masked
    cues = [cu for cu in doc.cues_in(lo, hi) if CUE_FORMS.get(cu[2]) in SPEECH]
    for cs, ce, _low in reversed(cues):
        mention = np_left(masked, lo, cs)
        who = masked.rfind(" who ", lo, cs)
        if mention is None and who > lo:
            # "a White House official who spoke anonymously to discuss it said"
            mention = np_left(masked, lo, who)
        if mention is None:
            mention = np_right(masked, ce, hi)
            if mention is not None and TIME_AFTER_CUE.fullmatch(mention.text):
                mention = None  # "said Wednesday, “...”": no speaker
        if mention is not None:
            return mention, masked[cs:ce], Span(cs, ce)
    m = SUBJECT_NP.match(masked, lo, hi)
    if m is None or m.group(1).split()[0].lower() in RELATIVES:
        return None  # "..., which hits liberals where they live:": no subject of its own
    verb = re.match(r"\s*(?:\w+ly\s+)?(\w+)", masked[m.end(1) : hi])
    cue_span = Span(m.end(1) + verb.start(1), m.end(1) + verb.end(1)) if verb else None
    cue = masked[cue_span.start : cue_span.end] if cue_span else ""
    return Mention(Span(m.start(1), m.end(1)), m.group(1)), cue, cue_span


def neighbour(doc: ArticleText, neighbours: Neighbours, pos: int) -> Reading | None:
    """The attributed quote nearest before ``pos`` in its paragraph or the one before, else
    the first after it in its paragraph."""
    para_start = doc.work.rfind("\n", 0, pos)
    prev_para = doc.work.rfind("\n", 0, max(0, para_start - 1))
    nxt_nl = doc.work.find("\n", pos)
    para_end = nxt_nl if nxt_nl >= 0 else len(doc.work)
    best = neighbours.last_before(neighbours.cued, prev_para, pos)
    if best is not None:
        return best
    return neighbours.first_after(pos, para_end)


# "On “Face the Nation,” Sen. Bernie Sanders ...": a programme's title as the intro
SHOW_INTRO = re.compile(
    rf"\s*(?:In|On|At|During)\s+(?:[^,\ue000]{{0,40}}\s)?[{''.join(sorted(OPENERS))}]{MASK}+"
    r"[\"\u201d],?\s+"
)

# a sentence's subject that is a name, with a party tag: "Sen. Bernie Sanders (Vt.), who"
NAMED_SUBJECT = re.compile(
    rf"(?P<name>{CAP_WORD}(?:\s+{CAP_WORD}){{1,4}})(?:\s+\([^)\ue000]{{1,15}}\))?"
    r"(?=,|\s+[a-z][\w-]*\s+(?![A-Z]))"
)


def subject_before(doc: ArticleText, o: int, si: int) -> Mention | None:
    """``Sen. Bernie Sanders, who lost the primaries, identified ... “...”``: a quote that
    opens its sentence, after a sentence of its paragraph whose subject is a named person,
    is that person's (before borrowing a speaker from another paragraph)."""
    lo, _ = doc.sentences[si]
    if si == 0 or doc.masked[lo:o].strip() or not doc.same_paragraph(doc.sentences[si - 1][0], o):
        return None
    plo, phi = doc.sentences[si - 1]
    intro = LEAD_INTRO.match(doc.masked, plo, phi) or SHOW_INTRO.match(doc.masked, plo, phi)
    m = NAMED_SUBJECT.match(doc.masked, intro.end() if intro else plo, phi)
    if m is None or MASK in m.group("name") or not looks_like_name(m.group("name")):
        return None
    tokens = m.group("name").split()
    if len(tokens) < 2 or tokens[0].lower() in NOT_NAMES or tokens[-1].lower() in NOT_NAMES:
        return None
    return Mention(Span(m.start("name"), m.end("name")), m.group("name"))


def far_neighbour(neighbours: Neighbours, pos: int) -> Reading | None:
    """The attributed statement nearest before ``pos`` anywhere, else the first after."""
    before = neighbours.last_before(neighbours.keys, -1, pos)
    if before is not None:
        return before
    return neighbours.first_after(pos)


def label(doc: ArticleText, span: Span, cue: str) -> bool:
    """A quote that names rather than states: a programme's title (:func:`programme_title`),
    or one of under four words that is a title (``the show “The Apprentice,”``) or what
    something is called (``calling it “absurd.”``)."""
    if programme_title(doc, span):
        return True  # "on CNN’s “State of the Union,”": a name, however long
    if doc.words(span) >= MIN_UNATTRIBUTED_WORDS:
        return False
    return (cue.lower().split() or [""])[0] in LABELLING or title_like(doc, span)


def title_like(doc: ArticleText, span: Span) -> bool:
    words = doc.work[span.start : span.end].split()
    caps = sum(1 for w in words if is_cap(w))
    return caps >= 0.6 * len(words)
