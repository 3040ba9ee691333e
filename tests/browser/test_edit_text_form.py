"""The form that edits an article's text opens holding the text as it is, character for
character (it is filled from the page's text when it opens, not sent twice with the page)."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, QuoteFactory

from .conftest import log_in_as

pytestmark = pytest.mark.browser

BODY = '\nAnna said: "<b>Prices</b> & rents rose 🙂 予算."\n\n  Ben  agreed.\r\nEnd.'


def test_the_edit_form_opens_with_the_text_as_it_is(page, editor):
    article = ArticleFactory(body=BODY)
    QuoteFactory(article=article, fragments=[(BODY.index("Prices"), BODY.index(" & "))])
    log_in_as(page, editor)
    page.goto(article.get_absolute_url())
    field = page.locator("#edit-body")
    assert page.evaluate("document.getElementById('edit-body').value") == ""
    text = page.evaluate("document.getElementById('article-text').textContent")
    # Filled by the time the click that opens it is over, before the box is drawn.
    opened = page.evaluate(
        """() => { document.querySelector('#edit-text summary').click();
                   return document.getElementById('edit-body').value; }"""
    )
    assert opened == text
    expect(field).to_be_visible()
    # Closing and opening again keeps what was typed.
    field.fill("Typed here.")
    page.click("#edit-text summary")
    page.click("#edit-text summary")
    expect(field).to_have_value("Typed here.")
