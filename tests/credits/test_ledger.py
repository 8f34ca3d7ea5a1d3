"""The ledger: append-only, hash-chained, totals kept in step, and checked."""

import datetime as dt

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

import pytest

from courses.models import Attendance, ClassroomSession, Cycle
from credits.ledger import services
from credits.models import LearnerBalance, LedgerEntry
from tests.factories import UserFactory
from tests.helpers import lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return UserFactory(role="admin", is_superuser=True, is_staff=True)


def entries_for(learner, admin, n=3):
    return [
        services.ledger_adjust(
            learner=learner, minutes=10 * (i + 1), reason=f"补录 {i}", actor=admin
        )
        for i in range(n)
    ]


def test_entries_chain_and_the_total_follows(admin):
    learner = UserFactory()
    first, second, third = entries_for(learner, admin)
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    balance = LearnerBalance.objects.get(learner=learner)
    assert (balance.total_minutes, balance.entries, balance.head_hash) == (60, 3, third.hash)
    call_command("verify_ledger")


def test_database_refuses_to_update_or_delete_an_entry(admin):
    entry = entries_for(UserFactory(), admin, n=1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(minutes=999)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.minutes == 10


def _tamper(sql: str, params: list) -> None:
    """Go around the append-only trigger, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER credits_ledger_no_update")
            cursor.execute("DROP TRIGGER credits_ledger_no_delete")
            cursor.execute(sql, params)


def test_verify_ledger_names_an_altered_entry(admin, capsys):
    learner = UserFactory()
    _, middle, _ = entries_for(learner, admin)
    _tamper("UPDATE credits_ledgerentry SET minutes = 500 WHERE id = %s", [middle.pk])
    with pytest.raises(CommandError):
        call_command("verify_ledger")
    assert f"entry {middle.pk} (seq 2) was altered" in capsys.readouterr().err


def test_verify_ledger_notices_a_removed_entry(admin, capsys):
    learner = UserFactory()
    _, middle, _ = entries_for(learner, admin)
    _tamper("DELETE FROM credits_ledgerentry WHERE id = %s", [middle.pk])
    with pytest.raises(CommandError):
        call_command("verify_ledger")
    assert "an entry is missing" in capsys.readouterr().err


def test_only_administrators_adjust_and_always_with_a_reason(admin):
    learner = UserFactory()
    with pytest.raises(PermissionError):
        services.ledger_adjust(learner=learner, minutes=45, reason="好心", actor=UserFactory())
    with pytest.raises(ValueError):
        services.ledger_adjust(learner=learner, minutes=45, reason="  ", actor=admin)
    debit = services.ledger_adjust(learner=learner, minutes=-45, reason="重复录入", actor=admin)
    assert debit.minutes == -45 and debit.actor == admin
    assert not LedgerEntry.objects.filter(kind="adjustment", minutes__gt=0).exists()


def test_classroom_attendance_banks_the_time_present_once(video_course):
    learner = UserFactory()
    from courses.services import enrolment_join

    enrolment_join(learner=learner, course=video_course)
    start = timezone.now() - dt.timedelta(hours=2)
    today = timezone.localdate()
    cycle = Cycle.objects.create(course=video_course, number=99, starts_on=today, ends_on=today)
    session = ClassroomSession.objects.create(
        cycle=cycle,
        lesson=lessons_of(video_course)[0],
        venue_name="站点",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=90),
    )
    attendance = Attendance.objects.create(
        session=session,
        learner=learner,
        checked_in_at=start - dt.timedelta(minutes=20),
        checked_out_at=start + dt.timedelta(minutes=70),
    )
    entry = services.ledger_credit_attendance(attendance=attendance)
    assert entry.minutes == 70  # from the session's start, not from the early check-in
    assert services.ledger_credit_attendance(attendance=attendance) is None
    assert LedgerEntry.objects.filter(kind="classroom").count() == 1


def test_an_entry_written_with_a_local_time_still_verifies_once_read_back():
    from zoneinfo import ZoneInfo

    learner = UserFactory()
    shanghai = timezone.now().astimezone(ZoneInfo("Asia/Shanghai"))
    services.ledger_append(
        learner=learner, kind="assessment", minutes=30, reference="exam-1", now=shanghai
    )
    call_command("verify_ledger")
