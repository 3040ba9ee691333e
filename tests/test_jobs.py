"""Background jobs, run in the test process: imports, suggestions and exports as jobs,
their progress and reports, cancelling, per-article transactions, the suggester's time
limit, the pages and the API. ``test_jobs_worker.py`` runs them in a real worker."""

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations import jobs
from annotations.models import Article, Job, Quote
from annotations.suggesting import suggest as real_suggest

from .factories import ArticleFactory, UserFactory

SAID = "\u201cWe will win the vote,\u201d John Smith said on Monday."


def doc(n, *, quotes=True, **article):
    body = f"Story {n}. \u201cEvery bolt was checked,\u201d Ana Silva said."
    return {
        "format": "newsdesk-article/1",
        "article": {"title": f"Story {n}", "body": body, **article},
        "quotes": (
            [{"kind": "direct", "fragments": [[10, 33]], "speaker": "Ana Silva", "cue": "said"}]
            if quotes
            else []
        ),
    }


def jsonl(*docs) -> bytes:
    return "".join(
        (d if isinstance(d, str) else json.dumps(d, ensure_ascii=False)) + "\n" for d in docs
    ).encode()


# --------------------------------------------------------------------------- imports


def test_upload_returns_at_once_with_a_queued_job(editor_client, editor):
    upload = SimpleUploadedFile("docs.jsonl", jsonl(doc(1), doc(2)))
    response = editor_client.post("/import/", {"file": upload})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == Job.State.QUEUED and job.kind == Job.Kind.IMPORT
    assert job.total == 2 and job.created_by == editor and job.task_id
    assert not Article.objects.exists()  # the worker imports, not the request


def test_import_job_reports_imported_skipped_and_refused_by_line(editor_client, editor):
    ArticleFactory(title="Story 2", body=doc(2)["article"]["body"])
    data = jsonl(doc(1), doc(2), "{oops", doc(3, url="not a url"), doc(4))
    job = jobs.start_import("docs.jsonl", data, user=editor)
    [job] = jobs.run_queued()
    assert job.state == Job.State.DONE and job.done == job.total == 5
    report = job.report
    assert [e["line"] for e in report["imported"]] == [1, 5]
    assert (
        report["skipped"][0]["line"] == 2 and "already in Newsdesk" in report["skipped"][0]["why"]
    )
    assert [e["line"] for e in report["refused"]] == [3, 4]
    assert "not valid JSON" in report["refused"][0]["why"]
    # each good line kept with its quotes, a bad line refused alone
    assert set(Article.objects.values_list("title", flat=True)) == {"Story 1", "Story 2", "Story 4"}
    assert Quote.objects.filter(article__title="Story 1").count() == 1
    page = editor_client.get(job.get_absolute_url()).content.decode()
    assert "line 3: not valid JSON" in page
    story = Article.objects.get(title="Story 1")
    assert reverse("annotations:article-detail", args=[story.pk]) in page


def test_importing_again_skips_what_is_there(editor):
    data = jsonl(doc(1), doc(2))
    jobs.start_import("docs.jsonl", data, user=editor)
    jobs.start_import("docs.jsonl", data, user=editor)
    first, second = jobs.run_queued()
    assert len(first.report["imported"]) == 2
    assert len(second.report["imported"]) == 0 and len(second.report["skipped"]) == 2
    assert Article.objects.count() == 2


def test_upload_waits_as_a_file_read_line_by_line_and_goes_when_done(editor):
    data = "\ufeff".encode() + jsonl(doc(1), "", doc(2)).replace(b"\n", b"\r\n", 1)
    job = jobs.start_import("docs.jsonl", data, user=editor)
    job.refresh_from_db()
    path = jobs.upload_path(job)
    assert path.read_bytes() == data and job.payload is None
    jobs.run_queued()
    job.refresh_from_db()
    assert [e["line"] for e in job.report["imported"]] == [1, 3]
    assert not path.exists()


