"""``backup`` and ``restore`` bring back every row after a wipe, on SQLite and PostgreSQL."""

import io

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Article, Fragment, Outlet, Quote, Speaker, User

from .factories import ArticleFactory, QuoteFactory, UserFactory

MODELS = [User, Outlet, Speaker, Article, Quote, Fragment]


def counts() -> dict[str, int]:
    return {model.__name__: model._base_manager.count() for model in MODELS}


@pytest.mark.django_db(transaction=True)
def test_backup_then_wipe_then_restore_brings_every_row_back(tmp_path):
    UserFactory(username="keeper")
    for _ in range(3):
        article = ArticleFactory()
        QuoteFactory(article=article)
        QuoteFactory(article=article, start=20, end=30)
    before = counts()
    assert before["Quote"] == 6

    path = tmp_path / "newsdesk.backup"
    call_command("backup", str(path), stdout=io.StringIO())
    assert path.stat().st_size > 0

    Article._base_manager.all().delete()
    User.objects.all().delete()
    assert counts()["Quote"] == counts()["User"] == 0

    out = io.StringIO()
    call_command("restore", str(path), interactive=False, stdout=out)
    assert "Restored" in out.getvalue()
    assert counts() == before
    assert User.objects.filter(username="keeper").exists()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    ArticleFactory()
    before = counts()
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(b"this is not a backup\n" * 10)
    with pytest.raises(CommandError):
        call_command("restore", str(bogus), interactive=False, stdout=io.StringIO())
    with pytest.raises(CommandError, match="no backup"):
        call_command("restore", str(tmp_path / "missing"), interactive=False)
    assert counts() == before
