"""The article document: Newsdesk's own, lossless description of one article with its
quotes and everything they point at, in both directions (a dict in, an article out, and
back). The sample data in ``seeds/`` uses it, and so do the JSON Lines import
(:mod:`annotations.importing`) and export (one document a line).

    {
      "format": "newsdesk-article/1",
      "article": {"id", "title", "body" | "body_file", "publisher", "url", "byline",
                  "published_at", "language", "status",
                  "boilerplate": [{"start", "end", "note"}],
                  "revisions": [{"number", "body", "created_at", "created_by"}]},
      "outlets": [{"name", "kind", "home_page", "wikidata_id", "aliases"}],
      "speakers": [{"name", "key", "kind", "role", "affiliation", "wikidata_id",
                    "description", "aliases"}],
      "quotes": [{"kind", "status", "fragments": [[start, end], ...], "text", "speaker",
                  "speaker_role", "speaker_mention": [start, end] | null, "cue",
                  "cue_span": [start, end] | null,
                  "via": [{"type": "outlet" | "speaker", "name"}], "note",
                  "anchoring", "revision", "previous_text"}]
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
kind, role, affiliation, Wikidata id and description, so that namesakes stay apart through
a round trip (a description is what tells two stored speakers of one name apart).

An article already present (same URL, or same title and body) is skipped, so importing a
document twice changes nothing. A document naming a stored article (by its ``id``, or by
the same URL) with another body is an updated version: the body becomes the article's new
revision and its quotes follow the text (the document's quotes are not added to them).

Revisions: an article whose body changed carries ``revisions``, oldest first, numbered from
1, each with its ``body`` (the last one's is the article's ``body`` and is left out),
``created_at`` (ISO 8601) and ``created_by`` (a user name, matched on import when such a
user exists). Each quote carries its ``anchoring`` (``anchored``, ``relocated`` with its
``previous_text``, or ``orphaned`` with the ``revision`` whose body its offsets and text
belong to).

On the way out (``iter_article_documents`` / ``articles_jsonl_lines``) keys are sorted and
lists kept in a fixed order (articles by id, quotes by start, end and id, speakers and
outlets by name), so that exporting, importing into an empty database and exporting again
gives the same bytes. Deleted quotes (waiting for an undo) are not exported; rejected ones
are, so that they are not suggested again. Who made a row and when is not carried (the
importing user becomes the creator), except for revisions, whose who and when are the
point.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.dateparse import parse_date, parse_datetime

from . import text as textrules
from .models import (
    FRAGMENT_JOINER,
    Article,
    BoilerplateRange,
    Hop,
    Outlet,
    Quote,
    Revision,
    Speaker,
    User,
    ViaHop,
)

DOCUMENT_FORMAT = "newsdesk-article/1"


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
        "id",
        "revisions",
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
_BOILERPLATE_KEYS = ({"start", "end"}, {"note", "proposed"})
_OUTLET_KEYS = ({"name"}, {"kind", "home_page", "wikidata_id", "aliases"})
_SPEAKER_KEYS = (
    {"name"},
    {"key", "kind", "role", "affiliation", "wikidata_id", "description", "aliases"},
)
_QUOTE_KEYS = (
    {"kind", "fragments"},
    {
        "status",
        "text",
        "speaker",
        "speaker_role",
        "speaker_mention",
        "cue",
        "cue_span",
        "via",
        "note",
        "anchoring",
        "revision",
        "previous_text",
    },
)
_REVISION_KEYS = ({"number", "created_at"}, {"body", "created_by"})
UPDATED = "updated"
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


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


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
    if "id" in article and not _whole(article["id"]):
        raise ValidationError("article.id must be a whole number.")
    revisions = _check_list(article, "revisions", "article")
    for n, r in enumerate(revisions):
        where = f"article.revisions[{n}]"
        _check_object(r, where, _REVISION_KEYS)
        if r["number"] != n + 1 or not _whole(r["number"]):
            raise ValidationError(f"{where}.number must be {n + 1}: revisions count from 1.")
        for key in ("body", "created_at", "created_by"):
            _check_str(r, key, where)
        if "body" not in r and n != len(revisions) - 1:
            raise ValidationError(f"{where} is missing its body (only the last one's is left out).")
    for n, b in enumerate(_check_list(article, "boilerplate", "article")):
        where = f"article.boilerplate[{n}]"
        _check_object(b, where, _BOILERPLATE_KEYS)
        _check_pair([b["start"], b["end"]], where)
        _check_str(b, "note", where)
        if not isinstance(b.get("proposed", False), bool):
            raise ValidationError(f"{where}.proposed must be true or false.")
    for n, o in enumerate(_check_list(doc, "outlets", "the document")):
        where = f"outlets[{n}]"
        _check_object(o, where, _OUTLET_KEYS)
        for key in ("name", "kind", "home_page", "wikidata_id"):
            _check_str(o, key, where)
        if not all(isinstance(a, str) for a in _check_list(o, "aliases", where)):
            raise ValidationError(f"{where}.aliases must be a list of strings.")
    for n, s in enumerate(_check_list(doc, "speakers", "the document")):
        where = f"speakers[{n}]"
        _check_object(s, where, _SPEAKER_KEYS)
        for key in ("name", "key", "kind", "role", "affiliation", "wikidata_id", "description"):
            _check_str(s, key, where)
        if not all(isinstance(a, str) for a in _check_list(s, "aliases", where)):
            raise ValidationError(f"{where}.aliases must be a list of strings.")
    for n, q in enumerate(_check_list(doc, "quotes", "the document")):
        where = f"quotes[{n}]"
        _check_object(q, where, _QUOTE_KEYS)
        for key in (
            "kind",
            "status",
            "text",
            "speaker",
            "speaker_role",
            "cue",
            "note",
            "anchoring",
        ):
            _check_str(q, key, where)
        _check_str(q, "previous_text", where)
        if q.get("revision") is not None and not _whole(q["revision"]):
            raise ValidationError(f"{where}.revision must be a revision number.")
        fragments = _check_list(q, "fragments", where)
        for i, f in enumerate(fragments):
            _check_pair(f, f"{where}.fragments[{i}]")
        _check_pair(q.get("speaker_mention"), f"{where}.speaker_mention")
        _check_pair(q.get("cue_span"), f"{where}.cue_span")
        for i, hop in enumerate(_check_list(q, "via", where)):
            _check_object(hop, f"{where}.via[{i}]", _HOP_KEYS)
            _check_str(hop, "name", f"{where}.via[{i}]", nullable=False)


# --------------------------------------------------------------------------- import


def store_document(
    doc: dict[str, Any], *, base_dir: Path | None = None, user=None
) -> tuple[Article, str]:
    """Create the article a document describes; returns ``(article, "")``, or the
    duplicate already stored and the reason it counts as one. Call in a transaction: a
    refused document raises ``ValidationError`` after storing part of it."""
    validate_document(doc, allow_body_file=base_dir is not None)
    data = doc["article"]
    if "body" in data:
        raw_body = data["body"]
    else:
        raw_body = (base_dir / data["body_file"]).read_text(encoding="utf-8")
    textrules.refuse_nul(raw_body, "body")
    body = textrules.normalize(raw_body)
    existing = Article.objects.filter(pk=data["id"]).first() if data.get("id") else None
    reason = "same id" if existing is not None else ""
    if existing is None:
        existing, reason = duplicate_of(data, body)
    if existing is not None:
        if reason != "same title and body" and existing.body != body:
            existing.revise(body, by=user)  # an updated version: the quotes follow
            return existing, UPDATED
        return existing, reason

    outlets = {o["name"]: _outlet(o, user) for o in doc.get("outlets") or []}
    speakers = {s.get("key") or s["name"]: _speaker(s, user) for s in doc.get("speakers") or []}

    def outlet_named(name: str) -> Outlet:
        if name not in outlets:
            outlets[name] = Outlet.objects.find_or_create(name, by=user)
        return outlets[name]

    def speaker_named(name: str) -> Speaker:
        if name not in speakers:
            speakers[name] = Speaker.objects.find_or_create(name, by=user)
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
    revisions = _store_revisions(article, data.get("revisions") or [])
    for b in data.get("boilerplate") or []:
        textrules.check_span(body, b["start"], b["end"], what="boilerplate range")
        BoilerplateRange.objects.create(
            article=article,
            start=b["start"],
            end=b["end"],
            note=b.get("note") or "",
            proposed=b.get("proposed", False),
        )

    for n, q in enumerate(doc.get("quotes") or []):
        try:
            _store_quote(article, q, speaker_named, outlet_named, user, revisions)
        except ValidationError as exc:
            raise ValidationError(f"quotes[{n}]: {error_text(exc)}") from exc
    return article, ""


def _outlet(data: dict[str, Any], user) -> Outlet:
    return Outlet.objects.find_or_create(
        data["name"],
        by=user,
        aliases=data.get("aliases") or (),
        kind=data.get("kind"),
        home_page=data.get("home_page"),
        wikidata_id=data.get("wikidata_id"),
    )


def _speaker(data: dict[str, Any], user) -> Speaker:
    return Speaker.objects.find_or_create(
        data["name"],
        by=user,
        namesake=bool(data.get("key")),
        aliases=data.get("aliases") or (),
        kind=data.get("kind"),
        role=data.get("role"),
        affiliation=data.get("affiliation"),
        wikidata_id=data.get("wikidata_id"),
        description=data.get("description"),
    )


def _pair(value) -> tuple[int, int] | None:
    return None if value is None else (int(value[0]), int(value[1]))


def _store_revisions(article: Article, revisions: list[dict]) -> dict[int, Revision]:
    """The document's revisions of ``article``, stored as they were: numbers, bodies, who and
    when (a user name that names no user here becomes unknown)."""
    if not revisions:
        return {}
    last = revisions[-1]
    if last.get("body") is not None and textrules.normalize(last["body"]) != article.body:
        raise ValidationError("The last revision's body must be the article's body.")
    names = {r["created_by"] for r in revisions if r.get("created_by")}
    users = {u.get_username(): u for u in User.objects.filter(username__in=names)}
    stored = Revision.objects.bulk_create(
        Revision(
            article=article,
            number=r["number"],
            body=article.body if r is last else textrules.normalize(r["body"]),
            created_at=parse_published_at(r["created_at"]),
            created_by=users.get(r.get("created_by") or ""),
        )
        for r in revisions
    )
    return {r.number: r for r in stored}


def _store_quote(
    article: Article, q: dict, speaker_named, outlet_named, user, revisions: dict[int, Revision]
) -> Quote:
    anchoring = q.get("anchoring") or Quote.Anchoring.ANCHORED
    if anchoring not in Quote.Anchoring.values:
        raise ValidationError(
            f"anchoring {anchoring!r} is not one of {', '.join(Quote.Anchoring.values)}."
        )
    revision = None
    if anchoring == Quote.Anchoring.ORPHANED:
        revision = revisions.get(q.get("revision") or 0)
        if revision is None:
            raise ValidationError(
                "An orphaned quote names the revision its text is in (revision), and the "
                "article's revisions must hold it."
            )
    body = revision.body if revision is not None else article.body
    spans = Quote.check_fragments(body, [tuple(f) for f in q["fragments"]])
    joined = FRAGMENT_JOINER.join(body[s:e] for s, e in spans)
    if q.get("text") is not None and q["text"] != joined:
        raise ValidationError(
            f"The quote's text {q['text'][:60]!r} does not match the body at its fragments "
            f"({joined[:60]!r})."
        )
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
    return Quote.create(
        article,
        kind=q["kind"],
        status=q.get("status") or Quote.Status.CONFIRMED,
        fragments=spans,
        speaker=speaker_named(q["speaker"]) if q.get("speaker") else None,
        speaker_role=q.get("speaker_role") or "",
        mention=_pair(q.get("speaker_mention")),
        cue=q.get("cue") or "",
        cue_span=_pair(q.get("cue_span")),
        via=hops,
        note=q.get("note") or "",
        by=user,
        anchoring=anchoring,
        revision=revision,
        previous_text=q.get("previous_text") or "",
    )


@transaction.atomic
def import_document(doc: dict[str, Any], *, base_dir: Path | None = None, user=None):
    """Create the article a document describes, with its quotes, speakers and outlets.

    Returns ``(article, created)``; an article already present (same URL, or same title and
    body) is left as it is and returned with ``created`` false. Raises ``ValidationError``
    and changes nothing when any part of the document is wrong.
    """
    article, duplicate = store_document(doc, base_dir=base_dir, user=user)
    return article, not duplicate


# --------------------------------------------------------------------------- export


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _live_quotes_of(articles) -> Q:
    return Q(article__in=articles, deleted_at__isnull=True)


def speaker_keys(articles=None) -> dict[int, str]:
    """Document keys for speakers that share a name with another exported speaker.

    A document names speakers by name; two distinct speakers called the same would collapse
    into one on import. Such namesakes get a ``key`` (``"Name [1]"``, ``"Name [2]"``),
    numbered in the order of their attributes (kind, role, affiliation, Wikidata id,
    aliases) so that the numbering survives a round trip through an empty database.
    """
    if articles is None:
        articles = Article.objects.all()
    quotes = Quote.all_objects.filter(_live_quotes_of(articles))
    used = Speaker.objects.filter(
        Exists(quotes.filter(speaker=OuterRef("pk")))
        | Exists(ViaHop.objects.filter(speaker=OuterRef("pk"), quote__in=quotes))
    )
    by_name: dict[str, list[int]] = defaultdict(list)
    for pk, name in used.values_list("pk", "name").iterator(chunk_size=5000):
        by_name[name.casefold()].append(pk)
    shared = [pk for pks in by_name.values() if len(pks) > 1 for pk in pks]
    keys: dict[int, str] = {}
    groups: dict[str, list[tuple]] = defaultdict(list)
    for start in range(0, len(shared), 500):
        for s in Speaker.objects.filter(pk__in=shared[start : start + 500]).prefetch_related(
            "aliases"
        ):
            aliases = tuple(sorted(a.name for a in s.aliases.all()))
            order = (s.kind, s.role, s.affiliation, s.wikidata_id, s.description, aliases, s.pk)
            groups[s.name.casefold()].append((order, s))
    for members in groups.values():
        for n, (_, s) in enumerate(sorted(members, key=lambda m: m[0]), start=1):
            keys[s.pk] = f"{s.name} [{n}]"
    return keys


def _outlet_doc(outlet: Outlet) -> dict[str, Any]:
    return {
        "name": outlet.name,
        "kind": outlet.kind,
        "home_page": outlet.home_page,
        "wikidata_id": outlet.wikidata_id,
        "aliases": sorted(a.name for a in outlet.aliases.all()),
    }


def _speaker_doc(speaker: Speaker, keys: dict[int, str]) -> dict[str, Any]:
    doc = {
        "name": speaker.name,
        "kind": speaker.kind,
        "role": speaker.role,
        "affiliation": speaker.affiliation,
        "wikidata_id": speaker.wikidata_id,
        "description": speaker.description,
        "aliases": sorted(a.name for a in speaker.aliases.all()),
    }
    if speaker.pk in keys:
        doc["key"] = keys[speaker.pk]
    return doc


def article_document(article: Article, keys: dict[int, str] | None = None) -> dict[str, Any]:
    """The ``newsdesk-article/1`` document of ``article`` (prefetched as
    :func:`iter_article_documents` does, or it queries per quote)."""
    keys = keys or {}
    outlets: dict[int, Outlet] = {}
    speakers: dict[int, Speaker] = {}
    if article.publisher is not None:
        outlets[article.publisher.pk] = article.publisher

    def speaker_ref(speaker: Speaker) -> str:
        speakers[speaker.pk] = speaker
        return keys.get(speaker.pk, speaker.name)

    quotes = []
    live = [q for q in article.quotes.all() if q.deleted_at is None]
    for q in sorted(live, key=lambda q: (q.start, q.end, q.pk)):
        via = []
        for hop in sorted(q.via_hops.all(), key=lambda h: h.position):
            if hop.outlet_id:
                outlets[hop.outlet.pk] = hop.outlet
                via.append({"type": "outlet", "name": hop.outlet.name})
            else:
                via.append({"type": "speaker", "name": speaker_ref(hop.speaker)})
        fragments = sorted((f.start, f.end) for f in q.fragments.all())
        anchoring = {"anchoring": q.anchoring}
        if q.anchoring == Quote.Anchoring.ORPHANED and q.revision is not None:
            anchoring["revision"] = q.revision.number
        if q.anchoring == Quote.Anchoring.RELOCATED:
            anchoring["previous_text"] = q.previous_text
        quotes.append(
            {
                **anchoring,
                "kind": q.kind,
                "status": q.status,
                "fragments": [[s, e] for s, e in fragments],
                "text": q.text,
                "speaker": speaker_ref(q.speaker) if q.speaker is not None else None,
                "speaker_role": q.speaker_role,
                "speaker_mention": list(q.speaker_mention) if q.speaker_mention else None,
                "cue": q.cue,
                "cue_span": list(q.cue_span) if q.cue_span else None,
                "via": via,
                "note": q.note,
            }
        )
    data = {
        "format": DOCUMENT_FORMAT,
        "article": {
            "title": article.title,
            "body": article.body,
            "publisher": article.publisher.name if article.publisher else None,
            "url": article.url,
            "byline": article.byline,
            "published_at": _iso(article.published_at),
            "language": article.language,
            "status": article.status,
            "boilerplate": [
                # "proposed" only while it is: documents of marked ranges stay as they were
                {
                    "start": b.start,
                    "end": b.end,
                    "note": b.note,
                    **({"proposed": True} if b.proposed else {}),
                }
                for b in sorted(article.boilerplate.all(), key=lambda b: (b.start, b.end))
            ],
        },
        "outlets": [_outlet_doc(o) for o in sorted(outlets.values(), key=lambda o: o.name)],
        "speakers": [
            _speaker_doc(s, keys)
            for s in sorted(speakers.values(), key=lambda s: (s.name, keys.get(s.pk, "")))
        ],
        "quotes": quotes,
    }
    revisions = sorted(article.revisions.all(), key=lambda r: r.number)
    if revisions:
        data["article"]["revisions"] = [
            {
                "number": r.number,
                **({"body": r.body} if r is not revisions[-1] else {}),
                "created_at": _iso(r.created_at),
                "created_by": r.created_by.get_username() if r.created_by else None,
            }
            for r in revisions
        ]
    return data


def iter_article_documents(articles=None, *, batch: int = 200) -> Iterator[dict[str, Any]]:
    """Every article of ``articles`` (default: all) as a document, by id, ``batch`` articles
    (with their quotes) in memory at a time."""
    if articles is None:
        articles = Article.objects.all()
    keys = speaker_keys(articles)
    quotes = Quote.all_objects.filter(deleted_at__isnull=True).prefetch_related(
        "fragments",
        Prefetch("revision", queryset=Revision.objects.only("pk", "number")),
        Prefetch("speaker", queryset=Speaker.objects.prefetch_related("aliases")),
        Prefetch(
            "via_hops",
            queryset=ViaHop.objects.prefetch_related(
                Prefetch("outlet", queryset=Outlet.objects.prefetch_related("aliases")),
                Prefetch("speaker", queryset=Speaker.objects.prefetch_related("aliases")),
            ),
        ),
    )
    base = articles.order_by("pk").prefetch_related(
        "boilerplate",
        Prefetch("revisions", queryset=Revision.objects.select_related("created_by")),
        Prefetch("publisher", queryset=Outlet.objects.prefetch_related("aliases")),
        Prefetch("quotes", queryset=quotes),
    )
    last = 0
    while True:
        page = list(base.filter(pk__gt=last)[:batch])
        if not page:
            return
        for article in page:
            yield article_document(article, keys)
        last = page[-1].pk


def document_line(doc: dict[str, Any]) -> str:
    """One JSON Lines line: keys sorted, no ASCII escaping, no blanks."""
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def articles_jsonl_lines(articles=None) -> Iterator[str]:
    """Every article of ``articles`` (default: all) as JSON Lines, one document a line."""
    for doc in iter_article_documents(articles):
        yield document_line(doc)
