from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("enrol/<int:course_id>/", views.enrol, name="enrol"),
    path("leave/<int:course_id>/", views.leave, name="leave"),
    path("classroom/<int:session_id>/", views.classroom, name="classroom"),
    path("classroom/<int:session_id>/check-in/", views.check_in, name="check_in"),
    path("classroom/<int:session_id>/check-out/", views.check_out, name="check_out"),
    path("classroom/<int:session_id>/qr/", views.qr_screen, name="qr_screen"),
    path(
        "classroom/<int:session_id>/attendance/",
        views.attendance_roster,
        name="attendance_roster",
    ),
    path(
        "classroom/<int:session_id>/attendance/<int:attendance_id>/confirm/",
        views.attendance_decide,
        {"decision": "confirm"},
        name="attendance_confirm",
    ),
    path(
        "classroom/<int:session_id>/attendance/<int:attendance_id>/remove/",
        views.attendance_decide,
        {"decision": "remove"},
        name="attendance_remove",
    ),
    path(
        "classroom/<int:session_id>/attendance/confirm-remaining/",
        views.attendance_confirm_remaining,
        name="attendance_confirm_remaining",
    ),
    path("roster/<int:cycle_id>/", views.roster, name="roster"),
    path("teaching/", views.teaching, name="teaching"),
    path("lessons/<int:lesson_id>/questions/", views.ask_question, name="ask_question"),
]
