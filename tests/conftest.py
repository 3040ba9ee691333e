import pytest
from django.test import Client
from rest_framework.test import APIClient

from annotations.models import User

from .factories import UserFactory

# The slow families (markers registered in pyproject.toml): `make test` leaves them out,
# `make test-all` and CI run them. Marked here by test id prefix, so that the test files
# stay as they are; a new test of one of these kinds adds its prefix (or carries the
# marker itself).
SLOW_FAMILIES = {
    "browser": ["tests/browser/"],
    "corpus": ["tests/test_brat_import.py::test_polnear_dev_"],
    "subprocess": ["tests/test_settings.py::", "tests/test_jobs_worker.py::"],
    "speed": ["tests/test_suggesting_speed.py::"],
    "scale": [
        "tests/test_quote_filter_paths.py::test_the_fill",
        "tests/test_quote_filter_paths.py::test_every_filter",
        "tests/test_quote_filter_paths.py::test_no_plan",
    ],
    "schemathesis": ["tests/test_schemathesis.py::"],
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker, prefixes in SLOW_FAMILIES.items():
            if item.nodeid.startswith(tuple(prefixes)):
                item.add_marker(marker)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests sign in many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploads waiting for their job and exports are files under MEDIA_ROOT.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # API throttles count in the cache, which outlives each test's database.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def analyst(db):
    return UserFactory(username="ana", role=User.Role.ANALYST)


@pytest.fixture
def editor(db):
    return UserFactory(username="eddie", role=User.Role.EDITOR)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", role=User.Role.ADMIN)


def _page_client(user):
    """A browser-like client of its own (not pytest-django's ``client``), signed in."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def analyst_client(analyst):
    return _page_client(analyst)


@pytest.fixture
def editor_client(editor):
    return _page_client(editor)


@pytest.fixture
def admin_client(admin_user):
    return _page_client(admin_user)


def _api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def analyst_api(analyst):
    return _api_client(analyst)


@pytest.fixture
def editor_api(editor):
    return _api_client(editor)


@pytest.fixture
def admin_api(admin_user):
    return _api_client(admin_user)


@pytest.fixture
def seeded(db):
    """The sample article loaded from seeds/, as `make run` loads it."""
    from django.core.management import call_command

    call_command("loadseeds", verbosity=0)
    from annotations.models import Article

    return Article.objects.get()
