"""Clauses around a cue: where a content starts and ends, what follows a speaker, relays,
and turning a content into a reading."""

from __future__ import annotations

import re

from .article import MIN_UNATTRIBUTED_WORDS, ArticleText
from .lexicon import (
    AMBIGUOUS,
    AUX,
    CUE_FORMS,
    DETERMINERS,
    DOCUMENT_WORDS,
    MESSAGE_NOUNS,
    NOT_VERBS,
    OBJ,
    POSSESSIVES,
    RELATIVES,
    RIGHT_STOP,
    SPEAKER_NOUNS,
    SPEECH,
    STANCE,
    STOP_LEFT,
    TAKES_OBJECT,
    VERBISH,
)
from .marks import ALL_MARKS, MASK, OPENERS
from .names import clean_outlet, is_cap, looks_like_name, name_tokens
from .patterns import (
    ABBREV_ANY,
    CLAUSE_END,
    CLAUSE_VERB,
    CONTRACTED_PRONOUN,
    COORDINATED,
    INTRO,
    LEAD_INTRO,
    NAME_APPOSITION,
    NAME_RUN,
    OBJECT_RELATIVE,
    PARTICIPLE_AFTER,
    PREDICATE_NEXT,
    PROGRAMME_BEFORE,
    RELATIVE_END,
    RELATIVE_SUBJECT,
    SUBJECT_NP,
    THAT_CONTENT,
    TIME_AFTER_CUE,
    TITLE_WORD,
    VIA_ACCORDING,
    VIA_TAIL,
    WORD_AFTER,
)
from .sentences import word_tokens
from .spans import Mention, Reading, Span
from .speakers import np_left, np_right

TITLE_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "as",
        "vs",
    ]
)


def title_case(doc: ArticleText, span: Span) -> bool:
    """Two words or more, each capitalised but for small words: ``State of the Union``."""
    words = TITLE_WORD.findall(doc.work[span.start : span.end])
    if len(words) < 2 or not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w.lower() in TITLE_SMALL_WORDS for w in words)


def word_before_quote(doc: ArticleText, span: Span) -> str:
    """The text just before the quotation mark that opens ``span``."""
    before = doc.work[max(0, span.start - 48) : span.start].rstrip().rstrip("".join(OPENERS))
    return before.rstrip()


def programme_title(doc: ArticleText, span: Span) -> bool:
    """A quote that names a programme rather than states anything: words in Title Case right
    after a broadcaster's possessive or a word for a show (``on CNN’s “State of the
    Union,”``, ``Tuesday’s episode of “The Steve Harvey Morning Show,”``)."""
    return title_case(doc, span) and bool(PROGRAMME_BEFORE.search(word_before_quote(doc, span)))


def named_after_preposition(doc: ArticleText, span: Span) -> bool:
    """``are participating in “Barack Obama Election Day,”``: a name in Title Case as the
    object of a preposition."""
    return title_case(doc, span) and bool(
        re.search(r"\b(?:in|at|of|on|for|from|into)(?:\s+the)?$", word_before_quote(doc, span))
    )


# what closes a subordinate clause before the main one: a comma, or a dash
CLAUSE_BREAKS = (",", "\u2015", "\u2014", "\u2013")


def subordinate_end(doc: ArticleText, start: int, end: int) -> int:
    """Where the content of a cue in a subordinate clause ends: at the comma before the
    main clause's own attribution (``When Beck asked him who would win, D’Souza
    replied, “...”``), or at the dash before it (``When Clinton noted that ... ― Trump
    boasted, “...”``)."""
    masked = doc.masked
    for cs, _ce, low in doc.cues_in(start, end):
        if CUE_FORMS.get(low) not in SPEECH:
            continue
        comma = max(masked.rfind(mark, start, cs) for mark in CLAUSE_BREAKS)
        # or the comma that closes a quote: 'might do better at “less advanced schools,”
        # Trump said: “...”'
        closing = max(masked.rfind(mark, start, cs) for mark in ("\u201d", '"'))
        if closing > comma and doc.work[closing - 1] == ",":
            comma = closing + 1
        if comma <= start:
            continue
        subject = np_left(masked, comma + 1, cs)
        if subject is not None and not masked[comma + 1 : subject.span.start].strip():
            return comma
    return end


