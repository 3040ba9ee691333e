from django.urls import path

from . import views

app_name = "annotations"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("speakers/<int:pk>/", views.speaker_detail, name="speaker-detail"),
    path("outlets/<int:pk>/", views.outlet_detail, name="outlet-detail"),
]
