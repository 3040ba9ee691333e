"""CSV export of quotes (the analysts' contract in DESIGN.md) through
``GET /api/v1/quotes/?format=csv``, and the W3C Web Annotation export of an article."""

import csv
import io
import json
from datetime import UTC, datetime

import pandas as pd
import pytest
from django.db import connection
from rest_framework.test import APIClient

from annotations.exporting import (
    CSV_COLUMNS,
    csv_rows,
    defuse,
    iter_csv,
    iter_csv_postgresql,
    quotes_csv_response,
)
from annotations.models import Hop, Quote, ViaHop

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
URL = "/api/v1/quotes/"
BODY = (
    "Le ministre Éric Dupont a déclaré que « la réforme est nécessaire » 🇫🇷.\n"
    "東京の報道官は「会談は成功した」と述べた。 👩‍💻 =SUM(A1:A9) was typed, "
    "+1 555 called, -5 degrees, @everyone, \tindented."
)


def body_span(needle: str) -> tuple[int, int]:
    start = BODY.index(needle)
    return start, start + len(needle)


def csv_body(response) -> bytes:
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


def read(response) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(csv_body(response)), keep_default_na=False)


@pytest.fixture
def world(db):
    """Two articles from two publishers, quotes with non-ASCII text, a via chain, a
    formula-looking quote and one of each kind and status."""
    moscow = OutletFactory(name="The Moscow Times")
    ria = OutletFactory(name="RIA Novosti")
    meduza = OutletFactory(name="Meduza")
    dupont = SpeakerFactory(name="Éric Dupont", role="ministre de l'Économie")
    tokyo = SpeakerFactory(name="報道官 Tanaka", role='=HYPERLINK("http://x")')
    french = ArticleFactory(
        title="Réforme: « nécessaire » 🇫🇷",
        body=BODY,
        publisher=moscow,
        url="https://example.org/réforme",
        published_at=datetime(2016, 2, 11, 12, 0, tzinfo=UTC),
    )
    other = ArticleFactory(title="Other", publisher=ria, published_at=None)
    direct = QuoteFactory(
        article=french,
        kind=Quote.Kind.DIRECT,
        speaker=dupont,
        cue="a déclaré",
        fragments=[body_span("la réforme est nécessaire")],
    )
    direct.set_via([Hop(outlet=ria), Hop(outlet=meduza)])
    cjk = QuoteFactory(
        article=french,
        kind=Quote.Kind.DIRECT,
        speaker=tokyo,
        cue="述べた",
        fragments=[body_span("会談は成功した")],
    )
    formula = QuoteFactory(
        article=french,
        kind=Quote.Kind.INDIRECT,
        speaker=None,
        status=Quote.Status.SUGGESTED,
        fragments=[body_span("=SUM(A1:A9) was typed")],
    )
    multi = QuoteFactory(
        article=french,
        kind=Quote.Kind.MIXED,
        speaker=dupont,
        fragments=[body_span("👩‍💻"), body_span("-5 degrees")],
    )
    multi.set_via([Hop(speaker=tokyo)])
    plus = QuoteFactory(article=french, speaker=None, fragments=[body_span("+1 555 called")])
    lines = QuoteFactory(
        article=french, speaker=dupont, fragments=[body_span("nécessaire » 🇫🇷.\n東京の報道官")]
    )
    lines.set_via([Hop(outlet=OutletFactory(name="=EVIL()")), Hop(outlet=ria)])
    elsewhere = QuoteFactory(article=other, speaker=dupont, status=Quote.Status.REJECTED)
    deleted = QuoteFactory(article=other, speaker=dupont)
    deleted.soft_delete()
    return {
        "french": french,
        "other": other,
        "direct": direct,
        "cjk": cjk,
        "formula": formula,
        "multi": multi,
        "plus": plus,
        "lines": lines,
        "elsewhere": elsewhere,
        "deleted": deleted,
        "dupont": dupont,
        "ria": ria,
        "meduza": meduza,
        "moscow": moscow,
    }


