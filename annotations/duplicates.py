"""Likely duplicates among names: which speakers (or outlets) are probably one.

Pure Python on names, no models: the pages hand in :class:`Entry` rows and get back
:class:`Pair` rows, each with the reason a person can check. Names are first *blocked* by a
key of their surname (or first word, for organisations), so that only names sharing a block
are compared: the work grows with the block sizes, not with the square of the list.

The rules, in the order they are tried (the first that fires names the reason):

1. the same name once case, accents and punctuation are set aside;
2. the same name once titles are stripped ("Maj. Gen. Igor Konashenkov");
3. an alias of one is the other's name, or both carry the same full-name alias;
4. transliteration variants ("Konashenkov" / "Konashenkow", "Zelensky" / "Zelenskiy");
5. the same surname with compatible first names ("I. Konashenkov", "Bill" / "William");
6. one name is the other with words of description before it ("Rival Hillary Clinton");
7. a surname alone that only one full name in the list ends with;
8. a small spelling slip (edit distance, through ``rapidfuzz``) with compatible first names.

A "person" is an entry of that kind whose name reads as one (capitalised words, no "the",
no "and"); other entries get the rules for organisations: no first names, no surnames.

Entries with two different descriptions are never paired: an editor has told them apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import combinations

from rapidfuzz.distance import Levenshtein

# Honorifics, ranks and offices that stand before a name and are not part of it. Folded
# (lower case, no dots); "maj gen" is two of them.
_TITLE_WORDS = """
    mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend fr father sister
    brother saint st president vice prime minister pm chancellor premier king queen prince
    princess sheikh emir sen senator rep representative congressman congresswoman gov
    governor mayor judge justice chief secretary ambassador amb deputy gen general lt
    lieutenant col colonel maj major capt captain cmdr commander adm admiral sgt sergeant
    cpl corporal pvt private brig brigadier marshal field air rear ltgen majgen brig-gen
    lt-gen maj-gen lt-col attorney spokesman spokeswoman spokesperson former ex acting interim
"""
TITLES = frozenset(_TITLE_WORDS.split())
_TITLE_PAIRS = frozenset({"maj gen", "lt gen", "brig gen", "lt col", "rear adm", "vice adm"})
SUFFIXES = frozenset(["jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"])
ARTICLES = frozenset({"the"})  # "a Republican" is someone unnamed, not "Republican"

# Short forms of first names that the news uses interchangeably with the full ones.
NICKNAMES = {
    "bill": "william",
    "will": "william",
    "billy": "william",
    "bob": "robert",
    "rob": "robert",
    "bobby": "robert",
    "mike": "michael",
    "jim": "james",
    "jimmy": "james",
    "joe": "joseph",
    "tom": "thomas",
    "dick": "richard",
    "rick": "richard",
    "chuck": "charles",
    "charlie": "charles",
    "dan": "daniel",
    "dave": "david",
    "steve": "steven",
    "stephen": "steven",
    "chris": "christopher",
    "tony": "anthony",
    "nick": "nicholas",
    "sam": "samuel",
    "ben": "benjamin",
    "ron": "ronald",
    "don": "donald",
    "pat": "patrick",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "kate": "katherine",
    "cathy": "catherine",
    "jeff": "jeffrey",
    "greg": "gregory",
    "matt": "matthew",
    "andy": "andrew",
    "alex": "alexander",
    "sasha": "alexander",
    "ted": "edward",
    "ed": "edward",
    "jon": "jonathan",
    "larry": "lawrence",
    "jerry": "gerald",
    "hank": "henry",
    "harry": "henry",
    "jack": "john",
    "johnny": "john",
    "peggy": "margaret",
    "maggie": "margaret",
    "sue": "susan",
    "vlad": "vladimir",
    "volodymyr": "vladimir",
    "dmitri": "dmitry",
    "dimitri": "dmitry",
    "sergei": "sergey",
    "yuri": "yury",
}

# Spelling rules that make transliterations of one name agree, in order. Applied to a
# folded word; only their result is compared, never shown.
_TRANSLIT = [
    (re.compile(r"(?<=[aeiou])(ff|w)$"), "v"),  # Smirnoff, Konashenkow
    (re.compile(r"w"), "v"),
    (re.compile(r"(iy|ij|yy|yi|ii|ei|ey|y)$"), "i"),  # Zelenskiy, Zelenskyy, Sergei/Sergey
    (re.compile(r"kh"), "h"),
    (re.compile(r"(tch|tsch|ch)"), "c"),
    (re.compile(r"(sch|sh)"), "s"),
    (re.compile(r"(tz|ts|cz)"), "c"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck|q"), "k"),
    (re.compile(r"[jy]"), "i"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"(yo|io|jo)"), "e"),
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: Hillary / Hilary
]


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, accents and punctuation dropped, white space collapsed: the form names are
    compared in ("Ms. Élena  Petrova" -> "ms elena petrova")."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[’'`]", "", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


@lru_cache(maxsize=65536)
def translit(word: str) -> str:
    """A word's transliteration skeleton: variants of one name get the same one."""
    for pattern, repl in _TRANSLIT:
        word = pattern.sub(repl, word)
    return word


