"""The highlighted body: an article's text as HTML with its quotes, mentions, cues and
boilerplate marked, and the quotes it shows, each with what the list needs worked out once."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from html import escape
from typing import NamedTuple

from django.db import connections
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .. import text as textrules
from ..models import Article, Quote, ViaHop

PALETTE_SIZE = 8


def palette(speaker_id: int | None) -> str:
    return "n" if speaker_id is None else str(speaker_id % PALETTE_SIZE)


def highlight(
    body: str,
    quotes: Iterable,
    boilerplate: Iterable[tuple[int, int]],
    *,
    paragraphs: Collection[int] | None = None,
    oob: bool = False,
) -> SafeString:
    """The body as HTML, a ``<span class="para" id="para-N">`` per paragraph (``paragraph_starts``),
    each quote carrying its fragments as ``spans`` (see ``article_quotes``): the text cut at
    every paragraph, fragment, mention, cue and boilerplate boundary into segments, each a
    ``<mark>`` (inside a quote) or ``<span>`` carrying the ids of the quotes covering it
    (``data-q``, innermost first), of the quotes whose speaker mention (``data-m``) or cue
    (``data-c``) it is, and classes for colour, kind, depth and status. Overlapping and nested
    quotes both stay visible. One sweep over the sorted boundaries: O(n log n) in the number
    of spans, plus the output.

    ``paragraphs`` draws only those (by number), from the quotes that touch them: a paragraph
    drawn so is the same as in the whole body. ``oob`` marks each paragraph to replace the
    inside of its namesake in the page (htmx's out-of-band swap): the paragraph's box stays,
    with the size and rendering state the browser keeps for it.

    Every piece of text is escaped here (``html.escape``, quotes included, as Django's
    ``escape``); the result holds no whitespace of its own, so the container's text is
    exactly the body."""
    n = len(body)
    opens: dict[int, list] = defaultdict(list)
    closes: dict[int, list] = defaultdict(list)
    suggested = Quote.Status.SUGGESTED
    for quote in quotes:
        if quote.anchoring == Quote.Anchoring.ORPHANED:
            continue  # its spans belong to an earlier revision
        pk, colour, kind = quote.pk, palette(quote.speaker_id), quote.kind
        for start, end in quote.spans:
            if 0 <= start < end <= n:
                # Sorted as they stand: innermost (shortest) first, then the later-starting.
                sugg = quote.status == suggested
                # The mark of a piece covered by this fragment alone, worked out once.
                alone = (
                    f'<mark class="hl sp{colour} bg{colour} k-{kind} d1{" sugg" if sugg else ""}"'
                    f' aria-describedby="qd-{pk}" data-q="{pk}">'
                )
                info = (end - start, -start, pk, colour, kind, sugg, alone)
                opens[start].append(("q", (pk, start), info))
                closes[end].append(("q", (pk, start)))
        for layer, start, end in (
            ("m", quote.mention_start, quote.mention_end),
            ("c", quote.cue_start, quote.cue_end),
        ):
            if start is not None and end is not None and 0 <= start < end <= n:
                opens[start].append((layer, pk, pk))
                closes[end].append((layer, pk))
    for index, (start, end) in enumerate(boilerplate):
        if 0 <= start < end <= n:
            opens[start].append(("b", index, index))
            closes[end].append(("b", index))

    starts = textrules.paragraph_starts(body)
    para_at = {start: number for number, start in enumerate(starts)}
    extra = ' hx-swap-oob="innerHTML"' if oob else ""
    # Most bodies hold no character that needs escaping; a piece is escaped only when one of
    # them falls inside it.
    specials = [m.start() for m in re.finditer(r"[&<>\"']", body)]
    points = sorted({0, n, *starts, *opens, *closes})
    covering: dict = {}
    mentions: dict = {}
    cues: dict = {}
    boiler: dict = {}
    active = {"q": covering, "m": mentions, "c": cues, "b": boiler}
    out: list[str] = []
    drawing = False
    for i in range(len(points) - 1):
        point = points[i]
        for layer, key in closes.get(point, ()):
            active[layer].pop(key, None)
        for layer, key, info in opens.get(point, ()):
            active[layer][key] = info
        number = para_at.get(point)
        if number is not None:
            if drawing:
                out.append("</span>")
            drawing = paragraphs is None or number in paragraphs
            if drawing:
                out.append(f'<span class="para" id="para-{number}"{extra}>')
        if not drawing:
            continue
        end = points[i + 1]
        text = body[point:end]
        if specials:
            at = bisect_left(specials, point)
            if at < len(specials) and specials[at] < end:
                text = escape(text)
        if not (covering or mentions or cues or boiler):
            out.append(text)
            continue
        if len(covering) == 1 and not (mentions or cues or boiler):
            (inner,) = covering.values()
            out.append(f"{inner[6]}{text}</mark>")
            continue
        classes = ""
        attrs = ""
        if covering:
            # Innermost (shortest fragment) first: it sets the underline, the outermost the
            # background, so a quote nested in another shows both.
            if len(covering) == 1:
                (inner,) = covering.values()
                pk = inner[2]
                classes = f"hl sp{inner[3]} bg{inner[3]} k-{inner[4]} d1"
                attrs = f' aria-describedby="qd-{pk}" data-q="{pk}"'
                if inner[5]:
                    classes += " sugg"
            else:
                ranked = sorted(covering.values())
                inner, outer = ranked[0], ranked[-1]
                ids = list(dict.fromkeys(item[2] for item in ranked))
                classes = f"hl sp{inner[3]} bg{outer[3]} k-{inner[4]} d{min(len(ids), 3)}"
                if all(item[5] for item in ranked):
                    classes += " sugg"
                # Speaker, kind and status in words for screen readers: the quote list's
                # description of each covering quote (``qd-ID`` in the list's entries).
                described = " ".join([f"qd-{pk}" for pk in ids])
                attrs = f' aria-describedby="{described}" data-q="{" ".join(map(str, ids))}"'
        if mentions:
            classes += " mention"
            attrs += f' data-m="{ids_of(mentions)}"'
        if cues:
            classes += " cue"
            attrs += f' data-c="{ids_of(cues)}"'
        if boiler:
            classes += " boiler"
            if not covering:
                attrs += ' aria-describedby="boiler-note"'
        tag = "mark" if covering else "span"
        out.append(f'<{tag} class="{classes.lstrip()}"{attrs}>{text}</{tag}>')
    if drawing:
        out.append("</span>")
    return mark_safe("".join(out))  # noqa: S308 - every text piece above is escaped


def ids_of(found: dict) -> str:
    return str(next(iter(found))) if len(found) == 1 else " ".join(map(str, sorted(found)))


def paragraphs_touched(body: str, ranges: Iterable[tuple[int, int]]) -> set[int]:
    """The numbers of the paragraphs that the spans ``ranges`` (of the body) touch."""
    starts = textrules.paragraph_starts(body)
    touched: set[int] = set()
    for start, end in ranges:
        first = bisect_right(starts, start) - 1
        last = bisect_right(starts, max(start, end - 1)) - 1
        touched.update(range(max(first, 0), max(last, 0) + 1))
    return touched


def paragraph_bounds(body: str, numbers: Iterable[int]) -> list[tuple[int, int]]:
    starts = textrules.paragraph_starts(body)
    ends = [*starts[1:], len(body)]
    return [(starts[k], ends[k]) for k in sorted(numbers) if k < len(starts)]


class ShownQuote(NamedTuple):
    """A quote as the article page shows it: what the highlight and the list need, read as
    plain values (a thousand model instances cost more than the rest of the page)."""

    pk: int
    version: int
    kind: str
    status: str
    anchoring: str
    speaker_id: int | None
    speaker_name: str | None
    text: str
    cue: str
    start: int
    end: int
    mention_start: int | None
    mention_end: int | None
    cue_start: int | None
    cue_end: int | None
    spans: list[tuple[int, int]]  # its fragments
    via: list[str]  # the names of its via hops, nearest the speaker first

    @property
    def is_suggested(self) -> bool:
        return self.status == Quote.Status.SUGGESTED

    @property
    def via_label(self) -> str:
        return " › ".join(self.via)

    @property
    def marked_ranges(self) -> list[tuple[int, int]]:
        """The spans of the body it marks: its fragments, mention and cue."""
        found = list(self.spans)
        for start, end in ((self.mention_start, self.mention_end), (self.cue_start, self.cue_end)):
            if start is not None and end is not None:
                found.append((start, end))
        return found


COLUMNS = [("speaker__name" if f == "speaker_name" else f) for f in ShownQuote._fields[:-2]]


def shown_quotes(article: Article, annotator=None, *, only: Q | None = None) -> QuerySet:
    """The article's live, not rejected quotes as its page shows them (one editor of an
    agreement task sees only their own), narrowed by ``only``."""
    quotes = Quote.objects.filter(article=article, annotator=annotator).exclude(
        status=Quote.Status.REJECTED
    )
    return quotes.filter(only) if only is not None else quotes


def article_quotes(article: Article, annotator=None, *, only: Q | None = None) -> list[ShownQuote]:
    """The article's live, not rejected quotes in text order (``shown_quotes``), each with
    its fragment ``spans`` and ``via`` hops, in two queries whatever their number: the quotes
    joined with their fragments (a row per fragment), and the hops."""
    rows = (
        shown_quotes(article, annotator, only=only)
        .order_by("start", "end", "id", "fragments__start")
        .values_list(*COLUMNS, "fragments__start", "fragments__end")
    )
    quotes: list[ShownQuote] = []
    last = None
    for row in plain_rows(rows):
        if last is None or last.pk != row[0]:
            last = ShownQuote(*row[:-2], [], [])
            quotes.append(last)
        if row[-2] is not None:
            last.spans.append(row[-2:])
    if not quotes:
        return quotes
    by_id = {quote.pk: quote for quote in quotes}
    if only is None:  # joined on the article rather than a list of a thousand ids
        hops = ViaHop.objects.filter(quote__article=article, quote__annotator=annotator)
    else:
        hops = ViaHop.objects.filter(quote_id__in=by_id)
    for quote_id, outlet, speaker in hops.order_by("quote_id", "position").values_list(
        "quote_id", "outlet__name", "speaker__name"
    ):
        if quote_id in by_id:
            by_id[quote_id].via.append(outlet if outlet is not None else speaker)
    return quotes


def plain_rows(rows: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` query as the database driver gives them: for plain
    columns (numbers, text) the same values, without the ORM's work on each of a thousand
    rows."""
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def touching(ranges: Iterable[tuple[int, int]]) -> Q:
    """Quotes with a fragment, mention or cue overlapping any of ``ranges``. A quote's own
    ``start`` and ``end`` span all its fragments, so the quotes whose span, mention or cue
    overlaps come first, from the row alone; only those are looked at fragment by fragment
    (not every quote of a long article)."""
    near = Q(pk__in=[])
    found = Q(pk__in=[])
    for start, end in ranges:
        marks = Q(mention_start__lt=end, mention_end__gt=start) | Q(
            cue_start__lt=end, cue_end__gt=start
        )
        near |= Q(start__lt=end, end__gt=start) | marks
        found |= Q(fragments__start__lt=end, fragments__end__gt=start) | marks
    return near & Q(pk__in=Quote.objects.filter(found).values("pk"))


