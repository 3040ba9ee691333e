"""The corpus evaluation, on a tiny brat corpus built for the purpose: its figures are the
reference scorer's own."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from annotations import evaluation

ARTICLE_A = (
    "“We will win this state by a wide margin,” Senator Ann Lee said.\n"
    "She said that turnout would be high.\n"
    "“It is a big day for all of us,” she added.\n"
)
ARTICLE_B = "The mayor said the budget was balanced. Critics disagreed with the “rosy” numbers.\n"


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _ann(text: str, records: list[tuple[str, str, str, str | None]]) -> str:
    """records: (content, cue, source or None) texts -> brat lines."""
    lines, n = [], 0
    for i, (content, cue, source) in enumerate(records, start=1):
        ids = {}
        for label, part in (("Content", content), ("Cue", cue), ("Source", source)):
            if part is None:
                continue
            n += 1
            s, e = _span(text, part)
            lines.append(f"T{n}\t{label} {s} {e}\t{part}")
            ids[label] = f"T{n}"
        roles = " ".join(f"{k}:{v}" for k, v in ids.items())
        lines.append(f"E{i}\tAttribution:{ids['Cue']} {roles}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (tmp_path / "text" / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    (tmp_path / "attributions" / "a_x1.ann").write_text(
        _ann(
            ARTICLE_A,
            [
                ("“We will win this state by a wide margin,”", "said", "Senator Ann Lee"),
                ("turnout would be high", "said that", "She"),
                ("“It is a big day for all of us,”", "added", "she"),
            ],
        ),
        encoding="utf-8",
    )
    (tmp_path / "attributions" / "b_x1.ann").write_text(
        _ann(ARTICLE_B, [("the budget was balanced", "said", "The mayor")]), encoding="utf-8"
    )
    return tmp_path


ARTICLE_C = (
    "Officials said on Monday that the bridge would reopen.\n"
    "\u201cNobody will pay a toll this year,\u201d the mayor told reporters.\n"
)


@pytest.fixture
def corpus3(corpus: Path) -> Path:
    (corpus / "text" / "c.txt").write_text(ARTICLE_C, encoding="utf-8")
    (corpus / "attributions" / "c_x1.ann").write_text(
        _ann(
            ARTICLE_C,
            [
                ("the bridge would reopen", "said", "Officials"),
                ("\u201cNobody will pay a toll this year,\u201d", "told", "the mayor"),
            ],
        ),
        encoding="utf-8",
    )
    return corpus


def _scorer_prints(split: Path, predictions: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(evaluation.DEFAULT_SCORER), str(split), str(predictions)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.mark.corpus
def test_command_prints_exactly_what_the_reference_scorer_prints(corpus3, tmp_path, capsys):
    kept = tmp_path / "kept.jsonl"
    call_command("evaluate_suggestions", str(corpus3), "--predictions", str(kept))
    printed = capsys.readouterr()
    assert printed.out == _scorer_prints(corpus3, kept)
    assert json.loads(printed.out)["articles"] == 3
    assert "articles per second" in printed.err
    # the predictions are what `manage.py suggest` prints for the same files
    call_command("suggest", *sorted(str(p) for p in (corpus3 / "text").glob("*.txt")))
    assert capsys.readouterr().out == kept.read_text(encoding="utf-8")


@pytest.mark.corpus
def test_command_takes_another_scorer(corpus3, tmp_path, capsys):
    scorer = tmp_path / "scorer.py"
    scorer.write_text(f"import sys\nprint('scored', sys.argv[1] == {str(corpus3)!r})\n")
    call_command("evaluate_suggestions", str(corpus3), "--scorer", str(scorer))
    assert capsys.readouterr().out == "scored True\n"


@pytest.mark.corpus
def test_command_finds_polnear_splits_by_name(corpus3, tmp_path, settings, capsys):
    polnear = tmp_path / "shared/eval/polnear"
    shutil.copytree(corpus3, polnear / "train")
    settings.BASE_DIR = tmp_path / "project"
    scorer = tmp_path / "scorer.py"
    scorer.write_text("import sys\nprint('scored', sys.argv[1])\n")
    call_command("evaluate_suggestions", "train", "--scorer", str(scorer))
    assert capsys.readouterr().out == f"scored {polnear / 'train'}\n"
    with pytest.raises(CommandError, match="not a corpus split"):
        call_command("evaluate_suggestions", "dev", "--scorer", str(scorer))


def test_command_refuses_a_folder_that_is_no_split(tmp_path):
    with pytest.raises(CommandError, match="not a corpus split"):
        call_command("evaluate_suggestions", str(tmp_path))


def test_command_refuses_a_missing_scorer(corpus):
    with pytest.raises(CommandError, match="no such scorer"):
        call_command("evaluate_suggestions", str(corpus), "--scorer", "/nonexistent/score.py")


def test_predict_writes_one_record_per_suggestion_in_the_scorer_format(corpus):
    records, seconds = evaluation.predict(evaluation.split_texts(corpus))
    assert seconds > 0
    assert {r["file"] for r in records} == {"a.txt", "b.txt"}
    assert set(records[0]) >= {
        "file",
        "kind",
        "fragments",
        "speaker_name",
        "speaker_mention",
        "cue",
    }


def test_default_split_and_scorer_are_in_shared():
    assert evaluation.DEFAULT_SPLIT.parts[-4:] == ("shared", "eval", "polnear", "dev")
    assert evaluation.DEFAULT_SCORER.parts[-3:] == ("shared", "eval", "score_suggestions.py")
