"""Safety of the pages: CSP on every page and nothing inline that it would have to allow;
hostile text from articles, speakers and outlets shown as text; CSRF on every change; GETs
that change nothing."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import Article, Outlet, Quote, Speaker

from .factories import ArticleFactory, OutletFactory, QuoteFactory, SpeakerFactory

HOSTILE = (
    "<script>window.__pwned=1</script>"
    '<img src=x onerror="window.__pwned=2">'
    '<div hx-get="/accounts/logout/" hx-trigger="load">x</div>'
    "\" onmouseover='window.__pwned=4' data-x=\""
)
assert len(HOSTILE) < 190  # fits a speaker's or outlet's name


class Inventory(HTMLParser):
    """Every element and attribute of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Signing in is not what these tests measure; the default hasher costs ~0.5 s a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def inventory(content: bytes) -> list[tuple[str, dict]]:
    parser = Inventory()
    parser.feed(content.decode())
    return parser.tags


def assert_nothing_inline(content: bytes) -> None:
    for tag, attrs in inventory(content):
        assert "style" not in attrs, f"<{tag}> has a style attribute"
        for name in attrs:
            assert not name.startswith("on"), f"<{tag}> has an inline handler {name}"
            assert not name.startswith("hx-on"), f"<{tag}> has {name}"
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), "inline or foreign script"
        assert tag not in {"style", "iframe", "object", "embed"}, f"<{tag}> on the page"
        if tag == "img":
            raise AssertionError("an <img> element on the page")


@pytest.fixture
def hostile(db):
    outlet = OutletFactory(name="Outlet " + HOSTILE)
    speaker = SpeakerFactory(name="Speaker " + HOSTILE, role=HOSTILE)
    body = "Before. " + HOSTILE + ' <p hx-on::load="window.__pwned=3">said</p> the speaker.'
    article = ArticleFactory(title="Title " + HOSTILE, body=body, publisher=outlet, byline=HOSTILE)
    quote = QuoteFactory(
        article=article, speaker=speaker, start=8, end=8 + len(HOSTILE), cue=HOSTILE
    )
    return article, speaker, outlet, quote


def page_urls(article, speaker, outlet, quote) -> list[str]:
    return [
        reverse("annotations:article-list"),
        reverse("annotations:article-list") + "?q=%3Cscript%3E",
        article.get_absolute_url(),
        speaker.get_absolute_url(),
        outlet.get_absolute_url(),
        reverse("annotations:speaker-list"),
        reverse("annotations:outlet-list"),
        reverse("annotations:quote-new", args=[article.pk]) + "?start=8&end=20",
        reverse("annotations:quote-edit", args=[quote.pk]),
        reverse("annotations:speaker-options") + "?speaker_name=speaker",
        reverse("annotations:name-options") + "?via_type=outlet&via_name=outlet",
        reverse("annotations:via-row"),
    ]


def test_every_page_sends_csp_without_inline_script_or_eval(client, editor, hostile):
    client.force_login(editor)
    urls = [reverse("login"), *page_urls(*hostile)]
    for url in urls:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)
            assert response.status_code == 200, url
            policy = response["Content-Security-Policy"]
            directives = dict(
                (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
            )
            assert directives["script-src"] == ["'self'"], url
            assert directives["style-src"] == ["'self'"], url
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_login_page_has_csp(client):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert_nothing_inline(response.content)


def test_pages_hold_nothing_inline_and_hostile_text_stays_text(client, editor, hostile):
    client.force_login(editor)
    for url in page_urls(*hostile):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)
            assert_nothing_inline(response.content)
            text = response.content.decode()
            assert "<script>window" not in text, url
            assert "<img src=x" not in text, url
            assert '<div hx-get="/accounts/logout/"' not in text, url
            assert "onmouseover='" not in text, url
            for _tag, attrs in inventory(response.content):
                for name, value in attrs.items():
                    if name.startswith("hx-") and value:
                        assert "logout" not in value, f"{url}: hostile {name}={value}"


