"""The editor's loop in real Chromium: select with the mouse, attribute, save, and find the
quote stored at the right code-point offsets; suggestions, keys, undo, roles and hostile
text."""

import pytest
from playwright.sync_api import expect

from annotations import jobs
from annotations.models import Quote, Speaker
from annotations.text import normalize
from tests.factories import (
    ArticleFactory,
    QuoteFactory,
    SpeakerAliasFactory,
    SpeakerFactory,
    UserFactory,
)

from .conftest import log_in_as, sign_in

pytestmark = pytest.mark.browser

# Returns the viewport box of the character at code point ``index`` of the article text.
CHAR_BOX = """
(index) => {
  const el = document.getElementById("article-text");
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let seen = 0, node;
  while ((node = walker.nextNode())) {
    const chars = Array.from(node.data);
    if (seen + chars.length > index) {
      const unit = chars.slice(0, index - seen).join("").length;
      const range = document.createRange();
      range.setStart(node, unit);
      range.setEnd(node, unit + chars[index - seen].length);
      const rects = range.getClientRects();
      const box = rects[rects.length - 1];
      return {x: box.left, y: box.top, w: box.width, h: box.height};
    }
    seen += chars.length;
  }
  return null;
}
"""

# Selects code points [start, end) of the article text through a DOM Range.
SELECT_RANGE = """
([start, end]) => {
  const el = document.getElementById("article-text");
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let seen = 0, node, range = document.createRange();
  while ((node = walker.nextNode())) {
    const chars = Array.from(node.data);
    if (seen <= start && start < seen + chars.length) {
      range.setStart(node, chars.slice(0, start - seen).join("").length);
    }
    if (seen < end && end <= seen + chars.length) {
      range.setEnd(node, chars.slice(0, end - seen).join("").length);
    }
    seen += chars.length;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
"""


def mouse_select(page, start: int, end: int) -> None:
    """Drag the mouse from the left edge of character ``start`` to the right edge of
    character ``end - 1``, as an editor would."""
    page.evaluate(
        """(index) => {
        const el = document.getElementById("article-text");
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let seen = 0, node;
        while ((node = walker.nextNode())) {
          const n = Array.from(node.data).length;
          if (seen + n > index) { node.parentElement.scrollIntoView({block: "center"}); return; }
          seen += n;
        }
      }""",
        start,
    )
    first = page.evaluate(CHAR_BOX, start)
    last = page.evaluate(CHAR_BOX, end - 1)
    page.mouse.move(first["x"] + 1, first["y"] + first["h"] / 2)
    page.mouse.down()
    page.mouse.move(first["x"] + first["w"] / 2, first["y"] + first["h"] / 2, steps=3)
    page.mouse.move(last["x"] + last["w"] - 1, last["y"] + last["h"] / 2, steps=10)
    page.mouse.up()


def choose_speaker(page, typed: str, name: str) -> None:
    page.fill("[data-speaker-input]", typed)
    option = page.locator(f'[data-speaker-option][data-name="{name}"]')
    option.click()
    assert page.input_value("[data-speaker-input]") == name


def save_and_wait(page) -> None:
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click('[data-action="save"]')
    page.wait_for_selector("[data-quote-form]", state="detached")


def test_editor_selects_konashenkov_quote_with_the_mouse(page, seeded):
    editor = UserFactory(username="sel-editor", role="editor")
    Quote.objects.filter(start=335).delete()  # annotate it afresh
    sign_in(page, editor.username)
    page.click(f'a[href="{seeded.get_absolute_url()}"]')
    page.wait_for_selector("#article-text")  # the click starts the navigation, no more
    assert page.evaluate(
        "Array.from(document.getElementById('article-text').textContent).length"
    ) == len(seeded.body)

    mouse_select(page, 335, 438)
    form = page.wait_for_selector("[data-quote-form]")
    assert page.get_attribute('input[name="fragment"]', "value") == "335-438"
    assert form.query_selector('input[value="direct"]').is_checked()  # inside quotation marks
    choose_speaker(page, "Konash", "Igor Konashenkov")
    save_and_wait(page)

    quote = Quote.objects.get(created_by=editor)
    assert [(f.start, f.end) for f in quote.fragments.all()] == [(335, 438)]
    assert quote.text == (
        "Abu Anas Al-Shami — leader of the terrorist group Jaysh al-Sham — was also killed "
        "in the same province,"
    )
    assert quote.kind == "direct" and quote.speaker.name == "Igor Konashenkov"
    # the list and the highlights are redrawn, with the new quote chosen once they settle
    expect(page.locator(f"#quote-{quote.pk}")).to_have_attribute("aria-current", "true")
    assert page.locator(f'#article-text [data-q~="{quote.pk}"]').count() >= 1


