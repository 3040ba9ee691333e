"""The rules that read a cue: each a small function whose docstring shows the sentence it
handles, run in the order of :data:`RULES`; and the readings of a sentence without a cue
verb (``Asked whether ...``, ``talked about X``, ``Poll: ...``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .apostrophes import apostrophe_quote, in_open_quote, inside_quote
from .article import ArticleText
from .clauses import (
    after_possessive,
    coordinated_subject,
    has_attribution,
    main_verb,
    make,
    reads_as_noun,
    relative_antecedent,
    relative_before,
    relative_statement,
    reporter_before,
    subordinate_end,
    trailing,
    trailing_reporter,
    verb_after_subject,
    via_after,
)
from .lexicon import (
    AMBIGUOUS,
    COGNITION,
    CUE_FORMS,
    IMPRESSION,
    INTENT,
    NEEDS_THAT,
    NESTED_SPEECH,
    NOT_CONTENT,
    NOT_LEADS,
    PARTICLES,
    PASSIVE,
    QUESTION_WORDS,
    RELATIVES,
    SPEECH,
    STANCE,
    TAKES_OBJECT,
    TAKES_PREPOSITION,
    VERBISH,
    WHAT_WORDS,
)
from .marks import ALL_MARKS, MASK, OPENERS
from .names import is_cap, looks_like_name, outlet_name
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
    PREDICATE_NEXT,
    SECOND_PREDICATE,
    SHOWN_SPEAKING,
    SUBJECT_NP,
    SUBJECT_PARTICIPLE,
    SUBORDINATE,
    THAT,
    TIME_AFTER_CUE,
    TOLD_WHOM,
    TOPIC_CUE,
    TRAILING_CUT,
)
from .spans import Mention, Reading, Span
from .speakers import np_left, np_right


@dataclass
class Cue:
    """A reporting cue in a sentence (or in a content searched for nested statements)."""

    si: int  # the sentence
    lo: int  # the range searched
    hi: int
    start: int
    word_end: int  # the end of the word itself
    end: int  # after the particle of a phrasal verb: "shot back", "pointed out"
    form: str  # lower case, as written: "says", "according to"
    lemma: str  # "say"; "" for "according to" and impressions ("seems")
    intro_end: int  # the end of an introductory phrase of place or medium, else -1
    memo: dict[str, Mention | None] = field(default_factory=dict)
    apostrophes: bool = False  # two apostrophes (a quote's marks) in its range
    nested: bool = False  # the range is a statement's content

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    def text(self, doc: ArticleText) -> str:
        return doc.masked[self.start : self.end]

    def left(self, doc: ArticleText) -> str:
        """What precedes the cue in its range."""
        return doc.masked[self.lo : self.start]


class NoReading:
    """A rule's answer when the cue reads as nothing: the rules after it do not try."""


NO_READING = NoReading()
# None: the rule does not apply, the next one tries
Answer = Reading | NoReading | None


def cues_of(doc: ArticleText, si: int, lo: int, hi: int) -> list[Cue]:
    masked = doc.masked
    intro = PLACE_INTRO.match(masked, lo, hi)
    intro_end = intro.end() if intro else -1
    marks = masked.find("''", lo, hi) >= 0 or masked.find("\u2019\u2019", lo, hi) >= 0
    cues = []
    for start, word_end, form in doc.cues_in(lo, hi):
        lemma = CUE_FORMS.get(form, "")
        end = word_end
        particle = PARTICLES.get(lemma)
        pm = re.match(rf"\s+{particle}\b", masked[word_end:hi]) if particle else None
        if pm:
            end += pm.end()
        cues.append(
            Cue(si, lo, hi, start, word_end, end, form, lemma, intro_end, apostrophes=marks)
        )
    return cues


def read_cues(doc: ArticleText, si: int, lo: int, hi: int, nested: bool = False) -> list[Reading]:
    """What the cues of ``masked[lo:hi]`` attribute: each cue goes down :data:`RULES` until
    one answers."""
    found: list[Reading] = []
    for cue in cues_of(doc, si, lo, hi):
        if nested and cue.lemma not in NESTED_SPEECH and cue.form != "according to":
            continue  # inside a statement only a statement is one of its own
        cue.nested = nested
        for rule in RULES:
            answer = rule(doc, cue)
            if answer is None:
                continue
            if isinstance(answer, Reading):
                answer.nested = nested
                found.append(answer)
            break
    return found


