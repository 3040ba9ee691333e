"""The editor's pages: lists, the article page with its highlights, and every change an editor
makes from it (through the Django test client, with and without htmx)."""

import html
import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import jobs
from annotations.forms import QuoteForm
from annotations.models import Article, Hop, Outlet, Quote, Speaker, ViaHop
from annotations.views.highlight import highlight

from .factories import (
    ArticleFactory,
    OutletFactory,
    QuoteFactory,
    SpeakerAliasFactory,
    SpeakerFactory,
)

HX = {"HTTP_HX_REQUEST": "true"}


def body_container(page: str) -> str:
    """The inner HTML of the article text container."""
    match = re.search(r'<div id="article-text"[^>]*>(.*?)</div>', page, re.S)
    assert match, "the page has no article text container"
    return match.group(1)


def shown_text(fragment_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment_html))


def segments(page: str) -> list[dict]:
    """Each highlight element of the body: its classes, quote ids and text."""
    found = []
    for m in re.finditer(r"<(mark|span) ([^>]*)>([^<]*)</\1>", body_container(page)):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(2)))
        found.append(
            {
                "tag": m.group(1),
                "classes": attrs.get("class", "").split(),
                "q": attrs.get("data-q", "").split(),
                "m": attrs.get("data-m", "").split(),
                "c": attrs.get("data-c", "").split(),
                "text": html.unescape(m.group(3)),
            }
        )
    return found


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# --- Signing in ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,args",
    [
        ("article-list", []),
        ("speaker-list", []),
        ("outlet-list", []),
        ("article-detail", [1]),
        ("speaker-detail", [1]),
        ("outlet-detail", [1]),
    ],
)
def test_anonymous_visitor_is_sent_to_sign_in(client, name, args):
    response = client.get(reverse(f"annotations:{name}", args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_editor_signs_in_and_out(client, editor):
    page = client.get(reverse("login"))
    assert b"Sign in" in page.content
    response = client.post(
        reverse("login"), {"username": "eddie", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("annotations:article-list")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("annotations:article-list")).status_code == 302


def test_sign_out_is_a_post_form_in_the_nav(editor_client):
    page = editor_client.get(reverse("annotations:article-list")).content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/">', page)


def test_admin_link_only_for_admins(client, editor, admin_user):
    client.force_login(editor)
    assert b'href="/admin/"' not in client.get("/").content
    client.force_login(admin_user)
    assert b'href="/admin/"' in client.get("/").content


# --- Article list -------------------------------------------------------------------------


def test_article_list_searches_title_and_text(editor_client):
    ArticleFactory(title="Strikes in Aleppo", body="Nothing here.")
    ArticleFactory(title="Budget", body="The minister said the budget balances.")
    ArticleFactory(title="Weather", body="Rain.")
    page = editor_client.get("/", {"q": "aleppo"}).content.decode()
    assert "Strikes in Aleppo" in page and "Budget" not in page
    page = editor_client.get("/", {"q": "BUDGET balances"}).content.decode()
    assert "Budget" in page and "Weather" not in page


def test_article_list_filters_by_publisher_and_status(editor_client):
    times, agency = OutletFactory(name="Times"), OutletFactory(name="Agency")
    ArticleFactory(title="By the Times", publisher=times, status=Article.Status.DONE)
    ArticleFactory(title="By the agency", publisher=agency)
    page = editor_client.get("/", {"publisher": times.pk}).content.decode()
    assert "By the Times" in page and "By the agency" not in page
    assert f"/api/v1/quotes/?format=csv&amp;outlet={times.pk}" in page
    page = editor_client.get("/", {"status": "new"}).content.decode()
    assert "By the agency" in page and "By the Times" not in page


def test_article_list_shows_quote_and_suggestion_counts(editor_client):
    article = ArticleFactory(title="Counted")
    QuoteFactory(article=article)
    QuoteFactory(article=article, start=10, end=20, status=Quote.Status.SUGGESTED)
    QuoteFactory(article=article, start=20, end=30, status=Quote.Status.REJECTED)
    deleted = QuoteFactory(article=article, start=30, end=40)
    deleted.soft_delete()
    page = editor_client.get("/").content.decode()
    row = re.search(r"Counted</a>.*?</tr>", page, re.S).group(0)
    assert re.findall(r'class="num">(?:<span[^>]*>)?(\d+)', row) == ["2", "1"]


def test_article_list_pages_with_constant_queries(editor_client):
    ArticleFactory.create_batch(3)
    few = queries_for(editor_client, "/")
    ArticleFactory.create_batch(40)
    assert queries_for(editor_client, "/") == few
    first = editor_client.get("/").content.decode()
    assert "Page 1 of 2" in first
    second = editor_client.get("/", {"page": 2}).content.decode()
    assert "Page 2 of 2" in second


def test_article_list_htmx_search_returns_only_results(editor_client):
    ArticleFactory(title="Only me")
    response = editor_client.get("/", {"q": "only"}, HTTP_HX_TARGET="results", **HX)
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="results">')
    assert "Only me" in text and "<html" not in text


def test_editor_adds_article_normalised_with_new_publisher(editor_client, editor):
    response = editor_client.post(
        reverse("annotations:article-create"),
        {
            "title": "Pasted",
            "body": "Cafe\u0301 said:\r\n\u201cHello.\u201d",
            "publisher_name": "Brand New Outlet",
            "url": "https://example.org/pasted",
            "published_on": "2024-03-01",
            "byline": "A. Writer",
        },
    )
    article = Article.objects.get(title="Pasted")
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert article.body == "Caf\u00e9 said:\n\u201cHello.\u201d"
    assert article.publisher.name == "Brand New Outlet"
    assert article.published_at == datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert article.created_by == editor


def test_added_article_gets_suggestions(editor_client):
    editor_client.post(
        reverse("annotations:article-create"),
        {"title": "Vote", "body": "\u201cWe will win the vote,\u201d John Smith said on Monday."},
    )
    jobs.run_queued()  # the suggestions are a job: the page does not wait for them
    quote = Quote.objects.get(article__title="Vote")
    assert quote.status == Quote.Status.SUGGESTED and quote.text == "We will win the vote,"
    page = editor_client.get(quote.article.get_absolute_url()).content.decode()
    assert "sugg" in segments(page)[0]["classes"]


def test_editor_asks_for_suggestions_again(editor_client):
    article = ArticleFactory(body="\u201cWe will win the vote,\u201d John Smith said on Monday.")
    url = reverse("annotations:article-suggest", args=[article.pk])
    response = editor_client.post(url, **HX)
    assert response.status_code == 200 and "in the background" in response.content.decode()
    jobs.run_queued()
    assert article.quotes.filter(status=Quote.Status.SUGGESTED).count() == 1


def test_adding_article_reuses_publisher_by_name(editor_client):
    outlet = OutletFactory(name="The Moscow Times")
    editor_client.post(
        reverse("annotations:article-create"),
        {"title": "T", "body": "Body.", "publisher_name": "the moscow times"},
    )
    assert Article.objects.get(title="T").publisher == outlet
    assert Outlet.objects.count() == 1


def test_adding_article_with_nul_is_refused(editor_client):
    response = editor_client.post(
        reverse("annotations:article-create"), {"title": "Bad", "body": "a\x00b"}
    )
    assert response.status_code == 422
    assert b"Null characters are not allowed" in response.content
    assert not Article.objects.exists()


def test_adding_oversized_article_is_refused(editor_client, settings):
    settings.NEWSDESK_MAX_BODY_CHARS = 20
    response = editor_client.post(
        reverse("annotations:article-create"), {"title": "Long", "body": "x" * 21}
    )
    assert response.status_code == 422
    assert "the most Newsdesk accepts is 20" in response.content.decode()
    assert not Article.objects.exists()


def test_adding_article_with_taken_url_is_refused(editor_client):
    ArticleFactory(url="https://example.org/a")
    response = editor_client.post(
        reverse("annotations:article-create"),
        {"title": "Again", "body": "Text.", "url": "https://example.org/a"},
    )
    assert response.status_code == 422
    assert Article.objects.count() == 1


# --- Article page -------------------------------------------------------------------------


def test_article_page_text_is_exactly_the_body(editor_client, seeded):
    page = editor_client.get(seeded.get_absolute_url()).content.decode()
    assert shown_text(body_container(page)) == seeded.body


def test_nested_quotes_both_visible(editor_client, seeded):
    warren = Quote.objects.get(speaker__name="Steven Warren")
    outer = Quote.objects.get(start=905)
    page = editor_client.get(seeded.get_absolute_url()).content.decode()
    segs = segments(page)
    inner_segs = [s for s in segs if str(warren.pk) in s["q"]]
    assert inner_segs
    for seg in inner_segs:
        assert seg["q"] == [str(warren.pk), str(outer.pk)]  # innermost first
        assert "d2" in seg["classes"]
        assert f"sp{warren.speaker_id % 8}" in seg["classes"]  # underline: inner speaker
        assert f"bg{outer.speaker_id % 8}" in seg["classes"]  # background: outer speaker
    only_outer = [s for s in segs if s["q"] == [str(outer.pk)]]
    assert "".join(s["text"] for s in only_outer).startswith("Pentagon spokesman")


def test_kinds_mentions_cues_and_boilerplate_are_marked(editor_client, seeded):
    page = editor_client.get(seeded.get_absolute_url()).content.decode()
    segs = segments(page)
    direct = Quote.objects.get(start=335)
    seg = next(s for s in segs if s["q"] == [str(direct.pk)])
    assert "k-direct" in seg["classes"] and seg["tag"] == "mark"
    assert any("k-indirect" in s["classes"] for s in segs)
    mention = next(s for s in segs if str(direct.pk) in s["m"])
    assert mention["text"] == "Konashenkov" and "mention" in mention["classes"]
    cue = next(s for s in segs if str(direct.pk) in s["c"])
    assert cue["text"] == "said" and "cue" in cue["classes"]
    boiler = "".join(s["text"] for s in segs if "boiler" in s["classes"])
    assert boiler == seeded.body[1412:2446]


def test_suggested_quotes_look_different(editor_client):
    article = ArticleFactory()
    QuoteFactory(article=article, start=0, end=7, status=Quote.Status.SUGGESTED)
    QuoteFactory(article=article, start=10, end=20)
    page = editor_client.get(article.get_absolute_url()).content.decode()
    segs = segments(page)
    assert "sugg" in segs[0]["classes"]
    assert "sugg" not in segs[1]["classes"]
    assert "is-suggested" in page and 'data-action="accept"' in page


def test_overlapping_quotes_split_into_segments():
    article = Article(body="abcdefghij")
    one = Quote(pk=1, kind="direct", status="confirmed", speaker_id=3, start=0, end=6)
    two = Quote(pk=2, kind="mixed", status="confirmed", speaker_id=None, start=4, end=10)
    one.spans, two.spans = [(0, 6)], [(4, 10)]
    out = str(highlight(article.body, [one, two], []))
    assert shown_text(out) == article.body
    assert re.findall(r'data-q="([^"]*)">([^<]*)<', out) == [
        ("1", "abcd"),
        ("2 1", "ef"),  # equal lengths: the later-starting quote counts as inner
        ("2", "ghij"),
    ]
    assert "spn" in out  # unknown speaker has its own colour


def test_highlight_escapes_and_keeps_unicode_offsets():
    body = "<b>\U0001f600 \U0001f1fa\U0001f1e6 e\u0301 \u4e2d\u6587 & done"
    quote = Quote(pk=9, kind="direct", status="confirmed", speaker_id=1, start=4, end=9)
    quote.spans = [(4, 9)]
    out = str(highlight(body, [quote], []))
    assert "<b>" not in out and "&lt;b&gt;" in out and "&amp;" in out
    assert shown_text(out) == body
    marked = re.search(r"<mark[^>]*>([^<]*)</mark>", out).group(1)
    assert html.unescape(marked) == body[4:9]


def test_quote_list_shows_speaker_cue_kind_and_via(editor_client, seeded):
    page = editor_client.get(seeded.get_absolute_url()).content.decode()
    warren = Quote.objects.get(speaker__name="Steven Warren")
    item = re.search(rf'<li id="quote-{warren.pk}".*?</li>', page, re.S).group(0)
    assert "Steven Warren" in item and "alleged" in item and "Indirect" in item
    assert "via Igor Konashenkov" in item
    ids = [int(i) for i in re.findall(r'<li id="quote-(\d+)"', page)]
    starts = [Quote.objects.get(pk=i).start for i in ids]
    assert starts == sorted(starts)


def test_article_page_queries_do_not_grow_with_quotes(editor_client, django_assert_num_queries):
    body = " ".join(f"word{n:03d}" for n in range(60))
    article = ArticleFactory(body=body)
    outlet = OutletFactory()
    first = QuoteFactory(article=article, start=0, end=7, mention_start=8, mention_end=15)
    first.set_via([Hop(outlet=outlet)])
    few = queries_for(editor_client, article.get_absolute_url())
    for n in range(1, 30):
        quote = QuoteFactory(article=article, start=n * 8, end=n * 8 + 7, cue="said")
        quote.set_via([Hop(outlet=outlet), Hop(speaker=first.speaker)])
    with django_assert_num_queries(few):
        response = editor_client.get(article.get_absolute_url())
    assert response.content.decode().count('class="quote-item') == 30


def test_list_buttons_name_actions_that_resolve_to_their_views(editor_client):
    from django.urls import resolve

    article = ArticleFactory()
    quote = QuoteFactory(article=article, status=Quote.Status.SUGGESTED)
    page = editor_client.get(article.get_absolute_url()).content.decode()
    base = re.search(r'data-quote-url="([^"]+)"', page).group(1)
    item = re.search(rf'<li id="quote-{quote.pk}".*?</li>', page, re.S).group(0)
    actions = re.findall(r'data-action="(\w+)"', item)
    assert actions == ["accept", "reject", "edit", "delete"]
    for action in actions:
        match = resolve(f"{base}{quote.pk}/{action}/")
        assert match.url_name == f"quote-{action}" and match.kwargs == {"pk": quote.pk}


def test_article_page_links_csv_export(editor_client, seeded):
    page = editor_client.get(seeded.get_absolute_url()).content.decode()
    assert f'href="/api/v1/quotes/?format=csv&amp;article={seeded.pk}"' in page


# --- Making a quote -----------------------------------------------------------------------


def test_new_quote_form_guesses_direct_inside_quotation_marks(editor_client, seeded):
    url = reverse("annotations:quote-new", args=[seeded.pk])
    form = editor_client.get(url, {"start": 335, "end": 438}, **HX).content.decode()
    assert 'name="fragment" value="335-438"' in form
    assert re.search(r'value="direct"[^>]*checked', form)
    assert "<html" not in form  # a partial for htmx


def test_new_quote_form_trims_and_steps_inside_marks(editor_client, seeded):
    url = reverse("annotations:quote-new", args=[seeded.pk])
    # the selection holds the quotation marks and a trailing space
    form = editor_client.get(url, {"start": 334, "end": 440}).content.decode()
    assert 'name="fragment" value="335-438"' in form
    assert "<html" in form  # a whole page without htmx


def test_new_quote_form_guesses_indirect_outside_marks(editor_client, seeded):
    url = reverse("annotations:quote-new", args=[seeded.pk])
    form = editor_client.get(url, {"start": 61, "end": 144}).content.decode()
    assert 'name="fragment" value="62-144"' in form
    assert re.search(r'value="indirect"[^>]*checked', form)


@pytest.mark.parametrize(
    "params,message",
    [
        ({"start": 5, "end": 99999}, "past the end of the article"),
        ({"start": -1, "end": 4}, "starts before the article"),
        ({"start": 9, "end": 3}, "must start before it ends"),
        ({"start": "x", "end": 3}, "whole number"),
        ({"start": 0}, "whole number"),
    ],
)
def test_new_quote_form_refuses_bad_span(editor_client, params, message):
    article = ArticleFactory()
    response = editor_client.get(reverse("annotations:quote-new", args=[article.pk]), params, **HX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert response["HX-Retarget"] == "#flash"


def test_new_quote_form_offers_adding_a_fragment_to_the_chosen_quote(editor_client, seeded):
    quote = Quote.objects.get(start=1031)
    url = reverse("annotations:quote-new", args=[seeded.pk])
    form = editor_client.get(url, {"start": 1166, "end": 1247, "current": quote.pk}).content
    assert reverse("annotations:quote-add-fragment", args=[quote.pk]).encode() in form


def create(client, article, **fields):
    data = {"kind": "direct", "fragment": "0-7", **fields}
    return client.post(reverse("annotations:quote-create", args=[article.pk]), data, **HX)


def test_editor_creates_quote_with_alias_speaker_via_and_spans(editor_client, editor, seeded):
    Quote.objects.filter(start=335).delete()
    konashenkov = Speaker.objects.get(name="Igor Konashenkov")
    response = create(
        editor_client,
        seeded,
        fragment="335-438",
        speaker_name="konashenkov",
        mention_start=440,
        mention_end=451,
        cue_start=452,
        cue_end=456,
        via_type=["outlet", "outlet"],
        via_name=["RIA Novosti", "Brand New Wire"],
        note="checked",
    )
    assert response.status_code == 200
    quote = Quote.objects.get(start=335)
    assert [(f.start, f.end) for f in quote.fragments.all()] == [(335, 438)]
    assert quote.text == seeded.body[335:438]
    assert quote.speaker == konashenkov
    assert (quote.mention_start, quote.mention_end) == (440, 451)
    assert quote.cue == "said" and (quote.cue_start, quote.cue_end) == (452, 456)
    assert quote.via_names() == ["RIA Novosti", "Brand New Wire"]
    assert Outlet.objects.get(name="Brand New Wire").created_by == editor
    assert quote.created_by == editor and quote.status == Quote.Status.CONFIRMED
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="workspace"')
    assert f'data-select="{quote.pk}"' in page
    assert f'<li id="quote-{quote.pk}"' in page


def test_editor_creates_quote_with_new_speaker_and_speaker_hop(editor_client, editor):
    article = ArticleFactory()
    relay = SpeakerFactory(name="Relay Person")
    create(
        editor_client,
        article,
        speaker_name="Someone New",
        via_type=["speaker"],
        via_name=["relay person"],
    )
    quote = Quote.objects.get()
    assert quote.speaker.name == "Someone New" and quote.speaker.created_by == editor
    assert list(quote.via_hops.values_list("speaker", flat=True)) == [relay.pk]


def test_chosen_speaker_id_is_used_when_name_matches(editor_client):
    article = ArticleFactory()
    SpeakerFactory(name="Same Name")
    second = SpeakerFactory(name="Same Name", description="the other one")
    create(editor_client, article, speaker=second.pk, speaker_name="Same Name")
    assert Quote.objects.get().speaker == second


def test_quote_without_speaker_is_unknown(editor_client):
    article = ArticleFactory()
    create(editor_client, article, kind="indirect")
    assert Quote.objects.get().speaker is None


def test_creating_a_quote_moves_new_article_in_progress(editor_client):
    article = ArticleFactory()
    create(editor_client, article)
    article.refresh_from_db()
    assert article.status == Article.Status.IN_PROGRESS


def test_create_without_htmx_redirects_to_the_quote(editor_client):
    article = ArticleFactory()
    response = editor_client.post(
        reverse("annotations:quote-create", args=[article.pk]),
        {"kind": "direct", "fragment": "0-7"},
    )
    quote = Quote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#quote-{quote.pk}"


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"fragment": "0-9999"}, "past the end of the article"),
        ({"fragment": ["0-10", "5-20"]}, "overlap"),
        ({"fragment": []}, "at least one fragment"),
        ({"fragment": "x-y"}, "is not a span"),
        ({"kind": "shouted"}, "Select a valid choice"),
        ({"mention_start": 3}, "Give both ends of the speaker mention"),
        ({"cue_start": 3, "cue_end": 999}, "past the end"),
        ({"via_type": ["planet"], "via_name": ["Mars"]}, "outlet or a speaker"),
        ({"via_type": ["outlet", "outlet"], "via_name": ["One"]}, "needs a type and a name"),
        ({"speaker_name": "nul\x00name"}, "Null characters are not allowed"),
        ({"note": "n" * 5001}, "at most 5000 characters"),
    ],
)
def test_bad_quote_is_refused_and_changes_nothing(editor_client, fields, message):
    article = ArticleFactory()
    speakers = Speaker.objects.count()
    response = create(editor_client, article, **fields)
    assert response.status_code == 422
    assert message in html.unescape(response.content.decode())
    assert not Quote.all_objects.exists()
    assert (
        Speaker.objects.count() == speakers
        and not Outlet.objects.exclude(pk=article.publisher_id).exists()
    )


