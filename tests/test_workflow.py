"""The newsroom's workflow: the queue of articles (status, assignee, take, assign, next),
review of suggestions with undo, and what the article page says about them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Action, Article, Quote

from .factories import ArticleFactory, QuoteFactory, UserFactory

HX = {"HTTP_HX_REQUEST": "true"}


def rows(page: str) -> str:
    """The article table of the list page."""
    return page.split('<table class="articles">')[1].split("</table>")[0]


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- The queue ---------------------------------------------------------------------------


def test_article_status_in_review_is_valid_and_unknown_status_refused_by_the_database(db):
    from django.db import IntegrityError, transaction

    article = ArticleFactory(status=Article.Status.IN_REVIEW)
    assert Article.objects.get(pk=article.pk).status == "in_review"
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status="published")


def test_editor_takes_an_unassigned_article(editor_client, editor):
    article = ArticleFactory()
    response = editor_client.post(reverse("annotations:article-take", args=[article.pk]))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.assignee == editor
    assert article.history.first().history_user == editor


def test_editor_cannot_take_an_article_someone_else_has(editor_client):
    other = UserFactory(username="olga")
    article = ArticleFactory(assignee=other)
    response = editor_client.post(reverse("annotations:article-take", args=[article.pk]))
    assert response.status_code == 409
    assert "olga has this article" in response.content.decode()
    article.refresh_from_db()
    assert article.assignee == other


def test_analyst_cannot_take_an_article(client, analyst):
    client.force_login(analyst)
    article = ArticleFactory()
    assert client.post(reverse("annotations:article-take", args=[article.pk])).status_code == 403
    article.refresh_from_db()
    assert article.assignee is None


def test_admin_assigns_and_unassigns(admin_client, editor):
    article = ArticleFactory()
    url = reverse("annotations:article-assign", args=[article.pk])
    response = admin_client.post(url, {"assignee": editor.pk, "next": "/?assignee=none"})
    assert response.status_code == 302 and response["Location"] == "/?assignee=none"
    article.refresh_from_db()
    assert article.assignee == editor
    admin_client.post(url, {"assignee": ""})
    article.refresh_from_db()
    assert article.assignee is None


def test_assign_refuses_an_analyst_and_an_unknown_user(admin_client, analyst):
    article = ArticleFactory()
    url = reverse("annotations:article-assign", args=[article.pk])
    response = admin_client.post(url, {"assignee": analyst.pk})
    assert response.status_code == 400 and "only editors and admins" in response.content.decode()
    assert admin_client.post(url, {"assignee": 999999}).status_code == 400
    assert admin_client.post(url, {"assignee": "x"}).status_code == 400
    article.refresh_from_db()
    assert article.assignee is None


def test_editor_cannot_assign(editor_client, editor):
    article = ArticleFactory()
    url = reverse("annotations:article-assign", args=[article.pk])
    assert editor_client.post(url, {"assignee": editor.pk}).status_code == 403
    article.refresh_from_db()
    assert article.assignee is None


def test_next_goes_off_site_never(admin_client, editor):
    article = ArticleFactory()
    url = reverse("annotations:article-assign", args=[article.pk])
    response = admin_client.post(url, {"assignee": editor.pk, "next": "https://evil.example/"})
    assert response["Location"] == article.get_absolute_url()


def test_next_opens_the_next_article_in_my_queue(editor_client, editor):
    done = ArticleFactory(assignee=editor, status=Article.Status.DONE)
    new = ArticleFactory(assignee=editor, status=Article.Status.NEW)
    review = ArticleFactory(assignee=editor, status=Article.Status.IN_REVIEW)
    ArticleFactory(status=Article.Status.IN_REVIEW)  # nobody's
    url = reverse("annotations:article-next")
    assert editor_client.get(url)["Location"] == review.get_absolute_url()
    assert editor_client.get(url, {"after": review.pk})["Location"] == new.get_absolute_url()
    new.set_status(Article.Status.DONE)
    response = editor_client.get(url, {"after": review.pk})
    assert response["Location"] == "/?assignee=me&empty=1"
    assert done.pk  # done articles are never next


def test_list_tabs_filter_mine_and_unassigned(editor_client, editor):
    ArticleFactory(title="Mine", assignee=editor)
    ArticleFactory(title="Nobody's")
    ArticleFactory(title="Olga's", assignee=UserFactory(username="olga"))
    mine = editor_client.get("/", {"assignee": "me"}).content.decode()
    assert "Mine" in mine and "Nobody&#x27;s" not in mine and "Olga" not in rows(mine)
    nobody = rows(editor_client.get("/", {"assignee": "none"}).content.decode())
    assert "Nobody&#x27;s" in nobody and "Mine" not in nobody
    assert (
        'aria-current="page">Unassigned'
        in editor_client.get("/", {"assignee": "none"}).content.decode()
    )


def test_list_filters_by_suggestions_waiting_and_shows_progress(editor_client, editor):
    waiting = ArticleFactory(title="Waiting", status=Article.Status.IN_PROGRESS, assignee=editor)
    QuoteFactory(article=waiting, status=Quote.Status.SUGGESTED)
    QuoteFactory(article=waiting, start=20, end=30, status=Quote.Status.SUGGESTED)
    ArticleFactory(title="Quiet", status=Article.Status.DONE)
    page = editor_client.get("/", {"has_suggestions": "yes"}).content.decode()
    listed = rows(page)
    assert "Waiting" in listed and "Quiet" not in listed
    page = editor_client.get("/").content.decode()
    assert 'data-status-count="in_progress">1<' in page
    assert 'data-status-count="done">1<' in page
    assert 'data-status-count="in_review">0<' in page
    assert "data-suggestions-waiting>2<" in page
    assert f'data-assignee-row="{editor.pk}"' in page and 'data-assignee-row="none"' in page
    listed = rows(editor_client.get("/", {"has_suggestions": "no"}).content.decode())
    assert "Quiet" in listed and "Waiting" not in listed


def test_article_list_queries_do_not_grow_with_rows(admin_client, admin_user):
    editors = [admin_user, *(UserFactory(username=f"ed{n}") for n in range(3))]
    article = ArticleFactory(assignee=admin_user)
    QuoteFactory(article=article, status=Quote.Status.SUGGESTED)
    cases = ({}, {"assignee": "me"}, {"has_suggestions": "yes", "status": "new"})
    few = [queries_for(admin_client, "/", params) for params in cases]
    for n in range(12):
        other = ArticleFactory(assignee=editors[n % 4] if n % 5 else None)
        QuoteFactory(article=other, status=Quote.Status.SUGGESTED)
    assert [queries_for(admin_client, "/", params) for params in cases] == few
    page = admin_client.get("/").content.decode()
    assert rows(page).count('data-action="assign"') == 13


def test_article_page_shows_assignee_take_and_next(editor_client, editor):
    article = ArticleFactory()
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert 'data-action="take"' in page and "data-next-article" in page
    assert 'data-action="assign"' not in page
    article.assign(editor)
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert f'data-assignee="{editor.pk}"' in page and 'data-action="take"' not in page


def test_admin_sees_assign_form_on_article_page(admin_client, editor):
    article = ArticleFactory()
    page = admin_client.get(article.get_absolute_url()).content.decode()
    assert 'data-action="assign"' in page and f'<option value="{editor.pk}">eddie</option>' in page


# --- The API -----------------------------------------------------------------------------


def test_api_articles_carry_assignee_and_filter_by_it(analyst_api, editor):
    mine = ArticleFactory(assignee=editor, status=Article.Status.IN_REVIEW)
    QuoteFactory(article=mine, status=Quote.Status.SUGGESTED)
    other = ArticleFactory()
    listed = analyst_api.get("/api/v1/articles/").json()["results"]
    by_id = {a["id"]: a for a in listed}
    assert by_id[mine.pk]["assignee"] == editor.pk
    assert by_id[mine.pk]["assignee_name"] == "eddie"
    assert by_id[other.pk]["assignee"] is None and by_id[other.pk]["assignee_name"] is None
    detail = analyst_api.get(f"/api/v1/articles/{mine.pk}/").json()
    assert detail["assignee"] == editor.pk
    ids = lambda **p: [a["id"] for a in analyst_api.get("/api/v1/articles/", p).json()["results"]]  # noqa: E731
    assert ids(assignee=editor.pk) == [mine.pk]
    assert ids(status="in_review") == [mine.pk]
    assert ids(has_suggestions="true") == [mine.pk]
    assert ids(has_suggestions="false") == [other.pk]
    assert analyst_api.get("/api/v1/articles/", {"assignee": "x"}).status_code == 400


def test_api_assignee_is_read_only(editor_api, editor):
    article = ArticleFactory()
    response = editor_api.patch(
        f"/api/v1/articles/{article.pk}/", {"assignee": editor.pk}, format="json"
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.assignee is None


def test_api_article_list_queries_constant_with_assignees(
    analyst_api, django_assert_max_num_queries
):
    for n in range(5):
        ArticleFactory(assignee=UserFactory(username=f"u{n}"))
    with CaptureQueriesContext(connection) as few:
        analyst_api.get("/api/v1/articles/", {"page_size": 1})
    with CaptureQueriesContext(connection) as many:
        analyst_api.get("/api/v1/articles/", {"page_size": 5})
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Review, bulk decisions and undo -------------------------------------------------------


@pytest.fixture
def suggested(seeded, editor):
    """The seed article after "Suggest quotes", with none of its gold quotes: only the
    suggestions, in text order."""
    article = seeded
    for quote in Quote.objects.filter(article=article):
        quote.soft_delete()
    Quote.all_objects.filter(article=article).delete()
    made = article.suggest_quotes(by=editor)
    assert len(made) >= 3
    article.set_status(Article.Status.IN_PROGRESS)
    return article


def waiting(article):
    return list(
        Quote.objects.filter(article=article, status=Quote.Status.SUGGESTED).order_by(
            "start", "end", "id"
        )
    )


def seen(quotes):
    """The suggestions as a page showed them, as its bulk buttons send them."""
    return " ".join(f"{q.pk}:{q.version}" for q in quotes)


def test_review_panel_shows_the_first_suggestion_in_its_sentence(editor_client, suggested):
    first = waiting(suggested)[0]
    url = reverse("annotations:article-review", args=[suggested.pk])
    page = editor_client.get(url).content.decode()  # a plain page, the panel open
    assert f'data-quote="{first.pk}"' in page and "Suggestion 1 of" in page
    sentence = page.split("data-review-sentence>")[1].split("</blockquote>")[0]
    assert '<mark class="review-quote">' in sentence
    if first.speaker:
        assert first.speaker.name in page.split("data-review-speaker>")[1]
    response = editor_client.get(url, **HX)
    assert 'id="workspace"' in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()


def test_sentence_around_stops_at_sentence_ends():
    from annotations.views.workflow import sentence_around

    body = 'First one. He said "hello there" today. Last one.'
    start = body.index("hello")
    lo, hi = sentence_around(body, start, start + 11)
    assert body[lo:hi] == 'He said "hello there" today.'


def test_review_decisions_move_to_the_next_suggestion_in_text_order(editor_client, suggested):
    quotes = waiting(suggested)
    url = reverse("annotations:article-review", args=[suggested.pk])
    second, third = quotes[1], quotes[2]
    # skip the first: the second is shown
    page = editor_client.get(url, {"after": quotes[0].pk}, **HX).content.decode()
    assert f'data-quote="{second.pk}"' in page and f'data-select="{second.pk}"' in page
    page = editor_client.post(
        url, {"quote": second.pk, "version": second.version, "decision": "accept"}, **HX
    ).content.decode()
    second.refresh_from_db()
    assert second.status == Quote.Status.CONFIRMED
    # the next is the third, not the skipped first at the top
    assert f'data-quote="{third.pk}"' in page
    page = editor_client.post(
        url, {"quote": third.pk, "version": third.version, "decision": "reject"}, **HX
    ).content.decode()
    third.refresh_from_db()
    assert third.status == Quote.Status.REJECTED
    assert Action.objects.filter(kind="reject").count() == 1


def test_review_reaches_the_end_without_wrapping(editor_client, suggested):
    quotes = waiting(suggested)
    url = reverse("annotations:article-review", args=[suggested.pk])
    page = editor_client.get(url, {"after": quotes[-1].pk}, **HX).content.decode()
    assert "No suggestions after this point" in page and "data-review-restart" in page


def test_review_refuses_a_stale_version_and_changes_nothing(editor_client, suggested):
    quote = waiting(suggested)[0]
    url = reverse("annotations:article-review", args=[suggested.pk])
    response = editor_client.post(
        url, {"quote": quote.pk, "version": quote.version - 1 or 99, "decision": "accept"}, **HX
    )
    assert response.status_code == 409
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SUGGESTED and not Action.objects.exists()


def test_analyst_cannot_review_bulk_or_undo(client, analyst, suggested):
    client.force_login(analyst)
    quote = waiting(suggested)[0]
    review = reverse("annotations:article-review", args=[suggested.pk])
    assert client.get(review).status_code == 200  # reading is fine
    assert client.post(review, {"quote": quote.pk, "decision": "accept"}).status_code == 403
    bulk = reverse("annotations:article-bulk", args=[suggested.pk])
    assert client.post(bulk, {"decision": "accept"}).status_code == 403
    undo = reverse("annotations:article-undo", args=[suggested.pk])
    assert client.post(undo).status_code == 403
    assert len(waiting(suggested)) == len(waiting(suggested)) and not Action.objects.exists()


def test_bulk_reject_all_then_one_undo_brings_back_exactly_those(editor_client, editor, suggested):
    quotes = waiting(suggested)
    before = {q.pk: (q.status, q.speaker_id is not None) for q in quotes}
    confirmed = quotes[0]
    confirmed.accept(by=editor)  # decided since the page showed it: left out of the bulk
    bulk = reverse("annotations:article-bulk", args=[suggested.pk])
    page = editor_client.post(bulk, {"decision": "reject", "seen": seen(quotes)}, **HX)
    page = page.content.decode()
    assert f"Rejected {len(quotes) - 1} suggestions" in page
    assert "1 changed since you saw it" in page and f"#{confirmed.pk}." in page
    assert waiting(suggested) == []
    action = Action.objects.get(kind="bulk_reject")
    assert sorted(action.quote_ids) == sorted(q.pk for q in quotes[1:])
    response = editor_client.post(reverse("annotations:article-undo", args=[suggested.pk]), **HX)
    assert response.status_code == 200 and "Undone" in response.content.decode()
    back = waiting(suggested)
    assert [q.pk for q in back] == [q.pk for q in quotes[1:]]
    for quote in back:  # speakers dropped with the rejection come back by name
        assert (quote.speaker_id is not None) == before[quote.pk][1]
    confirmed.refresh_from_db()
    assert confirmed.status == Quote.Status.CONFIRMED
    action.refresh_from_db()
    assert action.undone_at is not None


def test_bulk_by_speaker_touches_only_that_speakers_suggestions(editor_client, suggested):
    quotes = waiting(suggested)
    speaker = next(q.speaker for q in quotes if q.speaker_id)
    bulk = reverse("annotations:article-bulk", args=[suggested.pk])
    data = {"decision": "accept", "speaker": speaker.pk, "seen": seen(quotes)}
    editor_client.post(bulk, data, **HX)
    for quote in quotes:
        quote.refresh_from_db()
        want = Quote.Status.CONFIRMED if quote.speaker_id == speaker.pk else Quote.Status.SUGGESTED
        assert quote.status == want


def test_every_change_from_the_page_can_be_undone(editor_client, editor):
    article = ArticleFactory()
    quote = QuoteFactory(article=article, status=Quote.Status.SUGGESTED, cue="said")
    undo = reverse("annotations:article-undo", args=[article.pk])
    editor_client.post(reverse("annotations:quote-accept", args=[quote.pk]), {"version": 1}, **HX)
    page = editor_client.get(article.get_absolute_url()).content.decode()  # a reload
    assert "Last change: Accepted" in page and f'hx-post="{undo}"' in page
    editor_client.post(undo, **HX)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SUGGESTED
    quote.refresh_from_db()
    url = reverse("annotations:quote-reject", args=[quote.pk])
    editor_client.post(url, {"version": quote.version}, **HX)
    editor_client.post(undo, **HX)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SUGGESTED
    quote.refresh_from_db()
    url = reverse("annotations:quote-delete", args=[quote.pk])
    editor_client.post(url, {"version": quote.version}, **HX)
    editor_client.post(undo, **HX)
    quote.refresh_from_db()
    assert not quote.is_deleted
    nothing = editor_client.post(undo, **HX)
    assert nothing.status_code == 409 and "nothing of yours to undo" in nothing.content.decode()


def test_undo_of_an_edit_puts_back_the_fields(editor_client, editor):
    article = ArticleFactory()
    quote = QuoteFactory(article=article, cue="said", note="first")
    url = reverse("annotations:quote-update", args=[quote.pk])
    response = editor_client.post(
        url,
        {
            "kind": "direct",
            "speaker_name": "Someone Else",
            "cue": "claimed",
            "note": "second",
            "version": quote.version,
            "fragment": ["0-10", "20-30"],
        },
        **HX,
    )
    assert response.status_code == 200, response.content.decode()[:500]
    quote.refresh_from_db()
    assert quote.cue == "claimed" and quote.fragments.count() == 2
    editor_client.post(reverse("annotations:article-undo", args=[article.pk]), **HX)
    quote = Quote.objects.get(pk=quote.pk)
    assert (quote.kind, quote.cue, quote.note) == ("indirect", "said", "first")
    assert [(f.start, f.end) for f in quote.fragments.all()] == [(0, 10)]


def test_undo_is_refused_when_the_quote_changed_since(editor_client, editor):
    article = ArticleFactory()
    quote = QuoteFactory(article=article, status=Quote.Status.SUGGESTED)
    editor_client.post(reverse("annotations:quote-accept", args=[quote.pk]), {"version": 1}, **HX)
    quote.refresh_from_db()
    quote.edit(note="someone else's note", by=UserFactory(username="olga"))
    response = editor_client.post(reverse("annotations:article-undo", args=[article.pk]), **HX)
    assert response.status_code == 409 and "changed since" in response.content.decode()
    quote.refresh_from_db()
    assert quote.status == Quote.Status.CONFIRMED


def test_undo_is_per_editor(client, editor, suggested):
    other = UserFactory(username="olga")
    quote = waiting(suggested)[0]
    client.force_login(other)
    url = reverse("annotations:quote-accept", args=[quote.pk])
    client.post(url, {"version": quote.version}, **HX)
    client.force_login(editor)
    response = client.post(reverse("annotations:article-undo", args=[suggested.pk]), **HX)
    assert response.status_code == 409
    quote.refresh_from_db()
    assert quote.status == Quote.Status.CONFIRMED


# --- Done with suggestions waiting; what "Suggest quotes" left out --------------------------


def test_done_with_suggestions_waiting_asks_first_and_changes_nothing(editor_client, suggested):
    count = len(waiting(suggested))
    url = reverse("annotations:article-status", args=[suggested.pk])
    response = editor_client.post(url, {"status": "done"})
    assert response.status_code == 409
    page = response.content.decode()
    assert f"{count} suggestions are still waiting: reject them and mark done?" in page
    assert 'name="pending" value="reject"' in page
    suggested.refresh_from_db()
    assert suggested.status != Article.Status.DONE and len(waiting(suggested)) == count


def test_done_after_confirming_rejects_the_waiting_ones_undoably(editor_client, suggested):
    quotes = waiting(suggested)
    url = reverse("annotations:article-status", args=[suggested.pk])
    page = editor_client.post(url, {"status": "done"}).content.decode()
    assert f'name="seen" value="{seen(quotes)}"' in page
    response = editor_client.post(
        url, {"status": "done", "pending": "reject", "seen": seen(quotes)}
    )
    assert response.status_code == 302
    suggested.refresh_from_db()
    assert suggested.status == Article.Status.DONE and waiting(suggested) == []
    assert Quote.objects.filter(status="rejected").count() == len(quotes)
    editor_client.post(reverse("annotations:article-undo", args=[suggested.pk]), **HX)
    assert len(waiting(suggested)) == len(quotes)


def test_done_asks_again_when_the_waiting_suggestions_changed_meanwhile(
    editor_client, admin_user, suggested
):
    quotes = waiting(suggested)
    asked = seen(quotes)
    quotes[0].edit(cue="claimed", by=admin_user)  # after the editor was asked
    url = reverse("annotations:article-status", args=[suggested.pk])
    for sent in (asked, "", seen(quotes[1:])):  # changed, no list, one left out
        response = editor_client.post(url, {"status": "done", "pending": "reject", "seen": sent})
        assert response.status_code == 409
        assert "changed since you were asked" in response.content.decode()
    suggested.refresh_from_db()
    assert suggested.status != Article.Status.DONE and len(waiting(suggested)) == len(quotes)
    assert not Action.objects.exists()


def test_done_without_suggestions_waiting_needs_no_confirmation(editor_client):
    article = ArticleFactory()
    QuoteFactory(article=article)
    url = reverse("annotations:article-status", args=[article.pk])
    assert editor_client.post(url, {"status": "done"}).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DONE


def test_suggest_quotes_counts_what_editors_had_decided(seeded, editor):
    """The seed's nine gold quotes stand where the suggester finds its nine: all left
    out. Reject one, delete one and the others are still decided; a fresh suggestion
    waiting is counted apart."""
    made = seeded.suggest_quotes(by=editor)
    assert len(made) == 0 and made.decided == 9 and made.pending == 0
    assert made.summary() == "Added 0 suggestions; left out 9 that an editor had already decided."
    gold = list(Quote.objects.filter(article=seeded).order_by("start"))
    gold[0].reject(by=editor)
    gold[1].soft_delete(by=editor)
    Quote.all_objects.filter(pk=gold[2].pk).delete()
    made = seeded.suggest_quotes(by=editor)
    assert len(made) == 1 and made.decided == 8
    again = seeded.suggest_quotes(by=editor)
    assert len(again) == 0 and again.decided == 8 and again.pending == 1
    assert again.summary().endswith("; 1 already waiting.")


def test_suggest_button_says_what_it_added_and_left_out(editor_client, seeded):
    from annotations import jobs
    from annotations.models import Job

    url = reverse("annotations:article-suggest", args=[seeded.pk])
    editor_client.post(url, **HX)
    jobs.run_queued()
    job = Job.objects.get(kind=Job.Kind.SUGGEST)
    assert job.report["suggested"] == 0 and job.report["decided"] == 9
    page = editor_client.get(job.get_absolute_url()).content.decode()
    assert "0 quotes suggested · left out 9 that an editor had already decided" in page


# --- The second check ---------------------------------------------------------------------


@pytest.fixture
def annotated(editor):
    """An article eddie annotated: two quotes he confirmed, one suggestion he accepted."""
    article = ArticleFactory(assignee=editor, status=Article.Status.IN_PROGRESS)
    QuoteFactory(article=article, start=0, end=10, status=Quote.Status.SUGGESTED).accept(by=editor)
    made = Quote.create(article, kind="indirect", fragments=[(20, 30)], by=editor)
    suggestion = QuoteFactory(article=article, start=40, end=50, status=Quote.Status.SUGGESTED)
    suggestion.accept(by=editor)
    assert made.confirmed_by == editor and suggestion.confirmed_by == editor
    return article


def test_confirmed_by_follows_the_status(editor):
    quote = QuoteFactory(status=Quote.Status.SUGGESTED)
    assert quote.confirmed_by is None
    quote.accept(by=editor)
    assert Quote.objects.get(pk=quote.pk).confirmed_by == editor
    quote.reject(by=editor)
    assert Quote.objects.get(pk=quote.pk).confirmed_by is None


def test_send_to_review_goes_to_another_editor(editor_client, editor, annotated):
    olga = UserFactory(username="olga")
    UserFactory(username="ana", role="analyst")
    url = reverse("annotations:article-status", args=[annotated.pk])
    page = editor_client.get(annotated.get_absolute_url()).content.decode()
    assert f'<option value="{olga.pk}">olga</option>' in page
    assert f'<option value="{editor.pk}">eddie</option>' not in page.split("data-send-review")[1]
    assert editor_client.post(url, {"status": "in_review"}).status_code == 302
    annotated.refresh_from_db()
    assert annotated.status == Article.Status.IN_REVIEW and annotated.assignee == olga


def test_an_editor_cannot_review_their_own(editor_client, editor, annotated):
    url = reverse("annotations:article-status", args=[annotated.pk])
    response = editor_client.post(url, {"status": "in_review", "reviewer": editor.pk})
    assert response.status_code == 400
    assert "eddie annotated this article" in response.content.decode()
    annotated.refresh_from_db()
    assert annotated.status == Article.Status.IN_PROGRESS and annotated.assignee == editor
    response = editor_client.post(url, {"status": "in_review"})  # nobody else is there
    assert response.status_code == 400 and "No other editor" in response.content.decode()


def test_reviewer_checks_and_corrects_quotes(client, editor, annotated):
    olga = UserFactory(username="olga")
    annotated.send_to_review(olga, by=editor)
    client.force_login(olga)
    page = client.get(annotated.get_absolute_url()).content.decode()
    assert "Check quotes (3)" in page
    review = reverse("annotations:article-review", args=[annotated.pk])
    quotes = list(Quote.objects.filter(article=annotated).order_by("start"))
    page = client.get(review, {"mode": "check"}, **HX).content.decode()
    assert f'data-quote="{quotes[0].pk}"' in page and "Quote 1 of 3 to check" in page
    page = client.post(
        review,
        {"quote": quotes[0].pk, "version": quotes[0].version, "decision": "check", "mode": "check"},
        **HX,
    ).content.decode()
    assert f'data-quote="{quotes[1].pk}"' in page
    quotes[0].refresh_from_db()
    assert quotes[0].checked_by == olga and quotes[0].checked_at is not None
    # a correction through the form checks it too
    url = reverse("annotations:quote-update", args=[quotes[1].pk])
    response = client.post(
        url,
        {"kind": "direct", "cue": "said", "version": quotes[1].version, "fragment": ["20-30"]},
        **HX,
    )
    assert response.status_code == 200
    quotes[1].refresh_from_db()
    assert quotes[1].kind == "direct" and quotes[1].checked_by == olga
    # and the check is undone with the correction
    client.post(reverse("annotations:article-undo", args=[annotated.pk]), **HX)
    quotes[1].refresh_from_db()
    assert quotes[1].kind == "indirect" and quotes[1].checked_by is None


def test_nobody_checks_a_quote_they_confirmed(client, editor, annotated):
    quote = Quote.objects.filter(article=annotated).order_by("start")[1]
    client.force_login(editor)
    review = reverse("annotations:article-review", args=[annotated.pk])
    data = {"quote": quote.pk, "version": quote.version, "decision": "check"}
    response = client.post(review, data, **HX)
    assert response.status_code == 400 and "another editor checks it" in response.content.decode()
    quote.refresh_from_db()
    assert quote.checked_by is None


def test_api_and_csv_carry_confirmed_and_checked(analyst_api, editor, annotated):
    olga = UserFactory(username="olga")
    quote = Quote.objects.filter(article=annotated).order_by("start").first()
    quote.mark_checked(olga)
    data = analyst_api.get(f"/api/v1/quotes/{quote.pk}/").json()
    assert data["confirmed_by"] == editor.pk and data["confirmed_by_name"] == "eddie"
    assert data["checked_by"] == olga.pk and data["checked_by_name"] == "olga"
    assert data["checked_at"].endswith("Z")
    listed = analyst_api.get("/api/v1/quotes/", {"article": annotated.pk}).json()["results"]
    assert [q["checked_by_name"] for q in listed] == ["olga", None, None]
    import csv
    import io

    response = analyst_api.get("/api/v1/quotes/", {"article": annotated.pk, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:15] == [
        "article_id", "article_title", "article_url", "publisher", "published_at", "quote_id",
        "kind", "speaker", "speaker_role", "cue", "via", "text", "start", "end", "status",
    ]  # fmt: skip
    added = ["confirmed_by", "checked_by", "checked_at"]
    assert set(added) <= set(rows[0][15:])
    by_name = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [by_name[0][c] for c in added[:2]] == ["eddie", "olga"] and by_name[0]["checked_at"]
    assert [by_name[1][c] for c in added] == ["eddie", "", ""]


# --- Agreement ----------------------------------------------------------------------------


def test_compare_matches_greedily_by_overlap_with_the_scorers_thresholds():
    from annotations.agreement import Item, compare

    first = [
        Item(1, "direct", ((0, 100),), 7, "Igor Konashenkov"),
        Item(2, "indirect", ((200, 300),), 8, "Steven Warren"),
        Item(3, "direct", ((400, 450),), None, ""),
    ]
    second = [
        Item(11, "direct", ((5, 100),), None, "Konashenkov"),  # IoU .95, same surname
        Item(12, "indirect", ((250, 400),), 9, "Warren"),  # IoU .25: under 0.3
        Item(13, "direct", ((400, 430),), None, ""),  # IoU .6: under 0.8 for direct
        Item(14, "mixed", ((210, 290),), 9, "Someone"),  # IoU .8 with #2
    ]
    result = compare(first, second)
    assert [(a.id, b.id) for a, b, _ in result.pairs] == [(1, 11), (2, 14)]
    figures = result.figures()
    assert figures["matched"] == 2 and figures["f1"] == round(4 / 7, 3)
    assert figures["speaker"] == 0.5 and figures["kind"] == 0.5
    covered_first, covered_second = 100 + 100 + 50, 95 + 150 + 30 + 80 - 40  # 14 within 12
    shared = 95 + 90 + 30  # 200-300 meets 210-300 of #12 and #14
    assert figures["span_f1"] == round(2 * shared / (covered_first + covered_second), 3)


def test_compare_is_one_to_one():
    from annotations.agreement import Item, compare

    result = compare(
        [Item(1, "direct", ((0, 100),))],
        [Item(2, "direct", ((0, 95),)), Item(3, "direct", ((0, 100),))],
    )
    assert [(a.id, b.id) for a, b, _ in result.pairs] == [(1, 3)]


@pytest.fixture
def task(admin_user, editor):
    olga = UserFactory(username="olga")
    article = ArticleFactory()
    QuoteFactory(article=article, start=0, end=20)  # the article's own quote
    from annotations.models import AgreementTask

    return AgreementTask.objects.create(article=article, first=editor, second=olga)


def make_own(client, article, start, end):
    url = reverse("annotations:quote-create", args=[article.pk])
    response = client.post(
        url, {"kind": "indirect", "fragment": [f"{start}-{end}"], "cue": "said"}, **HX
    )
    assert response.status_code == 200, response.content.decode()[:300]


def test_agreement_each_editor_sees_only_their_own_quotes(client, editor, task):
    olga = task.second
    article = task.article
    client.force_login(editor)
    make_own(client, article, 0, 40)
    client.force_login(olga)
    make_own(client, article, 2, 40)
    make_own(client, article, 90, 120)
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('class="quote-item') == 2
    client.force_login(editor)
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('class="quote-item') == 1
    assert Quote.objects.filter(article=article, annotator=editor).count() == 1
    # nobody sees the agreement before both are done
    url = reverse("annotations:agreement", args=[article.pk])
    assert client.get(url).status_code == 403
    client.post(reverse("annotations:agreement-done", args=[article.pk]))
    assert client.get(url).status_code == 403
    client.force_login(olga)
    client.post(reverse("annotations:agreement-done", args=[article.pk]))
    page = client.get(url).content.decode()
    assert 'data-figure="matched">1<' in page and 'data-figure="f1">0.667<' in page
    assert "Settle" not in page  # only admins settle


def test_admin_starts_and_settles_an_agreement(admin_client, admin_user, editor):
    olga = UserFactory(username="olga")
    article = ArticleFactory()
    start = reverse("annotations:agreement-start", args=[article.pk])
    assert admin_client.post(start, {"first": editor.pk, "second": editor.pk}).status_code == 400
    assert admin_client.post(start, {"first": editor.pk, "second": olga.pk}).status_code == 302
    assert admin_client.post(start, {"first": editor.pk, "second": olga.pk}).status_code == 409
    task = article.agreement_tasks.get()
    mine = Quote.create(article, kind="indirect", fragments=[(0, 40)], by=editor)
    theirs = Quote.create(article, kind="indirect", fragments=[(2, 40)], by=olga)
    extra = Quote.create(article, kind="direct", fragments=[(90, 120)], by=olga)
    for quote, who in ((mine, editor), (theirs, olga), (extra, olga)):
        quote.annotator = who
        quote.save(update_fields=["annotator"])
    task.mark_done(editor)
    task.mark_done(olga)
    page = admin_client.get(reverse("annotations:agreement", args=[article.pk])).content.decode()
    assert 'data-action="settle"' in page
    settle = reverse("annotations:agreement-settle", args=[article.pk])
    response = admin_client.post(settle, {"keep-1": theirs.pk, "keep": extra.pk})
    assert response.status_code == 302
    own = Quote.objects.filter(article=article, annotator__isnull=True).order_by("start")
    assert [(q.start, q.end, q.status) for q in own] == [
        (2, 40, "confirmed"),
        (90, 120, "confirmed"),
    ]
    task.refresh_from_db()
    assert task.settled_at is not None


def test_editor_cannot_start_or_settle_an_agreement(editor_client, editor):
    article = ArticleFactory()
    olga = UserFactory(username="olga")
    start = reverse("annotations:agreement-start", args=[article.pk])
    assert editor_client.post(start, {"first": editor.pk, "second": olga.pk}).status_code == 403
    settle = reverse("annotations:agreement-settle", args=[article.pk])
    assert editor_client.post(settle).status_code == 403


def test_manage_agreement_prints_the_figures(editor, task, capsys):
    from django.core.management import call_command

    olga = task.second
    for start, end, who in ((0, 40, editor), (2, 40, olga)):
        quote = Quote.create(task.article, kind="indirect", fragments=[(start, end)], by=who)
        quote.annotator = who
        quote.save(update_fields=["annotator"])
    task.mark_done(editor)
    task.mark_done(olga)
    call_command("agreement")
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t") == [
        "article", "editors", "first", "second", "matched", "f1", "span_f1", "speaker", "kind",
    ]  # fmt: skip
    assert out[1].split("\t")[:6] == [str(task.article_id), "eddie/olga", "1", "1", "1", "1.0"]
    assert out[-1].startswith("all\t1 articles\t1\t1\t1\t1.0\t0.974")


# --- History ------------------------------------------------------------------------------


def test_timeline_tells_who_did_what(editor_client, editor, admin_user):
    article = ArticleFactory()
    article.assign(editor, by=admin_user)
    quote = Quote.create(
        article, kind="indirect", fragments=[(0, 10)], status="suggested", by=editor
    )
    quote.accept(by=editor)
    quote.edit(cue="said", by=editor)
    quote.mark_checked(admin_user)
    quote.soft_delete(by=editor)
    quote.restore(by=editor)
    article.set_status(Article.Status.DONE, by=editor)
    page = editor_client.get(reverse("annotations:article-history", args=[article.pk])).content
    whats = re.findall(r"data-what>([^<]+)<", page.decode())
    assert whats == [
        "status done", "restored", "deleted", "checked", "edited", "accepted", "suggested",
        "assigned to eddie", "article added",
    ]  # fmt: skip
    assert page.decode().count('data-action="restore-version"') == 4  # not the latest, not deleted


def test_timeline_queries_do_not_grow_with_changes(editor_client, editor):
    article = ArticleFactory()
    quote = Quote.create(article, kind="indirect", fragments=[(0, 10)], by=editor)
    url = reverse("annotations:article-history", args=[article.pk])
    few = queries_for(editor_client, url)
    for n in range(10):
        quote.edit(note=f"note {n}", by=editor)
        Quote.create(article, kind="indirect", fragments=[(20 + n, 21 + n)], by=editor)
        article.set_status("in_progress" if n % 2 else "new", by=editor)
    assert queries_for(editor_client, url) == few
    assert queries_for(editor_client, article.get_absolute_url(), {"history": 1}) == (
        queries_for(editor_client, article.get_absolute_url()) + 3  # + the quotes' versions
    )


def test_restore_an_earlier_version_through_edit(editor_client, editor):
    article = ArticleFactory()
    quote = Quote.create(
        article, kind="indirect", fragments=[(0, 10), (20, 30)], cue="said", note="one", by=editor
    )
    first = quote.history.earliest()
    quote.edit(kind="direct", fragments=[(40, 50)], cue="claimed", note="two", by=editor)
    url = reverse("annotations:quote-history-restore", args=[quote.pk, first.history_id])
    stale = editor_client.post(url, {"version": quote.version - 1})
    assert stale.status_code == 409
    response = editor_client.post(url, {"version": quote.version})
    assert response.status_code == 302 and response["Location"].endswith("?history=1#history")
    quote = Quote.objects.get(pk=quote.pk)
    assert (quote.kind, quote.cue, quote.note) == ("indirect", "said", "one")
    assert [(f.start, f.end) for f in quote.fragments.all()] == [(0, 10), (20, 30)]
    assert quote.version == 3 and quote.history.first().history_user == editor
    # and it is an undoable change like any other
    editor_client.post(reverse("annotations:article-undo", args=[article.pk]), **HX)
    quote = Quote.objects.get(pk=quote.pk)
    assert quote.kind == "direct" and quote.note == "two"


def test_analyst_cannot_restore_a_version(client, analyst, editor):
    client.force_login(analyst)
    quote = Quote.create(ArticleFactory(), kind="indirect", fragments=[(0, 10)], by=editor)
    quote.edit(note="x", by=editor)
    url = reverse(
        "annotations:quote-history-restore", args=[quote.pk, quote.history.earliest().history_id]
    )
    assert client.post(url).status_code == 403
    assert (
        client.get(reverse("annotations:article-history", args=[quote.article_id])).status_code
        == 200
    )


def test_api_schema_describes_the_workflow_fields(client, analyst):
    from drf_spectacular.validation import validate_schema

    client.force_login(analyst)  # the schema is for signed-in users
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    validate_schema(schema)
    components = schema["components"]["schemas"]
    article = components["Article"]["properties"]
    assert article["assignee"]["readOnly"] and article["assignee"]["nullable"]
    assert article["assignee_name"]["readOnly"]
    quote = components["Quote"]["properties"]
    for name in (
        "confirmed_by",
        "confirmed_by_name",
        "checked_by",
        "checked_by_name",
        "checked_at",
    ):
        assert quote[name]["readOnly"] and quote[name]["nullable"], name
    assert "in_review" in components["ArticleStatusEnum"]["enum"]
    params = {p["name"] for p in schema["paths"]["/api/v1/articles/"]["get"]["parameters"]}
    assert {"assignee", "status", "has_suggestions"} <= params


def test_agreement_quotes_stay_out_of_the_api_lists_and_the_others_timeline(
    client, analyst_api, editor, task
):
    olga = task.second
    article = task.article
    client.force_login(editor)
    make_own(client, article, 0, 40)
    mine = Quote.objects.get(article=article, annotator=editor)
    assert mine.history.earliest().annotator_id == editor.pk  # from its first record on
    listed = analyst_api.get("/api/v1/quotes/", {"article": article.pk}).json()["results"]
    assert mine.pk not in [q["id"] for q in listed] and len(listed) == 1
    detail = analyst_api.get(f"/api/v1/articles/{article.pk}/").json()
    assert detail["quote_count"] == 1 and len(detail["quotes"]) == 1
    history = reverse("annotations:article-history", args=[article.pk])
    assert f'data-quote="{mine.pk}"' in client.get(history).content.decode()
    client.force_login(olga)
    assert f'data-quote="{mine.pk}"' not in client.get(history).content.decode()


def test_bulk_leaves_out_what_changed_since_the_page_and_what_came_after(
    editor_client, admin_user, suggested
):
    quotes = waiting(suggested)
    shown = seen(quotes[1:])  # the page was drawn before the first was suggested
    changed = quotes[2]
    changed.edit(cue="claimed", by=admin_user)  # someone else, after the page was drawn
    bulk = reverse("annotations:article-bulk", args=[suggested.pk])
    page = editor_client.post(bulk, {"decision": "accept", "seen": shown}, **HX).content.decode()
    assert f"Accepted {len(quotes) - 2} suggestions" in page
    assert "1 changed since you saw it" in page and f"#{changed.pk}." in page
    status = dict(Quote.objects.filter(article=suggested).values_list("pk", "status"))
    assert status[quotes[0].pk] == status[changed.pk] == Quote.Status.SUGGESTED
    assert all(status[q.pk] == Quote.Status.CONFIRMED for q in quotes[1:] if q != changed)
    action = Action.objects.get(kind="bulk_accept")
    assert sorted(action.quote_ids) == sorted(q.pk for q in quotes[1:] if q != changed)


def test_bulk_without_the_list_it_saw_decides_nothing(editor_client, suggested):
    before = len(waiting(suggested))
    bulk = reverse("annotations:article-bulk", args=[suggested.pk])
    for seen_value in ("", "12", "x:1", "1:2:3"):
        response = editor_client.post(bulk, {"decision": "reject", "seen": seen_value}, **HX)
        assert response.status_code == 428
    assert len(waiting(suggested)) == before and not Action.objects.exists()


def test_the_review_panel_bulk_buttons_carry_what_they_count(editor_client, suggested):
    quotes = waiting(suggested)
    url = reverse("annotations:article-review", args=[suggested.pk])
    page = editor_client.get(url, {"panel": "1"}).content.decode()
    assert f'data-bulk="accept" data-seen="{seen(quotes)}"' in page
