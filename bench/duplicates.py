"""The likely-duplicates page at 10,000 speakers: how long it answers, cold (the finder runs)
and warm (its pairs cached until a speaker, alias or "different" mark changes), and how many
SQL queries it issues.

    python bench/duplicates.py [--small] [--runs N] [--speakers N] [--database-url URL]

Makes the speakers the first time (made-up names from syllables, with a surname alias for
one in five and a planted variant for one in fifty: an initial, a title, a
transliteration), in a throwaway SQLite file or the database named by ``--database-url`` /
``DATABASE_URL``. The budget is one second a page, cold. Each cold page (the pairs cache
and the finder's word caches emptied) is taken in turn with a baseline, the time to read
the 10,000 names the finder starts from, so the figure reads as a ratio on a loaded
machine too: cpu/budget and cpu/load. ``--small`` makes 1,000 speakers.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

from pages import setup_django

BUDGET_S = 1.0
SYLLABLES = "ka lo mi ren tor vash el pan dru sel kov ber han zi mon ta ri gul fen os ya"
VARIANTS = [
    lambda first, last: f"{first[0]}. {last}",
    lambda first, last: f"Maj. Gen. {first} {last}",
    lambda first, last: f"{first} {last[:-2]}ow" if last.endswith("ov") else f"{first} {last}y",
    lambda first, last: f"Dr {first} {last}",
]


def made_up_people(count: int, seed: int = 11) -> list[tuple[str, str]]:
    rng = random.Random(seed)

    def word(parts: int) -> str:
        return "".join(rng.choice(SYLLABLES.split()) for _ in range(parts)).title()

    firsts = [word(2) for _ in range(600)]
    people, seen = [], set()
    while len(people) < count:
        first, last = rng.choice(firsts), word(3) + rng.choice(["ov", "ova", "enko", "in", ""])
        if (first, last) not in seen:
            seen.add((first, last))
            people.append((first, last))
    return people


def build(count: int, prefix: str) -> None:
    from annotations.models import Speaker, SpeakerAlias

    if Speaker.objects.filter(name__startswith=prefix).exists():
        return
    rng = random.Random(5)
    people = made_up_people(count)
    names = []
    for n, (first, last) in enumerate(people[: count - count // 50]):
        names.append(f"{first} {last}")
        if n % 50 == 0 and len(names) < count:
            names.append(rng.choice(VARIANTS)(first, last))
    rows = [Speaker(name=f"{name}", name_key="") for name in names[:count]]
    for row in rows:
        row.name_key = " ".join(row.name.casefold().split())
    Speaker.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    stored = Speaker.objects.order_by("pk").values_list("pk", "name")
    SpeakerAlias.objects.bulk_create(
        (SpeakerAlias(speaker_id=pk, name=name.split()[-1]) for pk, name in stored if pk % 5 == 0),
        batch_size=1000,
    )
    # one marker row, so that a second run finds the speakers made
    Speaker.objects.create(name=f"{prefix} made {count}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="1,000 speakers")
    parser.add_argument("--speakers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="cold and warm pages (medians)")
    parser.add_argument("--database-url", help="default: DATABASE_URL or a throwaway SQLite")
    args = parser.parse_args(argv)
    count = 1_000 if args.small else args.speakers
    url = setup_django(args.database_url)

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from annotations.models import Speaker, User

    prefix = "Bench duplicates"
    started = time.perf_counter()
    build(count, prefix)
    total = Speaker.objects.count()
    print(f"{total:,} speakers ready in {time.perf_counter() - started:.1f} s")

    user, _ = User.objects.get_or_create(username="bench-duplicates", role=User.Role.EDITOR)
    client = Client()
    client.force_login(user)
    page = reverse("annotations:speaker-duplicates")
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"

    from annotations import duplicates
    from annotations.views.entities import ENTITIES, finder_entries

    def cold_page() -> tuple[float, float, int, str]:
        """One page with nothing remembered: the pairs cache and the finder's word caches
        emptied first."""
        cache.clear()
        for helper in vars(duplicates).values():
            if hasattr(helper, "cache_clear"):
                helper.cache_clear()
        with CaptureQueriesContext(connection) as queries:
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(page)
            spent = time.perf_counter() - started, time.process_time() - cpu
        assert response.status_code == 200, response.status_code
        return *spent, len(queries), response.content.decode()

    def load_names() -> tuple[float, float]:
        """The baseline: only reading the finder's input, every speaker's name, kind,
        description and aliases (two queries), as the page does before it compares."""
        started, cpu = time.perf_counter(), time.process_time()
        finder_entries(ENTITIES["speaker"])
        return time.perf_counter() - started, time.process_time() - cpu

    # Cold pages and baselines taken in turn, so that both meet the same load.
    colds, loads = [], []
    for _ in range(args.runs):
        colds.append(cold_page())
        loads.append(load_names())
    cold, cold_cpu = (statistics.median(run[i] for run in colds) for i in (0, 1))
    load, load_cpu = (statistics.median(run[i] for run in loads) for i in (0, 1))
    cold_queries, html = colds[-1][2], colds[-1][3]
    pairs = html.count('id="pair-')
    warm_runs, warm_cpus = [], []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as warm_queries:
            started, cpu = time.perf_counter(), time.process_time()
            client.get(page)
            warm_runs.append(time.perf_counter() - started)
            warm_cpus.append(time.process_time() - cpu)
    warm, warm_cpu = statistics.median(warm_runs), statistics.median(warm_cpus)

    entries = finder_entries(ENTITIES["speaker"])
    started, cpu = time.perf_counter(), time.process_time()
    found = duplicates.find_pairs(entries)
    finder, finder_cpu = time.perf_counter() - started, time.process_time() - cpu

    print(f"duplicates page, {engine}, {total:,} speakers, {len(found):,} pairs found")
    print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; medians of {args.runs}")
    print("  (wall time, and the CPU time this process spent: on a shared machine the second")
    print("   says what the page costs, the first how long it waited for a core too)")
    print(f"  {'':26} {'wall s':>7} {'cpu s':>7} {'queries':>8} {'cpu/budget':>11} {'cpu/load':>9}")
    for label, wall, spent, queries in (
        ("baseline: load the names", load, load_cpu, 2),
        ("finder alone (warm words)", finder, finder_cpu, 0),
        ("page, cold", cold, cold_cpu, cold_queries),
        ("page, warm", warm, warm_cpu, len(warm_queries)),
    ):
        print(
            f"  {label:26} {wall:7.3f} {spent:7.3f} {queries:8} {spent / BUDGET_S:11.2f}"
            f" {spent / load_cpu:9.1f}"
        )
    print(f"  goal: a cold page under {BUDGET_S:.0f} s; pairs on the first page: {pairs}")
    return 0 if cold_cpu < BUDGET_S and warm_cpu < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