def test_refused_form_comes_back_to_the_form_slot(editor_client):
    article = ArticleFactory()
    response = create(editor_client, article, fragment="0-9999")
    assert response["HX-Retarget"] == "#quote-form-slot"
    assert response["HX-Reswap"] == "innerHTML"
    assert response.content.decode().lstrip().startswith('<form class="quote-form')


def test_fragment_whitespace_is_trimmed_on_save(editor_client):
    article = ArticleFactory(body="Say   hello there  now")
    create(editor_client, article, fragment="3-19")
    assert [(f.start, f.end) for f in Quote.objects.get().fragments.all()] == [(6, 17)]


# --- Changing a quote ---------------------------------------------------------------------


def test_edit_form_shows_the_quote(editor_client, seeded):
    warren = Quote.objects.get(speaker__name="Steven Warren")
    form = editor_client.get(reverse("annotations:quote-edit", args=[warren.pk]), **HX)
    text = form.content.decode()
    assert 'value="Steven Warren"' in text and 'value="alleged"' in text
    assert 'value="956-1004" checked' in text
    assert re.search(r'<option value="speaker" selected>', text)
    assert 'value="Igor Konashenkov"' in text


def test_editor_changes_a_quote_and_is_recorded(editor_client, editor):
    article = ArticleFactory()
    quote = QuoteFactory(article=article, fragments=[(0, 7), (10, 20)], kind="indirect")
    version = quote.version
    response = editor_client.post(
        reverse("annotations:quote-update", args=[quote.pk]),
        {
            "kind": "mixed",
            "fragment": ["10-20"],
            "speaker_name": "New Voice",
            "cue": "said",
            "version": version,
        },
        **HX,
    )
    assert response.status_code == 200
    quote.refresh_from_db()
    assert quote.kind == "mixed" and quote.speaker.name == "New Voice" and quote.cue == "said"
    assert [(f.start, f.end) for f in quote.fragments.all()] == [(10, 20)]
    assert quote.updated_by == editor and quote.version > version


