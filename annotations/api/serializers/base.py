"""What the serializers share: the bounds on what clients send, the refusal of NUL characters
and of non-strings where strings are declared, and the translation of model validation
errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from annotations import text as textrules

MAX_FRAGMENTS = 100
MAX_VIA_HOPS = 20
MAX_ALIASES = 100
MAX_BOILERPLATE = 100
# Offsets are code point indices into a body of at most NEWSDESK_MAX_BODY_CHARS characters;
# the bound here only keeps absurd numbers away from the database.
MAX_OFFSET = 2**31 - 1


def iso_utc(value: datetime) -> str:
    """A date-time as DRF writes it with TIME_ZONE = "UTC" (``2016-02-11T12:00:00Z``),
    without DRF's per-call timezone lookups: this runs twice for every quote listed."""
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def drf_error(exc: DjangoValidationError, field: str | None = None) -> serializers.ValidationError:
    """A DRF 400 carrying a Django ValidationError's messages (under ``field`` when given)."""
    if field is None:
        return serializers.ValidationError(serializers.as_serializer_error(exc))
    return serializers.ValidationError({field: get_error_detail(exc)})


def find_nul(data: Any, path: str = "") -> str | None:
    """The path of the first string (value or key) in ``data`` holding a NUL, or None."""
    if isinstance(data, str):
        return path or "request" if "\x00" in data else None
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and "\x00" in key:
                return path or "request"
            found = find_nul(value, here)
            if found:
                return found
    elif isinstance(data, list | tuple):
        for n, value in enumerate(data):
            found = find_nul(value, f"{path}[{n}]")
            if found:
                return found
    return None


def declared_part(field: serializers.Field, data: Any) -> Any:
    """``data`` without what ``field`` ignores: keys it does not declare (or only shows)."""
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        return (
            [declared_part(field.child, item) for item in data] if isinstance(data, list) else data
        )
    if isinstance(field, serializers.Serializer) and isinstance(data, dict):
        fields = field.fields
        return {
            key: declared_part(fields[key], value)
            for key, value in data.items()
            if key in fields and not fields[key].read_only
        }
    return data


def non_string(field: serializers.Field, data: Any, path: str = "") -> str | None:
    """The path of the first value sent for a text field that is not a string (DRF's
    CharField would take a number and keep its digits), or None."""
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        for n, item in enumerate(data if isinstance(data, list) else []):
            found = non_string(field.child, item, f"{path}[{n}]")
            if found:
                return found
    elif isinstance(field, serializers.Serializer) and isinstance(data, dict):
        for key, value in data.items():
            found = non_string(field.fields[key], value, f"{path}.{key}" if path else key)
            if found:
                return found
    elif (
        type(field) is serializers.CharField
        and data is not None
        and not isinstance(data, str)
        and isinstance(data, int | float)
    ):
        return path
    return None


class RefuseNulMixin:
    """Refuse a request whose data holds a NUL character anywhere it is read, naming where
    (keys the serializer does not declare are ignored, NUL or not)."""

    def to_internal_value(self, data):
        declared = declared_part(self, data)
        where = non_string(self, declared)
        if where:
            field = where.split(".")[0].split("[")[0]
            raise serializers.ValidationError({field: f"{where} must be a string."})
        path = find_nul(declared)
        if path:
            try:
                textrules.refuse_nul("\x00", path)
            except DjangoValidationError as exc:
                field = path.split(".")[0].split("[")[0]
                raise drf_error(exc, field) from None
        return super().to_internal_value(data)
