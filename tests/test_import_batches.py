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
    assert fifty[0] <= 36  # the job's own (start, claim, a beat, finish) included
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
    real = jobs.store_document

    def failing(doc, **kwargs):
        if doc["article"]["title"] == "Bridge story 5":
            raise RuntimeError("disk full")
        return real(doc, **kwargs)

    monkeypatch.setattr(jobs, "store_document", failing)
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
    real = jobs.store_document
    calls = []

    def merging(doc, **kwargs):
        calls.append(doc["article"]["title"])
        if doc["article"]["title"] == "Bridge story 4" and Speaker.objects.filter(pk=ana.pk):
            other.merge(Speaker.objects.get(pk=ana.pk))  # the batch still holds ana
        return real(doc, **kwargs)

    monkeypatch.setattr(jobs, "store_document", merging)
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
    monkeypatch.setitem(jobs.REPORT_LIMITS, "imported", 2)
    job = run(jsonl(*(document(1, str(n)) for n in range(1, 5))), editor)
    assert [e["line"] for e in job.report["imported"]] == [1, 2]
    assert job.report["more"] == {"imported": 2}
    assert Article.objects.count() == 4
