"""Bringing articles into Newsdesk from files and pasted text: plain text, HTML pages and
JSON Lines files of article documents (see :mod:`annotations.documents`). Brat corpora come
in through :mod:`annotations.corpus`.

Every import returns an :class:`ImportReport`: titles imported, duplicates skipped and why,
parts refused and why. A file is imported whole or not at all: when any part is refused,
nothing of the file is kept. Uploads must be UTF-8 (the message gives the byte offset of the
first bad byte), hold no NUL, and weigh at most ``NEWSDESK_MAX_IMPORT_BYTES`` (20 MiB
unless the environment says otherwise). Bodies are limited by ``NEWSDESK_MAX_BODY_CHARS``.
An article already present (same URL, or same title and body) is skipped, so importing a
file twice changes nothing.

Plain text: the title is the first non-empty line and the body the lines after it, unless
a title is given (then the whole text is the body). HTML: the story's text is extracted
with trafilatura (navigation, ads and comments left out), title, author (byline), date,
canonical URL and site name (publisher) from the page's metadata. Articles made from text
or HTML get suggested quotes unless ``suggest=False``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.encoding import iri_to_uri

from . import text as textrules
from .documents import (
    LISTED,
    UPDATED,
    duplicate_of,
    error_text,
    parse_published_at,
    store_document,
)
from .models import Article, Outlet


@dataclass
class ImportReport:
    """What an import did: ``imported`` titles, ``skipped`` duplicates with the reason,
    ``refused`` parts with the reason. ``committed`` is false when something was refused
    and therefore nothing was kept."""

    imported: list[str] = field(default_factory=list)
    imported_ids: list[int] = field(default_factory=list)  # beside ``imported``, in order
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    suggested: int = 0
    listed: int = 0  # directory lines: speakers and outlets that no article names
    committed: bool = True

    def imported_articles(self) -> list[tuple[int, str]]:
        """(id, title) of each article made."""
        return list(zip(self.imported_ids, self.imported, strict=False))

    def summary(self) -> str:
        if not self.committed:
            return (
                f"Nothing imported: {len(self.refused)} refused "
                f"(fix {'it' if len(self.refused) == 1 else 'them'} and import the file again)"
            )
        text = (
            f"{len(self.imported)} imported, {len(self.skipped)} skipped as duplicates, "
            f"{len(self.refused)} refused"
        )
        if self.updated:
            text += f", {len(self.updated)} updated with a new revision"
        if self.suggested:
            text += f", {self.suggested} quotes suggested"
        return text


def max_import_bytes() -> int:
    return settings.NEWSDESK_MAX_IMPORT_BYTES


def decode_upload(data: bytes, name: str = "the file", *, max_bytes: int | None = None) -> str:
    """The text of an uploaded file, refused (``ValidationError``) when it is too big, not
    UTF-8 or holds NUL. A UTF-8 byte order mark is dropped. ``max_bytes=0`` means no
    limit."""
    limit = max_import_bytes() if max_bytes is None else max_bytes
    if limit and len(data) > limit:
        raise ValidationError(
            f"{name} is {len(data):,} bytes; the most Newsdesk imports at once is {limit:,} "
            "bytes. Split it into smaller files."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{name} is not valid UTF-8: byte {exc.start} (0x{data[exc.start]:02x}) cannot "
            "be decoded. Save the file as UTF-8 and try again."
        ) from exc
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValidationError(f"{name} contains a NUL character (\\x00) on line {line}.")
    return text


def _all_or_nothing(report: ImportReport, steps: Iterable[tuple[str, Callable[[], None]]]):
    """Run each step in a savepoint, recording refusals; when any step was refused, roll
    everything back so that the file changes nothing."""
    with transaction.atomic():
        for label, step in steps:
            try:
                with transaction.atomic():
                    step()
            except ValidationError as exc:
                report.refused.append(f"{label}: {error_text(exc)}")
        if report.refused:
            transaction.set_rollback(True)
            report.committed = False
            report.imported.clear()
            report.imported_ids.clear()
            report.updated.clear()
            report.suggested = 0
    return report


def _create_article(report: ImportReport, data: dict[str, Any], *, user, suggest: bool):
    """Make one article from ``data`` (title, body and metadata), or record it as a
    duplicate."""
    textrules.refuse_nul(data["body"], "body")
    body = textrules.normalize(data["body"]).strip()
    if not body:
        raise ValidationError("The article has no text.")
    existing, reason = duplicate_of({**data, "body": body}, body)
    if existing is not None and reason == "same URL" and existing.body != body:
        revision = existing.revise(body, by=user)  # an updated version: the quotes follow
        report.updated.append(f"{existing.title!r}: revision {revision.number}")
        return
    if existing is not None:
        report.skipped.append(f"{data['title']!r}: {reason} as article #{existing.pk}")
        return
    article = Article(
        title=data["title"],
        body=body,
        publisher=Outlet.objects.find_or_create(data["publisher"], by=user)
        if data.get("publisher")
        else None,
        url=data.get("url") or "",
        byline=data.get("byline") or "",
        published_at=data.get("published_at"),
        language=data.get("language") or "en",
    )
    article.stamp(user)
    article.full_clean()
    article.save()
    report.imported.append(article.title)
    report.imported_ids.append(article.pk)
    article.propose_boilerplate()
    if suggest:
        report.suggested += len(article.suggest_quotes(by=user))


def split_title(text: str) -> tuple[str, str]:
    """Title (the first non-empty line, at most 500 characters) and body (the lines after
    it) of a plain text; a text of one line is its own body."""
    lines = textrules.normalize(text).strip().split("\n")
    title = lines[0].strip()
    body = "\n".join(lines[1:]).strip()
    if not body:
        body = title
        title = title if len(title) <= 120 else title[:119].rstrip() + "…"
    return title[:500], body


def import_text(
    text: str,
    *,
    title: str | None = None,
    publisher: str | None = None,
    url: str = "",
    byline: str = "",
    published_at: str | None = None,
    user=None,
    suggest: bool = True,
    label: str = "pasted text",
) -> ImportReport:
    """Import one article from plain text (see the module doc for the title rule)."""
    report = ImportReport()

    def step():
        textrules.refuse_nul(text, "text")
        if title and title.strip():
            t, body = title.strip(), text
        else:
            if not text.strip():
                raise ValidationError("The text is empty.")
            t, body = split_title(text)
        data = {"title": t, "body": body, "publisher": publisher, "url": url, "byline": byline}
        data["published_at"] = parse_published_at(published_at)
        _create_article(report, data, user=user, suggest=suggest)

    return _all_or_nothing(report, [(label, step)])


def extract_html(html: str) -> dict[str, Any]:
    """The story's text and metadata from an HTML page, with trafilatura (no network).
    Raises ``ValidationError`` when the page holds no article text."""
    import trafilatura

    found = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if found is None or not (found.text or "").strip():
        raise ValidationError("No article text was found in the HTML page.")
    # A page's own link may hold characters outside ASCII: percent-encoded, as browsers do.
    url = iri_to_uri(found.url or "")
    if not textrules.is_web_url(url):
        url = ""
    return {
        "title": (found.title or "").strip()[:500],
        "body": found.text,
        "byline": (found.author or "").strip()[:300],
        "published_at": found.date or None,
        "url": url,
        "publisher": (found.sitename or "").strip()[:200] or None,
    }


def import_html(
    html: str,
    *,
    publisher: str | None = None,
    user=None,
    suggest: bool = True,
    label: str = "HTML page",
) -> ImportReport:
    report = ImportReport()

    def step():
        textrules.refuse_nul(html, "page")
        data = extract_html(html)
        if not data["title"]:
            data["title"], _ = split_title(data["body"])
        first, _, rest = data["body"].strip().partition("\n")
        if first.strip() == data["title"] and rest.strip():
            data["body"] = rest  # the headline is the title, not part of the story
        if publisher:
            data["publisher"] = publisher
        data["published_at"] = parse_published_at(data["published_at"])
        _create_article(report, data, user=user, suggest=suggest)

    return _all_or_nothing(report, [(label, step)])


def import_jsonl(text: str, *, user=None, label: str = "line") -> ImportReport:
    """Import article documents, one a line. Blank lines are ignored. Articles already
    present are skipped (and so are repeats inside the file)."""
    report = ImportReport()

    def steps():
        for lineno, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            yield f"{label} {lineno}", _jsonl_step(report, line, user)

    return _all_or_nothing(report, steps())


def parse_jsonl_line(line: str) -> Any:
    """One line of a JSON Lines file, or ``ValidationError`` saying why it is not JSON."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
    except RecursionError as exc:
        raise ValidationError("not valid JSON: nested too deep") from exc