# --------------------------------------------------------------------------- the rules


def quoted_cue(doc: ArticleText, cue: Cue) -> Answer:
    """``''As she has said, we will win,'' Mr. Merrill said``: a cue inside a quote in two
    apostrophes is part of the quote (a statement nested in it is found in its content)."""
    if not cue.apostrophes or doc.masked.find("''", cue.lo, cue.start) < 0:
        return None
    if not cue.nested and in_open_quote(doc, cue.lo, cue.start):
        return NO_READING  # "''That doesn't seem right.''": a quote's own words
    return NO_READING if inside_quote(doc, cue.lo, cue.hi, cue.start) else None


def according_to(doc: ArticleText, cue: Cue) -> Answer:
    """``..., according to SPEAKER.`` / ``According to SPEAKER, ...``"""
    if cue.form != "according to":
        return None
    masked = doc.masked
    src = np_right(masked, cue.end, cue.hi, lenient=True)
    if src is None:
        return NO_READING
    before = cue.left(doc)
    if before.strip(" ,") == "" or before.strip().lower() in {"but", "and"}:
        comma = masked.find(",", src.span.end, cue.hi)
        if comma < 0:
            return NO_READING
        s, e = doc.trim(comma + 1, cue.hi)
    else:
        s, e = doc.trim(cue.lo, cue.start)
    if e - s < 8:
        return NO_READING
    return make(doc, cue.si, s, e, src, "according to", cue.span) or NO_READING


def impression(doc: ArticleText, cue: Cue) -> Answer:
    """``The race appears closer in Ohio.`` / ``X is expected to ...``: an impression with no
    source; the content is the whole clause around the cue. ``expected`` without a passive
    goes on to the other rules."""
    if cue.form not in IMPRESSION:
        return None
    masked, lo, hi = doc.masked, cue.lo, cue.hi
    passive = re.search(r"\b(?:is|are|was|were)\s+$", masked[lo : cue.start])
    if cue.form.startswith("expect") and not passive:
        return None if cue.form in CUE_FORMS else NO_READING
    start = lo
    for m in CLAUSE_OPEN.finditer(masked, lo, cue.start):
        start = m.end()
    end_m = CLAUSE_CLOSE.search(masked, cue.word_end, hi)
    end = end_m.start() if end_m else hi
    s, e = doc.trim(start, end)
    if (
        len(masked[s : cue.start].split()) < 1
        or len(masked[s:e].split()) < 4
        or MASK in masked[s:e]
    ):
        return None if cue.form in CUE_FORMS else NO_READING
    cue_span = Span(cue.start, cue.word_end)
    text = masked[cue.start : cue.word_end]
    return Reading("indirect", [Span(s, e)], None, text, cue_span, sentence=cue.si)


def not_a_cue(doc: ArticleText, cue: Cue) -> Answer:
    """Words that only look like cues: ``the president’s claims``, ``polls show`` read as a
    noun, the ``back`` of ``shot back``, ``In a Facebook message posted Friday, Cruz
    said``, ``pointed`` without ``out`` or ``to``."""
    masked, lo = doc.masked, cue.lo
    if cue.form in AMBIGUOUS and not verb_after_subject(doc, lo, cue.start):
        return NO_READING
    prev = masked[lo : cue.start].rsplit(None, 1)[-1:]
    verb = CUE_FORMS.get(prev[0].lower(), "") if prev else ""
    if verb in PARTICLES and re.fullmatch(PARTICLES[verb], cue.form):
        return NO_READING
    if 0 <= cue.word_end < cue.intro_end and not re.match(
        r"\s+that\b", masked[cue.word_end : cue.word_end + 6]
    ):
        return NO_READING
    if (cue.form == cue.lemma or cue.form.endswith("s")) and after_possessive(doc, lo, cue.start):
        return NO_READING
    if cue.lemma in PARTICLES and cue.end == cue.word_end:
        return NO_READING
    if reads_as_noun(doc, lo, cue.start, cue.form, cue.lemma):
        return NO_READING
    return None


