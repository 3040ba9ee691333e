"""The newsroom's workflow in real Chromium: the queue (take, assign, key n), reviewing
suggestions one at a time from the keyboard, bulk decisions and undo."""

import pytest
from playwright.sync_api import expect

from annotations.models import Article
from tests.factories import ArticleFactory, UserFactory

from .conftest import log_in_as

pytestmark = pytest.mark.browser


def test_editor_takes_an_article_and_n_opens_the_next_in_the_queue(page):
    editor = UserFactory(username="eddie")
    first = ArticleFactory(title="First story")
    second = ArticleFactory(title="Second story", assignee=editor)
    log_in_as(page, editor)
    page.goto("/?assignee=none")
    expect(page.locator("table.articles")).to_contain_text("First story")
    expect(page.locator("table.articles")).not_to_contain_text("Second story")
    page.locator("table.articles tr", has_text="First story").locator(
        '[data-action="take"]'
    ).click()
    expect(page.locator("table.articles")).not_to_contain_text("First story")
    first.refresh_from_db()
    assert first.assignee == editor
    page.click('.queue-tabs >> text="My articles"')
    expect(page.locator("table.articles")).to_contain_text("First story")
    expect(page.locator("[data-status-count=new]")).to_have_text("2")
    page.keyboard.press("n")
    page.wait_for_url(f"**/articles/{first.pk}/")
    page.keyboard.press("n")
    page.wait_for_url(f"**/articles/{second.pk}/")
    second.set_status(Article.Status.DONE)
    page.keyboard.press("n")
    page.wait_for_url(f"**/articles/{first.pk}/")


def test_admin_gives_an_article_to_an_editor(page):
    admin = UserFactory(username="ada", role="admin")
    editor = UserFactory(username="eddie")
    article = ArticleFactory(title="Story")
    log_in_as(page, admin)
    page.goto(article.get_absolute_url())
    page.select_option(f"#assign-{article.pk}", str(editor.pk))
    page.click('[data-workflow] [data-action="assign"]')
    expect(page.locator("[data-workflow] .assignee")).to_have_text("eddie")
    article.refresh_from_db()
    assert article.assignee == editor
