"""The quote filters follow every kind of write: on PostgreSQL they read what the triggers
of migration 0013 keep (a quote's outlets, its article's publication time, its text's
search vector), which must change with the articles, hops and quotes they come from."""

from __future__ import annotations

import pytest

from annotations.documents import import_document
from annotations.models import Article, Hop, Outlet, Quote, ViaHop
from tests.factories import ArticleFactory, OutletFactory, QuoteFactory, SpeakerFactory
from tests.test_documents import document
from tests.test_quote_filter_paths import filtered, reference, when

pytestmark = pytest.mark.django_db


def test_outlet_and_date_filters_follow_every_write(editor):
    agency, paper, other = (OutletFactory(name=n) for n in ("Agency", "Paper", "Other"))
    article = ArticleFactory(publisher=paper, published_at=when(2015))
    quote = QuoteFactory(article=article)

    outlets = [agency.pk, paper.pk, other.pk]

    def check():
        for query in (
            *({"outlet": pk} for pk in outlets),
            {"published_after": when(2016)},
            {"published_before": when(2016)},
        ):
            assert filtered(query) == reference(query), query

    check()
    assert filtered({"outlet": paper.pk}) == [quote.pk]
    quote.set_via([Hop(outlet=agency)])
    check()
    assert filtered({"outlet": agency.pk}) == [quote.pk]
    quote.set_via([])
    check()
    assert filtered({"outlet": agency.pk}) == []
    quote.set_via([Hop(outlet=agency), Hop(outlet=paper)])
    Article.objects.filter(pk=article.pk).update(publisher=other, published_at=when(2017))
    check()
    assert filtered({"published_after": when(2016)}) == [quote.pk]
    assert filtered({"outlet": other.pk}) == [quote.pk]
    other.merge(paper, by=editor)  # the paper's hop moves to "other"
    check()
    assert not Outlet.objects.filter(pk=paper.pk).exists()
    moved = ArticleFactory(publisher=agency, published_at=when(2011))
    Quote.all_objects.filter(pk=quote.pk).update(article=moved)
    check()
    assert filtered({"published_before": when(2016)}) == [quote.pk]
    ViaHop.objects.filter(quote=quote).delete()
    Quote.all_objects.filter(pk=quote.pk).delete()
    check()
    assert filtered({"outlet": agency.pk}) == []


def test_text_search_follows_edits(editor):
    quote = QuoteFactory()
    word = quote.text.split()[0].strip(".,\"'").lower()
    assert filtered({"q": word}) == reference({"q": word}) == [quote.pk]
    Quote.all_objects.filter(pk=quote.pk).update(text="Zeppelins over the harbour")
    assert filtered({"q": "zeppelin"}) == reference({"q": "zeppelin"}) == [quote.pk]
    assert filtered({"q": word}) == reference({"q": word}) == []


def test_outlet_filter_follows_statements_that_write_many_rows(editor):
    """Quotes and hops inserted and deleted many at a time in one statement (as bulk writes
    and imports do) leave the outlets each quote reached the page through as one at a time."""
    agency, paper, other = (OutletFactory(name=n) for n in ("Agency", "Paper", "Other"))
    articles = [ArticleFactory(publisher=paper), ArticleFactory(publisher=None)]
    quotes = Quote.all_objects.bulk_create(
        Quote(article=a, kind=Quote.Kind.DIRECT, start=0, end=5, text=a.body[:5])
        for a in articles
        for _ in range(3)
    )
    hops = ViaHop.objects.bulk_create(
        ViaHop(quote=q, position=p, outlet=o)
        for q, outlets in zip(
            quotes, [[agency], [agency, other], [], [other], [agency], []], strict=True
        )
        for p, o in enumerate(outlets)
    )

    def check():
        for outlet in (agency, paper, other):
            assert filtered({"outlet": outlet.pk}) == reference({"outlet": outlet.pk})

    check()
    assert filtered({"outlet": paper.pk}) == [q.pk for q in quotes[:3]]
    assert filtered({"outlet": other.pk}) == [quotes[1].pk, quotes[3].pk]
    ViaHop.objects.filter(pk__in=[hops[0].pk, hops[2].pk, hops[3].pk]).delete()
    check()
    assert filtered({"outlet": agency.pk}) == [quotes[1].pk, quotes[4].pk]
    assert filtered({"outlet": other.pk}) == []
    ViaHop.objects.filter(quote__in=quotes[:2]).delete()
    Quote.all_objects.filter(pk__in=[q.pk for q in quotes[:2]]).delete()
    check()
    assert filtered({"outlet": paper.pk}) == [quotes[2].pk]
    assert filtered({"outlet": agency.pk}) == [quotes[4].pk]


def test_filters_follow_an_import(editor):
    """Quotes an import writes in bulk (COPY on PostgreSQL) are found by every filter as by
    its plain definition."""
    doc = document(4, "copied")
    doc["article"]["published_at"] = "2013-05-01T00:00:00+00:00"
    article, created = import_document(doc, user=editor)
    assert created
    outlets = {article.publisher_id} | {
        hop.outlet_id for hop in ViaHop.objects.filter(quote__article=article) if hop.outlet_id
    }
    word = article.quotes.first().text.split()[0].strip(".,\"'").lower()
    queries = [{"outlet": pk} for pk in outlets]
    queries += [{"published_before": when(2014)}, {"published_after": when(2014)}, {"q": word}]
    for query in queries:
        assert filtered(query) == reference(query), query
    assert len(filtered({"published_before": when(2014)})) == 4


def test_speaker_and_outlet_filter_follows_every_change_of_speaker(editor):
    paper, agency = OutletFactory(name="Paper"), OutletFactory(name="Agency")
    smith, jones = SpeakerFactory(name="Ann Smith"), SpeakerFactory(name="Bob Jones")
    article = ArticleFactory(publisher=paper)
    quote = QuoteFactory(article=article, speaker=smith)
    quote.set_via([Hop(outlet=agency)])
    other = QuoteFactory(article=article, speaker=jones)

    def check():
        for outlet in (paper.pk, agency.pk):
            for speaker in (smith.pk, jones.pk):
                query = {"outlet": outlet, "speaker": speaker}
                assert filtered(query) == reference(query), query

    check()
    assert filtered({"outlet": agency.pk, "speaker": smith.pk}) == [quote.pk]
    Quote.all_objects.filter(pk=quote.pk).update(speaker=jones)
    check()
    assert filtered({"outlet": agency.pk, "speaker": jones.pk}) == [quote.pk]
    assert filtered({"outlet": paper.pk, "speaker": smith.pk}) == []
    Quote.all_objects.filter(pk=quote.pk).update(speaker=None)
    check()
    Quote.all_objects.filter(pk=quote.pk).update(speaker=smith)
    smith.merge(jones, by=editor)  # Jones's quotes are Smith's now
    check()
    assert filtered({"outlet": paper.pk, "speaker": smith.pk}) == sorted([quote.pk, other.pk])
