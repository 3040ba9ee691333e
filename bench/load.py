"""A bounded load run on loopback: editors and analysts at once against gunicorn.

Editors sign in, open their article, make a quote and accept a suggestion, over and over;
analysts page through the quote list with filters (speaker, outlet, kind, text search,
dates) and download CSV with a token. Each client is a thread with its own session and
waits for each answer before it asks again, so the load is the clients' number, not a
rate. At the end the run prints, for each action, requests, requests per second, p50 and
p99, and errors; and the most connections the database held for the app at any moment,
beside what the settings allow (``CONN_MAX_AGE`` keeps one connection per gunicorn worker
thread; a run that holds more than that is leaking connections). It exits non-zero on any
error or on too many connections.

    python bench/load.py                 # 100,000 articles, 20 + 20 clients for 60 s
    python bench/load.py --small         # 2,000 articles, for a quick look

Its database (``newsdesk_bench_load``, or ``newsdesk_bench_load_small``) is filled by
``bench/data.py`` once and reused: the quotes the editors make stay, which changes no
figure. The API's per-user throttle is raised for the run (``API_USER_RATE``), since 20
analysts asking without a pause are the point of the run, not an abuse of it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data as benchdata  # noqa: E402  (bench/ is a folder of scripts, not a package)

ROOT = Path(__file__).resolve().parent.parent
SMALL = (2_000, 20_000)
FULL = (100_000, 1_000_000)
PASSWORD = "load-run-password"  # noqa: S105  (a bench database's throwaway users)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_OF = r'data-quote="{pk}" data-version="(\d+)"'


class Client:
    """One user's connection: cookies, the CSRF token, and a record of each answer."""

    def __init__(self, port: int, record):
        self.port = port
        self.record = record
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, action: str, method: str, path: str, body=None, headers=None) -> tuple:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            body = urlencode(body or {}, doseq=True)
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.record(action, time.perf_counter() - started, f"{type(error).__name__}")
            return 0, b""
        if response.getheader("Connection", "").lower() == "close" or response.will_close:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        status = response.status
        error = f"HTTP {status}" if status >= 400 else None
        self.record(action, time.perf_counter() - started, error)
        return status, content


def editor_loop(client: Client, username: str, article: dict, stop: threading.Event) -> None:
    status, page = client.request("sign-in page", "GET", "/accounts/login/")
    token = CSRF_INPUT.search(page.decode())
    client.request(
        "sign in",
        "POST",
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "username": username,
            "password": PASSWORD,
            "next": "/",
        },
    )
    spans = article["spans"]
    suggestions = list(article["suggestions"])
    htmx = {"HX-Request": "true"}
    while not stop.is_set():
        status, page = client.request("open article", "GET", article["url"])
        start, end = random.choice(spans)
        client.request(
            "make quote",
            "POST",
            article["create_url"],
            {"fragment": f"{start}-{end}", "kind": "direct", "speaker_name": "Load Run Speaker"},
            htmx,
        )
        if suggestions:
            pk = suggestions.pop()
            found = re.search(VERSION_OF.format(pk=pk), page.decode())
            client.request(
                "accept",
                "POST",
                f"/quotes/{pk}/accept/",
                {"version": found.group(1) if found else "1"},
                htmx,
            )


def analyst_loop(client: Client, token: str, values: dict, stop: threading.Event) -> None:
    auth = {"Authorization": f"Token {token}", "Accept": "application/json"}
    queries = [
        ("list", {}),
        ("list ?speaker", {"speaker": random.choice(values["speakers"])}),
        ("list ?outlet", {"outlet": random.choice(values["outlets"])}),
        ("list ?kind&status", {"kind": "indirect", "status": "confirmed"}),
        ("list ?q", {"q": random.choice(["government", "konashenkov", "ceasefire"])}),
        ("list ?published", {"published_after": "2015-01-01", "published_before": "2016-01-01"}),
    ]
    while not stop.is_set():
        for action, params in queries:
            if stop.is_set():
                return
            client.request(action, "GET", f"/api/v1/quotes/?{urlencode(params)}", None, auth)
        speaker = random.choice(values["speakers"])
        client.request(
            "CSV",
            "GET",
            f"/api/v1/quotes/?{urlencode({'speaker': speaker, 'format': 'csv'})}",
            None,
            {"Authorization": f"Token {token}"},
        )