UNICODE_BODY = normalize(
    "Emoji 😀 and 👍🏽, a flag 🇺🇦, accents q\u0301\u0323 and Zoë, CJK 中文報道.\n"
    "Then: “Quote 🙂 with 🇯🇵, n\u0303\u0301 and 漢字\nacross a line,” said Tanaka Hanako.\n"
)


def test_offsets_are_exact_with_emoji_flags_accents_and_cjk(page, editor):
    article = ArticleFactory(body=UNICODE_BODY)
    start, end = UNICODE_BODY.index("“") + 1, UNICODE_BODY.index("”")
    log_in_as(page, editor)
    page.goto(article.get_absolute_url())

    mouse_select(page, start, end)
    page.wait_for_selector("[data-quote-form]")
    assert page.get_attribute('input[name="fragment"]', "value") == f"{start}-{end}"
    page.fill("[data-speaker-input]", "Tanaka Hanako")  # a new speaker, made inline
    # the cue: pick its span in the text
    page.click('[data-pick="cue"]')
    cue = UNICODE_BODY.index("said")
    page.evaluate(SELECT_RANGE, [cue, cue + 4])
    page.locator("#article-text").dispatch_event("mouseup")
    expect(page.locator("[data-picked=cue]")).to_have_text("said")
    save_and_wait(page)

    quote = Quote.objects.get(article=article)
    assert [(f.start, f.end) for f in quote.fragments.all()] == [(start, end)]
    assert quote.text == UNICODE_BODY[start:end]
    assert (quote.cue, quote.cue_start, quote.cue_end) == ("said", cue, cue + 4)
    assert quote.speaker.name == "Tanaka Hanako"


def test_keyboard_selection_across_highlights_is_exact(page, editor):
    article = ArticleFactory(body=UNICODE_BODY)
    inner = UNICODE_BODY.index("漢字")
    QuoteFactory(article=article, start=inner, end=inner + 2)
    QuoteFactory(article=article, start=UNICODE_BODY.index("🇯🇵"), end=inner)
    # select from the line break before "Then" to the end of "across": the page trims the
    # line break and sends code points, across the highlight elements in between
    start, end = UNICODE_BODY.index("Then") - 1, UNICODE_BODY.index("across") + 6
    log_in_as(page, editor)
    page.goto(article.get_absolute_url())
    page.evaluate(SELECT_RANGE, [start, end])
    page.keyboard.press("q")
    page.wait_for_selector("[data-quote-form]")
    expected = (start + 1, end)
    assert page.get_attribute('input[name="fragment"]', "value") == f"{expected[0]}-{expected[1]}"
    page.check('input[value="mixed"]')
    save_and_wait(page)
    quote = Quote.objects.get(article=article, kind="mixed")
    assert [(f.start, f.end) for f in quote.fragments.all()] == [expected]


