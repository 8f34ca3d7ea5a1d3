"""Fixtures for the credential tests. Almost all of them are plain Python (no database,
no settings): they run under ``-p no:django`` too. ``django_settings`` skips the few that
need Django when its plugin is off."""

from typing import Any

import pytest

from tests.credentials.helpers import Issuer, build_certificate


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
def certificate() -> dict[str, Any]:
    return build_certificate()


@pytest.fixture
def signed(issuer: Issuer, certificate: dict[str, Any]) -> dict[str, Any]:
    issuer.publish_status_list(set())
    return issuer.sign(certificate)


@pytest.fixture
def django_settings(request: pytest.FixtureRequest) -> Any:
    if not request.config.pluginmanager.hasplugin("django"):
        pytest.skip("needs the pytest-django plugin (settings only, no database)")
    return request.getfixturevalue("settings")
