"""A JSON Lines import job stores its lines in batches: the queries of a batch do not grow
with its articles, a line the checks refuse is refused alone, a failure keeps the lines
before it, and duplicates inside one batch count as they would one line at a time."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import jobs
from annotations.models import Article, Job, Outlet, Quote, Speaker, SpeakerAlias

from .test_documents import document


def jsonl(*docs) -> bytes:
    return "".join(
        (d if isinstance(d, str) else json.dumps(d, ensure_ascii=False)) + "\n" for d in docs
    ).encode()


def run(data: bytes, user) -> Job:
    job = jobs.start_import("docs.jsonl", data, user=user)
    jobs.run_queued()
    job.refresh_from_db()
    return job


def queries_to_import(docs, user) -> tuple[int, set[str]]:
    """The statements an import job runs: how many, and into which tables it inserts."""
    with CaptureQueriesContext(connection) as queries:
        job = run(jsonl(*docs), user)
    assert job.state == Job.State.DONE, job.error
    assert len(job.report["imported"]) == len(docs), job.report["refused"]
    statements = [q["sql"] for q in queries.captured_queries]
    inserts = [sql for sql in statements if sql.startswith("INSERT")]
    if connection.features.max_query_params:
        # SQLite takes so many values a statement: rows go in as many INSERTs as it needs
        return len(statements) - len(inserts), {sql.split('"')[1] for sql in inserts}
    return len(statements), {sql.split('"')[1] for sql in inserts}


@pytest.mark.django_db(transaction=True)
def test_a_batch_costs_the_same_queries_for_5_or_50_articles(editor, settings):
    settings.NEWSDESK_IMPORT_BATCH = 100
    # Each article brings its own speakers, outlets and aliases, three quotes with via
    # chains, a boilerplate range; after the first import the shared ones are found.
    queries_to_import([document(3, "warm-up")], editor)
    five = queries_to_import([document(3, f"five-{n}") for n in range(5)], editor)
    fifty = queries_to_import([document(3, f"fifty-{n}") for n in range(50)], editor)
    assert five == fifty
    # the job's own (start, claim, a beat, finish) included, and on PostgreSQL one history
    # insert for each kind of row written (articles, quotes, fragments, via hops, aliases,
    # boilerplate, speakers, outlets)
    assert fifty[0] <= 40
    assert Article.objects.count() == 56 and Quote.objects.count() == 3 * 56
    assert Speaker.objects.filter(name="Ana Silva").count() == 1


def test_a_refused_line_is_refused_alone_inside_its_batch(editor, settings):
    settings.NEWSDESK_IMPORT_BATCH = 100
    bad = document(2, "bad")
    bad["outlets"].append({"name": "Only Bad Names Me", "aliases": ["OBNM"]})
    bad["speakers"][0]["aliases"].append("Silva of the bad line")
    bad["quotes"][1]["fragments"] = [[0, 10_000]]  # outside the body
    docs = [document(2, "a"), document(2, "b"), bad, document(2, "c"), "{oops", document(2, "d")]
    job = run(jsonl(*docs), editor)
    assert job.state == Job.State.DONE and job.done == 6
    assert [e["line"] for e in job.report["imported"]] == [1, 2, 4, 6]
    refused = {e["line"]: e["why"] for e in job.report["refused"]}
    assert sorted(refused) == [3, 5]
    assert "quotes[1]" in refused[3] and "not valid JSON" in refused[5]
    titles = set(Article.objects.values_list("title", flat=True))
    assert titles == {f"Bridge story {t}" for t in "abcd"}
    # nothing the refused line named is stored, and what the others share is there once
    assert not Outlet.objects.filter(name="Only Bad Names Me").exists()
    assert not Speaker.objects.filter(name__startswith="Speaker bad").exists()
    assert not SpeakerAlias.objects.filter(name="Silva of the bad line").exists()
    assert Speaker.objects.filter(name="Ana Silva").count() == 1
    assert Outlet.objects.filter(name="Bench Daily").count() == 1
    assert sorted(SpeakerAlias.objects.values_list("name", flat=True)) == [
        "Silva",
        "Silva a",
        "Silva b",
        "Silva c",
        "Silva d",
    ]


def test_a_failure_in_a_batch_keeps_the_lines_before_it_and_says_so(editor, settings, monkeypatch):
    settings.NEWSDESK_IMPORT_BATCH = 3
    real = jobs.imports.store_document

    def failing(doc, **kwargs):
        if doc["article"]["title"] == "Bridge story 5":
            raise RuntimeError("disk full")
        return real(doc, **kwargs)

    monkeypatch.setattr(jobs.imports, "store_document", failing)
    job = run(jsonl(*(document(1, str(n)) for n in range(1, 8))), editor)
    assert job.state == Job.State.FAILED
    assert "line 5" in job.error and "disk full" in job.error and "4 done" in job.error
    # the first batch, and the line of the second before the failing one
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        f"Bridge story {n}" for n in range(1, 5)
    ]
    assert [e["line"] for e in job.report["imported"]] == [1, 2, 3, 4]
    assert job.done == 4
    # every article whole: a batch is rolled back whole before its lines go one by one
    assert Quote.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_batch_the_database_refuses_is_imported_again_one_line_at_a_time(
    editor, settings, monkeypatch
):
    settings.NEWSDESK_IMPORT_BATCH = 10
    ana = Speaker.objects.create(name="Ana Silva")
    other = Speaker.objects.create(name="A. Silva")
    real = jobs.imports.store_document
    calls = []

    def merging(doc, **kwargs):
        calls.append(doc["article"]["title"])
        if doc["article"]["title"] == "Bridge story 4" and Speaker.objects.filter(pk=ana.pk):
            other.merge(Speaker.objects.get(pk=ana.pk))  # the batch still holds ana
        return real(doc, **kwargs)

    monkeypatch.setattr(jobs.imports, "store_document", merging)
    job = run(jsonl(*(document(2, str(n)) for n in range(1, 7))), editor)
    assert job.state == Job.State.DONE, job.error
    assert [e["line"] for e in job.report["imported"]] == [1, 2, 3, 4, 5, 6]
    assert job.done == 6
    # all six in the batch, then each again on its own (the fourth twice: stale names)
    assert len(calls) == 6 + 7
    assert Article.objects.count() == 6 and Quote.objects.count() == 12
    assert not Speaker.objects.filter(pk=ana.pk).exists()
    assert Quote.objects.filter(speaker=other).count() == 6


def test_duplicates_inside_one_batch_count_as_line_by_line(editor, settings):
    settings.NEWSDESK_IMPORT_BATCH = 100
    stored = Article.objects.create(title="Stored", body="Stored text.")
    same_url = document(1, "url")
    same_url_new_text = document(1, "url")
    same_url_new_text["article"]["body"] = "Update. " + same_url["article"]["body"]
    same_url_new_text["quotes"] = []
    no_url = document(1, "plain")
    del no_url["article"]["url"]
    by_id = {"format": "newsdesk-article/1", "article": {"id": stored.pk, "title": "Stored",
             "body": "Stored text."}}  # fmt: skip
    docs = [same_url, no_url, same_url, no_url, same_url_new_text, same_url, by_id]
    job = run(jsonl(*docs), editor)
    assert job.state == Job.State.DONE, job.error
    report = job.report
    assert [e["line"] for e in report["imported"]] == [1, 2]
    assert [e["line"] for e in report["skipped"]] == [3, 4, 7]
    assert [e["line"] for e in report["updated"]] == [5, 6]
    assert "revision 2" in report["updated"][0]["why"]
    assert "revision 3" in report["updated"][1]["why"]  # the text of line 1 again
    article = Article.objects.get(url=same_url["article"]["url"])
    assert article.body == same_url["article"]["body"]
    assert article.revisions.count() == 3
    assert {e["article"] for e in report["skipped"]} == {
        article.pk,
        Article.objects.get(title="Bridge story plain").pk,
        stored.pk,
    }
    assert Article.objects.count() == 3
    quote = article.quotes.get()  # followed the text there and back
    assert quote.anchoring == "anchored"
    assert quote.text == article.body[quote.start : quote.end]


def test_a_long_import_lists_its_first_articles_and_counts_the_rest(editor, monkeypatch):
    # the report is held in memory and written whole: it must not grow with the file
    monkeypatch.setitem(jobs.progress.REPORT_LIMITS, "imported", 2)
    job = run(jsonl(*(document(1, str(n)) for n in range(1, 5))), editor)
    assert [e["line"] for e in job.report["imported"]] == [1, 2]
    assert job.report["more"] == {"imported": 2}
    assert Article.objects.count() == 4


# ------------------------------------------------------------------ lossless, in batches


def import_job(text: str, user, size: int) -> Job:
    from django.test import override_settings

    with override_settings(NEWSDESK_IMPORT_BATCH=size):
        job = run(text.encode(), user)
    assert job.state == Job.State.DONE, job.error
    assert not job.report.get("refused"), job.report["refused"]
    return job


@pytest.mark.parametrize("size", [1, 100])
def test_every_case_survives_an_import_job_byte_for_byte(editor, admin_user, size):
    from .test_lossless import build_every_case, counts, export, wipe

    build_every_case(editor, admin_user)
    before, first = counts(), export()
    wipe()
    job = import_job(first, admin_user, size)
    assert len(job.report["imported"]) == 3 and job.report["listed"] == 1
    assert job.done == job.total == 4
    assert counts() == before
    assert export().encode("utf-8") == first.encode("utf-8")
    again = import_job(first, admin_user, size)  # the same uids: nothing changes
    assert not again.report.get("imported") and len(again.report["skipped"]) == 3
    assert all("same uid" in e["why"] or "already" in e["why"] for e in again.report["skipped"])
    assert counts() == before
    assert export() == first


def test_every_row_an_import_job_writes_is_in_the_history_with_who_and_why(
    editor, admin_user, settings
):
    from annotations.models import (
        BoilerplateRange,
        Fragment,
        OutletAlias,
        ViaHop,
    )

    from .test_lossless import build_every_case, export, wipe

    build_every_case(editor, admin_user)
    text = export()
    wipe()
    import_job(text, admin_user, 100)
    for model, rows in (
        (Article, Article.all_objects.all()),
        (Quote, Quote.all_objects.all()),
        (Speaker, Speaker.all_objects.all()),
        (Outlet, Outlet.all_objects.all()),
        (Fragment, Fragment.objects.all()),
        (ViaHop, ViaHop.objects.all()),
        (SpeakerAlias, SpeakerAlias.objects.all()),
        (OutletAlias, OutletAlias.objects.all()),
        (BoilerplateRange, BoilerplateRange.objects.all()),
    ):
        ids = set(rows.values_list("pk", flat=True))
        assert ids, model
        made = model.history.filter(history_type="+", id__in=ids)
        assert set(made.values_list("id", flat=True)) == ids, model
        assert {(r.history_user_id, r.history_change_reason) for r in made} == {
            (admin_user.pk, "imported")
        }, model


def test_uids_decide_duplicates_inside_one_batch_and_against_the_database(editor, settings):
    settings.NEWSDESK_IMPORT_BATCH = 100
    uid_a, uid_b = "6f1c1d3e-0000-4000-8000-00000000000a", "6f1c1d3e-0000-4000-8000-00000000000b"
    twin_a, twin_b, again_a = document(1, "twin"), document(1, "twin"), document(1, "twin")
    for doc, uid in ((twin_a, uid_a), (twin_b, uid_b), (again_a, uid_a.upper())):
        del doc["article"]["url"]
        doc["article"]["uid"] = uid
    plain = document(1, "twin")  # no uid: same title and body as the first twin
    del plain["article"]["url"]
    plain["article"].pop("uid", None)
    job = run(jsonl(twin_a, twin_b, again_a, plain), editor)
    assert [e["line"] for e in job.report["imported"]] == [1, 2]
    assert [e["line"] for e in job.report["skipped"]] == [3, 4]
    first = Article.objects.get(uid=uid_a)
    assert [e["article"] for e in job.report["skipped"]] == [first.pk, first.pk]
    assert Article.objects.filter(title="Bridge story twin").count() == 2
    # the stored ones now; without a uid, the twin a single import would find
    from annotations.documents import duplicate_of

    alone = duplicate_of(plain["article"], plain["article"]["body"])[0]
    job = run(jsonl(twin_b, plain), editor)
    assert [e["article"] for e in job.report["skipped"]] == [
        Article.objects.get(uid=uid_b).pk,
        alone.pk,
    ]


def test_a_deleted_speaker_named_in_a_batch_comes_back_as_line_by_line(editor, settings):
    settings.NEWSDESK_IMPORT_BATCH = 100
    listed_gone = document(1, "gone")
    listed_gone["speakers"].append(
        {"name": "Gone Person", "deleted_at": "2026-01-01T00:00:00+00:00", "deleted_by": "x"}
    )
    naming = document(1, "naming")
    naming["quotes"][0]["speaker"] = "Gone Person"
    stored = Speaker.objects.create(name="Stored Gone")
    stored.soft_delete(by=editor)
    naming_stored = document(1, "stored")
    naming_stored["quotes"][0]["speaker"] = "Stored Gone"
    job = run(jsonl(listed_gone, naming, naming_stored), editor)
    assert len(job.report["imported"]) == 3, job.report
    gone = Speaker.all_objects.get(name="Gone Person")
    assert not gone.is_deleted  # the second line names it: it came back once stored
    assert gone.history.first().history_change_reason == "restored"
    assert not Speaker.all_objects.get(pk=stored.pk).is_deleted


def test_a_directory_line_inside_a_batch_is_counted_as_listed(editor, settings):
    settings.NEWSDESK_IMPORT_BATCH = 100
    directory = {
        "format": "newsdesk-directory/1",
        "outlets": [{"name": "Bench Daily", "aliases": ["BD"]}],
        "speakers": [{"name": "Nobody Quoted", "proposed": True}],
    }
    job = run(jsonl(document(1, "a"), directory, document(1, "b")), editor)
    assert [e["line"] for e in job.report["imported"]] == [1, 3]
    assert job.report["listed"] == 1 and job.done == 3
    assert Outlet.objects.filter(name="Bench Daily").count() == 1
    assert "BD" in OutletAlias_names()
    assert Speaker.objects.get(name="Nobody Quoted").proposed


def OutletAlias_names():  # noqa: N802
    from annotations.models import OutletAlias

    return OutletAlias.objects.values_list("name", flat=True)
