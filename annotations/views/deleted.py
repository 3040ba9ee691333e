"""Deleted articles, speakers and outlets, waiting to be restored."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from ..models import Article, Outlet, Speaker
from ..permissions import can_edit
from .common import editor_required

DELETED_KINDS = {"article": Article, "speaker": Speaker, "outlet": Outlet}
DELETED_LIMIT = 200


@require_GET
@login_required
def deleted_list(request):
    """What was deleted, newest first, with who and when; editors restore from here."""
    sections = [
        (
            kind,
            model._meta.verbose_name_plural.capitalize(),
            list(
                model.all_objects.filter(deleted_at__isnull=False)
                .select_related("deleted_by")
                .defer(*(["body"] if model is Article else []))
                .order_by("-deleted_at", "-pk")[:DELETED_LIMIT]
            ),
        )
        for kind, model in DELETED_KINDS.items()
    ]
    context = {"sections": sections, "can_edit": can_edit(request.user)}
    return render(request, "annotations/deleted.html", context)


@require_POST
@editor_required
def deleted_restore(request, kind: str, pk: int):
    model = DELETED_KINDS.get(kind)
    if model is None:
        raise Http404
    row = get_object_or_404(model.all_objects.all(), pk=pk)
    with transaction.atomic():
        row.restore(by=request.user)
    name = row.title if model is Article else row.name
    messages.success(request, f"Restored {name}.")
    return redirect(row)
