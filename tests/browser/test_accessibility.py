"""Without a mouse and without sight: the editor's whole loop from the keyboard alone,
dialogs that take focus and give it back, highlights and messages that a screen reader
says, and an axe-core audit of every page."""

import pytest
from playwright.sync_api import expect

from annotations.models import Outlet, Quote, Speaker
from tests.factories import UserFactory

from .conftest import PASSWORD
from .devices import axe_audit, every_page, log_in, open_page

pytestmark = pytest.mark.browser


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def focused(page) -> str:
    return page.evaluate(
        "() => { const a = document.activeElement;"
        " return a.id || a.dataset.action || a.getAttribute('name') || a.tagName; }"
    )


def press_until_current(page, key: str, quote_pk: int, limit: int = 20) -> None:
    for _ in range(limit):
        if page.locator(f'#quote-{quote_pk}[aria-current="true"]').count():
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never chose quote {quote_pk}")


def test_the_whole_editor_loop_by_keyboard_alone(page, seeded):
    editor = UserFactory(username="keys", role="editor")
    to_accept = Quote.objects.get(start=502)
    to_reject = Quote.objects.get(start=1031)
    Quote.objects.filter(pk__in=[to_accept.pk, to_reject.pk]).update(status=Quote.Status.SUGGESTED)
    body = seeded.body
    sentence = body.index("A large group")
    sentence_end = body.index("Taktani.") + len("Taktani.")

    # Sign in: the user name field has focus
    page.goto("/accounts/login/")
    assert focused(page) == "id_username"
    page.keyboard.type(editor.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(page.base_url + "/")

    # Open the article
    tab_to(page, f'a[href="{seeded.get_absolute_url()}"]')
    page.keyboard.press("Enter")
    page.wait_for_selector("#article-text")

    # Into the text: a caret shows; sentence by sentence, then shrink the end by a character
    tab_to(page, "#article-text")
    expect(page.locator(".kb-caret")).to_be_visible()
    page.keyboard.press("ArrowDown")  # end of the first sentence
    page.keyboard.press("ArrowDown")  # end of the second
    page.keyboard.press("Shift+ArrowUp")  # back to its start, selecting it
    assert page.evaluate("window.getSelection().toString()") == body[sentence:sentence_end]
    page.keyboard.press("o")  # the other end moves now
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+Control+ArrowLeft")
    page.keyboard.press("Shift+Control+ArrowRight")  # by word, and back
    assert page.evaluate("window.getSelection().toString()") == body[sentence : sentence_end - 1]

    # q: the form takes focus at the speaker; Ctrl+Enter saves it
    page.keyboard.press("q")
    page.wait_for_selector("[data-quote-form]")
    assert page.input_value('input[name="fragment"]') == f"{sentence}-{sentence_end - 1}"
    expect(page.locator("[data-speaker-input]")).to_be_focused()
    page.keyboard.type("Islamic State")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-quote-form]", state="detached")
    made = Quote.objects.get(created_by=editor)
    assert [(f.start, f.end) for f in made.fragments.all()] == [(sentence, sentence_end - 1)]
    assert made.speaker.name == "Islamic State"
    expect(page.locator("#status")).to_contain_text("Quote saved")
    # focus came back to the text it left
    expect(page.locator("#article-text")).to_be_focused()

    # Edit it: e opens the chosen quote's form, focus in it; Escape would close it
    expect(page.locator(f'#quote-{made.pk}[aria-current="true"]')).to_have_count(1)
    page.keyboard.press("e")
    page.wait_for_selector("[data-quote-form]")
    page.wait_for_function(
        "() => document.querySelector('[data-quote-form]').contains(document.activeElement)"
    )
    tab_to(page, 'textarea[name="note"]')
    page.keyboard.type("Checked from the keyboard.")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-quote-form]", state="detached")
    made.refresh_from_db()
    assert made.note == "Checked from the keyboard."
    # Focus comes back once htmx has settled the answer, a few milliseconds after the form
    # goes; it must not stay on the page's body.
    page.wait_for_function(
        "() => document.activeElement && document.activeElement !== document.body"
    )
    assert focused(page) not in ("BODY", "")

    # Accept one suggestion and reject another with j/k, a and r
    press_until_current(page, "j", to_accept.pk)
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("a")
    page.wait_for_selector(f"#quote-{to_accept.pk}:not(.is-suggested)")
    press_until_current(page, "j", to_reject.pk)  # further down the text
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("r")
    page.wait_for_selector(f"#quote-{to_reject.pk}", state="detached")
    to_accept.refresh_from_db()
    to_reject.refresh_from_db()
    assert to_accept.status == Quote.Status.CONFIRMED
    assert to_reject.status == Quote.Status.REJECTED
    expect(page.locator("#status")).to_contain_text("Suggestion rejected")


def test_help_dialog_takes_focus_and_gives_it_back(page, seeded):
    from .conftest import log_in_as

    log_in_as(page, UserFactory(role="editor"))
    page.goto(seeded.get_absolute_url())
    tab_to(page, "#article-text")
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    expect(page.locator("#help-title")).to_be_focused()
    for _ in range(4):  # Tab stays inside the dialog
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('help').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()
    expect(page.locator("#article-text")).to_be_focused()