def test_saving_over_someone_elses_change_is_refused(editor_client, admin_user):
    quote = QuoteFactory(kind="indirect")
    form = editor_client.get(reverse("annotations:quote-edit", args=[quote.pk])).content.decode()
    opened = int(re.search(r'name="version" value="(\d+)"', form).group(1))
    assert opened == quote.version
    quote.edit(note="meanwhile", by=admin_user)
    response = editor_client.post(
        reverse("annotations:quote-update", args=[quote.pk]),
        {"kind": "direct", "fragment": "0-10", "note": "mine", "version": opened},
        **HX,
    )
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "Someone else changed this quote" in page and "(ada at " in page
    assert "meanwhile" in page  # theirs, shown
    assert ">mine</textarea>" in page  # mine, kept to save again
    assert re.search(r'name="version" value="2"', page)  # saving again goes over theirs
    quote.refresh_from_db()
    assert quote.kind == "indirect" and quote.note == "meanwhile"


def test_a_change_between_checking_and_saving_the_form_is_refused(editor, admin_user):
    quote = QuoteFactory(kind="indirect")
    data = QueryDict("kind=direct&fragment=0-10&version=1&speaker_name=New+Voice")
    form = QuoteForm(data, article=quote.article, quote=Quote.objects.get(pk=quote.pk))
    assert form.is_valid(), form.errors
    Quote.objects.get(pk=quote.pk).edit(note="meanwhile", by=admin_user)
    with pytest.raises(Quote.VersionConflict):
        form.save(editor)
    quote.refresh_from_db()
    assert (quote.kind, quote.note, quote.version) == ("indirect", "meanwhile", 2)
    assert not Speaker.objects.filter(name="New Voice").exists()