def test_pandas_reads_the_contract_columns_in_order(analyst_api, world):
    df = read(analyst_api.get(URL, {"format": "csv"}))
    assert list(df.columns[: len(CONTRACT)]) == CONTRACT
    assert list(df.columns) == list(CSV_COLUMNS)
    # every live quote, deleted ones left out
    assert sorted(df["quote_id"]) == sorted(
        q.pk
        for k, q in world.items()
        if k in {"direct", "cjk", "formula", "multi", "plus", "lines", "elsewhere"}
    )


def test_csv_values_match_the_quotes(analyst_api, world):
    df = read(analyst_api.get(URL, {"format": "csv"})).set_index("quote_id")
    direct, french = world["direct"], world["french"]
    row = df.loc[direct.pk]
    assert row["article_id"] == french.pk
    assert row["article_title"] == "Réforme: « nécessaire » 🇫🇷"
    assert row["article_url"] == "https://example.org/réforme"
    assert row["publisher"] == "The Moscow Times"
    assert row["published_at"] == "2016-02-11T12:00:00Z"
    assert pd.Timestamp(row["published_at"]) == pd.Timestamp("2016-02-11T12:00:00Z")
    assert row["kind"] == "direct"
    assert row["speaker"] == "Éric Dupont"
    assert row["speaker_role"] == "ministre de l'Économie"
    assert row["cue"] == "a déclaré"
    assert row["via"] == "RIA Novosti > Meduza"
    assert row["text"] == "la réforme est nécessaire"
    assert (row["start"], row["end"]) == (direct.start, direct.end)
    assert BODY[row["start"] : row["end"]] == "la réforme est nécessaire"
    assert row["status"] == "confirmed"

    cjk = df.loc[world["cjk"].pk]
    assert cjk["text"] == "会談は成功した"
    assert cjk["speaker"] == "報道官 Tanaka"
    assert cjk["cue"] == "述べた"
    assert cjk["via"] == ""


def test_multi_fragment_quote_spans_first_to_last_offset(analyst_api, world):
    df = read(analyst_api.get(URL, {"format": "csv"})).set_index("quote_id")
    multi = world["multi"]
    row = df.loc[multi.pk]
    first, last = body_span("👩‍💻"), body_span("-5 degrees")
    assert (row["start"], row["end"]) == (first[0], last[1])
    assert row["text"] == "👩‍💻 … -5 degrees"
    # the emoji (a ZWJ sequence of astral characters) survives intact
    assert "👩‍💻" in row["text"]
    assert row["via"] == "報道官 Tanaka"


def test_formula_cells_are_defused(analyst_api, world):
    df = read(analyst_api.get(URL, {"format": "csv"})).set_index("quote_id")
    assert df.loc[world["formula"].pk, "text"] == "'=SUM(A1:A9) was typed"
    assert df.loc[world["plus"].pk, "text"] == "'+1 555 called"
    assert df.loc[world["cjk"].pk, "speaker_role"] == '\'=HYPERLINK("http://x")'
    # a speaker-less quote leaves the cell empty
    assert df.loc[world["formula"].pk, "speaker"] == ""
    # the via cell starts with the first hop's name, so that is what is defused
    assert df.loc[world["lines"].pk, "via"] == "'=EVIL() > RIA Novosti"


def test_via_chain_is_ordered_and_defused_whatever_its_positions(analyst_api, world):
    # hops edited in the admin need not count from 0
    quote = world["cjk"]
    ViaHop.objects.create(quote=quote, position=7, outlet=world["ria"])
    ViaHop.objects.create(quote=quote, position=3, outlet=OutletFactory(name="@Agency"))
    df = read(analyst_api.get(URL, {"format": "csv"})).set_index("quote_id")
    assert df.loc[quote.pk, "via"] == "'@Agency > RIA Novosti"


