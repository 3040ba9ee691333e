"""Importing articles from pasted text, .txt, .html and JSON Lines files: reports, duplicate
detection, and refusal of bad input with nothing changed."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from annotations import jobs
from annotations.importing import (
    decode_upload,
    import_file,
    import_html,
    import_jsonl,
    import_text,
    split_title,
)
from annotations.models import Article, Outlet, Quote, Speaker

TEXT = (
    "Mayor says the bridge is safe\n"
    "\n"
    "The mayor, Ana Silva, told reporters on Friday that the old bridge is safe.\n"
    "\u201cWe have checked every bolt and every cable on the bridge,\u201d Silva said.\n"
)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Mayor says bridge is safe | The Daily Example</title>
<meta property="og:title" content="Mayor says the bridge is safe">
<meta property="og:site_name" content="The Daily Example">
<meta name="author" content="María Núñez">
<meta property="article:published_time" content="2024-03-01T09:30:00+00:00">
<link rel="canonical" href="https://daily.example.org/2024/03/01/bridge">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/sport">Sport and more sport</a></li></ul></nav>
<div class="ad">BUY CHEAP WATCHES NOW advertisement</div>
<article>
<h1>Mayor says the bridge is safe</h1>
<p>The mayor, Ana Silva, told reporters on Friday that the old bridge over the river is safe
for traffic after months of repairs and inspections by city engineers.</p>
<p>“We have checked every bolt and every cable, and the engineers signed off on Thursday,”
Silva said. “There is no reason for anyone to worry.”</p>
<p>Residents had complained for months about cracks in the pavement, and the opposition
accused the city of hiding the inspection reports from the public.</p>
<p>Café owners near the bridge said business had suffered — 東京 visitors and locals alike
stayed away during the closure.</p>
</article>
<aside class="related"><h3>Related stories</h3><a href="/x">Ten things you missed</a></aside>
<footer>© 2024 The Daily Example. All rights reserved. Subscribe to our newsletter.</footer>
</body></html>
"""


def doc(title="Alpha", body="Alpha body says things.", **article):
    return {
        "format": "newsdesk-article/1",
        "article": {"title": title, "body": body, **article},
        "quotes": [],
    }


def jsonl(*docs) -> str:
    return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)


def nothing_changed() -> bool:
    return Article.objects.count() == 0 and Quote.all_objects.count() == 0


# --------------------------------------------------------------------------- plain text


def test_pasted_text_takes_its_title_from_the_first_line(editor):
    report = import_text(TEXT, user=editor, suggest=False)
    assert report.committed and report.imported == ["Mayor says the bridge is safe"]
    article = Article.objects.get()
    assert article.title == "Mayor says the bridge is safe"
    assert article.body.startswith("The mayor, Ana Silva")
    assert article.created_by == editor
    assert article.quotes.count() == 0


def test_given_title_keeps_the_whole_text_as_body(editor):
    import_text(TEXT, title="Bridge", user=editor, suggest=False, publisher="Daily Example")
    article = Article.objects.get()
    assert article.title == "Bridge"
    assert article.body == TEXT.strip()
    assert article.publisher.name == "Daily Example"


def test_text_import_suggests_quotes(editor):
    report = import_text(TEXT, user=editor)
    article = Article.objects.get()
    suggested = article.quotes.filter(status=Quote.Status.SUGGESTED)
    assert suggested.exists()
    assert report.suggested == suggested.count()
    assert any("checked every bolt" in q.text for q in suggested)


def test_crlf_and_nfd_are_normalised_on_import(editor):
    report = import_file(
        "story.txt", "Title\r\nLine one,\r\nCafe\u0301 two.\r\n".encode(), user=editor
    )
    assert report.committed
    assert Article.objects.get().body == "Line one,\nCaf\u00e9 two."


def test_a_one_line_text_is_its_own_body(editor):
    assert split_title("Only one line here.") == ("Only one line here.", "Only one line here.")