def name_words(name: str) -> list[str]:
    """A name's words, each folded, a hyphenated one kept whole ("Resnick-Day" ->
    "resnick-day")."""
    words = (fold(w).replace(" ", "-") for w in name.split())
    return [w for w in words if w]


def title_bounds(words: list[str]) -> tuple[int, int]:
    """Where a name's own words start and end: after the titles before it, before the
    suffixes after it. A name that is all titles keeps its words."""
    start, end = 0, len(words)
    while start < end - 1 and words[start].replace("-", " ") in TITLES | _TITLE_PAIRS:
        start += 1
    while end - 1 > start and words[end - 1] in SUFFIXES:
        end -= 1
    return start, end


def strip_titles(words: list[str]) -> list[str]:
    """The words of a folded name without titles before it and suffixes after it."""
    start, end = title_bounds(words)
    return words[start:end]


def looks_like_name(name: str) -> bool:
    """Whether a person's name reads as one: every word capitalised, no article or joining
    word ("the only powerful Democrat", "Bernie Sanders And Hillary Clinton" do not)."""
    words = name.split()
    if not words or any(w in {"&", "/"} or "/" in w for w in words):
        return False
    for word in words:
        letters = [c for c in word if c.isalpha()]
        if not letters or not letters[0].isupper():
            return False
        if word.casefold() in {"the", "a", "an", "and", "or", "of"}:  # "A." is an initial
            return False
    return True


@dataclass(frozen=True)
class Entry:
    """A speaker or outlet as the finder sees it. ``person`` says which rules apply: those
    for people's names (first names, initials, surnames) or those for organisations."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()
    person: bool = True
    description: str = ""


@dataclass(frozen=True, order=True)
class Pair:
    """Two entries that are probably one, ``first`` the lower id, and why."""

    first: int
    second: int
    reason: str = field(compare=False)
    rule: str = field(compare=False)


class _Name:
    """An entry's name taken apart once, for every comparison it meets."""

    def __init__(self, entry: Entry):
        self.entry = entry
        self.person = entry.person and looks_like_name(entry.name)
        self.folded = fold(entry.name)
        raw = name_words(entry.name)
        start, end = title_bounds(raw) if self.person else (0, len(raw))
        self.titles, self.suffixes = raw[:start], raw[end:]
        words = raw[start:end] if self.person else [w for w in raw if w not in ARTICLES]
        self.words = words or raw
        self.bare = " ".join(self.words)
        self.aliases = {fold(a) for a in entry.aliases} - {""}

    @cached_property
    def skeleton(self) -> str:
        return " ".join(translit(w) for w in self.words)

    @property
    def surname(self) -> str:
        return self.words[-1] if self.words else ""

    @property
    def firsts(self) -> list[str]:
        return self.words[:-1]

    def block_keys(self) -> set[str]:
        """The blocks this entry is compared in, for its name and for each alias: its whole
        name's skeleton; a person's surname's skeleton (an organisation's first word's); and
        the surname (the whole organisation name) with each letter left out in turn, so
        that two spellings one letter apart share a block."""
        keys = set()
        for words in [self.words, *(a.split() for a in self.aliases)]:
            if self.person:
                words = strip_titles(words)
            else:
                words = [w for w in words if w not in ARTICLES] or words
            if not words:
                continue
            keys.add("w:" + " ".join(translit(w) for w in "-".join(words).split("-")))
            if self.person:
                keys.add("s:" + translit(words[-1]))
                slip, shortest = words[-1], 6
            else:
                keys.add("f:" + translit(words[0]))
                slip, shortest = "".join(words), 8
            if len(slip) >= shortest:
                keys.update(_slip_keys(slip))
        return keys


@lru_cache(maxsize=65536)
def _slip_keys(word: str) -> tuple[str, ...]:
    """The word with each letter left out in turn: two words one edit apart share one."""
    return tuple(f"d:{word[:i]}{word[i + 1 :]}" for i in range(len(word)))


