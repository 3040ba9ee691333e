from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotations.models import (
    Article,
    BoilerplateRange,
    Fragment,
    Hop,
    Outlet,
    Quote,
    Speaker,
    SpeakerAlias,
    User,
    ViaHop,
)

from .factories import ArticleFactory, OutletFactory, QuoteFactory, SpeakerFactory, UserFactory

pytestmark = pytest.mark.django_db


def constraint_refuses(name, make):
    """Assert that ``make`` fails with an integrity error naming constraint ``name``."""
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        make()
    message = str(exc.value).lower()
    # SQLite names CHECK constraints; for unique indexes it names the columns instead.
    assert name.lower() in message or "unique" in message


def test_quote_with_two_fragments_keeps_order_text_and_bounds():
    article = ArticleFactory(body='"First part," he said. "Second part."')
    quote = Quote(article=article, kind=Quote.Kind.DIRECT)
    quote.set_fragments([(24, 36), (1, 12)])
    assert [(f.start, f.end) for f in quote.fragments.all()] == [(1, 12), (24, 36)]
    assert quote.text == "First part, … Second part."
    assert (quote.start, quote.end) == (1, 36)


def test_fragments_that_overlap_are_refused():
    article = ArticleFactory(body="0123456789abcdef")
    with pytest.raises(ValidationError, match="overlap"):
        Quote.check_fragments(article.body, [(0, 5), (4, 8)])


def test_fragment_outside_the_body_is_refused():
    article = ArticleFactory(body="short body")
    quote = Quote(article=article, kind=Quote.Kind.INDIRECT)
    with pytest.raises(ValidationError, match="past the end"):
        quote.set_fragments([(0, 50)])
    assert not Quote.all_objects.exists()


def test_via_chain_keeps_its_order_and_hop_types():
    quote = QuoteFactory()
    agency, paper = OutletFactory(name="RIA Novosti"), OutletFactory(name="Izvestia")
    relay = SpeakerFactory(name="Igor Konashenkov")
    quote.set_via([Hop(speaker=relay), Hop(outlet=agency), Hop(outlet=paper)])
    hops = list(quote.via_hops.all())
    assert [(h.type, h.name) for h in hops] == [
        ("speaker", "Igor Konashenkov"),
        ("outlet", "RIA Novosti"),
        ("outlet", "Izvestia"),
    ]


def test_via_hop_naming_both_or_neither_is_refused_by_the_database():
    quote = QuoteFactory()
    outlet, speaker = OutletFactory(), SpeakerFactory()
    constraint_refuses(
        "annotations_viahop_outlet_xor_speaker",
        lambda: ViaHop.objects.create(quote=quote, position=0, outlet=outlet, speaker=speaker),
    )
    constraint_refuses(
        "annotations_viahop_outlet_xor_speaker",
        lambda: ViaHop.objects.create(quote=quote, position=0),
    )


def test_database_refuses_span_with_start_after_end():
    quote = QuoteFactory()
    constraint_refuses(
        "annotations_fragment_start_before_end",
        lambda: Fragment.objects.create(quote=quote, start=9, end=3, text="x"),
    )
    constraint_refuses(
        "annotations_quote_start_before_end",
        lambda: Quote.all_objects.filter(pk=quote.pk).update(start=10, end=10),
    )
    constraint_refuses(
        "annotations_boilerplaterange_start_before_end",
        lambda: BoilerplateRange.objects.create(article=quote.article, start=5, end=2),
    )


def test_half_a_speaker_mention_is_refused_by_the_database():
    quote = QuoteFactory()
    constraint_refuses(
        "annotations_quote_mention_start_before_end",
        lambda: Quote.all_objects.filter(pk=quote.pk).update(mention_start=3, mention_end=None),
    )