def test_selection_leaving_the_article_is_refused(page, editor, seeded):
    log_in_as(page, editor)
    page.goto(seeded.get_absolute_url())
    box = page.evaluate(CHAR_BOX, 10)
    target = page.locator(".list-head").bounding_box()
    page.mouse.move(box["x"] + 1, box["y"] + box["h"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + 5, target["y"] + 5, steps=10)
    page.mouse.up()
    page.wait_for_selector("#status.show")
    assert "leaves the article" in page.text_content("#status")
    assert page.locator("[data-quote-form]").count() == 0


def test_speaker_autocomplete_shows_alias_matches(page, editor, seeded):
    SpeakerAliasFactory(speaker=SpeakerFactory(name="Dmitry Peskov"), name="Kremlin voice")
    log_in_as(page, editor)
    page.goto(seeded.get_absolute_url())
    mouse_select(page, 62, 144)
    page.wait_for_selector("[data-quote-form]")
    page.type("[data-speaker-input]", "kreml")
    option = page.wait_for_selector('[data-speaker-option][data-name="Dmitry Peskov"]')
    assert "alias: Kremlin voice" in option.text_content()
    page.fill("[data-speaker-input]", "")
    page.type("[data-speaker-input]", "warr")
    option = page.wait_for_selector('[data-speaker-option][data-name="Steven Warren"]')
    assert "alias: Warren" in option.text_content()
    option.click()
    assert page.input_value("[data-speaker-id]") == str(
        Speaker.objects.get(name="Steven Warren").pk
    )


def test_via_chain_with_new_outlet_and_mention_pick(page, editor, seeded):
    Quote.objects.filter(start=502).delete()
    log_in_as(page, editor)
    page.goto(seeded.get_absolute_url())
    mouse_select(page, 502, 583)
    page.wait_for_selector("[data-quote-form]")
    page.fill("[data-speaker-input]", "Igor Konashenkov")
    page.click('[data-pick="mention"]')
    page.evaluate(SELECT_RANGE, [480, 491])
    page.locator("#article-text").dispatch_event("mouseup")
    expect(page.locator("[data-picked=mention]")).to_have_text("Konashenkov")
    page.click("text=Add hop")
    page.wait_for_selector(".via-row")
    page.click("text=Add hop")
    expect(page.locator(".via-row")).to_have_count(2)
    rows = page.locator(".via-row")
    rows.nth(0).locator('input[name="via_name"]').fill("Interfax Brand New")
    rows.nth(1).locator('select[name="via_type"]').select_option("speaker")
    rows.nth(1).locator('input[name="via_name"]').fill("Steven Warren")
    save_and_wait(page)
    quote = Quote.objects.get(start=502)
    assert quote.via_names() == ["Interfax Brand New", "Steven Warren"]
    assert (quote.mention_start, quote.mention_end) == (480, 491)


def test_delete_then_undo(page, editor, seeded):
    quote = Quote.objects.get(start=335)
    log_in_as(page, editor)
    page.goto(seeded.get_absolute_url())
    page.click(f'#quote-{quote.pk} [data-action="delete"]')
    page.wait_for_selector(f"#quote-{quote.pk}", state="detached")
    assert Quote.all_objects.get(pk=quote.pk).is_deleted
    assert page.locator(f'#article-text [data-q~="{quote.pk}"]').count() == 0
    page.click('[data-action="undo"]')
    page.wait_for_selector(f"#quote-{quote.pk}")
    assert not Quote.all_objects.get(pk=quote.pk).is_deleted
    expect(page.locator(f"#quote-{quote.pk}")).to_have_attribute("aria-current", "true")


def test_keys_move_between_quotes_and_accept_a_suggestion(page, editor, seeded):
    suggested = Quote.objects.get(start=502)
    suggested.status = Quote.Status.SUGGESTED
    suggested.save()
    first = Quote.objects.order_by("start").first()
    log_in_as(page, editor)
    page.goto(f"{seeded.get_absolute_url()}#quote-{first.pk}")
    page.wait_for_selector(f'#quote-{first.pk}[aria-current="true"]')
    assert page.locator(f'#article-text .is-current[data-q~="{first.pk}"]').count() >= 1
    page.keyboard.press("j")
    page.wait_for_selector(f'#quote-{Quote.objects.get(start=335).pk}[aria-current="true"]')
    page.keyboard.press("j")
    page.wait_for_selector(f'#quote-{suggested.pk}[aria-current="true"]')
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("?")
    assert page.is_visible("#help")
    page.keyboard.press("Escape")
    assert not page.is_visible("#help")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("a")
    page.wait_for_selector(f"#quote-{suggested.pk}:not(.is-suggested)")
    suggested.refresh_from_db()
    assert suggested.status == Quote.Status.CONFIRMED and suggested.updated_by == editor
    # clicking a highlight chooses its quote in the list
    page.click(f'#article-text [data-q="{first.pk}"]')
    page.wait_for_selector(f'#quote-{first.pk}[aria-current="true"]')


def test_analyst_sees_no_editing_controls(page, analyst, seeded):
    sign_in(page, analyst.username)
    page.goto(seeded.get_absolute_url())
    assert page.locator("[data-action]").count() == 0
    assert page.locator("[hx-post]").count() == 0
    mouse_select(page, 62, 144)
    page.keyboard.press("q")
    page.wait_for_timeout(300)
    assert page.locator("[data-quote-form]").count() == 0
    page.goto("/")
    assert page.locator("text=Add an article").count() == 0


HOSTILE = (
    "Before <script>window.__pwned = 1</script> and "
    '<img src="x" onerror="window.__pwned = 2; alert(2)"> then '
    '<div hx-get="/accounts/logout/" hx-trigger="load">logout</div> '
    '<button hx-post="/articles/1/status/" hx-trigger="load" hx-on::load="alert(3)">x</button> '
    "and &lt;b&gt; entities."
)


def test_hostile_article_runs_nothing(page, editor, seeded):
    speaker = SpeakerFactory(name='Evil <img src=x onerror="window.__pwned=5">')
    article = ArticleFactory(title="<script>window.__pwned=4</script>", body=HOSTILE)
    QuoteFactory(article=article, speaker=speaker, start=7, end=45)
    log_in_as(page, editor)
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.text_content("#article-text") == HOSTILE
    assert page.locator("#article-text img, #article-text script, #article-text div").count() == 0
    # the hostile speaker's name through the autocomplete
    mouse_select(page, 0, 6)
    page.wait_for_selector("[data-quote-form]")
    page.type("[data-speaker-input]", "evil")
    page.wait_for_selector("[data-speaker-option]")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    # still signed in, and nothing posted behind the editor's back (the form emptied first:
    # leaving a form with typed changes asks before the page goes)
    page.fill("[data-speaker-input]", "")
    page.goto(article.get_absolute_url())
    assert page.url.endswith(article.get_absolute_url())
    seeded.refresh_from_db()
    assert seeded.status == "done"


def test_add_a_fragment_to_the_chosen_quote(page, editor, seeded):
    quote = Quote.objects.get(start=1031)
    Quote.objects.filter(start=1166).delete()
    log_in_as(page, editor)
    page.goto(seeded.get_absolute_url())
    page.click(f"#quote-{quote.pk} .qi-text")
    page.wait_for_selector(f'#quote-{quote.pk}[aria-current="true"]')
    mouse_select(page, 1166, 1247)
    page.wait_for_selector("[data-add-fragment]")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("f")
    page.wait_for_selector("[data-quote-form]", state="detached")
    assert [(f.start, f.end) for f in quote.fragments.all()] == [(1031, 1145), (1166, 1247)]
    assert page.locator(f'#article-text [data-q~="{quote.pk}"]').count() >= 2


def test_refused_quote_shows_its_message_in_the_form(page, editor, seeded):
    log_in_as(page, editor)
    page.goto(seeded.get_absolute_url())
    mouse_select(page, 62, 144)
    page.wait_for_selector("[data-quote-form]")
    # a stale or tampered span: the server checks every offset again
    page.evaluate("document.querySelector('input[name=fragment]').value = '62-99999'")
    page.click('[data-action="save"]')
    expect(page.locator("#quote-form-slot .errors")).to_contain_text("past the end")
    assert page.locator("#article-text").count() == 1  # the article is still there
    assert not Quote.objects.filter(created_by=editor).exists()


def test_article_list_search_and_adding_an_article(page, editor, seeded):
    ArticleFactory(title="Budget talks resume")
    log_in_as(page, editor)
    page.goto("/")
    page.fill("#id_q", "syria")
    expect(page.locator("#results")).not_to_contain_text("Budget talks resume")
    expect(page.locator("#results")).to_contain_text("Syria Air Strikes")
    assert "q=syria" in page.url
    page.click("text=Add an article")
    page.fill("#id_title", "Vote count")
    page.fill("#id_body", "\u201cWe will win the vote,\u201d John Smith said on Monday.")
    page.fill("#id_publisher_name", "Fresh Daily")
    page.click("text=Add article >> visible=true")
    page.wait_for_selector("#article-text")
    assert page.text_content("h1") == "Vote count"
    jobs.run_queued()  # the worker's part: suggestions come from a job, not the request
    page.reload()
    expect(page.locator("#article-text mark.sugg")).to_have_text("We will win the vote,")
    page.keyboard.press("j")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("r")
    expect(page.locator("#article-text mark")).to_have_count(0)
    assert Quote.all_objects.get(article__title="Vote count").status == "rejected"


def test_speaker_page_links_to_the_quote_in_its_article(page, analyst, seeded):
    warren = Speaker.objects.get(name="Steven Warren")
    quote = Quote.objects.get(speaker=warren)
    log_in_as(page, analyst)
    page.goto(warren.get_absolute_url())
    page.click(f'a[href="{quote.get_absolute_url()}"]')
    page.wait_for_selector(f'#quote-{quote.pk}[aria-current="true"]')
    segment = page.locator(f'#article-text .is-current[data-q~="{quote.pk}"]').first
    assert segment.text_content() == "Russian planes destroyed two hospitals in Aleppo"
    assert segment.is_visible()
