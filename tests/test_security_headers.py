"""Every page says what it may load (Content-Security-Policy) and which browser features it may
use (Permissions-Policy); learner pages allow no inline script or style at all."""

import re
from pathlib import Path

import pytest

from lms.settings import base

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def test_learner_pages_allow_only_this_sites_scripts_and_styles(client):
    policy = directives(client.get("/")["Content-Security-Policy"])

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "blob:" in policy["media-src"] and "blob:" in policy["worker-src"]


def test_login_and_catalogue_pages_carry_the_same_strict_policy(client):
    from courses.services import catalogue_get_or_create

    catalogue = catalogue_get_or_create()
    for path in ("/accounts/login/", "/accounts/login/code/", catalogue.url):
        policy = directives(client.get(path)["Content-Security-Policy"])
        assert "'unsafe-inline'" not in policy["script-src"], path
        assert "'unsafe-inline'" not in policy["style-src"], path


def test_a_template_asking_for_a_nonce_gets_it_in_the_header(rf):
    from django.http import HttpResponse

    from lms.middleware import ContentSecurityPolicyMiddleware

    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    request = rf.get("/")
    middleware = ContentSecurityPolicyMiddleware(view)
    response = middleware(request)

    nonce = re.search(r"nonce='([^']+)'", response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in directives(response["Content-Security-Policy"])["script-src"]


def test_admin_gets_its_looser_policy_without_a_nonce(client):
    header = client.get("/admin/login/")["Content-Security-Policy"]
    policy = directives(header)

    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "nonce-" not in header


def test_permissions_policy_denies_camera_microphone_and_location(client):
    header = client.get("/")["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))

    assert features["camera"] == "()"
    assert features["microphone"] == "()"
    assert features["geolocation"] == "()"
    assert features["payment"] == "()"
    assert features["fullscreen"] == "(self)"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, []),
        (
            {"AWS_STORAGE_BUCKET_NAME": "lessons", "AWS_S3_CUSTOM_DOMAIN": "cdn.example.org/v"},
            ["https://cdn.example.org"],
        ),
        (
            {
                "AWS_STORAGE_BUCKET_NAME": "lessons",
                "AWS_S3_CUSTOM_DOMAIN": None,
                "AWS_S3_ENDPOINT_URL": "https://s3.example.org:9000",
            },
            ["https://s3.example.org:9000", "https://lessons.s3.example.org:9000"],
        ),
        (
            {
                "AWS_STORAGE_BUCKET_NAME": "lessons",
                "AWS_S3_CUSTOM_DOMAIN": None,
                "AWS_S3_ENDPOINT_URL": None,
                "AWS_S3_REGION_NAME": "ap-east-1",
            },
            [
                "https://lessons.s3.amazonaws.com",
                "https://lessons.s3.ap-east-1.amazonaws.com",
            ],
        ),
        ({"MEDIA_URL": "https://media.example.org/media/"}, ["https://media.example.org"]),
    ],
)
def test_media_from_the_bucket_or_cdn_is_allowed(monkeypatch, env, expected):
    monkeypatch.setattr(base, "AWS_STORAGE_BUCKET_NAME", "")
    monkeypatch.setattr(base, "MEDIA_URL", "/media/")
    for name, value in env.items():
        monkeypatch.setattr(base, name, value, raising=False)

    assert base.media_origins() == expected


LEARNER_TEMPLATES = [
    *(ROOT / "lms" / "templates").rglob("*.html"),
    *(ROOT / "courses" / "templates").rglob("*.html"),
    *(ROOT / "credits" / "templates").rglob("*.html"),
    *(ROOT / "credits" / "certification" / "templates").rglob("*.html"),
    *(ROOT / "media_pipeline" / "templates" / "media_pipeline" / "blocks").rglob("*.html"),
]


@pytest.mark.parametrize(
    "template",
    [t for t in LEARNER_TEMPLATES if "/admin/" not in str(t)],
    ids=lambda t: str(t.relative_to(ROOT)),
)
def test_no_learner_template_has_inline_script_or_style(template):
    html = template.read_text()
    inline_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and "nonce=" not in tag and "application/json" not in tag
    ]
    assert inline_scripts == []
    assert re.findall(r"<style\b(?![^>]*nonce=)[^>]*>", html) == []
    assert re.findall(r"\sstyle\s*=", html) == []
    assert re.findall(r"\son[a-z]+\s*=\s*[\"']", html) == []
