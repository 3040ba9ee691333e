"""Bringing articles into Newsdesk: article documents (JSON Lines), plain text, HTML pages
and brat standoff attribution corpora.

Article documents
-----------------

An *article document* is Newsdesk's own, lossless description of one article with its
quotes and everything they point at. The sample data in ``seeds/`` uses it, and so does the
JSON Lines export (one document a line, see :mod:`annotations.exporting`).

    {
      "format": "newsdesk-article/1",
      "article": {"title", "body" | "body_file", "publisher", "url", "byline",
                  "published_at", "language", "status",
                  "boilerplate": [{"start", "end", "note"}]},
      "outlets": [{"name", "kind", "home_page", "aliases"}],
      "speakers": [{"name", "key", "kind", "role", "affiliation", "wikidata_id", "aliases"}],
      "quotes": [{"kind", "status", "fragments": [[start, end], ...], "text", "speaker",
                  "speaker_mention": [start, end] | null, "cue", "cue_span": [start, end] | null,
                  "via": [{"type": "outlet" | "speaker", "name"}], "note"}]
    }

Required: ``format``, ``article.title``, ``article.body`` (``body_file``, a path beside the
document, only for seed files read from disk, never for uploads), and in each list entry
``name`` / ``kind`` and ``fragments`` / ``type`` and ``name``. Everything else is optional;
a key not listed here is refused by name. Offsets are code points into the body after
normalisation (:func:`annotations.text.normalize`); ``published_at`` is ISO 8601 (a bare
date means noon UTC). Quotes, ``speaker`` and ``via`` hops name speakers and outlets; a name
missing from the lists is matched (name, then alias) or created.

Speakers are matched by Wikidata id, then by name, then by alias. Two distinct speakers of
the same name carry a ``key`` (``"Ana Silva [1]"``, ``"Ana Silva [2]"``); quotes and hops
refer to them by key, and a keyed speaker only matches a stored one with the same name,
kind, role, affiliation and Wikidata id, so that namesakes stay apart through a round trip.

An article already present (same URL, or same title and body) is skipped, so importing a
file twice changes nothing.

Reports and refusals
--------------------

Every import returns an :class:`ImportReport`: titles imported, duplicates skipped and why,
parts refused and why. A file is imported whole or not at all: when any part is refused,
nothing of the file is kept. Uploads must be UTF-8 (the message gives the byte offset of the
first bad byte), hold no NUL, and weigh at most ``NEWSDESK_MAX_IMPORT_BYTES`` (20 MiB
unless the environment says otherwise). Bodies are limited by ``NEWSDESK_MAX_BODY_CHARS``.

Plain text: the title is the first non-empty line and the body the lines after it, unless
a title is given (then the whole text is the body). HTML: the story's text is extracted
with trafilatura (navigation, ads and comments left out), title, author (byline), date,
canonical URL and site name (publisher) from the page's metadata. Articles made from text
or HTML get suggested quotes unless ``suggest=False``.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime
from simple_history.utils import bulk_create_with_history

from . import brat
from . import text as textrules
from .models import (
    FRAGMENT_JOINER,
    Article,
    BoilerplateRange,
    Fragment,
    Hop,
    Outlet,
    OutletAlias,
    Quote,
    Speaker,
    SpeakerAlias,
)

DOCUMENT_FORMAT = "newsdesk-article/1"


@dataclass
class ImportReport:
    """What an import did: ``imported`` titles, ``skipped`` duplicates with the reason,
    ``refused`` parts with the reason. ``committed`` is false when something was refused
    and therefore nothing was kept."""

    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    suggested: int = 0
    committed: bool = True

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
        if self.suggested:
            text += f", {self.suggested} quotes suggested"
        return text


def error_text(exc: ValidationError) -> str:
    return "; ".join(exc.messages)


# --------------------------------------------------------------------------- matching


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


def find_outlet(name: str) -> Outlet | None:
    """An outlet by name or alias, case-insensitively."""
    outlet = Outlet.objects.filter(name__iexact=name).first()
    if outlet is None:
        alias = OutletAlias.objects.select_related("outlet").filter(name__iexact=name).first()
        outlet = alias.outlet if alias else None
    return outlet


def find_speaker(name: str) -> Speaker | None:
    """A speaker by name, or by alias when no name matches, case-insensitively."""
    speaker = Speaker.objects.filter(name__iexact=name).order_by("pk").first()
    if speaker is None:
        speaker = Speaker.objects.filter(aliases__name__iexact=name).order_by("pk").first()
    return speaker


def match_speaker(data: dict[str, Any]) -> Speaker | None:
    """The stored speaker a document's speaker entry stands for (see the module doc)."""
    if data.get("wikidata_id"):
        found = Speaker.objects.filter(wikidata_id=data["wikidata_id"]).order_by("pk").first()
        if found is not None:
            return found
    if data.get("key"):
        return (
            Speaker.objects.filter(
                name__iexact=data["name"],
                kind=data.get("kind") or Speaker.Kind.PERSON,
                role=data.get("role") or "",
                affiliation=data.get("affiliation") or "",
                wikidata_id=data.get("wikidata_id") or "",
            )
            .order_by("pk")
            .first()
        )
    return find_speaker(data["name"])


