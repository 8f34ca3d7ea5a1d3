from django.urls import path

from . import statistics_views, views

app_name = "programmes"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("statistics/", statistics_views.dashboard, name="statistics"),
    path("statistics/refresh/", statistics_views.refresh, name="statistics_refresh"),
    path("statistics/<slug:name>.svg", statistics_views.chart, name="statistics_chart"),
    path("statistics/<slug:name>.csv", statistics_views.table_csv, name="statistics_csv"),
]