def test_a_rerun_reads_its_own_copy_of_the_upload(editor):
    job = jobs.start_import("docs.jsonl", jsonl(doc(1), doc(2)), user=editor)
    job.cancel()
    again = jobs.rerun(job, user=editor)
    assert jobs.upload_path(again) != jobs.upload_path(job)
    jobs.run_queued()
    again.refresh_from_db()
    assert again.state == Job.State.DONE and len(again.report["imported"]) == 2
    assert jobs.upload_path(job).exists() and not jobs.upload_path(again).exists()


def test_a_new_text_under_a_known_url_is_reported_as_a_new_revision(editor_client, editor):
    jobs.start_import("a.jsonl", jsonl(doc(1, url="https://a.example/1")), user=editor)
    changed = doc(1, url="https://a.example/1")
    changed["article"]["body"] = "Update. " + changed["article"]["body"]
    jobs.start_import("b.jsonl", jsonl(changed), user=editor)
    first, second = jobs.run_queued()
    assert [e["line"] for e in second.report["updated"]] == [1]
    assert "revision 2" in second.report["updated"][0]["why"]
    quote = Quote.objects.get()
    assert quote.anchoring == "anchored" and quote.start == 18  # followed the text
    page = editor_client.get(second.get_absolute_url()).content.decode()
    assert "Updated with a new revision (1)" in page and "1 updated" in page


def test_a_failure_midway_keeps_the_articles_before_it(editor, monkeypatch):
    real = jobs.imports.store_document

    def flaky(doc, **kwargs):
        if doc["article"]["title"] == "Story 3":
            raise RuntimeError("disk full")
        return real(doc, **kwargs)

    monkeypatch.setattr(jobs.imports, "store_document", flaky)
    jobs.start_import("docs.jsonl", jsonl(doc(1), doc(2), doc(3), doc(4)), user=editor)
    [job] = jobs.run_queued()
    assert job.state == Job.State.FAILED
    assert "line 3" in job.error and "disk full" in job.error and "2 done" in job.error
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Story 1", "Story 2"]
    assert [e["line"] for e in job.report["imported"]] == [1, 2]


def test_upload_of_a_bad_file_is_refused_at_once(editor_client):
    upload = SimpleUploadedFile("docs.jsonl", b"\xff\xfe bad")
    response = editor_client.post("/import/", {"file": upload})
    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()
    assert not Job.objects.exists()
    upload = SimpleUploadedFile("docs.csv", b"a,b")
    response = editor_client.post("/import/", {"file": upload})
    assert response.status_code == 400 and not Job.objects.exists()


def test_pasted_text_and_html_import_as_jobs_with_suggestions(editor_client):
    editor_client.post("/import/", {"text": "Vote\n" + SAID, "suggest": "on"})
    [job] = jobs.run_queued()
    article = Article.objects.get(title="Vote")
    assert job.report["imported"] == [{"title": "Vote", "article": article.pk}]
    assert job.report["suggested"] == 1
    assert article.quotes.get().status == Quote.Status.SUGGESTED
    page = "<html><head><title>Bridge</title></head><body><article><p>" + SAID * 3
    page += "</p></article></body></html>"
    upload = SimpleUploadedFile("page.html", page.encode())
    editor_client.post("/import/", {"file": upload, "suggest": ""})
    [job] = jobs.run_queued()
    assert job.state == Job.State.DONE and len(job.report["imported"]) == 1
    assert not Quote.objects.filter(article__title="Bridge").exists()


# --------------------------------------------------------------------------- suggestions


def test_new_article_and_suggest_button_enqueue_a_job(editor_client):
    response = editor_client.post(
        reverse("annotations:article-create"), {"title": "Vote", "body": SAID}
    )
    article = Article.objects.get(title="Vote")
    assert response.status_code == 302 and not article.quotes.exists()
    [job] = jobs.run_queued()
    assert job.kind == Job.Kind.SUGGEST and job.params == {"article_ids": [article.pk]}
    assert article.quotes.get().status == Quote.Status.SUGGESTED
    response = editor_client.post(
        reverse("annotations:article-suggest", args=[article.pk]), HTTP_HX_REQUEST="true"
    )
    assert "in the background" in response.content.decode()
    assert Job.objects.filter(state=Job.State.QUEUED).count() == 1