def upsert_outlet(data: dict[str, Any], user=None) -> Outlet:
    outlet = find_outlet(data["name"])
    if outlet is None:
        outlet = Outlet(
            name=data["name"],
            kind=data.get("kind") or Outlet.Kind.OTHER,
            home_page=data.get("home_page") or "",
        )
        outlet.stamp(user)
        outlet.full_clean()
        outlet.save()
    outlet.add_aliases(data.get("aliases") or [])
    return outlet


def upsert_speaker(data: dict[str, Any], user=None) -> Speaker:
    speaker = match_speaker(data)
    if speaker is None:
        speaker = Speaker(
            name=data["name"],
            kind=data.get("kind") or Speaker.Kind.PERSON,
            role=data.get("role") or "",
            affiliation=data.get("affiliation") or "",
            wikidata_id=data.get("wikidata_id") or "",
        )
        speaker.stamp(user)
        speaker.full_clean()
        speaker.save()
    speaker.add_aliases(data.get("aliases") or [])
    return speaker


def _span(value) -> tuple[int, int] | tuple[None, None]:
    if value is None:
        return (None, None)
    start, end = value
    return int(start), int(end)


def find_duplicate(data: dict[str, Any], body: str) -> Article | None:
    """The article already in Newsdesk that ``data`` describes: same URL, or same title and
    body."""
    return duplicate_of(data, body)[0]


def duplicate_of(data: dict[str, Any], body: str) -> tuple[Article | None, str]:
    """The stored article ``data`` duplicates and why (``"same URL"``, ``"same title and
    body"``), or ``(None, "")``."""
    if data.get("url"):
        found = Article.objects.filter(url=data["url"]).first()
        if found:
            return found, "same URL"
    found = Article.objects.filter(title=data["title"], body=body).first()
    return (found, "same title and body") if found else (None, "")


# --------------------------------------------------------------------------- validation

_DOC_KEYS = ({"format", "article"}, {"outlets", "speakers", "quotes"})
_ARTICLE_KEYS = (
    {"title"},
    {
        "body",
        "body_file",
        "publisher",
        "url",
        "byline",
        "published_at",
        "language",
        "status",
        "boilerplate",
    },
)
_BOILERPLATE_KEYS = ({"start", "end"}, {"note"})
_OUTLET_KEYS = ({"name"}, {"kind", "home_page", "aliases"})
_SPEAKER_KEYS = ({"name"}, {"key", "kind", "role", "affiliation", "wikidata_id", "aliases"})
_QUOTE_KEYS = (
    {"kind", "fragments"},
    {"status", "text", "speaker", "speaker_mention", "cue", "cue_span", "via", "note"},
)
_HOP_KEYS = ({"type", "name"}, set())


def _check_object(value: Any, where: str, keys: tuple[set[str], set[str]]) -> dict:
    required, optional = keys
    if not isinstance(value, dict):
        raise ValidationError(f"{where} must be a JSON object, not {type(value).__name__}.")
    unknown = sorted(set(value) - required - optional)
    if unknown:
        raise ValidationError(
            f"{where} has an unknown key {unknown[0]!r}; allowed keys are "
            f"{', '.join(sorted(required | optional))}."
        )
    missing = sorted(required - set(value))
    if missing:
        raise ValidationError(f"{where} is missing the required key {missing[0]!r}.")
    return value


def _check_str(obj: dict, key: str, where: str, *, nullable: bool = True) -> None:
    value = obj.get(key)
    if value is None and (nullable or key not in obj):
        return
    if not isinstance(value, str):
        raise ValidationError(f"{where}.{key} must be a string.")
    textrules.refuse_nul(value, f"{where}.{key}")


def _check_list(obj: dict, key: str, where: str) -> list:
    value = obj.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"{where}.{key} must be a list.")
    return value


def _check_pair(value: Any, where: str) -> None:
    if value is None:
        return
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise ValidationError(f"{where} must be a pair of whole numbers [start, end].")


