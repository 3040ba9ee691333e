"""Speakers and outlets people can trust: one name, one speaker; merges that can be undone;
editors' renames, aliases and merges; the duplicates page."""

import threading

import pytest
from django.core.cache import cache
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import (
    DistinctOutlets,
    DistinctSpeakers,
    Hop,
    Merge,
    Outlet,
    Quote,
    Speaker,
    SpeakerAlias,
)

from .factories import (
    ArticleFactory,
    OutletFactory,
    QuoteFactory,
    SpeakerAliasFactory,
    SpeakerFactory,
)

# --- One name, one speaker ----------------------------------------------------------------


@pytest.mark.django_db
def test_two_speakers_cannot_share_a_name_in_any_case_or_spacing():
    SpeakerFactory(name="Elena Petrova")
    with pytest.raises(IntegrityError), transaction.atomic():
        SpeakerFactory(name="  elena   PETROVA ")


@pytest.mark.django_db
def test_a_description_tells_two_people_of_one_name_apart():
    SpeakerFactory(name="John Smith")
    senator = SpeakerFactory(name="John Smith", description="the senator")
    assert str(senator) == "John Smith (the senator)"
    assert Speaker.objects.find("john smith").description == ""
    assert Speaker.objects.count() == 2


@pytest.mark.django_db
def test_find_or_create_finds_by_name_key_then_alias():
    elena = SpeakerFactory(name="Elena Petrova")
    SpeakerAliasFactory(speaker=elena, name="E. Petrova")
    assert Speaker.objects.find_or_create("ELENA  petrova") == elena
    assert Speaker.objects.find_or_create("e. petrova") == elena
    made = Speaker.objects.find_or_create("Olga Sokolova", role="minister")
    assert made.role == "minister" and made.name_key == "olga sokolova"
    assert Speaker.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_saves_naming_one_new_speaker_make_exactly_one():
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite's shared in-memory test database locks whole tables and refuses a second "
            "writer at once ('database table is locked') instead of waiting; PostgreSQL runs it."
        )
    barrier = threading.Barrier(50)
    found, errors = [], []

    def save():
        try:
            barrier.wait(timeout=30)
            speaker = Speaker.objects.find_or_create("Anna Volkova")
            found.append(speaker.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Speaker.objects.filter(name_key="anna volkova").count() == 1
    assert len(found) == 50 and len(set(found)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_describes_existing_duplicate_names():
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        ("annotations", "0008_revisions"),
        (
            "annotations",
            "0009_speakers_and_outlets_people_can_trust",
        ),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps.get_model("annotations", "Speaker")
    first = old.objects.create(name="Igor Konashenkov")
    second = old.objects.create(name="igor  konashenkov")
    third = old.objects.create(name="IGOR KONASHENKOV")
    other = old.objects.create(name="Elena Petrova")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([after])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    rows = dict(Speaker.objects.values_list("pk", "description"))
    assert rows[first.pk] == "" and rows[other.pk] == ""
    assert rows[second.pk] == f"duplicate of #{first.pk}"
    assert rows[third.pk] == f"duplicate of #{first.pk} (2)"
    assert set(Speaker.objects.values_list("name_key", flat=True)) == {
        "igor konashenkov",
        "elena petrova",
    }


# --- Merges that can be undone ------------------------------------------------------------


@pytest.mark.django_db
def test_speaker_merge_records_what_moved_and_undo_restores_it_exactly(editor):
    keep = SpeakerFactory(name="Igor Konashenkov")
    dup = SpeakerFactory(name="Igor Konashenkow", role="spokesman", affiliation="Defence Ministry")
    SpeakerAliasFactory(speaker=dup, name="Konashenkow")
    other = SpeakerFactory(name="Igor Konashenko")
    DistinctSpeakers.mark(dup, other)
    said = QuoteFactory(speaker=dup)
    relayed = QuoteFactory(speaker=other)
    relayed.set_via([Hop(speaker=dup)])
    kept = QuoteFactory(speaker=keep)
    versions = {q.pk: Quote.objects.get(pk=q.pk).version for q in (said, relayed, kept)}
    dup_pk = dup.pk

    record = keep.merge(dup, by=editor)
    keep.refresh_from_db()
    assert not Speaker.objects.filter(pk=dup_pk).exists()
    assert Quote.objects.get(pk=said.pk).speaker == keep
    assert Quote.objects.get(pk=relayed.pk).via_hops.get().speaker == keep
    assert sorted(keep.aliases.values_list("name", flat=True)) == [
        "Igor Konashenkow",
        "Konashenkow",
    ]
    assert keep.role == "spokesman"
    assert record.moved["quotes"] == [said.pk] and record.merged_by == editor

    restored = record.undo(by=editor)
    keep.refresh_from_db()
    assert restored.pk == dup_pk and restored.name == "Igor Konashenkow"
    assert restored.role == "spokesman" and restored.affiliation == "Defence Ministry"
    assert list(restored.aliases.values_list("name", flat=True)) == ["Konashenkow"]
    assert keep.aliases.count() == 0 and keep.role == "" and keep.affiliation == ""
    assert Quote.objects.get(pk=said.pk).speaker == restored
    assert Quote.objects.get(pk=relayed.pk).via_hops.get().speaker == restored
    assert Quote.objects.get(pk=kept.pk).speaker == keep
    assert DistinctSpeakers.objects.filter(first=restored, second=other).exists()
    # quotes that moved twice changed twice: an editor's open form notices
    assert Quote.objects.get(pk=said.pk).version == versions[said.pk] + 2
    assert Quote.objects.get(pk=kept.pk).version == versions[kept.pk]
    record.refresh_from_db()
    assert record.undone_at is not None and record.undone_by == editor
    with pytest.raises(Exception, match="already been undone"):
        record.undo()


@pytest.mark.django_db
def test_outlet_merge_and_undo_move_articles_and_hops_back():
    keep = OutletFactory(name="RIA Novosti")
    dup = OutletFactory(name="RIA-Novosti", wikidata_id="Q13218")
    article = ArticleFactory(publisher=dup)
    quote = QuoteFactory()
    quote.set_via([Hop(outlet=dup)])
    record = keep.merge(dup)
    assert Outlet.objects.get(pk=keep.pk).wikidata_id == "Q13218"
    assert article.__class__.objects.get(pk=article.pk).publisher_id == keep.pk
    restored = record.undo()
    assert article.__class__.objects.get(pk=article.pk).publisher_id == restored.pk
    assert quote.via_hops.get().outlet_id == restored.pk
    assert Outlet.objects.get(pk=keep.pk).wikidata_id == ""


@pytest.mark.django_db
def test_undo_is_refused_when_the_survivor_was_merged_away_since():
    a, b, c = (SpeakerFactory(name=n) for n in ("Anna Ivanova", "A. Ivanova", "Ann Ivanova"))
    first = a.merge(b)
    c.merge(a)
    with pytest.raises(Exception, match="undo that merge first"):
        first.undo()
    assert not Speaker.objects.filter(pk=b.pk).exists()


# --- Pages: permissions -------------------------------------------------------------------


def post_routes(speaker, other, outlet, alias, record):
    return [
        (reverse("annotations:speaker-merge", args=[speaker.pk]), {"duplicate": other.pk}),
        (reverse("annotations:speaker-edit", args=[speaker.pk]), {"name": "Renamed"}),
        (reverse("annotations:speaker-alias-add", args=[speaker.pk]), {"name": "Alias"}),
        (reverse("annotations:speaker-alias-remove", args=[speaker.pk, alias.pk]), {}),
        (reverse("annotations:speaker-distinct"), {"first": speaker.pk, "second": other.pk}),
        (reverse("annotations:outlet-edit", args=[outlet.pk]), {"name": "Renamed"}),
        (reverse("annotations:merge-undo", args=[record.pk]), {}),
    ]


@pytest.mark.django_db
def test_analysts_cannot_merge_rename_alias_or_undo(analyst_client):
    speaker, other = SpeakerFactory(name="Elena Petrova"), SpeakerFactory(name="E. Petrova")
    alias = SpeakerAliasFactory(speaker=speaker, name="Petrova")
    outlet = OutletFactory(name="Meduza")
    record = SpeakerFactory(name="Keep").merge(SpeakerFactory(name="Gone"))
    for url, data in post_routes(speaker, other, outlet, alias, record):
        assert analyst_client.post(url, data).status_code == 403, url
    for name in ("speaker-duplicates", "outlet-duplicates"):
        assert analyst_client.get(reverse(f"annotations:{name}")).status_code == 403
    assert Speaker.objects.filter(name="Elena Petrova").exists()
    assert SpeakerAlias.objects.filter(pk=alias.pk).exists()
    assert Speaker.objects.filter(pk=other.pk).exists()
    assert Merge.objects.get(pk=record.pk).undone_at is None
    assert not DistinctSpeakers.objects.exists()
    page = analyst_client.get(speaker.get_absolute_url()).content.decode()
    assert "Merge another speaker" not in page and "Add alias" not in page


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    speaker = SpeakerFactory()
    for url in (
        reverse("annotations:speaker-duplicates"),
        reverse("annotations:speaker-edit", args=[speaker.pk]),
    ):
        response = client.get(url) if "duplicates" in url else client.post(url, {})
        assert response.status_code == 302 and "/login/" in response.url


# --- Pages: what editors do ---------------------------------------------------------------


@pytest.mark.django_db
def test_editor_merges_from_the_duplicates_page_and_undoes_it(editor_client, editor):
    keep = SpeakerFactory(name="Igor Konashenkov")
    dup = SpeakerFactory(name="Maj. Gen. Igor Konashenkov")
    quote = QuoteFactory(speaker=dup)
    page = editor_client.get(reverse("annotations:speaker-duplicates")).content.decode()
    assert "same name once titles are stripped" in page and "Maj. Gen." in page
    response = editor_client.post(
        reverse("annotations:speaker-merge", args=[keep.pk]), {"duplicate": dup.pk}
    )
    assert response.status_code == 302
    assert Quote.objects.get(pk=quote.pk).speaker == keep
    record = Merge.objects.get()
    page = editor_client.get(reverse("annotations:speaker-duplicates")).content.decode()
    assert "No likely duplicates" in page and "Undo" in page
    editor_client.post(reverse("annotations:merge-undo", args=[record.pk]))
    assert Quote.objects.get(pk=quote.pk).speaker_id == dup.pk
    assert Speaker.objects.get(pk=dup.pk).history.first().history_user == editor


@pytest.mark.django_db
def test_pairs_marked_different_are_not_offered_again(editor_client):
    a, b = SpeakerFactory(name="Ivan Petrov"), SpeakerFactory(name="I. Petrov")
    url = reverse("annotations:speaker-duplicates")
    assert f"pair-{a.pk}-{b.pk}" in editor_client.get(url).content.decode()
    editor_client.post(reverse("annotations:speaker-distinct"), {"first": b.pk, "second": a.pk})
    assert DistinctSpeakers.objects.filter(first=a, second=b).exists()
    assert f"pair-{a.pk}-{b.pk}" not in editor_client.get(url).content.decode()


@pytest.mark.django_db
def test_duplicates_pages_answer_with_nothing_to_compare(editor_client):
    for kind in ("speaker", "outlet"):
        page = editor_client.get(reverse(f"annotations:{kind}-duplicates"))
        assert page.status_code == 200 and "No likely duplicates" in page.content.decode()


@pytest.mark.django_db
def test_outlet_duplicates_and_distinct(editor_client):
    a, b = OutletFactory(name="The Moscow Times"), OutletFactory(name="Moscow Times")
    url = reverse("annotations:outlet-duplicates")
    assert f"pair-{a.pk}-{b.pk}" in editor_client.get(url).content.decode()
    editor_client.post(reverse("annotations:outlet-distinct"), {"first": a.pk, "second": b.pk})
    assert DistinctOutlets.objects.count() == 1
    assert f"pair-{a.pk}-{b.pk}" not in editor_client.get(url).content.decode()


@pytest.mark.django_db
def test_compare_page_shows_both_sides_quotes(editor_client):
    a, b = SpeakerFactory(name="Ivan Petrov"), SpeakerFactory(name="I. Petrov")
    QuoteFactory(speaker=a)
    QuoteFactory(speaker=b, start=11, end=30)
    page = editor_client.get(reverse("annotations:speaker-compare", args=[a.pk, b.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "compatible first names" in text
    assert text.count('class="quote-row sp') == 2


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["speaker", "outlet"])
def test_compare_page_queries_do_not_grow_with_the_quotes(editor_client, kind):
    if kind == "speaker":
        a, b = SpeakerFactory(name="Ivan Petrov"), SpeakerFactory(name="I. Petrov")
        quote = {"speaker": a}, {"speaker": b}
    else:
        a, b = OutletFactory(name="The Moscow Times"), OutletFactory(name="Moscow Times")
        quote = {"article__publisher": a}, {"article__publisher": b}
    url = reverse(f"annotations:{kind}-compare", args=[a.pk, b.pk])
    editor_client.get(url)  # the session and the user, once

    def shown(count: int) -> tuple[int, int]:
        for side in quote:
            for _ in range(count):
                QuoteFactory(**side)
        with CaptureQueriesContext(connection) as queries:
            text = editor_client.get(url).content.decode()
        return text.count('class="quote-row sp'), len(queries)

    few, few_queries = shown(1)
    many, many_queries = shown(5)
    assert (few, many) == (2, 12)
    assert many_queries == few_queries


PEOPLE = [
    ("Anna", "Volkova"),
    ("Boris", "Sokolov"),
    ("Clara", "Petrenko"),
    ("Dmitri", "Kuznetsov"),
    ("Eva", "Lebedeva"),
    ("Fyodor", "Morozov"),
    ("Galina", "Orlova"),
    ("Hugo", "Zaitsev"),
]


def make_pairs(n: int) -> None:
    made = Speaker.objects.count() // 2
    for first, last in PEOPLE[made : made + n]:
        QuoteFactory(speaker=SpeakerFactory(name=f"{first} {last}"))
        SpeakerFactory(name=f"{first[0]}. {last}")


@pytest.mark.django_db
def test_duplicates_page_queries_do_not_grow_with_the_pairs(editor_client):
    url = reverse("annotations:speaker-duplicates")
    make_pairs(2)
    editor_client.get(url)  # the session and the user, once
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert editor_client.get(url).content.decode().count('id="pair-') == 2
    make_pairs(6)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert editor_client.get(url).content.decode().count('id="pair-') == 8
    assert len(large) == len(small)
    with CaptureQueriesContext(connection) as cached:
        editor_client.get(url)
    assert len(cached) <= len(large)


@pytest.mark.django_db
def test_speaker_options_queries_do_not_grow_with_the_matches(editor_client):
    url = reverse("annotations:speaker-options")
    SpeakerFactory(name="Elena Petrova")
    editor_client.get(url, {"speaker_name": "petrov"})
    with CaptureQueriesContext(connection) as small:
        editor_client.get(url, {"speaker_name": "petrov"})
    for n in range(8):
        speaker = SpeakerFactory(name=f"Ivan{chr(97 + n)} Petrov{chr(97 + n)}")
        SpeakerAliasFactory(speaker=speaker, name=f"Petrov alias {n}")
    with CaptureQueriesContext(connection) as large:
        text = editor_client.get(url, {"speaker_name": "petrov"}).content.decode()
    assert text.count('role="option"') == 10
    assert len(large) == len(small)


@pytest.mark.django_db
def test_editor_renames_a_speaker_with_history_and_puts_it_back(editor_client, editor):
    speaker = SpeakerFactory(name="Igor Konashenkow")
    url = reverse("annotations:speaker-edit", args=[speaker.pk])
    response = editor_client.post(url, {"name": "Igor Konashenkov", "kind": "person"})
    assert response.status_code == 302
    speaker.refresh_from_db()
    assert speaker.name == "Igor Konashenkov" and speaker.name_key == "igor konashenkov"
    latest = speaker.history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason == "renamed from 'Igor Konashenkow'"
    page = editor_client.get(speaker.get_absolute_url()).content.decode()
    assert "Put back this version" in page
    first = speaker.history.last()
    editor_client.post(reverse("annotations:speaker-revert", args=[speaker.pk, first.history_id]))
    speaker.refresh_from_db()
    assert speaker.name == "Igor Konashenkow"


@pytest.mark.django_db
def test_renaming_onto_another_speakers_name_is_refused(editor_client):
    SpeakerFactory(name="Elena Petrova")
    speaker = SpeakerFactory(name="E. Petrova")
    url = reverse("annotations:speaker-edit", args=[speaker.pk])
    response = editor_client.post(url, {"name": "elena petrova", "kind": "person"})
    assert response.status_code == 422
    assert "Another speaker already has this name" in response.content.decode()
    assert Speaker.objects.get(pk=speaker.pk).name == "E. Petrova"
    response = editor_client.post(
        url, {"name": "Elena Petrova", "kind": "person", "description": "the economist"}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_wikidata_ids_are_validated_and_linked(editor_client):
    speaker = SpeakerFactory(name="Igor Konashenkov")
    url = reverse("annotations:speaker-edit", args=[speaker.pk])
    bad = editor_client.post(url, {"name": speaker.name, "kind": "person", "wikidata_id": "42"})
    assert bad.status_code == 422 and "A Wikidata id looks like Q42." in bad.content.decode()
    editor_client.post(url, {"name": speaker.name, "kind": "person", "wikidata_id": "Q4115068"})
    page = editor_client.get(speaker.get_absolute_url()).content.decode()
    assert 'href="https://www.wikidata.org/wiki/Q4115068"' in page
    outlet = OutletFactory(name="Meduza")
    url = reverse("annotations:outlet-edit", args=[outlet.pk])
    bad = editor_client.post(url, {"name": "Meduza", "kind": "online", "wikidata_id": "Q0"})
    assert bad.status_code == 422
    editor_client.post(url, {"name": "Meduza", "kind": "online", "wikidata_id": "Q27924862"})
    page = editor_client.get(outlet.get_absolute_url()).content.decode()
    assert 'href="https://www.wikidata.org/wiki/Q27924862"' in page


@pytest.mark.django_db
def test_editor_adds_removes_and_restores_aliases(editor_client):
    speaker = SpeakerFactory(name="Dmitry Peskov")
    add = reverse("annotations:speaker-alias-add", args=[speaker.pk])
    editor_client.post(add, {"name": "Kremlin spokesman"})
    alias = speaker.aliases.get()
    editor_client.post(reverse("annotations:speaker-alias-remove", args=[speaker.pk, alias.pk]))
    assert not speaker.aliases.exists()
    page = editor_client.get(speaker.get_absolute_url()).content.decode()
    assert "Removed aliases" in page and "Kremlin spokesman" in page
    editor_client.post(add, {"name": "Kremlin spokesman"})
    assert list(speaker.aliases.values_list("name", flat=True)) == ["Kremlin spokesman"]
    assert SpeakerAlias.history.filter(name="Kremlin spokesman").count() == 3


@pytest.mark.django_db
def test_editor_merges_by_name_from_the_speaker_page(editor_client):
    keep = SpeakerFactory(name="Igor Konashenkov")
    dup = SpeakerFactory(name="Konashenkov")
    url = reverse("annotations:speaker-merge", args=[keep.pk])
    editor_client.post(url, {"duplicate": "", "duplicate_name": "konashenkov"})
    assert not Speaker.objects.filter(pk=dup.pk).exists()
    assert editor_client.post(url, {"duplicate": "", "duplicate_name": "nobody"}).status_code == 400


@pytest.mark.django_db
def test_next_only_redirects_to_this_site(editor_client):
    keep, dup = SpeakerFactory(name="A Person"), SpeakerFactory(name="A. Person")
    response = editor_client.post(
        reverse("annotations:speaker-merge", args=[keep.pk]),
        {"duplicate": dup.pk, "next": "https://evil.example/"},
    )
    assert response.url == keep.get_absolute_url()


# --- The suggester links a likely match instead of proposing a new speaker ----------------


@pytest.mark.django_db
def test_suggested_name_that_is_a_likely_duplicate_links_to_the_existing_speaker():
    konashenkov = SpeakerFactory(name="Igor Konashenkov")
    article = ArticleFactory(
        body='"We hit every target," said Igor Konashenkow, the ministry spokesman.\n'
    )
    quotes = article.suggest_quotes()
    assert [q.speaker for q in quotes] == [konashenkov]
    assert Speaker.objects.count() == 1


@pytest.mark.django_db
def test_suggested_name_with_no_likely_match_is_proposed():
    SpeakerFactory(name="Igor Konashenkov")
    article = ArticleFactory(body='"We hit every target," said Elena Petrova, an analyst.\n')
    quotes = article.suggest_quotes()
    assert quotes[0].speaker.name == "Elena Petrova" and quotes[0].speaker.proposed


@pytest.mark.django_db
def test_likely_finds_by_the_finders_rules_and_not_otherwise():
    elena = SpeakerFactory(name="Elena Petrova")
    SpeakerFactory(name="Ivan Petrov")
    assert Speaker.objects.likely("E. Petrova") == elena
    assert Speaker.objects.likely("Dr. Elena Petrova") == elena
    assert Speaker.objects.likely("Petrova") == elena
    assert Speaker.objects.likely("Olga Petrova") is None
    ria = OutletFactory(name="RIA Novosti")
    assert Outlet.objects.likely("RIA-Novosti") == ria
