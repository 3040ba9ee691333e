"""Fill a Newsdesk database with synthetic articles and quotes, fast.

Every article body is built from statements: ``"<sentence>," <name> said.`` (one fragment)
or ``"<s1>," <name> said. "<s2>."`` (two fragments), so that fragments, speaker mentions
and cue spans are real offsets into the body, exactly as the app stores them. Speakers and
outlets are shared with a skew (a few are quoted a lot), about a third of the quotes came
through an outlet or a relaying speaker, and the words follow a rough Zipf law so that
text search has common and rare terms. One speaker, one outlet and one word are found only
in the oldest hundredth of the articles and another three only in the newest (``ERAS``).

On PostgreSQL rows go in with ``COPY`` through psycopg 3, one connection per table (about
three minutes for 100,000 articles and 1,000,000 quotes on two busy cores, the text search
index built at the end); elsewhere (SQLite, small sizes) with ``executemany``.
Tables must be empty; ids are given explicitly and sequences are moved past them.

    python bench/data.py --articles 1000 --quotes 10000   # into newsdesk_bench, emptied first
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_WORDS = (
    "the government said army forces city attack talks ministry president strike region "
    "border officials report security military peace water oil price market bank economy "
    "election vote party leader police court law prison protest rights health hospital "
    "virus vaccine school children family village refugees aid food winter energy gas "
    "pipeline sanctions trade export import tax budget deficit growth inflation crisis "
    "minister spokesman agency statement claim evidence investigation inquiry witness "
    "journalist newspaper television radio website internet hackers cyber airport flight "
    "train road bridge port ship navy missile drone aircraft bomb ceasefire agreement "
    "treaty summit meeting negotiations delegation embassy ambassador visa citizens "
    "migrants workers union strike salary pension reform constitution parliament senate "
    "governor mayor council regional federal national international global local "
    "historic unprecedented serious critical urgent immediate temporary permanent "
    "destroyed killed wounded arrested released accused denied confirmed warned promised"
)
WORDS = _WORDS.split()
RARE_WORDS = ["konashenkov", "zeppelin", "quasar", "marmalade", "saxophone"]
# Words, speakers and outlets of one era: found only in the oldest or only in the newest
# hundredth of the articles (as a new name or term enters the news), so that a filter's
# speed can be measured for values whose quotes all sit at one end of the id order.
ERAS = ("oldest", "newest")
ERA_WORDS = {"oldest": "telegraph", "newest": "blockchain"}
FIRST = "Igor Maria Steven Anna Dmitry Olga John Sarah Ahmed Leila Pierre Yuki Chen Ivan Sofia"
LAST = (
    "Konashenkov Zakharova Warren Petrova Peskov Ivanova Smith Jones Hassan Haddad Dubois "
    "Tanaka Wei Popov Rossi Novak Schmidt Garcia Kowalski Jensen"
)
_OUTLET_WORDS = "Daily Morning Evening Global National Free Public Independent New Star"
OUTLET_WORDS = _OUTLET_WORDS.split()
OUTLET_KINDS = ["newspaper", "news_agency", "broadcaster", "online", "other"]
BASE_TIME = datetime(2010, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 15 * 365 * 24 * 3600


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


class Generator:
    """Deterministic rows for ``n_articles`` articles holding ``n_quotes`` quotes."""

    def __init__(self, n_articles: int, n_quotes: int, *, seed: int = 1) -> None:
        self.n_articles = n_articles
        self.n_quotes = n_quotes
        self.rng = random.Random(seed)
        self.n_speakers = max(10, n_quotes // 200)
        self.n_outlets = max(5, min(500, n_articles // 200))
        self.word_weights = zipf_weights(len(WORDS), 0.8)
        self.cum_words = self._cumulative(self.word_weights)
        # The last two speakers and outlets belong to the eras (oldest, newest) and are not
        # drawn elsewhere.
        self.cum_speakers = self._cumulative(zipf_weights(self.n_speakers - 2, 0.7))
        self.cum_outlets = self._cumulative(zipf_weights(self.n_outlets - 2, 0.9))
        self.era_speaker = {era: self.n_speakers - 1 + n for n, era in enumerate(ERAS)}
        self.era_outlet = {era: self.n_outlets - 1 + n for n, era in enumerate(ERAS)}
        first, last = FIRST.split(), LAST.split()
        self.speaker_names = [
            f"{first[i % len(first)]} {last[(i // len(first)) % len(last)]} {i + 1}"
            for i in range(self.n_speakers)
        ]
        self.outlet_names = [
            f"The {OUTLET_WORDS[i % len(OUTLET_WORDS)]} Outlet {i + 1}"
            for i in range(self.n_outlets)
        ]

    @staticmethod
    def _cumulative(weights: list[float]) -> list[float]:
        total, out = 0.0, []
        for w in weights:
            total += w
            out.append(total)
        return out

    def _pick(self, cum: list[float]) -> int:
        import bisect

        return bisect.bisect_left(cum, self.rng.random() * cum[-1])

    def sentence(self, era: str | None = None) -> str:
        n = self.rng.randint(7, 13)
        words = [WORDS[self._pick(self.cum_words)] for _ in range(n)]
        if self.rng.random() < 0.01:
            words[self.rng.randrange(n)] = self.rng.choice(RARE_WORDS)
        if era and self.rng.random() < 0.2:
            words[self.rng.randrange(n)] = ERA_WORDS[era]
        return " ".join(words).capitalize()

    def era(self, article: int) -> str | None:
        """``oldest`` for the first hundredth of the articles, ``newest`` for the last."""
        if article * 100 <= self.n_articles:
            return "oldest"
        if article * 100 > self.n_articles * 99:
            return "newest"
        return None

    def when(self) -> datetime:
        return BASE_TIME + timedelta(seconds=self.rng.randrange(SPAN_SECONDS))

    def outlets(self) -> Iterator[tuple]:
        for i, name in enumerate(self.outlet_names, start=1):
            t = self.when()
            kind = OUTLET_KINDS[i % len(OUTLET_KINDS)]
            yield (i, t, t, None, None, name, kind, f"https://outlet{i}.example/")

    def speakers(self) -> Iterator[tuple]:
        for i, name in enumerate(self.speaker_names, start=1):
            t = self.when()
            key = " ".join(name.casefold().split())  # text.name_key, for ASCII names
            yield (i, t, t, None, None, name, "person", "spokesman", "", "", key)

    def speaker_aliases(self) -> Iterator[tuple]:
        for i, name in enumerate(self.speaker_names, start=1):
            yield (i, i, name.split()[1])

    def articles_and_quotes(self) -> Iterator[tuple[tuple, list[tuple], list[tuple], list[tuple]]]:
        """Yield ``(article, quotes, fragments, via_hops)`` per article."""
        per_article, extra = divmod(self.n_quotes, self.n_articles)
        quote_id = fragment_id = hop_id = 0
        for a in range(1, self.n_articles + 1):
            published = self.when()
            era = self.era(a)
            count = per_article + (1 if a <= extra else 0)
            parts: list[str] = [f"{self.sentence()}. {self.sentence()}.\n\n"]
            offset = len(parts[0])
            quotes, fragments, hops = [], [], []
            for _ in range(count):
                quote_id += 1
                speaker = self._pick(self.cum_speakers) + 1
                if era and self.rng.random() < 0.3:
                    speaker = self.era_speaker[era]
                surname = self.speaker_names[speaker - 1].split()[1]
                s1 = self.sentence(era)
                two = self.rng.random() < 0.2
                s2 = self.sentence(era) if two else None
                # "<s1>," Surname said. "<s2>."
                f1 = (offset + 1, offset + 1 + len(s1))
                mention = (f1[1] + 3, f1[1] + 3 + len(surname))
                cue = (mention[1] + 1, mention[1] + 5)
                text = f'"{s1}," {surname} said.'
                spans = [f1]
                if two:
                    start2 = offset + len(text) + 2
                    spans.append((start2, start2 + len(s2)))
                    text += f' "{s2}."'
                text += " "
                parts.append(text)
                offset += len(text)
                created = published + timedelta(hours=self.rng.randrange(1, 2000))
                quote_text = " … ".join([s1, s2] if two else [s1])
                quotes.append(
                    (quote_id, created, created, None, None, a, "direct",
                     "confirmed" if self.rng.random() < 0.9 else "suggested",
                     speaker if self.rng.random() < 0.95 else None,
                     mention[0], mention[1], "said", cue[0], cue[1], "",
                     spans[0][0], spans[-1][1], quote_text, 1, None, None)
                )  # fmt: skip
                for (start, end), s in zip(spans, [s1, s2] if two else [s1], strict=True):
                    fragment_id += 1
                    fragments.append((fragment_id, quote_id, start, end, s))
                roll = self.rng.random()
                if roll < 0.3:
                    hop_id += 1
                    outlet = self._pick(self.cum_outlets) + 1
                    if era and self.rng.random() < 0.5:
                        outlet = self.era_outlet[era]
                    hops.append((hop_id, quote_id, 0, outlet, None))
                    if roll < 0.05:
                        hop_id += 1
                        relayer = self._pick(self.cum_speakers) + 1
                        hops.append((hop_id, quote_id, 1, None, relayer))
            body = "".join(parts).rstrip()
            publisher = self._pick(self.cum_outlets) + 1
            if era and self.rng.random() < 0.5:
                publisher = self.era_outlet[era]
            article = (
                a, published, published, None, None, f"{self.sentence()} ({a})", body,
                publisher, f"https://news.example/{a}", "", published, "en", "done",
            )  # fmt: skip
            yield article, quotes, fragments, hops


TABLES = {
    "annotations_outlet": "id, created_at, updated_at, created_by_id, updated_by_id, name, "
    "kind, home_page",
    "annotations_speaker": "id, created_at, updated_at, created_by_id, updated_by_id, name, "
    "kind, role, affiliation, wikidata_id, name_key",
    "annotations_speakeralias": "id, speaker_id, name",
    "annotations_article": "id, created_at, updated_at, created_by_id, updated_by_id, title, "
    "body, publisher_id, url, byline, published_at, language, status",
    "annotations_quote": "id, created_at, updated_at, created_by_id, updated_by_id, "
    "article_id, kind, status, speaker_id, mention_start, mention_end, cue, cue_start, "
    'cue_end, note, start, "end", text, version, deleted_at, deleted_by_id',
    "annotations_fragment": 'id, quote_id, start, "end", text',
    "annotations_viahop": "id, quote_id, position, outlet_id, speaker_id",
}


class _per_row:
    """A column's value made afresh for each row, from its field's callable default."""

    def __init__(self, field, connection) -> None:
        self.field, self.connection = field, connection

    def __call__(self):
        return self.field.get_db_prep_save(self.field.get_default(), self.connection)


class Table:
    """How the generator's rows go into one table: the columns it gives (in ``TABLES``),
    then a constant value for every other column of the model (its default, or NULL when
    it may be NULL), so that a column a migration adds cannot leave a NOT NULL column
    without a value. A column with neither stops the fill with a message naming it."""

    def __init__(self, name: str, connection) -> None:
        from django.apps import apps
        from django.db.models import NOT_PROVIDED

        self.name = name
        given = [column.strip().strip('"') for column in TABLES[name].split(",")]
        models = [m for m in apps.get_models() if m._meta.db_table == name]
        if not models:
            raise SystemExit(f"bench/data.py: no model has the table {name}.")
        fields = {f.column: f for f in models[0]._meta.concrete_fields}
        unknown = [column for column in given if column not in fields]
        if unknown:
            raise SystemExit(
                f"bench/data.py: {name} has no column {', '.join(unknown)}; "
                "update TABLES and the Generator's rows."
            )
        extra_columns, extras = [], []
        for column, field in fields.items():
            if column in given or field.db_default is not NOT_PROVIDED:
                continue  # given, or the database fills it
            if field.has_default() and callable(field.default):  # one each (an article's uid)
                value = _per_row(field, connection)
            elif field.has_default():
                value = field.get_db_prep_save(field.get_default(), connection)
            elif field.null:
                value = None
            else:
                raise SystemExit(
                    f"bench/data.py gives no value for {name}.{column} (NOT NULL, no "
                    "default): add it to TABLES and to the Generator's rows."
                )
            extra_columns.append(column)
            extras.append(value)
        self.columns = ", ".join(f'"{column}"' for column in [*given, *extra_columns])
        self.extras = tuple(extras)

    def rows(self, rows: Iterable[tuple]) -> Iterator[tuple]:
        extras = self.extras
        if not any(isinstance(value, _per_row) for value in extras):
            for row in rows:
                yield row + extras
            return
        for row in rows:
            yield row + tuple(v() if isinstance(v, _per_row) else v for v in extras)


def insert_rows(connection, table: Table, rows: Iterable[tuple]) -> None:
    """Batched INSERTs, for databases other than PostgreSQL (small sizes)."""
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in [*table.rows(rows), None]:
            if row is not None:
                batch.append(row)
            if batch and (row is None or len(batch) >= 5000):
                marks = ", ".join(["%s"] * len(batch[0]))
                cursor.executemany(
                    f"INSERT INTO {table.name} ({table.columns}) VALUES ({marks})", batch
                )
                batch.clear()


def fill(n_articles: int, n_quotes: int, *, seed: int = 1, verbose: bool = True) -> None:
    """Insert the generated rows into the (empty) default database."""
    from django.db import connection, transaction

    gen = Generator(n_articles, n_quotes, seed=seed)
    tables = {name: Table(name, connection) for name in TABLES}
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        # What migration 0013 keeps for the quote filters: the text search and date indexes
        # are built once at the end (far faster than row by row), and the outlet table
        # filled in one statement once every article and hop is in.
        paths = import_module("annotations.migrations.0013_quote_filter_paths")
        with connection.cursor() as cursor:
            for index in (paths.SEARCH_INDEX, paths.PUBLISHED_INDEX):
                cursor.execute(f"DROP INDEX IF EXISTS {index}")
        fill_postgres(gen, tables, connection)
        with connection.cursor() as cursor:
            cursor.execute(paths.BACKFILL_OUTLETS, {"low": 0, "high": 2**62})
            speakers = import_module("annotations.migrations.0017_quote_outlet_speaker")
            cursor.execute(speakers.BACKFILL_SPEAKERS, {"low": 0, "high": 2**62})
            paths.create_indexes(cursor)
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table}), 1))"
                )
            cursor.execute("ANALYZE")
    else:
        with transaction.atomic():
            insert_rows(connection, tables["annotations_outlet"], gen.outlets())
            insert_rows(connection, tables["annotations_speaker"], gen.speakers())
            insert_rows(connection, tables["annotations_speakeralias"], gen.speaker_aliases())
            for article, quotes, fragments, hops in gen.articles_and_quotes():
                insert_rows(connection, tables["annotations_article"], [article])
                insert_rows(connection, tables["annotations_quote"], quotes)
                insert_rows(connection, tables["annotations_fragment"], fragments)
                insert_rows(connection, tables["annotations_viahop"], hops)
    if verbose:
        print(
            f"filled {n_articles:,} articles and {n_quotes:,} quotes "
            f"in {time.perf_counter() - started:.1f} s ({connection.vendor})",
            file=sys.stderr,
        )


def fill_postgres(gen: Generator, tables: dict[str, Table], connection) -> None:
    """COPY every table at once, one connection per table (a connection runs one COPY at a
    time), streaming rows as they are generated so that memory stays flat. Foreign key
    triggers are off while loading (``session_replication_role``; bench databases only):
    the generated rows are consistent by construction. The connections go to the database
    that ``connection`` (Django's) uses."""
    from contextlib import ExitStack

    import psycopg

    settings = connection.settings_dict
    params = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "host": settings["HOST"],
        "port": settings["PORT"],
    }
    params = {key: value for key, value in params.items() if value}
    with ExitStack() as stack:
        copies = {}
        for name, table in tables.items():
            conn = stack.enter_context(psycopg.connect(**params))
            conn.execute("SET session_replication_role = replica")
            cursor = stack.enter_context(conn.cursor())
            columns = table.columns
            if name == "annotations_quote":
                # Each quote carries its article's publication time (migration 0013), given
                # here: the articles are not committed yet for a trigger to look up.
                columns += ', "published_at"'
            copy = stack.enter_context(cursor.copy(f"COPY {name} ({columns}) FROM STDIN"))
            # Every row gets the table's extra columns (constants, or made for it: an
            # article's uid) on its way in (then a quote its publication time, in ``more``).
            copies[name] = lambda row, more=(), copy=copy, table=table: copy.write_row(
                next(table.rows([row])) + more
            )
        for name, rows in (
            ("annotations_outlet", gen.outlets()),
            ("annotations_speaker", gen.speakers()),
            ("annotations_speakeralias", gen.speaker_aliases()),
        ):
            for row in rows:
                copies[name](row)
        write_article = copies["annotations_article"]
        write_quote = copies["annotations_quote"]
        write_fragment = copies["annotations_fragment"]
        write_hop = copies["annotations_viahop"]
        for article, quotes, fragments, hops in gen.articles_and_quotes():
            write_article(article)
            published = (article[10],)
            for row in quotes:
                write_quote(row, published)
            for row in fragments:
                write_fragment(row)
            for row in hops:
                write_hop(row)
    # Leaving the stack ends each COPY and commits each connection.


