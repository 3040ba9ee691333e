"""The pure re-anchoring algorithm: spans of an old body placed in a new one."""

import pytest

from annotations.anchoring import Anchor, State, reanchor, similarity, worst

OLD = (
    "The minister spoke on Monday.\n"
    'She said: "The bridge is safe and will reopen next week." Engineers disagreed.\n'
    "Officials said the repairs would cost millions.\n"
)


def span(text: str, body: str = OLD) -> tuple[int, int]:
    start = body.index(text)
    return start, start + len(text)


QUOTE = "The bridge is safe and will reopen next week."


def test_unchanged_text_after_an_insertion_moves_exactly():
    new = "A new first paragraph.\n\n" + OLD
    (anchor,) = reanchor(OLD, new, [span(QUOTE)])
    assert anchor == Anchor(*span(QUOTE, new), State.ANCHORED)


def test_a_deleted_paragraph_elsewhere_shifts_spans_back():
    new = OLD.replace("The minister spoke on Monday.\n", "")
    cue = span("said the repairs")
    (quote, later) = reanchor(OLD, new, [span(QUOTE), cue])
    assert quote == Anchor(*span(QUOTE, new), State.ANCHORED)
    assert later.state == State.ANCHORED
    assert new[later.start : later.end] == "said the repairs"


def test_nothing_changed_anchors_everything():
    assert reanchor(OLD, OLD, [(0, 3)]) == [Anchor(0, 3, State.ANCHORED)]


def test_a_spelling_fix_inside_a_quote_relocates_it():
    old = OLD.replace("bridge", "brigde")
    new = OLD
    (anchor,) = reanchor(old, new, [span(QUOTE.replace("bridge", "brigde"), old)])
    assert anchor == Anchor(*span(QUOTE, new), State.RELOCATED)


def test_a_word_added_inside_a_quote_relocates_it_with_the_word():
    new = OLD.replace("is safe", "is perfectly safe")
    (anchor,) = reanchor(OLD, new, [span(QUOTE)])
    assert anchor.state == State.RELOCATED
    assert new[anchor.start : anchor.end] == QUOTE.replace("is safe", "is perfectly safe")


@pytest.mark.parametrize(
    ("cut", "left"),
    [
        (" next week.", "The bridge is safe and will reopen."),
        (" and will reopen next week.", "The bridge is safe."),
    ],
)
def test_a_trimmed_quote_is_found_shorter(cut, left):
    new = OLD.replace(cut, "." if cut.endswith(".") else "")
    (anchor,) = reanchor(OLD, new, [span(QUOTE)])
    assert anchor.state == State.RELOCATED
    assert new[anchor.start : anchor.end] == left


def test_curly_quotation_marks_around_a_quote_leave_it_anchored():
    new = OLD.replace(f'"{QUOTE}"', f"“{QUOTE}”")
    (anchor,) = reanchor(OLD, new, [span(QUOTE)])
    assert anchor == Anchor(*span(QUOTE, new), State.ANCHORED)


def test_a_deleted_sentence_orphans_its_quote_and_keeps_the_old_offsets():
    new = OLD.replace(f'She said: "{QUOTE}" ', "")
    old_span = span(QUOTE)
    quote, cue = reanchor(OLD, new, [old_span, span("said:")])
    assert quote == Anchor(*old_span, State.ORPHANED)
    assert cue.state == State.ORPHANED


def test_a_repeated_short_cue_is_not_taken_from_another_sentence():
    old = 'He said "yes". Later she said "no".\n'
    new = 'Later she said "no".\n'
    (anchor,) = reanchor(old, new, [(3, 7)])
    assert anchor.state == State.ORPHANED


def test_a_rewritten_quote_is_orphaned():
    new = OLD.replace(QUOTE, "Nobody knows when traffic can cross again.")
    (anchor,) = reanchor(OLD, new, [span(QUOTE)])
    assert anchor.state == State.ORPHANED


def test_spans_keep_their_order_and_number():
    spans = [span(QUOTE), span("minister"), span("Officials")]
    new = "Update.\n" + OLD
    anchors = reanchor(OLD, new, spans)
    assert [new[a.start : a.end] for a in anchors] == [QUOTE, "minister", "Officials"]


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([], State.ANCHORED),
        (["anchored", "relocated"], State.RELOCATED),
        ([State.RELOCATED, State.ORPHANED, State.ANCHORED], State.ORPHANED),
    ],
)
def test_worst_state_wins(states, expected):
    assert worst(states) == expected


def test_similarity_bounds():
    assert similarity("abc", "abc") == 1.0
    assert similarity("abc", "xyz") == 0.0
    assert 0.5 < similarity("the bridge", "the brigde") < 1.0
