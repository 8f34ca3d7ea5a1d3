from django.urls import path

from . import views

app_name = "media_pipeline_admin"

urlpatterns = [
    path("", views.admin_index, name="index"),
    path("upload/", views.admin_upload, name="upload"),
    path("upload/start/", views.admin_upload_start, name="upload_start"),
    path("upload/<uuid:upload_id>/", views.admin_upload_chunk, name="upload_chunk"),
    path("status/", views.admin_status, name="status"),
    path("<int:pk>/", views.admin_detail, name="detail"),
    path("<int:pk>/retry/", views.admin_retry, name="retry"),
    path("<int:pk>/delete/", views.admin_delete, name="delete"),
]