def validate_document(doc: Any, *, allow_body_file: bool = False) -> None:
    """Check a document's shape: known keys only, required keys present, types right.
    Offsets against the body are checked on import. Raises ``ValidationError`` naming the
    place of the first problem."""
    _check_object(doc, "the document", _DOC_KEYS)
    if doc["format"] != DOCUMENT_FORMAT:
        raise ValidationError(
            f"Unknown document format {doc['format']!r}; expected {DOCUMENT_FORMAT!r}."
        )
    article = _check_object(doc["article"], "article", _ARTICLE_KEYS)
    for key in ("title", "body", "publisher", "url", "byline", "published_at", "language"):
        _check_str(article, key, "article")
    _check_str(article, "status", "article")
    if "body" not in article and not (allow_body_file and "body_file" in article):
        raise ValidationError("article is missing the required key 'body'.")
    if "body_file" in article and not allow_body_file:
        raise ValidationError("article.body_file is only read from seed files; give the body.")
    for n, b in enumerate(_check_list(article, "boilerplate", "article")):
        where = f"article.boilerplate[{n}]"
        _check_object(b, where, _BOILERPLATE_KEYS)
        _check_pair([b["start"], b["end"]], where)
        _check_str(b, "note", where)
    for n, o in enumerate(_check_list(doc, "outlets", "the document")):
        where = f"outlets[{n}]"
        _check_object(o, where, _OUTLET_KEYS)
        for key in ("name", "kind", "home_page"):
            _check_str(o, key, where)
        if not all(isinstance(a, str) for a in _check_list(o, "aliases", where)):
            raise ValidationError(f"{where}.aliases must be a list of strings.")
    for n, s in enumerate(_check_list(doc, "speakers", "the document")):
        where = f"speakers[{n}]"
        _check_object(s, where, _SPEAKER_KEYS)
        for key in ("name", "key", "kind", "role", "affiliation", "wikidata_id"):
            _check_str(s, key, where)
        if not all(isinstance(a, str) for a in _check_list(s, "aliases", where)):
            raise ValidationError(f"{where}.aliases must be a list of strings.")
    for n, q in enumerate(_check_list(doc, "quotes", "the document")):
        where = f"quotes[{n}]"
        _check_object(q, where, _QUOTE_KEYS)
        for key in ("kind", "status", "text", "speaker", "cue", "note"):
            _check_str(q, key, where)
        fragments = _check_list(q, "fragments", where)
        for i, f in enumerate(fragments):
            _check_pair(f, f"{where}.fragments[{i}]")
        _check_pair(q.get("speaker_mention"), f"{where}.speaker_mention")
        _check_pair(q.get("cue_span"), f"{where}.cue_span")
        for i, hop in enumerate(_check_list(q, "via", where)):
            _check_object(hop, f"{where}.via[{i}]", _HOP_KEYS)
            _check_str(hop, "name", f"{where}.via[{i}]", nullable=False)


# --------------------------------------------------------------------------- documents


def _import_document(
    doc: dict[str, Any], *, base_dir: Path | None = None, user=None
) -> tuple[Article, str]:
    """Create the article a document describes; returns ``(article, "")``, or the
    duplicate already stored and the reason it counts as one."""
    validate_document(doc, allow_body_file=base_dir is not None)
    data = doc["article"]
    if "body" in data:
        raw_body = data["body"]
    else:
        raw_body = (base_dir / data["body_file"]).read_text(encoding="utf-8")
    textrules.refuse_nul(raw_body, "body")
    body = textrules.normalize(raw_body)
    existing, reason = duplicate_of(data, body)
    if existing is not None:
        return existing, reason

    outlets = {o["name"]: upsert_outlet(o, user) for o in doc.get("outlets") or []}
    speakers = {
        s.get("key") or s["name"]: upsert_speaker(s, user) for s in doc.get("speakers") or []
    }

    def outlet_named(name: str) -> Outlet:
        if name not in outlets:
            outlets[name] = upsert_outlet({"name": name}, user)
        return outlets[name]

    def speaker_named(name: str) -> Speaker:
        if name not in speakers:
            speakers[name] = upsert_speaker({"name": name}, user)
        return speakers[name]

    article = Article(
        title=data["title"],
        body=body,
        publisher=outlet_named(data["publisher"]) if data.get("publisher") else None,
        url=data.get("url") or "",
        byline=data.get("byline") or "",
        published_at=parse_published_at(data.get("published_at")),
        language=data.get("language") or "en",
        status=data.get("status") or Article.Status.NEW,
    )
    article.stamp(user)
    article.full_clean()
    article.save()
    for b in data.get("boilerplate") or []:
        textrules.check_span(body, b["start"], b["end"], what="boilerplate range")
        BoilerplateRange.objects.create(
            article=article, start=b["start"], end=b["end"], note=b.get("note") or ""
        )

    for n, q in enumerate(doc.get("quotes") or []):
        try:
            _import_quote(article, q, speaker_named, outlet_named, user)
        except ValidationError as exc:
            raise ValidationError(f"quotes[{n}]: {error_text(exc)}") from exc
    return article, ""