def test_line_breaks_inside_cells_survive(analyst_api, world):
    raw = csv_body(analyst_api.get(URL, {"format": "csv"}))
    df = pd.read_csv(io.BytesIO(raw), keep_default_na=False).set_index("quote_id")
    assert df.loc[world["lines"].pk, "text"] == "nécessaire » 🇫🇷.\n東京の報道官"
    # records end with CRLF, the line break inside the quoted cell stays a bare LF
    assert "🇫🇷.\n東京の報道官".encode() in raw
    assert "🇫🇷.\r\n東京".encode() not in raw


def test_postgresql_copy_writes_the_same_bytes_as_python(world):
    if connection.vendor != "postgresql":
        pytest.skip("the COPY path exists on PostgreSQL only")
    queryset = Quote.objects.all()
    fast = b"".join(iter_csv_postgresql(queryset))
    portable = b"".join(iter_csv(csv_rows(queryset)))
    assert fast == portable
    assert fast.count(b"\r\n") == 8


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33", "'+33"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        ("“quoted”", "“quoted”"),
    ],
)
def test_defuse_prefixes_only_formula_starts(value, expected):
    assert defuse(value) == expected


def test_csv_is_rfc4180_with_crlf_and_bom(analyst_api, world):
    raw = csv_body(analyst_api.get(URL, {"format": "csv"}))
    assert raw.startswith(b"\xef\xbb\xbfarticle_id,article_title,")
    text = raw.decode("utf-8-sig")
    assert text.split("\r\n", 1)[0] == ",".join(CSV_COLUMNS)
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    assert all(len(r) == len(CSV_COLUMNS) for r in rows)
    # the title holds a comma-free guillemet text; the role holds double quotes, doubled
    assert '"\'=HYPERLINK(""http://x"")"' in text


def test_csv_filters_are_respected(analyst_api, world):
    df = read(analyst_api.get(URL, {"format": "csv", "kind": "direct"}))
    assert sorted(df["quote_id"]) == sorted([world["direct"].pk, world["cjk"].pk])
    df = read(analyst_api.get(URL, {"format": "csv", "article": world["other"].pk}))
    assert list(df["quote_id"]) == [world["elsewhere"].pk]
    df = read(analyst_api.get(URL, {"format": "csv", "outlet": world["meduza"].pk}))
    assert list(df["quote_id"]) == [world["direct"].pk]
    df = read(analyst_api.get(URL, {"format": "csv", "status": "suggested"}))
    assert list(df["quote_id"]) == [world["formula"].pk]
    df = read(analyst_api.get(URL, {"format": "csv", "speaker": world["dupont"].pk}))
    assert sorted(df["quote_id"]) == sorted(
        [world["direct"].pk, world["multi"].pk, world["lines"].pk, world["elsewhere"].pk]
    )


def test_csv_with_no_match_has_only_the_header(analyst_api, world):
    raw = csv_body(analyst_api.get(URL, {"format": "csv", "kind": "mixed", "status": "rejected"}))
    assert raw.decode("utf-8-sig") == ",".join(CSV_COLUMNS) + "\r\n"
    df = pd.read_csv(io.BytesIO(raw))
    assert list(df.columns) == list(CSV_COLUMNS) and len(df) == 0


def test_csv_streams_every_row_without_paging(analyst_api, db):
    article = ArticleFactory(body="word " * 400)
    speaker = SpeakerFactory(name="Many")
    quotes = [
        Quote(
            article=article,
            kind=Quote.Kind.INDIRECT,
            speaker=speaker,
            start=i % 1990,
            end=i % 1990 + 4,
            text=article.body[i % 1990 : i % 1990 + 4],
        )
        for i in range(1200)
    ]
    Quote.objects.bulk_create(quotes)
    response = analyst_api.get(URL, {"format": "csv", "page_size": 10})
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    df = read(response)
    assert len(df) == 1200
    assert df["quote_id"].is_unique
    assert set(df["speaker"]) == {"Many"}


def test_csv_is_an_attachment(analyst_api, world):
    response = analyst_api.get(URL, {"format": "csv"})
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response["Content-Disposition"]


