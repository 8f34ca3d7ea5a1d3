from django.urls import path

from . import views

app_name = "credits"
urlpatterns = [
    path("", views.my_hours, name="my_hours"),
    path("xapi.json", views.my_statements, name="xapi"),
]
