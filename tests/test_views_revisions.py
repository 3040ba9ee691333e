"""The pages of revisions: editing an article's text, the revisions page with its diff, and
reviewing the quotes that followed the text (confirm, re-select)."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Quote, Revision

from .factories import ArticleFactory, QuoteFactory

HX = {"HTTP_HX_REQUEST": "true"}
BODY = 'The minister said: "The bridge is safe and will reopen next week." Nobody agreed.\n'
QUOTE = "The bridge is safe and will reopen next week."


def at(text, body=BODY):
    start = body.index(text)
    return start, start + len(text)


@pytest.fixture
def article(db):
    return ArticleFactory(body=BODY)


@pytest.fixture
def quotes(article):
    return {
        "moved": QuoteFactory(article=article, fragments=[at(QUOTE)]),
        "gone": QuoteFactory(article=article, fragments=[at("Nobody agreed.")]),
    }


def edit_text(client, article, body, revision=1, **extra):
    return client.post(
        f"/articles/{article.pk}/text/", {"body": body, "revision": str(revision)}, **extra
    )


NEW = BODY.replace("bridge", "bridges").replace(" Nobody agreed.", "")


def test_article_page_offers_the_text_form_to_editors_only(editor_client, article, client, analyst):
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert "data-edit-text" in page and 'name="revision" value="1"' in page
    assert f"/articles/{article.pk}/revisions/" in page
    client.force_login(analyst)
    assert "data-edit-text" not in client.get(article.get_absolute_url()).content.decode()


def test_editing_the_text_makes_a_revision_and_lists_quotes_to_review(
    editor_client, article, quotes
):
    response = edit_text(editor_client, article, NEW)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == NEW
    assert Revision.objects.filter(article=article).count() == 2
    page = editor_client.get(article.get_absolute_url()).content.decode()
    review = re.search(r'<section class="review card".*?</section>', page, re.S).group(0)
    moved = re.search(rf'data-review="{quotes["moved"].pk}".*?</li>', review, re.S).group(0)
    assert html.unescape(re.search(r'<q class="was">(.*?)</q>', moved).group(1)) == QUOTE
    assert html.unescape(re.search(r'<q class="now">(.*?)</q>', moved).group(1)) == QUOTE.replace(
        "bridge", "bridges"
    )
    assert 'data-action="confirm-anchoring"' in moved
    gone = re.search(rf'data-review="{quotes["gone"].pk}".*?</li>', review, re.S).group(0)
    assert "Nobody agreed." in gone and "revision 1" in gone
    assert "confirm-anchoring" not in gone


def test_an_orphaned_quote_is_not_highlighted_in_the_new_text(editor_client, article, quotes):
    edit_text(editor_client, article, NEW)
    page = editor_client.get(article.get_absolute_url()).content.decode()
    body = re.search(r'<div id="article-text"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert f'data-q="{quotes["moved"].pk}"' in body
    assert f'data-q="{quotes["gone"].pk}"' not in body
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == NEW


def test_a_stale_text_form_is_refused_and_changes_nothing(editor_client, article, quotes):
    edit_text(editor_client, article, NEW)
    response = edit_text(editor_client, article, "Something else.\n", revision=1, **HX)
    assert response.status_code == 409
    assert "since you opened it" in response.content.decode()
    article.refresh_from_db()
    assert article.body == NEW and article.revisions.count() == 2


def test_bad_text_is_refused_with_a_message(editor_client, article):
    response = edit_text(editor_client, article, "   ", **HX)
    assert response.status_code == 422 and "empty" in response.content.decode()
    response = edit_text(editor_client, article, "A\x00B", **HX)
    assert response.status_code == 422 and "NUL" in response.content.decode()
    assert not Revision.objects.exists()


def test_analysts_cannot_edit_the_text(client, analyst, article):
    client.force_login(analyst)
    assert edit_text(client, article, NEW).status_code == 403
    article.refresh_from_db()
    assert article.body == BODY


def test_editing_the_text_needs_post(editor_client, article):
    assert editor_client.get(f"/articles/{article.pk}/text/").status_code == 405


def test_confirming_a_relocated_quote_from_the_page(editor_client, article, quotes):
    edit_text(editor_client, article, NEW)
    moved = quotes["moved"]
    moved.refresh_from_db()
    url = f"/quotes/{moved.pk}/confirm-anchoring/"
    assert editor_client.post(url, **HX).status_code == 428  # which version did you see?
    assert editor_client.post(url, {"version": moved.version - 1}, **HX).status_code == 409
    response = editor_client.post(url, {"version": moved.version}, **HX)
    assert response.status_code == 200
    moved.refresh_from_db()
    assert moved.anchoring == "anchored"
    assert f'data-review="{moved.pk}"' not in response.content.decode()


def test_reselecting_an_orphaned_quote_from_the_page(editor_client, article, quotes):
    edit_text(editor_client, article, NEW)
    gone = quotes["gone"]
    gone.refresh_from_db()
    form = editor_client.get(f"/quotes/{gone.pk}/edit/", **HX).content.decode()
    assert 'name="fragment"' not in form  # its old offsets are never posted back
    start, end = at("The minister", NEW)
    response = editor_client.post(
        f"/quotes/{gone.pk}/fragments/",
        {"start": start, "end": end, "version": gone.version},
        **HX,
    )
    assert response.status_code == 200
    gone.refresh_from_db()
    assert (gone.anchoring, gone.text) == ("anchored", "The minister")
    assert [(f.start, f.end) for f in gone.fragments.all()] == [(start, end)]


def test_revisions_page_shows_who_when_and_an_escaped_diff(editor_client, editor, article):
    article.revise(BODY.replace("Nobody", "<script>alert(1)</script>"), by=editor)
    page = editor_client.get(f"/articles/{article.pk}/revisions/").content.decode()
    assert "eddie" in page
    diff = re.search(r'<div class="diff article-text" data-diff>(.*?)</div>', page, re.S).group(1)
    assert "<script>" not in page.split("<main", 1)[1].split("</main>")[0].replace(
        "<script src", ""
    )
    assert "<del>Nobody</del>" in diff
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in diff


def test_revisions_page_compares_any_two(editor_client, article):
    article.revise("One.\n" + BODY)
    article.revise("One.\nTwo.\n" + BODY)
    page = editor_client.get(f"/articles/{article.pk}/revisions/?a=1&b=3").content.decode()
    assert "Changes from revision 1 to 3" in page
    assert "<ins>One.\nTwo.\n</ins>" in page
    same = editor_client.get(f"/articles/{article.pk}/revisions/?a=2&b=2").content.decode()
    assert "Choose two different revisions" in same
    odd = editor_client.get(f"/articles/{article.pk}/revisions/?a=x&b=99")
    assert odd.status_code == 200  # out of range falls back to the last change


def test_revisions_page_of_an_unchanged_article(client, analyst, article):
    client.force_login(analyst)
    page = client.get(f"/articles/{article.pk}/revisions/").content.decode()
    assert "has not changed since" in page


def test_revisions_page_needs_sign_in(client, article):
    assert client.get(f"/articles/{article.pk}/revisions/").status_code == 302


def test_revisions_page_queries_do_not_grow_with_revisions(editor_client, article, quotes):
    article.revise("One.\n" + BODY)
    with CaptureQueriesContext(connection) as few:
        editor_client.get(f"/articles/{article.pk}/revisions/")
    for n in range(6):
        article.revise(f"More {n}.\n" + BODY)
    with CaptureQueriesContext(connection) as many:
        editor_client.get(f"/articles/{article.pk}/revisions/")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Quote.objects.filter(article=article).count() == 2
