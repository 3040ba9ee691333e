"""The duplicate finder on names alone: a table of pairs it must offer, and of pairs it must
not."""

import gc
import random
import weakref

import pytest

from annotations.duplicates import (
    Entry,
    Finder,
    _Name,
    find_pairs,
    fold,
    matches,
    name_words,
    parse_names,
    translit,
    translit_all,
)

SAME = [
    ("Igor Konashenkov", "igor  konashenkov", "same name"),
    ("Martin O’Malley", "Martin O'Malley", "same name"),
    ("Élena Petrova", "Elena Petrova", "same name"),
    ("Maj. Gen. Igor Konashenkov", "Igor Konashenkov", "titles are stripped"),
    ("Brent Bozell III", "Brent Bozell", "titles are stripped"),
    ("Igor Konashenkov", "Igor Konashenkow", "transliteration"),
    ("Volodymyr Zelensky", "Volodymyr Zelenskyy", "transliteration"),
    ("Vladimir Zhirinovsky", "Vladimir Zhirinovskiy", "transliteration"),
    ("Mikhail Gorbachev", "Mikhail Gorbachyov", "transliteration"),
    ("I. Konashenkov", "Igor Konashenkov", "compatible first names"),
    ("A. Volkova", "Anna Volkova", "compatible first names"),
    ("Bill Clinton", "William Clinton", "compatible first names"),
    ("Doug Schoen", "Douglas Schoen", "compatible first names"),
    ("Hillary Clinton", "Hillary Rodham Clinton", "compatible first names"),
    ("Hilary Clinton", "Hillary Clinton", "transliteration"),
    ("Rival Hillary Clinton", "Hillary Clinton", "before it"),
    ("Konashenkov", "Igor Konashenkov", "only Igor Konashenkov has that surname"),
    ("Sergey Lavrov", "Sergey Lavrow", "transliteration"),
    ("Hillary Clinton", "Hillary Clintom", "spelling differs by one letter"),
    ("The Moscow Times", "Moscow Times", "apart from “the”"),
    ("the GOP", "GOP", "apart from “the”"),
    ("Interfax-Ukraine", "Interfax Ukraine", "same name"),
]

DIFFERENT = [
    ("John Smith", "Jane Smith"),
    ("John Smith", "Joan Smith"),
    ("Ivana Trump", "Ivanka Trump"),
    ("Bill Clinton", "Hillary Clinton"),
    ("Charles Elliott III", "Charles Elliott Jr"),
    ("Harris Jr.", "Harris"),
    ("Republican", "Republicans"),
    ("Kentucky Republican", "Kentucky Republicans"),
    ("A Republican", "Republican"),
    ("the Republican", "Republican"),
    ("Fed", "Feed"),
    ("Bernie Sanders And Hillary Clinton", "Hillary Clinton"),
    ("the only powerful Democrat", "The Democrat"),
    ("Maria Smith", "Mario Smith"),
    ("Lael Brainard", "Braynard"),
]


def pair_of(a: str, b: str, **kwargs):
    pairs = find_pairs([Entry(1, a, **kwargs), Entry(2, b)])
    return pairs[0] if pairs else None


@pytest.mark.parametrize(("a", "b", "reason"), SAME)
def test_likely_duplicates_are_found_with_their_reason(a, b, reason):
    pair = pair_of(a, b)
    assert pair is not None, f"{a!r} and {b!r} should pair"
    assert reason in pair.reason
    assert (pair.first, pair.second) == (1, 2)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_people_are_not_paired(a, b):
    assert pair_of(a, b) is None


def test_alias_match_names_the_alias():
    pairs = find_pairs(
        [Entry(1, "Igor Konashenkov", aliases=("Konashenkov",)), Entry(2, "Konashenkov")]
    )
    assert [(p.first, p.second) for p in pairs] == [(1, 2)]
    assert "“Konashenkov” is an alias of Igor Konashenkov" in pairs[0].reason


def test_a_surname_alias_that_two_people_carry_matches_neither():
    pairs = find_pairs(
        [
            Entry(1, "Bill Clinton", aliases=("Clinton",)),
            Entry(2, "Hillary Clinton", aliases=("Clinton",)),
            Entry(3, "Clinton"),
        ]
    )
    assert pairs == []


def test_a_surname_alias_is_no_match_when_someone_else_has_that_surname():
    pairs = find_pairs(
        [
            Entry(1, "Brandon Silverman", aliases=("Silverman",)),
            Entry(2, "Sarah Silverman"),
            Entry(3, "Silverman"),
        ]
    )
    assert pairs == []


def test_a_shared_full_name_alias_pairs():
    pairs = find_pairs(
        [
            Entry(1, "Igor Konashenkov", aliases=("I. Y. Konashenkov",)),
            Entry(2, "Major General Konashenkov", aliases=("I. Y. Konashenkov",)),
        ]
    )
    assert len(pairs) == 1