def test_suggest_every_article_matching_the_list_filters(editor_client):
    a = ArticleFactory(title="Vote one", body=SAID)
    b = ArticleFactory(title="Vote two", body=SAID)
    ArticleFactory(title="Other", body="“Nothing here,” Ana Silva said.")
    response = editor_client.post(reverse("annotations:job-suggest"), {"q": "vote"})
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.params["article_ids"] == [a.pk, b.pk] and job.total == 2
    jobs.run_queued()
    job.refresh_from_db()
    assert job.report["suggested"] == 2 and Quote.objects.count() == 2


def slow_suggest(body, **kwargs):
    if "slow" in body:
        time.sleep(30)
    return real_suggest(body, **kwargs)


def test_a_slow_article_is_skipped_and_the_job_goes_on(editor, settings, monkeypatch):
    settings.NEWSDESK_SUGGEST_SECONDS = 0.5
    monkeypatch.setattr("annotations.suggesting.suggest", slow_suggest)
    slow = ArticleFactory(title="Slow", body="This one is slow. " + SAID)
    fine = ArticleFactory(title="Fine", body=SAID)
    jobs.start_suggest([slow.pk, fine.pk], user=editor)
    started = time.monotonic()
    [job] = jobs.run_queued()
    assert time.monotonic() - started < 10
    assert job.state == Job.State.DONE and job.done == 2
    assert job.report["slow"] == [
        {"title": "Slow", "article": slow.pk, "why": "too slow, skipped (over 0.5 s)"}
    ]
    assert not slow.quotes.exists() and fine.quotes.count() == 1


def test_time_limited_suggester_matches_the_suggester():
    with jobs.TimeLimitedSuggester(5) as suggester:
        assert suggester(SAID) == real_suggest(SAID)
        assert suggester(SAID * 2) == real_suggest(
            SAID * 2
        )  # the same child, again  # the same child, again


# --------------------------------------------------------------------------- lifecycle


