"""The article document: Newsdesk's own, lossless description of one article with its
quotes and everything they point at, in both directions (a dict in, an article out, and
back). The sample data in ``seeds/`` uses it, and so do the JSON Lines import
(:mod:`annotations.importing`) and export (one document a line).

    {
      "format": "newsdesk-article/1",
      "article": {"id", "uid", "title", "body" | "body_file", "publisher", "url", "byline",
                  "published_at", "language", "status", "deleted_at", "deleted_by",
                  "boilerplate": [{"start", "end", "note", "proposed"}],
                  "revisions": [{"number", "body", "created_at", "created_by"}]},
      "outlets": [{"name", "kind", "home_page", "wikidata_id", "aliases", "proposed",
                   "deleted_at", "deleted_by"}],
      "speakers": [{"name", "key", "kind", "role", "affiliation", "wikidata_id",
                    "description", "aliases", "proposed", "deleted_at", "deleted_by"}],
      "quotes": [{"kind", "status", "fragments": [[start, end], ...], "text", "speaker",
                  "speaker_role", "speaker_mention": [start, end] | null, "cue",
                  "cue_span": [start, end] | null,
                  "via": [{"type": "outlet" | "speaker", "name"}], "note",
                  "anchoring", "revision", "previous_text", "deleted_at", "deleted_by"}]
    }

A JSON Lines export ends with one more line when some speakers or outlets are named by no
article or quote (made by hand, kept after their quotes went, or deleted):
``{"format": "newsdesk-directory/1", "outlets": [...], "speakers": [...]}``, entries as
above.

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

An article carries its ``uid``, its identity across databases: an article already present
(same uid; without a uid in the document, same URL, or same title and body) is skipped, so
importing a document twice changes nothing, and two articles of one title and body stay
two. A document naming a stored article (by its ``id``, or by
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
gives the same bytes. Everything is exported: deleted articles, quotes, speakers and
outlets (waiting for an undo: ``deleted_at`` and ``deleted_by``), rejected suggestions (so
that they are not suggested again), proposed speakers and outlets (``proposed``). Who made
a row and when is not carried (the importing user becomes the creator), except for
revisions and deletes, whose who and when are the point (a user name that names no user
here becomes unknown).
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
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
    OutletAlias,
    Quote,
    Revision,
    Speaker,
    SpeakerAlias,
    User,
    ViaHop,
    create_with_history,
)

DOCUMENT_FORMAT = "newsdesk-article/1"
DIRECTORY_FORMAT = "newsdesk-directory/1"
#: the outcome of a directory line: speakers and outlets stored, no article
LISTED = "listed"
#: the reason an import's rows give in their history
IMPORTED = "imported"


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
    """The stored article ``data`` duplicates and why (``"same uid"``, ``"same URL"``,
    ``"same title and body"``), or ``(None, "")``. With a ``uid``, only the uid and the URL
    (which one article holds) count: two articles may share a title and body. Deleted
    articles count too. One query."""
    uid = data.get("uid")
    same = Q(uid=uid) if uid else Q(title=data["title"], body=body)
    if data.get("url"):
        same |= Q(url=data["url"])
    found = list(Article.all_objects.filter(same))
    for article in found:
        if uid and str(article.uid) == uid:
            return article, "same uid"
    if data.get("url"):
        for article in found:
            if article.url == data["url"]:
                return article, "same URL"
    for article in found:
        if article.title == data["title"] and article.body == body:
            return article, "same title and body"
    return None, ""


# --------------------------------------------------------------------------- validation

_DOC_KEYS = ({"format", "article"}, {"outlets", "speakers", "quotes"})
_DIRECTORY_KEYS = ({"format"}, {"outlets", "speakers"})
_DELETED = {"deleted_at", "deleted_by"}
_ARTICLE_KEYS = (
    {"title"},
    {
        *_DELETED,
        "uid",
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
_OUTLET_KEYS = (
    {"name"},
    {"kind", "home_page", "wikidata_id", "aliases", "proposed", *_DELETED},
)
_SPEAKER_KEYS = (
    {"name"},
    {
        "key",
        "kind",
        "role",
        "affiliation",
        "wikidata_id",
        "description",
        "aliases",
        "proposed",
        *_DELETED,
    },
)
_QUOTE_KEYS = (
    {"kind", "fragments"},
    {
        *_DELETED,
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


def _check_deleted(obj: dict, where: str) -> None:
    _check_str(obj, "deleted_at", where)
    _check_str(obj, "deleted_by", where)
    if obj.get("deleted_by") and not obj.get("deleted_at"):
        raise ValidationError(f"{where}.deleted_by needs deleted_at.")
    parse_published_at(obj.get("deleted_at"))


def _check_names(doc: dict) -> None:
    for n, o in enumerate(_check_list(doc, "outlets", "the document")):
        where = f"outlets[{n}]"
        _check_object(o, where, _OUTLET_KEYS)
        for key in ("name", "kind", "home_page", "wikidata_id"):
            _check_str(o, key, where)
        if not all(isinstance(a, str) for a in _check_list(o, "aliases", where)):
            raise ValidationError(f"{where}.aliases must be a list of strings.")
        _check_flag(o, "proposed", where)
        _check_deleted(o, where)
    for n, s in enumerate(_check_list(doc, "speakers", "the document")):
        where = f"speakers[{n}]"
        _check_object(s, where, _SPEAKER_KEYS)
        for key in ("name", "key", "kind", "role", "affiliation", "wikidata_id", "description"):
            _check_str(s, key, where)
        if not all(isinstance(a, str) for a in _check_list(s, "aliases", where)):
            raise ValidationError(f"{where}.aliases must be a list of strings.")
        _check_flag(s, "proposed", where)
        _check_deleted(s, where)


def _check_flag(obj: dict, key: str, where: str) -> None:
    if not isinstance(obj.get(key, False), bool):
        raise ValidationError(f"{where}.{key} must be true or false.")


def validate_document(doc: Any, *, allow_body_file: bool = False) -> None:
    """Check a document's shape: known keys only, required keys present, types right.
    Offsets against the body are checked on import. Raises ``ValidationError`` naming the
    place of the first problem. A directory line (``newsdesk-directory/1``) holds only
    outlets and speakers."""
    if isinstance(doc, dict) and doc.get("format") == DIRECTORY_FORMAT:
        _check_object(doc, "the directory", _DIRECTORY_KEYS)
        _check_names(doc)
        return
    _check_object(doc, "the document", _DOC_KEYS)
    if doc["format"] != DOCUMENT_FORMAT:
        raise ValidationError(
            f"Unknown document format {doc['format']!r}; expected {DOCUMENT_FORMAT!r} "
            f"(or {DIRECTORY_FORMAT!r})."
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
    _check_str(article, "uid", "article")
    if article.get("uid"):
        try:
            article["uid"] = str(uuid.UUID(article["uid"]))
        except ValueError:
            raise ValidationError("article.uid must be a UUID.") from None
    _check_deleted(article, "article")
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
    _check_names(doc)
    for n, q in enumerate(_check_list(doc, "quotes", "the document")):
        where = f"quotes[{n}]"
        _check_object(q, where, _QUOTE_KEYS)
        _check_deleted(q, where)
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
    doc: dict[str, Any],
    *,
    base_dir: Path | None = None,
    user=None,
    directory: Directory | None = None,
    batch: Batch | None = None,
) -> tuple[Article, str]:
    """Create the article a document describes; returns ``(article, "")``, the stored
    article and ``UPDATED`` when the document gives it a new text (a new revision, the
    quotes follow), or the duplicate already stored and the reason it counts as one. Call
    in a transaction.

    Everything is checked in memory first, in the document's order (outlets, speakers, the
    article, its boilerplate, then each quote), so that a refusal names the first problem
    and stores nothing; then the rows are written in bulk. The number of queries does not
    depend on the number of quotes, speakers or outlets. A directory line
    (``newsdesk-directory/1``) stores its speakers and outlets: ``(None, LISTED)``.

    With a :class:`Batch`, the rows wait in it and :meth:`Batch.save` writes them with the
    other documents' (the article returned has no id until then); duplicates are looked
    for among the batch's articles too. A directory line makes the batch write what it
    holds first, then stores its names at once."""
    if batch is None or id(doc) not in batch.checked:
        validate_document(doc, allow_body_file=base_dir is not None)
    if doc["format"] == DIRECTORY_FORMAT:
        if batch is not None:
            batch.save()
            directory = batch.directory
        return None, store_directory(doc, user=user, directory=directory)
    data = doc["article"]
    if "body" in data:
        raw_body = data["body"]
    else:
        raw_body = (base_dir / data["body_file"]).read_text(encoding="utf-8")
    textrules.refuse_nul(raw_body, "body")
    body = textrules.normalize(raw_body)
    if batch is not None:
        existing, reason = batch.duplicate_of(data, body)
    else:
        existing = Article.all_objects.filter(pk=data["id"]).first() if data.get("id") else None
        reason = "same id" if existing is not None else ""
        if existing is None:
            existing, reason = duplicate_of(data, body)
    if existing is not None:
        if reason != "same title and body" and existing.body != body:
            if batch is not None and existing.pk is None:
                batch.save()  # one of the batch's own: stored first, then changed
            existing.revise(body, by=user)  # an updated version: the quotes follow
            return existing, UPDATED
        return existing, reason

    if batch is not None:
        directory = batch.directory
    directory = directory or Directory()
    try:
        names = _Names(doc, user, directory, batch.users if batch is not None else None)
        try:
            prepared = _prepare(doc, data, body, user, names)
        except ValidationError:
            names.undo()  # nothing was stored: only what this document made goes
            raise
        if batch is not None:
            batch.add(prepared)
        else:
            _write([prepared], user)
    except ValidationError:
        raise
    except BaseException:
        directory.forget()  # it may hold rows made here, which the rollback takes away
        raise
    return prepared.article, ""


def store_directory(doc: dict[str, Any], *, user=None, directory: Directory | None = None) -> str:
    """Store the speakers and outlets of a directory line (those no article names), as the
    lists of an article document are stored. Returns ``LISTED``."""
    validate_document(doc)
    directory = directory or Directory()
    try:
        names = _Names(doc, user, directory)
        for o in doc.get("outlets") or []:
            names.listed_outlet(o)
        for s in doc.get("speakers") or []:
            names.listed_speaker(s)
        names.save()
    except BaseException:
        directory.forget()
        raise
    return LISTED


def _users(*docs: dict[str, Any]) -> dict[str, User]:
    """The users documents name (revisions' makers, who deleted what) by user name: one
    query, none when they name nobody."""
    names = set()
    for doc in docs:
        data = doc.get("article") or {}
        names.update(r.get("created_by") for r in data.get("revisions") or [])
        names.add(data.get("deleted_by"))
        for key in ("quotes", "speakers", "outlets"):
            names.update(row.get("deleted_by") for row in doc.get(key) or [])
    names.discard(None)
    names.discard("")
    return {u.get_username(): u for u in User.objects.filter(username__in=names)} if names else {}


def _deleted(row, data: dict[str, Any], users: dict[str, User]) -> None:
    """Set who deleted ``row`` and when, as ``data`` says (nothing when it is not)."""
    row.deleted_at = parse_published_at(data.get("deleted_at"))
    row.deleted_by = users.get(data.get("deleted_by") or "") if row.deleted_at else None


@dataclass
class _Prepared:
    """One document's rows, checked and not stored yet."""

    names: _Names
    article: Article
    revisions: list[Revision]
    boilerplate: list[BoilerplateRange]
    quotes: list[Quote]


def _prepare(doc, data, body, user, names: _Names) -> _Prepared:
    for o in doc.get("outlets") or []:
        names.listed_outlet(o)
    for s in doc.get("speakers") or []:
        names.listed_speaker(s)
    users = names.users
    article = Article(
        uid=data.get("uid") or uuid.uuid4(),
        title=data["title"],
        body=body,
        publisher=names.outlet(data["publisher"]) if data.get("publisher") else None,
        url=data.get("url") or "",
        byline=data.get("byline") or "",
        published_at=parse_published_at(data.get("published_at")),
        language=data.get("language") or "en",
        status=data.get("status") or Article.Status.NEW,
    )
    article.stamp(user)
    _deleted(article, data, users)
    # The publisher and the users are instances in hand (checking them would query), and
    # the URL's uniqueness was checked by duplicate_of(); the database holds the rest.
    article.clean_fields(exclude=["publisher", "created_by", "updated_by", "deleted_by"])
    article.clean()
    revisions = _prepare_revisions(article, data.get("revisions") or [], users)
    boilerplate = []
    for b in data.get("boilerplate") or []:
        textrules.check_span(article.body, b["start"], b["end"], what="boilerplate range")
        boilerplate.append(
            BoilerplateRange(
                article=article,
                start=b["start"],
                end=b["end"],
                note=b.get("note") or "",
                proposed=b.get("proposed", False),
            )
        )
    quotes = []
    for n, q in enumerate(doc.get("quotes") or []):
        try:
            quote = _prepare_quote(article, q, names, user, revisions)
            _deleted(quote, q, users)
            quotes.append(quote)
        except ValidationError as exc:
            raise ValidationError(f"quotes[{n}]: {error_text(exc)}") from exc
    return _Prepared(names, article, list(revisions.values()), boilerplate, quotes)


def _write(prepared: list[_Prepared], user) -> None:
    """Store prepared documents: their new outlets, speakers and aliases, articles (with
    their history), revisions, boilerplate and quotes, each kind in bulk: the number of
    queries does not depend on the number of documents."""
    by = user if getattr(user, "is_authenticated", False) else None
    _save_names([p.names for p in prepared], user)
    articles = [p.article for p in prepared]
    create_with_history(Article, articles, by=by, reason=IMPORTED)
    for article in articles:
        article._loaded_body = article.body  # as save() leaves it: the body is unchanged
    revisions = [r for p in prepared for r in p.revisions]
    if revisions:
        Revision.objects.bulk_create(revisions)
    boilerplate = [b for p in prepared for b in p.boilerplate]
    create_with_history(BoilerplateRange, boilerplate, by=by, reason=IMPORTED)
    quotes = [q for p in prepared for q in p.quotes]
    if quotes:
        Quote.objects.create_prepared(quotes, by=user, reason=IMPORTED)


class Batch:
    """Documents stored together in one transaction (an import job's lines): each is
    checked by :func:`store_document` as it comes and its rows gathered here, and
    :meth:`save` writes them all in bulk, so that the number of queries depends on neither
    the number of documents nor what they hold. The stored articles the documents may
    duplicate (by id, uid, URL or title; deleted ones too), the speakers and outlets they
    name and the users they name are looked up once for all of them when the batch is made.

    A document duplicates what the documents before it in the batch made (same uid, same
    URL, or without a uid same title and body) as if those had been stored first; one
    giving such an article a new text makes the batch write what it holds first."""

    def __init__(self, docs: list[Any], *, user=None):
        self.user = user
        self.pending: list[_Prepared] = []
        self.by_id: dict[int, Article] = {}
        self.by_uid: dict[str, Article] = {}
        self.by_url: dict[str, Article] = {}
        self.by_title: dict[str, list[Article]] = defaultdict(list)
        docs = [d for d in docs if _well_formed(d)]
        self.checked = {id(d) for d in docs}  # their shape: store_document checks the rest
        articles = [d["article"] for d in docs if d["format"] == DOCUMENT_FORMAT]
        ids = {a["id"] for a in articles if a.get("id")}
        uids = {a["uid"] for a in articles if a.get("uid")}
        urls = {a["url"] for a in articles if a.get("url")}
        titles = {a["title"] for a in articles if not a.get("uid")}
        if articles:
            match = Q(pk__in=ids) | Q(uid__in=uids) | Q(url__in=urls) | Q(title__in=titles)
            for article in Article.all_objects.filter(match):
                if article.pk in ids:
                    self.by_id[article.pk] = article
                self._index(article)
        self.directory = Directory()
        outlets, speakers, wikidata = set(), set(), set()
        for doc in docs:
            o, s, w = _names_in(doc)
            outlets |= o
            speakers |= s
            wikidata |= w
        self.directory.outlets.load(outlets, set())
        self.directory.speakers.load(speakers, wikidata)
        self.users = _users(*docs)

    def _index(self, article: Article) -> None:
        if article.uid:
            self.by_uid[str(article.uid)] = article
        if article.url:
            self.by_url[article.url] = article
        self.by_title[article.title].append(article)

    def duplicate_of(self, data: dict[str, Any], body: str) -> tuple[Article | None, str]:
        """As :func:`duplicate_of` (after a look by id), among the stored articles looked up
        and the batch's own: with a uid, only the uid and the URL count."""
        if data.get("id") in self.by_id:
            return self.by_id[data["id"]], "same id"
        uid = data.get("uid")
        if uid and uid in self.by_uid:
            return self.by_uid[uid], "same uid"
        if data.get("url") and data["url"] in self.by_url:
            return self.by_url[data["url"]], "same URL"
        if not uid:
            for article in self.by_title.get(data["title"], ()):
                if article.body == body:
                    return article, "same title and body"
        return None, ""

    def add(self, prepared: _Prepared) -> None:
        self.pending.append(prepared)
        self._index(prepared.article)

    def save(self) -> None:
        """Write the documents gathered so far."""
        if self.pending:
            _write(self.pending, self.user)
            self.pending = []


def _well_formed(doc: Any) -> bool:
    try:
        validate_document(doc)
    except ValidationError:
        return False
    return True


def _fold(name: str) -> str:
    return name.casefold()


def _order(row) -> tuple[bool, float]:
    """Live rows before deleted ones, then by id; rows not stored yet last."""
    return (row.deleted_at is not None, row.pk if row.pk is not None else float("inf"))


def _undescribed_first(row) -> tuple[bool, str, float]:
    return (row.deleted_at is not None, row.description, _order(row)[1])


class _Pool:
    """Stored rows of one kind (speakers or outlets) loaded for the names looked up so far,
    indexed by name (as the kind's uniqueness sees it: outlets folded, speakers by
    ``name_key``), folded alias and Wikidata id, in the order the managers' ``find()``
    takes them (id order; speakers of one name the undescribed first), deleted rows after
    the live ones (a name only a deleted row holds finds it, to be restored), rows not
    stored yet last, in the order they were made."""

    def __init__(self, model, alias_model, field: str):
        self.model, self.alias_model, self.field = model, alias_model, field
        self.speakers = model is Speaker
        self.key = textrules.name_key if self.speakers else _fold
        self.name_order = _undescribed_first if self.speakers else _order
        self.rows: dict[int, Any] = {}
        self.by_name: dict[str, list] = defaultdict(list)
        self.by_alias: dict[str, list] = defaultdict(list)
        self.by_wikidata: dict[str, list] = defaultdict(list)
        self.looked: set[str] = set()
        self.looked_wikidata: set[str] = set()

    @staticmethod
    def _index(index: dict[str, list], key: str, row, order=_order) -> None:
        rows = index[key]
        if row not in rows:
            rows.append(row)
            rows.sort(key=order)

    def add(self, row, aliases=()) -> None:
        row._folded_aliases = set()
        self._index(self.by_name, self.key(row.name), row, self.name_order)
        if getattr(row, "wikidata_id", ""):
            self._index(self.by_wikidata, row.wikidata_id, row)
        for alias in aliases:
            self.add_alias(row, alias)

    def add_alias(self, row, folded: str) -> None:
        row._folded_aliases.add(folded)
        self._index(self.by_alias, folded, row)

    def remove(self, row) -> None:
        """Take out a row :meth:`add` put in, not stored (its document was refused)."""
        self.by_name[self.key(row.name)].remove(row)
        if getattr(row, "wikidata_id", ""):
            self.by_wikidata[row.wikidata_id].remove(row)

    def remove_alias(self, row, folded: str) -> None:
        row._folded_aliases.discard(folded)
        self.by_alias[folded].remove(row)

    def load(self, names: set[str], wikidata: set[str]) -> None:
        """Load the stored rows that ``names`` or ``wikidata`` ids may find and that are not
        here yet: two queries, none when every name was looked up before."""
        names = sorted({n for n in names if _fold(n) not in self.looked})
        wikidata = sorted(wikidata - self.looked_wikidata)
        if not names and not wikidata:
            return
        match = Q(pk__in=[])
        for start in range(0, len(names), 200):
            chunk = names[start : start + 200]
            spelled = Q()
            for name in chunk:
                spelled |= Q(name__iexact=name)
            aliased = self.alias_model.objects.filter(spelled, **{self.field: OuterRef("pk")})
            if self.speakers:  # a speaker's name as uniqueness sees it
                spelled = Q(name_key__in={textrules.name_key(n) for n in chunk})
            match |= spelled | Exists(aliased)
        if wikidata:
            match |= Q(wikidata_id__in=wikidata)
        found = self.model.all_objects.filter(match).order_by("pk")
        found = [row for row in found if row.pk not in self.rows]
        aliases: dict[int, list[str]] = defaultdict(list)
        if found:
            rows = self.alias_model.objects.filter(**{f"{self.field}__in": [r.pk for r in found]})
            for owner, name in rows.values_list(self.field, "name"):
                aliases[owner].append(_fold(name))
        for row in found:
            self.rows[row.pk] = row
            self.add(row, aliases[row.pk])
        self.looked.update(_fold(n) for n in names)
        self.looked_wikidata.update(wikidata)

    def find(self, name: str, wikidata_id: str = ""):
        """As the managers' ``find()``: by Wikidata id (speakers, when given), else by name
        (the undescribed one of namesake speakers), else by alias, the first by id."""
        if wikidata_id and self.by_wikidata.get(wikidata_id):
            return self.by_wikidata[wikidata_id][0]
        rows = self.by_name.get(self.key(name)) or self.by_alias.get(_fold(name))
        return rows[0] if rows else None

    def named(self, name: str, **details):
        """The first row of this name with exactly these field values, or None."""
        for row in self.by_name.get(self.key(name)) or ():
            if all(getattr(row, k) == v for k, v in details.items()):
                return row
        return None


class Directory:
    """The speakers and outlets an import has found or made, kept from one document to the
    next so that a job looks each name up once. Rows others add meanwhile are not seen, and
    rows others merge away fail the insert: :meth:`forget` then starts afresh (the job does
    so after any failed article, and tries an article that failed on the database once
    more)."""

    def __init__(self):
        self.forget()

    def forget(self) -> None:
        self.outlets = _Pool(Outlet, OutletAlias, "outlet")
        self.speakers = _Pool(Speaker, SpeakerAlias, "speaker")


class _Names:
    """The outlets and speakers one document names, found as ``find_or_create`` would find
    them (outlets by name, then alias; speakers by Wikidata id, name key, then alias; keyed
    namesakes by all their details, described speakers by name key and description) in a
    :class:`Directory` (one query for each kind and
    its aliases for the names it has not seen), and the missing ones made in memory,
    checked, and stored in bulk by :meth:`save`."""

    def __init__(
        self, doc: dict[str, Any], user, directory: Directory, users: dict[str, User] | None = None
    ):
        self.user = user
        outlet_names, speaker_names, wikidata = _names_in(doc)
        self.outlets, self.speakers = directory.outlets, directory.speakers
        self.outlets.load(outlet_names, set())
        self.speakers.load(speaker_names, wikidata)
        self.users = _users(doc) if users is None else users  # a batch looks them up once
        self.new_outlets: list[Outlet] = []
        self.new_speakers: list[Speaker] = []
        self.new_aliases: list[OutletAlias | SpeakerAlias] = []
        self.revived: dict[int, Outlet | Speaker] = {}
        self.outlet_refs: dict[str, Outlet] = {}
        self.speaker_refs: dict[str, Speaker] = {}

    def _add_aliases(self, pool: _Pool, row, aliases) -> None:
        for alias in aliases:
            alias = alias.strip()
            folded = _fold(alias)
            if alias and folded not in row._folded_aliases and folded != _fold(row.name):
                pool.add_alias(row, folded)
                self.new_aliases.append(pool.alias_model(**{pool.field: row, "name": alias}))

    def undo(self) -> None:
        """Take the rows and aliases made for this document out of the directory again
        (the document was refused before any was stored)."""
        for alias in reversed(self.new_aliases):
            pool = self.outlets if isinstance(alias, OutletAlias) else self.speakers
            pool.remove_alias(getattr(alias, pool.field), _fold(alias.name.strip()))
        for pool, rows in ((self.outlets, self.new_outlets), (self.speakers, self.new_speakers)):
            for row in rows:
                pool.remove(row)
        self.new_outlets, self.new_speakers, self.new_aliases = [], [], []
        self.revived = {}

    def _new(self, pool: _Pool, fresh: list, listed: dict[str, Any] | None = None, **fields):
        row = pool.model(**fields)
        row.stamp(self.user)
        if listed is not None:
            row.proposed = listed.get("proposed", False)
            _deleted(row, listed, self.users)
        row.clean_fields(exclude=["created_by", "updated_by", "deleted_by"])
        row.clean()
        pool.add(row)
        fresh.append(row)
        return row

    def _named(self, row, listed: dict[str, Any] | None = None):
        """``row``, found for a name: a stored row that was deleted comes back, unless the
        document lists it as deleted too. In a batch the row may be another document's, not
        stored yet: it comes back once stored, as it would one document at a time."""
        mine = any(row is r for r in (*self.new_outlets, *self.new_speakers))
        gone = not mine and row.deleted_at is not None
        if gone and (listed is None or not listed.get("deleted_at")):
            self.revived[id(row)] = row
        return row

    def listed_outlet(self, o: dict[str, Any]) -> None:
        outlet = self.outlets.find(o["name"])
        if outlet is None:
            outlet = self._new(
                self.outlets, self.new_outlets, o, name=o["name"],
                kind=o.get("kind") or Outlet.Kind.OTHER, home_page=o.get("home_page") or "",
                wikidata_id=o.get("wikidata_id") or "",
            )  # fmt: skip
        self._named(outlet, o)
        self._add_aliases(self.outlets, outlet, o.get("aliases") or ())
        self.outlet_refs[o["name"]] = outlet

    def listed_speaker(self, s: dict[str, Any]) -> None:
        """As ``Speaker.objects.find_or_create``: a keyed namesake by Wikidata id, else by
        all its details; a described speaker by name and description; any other by
        Wikidata id, name, then alias."""
        name = s["name"]
        details = {
            "kind": s.get("kind") or Speaker.Kind.PERSON,
            "role": s.get("role") or "",
            "affiliation": s.get("affiliation") or "",
            "wikidata_id": s.get("wikidata_id") or "",
            "description": s.get("description") or "",
        }
        pool = self.speakers
        if s.get("key"):
            same = pool.by_wikidata.get(details["wikidata_id"]) if details["wikidata_id"] else ()
            speaker = same[0] if same else pool.named(name, **details)
        elif details["description"]:
            speaker = pool.named(name, description=details["description"])
        else:
            speaker = pool.find(name, details["wikidata_id"])
        if speaker is None:
            # One of this name and description already: the database would refuse the new
            # row, and find_or_create take the one find() finds.
            taken = pool.named(name, description=details["description"])
            speaker = pool.find(name) if taken else None
        if speaker is None:
            speaker = self._new(pool, self.new_speakers, s, name=name, **details)
        self._named(speaker, s)
        self._add_aliases(pool, speaker, s.get("aliases") or ())
        self.speaker_refs[s.get("key") or name] = speaker

    def outlet(self, name: str) -> Outlet:
        if name not in self.outlet_refs:
            found = self.outlets.find(name)
            if found is None:
                found = self._new(self.outlets, self.new_outlets, name=name)
            self.outlet_refs[name] = self._named(found)
        return self.outlet_refs[name]

    def speaker(self, name: str) -> Speaker:
        if name not in self.speaker_refs:
            found = self.speakers.find(name)
            if found is None:
                found = self._new(self.speakers, self.new_speakers, name=name)
            self.speaker_refs[name] = self._named(found)
        return self.speaker_refs[name]

    def save(self) -> None:
        """Store the outlets, speakers and aliases made (with their history)."""
        _save_names([self], self.user)


def _save_names(made: list[_Names], user) -> None:
    """Store the outlets, speakers and aliases made for some documents, each kind in bulk
    with its history (who, and why: imported), and bring back the deleted ones they name."""
    by = user if getattr(user, "is_authenticated", False) else None
    for kind, model in (("outlets", Outlet), ("speakers", Speaker)):
        rows = [row for names in made for row in getattr(names, f"new_{kind}")]
        if rows:
            create_with_history(model, rows, by=by, reason=IMPORTED)
            for names in made:
                pool = getattr(names, kind)
                for row in getattr(names, f"new_{kind}"):
                    pool.rows[row.pk] = row
    for model in (OutletAlias, SpeakerAlias):
        aliases = [a for names in made for a in names.new_aliases if isinstance(a, model)]
        create_with_history(model, aliases, by=by, reason=IMPORTED)
    revived = {}
    for names in made:
        revived.update(names.revived)
    for row in revived.values():
        row.restore(by=by)  # named again: it comes back


def _names_in(doc: dict[str, Any]) -> tuple[set[str], set[str], set[str]]:
    """The outlet names, speaker names and Wikidata ids a document names."""
    data = doc.get("article") or {}
    outlet_names = {o["name"] for o in doc.get("outlets") or []}
    speaker_names = {s["name"] for s in doc.get("speakers") or []}
    wikidata = {s["wikidata_id"] for s in doc.get("speakers") or [] if s.get("wikidata_id")}
    if data.get("publisher"):
        outlet_names.add(data["publisher"])
    for q in doc.get("quotes") or []:
        if q.get("speaker"):
            speaker_names.add(q["speaker"])
        for hop in q.get("via") or []:
            (outlet_names if hop["type"] == "outlet" else speaker_names).add(hop["name"])
    return outlet_names, speaker_names, wikidata


def _pair(value) -> tuple[int, int] | None:
    return None if value is None else (int(value[0]), int(value[1]))


def _prepare_revisions(
    article: Article, revisions: list[dict], users: dict[str, User]
) -> dict[int, Revision]:
    """The document's revisions of ``article`` as they were: numbers, bodies, who and when
    (a user name that names no user here becomes unknown), checked, not stored yet."""
    if not revisions:
        return {}
    last = revisions[-1]
    if last.get("body") is not None and textrules.normalize(last["body"]) != article.body:
        raise ValidationError("The last revision's body must be the article's body.")
    made = [
        Revision(
            article=article,
            number=r["number"],
            body=article.body if r is last else textrules.normalize(r["body"]),
            created_at=parse_published_at(r["created_at"]),
            created_by=users.get(r.get("created_by") or ""),
        )
        for r in revisions
    ]
    return {r.number: r for r in made}


def _prepare_quote(
    article: Article, q: dict, names: _Names, user, revisions: dict[int, Revision]
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
            hops.append(Hop(outlet=names.outlet(hop["name"])))
        elif hop["type"] == "speaker":
            hops.append(Hop(speaker=names.speaker(hop["name"])))
        else:
            raise ValidationError(
                f"A via hop must be of type outlet or speaker, not {hop['type']!r}."
            )
    return Quote.prepare(
        article,
        kind=q["kind"],
        status=q.get("status") or Quote.Status.CONFIRMED,
        fragments=spans,
        speaker=names.speaker(q["speaker"]) if q.get("speaker") else None,
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
def import_document(
    doc: dict[str, Any],
    *,
    base_dir: Path | None = None,
    user=None,
    directory: Directory | None = None,
):
    """Create the article a document describes, with its quotes, speakers and outlets.

    Returns ``(article, created)``; an article already present (same URL, or same title and
    body) is left as it is and returned with ``created`` false. Raises ``ValidationError``
    and changes nothing when any part of the document is wrong. The documents of one
    import share a :class:`Directory`, so that each speaker's and outlet's name is looked up
    once.
    """
    article, duplicate = store_document(doc, base_dir=base_dir, user=user, directory=directory)
    return article, not duplicate


# --------------------------------------------------------------------------- export


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _deleted_doc(row) -> dict[str, Any]:
    """``deleted_at`` and ``deleted_by`` of a deleted row; nothing for a live one."""
    if row.deleted_at is None:
        return {}
    return {
        "deleted_at": _iso(row.deleted_at),
        "deleted_by": row.deleted_by.get_username() if row.deleted_by else None,
    }


def speaker_keys(articles=None) -> dict[int, str]:
    """Document keys for speakers that share a name with another exported speaker.

    A document names speakers by name; two distinct speakers called the same would collapse
    into one on import. Such namesakes get a ``key`` (``"Name [1]"``, ``"Name [2]"``),
    numbered in the order of their attributes (kind, role, affiliation, Wikidata id,
    aliases) so that the numbering survives a round trip through an empty database.
    """
    if articles is None:  # everything: the directory line's speakers too
        used = Speaker.all_objects.all()
    else:
        quotes = Quote.all_objects.filter(article__in=articles)
        used = Speaker.all_objects.filter(
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
        for s in Speaker.all_objects.filter(pk__in=shared[start : start + 500]).prefetch_related(
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
        **({"proposed": True} if outlet.proposed else {}),
        **_deleted_doc(outlet),
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
        **({"proposed": True} if speaker.proposed else {}),
        **_deleted_doc(speaker),
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
    every = getattr(article, "all_quotes", None)  # deleted ones too
    if every is None:
        every = Quote.all_objects.filter(article=article).select_related("deleted_by")
    for q in sorted(every, key=lambda q: (q.start, q.end, q.pk)):
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
                **_deleted_doc(q),
            }
        )
    data = {
        "format": DOCUMENT_FORMAT,
        "article": {
            **({"uid": str(article.uid)} if article.uid else {}),
            **_deleted_doc(article),
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
    keys = speaker_keys(articles)
    if articles is None:
        articles = Article.all_objects.all()
    named = Prefetch("speaker", queryset=Speaker.all_objects.prefetch_related("aliases"))
    quotes = Quote.all_objects.select_related("deleted_by").prefetch_related(
        "fragments",
        Prefetch("revision", queryset=Revision.objects.only("pk", "number")),
        named,
        Prefetch(
            "via_hops",
            queryset=ViaHop.objects.prefetch_related(
                Prefetch("outlet", queryset=Outlet.all_objects.prefetch_related("aliases")),
                named,
            ),
        ),
    )
    base = (
        articles.order_by("pk")
        .select_related("deleted_by")
        .prefetch_related(
            "boilerplate",
            Prefetch("revisions", queryset=Revision.objects.select_related("created_by")),
            Prefetch("publisher", queryset=Outlet.all_objects.prefetch_related("aliases")),
            Prefetch("quotes", queryset=quotes, to_attr="all_quotes"),
        )
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


def directory_document(keys: dict[int, str] | None = None) -> dict[str, Any] | None:
    """The speakers and outlets that no article or quote names (deleted ones too), as a
    ``newsdesk-directory/1`` document, or None when there are none."""
    keys = speaker_keys() if keys is None else keys
    hops = ViaHop.objects.all()
    speakers = (
        Speaker.all_objects.exclude(Exists(Quote.all_objects.filter(speaker=OuterRef("pk"))))
        .exclude(Exists(hops.filter(speaker=OuterRef("pk"))))
        .select_related("deleted_by")
        .prefetch_related("aliases")
    )
    outlets = (
        Outlet.all_objects.exclude(Exists(Article.all_objects.filter(publisher=OuterRef("pk"))))
        .exclude(Exists(hops.filter(outlet=OuterRef("pk"))))
        .select_related("deleted_by")
        .prefetch_related("aliases")
    )
    speakers = sorted(speakers, key=lambda s: (s.name, keys.get(s.pk, "")))
    outlets = sorted(outlets, key=lambda o: o.name)
    if not speakers and not outlets:
        return None
    return {
        "format": DIRECTORY_FORMAT,
        "outlets": [_outlet_doc(o) for o in outlets],
        "speakers": [_speaker_doc(s, keys) for s in speakers],
    }


def articles_jsonl_lines(articles=None) -> Iterator[str]:
    """Every article of ``articles`` (default: all, deleted ones too) as JSON Lines, one
    document a line; for all of them, a last line lists the speakers and outlets that no
    article names (see :func:`directory_document`)."""
    for doc in iter_article_documents(articles):
        yield document_line(doc)
    if articles is None:
        directory = directory_document()
        if directory is not None:
            yield document_line(directory)
