"""Editing an article's text in real Chromium: the quotes follow it, a changed one is shown
before and after, side by side, and confirmed."""

import pytest
from playwright.sync_api import expect

from annotations.models import Quote
from tests.factories import ArticleFactory, QuoteFactory

from .conftest import log_in_as

pytestmark = pytest.mark.browser

BODY = (
    "Bridge reopens 🌉 soon.\n"
    'The minister said: "The brigde is safe and will reopen next week." Nobody agreed.\n'
)
QUOTE = "The brigde is safe and will reopen next week."


def test_editing_the_text_relocates_a_quote_shown_side_by_side(page, editor):
    article = ArticleFactory(body=BODY)
    start = BODY.index(QUOTE)
    quote = QuoteFactory(article=article, kind="direct", fragments=[(start, start + len(QUOTE))])
    still = QuoteFactory(article=article, fragments=[(0, 6)])
    log_in_as(page, editor)
    page.goto(article.get_absolute_url())

    page.click("#edit-text summary")
    new = "Updated at noon.\n" + BODY.replace("brigde", "bridge")
    page.fill("#edit-body", new)
    with page.expect_navigation():
        page.click('[data-action="save-text"]')

    review = page.locator(f'[data-review="{quote.pk}"]')
    expect(review).to_be_visible()
    expect(review.locator("q.was")).to_have_text(QUOTE)
    expect(review.locator("q.now")).to_have_text(QUOTE.replace("brigde", "bridge"))
    was, now = review.locator("q.was").bounding_box(), review.locator("q.now").bounding_box()
    assert was["x"] < now["x"] and abs(was["y"] - now["y"]) < 5  # side by side
    # the relocated quote is highlighted over its new text, in code points
    shown = page.evaluate(
        """(id) => Array.from(document.querySelectorAll('#article-text [data-q~="' + id + '"]'))
             .map((n) => n.textContent).join('')""",
        str(quote.pk),
    )
    assert shown == QUOTE.replace("brigde", "bridge")
    assert page.locator(f'[data-review="{still.pk}"]').count() == 0  # moved, never marked

    with page.expect_response(lambda r: "confirm-anchoring" in r.url):
        review.locator('[data-action="confirm-anchoring"]').click()
    expect(page.locator(f'[data-review="{quote.pk}"]')).to_have_count(0)
    quote.refresh_from_db()
    still.refresh_from_db()
    assert quote.anchoring == "anchored" and quote.text == QUOTE.replace("brigde", "bridge")
    assert (still.anchoring, still.start, still.text) == ("anchored", 17, "Bridge")
    assert Quote.objects.get(pk=quote.pk).start == new.index("The bridge")

    page.click("[data-revisions]")
    expect(page.locator("[data-diff] ins").first).to_have_text("Updated at noon.\n")
    expect(page.locator("[data-diff] del")).to_have_count(1)