def trailing(doc: ArticleText, lo: int, hi: int, cue_span: Span) -> tuple[Mention | None, int, int]:
    """Speaker and content range when the cue follows its content, else (None, 0, 0)."""
    masked = doc.masked
    left = masked[lo : cue_span.start]
    # right after a quote: “...,” Smith, the former governor, said / “...,” said Smith
    qs = [q for q in doc.quotes_in(lo, cue_span.start)]
    if qs and programme_title(doc, Span(qs[-1][0] + 1, qs[-1][1])):
        qs = []  # "On CNN’s “State of the Union,” Pence said ...": the title is no content
    if qs:
        o, c = qs[-1]
        zone = masked[c + 1 : cue_span.start]
        # words after the cue: its own content may follow it
        goes_on = WORD_AFTER.search(masked, cue_span.end, hi) is not None
        if goes_on and COORDINATED.match(zone):
            return None, 0, 0  # "“…” and Donald Trump says he’s “…”": a clause of its own
        speech = CUE_FORMS.get(masked[cue_span.start : cue_span.end].lower()) in SPEECH
        if (
            speech
            and THAT_CONTENT.match(masked, cue_span.end, hi)
            and masked.find(MASK, cue_span.end, hi) < 0
            and any(CUE_FORMS.get(w) in SPEECH for _, _, w in doc.cues_in(c + 1, cue_span.start))
        ):
            return None, 0, 0  # "“…,” said Priebus, though he added that ...": its own
        if len(zone.split()) <= 20 and not CLAUSE_END.search(ABBREV_ANY.sub("", zone)):
            if zone.strip(" ,\u2014-") == "":
                mention = np_right(masked, cue_span.end, hi)
            else:
                mention = np_left(masked, c + 1, cue_span.start)
            if mention is not None and mention.text.lower() in RELATIVES and speech and goes_on:
                return None, 0, 0  # "“…,” said Driscoll, who said Sanders is ...": its own
            if mention is not None:
                first = len(qs) - 1
                while first > 0:
                    gap = masked[qs[first - 1][1] + 1 : qs[first][0]]
                    if gap.strip(" ,\u2014-") not in ("", "and", "or"):
                        break
                    first -= 1
                return mention, quote_lead(doc, lo, qs[first][0]), c + 1
    # "..., SPEAKER said." / "..., said SPEAKER." at the end of a sentence
    last_comma = left.rfind(",")
    if last_comma < 0:
        return None, 0, 0
    right = masked[cue_span.end : hi]
    if THAT_CONTENT.match(right):
        return None, 0, 0  # "..., the candidate stated that Trump’s ...": the content follows
    tail = re.match(r"[^,;:.!?]*", right).group()
    rest = right[len(tail) :].lstrip()
    # "''It's bad for the party,'' said Stuart Stevens": the closing marks of newspapers
    # that quote with two apostrophes are no words between the comma and the cue
    zone = re.sub(r"^\s*(?:''|\u2019\u2019)(?=\s)", "", left[last_comma + 1 :])
    if len(zone.split()) > 9 or len(tail.split()) > 9 or rest and rest[0] not in ".!?,;":
        return None, 0, 0
    if any(CUE_FORMS.get(c[2]) in SPEECH for c in doc.cues_in(lo + last_comma, cue_span.start)):
        return None, 0, 0  # "..., said when he called on Boyle": the first cue attributes
    if relative_before(doc, lo + last_comma, cue_span.start) >= 0:
        return None, 0, 0  # "Kasich, a Republican who has refused to ...": a relative clause
    if OBJECT_RELATIVE.search(zone):
        return None, 0, 0  # "..., such as an overhaul, which Mr. Obama championed.": its object
    opening = masked[lo : lo + last_comma].strip()
    if MASK not in opening and len(name_tokens(opening)) >= 2 and NAME_RUN.fullmatch(opening):
        return None, 0, 0  # "Sam Lau, the director for the party said": a name, no content
    if not zone.strip() and MASK not in opening and NAME_APPOSITION.fullmatch(opening):
        return None, 0, 0  # "Mr. Prasad, a former official, said ...": the subject
    if (
        zone.strip()
        and rest.startswith(",")
        and (len(rest.split()) > 3 or MASK in rest)
        and not VIA_TAIL.match(rest)
        and not PARTICIPLE_AFTER.match(rest)
    ):
        return None, 0, 0  # "In the end, Smith said, voters ...": parenthetical
    if zone.strip():
        # after "..., Smith said" only circumstances may follow: "on Tuesday", "told CNN"
        tail_words = tail.split()
        if tail_words and not (
            TIME_AFTER_CUE.fullmatch(tail)
            or tail_words[0].lower() in RIGHT_STOP
            or CUE_FORMS.get(masked[cue_span.start : cue_span.end].lower()) in TAKES_OBJECT
            and len(tail_words) <= 5
            and tail_words[0].lower() not in ("it", "that", "there", "this")
        ):
            return None, 0, 0
        mention = np_left(masked, lo + last_comma + 1, cue_span.start)
    else:
        if CUE_FORMS.get(masked[cue_span.start : cue_span.end].lower()) not in SPEECH:
            return None, 0, 0  # "Howard, an actor, endorsed Cruz": only speech inverts
        mention = np_right(masked, cue_span.end, hi)
        if mention is None and any(is_cap(w) for w in tail.split()):
            # "..., said lobbyist and GOP strategist Charlie Black, ...": a named description
            mention = np_right(masked, cue_span.end, cue_span.end + len(tail), lenient=True)
        if mention is not None and not ends_clause(doc, mention, cue_span.end + len(tail)):
            return None, 0, 0  # "X, an expert, says Libya is ...": X is the subject
        if mention is not None and what_was_said(mention.text):
            return None, 0, 0  # "Sen. Ted Cruz, a candidate ..., tweeted a warning.": its object
    if mention is None:
        return None, 0, 0
    if INTRO.fullmatch(masked, lo, lo + last_comma + 2) or INTRO.fullmatch(
        masked[lo : lo + last_comma] + ", "
    ):
        return None, 0, 0  # "Earlier this week, the senator called for ...": no content
    return mention, lo, lo + last_comma