def participle(doc: ArticleText, cue: Cue) -> Answer:
    """``SPEAKER endorsed Clinton, saying ...`` / ``SPEAKER issued a statement saying ...``:
    the subject of the sentence is the speaker; ``..., telling Reuters`` relays through
    Reuters."""
    if not cue.form.endswith("ing") or cue.lemma == "think":
        return None
    found = participle_reading(doc, cue.si, cue.lo, cue.hi, cue.span, cue.lemma)
    if found is not None:
        told = told_outlet(doc, cue)  # "..., telling Reuters, “...”"
        found.via = ([told] if told else []) + found.via
        return found
    if shown_speaking(doc, cue) is not None:
        return None  # "footage of Trump saying ...": read as Trump's own cue
    if cue.lemma in SPEECH or cue.lemma not in STANCE:
        return NO_READING
    return None  # "the super PAC supporting Jeb Bush": a stance with its object, read on


def asked_by(doc: ArticleText, cue: Cue) -> Answer:
    """``X was asked by SPEAKER, “...”``: the one asking speaks; other passives read as
    nothing."""
    prev = cue.left(doc).rsplit(None, 1)[-1:]
    passive = bool(prev) and prev[0].lower() in PASSIVE
    if not passive or not cue.form.endswith(("ed", "told", "said", "wrote", "written")):
        return None
    by = re.match(r"\s+by\s+", doc.masked[cue.end : cue.hi])
    if by is None or cue.lemma not in SPEECH:
        return NO_READING
    return speaker_then_quote(doc, cue, cue.end + by.end()) or NO_READING


def noun_or_infinitive(doc: ArticleText, cue: Cue) -> Answer:
    """``the report``, ``a chance to respond``: a noun or an infinitive, no statement (``to
    say`` still is one)."""
    prev = cue.left(doc).rsplit(None, 1)[-1:]
    prev_word = prev[0].lower() if prev else ""
    if (
        prev_word in {"to", "the", "a", "an", "who's"}
        and not cue.form.endswith("ed")
        and (prev_word != "to" or cue.lemma not in SPEECH)
    ):
        return NO_READING
    return None


def apostrophe_attribution(doc: ArticleText, cue: Cue) -> Answer:
    """``''We won,'' Smith, the mayor, said. ''We will win again.''``: a quote in two
    apostrophes before a speech cue (see :mod:`.apostrophes`)."""
    if cue.lemma not in SPEECH or not cue.apostrophes:
        return None
    return apostrophe_quote(doc, cue.lo, cue.hi, cue.span, cue.si)


def relative_attribution(doc: ArticleText, cue: Cue) -> Answer:
    """``independents, which Democrats say could be aiding Sanders``: the statement is the
    rest of the relative clause (see :func:`.clauses.relative_statement`)."""
    if cue.lemma not in SPEECH and cue.lemma not in COGNITION:
        return None
    if not PREDICATE_NEXT.match(doc.masked, cue.end, cue.hi):
        return None  # the cue is not followed by a verb of its statement
    found = relative_statement(doc, cue.lo, cue.hi, cue.span)
    if found is None:
        return None
    mention, s, e = found
    return make(doc, cue.si, s, e, mention, cue.text(doc), cue.span) or NO_READING


def trailing_attribution(doc: ArticleText, cue: Cue) -> Answer:
    """``“...,” SPEAKER said.`` / ``..., said SPEAKER.`` / ``..., SPEAKER said.``: the content
    precedes the cue."""
    mention, content_start, content_end = trailing(doc, cue.lo, cue.hi, cue.span)
    if mention is None:
        return None
    if cue.lemma == "report" and has_attribution(doc, content_start, content_end):
        return NO_READING  # "..., Konashenkov said, RIA Novosti reported": a relay
    s, e = doc.trim(content_start, content_end)
    if s >= e:
        return NO_READING
    f = make(doc, cue.si, s, e, mention, cue.text(doc), cue.span)
    if f is None:
        return NO_READING
    told = told_outlet(doc, cue) if mention.span.end <= cue.start else None
    f.via = [told] if told else []
    f.via += via_after(doc, max(mention.span.end, cue.end), cue.hi, f)
    return f


def inverted_attribution(doc: ArticleText, cue: Cue) -> Answer:
    """``Said SPEAKER, “...”``: the speaker follows the cue, the quote follows both."""
    if cue.left(doc).strip():
        return None
    return speaker_then_quote(doc, cue, cue.end) or NO_READING