KIND_LABELS = dict(Quote.Kind.choices)


class QuoteItems:
    """The quote list's entries as HTML, one ``<li>`` a quote, written here rather than in a
    template: a thousand entries through the template engine's lookups cost more than the
    rest of the page. Every value is escaped."""

    def __init__(self, can_edit: bool):
        self.speaker_url = url_maker("annotations:speaker-detail")
        self.speakers: dict[int | None, tuple[str, str]] = {}
        self.kinds: dict[str, tuple[str, str]] = {}
        buttons = (
            '<button type="button" data-action="edit">Edit <kbd>e</kbd></button> '
            '<button type="button" class="danger" data-action="delete">Delete</button>'
        )
        decide = (
            '<button type="button" class="primary" data-action="accept">Accept <kbd>a</kbd>'
            '</button> <button type="button" data-action="reject">Reject <kbd>r</kbd></button> '
        )
        # The buttons under an entry: for a confirmed quote, and for a suggestion.
        self.actions = (
            (
                f'<div class="qi-actions">{buttons}</div>\n',
                f'<div class="qi-actions">{decide}{buttons}</div>\n',
            )
            if can_edit
            else ("", "")
        )

    def speaker(self, q: ShownQuote) -> tuple[str, str]:
        """The speaker's link in the entry's head, and the name for its description."""
        found = self.speakers.get(q.speaker_id)
        if found is None:
            if q.speaker_id is None:
                found = ('<span class="speaker muted">Unknown speaker</span>', "Unknown speaker")
            else:
                name = escape(q.speaker_name)
                url = self.speaker_url(q.speaker_id)
                found = (f'<a href="{url}" class="speaker">{name}</a>', name)
            self.speakers[q.speaker_id] = found
        return found

    def kind(self, kind: str) -> tuple[str, str]:
        """The kind's badge in the entry's head, and its name for the description."""
        found = self.kinds.get(kind)
        if found is None:
            label = KIND_LABELS.get(kind, kind)
            badge = f'<span class="badge kind-{escape(kind)}">{escape(label)}</span>'
            found = self.kinds[kind] = (badge, escape(label.lower()))
        return found

    def item(self, q: ShownQuote, oob: str = "") -> str:
        """One entry; ``oob`` makes it an htmx out-of-band swap of that style."""
        colour = palette(q.speaker_id)
        suggested = q.status == Quote.Status.SUGGESTED
        badge, _ = self.kind(q.kind)
        link, _ = self.speaker(q)
        head = f'<span class="swatch sp{colour}" aria-hidden="true"></span> {link} {badge}'
        if suggested:
            head += ' <span class="badge sugg-badge">suggested</span>'
        if q.anchoring != Quote.Anchoring.ANCHORED:
            head += f' <span class="badge anchoring-badge">{escape(q.anchoring)}</span>'
        swap = f' hx-swap-oob="{oob}"' if oob else ""
        short = q.text if len(q.text) <= 220 else q.text[:219] + "…"
        meta = f'<span class="cue-label">{escape(q.cue)}</span>' if q.cue else ""
        if q.via:
            meta += f" · via {escape(q.via_label)}"
        return (
            f'<li id="quote-{q.pk}" class="quote-item sp{colour}'
            f'{" is-suggested" if suggested else ""}" data-quote="{q.pk}" '
            f'data-version="{q.version}" tabindex="-1"{swap}>\n'
            f'<h3 class="qi-head">{head}</h3>\n'
            f"{self.description(q)}\n"
            f'<p class="qi-text">{escape(short)}</p>\n'
            f'<p class="qi-meta">{meta}</p>\n'
            f"{self.actions[suggested]}</li>\n"
        )

    def description(self, q: ShownQuote) -> str:
        """Speaker, kind and status in words (``qd-ID``): what the text's highlights of the
        quote are described by, for screen readers."""
        _, kind = self.kind(q.kind)
        _, name = self.speaker(q)
        said = "suggested, not yet checked" if q.is_suggested else "confirmed"
        return f'<span id="qd-{q.pk}" class="visually-hidden">{name}, {kind} quote, {said}</span>'

    def html(self, quotes: Iterable[ShownQuote]) -> SafeString:
        return mark_safe("".join(self.item(q) for q in quotes))  # noqa: S308 - escaped above

    def descriptions(self, quotes: Iterable[ShownQuote]) -> SafeString:
        """The descriptions alone, for quotes whose entries the list does not show yet."""
        return mark_safe("".join(self.description(q) for q in quotes))  # noqa: S308


def url_maker(name: str) -> Callable[[int], str]:
    """A fast ``reverse(name, args=[pk])`` for URLs whose only argument is an id."""
    head, tail = reverse(name, args=[987654321]).split("987654321")
    return lambda pk: f"{head}{pk}{tail}"
