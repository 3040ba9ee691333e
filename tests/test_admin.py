import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from annotations.models import Article, Hop, Outlet, Quote, Speaker, SpeakerAlias

from .factories import ArticleFactory, OutletFactory, QuoteFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "admin:annotations_article_changelist",
        "admin:annotations_quote_changelist",
        "admin:annotations_speaker_changelist",
        "admin:annotations_outlet_changelist",
    ],
)
def test_admin_lists_search_and_filter(admin_client, seeded, url):
    response = admin_client.get(reverse(url), {"q": "Konashenkov"})
    assert response.status_code == 200


def test_article_admin_shows_quotes_inline(admin_client, seeded):
    response = admin_client.get(reverse("admin:annotations_article_change", args=[seeded.pk]))
    assert response.status_code == 200
    assert "terrorist group Jaysh al-Sham" in response.content.decode()


def test_editors_and_analysts_have_no_admin(client, editor, analyst):
    for user in (editor, analyst):
        client.force_login(user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302


def test_admin_merge_of_speakers_asks_for_the_survivor_then_merges(admin_client):
    keep = SpeakerFactory(name="Igor Konashenkov")
    dupe = SpeakerFactory(name="Konashenkov I.")
    SpeakerAlias.objects.create(speaker=dupe, name="Konashenkov")
    quote = QuoteFactory(speaker=dupe)
    url = reverse("admin:annotations_speaker_changelist")
    selected = {"action": "merge", ACTION_CHECKBOX_NAME: [keep.pk, dupe.pk]}
    response = admin_client.post(url, selected)
    assert response.status_code == 200
    assert "Choose the speaker that stays" in response.content.decode()
    assert Speaker.objects.count() == 2
    response = admin_client.post(url, {**selected, "survivor": keep.pk, "confirm": "yes"})
    assert response.status_code == 302
    assert list(Speaker.objects.all()) == [keep]
    quote.refresh_from_db()
    assert quote.speaker == keep
    assert sorted(keep.aliases.values_list("name", flat=True)) == ["Konashenkov", "Konashenkov I."]


def test_admin_merge_of_outlets(admin_client):
    keep, dupe = OutletFactory(name="RIA Novosti"), OutletFactory(name="RIA")
    article = ArticleFactory(publisher=dupe)
    relayed = QuoteFactory()
    relayed.set_via([Hop(outlet=dupe)])
    url = reverse("admin:annotations_outlet_changelist")
    admin_client.post(
        url,
        {
            "action": "merge",
            ACTION_CHECKBOX_NAME: [keep.pk, dupe.pk],
            "survivor": keep.pk,
            "confirm": "yes",
        },
    )
    assert not Outlet.objects.filter(pk=dupe.pk).exists()
    assert Article.objects.get(pk=article.pk).publisher == keep
    assert relayed.via_hops.get().outlet == keep


def test_admin_body_change_with_quotes_makes_a_revision(admin_client):
    quote = QuoteFactory()
    article = quote.article
    url = reverse("admin:annotations_article_change", args=[article.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = {
        "title": article.title,
        "body": "A different body.",
        "publisher": article.publisher_id,
        "url": "",
        "byline": "",
        "language": "en",
        "status": "new",
        "boilerplate-TOTAL_FORMS": "0",
        "boilerplate-INITIAL_FORMS": "0",
        "quotes-TOTAL_FORMS": "1",
        "quotes-INITIAL_FORMS": "1",
        "quotes-0-id": quote.pk,
        "quotes-0-article": article.pk,
        "quotes-0-kind": quote.kind,
        "quotes-0-status": quote.status,
        "quotes-0-speaker": quote.speaker_id,
        "quotes-0-cue": "",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "A different body."
    assert list(article.revisions.values_list("number", "created_by__username")) == [
        (1, None),
        (2, "ada"),
    ]
    quote.refresh_from_db()
    assert quote.anchoring == "orphaned" and quote.revision.number == 1
    page = admin_client.get(url).content.decode()
    assert "revisions-TOTAL_FORMS" in page
    listed = admin_client.get(
        reverse("admin:annotations_quote_changelist"), {"anchoring__exact": "orphaned"}
    )
    assert listed.status_code == 200 and f"/{quote.pk}/change/" in listed.content.decode()


def test_admin_delete_of_a_quote_can_be_undone(admin_client):
    quote = QuoteFactory()
    url = reverse("admin:annotations_quote_delete", args=[quote.pk])
    admin_client.post(url, {"post": "yes"})
    assert not Quote.objects.filter(pk=quote.pk).exists()
    admin_client.post(
        reverse("admin:annotations_quote_changelist"),
        {"action": "restore_quotes", ACTION_CHECKBOX_NAME: [quote.pk]},
    )
    assert Quote.objects.filter(pk=quote.pk).exists()
