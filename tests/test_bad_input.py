"""Bad input is a 4xx with a message, never a 500: every URL in the project with NUL
characters and oversized values in its query parameters, every API write with JSON nested
far too deep and with NUL in its string fields, and a JSON Lines import nested too deep."""

import contextlib
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from annotations.importing import import_jsonl
from annotations.models import Article, User

from .factories import ArticleFactory, OutletFactory, QuoteFactory, UserFactory

DEEP = "[" * 1000 + "]" * 1000
PARAMS = [
    "q", "page", "publisher", "status", "kind", "type", "speaker", "outlet", "article",
    "speaker_name", "via_name", "via_type", "publisher_name", "start", "end", "current",
    "cursor", "page_size", "published_after", "published_before", "next", "o", "p", "id",
]  # fmt: skip


def walk(resolvers, prefix=""):
    """Every named URL pattern as (namespaced name, argument names)."""
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from walk(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            pattern = entry.pattern
            names = getattr(pattern, "converters", {}) or {}
            names = set(names) | set(pattern.regex.groupindex)
            yield prefix + entry.name, sorted(names)


@pytest.fixture
def rows(db):
    article = ArticleFactory(publisher=OutletFactory())
    quote = QuoteFactory(article=article)
    admin = UserFactory(username="root", role=User.Role.ADMIN)
    return {
        "article": article.pk,
        "quote": quote.pk,
        "speaker": quote.speaker_id,
        "outlet": article.publisher_id,
        "user": admin.pk,
        "admin": admin,
        "content_type": ContentType.objects.get_for_model(Article).pk,
    }


def argument(name: str, url_name: str, rows) -> str:
    if name == "format":
        return "json"
    if name == "app_label":
        return "annotations"
    if name == "content_type_id":
        return str(rows["content_type"])
    if name == "url":
        return "nothing"
    for model in ("quote", "speaker", "outlet", "user", "article"):
        if model in url_name:
            return str(rows[model])
    return str(rows["article"])


def every_url(rows) -> list[str]:
    urls = set()
    for name, args in walk(get_resolver().url_patterns):
        try:
            urls.add(reverse(name, kwargs={a: argument(a, name, rows) for a in args}))
        except NoReverseMatch:
            continue
    return sorted(urls)


def test_the_walk_covers_the_project(rows):
    urls = every_url(rows)
    for expected in ("/", "/speakers/", "/outlets/", "/speakers/options/", "/api/v1/quotes/"):
        assert expected in urls
    assert f"/articles/{rows['article']}/" in urls
    assert any(url.startswith("/admin/annotations/") for url in urls)
    assert len(urls) > 60


@pytest.mark.parametrize(
    "query",
    [
        {"q": "\x00"},
        {name: "a\x00b" for name in PARAMS},
        {"\x00": "x"},
    ],
    ids=["q", "every-param", "nul-name"],
)
def test_nul_in_any_query_parameter_of_any_url_is_a_400(rows, query):
    client = Client(raise_request_exception=False)
    client.force_login(rows["admin"])
    failures = {}
    for url in every_url(rows):
        response = client.get(url, query)
        if response.status_code != 400:
            failures[url] = response.status_code
    assert not failures


def test_oversized_and_overflowing_query_values_are_never_a_500(rows):
    client = Client(raise_request_exception=False)
    client.force_login(rows["admin"])
    query = {name: "9" * 40 for name in PARAMS} | {"q": "word " * 20_000}
    failures = {}
    for url in every_url(rows):
        status = client.get(url, query).status_code
        if status >= 500:
            failures[url] = status
    assert not failures


def test_nul_in_a_form_field_is_refused_with_a_message(rows):
    client = Client(raise_request_exception=False)
    client.force_login(rows["admin"])
    response = client.post("/import/", {"text": "Title\n\nBody with a \x00 inside."})
    assert response.status_code == 400
    assert "NUL" in response.content.decode() or "Null characters" in response.content.decode()
    assert Article.objects.count() == 1


# API writes. ----------------------------------------------------------------------------

NUL_FIELDS = {
    field: "bad\x00value"
    for field in (
        "name",
        "title",
        "body",
        "note",
        "cue",
        "text",
        "byline",
        "role",
        "affiliation",
        "language",
        "url",
        "home_page",
        "kind",
        "status",
        "wikidata_id",
        "speaker_name",
    )  # fmt: skip
} | {"aliases": ["bad\x00alias"], "duplicate": "1\x00"}


def api_writes(rows) -> list[tuple[str, str]]:
    """(method, url) for every API route that changes something."""
    writes = []
    for name in ("outlet", "speaker", "article", "quote"):
        writes.append(("post", reverse(f"api:{name}-list")))
        detail = reverse(f"api:{name}-detail", kwargs={"pk": rows[name]})
        writes += [("put", detail), ("patch", detail)]
    for name, action in (("outlet", "merge"), ("speaker", "merge"), ("quote", "restore"),
                         ("article", "suggest")):  # fmt: skip
        with contextlib.suppress(NoReverseMatch):
            writes.append(("post", reverse(f"api:{name}-{action}", kwargs={"pk": rows[name]})))
    return writes


@pytest.fixture
def admin_api(rows):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(rows["admin"])
    return client


def test_json_nested_too_deep_is_a_400_on_every_api_write(rows, admin_api):
    for method, url in api_writes(rows):
        response = getattr(admin_api, method)(
            url, DEEP, content_type="application/json", HTTP_IF_MATCH='"1"'
        )
        if url.endswith(("/restore/", "/suggest/")):  # read no body
            assert response.status_code < 500, (method, url, response.status_code)
            continue
        assert response.status_code == 400, (method, url, response.status_code)
        assert "deep" in response.json()["detail"]


def test_json_nested_a_little_too_deep_is_a_400(rows, admin_api):
    body = {"name": "x", "aliases": json.loads("[" * 70 + "]" * 70)}
    response = admin_api.post("/api/v1/speakers/", body, format="json")
    assert response.status_code == 400
    assert "deep" in response.json()["detail"]


def test_nul_in_string_fields_is_refused_on_every_api_write(rows, admin_api):
    for method, url in api_writes(rows):
        response = getattr(admin_api, method)(url, NUL_FIELDS, format="json", HTTP_IF_MATCH='"1"')
        assert response.status_code < 500, (method, url, response.status_code)


def test_oversized_fields_are_a_400(rows, admin_api):
    for name in ("outlet", "speaker"):
        response = admin_api.post(
            reverse(f"api:{name}-list"), {"name": "x" * 100_000}, format="json"
        )
        assert response.status_code == 400, name
        assert "name" in response.json()


# JSON Lines import. ---------------------------------------------------------------------


def test_a_json_lines_document_nested_too_deep_is_refused(db):
    report = import_jsonl(DEEP + "\n")
    assert not report.committed
    assert report.refused and "deep" in report.refused[0]


def test_the_import_page_refuses_a_deep_json_lines_file(rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from annotations import jobs

    client = Client(raise_request_exception=False)
    client.force_login(rows["admin"])
    upload = SimpleUploadedFile("deep.jsonl", (DEEP + "\n").encode())
    response = client.post("/import/", {"file": upload, "suggest": ""})
    assert response.status_code == 302
    [job] = jobs.run_queued()
    job.refresh_from_db()
    assert job.state == job.State.DONE
    [refusal] = job.report["refused"]
    assert refusal["line"] == 1 and "deep" in refusal["why"]
    page = client.get(response["Location"])
    assert page.status_code == 200 and "nested too deep" in page.content.decode()
