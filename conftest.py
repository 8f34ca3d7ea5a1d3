"""Fixtures every test may use. Django-specific imports stay inside fixtures, so the pure
media tests can run without Django."""

import pytest


def _django_active(request) -> bool:
    return request.config.pluginmanager.hasplugin("django")


@pytest.fixture(autouse=True)
def _media_root(request, tmp_path_factory):
    """Every test writes media (and ledger checkpoints) into folders of its own, never var/."""
    if _django_active(request):
        settings = request.getfixturevalue("settings")
        settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
        settings.LEDGER_CHECKPOINT_DIR = tmp_path_factory.mktemp("ledger-checkpoints")
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


@pytest.fixture(autouse=True)
def _migrated_rows(request):
    """Put back what migrations made and a transactional test's flush removed.

    Tests with ``transaction=True`` end by emptying every table: Wagtail's root page, root
    collection, locale and default site go, and so would they for every test after. On SQLite,
    the ledger's append-only triggers (which also block that emptying) are lifted for the
    flush and restored here. Tests without a database are left alone.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not _django_active(request):
        yield
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    _ensure_wagtail_rows()
    _ledger_triggers(on=True)
    yield
    if transactional:
        _when_unlocked(lambda: _ledger_triggers(on=False))


def _when_unlocked(action, *, attempts: int = 100, pause: float = 0.1) -> None:
    """Run ``action``, waiting while a live server thread still reads the shared in-memory
    SQLite database: a browser that has just closed its page may leave a request in flight,
    and until it ends SQLite refuses to change the schema ("database table is locked")."""
    import time

    from django.db import OperationalError

    for attempt in range(attempts):
        try:
            action()
            return
        except OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(pause)


def _ensure_wagtail_rows() -> None:
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Collection, Locale, Page, Site

    if Page.get_first_root_node() is not None and Site.objects.exists():
        return
    ContentType.objects.clear_cache()  # ids change when the tables are emptied and refilled
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.get_children().first() or root.add_child(
        instance=Page(title="Night School", slug="home")
    )
    if not Site.objects.exists():
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


def _ledger_triggers(*, on: bool) -> None:
    """Lift (or put back) what stops a flush: the append-only and balance triggers on SQLite,
    where a flush is DELETE; the TRUNCATE refusals on PostgreSQL, where it is TRUNCATE."""
    import importlib

    from django.db import connection

    append_only = importlib.import_module("credits.migrations.0002_ledger_append_only")
    guarded = importlib.import_module("credits.migrations.0009_ledger_truncate_and_balance_guarded")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in append_only.SQLITE_DOWN + guarded.SQLITE_DOWN:
                cursor.execute(statement)
            if on:
                for statement in append_only.SQLITE_UP + guarded.SQLITE_UP:
                    cursor.execute(statement)
        elif connection.vendor == "postgresql":
            for table, trigger in guarded.POSTGRES_TRUNCATE_TRIGGERS:
                cursor.execute(
                    "SELECT t.tgenabled = 'D' FROM pg_trigger t"
                    " JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname = %s AND t.tgname = %s",
                    [table, trigger],
                )
                row = cursor.fetchone()
                if row is not None and row[0] == on:  # disabled and wanted on, or the reverse
                    action = "ENABLE" if on else "DISABLE"
                    cursor.execute(f'ALTER TABLE "{table}" {action} TRIGGER "{trigger}"')
