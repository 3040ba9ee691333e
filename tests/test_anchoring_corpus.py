"""Quotes follow real articles through generated edits: PolNeAR dev texts and their
attribution spans (read from the shared folder beside the repository, never copied)."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from annotations.corpus.edits import Edit, evaluate

SPLIT = Path(settings.BASE_DIR).parent / "shared/eval/polnear/dev"

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def figures():
    if not (SPLIT / "text").is_dir():
        pytest.fail(f"The PolNeAR dev split is missing at {SPLIT}.")
    return evaluate(SPLIT)


def test_every_unchanged_quote_is_anchored_exactly(figures):
    assert figures.total("unchanged") > 50_000
    assert figures.unchanged_exact == 1.0


def test_small_changes_are_relocated_to_the_right_place(figures):
    assert figures.total("changed") > 1000
    assert figures.changed_relocated >= 0.95


def test_none_lost_and_few_false_relocations(figures):
    assert figures.lost == 0
    assert figures.total("gone") > 300
    assert figures.gone_orphaned >= 0.95
    assert figures.false_relocation_rate <= 0.01


def test_every_kind_of_edit_is_in_the_corpus(figures):
    assert set(figures.by_kind) >= {
        "insert-before",
        "insert-between",
        "insert-after",
        "delete-before",
        "delete-between",
        "delete-after",
        "spelling",
        "word-added",
        "trimmed",
        "rewrite-sentence",
        "rewrite-lead",
        "whitespace",
        "line-ends",
        "curly-quotes",
        "sentence-deleted",
    }


def test_expected_places_follow_the_replacements():
    edit = Edit("t", "abc def ghi", ((0, 0, ">"), (4, 7, "DEFX")))
    assert edit.new == ">abc DEFX ghi"
    assert edit.expected(0, 3) == ("unchanged", (1, 4))
    assert edit.expected(8, 11) == ("unchanged", (10, 13))
    assert edit.expected(4, 7)[0] == "gone"
    assert edit.expected(0, 11) == ("changed", (1, 13))


def test_anchoring_report_command_prints_the_figures(tmp_path):
    """On a one-article split made here (the real one is measured above)."""
    text = (
        "Mayor speaks.\n\nThe mayor said the bridge was perfectly safe for everyone.\n\n"
        "Another paragraph follows here.\n\nAnd one more at the end.\n"
    )
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(text, encoding="utf-8")
    content = "the bridge was perfectly safe for everyone"
    s = text.index(content)
    c = text.index("said")
    ann = (
        f"T1\tContent {s} {s + len(content)}\t{content}\n"
        f"T2\tCue {c} {c + 4}\tsaid\n"
        "E1\tAttribution:T1 Content:T1 Cue:T2\n"
    )
    (tmp_path / "attributions" / "a_x.ann").write_text(ann, encoding="utf-8")
    out = StringIO()
    call_command("anchoring_report", str(tmp_path), stdout=out)
    report = out.getvalue()
    assert "1 articles" in report
    assert "unchanged text anchored exactly" in report and "false relocations" in report