@pytest.mark.parametrize(
    ("model_update", "name"),
    [
        (
            lambda q: Quote.all_objects.filter(pk=q.pk).update(kind="rumour"),
            "annotations_quote_kind_valid",
        ),
        (
            lambda q: Quote.all_objects.filter(pk=q.pk).update(status="maybe"),
            "annotations_quote_status_valid",
        ),
        (
            lambda q: Article.objects.filter(pk=q.article_id).update(status="lost"),
            "annotations_article_status_valid",
        ),
        (lambda q: Outlet.objects.update(kind="blog"), "annotations_outlet_kind_valid"),
        (lambda q: Speaker.objects.update(kind="ghost"), "annotations_speaker_kind_valid"),
        (
            lambda q: UserFactory() and User.objects.update(role="owner"),
            "annotations_user_role_valid",
        ),
        (
            lambda q: Quote.all_objects.filter(pk=q.pk).update(deleted_by=UserFactory()),
            "annotations_quote_deleted_by_needs_deleted_at",
        ),
    ],
)
def test_database_refuses_unknown_choices(model_update, name):
    quote = QuoteFactory()
    constraint_refuses(name, lambda: model_update(quote))


def test_article_url_is_unique_when_given_but_blank_urls_may_repeat():
    ArticleFactory(url="")
    ArticleFactory(url="")
    ArticleFactory(url="https://example.org/a")
    constraint_refuses(
        "annotations_article_url_unique", lambda: ArticleFactory(url="https://example.org/a")
    )


def test_outlet_names_are_unique_ignoring_case():
    OutletFactory(name="RIA Novosti")
    constraint_refuses("annotations_outlet_name_unique", lambda: OutletFactory(name="ria novosti"))


def test_quote_clean_checks_mention_and_cue_against_the_body():
    quote = QuoteFactory()
    quote.mention_start, quote.mention_end = 5, 5000
    with pytest.raises(ValidationError, match="speaker mention"):
        quote.full_clean()
    quote.mention_start = quote.mention_end = None
    quote.cue_start, quote.cue_end = 3, None
    with pytest.raises(ValidationError, match="both ends"):
        quote.full_clean()


def test_article_body_change_under_quotes_makes_a_revision_and_keeps_them():
    quote = QuoteFactory()
    article = Article.objects.get(pk=quote.article_id)
    article.body = "Something else entirely."
    article.save()
    assert article.revisions.count() == 2
    quote.refresh_from_db()
    assert quote.anchoring == "orphaned" and quote.revision.number == 1
    assert Quote.objects.filter(article=article).count() == 1


def test_article_body_may_change_while_it_has_no_quotes_and_other_fields_always():
    article = ArticleFactory()
    article = Article.objects.get(pk=article.pk)
    article.body = "A new body."
    article.save()
    QuoteFactory(article=article, start=0, end=5)
    article = Article.objects.get(pk=article.pk)
    article.title = "A better title"
    article.save()
    assert Article.objects.get(pk=article.pk).title == "A better title"


def test_article_clean_normalises_a_new_body_and_refuses_oversized_ones(settings):
    publisher = OutletFactory()
    article = Article(title="t", body="Cafe\u0301\r\nline", publisher=publisher)
    article.full_clean()
    assert article.body == "Café\nline"
    settings.NEWSDESK_MAX_BODY_CHARS = 10
    big = Article(title="t", body="x" * 11, publisher=publisher)
    with pytest.raises(ValidationError, match="the most Newsdesk accepts is 10"):
        big.full_clean()


def test_deleted_quotes_leave_lists_and_come_back_on_restore():
    editor = UserFactory(role=User.Role.EDITOR)
    quote = QuoteFactory()
    quote.soft_delete(by=editor)
    assert not Quote.objects.filter(pk=quote.pk).exists()
    assert Quote.all_objects.get(pk=quote.pk).deleted_by == editor
    quote.restore(by=editor)
    assert Quote.objects.filter(pk=quote.pk).exists()


def test_changes_are_recorded_with_who_and_when():
    editor = UserFactory(role=User.Role.EDITOR)
    quote = QuoteFactory()
    quote.cue = "claimed"
    quote.stamp(editor)
    quote.save()
    latest = quote.history.first()
    assert latest.cue == "claimed"
    assert latest.history_user == editor
    assert latest.history_date is not None
    assert quote.updated_by == editor


def test_through_outlet_finds_published_and_relayed_quotes():
    agency = OutletFactory(name="Agency")
    published = QuoteFactory(article=ArticleFactory(publisher=agency))
    relayed = QuoteFactory()
    relayed.set_via([Hop(outlet=agency)])
    QuoteFactory()
    assert set(Quote.objects.through_outlet(agency)) == {published, relayed}


