"""The quote filters follow every kind of write: on PostgreSQL they read what the triggers
of migration 0013 keep (a quote's outlets, its article's publication time, its text's
search vector), which must change with the articles, hops and quotes they come from."""

from __future__ import annotations

import pytest

from annotations.models import Article, Hop, Outlet, Quote, ViaHop
from tests.factories import ArticleFactory, OutletFactory, QuoteFactory
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
