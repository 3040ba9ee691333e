"""Documents out: each article as a document, with the speakers and outlets it names, in a
fixed order, as JSON Lines (one document a line, the directory line last)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch

from ..models import Article, Outlet, Quote, Revision, Speaker, ViaHop
from .format import DIRECTORY_FORMAT, DOCUMENT_FORMAT


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
