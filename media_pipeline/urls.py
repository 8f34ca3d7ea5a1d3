"""Public URLs: the derived files of lesson videos when they live in local storage."""

from django.urls import path

from . import views

app_name = "media_pipeline"

urlpatterns = [
    path("files/<path:path>", views.serve_file, name="file"),
]
