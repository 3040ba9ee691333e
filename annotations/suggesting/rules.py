from __future__ import annotations

import re

from .article import Article
from .clauses import (
    after_possessive,
    coordinated_subject,
    has_attribution,
    main_verb,
    make,
    reporter_before,
    subordinate_end,
    trailing,
    trailing_reporter,
    verb_after_subject,
    via_after,
)
from .lexicon import (
    AMBIGUOUS,
    CUE_FORMS,
    IMPRESSION,
    INTENT,
    NEEDS_THAT,
    NOT_CONTENT,
    NOT_LEADS,
    PARTICLES,
    PASSIVE,
    QUESTION_WORDS,
    SPEECH,
    STANCE,
    TAKES_OBJECT,
    TAKES_PREPOSITION,
    VERBISH,
    WHAT_WORDS,
)
from .marks import MASK, OPENERS
from .names import is_cap
from .patterns import (
    ADDRESSEE,
    ASKED,
    CLAUSE_CLOSE,
    CLAUSE_OPEN,
    COLON_LEAD,
    DOCUMENT_BEFORE,
    INTRO,
    LATER_INTRO,
    LEAD_INTRO,
    OBJECT_END,
    PLACE_INTRO,
    SECOND_PREDICATE,
    SUBJECT_NP,
    SUBORDINATE,
    THAT,
    TIME_AFTER_CUE,
    TOPIC_CUE,
    TRAILING_CUT,
)
from .spans import Mention, Reading, Span
from .speakers import np_left, np_right


def analyse(doc: Article, si: int, lo: int, hi: int, nested: bool = False) -> list[Reading]:
    masked = doc.masked
    found: list[Reading] = []
    intro = PLACE_INTRO.match(masked, lo, hi)
    for cue_start, cue_end, low in doc.cues_in(lo, hi):
        if low == "according to":
            f = according(doc, cue_start, cue_end, lo, hi, si)
            if f:
                found.append(f)
            continue
        if low in IMPRESSION:
            f = impression(doc, si, lo, hi, cue_start, cue_end, low)
            if f:
                f.nested = nested
                found.append(f)
            if f or low not in CUE_FORMS:
                continue
        lemma = CUE_FORMS[low]
        if low in AMBIGUOUS and not verb_after_subject(doc, lo, cue_start):
            continue
        prev = masked[lo:cue_start].split()[-1:]
        verb = CUE_FORMS.get(prev[0].lower(), "") if prev else ""
        if verb in PARTICLES and re.fullmatch(PARTICLES[verb], low):
            continue  # the "back" of "shot back"
        if (
            intro
            and cue_end < intro.end()
            and not re.match(r"\s+that\b", masked[cue_end : cue_end + 6])
        ):
            continue  # "In a Facebook message posted Friday, Cruz said"
        if (low == lemma or low.endswith("s")) and after_possessive(doc, lo, cue_start):
            continue  # "the president’s claims", "his plans": nouns
        particle = PARTICLES.get(lemma)
        if particle:
            pm = re.match(rf"\s+{particle}\b", masked[cue_end:hi])
            if not pm:
                continue
            cue_end += pm.end()
        cue_span = Span(cue_start, cue_end)
        f = with_cue(doc, si, lo, hi, cue_span, lemma, low)
        if f:
            f.nested = nested
            found.append(f)
    return found


def topics(doc: Article, si: int, lo: int, hi: int) -> list[Reading]:
    """ "talked about X", "called for X", "was critical of X": the object is the content.

    The speaker is the subject before the cue when there is one.
    """
    masked = doc.masked
    out = []
    for m in ASKED.finditer(masked, lo, hi):
        # "Asked whether he would run, Smith said ...": the question is the content
        start = m.start("q") if m.group("q") else m.start("w")
        comma = masked.find(",", start, hi)
        s, e = doc.trim(start, comma if comma >= 0 else hi)
        if len(masked[s:e].split()) >= 2 and MASK not in masked[s:e]:
            cue_span = Span(m.start(), m.start() + 5)
            out.append(Reading("indirect", [Span(s, e)], None, "asked", cue_span, sentence=si))
    for m in TOPIC_CUE.finditer(masked, lo, hi):
        start = m.end()
        if m.group().endswith("that"):
            # "his claim that the election is rigged": the clause is the content
            clause = CLAUSE_CLOSE.search(masked, start, hi)
            end = clause.start() if clause else hi
        else:
            obj = OBJECT_END.search(masked, start + 1, hi)
            end = obj.start() if obj else hi
        s, e = doc.trim(start, end)
        words = masked[s:e].split()
        if not words or words[0].lower() in NOT_CONTENT or MASK in masked[s:e]:
            continue
        if len(words) > 25:
            continue
        cue_span = Span(m.start(), m.end())
        mention = np_left(masked, lo, m.start()) if m.start() > lo else None
        cue = " ".join(masked[m.start() : m.end()].split())
        out.append(Reading("indirect", [Span(s, e)], mention, cue, cue_span, sentence=si))
    return out