def what_was_said(text: str) -> bool:
    """``a warning``, ``a message``: the object of the cue, no one who speaks."""
    words = text.split()
    return len(words) == 2 and words[0].lower() in ("a", "an") and words[1] in MESSAGE_NOUNS


def quote_lead(doc: ArticleText, lo: int, o: int) -> int:
    """Where a statement ending in a quote starts: the quote's opening mark, or the start
    of the sentence when the words before the quote belong to the statement
    (``The summit accomplished “too little,” he added``: a mixed quote)."""
    lead = doc.masked[lo:o]
    if (
        len(re.findall(r"\w+", lead)) < 2
        or CLAUSE_END.search(ABBREV_ANY.sub("", lead))
        or lead.rstrip().endswith(("\u2014", "-", "\u2013"))
        or doc.cues_in(lo, o)
        or LEAD_INTRO.fullmatch(lead)
    ):
        return o
    return lo


def ends_clause(doc: ArticleText, mention: Mention, end: int) -> bool:
    """Whether only circumstances follow ``mention`` up to ``end`` ("said Smith on Monday").

    ``said he still thinks ...`` / ``says Libya is ...``: the words after the cue are a
    clause of their own, not the speaker of what precedes.
    """
    words = mention.text.split()
    if any(w in VERBISH or w.endswith(("n't", "n\u2019t")) for w in words[1:]):
        return False  # "said Ivanka Trump's statement didn't clarify the matter"
    pairs = zip(words, words[1:], strict=False)
    if any(w.islower() and w.endswith("ed") and is_cap(prev) for prev, w in pairs):
        return False  # "said Ms. Brainard conveyed a sense of empathy"
    relative = re.search(r"\b(?:who|which|that|whose)\b", mention.text)
    if CLAUSE_VERB.search(mention.text, 0, relative.start() if relative else len(mention.text)):
        return False  # "said the Khan family deserved better"
    rest = doc.masked[mention.span.end : end]
    if not rest.strip() or rest.lstrip()[:1] in ",(":
        return True
    tm = TIME_AFTER_CUE.match(rest)
    if tm and tm.group().strip():
        return True
    return rest.split()[0].lower() in RIGHT_STOP


