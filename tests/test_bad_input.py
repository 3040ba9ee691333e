"""Bad input is a 4xx with a message, never a 500: every URL in the project with NUL
characters and oversized values in its query parameters, every API write with JSON nested
far too deep and with NUL in its string fields, and a JSON Lines import nested too deep."""

import contextlib
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from annotations.importing import import_jsonl
from annotations.models import Article, Quote, User

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


# Page forms, path segments, every API string field, every import. ------------------------

# Every field name a page form reads (templates and forms.py), and the sign-in form's.
FORM_FIELDS = [
    "title", "body", "url", "byline", "text", "name", "description", "kind", "role",
    "affiliation", "wikidata_id", "home_page", "alias", "aliases", "note", "cue", "cue_start",
    "cue_end", "mention_start", "mention_end", "speaker", "speaker_name", "speaker_role",
    "via_name", "via_type", "fragment", "start", "end", "version", "status", "assignee",
    "reviewer", "publisher", "publisher_name", "duplicate", "duplicate_name", "action",
    "accept", "revision", "first", "second", "a", "b", "q", "next", "username", "password",
]  # fmt: skip


def page_urls(rows) -> list[str]:
    return [url for url in every_url(rows) if not url.startswith("/api/")]


@pytest.mark.parametrize("value", ["bad\x00value", "x" * 200_000], ids=["nul", "oversized"])
def test_nul_and_oversized_values_posted_to_every_page_are_never_a_500(rows, value):
    client = Client(raise_request_exception=False)
    client.force_login(rows["admin"])
    failures = {}
    for url in page_urls(rows):
        status = client.post(url, {name: value for name in FORM_FIELDS}).status_code
        if status >= 500:
            failures[url] = status
    assert not failures


def test_nul_in_every_form_field_of_the_main_forms_is_refused_with_a_message(rows):
    """The quote form, the article form, the speaker and outlet editors and sign-in: a NUL
    in any one field is a 400 or the form again with the message, and nothing changes."""
    client = Client(raise_request_exception=False)
    client.force_login(rows["admin"])
    quote = rows["quote"]
    forms = {
        "/articles/add/": ["title", "body", "url", "byline"],
        f"/articles/{rows['article']}/quotes/": ["speaker_name", "speaker_role", "cue", "note"],
        f"/quotes/{quote}/update/": ["speaker_name", "speaker_role", "cue", "note"],
        f"/speakers/{rows['speaker']}/edit/": ["name", "description", "role", "affiliation"],
        f"/outlets/{rows['outlet']}/edit/": ["name", "home_page", "wikidata_id"],
        "/import/": ["text", "title", "publisher"],
    }
    before = Article.objects.count()
    for url, fields in forms.items():
        for field in fields:
            # the quote form carries the version it was opened on (a save without one is 428)
            version = Quote.objects.get(pk=quote).version
            response = client.post(
                url, {"title": "T", "body": "Body.", "version": version, field: "a\x00b"}
            )
            assert response.status_code in (200, 400, 409, 422), (url, field)
            assert (
                response.status_code == 400
                or "NUL" in response.content.decode()
                or ("Null characters" in response.content.decode())
            ), (url, field, response.status_code)
    assert Article.objects.count() == before
    signin = Client(raise_request_exception=False)
    response = signin.post("/accounts/login/", {"username": "ro\x00ot", "password": "x\x00"})
    assert response.status_code in (200, 400)
    assert "_auth_user_id" not in signin.session


def test_every_url_plain_is_never_a_500(rows):
    """Format-suffixed API routes (``/api/v1/articles/1/revisions.json``) included."""
    client = Client(raise_request_exception=False)
    client.force_login(rows["admin"])
    failures = {}
    for url in every_url(rows):
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            if status >= 500:
                failures[f"{method} {url}"] = status
    assert not failures


def test_nul_in_a_path_segment_of_any_url_is_never_a_500(rows):
    client = Client(raise_request_exception=False)
    client.force_login(rows["admin"])
    failures = {}
    for url in every_url(rows):
        segments = url.strip("/").split("/")
        for n in range(len(segments)):
            broken = "/" + "/".join([*segments[:n], segments[n] + "%00", *segments[n + 1 :]]) + "/"
            for method in ("get", "post"):
                status = getattr(client, method)(broken).status_code
                if status >= 500:
                    failures[f"{method} {broken}"] = status
    assert not failures


def test_every_api_string_field_past_its_length_is_a_400(rows, admin_api):
    for method, url in api_writes(rows):
        for field in NUL_FIELDS:
            response = getattr(admin_api, method)(
                url, {field: "x" * 1_000_001}, format="json", HTTP_IF_MATCH='"1"'
            )
            assert response.status_code < 500, (method, url, field, response.status_code)
    for name, fields in (("outlet", ["name", "home_page", "wikidata_id"]),
                         ("speaker", ["name", "role", "affiliation", "description"]),
                         ("article", ["title", "url", "byline", "language"])):  # fmt: skip
        for field in fields:
            body = {"name": "N", "title": "T", "body": "Body."} | {field: "x" * 100_000}
            response = admin_api.post(reverse(f"api:{name}-list"), body, format="json")
            assert response.status_code == 400, (name, field)
            assert field in response.json(), (name, field)