@lru_cache(maxsize=65536)
def _first_names_compatible(a: str, b: str) -> bool:
    """ "I" and "Igor", "Alex" and "Alexander", "Bill" and "William", "Hilary" and
    "Hillary"; not "John" and "Joan"."""
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    if NICKNAMES.get(a, a) == NICKNAMES.get(b, b):
        return True
    if translit(a) == translit(b):
        return True
    # A short form ("Doug" / "Douglas"); a one-letter slip is not enough ("Ivana" / "Ivanka").
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.startswith(short)


def _given_names_compatible(a: list[str], b: list[str]) -> bool:
    """First names compatible, and middle names (when both give them) too."""
    if not a or not b:
        return False
    if not _first_names_compatible(a[0], b[0]):
        return False
    return all(_first_names_compatible(x, y) for x, y in zip(a[1:], b[1:], strict=False))


def _acronym(*names: str) -> bool:
    """ "GOP", "the U.S.": an organisation's short name, not a word for a kind of person."""
    words = [w for name in names for w in name.split() if w.casefold() != "the"]
    return all(w.isupper() or "." in w for w in words)


def _plural_only(a: str, b: str) -> bool:
    """ "Republican" and "Republicans": one and many, not one name spelt twice."""
    return a + "s" == b or b + "s" == a


def _quoted(text: str) -> str:
    return f"“{text}”"