def test_two_described_people_of_one_name_are_not_paired():
    entries = [
        Entry(1, "John Smith", description="the senator"),
        Entry(2, "John Smith", description="the footballer"),
        Entry(3, "John Smith"),
    ]
    assert {(p.first, p.second) for p in find_pairs(entries)} == {(1, 3), (2, 3)}


def test_pairs_marked_distinct_are_left_out():
    entries = [Entry(1, "Igor Konashenkov"), Entry(2, "Igor Konashenkow")]
    assert find_pairs(entries, distinct=[(2, 1)]) == []


def test_organisations_get_no_first_name_rules():
    # "Reuters Foundation" is not "Thomson Reuters Foundation" spelt with a first name.
    assert pair_of("Thomson Reuters", "Reuters", person=False) is None


def test_matches_names_the_existing_entry_for_a_new_name():
    entries = [Entry(7, "Elena Petrova"), Entry(8, "Ivan Petrov")]
    found = list(matches("E. Petrova", entries))
    assert [p.second for p in found] == [7]


def test_fold_and_translit():
    assert fold("  Maj. Gen. Ígor   KONASHENKOV ") == "maj gen igor konashenkov"
    assert translit("konashenkow") == translit("konashenkov")
    assert translit("zelenskyy") == translit("zelensky") == translit("zelenskiy")


SYLLABLES = "ka lo mi ren tor vash el pan dru sel kov ber han zi mon ta ri gul fen os"


def synthetic_names(count: int, seed: int = 7) -> list[str]:
    """Made-up "First Last" names from syllables: like a newsroom's list, few near-alike."""
    rng = random.Random(seed)
    syllables = SYLLABLES.split()

    def word(parts):
        return "".join(rng.choice(syllables) for _ in range(parts)).title()

    firsts = [word(2) for _ in range(400)]
    return [f"{rng.choice(firsts)} {word(3)}" for _ in range(count)]


def test_blocking_compares_a_few_pairs_per_name_not_every_pair():
    # Timings belong in bench/duplicates.py; here, that the work grows with the names.
    names = synthetic_names(3000)
    finder = Finder([Entry(n, name) for n, name in enumerate(names)])
    finder.pairs()
    assert finder.compared < 3 * len(names)  # all pairs would be 4.5 million


TRICKY_NAMES = [
    "Maj. Gen. Igor Konashenkov",
    "Martin O’Malley",
    "Élena  Petrova",
    "Resnick-Day",
    "Deal.'",
    "PAC'",
    "the U.S.",
    "Bernie Sanders And Hillary Clinton",
    "a Republican",
    "A. Volkova",
    "& Co",
    "AT&T / Verizon",
    "1st Lt. John Smith",
    "Enrique PeÃ±a Nieto",
    "Zoë\tKravitz",
    "",
    "   ",
    "-- --",
    "ß Straße",
]


@pytest.mark.parametrize("name", TRICKY_NAMES)
def test_names_parsed_in_a_batch_read_as_one_at_a_time(name):
    # The finder folds plain names together; each must come out as name_words() and fold()
    # make of it alone, beside names that take the one-at-a-time path.
    entries = [Entry(1, "Ivan Petrov"), Entry(2, name), Entry(3, "Ángel Núñez")]
    batch = {n.entry.id: n for n in parse_names(entries)}[2]
    alone = _Name(entries[1], name_words(name), fold(name))
    for part in ("folded", "titles", "words", "suffixes", "bare", "person"):
        assert getattr(batch, part) == getattr(alone, part), part


def test_no_entries_no_pairs():
    assert find_pairs([]) == [] and translit_all([]) == {} and parse_names([]) == []


def test_transliterating_a_batch_matches_one_word_at_a_time():
    words = ["konashenkow", "zelenskyy", "zelenskiy", "gorbachyov", "smirnoff", "khodorkovsky"]
    words += ["tschaikowsky", "philipp", "jackson", "queue", "yuri", "ii", "y", "hillary", "ab-cy"]
    assert translit_all(words) == {w: translit(w) for w in words}


def test_the_finder_leaves_the_cycle_collector_alone_and_as_it_found_it():
    # Thousands of names make tens of thousands of short-lived lists and sets, none in a
    # cycle: collecting them would cost a walk over the whole process for nothing.
    entries = [Entry(n, name) for n, name in enumerate(synthetic_names(3000))]
    passes = []

    def count(phase, info):
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(count)
    try:
        assert gc.isenabled()
        find_pairs(entries)
        # The allocations made while it was off still count towards the next pass, so one
        # young pass may start as soon as the collector is back on; never the dozens that
        # the finder's work would have set off.
        assert gc.isenabled() and len(passes) <= 1
        gc.disable()
        find_pairs(entries[:10])
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.callbacks.remove(count)


def test_a_finder_is_freed_without_the_cycle_collector():
    finder = Finder([Entry(1, "Igor Konashenkov"), Entry(2, "I. Konashenkov")])
    assert len(finder.pairs()) == 1
    gone = weakref.ref(finder)
    gc.disable()
    try:
        del finder
        assert gone() is None
    finally:
        gc.enable()
