"""The article page with 10, 100 and 1,000 quotes: server render time and SQL queries, and in
Chromium the 1,000-quote page against the 10-quote one: how soon it is interactive and how long
saving and accepting a quote take.

    python bench/pages.py [--small] [--runs N] [--database-url URL] [--no-browser]

Builds one article per size (a sentence per quote, with speaker mentions, cues, via hops,
a nested quote every tenth sentence, emoji and CJK in the text) in PostgreSQL's own
``newsdesk_bench_pages`` database (made when missing) or the one named by ``--database-url``
(``sqlite:///path`` works too), and removes them when done. Then, the 10-quote article is
always measured beside the 1,000-quote one in the same process, turn about:

1. *server*: the article page rendered through Django's test client, median of N runs
   (default 7), with the number of SQL queries (which must not grow with the quotes);
   goal: the 1,000-quote page in at most 3x the 10-quote page;
2. *browser*, median of N/2 rounds (at least 7): *interactive*, from navigation to the first
   frame after the load event with the main thread free (goal 1.5x); *save*, from pressing
   Save on a new quote's form to its highlight and list entry shown and the form gone (goal
   1.3x); *accept*, from pressing Accept on a suggestion in the list to its entry and
   highlight shown confirmed (goal 1.3x).

``--small`` measures 10 and 100 quotes only and skips the browser.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SPEAKERS = 40
# Its own database: the articles it builds (and removes again) never touch the shared
# newsdesk_bench that the other benchmarks read.
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsdesk_bench_pages"


def setup_django(url: str | None) -> str:
    """Configure Django on ``url``, else on the bench's own PostgreSQL database; migrate."""
    sys.path.insert(0, str(ROOT))
    url = url or DEFAULT_DATABASE_URL
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop in this thread
    if url.startswith("postgres"):
        ensure_postgres_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0, interactive=False)
    return url


