"""CREDENTIAL_BASE_URL is required in production and must be an https origin this site serves:
otherwise the site refuses to start, saying why."""

from django.core.exceptions import ImproperlyConfigured

import pytest

from lms.settings.origins import https_origin
from tests.helpers import start_production_settings

HOSTS = ["nightschool.example", "localhost"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "it is not set"),
        ("nightschool.example", "it must start with https://"),
        ("http://nightschool.example", "it must start with https://"),
        ("https://nightschool.example/school", "it must not have a path"),
        ("https://nightschool.example/?a=1", "it must not have a query or fragment"),
        ("https://nightschool.example#top", "it must not have a query or fragment"),
        ("https://admin:pw@nightschool.example", "user name or password"),
        ("https://nightschool.example:99999", "is not a URL"),
        ("https://elsewhere.example", "not in DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_a_bad_base_url_is_refused_with_its_reason(value, reason):
    with pytest.raises(ImproperlyConfigured, match="CREDENTIAL_BASE_URL") as refused:
        https_origin(value, name="CREDENTIAL_BASE_URL", allowed_hosts=HOSTS)
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    ("value", "origin"),
    [
        ("https://nightschool.example", "https://nightschool.example"),
        (" https://NightSchool.example/ ", "https://nightschool.example"),
        ("https://nightschool.example:8443", "https://nightschool.example:8443"),
        ("http://localhost:8000", "http://localhost:8000"),  # a trial on one machine
    ],
)
def test_a_good_base_url_reads_as_a_bare_origin(value, origin):
    assert https_origin(value, name="CREDENTIAL_BASE_URL", allowed_hosts=HOSTS) == origin


def _production(base_url: str | None):
    return start_production_settings(
        "import lms.settings.production as s; print(s.CREDENTIAL_BASE_URL)",
        CREDENTIAL_BASE_URL=base_url,
    )


def test_production_does_not_start_without_an_https_base_url():
    missing = _production(None)
    assert missing.returncode != 0
    assert "CREDENTIAL_BASE_URL must be the https origin of this site" in missing.stderr
    plain = _production("http://nightschool.example")
    assert plain.returncode != 0 and "it must start with https://" in plain.stderr

    started = _production("https://nightschool.example/")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "https://nightschool.example"