def test_saving_a_suggestion_can_accept_it(editor_client):
    quote = QuoteFactory(status=Quote.Status.SUGGESTED)
    url = reverse("annotations:quote-update", args=[quote.pk])
    editor_client.post(url, {"kind": "indirect", "fragment": "0-10", "version": 1}, **HX)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SUGGESTED
    data = {"kind": "indirect", "fragment": "0-10", "accept": "1", "version": quote.version}
    editor_client.post(url, data, **HX)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.CONFIRMED


def test_editor_adds_a_fragment(editor_client, seeded):
    quote = Quote.objects.get(start=1031)
    url = reverse("annotations:quote-add-fragment", args=[quote.pk])
    response = editor_client.post(url, {"start": 1165, "end": 1248, "version": quote.version}, **HX)
    assert response.status_code == 200
    assert [(f.start, f.end) for f in quote.fragments.all()] == [(1031, 1145), (1166, 1247)]
    quote.refresh_from_db()
    assert quote.end == 1247


def test_overlapping_fragment_is_refused(editor_client, seeded):
    quote = Quote.objects.get(start=1031)
    url = reverse("annotations:quote-add-fragment", args=[quote.pk])
    response = editor_client.post(url, {"start": 1100, "end": 1150, "version": quote.version}, **HX)
    assert response.status_code == 422 and b"overlap" in response.content
    assert quote.fragments.count() == 1


