"""Pages and files as they travel to a phone: compressed text, hashed static files cached for a
year, an icon, and a short 404 for a missing file, under `make run`'s DEBUG as in production."""

import gzip
import io
import re
from pathlib import Path

from django.conf import settings as django_settings
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

import pytest
from PIL import Image

from lms import views
from lms.middleware import TextGZipMiddleware

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SITE_CSS = ROOT / "lms" / "static" / "lms" / "site.css"
HASHED = {"staticfiles": {"BACKEND": "lms.staticfiles.HashedCompressedStaticFilesStorage"}}


def test_pages_are_sent_compressed_to_a_browser_that_takes_gzip(client):
    plain = client.get("/")
    packed = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert "<html" in page and len(packed.content) < len(plain.content)


def _through_middleware(response: HttpResponse) -> HttpResponse:
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    return TextGZipMiddleware(lambda request: response)(request)


@pytest.mark.parametrize(
    "content_type",
    ["text/html; charset=utf-8", "application/json", "text/css", "application/vnd.apple.mpegurl"],
)
def test_text_is_compressed(content_type):
    response = _through_middleware(
        HttpResponse(b"a line of text\n" * 100, content_type=content_type)
    )

    assert response["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "content_type", ["video/mp4", "audio/mp4", "image/jpeg", "application/pdf"]
)
def test_media_and_files_already_compressed_pass_untouched(content_type):
    body = bytes(range(256)) * 20
    response = _through_middleware(HttpResponse(body, content_type=content_type))

    assert "Content-Encoding" not in response
    assert response.content == body


def test_a_byte_range_stays_the_bytes_asked_for():
    partial = HttpResponse(b"#EXTM3U\n" * 200, content_type="application/vnd.apple.mpegurl")
    partial.status_code = 206
    partial["Content-Range"] = "bytes 0-1599/3200"

    response = _through_middleware(partial)

    assert "Content-Encoding" not in response and len(response.content) == 1600


@pytest.fixture(scope="module")
def collected_root(tmp_path_factory):
    """collectstatic as `make run` does it, once, into a folder of the tests' own; the admin's
    files are left out (they are many, and these pages do not name them)."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES={**django_settings.STORAGES, **HASHED}):
        call_command(
            "collectstatic",
            interactive=False,
            verbosity=0,
            ignore_patterns=["wagtail*", "django_*"],
        )
    return root


@pytest.fixture
def collected(collected_root, settings):
    settings.STATIC_ROOT = collected_root
    settings.STORAGES = {**settings.STORAGES, **HASHED}
    settings.WHITENOISE_USE_FINDERS = False
    return collected_root


@pytest.mark.parametrize("debug", [False, True], ids=["production", "make-run"])
def test_static_files_have_hashed_names_are_compressed_and_cached_for_good(
    client, collected, settings, debug
):
    settings.DEBUG = debug
    page = client.get("/").content.decode()
    css = re.search(r'href="(/static/lms/site\.[0-9a-f]{12}\.css)"', page)
    assert css, "the page names the stylesheet by its content's hash"
    assert re.search(r'rel="icon" href="/static/lms/favicon\.[0-9a-f]{12}\.svg"', page)

    response = client.get(css.group(1), HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    body = b"".join(response.streaming_content)
    assert gzip.decompress(body) == SITE_CSS.read_bytes()


def test_favicon_ico_is_an_icon_cached_for_a_week(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "max-age=604800" in response["Cache-Control"]
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


@override_settings(DEBUG=True)
def test_a_missing_static_file_is_a_short_404_even_with_debug_on(client):
    response = client.get("/static/lms/no-such-file.css")

    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert len(response.content) < 100 and b"Traceback" not in response.content


def test_a_missing_media_file_under_make_run_is_a_short_404(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "poster.jpg").write_bytes(b"\xff\xd8\xff\xe0 a jpeg")
    request = RequestFactory().get("/media/poster.jpg")

    assert views.media_file(request, "poster.jpg").status_code == 200
    missing = views.media_file(request, "gone.jpg")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/plain")