def colon_lead(doc: Article, si: int, lo: int, hi: int) -> Reading | None:
    """ "Ryan: Anti-Semitic images have no place in a campaign." (a headline's source)."""
    masked = doc.masked
    if lo > 0 and doc.work[lo - 1] != "\n":
        return None
    m = COLON_LEAD.match(masked, lo, hi)
    if m is None or m.group("who").split()[0].lower() in NOT_LEADS:
        return None
    s, e = doc.trim(m.end(), hi)
    if len(masked[s:e].split()) < 4 or MASK in masked[s:e]:
        return None
    mention = Mention(Span(m.start("who"), m.end("who")), m.group("who"))
    colon = Span(m.end("who"), m.end("who") + 1)
    return Reading("indirect", [Span(s, e)], mention, ":", colon, sentence=si)


def impression(
    doc: Article, si: int, lo: int, hi: int, cue_start: int, cue_end: int, low: str
) -> Reading | None:
    """ "The race appears closer in Ohio": an impression with no source of its own.

    The content is the whole clause around the cue; there is no speaker.
    """
    masked = doc.masked
    passive = re.search(r"\b(?:is|are|was|were)\s+$", masked[lo:cue_start])
    if low.startswith("expect") and not passive:
        return None
    start = lo
    for m in CLAUSE_OPEN.finditer(masked, lo, cue_start):
        start = m.end()
    end_m = CLAUSE_CLOSE.search(masked, cue_end, hi)
    end = end_m.start() if end_m else hi
    s, e = doc.trim(start, end)
    if len(masked[s:cue_start].split()) < 1 or len(masked[s:e].split()) < 4:
        return None
    if MASK in masked[s:e]:
        return None
    cue_span = Span(cue_start, cue_end)
    cue = masked[cue_start:cue_end]
    return Reading("indirect", [Span(s, e)], None, cue, cue_span, sentence=si)


def according(
    doc: Article, cue_start: int, cue_end: int, lo: int, hi: int, si: int
) -> Reading | None:
    masked = doc.masked
    cue_span = Span(cue_start, cue_end)
    src = np_right(masked, cue_end, hi, lenient=True)
    if src is None:
        return None
    before = masked[lo:cue_start]
    if before.strip(" ,") == "" or before.strip().lower() in {"but", "and"}:
        # "According to X, content."
        comma = masked.find(",", src.span.end, hi)
        if comma < 0:
            return None
        s, e = doc.trim(comma + 1, hi)
    else:
        s, e = doc.trim(lo, cue_start)
    if e - s < 8:
        return None
    return make(doc, si, s, e, src, "according to", cue_span)