def after_possessive(doc: ArticleText, lo: int, cue_start: int) -> bool:
    prev = doc.masked[lo:cue_start].rsplit(None, 2)[-2:]
    if len(prev) == 2 and "-" in prev[1] and prev[1].islower():
        prev = prev[:1]  # "his early-morning tweets"
    prev = prev[-1:]
    if not prev:
        return False
    return possessive(prev[0])


def possessive(word: str) -> bool:
    """``his``, ``Chaffetz’s``; not ``he’s``."""
    low = word.lower()
    return low in POSSESSIVES or (
        low.endswith(("'s", "\u2019s")) and not CONTRACTED_PRONOUN.fullmatch(low)
    )


# what opens a noun phrase: "their phone call", "the news report", "a conference call"
NOUN_OPENERS = frozenset(
    ["the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "that"]
)


def reads_as_noun(doc: ArticleText, lo: int, cue_start: int, form: str, lemma: str) -> bool:
    """A cue word that is an adjective or a noun here: "the expected de-classification",
    "During their phone call", "a congressional report"."""
    last = doc.masked[lo:cue_start].split()[-2:]
    if last and last[-1].lower() in ("the", "a", "an") and form.endswith("ed"):
        return True
    if len(last) < 2 or not last[1].isalpha() or not last[1].islower() or last[1].endswith("s"):
        return False
    if last[0].lower() in NOUN_OPENERS:
        return form == lemma or form in AMBIGUOUS
    # "Chaffetz’s latest request"; not "protesters of this week’s convention say"
    return possessive(last[0]) and (form in AMBIGUOUS or (form == lemma and lemma not in SPEECH))


def verb_after_subject(doc: ArticleText, lo: int, cue_start: int) -> bool:
    """Whether a noun-or-verb word ("polls show", "he wants") follows a plain subject."""
    toks = doc.masked[lo:cue_start].split()
    if not toks:
        return False
    prev = toks[-1]
    low = prev.lower()
    if low in ("he", "she", "they", "we", "i", "who", "you"):
        return True
    if MASK in prev and prev.rstrip(",")[-1:] in ALL_MARKS | {"\u201d"}:
        return True  # "“...,” read the email": right after a quote and its comma
    if low in DETERMINERS or low in STOP_LEFT or not prev.isalpha():
        return False
    if is_cap(prev) and len(toks) > 1:
        return True
    return low.endswith("s") and (low in SPEAKER_NOUNS or low.rstrip("s") in SPEAKER_NOUNS)


def coordinated_subject(doc: ArticleText, lo: int, cue_start: int) -> Mention | None:
    """ "The spokesman refused ... but said ...": the subject of the sentence."""
    before = doc.masked[lo:cue_start].split()
    while before and before[-1].lower() in AUX:
        before.pop()
    if not before or before[-1].lower() not in ("and", "but"):
        return None
    # "Brian Fallon, a spokesman for the campaign, called on ... and said": the subject
    # of the sentence's first verb, past its appositions
    intro = LEAD_INTRO.match(doc.masked, lo, cue_start)
    start = intro.end() if intro else lo
    verb = main_verb(doc, start, cue_start)
    first = np_left(doc.masked, start, verb[0]) if verb is not None else None
    if first is not None and looks_like_name(first.text):
        return first  # "President Obama met relatives ... and said": not up to "killed"
    for cs, _ce, low in doc.cues_in(start, cue_start):
        if after_possessive(doc, start, cs) or reads_as_noun(
            doc, start, cs, low, CUE_FORMS.get(low, "")
        ):
            continue  # "outlined his cybersecurity plan and vowed": no cue
        # "Boreing said the members will meet ..., but said": the first cue's subject
        subject = np_left(doc.masked, start, cs)
        if subject is not None and not doc.masked[start : subject.span.start].strip():
            return subject
        break
    m = SUBJECT_NP.match(doc.masked, lo, cue_start)
    if m is not None:
        return Mention(Span(m.start(1), m.end(1)), m.group(1))
    return first


def relative_before(doc: ArticleText, lo: int, cue_start: int) -> int:
    """Where the relative pronoun of ``who (has) (largely) supports`` starts, else -1."""
    masked = doc.masked
    start = max(lo, cue_start - 60)
    words = masked[start:cue_start].split()
    k = len(words)
    while k and (words[k - 1].lower() in AUX or words[k - 1].endswith("ly")):
        k -= 1  # "which largely supports"
    if not k or words[k - 1].lower() not in RELATIVES:
        return -1
    # where that word starts: count back over the words after it
    pos = cue_start
    for word in reversed(words[k - 1 :]):
        pos = masked.rindex(word, start, pos)
    return pos


def relative_statement(
    doc: ArticleText, lo: int, hi: int, cue_span: Span
) -> tuple[Mention, int, int] | None:
    """``a surge of independents, which Democrats say could be aiding Sanders`` / ``the
    kind of job that many economists say is the future``: the rest of the relative clause
    is the statement, the phrase between its pronoun and the cue the speaker."""
    masked = doc.masked
    if not PREDICATE_NEXT.match(masked, cue_span.end, hi):
        return None
    rm = RELATIVE_SUBJECT.search(masked, max(lo, cue_span.start - 120), cue_span.start)
    if rm is None:
        return None
    if rm.group("np").split()[0].lower() in AUX:
        return None  # "which has said"
    mention = np_left(masked, rm.start("np"), cue_span.start)
    words = rm.group("np").split()
    if mention is None and len(words) <= 4 and words[-1].isalpha():
        # "which commuters say": any short phrase is the subject of the pronoun's clause
        s, e = doc.trim(rm.start("np"), cue_span.start)
        mention = Mention(Span(s, e), masked[s:e])
    if mention is None or mention.span.start != rm.start("np"):
        return None
    start = cue_span.end
    end_m = RELATIVE_END.search(masked, start, hi)
    s, e = doc.trim(start, end_m.start() if end_m else hi)
    if len(masked[s:e].split()) < 2 or MASK in masked[s:e]:
        return None
    return mention, s, e


def relative_antecedent(doc: ArticleText, lo: int, cue_start: int) -> Mention | None:
    """``Trump, who has insulted ...`` / ``the county, which voted for ...``: the phrase a
    relative pronoun right before the cue stands for."""
    masked = doc.masked
    rel = relative_before(doc, lo, cue_start)
    if rel < 0:
        return None
    word = masked[rel:cue_start].split()[0].lower()
    end = rel
    while end > lo and masked[end - 1] in " ,":
        end -= 1
    if end <= lo:
        return None
    if word == "that" and masked[end:rel].strip():
        return None  # "..., that supports": no relative clause after a comma
    antecedent = np_left(masked, lo, end)
    if antecedent is None or antecedent.text.lower() in OBJ | {"it", "this", "that"}:
        return None
    if word == "that" and not (
        is_cap(antecedent.text.split()[-1])
        or antecedent.text.split()[-1].lower() in SPEAKER_NOUNS | DOCUMENT_WORDS
    ):
        return None  # "the idea that ...": "that" opens a clause, not a relative one
    return antecedent


def has_attribution(doc: ArticleText, lo: int, hi: int) -> bool:
    """Whether ``masked[lo:hi]`` holds a reporting cue with a subject of its own."""
    for cue_start, cue_end, low in doc.cues_in(lo, hi):
        if low == "according to":
            return True
        if low in AMBIGUOUS or CUE_FORMS.get(low) not in SPEECH:
            continue
        if np_left(doc.masked, lo, cue_start) or np_right(doc.masked, cue_end, hi):
            return True
    return False


def reporter_before(doc: ArticleText, lo: int, hi: int) -> Mention | None:
    """The speaker of ``..., Spicer said,`` ending ``masked[lo:hi]`` (before a participle)."""
    masked = doc.masked
    cues = [cu for cu in doc.cues_in(lo, hi) if CUE_FORMS.get(cu[2]) in SPEECH]
    if not cues:
        return None
    cs, ce, _low = cues[-1]
    gap = masked[ce:hi]
    if MASK in gap or len(gap.split()) > 6 or not gap.rstrip().endswith(","):
        return None
    if gap.strip(" ,") and not TIME_AFTER_CUE.fullmatch(gap.rstrip(" ,") + ","):
        if not masked[lo:cs].rstrip().endswith(","):
            return None
        first = np_right(masked, ce, hi)  # "..., said Spicer, adding"
        if first is None or masked[first.span.end : hi].strip(" ,"):
            return None
        return first
    # the clause of the cue opens after a comma or a quote: "“...,” Lewandowski added,"
    comma = max(masked.rfind(m, lo, cs) for m in (",", "\u201d", "\u00bb", '"'))
    if comma < 0:
        return None
    return np_left(masked, comma + 1, cs)


def trailing_reporter(doc: ArticleText, start: int, end: int) -> tuple[int, str] | None:
    """ "content, the RIA Novosti news agency reported" inside a clause."""
    seg = doc.masked[start:end]
    comma = seg.rfind(",")
    if comma < 0:
        return None
    vm = VIA_TAIL.match(seg[comma:])
    if vm is None:
        return None
    return start + comma, clean_outlet(vm.group("outlet"))


def via_after(doc: ArticleText, lo: int, hi: int, f: Reading | None) -> list[str]:
    seg = doc.masked[lo:hi]
    for pattern in (VIA_TAIL, VIA_ACCORDING):
        vm = pattern.match(seg)
        if vm:
            return [clean_outlet(vm.group("outlet"))]
    return []


def make(
    doc: ArticleText, si: int, s: int, e: int, mention: Mention | None, cue: str, cue_span: Span
) -> Reading | None:
    qs = doc.quotes_in(s - 1, e + 1)
    if qs:
        inner = [Span(o + 1, c) for o, c in qs]
        outside = doc.masked[s:e]
        for o, c in qs:
            outside = outside.replace(doc.masked[o : c + 1], " ")
        if len(re.findall(r"\w+", outside)) <= 1 and any(utterance(doc, sp) for sp in inner):
            return Reading("direct", inner, mention, cue, cue_span, sentence=si)
        return Reading("mixed", [Span(s, e)], mention, cue, cue_span, sentence=si)
    words = doc.work[s:e].split()
    stance = CUE_FORMS.get(cue.lower()) in STANCE
    if len(words) < 2 and not (
        words
        and (
            stance
            and (is_cap(words[0]) or words[0] in OBJ)  # "endorsed Trump"
            or words[0].lower().strip(".,!") in ("yes", "no")  # "most voters said yes"
        )
    ):
        return None
    return Reading("indirect", [Span(s, e)], mention, cue, cue_span, sentence=si)


def utterance(doc: ArticleText, span: Span) -> bool:
    """A quote long enough, or ending like a sentence, to be a statement on its own."""
    inner = doc.work[span.start : span.end].rstrip()
    return len(inner.split()) >= MIN_UNATTRIBUTED_WORDS or inner[-1:] in (",", ".", "?", "!")


def main_verb(doc: ArticleText, lo: int, hi: int) -> tuple[int, int] | None:
    """The first verb-like word of ``masked[lo:hi]`` after a subject, outside appositions."""
    commas = 0
    seen = 0
    toks = word_tokens(doc.masked, lo, hi)
    for k, (s, e, w) in enumerate(toks):
        if w.endswith(".") and len(w) > 1 and w[:-1].isalpha():
            w, e = w[:-1], e - 1  # "the senator grumbled."
        if w == ",":
            commas += 1
            continue
        if MASK in w:
            return None
        seen += 1
        if seen == 1 or commas % 2 or not w.isalpha() or not w.islower():
            continue
        if toks[k - 1][2].lower() in DETERMINERS and w not in VERBISH:
            continue  # "A footnote in the report makes": a noun after its determiner
        if w in VERBISH or w in CUE_FORMS or len(w) > 3 and w.endswith("ed"):
            return s, e
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss") and w not in NOT_VERBS:
            # "Trump says" / "lobbyists describe": a plural noun is followed by its verb
            nxt = toks[k + 1][2] if k + 1 < len(toks) else ""
            prev = toks[k - 1][2].lower()
            if (
                nxt in VERBISH
                or nxt in CUE_FORMS
                or nxt in (",", "and", "of", "who")
                or nxt.endswith("ed")
                or prev in DETERMINERS
            ):
                continue
            return s, e
    return None
