import io
import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from annotations.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["analyst", "editor", "admin"])
def test_adduser_creates_a_user_with_the_role_and_password(role):
    call_command("adduser", "sam", "--role", role, "--password", "a long passphrase", verbosity=0)
    user = User.objects.get(username="sam")
    assert user.role == role
    assert user.is_staff == (role == "admin")
    # django-axes checks every sign-in against the request it came with.
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="sam", password="a long passphrase") == user


def test_adduser_again_changes_the_role_without_a_second_user():
    call_command("adduser", "sam", "--role", "analyst", verbosity=0)
    call_command("adduser", "sam", "--role", "editor", verbosity=0)
    assert User.objects.get(username="sam").role == "editor"
    assert User.objects.count() == 1


def test_adduser_without_password_cannot_sign_in():
    call_command("adduser", "sam", "--role", "analyst", verbosity=0)
    assert not User.objects.get(username="sam").has_usable_password()


def test_adduser_refuses_unknown_roles_and_weak_passwords():
    with pytest.raises(CommandError):
        call_command("adduser", "sam", "--role", "boss")
    with pytest.raises(CommandError, match="too common|too short"):
        call_command("adduser", "sam", "--role", "editor", "--password", "password")
    assert not User.objects.filter(username="sam").exists()


def test_createtoken_prints_the_key_as_its_last_line(capsys):
    call_command("adduser", "sam", "--role", "analyst", verbosity=0)
    call_command("createtoken", "sam")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == Token.objects.get(user__username="sam").key
    call_command("createtoken", "sam")
    assert capsys.readouterr().out.strip().splitlines()[-1] == last


def test_createtoken_reset_revokes_the_old_key(capsys):
    call_command("adduser", "sam", "--role", "analyst", verbosity=0)
    call_command("createtoken", "sam")
    old = capsys.readouterr().out.strip().splitlines()[-1]
    call_command("createtoken", "sam", "--reset")
    new = capsys.readouterr().out.strip().splitlines()[-1]
    assert new != old
    assert not Token.objects.filter(key=old).exists()


def test_createtoken_for_an_unknown_user_fails():
    with pytest.raises(CommandError, match="No user named"):
        call_command("createtoken", "nobody")


def test_loadseeds_from_an_empty_folder_fails(tmp_path):
    with pytest.raises(CommandError, match="No seed documents"):
        call_command("loadseeds", "--dir", str(tmp_path))


def test_loadseeds_refuses_a_bad_document_and_changes_nothing(tmp_path):
    (tmp_path / "bad.json").write_text(
        '{"format": "newsdesk-article/1", "article": {"title": "t", "body": "short"},'
        ' "quotes": [{"kind": "direct", "fragments": [[0, 99]]}]}',
        encoding="utf-8",
    )
    from annotations.models import Article

    with pytest.raises(CommandError, match="past the end"):
        call_command("loadseeds", "--dir", str(tmp_path))
    assert not Article.objects.exists()


# --------------------------------------------------------------------------- suggest

CRLF_STORY = (
    "Moscow strikes\r\n\r\n"
    "\u201cThe Cafe\u0301 strikes will go on until the end,\u201d Igor Konashenkov said, "
    "RIA Novosti reported.\r\n"
    "He said that the planes had returned to the base safely.\r\n"
)


def _suggest(path, *args) -> list[dict]:
    out = io.StringIO()
    call_command("suggest", str(path), *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_suggest_offsets_index_the_file_as_stored_crlf_and_all(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(CRLF_STORY.encode("utf-8"))
    raw = path.read_bytes().decode("utf-8")
    records = _suggest(path)
    assert [r["kind"] for r in records] == ["direct", "indirect"]
    texts = [raw[s:e] for r in records for s, e in r["fragments"]]
    assert texts == [
        "The Cafe\u0301 strikes will go on until the end,",
        "the planes had returned to the base safely",
    ]
    s, e = records[0]["speaker_mention"]
    assert raw[s:e] == "Igor Konashenkov"


def test_suggest_prints_the_via_chain(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(CRLF_STORY.encode("utf-8"))
    first, second = _suggest(path)
    assert first["via"] == ["RIA Novosti"]
    assert second["via"] == []


def test_suggest_skips_the_ranges_it_is_told_to(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(CRLF_STORY.encode("utf-8"))
    second_line = CRLF_STORY.index("He said")
    records = _suggest(path, "--skip", f"0:{second_line}")
    assert [r["kind"] for r in records] == ["indirect"]
    skipped = [(0, 30), (second_line, len(CRLF_STORY))]
    records = _suggest(path, *(f"--skip={s}:{e}" for s, e in skipped))
    fragments = [f for r in records for f in r["fragments"]]
    assert fragments and all(e <= s0 or e0 <= s for s, e in fragments for s0, e0 in skipped)


@pytest.mark.parametrize("bad", ["5", "9:3", "a:b", "-1:4"])
def test_suggest_refuses_a_malformed_skip(tmp_path, bad):
    path = tmp_path / "story.txt"
    path.write_text("Nothing here.", encoding="utf-8")
    with pytest.raises(CommandError, match="START:END"):
        call_command("suggest", str(path), f"--skip={bad}")
