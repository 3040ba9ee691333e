"""Lossless means lossless: a database holding every case (see ``factories.every_case``)
goes through an export, an empty database and an import, and exports the same bytes; every
change is in the history with who and when; every delete can be undone."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from annotations.documents import DIRECTORY_FORMAT, articles_jsonl_lines
from annotations.importing import import_jsonl
from annotations.models import (
    Article,
    BoilerplateRange,
    Fragment,
    Hop,
    Outlet,
    OutletAlias,
    Quote,
    Speaker,
    SpeakerAlias,
    ViaHop,
)

from .factories import BODY, ArticleFactory, OutletFactory, QuoteFactory, SpeakerFactory
from .factories import every_case as build_every_case


def export() -> str:
    return "".join(articles_jsonl_lines())


def wipe() -> None:
    """Every domain row goes, deleted ones too (users stay: documents name them)."""
    Quote.all_objects.all().delete()
    Article.all_objects.all().delete()
    Speaker.all_objects.all().delete()
    Outlet.all_objects.all().delete()


def counts() -> dict[str, int]:
    return {
        "articles": Article.all_objects.count(),
        "live articles": Article.objects.count(),
        "quotes": Quote.all_objects.count(),
        "live quotes": Quote.objects.count(),
        "speakers": Speaker.all_objects.count(),
        "outlets": Outlet.all_objects.count(),
        "speaker aliases": SpeakerAlias.objects.count(),
        "outlet aliases": OutletAlias.objects.count(),
        "hops": ViaHop.objects.count(),
        "boilerplate": BoilerplateRange.objects.count(),
        "proposed": Speaker.all_objects.filter(proposed=True).count()
        + Outlet.all_objects.filter(proposed=True).count(),
    }


@pytest.fixture
def every_case(editor, admin_user):
    return build_every_case(editor, admin_user)


def test_every_case_survives_an_empty_database_byte_for_byte(every_case):
    before = counts()
    assert before["articles"] == 3 and before["live articles"] == 2
    first = export()
    assert json.loads(first.splitlines()[-1])["format"] == DIRECTORY_FORMAT
    wipe()
    assert Article.all_objects.count() == Speaker.all_objects.count() == 0
    report = import_jsonl(first)
    assert report.committed and report.refused == [], report.refused
    assert len(report.imported) == 3 and report.listed == 1
    assert counts() == before
    assert export().encode("utf-8") == first.encode("utf-8")


def test_same_title_and_body_twice_stay_two_articles(every_case):
    first, second, _ = every_case
    text = export()
    wipe()
    import_jsonl(text)
    twins = Article.objects.filter(title="Strikes").order_by("url")
    assert [a.url for a in twins] == ["", "https://paper.example/a"]
    assert {a.uid for a in twins} == {first.uid, second.uid}
    assert [a.quotes.count() for a in twins] == [3, 2]  # rejected ones too; not deleted
    assert Quote.all_objects.filter(article__in=twins).count() == 6


def test_deleted_rows_come_back_deleted_with_who_and_when(every_case, editor, admin_user):
    text = export()
    wipe()
    import_jsonl(text)
    gone = Article.all_objects.get(title="Withdrawn")
    assert gone.deleted_by == admin_user and gone.deleted_at is not None
    went = Quote.all_objects.filter(article=gone, deleted_at=gone.deleted_at)
    assert went.count() == 1  # the other was deleted before the article
    assert Speaker.all_objects.get(name="Gone Speaker").deleted_by == editor
    assert Outlet.all_objects.get(name="Gone Outlet").is_deleted
    assert not Speaker.objects.filter(name="Gone Speaker").exists()  # lists hide it
    lonely = Speaker.objects.get(name="Ana Silva", description="")
    assert (lonely.wikidata_id, lonely.role) == ("Q42", "singer")
    assert list(lonely.aliases.values_list("name", flat=True)) == ["La Silva"]
    assert Speaker.objects.get(name="Proposed Person").proposed
    assert Outlet.objects.get(name="Proposed Agency").proposed


def test_importing_the_export_again_changes_nothing(every_case):
    text = export()
    before = counts()
    report = import_jsonl(text)
    assert report.imported == [] and len(report.skipped) == 3
    assert all("same uid" in why for why in report.skipped)
    assert counts() == before
    assert export() == text


def test_commands_round_trip_every_case(every_case, tmp_path):
    out = tmp_path / "all.jsonl"
    call_command("export_articles", "--output", str(out), stderr=StringIO())
    wipe()
    call_command("import_articles", str(out), stdout=StringIO())
    again = tmp_path / "again.jsonl"
    call_command("export_articles", "--output", str(again), stderr=StringIO())
    assert again.read_bytes() == out.read_bytes()


def test_a_document_without_uid_is_still_a_duplicate_by_title_and_body(db):
    article = ArticleFactory(title="Old", body=BODY, url="")
    doc = json.loads(export().splitlines()[0])
    del doc["article"]["uid"]
    report = import_jsonl(json.dumps(doc))
    assert report.skipped == [f"'Old': same title and body as article #{article.pk}"]


def test_a_bad_uid_is_refused(db):
    ArticleFactory(title="Old")
    doc = json.loads(export().splitlines()[0])
    doc["article"]["uid"] = "not-a-uuid"
    wipe()
    report = import_jsonl(json.dumps(doc))
    assert not report.committed and "article.uid must be a UUID" in report.refused[0]


def test_naming_a_deleted_speaker_again_brings_it_back(db, editor):
    speaker = SpeakerFactory(name="Elena Petrova")
    speaker.soft_delete(by=editor)
    again = Speaker.objects.find_or_create("Elena Petrova", by=editor)
    assert again.pk == speaker.pk and not again.is_deleted
    assert again.history.first().history_change_reason == "restored"


# --------------------------------------------------------------------------- history


def latest(model, **filters):
    return model.history.filter(**filters).order_by("-history_id").first()


def test_via_and_fragment_changes_are_in_the_history_with_who(db, editor):
    quote = QuoteFactory()
    agency = OutletFactory(name="Agency")
    quote.edit(by=editor, via=[Hop(outlet=agency)], fragments=[(0, 7), (8, 16)])
    added = latest(ViaHop, quote_id=quote.pk)
    assert (added.history_type, added.outlet_id, added.history_user) == ("+", agency.pk, editor)
    made = Fragment.history.filter(quote_id=quote.pk, history_type="+", history_user=editor)
    assert sorted((f.start, f.end) for f in made) == [(0, 7), (8, 16)]
    removed = Fragment.history.get(quote_id=quote.pk, history_type="-")
    assert (removed.start, removed.end, removed.history_user) == (0, 10, editor)
    assert removed.history_date is not None
    quote.edit(by=editor, via=[])
    assert latest(ViaHop, quote_id=quote.pk).history_type == "-"


def test_alias_changes_through_the_api_are_in_the_history_with_who(editor_api, editor):
    speaker = SpeakerFactory(name="Igor Konashenkov")
    url = f"/api/v1/speakers/{speaker.pk}/"
    assert editor_api.patch(url, {"aliases": ["Konashenkov"]}, format="json").status_code == 200
    assert editor_api.patch(url, {"aliases": []}, format="json").status_code == 200
    records = SpeakerAlias.history.filter(speaker_id=speaker.pk).order_by("history_id")
    assert [(r.history_type, r.name, r.history_user) for r in records] == [
        ("+", "Konashenkov", editor),
        ("-", "Konashenkov", editor),
    ]


def test_alias_changes_on_the_page_are_in_the_history_with_who(client, editor):
    outlet = OutletFactory(name="RIA Novosti")
    client.force_login(editor)
    client.post(f"/outlets/{outlet.pk}/aliases/", {"name": "RIA"})
    alias = outlet.aliases.get()
    client.post(f"/outlets/{outlet.pk}/aliases/{alias.pk}/delete/")
    records = OutletAlias.history.filter(outlet_id=outlet.pk).order_by("history_id")
    assert [(r.history_type, r.history_user) for r in records] == [("+", editor), ("-", editor)]


def test_boilerplate_changes_are_in_the_history_with_who(client, editor):
    article = ArticleFactory()
    proposed = BoilerplateRange.objects.create(article=article, start=0, end=7, proposed=True)
    other = BoilerplateRange.objects.create(article=article, start=8, end=16, proposed=True)
    client.force_login(editor)
    client.post(f"/boilerplate/{proposed.pk}/confirm/")
    client.post(f"/boilerplate/{other.pk}/reject/")
    confirmed = latest(BoilerplateRange, id=proposed.pk)
    assert (confirmed.history_type, confirmed.proposed, confirmed.history_user) == (
        "~",
        False,
        editor,
    )
    rejected = latest(BoilerplateRange, id=other.pk)
    assert (rejected.history_type, rejected.history_user) == ("-", editor)
    article.revise("New first line.\n" + article.body, by=editor)
    moved = latest(BoilerplateRange, id=proposed.pk)
    assert (moved.start, moved.history_user.pk) == (16, editor.pk)


def test_a_merge_is_in_the_history_of_everything_it_moved(db, admin_user):
    igor, twin = SpeakerFactory(name="Igor Konashenkov"), SpeakerFactory(name="I. Konashenkov")
    said = QuoteFactory(speaker=twin)
    relayed = QuoteFactory(speaker=None)
    relayed.set_via([Hop(speaker=twin)])
    twin_id = twin.pk  # a deleted instance forgets its id
    igor.merge(twin, by=admin_user)
    for quote in (said, relayed):
        record = latest(Quote, id=quote.pk)
        assert record.history_user == admin_user and "merged" in record.history_change_reason
    assert latest(Quote, id=said.pk).speaker_id == igor.pk
    hop = latest(ViaHop, quote_id=relayed.pk)
    assert (hop.history_type, hop.speaker_id, hop.history_user) == ("~", igor.pk, admin_user)
    alias = latest(SpeakerAlias, speaker_id=igor.pk)
    assert (alias.name, alias.history_user) == ("I. Konashenkov", admin_user)
    gone = latest(Speaker, id=twin_id)
    assert (gone.history_type, gone.history_user) == ("-", admin_user)


def test_undoing_a_merge_is_in_the_history_too(db, admin_user, editor):
    igor, twin = SpeakerFactory(name="Igor Konashenkov"), SpeakerFactory(name="I. Konashenkov")
    said = QuoteFactory(speaker=twin)
    twin_id = twin.pk
    record = igor.merge(twin, by=admin_user)
    assert record.undo(by=editor).pk == twin_id
    back = latest(Quote, id=said.pk)
    assert (back.speaker_id, back.history_user) == (twin_id, editor)
    assert latest(SpeakerAlias, speaker_id=igor.pk).history_type == "-"


def test_proposals_kept_and_dropped_are_in_the_history_with_who(db, editor):
    article = ArticleFactory()
    kept = Speaker.objects.find_or_create("Kept Person", proposed=True)
    dropped = Speaker.objects.find_or_create("Dropped Person", proposed=True)
    agency = Outlet.objects.find_or_create("Dropped Agency", proposed=True)
    accepted = Quote.create(
        article, kind="indirect", fragments=[(0, 7)], status="suggested", speaker=kept
    )
    rejected = Quote.create(
        article, kind="indirect", fragments=[(8, 16)], status="suggested", speaker=dropped,
        via=[Hop(outlet=agency)],
    )  # fmt: skip
    accepted.accept(by=editor)
    record = latest(Speaker, id=kept.pk)
    assert (record.proposed, record.history_user) == (False, editor)
    rejected.reject(by=editor)
    assert latest(Speaker, id=dropped.pk).history_type == "-"
    assert latest(Speaker, id=dropped.pk).history_user == editor
    assert latest(Outlet, id=agency.pk).history_user == editor
    assert latest(ViaHop, quote_id=rejected.pk).history_type == "-"
    last = latest(Quote, id=rejected.pk)
    assert (last.speaker_id, last.history_user) == (None, editor)


# --------------------------------------------------------------------------- deletes


@pytest.mark.parametrize("kind", ["speakers", "outlets", "articles"])
def test_api_delete_keeps_a_record_that_restore_brings_back(editor_api, editor, kind):
    row = {"speakers": SpeakerFactory, "outlets": OutletFactory, "articles": ArticleFactory}[kind]()
    model = type(row)
    assert editor_api.delete(f"/api/v1/{kind}/{row.pk}/").status_code == 204
    assert editor_api.get(f"/api/v1/{kind}/{row.pk}/").status_code == 404
    assert row.pk not in [r["id"] for r in editor_api.get(f"/api/v1/{kind}/").json()["results"]]
    stored = model.all_objects.get(pk=row.pk)
    assert stored.deleted_by == editor
    assert latest(model, id=row.pk).history_change_reason == "deleted"
    response = editor_api.post(f"/api/v1/{kind}/{row.pk}/restore/")
    assert response.status_code == 200 and response.json()["id"] == row.pk
    assert model.objects.filter(pk=row.pk).exists()
    assert latest(model, id=row.pk).history_user == editor


def test_analyst_cannot_delete_or_restore(analyst_api):
    speaker = SpeakerFactory()
    assert analyst_api.delete(f"/api/v1/speakers/{speaker.pk}/").status_code == 403
    speaker.soft_delete()
    assert analyst_api.post(f"/api/v1/speakers/{speaker.pk}/restore/").status_code == 403
    assert Speaker.all_objects.get(pk=speaker.pk).is_deleted


def test_a_speaker_quotes_name_is_merged_not_deleted(editor_api):
    quote = QuoteFactory()
    response = editor_api.delete(f"/api/v1/speakers/{quote.speaker_id}/")
    assert response.status_code == 409
    assert Speaker.objects.filter(pk=quote.speaker_id).exists()


def test_an_article_goes_with_its_quotes_and_comes_back_with_them(editor_api, editor):
    article = ArticleFactory()
    earlier = QuoteFactory(article=article, start=0, end=7)
    earlier.soft_delete(by=editor)
    live = QuoteFactory(article=article, start=8, end=16)
    assert editor_api.delete(f"/api/v1/articles/{article.pk}/").status_code == 204
    assert not Quote.objects.filter(article=article).exists()
    went = latest(Quote, id=live.pk)
    assert (went.history_user, went.history_change_reason) == (editor, "deleted with its article")
    quotes = editor_api.get("/api/v1/quotes/").json()["results"]
    assert live.pk not in [q["id"] for q in quotes]
    assert editor_api.post(f"/api/v1/articles/{article.pk}/restore/").status_code == 200
    assert list(Quote.objects.filter(article=article)) == [live]  # the earlier delete stays


def test_the_deleted_page_lists_and_restores(client, editor, analyst):
    speaker = SpeakerFactory(name="Gone Speaker")
    speaker.soft_delete(by=editor)
    article = ArticleFactory(title="Gone Article")
    article.soft_delete(by=editor)
    client.force_login(analyst)
    page = client.get("/deleted/").content.decode()
    assert "Gone Speaker" in page and "Gone Article" in page and "Restore" not in page
    assert client.post(f"/deleted/speaker/{speaker.pk}/restore/").status_code == 403
    client.force_login(editor)
    assert "Restore" in client.get("/deleted/").content.decode()
    response = client.post(f"/deleted/speaker/{speaker.pk}/restore/")
    assert response.status_code == 302 and response.url == speaker.get_absolute_url()
    assert Speaker.objects.filter(pk=speaker.pk).exists()
    client.post(f"/deleted/article/{article.pk}/restore/")
    assert Article.objects.filter(pk=article.pk).exists()
    assert client.post("/deleted/quote/1/restore/").status_code == 404


def test_admin_delete_is_soft_and_restorable(admin_client):
    outlet = OutletFactory(name="Admin Outlet")
    response = admin_client.post(f"/admin/annotations/outlet/{outlet.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Outlet.all_objects.get(pk=outlet.pk).is_deleted
    admin_client.post(
        "/admin/annotations/outlet/",
        {"action": "restore_rows", "_selected_action": [outlet.pk]},
    )
    assert Outlet.objects.filter(pk=outlet.pk).exists()