def test_forms_and_multipart_bodies_are_refused_with_415_where_the_api_takes_json(admin_api):
    for body_format in ("multipart", None):
        kwargs = {"format": body_format} if body_format else {
            "data": "name=X", "content_type": "application/x-www-form-urlencoded"}  # fmt: skip
        args = ({"name": "X"},) if body_format else ()
        response = admin_api.post("/api/v1/outlets/", *args, **kwargs)
        assert response.status_code == 415
        assert "Unsupported media type" in response.json()["detail"]


@pytest.mark.parametrize(
    "content",
    [
        "Title\n\nA body with a \x00 inside.",
        "Title\n\n" + "word " * 400_000,  # one line of 2 MB
        "<html><body><h1>T</h1><p>Body \x00 text.</p></body></html>",
        "<html><body><h1>T</h1><p>" + "word " * 400_000 + "</p></body></html>",
    ],
    ids=["text-nul", "text-huge-line", "html-nul", "html-huge-line"],
)
def test_nul_and_huge_lines_in_text_and_html_imports_are_refused_or_imported(db, content):
    from annotations.importing import import_html, import_text

    importer = import_html if content.startswith("<html>") else import_text
    try:
        report = importer(content, suggest=False)
    except DjangoValidationError as exc:
        assert exc.messages  # refused with a message
    else:
        assert report.committed or report.refused
    for article in Article.objects.all():
        assert "\x00" not in article.body and "\x00" not in article.title


@pytest.mark.parametrize(
    "name,data",
    [
        ("nul.txt", b"Title\n\nA body \x00 here."),
        ("nul.html", b"<html><body><p>Body \x00</p></body></html>"),
        ("nul.jsonl", b'{"format": "newsdesk-article/1", "article": {"title": "\\u0000"}}\n'),
        ("huge.jsonl", b'{"a": "' + b"x" * 3_000_000 + b'"}\n'),
    ],
    ids=["txt-nul", "html-nul", "jsonl-nul", "jsonl-huge-line"],
)
def test_nul_and_huge_lines_in_uploads_are_a_4xx_on_the_page_and_the_api(
    rows, admin_api, name, data
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from annotations import jobs

    client = Client(raise_request_exception=False)
    client.force_login(rows["admin"])
    page = client.post("/import/", {"file": SimpleUploadedFile(name, data), "suggest": ""})
    api = admin_api.post(
        "/api/v1/imports/", {"file": SimpleUploadedFile(name, data)}, format="multipart"
    )
    for response in (page, api):
        assert response.status_code < 500
    jobs.run_queued()
    for article in Article.objects.all():
        assert "\x00" not in article.body and "\x00" not in article.title


def test_nul_and_huge_lines_in_a_brat_corpus_are_refused_with_a_message(db, tmp_path):
    from annotations.corpus.importing import import_brat

    (tmp_path / "nul.txt").write_text("A body \x00 with NUL.\n", encoding="utf-8")
    (tmp_path / "nul.ann").write_text("T1\tSource 0 1\tA\n", encoding="utf-8")
    (tmp_path / "huge.txt").write_text("word " * 400_000 + "\n", encoding="utf-8")
    (tmp_path / "huge.ann").write_text(
        "T1\tSource 0 4\t" + "w" * 1_000_000 + "\n", encoding="utf-8"
    )
    try:
        import_brat(tmp_path)
    except (DjangoValidationError, ValueError) as exc:
        assert str(exc)
    for article in Article.objects.all():
        assert "\x00" not in article.body


# Web addresses: http(s) only, without characters a page would have to escape. ------------

BAD_URLS = [
    "ftp://example.org/story",
    "javascript:alert(1)",
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/<script>",
    "https://example.org/a b",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_urls_are_refused_by_the_article_form_the_outlet_editor_and_the_import(rows, url):
    from annotations.models import Outlet

    client = Client(raise_request_exception=False)
    client.force_login(rows["admin"])
    before = Article.objects.count()
    response = client.post("/articles/add/", {"title": "T", "body": "Body.", "url": url})
    assert response.status_code in (200, 400, 422)
    assert "http:// or https://" in response.content.decode() or "valid URL" in (
        response.content.decode()
    )
    assert Article.objects.count() == before

    outlet = Outlet.objects.get(pk=rows["outlet"])
    response = client.post(
        f"/outlets/{outlet.pk}/edit/", {"name": outlet.name, "kind": outlet.kind, "home_page": url}
    )
    assert response.status_code == 422
    assert Outlet.objects.get(pk=outlet.pk).home_page == outlet.home_page

    line = json.dumps(
        {"format": "newsdesk-article/1", "article": {"title": "T", "body": "Body.", "url": url}}
    )
    report = import_jsonl(line + "\n")
    assert not report.committed and report.refused
    assert Article.objects.count() == before


def test_a_good_url_is_kept_everywhere(rows, admin_api):
    url = "https://www.example.org/2016/02/11/story-a51798?utm=x#part-2"
    response = admin_api.post(
        "/api/v1/articles/", {"title": "T", "body": "Body.", "url": url}, format="json"
    )
    assert response.status_code == 201 and response.json()["url"] == url