def test_editor_and_token_clients_can_export(editor_api, world):
    assert len(read(editor_api.get(URL, {"format": "csv"}))) == 7


def test_analyst_with_token_header_reads_csv_in_pandas(analyst, world):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=analyst)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    df = read(client.get(URL, {"format": "csv"}))
    assert list(df.columns[:15]) == CONTRACT


def test_anonymous_csv_export_is_refused_with_401(db, world):
    response = APIClient().get(URL, {"format": "csv"})
    assert response.status_code == 401
    assert not getattr(response, "streaming", False)


def test_quotes_csv_response_streams_a_queryset_directly(world):
    response = quotes_csv_response(Quote.objects.filter(kind="mixed"), "mixed.csv")
    assert response["Content-Disposition"] == 'attachment; filename="mixed.csv"'
    df = pd.read_csv(io.BytesIO(b"".join(response.streaming_content)), keep_default_na=False)
    assert list(df["quote_id"]) == [world["multi"].pk]


# --------------------------------------------------------------------------- W3C


def test_web_annotation_export_of_an_article(client, analyst, world):
    client.force_login(analyst)
    french = world["french"]
    response = client.get(f"/articles/{french.pk}/annotations.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    data = json.loads(response.content)
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection"
    page = data["first"]
    assert page["type"] == "AnnotationPage"
    items = {item["id"].rstrip("/").rsplit("/", 1)[1]: item for item in page["items"]}
    assert data["total"] == len(items) == 6
    multi = items[str(world["multi"].pk)]
    assert multi["type"] == "Annotation"
    assert len(multi["target"]) == 2  # one target per fragment
    for target, (start, end) in zip(
        multi["target"], [body_span("👩‍💻"), body_span("-5 degrees")], strict=True
    ):
        assert target["source"] == "https://example.org/réforme"
        quote_sel, pos_sel = target["selector"]
        assert quote_sel["type"] == "TextQuoteSelector"
        assert quote_sel["exact"] == BODY[start:end]
        assert quote_sel["prefix"] == BODY[max(0, start - 32) : start]
        assert quote_sel["suffix"] == BODY[end : end + 32]
        assert pos_sel == {"type": "TextPositionSelector", "start": start, "end": end}
    values = {(b["purpose"], b["value"]) for b in items[str(world["direct"].pk)]["body"]}
    assert ("identifying", "Éric Dupont") in values
    assert ("classifying", "direct") in values
    assert ("describing", "a déclaré") in values
    assert ("describing", "via RIA Novosti > Meduza") in values


def test_web_annotation_target_falls_back_to_the_api_url(client, analyst, world):
    client.force_login(analyst)
    other = world["other"]
    data = client.get(f"/articles/{other.pk}/annotations.jsonld").json()
    # the rejected quote is not exported; the deleted one neither
    assert data["total"] == 0
    article = ArticleFactory(url="")
    QuoteFactory(article=article)
    data = client.get(f"/articles/{article.pk}/annotations.jsonld").json()
    target = data["first"]["items"][0]["target"][0]
    assert target["source"] == f"http://testserver/api/v1/articles/{article.pk}/"


def test_web_annotation_export_needs_a_login(client, world):
    response = client.get(f"/articles/{world['french'].pk}/annotations.jsonld")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({}, "quotes.csv"),
        (
            {
                "speaker": "SPEAKER",
                "published_after": "2016-01-01",
                "published_before": "2017-01-01",
            },
            "quotes-igor-konashenkov-2016.csv",
        ),
        (
            {"outlet": "OUTLET", "status": "confirmed", "kind": "indirect"},
            "quotes-ria-novosti-indirect-confirmed.csv",
        ),
        (
            {"published_after": "2016-02-01T00:00:00Z", "published_before": "2016-03-01"},
            "quotes-2016-02-01-to-2016-02-29.csv",
        ),
        (
            {"published_after": "2015-01-01", "published_before": "2017-01-01"},
            "quotes-2015-2016.csv",
        ),
        ({"published_after": "2016-05-01"}, "quotes-2016-05-01-to-now.csv"),
        ({"speaker": "999999", "published_after": "not a date"}, "quotes.csv"),
    ],
)
def test_csv_file_is_named_after_its_filters(params, name, db):
    from annotations.exporting import quotes_csv_filename

    speaker = SpeakerFactory(name="Igor Konashenkov")
    outlet = OutletFactory(name="RIA Novosti")
    ids = {"SPEAKER": str(speaker.pk), "OUTLET": str(outlet.pk)}
    params = {key: ids.get(value, value) for key, value in params.items()}
    assert quotes_csv_filename(params) == name


