"""Concurrent edits of one quote: real threads, each with its own database connection,
all sending the same If-Match at once. Exactly one wins; the others get 412; none errors."""

import threading
from collections import Counter

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import Quote

from .factories import ArticleFactory, QuoteFactory, UserFactory

THREADS = 50


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def race(requests):
    """Run each ``request(client)`` in its own thread, released together; return the
    responses' status codes and bodies."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(n, request):
        try:
            barrier.wait(timeout=30)
            results[n] = request()
        except Exception as exc:  # a crash must fail the test, not vanish with the thread
            results[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, r)) for n, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results


@pytest.fixture
def token_client():
    """Make a fresh client (APIClient keeps cookies, so one per thread) signed in by an
    editor's token, as a script would be."""
    key = Token.objects.create(user=UserFactory(username="racer", role="editor")).key

    def make():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_patches_with_one_version_one_wins(token_client):
    quote = QuoteFactory(article=ArticleFactory())
    history_before = quote.history.count()
    url = f"/api/v1/quotes/{quote.pk}/"
    tag = f'"{quote.version}"'

    def patch(n):
        def request():
            client = token_client()
            return client.patch(url, {"note": f"writer {n}"}, format="json", HTTP_IF_MATCH=tag)

        return request

    responses = race([patch(n) for n in range(THREADS)])

    codes = Counter(r.status_code for r in responses)
    assert codes == {200: 1, 412: THREADS - 1}, codes
    winner = next(r for r in responses if r.status_code == 200).json()
    quote = Quote.objects.get(pk=quote.pk)
    assert quote.version == 2 == winner["version"]
    assert quote.note == winner["note"]
    assert quote.history.count() == history_before + 1


@pytest.mark.django_db(transaction=True)
def test_parallel_delete_and_patches_with_one_version_one_wins(token_client):
    quote = QuoteFactory(article=ArticleFactory())
    url = f"/api/v1/quotes/{quote.pk}/"
    tag = f'"{quote.version}"'

    def request(n):
        def send():
            client = token_client()
            if n % 2:
                return client.delete(url, HTTP_IF_MATCH=tag)
            return client.patch(url, {"note": "x"}, format="json", HTTP_IF_MATCH=tag)

        return send

    responses = race([request(n) for n in range(20)])

    codes = Counter(r.status_code for r in responses)
    assert sum(codes[c] for c in (200, 204)) == 1, codes
    assert set(codes) <= {200, 204, 404, 412}, codes
    assert Quote.all_objects.get(pk=quote.pk).version == 2
