from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from annotations.api import tokens

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says; the file's unhashed name is
    # stable (WhiteNoise serves it beside the hashed copy), so the redirect may be permanent.
    path(
        "favicon.ico",
        RedirectView.as_view(url=f"/{settings.STATIC_URL.strip('/')}/favicon.svg", permanent=True),
    ),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include("annotations.api.urls")),
    path("account/token/", tokens.api_token, name="api-token"),
    path("", include("annotations.urls")),
]

handler400 = "annotations.errors.bad_request"
handler403 = "annotations.errors.permission_denied"
handler404 = "annotations.errors.page_not_found"
handler500 = "annotations.errors.server_error"