def test_focus_is_always_visible(page, seeded):
    from .conftest import log_in_as

    log_in_as(page, UserFactory(role="editor"))
    page.goto(seeded.get_absolute_url())
    invisible = []
    for _ in range(25):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => { const a = document.activeElement, s = getComputedStyle(a);
            return {what: a.outerHTML.slice(0, 60), outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
                    shadow: s.boxShadow !== "none"}; }"""
        )
        if not (style["outline"] or style["shadow"]):
            invisible.append(style["what"])
    assert invisible == []


def test_highlights_and_list_tell_speaker_kind_and_status(page, seeded):
    from .conftest import log_in_as

    suggested = Quote.objects.get(start=502)
    suggested.status = Quote.Status.SUGGESTED
    suggested.save()
    log_in_as(page, UserFactory(role="analyst"))
    page.goto(seeded.get_absolute_url())
    described = page.evaluate(
        """() => [...document.querySelectorAll("#article-text mark")].map((m) =>
            m.getAttribute("aria-describedby").split(" ")
             .map((id) => document.getElementById(id).textContent).join("; "))"""
    )
    assert described and all(described)
    assert "Igor Konashenkov, direct quote, confirmed" in described
    direct = Quote.objects.get(start=335)
    mark = page.locator(f'#article-text mark[data-q="{direct.pk}"]').first
    expect(mark).to_have_accessible_description("Igor Konashenkov, direct quote, confirmed")
    assert any("suggested, not yet checked" in d for d in described)
    # the list: a list, each quote headed by its speaker
    items = page.get_by_role("list").filter(has=page.locator(".quote-item")).get_by_role("listitem")
    assert items.count() == Quote.objects.exclude(status="rejected").count()
    expect(page.locator(f"#quote-{direct.pk}").get_by_role("heading", level=3)).to_contain_text(
        "Igor Konashenkov"
    )


AXE_BLOCKING = {"serious", "critical"}


def test_axe_finds_no_serious_violation_on_any_page(browser, live_server, seeded):
    admin = UserFactory(username="audit", role="admin")
    suggested = Quote.objects.get(start=502)
    suggested.status = Quote.Status.SUGGESTED
    suggested.save()
    pages = ["/accounts/login/"] + every_page(
        seeded, Speaker.objects.get(name="Igor Konashenkov"), Outlet.objects.get(name="Meduza")
    )
    rules: set[str] = set()
    blocking = {}
    counts = {}
    # axe is injected as a script tag: only a context that bypasses the CSP runs it.
    with open_page(browser, live_server.url, bypass_csp=True) as page:
        signed_in = False
        for url in pages:
            # The sign-in page sets a CSRF cookie, so "any cookie" does not mean signed in.
            if url != "/accounts/login/" and not signed_in:
                log_in(page, admin)
                signed_in = True
            response = page.goto(url)
            page.wait_for_load_state("networkidle")
            # Audit the page itself, not the sign-in page it would redirect to.
            assert response.ok, (url, response.status)
            assert url == "/accounts/login/" or "/login/" not in page.url, (url, page.url)
            result = axe_audit(page)
            rules.update(result["rules"])
            counts[url] = len(result["violations"])
            for v in result["violations"]:
                print(f"  {url}: {v['impact']} {v['id']}: {v['help']} {v['nodes']}")
                if v["impact"] in AXE_BLOCKING:
                    blocking.setdefault(url, []).append(v)
        # the article page with the quote form and the help open, too
        page.goto(seeded.get_absolute_url())
        page.keyboard.press("?")
        result = axe_audit(page)
        counts["article with help"] = len(result["violations"])
        for v in result["violations"]:
            print(f"  help open: {v['impact']} {v['id']}: {v['help']} {v['nodes']}")
            if v["impact"] in AXE_BLOCKING:
                blocking.setdefault("help", []).append(v)
    print(f"\naxe-core: {len(rules)} rules checked: {', '.join(sorted(rules))}")
    print(f"violations per page (any impact): {counts}")
    print(f"serious or critical: {sum(len(v) for v in blocking.values())}")
    assert not blocking, blocking


def test_axe_on_a_phone_with_the_menu_and_the_form_sheet_open(browser, live_server, seeded):
    editor = UserFactory(role="editor")
    with open_page(browser, live_server.url, "phone", bypass_csp=True) as page:
        log_in(page, editor)
        page.goto(seeded.get_absolute_url())
        page.get_by_text("Menu").tap()
        page.evaluate(
            """() => {
            const el = document.getElementById("article-text");
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            let node = walker.nextNode();
            while (node && (node.parentElement.closest("mark, .mention, .cue") || node.data.length <= 20))
              node = walker.nextNode();
            const range = document.createRange();
            range.setStart(node, 2);
            range.setEnd(node, 15);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
        )
        page.keyboard.press("q")
        page.wait_for_selector("[data-quote-form]")
        result = axe_audit(page)
        for v in result["violations"]:
            print(f"  phone: {v['impact']} {v['id']}: {v['help']} {v['nodes']}")
        print(f"\naxe-core on a phone: {len(result['violations'])} violations")
        assert not [v for v in result["violations"] if v["impact"] in AXE_BLOCKING]
