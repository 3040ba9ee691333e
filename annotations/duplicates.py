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

The page runs the finder over every speaker, ten thousand and more, so the work a name costs
is kept small: names are folded and transliterated in batches (one regular expression pass
over all of them, not a few calls a name), a key met by one name costs no list, and the
cycle collector is held while the finder makes its tens of thousands of short-lived
objects (see ``bench/duplicates.py``).
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, combinations
from typing import NamedTuple

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
_TITLES_OR_PAIRS = TITLES | _TITLE_PAIRS
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
# folded word; only their result is compared, never shown. Each rule comes with the
# substrings it needs to match at all: a word without any of them skips the rule's regular
# expression, which is most of the work of a new word (a thousand names are mostly new words).
_TRANSLIT = [
    (("ff", "w"), re.compile(r"(?<=[aeiou])(ff|w)$", re.M), "v"),  # Smirnoff, Konashenkow
    (("w",), re.compile(r"w"), "v"),
    # Zelenskiy, Zelenskyy, Sergei / Sergey
    (("y", "j", "i"), re.compile(r"(iy|ij|yy|yi|ii|ei|ey|y)$", re.M), "i"),
    (("kh",), re.compile(r"kh"), "h"),
    (("ch",), re.compile(r"(tch|tsch|ch)"), "c"),
    (("sch", "sh"), re.compile(r"(sch|sh)"), "s"),
    (("tz", "ts", "cz"), re.compile(r"(tz|ts|cz)"), "c"),
    (("ph",), re.compile(r"ph"), "f"),
    (("ck", "q"), re.compile(r"ck|q"), "k"),
    (("j", "y"), re.compile(r"[jy]"), "i"),
    (("ou",), re.compile(r"ou"), "u"),
    (("yo", "io", "jo"), re.compile(r"(yo|io|jo)"), "e"),
    ((), re.compile(r"(.)\1+"), r"\1"),  # doubled letters: Hillary / Hilary
]
_APOSTROPHES = re.compile(r"[’'`]")
_NON_WORD = re.compile(r"[^\w]+")
_PUNCTUATION = re.compile(r"[^\w\s]+")  # what name_words turns into a hyphen inside a word


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, accents and punctuation dropped, white space collapsed: the form names are
    compared in ("Ms. Élena  Petrova" -> "ms elena petrova")."""
    if text.isascii():  # most names: no accents to take apart, and lower() is casefold()
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text.casefold())
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", _APOSTROPHES.sub("", text)).split())


@lru_cache(maxsize=65536)
def translit(word: str) -> str:
    """A word's transliteration skeleton: variants of one name get the same one."""
    for needs, pattern, repl in _TRANSLIT:
        if not needs or any(n in word for n in needs):
            word = pattern.sub(repl, word)
    return word


def name_words(name: str) -> list[str]:
    """A name's words, each folded, a hyphenated one kept whole ("Resnick-Day" ->
    "resnick-day")."""
    if name.isascii():
        # fold() word by word, in one pass: punctuation inside a word becomes one hyphen.
        words = (
            _NON_WORD.sub("-", w).strip("-") for w in _APOSTROPHES.sub("", name.lower()).split()
        )
    else:
        words = (fold(w).replace(" ", "-") for w in name.split())
    return [w for w in words if w]


def title_bounds(words: list[str]) -> tuple[int, int]:
    """Where a name's own words start and end: after the titles before it, before the
    suffixes after it. A name that is all titles keeps its words."""
    start, end = 0, len(words)
    while start < end - 1 and words[start].replace("-", " ") in _TITLES_OR_PAIRS:
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
    if name.isascii():  # one search instead of a loop over the words
        return bool(name.strip()) and not _NOT_A_NAME.search(name)
    words = name.split()
    if not words:
        return False
    for word in words:
        if word == "&" or "/" in word:
            return False
        first = next((c for c in word if c.isalpha()), "")
        if not first.isupper() or word.casefold() in _JOINING:  # "A." is an initial
            return False
    return True


# In a plain ASCII name, what makes it read as no name: a slash, or a word that starts
# (past any punctuation) with a small letter, that has no letter, or that is a joining word.
_NOT_A_NAME = re.compile(
    r"/|(?<!\S)(?:[^A-Za-z\s]*[a-z]|[^A-Za-z\s]+(?!\S)|(?i:the|an?|and|or|of)(?!\S))"
)
_JOINING = frozenset({"the", "a", "an", "and", "or", "of"})


