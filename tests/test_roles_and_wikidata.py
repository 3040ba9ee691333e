"""A speaker's role as each article gave it, and Wikidata ids on speakers and outlets, through
the API, CSV, JSON Lines and the W3C export."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotations.documents import articles_jsonl_lines
from annotations.exporting import CSV_COLUMNS
from annotations.importing import import_jsonl
from annotations.models import Article, Outlet, Quote, Speaker

from .factories import ArticleFactory, OutletFactory, QuoteFactory, SpeakerFactory

CONTRACT = [
    "article_id",
    "article_title",
    "article_url",
    "publisher",
    "published_at",
    "quote_id",
    "kind",
    "speaker",
    "speaker_role",
    "cue",
    "via",
    "text",
    "start",
    "end",
    "status",
]


def csv_rows(api, **params):
    response = api.get("/api/v1/quotes/", {"format": "csv", **params})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.django_db
def test_quote_json_carries_the_role_the_article_gave(analyst_api):
    speaker = SpeakerFactory(name="Igor Konashenkov", role="Defence Ministry spokesman")
    quote = QuoteFactory(speaker=speaker)
    Quote.objects.filter(pk=quote.pk).update(speaker_role="Maj. Gen., ministry spokesman")
    data = analyst_api.get(f"/api/v1/quotes/{quote.pk}/").json()
    assert data["speaker_role"] == "Maj. Gen., ministry spokesman"
    listed = analyst_api.get("/api/v1/quotes/").json()["results"][0]
    assert listed["speaker_role"] == "Maj. Gen., ministry spokesman"


@pytest.mark.django_db
def test_editors_set_the_role_through_the_api(editor_api):
    article = ArticleFactory()
    speaker = SpeakerFactory(name="Igor Konashenkov", role="spokesman")
    start = article.body.index("the strikes")
    payload = {
        "article": article.pk,
        "kind": "indirect",
        "fragments": [{"start": start, "end": start + 11}],
        "speaker": speaker.pk,
        "speaker_role": "then ministry spokesman",
    }
    response = editor_api.post("/api/v1/quotes/", payload, format="json")
    assert response.status_code == 201, response.json()
    quote = Quote.objects.get()
    assert quote.speaker_role == "then ministry spokesman"
    assert Speaker.objects.get().role == "spokesman"  # the speaker's current role stays
    too_long = editor_api.patch(
        f"/api/v1/quotes/{quote.pk}/",
        {"speaker_role": "x" * 301},
        format="json",
        HTTP_IF_MATCH=f'"{quote.version}"',
    )
    assert too_long.status_code == 400 and "speaker_role" in too_long.json()


@pytest.mark.django_db
def test_csv_role_is_the_quotes_falling_back_to_the_speakers(analyst_api):
    speaker = SpeakerFactory(name="Igor Konashenkov", role="current role")
    then = QuoteFactory(speaker=speaker, start=0, end=10)
    Quote.objects.filter(pk=then.pk).update(speaker_role="=role then")
    QuoteFactory(speaker=speaker, article=then.article, start=11, end=20)
    rows = csv_rows(analyst_api)
    assert [r["speaker_role"] for r in rows] == ["'=role then", "current role"]


@pytest.mark.django_db
def test_csv_keeps_the_contract_columns_first_and_adds_wikidata_after(analyst_api):
    assert list(CSV_COLUMNS[:15]) == CONTRACT
    assert {"speaker_wikidata_id", "publisher_wikidata_id"} <= set(CSV_COLUMNS[15:])
    publisher = OutletFactory(name="The Moscow Times", wikidata_id="Q1140218")
    speaker = SpeakerFactory(name="Igor Konashenkov", wikidata_id="Q4115068")
    QuoteFactory(speaker=speaker, article=ArticleFactory(publisher=publisher))
    QuoteFactory(speaker=SpeakerFactory(name="Nobody Known"))
    rows = csv_rows(analyst_api)
    assert [(r["speaker_wikidata_id"], r["publisher_wikidata_id"]) for r in rows] == [
        ("Q4115068", "Q1140218"),
        ("", ""),
    ]


@pytest.mark.django_db
def test_speakers_and_outlets_filter_by_wikidata_id(analyst_api):
    konashenkov = SpeakerFactory(name="Igor Konashenkov", wikidata_id="Q4115068")
    SpeakerFactory(name="Elena Petrova")
    meduza = OutletFactory(name="Meduza", wikidata_id="Q27924862")
    OutletFactory(name="RIA Novosti")
    speakers = analyst_api.get("/api/v1/speakers/", {"wikidata_id": "Q4115068"}).json()
    assert [s["id"] for s in speakers["results"]] == [konashenkov.pk]
    assert speakers["results"][0]["wikidata_id"] == "Q4115068"
    outlets = analyst_api.get("/api/v1/outlets/", {"wikidata_id": "Q27924862"}).json()
    assert [o["id"] for o in outlets["results"]] == [meduza.pk]
    assert outlets["results"][0]["wikidata_id"] == "Q27924862"
    bad = analyst_api.get("/api/v1/outlets/", {"wikidata_id": "42"})
    assert bad.status_code == 400


@pytest.mark.django_db
def test_wikidata_filter_queries_do_not_grow(analyst_api):
    for n in range(3):
        OutletFactory(name=f"Wire {n}", wikidata_id="Q1")
    with CaptureQueriesContext(connection) as few:
        analyst_api.get("/api/v1/outlets/", {"wikidata_id": "Q1"})
    for n in range(3, 12):
        OutletFactory(name=f"Wire {n}", wikidata_id="Q1")
    with CaptureQueriesContext(connection) as many:
        assert (
            len(analyst_api.get("/api/v1/outlets/", {"wikidata_id": "Q1"}).json()["results"]) == 12
        )
    assert len(many) == len(few)


@pytest.mark.django_db
def test_api_refuses_a_bad_wikidata_id_and_a_taken_name(editor_api):
    response = editor_api.post(
        "/api/v1/outlets/", {"name": "Meduza", "wikidata_id": "Q0"}, format="json"
    )
    assert response.status_code == 400 and "wikidata_id" in response.json()
    SpeakerFactory(name="John Smith")
    taken = editor_api.post("/api/v1/speakers/", {"name": "john  smith"}, format="json")
    assert taken.status_code == 409 and "description" in taken.json()["name"][0]
    described = editor_api.post(
        "/api/v1/speakers/", {"name": "John Smith", "description": "the footballer"}, format="json"
    )
    assert described.status_code == 201


@pytest.mark.django_db
def test_json_lines_carry_roles_descriptions_and_wikidata_ids():
    publisher = OutletFactory(name="The Moscow Times", wikidata_id="Q1140218")
    speaker = SpeakerFactory(
        name="John Smith", description="the senator", wikidata_id="Q42", role="senator"
    )
    quote = QuoteFactory(speaker=speaker, article=ArticleFactory(publisher=publisher))
    Quote.objects.filter(pk=quote.pk).update(speaker_role="then a candidate")
    text = "".join(articles_jsonl_lines())
    doc = json.loads(text)
    assert doc["outlets"][0]["wikidata_id"] == "Q1140218"
    assert doc["speakers"][0]["description"] == "the senator"
    assert doc["quotes"][0]["speaker_role"] == "then a candidate"
    Quote.all_objects.all().delete()
    Article.objects.all().delete()
    Speaker.objects.all().delete()
    Outlet.objects.all().delete()
    report = import_jsonl(text)
    assert not report.refused, report.refused
    assert Outlet.objects.get().wikidata_id == "Q1140218"
    restored = Speaker.objects.get()
    assert (restored.description, restored.wikidata_id) == ("the senator", "Q42")
    assert Quote.objects.get().speaker_role == "then a candidate"
    assert "".join(articles_jsonl_lines()) == text


@pytest.mark.django_db
def test_w3c_export_names_the_speakers_wikidata_item_and_role(analyst):
    speaker = SpeakerFactory(name="Igor Konashenkov", wikidata_id="Q4115068")
    quote = QuoteFactory(speaker=speaker)
    Quote.objects.filter(pk=quote.pk).update(speaker_role="ministry spokesman")
    client = Client()
    client.force_login(analyst)
    data = client.get(f"/articles/{quote.article_id}/annotations.jsonld").json()
    bodies = data["first"]["items"][0]["body"]
    assert {
        "type": "SpecificResource",
        "purpose": "identifying",
        "source": "http://www.wikidata.org/entity/Q4115068",
    } in bodies
    assert {"type": "TextualBody", "purpose": "describing", "value": "ministry spokesman"} in bodies
