"""Cursor pagination for every API list.

Lists are ordered by a unique, indexed key (``id``, or ``-id`` with ``?ordering=-id``), so a
cursor is just "after this id": a deep page costs what the first one does. ``page_size`` is
1 to 500 (default 50); anything else is refused with a 400 rather than silently changed.
A cursor the server did not make is refused with a 404 ("Invalid cursor"), never a 500.
"""

from __future__ import annotations

from base64 import b64decode

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
# A position in a cursor is an id: a signed 64-bit integer.
_ID_LIMIT = 2**63


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: (
                        f"page_size must be a whole number from 1 to {self.max_page_size}; "
                        f"got {raw[:40]!r}."
                    )
                }
            )
        return size

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is not None:
            # DRF's decoder skips characters that are not base64, so "!!!" would pass as
            # "no cursor" and quietly restart from the first page.
            try:
                b64decode(encoded.encode("ascii"), validate=True)
            except ValueError:
                raise NotFound(self.invalid_cursor_message) from None
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            # Positions are ids; anything else was forged and would reach the ORM as junk.
            try:
                position = int(cursor.position)
            except ValueError:
                raise NotFound(self.invalid_cursor_message) from None
            if not -_ID_LIMIT <= position < _ID_LIMIT:
                raise NotFound(self.invalid_cursor_message)
        return cursor

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
                parameter["description"] = (
                    f"Results per page, 1 to {self.max_page_size} (default {self.page_size}); "
                    "other values are refused with 400."
                )
            elif parameter["name"] == self.cursor_query_param:
                parameter["description"] = (
                    "Opaque position from a previous page's `next` or `previous` link. A "
                    "cursor the server did not make gets 404."
                )
        return parameters
