"""Names of people: the speaker's name in a source span, the full names an article
introduces, and what may stand before a pronoun."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .lexicon import (
    CUE_FORMS,
    DETERMINERS,
    DOCUMENT_WORDS,
    ISSUER_LINKS,
    MEDIA_NAME_WORDS,
    NAME_SUFFIXES,
    NOT_NAMES,
    ORGANISATION_NOUNS,
    OUTLET_WORDS,
    PERSON_ENDINGS,
    ROLE_HEAD_SET,
    SPOKES_ROLES,
    TITLES,
    TRAILING_AUX,
    word_set,
)
from .patterns import NAME_RUN, OUTLET_WORDS_END

# titles that only ever stand before a person's name
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sen", "rep", "gov", "prof", "rev"})


# adjectives of a country, people or party: "an Israeli official" names no issuer
NATIONALITIES = word_set(
    "american israeli chinese japanese mexican russian british french german iranian syrian "
    "iraqi afghan pakistani indian turkish saudi egyptian palestinian ukrainian canadian "
    "european korean cuban arab muslim christian jewish kurdish libyan yemeni qatari emirati "
    "italian spanish greek brazilian venezuelan australian nigerian malaysian indonesian "
    "filipino vietnamese polish dutch swedish belgian swiss austrian irish scottish lebanese "
    "jordanian taiwanese western foreign democratic republican"
)


def strip_possessive(word: str) -> str:
    for suffix in ("'s", "\u2019s", "'", "\u2019"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)]
    return word


def is_cap(word: str) -> bool:
    return bool(word) and word[0].isupper()


def name_tokens(part: str) -> list[str]:
    """The trailing run of capitalised words of ``part``, titles at its front removed."""
    words = part.split()
    run: list[str] = []
    for word in reversed(words):
        bare = word.strip(',;:()[]"\u201c\u201d')
        if is_cap(bare) or (run and bare.lower() in {"de", "van", "von", "bin", "al", "la"}):
            run.append(bare)
            continue
        if run or not bare:
            break
        if bare.lower() in NAME_SUFFIXES:
            run.append(bare)
            continue
        break
    run.reverse()
    while run and run[0].lower() in NOT_NAMES:
        run.pop(0)
    # "Health Minister Olga Petrova": drop everything up to the last title word
    titled = [i for i, w in enumerate(run[:-1]) if w.lower().rstrip(".") in TITLES]
    if titled:
        del run[: titled[-1] + 1]
    # "BlazeTV’s Glenn Beck", "Democracy Corps’ Stan Greenberg": the outlet goes
    owners = [i for i, w in enumerate(run[:-2]) if w.endswith(("'s", "\u2019s", "s'", "s\u2019"))]
    if owners:
        del run[: owners[-1] + 1]
    while len(run) > 1 and run[0].endswith(".") and len(run[0]) <= 5 and len(run[0]) > 2:
        run.pop(0)
    if run and run[-1].lower() in NAME_SUFFIXES and len(run) > 1:
        run[-2] = run[-2].rstrip(",")
    return [strip_possessive(w) if i == len(run) - 1 else w for i, w in enumerate(run)]


def looks_like_name(part: str) -> bool:
    tokens = name_tokens(part)
    return bool(tokens) and not all(t.lower().rstrip(".") in TITLES for t in tokens)


def speaker_name_from_source(source: str) -> str:
    """The speaker's name from a source span, with titles, roles and appositions removed.

    ``"Pentagon spokesman Steven Warren"`` -> ``"Steven Warren"``;
    ``"Clinton's campaign manager, Robby Mook"`` -> ``"Robby Mook"``;
    ``"Sen. Ted Cruz (R-Texas), who ..."`` -> ``"Ted Cruz"``;
    ``"Joel Pollak of Breitbart California"`` -> ``"Joel Pollak"``;
    ``"BlazeTV’s Glenn Beck"`` -> ``"Glenn Beck"``.
    A source without a name (``"the former secretary of state"``, ``"officials"``,
    ``"he"``) is returned as written, blanks collapsed. Used by the suggester and by
    importers of annotated corpora.
    """
    text = " ".join(source.replace("\u00a0", " ").split()).strip(" ,;:.-\u2014")
    words = text.split()
    while len(words) > 1 and words[-1] in TRAILING_AUX:  # "The retired neurosurgeon has"
        words.pop()
    text = " ".join(words)
    if not text:
        return ""
    text = re.sub(r"\s*\([^)]*\)", "", text)  # "(R-Texas)"
    whole = text
    text = re.split(r",?\s+(?:who|which|whose|whom)\b", text, maxsplit=1)[0]
    parts = [p.strip() for p in re.split(r"\s*[,\u2014\u2013]\s*|\s+--\s+", text) if p.strip()]
    named = [p for p in parts if looks_like_name(p)]
    if not named and not looks_like_name(whole.split(",")[0]):
        # a description is kept whole up to its first comma: "an official who was not
        # authorized to speak"
        return whole.split(",")[0].strip()
    chosen = named[0] if named else (parts[0] if parts else text)
    if " of " in chosen:
        head, _, tail = chosen.partition(" of ")
        head_tokens = head.split()
        honorific = len(head_tokens) >= 2 and head_tokens[-2].lower().rstrip(".") in HONORIFICS
        if (
            len(head_tokens) >= 2
            and all(is_cap(t) for t in head_tokens[-2:])
            # "Stu Rothenberg of the non-partisan Rothenberg-Gonzales Political Report",
            # "Phil Musser of digital consulting firm IMGE": the person, not the firm
            and any(is_cap(t) for t in tail.split())
            and head_tokens[-2].lower() != "the"
            and (head_tokens[-2].lower().rstrip(".") not in TITLES or honorific)
            and head_tokens[-1].lower().rstrip(".") not in TITLES  # "Chief of Staff X"
        ):
            chosen = head  # "Mr. Morgan of the Sierra Club" too
    tokens = name_tokens(chosen)
    if tokens and described_with_a_place(chosen, tokens):
        return whole.split(",")[0].strip()  # "a lawyer based in Oslo": not Oslo
    if tokens and not all(t.lower().rstrip(".") in TITLES for t in tokens):
        return " ".join(tokens)
    return chosen


# what links a person described to a place or a body named after them
PLACE_LINKS = word_set("in at from of for near on by with across outside inside")


def described_with_a_place(phrase: str, tokens: Sequence[str]) -> bool:
    """Whether ``phrase`` describes someone unnamed and the only name in it (``tokens``, at
    its end) is where they are or what they belong to: "a lawyer based in Oslo", "the
    president of France", "two officials at the Pentagon"."""
    words = phrase.split()
    before = words[: len(words) - len(tokens)]
    while len(before) > 2 and before[-1].lower() in DETERMINERS:
        before.pop()  # "at the Pentagon"
    return (
        len(before) >= 2
        and before[0].lower() in DETERMINERS
        and before[-1] in PLACE_LINKS
        and not any(is_cap(w) for w in before[1:])
    )


