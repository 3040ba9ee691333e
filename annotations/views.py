from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Article, Outlet, Speaker


@require_GET
@login_required
def article_list(request):
    articles = Article.objects.with_counts().select_related("publisher")[:50]
    return render(request, "annotations/article_list.html", {"articles": articles})


@require_GET
@login_required
def article_detail(request, pk):
    article = get_object_or_404(Article.objects.select_related("publisher"), pk=pk)
    return render(request, "annotations/article_detail.html", {"article": article})


@require_GET
@login_required
def speaker_detail(request, pk):
    speaker = get_object_or_404(Speaker, pk=pk)
    return render(request, "annotations/speaker_detail.html", {"speaker": speaker})


@require_GET
@login_required
def outlet_detail(request, pk):
    outlet = get_object_or_404(Outlet, pk=pk)
    return render(request, "annotations/outlet_detail.html", {"outlet": outlet})
