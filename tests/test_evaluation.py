"""The corpus evaluation, on a tiny brat corpus built for the purpose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations import evaluation
from annotations.evaluation import (
    load_gold,
    name_key,
    overlap_ratio,
    overlap_ratio_multi,
    quoted_runs,
    score,
)

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


def test_quoted_runs_need_four_words_and_pair_marks():
    text = 'A “short one” and “this one is long enough” and "straight marks work the same"'
    assert [text[s:e] for s, e in quoted_runs(text, 0, len(text))] == [
        "this one is long enough",
        "straight marks work the same",
    ]
    # an unpaired straight mark ends the search; an unpaired curly one is passed over
    assert quoted_runs('x " a b c d', 0, 11) == []
    text = "“four words in here” and « unpaired"
    assert [text[s:e] for s, e in quoted_runs(text, 0, len(text))] == ["four words in here"]


def test_name_key_compares_last_words():
    assert name_key("Sen. Ann Lee") == name_key("Ann Lee") == "lee"
    assert name_key("Martin Luther King Jr.") == "king"
    assert name_key("") == name_key(None) == ""


def test_overlap_ratios():
    assert overlap_ratio((0, 10), (5, 15)) == 5 / 15
    assert overlap_ratio((0, 0), (0, 0)) == 0.0
    assert overlap_ratio_multi([(0, 4), (6, 10)], [(0, 10)]) == 8 / 10


def test_gold_direct_segments_resolve_pronouns_and_indirect_has_no_marks(corpus):
    gold = load_gold(corpus)
    a = gold["a"]
    assert [(ARTICLE_A[s:e], d.speaker) for d in a.direct for s, e in [d.span]] == [
        ("We will win this state by a wide margin,", "Senator Ann Lee"),
        ("It is a big day for all of us,", "Senator Ann Lee"),
    ]
    assert a.indirect == [[_span(ARTICLE_A, "turnout would be high")]]
    assert gold["b"].direct == []
    assert len(gold["b"].indirect) == 1


def _rec(file: str, kind: str, fragments, speaker: str = "") -> dict:
    return {
        "file": file,
        "kind": kind,
        "fragments": [list(f) for f in fragments],
        "speaker_name": speaker,
        "speaker_mention": None,
        "cue": "said",
    }


def test_score_counts_matches_speakers_and_thresholds(corpus):
    gold = load_gold(corpus)
    q1 = _span(ARTICLE_A, "We will win this state by a wide margin,")
    q2 = _span(ARTICLE_A, "It is a big day for all of us,")
    records = [
        _rec("a.txt", "direct", [q1], "Ann Lee"),
        _rec("a.txt", "direct", [(q2[0] - 1, q2[1] + 1)], "Bob Day"),  # marks are trimmed
        _rec("a.txt", "indirect", [_span(ARTICLE_A, "turnout would be")]),
        _rec("b.txt", "indirect", [_span(ARTICLE_B, "the budget was balanced")]),
        _rec("b.txt", "mixed", [_span(ARTICLE_B, "Critics disagreed with the “rosy” numbers")]),
        _rec("unknown.txt", "direct", [(0, 5)]),
    ]
    result = score(gold, records)
    assert result["direct_gold"] == 2 and result["direct_pred"] == 2
    assert result["direct_prf"] == (1.0, 1.0, 1.0)
    assert result["direct_with_speaker_prf"] == (0.5, 0.5, 0.5)
    assert result["speaker_accuracy"] == 0.5
    assert result["indirect_gold"] == 2 and result["indirect_pred"] == 2
    # "turnout would be" covers 16/21 of the gold: enough for 0.3, not for 0.8
    assert result["indirect_prf_0.3"] == (1.0, 1.0, 1.0)
    assert result["indirect_prf_0.8"] == (0.5, 0.5, 0.5)


def test_matching_is_one_to_one(corpus):
    gold = load_gold(corpus)
    q1 = _span(ARTICLE_A, "We will win this state by a wide margin,")
    records = [_rec("a.txt", "direct", [q1], "Lee"), _rec("a.txt", "direct", [q1], "Lee")]
    result = score(gold, records)
    assert result["direct_pred"] == 2
    assert result["direct_prf"] == (0.5, 0.5, 0.5)


def test_evaluate_runs_the_suggester_and_writes_predictions(corpus, tmp_path):
    out = tmp_path / "predictions.jsonl"
    result = evaluation.evaluate(corpus, predictions=out)
    assert result["articles"] == 2
    assert result["articles_per_second"] > 0
    assert result["direct_prf"] == (1.0, 1.0, 1.0)
    assert result["direct_with_speaker_prf"] == (1.0, 1.0, 1.0)
    assert result["indirect_prf_0.3"][1] == 1.0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {line["file"] for line in lines} == {"a.txt", "b.txt"}
    assert set(lines[0]) == {"file", "kind", "fragments", "speaker_name", "speaker_mention", "cue"}
    # the written file scores the same as the in-memory run
    assert score(load_gold(corpus), lines) == {
        k: v for k, v in result.items() if k not in ("seconds", "articles_per_second")
    }


def test_report_and_command_line(corpus, capsys):
    assert evaluation.main([str(corpus)]) == 0
    printed = capsys.readouterr().out
    assert "direct quote spans (IoU 0.8)" in printed
    assert "articles per second" in printed
    assert evaluation.main([str(corpus), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 2


def test_default_split_is_the_shared_polnear_dev():
    assert evaluation.DEFAULT_SPLIT.parts[-4:] == ("shared", "eval", "polnear", "dev")
