"""What `make run` does before it serves, in one process: each step only when it is needed."""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from lms.demo import demo_load_if_changed
from lms.programmes.vouchers import vouchers_expire
from media_pipeline.services import video_assets_reap_stale, video_jobs_watch_schedule


def migrations_pending() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = (
        "Migrate the database, create the cache table, load the demo and take back lost video "
        "jobs, each only when needed: a second run finds the demo loaded and skips it. `make "
        "run` runs it before serving; the demo's videos are made by the worker afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins-file",
            default=str(Path(settings.BASE_DIR) / "var" / "demo-logins.txt"),
            help="where to write the demo logins, for `make run` to print once it serves",
        )
        parser.add_argument(
            "--reload-demo", action="store_true", help="load the demo even if it is loaded"
        )

    def handle(self, *args, logins_file, reload_demo=False, **options):
        started = time.monotonic()
        steps = []

        def step(name, action):
            begun = time.monotonic()
            result = action()
            steps.append(f"{name} {time.monotonic() - begun:.1f} s")
            return result

        migrated = migrations_pending()
        if migrated:
            step("migrate", lambda: call_command("migrate", interactive=False, verbosity=0))
        call_command("createcachetable", verbosity=0)
        # Wagtail and the ledger log every page and key they make at INFO: the newcomer's
        # terminal shows the result instead.
        logging.disable(logging.INFO)
        try:
            logins, loaded = step(
                "demo", lambda: demo_load_if_changed(force=reload_demo or migrated)
            )
        finally:
            logging.disable(logging.NOTSET)
        if not loaded:
            steps.pop()
        vouchers_expire()
        # On one machine nothing can still be running now: a job marked as processing was
        # left by a worker that stopped with the last `make run`.
        video_assets_reap_stale(older_than_s=0)
        video_jobs_watch_schedule()

        lines = [f"  {login.role:<12} {login.login:<32} {login.how}" for login in logins]
        target = Path(logins_file)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("Demo logins:\n" + "\n".join(lines) + "\n", encoding="utf-8")
        done = ", ".join(steps) if steps else "nothing to do: the demo is loaded"
        self.stdout.write(
            self.style.SUCCESS(f"Ready in {time.monotonic() - started:.1f} s ({done}).")
        )
