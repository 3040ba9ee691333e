"""The API's querysets: each says what its serializer shows, fetched in a fixed number of
queries."""

from __future__ import annotations

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Substr

from annotations.models import (
    Article,
    BoilerplateRange,
    Outlet,
    OutletAlias,
    Quote,
    Revision,
    Speaker,
    SpeakerAlias,
    ViaHop,
)


def count_of(queryset):
    """A correlated ``COUNT(*)`` subquery: evaluated only for the rows a page shows, where a
    JOIN with GROUP BY would count for every row before paging."""
    counted = queryset.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def counted_quotes():
    """The quotes that ``quote_count`` counts: live, and not rejected (rejected suggestions
    are kept only so that they are not suggested again)."""
    return Quote.objects.exclude(status=Quote.Status.REJECTED).filter(annotator__isnull=True)


def quote_queryset(queryset=None):
    """Everything the quote JSON shows, in three queries however many quotes: this one, with
    the speaker's name and the text of the mention and cue spans as annotations (cut from
    the body in SQL, so that bodies are not fetched), then the fragments and via hops of all
    the quotes being shown, in one query each (``serializers.quotes.quote_parts``). The
    quote list, the API's hot path, reads it as plain values (``.values(*QUOTE_VALUES)``)
    rather than model instances."""
    # An agreement task's two independent annotations are not the article's quotes (yet).
    queryset = Quote.objects.filter(annotator__isnull=True) if queryset is None else queryset
    # An orphaned quote's spans belong to the revision it was anchored in.
    body = Coalesce("revision__body", "article__body")
    return queryset.annotate(
        speaker_name=F("speaker__name"),
        revision_number=F("revision__number"),
        confirmed_by_name=F("confirmed_by__username"),
        checked_by_name=F("checked_by__username"),
        mention_text=Substr(body, F("mention_start") + 1, F("mention_end") - F("mention_start")),
        cue_text=Substr(body, F("cue_start") + 1, F("cue_end") - F("cue_start")),
    )


def current_revision():
    """The number of an article's current revision: the last stored, or 1."""
    last = Revision.objects.filter(article=OuterRef("pk")).order_by("-number").values("number")
    return Coalesce(Subquery(last[:1], output_field=IntegerField()), Value(1))


def article_queryset(*, detail: bool = False):
    queryset = Article.objects.select_related("publisher", "assignee").annotate(
        quote_count=count_of(counted_quotes().filter(article=OuterRef("pk"))),
        revision=current_revision(),
    )
    if not detail:
        return queryset.defer("body")
    return queryset.prefetch_related(
        Prefetch(
            "quotes", queryset=quote_queryset().order_by("start", "id"), to_attr="live_quotes"
        ),
        Prefetch("boilerplate", queryset=BoilerplateRange.objects.order_by("start")),
    )


def speaker_queryset():
    return Speaker.objects.prefetch_related(
        Prefetch("aliases", queryset=SpeakerAlias.objects.order_by("id"))
    ).annotate(quote_count=count_of(counted_quotes().filter(speaker=OuterRef("pk"))))


def outlet_queryset():
    relayed = ViaHop.objects.filter(quote=OuterRef("pk"), outlet=OuterRef(OuterRef("pk")))
    return Outlet.objects.prefetch_related(
        Prefetch("aliases", queryset=OutletAlias.objects.order_by("id"))
    ).annotate(
        quote_count=count_of(
            counted_quotes().filter(Q(article__publisher=OuterRef("pk")) | Exists(relayed))
        ),
        article_count=count_of(Article.objects.filter(publisher=OuterRef("pk"))),
    )
