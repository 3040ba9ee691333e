"""CSV export: memory at 100k and 1M rows, and time against ``psql \\copy`` of the same query.

    python bench/export.py [--small] [--articles N] [--quotes N] [--database-url URL] [--fresh]

Uses the data of ``bench/data.py`` (shared with ``bench/api.py``): 100,000 articles and
1,000,000 quotes in the ``newsdesk_bench`` PostgreSQL database (``--small``: 2,000 and
20,000 in ``newsdesk_bench_small``), generated when missing and kept for the next run.
Then:

1. *time*: ``exporting.quotes_csv_response(Quote.objects.all(), ...)`` consumed in-process
   (the bytes are counted and dropped), against ``psql -c "\\copy (<the same SQL>) TO
   '/dev/null' CSV"``, best of three each;
2. *memory*: the same export under ``tracemalloc``: peak Python allocations after 100k rows
   and at the end (the goal is no growth), and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import data as benchdata  # noqa: E402  (bench/ is a folder of scripts, not a package)

SMALL = (2_000, 20_000)  # the sizes bench/api.py uses, so that both share the data
FULL = (100_000, 1_000_000)


def export_bytes(checkpoint: int | None = None, traced: bool = False) -> dict:
    """Consume the CSV export in-process; returns rows, bytes, seconds and (when traced)
    the peak of traced memory after ``checkpoint`` rows and at the end."""
    from annotations.exporting import quotes_csv_response
    from annotations.models import Quote

    result = {"rows": -1, "bytes": 0}
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    response = quotes_csv_response(Quote.objects.all(), "bench.csv")
    for chunk in response.streaming_content:
        result["bytes"] += len(chunk)
        result["rows"] += chunk.count(b"\r\n")
        waiting = traced and checkpoint and "peak_at_checkpoint" not in result
        if waiting and result["rows"] >= checkpoint:
            result["peak_at_checkpoint"] = tracemalloc.get_traced_memory()[1]
            result["rss_at_checkpoint"] = peak_rss()
    response.close()
    result["seconds"] = time.perf_counter() - started
    if traced:
        result["peak_at_end"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    result["rss_at_end"] = peak_rss()
    return result


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def copy_sql() -> str:
    """The export's SQL with its parameters inlined, for psql."""
    from django.db import connection

    from annotations.exporting import csv_queryset
    from annotations.models import Quote

    sql, params = csv_queryset(Quote.objects.all()).query.sql_with_params()
    with connection.cursor() as cur:
        return cur.cursor.mogrify(sql, params)


def psql_copy_seconds(url: str, sql: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["psql", url, "-X", "-q", "-c", f"\\copy ({sql}) TO '/dev/null' CSV HEADER"],
        check=True,
    )
    return time.perf_counter() - started


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="2,000 articles, 20,000 quotes")
    parser.add_argument("--articles", type=int, default=FULL[0])
    parser.add_argument("--quotes", type=int, default=FULL[1])
    parser.add_argument(
        "--database-url",
        help=f"default: $BENCH_DATABASE_URL if set, else {benchdata.DEFAULT_DATABASE_URL}",
    )
    parser.add_argument("--fresh", action="store_true", help="regenerate the data")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (best kept)")
    args = parser.parse_args(argv)
    n_articles, n_quotes = SMALL if args.small else (args.articles, args.quotes)
    if args.small and not args.database_url:
        # its own database, so that a quick run does not replace the full-size data
        args.database_url = benchdata.DEFAULT_DATABASE_URL + "_small"
    benchdata.setup_django(args.database_url)
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("The export benchmark compares with psql: it needs PostgreSQL.")
    if args.fresh or not benchdata.is_filled(n_articles, n_quotes):
        print(f"generating {n_articles:,} articles and {n_quotes:,} quotes…", flush=True)
        benchdata.empty()
        benchdata.fill(n_articles, n_quotes)
    else:
        print(f"reusing {n_quotes:,} quotes in {n_articles:,} articles", flush=True)
    quotes = n_quotes
    checkpoint = min(100_000, quotes)
    url = connection.settings_dict
    psql_url = (
        f"postgresql://{url['USER']}@{url['HOST'] or 'localhost'}:{url['PORT'] or 5432}/"
        f"{url['NAME']}"
    )

    sql = copy_sql()
    ours, theirs = [], []
    for _ in range(args.repeat):  # interleaved, so that a busy machine hurts both alike
        ours.append(export_bytes())
        theirs.append(psql_copy_seconds(psql_url, sql))
    best = min(ours, key=lambda r: r["seconds"])
    assert best["rows"] == quotes, best
    ratio = best["seconds"] / min(theirs)
    print(
        f"time: export {best['seconds']:.2f}s for {best['rows']:,} rows "
        f"({mib(best['bytes'])}), psql \\copy {min(theirs):.2f}s: ratio {ratio:.2f}x "
        f"(goal 1.2x or less)"
    )
    print(
        "  runs: export "
        + ", ".join(f"{r['seconds']:.2f}" for r in ours)
        + "; psql "
        + ", ".join(f"{s:.2f}" for s in theirs)
    )
    traced = export_bytes(checkpoint=checkpoint, traced=True)
    growth = traced["peak_at_end"] - traced["peak_at_checkpoint"]
    print(
        f"memory (tracemalloc peak): {mib(traced['peak_at_checkpoint'])} at "
        f"{checkpoint:,} rows, {mib(traced['peak_at_end'])} at {traced['rows']:,} rows "
        f"(growth {mib(growth)}); process peak RSS {mib(traced['rss_at_checkpoint'])} at "
        f"{checkpoint:,} rows, {mib(traced['rss_at_end'])} at the end"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
