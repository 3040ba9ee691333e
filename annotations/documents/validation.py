"""The shape of an article document, checked before anything is stored: every key known,
every required one present, every value of its type."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError

from .. import text as textrules
from .format import DIRECTORY_FORMAT, DOCUMENT_FORMAT, parse_published_at

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
