"""The highlighted body: an article's text as HTML with its quotes, mentions, cues and
boilerplate marked, and the quotes it shows, each with what the list needs worked out once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from html import escape

from django.db.models import F
from django.urls import reverse
from django.utils.safestring import mark_safe

from ..models import Article, Fragment, Quote, ViaHop

PALETTE_SIZE = 8


def palette(speaker_id: int | None) -> str:
    return "n" if speaker_id is None else str(speaker_id % PALETTE_SIZE)


def highlight(body: str, quotes: Iterable[Quote], boilerplate: Iterable[tuple[int, int]]):
    """The body as HTML (each quote carrying its fragments as ``spans``, see
    ``article_quotes``): its text cut at every fragment, mention, cue and boilerplate
    boundary into segments, each a ``<mark>`` (inside a quote) or ``<span>`` carrying the ids
    of the quotes covering it (``data-q``, innermost first), of the quotes whose speaker
    mention (``data-m``) or cue (``data-c``) it is, and classes for colour, kind, depth and
    status. Overlapping and nested quotes both stay visible. One sweep over the sorted
    boundaries: O(n log n) in the number of spans, plus the output.

    Every piece of text is escaped here (``html.escape``, quotes included, as Django's
    ``escape``); the result holds no whitespace of its own, so the container's text is
    exactly the body."""
    opens: dict[int, list] = defaultdict(list)
    closes: dict[int, list] = defaultdict(list)
    n = len(body)

    def add(start, end, layer, key, info=None):
        if start is None or end is None or not (0 <= start < end <= n):
            return
        opens[start].append((layer, key, info))
        closes[end].append((layer, key, info))

    for quote in quotes:
        if quote.anchoring == Quote.Anchoring.ORPHANED:
            continue  # its spans belong to an earlier revision
        for start, end in quote.spans:
            add(start, end, "q", (quote.pk, start), (quote, end))
        add(quote.mention_start, quote.mention_end, "m", quote.pk)
        add(quote.cue_start, quote.cue_end, "c", quote.pk)
    for index, (start, end) in enumerate(boilerplate):
        add(start, end, "b", index)

    points = sorted({0, n, *opens, *closes})
    active: dict[str, dict] = {"q": {}, "m": {}, "c": {}, "b": {}}
    out: list[str] = []
    for i, point in enumerate(points[:-1]):
        for layer, key, _info in closes.get(point, ()):
            active[layer].pop(key, None)
        for layer, key, info in opens.get(point, ()):
            active[layer][key] = (info[0], point, info[1]) if layer == "q" else (info, point)
        end = points[i + 1]
        text = escape(body[point:end])
        covering, mentions, cues = active["q"], active["m"], active["c"]
        if not (covering or mentions or cues or active["b"]):
            out.append(text)
            continue
        classes = []
        attrs = ""
        if covering:
            # Innermost (shortest fragment) first: it sets the underline, the outermost the
            # background, so a quote nested in another shows both.
            ranked = sorted(
                covering.values(),
                key=lambda item: (item[2] - item[1], -item[1], item[0].pk),
            )
            inner, outer = ranked[0][0], ranked[-1][0]
            ids = []
            for quote, *_ in ranked:
                if quote.pk not in ids:
                    ids.append(quote.pk)
            classes += [
                "hl",
                f"sp{palette(inner.speaker_id)}",
                f"bg{palette(outer.speaker_id)}",
                f"k-{inner.kind}",
                f"d{min(len(ids), 3)}",
            ]
            if all(q.status == Quote.Status.SUGGESTED for q, *_ in ranked):
                classes.append("sugg")
            # Speaker, kind and status in words for screen readers: the quote list's
            # description of each covering quote (``qd-ID`` in article_detail.html).
            attrs += ' aria-describedby="' + " ".join(f"qd-{pk}" for pk in ids) + '"'
            attrs += ' data-q="' + " ".join(str(pk) for pk in ids) + '"'
        if mentions:
            classes.append("mention")
            attrs += ' data-m="' + " ".join(str(pk) for pk in sorted(mentions)) + '"'
        if cues:
            classes.append("cue")
            attrs += ' data-c="' + " ".join(str(pk) for pk in sorted(cues)) + '"'
        if active["b"]:
            classes.append("boiler")
            if not covering:
                attrs += ' aria-describedby="boiler-note"'
        tag = "mark" if covering else "span"
        out.append(f'<{tag} class="{" ".join(classes)}"{attrs}>{text}</{tag}>')
    return mark_safe("".join(out))  # noqa: S308 - every text piece above is escaped


def article_quotes(article: Article, annotator=None) -> list[Quote]:
    """The article's live, not rejected quotes in text order, each with its fragment
    ``spans`` and ``via_label``, in three queries whatever their number. (Not
    ``with_related``: joining the article would copy its body into every row, and
    ``prefetch_related`` spends more on a thousand related managers than on the rows.)"""
    quotes = list(
        Quote.objects.filter(article=article, annotator=annotator)
        .exclude(status=Quote.Status.REJECTED)
        .select_related("speaker")
        .annotate(revision_number=F("revision__number"))
        .order_by("start", "end", "id")
    )
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for quote_id, start, end in (
        Fragment.objects.filter(quote__article=article, quote__annotator=annotator)
        .order_by("quote_id", "start")
        .values_list("quote_id", "start", "end")
    ):
        spans[quote_id].append((start, end))
    via: dict[int, list[str]] = defaultdict(list)
    for quote_id, outlet, speaker in (
        ViaHop.objects.filter(quote__article=article, quote__annotator=annotator)
        .order_by("quote_id", "position")
        .values_list("quote_id", "outlet__name", "speaker__name")
    ):
        via[quote_id].append(outlet if outlet is not None else speaker)
    speaker_url = url_maker("annotations:speaker-detail")
    kinds = dict(Quote.Kind.choices)
    # Everything the list shows, worked out here once: a thousand quotes through the template
    # engine's lookups, filters and {% url %} tags would cost more than the rest of the page.
    for quote in quotes:
        quote.article = article
        quote.palette = palette(quote.speaker_id)
        quote.kind_label = kinds.get(quote.kind, quote.kind)
        quote.short_text = quote.text if len(quote.text) <= 220 else quote.text[:219] + "…"
        quote.spans = spans[quote.pk]
        quote.via_label = " › ".join(via[quote.pk])
        quote.speaker_url = speaker_url(quote.speaker_id) if quote.speaker_id else ""
    return quotes


def url_maker(name: str) -> Callable[[int], str]:
    """A fast ``reverse(name, args=[pk])`` for URLs whose only argument is an id."""
    head, tail = reverse(name, args=[987654321]).split("987654321")
    return lambda pk: f"{head}{pk}{tail}"
