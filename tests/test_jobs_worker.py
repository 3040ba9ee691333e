"""Jobs run by a real worker process (``manage.py worker``) against the test database, on
SQLite and on PostgreSQL: a job goes queued -> running -> done; a worker killed with
SIGKILL mid-import leaves no half-imported article, the job is marked failed by the next
worker, and running it again imports the rest."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from annotations import jobs
from annotations.models import Article, Job, Quote, User

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)


def doc(n: int) -> dict:
    body = f"Story {n}. \u201cEvery bolt was checked,\u201d Ana Silva said of bridge {n}."
    return {
        "format": "newsdesk-article/1",
        "article": {"title": f"Story {n}", "body": body},
        "quotes": [
            {"kind": "direct", "fragments": [[10, 33]], "speaker": "Ana Silva", "cue": "said"}
        ],
    }


def jsonl(count: int) -> bytes:
    return "".join(json.dumps(doc(n)) + "\n" for n in range(1, count + 1)).encode()


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A ``DATABASE_URL`` a worker process can use. On PostgreSQL, the test database. On
    SQLite the test database lives in this process's memory, so it is copied (schema, no
    rows) to a file, which this process also uses until the test ends."""
    s = connection.settings_dict
    if connection.vendor != "sqlite":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        yield f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    memory, name = connection.connection, s["NAME"]
    connection.connection = None  # keep the in-memory database open for afterwards
    s["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        s["NAME"] = name
        connection.connection = memory


@pytest.fixture
def start_worker(shared_database, tmp_path):
    """Start ``manage.py worker`` processes on the shared database; all are stopped at the
    end."""
    started = []

    def start(stale_seconds: float = 60):
        env = {
            **os.environ,
            "DATABASE_URL": shared_database,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "NEWSDESK_JOB_STALE_SECONDS": str(stale_seconds),
            "PYTHONUNBUFFERED": "1",
        }
        log = (tmp_path / f"worker{len(started)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.1", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition, timeout: float = 60, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def state(job: Job) -> tuple[str, int]:
    return tuple(Job.objects.filter(pk=job.pk).values_list("state", "done").get())


def no_partial_articles():
    """Every article has its one quote, with its fragment: none was stored half-way."""
    counts = Article.objects.annotate(n=Count("quotes"))
    assert not counts.exclude(n=1).exists()
    assert not Quote.objects.annotate(n=Count("fragments")).exclude(n=1).exists()


def test_worker_runs_a_job_queued_running_done(start_worker):
    user = User.objects.create(username="eddie", role=User.Role.EDITOR)
    job = jobs.start_import("docs.jsonl", jsonl(40), user=user)
    assert state(job)[0] == "queued"
    start_worker()
    seen = []

    def finished():
        current = state(job)[0]
        if not seen or seen[-1] != current:
            seen.append(current)
        return current in Job.FINISHED

    wait_for(finished, what="the job to finish")
    job.refresh_from_db()
    # 40 articles take the worker a fraction of a second, too short to be sure a poll
    # lands while it runs; the start it recorded when it set the job running shows it did.
    assert seen[0] in ("queued", "running") and seen[-1] == "done"
    assert job.done == job.total == 40 and len(job.report["imported"]) == 40
    assert job.started_at is not None and job.started_at <= job.finished_at and job.rate > 0
    assert Article.objects.count() == 40
    no_partial_articles()


def test_worker_killed_mid_job_leaves_no_half_article_and_a_rerun_completes(start_worker):
    from django_tasks_db.models import DBTaskResult

    count = 600  # bulk writes are fast: enough articles that the kill lands mid-way
    user = User.objects.create(username="eddie", role=User.Role.EDITOR)
    job = jobs.start_import("docs.jsonl", jsonl(count), user=user)
    first = start_worker()
    wait_for(lambda: state(job)[1] >= 5, what="the import to get going")
    first.send_signal(signal.SIGKILL)
    first.wait()
    kept = Article.objects.count()
    assert 0 < kept < count, "the job should have been killed mid-way"
    no_partial_articles()
    assert state(job)[0] == "running"  # nobody has noticed yet

    start_worker(stale_seconds=2)  # this worker finds the job without a heartbeat
    wait_for(lambda: state(job)[0] == "failed", what="the stale job to be marked failed")
    job.refresh_from_db()
    assert "worker stopped" in job.error
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"
    assert Article.objects.count() == kept  # what was imported is kept
    no_partial_articles()

    again = jobs.rerun(job, user=user)
    wait_for(lambda: state(again)[0] in Job.FINISHED, what="the rerun to finish")
    again.refresh_from_db()
    assert again.state == "done", again.error
    assert len(again.report["skipped"]) == kept
    assert len(again.report["imported"]) == count - kept
    assert Article.objects.count() == count
    no_partial_articles()


def test_worker_stopped_politely_ends_the_job_after_the_article_in_hand(start_worker):
    user = User.objects.create(username="eddie", role=User.Role.EDITOR)
    job = jobs.start_import("docs.jsonl", jsonl(600), user=user)
    worker = start_worker()
    wait_for(lambda: state(job)[1] >= 5, what="the import to get going")
    worker.send_signal(signal.SIGTERM)  # what Ctrl-C on `make run` or systemd's stop sends
    assert worker.wait(30) == 0
    job.refresh_from_db()
    assert job.state == "failed" and "worker was stopped" in job.error
    assert 0 < Article.objects.count() < 600
    no_partial_articles()
