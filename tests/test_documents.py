"""Importing an article document costs a fixed number of queries, whatever it holds."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.documents import Directory, import_document
from annotations.models import Outlet, Quote, Speaker, SpeakerAlias, ViaHop

SENTENCE = "\u201cThe bridge {n} is safe,\u201d Ana Silva said. "


def document(n_quotes: int, tag: str) -> dict:
    body = "".join(SENTENCE.format(n=f"{n:02d}") for n in range(n_quotes))
    step = len(SENTENCE.format(n="00"))
    quotes = []
    for n in range(n_quotes):
        start = n * step + 1
        quotes.append(
            {
                "kind": "direct",
                "fragments": [[start, start + 18]],
                "speaker": "Ana Silva" if n == 1 else f"Speaker {tag} {n}",
                "speaker_mention": [n * step + 22, n * step + 31],
                "cue": "said",
                "via": [
                    {"type": "outlet", "name": f"Agency {tag} {n}"},
                    {"type": "speaker", "name": "Ana Silva"},
                ],
                "status": "rejected" if n == 2 else "confirmed",
            }
        )
    return {
        "format": "newsdesk-article/1",
        "article": {
            "title": f"Bridge story {tag}",
            "body": body,
            "publisher": "Bench Daily",
            "url": f"https://example.org/{tag}",
            "boilerplate": [{"start": 0, "end": 1}],
        },
        "outlets": [{"name": "Bench Daily", "aliases": [f"BD {tag}"]}],
        "speakers": [{"name": "Ana Silva", "aliases": [f"Silva {tag}", "Silva"]}],
        "quotes": quotes,
    }


def queries_to_import(doc, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        article, created = import_document(doc, user=user)
    assert created
    assert article.quotes.count() == len(doc["quotes"])
    return len(queries)


@pytest.mark.django_db(transaction=True)
def test_importing_a_document_costs_the_same_queries_for_1_or_20_quotes(editor):
    # The first import makes the shared speaker and publisher; after it, both documents
    # find those and make their own speakers, outlets and aliases.
    import_document(document(1, "warm-up"), user=editor)
    one = queries_to_import(document(1, "one"), editor)
    twenty = queries_to_import(document(20, "twenty"), editor)
    assert one == twenty
    # each kind of row written (outlets, speakers, both kinds of alias, the article, its
    # boilerplate, quotes, fragments, via hops) costs an insert and one of its history; on
    # PostgreSQL the quotes' ids are reserved first (their fragments and hops go in beside
    # them with COPY)
    assert twenty <= (26 if connection.vendor == "postgresql" else 25)


@pytest.mark.django_db
def test_bulk_import_keeps_history_users_aliases_and_via_chains(editor):
    article, created = import_document(document(5, "a"), user=editor)
    assert created
    quotes = list(article.quotes.order_by("start"))
    assert [q.history.get().history_user for q in quotes] == [editor] * 5
    assert article.history.get().history_user == editor
    ana = Speaker.objects.get(name="Ana Silva")
    assert ana.history.get().history_user == editor
    assert sorted(a.name for a in ana.aliases.all()) == ["Silva", "Silva a"]
    assert [h.name for h in quotes[1].via_hops.all()] == ["Agency a 1", "Ana Silva"]
    assert quotes[0].speaker.name == "Speaker a 0"
    assert quotes[1].speaker == ana
    assert quotes[0].fragments.get().text == "The bridge 00 is s"
    # Found again by name or alias, never made twice.
    import_document(document(3, "b"), user=editor)
    assert Speaker.objects.filter(name="Ana Silva").count() == 1
    assert SpeakerAlias.objects.filter(name="Silva").count() == 1
    assert Outlet.objects.filter(name="Bench Daily").count() == 1


@pytest.mark.django_db
def test_bulk_import_adopts_proposed_speakers_and_outlets_of_confirmed_quotes(editor):
    ana = Speaker.objects.create(name="Ana Silva", proposed=True)
    agency = Outlet.objects.create(name="Agency c 0", proposed=True)
    import_document(document(1, "c"), user=editor)
    ana.refresh_from_db()
    agency.refresh_from_db()
    assert not ana.proposed and not agency.proposed


@pytest.mark.django_db
def test_bulk_import_of_a_rejected_quote_drops_the_proposals_only_it_names(editor):
    doc = document(3, "d")
    Speaker.objects.create(name="Speaker d 0", proposed=True)  # confirmed quote: kept
    Outlet.objects.create(name="Agency d 2", proposed=True)  # rejected quote only: goes
    import_document(doc, user=editor)
    assert Speaker.objects.filter(name="Speaker d 0", proposed=False).exists()
    assert not Outlet.objects.filter(name="Agency d 2").exists()
    rejected = Quote.objects.get(status="rejected")
    assert not ViaHop.objects.filter(quote=rejected, outlet__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_a_shared_directory_looks_each_name_up_once(editor):
    directory = Directory()
    import_document(document(2, "e1"), user=editor, directory=directory)
    with CaptureQueriesContext(connection) as queries:
        import_document(document(2, "e2"), user=editor, directory=directory)
    looked_up = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and 'FROM "annotations_speaker"' in q["sql"]
    ]
    # only the names this document is first to use ("Speaker e2 0", its agencies)
    assert len(looked_up) == 1
    assert Speaker.objects.filter(name="Ana Silva").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_import_job_recovers_when_a_speaker_it_knows_is_merged_away(editor, monkeypatch):
    from annotations import jobs

    ana = Speaker.objects.create(name="Ana Silva")
    other = Speaker.objects.create(name="A. Silva")
    docs = [document(2, "f1"), document(2, "f2")]
    real = jobs.imports.store_document

    def merging(doc, **kwargs):
        if doc["article"]["title"] == "Bridge story f2" and Speaker.objects.filter(pk=ana.pk):
            other.merge(Speaker.objects.get(pk=ana.pk))  # the directory still holds ana
        return real(doc, **kwargs)

    monkeypatch.setattr(jobs.imports, "store_document", merging)
    data = "".join(json.dumps(d) + "\n" for d in docs).encode()
    job = jobs.start_import("docs.jsonl", data, user=editor)
    jobs.run_queued()
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert len(job.report["imported"]) == 2
    assert Quote.objects.filter(article__title="Bridge story f2", speaker=other).exists()


@pytest.mark.django_db
def test_bulk_import_matches_speakers_and_outlets_as_find_or_create_does(editor):
    plain = Speaker.objects.create(name="Ana Silva")
    senator = Speaker.objects.create(name="Ana Silva", description="the senator")
    keyed = Speaker.objects.create(name="Rui Costa", role="coach", description="the coach")
    by_wikidata = Speaker.objects.create(name="Eva Lopes", wikidata_id="Q42")
    wire = Outlet.objects.create(name="Wire")
    listed = [
        {"name": "ana  SILVA"},  # the name key: the undescribed one
        {"name": "Ana Silva", "description": "the senator"},
        {"name": "Ana Silva", "description": "the judge"},  # a new namesake
        {"name": "Rui Costa", "key": "Rui Costa [1]", "role": "coach", "description": "the coach"},
        {
            "name": "Rui Costa",
            "key": "Rui Costa [2]",
            "role": "player",
            "description": "the player",
        },
        {"name": "E. Lopes", "wikidata_id": "Q42"},
    ]
    refs = ["ana  SILVA", "Ana Silva", "Rui Costa [1]", "Rui Costa [2]", "E. Lopes"]
    body = "Said. " * len(refs)
    doc = {
        "format": "newsdesk-article/1",
        "article": {"title": "Namesakes", "body": body, "publisher": "WIRE"},
        "outlets": [{"name": "Daily", "wikidata_id": "Q7"}],
        "speakers": listed,
        "quotes": [
            {"kind": "direct", "fragments": [[6 * n, 6 * n + 4]], "speaker": ref}
            for n, ref in enumerate(refs)
        ],
    }
    article, created = import_document(doc, user=editor)
    assert created and article.publisher == wire
    got = [q.speaker for q in article.quotes.order_by("start")]
    judge = Speaker.objects.get(name="Ana Silva", description="the judge")
    player = Speaker.objects.get(name="Rui Costa", description="the player")
    # a name listed twice means its last entry, as one name at a time
    assert got == [plain, judge, keyed, player, by_wikidata]
    assert Speaker.objects.filter(name_key="ana silva").count() == 3
    assert judge.name_key == "ana silva"
    assert Outlet.objects.get(name="Daily").wikidata_id == "Q7"
    # the same answers one name at a time
    assert Speaker.objects.find_or_create("ana  SILVA") == plain
    assert Speaker.objects.find_or_create("Ana Silva", description="the senator") == senator
    assert Speaker.objects.find_or_create("Ana Silva", description="the judge") == judge
    assert (
        Speaker.objects.find_or_create(
            "Rui Costa", namesake=True, role="player", description="the player"
        )
        == player
    )
    assert Speaker.objects.find_or_create("E. Lopes", wikidata_id="Q42") == by_wikidata
