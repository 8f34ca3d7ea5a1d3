from django.urls import path

from . import views

learner_urls = (
    [
        path("", views.my_certificates, name="mine"),
        path("apply/<int:programme_id>/", views.apply, name="apply"),
        path("applications/<int:application_id>/respond/", views.respond, name="respond"),
        path("transcript.zip", views.transcript, name="transcript"),
        path("<slug:public_id>/pdf", views.certificate_pdf, name="pdf"),
        path("<slug:public_id>/credential", views.credential, name="credential"),
    ],
    "certificates",
)

review_urls = (
    [
        path("", views.queue, name="queue"),
        path("<int:application_id>/", views.review, name="application"),
        path("<int:application_id>/decide/", views.decide, name="decide"),
        path("<int:application_id>/exam/", views.record_exam, name="exam"),
        path("certificates/<int:certificate_id>/revoke/", views.revoke, name="revoke"),
        path("roster.csv", views.roster, {"fmt": "csv"}, name="roster_csv"),
        path("roster.xlsx", views.roster, {"fmt": "xlsx"}, name="roster_xlsx"),
    ],
    "review",
)
