"""The public verification page for a certificate that does not exist: a friendly page in the
reader's language, in the site's layout, with a way back, and a 404, with DEBUG on or off."""

from django.urls import reverse

import pytest

from credits.certification.models import VerificationLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    ("language", "heading", "way_back"),
    [
        ("zh-hans", "未找到证书", "返回夜校首页"),
        ("en", "Certificate not found", "Back to Night School"),
    ],
)
def test_a_missing_certificate_answers_a_friendly_404_in_the_readers_language(
    client, settings, debug, language, heading, way_back
):
    settings.DEBUG = debug
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    for public_id in ("NoSuchCertificate0000", "NS-2026.000123"):  # a dot is no slug either
        response = client.get(reverse("verify", args=[public_id]))

        page = response.content.decode()
        assert response.status_code == 404
        assert heading in page and way_back in page
        assert 'class="top-nav"' in page  # the site's own layout
        assert f'href="{reverse("home")}"' in page
        assert "Django tried these URL patterns" not in page
        assert "Technical" not in page and "Traceback" not in page
    assert not VerificationLog.objects.exists()
