from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config


class LanguageMiddleware:
    """Chinese unless the person chose otherwise.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which on many phones
    sold here says English even for readers of Chinese; the chosen language lives in a cookie
    set by the switcher on every page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's looser policy under its paths.

    Without a nonce in that policy: a nonce would make browsers ignore its 'unsafe-inline'.
    """

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        admin = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None)
        if (
            admin
            and not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(admin["PATH_PREFIXES"]))
        ):
            parts.config = default_config(admin["DIRECTIVES"])
            parts.nonce = None
        return parts


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY ({feature: [origins]}, [] for none) on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in getattr(settings, "PERMISSIONS_POLICY", {}).items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH padding), for text only: pages, JSON, JS, CSS, SVG and
    HLS playlists. Video, audio and images are compressed already, and a byte range of a file
    must stay that range, so those pass through untouched. Static files are served already
    compressed by WhiteNoise (``.gz``/``.br`` made by ``collectstatic``) and carry their
    ``Content-Encoding``, which this leaves alone."""

    TEXT_TYPES = (
        "text/",
        "application/json",
        "application/javascript",
        "application/ld+json",
        "application/problem+json",
        "application/xml",
        "image/svg+xml",
        "application/vnd.apple.mpegurl",
    )

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").lower()
        if response.status_code == 206 or not content_type.startswith(self.TEXT_TYPES):
            return response
        return super().process_response(request, response)
