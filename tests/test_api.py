"""The REST API: shapes, writes and their validation, filters, pagination, query counts."""

import base64
import json
import random
from datetime import UTC

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import (
    Article,
    BoilerplateRange,
    Fragment,
    Hop,
    Outlet,
    Quote,
    Speaker,
    SpeakerAlias,
    ViaHop,
)

from .factories import BODY, ArticleFactory, OutletFactory, QuoteFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The factories hash a password for every user; the default hasher takes a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# BODY: 'Defense Ministry spokesman Igor Konashenkov said that the strikes hit their targets.
# "Every target was destroyed," Konashenkov said. "No civilians were hurt," he added.'
SENT = BODY.index("the strikes")
SENT_END = BODY.index(" their targets") + len(" their targets")
DIRECT1 = (BODY.index("Every target"), BODY.index(',"'))
DIRECT2 = (BODY.index("No civilians"), BODY.index(',"', BODY.index("No civilians")))
MENTION = (BODY.index("Igor Konashenkov"), BODY.index("Igor Konashenkov") + len("Igor Konashenkov"))
CUE = (BODY.index("said that"), BODY.index("said that") + 4)


def span(start, end, body=BODY):
    return {"start": start, "end": end, "text": body[start:end]}


@pytest.fixture
def article():
    return ArticleFactory(title="Strikes", published_at=timezone.now())


@pytest.fixture
def speaker():
    return SpeakerFactory(name="Igor Konashenkov")


@pytest.fixture
def ria():
    return OutletFactory(name="RIA Novosti", kind=Outlet.Kind.NEWS_AGENCY)


def new_quote_payload(article, speaker, ria, /, **changes):
    payload = {
        "article": article.pk,
        "kind": "direct",
        "fragments": [span(*DIRECT1), span(*DIRECT2)],
        "speaker": speaker.pk,
        "speaker_mention": span(*MENTION),
        "cue": "said",
        "cue_span": span(*CUE),
        "via": [{"type": "outlet", "id": ria.pk}],
        "status": "confirmed",
        "note": "checked against the wire",
    }
    payload.update(changes)
    return payload


def if_match(quote_or_version):
    version = getattr(quote_or_version, "version", quote_or_version)
    return {"HTTP_IF_MATCH": f'"{version}"'}


def snapshot():
    """Everything a quote write could change, to prove that a refused one changed nothing."""
    return (
        list(Quote.all_objects.order_by("pk").values()),
        list(Fragment.objects.order_by("pk").values()),
        list(ViaHop.objects.order_by("pk").values()),
    )


# Quote JSON ---------------------------------------------------------------------------


def test_quote_json_has_every_contract_field(analyst_api, article, speaker, ria):
    quote = QuoteFactory(
        article=article, speaker=speaker, kind="direct", fragments=[DIRECT1, DIRECT2]
    )
    quote.mention_start, quote.mention_end = MENTION
    quote.cue, (quote.cue_start, quote.cue_end) = "said", CUE
    quote.save()
    quote.set_via([Hop(outlet=ria), Hop(speaker=SpeakerFactory(name="Steven Warren"))])

    response = analyst_api.get(f"/api/v1/quotes/{quote.pk}/")

    assert response.status_code == 200
    data = response.json()
    contract = {
        "id", "article", "kind", "fragments", "text", "speaker", "speaker_name",
        "speaker_mention", "cue", "via", "status", "note", "created_at", "updated_at",
    }  # fmt: skip
    assert contract | {"version", "cue_span"} <= set(data)
    assert data["fragments"] == [span(*DIRECT1), span(*DIRECT2)]
    assert data["text"] == f"{BODY[slice(*DIRECT1)]} … {BODY[slice(*DIRECT2)]}"
    assert data["speaker"] == speaker.pk
    assert data["speaker_name"] == "Igor Konashenkov"
    assert data["speaker_mention"] == span(*MENTION)
    assert data["cue_span"] == span(*CUE)
    assert data["via"] == [
        {"type": "outlet", "id": ria.pk, "name": "RIA Novosti"},
        {"type": "speaker", "id": quote.via_hops.last().speaker_id, "name": "Steven Warren"},
    ]
    assert response["ETag"] == f'"{quote.version}"'


def test_quote_without_speaker_or_spans_shows_nulls(analyst_api, article):
    quote = QuoteFactory(article=article, speaker=None)
    data = analyst_api.get(f"/api/v1/quotes/{quote.pk}/").json()
    assert data["speaker"] is None
    assert data["speaker_name"] is None
    assert data["speaker_mention"] is None
    assert data["cue_span"] is None
    assert data["via"] == []


