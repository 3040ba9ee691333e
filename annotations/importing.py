"""Bringing articles into Newsdesk.

An *article document* is Newsdesk's own, lossless description of one article with its
quotes and everything they point at (speakers and outlets by name). The sample data in
``seeds/`` uses it, and so does the JSON Lines export (one document a line).

    {
      "format": "newsdesk-article/1",
      "article": {"title", "body" | "body_file", "publisher", "url", "byline",
                  "published_at", "language", "status",
                  "boilerplate": [{"start", "end", "note"}]},
      "outlets": [{"name", "kind", "home_page", "aliases"}],
      "speakers": [{"name", "kind", "role", "affiliation", "wikidata_id", "aliases"}],
      "quotes": [{"kind", "status", "fragments": [[start, end], ...], "speaker",
                  "speaker_mention": [start, end] | null, "cue", "cue_span": [start, end] | null,
                  "via": [{"type": "outlet" | "speaker", "name"}], "note"}]
    }
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from . import text as textrules
from .models import (
    FRAGMENT_JOINER,
    Article,
    BoilerplateRange,
    Hop,
    Outlet,
    OutletAlias,
    Quote,
    Speaker,
)

DOCUMENT_FORMAT = "newsdesk-article/1"


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.imported)} imported, {len(self.skipped)} skipped as duplicates, "
            f"{len(self.refused)} refused"
        )


def parse_published_at(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time; a bare date is taken as noon UTC, a naive time as
    UTC."""
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
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
    speaker = find_speaker(data["name"])
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
    if data.get("url"):
        found = Article.objects.filter(url=data["url"]).first()
        if found:
            return found
    return Article.objects.filter(title=data["title"], body=body).first()


@transaction.atomic
def import_document(doc: dict[str, Any], *, base_dir: Path | None = None, user=None):
    """Create the article a document describes, with its quotes, speakers and outlets.

    Returns ``(article, created)``; an article already present (same URL, or same title and
    body) is left as it is and returned with ``created`` false. Raises ``ValidationError``
    and changes nothing when any part of the document is wrong.
    """
    if doc.get("format") != DOCUMENT_FORMAT:
        raise ValidationError(
            f"Unknown document format {doc.get('format')!r}; expected {DOCUMENT_FORMAT!r}."
        )
    data = doc["article"]
    if "body" in data:
        raw_body = data["body"]
    elif base_dir is not None and "body_file" in data:
        raw_body = (base_dir / data["body_file"]).read_text(encoding="utf-8")
    else:
        raise ValidationError("The article has no body.")
    textrules.refuse_nul(raw_body, "body")
    body = textrules.normalize(raw_body)
    existing = find_duplicate(data, body)
    if existing is not None:
        return existing, False

    outlets = {o["name"]: upsert_outlet(o, user) for o in doc.get("outlets", [])}
    speakers = {s["name"]: upsert_speaker(s, user) for s in doc.get("speakers", [])}

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
    for b in data.get("boilerplate", []):
        textrules.check_span(body, b["start"], b["end"], what="boilerplate range")
        BoilerplateRange.objects.create(
            article=article, start=b["start"], end=b["end"], note=b.get("note", "")
        )

    for q in doc.get("quotes", []):
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
                f"A quote's text {q['text'][:60]!r} does not match the body at its fragments."
            )
        quote.start, quote.end, quote.text = spans[0][0], spans[-1][1], ""
        quote.full_clean(exclude=["text"])
        quote.set_fragments(spans)
        hops = []
        for hop in q.get("via", []):
            if hop.get("type") == "outlet":
                hops.append(Hop(outlet=outlet_named(hop["name"])))
            elif hop.get("type") == "speaker":
                hops.append(Hop(speaker=speaker_named(hop["name"])))
            else:
                raise ValidationError(
                    f"A via hop must be of type outlet or speaker, not {hop.get('type')!r}."
                )
        quote.set_via(hops)
    return article, True
