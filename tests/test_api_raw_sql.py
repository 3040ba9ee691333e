"""The quote list's yardstick, ``bench/raw_quotes.py`` (raw SQL, dicts, ``json.dumps``),
answers byte for byte what the API answers, pagination links included, so that
``bench/api.py`` compares the cost of the same page; and the API's list stays at the same
four queries (the token, the quotes, their fragments, their via hops)."""

import importlib.util
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from annotations.models import Article, Hop, Quote, User

from .factories import ArticleFactory, QuoteFactory, SpeakerFactory, UserFactory, every_case


def _bench_module(name):
    path = settings.BASE_DIR / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_data = _bench_module("data")
raw_quotes = _bench_module("raw_quotes")

# transaction=True: on PostgreSQL bench/data.py fills through COPY on connections of its
# own, which must see the test database's tables and leave rows this test's connection sees.
pytestmark = pytest.mark.django_db(transaction=True)

ODD_NOTE = 'Line\u2028and paragraph\u2029separators, "quotes", \\ é 😀 </script>\x01\t'


@pytest.fixture
def token():
    """The token of an analyst, and a newsroom: the bench generator's articles (speakers
    and outlets shared with a skew, quotes of one and two fragments, via chains of outlets
    and relaying speakers, quotes without a speaker), every case an export must carry
    (deleted and rejected quotes, proposed speakers, a merge), and quotes checked in review,
    relocated and orphaned by a revision, made by an agreement task's annotator, and with
    a note that JSON must escape."""
    bench_data.fill(8, 60, seed=5, verbose=False)
    editor = UserFactory(username="eddie", role=User.Role.EDITOR)
    admin = UserFactory(username="ada", role=User.Role.ADMIN)
    checker = UserFactory(username="chris", role=User.Role.EDITOR)
    every_case(editor, admin)
    body = 'The minister said: "The bridge is safe." Nobody agreed.'
    article = ArticleFactory(body=body)
    bridge = (body.index("The bridge"), body.index("safe.") + 4)
    nobody = (body.index("Nobody"), len(body))
    said = (body.index("said"), body.index("said") + 4)
    minister = SpeakerFactory(name="Ministre Ørsted")
    relocated = Quote.create(
        article, kind="direct", fragments=[bridge], speaker=minister, cue="said",
        cue_span=said, mention=(4, 12), speaker_role="minister of roads",
        via=[Hop(speaker=minister)], by=editor,
    )  # fmt: skip
    Quote.create(article, kind="indirect", fragments=[nobody], by=editor)
    article.revise(body.replace("bridge", "bridges").replace(" Nobody agreed", ""), by=editor)
    relocated.refresh_from_db()
    relocated.mark_checked(checker)
    odd = QuoteFactory(article=ArticleFactory(), fragments=[(0, 7), (12, 20)])
    Quote.objects.filter(pk=odd.pk).update(note=ODD_NOTE)
    Quote.objects.filter(pk=QuoteFactory(article=article).pk).update(annotator=editor)
    analyst = UserFactory(username="ana", role=User.Role.ANALYST)
    return Token.objects.create(user=analyst).key


def pages(client, token, query):
    """Each page of the list for ``query``, as the API's bytes and the raw view's, following
    ``next`` to the end and then ``previous`` back to the start."""
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    factory = RequestFactory()
    seen, direction = [], "next"
    while query is not None:
        ours = client.get("/api/v1/quotes/", query, **auth)
        theirs = raw_quotes.quote_list(factory.get("/api/v1/quotes/", query, **auth))
        assert ours.status_code == theirs.status_code == 200, ours.content[:300]
        seen.append((ours.content, theirs.content))
        link = ours.json()[direction]
        if link is None and direction == "next" and len(seen) > 1:
            direction = "previous"
            link = ours.json()[direction]
        query = dict(parse_qsl(urlsplit(link).query)) if link else None
    return seen


QUERIES = [
    {"page_size": 100},
    {"page_size": 7},
    {"page_size": 9, "ordering": "-id"},
    {"page_size": 5, "speaker": 1},
    {"page_size": 6, "kind": "direct", "status": "confirmed"},
    {"page_size": 3, "status": "suggested"},
    {"page_size": 4, "anchoring": "relocated"},
    {"page_size": 4, "anchoring": "orphaned"},
    {"page_size": 2, "article": "the first"},
]


def test_the_raw_sql_view_answers_the_apis_bytes(client, token):
    first_article = Article.objects.order_by("id").first().pk
    for query in QUERIES:
        if "article" in query:
            query = {**query, "article": first_article}
        seen = pages(client, token, query)
        for ours, theirs in seen:
            assert ours == theirs, query
        if query == {"page_size": 7}:
            assert len(seen) > 15  # many pages, both ways


def test_the_pages_hold_every_case(client, token):
    (ours, _), *_ = pages(client, token, {"page_size": 500})
    quotes = json.loads(ours)["results"]
    assert len(quotes) == Quote.objects.filter(annotator=None).count() > 60
    assert any(q["note"] == ODD_NOTE for q in quotes)
    assert b"\\u2028" in ours and b"\\u2029" in ours
    assert {q["anchoring"] for q in quotes} == {"anchored", "relocated", "orphaned"}
    assert any(q["checked_by_name"] == "chris" for q in quotes)
    assert {h["type"] for q in quotes for h in q["via"]} == {"outlet", "speaker"}
    assert any(q["speaker"] is None for q in quotes)
    assert any(len(q["fragments"]) == 2 for q in quotes)


def test_the_api_and_the_raw_view_make_the_same_four_queries(
    client, token, django_assert_num_queries
):
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    request = RequestFactory().get("/api/v1/quotes/", {"page_size": 50}, **auth)
    # The token with its user, the page of quotes, their fragments, their via hops.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/quotes/", {"page_size": 50}, **auth)
    assert len(response.json()["results"]) == 50
    with django_assert_num_queries(4):
        raw_quotes.quote_list(request)


def test_the_quote_lists_renderer_writes_drfs_json_byte_for_byte():
    from django.utils.translation import gettext_lazy
    from rest_framework.exceptions import ErrorDetail
    from rest_framework.renderers import JSONRenderer

    from annotations.api.views.quotes import QuoteListRenderer

    every_character = "".join(chr(n) for n in range(0x3000) if not 0xD800 <= n < 0xE000)
    data = {
        "next": None,
        "results": [
            {"text": every_character, "emoji": "😀 \U0010ffff", "id": 2**63 - 1, "n": -1},
            {"detail": ErrorDetail("Invalid cursor", code="not_found"), "empty": [], "t": True},
        ],
    }
    ours, drf = QuoteListRenderer(), JSONRenderer()
    assert ours.render(data) == drf.render(data)
    # What orjson cannot write, and indented JSON, are DRF's to write.
    lazy = {"detail": gettext_lazy("Not found."), "big": 2**70}
    assert ours.render(lazy) == drf.render(lazy)
    indented = "application/json; indent=2"
    assert ours.render(data, indented, {}) == drf.render(data, indented, {})
    assert ours.render(None) == b""