def test_delete_then_undo(editor_client, editor):
    quote = QuoteFactory()
    response = editor_client.post(
        reverse("annotations:quote-delete", args=[quote.pk]), {"version": 1}, **HX
    )
    restore = reverse("annotations:quote-restore", args=[quote.pk])
    assert f'hx-post="{restore}" hx-vals=\'{{"version": "2"}}\'' in response.content.decode()
    assert f'id="quote-{quote.pk}"' not in response.content.decode()
    quote = Quote.all_objects.get(pk=quote.pk)
    assert quote.is_deleted and quote.deleted_by == editor
    assert not Quote.objects.filter(pk=quote.pk).exists()
    response = editor_client.post(restore, {"version": 2}, **HX)
    assert f'id="quote-{quote.pk}"' in response.content.decode()
    quote.refresh_from_db()
    assert not quote.is_deleted and quote.updated_by == editor


def test_accept_and_reject_suggestions(editor_client, editor):
    article = ArticleFactory()
    keep = QuoteFactory(article=article, status=Quote.Status.SUGGESTED)
    drop = QuoteFactory(article=article, start=20, end=30, status=Quote.Status.SUGGESTED)
    editor_client.post(reverse("annotations:quote-accept", args=[keep.pk]), {"version": 1}, **HX)
    response = editor_client.post(
        reverse("annotations:quote-reject", args=[drop.pk]), {"version": 1}, **HX
    )
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert keep.status == Quote.Status.CONFIRMED and keep.updated_by == editor
    assert drop.status == Quote.Status.REJECTED and drop.updated_by == editor
    assert f'id="quote-{drop.pk}"' not in response.content.decode()


