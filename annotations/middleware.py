"""Request guards that apply to every route.

- ``RefuseBadParametersMiddleware``: a NUL character in any query parameter, or one longer
  than ``NEWSDESK_MAX_QUERY_CHARS``, is refused with 400 before a view sees it (PostgreSQL
  cannot store or compare NUL, no text Newsdesk keeps may hold one, and no search term or
  id is that long). Form fields are left to the forms, whose text fields refuse NUL with a
  message beside the field.
- ``DatabaseErrorsMiddleware``: the database being down, or a connection that dropped, is a
  503 with ``Retry-After`` (JSON under /api/, a page elsewhere) rather than a 500, and the
  broken connection is closed so that the next request opens a fresh one. A number too
  large for the database (``OverflowError``) is a 400.
- ``SQLiteWriteQueueMiddleware``: SQLite has one writer at a time; on it, requests that may
  write (every method but GET, HEAD, OPTIONS) queue on a lock in this process rather than
  fail with "database is locked" (or "table is locked" in the shared-cache test database).
  Pages and the API alike; on PostgreSQL it does nothing.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connection

from .errors import discard_broken_connections, error_response, is_database_unavailable, unavailable

logger = logging.getLogger(__name__)


class DatabaseErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            return error_response(request, 400, "A number in the request is too large.")
        if not is_database_unavailable(exception):
            return None
        logger.error("Database unavailable: %s %s", request.method, request.path, exc_info=True)
        discard_broken_connections()
        return unavailable(request)


class RefuseBadParametersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.NEWSDESK_MAX_QUERY_CHARS
        params = [(key, value) for key, values in request.GET.lists() for value in values]
        if any(len(value) > limit for _, value in params):
            message = f"A query parameter is longer than {limit} characters."
            return error_response(request, 400, message)
        if any("\x00" in key or "\x00" in value for key, value in params):
            message = "A NUL character (\\x00) is not allowed in a query parameter."
            return error_response(request, 400, message)
        return self.get_response(request)


# One writer at a time in this process, on SQLite.
_sqlite_writes = threading.Lock()
READING = frozenset({"GET", "HEAD", "OPTIONS"})


class SQLiteWriteQueueMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in READING or connection.vendor != "sqlite":
            return self.get_response(request)
        with _sqlite_writes:
            return self.get_response(request)
