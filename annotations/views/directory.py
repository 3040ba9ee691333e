"""Speakers and outlets: their lists and pages, each with its quotes."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ..models import Outlet, Quote, Speaker
from .common import PAGE_SIZE
from .entities import ENTITIES, render_entity_page


@require_GET
@login_required
def speaker_list(request):
    term = request.GET.get("q", "").strip()
    speakers = Speaker.objects.matching(term) if term else Speaker.objects.all()
    live = Q(quotes__deleted_at__isnull=True) & ~Q(quotes__status=Quote.Status.REJECTED)
    speakers = speakers.annotate(quote_count=Count("quotes", filter=live)).order_by("name", "id")
    page = Paginator(speakers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/speaker_list.html",
        {"page": page, "q": term, "query": urlencode({"q": term} if term else {})},
    )


@require_GET
@login_required
def speaker_detail(request, pk):
    speaker = get_object_or_404(Speaker.objects.prefetch_related("aliases"), pk=pk)
    return render_entity_page(request, ENTITIES["speaker"], speaker)


@require_GET
@login_required
def outlet_list(request):
    term = request.GET.get("q", "").strip()
    outlets = Outlet.objects.matching(term) if term else Outlet.objects.all()
    outlets = outlets.annotate(article_count=Count("articles")).order_by("name", "id")
    page = Paginator(outlets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/outlet_list.html",
        {"page": page, "q": term, "query": urlencode({"q": term} if term else {})},
    )


@require_GET
@login_required
def outlet_detail(request, pk):
    outlet = get_object_or_404(Outlet.objects.prefetch_related("aliases"), pk=pk)
    return render_entity_page(request, ENTITIES["outlet"], outlet)
