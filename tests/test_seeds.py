import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from annotations.models import Article, BoilerplateRange, Outlet, Quote, Speaker, SpeakerAlias

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "seeds"


def snapshot():
    return {
        "articles": list(Article.objects.values_list("id", "updated_at")),
        "quotes": list(Quote.all_objects.values_list("id", "updated_at", "version")),
        "speakers": list(Speaker.objects.values_list("id", "name")),
        "aliases": list(SpeakerAlias.objects.values_list("id", "name")),
        "outlets": list(Outlet.objects.values_list("id", "name")),
    }


def test_loadseeds_twice_changes_nothing_the_second_time(seeded):
    before = snapshot()
    call_command("loadseeds", verbosity=0)
    assert snapshot() == before
    assert Article.objects.count() == 1


def test_seed_article_has_its_publisher_outlets_and_boilerplate(seeded):
    assert seeded.publisher.name == "The Moscow Times"
    assert seeded.publisher.kind == Outlet.Kind.NEWSPAPER
    assert sorted(Outlet.objects.values_list("name", "kind")) == [
        ("Meduza", "news_agency"),
        ("RIA Novosti", "news_agency"),
        ("The Moscow Times", "newspaper"),
    ]
    appeal = BoilerplateRange.objects.get(article=seeded)
    assert (appeal.start, appeal.end) == (1412, 2446)
    assert seeded.body[appeal.start :].startswith("A Message from The Moscow Times:")


def test_seed_speakers_have_aliases_and_roles(seeded):
    speakers = {s.name: s for s in Speaker.objects.prefetch_related("aliases")}
    assert set(speakers) == {"Igor Konashenkov", "Steven Warren"}
    assert speakers["Igor Konashenkov"].role == "Russian Defense Ministry spokesman"
    assert [a.name for a in speakers["Igor Konashenkov"].aliases.all()] == ["Konashenkov"]
    assert [a.name for a in speakers["Steven Warren"].aliases.all()] == ["Warren"]


def test_seed_quotes_match_the_gold_annotations(seeded):
    gold_path = settings.BASE_DIR.parent / "shared/seeds/moscow-times-syria-strikes.gold.json"
    gold = json.loads(gold_path.read_text(encoding="utf-8")) if gold_path.exists() else None
    quotes = list(Quote.objects.filter(article=seeded).with_related().order_by("start", "id"))
    assert len(quotes) == 9
    rows = [
        (
            q.kind,
            q.speaker.name,
            q.start,
            q.end,
            q.cue,
            q.cue_span,
            q.speaker_mention,
            q.via_names(),
        )
        for q in quotes
    ]
    assert rows == [
        ("indirect", "Igor Konashenkov", 62, 144, "said", (52, 56), (35, 51), ["RIA Novosti"]),
        ("direct", "Igor Konashenkov", 335, 438, "said", (452, 456), (440, 451), ["RIA Novosti"]),
        ("indirect", "Igor Konashenkov", 502, 583, "said", (492, 496), (480, 491), []),
        ("indirect", "Igor Konashenkov", 610, 679, "accused", (602, 609), (585, 596), []),
        ("direct", "Igor Konashenkov", 682, 821, "said", (835, 839), (823, 834), ["Meduza"]),
        ("indirect", "Igor Konashenkov", 905, 1004, "said", (895, 899), (883, 894), []),
        (
            "indirect",
            "Steven Warren",
            956,
            1004,
            "alleged",
            (943, 950),
            (924, 937),
            ["Igor Konashenkov"],
        ),
        ("direct", "Igor Konashenkov", 1031, 1145, "said", (1159, 1163), (1147, 1158), []),
        ("direct", "Igor Konashenkov", 1166, 1247, "added", (1252, 1257), (1249, 1251), []),
    ]
    warren = quotes[6]
    assert warren.via_hops.get().type == "speaker"
    for quote in quotes:
        fragment = quote.fragments.get()
        assert fragment.text == seeded.body[fragment.start : fragment.end] == quote.text
    if gold is not None:
        assert [(q["start"], q["end"], q["text"]) for q in gold["quotes"]] == [
            (q.start, q.end, q.text) for q in quotes
        ]


def test_seed_body_is_the_article_exactly_as_published(seeded):
    assert seeded.body == (SEEDS / "moscow-times-syria-strikes.txt").read_text(encoding="utf-8")
    assert len(seeded.body) == 2446
