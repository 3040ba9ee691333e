"""Importing a brat attribution corpus split (``text/`` and ``attributions/``, PolNeAR
layout): each article with its attributions as confirmed quotes, and a report that accounts
for every attribution."""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import text as textrules
from ..documents import error_text, parse_published_at
from ..importing import split_title
from ..models import Article, Outlet, Quote, Speaker, SpeakerAlias
from ..suggesting import NAME_SUFFIXES, TITLES, speaker_name_from_source
from . import brat

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
        if before and before[-1] in textrules.DOUBLE_QUOTATION_MARKS:
            return start, end
    text = body[start:end]
    if not text or text[0] not in textrules.DOUBLE_QUOTATION_MARKS:
        return None
    closers = textrules.DOUBLE_QUOTATION_MARKS[text[0]]
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
    if any(p is not None for p in inner) or textrules.DOUBLE_MARKS.intersection(text):
        return Quote.Kind.MIXED, spans
    return Quote.Kind.INDIRECT, spans


def _name_words(name: str) -> list[str]:
    return [w for w in re.split(r"\s+", name) if w]


def is_proper_name(name: str) -> bool:
    words = _name_words(name)
    return (
        bool(words)
        and words[-1][:1].isupper()
        and words[-1].casefold() not in textrules.PRONOUNS
        and name.casefold() not in textrules.PRONOUNS
    )


def clean_speaker_name(source: str) -> str:
    """A speaker's name from a source span: the suggester's cleaning (appositions, leading
    titles), then whatever stands before the last personal title of a name such as
    "Pennsylvania Gov. Ed Rendell" or "White House Press Secretary Josh Earnest"."""
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


HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "the", "a", "an"})
LINKING = frozenset({"and", "or", "in", "of", "to", "with", "by", "for", "from", "at", "on", "as"})


def speaker_role_from_source(source: str, name: str) -> str:
    """The role a source gives its speaker at the time, as written: the words before the
    name (``"Pentagon spokesman"`` in ``"Pentagon spokesman Steven Warren"``) or an
    apposition after it (``"Clinton's campaign manager"`` in ``"Robby Mook, Clinton's
    campaign manager"``); "" when it gives none (``"Mr. Mook"``, ``"he"``)."""
    text = " ".join(source.split())
    at = text.find(name)
    if not name or at < 0:
        return ""
    before = text[:at].strip(" ,;:—–-")
    words = before.split()
    while words and words[0].casefold().rstrip(".") in HONORIFICS:
        words.pop(0)
    if words and (words[-1] in LINKING or words[0].casefold() in textrules.PRONOUNS):
        return ""  # "he and Brafman", "partners in Tehran": not a role
    if words:
        return " ".join(words)[:300]
    after = text[at + len(name) :]
    if after.startswith(","):
        after = after.strip(" ,;:—–-")
        if after and after.split()[0].casefold() not in {"who", "which", "whose", "said"}:
            return after[:300]
    return ""


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
        elif raw.strip().casefold() in textrules.PRONOUNS and last:
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
            book.outlets[outlet_name] = Outlet.objects.find_or_create(
                outlet_name, by=user, kind=kind
            )
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
    kinds, skipped, quotes = [], [], []
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
        cue, cue_span = "", None
        cue_spans = src.spans(doc.span(att.cue))
        if cue_spans:
            cue_span = cue_spans[0]
            cue = " ".join(body[s:e] for s, e in cue_spans)[:200]
        speaker, mention, role = None, None, ""
        source_spans = src.spans(doc.span(att.source))
        if source_spans:
            mention = source_spans[0]
            speaker_name = src.names.get(source_spans[0][0])
            if speaker_name:
                speaker = book.get(speaker_name)
                source = " ".join(body[s:e] for s, e in source_spans)
                role = speaker_role_from_source(source, speaker_name)
                words = _name_words(" ".join(body[s:e] for s, e in source_spans))
                full = speaker.name
                if len(words) == 1 and full.casefold().endswith(" " + words[0].casefold()):
                    aliases[full].add(words[0])
        quotes.append(
            Quote.prepare(
                article,
                kind=kind,
                fragments=spans,
                speaker=speaker,
                speaker_role=role,
                mention=mention,
                cue=cue,
                cue_span=cue_span,
                by=user,
            )
        )
        kinds.append(kind)
    Quote.objects.create_prepared(quotes, by=user)
    for full, surnames in aliases.items():
        book.add_aliases(book.get(full), sorted(surnames))
    return kinds, skipped