def with_cue(
    doc: Article, si: int, lo: int, hi: int, cue_span: Span, lemma: str, form: str
) -> Reading | None:
    masked = doc.masked
    left = masked[lo : cue_span.start]
    if form.endswith("ing") and lemma not in {"think"}:
        found = participle(doc, si, lo, hi, cue_span, lemma)
        if found is not None or lemma in SPEECH or lemma not in STANCE:
            return found
        # "the super PAC supporting Jeb Bush": a stance with its object, read on
    prev_word = left.split()[-1].lower() if left.split() else ""
    if prev_word in PASSIVE and form.endswith(("ed", "told", "said", "wrote", "written")):
        by = re.match(r"\s+by\s+", masked[cue_span.end : hi])
        if by is None or lemma not in SPEECH:
            return None
        # "Sanders was asked by host Bill Maher, “...”": the quote is Maher's
        return speaker_then_quote(doc, si, hi, cue_span, cue_span.end + by.end())
    if (
        prev_word in {"to", "the", "a", "an", "who's"}
        and not form.endswith("ed")
        and (prev_word != "to" or lemma not in SPEECH)
    ):
        return None

    # 1. trailing attribution: "“...,” SPEAKER said" / "..., said SPEAKER."
    mention, content_start, content_end = trailing(doc, lo, hi, cue_span)
    if mention is not None:
        if lemma == "report" and has_attribution(doc, content_start, content_end):
            return None  # "..., Konashenkov said, RIA Novosti reported": a relay
        s, e = doc.trim(content_start, content_end)
        if s < e:
            f = make(doc, si, s, e, mention, masked[cue_span.start : cue_span.end], cue_span)
            if f:
                tail_end = max(mention.span.end, cue_span.end)
                f.via = via_after(doc, tail_end, hi, f)
            return f
        return None
    if not left.strip():
        # "Said Comey, “...”": the speaker follows the cue, the quote follows both
        return speaker_then_quote(doc, si, hi, cue_span, cue_span.end)
    # 2. leading attribution: "SPEAKER said (that) content"
    mention = np_left(masked, lo, cue_span.start)
    if mention is None:
        mention = coordinated_subject(doc, lo, cue_span.start)
    if mention is None or mention.text.split()[0].lower() in WHAT_WORDS:
        return None  # "Nothing the president said “...”": what was said, not a speaker
    start = cue_span.end
    mid = parenthetical(doc, lo, hi, cue_span, mention)
    if mid is not None:
        return mid
    tm = TIME_AFTER_CUE.match(masked, start, hi)
    if tm and tm.end() > start:
        start = tm.end()
    if lemma in SPEECH:
        # "wrote to his 20,000 Twitter followers, “...”": the addressee is no content
        rm = ADDRESSEE.match(masked, start, hi)
        if rm:
            start = rm.end()
    if lemma in TAKES_OBJECT:
        om = re.match(
            r"\s*(?:[\w\u2019'.&-]+\s+){0,6}?(?=that\b)|\s*(?:me|us|him|her|them|you|"
            r"reporters|supporters|voters|the\s+crowd|an?\s+audience|(?:the\s+)?"
            r"(?:[A-Z][\w.&'\u2019-]*\s*)+)(?=[\s,:])",
            masked[start:hi],
        )
        if om:
            start += om.end()
            tm = TIME_AFTER_CUE.match(masked, start, hi)
            if tm and tm.end() > start:
                start = tm.end()
    that = THAT.match(masked, start, hi)
    has_that = bool(that and that.end() > start)
    if has_that:
        following = masked[that.end() : hi].split()[:1]
        if following and following[0].lower() in NOT_CONTENT:
            has_that = False  # "said that was ...": "that" is the subject
        else:
            start = that.end()
    if (
        lemma in NEEDS_THAT
        and not has_that
        and not masked[start:hi].lstrip(" ,").startswith(tuple(OPENERS))
    ):
        return None
    preps = ("to ", "for ", "with ", "by ", "of ")
    if lemma not in SPEECH:
        preps += ("about ", "on ", "in ", "at ")
    infinitive = masked[start:hi].lstrip().lower().startswith("to ") and lemma in INTENT
    if (
        masked[start:hi].lstrip().lower().startswith(preps)
        and lemma not in TAKES_PREPOSITION
        and not infinitive
    ):
        return None
    if masked[start:hi].split()[:1] and masked[start:hi].split()[0].lower() in NOT_CONTENT:
        return None
    end = hi
    if infinitive:
        # "wants to build a wall": the content runs to the end of the clause
        clause = CLAUSE_CLOSE.search(masked, start, hi) or re.compile(",").search(masked, start, hi)
        if clause:
            end = clause.start()
    elif lemma in STANCE and lemma not in SPEECH and not has_that:
        obj = OBJECT_END.search(masked, start + 1, hi)
        if obj:
            end = obj.start()
    cut = TRAILING_CUT.search(masked, start, hi)
    via: list[str] = []
    if cut:
        via = via_after(doc, cut.start(), hi, None)
        end = cut.start()
    vm = trailing_reporter(doc, start, end)
    if vm is not None:
        via = [vm[1]]
        end = vm[0]
    coord = SECOND_PREDICATE.search(masked, start, end)
    if coord is not None:
        end = coord.start()  # "said X, and added ...": a second statement
    if SUBORDINATE.match(masked, lo, cue_span.start):
        end = subordinate_end(doc, start, end)
    s, e = doc.trim(start, end)
    if e - s < 2:
        return None
    f = make(doc, si, s, e, mention, masked[cue_span.start : cue_span.end], cue_span)
    if f is not None:
        f.via = via
    return f


