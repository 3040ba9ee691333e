"""Concurrent changes from the pages, as the API's: real threads, each with its own client and
database connection, released together. Of many saves of one quote at one version exactly
one wins and the others are told (409), and concurrent merges of one pair make one merge
and 409s, never a server error. On SQLite the writers queue (one at a time), so the same
outcome holds there too; PostgreSQL is where the row locks are put to the test."""

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import Merge, Outlet, Quote, Speaker

from .factories import (
    ArticleFactory,
    OutletFactory,
    QuoteFactory,
    SpeakerAliasFactory,
    SpeakerFactory,
    UserFactory,
)
from .test_api_concurrency import race

HX = {"HTTP_HX_REQUEST": "true"}
SAVES = 50
MERGES = 20


def signed_in(user):
    """A fresh client per thread (a client keeps cookies), signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_fifty_saves_of_one_quote_at_one_version_from_the_page_one_wins():
    editor = UserFactory(username="racer", role="editor")
    quote = QuoteFactory(article=ArticleFactory(), kind="indirect")
    url = reverse("annotations:quote-update", args=[quote.pk])
    clients = [signed_in(editor) for _ in range(SAVES)]

    def save(n):
        def send():
            data = {"kind": "direct", "fragment": "0-10", "note": f"writer {n}"}
            return clients[n].post(url, {**data, "version": quote.version}, **HX)

        return send

    responses = race([save(n) for n in range(SAVES)])

    codes = Counter(r.status_code for r in responses)
    assert codes == {200: 1, 409: SAVES - 1}, codes
    quote = Quote.objects.get(pk=quote.pk)
    assert quote.version == 2 and quote.note.startswith("writer ")
    lost = [r.content.decode() for r in responses if r.status_code == 409]
    # Each loser's own note is still in its form, beside what the winner saved.
    assert all("Someone else changed this quote" in page for page in lost)
    assert sum(quote.note in page for page in lost) == SAVES - 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_and_deletes_of_one_quote_from_the_list_one_wins():
    editor = UserFactory(username="racer", role="editor")
    quote = QuoteFactory(article=ArticleFactory(), status=Quote.Status.SUGGESTED)
    clients = [signed_in(editor) for _ in range(20)]
    action = ("quote-accept", "quote-reject", "quote-delete", "quote-add-fragment")

    def act(n):
        def send():
            url = reverse(f"annotations:{action[n % 4]}", args=[quote.pk])
            data = {"version": quote.version, "start": 27, "end": 40}
            return clients[n].post(url, data, **HX)

        return send

    responses = race([act(n) for n in range(20)])

    codes = Counter(r.status_code for r in responses)
    assert codes == {200: 1, 409: 19}, codes
    assert Quote.all_objects.get(pk=quote.pk).version == 2


def merge_through_page(kind, survivor, duplicate):
    editor = UserFactory(username="merger", role="editor")
    clients = [signed_in(editor) for _ in range(MERGES)]
    url = reverse(f"annotations:{kind}-merge", args=[survivor.pk])
    return [lambda c=c: c.post(url, {"duplicate": duplicate.pk}) for c in clients]


def merge_through_api(kind, survivor, duplicate):
    key = Token.objects.create(user=UserFactory(username="root", role="admin")).key
    url = f"/api/v1/{kind}s/{survivor.pk}/merge/"

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client.post(url, {"duplicate": duplicate.pk}, format="json")

    return [send] * MERGES


@pytest.mark.parametrize("through", [merge_through_page, merge_through_api])
@pytest.mark.parametrize("kind", ["speaker", "outlet"])
@pytest.mark.django_db(transaction=True)
def test_concurrent_merges_of_one_pair_make_one_merge_and_409s(kind, through):
    if kind == "speaker":
        survivor, duplicate = SpeakerFactory(name="Igor Konashenkov"), SpeakerFactory(name="I. K.")
        SpeakerAliasFactory(speaker=duplicate, name="Konashenkov")
        QuoteFactory(speaker=duplicate)
        model = Speaker
    else:
        survivor, duplicate = OutletFactory(name="RIA Novosti"), OutletFactory(name="RIA")
        ArticleFactory(publisher=duplicate)
        model = Outlet

    responses = race(through(kind, survivor, duplicate))

    codes = Counter(r.status_code for r in responses)
    ok = 302 if through is merge_through_page else 200
    assert codes == {ok: 1, 409: MERGES - 1}, codes
    assert Merge.objects.filter(kind=kind).count() == 1
    assert not model.objects.filter(pk=duplicate.pk).exists()
    refused = next(r for r in responses if r.status_code == 409)
    assert "merged" in refused.content.decode()


@pytest.mark.django_db(transaction=True)
def test_merges_of_one_pair_both_ways_at_once_make_one_merge():
    first, second = SpeakerFactory(name="Maria Zakharova"), SpeakerFactory(name="M. Zakharova")
    editor = UserFactory(username="merger", role="editor")
    clients = [signed_in(editor) for _ in range(MERGES)]

    def merge(n):
        into, other = (first, second) if n % 2 else (second, first)
        url = reverse("annotations:speaker-merge", args=[into.pk])
        return lambda: clients[n].post(url, {"duplicate": other.pk})

    responses = race([merge(n) for n in range(MERGES)])

    codes = Counter(r.status_code for r in responses)
    assert codes[302] == 1 and codes[302] + codes[409] + codes[404] == MERGES, codes
    assert Speaker.objects.filter(pk__in=[first.pk, second.pk]).count() == 1
    assert Merge.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_undos_of_one_merge_undo_it_once():
    survivor, duplicate = SpeakerFactory(name="Igor Konashenkov"), SpeakerFactory(name="I. K.")
    record = survivor.merge(duplicate)
    editor = UserFactory(username="merger", role="editor")
    clients = [signed_in(editor) for _ in range(10)]
    url = reverse("annotations:merge-undo", args=[record.pk])

    responses = race([lambda c=c: c.post(url) for c in clients])

    codes = Counter(r.status_code for r in responses)
    assert codes == {302: 1, 409: 9}, codes
    assert Speaker.objects.filter(name="I. K.").count() == 1
