"""Background jobs: how long the upload request of a large JSON Lines file takes (it only
checks and queues the file), and the job's throughput in articles a second.

    python bench/jobs.py [--small] [--articles N]

Uses a fresh SQLite file in a temporary folder unless DATABASE_URL names a database (which
it fills: give it a scratch one).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def document(n: int) -> str:
    body = (
        f"Story {n}. \u201cEvery bolt and every cable was checked,\u201d Ana Silva said on "
        f"Friday about bridge number {n}. The opposition said the reports were hidden. "
    ) * 4
    return json.dumps(
        {
            "format": "newsdesk-article/1",
            "article": {"title": f"Bench story {n}", "body": body, "publisher": "Bench Daily"},
            "quotes": [
                {"kind": "direct", "fragments": [[10, 49]], "speaker": "Ana Silva", "cue": "said"}
            ],
        },
        ensure_ascii=False,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="200 articles")
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args(argv)
    count = 200 if args.small else args.articles
    folder = tempfile.mkdtemp(prefix="newsdesk-bench-jobs-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from annotations import jobs
    from annotations.models import Job, User

    setup_test_environment()
    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(username="bench-editor", role=User.Role.EDITOR)
    client = Client()
    client.force_login(user)
    data = "".join(document(n) + "\n" for n in range(count)).encode()
    timings = []
    for _ in range(5):
        upload = SimpleUploadedFile("bench.jsonl", data)
        started = time.perf_counter()
        response = client.post("/import/", {"file": upload})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
    print(
        f"upload of {count:,} articles ({len(data) / 2**20:.1f} MiB): request "
        f"{min(timings) * 1000:.0f} ms best, {sorted(timings)[2] * 1000:.0f} ms median of 5"
    )
    queued = list(Job.objects.filter(state=Job.State.QUEUED).order_by("pk"))
    first, rest = queued[0], queued[1:]
    for job in rest:
        job.cancel()
    started = time.perf_counter()
    jobs.run_queued()
    elapsed = time.perf_counter() - started
    first.refresh_from_db()
    print(
        f"import job: {first.done:,} articles in {elapsed:.1f} s, "
        f"{first.done / elapsed:.0f} articles/s ({len(first.report['imported'])} imported)"
    )
    again = jobs.start_import("bench.jsonl", data, user=user)
    started = time.perf_counter()
    jobs.run_queued()
    elapsed = time.perf_counter() - started
    again.refresh_from_db()
    print(
        f"the same file again: {again.done:,} skipped in {elapsed:.1f} s, "
        f"{again.done / elapsed:.0f} articles/s"
    )
    ids = list(first.report and [e["article"] for e in first.report["imported"]])
    suggest = jobs.start_suggest(ids, user=user)
    started = time.perf_counter()
    jobs.run_queued()
    elapsed = time.perf_counter() - started
    suggest.refresh_from_db()
    print(
        f"suggest job: {suggest.done:,} articles in {elapsed:.1f} s, "
        f"{suggest.done / elapsed:.0f} articles/s ({suggest.report.get('suggested', 0)} quotes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