def test_speaker_merge_moves_quotes_hops_and_aliases_and_loses_nothing():
    survivor = SpeakerFactory(name="Igor Konashenkov")
    duplicate = SpeakerFactory(name="I. Konashenkov", role="spokesman")
    SpeakerAlias.objects.create(speaker=duplicate, name="Konashenkov")
    said = QuoteFactory(speaker=duplicate)
    relayed = QuoteFactory()
    relayed.set_via([Hop(speaker=duplicate)])
    survivor.merge(duplicate)
    said.refresh_from_db()
    assert said.speaker == survivor
    assert said.version == 2
    assert relayed.via_hops.get().speaker == survivor
    assert sorted(survivor.aliases.values_list("name", flat=True)) == [
        "I. Konashenkov",
        "Konashenkov",
    ]
    assert survivor.role == "spokesman"
    assert not Speaker.objects.filter(pk=duplicate.pk).exists()


def test_outlet_merge_moves_articles_hops_and_aliases():
    survivor, duplicate = OutletFactory(name="RIA Novosti"), OutletFactory(name="RIA")
    article = ArticleFactory(publisher=duplicate)
    relayed = QuoteFactory()
    relayed.set_via([Hop(outlet=duplicate)])
    survivor.merge(duplicate)
    article.refresh_from_db()
    assert article.publisher == survivor
    assert relayed.via_hops.get().outlet == survivor
    assert list(survivor.aliases.values_list("name", flat=True)) == ["RIA"]
    assert not Outlet.objects.filter(pk=duplicate.pk).exists()


def test_merging_a_speaker_into_itself_is_refused():
    speaker = SpeakerFactory()
    with pytest.raises(ValidationError):
        speaker.merge(speaker)


def test_roles_decide_admin_flags_and_editing():
    analyst = UserFactory(role=User.Role.ANALYST)
    editor = UserFactory(role=User.Role.EDITOR)
    admin = UserFactory(role=User.Role.ADMIN)
    assert not analyst.can_edit and not analyst.is_staff
    assert editor.can_edit and not editor.is_staff
    assert admin.can_edit and admin.is_staff and admin.is_superuser


def test_with_counts_counts_live_and_suggested_quotes():
    article = ArticleFactory()
    QuoteFactory(article=article)
    QuoteFactory(article=article, status=Quote.Status.SUGGESTED, start=20, end=30)
    QuoteFactory(article=article, start=40, end=50).soft_delete()
    counted = Article.objects.with_counts().get(pk=article.pk)
    assert counted.quote_count == 2
    assert counted.suggested_count == 1


def test_speaker_find_matches_name_then_alias_in_any_case():
    named = SpeakerFactory(name="Igor Konashenkov")
    aliased = SpeakerFactory(name="Sergei Shoigu")
    SpeakerAlias.objects.create(speaker=aliased, name="Shoigu")
    assert Speaker.objects.find("igor KONASHENKOV") == named
    assert Speaker.objects.find("shoigu") == aliased
    assert Speaker.objects.find("Nobody") is None


def test_speaker_find_prefers_the_wikidata_id():
    SpeakerFactory(name="Ana Silva")
    known = SpeakerFactory(name="A. Silva", wikidata_id="Q42")
    assert Speaker.objects.find("Ana Silva", wikidata_id="Q42") == known


def test_speaker_find_or_create_makes_one_speaker_and_adds_aliases():
    editor = UserFactory()
    made = Speaker.objects.find_or_create("Ana Silva", by=editor, aliases=["Silva"], role="Mayor")
    again = Speaker.objects.find_or_create("ANA SILVA", aliases=["Mayor Silva"])
    assert again == made and Speaker.objects.count() == 1
    assert made.role == "Mayor" and made.created_by == editor and not made.proposed
    assert sorted(a.name for a in made.aliases.all()) == ["Mayor Silva", "Silva"]
    assert Speaker.objects.find_or_create("Ivan Petrenko", proposed=True).proposed