def test_invalid_utf8_is_refused_with_its_byte_offset(editor):
    report = import_file("story.txt", b"Title\nCaf\xe9 society\n", user=editor)
    assert not report.committed
    assert report.refused == [
        "story.txt is not valid UTF-8: byte 9 (0xe9) cannot be decoded. "
        "Save the file as UTF-8 and try again."
    ]
    assert nothing_changed()


def test_nul_bytes_are_refused(editor):
    report = import_file("story.txt", b"Title\nbad\x00text\n", user=editor)
    assert "NUL" in report.refused[0] and "line 2" in report.refused[0]
    report = import_text("Title\nbad\x00text", user=editor)
    assert "NUL" in report.refused[0]
    assert nothing_changed()


def test_oversized_file_is_refused(editor, settings):
    settings.NEWSDESK_MAX_IMPORT_BYTES = 100
    report = import_file("big.txt", b"Title\n" + b"x" * 200, user=editor)
    assert "301" not in report.refused[0]
    assert "206 bytes; the most Newsdesk imports at once is 100 bytes" in report.refused[0]
    assert nothing_changed()


def test_oversized_body_is_refused(editor, settings):
    settings.NEWSDESK_MAX_BODY_CHARS = 20
    report = import_text("Title\n" + "y" * 50, user=editor)
    assert not report.committed
    assert "50 characters" in report.refused[0]
    assert nothing_changed()


def test_unknown_file_types_are_refused(editor):
    report = import_file("story.pdf", b"%PDF-1.4", user=editor)
    assert "not .pdf" in report.refused[0]


def test_duplicate_text_is_skipped_with_its_reason(editor):
    import_text(TEXT, user=editor, suggest=False)
    report = import_text(TEXT, user=editor, suggest=False)
    assert report.imported == []
    assert report.skipped[0].startswith("'Mayor says the bridge is safe': same title and body")
    assert Article.objects.count() == 1


def test_upload_bom_is_dropped():
    assert decode_upload("\ufeffTitle\nBody".encode()) == "Title\nBody"


# --------------------------------------------------------------------------- HTML


def test_html_import_extracts_story_and_metadata(editor):
    report = import_html(PAGE, user=editor, suggest=False)
    assert report.committed, report.refused
    article = Article.objects.get()
    assert article.title == "Mayor says the bridge is safe"
    assert article.byline == "María Núñez"
    assert article.published_at.date().isoformat() == "2024-03-01"
    assert article.url == "https://daily.example.org/2024/03/01/bridge"
    assert article.publisher.name == "The Daily Example"
    assert "We have checked every bolt" in article.body
    assert "Café owners" in article.body and "東京" in article.body
    for junk in ("BUY CHEAP WATCHES", "Sport and more sport", "All rights reserved", "Ten things"):
        assert junk not in article.body
    assert not article.body.startswith("Mayor says the bridge is safe")


def test_html_file_with_publisher_option_and_suggestions(editor):
    report = import_file("page.html", PAGE.encode(), publisher="Example Wire", user=editor)
    assert report.committed
    article = Article.objects.get()
    assert article.publisher.name == "Example Wire"
    assert article.quotes.filter(status="suggested").exists()


def test_html_page_with_same_url_is_a_duplicate(editor):
    import_html(PAGE, user=editor, suggest=False)
    report = import_html(PAGE, user=editor, suggest=False)
    assert report.skipped and "same URL" in report.skipped[0]
    assert Article.objects.count() == 1


def test_html_page_with_same_url_and_new_text_is_a_new_revision(editor):
    import_html(PAGE, user=editor, suggest=True)
    article = Article.objects.get()
    quotes = article.quotes.count()
    report = import_html(PAGE.replace("Café owners", "Bar owners"), user=editor, suggest=False)
    assert report.committed and report.imported == [] and report.skipped == []
    assert report.updated == [f"{article.title!r}: revision 2"]
    assert "1 updated with a new revision" in report.summary()
    article.refresh_from_db()
    assert "Bar owners" in article.body
    assert article.revisions.get(number=2).created_by == editor
    assert article.quotes.count() == quotes  # the quotes follow the text, none added
    assert Article.objects.count() == 1


def test_html_without_article_text_is_refused(editor):
    report = import_html("<html><head><title>Empty</title></head><body></body></html>")
    assert "No article text" in report.refused[0]
    assert nothing_changed()


