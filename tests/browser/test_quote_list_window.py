"""A long quote list in real Chromium: the page comes with its first entries, and the others
come when they are needed: the list scrolled to its end, a quote chosen in the text or by
the keys, a quote saved among them. The list then reads in text order, each entry once, and
every highlight keeps its description all along."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Quote
from annotations.views import common
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, UserFactory

from .conftest import log_in_as
from .devices import axe_audit, log_in, open_page
from .test_editor_loop import SELECT_RANGE
from .test_page_patches import ENTRIES, in_text_order

pytestmark = pytest.mark.browser

SENTENCE = 'Speaker {0} said: "Line {0:02d} is long enough to read." Then a pause.\n'
COUNT = 16
WINDOW = 10

DESCRIBED = """() => [...document.querySelectorAll("#article-text mark")].map((m) =>
    m.getAttribute("aria-describedby").split(" ")
     .map((id) => document.getElementById(id)?.textContent || "").join("; "))"""


@pytest.fixture
def long_article(transactional_db, monkeypatch):
    monkeypatch.setattr(common, "LIST_WINDOW", WINDOW)
    body = "".join(SENTENCE.format(i) for i in range(COUNT))
    article = ArticleFactory(body=body)
    for i in range(COUNT):
        start = body.index(f"Line {i:02d}")
        QuoteFactory(
            article=article,
            speaker=SpeakerFactory(name=f"Person {i}"),
            kind=Quote.Kind.DIRECT,
            start=start,
            end=body.index('"', start),
            status=Quote.Status.SUGGESTED if i == COUNT - 2 else Quote.Status.CONFIRMED,
        )
    return article


def open_long(page, editor, article):
    log_in_as(page, editor)
    page.goto(article.get_absolute_url())
    assert page.evaluate(ENTRIES) == in_text_order(article)[:WINDOW]
    expect(page.locator("[data-list-more] button")).to_have_text(
        f"Show the other {COUNT - WINDOW} quotes"
    )


def test_every_highlight_is_described_before_and_after_the_rest_comes(page, editor, long_article):
    open_long(page, editor, long_article)
    described = page.evaluate(DESCRIBED)
    assert len(described) == COUNT and all(described), described
    assert "Person 15, direct quote, confirmed" in described
    assert "Person 14, direct quote, suggested, not yet checked" in described
    page.click("[data-list-more] button")
    expect(page.locator("[data-list-more]")).to_have_count(0)
    assert page.evaluate(ENTRIES) == in_text_order(long_article)
    assert page.evaluate(DESCRIBED) == described
    assert page.locator("#quote-notes").count() == 0


def test_scrolling_the_list_to_its_end_brings_the_rest(page, editor, long_article):
    open_long(page, editor, long_article)
    page.locator("[data-list-more]").scroll_into_view_if_needed()
    expect(page.locator("[data-list-more]")).to_have_count(0)
    assert page.evaluate(ENTRIES) == in_text_order(long_article)


def test_clicking_a_highlight_of_a_quote_not_listed_yet_chooses_it(page, editor, long_article):
    open_long(page, editor, long_article)
    last = in_text_order(long_article)[-1]
    page.locator(f'#article-text mark[data-q="{last}"]').click()
    expect(page.locator(f"#quote-{last}")).to_have_attribute("aria-current", "true")
    expect(page.locator(f'#article-text mark[data-q="{last}"]')).to_have_class(
        re.compile(r"\bis-current\b")
    )
    assert page.evaluate(ENTRIES) == in_text_order(long_article)


def test_moving_past_the_last_entry_by_key_brings_the_rest(page, editor, long_article):
    open_long(page, editor, long_article)
    order = in_text_order(long_article)
    page.click(f"#quote-{order[WINDOW - 1]}")
    page.keyboard.press("j")
    expect(page.locator(f"#quote-{order[WINDOW]}")).to_have_attribute("aria-current", "true")
    assert page.evaluate(ENTRIES) == order


def test_a_quote_saved_among_those_not_listed_is_shown_then_listed_once(page, editor, long_article):
    open_long(page, editor, long_article)
    body = long_article.body
    saved = []
    # After every quote (no entry follows it), then among those not listed: each stands
    # before the "more" entry until the others come, and none of them brings the others.
    for i in (15, 14, 12):
        start = body.index("Then a pause", body.index(f"Line {i:02d}"))
        page.evaluate(SELECT_RANGE, [start, start + len("Then a pause")])
        page.keyboard.press("q")
        page.wait_for_selector("[data-quote-form]")
        page.fill("[data-speaker-input]", f"Narrator {i}")
        with page.expect_response(lambda r: r.request.method == "POST"):
            page.click('[data-action="save"]')
        page.wait_for_selector("[data-quote-form]", state="detached")
        new = Quote.objects.get(article=long_article, start=start)
        saved.append(new.pk)
        expect(page.locator(f"#quote-{new.pk}")).to_have_attribute("aria-current", "true")
        assert page.locator(f'#article-text mark[data-q="{new.pk}"]').count() == 1
        assert page.evaluate(
            """(pk) => {
              const more = document.querySelector("#quote-list [data-list-more]");
              const entry = document.getElementById("quote-" + pk);
              return Boolean(more && entry.compareDocumentPosition(more) & 4);
            }""",
            new.pk,
        )
    expect(page.locator("#quotes-head .count")).to_have_text(str(COUNT + 3))
    page.click("[data-list-more] button")
    expect(page.locator("[data-list-more]")).to_have_count(0)
    assert page.evaluate(ENTRIES) == in_text_order(long_article)
    for pk in saved:
        assert page.locator(f"#quote-{pk}").count() == 1
    expect(page.locator(f"#quote-{saved[-1]}")).to_have_attribute("aria-current", "true")


def test_axe_finds_no_serious_violation_with_a_long_list(browser, live_server, long_article):
    with open_page(browser, live_server.url, bypass_csp=True) as page:
        log_in(page, UserFactory(username="audit2", role="admin"))
        page.goto(long_article.get_absolute_url())
        result = axe_audit(page)
        blocking = [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]
        assert not blocking, blocking
