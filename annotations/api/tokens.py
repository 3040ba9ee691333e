"""The page where a signed-in user creates, replaces or revokes their own API token."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token


@require_http_methods(["GET", "POST"])
@login_required
def api_token(request):
    """GET shows the user's token (if any); POST ``action=create`` makes a new one (revoking
    the old) and ``action=revoke`` deletes it."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in {"create", "revoke"}:
            return HttpResponseBadRequest("Unknown action: use create or revoke.")
        with transaction.atomic():
            Token.objects.filter(user=request.user).delete()
            if action == "create":
                Token.objects.create(user=request.user)
        return redirect("api-token")
    token = Token.objects.filter(user=request.user).first()
    return render(request, "annotations/tokens.html", {"token": token})
