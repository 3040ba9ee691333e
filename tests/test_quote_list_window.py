"""A long quote list comes with its first entries only: the others come in one request when
the list asks for them (its last entry, "Show the other N quotes"), and until then their
descriptions, which the text's highlights point to, wait in a hidden block."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from annotations.models import Quote
from annotations.views import common
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory

SENTENCE = 'Ann said: "Line {:02d} is long." '


@pytest.fixture
def window(monkeypatch):
    monkeypatch.setattr(common, "LIST_WINDOW", 3)
    return 3


@pytest.fixture
def long_article(db):
    body = "".join(SENTENCE.format(i) for i in range(8))
    article = ArticleFactory(body=body)
    speaker = SpeakerFactory(name="Ann <Example>")
    for i in range(8):
        start = body.index(f"Line {i:02d}")
        QuoteFactory(
            article=article, speaker=speaker, kind=Quote.Kind.INDIRECT, start=start, end=start + 7
        )
    return article


def entry_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li id="quote-(\d+)"', html)]


def in_text_order(article) -> list[int]:
    return list(article.quotes.order_by("start", "end", "id").values_list("pk", flat=True))


def test_a_long_list_shows_its_first_entries_and_a_way_to_the_others(
    client, editor, long_article, window
):
    client.force_login(editor)
    page = client.get(long_article.get_absolute_url()).content.decode()
    order = in_text_order(long_article)
    assert entry_ids(page) == order[:window]
    more = re.search(r'<li class="list-more" data-list-more>(.*?)</li>', page).group(1)
    assert "Show the other 5 quotes" in more
    url = reverse("annotations:quote-entries", args=[long_article.pk])
    assert f'hx-get="{url}?after={order[window - 1]}"' in more
    assert 'hx-trigger="click, intersect once"' in more
    # Every highlight's description is on the page: in its entry, or in the hidden block.
    notes = re.search(r'<div id="quote-notes" hidden>(.*?)</div>', page).group(1)
    for pk in order:
        assert f'aria-describedby="qd-{pk}"' in page
        assert page.count(f'id="qd-{pk}"') == 1
        assert (f'id="qd-{pk}"' in notes) == (pk not in order[:window])
    assert "Ann &lt;Example&gt;, indirect quote, confirmed" in notes
    assert '<span class="count">8</span>' in page  # the count is of all quotes


def test_the_others_come_in_text_order_and_take_their_descriptions(
    client, analyst, long_article, window
):
    client.force_login(analyst)  # reading is enough
    order = in_text_order(long_article)
    url = reverse("annotations:quote-entries", args=[long_article.pk])
    response = client.get(url, {"after": order[window - 1]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert entry_ids(html) == order[window:]
    assert html.startswith('<div id="quote-notes" hx-swap-oob="delete"></div>')
    assert 'data-action="accept"' not in html and 'data-action="edit"' not in html


def test_the_others_leave_out_rejected_and_deleted_quotes_and_follow_the_last_shown(
    client, editor, long_article, window
):
    client.force_login(editor)
    order = in_text_order(long_article)
    Quote.objects.filter(pk=order[5]).update(status=Quote.Status.REJECTED)
    Quote.objects.get(pk=order[2]).soft_delete()  # the list's last entry, deleted since
    url = reverse("annotations:quote-entries", args=[long_article.pk])
    html = client.get(url, {"after": order[2]}).content.decode()
    assert entry_ids(html) == [order[3], order[4], order[6], order[7]]
    assert 'data-action="edit"' in html


def test_asking_for_the_others_without_a_known_quote_is_refused(client, editor, long_article):
    client.force_login(editor)
    url = reverse("annotations:quote-entries", args=[long_article.pk])
    other = QuoteFactory()  # of another article
    for after in ("", "x", "99999999", str(other.pk)):
        response = client.get(url, {"after": after})
        assert response.status_code == 400
        assert "does not say where it ends" in response.content.decode()


def test_the_others_need_a_sign_in(client, long_article):
    url = reverse("annotations:quote-entries", args=[long_article.pk])
    response = client.get(url, {"after": "1"})
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_short_list_shows_every_entry_and_no_more_entry(client, editor, long_article):
    client.force_login(editor)
    page = client.get(long_article.get_absolute_url()).content.decode()
    assert entry_ids(page) == in_text_order(long_article)
    assert "data-list-more" not in page
    assert '<div id="quote-notes" hidden></div>' in page
