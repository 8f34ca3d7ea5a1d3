from django.conf import settings
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from credits.api import api as study_api
from credits.certification import urls as certification_urls
from credits.certification import views as certification_views

from . import views
from .accounts import views as account_views


class RowIdConverter:
    """A row id as a URL carries it: digits that fit a 64-bit column (SQLite overflows past)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RowIdConverter, "id")

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "accounts/login/code/confirm/",
        account_views.confirm_login_code,
        name="account_confirm_login_code",
    ),
    path("accounts/identity/", account_views.identity, name="account_identity"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path(
        "learn/classroom/<int:session_id>/check-out/",
        views.classroom_check_out,
        name="classroom_check_out",
    ),
    path("learn/quiz/<int:lesson_id>/<str:block_id>/", views.quiz, name="quiz"),
    path("learn/", include("courses.urls")),
    path("hours/", include("credits.urls")),
    path("certificates/", include(certification_urls.learner_urls)),
    path("review/", include(certification_urls.review_urls)),
    path("programme/", include("lms.programmes.urls")),
    path("verify/<str:public_id>/", certification_views.verify, name="verify"),
    path(
        "credentials/issuers/<id:org_id>",
        certification_views.issuer_profile,
        name="credential_issuer",
    ),
    path(
        "credentials/achievements/programme-<id:programme_id>",
        certification_views.achievement,
        name="credential_achievement",
    ),
    path(
        "credentials/issuers/<id:org_id>/status/<id:list_id>",
        certification_views.status_list,
        name="credential_status_list",
    ),
    path("api/", study_api.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("media-pipeline/", include("media_pipeline.urls")),
]

if settings.DEBUG and settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", views.media_file))
if settings.STATIC_URL.startswith("/"):
    urlpatterns.append(path(f"{settings.STATIC_URL.strip('/')}/<path:name>", views.missing_file))

urlpatterns += [path("", include(wagtail_urls))]
