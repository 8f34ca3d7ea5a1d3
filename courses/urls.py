from django.urls import path

from . import community_views, views

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

urlpatterns += [
    path("community/", community_views.community_index, name="community"),
    path(
        "community/centres/<int:centre_id>/ask/",
        community_views.community_ask,
        name="community_ask",
    ),
    path(
        "community/requests/<int:request_id>/",
        community_views.community_request,
        name="community_request",
    ),
    path(
        "community/requests/<int:request_id>/second/",
        community_views.community_second,
        name="community_second",
    ),
    path(
        "community/requests/<int:request_id>/sessions/<int:session_id>/join/",
        community_views.community_join,
        name="community_join",
    ),
    path(
        "community/requests/<int:request_id>/sessions/<int:session_id>/rate/",
        community_views.community_rate,
        name="community_rate",
    ),
    path("community/centre/", community_views.community_organiser, name="community_organiser"),
    path(
        "community/centre/<int:request_id>/pass-on/",
        community_views.community_pass_on,
        name="community_pass_on",
    ),
    path(
        "community/centre/<int:request_id>/decline/",
        community_views.community_decline,
        name="community_decline",
    ),
    path("community/demand/", community_views.community_demand, name="community_demand"),
    path(
        "community/demand/<int:request_id>/take-up/",
        community_views.community_take_up,
        name="community_take_up",
    ),
    path(
        "community/demand/<int:request_id>/",
        community_views.community_school_request,
        name="community_school_request",
    ),
    path(
        "community/demand/<int:request_id>/done/",
        community_views.community_complete,
        name="community_complete",
    ),
]
