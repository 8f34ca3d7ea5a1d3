"""The database refuses to empty the ledger, and keeps the running totals in step with it.

0002 refuses UPDATE and DELETE of a ledger row, but TRUNCATE is a statement of its own that row
triggers never see, and the running totals (credits_learnerbalance) were not protected at all.
Here, on PostgreSQL and SQLite (which has no TRUNCATE):

- TRUNCATE of the ledger or of the totals is refused (PostgreSQL, a statement trigger);
- a running total is never deleted;
- a running total is made empty (0 entries, 0 minutes, the genesis head) or matching the
  entries already written, and afterwards only moves forward with them: its new head is an
  entry of its learner at the new count, the first entry added follows the old head, and its
  minutes grow by exactly those entries' minutes. This is the update ledger_append makes.

The chain itself is checked by verify_ledger; these triggers stop the cheap edits. An owner
of the tables can still switch triggers off, which is why the web process does not connect as
the owner (deploy/postgres/roles.sql) and why verify_ledger holds the ledger to signed
checkpoints kept elsewhere.
"""

from django.db import migrations

GENESIS = "0" * 64

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION credits_ledger_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the class-hour ledger is append-only (TRUNCATE refused on %)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credits_ledger_no_truncate
    BEFORE TRUNCATE ON credits_ledgerentry
    FOR EACH STATEMENT EXECUTE FUNCTION credits_ledger_no_truncate();
CREATE TRIGGER credits_balance_no_truncate
    BEFORE TRUNCATE ON credits_learnerbalance
    FOR EACH STATEMENT EXECUTE FUNCTION credits_ledger_no_truncate();

CREATE OR REPLACE FUNCTION credits_balance_follows_ledger() RETURNS trigger AS $$
DECLARE
    base_entries bigint := 0;
    base_total bigint := 0;
    base_head varchar := '{GENESIS}';
    added_count bigint;
    added_minutes bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'running totals are never deleted (learner %)', OLD.learner_id;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.id <> OLD.id OR NEW.learner_id <> OLD.learner_id THEN
            RAISE EXCEPTION 'a running total stays with its learner (learner %)', OLD.learner_id;
        END IF;
        IF NEW.entries = OLD.entries AND NEW.total_minutes = OLD.total_minutes
           AND NEW.head_hash = OLD.head_hash THEN
            RETURN NEW;
        END IF;
        base_entries := OLD.entries;
        base_total := OLD.total_minutes;
        base_head := OLD.head_hash;
    ELSIF NEW.entries = 0 AND NEW.total_minutes = 0 AND NEW.head_hash = base_head THEN
        RETURN NEW;
    END IF;
    SELECT count(*), coalesce(sum(minutes), 0) INTO added_count, added_minutes
        FROM credits_ledgerentry
        WHERE learner_id = NEW.learner_id AND seq > base_entries AND seq <= NEW.entries;
    IF NEW.entries <= base_entries
       OR added_count <> NEW.entries - base_entries
       OR NEW.total_minutes <> base_total + added_minutes
       OR NOT EXISTS (SELECT 1 FROM credits_ledgerentry WHERE learner_id = NEW.learner_id
                      AND seq = NEW.entries AND hash = NEW.head_hash)
       OR NOT EXISTS (SELECT 1 FROM credits_ledgerentry WHERE learner_id = NEW.learner_id
                      AND seq = base_entries + 1 AND prev_hash = base_head) THEN
        RAISE EXCEPTION 'the running total of learner % moves only forward with its entries (% refused)',
            NEW.learner_id, TG_OP;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credits_balance_follows_ledger
    BEFORE INSERT OR UPDATE OR DELETE ON credits_learnerbalance
    FOR EACH ROW EXECUTE FUNCTION credits_balance_follows_ledger();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS credits_balance_follows_ledger ON credits_learnerbalance;
DROP FUNCTION IF EXISTS credits_balance_follows_ledger();
DROP TRIGGER IF EXISTS credits_balance_no_truncate ON credits_learnerbalance;
DROP TRIGGER IF EXISTS credits_ledger_no_truncate ON credits_ledgerentry;
DROP FUNCTION IF EXISTS credits_ledger_no_truncate();
"""
# (table, trigger) of the TRUNCATE refusals: the test suite lifts them around a flush, which on
# PostgreSQL is a TRUNCATE of every table.
POSTGRES_TRUNCATE_TRIGGERS = [
    ("credits_ledgerentry", "credits_ledger_no_truncate"),
    ("credits_learnerbalance", "credits_balance_no_truncate"),
]


def _entries(where: str) -> str:
    return f"FROM credits_ledgerentry e WHERE e.learner_id = NEW.learner_id AND {where}"


_FORWARD_FROM_OLD = f"""
    NEW.entries > OLD.entries
    AND EXISTS (SELECT 1 {_entries("e.seq = NEW.entries AND e.hash = NEW.head_hash")})
    AND EXISTS (SELECT 1 {_entries("e.seq = OLD.entries + 1 AND e.prev_hash = OLD.head_hash")})
    AND (SELECT count(*) {_entries("e.seq > OLD.entries AND e.seq <= NEW.entries")})
        = NEW.entries - OLD.entries
    AND OLD.total_minutes
        + (SELECT coalesce(sum(e.minutes), 0) {_entries("e.seq > OLD.entries AND e.seq <= NEW.entries")})
        = NEW.total_minutes
"""
_MATCHING_ENTRIES = f"""
    NEW.entries > 0
    AND EXISTS (SELECT 1 {_entries("e.seq = NEW.entries AND e.hash = NEW.head_hash")})
    AND EXISTS (SELECT 1 {_entries(f"e.seq = 1 AND e.prev_hash = '{GENESIS}'")})
    AND (SELECT count(*) {_entries("e.seq <= NEW.entries")}) = NEW.entries
    AND (SELECT coalesce(sum(e.minutes), 0) {_entries("e.seq <= NEW.entries")}) = NEW.total_minutes
"""
SQLITE_UP = [
    """CREATE TRIGGER credits_balance_no_delete BEFORE DELETE ON credits_learnerbalance
       BEGIN SELECT RAISE(ABORT, 'running totals are never deleted'); END;""",
    f"""CREATE TRIGGER credits_balance_insert_follows BEFORE INSERT ON credits_learnerbalance
       WHEN NOT (
           (NEW.entries = 0 AND NEW.total_minutes = 0 AND NEW.head_hash = '{GENESIS}')
           OR ({_MATCHING_ENTRIES})
       )
       BEGIN SELECT RAISE(ABORT, 'a running total must match its ledger entries'); END;""",
    f"""CREATE TRIGGER credits_balance_update_follows BEFORE UPDATE ON credits_learnerbalance
       WHEN NOT (
           NEW.id = OLD.id AND NEW.learner_id = OLD.learner_id AND (
               (NEW.entries = OLD.entries AND NEW.total_minutes = OLD.total_minutes
                AND NEW.head_hash = OLD.head_hash)
               OR ({_FORWARD_FROM_OLD})
           )
       )
       BEGIN SELECT RAISE(ABORT,
           'a running total moves only forward with its ledger entries'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS credits_balance_no_delete;",
    "DROP TRIGGER IF EXISTS credits_balance_insert_follows;",
    "DROP TRIGGER IF EXISTS credits_balance_update_follows;",
]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("credits", "0008_ledger_keyed_chain")]
    operations = [migrations.RunPython(up, down)]
