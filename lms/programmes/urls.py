from django.urls import path

from . import catalogue_views, views

app_name = "programmes"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("catalogue/", catalogue_views.catalogue_years, name="catalogue_years"),
    path("catalogue/<int:pk>/", catalogue_views.catalogue_year, name="catalogue_year"),
    path("catalogue/<int:pk>/import/", catalogue_views.catalogue_import, name="catalogue_import"),
    path(
        "catalogue/<int:pk>/publish/", catalogue_views.catalogue_publish, name="catalogue_publish"
    ),
    path("catalogue/<int:pk>/copy/", catalogue_views.catalogue_copy, name="catalogue_copy"),
]
