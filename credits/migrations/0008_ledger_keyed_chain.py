"""Ledger entries say which scheme hashed them: the ones already written stay plain SHA-256
(version 1, still verifiable as they are), every new one is HMAC-SHA256 under LEDGER_HMAC_KEY
(version 2). See credits/ledger.py for why the old entries are not re-hashed.

On SQLite, adding a column rebuilds the table, and the rebuild drops its triggers: the
append-only triggers of 0002 are put back afterwards (and when going back)."""

import importlib

from django.db import migrations, models


def _sqlite_append_only(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    append_only = importlib.import_module("credits.migrations.0002_ledger_append_only")
    for statement in append_only.SQLITE_DOWN + append_only.SQLITE_UP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("credits", "0007_progress_report_session_index_from_unique")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, _sqlite_append_only),
        migrations.AddField(
            model_name="ledgerentry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="ledgerentry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.RunPython(_sqlite_append_only, migrations.RunPython.noop),
    ]
