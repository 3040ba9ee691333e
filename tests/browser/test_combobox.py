"""The speaker and via comboboxes from the keyboard, in real Chromium."""

import pytest
from playwright.sync_api import expect

from annotations.models import Outlet, Quote, Speaker
from tests.factories import ArticleFactory, OutletFactory, QuoteFactory, SpeakerFactory

from .conftest import log_in_as
from .test_editor_loop import SELECT_RANGE
from .test_review import LEAVE

pytestmark = pytest.mark.browser

SPEAKER = "[data-speaker-input]"


def open_new_quote_form(page, article) -> None:
    page.goto(article.get_absolute_url())
    page.evaluate(SELECT_RANGE, [0, 20])
    page.keyboard.press("q")
    page.wait_for_selector("[data-quote-form]")


def listbox_of(page, combobox: str):
    return page.locator("#" + page.get_attribute(combobox, "aria-controls"))


def test_typing_arrow_down_and_enter_pick_the_existing_speaker(page, editor):
    petrova = SpeakerFactory(name="Elena Petrova")
    article = ArticleFactory()
    for start in (0, 30, 60):
        QuoteFactory(article=article, speaker=petrova, start=start, end=start + 10)
    fresh = ArticleFactory(body="Ministers met on Tuesday. " + article.body)
    speakers_before = Speaker.objects.count()
    log_in_as(page, editor)
    open_new_quote_form(page, fresh)

    combobox = page.locator(SPEAKER)
    expect(combobox).to_have_attribute("role", "combobox")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    combobox.press_sequentially("Petrova", delay=20)
    listbox = listbox_of(page, SPEAKER)
    expect(listbox).to_have_attribute("role", "listbox")
    first = listbox.locator('[role="option"]').first
    expect(first).to_contain_text("Elena Petrova already has 3 quotes: use this speaker?")
    expect(listbox.locator('[role="option"][data-new]')).to_have_text("New speaker: Petrova")
    expect(combobox).to_have_attribute("aria-expanded", "true")

    combobox.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(combobox).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    combobox.press("Enter")  # picks; the form stays open, unsaved
    expect(combobox).to_have_value("Elena Petrova")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    assert page.locator("[data-quote-form]").count() == 1
    assert Quote.objects.filter(article=fresh).count() == 0
    assert page.input_value("[data-speaker-id]") == str(petrova.pk)

    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click('[data-action="save"]')
    page.wait_for_selector("[data-quote-form]", state="detached")
    quote = Quote.objects.get(article=fresh)
    assert quote.speaker == petrova
    assert Speaker.objects.count() == speakers_before  # no new speaker


def test_ctrl_enter_saves_while_the_list_is_open(page, editor):
    # The list opens whenever the options for the typed name arrive: Ctrl+Enter must save
    # then too, not be taken for the list's Enter.
    SpeakerFactory(name="Elena Petrova")
    article = ArticleFactory()
    log_in_as(page, editor)
    open_new_quote_form(page, article)
    combobox = page.locator(SPEAKER)
    combobox.press_sequentially("Petro", delay=20)
    expect(combobox).to_have_attribute("aria-expanded", "true")
    with page.expect_response(lambda r: r.request.method == "POST"):
        combobox.press("Control+Enter")
    page.wait_for_selector("[data-quote-form]", state="detached")
    assert Quote.objects.get(article=article).speaker.name == "Petro"


def test_escape_closes_the_list_but_not_the_form(page, editor):
    SpeakerFactory(name="Elena Petrova")
    article = ArticleFactory()
    log_in_as(page, editor)
    open_new_quote_form(page, article)
    combobox = page.locator(SPEAKER)
    combobox.press_sequentially("Petro", delay=20)
    expect(combobox).to_have_attribute("aria-expanded", "true")
    combobox.press("Escape")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    expect(listbox_of(page, SPEAKER)).to_be_hidden()
    assert page.locator("[data-quote-form]").count() == 1 and page.dialogs == []
    # With the list closed, Escape leaves the form: first asking, as the typed name is unsaved
    combobox.press("Escape")
    assert page.dialogs == [LEAVE] and page.locator("[data-quote-form]").count() == 1
    combobox.fill("")
    page.wait_for_timeout(400)  # the options asked for on input
    if combobox.get_attribute("aria-expanded") == "true":
        combobox.press("Escape")
        expect(combobox).to_have_attribute("aria-expanded", "false")
    combobox.press("Escape")  # nothing unsaved now: the form closes as before
    page.wait_for_selector("[data-quote-form]", state="detached")


def test_the_new_speaker_option_makes_a_new_speaker(page, editor):
    SpeakerFactory(name="Elena Petrova")
    article = ArticleFactory()
    log_in_as(page, editor)
    open_new_quote_form(page, article)
    combobox = page.locator(SPEAKER)
    combobox.press_sequentially("Olga Sokolova", delay=20)
    listbox = listbox_of(page, SPEAKER)
    options = listbox.locator('[role="option"]')
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("New speaker: Olga Sokolova")
    combobox.press("ArrowDown")
    combobox.press("Enter")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click('[data-action="save"]')
    page.wait_for_selector("[data-quote-form]", state="detached")
    assert Quote.objects.get(article=article).speaker.name == "Olga Sokolova"


def test_a_late_list_keeps_the_highlighted_option(page, editor):
    """An answer to earlier typing that lands after ArrowDown still lets Enter pick the
    option the editor highlighted, when the new list offers it too."""
    OutletFactory(name="RIA Novosti", kind=Outlet.Kind.NEWS_AGENCY)
    article = ArticleFactory()
    log_in_as(page, editor)
    open_new_quote_form(page, article)
    page.click("text=Add hop")
    via = page.locator('input[name="via_name"]').first
    via.press_sequentially("novost", delay=20)
    listbox = page.locator("#" + via.get_attribute("aria-controls"))
    expect(listbox.locator('[role="option"]').first).to_contain_text("RIA Novosti")
    via.press("ArrowDown")
    with page.expect_response(lambda r: "/names/options/" in r.url):
        page.evaluate("(el) => htmx.trigger(el, 'focus')", via.element_handle())
    page.wait_for_timeout(100)  # the swap settles
    via.press("Enter")
    expect(via).to_have_value("RIA Novosti")


def test_via_outlet_is_picked_from_the_keyboard(page, editor):
    OutletFactory(name="RIA Novosti", kind=Outlet.Kind.NEWS_AGENCY)
    article = ArticleFactory()
    log_in_as(page, editor)
    open_new_quote_form(page, article)
    page.click("text=Add hop")
    via = page.locator('input[name="via_name"]').first
    expect(via).to_have_attribute("role", "combobox")
    via.press_sequentially("novost", delay=20)
    listbox = page.locator("#" + via.get_attribute("aria-controls"))
    expect(listbox.locator('[role="option"]').first).to_contain_text("RIA Novosti")
    via.press("ArrowDown")
    via.press("Enter")
    expect(via).to_have_value("RIA Novosti")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click('[data-action="save"]')
    page.wait_for_selector("[data-quote-form]", state="detached")
    assert Quote.objects.get(article=article).via_names() == ["RIA Novosti"]
    assert Outlet.objects.count() == 2  # the article's publisher and RIA Novosti
