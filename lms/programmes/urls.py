from django.urls import path

from . import application_views, claim_views, views

app_name = "programmes"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("applications/", application_views.office_queue, name="applications"),
    path("applications/<int:pk>/", application_views.office_detail, name="application"),
    path(
        "applications/<int:pk>/decide/", application_views.office_decide, name="application_decide"
    ),
    path("claims/", claim_views.office_queue, name="claims"),
    path("claims/<int:pk>/", claim_views.office_detail, name="claim"),
    path("claims/<int:pk>/decide/", claim_views.office_decide, name="claim_decide"),
    path("claims/<int:pk>/claim.<str:fmt>", claim_views.office_export, name="claim_export"),
]
