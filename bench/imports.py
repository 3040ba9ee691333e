"""Import throughput: a JSON Lines file of article documents, 10 quotes each, imported by the
import job on one worker (in this process, through ``jobs.execute``), beside the same rows
written with ``COPY`` by hand, and the job's memory after 1,000 and 10,000 articles.

    python bench/imports.py [--small] [--articles N] [--database-url URL] [--trace]

The documents are made from ``bench/data.py``'s generator (speakers and outlets shared with
a skew, a third of the quotes relayed, one or two fragments each), each listing the speakers
(with an alias) and outlets it names, as the export writes them. Steps, on one database
(``--database-url``, else ``$BENCH_DATABASE_URL``, else ``newsdesk_bench_imports`` on the
local PostgreSQL; its tables are emptied):

1. *job*: the file is stored as an upload and an import job runs over it from empty
   tables: articles a second, and the peak RSS growth (``getrusage``) after 1,000 articles
   and at the end (``--trace``: tracemalloc's peak too, slower); the goal is no growth.
   Beside the wall time, the CPU time the job took in this process and in its database
   server process (read from ``/proc`` when the server runs on this machine): on a busy
   machine the wall time says more about the other processes than about the import, and
   the rate the CPU time allows (articles per CPU second, worker and server together, as
   one worker runs them one after the other) is the figure to compare;
2. *queries*: SQL statements per article, counted over 50 more articles;
3. *baseline*: the same articles, quotes, fragments, via hops, speakers and outlets written
   with ``COPY`` by ``bench/data.py`` (no JSON to read, no checks, no history rows): the
   floor an import cannot beat. And JSON parsing of the file alone.

``--small``: 500 articles (checkpoint at 100), in well under a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data as benchdata  # noqa: E402  (bench/ is a folder of scripts, not a package)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsdesk_bench_imports"
QUOTES_PER_ARTICLE = 10
HISTORY_TABLES = [
    "annotations_historicalarticle",
    "annotations_historicalquote",
    "annotations_historicalspeaker",
    "annotations_historicaloutlet",
]


def write_documents(path: Path, n_articles: int, *, seed: int = 1, url_suffix: str = "") -> int:
    """Write ``n_articles`` documents to ``path``, one a line (streamed); returns bytes."""
    gen = benchdata.Generator(n_articles, QUOTES_PER_ARTICLE * n_articles, seed=seed)
    speakers = gen.speaker_names
    outlets = gen.outlet_names
    kinds = {row[0]: row[6] for row in gen.outlets()}
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for article, quotes, fragments, hops in gen.articles_and_quotes():
            spans: dict[int, list[list[int]]] = {}
            for _, quote_id, start, end, _text in fragments:
                spans.setdefault(quote_id, []).append([start, end])
            via: dict[int, list[dict]] = {}
            used_speakers, used_outlets = set(), {article[7]}
            for _, quote_id, _position, outlet, speaker in hops:
                if outlet:
                    used_outlets.add(outlet)
                    via.setdefault(quote_id, []).append(
                        {"type": "outlet", "name": outlets[outlet - 1]}
                    )
                else:
                    used_speakers.add(speaker)
                    via.setdefault(quote_id, []).append(
                        {"type": "speaker", "name": speakers[speaker - 1]}
                    )
            docs_quotes = []
            for q in quotes:
                speaker = q[8]
                if speaker:
                    used_speakers.add(speaker)
                docs_quotes.append(
                    {
                        "kind": q[6],
                        "status": q[7],
                        "fragments": spans[q[0]],
                        "text": q[17],
                        "speaker": speakers[speaker - 1] if speaker else None,
                        "speaker_mention": [q[9], q[10]],
                        "cue": q[11],
                        "cue_span": [q[12], q[13]],
                        "via": via.get(q[0], []),
                    }
                )
            doc = {
                "format": "newsdesk-article/1",
                "article": {
                    "title": article[5],
                    "body": article[6],
                    "publisher": outlets[article[7] - 1],
                    "url": article[8] + url_suffix,
                    "published_at": article[10].isoformat(),
                    "language": article[11],
                    "status": article[12],
                },
                "outlets": [
                    {
                        "name": outlets[o - 1],
                        "kind": kinds[o],
                        "home_page": f"https://outlet{o}.example/",
                    }
                    for o in sorted(used_outlets)
                ],
                "speakers": [
                    {
                        "name": speakers[s - 1],
                        "role": "spokesman",
                        "aliases": [speakers[s - 1].split()[1]],
                    }
                    for s in sorted(used_speakers)
                ],
                "quotes": docs_quotes,
            }
            line = json.dumps(doc, ensure_ascii=False) + "\n"
            size += len(line.encode())
            out.write(line)
    return size


def empty() -> None:
    from django.db import connection

    benchdata.empty()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(HISTORY_TABLES)}, annotations_job CASCADE")
        else:
            for table in [*HISTORY_TABLES, "annotations_job"]:
                cursor.execute(f"DELETE FROM {table}")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def server_cpu_seconds() -> tuple[int, float] | None:
    """The process id and CPU time of this connection's database server process, when it
    runs here (None on SQLite, or when its ``/proc`` entry cannot be read)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_job(path: Path, total: int, checkpoint: int, user, *, trace: bool) -> dict:
    """Import ``path`` with an import job run here; times it and notes memory after
    ``checkpoint`` articles and at the end."""
    from django.conf import settings

    from annotations import jobs
    from annotations.models import Job

    upload = Path(settings.MEDIA_ROOT) / "uploads" / f"bench-{time.time_ns()}.jsonl"
    upload.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, upload)
    params = {"name": path.name, "publisher": None, "suggest": False}
    params["upload"] = str(upload.relative_to(settings.MEDIA_ROOT))
    job = jobs.start(Job.Kind.IMPORT, f"Import of {path.name}", user=user, params=params,
                     total=total)  # fmt: skip
    result: dict = {}

    def on_step(job: Job) -> None:
        if job.done == checkpoint:
            result["rss_checkpoint"] = rss_peak() - base
            if trace:
                result["traced_checkpoint"] = tracemalloc.get_traced_memory()[1]

    assert job.claim()
    base = rss_peak()
    if trace:
        tracemalloc.start()
    server = server_cpu_seconds()
    cpu = cpu_seconds()
    started = time.perf_counter()
    jobs.execute(job, on_step=on_step)
    result["seconds"] = time.perf_counter() - started
    result["cpu"] = cpu_seconds() - cpu
    after = server_cpu_seconds()  # on the connection the job started with, if it kept it
    same = server is not None and after is not None and server[0] == after[0]
    result["server_cpu"] = after[1] - server[1] if same else None
    if trace:
        result["traced_end"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    result["rss_end"] = rss_peak() - base
    job.refresh_from_db()
    assert job.state == Job.State.DONE, (job.state, job.error)
    result["imported"] = len(job.report["imported"]) + job.report["more"].get("imported", 0)
    result["refused"] = job.report["refused"][:3]
    return result


def count_queries(folder: Path, user, n: int = 50) -> float:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = folder / "more.jsonl"
    write_documents(path, n, seed=2, url_suffix="-more")
    with CaptureQueriesContext(connection) as queries:
        job = run_job(path, n, n, user, trace=False)
    assert job["imported"] == n, job["refused"]  # refusals would cost other queries
    # with the job's own few statements (start, claim, heartbeats, finish)
    return len(queries) / n


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="500 articles")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--trace", action="store_true", help="tracemalloc too (slower)")
    parser.add_argument("--database-url", help=f"default: {DEFAULT_DATABASE_URL}")
    args = parser.parse_args(argv)
    count = 500 if args.small else args.articles
    checkpoint = 100 if args.small else min(1000, count)
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-bench-imports-"))
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    url = args.database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    try:
        benchdata.setup_django(url)
        from django.db import connection

        from annotations.models import User

        path = folder / "bench.jsonl"
        size = write_documents(path, count)
        empty()
        user, _ = User.objects.get_or_create(username="bench-editor", role=User.Role.EDITOR)
        print(
            f"import of {count:,} articles ({QUOTES_PER_ARTICLE} quotes each, {mib(size)}) "
            f"on {connection.vendor}; load average {load()}",
            flush=True,
        )

        job = run_job(path, count, checkpoint, user, trace=args.trace)
        rate = count / job["seconds"]
        print(
            f"  job, one worker:        {job['seconds']:6.1f} s  {rate:6.0f} articles/s  "
            f"({job['imported']:,} imported; load {load()})",
            flush=True,
        )
        cpu = f"  CPU time:               {job['cpu']:6.1f} s in the worker"
        if job["server_cpu"] is not None:
            both = job["cpu"] + job["server_cpu"]
            cpu += (
                f", {job['server_cpu']:.1f} s in its database server process: "
                f"{count / both:.0f} articles per CPU second"
            )
        print(cpu, flush=True)
        if job["refused"]:
            print(f"  refused: {job['refused']}")
        memory = (
            f"  memory (peak RSS growth): {mib(job.get('rss_checkpoint', 0))} after "
            f"{checkpoint:,} articles, {mib(job['rss_end'])} after {count:,}"
        )
        if args.trace:
            memory += (
                f"; tracemalloc peak {mib(job.get('traced_checkpoint', 0))} after "
                f"{checkpoint:,}, {mib(job['traced_end'])} after {count:,}"
            )
        print(memory, flush=True)
        print(f"  queries per article:    {count_queries(folder, user):.1f}", flush=True)

        started = time.perf_counter()
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                json.loads(line)
        parse = time.perf_counter() - started

        empty()
        started = time.perf_counter()
        benchdata.fill(count, QUOTES_PER_ARTICLE * count, verbose=False)
        copy = time.perf_counter() - started
        print(
            f"  baseline COPY by hand:  {copy:6.1f} s  {count / copy:6.0f} articles/s  "
            f"(no history rows, no checks; the job takes {job['seconds'] / copy:.1f}x)",
            flush=True,
        )
        print(
            f"  JSON parsing alone:     {parse:6.1f} s  {count / parse:6.0f} articles/s  "
            f"(load {load()})",
            flush=True,
        )
        empty()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
