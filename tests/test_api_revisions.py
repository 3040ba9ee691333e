"""The API of revisions and anchoring: the body's versions, each quote's anchoring state,
its filter and the confirmation of a relocated quote."""

import pytest

from annotations.models import Quote

from .factories import ArticleFactory, QuoteFactory

BODY = 'The minister said: "The bridge is safe and will reopen next week." Nobody agreed.\n'
QUOTE = "The bridge is safe and will reopen next week."


def at(text, body=BODY):
    start = body.index(text)
    return start, start + len(text)


@pytest.fixture
def article(db):
    return ArticleFactory(body=BODY)


@pytest.fixture
def quote(article):
    cue = at("said")
    return QuoteFactory(
        article=article, fragments=[at(QUOTE)], cue="said", cue_start=cue[0], cue_end=cue[1]
    )


def patch_body(client, article, body):
    return client.patch(f"/api/v1/articles/{article.pk}/", {"body": body}, format="json")


def test_quotes_say_how_they_are_anchored(analyst_api, quote):
    data = analyst_api.get(f"/api/v1/quotes/{quote.pk}/").json()
    assert (data["anchoring"], data["anchored_revision"], data["previous_text"]) == (
        "anchored",
        None,
        "",
    )


def test_a_body_patch_relocates_and_orphans_quotes(editor_api, analyst_api, article, quote):
    other = QuoteFactory(article=article, fragments=[at("Nobody agreed.")])
    new = BODY.replace("bridge", "bridges").replace(" Nobody agreed.", "")
    response = patch_body(editor_api, article, new)
    assert response.status_code == 200, response.json()
    assert response.json()["revision"] == 2
    data = analyst_api.get(f"/api/v1/quotes/{quote.pk}/").json()
    assert data["anchoring"] == "relocated"
    assert data["text"] == QUOTE.replace("bridge", "bridges")
    assert data["previous_text"] == QUOTE
    assert data["cue_span"]["text"] == "said"
    gone = analyst_api.get(f"/api/v1/quotes/{other.pk}/").json()
    assert (gone["anchoring"], gone["anchored_revision"]) == ("orphaned", 1)
    assert gone["text"] == "Nobody agreed."
    start, end = at("Nobody agreed.")
    assert gone["fragments"] == [{"start": start, "end": end, "text": "Nobody agreed."}]


def test_anchoring_filter(editor_api, analyst_api, article, quote):
    patch_body(editor_api, article, BODY.replace("bridge", "bridges"))
    QuoteFactory(article=ArticleFactory(), fragments=[(0, 5)])
    for state, expected in (("relocated", [quote.pk]), ("orphaned", []), ("anchored", None)):
        response = analyst_api.get("/api/v1/quotes/", {"anchoring": state})
        ids = [q["id"] for q in response.json()["results"]]
        if expected is None:
            assert quote.pk not in ids and len(ids) == 1
        else:
            assert ids == expected
    bad = analyst_api.get("/api/v1/quotes/", {"anchoring": "lost"})
    assert bad.status_code == 400 and "anchoring" in bad.json()


def test_confirming_a_relocated_quote_needs_its_version(editor_api, article, quote):
    patch_body(editor_api, article, BODY.replace("bridge", "bridges"))
    url = f"/api/v1/quotes/{quote.pk}/confirm-anchoring/"
    assert editor_api.post(url).status_code == 428
    stale = editor_api.post(url, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    version = Quote.objects.get(pk=quote.pk).version
    response = editor_api.post(url, HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 200, response.json()
    assert response.json()["anchoring"] == "anchored"
    assert response["ETag"] == f'"{version + 1}"'
    again = editor_api.post(url, HTTP_IF_MATCH=f'"{version + 1}"')
    assert again.status_code == 409 and "Only a relocated quote" in str(again.json())


def test_analysts_cannot_confirm(analyst_api, editor_api, article, quote):
    patch_body(editor_api, article, BODY.replace("bridge", "bridges"))
    url = f"/api/v1/quotes/{quote.pk}/confirm-anchoring/"
    assert analyst_api.post(url, HTTP_IF_MATCH='"2"').status_code == 403
    assert Quote.objects.get(pk=quote.pk).anchoring == "relocated"


def test_sending_fragments_settles_an_orphaned_quote(editor_api, article, quote):
    new = BODY.replace(QUOTE, "No comment.")
    patch_body(editor_api, article, new)
    quote.refresh_from_db()
    assert quote.anchoring == "orphaned"
    s, e = at("No comment.", new)
    response = editor_api.patch(
        f"/api/v1/quotes/{quote.pk}/",
        {"fragments": [{"start": s, "end": e}]},
        format="json",
        HTTP_IF_MATCH=f'"{quote.version}"',
    )
    assert response.status_code == 200, response.json()
    assert response.json()["anchoring"] == "anchored"
    assert response.json()["anchored_revision"] is None


def test_revisions_list_and_detail(editor_api, analyst_api, article):
    one = analyst_api.get(f"/api/v1/articles/{article.pk}/revisions/").json()
    assert [(r["number"], r["length"]) for r in one] == [(1, len(BODY))]
    assert analyst_api.get(f"/api/v1/articles/{article.pk}/revisions/1/").json()["body"] == BODY
    patch_body(editor_api, article, "Intro.\n" + BODY)
    listed = analyst_api.get(f"/api/v1/articles/{article.pk}/revisions/").json()
    assert [(r["number"], r["created_by"]) for r in listed] == [(1, None), (2, "eddie")]
    assert "body" not in listed[0]
    second = analyst_api.get(f"/api/v1/articles/{article.pk}/revisions/2/").json()
    assert second["body"] == "Intro.\n" + BODY
    assert analyst_api.get(f"/api/v1/articles/{article.pk}/revisions/3/").status_code == 404
    assert analyst_api.get("/api/v1/articles/999999/revisions/").status_code == 404


def test_revisions_need_sign_in(client, article):
    assert client.get(f"/api/v1/articles/{article.pk}/revisions/").status_code == 401


def test_revision_list_query_count_does_not_grow(
    editor_api, analyst_api, article, django_assert_num_queries
):
    for n in range(5):
        patch_body(editor_api, article, f"Update {n}.\n" + BODY)
    # session user, article, revisions with their authors
    with django_assert_num_queries(2):
        response = analyst_api.get(f"/api/v1/articles/{article.pk}/revisions/")
    assert len(response.json()) == 6


def test_article_list_shows_the_current_revision(editor_api, analyst_api, article):
    patch_body(editor_api, article, "Intro.\n" + BODY)
    results = analyst_api.get("/api/v1/articles/").json()["results"]
    assert [a["revision"] for a in results] == [2]


def test_a_malformed_article_id_is_a_404(analyst_api):
    assert analyst_api.get("/api/v1/articles/é9/revisions/").status_code == 404
    assert analyst_api.get("/api/v1/articles/1.5/revisions/2/").status_code == 404
