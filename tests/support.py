"""Helpers shared by the test suite."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(name: str, available: bool, how: str = "") -> None:
    """Skip when a service is absent on a developer machine; fail when it is absent in CI."""
    if available:
        return
    message = f"{name} is not available{': ' + how if how else ''}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true requires it)")
    pytest.skip(message)


def require_postgres(connection) -> None:
    """For tests of PostgreSQL itself: skip on SQLite, unless this run was meant for PostgreSQL
    (NIGHTSCHOOL_EXPECT_DATABASE=postgresql), where a missing server fails in CI."""
    if connection.vendor == "postgresql":
        return
    if os.environ.get("NIGHTSCHOOL_EXPECT_DATABASE") == "postgresql":
        require_service("PostgreSQL", False, f"tests ran on {connection.vendor}")
    pytest.skip("runs on PostgreSQL only (TEST_DATABASE_URL=postgres://...)")
