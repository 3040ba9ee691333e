"""Request guards that apply to every route.

- ``RefuseNulMiddleware``: a NUL character in any query or form parameter is refused with
  400 before a view sees it (PostgreSQL cannot store or compare it, and no text Newsdesk
  keeps may hold one).
- ``DatabaseUnavailableMiddleware``: the database being down, or a connection that dropped,
  is a 503 with ``Retry-After`` (JSON under /api/, a page elsewhere) rather than a 500, and
  the broken connection is closed so that the next request opens a fresh one.
"""

from __future__ import annotations

import logging

from django.db import connections

from .errors import error_response, is_database_unavailable, unavailable

logger = logging.getLogger(__name__)


def discard_broken_connections() -> None:
    """Close every open connection outside a transaction block (a block's owner rolls it
    back and closes it itself): one that failed is of no more use."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.error("Database unavailable: %s %s", request.method, request.path, exc_info=True)
        discard_broken_connections()
        return unavailable(request)


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.holds_nul(request):
            return error_response(
                request, 400, "A NUL character (\\x00) is not allowed in a parameter."
            )
        return self.get_response(request)

    @staticmethod
    def holds_nul(request) -> bool:
        params = [request.GET]
        if request.method == "POST" and request.content_type in {
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            params.append(request.POST)
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for query in params
            for key, values in query.lists()
        )
