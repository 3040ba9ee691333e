"""Boilerplate found in the articles of one publisher."""

from pathlib import Path

import pytest
from django.urls import reverse

from annotations.boilerplate import recurring_ranges
from annotations.documents import article_document
from annotations.importing import import_text
from annotations.models import Article, BoilerplateRange, Quote

SEED = (
    Path(__file__).resolve().parent.parent / "seeds" / "moscow-times-syria-strikes.txt"
).read_text(encoding="utf-8")
APPEAL = SEED[SEED.index("A Message from The Moscow Times:") :].rstrip()


def article(story: str) -> str:
    return story + "\n" + APPEAL + "\n"


def test_an_appeal_repeated_by_a_publisher_is_one_range():
    body = article("The mayor said the bridge would reopen.\nTraffic was light.")
    others = [article("Officials said the dam held."), article("The court ruled on Monday.")]
    ((start, end),) = recurring_ranges(body, others)
    assert body[start:end] == APPEAL


def test_a_paragraph_in_too_few_articles_is_not_boilerplate():
    body = article("The mayor said the bridge would reopen.")
    assert recurring_ranges(body, [article("Officials said the dam held.")]) == []
    assert recurring_ranges(body, ["Something else entirely, long enough to count here."]) == []


def test_short_recurring_lines_alone_are_not_proposed():
    body = "Dear readers,\nThe mayor said the bridge would reopen.\n"
    others = ["Dear readers,\nOther news.\n", "Dear readers,\nMore news.\n"]
    assert recurring_ranges(body, others) == []


def test_blanks_do_not_make_a_paragraph_different():
    body = article("The mayor said the bridge would reopen.")
    spaced = APPEAL.replace(". ", ".  ")
    others = ["Story one.\n" + spaced, "Story two.\n" + spaced]
    ((start, end),) = recurring_ranges(body, others)
    assert body[start:end] == APPEAL


# --------------------------------------------------------------------------- in the app

STORIES = [
    "Bridge reopens\nThe mayor said the bridge would reopen on Monday after repairs.",
    "Dam holds\nOfficials said the dam held through the night and no one was hurt.",
    "Court rules\nJudge Ann Lee said on Monday that the election result would stand.",
]


def import_three(editor, publisher="The Moscow Times"):
    for story in STORIES:
        import_text(article(story), user=editor, suggest=True, publisher=publisher)
    return list(Article.objects.order_by("pk"))


@pytest.mark.django_db
def test_a_paragraph_repeated_by_a_publisher_is_proposed_in_each_article(editor):
    articles = import_three(editor)
    for a in articles:
        (found,) = a.boilerplate.all()
        assert found.proposed
        assert a.body[found.start : found.end] == APPEAL


@pytest.mark.django_db
def test_nothing_is_suggested_inside_proposed_boilerplate(editor):
    for a in import_three(editor):
        (found,) = a.boilerplate.all()
        suggested = Quote.objects.filter(article=a).prefetch_related("fragments")
        assert suggested, "the story itself still gets its suggestions"
        for quote in suggested:
            for f in quote.fragments.all():
                assert f.end <= found.start or f.start >= found.end


@pytest.mark.django_db
def test_other_publishers_and_fewer_articles_propose_nothing(editor):
    import_text(article(STORIES[0]), user=editor, suggest=False, publisher="Daily Example")
    import_text(article(STORIES[1]), user=editor, suggest=False, publisher="Daily Example")
    import_text(article(STORIES[2]), user=editor, suggest=False, publisher="Other Paper")
    assert not BoilerplateRange.objects.exists()


@pytest.mark.django_db
def test_an_editor_confirms_a_proposed_range(client, editor):
    found = import_three(editor)[0].boilerplate.get()
    client.force_login(editor)
    response = client.post(reverse("annotations:boilerplate-confirm", args=[found.pk]))
    assert response.status_code == 302
    found.refresh_from_db()
    assert not found.proposed


@pytest.mark.django_db
def test_an_editor_rejects_a_proposed_range_but_not_a_marked_one(client, editor):
    first = import_three(editor)[0]
    found = first.boilerplate.get()
    client.force_login(editor)
    client.post(reverse("annotations:boilerplate-reject", args=[found.pk]))
    assert not first.boilerplate.exists()
    marked = BoilerplateRange.objects.create(article=first, start=0, end=5)
    response = client.post(reverse("annotations:boilerplate-reject", args=[marked.pk]))
    assert response.status_code == 422
    assert BoilerplateRange.objects.filter(pk=marked.pk).exists()


@pytest.mark.django_db
def test_an_analyst_cannot_confirm_or_reject(client, editor, analyst):
    found = import_three(editor)[0].boilerplate.get()
    client.force_login(analyst)
    for name in ("annotations:boilerplate-confirm", "annotations:boilerplate-reject"):
        assert client.post(reverse(name, args=[found.pk])).status_code == 403
    found.refresh_from_db()
    assert found.proposed


@pytest.mark.django_db
def test_the_article_page_offers_to_confirm_a_proposed_range(client, editor):
    first = import_three(editor)[0]
    client.force_login(editor)
    page = client.get(first.get_absolute_url()).content.decode()
    assert reverse("annotations:boilerplate-confirm", args=[first.boilerplate.get().pk]) in page


@pytest.mark.django_db
def test_the_document_export_keeps_the_proposed_flag(editor):
    first = import_three(editor)[0]
    doc = article_document(first)
    assert [b.get("proposed") for b in doc["article"]["boilerplate"]] == [True]
