"""Error answers: a page for people, ``{"detail": ...}`` JSON under /api/. Neither shows a
traceback or a setting, and neither touches the database, which may be what failed."""

from __future__ import annotations

import re
import sqlite3
import sys

import psycopg
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.debug import SafeExceptionReporterFilter

# Seconds a client should wait before trying again when the database is unavailable.
RETRY_AFTER = 5

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    429: "Too many requests",
    500: "Server error",
    503: "Unavailable",
}
MESSAGES = {
    400: "The request was not understood: something in it is malformed or too large.",
    403: "You may not do this.",
    404: "There is nothing here.",
    429: "Too many requests: wait a little and try again.",
    500: "Something went wrong on our side. It has been logged; please try again later.",
    503: "Newsdesk cannot reach its database just now. Please try again in a few seconds.",
}


# SQLite's words for a database file that cannot be used just now.
SQLITE_UNAVAILABLE = (
    "database is locked",
    "database table is locked",
    "unable to open",
    "disk i/o",
)
# PostgreSQL error classes for a lost connection, the server's resources and its shutdown.
POSTGRESQL_UNAVAILABLE = ("08", "53", "57")


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database is down, busy or the connection dropped (worth a 503
    and a retry), rather than that a query was wrong (a 500, a bug to fix)."""
    if isinstance(exc, InterfaceError | sqlite3.InterfaceError | psycopg.InterfaceError):
        return True
    if not isinstance(exc, OperationalError | sqlite3.OperationalError | psycopg.OperationalError):
        return False
    driver_error = exc.__cause__ if isinstance(exc, OperationalError) and exc.__cause__ else exc
    if isinstance(driver_error, sqlite3.Error):
        return str(driver_error).lower().startswith(SQLITE_UNAVAILABLE)
    # psycopg: no SQLSTATE means the client lost the server (refused, closed, timed out).
    sqlstate = getattr(driver_error, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(POSTGRESQL_UNAVAILABLE)


def discard_broken_connections() -> None:
    """Close every open connection outside a transaction block (a block's owner rolls it
    back and closes it itself): one that failed is of no more use, and the next request
    opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    """The error as JSON under /api/, as the site's error page elsewhere."""
    message = message or MESSAGES[status]
    if is_api(request):
        return JsonResponse({"detail": message}, status=status)
    context = {"message": message, "title": TITLES[status]}
    if status >= 500:
        # The signed-in user comes from the session, in the database that may be down.
        context["user"] = AnonymousUser()
    try:
        content = loader.render_to_string("annotations/error.html", context, request)
    except Exception:  # noqa: BLE001  an error page must not fail in turn
        content = f"<!doctype html><title>Newsdesk</title><p>{MESSAGES[status]}</p>"
    return HttpResponse(content, status=status)


def unavailable(request: HttpRequest) -> HttpResponse:
    response = error_response(request, 503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def bad_request(request, exception=None):
    return error_response(request, 400)


def permission_denied(request, exception=None):
    # The views' PermissionDenied messages say what the role may do instead.
    return error_response(request, 403, str(exception or ""))


def page_not_found(request, exception=None):
    return error_response(request, 404)


def server_error(request):
    # Django calls this while handling the exception, so it is still the current one.
    if is_database_unavailable(sys.exc_info()[1]):
        discard_broken_connections()
        return unavailable(request)
    return error_response(request, 500)


class ReporterFilter(SafeExceptionReporterFilter):
    """Django's filter for error reports, which also hides database URLs (a password inside
    a ``DATABASE_URL`` in the environment) and any ``scheme://user:password@`` in a
    setting or request header."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE|DSN", flags=re.I
    )
    credentials = re.compile(r"(\w+://[^/:@\s]*:)[^@\s]*@")

    def cleanse_setting(self, key, value):
        value = super().cleanse_setting(key, value)
        if isinstance(value, str) and self.credentials.search(text := str(value)):
            value = self.credentials.sub(rf"\1{self.cleansed_substitute}@", text)
        return value


def signin_locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a sign-in from a locked-out account or address: 429 and a page
    that says how long to wait, also as ``Retry-After``."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off_minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }
    response = HttpResponse(
        loader.render_to_string("registration/locked_out.html", context, request), status=429
    )
    if cool_off:
        response["Retry-After"] = str(max(1, int(cool_off.total_seconds())))
    return response