def setup_django(database_url: str | None = None) -> None:
    """Configure Django for a bench run: the project's settings and a database of its own
    (``--database-url``, else ``$BENCH_DATABASE_URL``, else the ``newsdesk_bench`` database
    on the local PostgreSQL, created when missing), migrated. ``$DATABASE_URL`` is ignored
    on purpose: the bench empties the tables it fills."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    url = database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    if "bench" not in url:
        raise SystemExit(
            f"Refusing to use {url!r}: the bench empties its tables, so its database name "
            "must contain 'bench'."
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The benches ask as one analyst far faster than the API's per-user rate allows; the
    # throttle still runs, it just never refuses.
    os.environ.setdefault("API_USER_RATE", "1000000/hour")
    if url.startswith(("postgres://", "postgresql://")):
        create_database_if_missing(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsdesk_bench"


def create_database_if_missing(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def is_filled(n_articles: int, n_quotes: int) -> bool:
    from annotations.models import Article, Quote

    return Article.objects.count() == n_articles and Quote.all_objects.count() == n_quotes


def ready(n_articles: int, n_quotes: int, *, fresh: bool = False) -> None:
    """Fill the bench database unless it already holds these sizes (or ``fresh``)."""
    if fresh or not is_filled(n_articles, n_quotes):
        print(f"generating {n_articles:,} articles and {n_quotes:,} quotes…", file=sys.stderr)
        empty()
        fill(n_articles, n_quotes)


def analyst_get():
    """A maker of GET requests from an analyst with an API token, for calling views
    in-process: ``get(path, query)``."""
    from django.test import RequestFactory
    from rest_framework.authtoken.models import Token

    from annotations.models import User

    user, _ = User.objects.get_or_create(username="bench-analyst", defaults={"role": "analyst"})
    token, _ = Token.objects.get_or_create(user=user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}", "HTTP_HOST": "localhost"}
    factory = RequestFactory()
    return lambda path, query: factory.get(path, query, **auth)


def quote_list():
    """The API's quote list called in-process as an analyst: ``call(query)`` gives the
    rendered bytes of the answer, which must be a 200."""
    from annotations.api.views import QuoteViewSet

    get = analyst_get()
    view = QuoteViewSet.as_view({"get": "list"})

    def call(query: dict) -> bytes:
        response = view(get("/api/v1/quotes/", query))
        response.render()
        assert response.status_code == 200, response.content[:300]
        return response.content

    return call


def empty() -> None:
    """Remove every article, quote, speaker and outlet (bench databases only)."""
    from django.db import connection

    tables = ", ".join(TABLES)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {tables} CASCADE")
        else:
            for table in reversed(list(TABLES)):
                cursor.execute(f"DELETE FROM {table}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--quotes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url", help=f"default: $BENCH_DATABASE_URL or {DEFAULT_DATABASE_URL}"
    )
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    empty()
    fill(args.articles, args.quotes, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
