"""The speakers and outlets documents name, found (in a :class:`Directory` that an import
keeps from one document to the next) or made in memory, and stored in bulk."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Exists, OuterRef, Q

from .. import text as textrules
from ..models import Outlet, OutletAlias, Speaker, SpeakerAlias, User, create_with_history
from .format import IMPORTED, parse_published_at


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
