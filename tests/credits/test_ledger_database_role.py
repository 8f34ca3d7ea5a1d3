"""The web process's database role (deploy/postgres/grants.sql), from its own side: it banks
hours the way ledger_append does, and cannot empty, rewrite or unprotect the ledger."""

import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

import pytest

from credits.ledger import services
from credits.ledger.chain import entry_content, entry_hash
from credits.models import LearnerBalance, LedgerEntry
from tests.factories import UserFactory
from tests.support import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

GRANTS = Path(settings.BASE_DIR) / "deploy" / "postgres" / "grants.sql"


def statements(sql: str) -> list[str]:
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";\n") if s.strip()]


@pytest.fixture
def web_role():
    """The web role of grants.sql, under a name of this run's own (roles are server-wide)."""
    require_postgres(connection)
    import psycopg

    name = f"nightschool_web_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP ROLE IF EXISTS "{name}"')
        cursor.execute(f'CREATE ROLE "{name}" LOGIN')
        for statement in statements(GRANTS.read_text().replace("nightschool_web", name)):
            cursor.execute(statement)
    db = connection.settings_dict
    web = psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        dbname=db["NAME"],
        user=name,
        autocommit=True,
    )
    try:
        yield name, web
    finally:
        web.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{name}"')
            cursor.execute(f'DROP ROLE "{name}"')


def refused(web, sql: str, params=None) -> str:
    import psycopg

    with pytest.raises(psycopg.Error) as error:
        web.execute(sql, params)
    return str(error.value)


def test_the_web_role_banks_hours_but_cannot_empty_rewrite_or_unprotect_the_ledger(
    web_role, capsys
):
    name, web = web_role
    admin = UserFactory(role="admin", is_superuser=True)
    learner = UserFactory()
    services.ledger_adjust(learner=learner, minutes=30, reason="补录", actor=admin)

    assert "permission denied" in refused(web, "TRUNCATE credits_ledgerentry")
    assert "permission denied" in refused(web, "TRUNCATE credits_learnerbalance")
    for sql in (
        "ALTER TABLE credits_ledgerentry DISABLE TRIGGER ALL",
        "ALTER TABLE credits_ledgerentry DISABLE TRIGGER credits_ledger_append_only",
        "ALTER TABLE credits_learnerbalance DISABLE TRIGGER credits_balance_follows_ledger",
        "DROP TRIGGER credits_ledger_no_truncate ON credits_ledgerentry",
    ):
        assert "must be owner" in refused(web, sql)
    assert "permission denied" in refused(web, "SET session_replication_role = replica")
    assert "permission denied" in refused(web, "UPDATE credits_ledgerentry SET minutes = 6000")
    assert "permission denied" in refused(web, "DELETE FROM credits_ledgerentry")
    assert "permission denied" in refused(web, "DELETE FROM credits_learnerbalance")
    assert "moves only forward" in refused(
        web, "UPDATE credits_learnerbalance SET total_minutes = total_minutes + 6000"
    )
    owned = web.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
        " WHERE r.rolname = current_user"
    ).fetchone()[0]
    assert owned == 0

    # What ledger_append does, statement for statement, as the web role.
    balance = LearnerBalance.objects.get(learner=learner)
    entry = LedgerEntry(
        learner=learner,
        seq=balance.entries + 1,
        kind="assessment",
        minutes=45,
        reference="exam-1",
        created_at=dt.datetime.now(dt.UTC),
        prev_hash=balance.head_hash,
    )
    entry.hash = entry_hash(entry_content(entry), entry.prev_hash)
    with web.transaction():
        web.execute("SELECT id FROM credits_learnerbalance WHERE id = %s FOR UPDATE", [balance.pk])
        web.execute(
            "INSERT INTO credits_ledgerentry (learner_id, seq, kind, minutes, reference, reason,"
            " created_at, prev_hash, hash, hash_version)"
            " VALUES (%s, %s, 'assessment', 45, 'exam-1', '', %s, %s, %s, 2)",
            [learner.pk, entry.seq, entry.created_at, entry.prev_hash, entry.hash],
        )
        web.execute(
            "UPDATE credits_learnerbalance SET entries = %s, total_minutes = %s, head_hash = %s"
            " WHERE id = %s",
            [entry.seq, balance.total_minutes + 45, entry.hash, balance.pk],
        )
    balance.refresh_from_db()
    assert (balance.entries, balance.total_minutes) == (2, 75)
    call_command("verify_ledger")
    assert "Ledger intact: 1 learner(s) checked" in capsys.readouterr().out


def test_the_web_role_keeps_ordinary_crud_on_the_other_tables(web_role):
    name, web = web_role
    privileges = {
        (table, privilege): web.execute(
            "SELECT has_table_privilege(%s, %s, %s)", [name, table, privilege]
        ).fetchone()[0]
        for table in ("credits_watchsession", "credits_ledgerentry", "credits_learnerbalance")
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
    }
    assert {p for (t, p), ok in privileges.items() if t == "credits_watchsession" and ok} == {
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
    }
    assert {p for (t, p), ok in privileges.items() if t == "credits_ledgerentry" and ok} == {
        "SELECT",
        "INSERT",
    }
    assert {p for (t, p), ok in privileges.items() if t == "credits_learnerbalance" and ok} == {
        "SELECT",
        "INSERT",
        "UPDATE",
    }
