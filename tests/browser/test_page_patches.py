"""Saving, accepting, rejecting and deleting on the article page change only the quote's list
entry and the paragraphs it marks, in real Chromium: the rest of the page stays the very same
elements, and what changed reads right, in the list and in the text."""

import pytest
from playwright.sync_api import expect

from annotations.models import Quote
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory

from .conftest import log_in_as
from .test_editor_loop import SELECT_RANGE

pytestmark = pytest.mark.browser

BODY = (
    'Anna said: "The budget is late." The minister agreed.\n'
    'Ben said: "We will vote & see." Nobody answered.\n\n'
    'Cleo said: "Prices rose 🙂 again." It was true.\n'
    "Dan said nothing at all that day."
)

# Tags the elements that a whole redraw would replace; ``untouched`` then tells which survive.
TAG = """() => {
  for (const id of ["workspace", "article-text", "quote-list", "para-0", "para-3"])
    document.getElementById(id).dataset.kept = "1";
}"""
UNTOUCHED = """() => ["workspace", "article-text", "quote-list", "para-0", "para-3"]
  .filter(id => document.getElementById(id)?.dataset.kept === "1")"""
# The elements a change in paragraphs 1 and 2 leaves as they were (not replaced).
KEPT = ["workspace", "article-text", "quote-list", "para-0", "para-3"]

ENTRIES = (
    "() => Array.from(document.querySelectorAll('#quote-list .quote-item'), e => +e.dataset.quote)"
)


@pytest.fixture
def article(transactional_db):
    article = ArticleFactory(body=BODY)
    for name in ("Anna", "Ben", "Cleo"):
        start = BODY.index('"', BODY.index(name)) + 1
        QuoteFactory(
            article=article,
            speaker=SpeakerFactory(name=f"{name} Example"),
            kind=Quote.Kind.DIRECT,
            start=start,
            end=BODY.index('"', start),
            status=Quote.Status.SUGGESTED if name == "Ben" else Quote.Status.CONFIRMED,
        )
    return article


def open_article(page, editor, article):
    log_in_as(page, editor)
    page.goto(article.get_absolute_url())
    page.evaluate(TAG)


def text_of(page, pk: int) -> str:
    return page.evaluate(
        """(pk) => Array.from(document.querySelectorAll(`#article-text mark[data-q~="${pk}"]`),
                               m => m.textContent).join("")""",
        pk,
    )


def in_text_order(article) -> list[int]:
    return list(
        Quote.objects.filter(article=article)
        .exclude(status=Quote.Status.REJECTED)
        .order_by("start", "end", "id")
        .values_list("pk", flat=True)
    )


def test_saving_a_quote_adds_its_entry_and_highlight_and_nothing_else(page, editor, article):
    open_article(page, editor, article)
    start = BODY.index("Nobody answered")
    page.evaluate(SELECT_RANGE, [start, start + len("Nobody answered")])
    page.keyboard.press("q")
    page.wait_for_selector("[data-quote-form]")
    page.fill("[data-speaker-input]", "Nobody Known")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click('[data-action="save"]')
    page.wait_for_selector("[data-quote-form]", state="detached")
    new = Quote.objects.get(article=article, start=start)
    page.wait_for_selector(f'#quote-{new.pk}[aria-current="true"]')
    assert text_of(page, new.pk) == "Nobody answered"
    assert page.evaluate(ENTRIES) == in_text_order(article)
    assert page.evaluate(UNTOUCHED) == KEPT
    expect(page.locator("#quotes-head .count")).to_have_text("4")
    expect(page.locator("#flash")).to_contain_text("Quote saved.")
    assert page.evaluate("document.getElementById('article-text').textContent") == BODY


def test_accepting_from_the_list_confirms_entry_and_highlight_in_place(page, editor, article):
    ben = Quote.objects.get(article=article, speaker__name="Ben Example")
    open_article(page, editor, article)
    page.click(f"#quote-{ben.pk}")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("a")
    page.wait_for_selector(f"#quote-{ben.pk}:not(.is-suggested)")
    marks = page.locator(f'#article-text mark[data-q~="{ben.pk}"]')
    expect(marks.first).not_to_have_class("sugg")
    assert page.locator(f'#article-text mark.sugg[data-q~="{ben.pk}"]').count() == 0
    assert text_of(page, ben.pk) == "We will vote & see."
    expect(page.locator(f"#quote-{ben.pk}")).to_have_attribute("aria-current", "true")
    expect(page.locator(f'#quote-{ben.pk} [data-action="accept"]')).to_have_count(0)
    expect(page.locator("#quotes-head .sugg-badge")).to_have_count(0)
    assert page.evaluate(UNTOUCHED) == KEPT
    ben.refresh_from_db()
    assert ben.status == Quote.Status.CONFIRMED and ben.version == 2


def test_rejecting_removes_entry_and_highlight_and_undo_brings_them_back(page, editor, article):
    ben = Quote.objects.get(article=article, speaker__name="Ben Example")
    open_article(page, editor, article)
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click(f'#quote-{ben.pk} [data-action="reject"]')
    page.wait_for_selector(f"#quote-{ben.pk}", state="detached")
    assert text_of(page, ben.pk) == ""
    expect(page.locator("#quotes-head .count")).to_have_text("2")
    assert page.evaluate(ENTRIES) == in_text_order(article)
    assert page.evaluate(UNTOUCHED) == KEPT
    # Undo is a whole redraw (the undo bar's), and puts it back where it was.
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("u")
    page.wait_for_selector(f"#quote-{ben.pk}.is-suggested")
    assert text_of(page, ben.pk) == "We will vote & see."
    assert page.evaluate(ENTRIES) == in_text_order(article)


def test_undo_key_works_before_the_answer_settles(page, editor, article):
    ben = Quote.objects.get(article=article, speaker__name="Ben Example")
    open_article(page, editor, article)
    # A long settle: the undo button the answer brings is on the page well before htmx
    # would have given it its request.
    page.evaluate("() => { htmx.config.defaultSettleDelay = 3000; }")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click(f'#quote-{ben.pk} [data-action="reject"]')
    page.wait_for_selector('#undo-bar [data-action="undo"]')
    with page.expect_response(lambda r: r.request.method == "POST", timeout=2500):
        page.keyboard.press("u")
    page.wait_for_selector(f"#quote-{ben.pk}.is-suggested")


def test_deleting_then_undo_from_the_message_restores_in_place(page, editor, article):
    anna = Quote.objects.get(article=article, speaker__name="Anna Example")
    open_article(page, editor, article)
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click(f'#quote-{anna.pk} [data-action="delete"]')
    page.wait_for_selector(f"#quote-{anna.pk}", state="detached")
    assert text_of(page, anna.pk) == ""
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click('#flash [data-action="undo"]')
    page.wait_for_selector(f"#quote-{anna.pk}")
    assert text_of(page, anna.pk) == "The budget is late."
    assert page.evaluate(ENTRIES) == in_text_order(article)
    # The paragraph it marks keeps its box; only its inside was drawn again.
    assert page.evaluate(UNTOUCHED) == KEPT