class Names:
    """Full names introduced in an article, and the speakers the caller already knows."""

    def __init__(doc, text: str, known: Mapping[str, Sequence[str]] | None) -> None:
        doc.known: dict[str, str] = {}
        for canonical, aliases in (known or {}).items():
            for alias in (canonical, *aliases):
                doc.known[alias.casefold()] = canonical
        # surname -> first full name (two words or more) seen in the article
        doc.by_last: dict[str, str] = {}
        # the body before the headline: "Understated Perez raises ..." names no Perez
        head_end = text.find("\n")
        runs = sorted(NAME_RUN.finditer(text), key=lambda m: m.start() < head_end)
        for m in runs:
            tokens = name_tokens(m.group())
            titles = [i for i, t in enumerate(tokens) if t.lower().rstrip(".") in TITLES]
            if titles:
                tokens = tokens[titles[-1] + 1 :]  # "Labor Secretary Thomas Perez"
            if not 2 <= len(tokens) <= 4:
                continue
            if any(t.lower() in CUE_FORMS or t.lower() in NOT_NAMES for t in tokens):
                continue
            key = tokens[-1].lower().rstrip(".")
            if key in NAME_SUFFIXES and len(tokens) > 2:
                key = tokens[-2].lower().rstrip(",")
            doc.by_last.setdefault(key, " ".join(tokens))

    def canonical(doc, name: str) -> str:
        if not name:
            return ""
        hit = doc.known.get(name.casefold())
        if hit:
            return hit
        tokens = name.split()
        if not is_cap(tokens[-1]):
            return name
        last = tokens[-1].lower().rstrip(".")
        if len(tokens) == 1:
            full = doc.by_last.get(last)
            if full:
                return doc.known.get(full.casefold(), full)
        for alias, canonical in doc.known.items():
            words = alias.split()
            if words[-1:] == [last] and len(words) <= len(tokens) and tokens[0].lower() == words[0]:
                return canonical
        return name


