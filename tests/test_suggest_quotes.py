"""Suggestions stored on an article, and the suggester's commands."""

import json

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Article, BoilerplateRange, Outlet, Quote, Speaker

from .factories import ArticleFactory, OutletFactory

pytestmark = pytest.mark.django_db

SPLIT = (
    'Senator Jane Doe said on Monday that the bill would pass. "We have the votes we need '
    'to win," Doe said, Reuters reported. "The other side knows it."\n'
)


def fresh_copy_of_seed(seeded):
    """The sample article's body again, as a new article without annotations."""
    article = Article.objects.create(
        title="Copy", body=seeded.body, publisher=OutletFactory(name="Copy Desk")
    )
    BoilerplateRange.objects.create(article=article, start=1412, end=len(seeded.body))
    return article


def test_suggest_quotes_on_the_sample_finds_the_gold_quotes(seeded):
    article = fresh_copy_of_seed(seeded)
    made = article.suggest_quotes()
    assert made
    assert all(q.status == Quote.Status.SUGGESTED for q in made)
    gold = {
        (q.start, q.end): (q.kind, q.speaker.name, q.cue)
        for q in Quote.objects.filter(article=seeded).select_related("speaker")
    }
    found = {(q.start, q.end): (q.kind, q.speaker.name if q.speaker else "", q.cue) for q in made}
    hits = [span for span, attrs in gold.items() if found.get(span) == attrs]
    assert len(hits) >= 8, (gold, found)
    assert all(q.end <= 1412 for q in made), "nothing from the appended appeal"


def test_suggest_quotes_matches_known_speakers_by_alias_and_creates_new_ones():
    konashenkov = Speaker.objects.create(name="Igor Konashenkov")
    konashenkov.add_aliases(["Konashenkov"])
    article = ArticleFactory(
        body='"The strikes hit every target," Konashenkov said. '
        '"Nobody was hurt," said Maria Zakharova.'
    )
    made = article.suggest_quotes()
    by_text = {q.text: q for q in made}
    assert by_text["The strikes hit every target,"].speaker == konashenkov
    zakharova = by_text["Nobody was hurt,"].speaker
    assert zakharova.name == "Maria Zakharova"
    assert Speaker.objects.filter(name="Maria Zakharova").count() == 1


def test_suggest_quotes_links_relaying_outlets():
    article = ArticleFactory(body=SPLIT)
    made = article.suggest_quotes()
    direct = next(q for q in made if q.kind == Quote.Kind.DIRECT)
    assert direct.fragments.count() == 2
    assert direct.via_names() == ["Reuters"]
    assert Outlet.objects.get(name="Reuters").kind == Outlet.Kind.NEWS_AGENCY


def test_rejected_and_confirmed_quotes_are_not_suggested_again():
    article = ArticleFactory(body=SPLIT)
    first = article.suggest_quotes()
    assert first
    rejected, *others = first
    rejected.reject()
    for quote in others:
        quote.status = Quote.Status.CONFIRMED
        quote.save()
    assert article.suggest_quotes() == []
    assert Quote.objects.filter(article=article).count() == len(first)


def test_asking_again_does_not_duplicate_open_suggestions():
    article = ArticleFactory(body=SPLIT)
    count = len(article.suggest_quotes())
    assert article.suggest_quotes() == []
    assert Quote.objects.filter(article=article).count() == count


def test_suggest_command_prints_json_lines_and_touches_no_rows(tmp_path, capsys):
    story = tmp_path / "story.txt"
    story.write_text(SPLIT, encoding="utf-8")
    call_command("suggest", str(story))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines
    for line in lines:
        assert set(line) >= {"file", "kind", "fragments", "speaker_name", "speaker_mention", "cue"}
        assert line["file"] == "story.txt"
        for start, end in line["fragments"]:
            assert 0 <= start < end <= len(SPLIT)
    direct = next(line for line in lines if line["kind"] == "direct")
    assert [SPLIT[s:e] for s, e in direct["fragments"]] == [
        "We have the votes we need to win,",
        "The other side knows it.",
    ]
    assert direct["speaker_name"] == "Jane Doe"
    assert not Quote.all_objects.exists() and not Speaker.objects.exists()