def parenthetical(doc: ArticleText, cue: Cue) -> Answer:
    """``In the end, SPEAKER said, voters ...``: the content is both sides of the remark."""
    mention = subject_of(doc, cue)
    if mention is None:
        return None
    masked, lo, hi = doc.masked, cue.lo, cue.hi
    left_comma = masked.rfind(",", lo, mention.span.start)
    if left_comma < 0 or masked[left_comma + 1 : mention.span.start].strip():
        return None
    after = TIME_AFTER_CUE.match(masked, cue.end, hi)
    pos = after.end() if after and after.end() > cue.end else cue.end
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
    return Reading("indirect", frags, mention, cue.text(doc), cue.span)


def leading_attribution(doc: ArticleText, cue: Cue) -> Answer:
    """``SPEAKER said (that) ...`` / ``SPEAKER said: “...”`` / ``SPEAKER wants to ...`` /
    ``SPEAKER endorsed Trump``: the content follows the cue."""
    mention = subject_of(doc, cue)
    content = content_after(doc, cue) if mention is not None else None
    if content is None:
        return NO_READING
    s, e, via = content
    if (
        # "Trump, who has ...": words between the subject and the cue, or the pronoun itself
        (doc.masked[mention.span.end : cue.start].strip() or mention.text.lower() in RELATIVES)
        and relative_before(doc, cue.lo, cue.start) >= 0
    ):
        # "Trump, who has criticized X, won": the relative clause ends at its comma
        comma = doc.masked.find(",", s, e)
        s, e = doc.trim(s, comma) if comma > s else (s, e)
    f = make(doc, cue.si, s, e, mention, cue.text(doc), cue.span)
    if f is None:
        return NO_READING
    told = told_outlet(doc, cue)
    f.via = ([told] if told else []) + via
    return f


# The rules a cue goes down, in order: the first that answers decides.
RULES = [
    quoted_cue,
    according_to,
    impression,
    not_a_cue,
    participle,
    asked_by,
    noun_or_infinitive,
    apostrophe_attribution,
    relative_attribution,
    trailing_attribution,
    inverted_attribution,
    parenthetical,
    leading_attribution,
]
# --------------------------------------------------------------------------- helpers


def subject_of(doc: ArticleText, cue: Cue) -> Mention | None:
    """The speaker before the cue; none for ``Nothing the president said``. Worked out once
    a cue: two rules ask."""
    if "subject" not in cue.memo:
        cue.memo["subject"] = find_subject(doc, cue)
    return cue.memo["subject"]


def told_outlet(doc: ArticleText, cue: Cue) -> str | None:
    """``X told Reuters``: the outlet told is the statement's first hop."""
    if cue.lemma != "tell":
        return None
    m = TOLD_WHOM.match(doc.masked, cue.end, cue.hi)
    return outlet_name(m.group("whom")) if m else None


def shown_speaking(doc: ArticleText, cue: Cue) -> Mention | None:
    """``footage of Trump saying``, ``a video showing Clinton asking``: the one shown is the
    speaker of a cue in ``-ing``, not the footage or whoever shows it."""
    if not cue.form.endswith("ing"):
        return None
    # the few words before the cue: a bounded read, whatever the sentence's length
    m = SHOWN_SPEAKING.search(doc.masked, max(cue.lo, cue.start - 120), cue.start)
    if m is None:
        return None
    return Mention(Span(m.start("who"), m.end("who")), m.group("who"))


def find_subject(doc: ArticleText, cue: Cue) -> Mention | None:
    shown = shown_speaking(doc, cue)
    if shown is not None:
        return shown
    mention = np_left(doc.masked, cue.lo, cue.start)
    if mention is not None:
        # the few words before the subject: a bounded read, whatever the sentence's length
        window = max(cue.lo, mention.span.start - 40)
        inside = SUBJECT_PARTICIPLE.search(doc.masked, window, mention.span.start)
        outer = np_left(doc.masked, cue.lo, inside.start()) if inside else None
        if outer is not None:
            mention = outer  # "Another source speaking to Fox News said": the source
    if mention is None:
        mention = coordinated_subject(doc, cue.lo, cue.start)
    if mention is None:
        mention = relative_antecedent(doc, cue.lo, cue.start)
    if mention is None or mention.text.split()[0].lower() in WHAT_WORDS:
        return None
    return mention