def test_speaker_find_or_create_keeps_namesakes_apart():
    # One name, one speaker: a namesake is told apart by its description.
    mayor = Speaker.objects.find_or_create("Ana Silva", role="Mayor")
    judge = Speaker.objects.find_or_create(
        "Ana Silva", namesake=True, role="Judge", description="the judge"
    )
    assert judge != mayor
    again = Speaker.objects.find_or_create(
        "Ana Silva", namesake=True, role="Judge", description="the judge"
    )
    assert again == judge
    assert Speaker.objects.find_or_create("Ana Silva", namesake=True, role="Judge") == mayor


def test_speaker_find_or_create_refuses_a_bad_wikidata_id_and_stores_nothing():
    with pytest.raises(ValidationError):
        Speaker.objects.find_or_create("Ana Silva", wikidata_id="42")
    assert not Speaker.objects.exists()


def test_outlet_find_and_find_or_create_match_name_or_alias():
    ria = Outlet.objects.find_or_create(
        "RIA Novosti", kind=Outlet.Kind.NEWS_AGENCY, aliases=["RIA"]
    )
    assert Outlet.objects.find("ria") == ria
    assert Outlet.objects.find_or_create("ria novosti") == ria
    assert ria.kind == Outlet.Kind.NEWS_AGENCY and Outlet.objects.count() == 1
    assert Outlet.objects.find_or_create("TASS", proposed=True).proposed
    assert Outlet.objects.find("Reuters") is None


# --- Making and changing quotes -----------------------------------------------------------


def test_create_makes_a_quote_with_its_fragments_and_via_chain():
    article = ArticleFactory()
    agency = OutletFactory()
    speaker = SpeakerFactory()
    quote = Quote.create(
        article,
        kind=Quote.Kind.DIRECT,
        fragments=[(84, 111)],
        speaker=speaker,
        mention=(113, 124),
        cue="said",
        cue_span=(125, 129),
        via=[Hop(outlet=agency)],
        note="checked",
    )
    quote.refresh_from_db()
    assert quote.version == 1 and quote.status == Quote.Status.CONFIRMED
    assert quote.text == article.body[84:111]
    assert [(f.start, f.end) for f in quote.fragments.all()] == [(84, 111)]
    assert quote.speaker_mention == (113, 124) and quote.cue_span == (125, 129)
    assert quote.via_names() == [agency.name]


def test_create_refuses_a_mention_outside_the_body_and_stores_nothing():
    article = ArticleFactory()
    with pytest.raises(ValidationError):
        Quote.create(article, kind=Quote.Kind.INDIRECT, fragments=[(0, 10)], mention=(0, 10_000))
    assert not Quote.all_objects.exists()


def reloaded(quote):
    return Quote.all_objects.get(pk=quote.pk)


@pytest.mark.parametrize(
    "change",
    [
        lambda q, **kw: q.edit(note="changed", **kw),
        lambda q, **kw: q.edit(fragments=[(0, 5), (20, 30)], **kw),
        lambda q, **kw: q.accept(**kw),
        lambda q, **kw: q.reject(**kw),
        lambda q, **kw: q.soft_delete(**kw),
    ],
    ids=["edit", "edit fragments", "accept", "reject", "delete"],
)
def test_each_change_bumps_the_version(change):
    quote = reloaded(QuoteFactory(status=Quote.Status.SUGGESTED))
    change(quote, by=UserFactory())
    assert quote.version == 2 and reloaded(quote).version == 2


def test_restore_bumps_the_version():
    quote = QuoteFactory()
    quote.soft_delete()
    quote.restore()
    assert reloaded(quote).version == 3 and not reloaded(quote).is_deleted


def test_edit_changes_only_what_it_is_given():
    speaker = SpeakerFactory()
    quote = reloaded(QuoteFactory(speaker=speaker, cue="said"))
    quote.edit(kind=Quote.Kind.MIXED)
    fresh = reloaded(quote)
    assert fresh.kind == Quote.Kind.MIXED and fresh.speaker == speaker and fresh.cue == "said"


