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

from .format import (
    DIRECTORY_FORMAT,
    DOCUMENT_FORMAT,
    IMPORTED,
    LISTED,
    UPDATED,
    error_text,
    parse_published_at,
)
from .names import Directory
from .reading import Batch, duplicate_of, import_document, store_directory, store_document
from .validation import validate_document
from .writing import (
    article_document,
    articles_jsonl_lines,
    directory_document,
    document_line,
    iter_article_documents,
    speaker_keys,
)

__all__ = [
    "Batch",
    "DIRECTORY_FORMAT",
    "DOCUMENT_FORMAT",
    "Directory",
    "IMPORTED",
    "LISTED",
    "UPDATED",
    "article_document",
    "articles_jsonl_lines",
    "directory_document",
    "document_line",
    "duplicate_of",
    "error_text",
    "import_document",
    "iter_article_documents",
    "parse_published_at",
    "speaker_keys",
    "store_directory",
    "store_document",
    "validate_document",
]