def content_after(doc: ArticleText, cue: Cue) -> tuple[int, int, list[str]] | None:
    """The content after a cue (``said (that) ...``, ``told reporters ...``, ``wants to ...``,
    ``endorsed X``) and the outlets that relayed it."""
    masked, lo, hi, lemma = doc.masked, cue.lo, cue.hi, cue.lemma
    start = cue.end
    for _ in range(3):  # "said in a radio interview on Monday night that"
        tm = TIME_AFTER_CUE.match(masked, start, hi)
        if not tm or tm.end() == start:
            break
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
    if SUBORDINATE.match(masked, lo, cue.start):
        end = subordinate_end(doc, start, end)
    s, e = doc.trim(start, end)
    if e - s < 2:
        return None
    return s, e, via


def topics(doc: ArticleText, si: int, lo: int, hi: int) -> list[Reading]:
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
        verb = main_verb(doc, lo, m.start()) if mention is not None else None
        if verb is not None and mention.span.end == verb[1]:
            mention = np_left(masked, lo, verb[0])  # "The mayor spoke in favor of": the mayor
        if mention is not None:
            link = re.search(r"\s(?:at|of|from)\s*$", masked[lo : mention.span.start])
            outer = np_left(masked, lo, lo + link.start()) if link else None
            if outer is not None and looks_like_name(outer.text):
                mention = outer  # "Dan Lee at the National Review agreed with": Dan Lee
        if mention is not None and mention.text.endswith(("'s", "\u2019s")):
            end = mention.span.end - 2  # "The mayor's view is that": the mayor
            mention = Mention(Span(mention.span.start, end), masked[mention.span.start : end])
        cue = " ".join(masked[m.start() : m.end()].split())
        out.append(Reading("indirect", [Span(s, e)], mention, cue, cue_span, sentence=si))
    return out


def colon_lead(doc: ArticleText, si: int, lo: int, hi: int) -> Reading | None:
    """ "Ryan: Anti-Semitic images have no place in a campaign." (a headline's source)."""
    masked = doc.masked
    if lo > 0 and doc.work[lo - 1] != "\n":
        return None
    m = COLON_LEAD.match(masked, lo, hi)
    if m is None or m.group("who").split()[0].lower() in NOT_LEADS:
        return None
    s, e = doc.trim(m.end(), hi)
    if len(masked[s:e].split()) < 3 or MASK in masked[s:e]:
        return None
    mention = Mention(Span(m.start("who"), m.end("who")), m.group("who"))
    colon = Span(m.end("who"), m.end("who") + 1)
    return Reading("indirect", [Span(s, e)], mention, ":", colon, sentence=si)


def speaker_then_quote(doc: ArticleText, cue: Cue, start: int) -> Reading | None:
    """The speaker right after the cue (from ``start``), then the quote: ``Said Comey,
    “...”``, ``was asked by host Bill Maher, “...”``."""
    masked, hi = doc.masked, cue.hi
    mention = np_right(masked, start, hi)
    if mention is None or mention.text.split()[0].lower() in QUESTION_WORDS:
        return None  # "Asked why ..., Earnest responded, “...”": a question
    qs = doc.quotes_in(mention.span.end, hi)
    if not qs or any(
        CUE_FORMS.get(c[2]) in SPEECH for c in doc.cues_in(mention.span.end, qs[0][0])
    ):
        return None  # "Asked Tuesday about it, Feinstein said, “...”": Feinstein's
    s, e = doc.trim(qs[0][0], hi)
    return make(doc, cue.si, s, e, mention, cue.text(doc), cue.span)


def participle_reading(
    doc: ArticleText, si: int, lo: int, hi: int, cue_span: Span, lemma: str
) -> Reading | None:
    """ ", saying ..." : the subject is the sentence's subject."""
    masked = doc.masked
    left = masked[lo : cue_span.start].rstrip()
    # "..., saying", "called the “Golden Week,” saying" (the comma inside the quote), "...,
    # while saying", "issued a statement saying"
    quote_comma = (
        left[-1:] in ALL_MARKS and doc.work[lo + len(left) - 2 : lo + len(left) - 1] == ","
    )
    if not (left.endswith((",", ", while")) or quote_comma or DOCUMENT_BEFORE.search(left)):
        return None
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
