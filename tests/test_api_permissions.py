"""Who may call what: anonymous 401 everywhere, analysts read only, editors write, admins
also merge. Every endpoint of the API is listed here, and the token page too."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import Article, Outlet, Quote, Speaker

from .factories import ArticleFactory, OutletFactory, QuoteFactory, SpeakerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rows():
    article = ArticleFactory()
    quote = QuoteFactory(article=article)
    deleted = QuoteFactory(article=article, start=20, end=30)
    deleted.soft_delete()
    return {
        "article": article,
        "empty_article": ArticleFactory(),
        "quote": quote,
        "deleted": deleted,
        "speaker": quote.speaker,
        "unused_speaker": SpeakerFactory(),
        "outlet": article.publisher,
        "unused_outlet": OutletFactory(),
    }


def snapshot():
    managers = (Article.objects, Outlet.objects, Speaker.objects, Quote.all_objects)
    return [list(manager.order_by("pk").values()) for manager in managers]


# (method, path, body) with placeholders filled from `rows`. Bodies are valid, so an
# editor's request succeeds and only the role decides.
READS = [
    ("get", "/api/v1/outlets/", None),
    ("get", "/api/v1/outlets/{outlet}/", None),
    ("get", "/api/v1/speakers/", None),
    ("get", "/api/v1/speakers/{speaker}/", None),
    ("get", "/api/v1/articles/", None),
    ("get", "/api/v1/articles/{article}/", None),
    ("get", "/api/v1/quotes/", None),
    ("get", "/api/v1/quotes/{quote}/", None),
]
WRITES = [
    ("post", "/api/v1/outlets/", {"name": "Interfax"}),
    ("put", "/api/v1/outlets/{outlet}/", {"name": "Renamed", "kind": "online"}),
    ("patch", "/api/v1/outlets/{outlet}/", {"home_page": "https://example.org/"}),
    ("delete", "/api/v1/outlets/{unused_outlet}/", None),
    ("post", "/api/v1/speakers/", {"name": "Maria Zakharova"}),
    ("put", "/api/v1/speakers/{speaker}/", {"name": "Renamed", "kind": "person"}),
    ("patch", "/api/v1/speakers/{speaker}/", {"role": "spokesman"}),
    ("delete", "/api/v1/speakers/{unused_speaker}/", None),
    ("post", "/api/v1/articles/", {"title": "New", "body": "A body."}),
    ("put", "/api/v1/articles/{article}/", {"title": "Renamed", "body": "{body}"}),
    ("patch", "/api/v1/articles/{article}/", {"status": "done"}),
    ("delete", "/api/v1/articles/{empty_article}/", None),
    ("post", "/api/v1/articles/{article}/suggest/", None),
    ("post", "/api/v1/quotes/", {"article": "{article}", "kind": "indirect",
                                 "fragments": [{"start": 0, "end": 7}]}),
    ("put", "/api/v1/quotes/{quote}/", {"article": "{article}", "kind": "direct",
                                        "fragments": [{"start": 0, "end": 7}]}),
    ("patch", "/api/v1/quotes/{quote}/", {"note": "checked"}),
    ("delete", "/api/v1/quotes/{quote}/", None),
    ("post", "/api/v1/quotes/{deleted}/restore/", None),
]  # fmt: skip
MERGES = [
    ("post", "/api/v1/speakers/{speaker}/merge/", {"duplicate": "{unused_speaker}"}),
    ("post", "/api/v1/outlets/{outlet}/merge/", {"duplicate": "{unused_outlet}"}),
]


def fill(value, rows):
    if isinstance(value, str):
        names = {k: v.pk for k, v in rows.items()} | {"body": rows["article"].body}
        filled = value.format(**names)
        return int(filled) if filled.isdigit() and value.startswith("{") else filled
    if isinstance(value, dict):
        return {k: fill(v, rows) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, rows) for v in value]
    return value


def call(client, rows, method, path, body):
    quote = rows["deleted" if "{deleted}" in path else "quote"]
    quote.refresh_from_db()
    return getattr(client, method)(
        fill(path, rows), fill(body, rows), format="json", HTTP_IF_MATCH=f'"{quote.version}"'
    )


def ident(case):
    return f"{case[0]} {case[1]}"


@pytest.mark.parametrize("case", READS + WRITES + MERGES, ids=ident)
def test_anonymous_gets_401_and_changes_nothing(rows, case):
    before = snapshot()
    response = call(APIClient(), rows, *case)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert snapshot() == before


@pytest.mark.parametrize("case", READS, ids=ident)
@pytest.mark.parametrize("role", ["analyst_api", "editor_api", "admin_api"])
def test_every_role_reads(request, rows, case, role):
    response = call(request.getfixturevalue(role), rows, *case)
    assert response.status_code == 200


@pytest.mark.parametrize("case", WRITES + MERGES, ids=ident)
def test_analyst_gets_403_on_every_write_and_changes_nothing(analyst_api, rows, case):
    before = snapshot()
    response = call(analyst_api, rows, *case)
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("case", WRITES, ids=ident)
@pytest.mark.parametrize("role", ["editor_api", "admin_api"])
def test_editors_and_admins_write(request, rows, case, role):
    response = call(request.getfixturevalue(role), rows, *case)
    assert response.status_code in (200, 201, 204), response.content


@pytest.mark.parametrize("case", MERGES, ids=ident)
def test_editor_cannot_merge(editor_api, rows, case):
    before = snapshot()
    response = call(editor_api, rows, *case)
    assert response.status_code == 403
    assert "admins" in response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize("case", MERGES, ids=ident)
def test_admin_merges(admin_api, rows, case):
    response = call(admin_api, rows, *case)
    assert response.status_code == 200, response.content


def test_inactive_editor_cannot_write(rows):
    user = UserFactory(username="gone", role="editor", is_active=False)
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.patch(f"/api/v1/speakers/{rows['speaker'].pk}/", {"role": "x"})
    assert response.status_code == 401  # DRF refuses tokens of inactive users outright


def test_session_write_needs_csrf(editor, rows):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.get("/api/v1/quotes/").status_code == 200
    response = client.patch(f"/api/v1/speakers/{rows['speaker'].pk}/", {"role": "x"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/"])
def test_api_schema_and_docs_need_a_signed_in_user(url, analyst, client):
    assert APIClient().get(url).status_code == 401
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    assert api.get(url).status_code == 200
    client.force_login(analyst)
    assert client.get(url).status_code == 200


# The token page ---------------------------------------------------------------------------


def test_token_page_needs_sign_in(client):
    response = client.get("/account/token/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.post("/account/token/", {"action": "create"}).status_code == 302
    assert not Token.objects.exists()


def test_user_creates_replaces_and_revokes_own_token(client, analyst):
    client.force_login(analyst)
    page = client.get("/account/token/")
    assert page.status_code == 200
    assert "no API token" in page.content.decode()

    assert client.post("/account/token/", {"action": "create"}).status_code == 302
    first = Token.objects.get(user=analyst)
    assert first.key in client.get("/account/token/").content.decode()

    client.post("/account/token/", {"action": "create"})
    second = Token.objects.get(user=analyst)
    assert second.key != first.key

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {second.key}")
    assert api.get("/api/v1/quotes/").status_code == 200

    client.post("/account/token/", {"action": "revoke"})
    assert not Token.objects.filter(user=analyst).exists()
    assert api.get("/api/v1/quotes/").status_code == 401


def test_token_page_does_not_touch_other_users_tokens(client, analyst, editor):
    theirs = Token.objects.create(user=editor)
    client.force_login(analyst)
    client.post("/account/token/", {"action": "revoke"})
    client.post("/account/token/", {"action": "create"})
    assert Token.objects.filter(pk=theirs.pk).exists()
    assert theirs.key not in client.get("/account/token/").content.decode()


def test_token_page_state_changes_need_post_with_csrf(analyst):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    assert client.post("/account/token/", {"action": "create"}).status_code == 403
    assert client.get("/account/token/", {"action": "create"}).status_code == 200
    assert not Token.objects.exists()


def test_token_page_allows_only_get_and_post(client, analyst):
    client.force_login(analyst)
    assert client.put("/account/token/").status_code == 405
    assert client.delete("/account/token/").status_code == 405


def test_token_page_refuses_unknown_action(client, analyst):
    client.force_login(analyst)
    assert client.post("/account/token/", {"action": "steal"}).status_code == 400