def test_rejecting_a_suggestion_in_the_page_drops_the_speaker_proposed_for_it(editor_client):
    article = ArticleFactory(body="“The strikes hit every target,” said Colonel Ivan Petrenko.\n")
    (suggestion,) = article.suggest_quotes()
    assert suggestion.speaker.proposed
    listed = editor_client.get(reverse("annotations:speaker-list")).content.decode()
    assert re.search(r"Ivan Petrenko</a> <span class=\"badge\"[^>]*>proposed</span>", listed)
    url = reverse("annotations:quote-reject", args=[suggestion.pk])
    editor_client.post(url, {"version": suggestion.version}, **HX)
    assert not Speaker.objects.filter(name="Ivan Petrenko").exists()
    response = editor_client.get(reverse("annotations:speaker-list"))
    assert "Ivan Petrenko" not in response.content.decode()


def test_mark_article_done_and_reopen(editor_client, editor):
    article = ArticleFactory()
    url = reverse("annotations:article-status", args=[article.pk])
    assert editor_client.post(url, {"status": "done"}).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DONE and article.updated_by == editor
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert 'data-action="reopen"' in page
    editor_client.post(url, {"status": "in_progress"})
    article.refresh_from_db()
    assert article.status == Article.Status.IN_PROGRESS
    assert editor_client.post(url, {"status": "bogus"}).status_code == 400


# --- Speakers and outlets -----------------------------------------------------------------


def test_speaker_page_lists_quotes_newest_first_linking_to_the_quote(editor_client):
    speaker = SpeakerFactory(name="Quoted Person")
    old = ArticleFactory(published_at=datetime(2020, 1, 1, tzinfo=UTC))
    new = ArticleFactory(published_at=datetime(2024, 1, 1, tzinfo=UTC))
    q_old = QuoteFactory(article=old, speaker=speaker)
    q_new = QuoteFactory(article=new, speaker=speaker)
    QuoteFactory(article=new, start=20, end=30)  # someone else's
    page = editor_client.get(speaker.get_absolute_url()).content.decode()
    links = re.findall(r'href="(/articles/\d+/#quote-\d+)"', page)
    assert links == [q_new.get_absolute_url(), q_old.get_absolute_url()]


def test_speaker_page_pages_with_constant_queries(editor_client):
    speaker = SpeakerFactory()
    QuoteFactory(speaker=speaker)
    few = queries_for(editor_client, speaker.get_absolute_url())
    for _ in range(30):
        QuoteFactory(speaker=speaker).set_via([Hop(outlet=OutletFactory())])
    assert queries_for(editor_client, speaker.get_absolute_url()) == few
    assert "Page 1 of 2" in editor_client.get(speaker.get_absolute_url()).content.decode()


def test_outlet_page_lists_published_and_relayed_quotes(editor_client):
    wire = OutletFactory(name="Wire")
    published = QuoteFactory(article=ArticleFactory(publisher=wire))
    relayed = QuoteFactory()
    relayed.set_via([Hop(outlet=wire)])
    unrelated = QuoteFactory()
    page = editor_client.get(wire.get_absolute_url()).content.decode()
    assert published.get_absolute_url() in page and relayed.get_absolute_url() in page
    assert unrelated.get_absolute_url() not in page
    assert ViaHop.objects.filter(outlet=wire).count() == 1


def test_outlet_page_queries_constant(editor_client):
    wire = OutletFactory()
    QuoteFactory(article=ArticleFactory(publisher=wire))
    few = queries_for(editor_client, wire.get_absolute_url())
    for _ in range(10):
        QuoteFactory().set_via([Hop(outlet=wire)])
    assert queries_for(editor_client, wire.get_absolute_url()) == few


def test_speaker_and_outlet_lists_search_names_and_aliases(editor_client):
    SpeakerAliasFactory(speaker=SpeakerFactory(name="Dmitry Peskov"), name="Kremlin voice")
    SpeakerFactory(name="Other Person")
    page = editor_client.get(reverse("annotations:speaker-list"), {"q": "kremlin"}).content
    assert b"Dmitry Peskov" in page and b"Other Person" not in page
    OutletFactory(name="RIA Novosti").add_aliases(["RIA"])
    OutletFactory(name="Meduza")
    page = editor_client.get(reverse("annotations:outlet-list"), {"q": "ria"}).content
    assert b"RIA Novosti" in page and b"Meduza" not in page


def test_speaker_autocomplete_matches_aliases(editor_client):
    SpeakerAliasFactory(speaker=SpeakerFactory(name="Dmitry Peskov"), name="Kremlin voice")
    response = editor_client.get(
        reverse("annotations:speaker-options"), {"speaker_name": "kreml"}, **HX
    )
    text = response.content.decode()
    assert 'data-name="Dmitry Peskov"' in text and "alias: Kremlin voice" in text
    empty = editor_client.get(reverse("annotations:speaker-options"), {"speaker_name": "zzz"})
    assert "New speaker: <strong>zzz</strong>" in empty.content.decode()


def test_via_name_autocomplete_by_type(editor_client):
    OutletFactory(name="RIA Novosti")
    SpeakerFactory(name="Riad Person")
    url = reverse("annotations:name-options")
    outlets = editor_client.get(url, {"via_type": "outlet", "via_name": "ria"}).content.decode()
    assert 'data-name="RIA Novosti"' in outlets and "Riad Person" not in outlets
    speakers = editor_client.get(url, {"via_type": "speaker", "via_name": "ria"}).content.decode()
    assert "Riad Person" in speakers and "Novosti" not in speakers


