"""The Newsdesk domain: outlets, speakers, articles and the quotes annotated in them.

One module per concern, each importing only those before it:

- ``history``: who changed a row and why, and the bulk writes that record it
  (``create_with_history``, ``update_with_history``, ``delete_with_history``);
- ``base``: ``User``, the ``Tracked``, ``Proposable`` and ``SoftDeletable`` mixins, and the
  named constraints models build (``choice_constraint``, ``span_constraints``);
- ``directory``: ``Outlet`` and ``Speaker``, their aliases, and finding or creating them by
  name;
- ``quotes``: ``Quote`` with its ``Fragment`` spans and ``ViaHop`` chain (``Hop``);
- ``articles``: ``Article``, its ``Revision``\\ s and ``BoilerplateRange``\\ s, and the
  quotes suggested in it;
- ``workflow``: ``Action`` (undo) and ``AgreementTask`` (two annotators, one article);
- ``jobs``: ``Job``, the record of a background task;
- ``merges``: ``Merge`` of duplicate speakers or outlets, and ``DistinctSpeakers`` /
  ``DistinctOutlets``.

A lower module never imports a higher one: a quote's foreign keys name its article and
revision as strings, and a merge of outlets or speakers takes the models it moves rows of
from the app registry. Everything other modules may use is imported from here.
"""

from .articles import Article, BoilerplateRange, Revision, Suggested
from .base import (
    WIKIDATA_ID,
    LiveManager,
    Proposable,
    SoftDeletable,
    Tracked,
    User,
    choice_constraint,
    span_constraints,
    wikidata_field,
)
from .directory import Outlet, OutletAlias, Speaker, SpeakerAlias
from .history import (
    change_reason,
    create_with_history,
    delete_with_history,
    history_user,
    keep_proposed,
    update_with_history,
    write_history,
)
from .jobs import Job
from .merges import DistinctOutlets, DistinctPair, DistinctSpeakers, Merge
from .quotes import FRAGMENT_JOINER, KEEP, Fragment, Hop, Quote, ViaHop
from .workflow import Action, AgreementTask

__all__ = [
    "FRAGMENT_JOINER",
    "KEEP",
    "WIKIDATA_ID",
    "Action",
    "AgreementTask",
    "Article",
    "BoilerplateRange",
    "DistinctOutlets",
    "DistinctPair",
    "DistinctSpeakers",
    "Fragment",
    "Hop",
    "Job",
    "LiveManager",
    "Merge",
    "Outlet",
    "OutletAlias",
    "Proposable",
    "Quote",
    "Revision",
    "SoftDeletable",
    "Speaker",
    "SpeakerAlias",
    "Suggested",
    "Tracked",
    "User",
    "ViaHop",
    "change_reason",
    "choice_constraint",
    "create_with_history",
    "delete_with_history",
    "history_user",
    "keep_proposed",
    "span_constraints",
    "update_with_history",
    "wikidata_field",
    "write_history",
]