def _import_quote(article: Article, q: dict, speaker_named, outlet_named, user) -> Quote:
    body = article.body
    mention_start, mention_end = _span(q.get("speaker_mention"))
    cue_start, cue_end = _span(q.get("cue_span"))
    quote = Quote(
        article=article,
        kind=q["kind"],
        status=q.get("status") or Quote.Status.CONFIRMED,
        speaker=speaker_named(q["speaker"]) if q.get("speaker") else None,
        mention_start=mention_start,
        mention_end=mention_end,
        cue=q.get("cue") or "",
        cue_start=cue_start,
        cue_end=cue_end,
        note=q.get("note") or "",
    )
    quote.stamp(user)
    spans = Quote.check_fragments(body, [tuple(f) for f in q["fragments"]])
    joined = FRAGMENT_JOINER.join(body[s:e] for s, e in spans)
    if q.get("text") is not None and q["text"] != joined:
        raise ValidationError(
            f"The quote's text {q['text'][:60]!r} does not match the body at its fragments "
            f"({joined[:60]!r})."
        )
    quote.start, quote.end, quote.text = spans[0][0], spans[-1][1], joined
    # fields and spans are checked here; the named constraints hold nothing more
    quote.full_clean(validate_constraints=False)
    quote.set_fragments(spans)
    hops = []
    for hop in q.get("via") or []:
        if hop["type"] == "outlet":
            hops.append(Hop(outlet=outlet_named(hop["name"])))
        elif hop["type"] == "speaker":
            hops.append(Hop(speaker=speaker_named(hop["name"])))
        else:
            raise ValidationError(
                f"A via hop must be of type outlet or speaker, not {hop['type']!r}."
            )
    quote.set_via(hops)
    return quote


@transaction.atomic
def import_document(doc: dict[str, Any], *, base_dir: Path | None = None, user=None):
    """Create the article a document describes, with its quotes, speakers and outlets.

    Returns ``(article, created)``; an article already present (same URL, or same title and
    body) is left as it is and returned with ``created`` false. Raises ``ValidationError``
    and changes nothing when any part of the document is wrong.
    """
    article, duplicate = _import_document(doc, base_dir=base_dir, user=user)
    return article, not duplicate