def test_publisher_autocomplete(editor_client):
    OutletFactory(name="The Moscow Times")
    url = reverse("annotations:name-options")
    options = editor_client.get(url, {"publisher_name": "moscow"}).content.decode()
    assert 'data-name="The Moscow Times"' in options and 'role="option"' in options


def test_via_row_partial(editor_client):
    row = editor_client.get(reverse("annotations:via-row"), **HX).content.decode()
    assert row.startswith('<li class="via-row">') and 'name="via_name"' in row


# --- Analysts read, never write -----------------------------------------------------------


def test_analyst_sees_no_editing_controls(analyst_client, seeded):
    Quote.objects.filter(start=62).update(status=Quote.Status.SUGGESTED)
    page = analyst_client.get(seeded.get_absolute_url()).content.decode()
    assert "data-can-edit" not in page and "data-new-url" not in page
    for action in ("delete", "edit", "accept", "reject", "done", "reopen"):
        assert f'data-action="{action}"' not in page
    assert "hx-post" not in page
    assert "Add an article" not in analyst_client.get("/").content.decode()


def test_analyst_posts_are_refused_and_change_nothing(analyst_client, seeded):
    quote = Quote.objects.get(start=335)
    before = (Quote.all_objects.count(), quote.updated_at, Article.objects.get().status)
    posts = [
        (reverse("annotations:article-create"), {"title": "X", "body": "Y"}),
        (reverse("annotations:article-status", args=[seeded.pk]), {"status": "new"}),
        (reverse("annotations:article-suggest", args=[seeded.pk]), {}),
        (
            reverse("annotations:quote-create", args=[seeded.pk]),
            {"kind": "direct", "fragment": "0-5"},
        ),
        (
            reverse("annotations:quote-update", args=[quote.pk]),
            {"kind": "indirect", "fragment": "335-438"},
        ),
        (reverse("annotations:quote-add-fragment", args=[quote.pk]), {"start": 0, "end": 5}),
        (reverse("annotations:quote-delete", args=[quote.pk]), {}),
        (reverse("annotations:quote-restore", args=[quote.pk]), {}),
        (reverse("annotations:quote-accept", args=[quote.pk]), {}),
        (reverse("annotations:quote-reject", args=[quote.pk]), {}),
    ]
    for url, data in posts:
        assert analyst_client.post(url, data, **HX).status_code == 403, url
    quote.refresh_from_db()
    after = (Quote.all_objects.count(), quote.updated_at, Article.objects.get().status)
    assert before == after and Article.objects.count() == 1


def test_analyst_cannot_open_quote_forms(analyst_client, seeded):
    quote = Quote.objects.get(start=335)
    url = reverse("annotations:quote-new", args=[seeded.pk])
    assert analyst_client.get(url, {"start": 0, "end": 5}).status_code == 403
    assert analyst_client.get(reverse("annotations:quote-edit", args=[quote.pk])).status_code == 403


def test_changes_need_post(editor_client, seeded):
    quote = Quote.objects.get(start=335)
    for url in (
        reverse("annotations:quote-delete", args=[quote.pk]),
        reverse("annotations:quote-accept", args=[quote.pk]),
        reverse("annotations:article-status", args=[seeded.pk]),
        reverse("annotations:quote-create", args=[seeded.pk]),
    ):
        assert editor_client.get(url).status_code == 405
    assert not Quote.objects.get(pk=quote.pk).is_deleted


def test_speaker_and_outlet_lists_page_with_constant_queries(editor_client):
    for _ in range(2):
        QuoteFactory(speaker=SpeakerAliasFactory().speaker)
    speakers = queries_for(editor_client, reverse("annotations:speaker-list"))
    outlets = queries_for(editor_client, reverse("annotations:outlet-list"))
    for _ in range(30):
        quote = QuoteFactory(speaker=SpeakerAliasFactory().speaker)
        quote.set_via([Hop(outlet=OutletFactory())])
    assert queries_for(editor_client, reverse("annotations:speaker-list")) == speakers
    assert queries_for(editor_client, reverse("annotations:outlet-list")) == outlets


def test_highlights_are_described_by_their_quote(editor_client, seeded):
    page = editor_client.get(seeded.get_absolute_url()).content.decode()
    direct = Quote.objects.get(start=335)
    assert f'aria-describedby="qd-{direct.pk}" data-q="{direct.pk}"' in page
    description = re.search(rf'<span id="qd-{direct.pk}"[^>]*>([^<]*)</span>', page).group(1)
    assert description == "Igor Konashenkov, direct quote, confirmed"
    assert 'aria-describedby="boiler-note"' in page and 'id="boiler-note"' in page
    # the article text is reachable by keyboard, and says how to move in it
    assert (
        'id="article-text" class="article-text" tabindex="0" aria-describedby="caret-help"' in page
    )


def test_exports_on_pages_default_to_confirmed_quotes_and_say_so(editor_client, seeded):
    page = editor_client.get(seeded.get_absolute_url()).content.decode()
    link = re.search(r'<a class="button" href="([^"]*)"[^>]*>Export confirmed quotes', page)
    assert link and "status=confirmed" in link.group(1)
    assert "Export all quotes (CSV)" in page
    speaker = Speaker.objects.get(name="Igor Konashenkov")
    page = editor_client.get(speaker.get_absolute_url()).content.decode()
    assert re.search(r'href="[^"]*status=confirmed[^"]*"[^>]*>Export confirmed quotes', page)


