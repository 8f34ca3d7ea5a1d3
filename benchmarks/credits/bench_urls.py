"""The project's URLs plus one bare JSON view, the baseline report_endpoint.py measures against.

Only the benchmark's server loads this module (report_endpoint.wsgi_application points
ROOT_URLCONF here); the application never does.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.http import require_POST


@require_POST
def bare(request: HttpRequest) -> JsonResponse:
    """Session lookup, user lookup, CSRF check and middleware, and nothing else."""
    if not request.user.is_authenticated:
        return JsonResponse({"code": "unauthenticated"}, status=401)
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/bare", bare),
    path("", include("lms.urls")),
]
