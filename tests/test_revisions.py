"""Articles change: each body change is a revision, and quotes follow the text."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotations.models import Article, BoilerplateRange, Fragment, Quote, Revision

from .factories import ArticleFactory, QuoteFactory, UserFactory

BODY = (
    "The minister spoke on Monday.\n"
    'She said: "The bridge is safe and will reopen next week." Engineers disagreed.\n'
    "Officials said the repairs would cost millions.\n"
)
QUOTE = "The bridge is safe and will reopen next week."


def at(text: str, body: str = BODY) -> tuple[int, int]:
    start = body.index(text)
    return start, start + len(text)


@pytest.fixture
def article(db):
    return ArticleFactory(body=BODY)


@pytest.fixture
def quote(article):
    mention, cue = at("She"), at("said:")
    quote = QuoteFactory(
        article=article,
        kind=Quote.Kind.DIRECT,
        fragments=[at(QUOTE)],
        mention_start=mention[0],
        mention_end=mention[1],
        cue="said",
        cue_start=cue[0],
        cue_end=cue[0] + 4,
    )
    return Quote.objects.get(pk=quote.pk)


def fragments(quote: Quote) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, f.text) for f in Fragment.objects.filter(quote=quote)]


def test_an_article_that_never_changed_has_one_revision_unsaved(article):
    revisions = article.revision_list()
    assert [(r.number, r.body, r.pk) for r in revisions] == [(1, BODY, None)]
    assert article.current_revision_number() == 1


def test_a_body_change_stores_both_revisions_with_who_and_when(article):
    editor = UserFactory(username="rita")
    new = "Update: the bridge opened.\n\n" + BODY
    revision = article.revise(new, by=editor)
    assert revision.number == 2 and revision.created_by == editor
    stored = list(Revision.objects.filter(article=article).values_list("number", "body"))
    assert stored == [(1, BODY), (2, new)]
    assert Article.objects.get(pk=article.pk).body == new
    assert article.current_revision_number() == 2


def test_the_same_text_again_makes_no_revision(article):
    assert article.revise(BODY.replace("\n", "\r\n")) is None
    assert not Revision.objects.exists()


def test_revision_numbers_are_unique_per_article(article):
    article.revise(BODY + "More.\n")
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(article=article, number=2, body="x")


def test_an_unchanged_quote_moves_exactly_and_stays_anchored(article, quote):
    version = quote.version
    new = "A new first paragraph.\n\n" + BODY
    article.revise(new)
    quote.refresh_from_db()
    assert quote.anchoring == "anchored"
    assert fragments(quote) == [(*at(QUOTE, new), QUOTE)]
    assert (quote.start, quote.end, quote.text) == (*at(QUOTE, new), QUOTE)
    assert quote.speaker_mention == at("She", new)
    assert new[quote.cue_start : quote.cue_end] == "said"
    assert quote.version == version + 1  # its offsets moved: a stale client must re-read


def test_a_quote_before_the_change_keeps_its_version(article, quote):
    version = quote.version
    article.revise(BODY + "A last paragraph.\n")
    quote.refresh_from_db()
    assert (quote.anchoring, quote.version) == ("anchored", version)


def test_a_spelling_fix_relocates_the_quote_and_keeps_the_old_text(article, quote):
    new = BODY.replace("bridge", "bridges")
    article.revise(new)
    quote.refresh_from_db()
    fixed = QUOTE.replace("bridge", "bridges")
    assert quote.anchoring == "relocated"
    assert quote.text == fixed and quote.previous_text == QUOTE
    assert fragments(quote) == [(*at(fixed, new), fixed)]


def test_confirming_a_relocated_quote_anchors_it(article, quote):
    article.revise(BODY.replace("bridge", "bridges"))
    quote.refresh_from_db()
    quote.confirm_anchoring()
    quote.refresh_from_db()
    assert (quote.anchoring, quote.previous_text) == ("anchored", "")


def test_only_relocated_quotes_can_be_confirmed(quote):
    with pytest.raises(ValidationError, match="Only a relocated quote"):
        quote.confirm_anchoring()


def test_a_deleted_sentence_orphans_the_quote_and_keeps_everything(article, quote):
    new = BODY.replace(f'She said: "{QUOTE}" ', "")
    before = fragments(quote)
    article.revise(new)
    quote.refresh_from_db()
    assert quote.anchoring == "orphaned"
    assert quote.text == QUOTE and fragments(quote) == before
    assert quote.revision.number == 1 and quote.revision.body == BODY
    assert Quote.objects.filter(pk=quote.pk).exists()


def test_an_orphaned_quote_found_again_in_a_later_revision_comes_back(article, quote):
    article.revise(BODY.replace(f'She said: "{QUOTE}" ', ""))
    article.revise("Later.\n" + BODY)
    quote.refresh_from_db()
    assert quote.anchoring == "anchored" and quote.revision is None
    assert fragments(quote) == [(*at(QUOTE, article.body), QUOTE)]


def test_reselecting_an_orphaned_quote_settles_it(article, quote):
    article.revise(BODY.replace(QUOTE, "No comment."))
    quote.refresh_from_db()
    assert quote.anchoring == "orphaned"
    quote.set_fragments([at("No comment.", article.body)])
    quote.refresh_from_db()
    assert (quote.anchoring, quote.revision, quote.text) == ("anchored", None, "No comment.")


def test_deleted_and_rejected_quotes_follow_the_text_too(article):
    rejected = QuoteFactory(article=article, status="rejected", fragments=[at("Officials")])
    deleted = QuoteFactory(article=article, fragments=[at("minister")])
    deleted.soft_delete()
    new = "Intro.\n" + BODY
    article.revise(new)
    for q in (rejected, deleted):
        q.refresh_from_db()
        assert new[q.start : q.end] == q.text


def test_a_lost_cue_is_cleared_and_the_quote_marked_for_review(article, quote):
    new = BODY.replace("She said: ", "She put it this way: ")
    article.revise(new)
    quote.refresh_from_db()
    assert quote.anchoring == "relocated"
    assert quote.cue_span is None and quote.cue == "said"
    assert quote.text == QUOTE


def test_boilerplate_follows_the_text(article):
    BoilerplateRange.objects.create(article=article, start=at("Officials")[0], end=len(BODY))
    new = "Intro.\n" + BODY
    article.revise(new)
    (b,) = article.boilerplate.all()
    assert (b.start, b.end) == (at("Officials", new)[0], len(new))


def test_saving_a_new_body_directly_makes_a_revision_too(article, quote):
    article = Article.objects.get(pk=article.pk)
    article.body = "Intro.\n" + BODY
    article.save()
    assert article.revisions.count() == 2
    quote.refresh_from_db()
    assert article.body[quote.start : quote.end] == QUOTE


def test_a_body_change_on_an_article_loaded_without_its_body(article, quote):
    article = Quote.objects.with_related().get(pk=quote.pk).article
    article.body = "Intro.\n" + BODY
    article.save()
    quote.refresh_from_db()
    assert quote.anchoring == "anchored" and quote.start == at(QUOTE, article.body)[0]


def test_an_empty_or_oversized_body_is_refused(article, settings):
    with pytest.raises(ValidationError, match="empty"):
        article.revise("  \n")
    settings.NEWSDESK_MAX_BODY_CHARS = 10
    with pytest.raises(ValidationError, match="most Newsdesk accepts"):
        article.revise("x" * 11)
    assert not Revision.objects.exists()


def test_anchoring_check_constraint_refuses_unknown_states(quote):
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.all_objects.filter(pk=quote.pk).update(anchoring="lost")