class Entry(NamedTuple):
    """A speaker or outlet as the finder sees it. ``person`` says which rules apply: those
    for people's names (first names, initials, surnames) or those for organisations. (A
    named tuple: the page makes one for each of ten thousand speakers.)"""

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


_NONE: frozenset[str] = frozenset()


class _Name:
    """An entry's name taken apart once, for every comparison it meets: its folded words
    (``raw``, from :func:`name_words`) without titles and suffixes, and its aliases."""

    __slots__ = ("entry", "person", "folded", "titles", "suffixes", "words", "bare", "aliases")
    __slots__ += ("skeleton", "key_words")

    def __init__(self, entry: Entry, raw: list[str], folded: str):
        self.entry = entry
        self.person = entry.person and looks_like_name(entry.name)
        self.folded = folded
        start, end = title_bounds(raw) if self.person else (0, len(raw))
        self.titles, self.suffixes = raw[:start], raw[end:]
        words = raw[start:end] if self.person else [w for w in raw if w not in ARTICLES]
        self.words = words or raw
        self.bare = " ".join(self.words)
        self.aliases = {fold(a) for a in entry.aliases} - {""} if entry.aliases else _NONE
        # Filled in by the finder, which transliterates every name's words at once.
        self.skeleton = ""
        self.key_words: list[list[str]] = []

    @property
    def surname(self) -> str:
        return self.words[-1] if self.words else ""

    @property
    def firsts(self) -> list[str]:
        return self.words[:-1]

    def words_for_keys(self) -> list[list[str]]:
        """The words its blocks are made from: its name's, and each alias's, without titles
        (a person's) or "the" (an organisation's)."""
        lists = [self.words]
        for alias in self.aliases:
            words = alias.split()
            if self.person:
                words = strip_titles(words)
            else:
                words = [w for w in words if w not in ARTICLES] or words
            if words:
                lists.append(words)
        return lists

    def block_keys(self, skeleton: dict[str, str]) -> set[str]:
        """The blocks this entry is compared in, for its name and for each alias: its whole
        name's skeleton; a person's surname's skeleton (an organisation's first word's); and
        the surname (the whole organisation name) with each letter left out in turn, so
        that two spellings one letter apart share a block. ``skeleton`` maps each word to
        its :func:`translit`."""
        keys = set()
        for words in self.key_words:
            if not words:
                continue
            pieces = "-".join(words).split("-") if "-" in "".join(words) else words
            keys.add("w:" + " ".join(map(skeleton.__getitem__, pieces)))
            if self.person:
                keys.add("s:" + skeleton[words[-1]])
                slip, shortest = words[-1], 6
            else:
                keys.add("f:" + skeleton[words[0]])
                slip, shortest = "".join(words), 8
            if len(slip) >= shortest:
                keys.update(_slip_keys(slip))
        return keys


def translit_all(words: Iterable[str]) -> dict[str, str]:
    """:func:`translit` of many words at once: each rule runs once over all of them joined
    by line breaks (no rule reaches across one), not once a word."""
    words = list(dict.fromkeys(words))
    if not words:
        return {}
    text = "\n".join(words)
    for _, pattern, repl in _TRANSLIT:
        text = pattern.sub(repl, text)
    return dict(zip(words, text.split("\n"), strict=True))


def parse_names(entries: Iterable[Entry]) -> list[_Name]:
    """Every entry's :class:`_Name`. Plain ASCII names (most) are folded together: one lower
    case and one punctuation pass over all of them rather than a few calls a name."""
    entries = list(entries)
    plain = [e for e in entries if e.name.isascii() and "\n" not in e.name]
    text = _APOSTROPHES.sub("", "\n".join(e.name for e in plain).lower())
    lines = _PUNCTUATION.sub("-", text).split("\n") if plain else []
    names = []
    for entry, line in zip(plain, lines, strict=True):
        raw = line.split()
        if "-" in line:
            raw = [w for w in (w.strip("-") for w in raw) if w]
        names.append(_Name(entry, raw, " ".join(raw).replace("-", " ")))
    for entry in entries:
        if not (entry.name.isascii() and "\n" not in entry.name):
            names.append(_Name(entry, name_words(entry.name), fold(entry.name)))
    return names


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