def ensure_postgres_database(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    admin = dict(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], dbname="postgres")
    if cfg["PASSWORD"]:
        admin["password"] = cfg["PASSWORD"]
    with psycopg.connect(**admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if found.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def build_article(n: int, run_id: str):
    """An article with ``n`` quotes, made with bulk inserts."""
    from annotations.models import (
        FRAGMENT_JOINER,
        Article,
        Fragment,
        Outlet,
        Quote,
        Speaker,
        ViaHop,
    )

    outlet, _ = Outlet.objects.get_or_create(name=f"Bench Wire {run_id}")
    speakers = list(Speaker.objects.filter(name__startswith=f"Bench {run_id} "))
    if not speakers:
        speakers = Speaker.objects.bulk_create(
            Speaker(name=f"Bench {run_id} Speaker {i}") for i in range(SPEAKERS)
        )
        speakers = list(Speaker.objects.filter(name__startswith=f"Bench {run_id} "))
    parts: list[str] = []
    length = 0
    plans = []  # (speaker, mention, cue, fragment, kind)
    outer_count = n - n // 10  # one in ten quotes is nested inside another
    for i in range(outer_count):
        name = f"Person{i % SPEAKERS}"
        lead = f"{name} said: “"
        statement = f"Statement {i} on the budget 🙂 and 予算 with café prices, in full"
        tail = "”, the agency reported.\n" if i % 3 == 0 else "”. "
        mention = (length, length + len(name))
        cue = (length + len(name) + 1, length + len(name) + 5)
        fragment = (length + len(lead), length + len(lead) + len(statement))
        plans.append((speakers[i % SPEAKERS], mention, cue, fragment, "direct", i % 3 == 0))
        if i < n // 10:
            inner = (fragment[0] + len(f"Statement {i} on "), fragment[0] + len(statement) - 9)
            plans.append((speakers[(i + 7) % SPEAKERS], None, None, inner, "indirect", False))
        chunk = lead + statement + tail
        parts.append(chunk)
        length += len(chunk)
    body = "".join(parts)
    article = Article.objects.create(
        title=f"Bench article with {n} quotes ({run_id})", body=body, publisher=outlet
    )
    quotes = Quote.objects.bulk_create(
        Quote(
            article=article,
            kind=kind,
            speaker=speaker,
            mention_start=mention[0] if mention else None,
            mention_end=mention[1] if mention else None,
            cue="said" if cue else "",
            cue_start=cue[0] if cue else None,
            cue_end=cue[1] if cue else None,
            start=frag[0],
            end=frag[1],
            text=FRAGMENT_JOINER.join([body[frag[0] : frag[1]]]),
            status=Quote.Status.SUGGESTED if k % 5 == 4 else Quote.Status.CONFIRMED,
        )
        for k, (speaker, mention, cue, frag, kind, _) in enumerate(plans)
    )
    if quotes[0].pk is None:  # databases that do not return ids from bulk inserts
        quotes = list(Quote.objects.filter(article=article).order_by("id"))
    Fragment.objects.bulk_create(
        Fragment(quote=q, start=p[3][0], end=p[3][1], text=body[p[3][0] : p[3][1]])
        for q, p in zip(quotes, plans, strict=True)
    )
    ViaHop.objects.bulk_create(
        ViaHop(quote=q, position=0, outlet=outlet)
        for q, p in zip(quotes, plans, strict=True)
        if p[5]
    )
    assert article.quotes.count() == n
    return article


def render_time(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return elapsed


def measure_server(client, articles: dict, runs: int) -> dict[int, tuple[float, int, int]]:
    """Each size's median render (ms), queries and HTML size, the sizes rendered turn about."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    urls = {n: article.get_absolute_url() for n, article in articles.items()}
    times: dict[int, list[float]] = {n: [] for n in urls}
    for url in urls.values():
        render_time(client, url)  # warm up templates and connections
    for _ in range(runs):
        for n, url in urls.items():
            times[n].append(render_time(client, url))
    rows = {}
    for n, url in urls.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        rows[n] = (
            statistics.median(times[n]) * 1000,
            len(ctx.captured_queries),
            len(response.content),
        )
    return rows


def serve() -> tuple[str, object]:
    """Serve the project (with static files) from a thread; returns its URL and server."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    server.set_app(StaticFilesHandler(WSGIHandler()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


SELECT_JS = """([start, end]) => {
  const el = document.getElementById("article-text");
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let seen = 0, node, range = document.createRange();
  while ((node = walker.nextNode())) {
    const chars = Array.from(node.data);
    if (seen <= start && start < seen + chars.length)
      range.setStart(node, chars.slice(0, start - seen).join("").length);
    if (seen < end && end <= seen + chars.length)
      range.setEnd(node, chars.slice(0, end - seen).join("").length);
    seen += chars.length;
  }
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  el.dispatchEvent(new MouseEvent("mousedown", {bubbles: true}));
  el.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
}"""

# Milliseconds from navigation to a frame drawn after the load event, once the main thread
# has come back to a task (scripts run, layout done): when a key or click would be answered.
INTERACTIVE_JS = """() => new Promise(done => {
  const after = () => requestAnimationFrame(() => setTimeout(() => done(performance.now())));
  if (document.readyState === "complete") after(); else addEventListener("load", after);
})"""

NEXT_FRAME_JS = "() => new Promise(r => requestAnimationFrame(() => setTimeout(r)))"


class PageRound:
    """One article in the browser: load it, save a new quote, accept a suggestion."""

    def __init__(self, page, article, suggested: list[int]):
        self.page, self.article, self.suggested = page, article, suggested

    def interactive(self) -> float:
        self.page.goto(self.article.get_absolute_url(), wait_until="commit")
        seconds = self.page.evaluate(INTERACTIVE_JS) / 1000
        shown = self.page.evaluate(
            "Array.from(document.getElementById('article-text').textContent).length"
        )
        assert shown == len(self.article.body), "the page's text is not the body"
        return seconds

    def save(self) -> float:
        """Select the last statement, open the form, then time Save to the redrawn page."""
        page, body = self.page, self.article.body
        start = body.rindex("Statement")
        end = body.index("in full", start) + len("in full")
        page.evaluate(SELECT_JS, [start, end])
        page.wait_for_selector("[data-quote-form]")
        value = page.get_attribute('input[name="fragment"]', "value")
        assert value == f"{start}-{end}", f"offsets {value} != {start}-{end}"
        page.fill("[data-speaker-input]", "Bench New Speaker")
        page.evaluate(
            """() => {
              const items = document.querySelectorAll("#quote-list .quote-item");
              window.benchBefore = new Set(Array.from(items, e => e.id));
            }"""
        )
        started = time.perf_counter()
        page.click('[data-action="save"]')
        page.wait_for_function(
            """() => {
              if (document.querySelector("[data-quote-form]")) return false;
              const items = document.querySelectorAll("#quote-list .quote-item");
              if (items.length <= window.benchBefore.size) return false;
              const item = Array.from(items).find(e => !window.benchBefore.has(e.id));
              const q = item && item.dataset.quote;
              return q && document.querySelector(`#article-text [data-q~="${q}"]`);
            }""",
            polling="raf",
        )
        page.evaluate(NEXT_FRAME_JS)
        return time.perf_counter() - started

    def accept(self) -> float:
        """Time Accept on a suggestion in the list to its entry and highlight confirmed."""
        page = self.page
        pk = self.suggested.pop()
        item = f"#quote-{pk}"
        # A long list comes with its first entries: bring the others first, as its last
        # entry offers (not timed).
        if page.locator("[data-list-more]").count():
            page.click("[data-list-more] button")
            page.wait_for_selector("[data-list-more]", state="detached")
        page.click(item)
        started = time.perf_counter()
        page.click(f'{item} [data-action="accept"]')
        page.wait_for_function(
            """(pk) => {
              const item = document.getElementById("quote-" + pk);
              const marks = document.querySelectorAll(`#article-text [data-q~="${pk}"]`);
              return item && !item.classList.contains("is-suggested") && marks.length &&
                !Array.from(marks).some(m => m.dataset.q.split(" ")[0] === String(pk) &&
                                            m.classList.contains("sugg"));
            }""",
            arg=pk,
            polling="raf",
        )
        page.evaluate(NEXT_FRAME_JS)
        return time.perf_counter() - started


def reset_article(article, keep: set[int], suggested: list[int]) -> None:
    """Back to how it was built: the quotes saved by a round gone, its suggestions pending."""
    from django.db.models import F

    from annotations.models import Quote

    Quote.all_objects.filter(article=article).exclude(pk__in=keep).delete()
    Quote.all_objects.filter(pk__in=suggested).update(
        status=Quote.Status.SUGGESTED, version=F("version") + 1
    )


def measure_browser(articles: dict, session_cookie: str, rounds: int) -> dict[str, dict]:
    """Per measure, per size: the seconds of each round (sizes turn about in each round)."""
    from playwright.sync_api import sync_playwright

    from annotations.models import Quote

    base, server = serve()
    results: dict[str, dict[int, list[float]]] = {
        "interactive": {n: [] for n in articles},
        "save": {n: [] for n in articles},
        "accept": {n: [] for n in articles},
    }
    built = {
        n: (
            set(Quote.all_objects.filter(article=a).values_list("pk", flat=True)),
            list(
                Quote.objects.filter(article=a, status=Quote.Status.SUGGESTED).values_list(
                    "pk", flat=True
                )
            ),
        )
        for n, a in articles.items()
    }
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=base, viewport={"width": 1400, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": session_cookie, "url": base}])
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "console",
                lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
            )
            page.on("dialog", lambda d: d.accept())
            for article in articles.values():  # a first load of each warms the caches
                page.goto(article.get_absolute_url(), wait_until="load")
            for _ in range(rounds):
                for n, article in articles.items():
                    keep, suggested = built[n]
                    reset_article(article, keep, suggested)
                    one = PageRound(page, article, list(suggested))
                    results["interactive"][n].append(one.interactive())
                    results["save"][n].append(one.save())
                    results["accept"][n].append(one.accept())
            for n, article in articles.items():
                reset_article(article, *built[n])
            assert not errors, errors
            browser.close()
    finally:
        server.shutdown()
    return results


def ratio_line(name: str, low: float, high: float, goal: float, unit: str, sizes) -> bool:
    ratio = high / low
    met = ratio <= goal
    print(
        f"  {name:<28} {low:8.{2 if unit == 's' else 1}f} {high:8.{2 if unit == 's' else 1}f}"
        f"  {ratio:5.2f}x  goal <= {goal}x  {'met' if met else 'NOT MET'}"
    )
    return met


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="10 and 100 quotes, no browser")
    parser.add_argument("--runs", type=int, default=7, help="renders per size (median)")
    parser.add_argument("--database-url", help=f"default: {DEFAULT_DATABASE_URL}")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium check")
    args = parser.parse_args(argv)
    url = setup_django(args.database_url)

    from django.test import Client

    from annotations.models import User

    sizes = [10, 100] if args.small else [10, 100, 1000]
    run_id = str(int(time.time()))
    user = User.objects.create_user(f"bench-{run_id}", role=User.Role.EDITOR, password="bench")
    client = Client()
    client.force_login(user)
    articles = {n: build_article(n, run_id) for n in sizes}
    try:
        return measure(args, url, client, articles)
    finally:
        from annotations.models import Article, Quote

        Quote.all_objects.filter(article__in=articles.values()).delete()
        Article.all_objects.filter(pk__in=[a.pk for a in articles.values()]).delete()


def measure(args, url: str, client, articles: dict) -> int:
    sizes = list(articles)
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    rows = measure_server(client, articles, args.runs)
    print(f"article page, {engine}; render = median of {args.runs} via the test client")
    print(f"{'quotes':>7} {'render ms':>10} {'queries':>8} {'HTML KB':>8}")
    for n, (ms, queries, size) in rows.items():
        print(f"{n:>7} {ms:>10.1f} {queries:>8} {size / 1024:>8.0f}")
    low, high = sizes[0], sizes[-1]
    constant = len({q for _, q, _ in rows.values()}) == 1
    print(f"queries constant across sizes: {'yes' if constant else 'NO'}")
    print(f"  {'':<28} {f'{low} q':>8} {f'{high} q':>8}  ratio")
    met = ratio_line("server render (ms)", rows[low][0], rows[high][0], 3, "ms", sizes)
    status = 0 if constant and met else 1
    if not (args.small or args.no_browser):
        if not Path(CHROMIUM).exists():
            print(f"Chromium not found at {CHROMIUM}: browser check not run")
            return 1
        rounds = max(7, args.runs // 2)
        pair = {low: articles[low], high: articles[high]}
        results = measure_browser(pair, client.cookies["sessionid"].value, rounds)
        print(f"Chromium, {low} and {high} quotes in turn, median of {rounds} rounds (s):")
        goals = {"interactive": 1.5, "save": 1.3, "accept": 1.3}
        labels = {
            "interactive": "interactive after navigation",
            "save": "save a new quote",
            "accept": "accept a suggestion",
        }
        for name, goal in goals.items():
            low_s = statistics.median(results[name][low])
            high_s = statistics.median(results[name][high])
            if not ratio_line(labels[name], low_s, high_s, goal, "s", sizes):
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
