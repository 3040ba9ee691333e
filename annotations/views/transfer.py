"""Getting articles in and out: the import page (paste text or upload a ``.txt``,
``.html`` or ``.jsonl`` file, then read the report), the JSON Lines export of every article
and the W3C Web Annotation export of one article's quotes."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .. import jobs
from ..documents import articles_jsonl_lines
from ..exporting import web_annotation_collection
from ..forms import ImportForm
from ..models import Article
from ..permissions import can_edit


def _require_editor(request) -> None:
    if not can_edit(request.user):
        raise PermissionDenied("Only editors and admins may import articles.")


@require_http_methods(["GET", "POST"])
@login_required
def import_page(request):
    """Editors paste or upload articles here. The file is checked at once (type, size,
    encoding) and its articles are imported by a background job: the answer is a redirect
    to the job's page, which shows the progress and then what was imported, skipped and
    refused."""
    _require_editor(request)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            publisher = data["publisher"].strip() or None
            try:
                if data["file"]:
                    upload = data["file"]
                    job = jobs.start_import(
                        upload.name,
                        upload.read(),
                        publisher=publisher,
                        user=request.user,
                        suggest=data["suggest"],
                    )
                else:
                    job = jobs.start_text_import(
                        data["text"],
                        title=data["title"],
                        publisher=publisher,
                        user=request.user,
                        suggest=data["suggest"],
                    )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return redirect(job)
        status = 400
    else:
        form = ImportForm()
        status = 200
    return render(request, "annotations/import.html", {"form": form}, status=status)


@require_GET
@login_required
def export_articles_jsonl(request):
    """Every article with its quotes, speakers and outlets, one document a line."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in articles_jsonl_lines()),
        content_type="application/x-ndjson; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="newsdesk-articles.jsonl"'
    return response


@require_GET
@login_required
def article_annotations_jsonld(request, pk: int):
    """One article's quotes as a W3C Web Annotation collection (JSON-LD)."""
    article = get_object_or_404(Article, pk=pk)
    collection = web_annotation_collection(article, base_url=request.build_absolute_uri("/"))
    return HttpResponse(
        json.dumps(collection, ensure_ascii=False, indent=2),
        content_type='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    )