# --------------------------------------------------------------------------- JSON Lines


def test_jsonl_imports_documents_and_reports_duplicates(editor):
    text = jsonl(
        doc("Alpha", url="https://a.example/1"),
        doc("Beta", "Beta body."),
        doc("Alpha again", "Other body", url="https://a.example/1"),
        doc("Beta", "Beta body."),
    )
    report = import_jsonl(text, user=editor)
    assert report.committed
    assert report.imported == ["Alpha", "Beta"]
    # the same URL with another body is an updated version of the article
    assert report.updated == ["'Alpha': revision 2"]
    assert report.skipped == [report.skipped[0]]
    assert report.skipped[0].startswith("'Beta': same title and body as article #")
    assert Article.objects.count() == 2
    assert Article.objects.get(url="https://a.example/1").body == "Other body"
    again = import_jsonl(jsonl(doc("Alpha again", "Other body", url="https://a.example/1")))
    assert again.skipped[0].startswith("'Alpha': same URL as article #")


def test_jsonl_missing_required_key_is_refused_and_nothing_changes(editor):
    bad = doc()
    del bad["article"]["title"]
    report = import_jsonl(jsonl(doc("Good"), bad), user=editor)
    assert not report.committed
    assert report.refused == ["line 2: article is missing the required key 'title'."]
    assert nothing_changed()


def test_jsonl_unknown_key_is_refused_by_name(editor):
    bad = doc()
    bad["article"]["headline"] = "extra"
    report = import_jsonl(jsonl(bad), user=editor)
    assert report.refused[0].startswith("line 1: article has an unknown key 'headline'")
    extra = doc()
    extra["quotes"] = [{"kind": "direct", "fragments": [[0, 5]], "colour": "red"}]
    report = import_jsonl(jsonl(extra), user=editor)
    assert "quotes[0] has an unknown key 'colour'" in report.refused[0]
    assert nothing_changed()


def test_jsonl_offsets_outside_the_text_are_refused(editor):
    bad = doc(body="Short body.")
    bad["quotes"] = [{"kind": "indirect", "fragments": [[0, 500]]}]
    report = import_jsonl(jsonl(doc("Fine"), bad), user=editor)
    assert "line 2: quotes[0]:" in report.refused[0]
    assert "past the end of the article" in report.refused[0]
    assert nothing_changed()


def test_jsonl_text_that_disagrees_with_offsets_is_refused(editor):
    bad = doc(body="Alice said hello.")
    bad["quotes"] = [{"kind": "indirect", "fragments": [[0, 5]], "text": "Bobby"}]
    report = import_jsonl(jsonl(bad), user=editor)
    assert "does not match the body" in report.refused[0]
    assert nothing_changed()


def test_jsonl_malformed_line_refuses_the_whole_file(editor):
    report = import_jsonl(jsonl(doc("One")) + '{"format": "newsdesk-article/1",\n', user=editor)
    assert not report.committed
    assert report.refused[0].startswith("line 2: not valid JSON")
    assert "Nothing imported" in report.summary()
    assert nothing_changed()


def test_jsonl_wrong_types_and_formats_are_refused(editor):
    cases = [
        ([1, 2], "must be a JSON object"),
        ({**doc(), "format": "other/2"}, "Unknown document format"),
        ({**doc(), "quotes": [{"kind": "direct", "fragments": [["0", 5]]}]}, "pair of whole"),
        ({**doc(), "quotes": [{"kind": "sarcastic", "fragments": [[0, 5]]}]}, "sarcastic"),
        (doc(published_at="yesterday"), "not an ISO 8601"),
        (doc(body_file="/etc/passwd"), "only read from seed files"),
    ]
    for bad, message in cases:
        report = import_jsonl(json.dumps(bad), user=editor)
        assert message in report.refused[0], (bad, report.refused)
    assert nothing_changed()


def test_jsonl_crlf_file_and_bodies_are_normalised(editor):
    text = jsonl(doc("CRLF", "First line\r\nsecond line")).replace("\n", "\r\n")
    report = import_file("docs.jsonl", text.encode(), user=editor)
    assert report.committed, report.refused
    assert Article.objects.get().body == "First line\nsecond line"