def speaker_then_quote(
    doc: Article, si: int, hi: int, cue_span: Span, start: int
) -> Reading | None:
    """The speaker right after the cue (from ``start``), then the quote: ``Said Comey,
    “...”``, ``was asked by host Bill Maher, “...”``."""
    masked = doc.masked
    mention = np_right(masked, start, hi)
    if mention is None or mention.text.split()[0].lower() in QUESTION_WORDS:
        return None  # "Asked why ..., Earnest responded, “...”": a question
    qs = doc.quotes_in(mention.span.end, hi)
    if not qs or any(
        CUE_FORMS.get(c[2]) in SPEECH for c in doc.cues_in(mention.span.end, qs[0][0])
    ):
        return None  # "Asked Tuesday about it, Feinstein said, “...”": Feinstein's
    s, e = doc.trim(qs[0][0], hi)
    return make(doc, si, s, e, mention, masked[cue_span.start : cue_span.end], cue_span)


def parenthetical(
    doc: Article, lo: int, hi: int, cue_span: Span, mention: Mention
) -> Reading | None:
    """ "In the end, Smith said, voters ..." : the content is both sides of the remark."""
    masked = doc.masked
    left_comma = masked.rfind(",", lo, mention.span.start)
    if left_comma < 0 or masked[left_comma + 1 : mention.span.start].strip():
        return None
    after = TIME_AFTER_CUE.match(masked, cue_span.end, hi)
    pos = after.end() if after and after.end() > cue_span.end else cue_span.end
    if not masked[pos:hi].lstrip().startswith(","):
        return None
    right_start = masked.index(",", pos) + 1
    if MASK in masked[right_start:hi]:
        return None  # "After ..., Hillary shot back, “...”": the quote is the content
    frags = []
    for s, e in ((lo, left_comma), (right_start, hi)):
        s, e = doc.trim(s, e)
        if len(masked[s:e].split()) >= 3:
            frags.append(Span(s, e))
    if not frags or MASK in "".join(masked[f.start : f.end] for f in frags):
        return None
    cue = masked[cue_span.start : cue_span.end]
    return Reading("indirect", frags, mention, cue, cue_span)


def participle(
    doc: Article, si: int, lo: int, hi: int, cue_span: Span, lemma: str
) -> Reading | None:
    """ ", saying ..." : the subject is the sentence's subject."""
    masked = doc.masked
    left = masked[lo : cue_span.start].rstrip()
    if not left.endswith(",") and not DOCUMENT_BEFORE.search(left):
        return None  # "..., saying" / "issued a statement saying"
    told = reporter_before(doc, lo, cue_span.start)
    if told is not None:
        # "..., Spicer said, adding, “...”": the speaker of the cue just before
        lo = cue_span.start
    for pattern in (INTRO, LEAD_INTRO, LATER_INTRO):
        # "On Thursday, after remaining neutral for months, Warren endorsed Clinton, saying"
        intro = pattern.match(masked, lo, cue_span.start)
        if intro:
            lo = intro.end()
    subject = SUBJECT_NP.match(masked, lo, cue_span.start)
    if subject and any(w in VERBISH or w == "not" for w in subject.group(1).split()[1:]):
        subject = None  # "Gowdy did not release further (details)"
    verb = main_verb(doc, lo, cue_span.start) if subject is None else None
    if subject is not None:
        mention = Mention(Span(subject.start(1), subject.end(1)), subject.group(1))
    elif verb is not None and np_left(masked, lo, verb[0]) is not None:
        # "Democratic presidential candidate Bernie Sanders (I-Vt.) wrote ..., saying"
        mention = np_left(masked, lo, verb[0])
    else:
        chunk = re.match(r"\s*[^,]*", masked[lo:hi]).group()
        if all(is_cap(w) or w in ("of", "former", "the") for w in chunk.split()):
            end = lo + len(chunk)  # "former Secretary of State Hillary Clinton, drew"
        else:
            end = lo + len(re.match(r"\s*[^,]*?(?=\s+[a-z]+\b|,|$)", chunk).group())
        mention = np_left(masked, lo, end)
    if told is not None:
        mention = told
    if mention is None:
        first = re.match(r"\s*(?:[A-Z][\w\u2019'.-]*\s*)+", masked[lo:hi])
        if not first:
            return None
        mention = Mention(Span(lo + first.start(), lo + first.end()), first.group().strip())
        mention.span = Span(mention.span.start, mention.span.start + len(mention.text))
    start = cue_span.end
    if lemma in TAKES_OBJECT:
        om = re.match(r"\s*(?:[\w\u2019'.&-]+\s+){0,5}?(?=that\b)", masked[start:hi])
        if om:
            start += om.end()
    that = THAT.match(masked, start, hi)
    if that:
        start = that.end()
    elif lemma in NEEDS_THAT:
        return None
    s, e = doc.trim(start, hi)
    if e - s < 8:
        return None
    return make(doc, si, s, e, mention, masked[cue_span.start : cue_span.end], cue_span)
