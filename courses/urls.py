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
    path("roster/<int:cycle_id>/", views.roster, name="roster"),
    path("teaching/", views.teaching, name="teaching"),
]