class Finder:
    """Pairs of likely duplicates in a list of entries (see the module's rules)."""

    def __init__(self, entries: Iterable[Entry], *, distinct: Iterable[tuple[int, int]] = ()):
        self.names = sorted((_Name(e) for e in entries), key=lambda n: n.entry.id)
        self.distinct = {(min(a, b), max(a, b)) for a, b in distinct}
        self.compared = 0  # pairs of names looked at, for the curious and the tests
        # Who answers to a folded name: for aliases and lone surnames, a match counts only
        # when it points at one entry.
        self.owners: dict[str, set[int]] = defaultdict(set)
        self.surname_owners: dict[str, set[int]] = defaultdict(set)
        for n in self.names:
            for key in (n.folded, n.bare, *n.aliases):
                self.owners[key].add(n.entry.id)
            if n.person and len(n.words) > 1:
                self.surname_owners[n.surname].add(n.entry.id)

    def blocks(self) -> dict[str, list[_Name]]:
        blocks: dict[str, list[_Name]] = defaultdict(list)
        for n in self.names:
            for key in n.block_keys():
                blocks[key].append(n)
        return {key: members for key, members in blocks.items() if len(members) > 1}

    def pairs(self) -> list[Pair]:
        """Every likely pair once, the surest reasons first, then by name."""
        found: dict[tuple[int, int], Pair] = {}
        seen: set[tuple[int, int]] = set()
        # Members come in id order; a group of names met under several keys is walked once.
        for members in {tuple(m) for m in self.blocks().values()}:
            for a, b in combinations(members, 2):
                key = (a.entry.id, b.entry.id)
                if key in seen or key in self.distinct or key[0] == key[1]:
                    continue
                seen.add(key)
                self.compared += 1
                pair = self.compare(a, b)
                if pair is not None:
                    found[key] = pair
        by_id = {n.entry.id: n for n in self.names}
        return sorted(
            found.values(),
            key=lambda p: (RULES.index(p.rule), by_id[p.first].folded, p.first, p.second),
        )

    def compare(self, a: _Name, b: _Name) -> Pair | None:
        described = a.entry.description and b.entry.description
        if described and fold(a.entry.description) != fold(b.entry.description):
            return None
        if a.suffixes and b.suffixes and a.suffixes != b.suffixes:
            return None  # "Jr" and "III" are two generations
        first, second = (a, b) if a.entry.id < b.entry.id else (b, a)
        for rule in RULES:
            reason = getattr(self, f"_{rule}")(first, second)
            if reason:
                return Pair(first.entry.id, second.entry.id, reason, rule)
        return None

    # The rules: each returns the reason, or None. ------------------------------------------

    def _same_name(self, a: _Name, b: _Name) -> str | None:
        if a.folded == b.folded:
            return "same name apart from case, accents or punctuation"
        return None

    def _titles(self, a: _Name, b: _Name) -> str | None:
        if a.bare != b.bare:
            return None
        if not (a.person and b.person):
            if len(a.words) == 1 and not _acronym(a.entry.name, b.entry.name):
                return None  # "the Republican" is someone unnamed, not "Republican"
            return "same name apart from “the”"
        if a.suffixes and b.suffixes:
            return None  # "Jr" and "III" are two generations
        if (a.suffixes or b.suffixes) and len(a.words) < 2:
            return None  # "Harris Jr." is not every Harris
        stripped = " / ".join(
            _quoted(" ".join(n.titles + n.suffixes)) for n in (a, b) if n.titles or n.suffixes
        )
        return f"same name once titles are stripped ({stripped})"

    def _descriptor(self, a: _Name, b: _Name) -> str | None:
        """ "Rival Hillary Clinton" is Hillary Clinton with a word of description before."""
        if not (a.person and b.person):
            return None
        short, long = (a, b) if len(a.words) < len(b.words) else (b, a)
        if len(short.words) < 2 or long.words[-len(short.words) :] != short.words:
            return None
        extra = " ".join(long.entry.name.split()[: len(long.words) - len(short.words)])
        return f"{_quoted(long.entry.name)} is {short.entry.name} with {_quoted(extra)} before it"

    def _alias(self, a: _Name, b: _Name) -> str | None:
        for x, y in ((a, b), (b, a)):
            for name in (x.folded, x.bare):
                if name in y.aliases and self._unique(name, x, y):
                    return f"{_quoted(x.entry.name)} is an alias of {y.entry.name}"
        shared = sorted(a.aliases & b.aliases)
        for alias in shared:
            if len(alias.split()) > 1:
                return f"both have the alias {_quoted(alias)}"
        return None

    def _unique(self, name: str, *pair: _Name) -> bool:
        """A full name points at one entry; a single word (a surname alias) only when no
        entry outside the pair answers to it or has it as a surname ("Silverman" is an
        alias of Brandon Silverman, but Sarah Silverman is there too)."""
        if len(name.split()) > 1:
            return True
        ids = {n.entry.id for n in pair}
        return not (self.owners[name] - ids or self.surname_owners.get(name, set()) - ids)

    def _translit(self, a: _Name, b: _Name) -> str | None:
        if a.bare != b.bare and len(a.words) == len(b.words) and a.skeleton == b.skeleton:
            if len(a.words) == 1 and min(len(a.bare), len(b.bare)) < 5:
                return None  # "Fed" / "Feed"
            if _plural_only(a.bare, b.bare):
                return None
            diff = [(x, y) for x, y in zip(a.words, b.words, strict=True) if x != y]
            shown = ", ".join(f"{x.title()} / {y.title()}" for x, y in diff)
            return f"transliteration variants ({shown})"
        return None

    def _surname(self, a: _Name, b: _Name) -> str | None:
        if not (a.person and b.person) or len(a.words) < 2 or len(b.words) < 2:
            return None
        if translit(a.surname) != translit(b.surname):
            return None
        if not _given_names_compatible(a.firsts, b.firsts):
            return None
        given = f"{' '.join(a.firsts).title()} / {' '.join(b.firsts).title()}"
        return f"same surname, compatible first names ({given})"

    def _lone_surname(self, a: _Name, b: _Name) -> str | None:
        if not (a.person and b.person):
            return None
        lone, full = (a, b) if len(a.words) == 1 else (b, a)
        if len(lone.words) != 1 or len(full.words) < 2:
            return None
        key = lone.surname
        if full.surname != key or self.surname_owners[key] != {full.entry.id}:
            return None
        return f"{_quoted(lone.entry.name)} alone, and only {full.entry.name} has that surname"

    def _spelling(self, a: _Name, b: _Name) -> str | None:
        if a.person and b.person:
            if len(a.words) < 2 or len(b.words) < 2:
                return None
            x, y = a.surname, b.surname
            if min(len(x), len(y)) < 6 or x[0] != y[0]:
                return None
            if not _given_names_compatible(a.firsts, b.firsts):
                return None
        else:
            x, y = a.bare.replace(" ", ""), b.bare.replace(" ", "")
            if min(len(x), len(y)) < 8:
                return None
        if x == y or _plural_only(x, y):
            return None
        if Levenshtein.distance(x, y, score_cutoff=1) <= 1:
            return f"spelling differs by one letter ({_quoted(x.title())} / {_quoted(y.title())})"
        return None


RULES = [
    "same_name",
    "titles",
    "alias",
    "translit",
    "surname",
    "descriptor",
    "lone_surname",
    "spelling",
]


def find_pairs(entries: Iterable[Entry], *, distinct: Iterable[tuple[int, int]] = ()) -> list[Pair]:
    """Likely duplicate pairs among ``entries``, leaving out the ``distinct`` id pairs that
    an editor said are different."""
    return Finder(entries, distinct=distinct).pairs()


def matches(name: str, entries: Iterable[Entry], *, person: bool = True) -> Iterator[Pair]:
    """The entries that a new ``name`` would be a likely duplicate of (id 0 stands for the
    new name), surest first."""
    entries = list(entries)
    pairs = Finder([Entry(0, name, person=person), *entries]).pairs()
    return (p for p in pairs if p.first == 0)
