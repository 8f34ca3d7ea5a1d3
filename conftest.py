"""Fixtures every test may use. Django-specific imports stay inside fixtures, so the pure
media tests can run without Django."""

import pytest


def _django_active(request) -> bool:
    return request.config.pluginmanager.hasplugin("django")


@pytest.fixture(autouse=True)
def _media_root(request, tmp_path_factory):
    """Every test writes media into a folder of its own, never into var/media."""
    if _django_active(request):
        settings = request.getfixturevalue("settings")
        settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    yield


@pytest.fixture
def sms_outbox():
    from lms.accounts.sms import MemorySmsSender

    MemorySmsSender.outbox.clear()
    yield MemorySmsSender.outbox
    MemorySmsSender.outbox.clear()


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Rate limits live in the cache; each test starts with a clean slate."""
    if _django_active(request):
        from django.core.cache import cache

        cache.clear()
    yield