def _jsonl_step(report: ImportReport, line: str, user) -> Callable[[], None]:
    def step():
        article, duplicate = store_document(parse_jsonl_line(line), user=user)
        if duplicate == LISTED:
            report.listed += 1
        elif duplicate == UPDATED:
            number = article.current_revision_number()
            report.updated.append(f"{article.title!r}: revision {number}")
        elif duplicate:
            report.skipped.append(f"{article.title!r}: {duplicate} as article #{article.pk}")
        else:
            report.imported.append(article.title)
            report.imported_ids.append(article.pk)

    return step


IMPORTABLE = (".txt", ".html", ".htm", ".jsonl", ".ndjson")


def import_file(
    name: str,
    data: bytes,
    *,
    publisher: str | None = None,
    user=None,
    suggest: bool = True,
    max_bytes: int | None = None,
) -> ImportReport:
    """Import an uploaded or local file by its extension: ``.txt``, ``.html``/``.htm``,
    ``.jsonl``/``.ndjson``. Refusals (size, encoding, NUL, unknown type) come back in the
    report."""
    suffix = Path(name).suffix.lower()
    try:
        if suffix not in IMPORTABLE:
            raise ValidationError(
                f"{name}: Newsdesk imports {', '.join(IMPORTABLE)} files, not {suffix or 'this'}."
            )
        text = decode_upload(data, name, max_bytes=max_bytes)
    except ValidationError as exc:
        return ImportReport(refused=[error_text(exc)], committed=False)
    if suffix == ".txt":
        return import_text(text, publisher=publisher, user=user, suggest=suggest, label=name)
    if suffix in (".html", ".htm"):
        return import_html(text, publisher=publisher, user=user, suggest=suggest, label=name)
    return import_jsonl(text, user=user, label=f"{name} line")
