"""Errors answer as pages, or as JSON under /api/, and show no secret; a database that is
down or a connection that dropped gives 503 with Retry-After, and the next request after
recovery works."""

import logging
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.test import Client, RequestFactory
from django.views.debug import ExceptionReporter
from rest_framework.test import APIClient

from .test_settings import run_manage

SECRET_PASSWORD = "hunter2-db-password"


def test_debug_is_off_unless_asked_for():
    show = "from django.conf import settings; print(settings.DEBUG)"
    assert run_manage("shell", "-c", show).stdout.strip().splitlines()[-1] == "False"
    assert run_manage("shell", "-c", show, DEBUG="1").stdout.strip().splitlines()[-1] == "True"


def test_tests_run_with_debug_off():
    assert settings.DEBUG is False


@pytest.fixture
def failing_urls(settings, db):
    settings.ROOT_URLCONF = "tests.urls_errors"
    settings.DATABASES["default"]["PASSWORD"] = SECRET_PASSWORD


def test_a_failing_page_is_a_page_without_secrets(failing_urls, editor, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    with caplog.at_level(logging.DEBUG):
        response = client.get("/boom/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Traceback" not in page and "RuntimeError" not in page
    assert "<html" in page and "Newsdesk" in page
    logged = caplog.text
    for secret in (SECRET_PASSWORD, settings.SECRET_KEY):
        assert secret not in page
        assert secret not in logged
    assert "page failed" in logged


def test_a_failing_api_call_answers_json(failing_urls, analyst_api):
    analyst_api.raise_request_exception = False
    response = analyst_api.get("/api/v1/boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("url", ["/api/", "/api/nothing/here/", "/api/v2/quotes/"])
def test_unknown_api_paths_answer_json_404(analyst_api, url):
    response = analyst_api.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_unknown_page_is_a_page(client, editor):
    client.force_login(editor)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Newsdesk" in response.content.decode()


def test_error_reports_hide_the_database_url_and_passwords(rf: RequestFactory):
    request = rf.get("/", DATABASE_URL=f"postgres://newsdesk:{SECRET_PASSWORD}@db/newsdesk")
    try:
        raise RuntimeError("report me")
    except RuntimeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
    text = reporter.get_traceback_text()
    assert "report me" in text
    assert SECRET_PASSWORD not in text


# The database going away. --------------------------------------------------------------


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does when the server is gone; ``up()`` brings it back."""
    real = CursorWrapper._execute

    def down(self, sql, params, *ignored):
        message = {
            "sqlite": "unable to open database file",
            "postgresql": "server closed the connection unexpectedly",
        }[self.db.vendor]
        with self.db.wrap_database_errors:
            raise self.db.Database.OperationalError(message)

    class Switch:
        def down(self):
            monkeypatch.setattr(CursorWrapper, "_execute", down)

        def up(self):
            monkeypatch.setattr(CursorWrapper, "_execute", real)

    return Switch()


@pytest.mark.django_db(transaction=True)
def test_database_down_gives_a_503_page_then_recovers(database_down, editor):
    client = Client()
    client.force_login(editor)
    database_down.down()
    response = client.get("/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    assert "Newsdesk" in response.content.decode()
    database_down.up()
    assert client.get("/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_database_down_gives_a_json_503_under_the_api_then_recovers(database_down, analyst):
    client = APIClient()
    client.force_authenticate(analyst)
    database_down.down()
    response = client.get("/api/v1/quotes/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    database_down.up()
    assert client.get("/api/v1/quotes/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_dropped_postgresql_connection_is_discarded(editor):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server whose connections can be dropped")
    import psycopg

    client = Client()
    client.force_login(editor)
    assert client.get("/").status_code == 200
    backend = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])
    response = client.get("/")
    assert response.status_code == 503
    assert "Retry-After" in response
    assert client.get("/").status_code == 200


def test_a_refused_page_says_why(client, analyst):
    client.force_login(analyst)
    response = client.post("/articles/add/", {"title": "T", "body": "B"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert "read but not change" in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/api/v1/quotes/"])
def test_a_database_error_outside_a_view_is_a_503_too(rf, path):
    """Such as saving the session after the view: Django's 500 handler answers it."""
    from django.db import OperationalError

    from annotations.errors import server_error

    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError:
        response = server_error(rf.get(path))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


def test_only_errors_of_an_unavailable_database_count_as_such():
    import sqlite3

    import psycopg
    from django.db import InterfaceError, OperationalError

    from annotations.errors import is_database_unavailable

    def wrapped(driver_error):
        exc = OperationalError(*driver_error.args)
        exc.__cause__ = driver_error
        return exc

    unavailable = [
        InterfaceError("connection already closed"),
        wrapped(sqlite3.OperationalError("database is locked")),
        wrapped(sqlite3.OperationalError("unable to open database file")),
        wrapped(psycopg.OperationalError("server closed the connection unexpectedly")),
        wrapped(psycopg.errors.AdminShutdown("terminating connection")),
        wrapped(psycopg.errors.TooManyConnections("too many clients")),
        psycopg.OperationalError("connection refused"),
    ]
    query_errors = [
        wrapped(sqlite3.OperationalError("LIKE or GLOB pattern too complex")),
        wrapped(sqlite3.OperationalError("no such table: annotations_quote")),
        wrapped(psycopg.errors.ProgramLimitExceeded("string is too long for tsvector")),
        RuntimeError("no database here"),
    ]
    assert all(is_database_unavailable(exc) for exc in unavailable)
    assert not any(is_database_unavailable(exc) for exc in query_errors)