def test_csv_export_names_its_file(analyst_api):
    speaker = SpeakerFactory(name="Igor Konashenkov")
    QuoteFactory(speaker=speaker)
    response = analyst_api.get(
        "/api/v1/quotes/",
        {"format": "csv", "speaker": speaker.pk, "status": "confirmed"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="quotes-igor-konashenkov-confirmed.csv"'
    )


# --------------------------------------------------------------------------- revisions

REVISED = 'The minister said: "The bridge is safe and will reopen next week." Nobody agreed.\n'


@pytest.fixture
def revised(db):
    """An article whose text changed: one quote relocated, one orphaned, one anchored."""
    article = ArticleFactory(body=REVISED, url="https://example.org/bridge")

    def at(text):
        start = REVISED.index(text)
        return [(start, start + len(text))]

    quotes = {
        "relocated": QuoteFactory(article=article, fragments=at("The bridge is safe")),
        "orphaned": QuoteFactory(article=article, fragments=at("Nobody agreed.")),
        "anchored": QuoteFactory(article=article, fragments=at("minister")),
    }
    article.revise(
        "Update.\n" + REVISED.replace("bridge", "bridges").replace(" Nobody agreed.", "")
    )
    return article, quotes


def test_csv_appends_the_anchoring_state_after_the_other_columns(analyst_api, revised):
    article, quotes = revised
    assert CSV_COLUMNS[: len(CONTRACT)] == tuple(CONTRACT)
    assert "anchoring" in CSV_COLUMNS[len(CONTRACT) :]
    response = analyst_api.get(URL, {"format": "csv", "article": article.pk})
    rows = list(csv.DictReader(io.StringIO(csv_body(response).decode("utf-8-sig"))))
    by_id = {int(r["quote_id"]): r for r in rows}
    for state, quote in quotes.items():
        assert by_id[quote.pk]["anchoring"] == state
    assert by_id[quotes["orphaned"].pk]["text"] == "Nobody agreed."


def test_web_annotation_selectors_carry_context_and_follow_revisions(client, analyst, revised):
    article, quotes = revised
    client.force_login(analyst)
    data = client.get(f"/articles/{article.pk}/annotations.jsonld").json()
    items = {int(i["id"].rstrip("/").rsplit("/", 1)[1]): i for i in data["first"]["items"]}
    assert len(items) == 3
    body = article.body
    for target in items[quotes["anchored"].pk]["target"]:
        quote_sel, pos_sel = target["selector"]
        start, end = pos_sel["start"], pos_sel["end"]
        assert quote_sel["exact"] == body[start:end] == "minister"
        assert quote_sel["prefix"] == body[max(0, start - 32) : start]
        assert quote_sel["suffix"] == body[end : end + 32]
    relocated = items[quotes["relocated"].pk]
    assert ("tagging", "anchoring:relocated") in {
        (b["purpose"], b["value"]) for b in relocated["body"]
    }
    assert relocated["target"][0]["selector"][0]["exact"] == "The bridges is safe"
    orphaned = items[quotes["orphaned"].pk]
    (selector,) = orphaned["target"][0]["selector"]  # no position: the text is not there
    assert selector["exact"] == "Nobody agreed."
    assert selector["prefix"] == REVISED[REVISED.index("Nobody") - 32 : REVISED.index("Nobody")]
    assert selector["suffix"] == "\n"
