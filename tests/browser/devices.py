"""Helpers for the device and accessibility tests: browser contexts for a phone and a
tablet, the pages every role sees, screenshot comparison and the axe-core audit."""

from __future__ import annotations

import base64
import os
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).parent
SCREENSHOTS = HERE / "screenshots"
AXE = HERE / "vendor" / "axe.min.js"
# NEWSDESK_UPDATE_SCREENSHOTS=1 writes the reference pictures afresh instead of comparing.
UPDATE = os.environ.get("NEWSDESK_UPDATE_SCREENSHOTS") == "1"

DEVICES = {
    "small-phone": {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 1},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1},
    "tablet": {"viewport": {"width": 768, "height": 1024}, "device_scale_factor": 1},
}

# Fixed fonts for the pictures: Debian's DejaVu, whatever system-ui means elsewhere.
FIXED_FONTS = """
* { font-family: "DejaVu Sans", sans-serif !important; }
.article-text, .article-text *, .qi-text, .fragment q { font-family: "DejaVu Serif", serif !important; }
kbd, code { font-family: "DejaVu Sans Mono", monospace !important; }
"""


@contextmanager
def open_page(browser, base_url: str, device: str | None = None, *, bypass_csp: bool = False):
    """A page in a fresh context, on a touch device when ``device`` names one; records
    script errors and CSP violations for the caller to check."""
    options = {"base_url": base_url, "bypass_csp": bypass_csp, "reduced_motion": "reduce"}
    if device:
        options.update(DEVICES[device], has_touch=True, is_mobile=True)
    else:
        options["viewport"] = {"width": 1400, "height": 900}
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = base_url
    page.page_errors = []
    page.csp_violations = []

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            page.csp_violations.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()


def log_in(page, user) -> None:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": page.base_url}]
    )


def every_page(article, speaker, outlet) -> list[str]:
    """Every page an admin can reach from the top bar, and the pages under them."""
    return [
        "/",
        "/?q=syria",
        article.get_absolute_url(),
        f"/articles/{article.pk}/quotes/new/?start=335&end=438",
        "/speakers/",
        speaker.get_absolute_url(),
        "/outlets/",
        outlet.get_absolute_url(),
        "/import/",
        "/account/token/",
        "/api/v1/docs/",
        "/admin/",
        "/admin/annotations/quote/",
    ]


def horizontal_overflow(page) -> int:
    """How far the page scrolls sideways, in CSS pixels (0 when it does not)."""
    return page.evaluate("Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth)")


# Compares two PNGs in the browser (no imaging library needed): the share of pixels whose
# colour differs by more than ``threshold`` in any channel.
PIXEL_DIFF = """
async ([a, b, threshold]) => {
  const load = (data) => new Promise((ok, fail) => {
    const img = new Image();
    img.onload = () => ok(img);
    img.onerror = fail;
    img.src = "data:image/png;base64," + data;
  });
  const [one, two] = await Promise.all([load(a), load(b)]);
  if (one.width !== two.width || one.height !== two.height) {
    return {size: [one.width, one.height, two.width, two.height], share: 1};
  }
  const pixels = (img) => {
    const canvas = document.createElement("canvas");
    canvas.width = img.width; canvas.height = img.height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0);
    return ctx.getImageData(0, 0, img.width, img.height).data;
  };
  const p = pixels(one), q = pixels(two);
  let differ = 0;
  for (let i = 0; i < p.length; i += 4) {
    if (Math.abs(p[i] - q[i]) > threshold || Math.abs(p[i + 1] - q[i + 1]) > threshold ||
        Math.abs(p[i + 2] - q[i + 2]) > threshold) differ++;
  }
  return {size: [one.width, one.height], share: differ / (p.length / 4)};
}
"""


def matches_screenshot(page, name: str, *, tolerance: float = 0.01) -> tuple[bool, str]:
    """Take a screenshot of the viewport with fixed fonts and no animations, and compare
    it with ``screenshots/NAME.png``: at most ``tolerance`` of the pixels may differ. A
    missing reference (or NEWSDESK_UPDATE_SCREENSHOTS=1) is written and counts as a
    match."""
    page.add_style_tag(content=FIXED_FONTS)
    page.evaluate("document.fonts.ready.then(() => true)")
    shot = page.screenshot(animations="disabled", caret="hide", scale="css")
    reference = SCREENSHOTS / f"{name}.png"
    if UPDATE or not reference.exists():
        SCREENSHOTS.mkdir(exist_ok=True)
        reference.write_bytes(shot)
        return True, f"wrote {reference.name}"
    if shot == reference.read_bytes():
        return True, "identical"
    result = page.evaluate(
        PIXEL_DIFF,
        [base64.b64encode(shot).decode(), base64.b64encode(reference.read_bytes()).decode(), 24],
    )
    if result["share"] > tolerance:
        (SCREENSHOTS / f"{name}.actual.png").write_bytes(shot)
    return result["share"] <= tolerance, f"{result['share']:.2%} of pixels differ"


def axe_audit(page) -> dict:
    """Run axe-core (WCAG 2.0-2.2 A and AA rules and best practices) on the page; the page's
    context must bypass the CSP, or the injected script would be refused."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
        const result = await axe.run(document, {
          runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
          resultTypes: ["violations"],
        });
        return {
          rules: [...result.passes, ...result.violations, ...result.incomplete, ...result.inapplicable].map((r) => r.id),
          violations: result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
          })),
        };
    }"""
    )
