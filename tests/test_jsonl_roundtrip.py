"""JSON Lines export and import of articles: lossless and byte-identical through an empty
database, idempotent on a second import."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from annotations.documents import articles_jsonl_lines
from annotations.importing import import_jsonl
from annotations.models import (
    Article,
    BoilerplateRange,
    Hop,
    Outlet,
    Quote,
    Speaker,
    SpeakerAlias,
    ViaHop,
)

from .factories import ArticleFactory, OutletFactory, QuoteFactory, SpeakerFactory, UserFactory

BODY = (
    "Ana Silva, la alcaldesa, dijo: «El puente es seguro». 👩🏽‍🔧 Ana Silva, la cantante, "
    "respondió que «nadie lo cree». 東京では「安全だ」と述べた。\nFin."
)


def export() -> str:
    return "".join(articles_jsonl_lines())


def wipe() -> None:
    """Leave the database as empty as a fresh one (users aside)."""
    Quote.all_objects.all().delete()
    Article.objects.all().delete()
    Speaker.objects.all().delete()
    Outlet.objects.all().delete()


def span(text: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = BODY.index(text, start + 1)
    return start, start + len(text)


@pytest.fixture
def newsroom(seeded):
    """The seed article, plus an article with two distinct speakers of the same name,
    non-ASCII everywhere, a speaker hop, a rejected and a deleted quote, boilerplate, and
    an article without publisher or date."""
    agency = OutletFactory(name="Agencia EFE", kind=Outlet.Kind.NEWS_AGENCY)
    agency.add_aliases(["EFE"])
    mayor = SpeakerFactory(name="Ana Silva", role="alcaldesa", affiliation="Ayuntamiento")
    singer = SpeakerFactory(
        name="Ana Silva", role="cantante", kind=Speaker.Kind.PERSON, description="the singer"
    )
    SpeakerAlias.objects.create(speaker=singer, name="Silva")
    article = ArticleFactory(
        title="El puente «seguro» 🌉",
        body=BODY,
        url="https://example.es/puente",
        byline="María Núñez",
        published_at=datetime(2024, 3, 1, 9, 30, tzinfo=UTC),
        language="es",
        status=Article.Status.IN_PROGRESS,
        publisher=OutletFactory(name="El Diario"),
    )
    BoilerplateRange.objects.create(article=article, start=len(BODY) - 4, end=len(BODY), note="pie")
    first = QuoteFactory(
        article=article,
        kind=Quote.Kind.DIRECT,
        speaker=mayor,
        cue="dijo",
        cue_start=span("dijo")[0],
        cue_end=span("dijo")[1],
        mention_start=0,
        mention_end=9,
        fragments=[span("El puente es seguro")],
        note="primera",
    )
    first.set_via([Hop(outlet=agency)])
    second = QuoteFactory(
        article=article,
        kind=Quote.Kind.MIXED,
        speaker=singer,
        fragments=[span("respondió que «nadie lo cree»"), span("👩🏽‍🔧")],
    )
    second.set_via([Hop(speaker=mayor), Hop(outlet=agency)])
    QuoteFactory(
        article=article,
        kind=Quote.Kind.DIRECT,
        speaker=None,
        status=Quote.Status.REJECTED,
        fragments=[span("安全だ")],
    )
    QuoteFactory(article=article, fragments=[span("Fin.")]).soft_delete()
    ArticleFactory(title="Sin editor", publisher=None, published_at=None)
    return article


def test_export_import_export_is_byte_identical(newsroom):
    first = export()
    assert len(first.splitlines()) == 3
    wipe()
    assert Article.objects.count() == 0
    report = import_jsonl(first)
    assert report.committed and report.refused == []
    assert len(report.imported) == 3
    second = export()
    assert second == first
    assert second.encode("utf-8") == first.encode("utf-8")


def test_round_trip_keeps_namesakes_apart(newsroom):
    text = export()
    wipe()
    import_jsonl(text)
    silvas = Speaker.objects.filter(name="Ana Silva").order_by("role")
    assert [s.role for s in silvas] == ["alcaldesa", "cantante"]
    article = Article.objects.get(url="https://example.es/puente")
    by_kind = {q.kind: q for q in article.quotes.exclude(status="rejected")}
    assert by_kind["direct"].speaker.role == "alcaldesa"
    assert by_kind["mixed"].speaker.role == "cantante"
    hops = list(by_kind["mixed"].via_hops.all())
    assert hops[0].speaker.role == "alcaldesa" and hops[1].outlet.name == "Agencia EFE"
    assert list(silvas[1].aliases.values_list("name", flat=True)) == ["Silva"]


def test_round_trip_keeps_every_field(newsroom):
    text = export()
    wipe()
    import_jsonl(text)
    article = Article.objects.get(url="https://example.es/puente")
    assert article.body == BODY
    assert article.title == "El puente «seguro» 🌉"
    assert article.byline == "María Núñez"
    assert article.language == "es" and article.status == "in_progress"
    assert article.published_at == datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    assert article.publisher.name == "El Diario"
    assert article.boilerplate_spans() == [(len(BODY) - 4, len(BODY))]
    assert article.quotes.count() == 3  # the deleted one is not exported
    rejected = article.quotes.get(status="rejected")
    assert rejected.text == "安全だ"
    direct = article.quotes.get(kind="direct", status="confirmed")
    assert direct.note == "primera"
    assert (direct.cue, direct.cue_span, direct.speaker_mention) == ("dijo", span("dijo"), (0, 9))
    mixed = article.quotes.get(kind="mixed")
    assert [(f.start, f.end) for f in mixed.fragments.all()] == sorted(
        [span("respondió que «nadie lo cree»"), span("👩🏽‍🔧")]
    )
    assert Outlet.objects.get(name="Agencia EFE").aliases.get().name == "EFE"
    seed = Article.objects.get(title__startswith="Russia Says")
    assert seed.quotes.count() == 9
    assert ViaHop.objects.filter(quote__article=seed, speaker__name="Igor Konashenkov").exists()


def test_importing_the_same_file_twice_changes_nothing(newsroom):
    text = export()
    counts = lambda: (  # noqa: E731
        Article.objects.count(),
        Quote.all_objects.count(),
        Speaker.objects.count(),
        SpeakerAlias.objects.count(),
        Outlet.objects.count(),
        ViaHop.objects.count(),
    )
    before = counts()
    report = import_jsonl(text)
    assert report.imported == []
    assert len(report.skipped) == 3
    assert all("same uid" in why for why in report.skipped)  # the export carries uids
    assert counts() == before
    assert export() == text


def test_documents_are_sorted_and_one_per_line(newsroom):
    lines = export().splitlines()
    for line in lines:
        doc = json.loads(line)
        assert doc["format"] == "newsdesk-article/1"
        assert line == json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    doc = json.loads(lines[-2])
    keys = sorted(s["key"] for s in doc["speakers"] if "key" in s)
    assert keys == ["Ana Silva [1]", "Ana Silva [2]"]
    assert "👩🏽‍🔧" in lines[-2]  # not escaped


def test_export_and_import_commands_round_trip(newsroom, tmp_path):
    out = tmp_path / "articles.jsonl"
    call_command("export_articles", "--output", str(out), stderr=StringIO())
    first = out.read_bytes()
    wipe()
    stdout = StringIO()
    call_command("import_articles", str(out), stdout=stdout)
    assert "3 imported" in stdout.getvalue()
    again = tmp_path / "again.jsonl"
    call_command("export_articles", "--output", str(again), stderr=StringIO())
    assert again.read_bytes() == first


def test_seed_loading_still_works_and_is_idempotent(seeded):
    assert seeded.quotes.count() == 9
    call_command("loadseeds", verbosity=0, stdout=StringIO())
    assert Article.objects.count() == 1 and Quote.objects.count() == 9


def test_jsonl_download_for_signed_in_users(client, analyst, newsroom):
    assert client.get("/export/articles.jsonl").status_code == 302
    client.force_login(analyst)
    response = client.get("/export/articles.jsonl")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="newsdesk-articles.jsonl"'
    assert b"".join(response.streaming_content).decode("utf-8") == export()


# --------------------------------------------------------------------------- revisions


@pytest.fixture
def revised(newsroom):
    """The newsroom after two changes of the article's text by an editor: one quote moved
    exactly, one relocated (a spelling change inside it), one orphaned (its text gone)."""
    editor = UserFactory(username="rev-editor")
    newsroom.revise("Actualizado.\n" + BODY, by=editor)
    changed = (
        ("Actualizado.\n" + BODY)
        .replace("nadie lo cree", "nadie lo creé")
        .replace("東京では「安全だ」と述べた。", "")
    )
    newsroom.revise(changed.replace("El puente es seguro", "Nada más"), by=editor)
    return newsroom


def test_round_trip_with_revisions_and_anchoring_is_byte_identical(revised):
    states = dict(Quote.all_objects.filter(article=revised).values_list("text", "anchoring"))
    assert states == {
        "El puente es seguro": "orphaned",
        "👩🏽‍🔧 … respondió que «nadie lo creé»": "relocated",
        "安全だ": "orphaned",
        "Fin.": "anchored",
    }
    first = export()
    doc = json.loads(first.splitlines()[-2])
    assert [r["number"] for r in doc["article"]["revisions"]] == [1, 2, 3]
    assert "body" not in doc["article"]["revisions"][-1]
    assert doc["article"]["revisions"][0]["body"] == BODY
    assert {r["created_by"] for r in doc["article"]["revisions"][1:]} == {"rev-editor"}
    by_text = {q["text"]: q for q in doc["quotes"]}
    orphan = by_text["El puente es seguro"]
    assert (orphan["anchoring"], orphan["revision"]) == ("orphaned", 2)
    relocated = by_text["👩🏽‍🔧 … respondió que «nadie lo creé»"]
    assert relocated["anchoring"] == "relocated"
    assert relocated["previous_text"] == "👩🏽‍🔧 … respondió que «nadie lo cree»"
    assert "revision" not in relocated
    wipe()
    report = import_jsonl(first)
    assert report.committed and report.refused == [], report.refused
    second = export()
    assert second.encode("utf-8") == first.encode("utf-8")
    article = Article.objects.get(url="https://example.es/puente")
    assert article.revisions.count() == 3
    assert article.revisions.get(number=3).created_by.username == "rev-editor"
    orphan = article.quotes.get(anchoring="orphaned", status="confirmed")
    assert orphan.revision.number == 2 and orphan.text == "El puente es seguro"
    assert orphan.revision.body[orphan.start : orphan.end] == orphan.text


def test_a_document_with_another_body_under_a_known_id_is_a_new_revision(revised):
    text = export()
    doc = json.loads(text.splitlines()[-2])
    article = Article.objects.get(url="https://example.es/puente")
    doc["article"]["body"] = "Nuevo párrafo.\n" + article.body
    doc["article"]["id"] = article.pk
    doc["article"]["url"] = ""
    del doc["article"]["revisions"]
    report = import_jsonl(json.dumps(doc, ensure_ascii=False))
    assert report.updated == [f"{article.title!r}: revision 4"], report
    article.refresh_from_db()
    assert article.body.startswith("Nuevo párrafo.\n")
    assert Article.objects.count() == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["article"]["revisions"][1].update(number=5), "must be 2"),
        (lambda d: d["article"]["revisions"][0].pop("body"), "missing its body"),
        (lambda d: d["quotes"][0].update(anchoring="lost"), "anchoring 'lost' is not one of"),
        (
            lambda d: next(q for q in d["quotes"] if q["anchoring"] == "orphaned").pop("revision"),
            "names the revision",
        ),
        (lambda d: d["article"].update(id="7"), "article.id must be a whole number"),
    ],
)
def test_bad_revisions_and_states_are_refused_and_change_nothing(revised, change, message):
    doc = json.loads(export().splitlines()[-2])
    wipe()
    change(doc)
    report = import_jsonl(json.dumps(doc, ensure_ascii=False))
    assert not report.committed
    assert message in report.refused[0]
    assert Article.objects.count() == 0