class _Owners:
    """Which entries answer to a name: one id, or a set once a second comes (most names
    have one owner, and a set for each would be most of the cost of counting them)."""

    def __init__(self):
        self._of: dict[str, int | set[int]] = {}

    def add(self, name: str, owner: int) -> None:
        found = self._of.setdefault(name, owner)
        if isinstance(found, set):
            found.add(owner)
        elif found != owner:
            self._of[name] = {found, owner}

    def only(self, name: str) -> int | None:
        """The one entry that answers to ``name``, if only one does."""
        found = self._of.get(name)
        return None if isinstance(found, set) else found

    def other_than(self, name: str, ids: set[int]) -> bool:
        """Whether an entry other than ``ids`` answers to ``name``."""
        found = self._of.get(name)
        if found is None:
            return False
        return bool(found - ids) if isinstance(found, set) else found not in ids


class Finder:
    """Pairs of likely duplicates in a list of entries (see the module's rules)."""

    def __init__(self, entries: Iterable[Entry], *, distinct: Iterable[tuple[int, int]] = ()):
        self.names = sorted(parse_names(entries), key=lambda n: n.entry.id)
        self.distinct = {(min(a, b), max(a, b)) for a, b in distinct}
        self.compared = 0  # pairs of names looked at, for the curious and the tests
        # Who answers to a one-word folded name (an alias, a surname): such a match counts
        # only when it points at one entry. Longer names always do, so only one-word
        # names are counted here.
        self.owners = _Owners()
        self.surname_owners = _Owners()
        for n in self.names:
            for key in (n.folded, n.bare, *n.aliases):
                if " " not in key:
                    self.owners.add(key, n.entry.id)
            if n.person and len(n.words) > 1:
                self.surname_owners.add(n.surname, n.entry.id)
        # Every word's transliteration skeleton, worked out in one go.
        for n in self.names:
            n.key_words = n.words_for_keys()
        words = list(chain.from_iterable(chain.from_iterable(n.key_words for n in self.names)))
        words += [p for w in words if "-" in w for p in w.split("-")]
        self.skeletons = translit_all(words)
        for n in self.names:
            n.skeleton = " ".join(map(self.skeletons.__getitem__, n.words))

    def blocks(self) -> dict[str, list[_Name]]:
        """The names met under each key that more than one name has. Most keys belong to one
        name, so the keys are first counted all at once (``Counter`` does it without a
        Python step a key), and only the names holding a shared key are placed."""
        keys = [n.block_keys(self.skeletons) for n in self.names]
        counts = Counter(chain.from_iterable(keys))
        shared = {key for key, count in counts.items() if count > 1}
        blocks: dict[str, list[_Name]] = defaultdict(list)
        for n, held in zip(self.names, keys, strict=True):
            if not shared.isdisjoint(held):
                for key in shared.intersection(held):
                    blocks[key].append(n)
        return blocks

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
        for rule, test in _RULE_TESTS:
            reason = test(self, first, second)
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
        return not (self.owners.other_than(name, ids) or self.surname_owners.other_than(name, ids))

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
        if self.skeletons[a.surname] != self.skeletons[b.surname]:
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
        if full.surname != key or self.surname_owners.only(key) != full.entry.id:
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


# Each rule's method, looked up once (not on the finder: bound methods would make each
# finder a reference cycle, freed only by the cycle collector).
_RULE_TESTS = [(rule, getattr(Finder, f"_{rule}")) for rule in RULES]


def find_pairs(entries: Iterable[Entry], *, distinct: Iterable[tuple[int, int]] = ()) -> list[Pair]:
    """Likely duplicate pairs among ``entries``, leaving out the ``distinct`` id pairs that
    an editor said are different."""
    with _cycles_uncollected():
        return Finder(entries, distinct=distinct).pairs()


@contextmanager
def _cycles_uncollected():
    """Hold Python's cycle collector while the finder runs. It makes tens of thousands of
    small lists and sets, none in a reference cycle; each few hundred of them would start a
    collection, and every few of those walks the whole process (all of Django), which
    cost a fifth to a third of the page's time and found nothing. Plain reference counting
    frees them as before. The collector is switched back on only if it was on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def matches(name: str, entries: Iterable[Entry], *, person: bool = True) -> Iterator[Pair]:
    """The entries that a new ``name`` would be a likely duplicate of (id 0 stands for the
    new name), surest first."""
    entries = list(entries)
    pairs = Finder([Entry(0, name, person=person), *entries]).pairs()
    return (p for p in pairs if p.first == 0)
