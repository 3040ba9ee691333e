"""Quote filter benchmark (issue 14): every filter of ``/api/v1/quotes/``, alone and
combined, against the unfiltered page, as ratios measured side by side in one process.

Goal: a page of 100 through any filter within 2x the unfiltered page of 100, for the rarest
and the most common values and for values whose quotes are the oldest and the newest (the
generator's eras: a speaker, an outlet and a word found only in the oldest or only in the
newest hundredth of the articles; see ``bench/data.py``). A filter whose quotes sit at the
far end of the id order is the case where walking the table in page order and testing each
row costs the most.

Both sides are called the same way (a ``RequestFactory`` request through the DRF view,
rendered to bytes); each figure is the median of the calls after a warm-up, the two sides
taking turns. A call slower than a second is repeated only three times.

    python bench/filters.py                 # 100,000 articles, 1,000,000 quotes
    python bench/filters.py --small         # 2,000 articles, 20,000 quotes
    python bench/filters.py --only outlet   # the cases whose name contains "outlet"
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data as benchdata  # noqa: E402  (bench/ is a folder of scripts, not a package)

SMALL = (2_000, 20_000)
FULL = (100_000, 1_000_000)
PAGE = 100
GOAL = 2.0


def measure_pair(base, call, *, repeat: int) -> tuple[float, float]:
    """Median seconds of ``base`` and ``call``, taking turns after one warm-up each."""
    base(), call()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for n, fn in enumerate((base, call)):
            started = time.perf_counter()
            fn()
            times[n].append(time.perf_counter() - started)
        if times[1][0] > 1.0 and len(times[1]) >= 3:
            break
    return statistics.median(times[0]), statistics.median(times[1])


def values() -> dict[str, dict]:
    """The query of each case: name -> query parameters (the page size added later)."""
    from django.db import connection

    gen_words = benchdata.ERA_WORDS

    def one(sql: str, params=()) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    live = "deleted_at IS NULL AND annotator_id IS NULL"
    by_speaker = (
        f"SELECT speaker_id FROM annotations_quote WHERE {live} AND speaker_id IS NOT NULL "
        "GROUP BY speaker_id ORDER BY {order}, speaker_id LIMIT 1"
    )
    outlet_quotes = (
        "SELECT a.publisher_id AS outlet, q.id FROM annotations_quote q "
        "JOIN annotations_article a ON a.id = q.article_id "
        f"WHERE a.publisher_id IS NOT NULL AND q.{live.replace(' AND ', ' AND q.')} "
        "UNION SELECT h.outlet_id, h.quote_id FROM annotations_viahop h "
        "WHERE h.outlet_id IS NOT NULL"
    )
    by_outlet = (
        f"SELECT outlet FROM ({outlet_quotes}) o GROUP BY outlet ORDER BY {{order}}, outlet LIMIT 1"
    )
    cases: dict[str, dict] = {}
    for label, order in [
        ("most common", "count(*) DESC"),
        ("rarest", "count(*)"),
        ("oldest", "max(id)"),
        ("newest", "min(id) DESC"),
    ]:
        cases[f"speaker, {label}"] = {"speaker": one(by_speaker.format(order=order))}
    for label, order in [
        ("most common", "count(*) DESC"),
        ("rarest", "count(*)"),
        ("oldest", "max(id)"),
        ("newest", "min(id) DESC"),
    ]:
        cases[f"outlet, {label}"] = {"outlet": one(by_outlet.format(order=order))}
    first_article = one(f"SELECT min(article_id) FROM annotations_quote WHERE {live}")
    last_article = one(f"SELECT max(article_id) FROM annotations_quote WHERE {live}")
    cases["article, oldest"] = {"article": first_article}
    cases["article, newest"] = {"article": last_article}
    cases["kind, most common (direct)"] = {"kind": "direct"}
    cases["kind, rarest (indirect)"] = {"kind": "indirect"}
    cases["kind, mixed"] = {"kind": "mixed"}
    cases["status, most common (confirmed)"] = {"status": "confirmed"}
    cases["status, suggested"] = {"status": "suggested"}
    cases["status, rarest (rejected)"] = {"status": "rejected"}
    cases["published_after, wide (all but a month)"] = {"published_after": "2010-02-01T00:00:00Z"}
    cases["published_after, newest month"] = {"published_after": "2024-12-01T00:00:00Z"}
    cases["published_before, oldest month"] = {"published_before": "2010-02-01T00:00:00Z"}
    cases["published_before, wide (all but a month)"] = {"published_before": "2024-12-01T00:00:00Z"}
    cases["published, one day"] = {
        "published_after": "2017-06-01T00:00:00Z",
        "published_before": "2017-06-02T00:00:00Z",
    }
    cases["q, most common (government)"] = {"q": "government"}
    cases["q, rare (saxophone)"] = {"q": "saxophone"}
    cases["q, no match (xylophone)"] = {"q": "xylophone"}
    cases[f"q, oldest ({gen_words['oldest']})"] = {"q": gen_words["oldest"]}
    cases[f"q, newest ({gen_words['newest']})"] = {"q": gen_words["newest"]}
    cases['q, phrase ("government said")'] = {"q": '"government said"'}
    cases['q, rare phrase ("the saxophone")'] = {"q": '"saxophone the"'}
    cases["q, two words (army -police)"] = {"q": "army -police"}
    common_speaker = cases["speaker, most common"]["speaker"]
    newest_speaker = cases["speaker, newest"]["speaker"]
    common_outlet = cases["outlet, most common"]["outlet"]
    newest_outlet = cases["outlet, newest"]["outlet"]
    cases["speaker + status suggested"] = {"speaker": common_speaker, "status": "suggested"}
    cases["speaker + outlet (common both)"] = {"speaker": common_speaker, "outlet": common_outlet}
    cases["speaker + outlet newest"] = {"speaker": common_speaker, "outlet": newest_outlet}
    cases["outlet + published_before oldest month"] = {
        "outlet": common_outlet,
        "published_before": "2010-02-01T00:00:00Z",
    }
    cases["outlet newest + q government"] = {"outlet": newest_outlet, "q": "government"}
    cases["speaker newest + q government"] = {"speaker": newest_speaker, "q": "government"}
    cases["q government + published_after newest month"] = {
        "q": "government",
        "published_after": "2024-12-01T00:00:00Z",
    }
    cases["q saxophone + status confirmed"] = {"q": "saxophone", "status": "confirmed"}
    cases["outlet + kind + status"] = {
        "outlet": common_outlet,
        "kind": "direct",
        "status": "confirmed",
    }
    cases["article newest + speaker"] = {"article": last_article, "speaker": common_speaker}
    return cases


def run(args) -> tuple[list[tuple[str, float, float, int]], tuple[int, int]]:
    n_articles, n_quotes = SMALL if args.small else (args.articles, args.quotes)
    benchdata.ready(n_articles, n_quotes, fresh=args.fresh)
    drf = benchdata.quote_list()

    unfiltered = {"page_size": PAGE}
    rows = []
    for name, query in values().items():
        if args.only and not any(word in name for word in args.only):
            continue
        query = {**query, "page_size": PAGE}
        shown = len(json.loads(drf(query))["results"])
        base, filtered = measure_pair(
            lambda: drf(unfiltered), lambda q=query: drf(q), repeat=args.repeat
        )
        rows.append((name, base, filtered, shown))
        print(line(name, base, filtered, shown, query), flush=True)
    return rows, (n_articles, n_quotes)


def line(name: str, base: float, filtered: float, shown: int, query: dict) -> str:
    ratio = filtered / base
    mark = "ok " if ratio <= GOAL else "SLOW"
    params = ", ".join(f"{k}={v}" for k, v in query.items() if k != "page_size")
    return (
        f"  {mark} {ratio:6.2f}x  {filtered * 1000:9.1f} ms vs {base * 1000:6.1f} ms  "
        f"{shown:3d} rows  {name}  [{params}]"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/filters.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="2,000 articles, 20,000 quotes")
    parser.add_argument("--articles", type=int, default=FULL[0])
    parser.add_argument("--quotes", type=int, default=FULL[1])
    parser.add_argument("--repeat", type=int, default=9, help="timed calls per figure")
    parser.add_argument("--only", action="append", help="only cases whose name contains this")
    parser.add_argument("--fresh", action="store_true", help="regenerate the data")
    parser.add_argument(
        "--database-url",
        help=f"default: $BENCH_DATABASE_URL if set, else {benchdata.DEFAULT_DATABASE_URL}",
    )
    args = parser.parse_args(argv)
    if args.small and not args.database_url:
        args.database_url = benchdata.DEFAULT_DATABASE_URL + "_small"
    benchdata.setup_django(args.database_url)
    import os

    print(
        f"Quote filters, a page of {PAGE}, against the unfiltered page (goal <= {GOAL}x); "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    rows, (n_articles, n_quotes) = run(args)
    worst = max(rows, key=lambda r: r[2] / r[1]) if rows else None
    slow = sum(1 for _, base, filtered, _ in rows if filtered / base > GOAL)
    print(
        f"{len(rows)} cases on {n_articles:,} articles and {n_quotes:,} quotes: {slow} over "
        f"{GOAL}x"
        + (f"; worst {worst[2] / worst[1]:.2f}x ({worst[0]})" if worst else "")
        + f"; load average {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
