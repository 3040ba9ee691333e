"""Documents in: each one checked, its rows prepared in memory, and stored as an article
with its quotes (one at a time, or a :class:`Batch` of them in bulk)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from .. import text as textrules
from ..models import (
    FRAGMENT_JOINER,
    Article,
    BoilerplateRange,
    Hop,
    Quote,
    Revision,
    User,
    create_with_history,
)
from .format import (
    DIRECTORY_FORMAT,
    DOCUMENT_FORMAT,
    IMPORTED,
    LISTED,
    UPDATED,
    error_text,
    parse_published_at,
)
from .names import Directory, _deleted, _Names, _names_in, _save_names, _users
from .validation import validate_document

#: the anchorings a quote may have (the choices' values, looked up once)
ANCHORINGS = frozenset(Quote.Anchoring.values)


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
    if anchoring not in ANCHORINGS:
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