def test_hostile_text_is_shown_escaped(client, editor, hostile):
    article, speaker, outlet, quote = hostile
    client.force_login(editor)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in page
    assert "&lt;div hx-get=&quot;/accounts/logout/&quot;" in page
    options = client.get(reverse("annotations:speaker-options"), {"speaker_name": "speaker"})
    # the speaker's name sits in a data attribute, escaped
    names = [a.get("data-name") for t, a in inventory(options.content) if a.get("data-id")]
    assert names == [speaker.name]


def test_htmx_is_configured_for_the_csp(client, editor):
    client.force_login(editor)
    tags = inventory(client.get("/").content)
    meta = next(a for t, a in tags if t == "meta" and a.get("name") == "htmx-config")
    import json

    config = json.loads(meta["content"])
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False
    scripts = [a["src"] for t, a in tags if t == "script"]
    assert scripts[:3] == [
        "/static/vendor/htmx.min.js",
        "/static/newsdesk.js",
        "/static/devices.js",
    ]
    assert set(scripts[3:]) <= {"/static/review.js"}
    body = next(a for t, a in tags if t == "body")
    assert json.loads(body["hx-headers"])["X-CSRFToken"]


def test_changes_without_csrf_token_are_refused(editor, seeded):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    quote = Quote.objects.get(start=335)
    for url, data in [
        (reverse("annotations:quote-delete", args=[quote.pk]), {}),
        (
            reverse("annotations:quote-create", args=[seeded.pk]),
            {"kind": "direct", "fragment": "0-5"},
        ),
        (reverse("annotations:article-status", args=[seeded.pk]), {"status": "new"}),
        (reverse("annotations:article-create"), {"title": "X", "body": "Y"}),
    ]:
        assert client.post(url, data).status_code == 403
    assert Quote.objects.filter(pk=quote.pk).exists()
    assert Article.objects.get().status == "done" and Article.objects.count() == 1


def test_htmx_posts_with_the_header_token_are_accepted(editor, seeded):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    page = client.get(seeded.get_absolute_url())
    body = next(a for t, a in inventory(page.content) if t == "body")
    import json

    token = json.loads(body["hx-headers"])["X-CSRFToken"]
    quote = Quote.objects.get(start=335)
    response = client.post(
        reverse("annotations:quote-delete", args=[quote.pk]),
        {"version": quote.version},
        HTTP_X_CSRFTOKEN=token,
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Quote.all_objects.get(pk=quote.pk).is_deleted


def snapshot():
    return (
        list(Article.objects.values_list("id", "status", "updated_at")),
        list(Quote.all_objects.values_list("id", "status", "deleted_at", "updated_at", "version")),
        list(Speaker.objects.values_list("id", "name", "updated_at")),
        list(Outlet.objects.values_list("id", "name", "updated_at")),
    )


def test_gets_change_nothing(client, editor, seeded):
    client.force_login(editor)
    quote = Quote.objects.get(start=335)
    speaker, outlet = quote.speaker, seeded.publisher
    before = snapshot()
    urls = page_urls(seeded, speaker, outlet, quote) + [
        reverse("annotations:quote-delete", args=[quote.pk]),
        reverse("annotations:quote-reject", args=[quote.pk]),
        reverse("annotations:article-status", args=[seeded.pk]) + "?status=new",
        reverse("annotations:article-suggest", args=[seeded.pk]),
        reverse("annotations:quote-new", args=[seeded.pk]) + "?start=0&end=7&speaker_name=Ghost",
        reverse("annotations:speaker-options") + "?speaker_name=Brand+New",
    ]
    for url in urls:
        client.get(url)
        client.get(url, HTTP_HX_REQUEST="true")
    assert snapshot() == before


def test_api_docs_page_needs_nothing_inline(client, editor):
    client.force_login(editor)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    tags = inventory(response.content)
    assert not any(tag == "style" or "style" in attrs for tag, attrs in tags)
    scripts = [attrs for tag, attrs in tags if tag == "script"]
    assert scripts and all(attrs.get("src", "").startswith("/") for attrs in scripts)
    # the page's own script is a separate request, JavaScript, not HTML
    init = client.get(scripts[-1]["src"])
    assert init.status_code == 200 and "SwaggerUIBundle" in init.content.decode()


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
