"""A change from the article page redraws only what changed: the quote's list entry, the
paragraphs of the body it marks (where it was and where it is), the counts, the undo bar and
the emptied form, as htmx out-of-band swaps; each paragraph drawn so is the one a whole page
draws. Anything more (the first or last quote, a quote to review) redraws the workspace."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Article, Quote
from annotations.text import paragraph_starts
from annotations.views.highlight import article_quotes, highlight
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory

# The page's own workspace asks: htmx names its target.
PAGE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "workspace"}

BODY = (
    'Anna said: "The budget is late." The minister agreed.\n'
    'Ben said: "We will <vote> & see." Nobody answered.\n\n'
    'Cleo said: "Prices rose 🙂 again." It was true.\n'
    "Dan said nothing at all that day."
)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def article(db):
    article = ArticleFactory(body=BODY)
    for name, start in (("Anna", 0), ("Ben", BODY.index("Ben")), ("Cleo", BODY.index("Cleo"))):
        speaker = SpeakerFactory(name=f"{name} Example")
        quote_start = BODY.index('"', start) + 1
        QuoteFactory(
            article=article,
            speaker=speaker,
            kind=Quote.Kind.DIRECT,
            start=quote_start,
            end=BODY.index('"', quote_start),
            status=Quote.Status.SUGGESTED if name == "Ben" else Quote.Status.CONFIRMED,
        )
    return article


def paragraph(html: str, number: int) -> str:
    """The inside of paragraph ``number`` of a page or a patch."""
    opening = re.search(rf'<span class="para" id="para-{number}"[^>]*>', html)
    assert opening, f"no paragraph {number}"
    rest = html[opening.end() :]
    return rest[: re.search(r'</span>(?:<span class="para" |</div>|\s*$)', rest).start()]


def paragraphs_in(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="para" id="para-(\d+)"', html)]


def entries_in(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li id="quote-(\d+)"', html)]


def whole_page(client, article: Article) -> str:
    return client.get(article.get_absolute_url()).content.decode()


def quote_at(article: Article, word: str) -> Quote:
    return Quote.objects.get(article=article, start=BODY.index(word))


def post(client, name: str, quote: Quote, **data):
    url = reverse(f"annotations:quote-{name}", args=[quote.pk])
    return client.post(url, {"version": quote.version, **data}, **PAGE)


def test_the_body_is_drawn_a_paragraph_at_a_time_and_reads_as_the_body(editor_client, article):
    page = whole_page(editor_client, article)
    body = re.search(r'<div id="article-text"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert paragraphs_in(body) == list(range(len(paragraph_starts(BODY))))
    text = re.sub(r"<[^>]+>", "", body)
    assert (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", '"')
        == BODY
    )


def test_paragraph_starts_follow_runs_of_line_breaks():
    assert paragraph_starts("one\ntwo\n\n\nthree\n") == (0, 4, 10)
    assert paragraph_starts("") == (0,)
    assert paragraph_starts("no breaks") == (0,)


def test_a_paragraph_drawn_alone_is_the_paragraph_of_the_whole_body(article):
    quotes = article_quotes(article)
    whole = str(highlight(BODY, quotes, []))
    for number in range(len(paragraph_starts(BODY))):
        alone = str(highlight(BODY, quotes, [], paragraphs={number}, oob=True))
        assert paragraphs_in(alone) == [number]
        assert 'hx-swap-oob="innerHTML"' in alone
        assert paragraph(alone, number) == paragraph(whole, number)


def test_accepting_redraws_the_entry_in_place_its_paragraph_and_the_counts(editor_client, article):
    ben = quote_at(article, "We will")
    response = post(editor_client, "accept", ben)
    assert response.status_code == 200
    html = response.content.decode()
    assert response["HX-Retarget"] == "#flash" and response["HX-Reswap"] == "innerHTML"
    assert json.loads(response["HX-Trigger-After-Settle"]) == {
        "newsdesk:patched": {"select": ben.pk}
    }
    assert "Suggestion accepted." in html
    assert entries_in(html) == [ben.pk]  # no other entry
    entry = re.search(rf'<li id="quote-{ben.pk}"[^>]*>', html).group(0)
    assert 'hx-swap-oob="true"' in entry and "is-suggested" not in entry
    assert paragraphs_in(html) == [1]  # Ben's paragraph only
    assert paragraph(html, 1) == paragraph(whole_page(editor_client, article), 1)
    assert re.search(
        r'<h2 id="quotes-head"[^>]*hx-swap-oob="true"[^>]*>Quotes <span class="count">3</span></h2>',
        html,
    )
    assert '<div id="quote-form-slot"' in html and '<div id="undo-bar" hx-swap-oob="true">' in html


def test_rejecting_removes_the_entry_and_its_highlight(editor_client, article):
    ben = quote_at(article, "We will")
    html = post(editor_client, "reject", ben).content.decode()
    assert f'<li id="quote-{ben.pk}" hx-swap-oob="delete"></li>' in html
    assert paragraphs_in(html) == [1]
    assert f'data-q="{ben.pk}"' not in html
    assert paragraph(html, 1) == paragraph(whole_page(editor_client, article), 1)
    assert '<span class="count">2</span>' in html


def test_saving_a_new_quote_puts_its_entry_before_the_next_one_in_the_text(editor_client, article):
    start = BODY.index("Nobody")
    data = {"kind": "indirect", "fragment": f"{start}-{start + 15}", "speaker_name": "Ben E"}
    url = reverse("annotations:quote-create", args=[article.pk])
    html = editor_client.post(url, data, **PAGE).content.decode()
    new = Quote.objects.get(article=article, start=start)
    cleo = quote_at(article, "Prices")
    assert entries_in(html) == [new.pk]
    assert (
        f'<div hx-swap-oob="beforebegin:#quote-{cleo.pk}" data-list-entry><li id="quote-{new.pk}"'
        in html
    )
    assert paragraphs_in(html) == [1]
    assert f'data-q="{new.pk}"' in paragraph(html, 1)
    assert paragraph(html, 1) == paragraph(whole_page(editor_client, article), 1)


def test_moving_a_quote_redraws_where_it_was_and_where_it_is(editor_client, article, editor):
    anna = quote_at(article, "The budget")
    start = BODY.index("It was true")
    data = {
        "kind": "indirect",
        "fragment": f"{start}-{start + 11}",
        "speaker": anna.speaker_id,
        "speaker_name": anna.speaker.name,
        "version": anna.version,
    }
    url = reverse("annotations:quote-update", args=[anna.pk])
    html = editor_client.post(url, data, **PAGE).content.decode()
    assert f'<li id="quote-{anna.pk}" hx-swap-oob="delete"></li>' in html
    assert f'hx-swap-oob="beforeend:#quote-list" data-list-entry><li id="quote-{anna.pk}"' in html
    assert paragraphs_in(html) == [0, 2]
    page = whole_page(editor_client, article)
    for number in (0, 2):
        assert paragraph(html, number) == paragraph(page, number)
    assert f'data-q="{anna.pk}"' not in paragraph(html, 0)


def test_deleting_offers_undo_and_restoring_puts_the_entry_back(editor_client, article):
    cleo = quote_at(article, "Prices")
    html = post(editor_client, "delete", cleo).content.decode()
    assert f'<li id="quote-{cleo.pk}" hx-swap-oob="delete"></li>' in html
    assert 'data-action="undo"' in html and "Quote deleted." in html
    cleo.refresh_from_db()
    html = editor_client.post(
        reverse("annotations:quote-restore", args=[cleo.pk]), {"version": cleo.version}, **PAGE
    ).content.decode()
    assert f'hx-swap-oob="beforeend:#quote-list" data-list-entry><li id="quote-{cleo.pk}"' in html
    assert paragraph(html, 2) == paragraph(whole_page(editor_client, article), 2)


def test_a_patch_costs_the_same_queries_for_few_quotes_and_many(editor_client, article):
    def accept_queries(target: Article) -> int:
        quote = Quote.objects.filter(article=target).order_by("start").first()
        Quote.objects.filter(pk=quote.pk).update(status=Quote.Status.SUGGESTED)
        quote.refresh_from_db()
        with CaptureQueriesContext(connection) as ctx:
            assert post(editor_client, "accept", quote).status_code == 200
        return len(ctx.captured_queries)

    many = ArticleFactory(body=" ".join(f"Quote number {i} here." for i in range(60)))
    for i in range(60):
        start = many.body.index(f"Quote number {i} ")
        QuoteFactory(article=many, start=start, end=start + 14)
    assert accept_queries(article) == accept_queries(many)


def test_the_first_quote_and_plain_requests_redraw_the_whole_workspace(editor_client, db):
    lone = ArticleFactory(body=BODY)
    url = reverse("annotations:quote-create", args=[lone.pk])
    data = {"kind": "indirect", "fragment": "0-4", "speaker_name": "Anna"}
    first = editor_client.post(url, data, **PAGE)
    assert '<div id="workspace"' in first.content.decode() and "HX-Retarget" not in first
    second = editor_client.post(url, {**data, "fragment": "5-9"}, HTTP_HX_REQUEST="true")
    assert '<div id="workspace"' in second.content.decode()


def test_a_stale_version_still_redraws_the_whole_workspace(editor_client, article):
    ben = quote_at(article, "We will")
    response = editor_client.post(
        reverse("annotations:quote-accept", args=[ben.pk]), {"version": ben.version + 5}, **PAGE
    )
    assert response.status_code == 409
    assert '<div id="workspace"' in response.content.decode()
    assert Quote.objects.get(pk=ben.pk).status == Quote.Status.SUGGESTED


def test_a_patch_escapes_what_editors_typed(editor_client, article):
    ben = quote_at(article, "We will")
    ben.speaker.name = '<img src=x onerror="alert(1)">'
    ben.speaker.save()
    html = post(editor_client, "accept", ben).content.decode()
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "&lt;vote&gt; &amp; see" in paragraph(html, 1)
