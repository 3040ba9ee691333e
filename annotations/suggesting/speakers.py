"""Speakers: the noun phrase next to a cue, and pronouns resolved to the names before them."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from .article import ArticleText
from .lexicon import (
    ABBREVIATIONS,
    APPOSITIVE_WORDS,
    AUX,
    CUE_FORMS,
    DANGLING,
    DESCRIPTION_GOES_ON,
    DESCRIPTION_START,
    DETERMINERS,
    DOCUMENTS,
    FEMALE_NAMES,
    ISSUED,
    LY_NOUNS,
    MALE_NAMES,
    MEDIA_NAME_WORDS,
    NOT_NAMES,
    NOT_PERSON,
    OWNER_PRONOUNS,
    PERSON_TITLES,
    PRONOUNS,
    QUANTITY,
    RIGHT_STOP,
    ROLE_HEAD_SET,
    SPEAKER_NOUNS,
    STOP_LEFT,
    TIME_WORDS,
    word_set,
)
from .marks import ALL_MARKS, MASK
from .names import is_cap, looks_like_name, name_tokens, speaker_name_from_source, strip_possessive
from .patterns import (
    ABBREV_WORD,
    CIRCUMSTANCE,
    CONTRACTED_PRONOUN,
    DESCRIPTION,
    LEAD_INTRO,
    PLACE_IN_INTRO,
    STATE_LIKE,
    SUBJECT,
    TURN_LABEL,
)
from .sentences import word_tokens
from .spans import Mention, Span

# prepositions of place, time and topic: what follows one is not a subject ("in the past")
PLACE_TIME_PREPOSITIONS = word_set(
    "in on during over under into against between among within without through "
    "throughout across despite amid"
)

# a party tag after a politician's name: "(R-OH)", "(D-Mass.)", "(I-Vt.)"
PARTY_TAG = re.compile(r"\s*\((?:[RDI]|Rep|Dem|Ind)\.?\s*[-\u2013]\s*[A-Z]")
DASHES = ("\u2014", "\u2013", "\u2015", "--")

COUNT_WORDS = word_set("one two three four five six seven eight nine ten")


def is_count(word: str) -> bool:
    """A small whole number, in figures or words: one side of "six in ten"."""
    return word.isdigit() or word.lower() in COUNT_WORDS


# How far back from a cue its subject is looked for (quotes not counted): further than any
# apposition reaches, short enough that a run-on sentence costs a bounded amount a cue.
LEFT_WINDOW = 500


def window_start(masked: str, lo: int, hi: int, width: int = LEFT_WINDOW) -> int:
    """Where to start reading ``masked[lo:hi]`` to see its last ``width`` characters outside
    quotes: ``lo`` itself for a range no longer, else a blank."""
    start = hi - width
    if start <= lo:
        return lo
    start = max(lo, start - masked.count(MASK, start, hi))
    if start == lo:
        return lo
    blank = re.compile(r"\s").search(masked, start, hi)
    return blank.start() if blank else lo


def np_left(masked: str, lo: int, hi: int) -> Mention | None:
    """The noun phrase that ends just before ``hi`` (the subject of a cue)."""
    toks = word_tokens(masked, window_start(masked, lo, hi), hi)
    # skip auxiliaries, adverbs and time phrases between the subject and the cue
    while toks and (
        toks[-1][2].lower() in AUX
        or toks[-1][2].lower() in TIME_WORDS
        or toks[-1][2].endswith("ly")
        and toks[-1][2].islower()
        and toks[-1][2] not in LY_NOUNS  # "Scott's family has", not an adverb
    ):
        if toks[-1][2].lower() in TIME_WORDS and len(toks) >= 2 and toks[-2][2] in ("on", "last"):
            toks.pop()
        toks.pop()
    if not toks:
        return None
    if toks[-1][2] in DASHES:
        # "Hillary Clinton — who’s called for tax hikes — lambasting": the subject is before
        # the aside between the dashes
        opening = [t for t in toks[-30:-1] if t[2] in DASHES]
        return np_left(masked, lo, opening[-1][0]) if opening else None
    if toks[-1][2] == ")":  # "Sen. Ted Cruz (R-Texas) said"
        depth = 0
        while toks:
            t = toks.pop()[2]
            depth += t == ")"
            depth -= t == "("
            if depth == 0:
                break
    if len(toks) >= 2 and toks[-1][2] == "," and toks[-2][2] == ")":
        opening = masked.rfind("(", lo, toks[-2][0])
        if opening > lo and PARTY_TAG.match(masked, opening):
            named = np_left(masked, lo, opening)
            if named is not None and looks_like_name(named.text):
                return named  # "Sen. Jack Reed (D-R.I.), said on Tuesday that"
    if toks and toks[-1][2] == ",":
        # an apposition or relative clause: "Smith, the former governor, said"
        k = len(toks) - 2
        while k >= 0 and toks[k][2] != "," and k > len(toks) - 30:
            k -= 1
        commas = [i for i, t in enumerate(toks[:-1]) if t[2] == ","]
        if len(commas) >= 2 and len(toks) - commas[0] < 60 and MASK not in masked[lo:hi]:
            # "Lapp, executive director of the PAC, a super PAC, said": the first name wins
            after = toks[commas[0] + 1][2]
            first = np_left(masked, lo, toks[commas[0]][0])
            if (
                first is not None
                and looks_like_name(first.text)
                and not masked[lo : first.span.start].strip()
                and (after.lower() in APPOSITIVE_WORDS or not is_cap(after))
            ):
                return first
        if k > 0 and toks[k][2] == ",":
            inner = np_left(masked, toks[k + 1][0], toks[-1][0])
            outer = np_left(masked, lo, toks[k][0])
            first_inner = masked[toks[k + 1][0] : toks[-1][0]].split()
            # "Smith, 29, of Ames, Iowa, said" / "Smith, president of X, said" /
            # "Smith, who ..., said": the name comes first, the rest describes it
            appositive = bool(first_inner) and (
                first_inner[0].lower() in APPOSITIVE_WORDS
                or not is_cap(first_inner[0])
                or bool(STATE_LIKE.match(first_inner[0]))
            )
            if (
                inner is not None
                and PARTY_TAG.match(masked, inner.span.end, toks[-1][0])
                and looks_like_name(inner.text)
            ):
                return inner  # "..., Gov. John Kasich (R-OH), said": the tag marks the person
            if outer is not None and (
                appositive
                or looks_like_name(outer.text)
                or not looks_like_name(inner.text if inner else "")
            ):
                return outer
            if inner is not None and looks_like_name(inner.text):
                return inner
            if outer is not None:
                return outer
        return None
    k = len(toks) - 1
    words: list[tuple[int, int, str]] = []
    while k >= 0 and len(words) < (12 if any(w[2] == "of" for w in words) else 8):
        s, e, w = toks[k]
        low = w.lower()
        if w in {",", ";", ":", "(", ")", MASK} or MASK in w or w in ALL_MARKS:
            break
        inside_name = (
            low in ("for", "and")
            and bool(words)
            and all(is_cap(t[2]) for t in words)
            and k > 0
            and is_cap(toks[k - 1][2])
        )  # "the James Martin Center for Nonproliferation Studies"
        if low in STOP_LEFT and not (low == "of" and words) and not inside_name:
            break
        if low in ("who", "which") and words:
            # "Nate Silver, the polling guru who founded the site tweeted"
            head = np_left(masked, lo, s)
            comma = masked.rfind(",", lo, head.span.start) if head else -1
            if (
                head
                and head.text.split()[0].lower() in DETERMINERS
                and comma >= 0
                and not masked[comma + 1 : head.span.start].strip()
            ):
                outer = np_left(masked, lo, comma)
                if outer is not None and looks_like_name(outer.text):
                    return outer
            return head
        contracted = CONTRACTED_PRONOUN.fullmatch(w)
        if not words and contracted:
            g = contracted.lastindex or 1
            words.append((s, s + contracted.end(g), contracted.group(g)))
            break  # "He’s claiming": the pronoun alone
        if low in CUE_FORMS and not is_cap(w):
            noun = k > 0 and toks[k - 1][2].lower() in DETERMINERS and low in SPEAKER_NOUNS
            if not noun:  # "the report makes": a noun, not a cue
                break
        if low in ISSUED and words and words[-1][2].lower() in DETERMINERS:
            # "the Security Council issued a statement calling": who issued it speaks
            issuer = np_left(masked, lo, s)
            if issuer is not None and words[0][2].lower() in DOCUMENTS:
                return issuer
            break
        words.append(toks[k])
        k -= 1
        if low in PRONOUNS and len(words) == 1:
            break
    # "Six in ten residents", "4 in 10 voters", "four out of five": a share is one phrase
    share = 2 if k >= 1 and toks[k][2].lower() == "in" else 3
    if (
        words
        and k >= share - 1
        and (share == 2 or [t[2].lower() for t in toks[k - 1 : k + 1]] == ["out", "of"])
        and is_count(words[-1][2])
        and is_count(toks[k - share + 1][2])
    ):
        words.extend(reversed(toks[k - share + 1 : k + 1]))
        k -= share
    if (
        words
        and k >= 0
        and toks[k][2].lower() in PLACE_TIME_PREPOSITIONS
        and not (k > 0 and is_cap(toks[k - 1][2]) and is_cap(words[-1][2]))
        and not words[-1][2][:1].isdigit()  # "4 in 10 say"
        and words[-1][2].lower() not in QUANTITY
    ):
        # "Beck, who has in the past described", "winning Ohio in the Republican primary,
        # Gov. John Kasich said": the object of a preposition is no subject (but "Council
        # on American-Islamic Relations" and "Sophie in 't Veld" are names); the subject is
        # the name or pronoun before it, when there is one ("A footnote in the report" stays)
        before = np_left(masked, lo, toks[k][0])
        if before is not None and (before.text.lower() in PRONOUNS or looks_like_name(before.text)):
            return before
    if words and words[-1][2] == "of" and k >= 0 and toks[k][2] == ",":
        return np_left(masked, lo, toks[k][1])  # "Smith, 29, of Ames, said"
    if (
        words
        and k >= 2
        and toks[k][2] == ","
        and words[0][2].lower() in NOT_PERSON
        and all(is_cap(w[2]) for w in words)
        and toks[k - 2][2] == "of"
    ):
        return np_left(masked, lo, toks[k][0])  # "Stacy Baker of Columbia, South Carolina says"
    if k >= 1 and (toks[k][2] == "," or toks[k][2].lower() in STOP_LEFT):
        # "Anthony Anton, president and CEO of the association stated": an apposition
        # whose closing comma is missing; the name opening the sentence is the speaker
        # every comma is a token of its own: count them in the text, list them only if one
        one = masked.count(",", toks[0][0], toks[k][1]) == 1
        commas = [i for i in range(k + 1) if toks[i][2] == ","] if one else []
        if len(commas) == 1 and commas[0] + 1 < len(toks):
            after = toks[commas[0] + 1][2]
            first = np_left(masked, lo, toks[commas[0]][0])
            if (
                (
                    after.lower() in DETERMINERS
                    or not is_cap(after)
                    or after.lower() in ROLE_HEAD_SET
                )
                and after.lower() not in PRONOUNS  # "South Carolina, he said, was"
                and first is not None
                and len(name_tokens(first.text)) >= 2
                and not masked[lo : first.span.start].strip()
            ):
                return first
    if not words:
        return None
    words.reverse()
    # drop leading words of a larger phrase that are not part of the noun phrase
    while words and not (
        is_cap(words[0][2])
        or words[0][2].lower() in DETERMINERS
        or words[0][2].lower() in PRONOUNS
        or words[0][2][0].isdigit()
        or len(words) == 1
        or words[0][2].lower() in SPEAKER_NOUNS
    ):
        words.pop(0)
    if not words:
        return None
    head = words[-1][2]
    low = head.lower()
    ok = (
        is_cap(head)
        or low in PRONOUNS
        or strip_possessive(low) in SPEAKER_NOUNS
        or low.rstrip("s") in SPEAKER_NOUNS
        or words[0][2].lower() in DETERMINERS
        and len(words) > 1
        or low in QUANTITY  # "Two in three said", "59 percent said", "Nearly half said"
        or low[:1].isdigit()
        or len(words) > 1  # "Powell's office said"
        and is_cap(words[0][2])
        and words[0][2].endswith(("'s", "\u2019s"))
        and head.isalpha()
    )
    if not ok:
        return None
    if low in {"it", "you"} and len(words) == 1:
        return None
    span = Span(words[0][0], words[-1][1])
    return Mention(span, masked[span.start : span.end])


def np_right(masked: str, lo: int, hi: int, lenient: bool = False) -> Mention | None:
    """The noun phrase starting at ``lo`` ("said Smith, the former governor")."""
    words: list[tuple[int, int, str]] = []
    description = False
    toks = word_tokens(masked, lo, min(hi, lo + 200))
    for n, (s, e, w) in enumerate(toks):
        low = w.lower()
        if MASK in w or w in ALL_MARKS or not (w[0].isalnum() or w[0] in "'\u2019"):
            break
        if not words and low in DESCRIPTION_START:
            description = True  # "one Democrat familiar with the discussion"
        relative = description and any(x[2].lower() in ("who", "whose") for x in words)
        if relative and low in ("and", "but") and n + 1 < len(toks):
            following = toks[n + 1][2].lower()
            if following.endswith("ed") or following in CUE_FORMS:
                break  # "a former official who oversaw the cases and described it as"
        if relative and len(words) < 24 and w not in (",", ";", ":") and w[0].isalnum():
            # "said the man who built his career on his blue collar credentials": a relative
            # clause runs on to the end of the phrase
            if w.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+", w):
                words.append((s, e - 1, w[:-1]))
                break
            words.append((s, e, w))
            continue
        if description and words and low in DESCRIPTION_GOES_ON and len(words) < 18:
            if CIRCUMSTANCE.match(masked, s):
                break
            words.append((s, e, w))
            continue
        if low in RIGHT_STOP or low in CUE_FORMS and not is_cap(w) and words and not lenient:
            break
        if description and low in TIME_WORDS:
            break
        if (
            w.endswith(".")
            and low.rstrip(".") not in ABBREVIATIONS
            and not re.fullmatch(r"(?:[A-Z]\.)+", w)
            and not ABBREV_WORD.fullmatch(w)
        ):
            words.append((s, e - 1, w[:-1]))
            break
        words.append((s, e, w))
        if len(words) >= (18 if description else 10):
            break
    while words and words[-1][2].lower() in DANGLING:
        words.pop()
    if not words:
        return None
    texts = [w for _, _, w in words]
    last = texts[-1].lower()
    if not (
        lenient
        or any(is_cap(w) for w in texts)
        or last in SPEAKER_NOUNS
        or last.rstrip("s") in SPEAKER_NOUNS
        or last in PRONOUNS
        and len(texts) == 1
        or texts == ["another"]  # "“...,” tweeted another."
        or description  # "said the base chief known as Bob"
        and len(texts) >= 2
        and texts[0].lower() in ("the", "a", "an", "one", "another")
    ):
        return None
    span = Span(words[0][0], words[-1][1])
    return Mention(span, masked[span.start : span.end])


def owner(mention: Mention) -> Mention:
    """``His standing improved``: what stands for the person is the possessive."""
    words = mention.text.split()
    pronoun = OWNER_PRONOUNS.get(words[0].lower())
    if pronoun is None or len(words) != 2 or not words[1].islower():
        return mention
    if words[1] in SPEAKER_NOUNS or words[1].rstrip("s") in SPEAKER_NOUNS | {"office"}:
        return mention  # "his spokesman", "his office"
    start = mention.span.start
    return Mention(Span(start, start + len(words[0])), pronoun)


def speaker_from_mention(
    doc: ArticleText, raw: str, pos: int, antecedents: Sequence[tuple[int, str, str]]
) -> str:
    low = raw.lower()
    if low not in PRONOUNS:
        head = raw.split(" of ", 1)[0].split() if " of " in raw else []
        if len(head) == 1 and is_cap(head[0]) and head[0].lower() in doc.names.by_last:
            return doc.names.canonical(head[0])  # "Heiserman of the CORE Teachers"
        return doc.names.canonical(speaker_name_from_source(raw))
    want = {"he": "m", "she": "f"}.get(low)
    k = bisect_left(antecedents, (pos, "", ""))
    for _, name, guess in reversed(antecedents[:k]):
        if want and guess and guess != want:
            continue
        if want and name.split()[-1].lower() in NOT_PERSON:
            continue  # "he" is a person, not "the campaign"
        if want and MEDIA_NAME_WORDS.intersection(name.lower().split()):
            continue  # nor "The New York Times" or "Twitter"
        return name
    return ""


def turn_speaker(doc: ArticleText, pos: int) -> str:
    """The speaker whose turn of a transcript holds ``pos`` (``WALLACE: ... I’ve got to ask
    you``: "I" is Wallace), else ""."""
    para = doc.paragraph_start(pos)
    m = TURN_LABEL.match(doc.work, para, pos)
    return " ".join(w.capitalize() for w in m.group("name").split()) if m else ""


def subject_mentions(doc: ArticleText) -> list[tuple[int, str, str]]:
    """Subjects at the start of a sentence, as antecedents for pronouns.

    A name (``Kasich took a different tack``), also after an introductory phrase
    (``In virtually every realm, Trump vowed``), or a description whose head is a
    role (``The candidate also continued``, ``the front-runner did offer``).
    """
    out = []
    masked = doc.masked
    for lo, hi in doc.sentences:
        hi = min(hi, lo + 160)
        starts = [lo]
        intro = LEAD_INTRO.match(masked, lo, hi)
        if intro:
            starts.append(intro.end())
            # "Speaking in Salem, New Hampshire, Trump went", "At a rally in Portland, Maine,
            # on Thursday afternoon, Trump included": the intro goes on
            for _ in range(2):
                more = re.match(r"[^,\ue000]{1,40},\s+", masked[starts[-1] : hi])
                if more is None:
                    break
                starts.append(starts[-1] + more.end())
        # the subject after the introductory phrase first: "In an interview with
        # Trending Today USA, Ham made it clear"
        for n, start in enumerate(starts[1:] + starts[:1]):
            hit = subject_at(doc, start, hi)
            if (
                hit is not None
                and n < len(starts) - 2
                and PLACE_IN_INTRO.match(masked, hit[0])
                and re.search(r"\b[A-Z][\w.'-]*,\s+$", masked[lo:start])
            ):
                continue  # a place in the intro: "in Salem, New Hampshire, Trump went"
            if hit is not None:
                out.append(hit)
                break
    return out


def subject_at(doc: ArticleText, lo: int, hi: int) -> tuple[int, str, str] | None:
    masked = doc.masked
    m = SUBJECT.match(masked, lo, min(hi, lo + 80))
    if m:
        tokens = name_tokens(m.group("name"))
        if tokens and tokens[0].lower() not in NOT_NAMES and tokens[-1].lower() not in NOT_NAMES:
            name = doc.names.canonical(" ".join(tokens))
            words = m.group("name").split()
            titled = len(words) == 2 and words[0].lower().rstrip(".") in PERSON_TITLES
            if len(name.split()) >= 2 or titled or name.lower() in doc.names.by_last:
                span = Span(m.start("name"), m.end("name"))
                return span.start, name, gender(doc, Mention(span, m.group("name")))
    d = DESCRIPTION.match(masked, lo, hi)
    if d:
        return d.start(1), " ".join(d.group(1).split()), ""
    return None


def gender(doc: ArticleText, mention: Mention) -> str:
    """ "m", "f" or "" from a title before the name or a well-known first name."""
    before = doc.text[max(0, mention.span.start - 6) : mention.span.start + 5].lower()
    if re.search(r"\b(?:mrs|ms|miss)\b", before):
        return "f"
    if re.search(r"\bmr\b", before):
        return "m"
    full = doc.names.canonical(speaker_name_from_source(mention.text))
    first = full.split()[0].lower() if full else ""
    return "f" if first in FEMALE_NAMES else "m" if first in MALE_NAMES else ""
