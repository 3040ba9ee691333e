"""The API at /api/v1/: the router's endpoints, the OpenAPI schema and its browsable docs
(Swagger UI served from drf-spectacular-sidecar's static files; the page's script is a
separate request, so it runs under the site's Content-Security-Policy)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import jobs, views

app_name = "api"

router = DefaultRouter()
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("speakers", views.SpeakerViewSet, basename="speaker")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("quotes", views.QuoteViewSet, basename="quote")
router.register("jobs", jobs.JobViewSet, basename="job")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("articles/suggest/", jobs.suggest_articles, name="articles-suggest"),
    path("imports/", jobs.import_articles, name="imports"),
    path("exports/", jobs.export_articles, name="exports"),
    *router.urls,
    # Anything else under /api/v1/ is a JSON 404 too, not the site's HTML page.
    re_path(r"^", views.not_found),
]