def test_jsonl_nul_in_a_value_is_refused(editor):
    report = import_jsonl(jsonl(doc("Nul", "bad\u0000body")), user=editor)
    assert "NUL" in report.refused[0]
    assert nothing_changed()


def test_jsonl_import_does_not_suggest(editor):
    report = import_jsonl(jsonl(doc("Quiet", '"This is a long direct quote," she said.')))
    assert report.suggested == 0
    assert Quote.objects.count() == 0


# --------------------------------------------------------------------------- command


def test_import_articles_command(db, tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(jsonl(doc("Beta", "Beta body.")), encoding="utf-8")
    out = StringIO()
    call_command(
        "import_articles",
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.jsonl"),
        "--publisher",
        "Daily Example",
        "--no-suggest",
        stdout=out,
    )
    assert "a.txt: 1 imported" in out.getvalue()
    assert "b.jsonl: 1 imported" in out.getvalue()
    assert Quote.objects.count() == 0
    assert Outlet.objects.get().name == "Daily Example"


def test_import_articles_command_fails_on_refusal(db, tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"Title\n\xff\xfe")
    with pytest.raises(CommandError, match="1 refused"):
        call_command(
            "import_articles", str(tmp_path / "bad.txt"), stdout=StringIO(), stderr=StringIO()
        )
    assert nothing_changed()


# --------------------------------------------------------------------------- page


def test_import_page_for_editors(client, editor):
    client.force_login(editor)
    response = client.get("/import/")
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    response = client.post("/import/", {"text": TEXT, "publisher": "", "suggest": ""})
    assert response.status_code == 302  # to the import's job, run by a worker
    jobs.run_queued()
    assert "1 imported" in client.get(response["Location"]).content.decode()
    assert Article.objects.get().created_by == editor


def test_import_page_upload_reports_refused_lines_and_keeps_the_others(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    upload = SimpleUploadedFile("docs.jsonl", (jsonl(doc("Ok")) + "{oops\n").encode())
    response = client.post("/import/", {"file": upload})
    assert response.status_code == 302
    jobs.run_queued()
    page = client.get(response["Location"]).content.decode()
    assert "1 imported" in page and "line 2: not valid JSON" in page
    assert list(Article.objects.values_list("title", flat=True)) == ["Ok"]


def test_import_page_escapes_titles(client, editor):
    client.force_login(editor)
    client.post("/import/", {"text": "<script>alert(1)</script>\nBody text here."})
    response = client.post("/import/", {"text": "<script>alert(1)</script>\nBody text here."})
    jobs.run_queued()
    response = client.get(response["Location"])
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_import_page_is_for_editors_and_admins_only(client, analyst, admin_user):
    assert client.get("/import/").status_code == 302  # anonymous: to the login page
    client.force_login(analyst)
    assert client.get("/import/").status_code == 403
    assert client.post("/import/", {"text": TEXT}).status_code == 403
    assert nothing_changed()
    client.force_login(admin_user)
    assert client.get("/import/").status_code == 200


def test_import_page_needs_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post("/import/", {"text": TEXT}).status_code == 403
    assert nothing_changed()
    page = client.get("/import/")
    token = page.cookies["csrftoken"].value
    response = client.post("/import/", {"text": TEXT, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    jobs.run_queued()
    assert Article.objects.count() == 1


def test_import_page_needs_text_or_a_file(client, editor):
    client.force_login(editor)
    response = client.post("/import/", {"text": "  "})
    assert response.status_code == 400
    assert "Paste some text or choose a file" in response.content.decode()
    assert Speaker.objects.count() == 0


def test_import_report_links_to_the_articles_it_made(client, editor):
    from annotations import jobs

    client.force_login(editor)
    response = client.post("/import/", {"text": TEXT, "publisher": "", "suggest": ""})
    jobs.run_queued()
    article = Article.objects.get()
    report = client.get(response["Location"]).content.decode()
    assert f'<a href="{article.get_absolute_url()}">{article.title}</a>' in report
