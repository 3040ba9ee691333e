"""The quote filters at scale (issue 14): on PostgreSQL each filter's query reads an index
range in page order or a small index result, never the whole quote table (checked on the
plan of a representative fill, analysed); and on every database the filters return exactly
what their plain definitions return, in the same order, also after every kind of write
that the PostgreSQL triggers of migration 0013 follow."""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from annotations.api.filters import QuoteFilter
from annotations.api.views import quote_queryset
from annotations.models import Quote, ViaHop
from annotations.models.quote_filters import forget_quote_counts

POSTGRES = connection.vendor == "postgresql"
PAGE = 100
# Each test runs in a transaction rolled back after it; the module's fill (committed before
# them, by ``filled``) stays for all of them. The mark also has the test database set up.
pytestmark = pytest.mark.django_db


def _bench_data():
    path = settings.BASE_DIR / "bench" / "data.py"
    spec = importlib.util.spec_from_file_location("bench_data_paths", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_data = _bench_data()


def reference(query: dict) -> list[int]:
    """The ids each filter stands for, by its plain definition (joins and ``EXISTS``, the
    text vector computed from the text), in page order."""
    quotes = quote_queryset()
    if "outlet" in query:
        hops = ViaHop.objects.filter(quote=OuterRef("pk"), outlet=query["outlet"])
        quotes = quotes.filter(Q(article__publisher=query["outlet"]) | Exists(hops))
    if "speaker" in query:
        quotes = quotes.filter(speaker=query["speaker"])
    if "article" in query:
        quotes = quotes.filter(article=query["article"])
    for name in ("kind", "status"):
        if name in query:
            quotes = quotes.filter(**{name: query[name]})
    if "published_after" in query:
        quotes = quotes.filter(article__published_at__gte=query["published_after"])
    if "published_before" in query:
        quotes = quotes.filter(article__published_at__lt=query["published_before"])
    if "q" in query:
        if POSTGRES:
            from django.contrib.postgres.search import SearchQuery, SearchVector

            quotes = quotes.annotate(_v=SearchVector("text", config="english")).filter(
                _v=SearchQuery(query["q"], config="english", search_type="websearch")
            )
        else:
            quotes = quotes.filter(text__icontains=query["q"])
    return list(quotes.order_by("id").values_list("id", flat=True))


def filtered(query: dict) -> list[int]:
    params = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in query.items()}
    filterset = QuoteFilter(params, queryset=quote_queryset())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.order_by("id").values_list("id", flat=True))


