"""Sign-in and the API are throttled: wrong passwords lock an account and an address out
for a while (django-axes), bad tokens lock an address out of token sign-in, and each user
may make only so many API calls (DRF throttles). The answer is 429 with Retry-After."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import User

from .factories import UserFactory

PASSWORD = "the right passphrase"
PAGES = ["/accounts/login/", "/admin/login/"]


@pytest.fixture
def ada(db):
    user = UserFactory(username="ada", role=User.Role.ADMIN)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, page, username, password, address="10.0.0.1"):
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("page", PAGES)
def test_the_right_password_is_refused_after_five_wrong_ones(page, ada):
    client = Client()
    for _ in range(4):
        assert sign_in(client, page, "ada", "wrong").status_code == 200
    assert sign_in(client, page, "ada", "wrong").status_code == 429
    response = sign_in(client, page, "ada", PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    assert "Too many failed sign-ins" in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_one_address_guessing_many_accounts_is_locked_out(page, ada):
    client = Client()
    for n in range(5):
        sign_in(client, page, f"someone{n}", "wrong", address="10.0.0.9")
    assert sign_in(client, page, "ada", PASSWORD, address="10.0.0.9").status_code == 429
    # Another address still signs in.
    response = sign_in(Client(), page, "ada", PASSWORD, address="10.0.0.10")
    assert response.status_code == 302


def test_the_lockout_is_lifted_after_the_cool_off(ada, settings):
    from datetime import timedelta

    client = Client()
    for _ in range(5):
        sign_in(client, "/accounts/login/", "ada", "wrong")
    settings.AXES_COOLOFF_TIME = timedelta(seconds=0)
    assert sign_in(client, "/accounts/login/", "ada", PASSWORD).status_code == 302


def test_a_right_password_before_the_limit_resets_the_count(ada):
    client = Client()
    for _ in range(4):
        sign_in(client, "/accounts/login/", "ada", "wrong")
    assert sign_in(client, "/accounts/login/", "ada", PASSWORD).status_code == 302
    for _ in range(4):
        assert sign_in(Client(), "/accounts/login/", "ada", "wrong").status_code == 200


# The API. -------------------------------------------------------------------------------


def test_guessing_tokens_locks_the_address_out(analyst, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token_failures": "10/hour",
        },
    }
    good = Token.objects.create(user=analyst).key
    client = APIClient(REMOTE_ADDR="10.0.0.7")
    statuses = []
    for n in range(12):
        client.credentials(HTTP_AUTHORIZATION=f"Token {n:040x}")
        statuses.append(client.get("/api/v1/quotes/").status_code)
    assert statuses == [401] * 10 + [429] * 2
    client.credentials(HTTP_AUTHORIZATION=f"Token {good}")
    response = client.get("/api/v1/quotes/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()
    # Another address with the good token is unaffected.
    other = APIClient(REMOTE_ADDR="10.0.0.8")
    other.credentials(HTTP_AUTHORIZATION=f"Token {good}")
    assert other.get("/api/v1/quotes/").status_code == 200


def test_each_user_has_a_rate_of_api_calls(analyst, editor, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "5/minute",
        },
    }
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    statuses = [client.get("/api/v1/outlets/").status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    response = client.get("/api/v1/outlets/")
    assert int(response["Retry-After"]) > 0
    other = APIClient()
    other.force_authenticate(editor)
    assert other.get("/api/v1/outlets/").status_code == 200
