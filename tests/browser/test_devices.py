"""Phones and tablets in Chromium with touch emulation: no page scrolls sideways, the top
bar folds into a menu, a selection made by touch offers "Make a quote" and the form opens
below it with the selection still in view; the pages look as the stored pictures do. And
the small things on any screen: a double click opens no form, messages leave and cover
nothing, the span being quoted stays marked and its ends move."""

import pytest
from playwright.sync_api import expect

from annotations.models import Outlet, Quote, Speaker
from tests.factories import UserFactory

from .devices import every_page, horizontal_overflow, log_in, matches_screenshot, open_page
from .test_editor_loop import CHAR_BOX, SELECT_RANGE, mouse_select

pytestmark = pytest.mark.browser


@pytest.fixture
def admin(transactional_db):
    return UserFactory(username="dana", role="admin")


@pytest.fixture
def editor_user(transactional_db):
    return UserFactory(username="eddie", role="editor")


def check_clean(page):
    assert page.page_errors == [], f"JavaScript errors: {page.page_errors}"
    assert page.csp_violations == [], f"CSP violations: {page.csp_violations}"


@pytest.mark.parametrize("device", ["small-phone", "phone", "tablet"])
def test_no_page_scrolls_sideways(browser, live_server, seeded, admin, device):
    pages = every_page(
        seeded, Speaker.objects.get(name="Igor Konashenkov"), Outlet.objects.get(name="Meduza")
    )
    with open_page(browser, live_server.url, device) as page:
        page.goto("/accounts/login/")
        assert horizontal_overflow(page) == 0, "/accounts/login/"
        log_in(page, admin)
        wide = {}
        for url in pages:
            response = page.goto(url)
            assert response.status == 200, url
            page.wait_for_load_state("networkidle")
            wide[url] = horizontal_overflow(page)
        print(f"\n{device}: sideways overflow per page (px): {wide}")
        assert all(v == 0 for v in wide.values()), wide
        check_clean(page)