# --------------------------------------------------------------------------- uploads


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
    if existing is not None:
        report.skipped.append(f"{data['title']!r}: {reason} as article #{existing.pk}")
        return
    article = Article(
        title=data["title"],
        body=body,
        publisher=upsert_outlet({"name": data["publisher"]}, user)
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
    url = found.url or ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
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


def _jsonl_step(report: ImportReport, line: str, user) -> Callable[[], None]:
    def step():
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
        article, duplicate = _import_document(doc, user=user)
        if duplicate:
            report.skipped.append(f"{article.title!r}: {duplicate} as article #{article.pk}")
        else:
            report.imported.append(article.title)

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


# --------------------------------------------------------------------------- brat corpora

#: publisher codes of PolNeAR's metadata.tsv
PUBLISHERS = {
    "huff-post": ("HuffPost", Outlet.Kind.ONLINE),
    "breitbart": ("Breitbart News", Outlet.Kind.ONLINE),
    "nyt": ("The New York Times", Outlet.Kind.NEWSPAPER),
    "politico": ("Politico", Outlet.Kind.ONLINE),
    "wash-post": ("The Washington Post", Outlet.Kind.NEWSPAPER),
    "west-journal": ("The Western Journal", Outlet.Kind.ONLINE),
    "usa-today": ("USA Today", Outlet.Kind.NEWSPAPER),
}
#: double quotation marks: opening -> closing marks (single marks double as apostrophes)
QUOTATION_MARKS = {"\u201c": "\u201d", '"': '"', "\u00ab": "\u00bb", "\u201e": "\u201c\u201d"}
DOUBLE_MARKS = frozenset('\u201c\u201d"\u00ab\u00bb\u201e')
PRONOUNS = frozenset(
    [
        "he",
        "she",
        "they",
        "it",
        "who",
        "i",
        "we",
        "you",
        "him",
        "her",
        "them",
        "his",
        "hers",
        "their",
        "its",
        "which",
        "that",
        "this",
        "these",
        "those",
        "one",
        "someone",
        "whom",
    ]
)
ORGANISATION_WORDS = frozenset(
    [
        "post",
        "times",
        "news",
        "journal",
        "tribune",
        "herald",
        "press",
        "agency",
        "associated",
        "reuters",
        "campaign",
        "committee",
        "department",
        "ministry",
        "party",
        "service",
        "administration",
        "office",
        "pentagon",
        "house",
        "senate",
        "congress",
        "court",
        "university",
        "institute",
        "foundation",
        "center",
        "centre",
        "council",
        "association",
        "commission",
        "bureau",
        "fbi",
        "cia",
        "nsa",
        "poll",
        "network",
        "cnn",
        "msnbc",
        "fox",
        "abc",
        "nbc",
        "cbs",
        "group",
        "company",
        "corp",
        "inc",
        "organization",
        "organisation",
        "union",
        "league",
    ]
)
NOT_PERSON_TITLES = frozenset(
    [
        "state",
        "house",
        "senate",
        "majority",
        "minority",
        "u.s",
        "us",
        "gop",
        "democratic",
        "republican",
        "democrat",
    ]
)
_TRAILING_PUNCT = ".,;:!?\u2026"


@dataclass
class BratReport:
    """Counts of a brat corpus import. Every attribution with Content in the first annotator
    file of each article is either imported as a quote or listed in ``skipped_attributions``
    with a reason."""

    articles: int = 0
    articles_imported: list[str] = field(default_factory=list)
    articles_skipped: list[str] = field(default_factory=list)
    articles_refused: list[str] = field(default_factory=list)
    corpus_attributions: int = 0
    quotes_imported: int = 0
    kinds: Counter = field(default_factory=Counter)
    skipped_attributions: list[tuple[str, str, str]] = field(default_factory=list)
    speakers_created: int = 0

    @property
    def skip_reasons(self) -> Counter:
        return Counter(reason for _, _, reason in self.skipped_attributions)

    @property
    def balanced(self) -> bool:
        return self.quotes_imported + len(self.skipped_attributions) == self.corpus_attributions

    def summary(self) -> str:
        lines = [
            f"articles: {self.articles} in the corpus, {len(self.articles_imported)} imported, "
            f"{len(self.articles_skipped)} skipped as already imported, "
            f"{len(self.articles_refused)} refused",
            f"attributions with content: {self.corpus_attributions} in the corpus, "
            f"{self.quotes_imported} imported as quotes "
            f"({', '.join(f'{k} {n}' for k, n in sorted(self.kinds.items()))}), "
            f"{len(self.skipped_attributions)} skipped",
        ]
        for reason, n in sorted(self.skip_reasons.items()):
            lines.append(f"  skipped, {reason}: {n}")
        lines += [f"  refused {r}" for r in self.articles_refused]
        lines.append(f"speakers created: {self.speakers_created}")
        lines.append(
            "imported + skipped = corpus: "
            + ("yes" if self.balanced else "NO")
            + f" ({self.quotes_imported} + {len(self.skipped_attributions)} = "
            f"{self.quotes_imported + len(self.skipped_attributions)}, "
            f"corpus {self.corpus_attributions})"
        )
        return "\n".join(lines)


def read_brat_metadata(split_dir: Path) -> dict[str, dict[str, str]]:
    """Rows of ``metadata.tsv`` (in the split folder or the one above it) by file name."""
    for folder in (split_dir, split_dir.parent):
        path = folder / "metadata.tsv"
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as f:
                return {row["filename"]: row for row in csv.DictReader(f, delimiter="\t")}
    return {}


class _OffsetMap:
    """Maps offsets into a raw text to offsets into its normalised form (identity when
    normalising changed nothing). The raw text is normalised piece by piece (a character
    with its combining marks, or CR LF); an offset inside a piece maps to its start."""

    def __init__(self, raw: str, body: str):
        self.identity = raw == body
        if self.identity:
            return
        n, pos, i = len(raw), 0, 0
        self.offsets = [0] * (n + 1)
        while i < n:
            j = i + 1
            while j < n and unicodedata.combining(raw[j]):
                j += 1
            if raw[i] == "\r" and j < n and raw[j] == "\n":
                j += 1
            for k in range(i, j):
                self.offsets[k] = pos
            pos += len(textrules.normalize(raw[i:j]))
            i = j
        self.offsets[n] = pos
        if pos != len(body):  # a composition across pieces: fall back to an alignment
            matcher = difflib.SequenceMatcher(None, raw, body, autojunk=False)
            for _, i1, i2, j1, j2 in matcher.get_opcodes():
                for k in range(i1, i2 + 1):
                    self.offsets[k] = j1 + (k - i1) if i2 - i1 == j2 - j1 else j1
            self.offsets[n] = len(body)

    def __call__(self, i: int) -> int:
        return i if self.identity else self.offsets[i]


def quoted_part(body: str, start: int, end: int) -> tuple[int, int] | None:
    """When ``body[start:end]`` is wholly one quotation (marks included, or standing just
    outside the span), the span between the marks, blanks trimmed; else None."""
    if textrules.inside_quotation_marks(body, start, end):
        before = body[:start].rstrip()
        if before and before[-1] in QUOTATION_MARKS:
            return start, end
    text = body[start:end]
    if not text or text[0] not in QUOTATION_MARKS:
        return None
    closers = QUOTATION_MARKS[text[0]]
    tail = len(text)
    while tail > 1 and text[tail - 1] in _TRAILING_PUNCT:
        tail -= 1
    close = next((i for i in range(1, len(text)) if text[i] in closers), -1)
    if close != tail - 1:
        return None
    return textrules.trim_span(body, start + 1, start + close)


def quote_kind(body: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The kind of a statement from its quotation marks, and its fragments (shrunk to
    inside the marks for a direct quote)."""
    inner = [quoted_part(body, s, e) for s, e in spans]
    if all(p is not None and p[0] < p[1] for p in inner):
        return Quote.Kind.DIRECT, inner
    text = "".join(body[s:e] for s, e in spans)
    if any(p is not None for p in inner) or DOUBLE_MARKS.intersection(text):
        return Quote.Kind.MIXED, spans
    return Quote.Kind.INDIRECT, spans


def _name_words(name: str) -> list[str]:
    return [w for w in re.split(r"\s+", name) if w]


def is_proper_name(name: str) -> bool:
    words = _name_words(name)
    return (
        bool(words)
        and words[-1][:1].isupper()
        and words[-1].casefold() not in PRONOUNS
        and name.casefold() not in PRONOUNS
    )


def clean_speaker_name(source: str) -> str:
    """A speaker's name from a source span: the suggester's cleaning (appositions, leading
    titles), then whatever stands before the last personal title of a name such as
    "Pennsylvania Gov. Ed Rendell" or "White House Press Secretary Josh Earnest"."""
    from .suggesting import NAME_SUFFIXES, TITLES, speaker_name_from_source

    name = speaker_name_from_source(source)
    words = _name_words(name)
    if not is_proper_name(name) or speaker_kind(name) != Speaker.Kind.PERSON:
        return name
    person_titles = TITLES - NOT_PERSON_TITLES
    cut = 0
    for i, word in enumerate(words[:-1]):
        bare = word.casefold()
        dotted = bare.endswith(".") and bare.count(".") == 1 and len(bare) <= 5
        if (bare.rstrip(".") in person_titles or dotted) and bare not in NAME_SUFFIXES:
            cut = i + 1
    return " ".join(words[cut:]) if cut else name


def speaker_kind(name: str) -> str:
    words = [w.strip(".,").casefold() for w in _name_words(name)]
    if any(w in ORGANISATION_WORDS for w in words) or (name.isupper() and len(name) <= 5):
        return Speaker.Kind.ORGANISATION
    if (
        len(words) == 1
        and words[0].endswith("s")
        and words[0][:-1]
        in {
            "republican",
            "democrat",
            "liberal",
            "conservative",
            "american",
            "voter",
        }
    ):
        return Speaker.Kind.GROUP
    return Speaker.Kind.PERSON


class _SpeakerBook:
    """Speakers of a corpus import: the same name (case aside) is the same speaker across
    articles; a lone surname joins the one full name the corpus gives for it, or else the
    one stored speaker that has it as an alias."""

    def __init__(self, report: BratReport, user, full_names: dict[str, set[str]]):
        self.report, self.user, self.full_names = report, user, full_names
        self.by_name: dict[str, Speaker] = {}
        self.outlets: dict[str, Outlet] = {}
        self.stored: dict[str, int] | None = None
        self.aliases: dict[str, set[int]] = defaultdict(set)

    def _load(self) -> None:
        # one pass over the stored speakers rather than a case-insensitive scan per name
        self.stored = {}
        for pk, name in Speaker.objects.order_by("-pk").values_list("pk", "name").iterator():
            self.stored[name.casefold()] = pk
        for pk, name in SpeakerAlias.objects.values_list("speaker_id", "name").iterator():
            self.aliases[name.casefold()].add(pk)

    def forget(self) -> None:
        """Drop what is cached (after a rollback took speakers away)."""
        self.by_name.clear()
        self.stored = None
        self.aliases.clear()

    def get(self, name: str) -> Speaker:
        words = _name_words(name)
        if len(words) == 1 and len(self.full_names.get(name.casefold(), ())) == 1:
            name = next(iter(self.full_names[name.casefold()]))
            words = _name_words(name)
        key = name.casefold()
        if key in self.by_name:
            return self.by_name[key]
        if self.stored is None:
            self._load()
        pk = self.stored.get(key)
        if pk is None and len(words) == 1 and len(self.aliases.get(key, ())) == 1:
            pk = next(iter(self.aliases[key]))
        if pk is not None:
            speaker = Speaker.objects.get(pk=pk)
        else:
            speaker = Speaker(name=name[:200], kind=speaker_kind(name))
            speaker.stamp(self.user)
            speaker.save()
            self.stored[key] = speaker.pk
            self.report.speakers_created += 1
        self.by_name[key] = speaker
        return speaker

    def add_aliases(self, speaker: Speaker, names: Iterable[str]) -> None:
        speaker.add_aliases(names)
        for name in names:
            self.aliases[name.casefold()].add(speaker.pk)


def _resolve_names(mentions: list[tuple[int, str, str]]) -> dict[int, str]:
    """Speaker names for an article's sources: ``(position, raw source, cleaned name)``.

    A surname alone becomes the article's full name ending with it when there is exactly
    one; a pronoun becomes the nearest named speaker before it; a source without a name
    (``"officials"``, ``"the former secretary of state"``) gets none."""
    named = {name for _, raw, name in mentions if is_proper_name(name)}
    full: dict[str, set[str]] = defaultdict(set)
    for name in named:
        words = _name_words(name)
        if len(words) > 1:
            full[words[-1].casefold()].add(name)
    resolved: dict[int, str] = {}
    for position, _raw, name in sorted(mentions):
        if not is_proper_name(name):
            continue
        words = _name_words(name)
        if len(words) == 1 and len(full.get(words[0].casefold(), ())) == 1:
            name = next(iter(full[words[0].casefold()]))
        resolved[position] = name
    result: dict[int, str] = {}
    last = ""
    for position, raw, _ in sorted(mentions):
        if position in resolved:
            last = result[position] = resolved[position]
        elif raw.strip().casefold() in PRONOUNS and last:
            result[position] = last
    return result


@dataclass
class _BratArticle:
    name: str
    raw: str
    body: str
    doc: Any
    attributions: list
    meta: dict[str, str]
    at: _OffsetMap
    names: dict[int, str] = field(default_factory=dict)

    def spans(self, span) -> list[tuple[int, int]]:
        """A brat span's fragments in the normalised body, blanks trimmed, empty ones
        dropped."""
        if span is None:
            return []
        pieces = [textrules.trim_span(self.body, self.at(s), self.at(e)) for s, e in span.fragments]
        return [(s, e) for s, e in pieces if s < e]


def _read_brat_article(name: str, txt: Path, ann: Path, meta: dict[str, str]) -> _BratArticle:

    try:
        raw = txt.read_text(encoding="utf-8")
        doc = brat.parse_ann(ann.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValidationError(f"not valid UTF-8 at byte {exc.start}") from exc
    except brat.BratFormatError as exc:
        raise ValidationError(f"{ann.name}: {exc}") from exc
    attributions = [a for a in doc.attributions if a.content]
    _check_brat_spans(name, raw, doc, attributions)
    textrules.refuse_nul(raw, "text")
    body = textrules.normalize(raw)
    article = _BratArticle(name, raw, body, doc, attributions, meta, _OffsetMap(raw, body))
    mentions = []
    for att in attributions:
        pieces = article.spans(doc.span(att.source))
        if pieces:
            source = " ".join(body[s:e] for s, e in pieces)
            mentions.append((pieces[0][0], source, clean_speaker_name(source)))
    article.names = _resolve_names(mentions)
    return article


def import_brat(split_dir: str | Path, *, user=None, on_article=None) -> BratReport:
    """Import a brat attribution corpus split (``text/`` and ``attributions/``, PolNeAR
    layout): each article with its attributions as confirmed quotes.

    Every file is read and checked before anything is stored. Articles already imported
    (same title and body) are skipped; an article whose annotation file does not fit its
    text (offsets outside it, recorded span texts that differ) is refused whole, and the
    others still import. Each refused or skipped article's attributions are listed as
    skipped, so that imported plus skipped equals the corpus's count. ``on_article(done,
    total)`` reports progress as articles are stored (a progress bar)."""
    split = Path(split_dir)
    if not (split / "text").is_dir():
        raise ValidationError(f"{split} has no text/ folder: not a brat corpus split.")
    metadata = read_brat_metadata(split)
    report = BratReport()
    prepared: list[_BratArticle] = []
    for name, txt, ann in brat.corpus_files(split):
        report.articles += 1
        if ann is None:
            report.articles_skipped.append(f"{name}: no annotation file")
            continue
        try:
            prepared.append(_read_brat_article(name, txt, ann, metadata.get(name, {})))
        except ValidationError as exc:
            report.articles_refused.append(f"{name}: {error_text(exc)}")

            try:
                count = sum(
                    1
                    for a in brat.parse_ann(ann.read_text(encoding="utf-8")).attributions
                    if a.content
                )
            except (UnicodeDecodeError, brat.BratFormatError):
                count = 0
            report.corpus_attributions += count
            report.skipped_attributions += [(name, "?", "article refused")] * count
    full_names: dict[str, set[str]] = defaultdict(set)
    for article in prepared:
        for speaker in article.names.values():
            words = _name_words(speaker)
            if len(words) > 1:
                full_names[words[-1].casefold()].add(speaker)
    book = _SpeakerBook(report, user, full_names)
    for done, article in enumerate(prepared, start=1):
        if on_article is not None:
            on_article(done - 1, len(prepared))
        report.corpus_attributions += len(article.attributions)
        try:
            with transaction.atomic():
                created, skipped = _import_brat_article(article, book, user)
        except ValidationError as exc:
            report.articles_refused.append(f"{article.name}: {error_text(exc)}")
            report.skipped_attributions += [
                (article.name, a.id, "article refused") for a in article.attributions
            ]
            book.forget()
            continue
        if created is None:
            report.articles_skipped.append(f"{article.name}: already imported")
            report.skipped_attributions += [
                (article.name, a.id, "article already imported") for a in article.attributions
            ]
            continue
        report.articles_imported.append(article.name)
        report.skipped_attributions += [(article.name, aid, why) for aid, why in skipped]
        for kind in created:
            report.kinds[kind] += 1
        report.quotes_imported += len(created)
    if on_article is not None:
        on_article(len(prepared), len(prepared))
    return report


def _check_brat_spans(name: str, raw: str, doc, attributions) -> None:
    """Refuse an annotation file that does not fit its text: a span outside it, or a
    recorded span text that differs from the text (trailing newlines aside)."""
    for att in attributions:
        for span_id in (att.content, att.cue, att.source):
            span = doc.span(span_id)
            if span is None:
                continue
            if span.end > len(raw):
                raise ValidationError(
                    f"{span.id} ({span.label} {span.start}-{span.end}) lies outside the text "
                    f"({len(raw)} characters): the annotation file does not belong to "
                    f"{name}.txt."
                )
            if not span.matches(raw):
                raise ValidationError(
                    f"{span.id} ({span.label} {span.start}-{span.end}) records "
                    f"{span.text[:40]!r} but {name}.txt has "
                    f"{span.text_in(raw)[:40]!r} there: the annotation file does not match "
                    "the text."
                )


def _import_brat_article(src: _BratArticle, book: _SpeakerBook, user):
    """One article of a brat corpus; returns (kinds of the quotes made, [(E id, reason)]),
    or (None, []) when the article is already stored."""
    body, meta, doc = src.body, src.meta, src.doc
    title = ((meta.get("title") or "").strip() or split_title(body)[0])[:500]
    if Article.objects.filter(title=title, body=body).exists():
        return None, []
    publisher = None
    code = (meta.get("publisher") or "").strip()
    if code:
        outlet_name, kind = PUBLISHERS.get(code, (code, Outlet.Kind.OTHER))
        if outlet_name not in book.outlets:
            book.outlets[outlet_name] = upsert_outlet({"name": outlet_name, "kind": kind}, user)
        publisher = book.outlets[outlet_name]
    author = (meta.get("author") or "").strip()
    article = Article(
        title=title,
        body=body,
        publisher=publisher,
        byline="" if author in ("", "None") else author[:300],
        published_at=parse_published_at((meta.get("publication_date") or "").strip() or None),
        status=Article.Status.DONE,
    )
    article.stamp(user)
    article.full_clean(validate_constraints=False)  # the database holds them
    article.save()

    aliases: dict[str, set[str]] = defaultdict(set)
    kinds, skipped, quotes, fragments = [], [], [], []
    for att in src.attributions:
        content = doc.span(att.content)
        if content is None:
            skipped.append((att.id, "content span missing from the file"))
            continue
        spans = sorted(src.spans(content))
        if not spans:
            skipped.append((att.id, "empty content"))
            continue
        if any(spans[i][0] < spans[i - 1][1] for i in range(1, len(spans))):
            skipped.append((att.id, "overlapping content fragments"))
            continue
        kind, spans = quote_kind(body, spans)
        quote = Quote(
            article=article,
            kind=kind,
            status=Quote.Status.CONFIRMED,
            start=spans[0][0],
            end=spans[-1][1],
            text=FRAGMENT_JOINER.join(body[s:e] for s, e in spans),
        )
        cue_spans = src.spans(doc.span(att.cue))
        if cue_spans:
            quote.cue_start, quote.cue_end = cue_spans[0]
            quote.cue = " ".join(body[s:e] for s, e in cue_spans)[:200]
        source_spans = src.spans(doc.span(att.source))
        if source_spans:
            quote.mention_start, quote.mention_end = source_spans[0]
            speaker_name = src.names.get(source_spans[0][0])
            if speaker_name:
                quote.speaker = book.get(speaker_name)
                mention = " ".join(body[s:e] for s, e in source_spans)
                words = _name_words(mention)
                full = quote.speaker.name
                if len(words) == 1 and full.casefold().endswith(" " + words[0].casefold()):
                    aliases[full].add(words[0])
        quote.stamp(user)
        quote.clean()
        quotes.append(quote)
        fragments.append(spans)
        kinds.append(kind)
    quotes = bulk_create_with_history(quotes, Quote, batch_size=500, default_user=user)
    Fragment.objects.bulk_create(
        [
            Fragment(quote=q, start=s, end=e, text=body[s:e])
            for q, spans in zip(quotes, fragments, strict=True)
            for s, e in spans
        ],
        batch_size=1000,
    )
    for full, surnames in aliases.items():
        book.add_aliases(book.get(full), sorted(surnames))
    return kinds, skipped
