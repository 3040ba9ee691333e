"""Parsing brat standoff attribution files."""

from __future__ import annotations

import pytest

from annotations.corpus.brat import BratFormatError, iter_corpus, parse_ann, read_ann

ARTICLE = "Smith said the plan\nwould fail. Jones agreed."

ANN = (
    "T1\tSource 0 5\tSmith\n"
    "T2\tCue 6 10\tsaid\n"
    "T3\tContent 11 19;20 30\tthe plan\nwould fail\n"
    "T4\tAttribution 6 10\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    "#1\tAnnotatorNotes T3\tcheck: the line break\n"
    "T5\tCue 38 44\tagreed\n"
    "T6\tContent 11 30\tthe plan\nwould fail\n"
    "E2\tAttribution:T5 Content:T6 Cue:T5\n"
)


def test_spans_with_labels_and_fragments():
    doc = parse_ann(ANN)
    assert doc.spans["T1"].label == "Source"
    assert doc.spans["T1"].fragments == ((0, 5),)
    assert doc.spans["T3"].fragments == ((11, 19), (20, 30))
    assert doc.spans["T3"].start == 11 and doc.spans["T3"].end == 30
    assert [s.id for s in doc.by_label("Cue")] == ["T2", "T5"]


def test_continuation_lines_belong_to_the_previous_record():
    doc = parse_ann(ANN)
    assert doc.spans["T3"].text == "the plan\nwould fail"
    assert doc.spans["T6"].text == "the plan\nwould fail"


def test_attributions_tie_content_cue_and_source():
    doc = parse_ann(ANN)
    first, second = doc.attributions
    assert (first.content, first.cue, first.source, first.attribution) == ("T3", "T2", "T1", "T4")
    assert second.source is None
    assert doc.span(second.source) is None
    assert doc.span(first.content).text_in(ARTICLE) == "the plan would fail"


def test_annotator_notes_are_kept_apart():
    doc = parse_ann(ANN)
    assert doc.notes == ["#1\tAnnotatorNotes T3\tcheck: the line break"]
    assert len(doc.attributions) == 2


def test_span_text_matches_the_article_despite_a_trailing_newline():
    doc = parse_ann("T1\tContent 11 19\tthe plan\n\nE1\tContent:T1\n")
    assert doc.spans["T1"].text == "the plan\n"
    assert ARTICLE[11:19] == "the plan"
    assert doc.spans["T1"].matches(ARTICLE)
    assert not parse_ann("T1\tContent 0 5\tJones\n").spans["T1"].matches(ARTICLE)


@pytest.mark.parametrize(
    "bad",
    ["T1\tSource 5\tSmith\n", "T1\tSource 9 3\tx\n", "T1\tSource a b\tx\n", "stray text\n"],
)
def test_malformed_records_are_refused_with_the_line(bad):
    with pytest.raises(BratFormatError, match="line 1"):
        parse_ann(bad)


def test_read_ann_and_iter_corpus_take_the_first_annotator(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "text" / "unannotated.txt").write_text("Nothing here.", encoding="utf-8")
    (tmp_path / "attributions" / "a_b2.ann").write_text("", encoding="utf-8")
    (tmp_path / "attributions" / "a_a1.ann").write_text(ANN, encoding="utf-8")
    assert len(read_ann(tmp_path / "attributions" / "a_a1.ann").attributions) == 2
    corpus = list(iter_corpus(tmp_path))
    assert [(name, text) for name, text, _ in corpus] == [("a", ARTICLE)]
    assert len(corpus[0][2].attributions) == 2
