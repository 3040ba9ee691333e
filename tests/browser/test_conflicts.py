"""Two editors on one quote in real Chromium: the second save is told, in the page, that
someone else changed the quote, sees theirs, keeps what it typed, and can save it again.
A list button pressed on a quote changed since the page was drawn is refused the same way."""

import pytest
from playwright.sync_api import expect

from annotations.models import Quote
from tests.factories import ArticleFactory, QuoteFactory, UserFactory

from .conftest import log_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def second_page(browser, page):
    """Another browser (its own cookies) on the same live server."""
    context = browser.new_context(base_url=page.base_url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    other = context.new_page()
    other.base_url = page.base_url
    errors = []
    other.on("pageerror", lambda error: errors.append(str(error)))
    other.on("dialog", lambda dialog: dialog.dismiss())
    yield other
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def open_form(page, quote):
    page.goto(quote.article.get_absolute_url())
    page.click(f'#quote-{quote.pk} [data-action="edit"]')
    return page.wait_for_selector("[data-quote-form]")


def test_the_second_of_two_saves_is_told_and_keeps_its_text(page, second_page):
    ada = UserFactory(username="ada", role="editor")
    bo = UserFactory(username="bo", role="editor")
    quote = QuoteFactory(article=ArticleFactory(), cue="said", note="first")
    log_in_as(page, ada)
    log_in_as(second_page, bo)
    open_form(page, quote)
    open_form(second_page, quote)

    page.fill("[data-quote-form] textarea[name=note]", "Ada's note")
    with page.expect_response(lambda r: r.request.method == "POST") as saved:
        page.click('[data-action="save"]')
    assert saved.value.status == 200
    page.wait_for_selector("[data-quote-form]", state="detached")

    second_page.fill("[data-quote-form] textarea[name=note]", "Bo's note")
    second_page.fill("[data-quote-form] input[name=cue]", "claimed")
    with second_page.expect_response(lambda r: r.request.method == "POST") as refused:
        second_page.click('[data-action="save"]')
    assert refused.value.status == 409
    conflict = second_page.locator("#quote-form-slot [data-conflict]")
    expect(conflict).to_contain_text("Someone else changed this quote")
    expect(conflict).to_contain_text("ada at")
    expect(conflict).to_contain_text("Ada's note")  # theirs
    form = second_page.locator("#quote-form-slot [data-quote-form]")
    expect(form.locator("textarea[name=note]")).to_have_value("Bo's note")  # mine, kept
    expect(form.locator("input[name=cue]")).to_have_value("claimed")
    assert Quote.objects.get(pk=quote.pk).note == "Ada's note"

    # Having seen theirs, Bo saves again: now it goes over Ada's, knowingly.
    with second_page.expect_response(lambda r: r.request.method == "POST") as again:
        second_page.click('[data-action="save"]')
    assert again.value.status == 200
    second_page.wait_for_selector("[data-quote-form]", state="detached")
    quote.refresh_from_db()
    assert (quote.note, quote.cue, quote.version) == ("Bo's note", "claimed", 3)


def test_a_list_button_on_a_quote_changed_since_shows_it_as_it_is_now(page):
    bo = UserFactory(username="bo", role="editor")
    quote = QuoteFactory(article=ArticleFactory(), status=Quote.Status.SUGGESTED, cue="said")
    log_in_as(page, bo)
    page.goto(quote.article.get_absolute_url())
    page.wait_for_selector(f"#quote-{quote.pk}.is-suggested")
    quote.edit(cue="alleged", by=UserFactory(username="ada", role="editor"))

    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.click(f'#quote-{quote.pk} [data-action="accept"]')
    assert refused.value.status == 409
    flash = page.locator("#flash [data-conflict]")
    expect(flash).to_contain_text("so it was not accepted")
    expect(page.locator(f"#quote-{quote.pk} .cue-label")).to_have_text("alleged")
    assert Quote.objects.get(pk=quote.pk).status == Quote.Status.SUGGESTED

    # The list now names the version it shows: accepting again goes ahead.
    with page.expect_response(lambda r: r.request.method == "POST") as accepted:
        page.click(f'#quote-{quote.pk} [data-action="accept"]')
    assert accepted.value.status == 200
    page.wait_for_selector(f"#quote-{quote.pk}:not(.is-suggested)")
    assert Quote.objects.get(pk=quote.pk).status == Quote.Status.CONFIRMED
