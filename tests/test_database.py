import os

from django.db import connection

import pytest

from tests.support import require_service


@pytest.mark.django_db
def test_suite_runs_on_the_database_it_was_asked_for():
    """CI runs the suite twice; this makes sure the PostgreSQL pass really is on PostgreSQL."""
    expected = os.environ.get("NIGHTSCHOOL_EXPECT_DATABASE", connection.vendor)
    require_service(expected, connection.vendor == expected, f"tests ran on {connection.vendor}")
    assert connection.vendor == expected
