"""The status of a refused write: what the schema says, or what only the database knows.

A request the OpenAPI schema refuses (a missing field, a wrong type, a string too long) is
a 400. A request the schema allows can still be refused for what only the stored data
decides, and those refusals get their own statuses so that a client (and Schemathesis'
``positive_data_acceptance`` check) can tell them apart from a malformed request:

- 409 Conflict: the request clashes with a stored row or the row's current state (a name or
  URL another row already has, confirming a quote that is not relocated);
- 422 Unprocessable Content: the request names something that is not there (an unknown id)
  or does not fit the stored text (a span past the end of the body, a span whose ``text``
  differs from the body there, overlapping fragments).

The choice is made from the error codes of a DRF ``ValidationError``: the rules below raise
theirs with one of the codes listed here; any other code in the same answer makes it a 400.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

# Clashes with a stored row or its state.
CONFLICT_CODES = frozenset({"unique", "not_relocated"})
# Refusals that depend on stored rows or on the article body the request points into.
UNPROCESSABLE_CODES = frozenset(
    {
        "does_not_exist",  # DRF's PrimaryKeyRelatedField: no row with this id
        "unknown_reference",  # a via hop or a merge naming a row that is not there
        "no_match",  # filters that match no article
        "moved_article",  # a quote sent to another article than its own
        "span_bounds",
        "span_order",
        "span_text",
        "fragments_overlap",
        "merge_self",  # a merge naming the row in the URL as its duplicate
        "file_refused",  # an upload whose contents (type, size, encoding) are refused
    }
)


def leaf_codes(codes: Any) -> Iterator[str]:
    if isinstance(codes, dict):
        for value in codes.values():
            yield from leaf_codes(value)
    elif isinstance(codes, list | tuple):
        for value in codes:
            yield from leaf_codes(value)
    else:
        yield str(codes)


def refusal_status(exc: ValidationError) -> int:
    """409, 422 or 400 for a validation error, from its codes (see the module docstring)."""
    codes = set(leaf_codes(exc.get_codes()))
    if codes and codes <= CONFLICT_CODES:
        return status.HTTP_409_CONFLICT
    if codes and codes <= CONFLICT_CODES | UNPROCESSABLE_CODES:
        return status.HTTP_422_UNPROCESSABLE_ENTITY
    return status.HTTP_400_BAD_REQUEST


def exception_handler(exc, context):
    """DRF's handler, with validation errors given the status their codes call for."""
    if isinstance(exc, ValidationError):
        exc.status_code = refusal_status(exc)
    return drf_exception_handler(exc, context)
