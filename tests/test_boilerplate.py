"""Boilerplate found in the articles of one publisher."""

from pathlib import Path

from annotations.boilerplate import recurring_ranges

SEED = (
    Path(__file__).resolve().parent.parent / "seeds" / "moscow-times-syria-strikes.txt"
).read_text(encoding="utf-8")
APPEAL = SEED[SEED.index("A Message from The Moscow Times:") :].rstrip()


def article(story: str) -> str:
    return story + "\n" + APPEAL + "\n"


def test_an_appeal_repeated_by_a_publisher_is_one_range():
    body = article("The mayor said the bridge would reopen.\nTraffic was light.")
    others = [article("Officials said the dam held."), article("The court ruled on Monday.")]
    ((start, end),) = recurring_ranges(body, others)
    assert body[start:end] == APPEAL


def test_a_paragraph_in_too_few_articles_is_not_boilerplate():
    body = article("The mayor said the bridge would reopen.")
    assert recurring_ranges(body, [article("Officials said the dam held.")]) == []
    assert recurring_ranges(body, ["Something else entirely, long enough to count here."]) == []


def test_short_recurring_lines_alone_are_not_proposed():
    body = "Dear readers,\nThe mayor said the bridge would reopen.\n"
    others = ["Dear readers,\nOther news.\n", "Dear readers,\nMore news.\n"]
    assert recurring_ranges(body, others) == []


def test_blanks_do_not_make_a_paragraph_different():
    body = article("The mayor said the bridge would reopen.")
    spaced = APPEAL.replace(". ", ".  ")
    others = ["Story one.\n" + spaced, "Story two.\n" + spaced]
    ((start, end),) = recurring_ranges(body, others)
    assert body[start:end] == APPEAL