def test_suggest_command_refuses_unreadable_files(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe not utf-8 \xc3")
    with pytest.raises(CommandError, match="bad.txt"):
        call_command("suggest", str(bad))


def write_corpus(root):
    (root / "text").mkdir()
    (root / "attributions").mkdir()
    text = 'The mayor said taxes would fall next year. "We will cut them all," Smith said.\n'
    (root / "text" / "a.txt").write_text(text, encoding="utf-8")
    indirect = (text.index("taxes"), text.index(" next year") + len(" next year"))
    direct = (text.index('"'), text.index('," Smith') + 2)
    smith = text.index("Smith")
    said2 = text.index("said", smith)
    ann = "\n".join(
        [
            "T1\tSource 0 9\tThe mayor",
            "T2\tCue 10 14\tsaid",
            f"T3\tContent {indirect[0]} {indirect[1]}\t{text[indirect[0] : indirect[1]]}",
            f"T4\tSource {smith} {smith + 5}\tSmith",
            f"T5\tCue {said2} {said2 + 4}\tsaid",
            f"T6\tContent {direct[0]} {direct[1]}\t{text[direct[0] : direct[1]]}",
            "E1\tAttribution:T3 Content:T3 Cue:T2 Source:T1",
            "E2\tAttribution:T6 Content:T6 Cue:T5 Source:T4",
            "",
        ]
    )
    (root / "attributions" / "a_x1.ann").write_text(ann, encoding="utf-8")


@pytest.mark.corpus
def test_evaluate_suggestions_prints_the_reference_scorers_figures(tmp_path, capsys):
    write_corpus(tmp_path)
    call_command("evaluate_suggestions", str(tmp_path))
    printed = capsys.readouterr()
    result = json.loads(printed.out)
    assert result["articles"] == 1
    assert result["direct_gold"] == 1
    assert result["indirect_gold"] == 1
    assert result["direct_prf"] == [1.0, 1.0, 1.0]
    assert "articles per second" in printed.err


def test_evaluate_suggestions_refuses_a_folder_that_is_not_a_corpus(tmp_path):
    with pytest.raises(CommandError, match="not a corpus split"):
        call_command("evaluate_suggestions", str(tmp_path))


# -- speakers and outlets the suggester proposes -----------------------------------------

RELAYED = "The strikes hit every target, Colonel Ivan Petrenko said, RIA Novosti reported.\n"


def relayed_suggestion():
    article = ArticleFactory(body=RELAYED)
    (quote,) = article.suggest_quotes()
    assert quote.speaker.name == "Ivan Petrenko" and quote.via_names() == ["RIA Novosti"]
    return quote


def reject(quote):
    quote = Quote.objects.get(pk=quote.pk)
    quote.reject()
    return quote


def test_new_speakers_and_outlets_of_suggestions_are_proposed():
    relayed_suggestion()
    assert Speaker.objects.get(name="Ivan Petrenko").proposed
    assert Outlet.objects.get(name="RIA Novosti").proposed


def test_rejecting_a_suggestion_drops_the_speaker_and_outlet_made_for_it():
    quote = reject(relayed_suggestion())
    assert not Speaker.objects.filter(name="Ivan Petrenko").exists()
    assert not Outlet.objects.filter(name="RIA Novosti").exists()
    quote.refresh_from_db()
    assert quote.status == Quote.Status.REJECTED and quote.speaker is None
    assert quote.via_names() == []
    article = quote.article
    assert article.suggest_quotes() == [], "the editor's no is still remembered"


def test_rejecting_keeps_speakers_and_outlets_that_were_there_before():
    petrenko = Speaker.objects.create(name="Ivan Petrenko")
    ria = OutletFactory(name="RIA Novosti")
    quote = reject(relayed_suggestion())
    quote.refresh_from_db()
    assert quote.speaker == petrenko
    assert Outlet.objects.filter(pk=ria.pk).exists() and quote.via_names() == ["RIA Novosti"]


def test_a_proposal_stays_while_another_suggestion_names_it():
    first = relayed_suggestion()
    second = relayed_suggestion()
    assert second.speaker == first.speaker
    first = reject(first)
    assert Speaker.objects.filter(pk=second.speaker_id).exists()
    version = Quote.objects.get(pk=first.pk).version
    reject(second)
    assert not Speaker.objects.filter(name="Ivan Petrenko").exists()
    first = Quote.objects.get(pk=first.pk)
    assert first.speaker is None and first.version == version + 1


def test_accepting_a_suggestion_makes_its_speaker_and_outlet_an_editors_own():
    first = Quote.objects.get(pk=relayed_suggestion().pk)
    second = relayed_suggestion()
    first.accept()
    assert not Speaker.objects.get(name="Ivan Petrenko").proposed
    assert not Outlet.objects.get(name="RIA Novosti").proposed
    reject(second)
    assert Speaker.objects.filter(name="Ivan Petrenko").exists()
    assert Outlet.objects.filter(name="RIA Novosti").exists()


def test_editing_a_proposed_speaker_makes_it_an_editors_own():
    quote = relayed_suggestion()
    speaker = Speaker.objects.get(pk=quote.speaker_id)
    speaker.role = "Defence ministry spokesman"
    speaker.save()
    reject(quote)
    speaker.refresh_from_db()
    assert not speaker.proposed