def prepare(n_editors: int, n_analysts: int) -> tuple[list[tuple[str, dict]], list, dict]:
    """Users, one article per editor with suggestions waiting, and filter values."""
    from django.urls import reverse
    from rest_framework.authtoken.models import Token

    from annotations.models import Article, Outlet, Quote, Speaker, User

    editors = []
    articles = list(
        Article.objects.filter(quotes__status=Quote.Status.CONFIRMED)
        .distinct()
        .order_by("id")[:n_editors]
    )
    for n, article in enumerate(articles):
        user, _ = User.objects.get_or_create(
            username=f"load-editor-{n}", defaults={"role": "editor"}
        )
        user.set_password(PASSWORD)
        user.save()
        spans = list(
            Quote.objects.filter(article=article).values_list("start", "end").distinct()[:20]
        )
        Quote.objects.filter(article=article, status=Quote.Status.SUGGESTED).delete()
        suggestions = [
            Quote.create(
                article, kind=Quote.Kind.DIRECT, fragments=[span], status=Quote.Status.SUGGESTED
            ).pk
            for span in spans
            for _ in range(10)
        ]
        editors.append(
            (
                user.username,
                {
                    "url": article.get_absolute_url(),
                    "create_url": reverse("annotations:quote-create", args=[article.pk]),
                    "spans": spans,
                    "suggestions": suggestions,
                },
            )
        )
    tokens = []
    for n in range(n_analysts):
        user, _ = User.objects.get_or_create(
            username=f"load-analyst-{n}", defaults={"role": "analyst"}
        )
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    speakers = list(Speaker.objects.order_by("?").values_list("pk", flat=True)[:20])
    outlets = list(Outlet.objects.order_by("?").values_list("pk", flat=True)[:20])
    return editors, tokens, {"speakers": speakers, "outlets": outlets}


def app_connections(database: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            # clients only: an autovacuum worker after a fresh fill is no connection of the app
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
            [database],
        )
        return cursor.fetchone()[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped with code {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start in time")


def warm_up(port: int, workers: int) -> None:
    """Ask each worker for a page before the clock starts: a worker loads Django on its
    first request, which is start-up, not load."""

    def ask() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", "/accounts/login/")
        conn.getresponse().read()
        conn.close()

    for _ in range(3):
        askers = [threading.Thread(target=ask) for _ in range(workers * 2)]
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="2,000 articles, 20,000 quotes")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--analysts", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    args, _ = parser.parse_known_args(argv)

    n_articles, n_quotes = SMALL if args.small else FULL
    name = "newsdesk_bench_load_small" if args.small else "newsdesk_bench_load"
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    benchdata.setup_django(url)
    from annotations.models import Article

    if Article.objects.count() != n_articles:
        print(f"generating {n_articles:,} articles and {n_quotes:,} quotes…", file=sys.stderr)
        benchdata.empty()
        benchdata.fill(n_articles, n_quotes)
    editors, tokens, values = prepare(args.editors, args.analysts)
    from django.db import connection

    connection.close()

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "API_USER_RATE": "1000000/hour",
        "LOG_LEVEL": "WARNING",
        # Static files are not part of the run; WhiteNoise warns that none were collected.
        "PYTHONWARNINGS": "ignore:No directory at",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "newsdesk.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    lock = threading.Lock()

    def record(action: str, seconds: float, error: str | None) -> None:
        with lock:
            times[action].append(seconds)
            if error:
                errors[action][error] += 1

    most_connections = 0
    try:
        wait_until_up(port, server)
        warm_up(port, args.workers * args.threads)
        stop = threading.Event()
        threads = [
            threading.Thread(target=editor_loop, args=(Client(port, record), u, a, stop))
            for u, a in editors
        ] + [
            threading.Thread(target=analyst_loop, args=(Client(port, record), t, values, stop))
            for t in tokens
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        while time.perf_counter() - started < args.seconds:
            most_connections = max(most_connections, app_connections(name))
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        most_connections = max(most_connections, app_connections(name))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    allowed = args.workers * args.threads
    load = os.getloadavg()[0]
    print(
        f"load run: {len(editors)} editors and {len(tokens)} analysts for {elapsed:.0f} s "
        f"against gunicorn ({args.workers} workers x {args.threads} threads) on PostgreSQL, "
        f"{n_articles:,} articles; load average {load:.1f}"
    )
    print(f"{'action':<20}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}  errors")
    total_errors = 0
    for action, seconds in times.items():
        ordered = sorted(seconds)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        failed = sum(errors[action].values())
        total_errors += failed
        detail = ", ".join(f"{k} x{v}" for k, v in errors[action].items()) or "0"
        print(
            f"{action:<20}{len(seconds):>10}{len(seconds) / elapsed:>9.1f}"
            f"{statistics.median(seconds) * 1000:>9.0f}{p99 * 1000:>9.0f}  {detail}"
        )
    all_requests = sum(len(s) for s in times.values())
    print(f"{'all':<20}{all_requests:>10}{all_requests / elapsed:>9.1f}")
    print(
        f"database connections held by the app: at most {most_connections} "
        f"(settings allow {allowed}: CONN_MAX_AGE keeps one per worker thread)"
    )
    print(json.dumps({"errors": total_errors, "connections": most_connections}))
    return 1 if total_errors or most_connections > allowed else 0


if __name__ == "__main__":
    sys.exit(main())