def when(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def cases(gen) -> dict[str, dict]:
    """Rarest, most common, oldest and newest values of every filter, alone and combined,
    for the generator's data (``gen``: a ``bench/data.py`` Generator)."""
    common_outlet, common_speaker = 1, 1
    old_outlet, new_outlet = gen.era_outlet["oldest"], gen.era_outlet["newest"]
    old_speaker, new_speaker = gen.era_speaker["oldest"], gen.era_speaker["newest"]
    # The zipf draw makes the highest ids (before the eras') the rarest.
    rare_outlet, rare_speaker = gen.n_outlets - 2, gen.n_speakers - 2
    return {
        "speaker common": {"speaker": common_speaker},
        "speaker rare": {"speaker": rare_speaker},
        "speaker oldest": {"speaker": old_speaker},
        "speaker newest": {"speaker": new_speaker},
        "outlet common": {"outlet": common_outlet},
        "outlet rare": {"outlet": rare_outlet},
        "outlet oldest": {"outlet": old_outlet},
        "outlet newest": {"outlet": new_outlet},
        "article first": {"article": 1},
        "article last": {"article": gen.n_articles},
        "kind direct": {"kind": "direct"},
        "kind indirect": {"kind": "indirect"},
        "status confirmed": {"status": "confirmed"},
        "status suggested": {"status": "suggested"},
        "status rejected": {"status": "rejected"},
        "published wide": {"published_after": when(2010, 2)},
        "published oldest month": {"published_before": when(2010, 2)},
        "published newest month": {"published_after": when(2024, 12)},
        "published one week": {"published_after": when(2017, 6), "published_before": when(2017, 6, 8)},
        "q common": {"q": "government"},
        "q rare": {"q": "saxophone"},
        "q none": {"q": "xylophone"},
        "q oldest": {"q": bench_data.ERA_WORDS["oldest"]},
        "q newest": {"q": bench_data.ERA_WORDS["newest"]},
        "q phrase": {"q": '"government said"'},
        "q exclusion": {"q": "army -police"},
        "speaker + status": {"speaker": common_speaker, "status": "suggested"},
        "speaker + outlet": {"speaker": common_speaker, "outlet": common_outlet},
        "speaker + outlet newest": {"speaker": common_speaker, "outlet": new_outlet},
        "outlet + published": {"outlet": common_outlet, "published_before": when(2010, 2)},
        "outlet newest + q": {"outlet": new_outlet, "q": "government"},
        "speaker newest + q": {"speaker": new_speaker, "q": "government"},
        "q + published newest": {"q": "government", "published_after": when(2024, 12)},
        "q rare + status": {"q": "saxophone", "status": "confirmed"},
        "outlet + kind + status": {"outlet": common_outlet, "kind": "direct", "status": "confirmed"},
        "article + speaker": {"article": gen.n_articles, "speaker": common_speaker},
    }  # fmt: skip


# The cases whose values match few quotes, or whose quotes sit at one end of the id order:
# their plans must not walk the quote table.
SELECTIVE = {
    "speaker rare", "speaker oldest", "speaker newest", "outlet rare", "outlet oldest",
    "outlet newest", "article first", "article last", "kind indirect", "status rejected",
    "published oldest month", "published newest month", "published one week", "q rare",
    "q none", "q oldest", "q newest", "speaker + outlet newest", "outlet + published",
    "outlet newest + q", "speaker newest + q", "q + published newest", "q rare + status",
    "article + speaker",
}  # fmt: skip

# Enough for the planner to see rare and common values on PostgreSQL; SQLite only compares
# results, on less.
ARTICLES, QUOTES = (6_000, 24_000) if POSTGRES else (1_000, 5_000)


@pytest.fixture(scope="module")
def filled(django_db_setup, django_db_blocker):
    """A representative fill (bench/data.py's generator), analysed; emptied afterwards."""
    with django_db_blocker.unblock():
        bench_data.empty()
        bench_data.fill(ARTICLES, QUOTES, seed=5, verbose=False)
        if POSTGRES:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            forget_quote_counts()  # the filters read the new count of quotes at once
        yield bench_data.Generator(ARTICLES, QUOTES, seed=5)
        bench_data.empty()


def test_the_fill_has_rare_common_oldest_and_newest_values(filled, django_db_blocker):
    with django_db_blocker.unblock():
        era = filled.era_outlet
        old = Quote.objects.through_outlet(era["oldest"]).order_by("-id").first()
        new = Quote.objects.through_outlet(era["newest"]).order_by("id").first()
        assert old.pk < QUOTES // 50 and new.pk > QUOTES - QUOTES // 50
        assert Quote.objects.through_outlet(1).count() > 10 * PAGE


@pytest.mark.parametrize("name", list(cases(bench_data.Generator(ARTICLES, QUOTES, seed=5))))
def test_every_filter_returns_what_its_definition_does(filled, django_db_blocker, name):
    with django_db_blocker.unblock():
        query = cases(filled)[name]
        assert filtered(query) == reference(query)


def _scans(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _scans(child)


@pytest.mark.skipif(
    not POSTGRES,
    reason="query plans are PostgreSQL's (SQLite has no planner "
    "statistics to check, and its filters keep their plain definitions)",
)
@pytest.mark.parametrize("name", list(cases(bench_data.Generator(ARTICLES, QUOTES, seed=5))))
def test_no_plan_reads_the_whole_quote_table(filled, django_db_blocker, name):
    with django_db_blocker.unblock():
        query = cases(filled)[name]
        params = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in query.items()}
        queryset = QuoteFilter(params, queryset=quote_queryset()).qs.order_by("id")[: PAGE + 1]
        if queryset.query.is_empty():
            assert name in SELECTIVE  # nothing matched, so the page needs no query at all
            return
        plan = json.loads(queryset.explain(format="json"))[0]["Plan"]
    quote_scans = [
        node for node in _scans(plan) if node.get("Relation Name") == "annotations_quote"
    ]
    shown = json.dumps(plan, indent=1)[:4000]
    assert not [n for n in quote_scans if n["Node Type"] == "Seq Scan"], shown
    if name in SELECTIVE:
        walks = [
            n for n in quote_scans
            if n["Node Type"] in ("Index Scan", "Index Only Scan") and "Index Cond" not in n
        ]  # fmt: skip
        assert not walks, f"{name}: walks a quote index whole\n{shown}"
