"""Jobs in real Chromium: an upload lands on its job's page, whose progress redraws itself
(htmx polling) as the worker goes, shows the report at the end and stops polling; Cancel
works without a reload."""

import json

import pytest
from playwright.sync_api import expect

from annotations import jobs
from annotations.models import Article, Job
from tests.factories import UserFactory

from .conftest import log_in_as

pytestmark = pytest.mark.browser


def doc(n: int) -> str:
    body = f"Story {n}. \u201cEvery bolt was checked,\u201d Ana Silva said."
    return json.dumps(
        {"format": "newsdesk-article/1", "article": {"title": f"Story {n}", "body": body}}
    )


def test_upload_shows_live_progress_then_the_report(page, tmp_path):
    editor = UserFactory(username="eddie", role="editor")
    log_in_as(page, editor)
    upload = tmp_path / "stories.jsonl"
    upload.write_text("\n".join([doc(1), "{oops", doc(2)]) + "\n", encoding="utf-8")
    page.goto("/import/")
    page.set_input_files("#id_file", str(upload))
    page.click(".import-form button[type=submit]")
    page.wait_for_url("**/jobs/*/")
    progress = page.locator("#job-progress")
    expect(progress).to_contain_text("Queued")
    expect(progress).to_contain_text("0 of 3")

    job = Job.objects.get()
    job.claim()  # the worker's steps, one at a time, while the page watches
    job.done = 1
    job.beat()
    expect(progress).to_contain_text("Running")
    expect(progress).to_contain_text("1 of 3")
    jobs.execute(job)
    expect(progress).to_contain_text("Done")
    expect(progress).to_contain_text("2 imported")
    expect(progress.locator(".refused")).to_contain_text("line 2: not valid JSON")
    story = Article.objects.get(title="Story 1")
    expect(progress.locator(f'a[href="/articles/{story.pk}/"]')).to_have_text("Story 1")
    expect(progress).not_to_have_attribute("hx-trigger", "every 1s")


def test_cancel_button_stops_a_queued_job(page):
    editor = UserFactory(username="eddie", role="editor")
    job = jobs.start_export(user=editor)
    log_in_as(page, editor)
    page.goto(f"/jobs/{job.pk}/")
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#job-progress")).to_contain_text("Cancelled")
    assert page.url.endswith(f"/jobs/{job.pk}/")  # redrawn in place, no reload
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    assert jobs.run_queued() == []