def test_top_bar_folds_into_a_menu_on_a_phone(browser, live_server, editor_user):
    with open_page(browser, live_server.url, "phone") as page:
        log_in(page, editor_user)
        page.goto("/")
        speakers = page.get_by_role("link", name="Speakers")
        expect(speakers).to_be_hidden()
        page.get_by_text("Menu").tap()
        expect(speakers).to_be_visible()
        speakers.tap()
        page.wait_for_url("**/speakers/")
        expect(page.get_by_role("link", name="Speakers")).to_be_hidden()
        check_clean(page)
    with open_page(browser, live_server.url) as page:  # a wide screen shows the links
        log_in(page, editor_user)
        page.goto("/")
        expect(page.get_by_role("link", name="Speakers")).to_be_visible()
        expect(page.locator(".menu-button")).to_be_hidden()


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => {
        const r = document.querySelector(sel).getBoundingClientRect();
        return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
    }""",
        selector,
    )


SELECTION_BOX = """() => {
  const r = window.getSelection().getRangeAt(0).getBoundingClientRect();
  return {top: r.top, bottom: r.bottom};
}"""

PENDING_BOX = """() => {
  const h = CSS.highlights.get("nd-pending");
  if (!h) return null;
  const r = [...h][0].getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, text: [...h][0].toString()};
}"""


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_touch_selection_offers_make_a_quote_with_the_form_in_view(
    browser, live_server, seeded, editor_user, device
):
    Quote.objects.filter(start=502).delete()
    with open_page(browser, live_server.url, device) as page:
        log_in(page, editor_user)
        page.goto(seeded.get_absolute_url())
        # a long press selects text on a phone; here: a tap, then the selection it makes
        page.locator("#article-text").tap(position={"x": 5, "y": 5})
        page.evaluate(SELECT_RANGE, [502, 583])
        page.evaluate(
            "() => window.getSelection().focusNode.parentElement.scrollIntoView({block: 'center'})"
        )
        offer = page.locator(".touch-offer:not([hidden]) [data-make-quote]")
        expect(offer).to_be_visible()
        box = page.evaluate(SELECTION_BOX)
        offer_box = offer.bounding_box()
        assert offer_box["y"] >= box["bottom"], "the offer sits below the selection"
        assert in_viewport(page, "[data-make-quote]")
        offer.tap()
        page.wait_for_selector("[data-quote-form]")
        assert page.get_attribute('input[name="fragment"]', "value") == "502-583"
        # the page scrolls the selection into view above the form
        page.wait_for_function(
            """() => {
            const h = CSS.highlights.get("nd-pending");
            const slot = document.getElementById("quote-form-slot").getBoundingClientRect();
            if (!h) return false;
            const r = [...h][0].getBoundingClientRect();
            return r.top >= 0 && r.bottom <= slot.top;
        }"""
        )
        form_top = page.locator("#quote-form-slot").bounding_box()["y"]
        marked = page.evaluate(PENDING_BOX)
        assert marked["text"] == seeded.body[502:583]
        assert marked["top"] >= 0 and marked["bottom"] <= form_top, (marked, form_top)
        # the speaker field takes focus and is in view in the form
        expect(page.locator("[data-speaker-input]")).to_be_focused()
        page.fill("[data-speaker-input]", "Igor Konashenkov")
        with page.expect_response(lambda r: r.request.method == "POST"):
            page.locator('[data-action="save"]').tap()
        page.wait_for_selector("[data-quote-form]", state="detached")
        quote = Quote.objects.get(start=502)
        assert quote.speaker.name == "Igor Konashenkov"
        assert horizontal_overflow(page) == 0
        check_clean(page)


def test_a_tap_over_a_selection_leaves_the_choice_to_the_offer(
    browser, live_server, seeded, editor_user
):
    """A tap's mouse events, landing after the selection it started, must not open the form."""
    Quote.objects.filter(start=502).delete()
    with open_page(browser, live_server.url, "phone") as page:
        log_in(page, editor_user)
        page.goto(seeded.get_absolute_url())
        page.evaluate(SELECT_RANGE, [502, 583])
        page.evaluate(
            """() => {
            const el = document.getElementById("article-text");
            const at = {bubbles: true, cancelable: true, composed: true, detail: 1};
            el.dispatchEvent(new PointerEvent("pointerdown", {...at, pointerType: "touch"}));
            el.dispatchEvent(new MouseEvent("mousedown", at));
            el.dispatchEvent(new PointerEvent("pointerup", {...at, pointerType: "touch"}));
            el.dispatchEvent(new MouseEvent("mouseup", at));
        }"""
        )
        expect(page.locator(".touch-offer:not([hidden]) [data-make-quote]")).to_be_visible()
        assert page.locator("[data-quote-form]").count() == 0


SHOT_PAGES = {
    "articles": "/",
    "article": None,  # the seeded article
    "speakers": "/speakers/",
}


# Fixed ids: a speaker's colour follows its id.
@pytest.mark.django_db(transaction=True, reset_sequences=True)
@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_pages_look_as_stored(browser, live_server, seeded, device):
    # A fixed user name: it is in the picture.
    user = UserFactory(username="editor", role="editor")
    failures = []
    # The fixed fonts are an injected stylesheet, which the CSP would refuse.
    with open_page(browser, live_server.url, device, bypass_csp=True) as page:
        log_in(page, user)
        for name, url in SHOT_PAGES.items():
            page.goto(url or seeded.get_absolute_url())
            page.wait_for_load_state("networkidle")
            same, how = matches_screenshot(page, f"{name}-{device}")
            print(f"{name}-{device}: {how}")
            if not same:
                failures.append(f"{name}-{device}: {how}")
        assert page.page_errors == []
    assert not failures, f"pictures differ (new ones saved as *.actual.png): {failures}"


def test_double_click_opens_no_quote_form(page, editor_user, seeded):
    from .conftest import log_in_as

    log_in_as(page, editor_user)
    page.goto(seeded.get_absolute_url())
    box = page.evaluate(CHAR_BOX, seeded.body.index("Thursday") + 2)
    page.mouse.dblclick(box["x"] + box["w"] / 2, box["y"] + box["h"] / 2)
    page.wait_for_timeout(400)
    assert page.evaluate("window.getSelection().toString().trim().length") > 0
    assert page.locator("[data-quote-form]").count() == 0
    page.keyboard.press("q")  # the key still quotes the word
    page.wait_for_selector("[data-quote-form]")


