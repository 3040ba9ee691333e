"""What the reading and the writing of article documents share: the format names, the
outcomes an import reports, and the parsing of dates and messages."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date, parse_datetime

DOCUMENT_FORMAT = "newsdesk-article/1"
DIRECTORY_FORMAT = "newsdesk-directory/1"
#: the outcome of a directory line: speakers and outlets stored, no article
LISTED = "listed"
#: the reason an import's rows give in their history
IMPORTED = "imported"
#: the outcome of a document that gives a stored article a new text
UPDATED = "updated"


def error_text(exc: ValidationError) -> str:
    return "; ".join(exc.messages)


def parse_published_at(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time; a bare date is taken as noon UTC, a naive time as
    UTC."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise ValidationError(f"published_at {value!r} is not an ISO 8601 date or date-time.")
        parsed = datetime.combine(day, time(12, 0), tzinfo=UTC)
    elif parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
