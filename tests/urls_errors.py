"""The project's URLs plus views that fail on purpose, for the error-handling tests."""

from django.db import connection
from django.urls import path
from rest_framework.decorators import api_view

from newsdesk.urls import *  # noqa: F403  (the error handlers too)
from newsdesk.urls import urlpatterns as project_urlpatterns


def boom(request):
    connection.ensure_connection()
    raise RuntimeError("page failed")


@api_view(["GET"])
def api_boom(request):
    raise RuntimeError("api failed")


urlpatterns = [
    path("boom/", boom),
    path("api/v1/boom/", api_boom),
    *project_urlpatterns,
]