def test_selection_stays_marked_and_its_ends_move(page, editor_user, seeded):
    from .conftest import log_in_as

    start = seeded.body.index("Abu Anas Al-Shami")  # inside a quote: a nested one
    log_in_as(page, editor_user)
    page.goto(seeded.get_absolute_url())
    mouse_select(page, start, start + 17)
    page.wait_for_selector("[data-quote-form]")
    page.fill("[data-speaker-input]", "Someone")  # focus leaves the text
    assert page.evaluate(PENDING_BOX)["text"] == "Abu Anas Al-Shami"
    page.click('[data-nudge="end"][data-by="1"]')
    assert page.input_value('input[name="fragment"]') == f"{start}-{start + 26}"
    page.click('[data-nudge="start"][data-by="1"]')
    assert page.input_value('input[name="fragment"]') == f"{start + 4}-{start + 26}"
    expect(page.locator("[data-selected-text]")).to_have_text("Anas Al-Shami — leader")
    assert page.evaluate(PENDING_BOX)["text"] == "Anas Al-Shami — leader"
    assert page.input_value("[data-speaker-input]") == "Someone"  # nothing else lost
    # the typed speaker is unsaved: Escape asks first (the test browser answers "no")
    page.keyboard.press("Escape")
    assert page.dialogs == ["This quote has changes that are not saved. Leave them?"]
    assert page.input_value("[data-speaker-input]") == "Someone"
    assert page.evaluate(PENDING_BOX)["text"] == "Anas Al-Shami — leader"
    page.evaluate("window.confirm = () => true")  # the editor answers "yes, leave them"
    page.keyboard.press("Escape")
    page.wait_for_selector("[data-quote-form]", state="detached")
    page.wait_for_function("() => !CSS.highlights.has('nd-pending')")
    expect(page.locator("#article-text")).to_be_focused()  # focus back where it was


def test_messages_cover_no_control_and_leave(page, editor_user, seeded):
    from .conftest import log_in_as

    quote = Quote.objects.get(start=335)
    log_in_as(page, editor_user)
    page.goto(seeded.get_absolute_url())
    page.click(f'#quote-{quote.pk} [data-action="delete"]')
    flash = page.locator("#flash .flash")
    expect(flash).to_contain_text("Quote deleted")
    expect(page.locator("#status")).to_contain_text("Quote deleted")  # heard, too
    covered = page.evaluate(
        """() => {
        const f = document.querySelector("#flash").getBoundingClientRect();
        return [...document.querySelectorAll("button, a, input, select, textarea")]
          .filter((n) => !document.getElementById("flash").contains(n) && n.getClientRects().length)
          .filter((n) => {
            const r = n.getBoundingClientRect();
            const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
            if (y < 0 || y > innerHeight || x < 0 || x > innerWidth) return false;
            const top = document.elementFromPoint(x, y);
            return top && document.getElementById("flash").contains(top);
          }).map((n) => n.outerHTML.slice(0, 60));
    }"""
    )
    assert covered == []
    # and it leaves by itself (an undo offer stays 15 s; plain messages 7 s)
    page.click('[data-action="undo"]')
    expect(flash).to_contain_text("Quote restored")
    expect(page.locator("#flash .flash")).to_have_count(0, timeout=9000)


def test_add_as_fragment_offer_is_in_view(browser, live_server, seeded, editor_user):
    quote = Quote.objects.get(start=1031)
    with open_page(browser, live_server.url) as page:
        page.set_viewport_size({"width": 1280, "height": 720})
        log_in(page, editor_user)
        page.goto(seeded.get_absolute_url())
        page.click(f"#quote-{quote.pk} .qi-text")
        mouse_select(page, 1166, 1247)
        page.wait_for_selector("[data-add-fragment]")
        expect(page.locator('[data-action="add-fragment"]')).to_be_focused()
        assert in_viewport(page, "[data-add-fragment] button")
        check_clean(page)