def test_spans_round_trip_with_emoji_flags_and_combining_accents(editor_api, speaker, ria):
    body = "🇺🇦 Café 👍 said: «Ça va 😀 très bien» — 東京 reported."
    article = ArticleFactory(body=body)
    start = body.index("Ça")
    end = body.index("»")
    payload = new_quote_payload(
        article,
        speaker,
        ria,
        fragments=[span(start, end, body)],
        speaker_mention=span(body.index("Café"), body.index("Café") + 4, body),
        cue_span=None,
    )
    response = editor_api.post("/api/v1/quotes/", payload, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["text"] == "Ça va 😀 très bien"
    assert data["fragments"] == [span(start, end, body)]
    assert data["speaker_mention"]["text"] == "Café"


# Creating, changing, deleting quotes --------------------------------------------------


def test_editor_creates_quote_with_fragments_speaker_and_via(
    editor_api, editor, article, speaker, ria
):
    response = editor_api.post(
        "/api/v1/quotes/", new_quote_payload(article, speaker, ria), format="json"
    )

    assert response.status_code == 201, response.json()
    quote = Quote.objects.get()
    assert [(f.start, f.end) for f in quote.fragments.all()] == [DIRECT1, DIRECT2]
    assert quote.via_names() == ["RIA Novosti"]
    assert (quote.mention_start, quote.mention_end) == MENTION
    assert (quote.cue_start, quote.cue_end) == CUE
    assert quote.created_by == editor and quote.updated_by == editor
    assert response["ETag"] == '"1"'
    assert response["Location"].endswith(f"/api/v1/quotes/{quote.pk}/")


def test_fragment_text_is_optional_on_write(editor_api, article, speaker, ria):
    payload = new_quote_payload(
        article, speaker, ria, fragments=[{"start": SENT, "end": SENT_END}], kind="indirect"
    )
    response = editor_api.post("/api/v1/quotes/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["text"] == BODY[SENT:SENT_END]


def test_via_accepts_the_outlet_and_speaker_shorthand(editor_api, article, speaker, ria):
    warren = SpeakerFactory(name="Steven Warren")
    payload = new_quote_payload(
        article, speaker, ria, via=[{"speaker": warren.pk}, {"outlet": ria.pk}]
    )
    response = editor_api.post("/api/v1/quotes/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert [h["name"] for h in response.json()["via"]] == ["Steven Warren", "RIA Novosti"]


BAD_QUOTES = [
    ("fragment past the end", {"fragments": [{"start": 0, "end": len(BODY) + 1}]}, "fragments",
     "past the end"),
    ("fragment start after end", {"fragments": [{"start": 10, "end": 5}]}, "fragments",
     "must start before"),
    ("empty fragment", {"fragments": [{"start": 5, "end": 5}]}, "fragments", "must start before"),
    ("negative offset", {"fragments": [{"start": -1, "end": 5}]}, "fragments", "greater than"),
    ("no fragments", {"fragments": []}, "fragments", "empty"),
    ("overlapping fragments", {"fragments": [{"start": 0, "end": 20}, {"start": 10, "end": 30}]},
     "fragments", "overlap"),
    ("fragment text not the body", {"fragments": [{"start": 0, "end": 7, "text": "Offense"}]},
     "fragments", "does not match"),
    ("mention text not the body", {"speaker_mention": {"start": 0, "end": 7, "text": "Nobody!"}},
     "speaker_mention", "does not match"),
    ("cue out of bounds", {"cue_span": {"start": 5, "end": 10_000}}, "cue_span", "past the end"),
    ("unknown speaker", {"speaker": 999_999}, "speaker", "does not exist"),
    ("unknown article", {"article": 999_999}, "article", "does not exist"),
    ("unknown via outlet", {"via": [{"type": "outlet", "id": 999_999}]}, "via",
     "no outlet with id 999999"),
    ("unknown via speaker", {"via": [{"type": "speaker", "id": 999_999}]}, "via",
     "no speaker with id 999999"),
    ("via hop naming both", {"via": [{"outlet": 1, "speaker": 1}]}, "via", "not both"),
    ("via hop naming neither", {"via": [{}]}, "via", "neither"),
    ("via hop of unknown type", {"via": [{"type": "person", "id": 1}]}, "via", "valid choice"),
    ("unknown kind", {"kind": "rumour"}, "kind", "valid choice"),
    ("unknown status", {"status": "maybe"}, "status", "valid choice"),
    ("overlong cue", {"cue": "x" * 201}, "cue", "no more than 200"),
    ("overlong note", {"note": "x" * 5001}, "note", "no more than 5000"),
    ("NUL in note", {"note": "bad\x00note"}, "note", "NUL"),
    ("NUL in fragment text", {"fragments": [{"start": 0, "end": 7, "text": "Def\x00nse"}]},
     "fragments", "NUL"),
    # A key the API does not read is ignored, NUL or not: this hop names nothing.
    ("NUL in an unknown key", {"via": [{"type\x00": "outlet"}]}, "via", "neither"),
]  # fmt: skip
# Refusals of well-formed requests that only the stored article and rows decide: 422.
UNPROCESSABLE = ("past the end", "must start before", "overlap", "does not match",
                 "does not exist", "no outlet with id", "no speaker with id")  # fmt: skip


def refusal_status(message: str) -> int:
    return 422 if message.startswith(UNPROCESSABLE) else 400


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [case[1:] for case in BAD_QUOTES],
    ids=[case[0] for case in BAD_QUOTES],
)
def test_bad_quote_is_refused_with_a_clear_message_and_changes_nothing(
    editor_api, article, speaker, ria, change, field, message
):
    before = snapshot()
    response = editor_api.post(
        "/api/v1/quotes/", new_quote_payload(article, speaker, ria, **change), format="json"
    )
    assert response.status_code == refusal_status(message)
    errors = response.json()
    assert field in errors, errors
    assert message in json.dumps(errors[field], ensure_ascii=False), errors
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [case[1:] for case in BAD_QUOTES if case[1].keys() != {"article"}],
    ids=[case[0] for case in BAD_QUOTES if case[1].keys() != {"article"}],
)
def test_bad_quote_change_is_refused_and_changes_nothing(
    editor_api, article, speaker, ria, change, field, message
):
    quote = QuoteFactory(article=article, speaker=speaker)
    quote.set_via([Hop(outlet=ria)])
    before = snapshot()
    response = editor_api.patch(
        f"/api/v1/quotes/{quote.pk}/", change, format="json", **if_match(quote)
    )
    assert response.status_code == refusal_status(message)
    assert message in json.dumps(response.json()[field], ensure_ascii=False)
    assert snapshot() == before


def test_rejecting_a_suggestion_drops_the_speaker_proposed_for_it(editor_api):
    article = ArticleFactory(body="“The strikes hit every target,” said Colonel Ivan Petrenko.\n")
    (suggestion,) = article.suggest_quotes()
    response = editor_api.patch(
        f"/api/v1/quotes/{suggestion.pk}/",
        {"status": "rejected"},
        format="json",
        **if_match(suggestion),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "rejected" and response.json()["speaker"] is None
    assert not Speaker.objects.filter(name="Ivan Petrenko").exists()


def test_proposed_speakers_are_marked_and_filtered(analyst_api):
    kept = SpeakerFactory(name="Maria Zakharova")
    article = ArticleFactory(body="“The strikes hit every target,” said Colonel Ivan Petrenko.\n")
    article.suggest_quotes()
    response = analyst_api.get("/api/v1/speakers/", {"proposed": "true"})
    assert [(s["name"], s["proposed"]) for s in response.json()["results"]] == [
        ("Ivan Petrenko", True)
    ]
    response = analyst_api.get("/api/v1/speakers/", {"proposed": "false"})
    assert [s["name"] for s in response.json()["results"]] == [kept.name]


def test_quote_cannot_move_to_another_article(editor_api, article):
    quote = QuoteFactory(article=article)
    other = ArticleFactory()
    response = editor_api.patch(
        f"/api/v1/quotes/{quote.pk}/", {"article": other.pk}, format="json", **if_match(quote)
    )
    assert response.status_code == 422
    assert "cannot move" in response.json()["article"][0]


def test_request_that_is_not_an_object_is_refused(editor_api):
    response = editor_api.post("/api/v1/quotes/", [1, 2], format="json")
    assert response.status_code == 400


def test_patch_changes_fragments_via_and_bumps_version(editor_api, editor, article, speaker, ria):
    quote = QuoteFactory(article=article, speaker=speaker, fragments=[(0, 7)])
    quote.set_via([Hop(outlet=ria)])
    response = editor_api.patch(
        f"/api/v1/quotes/{quote.pk}/",
        {"fragments": [span(*DIRECT1)], "kind": "direct", "via": [], "speaker": None},
        format="json",
        **if_match(quote),
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["fragments"] == [span(*DIRECT1)]
    assert data["via"] == []
    assert data["speaker"] is None
    assert data["version"] == quote.version + 1
    assert response["ETag"] == f'"{quote.version + 1}"'
    quote.refresh_from_db()
    assert quote.text == BODY[slice(*DIRECT1)]
    assert quote.updated_by == editor
    assert list(quote.fragments.values_list("start", "end")) == [DIRECT1]


def test_patch_leaves_unmentioned_fields_alone(editor_api, article, speaker, ria):
    quote = QuoteFactory(article=article, speaker=speaker, fragments=[(0, 7)])
    quote.set_via([Hop(outlet=ria)])
    response = editor_api.patch(
        f"/api/v1/quotes/{quote.pk}/", {"note": "looked again"}, format="json", **if_match(quote)
    )
    assert response.status_code == 200
    assert response.json()["via"][0]["id"] == ria.pk
    assert response.json()["fragments"] == [span(0, 7)]
    assert response.json()["note"] == "looked again"


def test_put_replaces_the_quote(editor_api, article, speaker, ria):
    quote = QuoteFactory(article=article)
    payload = new_quote_payload(article, speaker, ria, note="")
    response = editor_api.put(
        f"/api/v1/quotes/{quote.pk}/", payload, format="json", **if_match(quote)
    )
    assert response.status_code == 200, response.json()
    assert response.json()["fragments"] == [span(*DIRECT1), span(*DIRECT2)]
    assert response.json()["speaker"] == speaker.pk


def test_delete_is_soft_and_restore_undoes_it(editor_api, editor, article):
    quote = QuoteFactory(article=article)
    response = editor_api.delete(f"/api/v1/quotes/{quote.pk}/", **if_match(quote))
    assert response.status_code == 204
    deleted = Quote.all_objects.get(pk=quote.pk)
    assert deleted.is_deleted and deleted.deleted_by == editor
    assert editor_api.get(f"/api/v1/quotes/{quote.pk}/").status_code == 404
    assert editor_api.get("/api/v1/quotes/").json()["results"] == []

    response = editor_api.post(f"/api/v1/quotes/{quote.pk}/restore/")
    assert response.status_code == 200
    assert response.json()["id"] == quote.pk
    assert response["ETag"] == f'"{quote.version + 2}"'
    assert Quote.objects.filter(pk=quote.pk).exists()


def test_restore_of_live_quote_changes_nothing(editor_api, article):
    quote = QuoteFactory(article=article)
    response = editor_api.post(f"/api/v1/quotes/{quote.pk}/restore/")
    assert response.status_code == 200
    assert response.json()["version"] == quote.version


def test_restore_with_stale_if_match_is_refused(editor_api, article):
    quote = QuoteFactory(article=article)
    quote.soft_delete()
    response = editor_api.post(f"/api/v1/quotes/{quote.pk}/restore/", **if_match(1))
    assert response.status_code == 412
    assert Quote.all_objects.get(pk=quote.pk).is_deleted


# Concurrency (single-threaded rules; the race itself is in test_api_concurrency.py) ----


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_change_without_if_match_gets_428_and_changes_nothing(editor_api, article, method):
    quote = QuoteFactory(article=article)
    before = snapshot()
    response = getattr(editor_api, method)(
        f"/api/v1/quotes/{quote.pk}/", {"note": "x"}, format="json"
    )
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize("tag", ['"1"', "1", 'W/"1"', '"7", "1"'])
def test_if_match_forms_that_name_the_current_version_are_accepted(editor_api, article, tag):
    quote = QuoteFactory(article=article)
    assert quote.version == 1
    response = editor_api.patch(
        f"/api/v1/quotes/{quote.pk}/", {"note": "x"}, format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 200


@pytest.mark.parametrize("tag", ['"2"', '"abc"', '""', "*"])
def test_stale_or_unusable_if_match_changes_nothing(editor_api, article, tag):
    quote = QuoteFactory(article=article)
    before = snapshot()
    response = editor_api.patch(
        f"/api/v1/quotes/{quote.pk}/", {"note": "x"}, format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code in (412, 428)
    assert snapshot() == before


def test_second_change_with_the_same_version_gets_412(editor_api, article):
    quote = QuoteFactory(article=article)
    url = f"/api/v1/quotes/{quote.pk}/"
    assert editor_api.patch(url, {"note": "one"}, format="json", **if_match(1)).status_code == 200
    response = editor_api.patch(url, {"note": "two"}, format="json", **if_match(1))
    assert response.status_code == 412
    assert "now at version 2" in response.json()["detail"]
    assert Quote.objects.get().note == "one"


def test_speaker_merge_makes_old_etags_stale(admin_api, article):
    quote = QuoteFactory(article=article)
    survivor = SpeakerFactory()
    assert (
        admin_api.post(
            f"/api/v1/speakers/{survivor.pk}/merge/", {"duplicate": quote.speaker_id}, format="json"
        ).status_code
        == 200
    )
    response = admin_api.patch(
        f"/api/v1/quotes/{quote.pk}/", {"note": "x"}, format="json", **if_match(quote)
    )
    assert response.status_code == 412


# Articles ---------------------------------------------------------------------------------


def test_article_list_and_detail_fields(analyst_api, article):
    QuoteFactory(article=article)
    QuoteFactory(article=article, start=20, end=30, status="rejected")
    QuoteFactory(article=article, start=40, end=50).soft_delete()
    BoilerplateRange.objects.create(article=article, start=0, end=8, note="kicker")

    listed = analyst_api.get("/api/v1/articles/").json()["results"][0]
    assert set(listed) >= {
        "id", "title", "url", "publisher", "publisher_name", "byline", "published_at",
        "language", "status", "quote_count", "created_at", "updated_at",
    }  # fmt: skip
    assert "body" not in listed
    assert listed["quote_count"] == 1
    assert listed["publisher"] == article.publisher_id
    assert listed["publisher_name"] == article.publisher.name

    detail = analyst_api.get(f"/api/v1/articles/{article.pk}/").json()
    assert detail["body"] == BODY
    assert len(detail["quotes"]) == 2  # rejected ones are listed, deleted ones are not
    assert detail["boilerplate"] == [{"start": 0, "end": 8, "note": "kicker", "proposed": False}]


def test_editor_creates_article_with_normalised_body(editor_api, editor, ria):
    response = editor_api.post(
        "/api/v1/articles/",
        {
            "title": "New",
            "body": "Cafe\u0301 line one\r\nline two\x07",
            "publisher": ria.pk,
            "url": "https://example.org/a",
            "boilerplate": [{"start": 0, "end": 4}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["body"] == "Café line one\nline two"
    assert data["publisher_name"] == "RIA Novosti"
    assert data["boilerplate"] == [{"start": 0, "end": 4, "note": "", "proposed": False}]
    assert Article.objects.get(pk=data["id"]).created_by == editor


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"body": "bad\x00body"}, "body", "NUL"),
        ({"title": "x" * 501}, "title", "no more than 500"),
        ({"body": "   "}, "body", ""),
        ({"publisher": 999_999}, "publisher", "does not exist"),
        ({"status": "published"}, "status", "valid choice"),
        ({"boilerplate": [{"start": 0, "end": 999}]}, "boilerplate", "past the end"),
        ({"url": "not a url"}, "url", "valid URL"),
        ({"url": "ftp://example.org/story"}, "url", "http:// or https://"),
        ({"url": 'https://example.org/"onmouseover="x'}, "url", "http:// or https://"),
        ({"url": "https://example.org/<script>"}, "url", "http:// or https://"),
        ({"title": 12}, "title", "must be a string"),
    ],
)
def test_bad_article_is_refused(editor_api, payload, field, message):
    response = editor_api.post(
        "/api/v1/articles/", {"title": "T", "body": "Some body.", **payload}, format="json"
    )
    # well formed, but naming a row that is not there or a span past the body: 422
    assert response.status_code == (422 if field in ("publisher", "boilerplate") else 400)
    assert message in json.dumps(response.json()[field])
    assert not Article.objects.exists()


def test_oversized_body_is_refused(editor_api, settings):
    settings.NEWSDESK_MAX_BODY_CHARS = 100
    response = editor_api.post(
        "/api/v1/articles/", {"title": "T", "body": "x" * 101}, format="json"
    )
    assert response.status_code == 400
    assert "the most Newsdesk accepts is 100" in response.json()["body"][0]


def test_duplicate_article_url_is_refused(editor_api):
    ArticleFactory(url="https://example.org/a")
    response = editor_api.post(
        "/api/v1/articles/",
        {"title": "T", "body": "B", "url": "https://example.org/a"},
        format="json",
    )
    assert response.status_code == 409
    assert "already exists" in response.json()["url"][0]


def test_articles_without_url_do_not_clash(editor_api):
    for title in ("One", "Two"):
        response = editor_api.post(
            "/api/v1/articles/", {"title": title, "body": "B", "url": ""}, format="json"
        )
        assert response.status_code == 201, response.json()


def test_body_change_under_quotes_makes_a_revision(editor_api, article):
    quote = QuoteFactory(article=article)
    response = editor_api.patch(
        f"/api/v1/articles/{article.pk}/", {"body": "Intro.\n" + BODY}, format="json"
    )
    assert response.status_code == 200, response.json()
    article.refresh_from_db()
    assert article.body == "Intro.\n" + BODY
    assert list(article.revisions.values_list("number", flat=True)) == [1, 2]
    assert article.revisions.get(number=2).created_by.username == "eddie"
    quote.refresh_from_db()
    assert (quote.start, quote.anchoring) == (7, "anchored")


def test_body_change_allowed_without_quotes_and_title_change_with_them(editor_api, article):
    response = editor_api.patch(
        f"/api/v1/articles/{article.pk}/", {"body": "Other text."}, format="json"
    )
    assert response.status_code == 200
    QuoteFactory(article=article, start=0, end=5)
    response = editor_api.patch(
        f"/api/v1/articles/{article.pk}/", {"title": "Renamed", "status": "done"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"


def test_deleting_an_article_with_quotes_keeps_both_to_restore(editor_api, article):
    quote = QuoteFactory(article=article)
    response = editor_api.delete(f"/api/v1/articles/{article.pk}/")
    assert response.status_code == 204
    assert not Article.objects.filter(pk=article.pk).exists()
    assert Quote.all_objects.get(pk=quote.pk).is_deleted
    assert editor_api.post(f"/api/v1/articles/{article.pk}/restore/").status_code == 200
    assert Quote.objects.filter(pk=quote.pk).exists()


def test_suggest_creates_suggested_quotes(editor_api, seeded):
    Quote.all_objects.filter(article=seeded).delete()
    response = editor_api.post(f"/api/v1/articles/{seeded.pk}/suggest/")
    assert response.status_code == 200, response.content
    made = response.json()
    assert made, "the sample article has quotes to suggest"
    assert {q["status"] for q in made} == {"suggested"}
    assert {q["id"] for q in made} == set(
        Quote.objects.filter(article=seeded).values_list("pk", flat=True)
    )


# Speakers and outlets ---------------------------------------------------------------------


def test_speaker_fields_aliases_and_quote_count(analyst_api, article, speaker):
    SpeakerAlias.objects.create(speaker=speaker, name="Konashenkov")
    QuoteFactory(article=article, speaker=speaker)
    QuoteFactory(article=article, speaker=speaker, start=20, end=30, status="rejected")
    data = analyst_api.get(f"/api/v1/speakers/{speaker.pk}/").json()
    assert data["aliases"] == ["Konashenkov"]
    assert data["quote_count"] == 1
    assert {"id", "name", "kind", "role", "affiliation", "wikidata_id"} <= set(data)


def test_aliases_are_writable(editor_api, speaker):
    SpeakerAlias.objects.create(speaker=speaker, name="Old")
    response = editor_api.patch(
        f"/api/v1/speakers/{speaker.pk}/",
        {"aliases": ["Konashenkov", "konashenkov", "Igor Konashenkov", "I. Konashenkov"]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["aliases"] == ["Konashenkov", "I. Konashenkov"]


def test_speaker_with_bad_wikidata_id_is_refused(editor_api):
    response = editor_api.post(
        "/api/v1/speakers/", {"name": "X", "wikidata_id": "42"}, format="json"
    )
    assert response.status_code == 400
    assert "Q42" in response.json()["wikidata_id"][0]


def test_outlet_quote_count_includes_relayed_quotes(analyst_api, article, ria):
    relayed = QuoteFactory(article=article)
    relayed.set_via([Hop(outlet=ria)])
    data = analyst_api.get(f"/api/v1/outlets/{ria.pk}/").json()
    assert data["quote_count"] == 1
    assert data["article_count"] == 0
    publisher = analyst_api.get(f"/api/v1/outlets/{article.publisher_id}/").json()
    assert (publisher["quote_count"], publisher["article_count"]) == (1, 1)


def test_outlet_name_must_be_unique_in_any_case(editor_api, ria):
    response = editor_api.post("/api/v1/outlets/", {"name": "ria novosti"}, format="json")
    assert response.status_code == 409
    assert "already an outlet" in response.json()["name"][0]


def test_speaker_in_use_cannot_be_deleted(editor_api, article, speaker):
    QuoteFactory(article=article, speaker=speaker)
    response = editor_api.delete(f"/api/v1/speakers/{speaker.pk}/")
    assert response.status_code == 409
    assert "merge" in response.json()["detail"]
    assert Speaker.objects.filter(pk=speaker.pk).exists()


def test_admin_merges_speakers(admin_api, article, speaker):
    duplicate = SpeakerFactory(name="I. Konashenkov")
    SpeakerAlias.objects.create(speaker=duplicate, name="Konashenkov")
    quote = QuoteFactory(article=article, speaker=duplicate)
    relayed = QuoteFactory(article=article, start=20, end=30)
    relayed.set_via([Hop(speaker=duplicate)])

    response = admin_api.post(
        f"/api/v1/speakers/{speaker.pk}/merge/", {"duplicate": duplicate.pk}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert sorted(response.json()["aliases"]) == ["I. Konashenkov", "Konashenkov"]
    assert response.json()["quote_count"] == 1
    assert not Speaker.objects.filter(pk=duplicate.pk).exists()
    assert Quote.objects.get(pk=quote.pk).speaker == speaker
    assert ViaHop.objects.get(quote=relayed).speaker == speaker


def test_admin_merges_outlets(admin_api, article, ria):
    duplicate = OutletFactory(name="RIA")
    article.publisher = duplicate
    article.save()
    response = admin_api.post(
        f"/api/v1/outlets/{ria.pk}/merge/", {"duplicate": duplicate.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["aliases"] == ["RIA"]
    assert response.json()["article_count"] == 1
    assert not Outlet.objects.filter(pk=duplicate.pk).exists()


@pytest.mark.parametrize(
    ("duplicate", "message"), [("self", "into itself"), (999_999, "no speaker")]
)
def test_bad_merge_is_refused(admin_api, speaker, duplicate, message):
    duplicate = speaker.pk if duplicate == "self" else duplicate
    response = admin_api.post(
        f"/api/v1/speakers/{speaker.pk}/merge/", {"duplicate": duplicate}, format="json"
    )
    assert response.status_code == 422
    assert message in json.dumps(response.json())
    assert Speaker.objects.filter(pk=speaker.pk).exists()


# Filters ----------------------------------------------------------------------------------


@pytest.fixture
def corpus(speaker, ria):
    """Two articles from two publishers a year apart, quotes of every kind."""
    tass = OutletFactory(name="TASS")
    old = ArticleFactory(title="Old", published_at=timezone.datetime(2016, 2, 11, tzinfo=UTC))
    new = ArticleFactory(
        title="New", publisher=tass, published_at=timezone.datetime(2017, 3, 1, tzinfo=UTC)
    )
    other = SpeakerFactory(name="Steven Warren")
    quotes = {
        "old_direct": QuoteFactory(article=old, speaker=speaker, kind="direct",
                                   fragments=[DIRECT1]),
        "old_indirect": QuoteFactory(article=old, speaker=other, kind="indirect",
                                     fragments=[(SENT, SENT_END)]),
        "new_relayed": QuoteFactory(article=new, speaker=speaker, kind="mixed",
                                    status="suggested", fragments=[DIRECT2]),
    }  # fmt: skip
    quotes["new_relayed"].set_via([Hop(outlet=ria)])
    return {"old": old, "new": new, "tass": tass, "other": other, **quotes}


def ids(response):
    assert response.status_code == 200, response.json()
    return {q["id"] for q in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda c, s, r: {"article": c["old"].pk}, {"old_direct", "old_indirect"}),
        (lambda c, s, r: {"speaker": s.pk}, {"old_direct", "new_relayed"}),
        (lambda c, s, r: {"outlet": r.pk}, {"new_relayed"}),
        (lambda c, s, r: {"outlet": c["tass"].pk}, {"new_relayed"}),
        (lambda c, s, r: {"outlet": c["old"].publisher_id}, {"old_direct", "old_indirect"}),
        (lambda c, s, r: {"kind": "indirect"}, {"old_indirect"}),
        (lambda c, s, r: {"status": "suggested"}, {"new_relayed"}),
        (lambda c, s, r: {"published_after": "2017-01-01T00:00:00Z"}, {"new_relayed"}),
        (lambda c, s, r: {"published_before": "2017-01-01T00:00:00Z"},
         {"old_direct", "old_indirect"}),
        (lambda c, s, r: {"speaker": s.pk, "published_before": "2017-01-01T00:00:00Z"},
         {"old_direct"}),
        (lambda c, s, r: {"q": "civilians"}, {"new_relayed"}),
        (lambda c, s, r: {"q": "strikes"}, {"old_indirect"}),
        (lambda c, s, r: {"speaker": 999_999}, set()),
        # An offset PostgreSQL would refuse is moved to UTC first.
        (lambda c, s, r: {"published_after": "2016-12-31T02:00:00+22:59"}, {"new_relayed"}),
    ],
)  # fmt: skip
def test_quote_filters(analyst_api, corpus, speaker, ria, query, expected):
    response = analyst_api.get("/api/v1/quotes/", query(corpus, speaker, ria))
    assert ids(response) == {corpus[name].pk for name in expected}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_q_uses_english_stemming_on_postgresql(analyst_api, corpus):
    # "strike" finds "strikes" and "destroy" finds "destroyed": stems, not substrings.
    assert ids(analyst_api.get("/api/v1/quotes/", {"q": "strike"})) == {corpus["old_indirect"].pk}
    assert ids(analyst_api.get("/api/v1/quotes/", {"q": "destroy"})) == {corpus["old_direct"].pk}


def test_other_list_filters(analyst_api, corpus, speaker):
    articles = analyst_api.get("/api/v1/articles/", {"publisher": corpus["tass"].pk})
    assert ids(articles) == {corpus["new"].pk}
    articles = analyst_api.get("/api/v1/articles/", {"q": "OLD"})
    assert ids(articles) == {corpus["old"].pk}
    SpeakerAlias.objects.create(speaker=speaker, name="Konashenkov")
    assert ids(analyst_api.get("/api/v1/speakers/", {"q": "konash"})) == {speaker.pk}
    assert ids(analyst_api.get("/api/v1/outlets/", {"kind": "news_agency"})) == {
        Outlet.objects.get(name="RIA Novosti").pk
    }


@pytest.mark.parametrize("url", ["/api/v1/quotes/", "/api/v1/articles/", "/api/v1/speakers/",
                                 "/api/v1/outlets/"])  # fmt: skip
def test_unknown_filters_are_refused_and_reveal_nothing(analyst_api, corpus, url):
    response = analyst_api.get(url, {"created_by__password__startswith": "a"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "created_by__password__startswith" in detail
    assert "cursor" in detail and "page_size" in detail  # lists what is allowed
    assert "results" not in response.json()


def test_unknown_filter_is_refused_on_detail_too(analyst_api, corpus):
    response = analyst_api.get(f"/api/v1/quotes/{corpus['old_direct'].pk}/", {"spaeker": 1})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "rumour"},
        {"speaker": "abc"},
        {"speaker": "1.5"},
        {"speaker": str(2**70)},
        {"published_after": "last tuesday"},
        {"published_after": "0001-01-01T00:00:00+10:00"},
        {"q": "x" * 201},
        {"q": "a\x00b"},
        {"ordering": "text"},
        {"ordering": "created_by__password"},
        {"ordering": "id,-id"},
    ],
)
def test_bad_filter_values_are_refused(analyst_api, corpus, query):
    response = analyst_api.get("/api/v1/quotes/", query)
    assert response.status_code == 400, response.content


def test_ordering_by_id_descending(analyst_api, corpus):
    response = analyst_api.get("/api/v1/quotes/", {"ordering": "-id"})
    got = [q["id"] for q in response.json()["results"]]
    assert got == sorted(got, reverse=True) and len(got) == 3


# Pagination -------------------------------------------------------------------------------


def make_quotes(n):
    """``n`` quotes in one article, cheaply (bulk_create), with a fragment and a via hop
    each so that the prefetches have work to do."""
    article = ArticleFactory(body="x" * (n + 10))
    speaker = SpeakerFactory()
    outlet = OutletFactory()
    quotes = Quote.objects.bulk_create(
        Quote(article=article, kind="direct", speaker=speaker, start=i, end=i + 1, text="x",
              mention_start=0, mention_end=1)
        for i in range(n)
    )  # fmt: skip
    Fragment.objects.bulk_create(
        Fragment(quote=q, start=q.start, end=q.end, text="x") for q in quotes
    )
    ViaHop.objects.bulk_create(ViaHop(quote=q, position=0, outlet=outlet) for q in quotes)
    return quotes


def test_cursor_pagination_walks_every_quote_once(analyst_api):
    quotes = make_quotes(25)
    seen, url, pages = [], "/api/v1/quotes/?page_size=10", 0
    while url:
        page = analyst_api.get(url).json()
        assert set(page) >= {"next", "previous", "results"}
        seen += [q["id"] for q in page["results"]]
        url, pages = page["next"], pages + 1
    assert seen == [q.pk for q in quotes]
    assert pages == 3
    back = analyst_api.get(page["previous"]).json() if page["previous"] else None
    assert back and [q["id"] for q in back["results"]] == [q.pk for q in quotes[10:20]]


@pytest.mark.parametrize("size", ["0", "-1", "501", "abc", "1e3"])
def test_page_size_outside_1_to_500_is_refused(analyst_api, size):
    response = analyst_api.get("/api/v1/quotes/", {"page_size": size})
    assert response.status_code == 400
    assert "1 to 500" in response.json()["page_size"]


def test_page_size_500_is_allowed(analyst_api):
    make_quotes(501)
    page = analyst_api.get("/api/v1/quotes/", {"page_size": 500}).json()
    assert len(page["results"]) == 500 and page["next"]


def b64(text):
    return base64.b64encode(text.encode()).decode()


FORGED_CURSORS = [
    "garbage",
    "!!!",
    "é",
    b64("p=abc"),
    b64("p=1.5"),
    b64(f"p={2**80}"),
    b64("o=-1"),
    b64("r=x"),
    b64("p=\x00"),
    "%00",
]


@pytest.mark.parametrize("cursor", FORGED_CURSORS)
@pytest.mark.parametrize("url", ["/api/v1/quotes/", "/api/v1/articles/", "/api/v1/speakers/",
                                 "/api/v1/outlets/"])  # fmt: skip
def test_forged_cursor_gets_4xx(analyst_api, url, cursor):
    make_quotes(3)
    response = analyst_api.get(url, {"cursor": cursor})
    assert response.status_code in (400, 404), response.content


def test_random_base64_cursors_never_error(analyst_api):
    make_quotes(3)
    rng = random.Random(4)
    for _ in range(200):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        response = analyst_api.get("/api/v1/quotes/", {"cursor": base64.b64encode(raw).decode()})
        assert response.status_code in (200, 400, 404)


def test_valid_cursor_with_unknown_position_is_just_a_page(analyst_api):
    make_quotes(3)
    response = analyst_api.get("/api/v1/quotes/", {"cursor": b64("p=999999999")})
    assert response.status_code == 200
    assert response.json()["results"] == []


# Query counts -----------------------------------------------------------------------------


def make_rows(n):
    make_quotes(n)
    outlets = Outlet.objects.bulk_create(Outlet(name=f"Outlet bulk {i}") for i in range(n))
    speakers = Speaker.objects.bulk_create(Speaker(name=f"Speaker bulk {i}") for i in range(n))
    SpeakerAlias.objects.bulk_create(
        SpeakerAlias(speaker=s, name=f"alias {s.name}") for s in speakers
    )
    Article.objects.bulk_create(
        Article(title=f"Bulk {i}", body="Body.", publisher=outlets[i]) for i in range(n)
    )


LIST_QUERIES = {
    # quotes, fragments, via hops with their outlet or speaker
    "/api/v1/quotes/": 3,
    # articles with publisher and quote count
    "/api/v1/articles/": 1,
    # speakers with quote count, their aliases
    "/api/v1/speakers/": 2,
    # outlets with counts, their aliases
    "/api/v1/outlets/": 2,
}


@pytest.mark.parametrize("url", LIST_QUERIES)
def test_list_query_count_does_not_grow_with_page_size(analyst_api, django_assert_num_queries, url):
    make_rows(505)
    for size in (1, 50, 500):
        with django_assert_num_queries(LIST_QUERIES[url]):
            response = analyst_api.get(url, {"page_size": size})
        assert len(response.json()["results"]) == size


def test_article_detail_query_count_does_not_grow_with_quotes(
    analyst_api, django_assert_num_queries
):
    article = Quote.objects.get(pk=make_quotes(200)[0].pk).article
    # article with counts, quotes, their fragments, their via hops, boilerplate
    with django_assert_num_queries(5):
        response = analyst_api.get(f"/api/v1/articles/{article.pk}/")
    assert len(response.json()["quotes"]) == 200


# Tokens, schema and docs ------------------------------------------------------------------


def test_token_authentication_works(analyst):
    token = Token.objects.create(user=analyst)
    client = APIClient()
    assert client.get("/api/v1/quotes/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/quotes/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert client.get("/api/v1/quotes/").status_code == 401


def test_schema_is_valid_openapi_and_describes_every_endpoint(client, analyst):
    from drf_spectacular.validation import validate_schema

    client.force_login(analyst)
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    paths = schema["paths"]
    for name in ("outlets", "speakers", "articles", "quotes"):
        assert f"/api/v1/{name}/" in paths and f"/api/v1/{name}/{{id}}/" in paths
    assert "/api/v1/speakers/{id}/merge/" in paths
    assert "/api/v1/outlets/{id}/merge/" in paths
    assert "/api/v1/quotes/{id}/restore/" in paths
    assert "/api/v1/articles/{id}/suggest/" in paths
    quote_params = {p["name"] for p in paths["/api/v1/quotes/"]["get"]["parameters"]}
    # id filters keep their help text beside the schema their class gives
    speaker = next(
        p for p in paths["/api/v1/quotes/"]["get"]["parameters"] if p["name"] == "speaker"
    )
    assert speaker["schema"]["minimum"] == 1 and speaker["description"]
    assert quote_params >= {"article", "speaker", "outlet", "kind", "status",
                            "published_after", "published_before", "q", "cursor", "page_size"}  # fmt: skip
    patch_params = {p["name"] for p in paths["/api/v1/quotes/{id}/"]["patch"]["parameters"]}
    assert "If-Match" in patch_params
    assert {"ArticleStatusEnum", "QuoteStatusEnum"} <= set(schema["components"]["schemas"])


@pytest.mark.parametrize("name", ["outlets", "speakers"])
def test_schema_gives_the_wikidata_filter_the_pattern_it_holds_to(client, analyst, name):
    client.force_login(analyst)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    parameters = schema["paths"][f"/api/v1/{name}/"]["get"]["parameters"]
    wikidata = next(p for p in parameters if p["name"] == "wikidata_id")
    assert wikidata["schema"]["pattern"] == "^Q[1-9][0-9]*$"
    assert "Q42" in wikidata["description"]
    # what the pattern allows, the filter takes; what it refuses, the filter refuses
    assert client.get(f"/api/v1/{name}/", {"wikidata_id": "Q42"}).status_code == 200
    for bad in ("Q0", "q42", "42", "Q4 2", "\u0661Q42"):
        assert client.get(f"/api/v1/{name}/", {"wikidata_id": bad}).status_code == 400


def test_docs_load_without_internet_or_inline_script(client, analyst):
    client.force_login(analyst)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    assert "<script>" not in html  # every script has a src, so the CSP allows it
    assert "script-src 'self'" in response["Content-Security-Policy"]
    static = settings.STATIC_URL
    assert f"{static}drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


# CSV and the search index ----------------------------------------------------------------


def test_csv_format_streams_the_filtered_quotes(analyst_api, corpus, speaker):
    response = analyst_api.get("/api/v1/quotes/", {"format": "csv", "speaker": speaker.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("article_id,article_title")
    assert len(lines) == 1 + 2  # the header and the speaker's two quotes, unpaged


def test_csv_request_with_a_bad_filter_gets_a_json_400(analyst_api, corpus):
    response = analyst_api.get("/api/v1/quotes/", {"format": "csv", "bogus": "1"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "bogus" in response.json()["detail"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_q_filter_can_use_the_text_search_index(corpus):
    from annotations.api.filters import QuoteFilter
    from annotations.api.views import quote_queryset

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: force the choice
    with CaptureQueriesContext(connection) as ctx:
        assert list(QuoteFilter({"q": "strikes"}, queryset=quote_queryset()).qs)
    searches = [q["sql"] for q in ctx.captured_queries if "@@" in q["sql"]]
    with connection.cursor() as cursor:
        plans = []
        for sql in searches:
            cursor.execute(sql if sql.startswith("EXPLAIN") else f"EXPLAIN {sql}")
            plans.append("\n".join(str(row[0]) for row in cursor.fetchall()))
    assert any("annotations_quote_search_idx" in plan for plan in plans), plans


def test_csv_honours_the_text_search(analyst_api, corpus):
    response = analyst_api.get("/api/v1/quotes/", {"format": "csv", "q": "civilians"})
    assert response.status_code == 200
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[1:]
    assert len(rows) == 1 and "No civilians were hurt" in rows[0]
