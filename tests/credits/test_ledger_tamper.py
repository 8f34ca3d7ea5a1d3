"""The ledger from the side of whoever holds the database: the table owner, who can switch the
triggers off and write any row, but holds neither the ledger key nor the signing key."""

import datetime as dt
import importlib
import json
import stat

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

import pytest

from credits.ledger import chain, checkpoints, services
from credits.ledger.chain import GENESIS, PLAIN_SHA256, entry_content, entry_hash
from credits.models import LearnerBalance, LedgerEntry
from tests.factories import UserFactory
from tests.helpers import start_production_settings
from tests.support import require_postgres

pytestmark = pytest.mark.django_db

APPEND_ONLY = importlib.import_module("credits.migrations.0002_ledger_append_only")
GUARDED = importlib.import_module("credits.migrations.0009_ledger_truncate_and_balance_guarded")


@pytest.fixture
def admin(db):
    return UserFactory(role="admin", is_superuser=True, is_staff=True)


def bank(learner, admin, *minutes):
    return [
        services.ledger_adjust(learner=learner, minutes=m, reason="补录", actor=admin)
        for m in minutes
    ]


def as_owner(*statements) -> None:
    """Run SQL with every trigger out of the way, as the tables' owner can."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                for sql, params in statements:
                    cursor.execute(sql, params)
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
        else:
            for statement in APPEND_ONLY.SQLITE_DOWN + GUARDED.SQLITE_DOWN:
                cursor.execute(statement)
            for sql, params in statements:
                cursor.execute(sql, params)
            for statement in APPEND_ONLY.SQLITE_UP + GUARDED.SQLITE_UP:
                cursor.execute(statement)


def forge_hours(learner, actor, *, minutes=6000, version=PLAIN_SHA256):
    """Append an entry with a correctly computed plain SHA-256 chain hash and move the running
    total with it: everything a careful owner without the ledger key can do."""
    balance = LearnerBalance.objects.get(learner=learner)
    forged = LedgerEntry(
        learner=learner,
        seq=balance.entries + 1,
        kind="transfer",
        minutes=minutes,
        reason="转入",
        actor=actor,
        created_at=dt.datetime.now(dt.UTC),
        prev_hash=balance.head_hash,
    )
    forged.hash = entry_hash(entry_content(forged), forged.prev_hash, PLAIN_SHA256)
    as_owner(
        (
            "INSERT INTO credits_ledgerentry (learner_id, seq, kind, minutes, reference, reason,"
            " actor_id, created_at, prev_hash, hash, hash_version)"
            " VALUES (%s, %s, 'transfer', %s, '', '转入', %s, %s, %s, %s, %s)",
            [
                learner.pk,
                forged.seq,
                minutes,
                actor.pk,
                forged.created_at,
                forged.prev_hash,
                forged.hash,
                version,
            ],
        ),
        (
            "UPDATE credits_learnerbalance SET entries = entries + 1,"
            " total_minutes = total_minutes + %s, head_hash = %s WHERE learner_id = %s",
            [minutes, forged.hash, learner.pk],
        ),
    )
    return forged


def verify(capsys) -> tuple[bool, str]:
    capsys.readouterr()
    try:
        call_command("verify_ledger")
    except CommandError as error:
        captured = capsys.readouterr()
        return False, captured.out + captured.err + str(error)
    captured = capsys.readouterr()
    return True, captured.out + captured.err


# --- Honest history.


def test_honest_history_verifies_intact_against_its_checkpoint(admin, capsys):
    learner = UserFactory()
    bank(learner, admin, 30, 45)
    written = checkpoints.ledger_checkpoint_write()
    bank(learner, admin, 60)  # entries after the checkpoint are fine
    intact, output = verify(capsys)
    assert intact, output
    assert f"against checkpoint {written.name}" in output
    document = json.loads(written.read_text())
    head = LedgerEntry.objects.get(learner=learner, seq=2)
    assert document["learners"] == [[learner.pk, 2, head.hash, 0]]


def test_new_entries_are_keyed_so_they_depend_on_the_key(admin, capsys, settings):
    learner = UserFactory()
    entry = bank(learner, admin, 30)[0]
    assert entry.hash_version == chain.HMAC_SHA256
    assert entry.hash != entry_hash(entry_content(entry), GENESIS, PLAIN_SHA256)
    settings.LEDGER_HMAC_KEY = "another-key-of-sufficient-length-0123456789"
    intact, output = verify(capsys)
    assert not intact
    assert f"learner {learner.pk}: entry {entry.pk} (seq 1) was altered or forged" in output


# --- (a) Forged hours with a correctly computed plain SHA-256 hash.


@pytest.mark.parametrize("version", [PLAIN_SHA256, chain.HMAC_SHA256])
def test_forged_entry_with_a_plain_hash_is_caught(admin, capsys, version):
    learner = UserFactory()
    bank(learner, admin, 30, 45)
    checkpoints.ledger_checkpoint_write()
    forged = forge_hours(learner, admin, version=version)
    intact, output = verify(capsys)
    assert not intact
    if version == PLAIN_SHA256:
        assert f"(seq {forged.seq}) is unkeyed but follows keyed entries (forged)" in output
    else:
        assert f"(seq {forged.seq}) was altered or forged: its hash is not the keyed" in output
    assert f"learner {learner.pk}:" in output


def test_forged_unkeyed_entry_for_a_learner_the_checkpoint_never_saw_is_caught(admin, capsys):
    """A chain made entirely of unkeyed entries, added after the upgrade: only the checkpoint's
    count of allowed unkeyed entries (none, for a learner it does not know) can tell."""
    checkpoints.ledger_checkpoint_write()
    learner = UserFactory()
    LearnerBalance.objects.create(learner=learner)
    forge_hours(learner, admin)
    intact, output = verify(capsys)
    assert not intact
    assert f"learner {learner.pk}: " in output
    assert "allows unkeyed entries only up to seq 0 (forged)" in output


def test_a_checkpoint_is_not_written_over_a_forged_ledger(admin, capsys):
    learner = UserFactory()
    bank(learner, admin, 30)
    forge_hours(learner, admin)
    with pytest.raises(CommandError, match="No checkpoint written"):
        call_command("ledger_checkpoint")
    assert not list(checkpoints.checkpoint_dir().glob(checkpoints.PATTERN))


# --- The running total.


def test_database_refuses_to_move_a_total_without_entries_or_to_delete_it(admin):
    learner = UserFactory()
    bank(learner, admin, 30)
    for change in (
        lambda q: q.update(total_minutes=6030),
        lambda q: q.update(entries=2, total_minutes=6030),
        lambda q: q.update(entries=0, total_minutes=0, head_hash=GENESIS),
        lambda q: q.delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change(LearnerBalance.objects.filter(learner=learner))
    with pytest.raises(DatabaseError), transaction.atomic():
        LearnerBalance.objects.create(learner=UserFactory(), total_minutes=6000)
    balance = LearnerBalance.objects.get(learner=learner)
    assert (balance.entries, balance.total_minutes) == (1, 30)


def test_a_total_out_of_step_with_the_entries_is_reported(admin, capsys):
    learner = UserFactory()
    bank(learner, admin, 30, 45)
    as_owner(
        (
            "UPDATE credits_learnerbalance SET total_minutes = 6075 WHERE learner_id = %s",
            [learner.pk],
        )
    )
    intact, output = verify(capsys)
    assert not intact
    assert f"learner {learner.pk}: running total says 6075 min, entries add up to 75 min" in output


# --- (c) Removed entries.


def test_a_middle_entry_removed_by_the_owner_is_caught(admin, capsys):
    learner = UserFactory()
    _, middle, _ = bank(learner, admin, 30, -10, 45)
    as_owner(("DELETE FROM credits_ledgerentry WHERE id = %s", [middle.pk]))
    intact, output = verify(capsys)
    assert not intact
    assert f"learner {learner.pk}: entry" in output and "an entry is missing" in output


def test_newest_entries_removed_and_the_total_rolled_back_are_caught_by_the_checkpoint(
    admin, capsys
):
    """What is left is a shorter chain that adds up; only the checkpoint remembers more."""
    learner = UserFactory()
    first, _, _ = bank(learner, admin, 30, -10, 45)
    checkpoint = checkpoints.ledger_checkpoint_write()
    as_owner(
        ("DELETE FROM credits_ledgerentry WHERE learner_id = %s AND seq > 1", [learner.pk]),
        (
            "UPDATE credits_learnerbalance SET entries = 1, total_minutes = 30, head_hash = %s"
            " WHERE learner_id = %s",
            [first.hash, learner.pk],
        ),
    )
    intact, output = verify(capsys)
    assert not intact
    assert (
        f"learner {learner.pk}: head moved backwards: checkpoint {checkpoint.name} signed seq 3, "
        "the chain ends at 1" in output
    )


def test_a_learner_removed_entirely_is_caught_by_the_checkpoint(admin, capsys):
    kept, gone = UserFactory(), UserFactory()
    bank(kept, admin, 30)
    bank(gone, admin, 45, 45)
    checkpoints.ledger_checkpoint_write()
    as_owner(
        ("DELETE FROM credits_ledgerentry WHERE learner_id = %s", [gone.pk]),
        ("DELETE FROM credits_learnerbalance WHERE learner_id = %s", [gone.pk]),
    )
    intact, output = verify(capsys)
    assert not intact
    assert f"learner {gone.pk}: learner vanished:" in output
    assert f"learner {kept.pk}:" not in output


# --- (b) TRUNCATE.


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # rows committed, as an owner would find them
def test_truncate_is_refused_by_trigger_even_for_the_owner(admin):
    require_postgres(connection)
    learner = UserFactory()
    bank(learner, admin, 30)
    for table in ("credits_ledgerentry", "credits_learnerbalance"):
        with (
            pytest.raises(DatabaseError, match="TRUNCATE refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert LedgerEntry.objects.filter(learner=learner).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_truncate_with_triggers_switched_off_is_reported_against_the_checkpoint(admin, capsys):
    require_postgres(connection)
    learners = [UserFactory(), UserFactory()]
    for learner in learners:
        bank(learner, admin, 30, 45)
    checkpoints.ledger_checkpoint_write()
    as_owner(("TRUNCATE credits_ledgerentry, credits_learnerbalance", []))
    intact, output = verify(capsys)
    assert not intact
    for learner in learners:
        assert f"learner {learner.pk}: learner vanished:" in output
    assert "2 problem(s)" in output


def test_without_a_checkpoint_an_emptied_ledger_cannot_be_told_from_a_new_one(admin, capsys):
    """Why the checkpoints exist (and why verify_ledger says so when there is none)."""
    learner = UserFactory()
    bank(learner, admin, 30)
    as_owner(
        ("DELETE FROM credits_ledgerentry WHERE learner_id = %s", [learner.pk]),
        ("DELETE FROM credits_learnerbalance WHERE learner_id = %s", [learner.pk]),
    )
    intact, output = verify(capsys)
    assert intact
    assert "No signed checkpoint" in output


# --- Checkpoint files.


def test_an_edited_checkpoint_is_rejected(admin, capsys):
    learner = UserFactory()
    bank(learner, admin, 30, 45)
    path = checkpoints.ledger_checkpoint_write()
    document = json.loads(path.read_text())
    document["learners"][0][1] = 1  # pretend the chain was shorter
    path.write_text(json.dumps(document))
    intact, output = verify(capsys)
    assert not intact
    assert f"checkpoint {path.name}: the signature does not verify" in output
    with pytest.raises(CommandError, match="No checkpoint written"):
        call_command("ledger_checkpoint")


def test_verify_against_a_copy_kept_elsewhere(admin, capsys, tmp_path):
    learner = UserFactory()
    bank(learner, admin, 30, 45)
    copy = tmp_path / "copy.json"
    copy.write_bytes(checkpoints.ledger_checkpoint_write().read_bytes())
    for path in checkpoints.checkpoint_dir().glob(checkpoints.PATTERN):
        path.unlink()  # the host's own copies are gone
    as_owner(("DELETE FROM credits_ledgerentry WHERE learner_id = %s AND seq = 2", [learner.pk]))
    with pytest.raises(CommandError):
        call_command("verify_ledger", "--checkpoint", str(copy))
    assert "checkpoint copy.json signed seq 2, the chain ends at 1" in capsys.readouterr().err


def test_checkpoints_carry_the_allowance_of_unkeyed_entries_forward(admin):
    learner = UserFactory()
    bank(learner, admin, 30)
    first = checkpoints.checkpoint_load(checkpoints.ledger_checkpoint_write())
    second_path = checkpoints.ledger_checkpoint_write(
        now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    )
    second = json.loads(second_path.read_text())
    assert second["previous"] == {"file": first.name, "digest": first.digest}
    assert checkpoints.checkpoint_latest()[0].name == second_path.name


def test_the_task_writes_a_checkpoint(admin):
    from credits.tasks import ledger_checkpoint

    bank(UserFactory(), admin, 30)
    result = ledger_checkpoint.enqueue()
    assert checkpoints.checkpoint_load(result.return_value).heads


# --- (e) Entries from before the ledger key.

BEFORE_KEY = ("credits", "0007_progress_report_session_index_from_unique")


@pytest.mark.django_db(transaction=True)
def test_unkeyed_entries_from_before_the_upgrade_still_verify(capsys):
    learner, admin = UserFactory(), UserFactory(role="admin", is_superuser=True)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([BEFORE_KEY])
        old = executor.loader.project_state([BEFORE_KEY]).apps
        Entry, Balance = (
            old.get_model("credits", "LedgerEntry"),
            old.get_model("credits", "LearnerBalance"),
        )
        prev, total = GENESIS, 0
        for seq, minutes in enumerate([30, 45], start=1):
            entry = Entry(
                learner_id=learner.pk,
                seq=seq,
                kind="adjustment",
                minutes=minutes,
                reason="补录",
                actor_id=admin.pk,
                created_at=dt.datetime(2026, 11, seq, 21, tzinfo=dt.UTC),
                prev_hash=prev,
            )
            entry.hash = entry_hash(entry_content(entry), prev, PLAIN_SHA256)  # as it was then
            entry.save()
            prev, total = entry.hash, total + minutes
        Balance.objects.create(
            learner_id=learner.pk, entries=2, total_minutes=total, head_hash=prev
        )
    finally:
        MigrationExecutor(connection).migrate(latest)

    assert list(LedgerEntry.objects.values_list("hash_version", flat=True)) == [1, 1]
    intact, output = verify(capsys)
    assert intact, output
    first = checkpoints.ledger_checkpoint_write()
    assert json.loads(first.read_text())["learners"][0][3] == 2  # two unkeyed entries allowed
    services.ledger_append(learner=learner, kind="assessment", minutes=30, reference="exam-1")
    intact, output = verify(capsys)
    assert intact, output
    # The database still refuses to change them, after the table was rebuilt on SQLite.
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(learner=learner, seq=1).update(minutes=999)


# --- The key.


def test_the_development_key_file_is_made_once_and_kept_private(settings, tmp_path):
    settings.DEBUG = True
    settings.LEDGER_HMAC_KEY = ""
    settings.LEDGER_HMAC_KEY_FILE = tmp_path / "var" / "ledger-hmac-key"
    key = chain.ledger_key()
    assert len(key) >= chain.MIN_KEY_LENGTH
    assert settings.LEDGER_HMAC_KEY_FILE.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO) == 0
    assert chain._load_key("", settings.LEDGER_HMAC_KEY_FILE, True) == key


def test_outside_development_a_missing_or_short_key_is_an_error(settings, tmp_path):
    settings.DEBUG = False
    settings.LEDGER_HMAC_KEY = ""
    settings.LEDGER_HMAC_KEY_FILE = tmp_path / "missing"
    with pytest.raises(ImproperlyConfigured, match="set LEDGER_HMAC_KEY"):
        chain.ledger_key()
    assert not settings.LEDGER_HMAC_KEY_FILE.exists()
    settings.LEDGER_HMAC_KEY = "short"
    with pytest.raises(ImproperlyConfigured, match="at least 32 characters"):
        chain.ledger_key()


def test_production_settings_require_the_ledger_key():
    refused = start_production_settings(LEDGER_HMAC_KEY="")
    assert refused.returncode != 0
    assert "LEDGER_HMAC_KEY must be set to at least 32 random characters" in refused.stderr
    accepted = start_production_settings()
    assert accepted.returncode == 0, accepted.stderr
