"""The API's JSON parser: DRF's, refusing documents nested deeper than ``MAX_DEPTH`` with a
400 (Python's decoder gives up on very deep nesting with a RecursionError, which DRF does not
catch, and nothing Newsdesk accepts is nested more than a few levels)."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 64


def too_deep(data, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and objects in ``data`` nest deeper than ``limit``."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        stack.extend((item, depth + 1) for item in value if isinstance(item, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
        else:
            if not too_deep(data):
                return data
        raise ParseError(f"JSON parse error - nested too deep (at most {MAX_DEPTH} levels).")