@pytest.mark.parametrize(
    "change",
    [
        lambda q, **kw: q.edit(note="mine", **kw),
        lambda q, **kw: q.accept(**kw),
        lambda q, **kw: q.reject(**kw),
        lambda q, **kw: q.soft_delete(**kw),
    ],
    ids=["edit", "accept", "reject", "delete"],
)
def test_a_stale_expected_version_raises_and_changes_nothing(change):
    quote = QuoteFactory(status=Quote.Status.SUGGESTED)
    mine = reloaded(quote)
    theirs = reloaded(quote)
    theirs.edit(note="theirs", expected_version=1)
    with pytest.raises(Quote.VersionConflict) as exc:
        change(mine, expected_version=1)
    assert (exc.value.expected, exc.value.current) == (1, 2)
    assert isinstance(exc.value, ValidationError)
    fresh = reloaded(quote)
    assert (fresh.version, fresh.note, fresh.status) == (2, "theirs", Quote.Status.SUGGESTED)
    assert not fresh.is_deleted


def test_an_instance_loaded_before_the_expected_version_is_refused_too():
    quote = QuoteFactory()
    old = reloaded(quote)
    reloaded(quote).edit(note="newer")
    with pytest.raises(Quote.VersionConflict):
        old.edit(note="stale copy", expected_version=2)
    assert reloaded(quote).note == "newer"


def test_restore_with_a_stale_version_raises_and_changes_nothing():
    quote = QuoteFactory()
    quote.soft_delete()
    mine = reloaded(quote)
    reloaded(quote).restore()
    reloaded(quote).soft_delete()
    with pytest.raises(Quote.VersionConflict):
        mine.restore(expected_version=2)
    assert reloaded(quote).is_deleted and reloaded(quote).version == 4


def test_the_expected_version_lets_a_change_through():
    quote = reloaded(QuoteFactory())
    quote.edit(note="fine", expected_version=1)
    quote.soft_delete(expected_version=2)
    quote.restore(expected_version=3)
    fresh = reloaded(quote)
    assert (fresh.version, fresh.note, fresh.is_deleted) == (4, "fine", False)


def test_save_has_no_side_effects_on_proposed_speakers():
    speaker = Speaker.objects.find_or_create("Ivan Petrenko", proposed=True)
    quote = reloaded(QuoteFactory(speaker=speaker, status=Quote.Status.SUGGESTED))
    quote.status = Quote.Status.REJECTED
    quote.save()
    assert Speaker.objects.get(pk=speaker.pk).proposed
    quote = reloaded(quote)
    quote.accept()
    assert not Speaker.objects.get(pk=speaker.pk).proposed


def test_deleted_by_without_deleted_at_is_refused_with_a_message():
    quote = QuoteFactory()
    quote.deleted_by = UserFactory()
    with pytest.raises(ValidationError, match="Only a deleted quote"):
        quote.clean()


EXCLUDED = ["article", "speaker", "created_by", "updated_by", "deleted_by", "confirmed_by"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "bogus"),
        ("kind", Quote.Kind.MIXED),
        ("status", ""),
        ("anchoring", None),
        ("speaker_role", "x" * 301),
        ("speaker_role", "x" * 300),
        ("cue", "x" * 201),
        ("cue", 7),
        ("note", "x" * 6000),
        ("mention_start", -1),
        ("mention_start", "12"),
        ("mention_end", None),
        ("start", 2**31),
        ("end", True),
        ("text", ""),
        ("version", -1),
        ("created_at", "2024-01-01"),
        ("created_at", None),
        ("checked_at", "yesterday"),
    ],
)
def test_quick_field_checks_take_and_refuse_what_django_does(field, value):
    """A new quote's fields checked quickly come out as Django's own checks leave them: the
    same errors with the same messages, the same values kept."""
    from annotations.models.base import clean_fields_quickly

    def checked(clean):
        quote = Quote.prepare(ArticleFactory.build(body="He said yes."), kind="direct",
                              fragments=[(0, 12)])  # fmt: skip
        quote.created_at = datetime(2024, 5, 1, tzinfo=UTC)
        setattr(quote, field, value)
        try:
            clean(quote)
        except ValidationError as exc:
            return exc.message_dict
        return {f.attname: getattr(quote, f.attname) for f in Quote._meta.concrete_fields}

    quick = checked(lambda q: clean_fields_quickly(q, exclude=EXCLUDED))
    assert quick == checked(lambda q: q.clean_fields(exclude=EXCLUDED))