def plausible_antecedent(name: str) -> bool:
    """A proper name, or a description headed by a role ("the former governor")."""
    words = name.split()
    if all(is_cap(w) or w.lower() in {"de", "van", "von", "bin", "al", "la"} for w in words):
        return True
    head = strip_possessive(words[-1].lower())
    if head in ROLE_HEAD_SET or head.rstrip("s") in ROLE_HEAD_SET:
        return True
    # "the retired neurosurgeon", "the Lincoln actor": a person described by the article
    return (
        len(words) >= 2
        and words[0].lower() == "the"
        and head.isalpha()
        and head.endswith(PERSON_ENDINGS)
    )


def clean_outlet(name: str) -> str:
    name = " ".join(name.split()).strip(" ,.")
    name = re.sub(rf"\s+(?:{OUTLET_WORDS})$", "", name, flags=re.IGNORECASE)
    return re.sub(r"^[Tt]he\s+", "", name) if not name.startswith("The ") else name[4:]


def issuer_and_role(source: str) -> tuple[str, str] | None:
    """The one a spokesperson or a document speaks for, and the role or document; None when
    ``source`` is neither.

    ``"a Nordfrakt spokesman"`` -> ``("Nordfrakt", "spokesman")``; ``"Exxon's lobbying
    disclosures"`` -> ``("Exxon", "disclosures")``; ``"a memo from the Justice Department"``
    -> ``("Justice Department", "memo")``; ``"a Clinton campaign official"`` -> ``("Clinton
    campaign", "official")``; ``"a spokesman"`` and ``"A statement published"`` name no one:
    ``("", "spokesman")``, ``("", "statement")``. ``"spokesman Steven Warren"`` is a person
    with a title, ``"George W. Bush, an aide"`` a person described: None.
    """
    phrase = re.split(r",|\s(?:who|which|whose|that)\s", source, maxsplit=1)[0]
    words = [w.strip(';:.()\u201c\u201d"') for w in phrase.split()]
    words = [w for w in words if w]
    roles = SPOKES_ROLES | DOCUMENT_WORDS
    head = next(
        (i for i, w in enumerate(words) if not is_cap(w) and w in roles),
        None,
    )
    if head is None:
        return None
    after = words[head + 1 :]
    if after and is_cap(after[0]):
        return None  # "spokesman Steven Warren": the person is named
    before = words[:head]
    # the capitalised words before the head, organisation nouns between them and it
    k = len(before)
    while k and not is_cap(before[k - 1]) and before[k - 1].lower() in ORGANISATION_NOUNS:
        k -= 1
    run_end = k
    while k and is_cap(before[k - 1]) and before[k - 1].lower() not in DETERMINERS:
        k -= 1
    run = before[k:head] if k < run_end else []
    if not run and len(before) >= 2 and before[-2].endswith(("'s", "\u2019s")):
        run = [before[-2]]  # "Exxon's lobbying disclosures": the owner issued them
    if not run and after and after[0].lower() in ISSUER_LINKS:
        for w in after[1:]:
            if not run and w.lower() in DETERMINERS:
                continue
            if not is_cap(w) and w.lower() not in {"of", "for", "and"}:
                break
            run.append(w)
        while run and not is_cap(run[-1]):
            run.pop()
    if len(run) == 1 and run[0].lower() in NATIONALITIES:
        run = []  # "an Israeli official", "one Democratic source": no one is named
    issuer = " ".join(strip_possessive(w) for w in run)
    return issuer, strip_possessive(words[head].lower())


def outlet_name(phrase: str) -> str | None:
    """``phrase`` as a news outlet (``Reuters``, ``The New York Times``, ``the RIA Novosti news
    agency``), or None when it does not read as one."""
    words = phrase.split()
    if not words or not any(is_cap(w) for w in words):
        return None
    lows = {strip_possessive(w.lower().strip(".,")) for w in words}
    if not (lows & MEDIA_NAME_WORDS or OUTLET_WORDS_END.search(phrase)):
        return None
    return clean_outlet(phrase)