def test_cancel_a_queued_job_it_never_runs(editor_client, editor):
    job = jobs.start_import("docs.jsonl", jsonl(doc(1)), user=editor)
    response = editor_client.post(reverse("annotations:job-cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    assert jobs.run_queued() == [] and not Article.objects.exists()


def test_cancel_a_running_job_stops_between_batches(editor, monkeypatch, settings):
    settings.NEWSDESK_IMPORT_BATCH = 2
    job = jobs.start_import("docs.jsonl", jsonl(*(doc(n) for n in range(1, 6))), user=editor)
    real = jobs.imports.store_document
    monkeypatch.setattr(jobs.progress, "BEAT_SECONDS", 0)

    def cancelling(doc, **kwargs):
        if doc["article"]["title"] == "Story 3":
            Job.objects.get(pk=job.pk).cancel()
        return real(doc, **kwargs)

    monkeypatch.setattr(jobs.imports, "store_document", cancelling)
    jobs.run_queued()
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED and job.finished_at
    # the batch in hand (stories 3 and 4) is finished, whole
    assert Article.objects.count() == 4 and job.done == 4
    assert len(job.report["imported"]) == 4


def test_stale_running_job_is_failed_and_can_run_again(editor, settings):
    job = jobs.start_import("docs.jsonl", jsonl(doc(1), doc(2)), user=editor)
    assert job.claim()
    Job.objects.filter(pk=job.pk).update(heartbeat_at=job.heartbeat_at.replace(year=2020))
    assert [j.pk for j in jobs.sweep_stale(60)] == [job.pk]
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "worker stopped" in job.error
    again = jobs.rerun(job, user=editor)
    assert again.rerun_of == job and again.state == Job.State.QUEUED
    jobs.run_queued()
    again.refresh_from_db()
    assert again.state == Job.State.DONE and len(again.report["imported"]) == 2


def test_progress_has_rate_and_time_left(editor):
    job = jobs.start_suggest([1, 2, 3, 4], user=editor)
    job.claim()
    job.started_at = job.started_at.replace(year=job.started_at.year - 1)
    job.done = 1
    assert job.rate > 0 and job.seconds_left == pytest.approx(3 / job.rate)
    assert job.percent == 25


# --------------------------------------------------------------------------- export


def test_export_job_writes_a_file_its_starter_downloads(client, editor, analyst):
    ArticleFactory(title="One")
    ArticleFactory(title="Two")
    client.force_login(analyst)
    response = client.post(reverse("annotations:job-export"))
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    jobs.run_queued()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.done == 2
    page = client.get(job.get_absolute_url()).content.decode()
    url = reverse("annotations:job-download", args=[job.pk])
    assert url in page
    body = b"".join(client.get(url).streaming_content).decode()
    assert [json.loads(line)["article"]["title"] for line in body.splitlines()] == [
        "One",
        "Two",
    ]
    client.force_login(editor)  # someone else's job: not found
    assert client.get(url).status_code == 404
    assert client.get(job.get_absolute_url()).status_code == 404


# --------------------------------------------------------------------------- pages


def test_progress_partial_polls_while_running_and_stops_when_done(editor_client, editor):
    job = jobs.start_import("docs.jsonl", jsonl(doc(1)), user=editor)
    response = editor_client.get(
        job.get_absolute_url(), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="job-progress"
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="job-progress"') and "<html" not in text
    assert 'hx-trigger="every 1s"' in text and "Cancel" in text
    jobs.run_queued()
    text = editor_client.get(
        job.get_absolute_url(), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="job-progress"
    ).content.decode()
    assert "every 1s" not in text and "1 imported" in text


def test_job_pages_need_sign_in_and_show_only_own_jobs(client, editor, admin_user):
    job = jobs.start_export(user=editor)
    assert client.get(reverse("annotations:job-list")).status_code == 302
    other = UserFactory(username="other", role="editor")
    client.force_login(other)
    assert job.title not in client.get(reverse("annotations:job-list")).content.decode()
    assert client.post(reverse("annotations:job-cancel", args=[job.pk])).status_code == 404
    client.force_login(admin_user)
    assert job.title in client.get(reverse("annotations:job-list")).content.decode()


def test_analyst_cannot_start_imports_or_suggestions(client, analyst):
    client.force_login(analyst)
    assert client.post(reverse("annotations:job-suggest"), {}).status_code == 403
    upload = SimpleUploadedFile("docs.jsonl", jsonl(doc(1)))
    assert client.post("/import/", {"file": upload}).status_code == 403
    assert not Job.objects.exists()


def test_report_titles_are_escaped(editor_client, editor):
    bad = doc(1, quotes=False)
    bad["article"]["title"] = "<script>x</script>"
    jobs.start_import("docs.jsonl", jsonl(bad), user=editor)
    [job] = jobs.run_queued()
    page = editor_client.get(job.get_absolute_url()).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page


# --------------------------------------------------------------------------- API


def test_api_import_answers_202_with_the_job_and_lists_it(editor_api, editor):
    upload = SimpleUploadedFile("docs.jsonl", jsonl(doc(1), doc(2), "{oops"))
    response = editor_api.post("/api/v1/imports/", {"file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    job = Job.objects.get()
    assert response["Location"].endswith(f"/api/v1/jobs/{job.pk}/")
    assert response.json()["state"] == "queued" and response.json()["total"] == 3
    jobs.run_queued()
    data = editor_api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert data["state"] == "done" and data["done"] == data["total"] == 3
    assert data["rate"] > 0 and data["seconds_left"] is None and data["percent"] == 100
    assert [e["line"] for e in data["report"]["refused"]] == [3]
    assert len(data["report"]["imported"]) == 2
    listed = editor_api.get("/api/v1/jobs/").json()
    assert [j["id"] for j in listed["results"]] == [job.pk]
    assert "report" not in listed["results"][0]


def test_api_import_of_text_and_refusals(editor_api):
    response = editor_api.post("/api/v1/imports/", {"text": "Vote\n" + SAID}, format="json")
    assert response.status_code == 202
    response = editor_api.post("/api/v1/imports/", {}, format="json")
    assert response.status_code == 400 and Job.objects.count() == 1
    upload = SimpleUploadedFile("x.jsonl", b"a\x00b")
    response = editor_api.post("/api/v1/imports/", {"file": upload}, format="multipart")
    assert response.status_code == 422 and "NUL" in response.json()["detail"]


def test_api_suggest_with_the_list_filters(editor_api):
    a = ArticleFactory(title="Vote one", body=SAID, status="new")
    ArticleFactory(title="Vote two", body=SAID, status="done")
    response = editor_api.post("/api/v1/articles/suggest/?status=new")
    assert response.status_code == 202
    assert Job.objects.get().params["article_ids"] == [a.pk]
    response = editor_api.post("/api/v1/articles/suggest/?colour=red")
    assert response.status_code == 400 and Job.objects.count() == 1


def test_api_export_job_and_download(analyst_api, editor_api):
    ArticleFactory(title="One")
    response = analyst_api.post("/api/v1/exports/")
    assert response.status_code == 202
    jobs.run_queued()
    data = analyst_api.get(response["Location"]).json()
    assert data["state"] == "done" and data["download"]
    body = b"".join(analyst_api.get(data["download"]).streaming_content)
    assert json.loads(body)["article"]["title"] == "One"
    assert editor_api.get(data["download"]).status_code == 404  # not their job


def test_api_job_permissions(client, analyst_api, editor_api, editor):
    job = jobs.start_import("docs.jsonl", jsonl(doc(1)), user=editor)
    assert client.get("/api/v1/jobs/").status_code == 401
    assert analyst_api.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert analyst_api.post(f"/api/v1/jobs/{job.pk}/cancel/").status_code == 404
    upload = SimpleUploadedFile("docs.jsonl", jsonl(doc(1)))
    response = analyst_api.post("/api/v1/imports/", {"file": upload}, format="multipart")
    assert response.status_code == 403
    assert analyst_api.post("/api/v1/articles/suggest/").status_code == 403
    response = editor_api.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"


def test_api_job_list_queries_do_not_grow(editor_api, editor, django_assert_max_num_queries):
    for n in range(5):
        jobs.start_import("docs.jsonl", jsonl(doc(n)), user=editor)
    with django_assert_max_num_queries(4):
        response = editor_api.get("/api/v1/jobs/")
    assert len(response.json()["results"]) == 5


def test_api_suggest_one_article_is_time_limited(editor_api, settings, monkeypatch):
    settings.NEWSDESK_SUGGEST_SECONDS = 0.5
    monkeypatch.setattr("annotations.suggesting.suggest", slow_suggest)
    article = ArticleFactory(body="This one is slow. " + SAID)
    response = editor_api.post(f"/api/v1/articles/{article.pk}/suggest/")
    assert response.status_code == 503 and "too slow" in response.json()["detail"]
    assert not article.quotes.exists()


# --------------------------------------------------------------------------- commands


def test_suggest_articles_command_is_quiet_off_a_terminal(db, capsys):
    from io import StringIO

    from django.core.management import call_command

    ArticleFactory(body=SAID, status="new")
    ArticleFactory(body=SAID, status="done")
    out = StringIO()
    call_command("suggest_articles", "--status", "new", stdout=out)
    assert "1 articles: 1 quotes suggested, 0 too slow" in out.getvalue()
    assert capsys.readouterr().err == ""  # no progress bar when not on a terminal
    assert Job.objects.get().state == Job.State.DONE


def test_import_articles_command_keeps_good_lines(db, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    (tmp_path / "docs.jsonl").write_bytes(jsonl(doc(1), "{oops", doc(2)))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 refused"):
        call_command("import_articles", str(tmp_path / "docs.jsonl"), stdout=out, stderr=err)
    assert "2 imported" in out.getvalue() and "line 2: not valid JSON" in err.getvalue()
    assert Article.objects.count() == 2