# --- Every change from the page names the version it saw ------------------------------------


def quote_actions(quote):
    """Each page action on one quote, as its button or form sends it (less the version)."""
    return {
        "update": (
            reverse("annotations:quote-update", args=[quote.pk]),
            {"kind": "direct", "fragment": "0-10", "note": "mine"},
        ),
        "add-fragment": (
            reverse("annotations:quote-add-fragment", args=[quote.pk]),
            {"start": 27, "end": 40},
        ),
        "delete": (reverse("annotations:quote-delete", args=[quote.pk]), {}),
        "accept": (reverse("annotations:quote-accept", args=[quote.pk]), {}),
        "reject": (reverse("annotations:quote-reject", args=[quote.pk]), {}),
        "review": (
            reverse("annotations:article-review", args=[quote.article_id]),
            {"quote": quote.pk, "decision": "accept"},
        ),
        "history-restore": (
            reverse(
                "annotations:quote-history-restore",
                args=[quote.pk, quote.history.earliest().history_id],
            ),
            {},
        ),
    }


ACTIONS = ["update", "add-fragment", "delete", "accept", "reject", "review", "history-restore"]


def as_stored(quote):
    row = Quote.all_objects.get(pk=quote.pk)
    return (row.version, row.status, row.kind, row.note, row.deleted_at, row.text)


@pytest.mark.parametrize("action", ACTIONS)
def test_a_change_from_the_page_without_a_version_is_refused(editor_client, action):
    quote = QuoteFactory(status=Quote.Status.SUGGESTED)
    quote.edit(note="second")
    before = as_stored(quote)
    url, data = quote_actions(quote)[action]
    response = editor_client.post(url, data, **HX)
    assert response.status_code == 428
    assert "did not say which version" in response.content.decode()
    assert as_stored(quote) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_change_from_the_page_at_a_stale_version_is_a_conflict(editor_client, admin_user, action):
    quote = QuoteFactory(status=Quote.Status.SUGGESTED)
    seen = quote.version
    quote.edit(note="theirs", by=admin_user)  # someone else, after the page was drawn
    before = as_stored(quote)
    url, data = quote_actions(quote)[action]
    response = editor_client.post(url, {**data, "version": seen}, **HX)
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "Someone else changed" in page and "(ada at " in page
    assert as_stored(quote) == before


@pytest.mark.parametrize("action", ["add-fragment", "delete", "accept", "reject"])
def test_a_list_action_at_the_current_version_goes_ahead(editor_client, action):
    quote = QuoteFactory(status=Quote.Status.SUGGESTED)
    url, data = quote_actions(quote)[action]
    response = editor_client.post(url, {**data, "version": quote.version}, **HX)
    assert response.status_code == 200
    assert Quote.all_objects.get(pk=quote.pk).version == quote.version + 1


def test_a_stale_list_action_redraws_the_quote_as_it_is_now(editor_client, admin_user):
    quote = QuoteFactory(status=Quote.Status.SUGGESTED, cue="said")
    seen = quote.version
    quote.edit(cue="alleged", by=admin_user)
    url = reverse("annotations:quote-accept", args=[quote.pk])
    response = editor_client.post(url, {"version": seen}, **HX)
    page = response.content.decode()
    assert response.status_code == 409 and 'id="workspace"' in page
    assert "data-conflict" in page and "so it was not accepted" in page
    assert f'data-version="{quote.version}"' in page  # the list now names the new version
    assert ">alleged</span>" in page


def test_the_list_carries_each_quotes_version(editor_client):
    quote = QuoteFactory()
    quote.edit(note="again")
    page = editor_client.get(quote.article.get_absolute_url()).content.decode()
    assert f'data-quote="{quote.pk}" data-version="2"' in page


def test_saving_a_quote_deleted_meanwhile_keeps_the_text_and_says_so(editor_client, admin_user):
    quote = QuoteFactory()
    seen = quote.version
    quote.soft_delete(by=admin_user)
    url = reverse("annotations:quote-update", args=[quote.pk])
    data = {"kind": "direct", "fragment": "0-10", "note": "my note", "version": seen}
    response = editor_client.post(url, data, **HX)
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "and deleted it" in page and ">my note</textarea>" in page
    assert Quote.all_objects.get(pk=quote.pk).note == ""


def test_restoring_a_quote_changed_since_its_delete_is_a_conflict(editor_client, admin_user):
    quote = QuoteFactory()
    delete = reverse("annotations:quote-delete", args=[quote.pk])
    editor_client.post(delete, {"version": 1}, **HX)
    Quote.all_objects.get(pk=quote.pk).restore(by=admin_user)  # someone else put it back
    restore = reverse("annotations:quote-restore", args=[quote.pk])
    assert editor_client.post(restore, **HX).status_code == 428
    response = editor_client.post(restore, {"version": 2}, **HX)
    assert response.status_code == 409
    assert Quote.all_objects.get(pk=quote.pk).version == 3


def test_the_add_fragment_form_carries_the_version_the_list_showed(editor_client, seeded):
    quote = Quote.objects.get(start=1031)
    url = reverse("annotations:quote-new", args=[seeded.pk])
    params = {"start": 1165, "end": 1248, "current": quote.pk, "current_version": 7}
    form = editor_client.get(url, params, **HX).content.decode()
    assert 'name="version" value="7"' in form.split("data-add-fragment")[1]
    form = editor_client.get(url, {**params, "current_version": ""}, **HX).content.decode()
    assert f'name="version" value="{quote.version}"' in form.split("data-add-fragment")[1]
