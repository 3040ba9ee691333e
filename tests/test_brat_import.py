"""Importing brat standoff attribution corpora (PolNeAR layout) as articles with quotes."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.corpus import import_brat
from annotations.models import Article, Outlet, Quote, Speaker

POLNEAR_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "polnear" / "dev"

TEXT_A = (
    "Strikes in Aleppo\n"
    "Pentagon spokesman Steven Warren said Russian planes hit two hospitals. "
    "\u201cWe have seen the damage,\u201d he said. "
    "Warren added that the strikes were \u201cdeliberate and repeated\u201d last week.\n"
    "Clinton, the former secretary of state, said the report was troubling. "
    "Officials declined to comment.\n"
)


def spans_of(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def t_line(tid: int, label: str, text: str, needle: str, nth: int = 0) -> str:
    s, e = spans_of(text, needle, nth)
    return f"T{tid}\t{label} {s} {e}\t{text[s:e]}"


def he_at(text: str) -> int:
    return text.index(" he said") + 1


def ann_a(text: str = TEXT_A) -> str:
    lines = [
        # indirect, title in the source
        t_line(1, "Source", text, "Pentagon spokesman Steven Warren"),
        t_line(2, "Cue", text, "said"),
        t_line(3, "Content", text, "Russian planes hit two hospitals"),
        "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1",
        # direct, marks inside the content span, pronoun source
        t_line(4, "Content", text, "\u201cWe have seen the damage,\u201d"),
        f"T5\tSource {he_at(text)} {he_at(text) + 2}\the",
        t_line(6, "Cue", text, "said", nth=1),
        "E2\tAttribution:T6 Content:T4 Cue:T6 Source:T5",
        # mixed, surname source
        t_line(7, "Source", text, "Warren", nth=1),
        t_line(8, "Cue", text, "added"),
        t_line(9, "Content", text, "the strikes were \u201cdeliberate and repeated\u201d"),
        "E3\tAttribution:T8 Content:T9 Cue:T8 Source:T7",
        # apposition; the content's recorded text has a trailing newline too many
        t_line(10, "Source", text, "Clinton, the former secretary of state"),
        t_line(11, "Cue", text, "said", nth=2),
        t_line(12, "Content", text, "the report was troubling") + "\n",
        "E4\tAttribution:T11 Content:T12 Cue:T11 Source:T10",
        # an attribution without a source, and one whose content is blank
        t_line(13, "Content", text, "Officials declined to comment."),
        "E5\tAttribution:T13 Content:T13",
        f"T14\tContent {len('Strikes in Aleppo')} {len('Strikes in Aleppo') + 1}\t",
        "",
        "E6\tAttribution:T14 Content:T14",
        # an event without content does not count
        "E7\tAttribution:T2 Cue:T2 Source:T1",
    ]
    return "\n".join(lines) + "\n"


def write_corpus(root: Path, articles: dict[str, tuple[str, str]], metadata: str | None = None):
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    for name, (text, ann) in articles.items():
        (root / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        (root / "attributions" / f"{name}_ann1.ann").write_text(ann, encoding="utf-8")
    if metadata is not None:
        (root / "metadata.tsv").write_text(metadata, encoding="utf-8")
    return root


METADATA = (
    "compartment\tfilename\tlevel\tannotators\tpublisher\tpublication_date\tauthor\ttitle\n"
    "dev\ta\t1\tann1\tnyt\t2016-10-01\tJane Reporter\tWarren on Aleppo\n"
)


@pytest.fixture
def corpus(tmp_path):
    text_b = "Steven Warren said again that the hospitals were hit.\n"
    ann_b = "\n".join(
        [
            t_line(1, "Source", text_b, "Steven Warren"),
            t_line(2, "Cue", text_b, "said"),
            t_line(3, "Content", text_b, "the hospitals were hit"),
            "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1",
        ]
    )
    root = write_corpus(tmp_path / "dev", {"a": (TEXT_A, ann_a()), "b": (text_b, ann_b)}, METADATA)
    # a second annotator's file for "a" is ignored: the first in sorted order counts
    (root / "attributions" / "a_zz9.ann").write_text("T1\tSource 0 3\tStr\n", encoding="utf-8")
    return root


def quote_with(article: Article, fragment_text: str) -> Quote:
    for quote in article.quotes.prefetch_related("fragments"):
        if fragment_text in [f.text for f in quote.fragments.all()]:
            return quote
    raise AssertionError(f"no quote with fragment {fragment_text!r}")


def test_brat_attributions_become_quotes(db, corpus):
    report = import_brat(corpus)
    assert report.articles_imported == ["a", "b"]
    assert report.corpus_attributions == 7  # six in a (E7 has no content), one in b
    assert report.quotes_imported == 6
    assert [(name, eid, why) for name, eid, why in report.skipped_attributions] == [
        ("a", "E6", "empty content")
    ]
    assert report.balanced
    article = Article.objects.get(title="Warren on Aleppo")
    assert article.publisher.name == "The New York Times"
    assert article.byline == "Jane Reporter"
    assert article.published_at.date().isoformat() == "2016-10-01"
    assert article.body == TEXT_A
    assert set(article.quotes.values_list("status", flat=True)) == {"confirmed"}


def test_brat_kinds_from_quotation_marks(db, corpus):
    import_brat(corpus)
    article = Article.objects.get(title="Warren on Aleppo")
    direct = quote_with(article, "We have seen the damage,")
    assert direct.kind == "direct"  # shrunk to inside the marks
    assert quote_with(article, "Russian planes hit two hospitals").kind == "indirect"
    mixed = quote_with(article, "the strikes were \u201cdeliberate and repeated\u201d")
    assert mixed.kind == "mixed"
    assert direct.cue == "said"
    assert (direct.cue_start, direct.cue_end) == spans_of(TEXT_A, "said", 1)
    assert (direct.mention_start, direct.mention_end) == (he_at(TEXT_A), he_at(TEXT_A) + 2)


def test_brat_speaker_names_are_cleaned_resolved_and_merged(db, corpus):
    import_brat(corpus)
    article = Article.objects.get(title="Warren on Aleppo")
    warren = Speaker.objects.get(name="Steven Warren")
    # title removed; the pronoun and the surname resolve to him
    assert quote_with(article, "Russian planes hit two hospitals").speaker == warren
    assert quote_with(article, "We have seen the damage,").speaker == warren
    assert (
        quote_with(article, "the strikes were \u201cdeliberate and repeated\u201d").speaker
        == warren
    )
    assert "Warren" in warren.aliases.values_list("name", flat=True)
    # apposition removed
    assert quote_with(article, "the report was troubling").speaker.name == "Clinton"
    # no source: no speaker
    assert quote_with(article, "Officials declined to comment.").speaker is None
    # the same person in another article is the same speaker
    other = Article.objects.exclude(pk=article.pk).get()
    assert other.quotes.get().speaker == warren
    assert Speaker.objects.filter(name__iexact="Steven Warren").count() == 1
    assert not Speaker.objects.filter(name__icontains="spokesman").exists()


def test_brat_import_twice_changes_nothing(db, corpus):
    import_brat(corpus)
    counts = (Article.objects.count(), Quote.objects.count(), Speaker.objects.count())
    report = import_brat(corpus)
    assert report.articles_imported == []
    assert len(report.articles_skipped) == 2
    assert report.balanced and report.quotes_imported == 0
    assert (Article.objects.count(), Quote.objects.count(), Speaker.objects.count()) == counts


def test_brat_file_that_does_not_match_its_text_is_refused(db, tmp_path):
    text = "Alice said the bridge is safe.\n"
    wrong = "Completely different words here, nothing alike.\n"
    ann = "\n".join(
        [
            t_line(1, "Source", text, "Alice"),
            t_line(2, "Cue", text, "said"),
            t_line(3, "Content", text, "the bridge is safe"),
            "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1",
        ]
    )
    root = write_corpus(tmp_path / "c", {"good": (text, ann), "wrong": (wrong, ann)})
    report = import_brat(root)
    assert report.articles_imported == ["good"]
    assert len(report.articles_refused) == 1
    assert report.articles_refused[0].startswith("wrong: T")
    assert "does not match the text" in report.articles_refused[0]
    assert report.skipped_attributions == [("wrong", "?", "article refused")]
    assert report.balanced
    assert Article.objects.count() == 1
    assert not Article.objects.filter(body=wrong).exists()


def test_brat_offsets_outside_the_text_are_refused(db, tmp_path):
    text = "Short.\n"
    ann = "T1\tContent 0 500\tShort.\nE1\tAttribution:T1 Content:T1\n"
    root = write_corpus(tmp_path / "c", {"short": (text, ann)})
    report = import_brat(root)
    assert report.articles_imported == []
    assert "outside the text" in report.articles_refused[0]
    assert Article.objects.count() == 0


def test_brat_offsets_follow_normalisation(db, tmp_path):
    # a decomposed accent (NFD) and a stray control character shift offsets on import
    text = "Jose\u0301 said\x83 the \u201cplan works\u201d.\n"
    s = text.index("\u201c")
    ann = "\n".join(
        [
            f"T1\tSource 0 5\t{text[0:5]}",
            f"T2\tContent {s} {s + 12}\t{text[s : s + 12]}",
            "E1\tAttribution:T2 Content:T2 Source:T1",
        ]
    )
    root = write_corpus(tmp_path / "c", {"nfd": (text, ann)})
    report = import_brat(root)
    assert report.quotes_imported == 1
    quote = Quote.objects.get()
    assert quote.kind == "direct"
    assert quote.text == "plan works"
    assert quote.article.body[quote.mention_start : quote.mention_end] == "Jos\u00e9"


def test_import_brat_command(db, corpus):
    from io import StringIO

    out = StringIO()
    call_command("import_brat", str(corpus), stdout=out)
    text = out.getvalue()
    assert "7 in the corpus, 6 imported as quotes" in text
    assert "imported + skipped = corpus: yes" in text
    assert Outlet.objects.filter(name="The New York Times").exists()


def test_import_brat_command_refuses_a_folder_without_texts(db, tmp_path):
    with pytest.raises(CommandError, match="no text/ folder"):
        call_command("import_brat", str(tmp_path))


def corpus_count(split: Path) -> int:
    """E records with a Content role in the first annotator's file of each article, counted
    with a plain regular expression (independently of the importer's parser)."""
    total = 0
    for txt in sorted((split / "text").glob("*.txt")):
        anns = sorted(
            a
            for a in (split / "attributions").glob(txt.stem + "_*.ann")
            if "_" not in a.stem[len(txt.stem) + 1 :]
        )
        if anns:
            total += len(
                re.findall(r"^E\d+\t[^\n]*\bContent:T\d+", anns[0].read_text(), re.MULTILINE)
            )
    return total


@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="../shared/eval/polnear/dev is laid beside")
def test_polnear_dev_import_reports_the_corpus_counts(db):
    expected = corpus_count(POLNEAR_DEV)
    report = import_brat(POLNEAR_DEV)
    assert report.corpus_attributions == expected
    assert report.quotes_imported + len(report.skipped_attributions) == expected
    assert report.articles_refused == []
    assert len(report.articles_imported) == report.articles == 84
    assert Quote.objects.count() == report.quotes_imported
    assert Article.objects.count() == 84
    # a quarter or so of the statements hold quotation marks
    quoted = report.kinds["direct"] + report.kinds["mixed"]
    assert 0.15 < quoted / report.quotes_imported < 0.4
    # the same person is one speaker across articles
    trump = Speaker.objects.get(name="Donald Trump")
    assert trump.quotes.values("article").distinct().count() > 5


@pytest.mark.parametrize(
    ("source", "name", "role"),
    [
        ("Pentagon spokesman Steven Warren", "Steven Warren", "Pentagon spokesman"),
        ("Robby Mook, Clinton's campaign manager", "Robby Mook", "Clinton's campaign manager"),
        ("the Defense Ministry's Igor Konashenkov", "Igor Konashenkov", "Defense Ministry's"),
        ("Mr. Mook", "Mook", ""),
        ("Robby Mook, who runs the campaign", "Robby Mook", ""),
        ("he", "Robby Mook", ""),
        ("he and Brafman", "Brafman", ""),
        ("John Kerry's dear negotiating partners in Tehran", "Tehran", ""),
    ],
)
def test_the_role_a_source_gives_is_kept_per_quote(source, name, role):
    from annotations.corpus.importing import speaker_role_from_source

    assert speaker_role_from_source(source, name) == role
