from django.core.management.base import BaseCommand

from media_pipeline.services import video_assets_reap_stale, video_jobs_watch_schedule


class Command(BaseCommand):
    help = (
        "Re-enqueue lesson-video jobs whose worker stopped beating (killed, machine lost). "
        "`make run` calls it with --older-than 0 before starting its worker: on one machine, "
        "nothing can still be running then. It also schedules the pipeline's watch task, "
        "which keeps looking for lost jobs while any job is open."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=None,
            help="seconds without a heartbeat (default MEDIA_PIPELINE_STALE_AFTER_S)",
        )

    def handle(self, *args, **options):
        reaped = video_assets_reap_stale(older_than_s=options["older_than"])
        video_jobs_watch_schedule()
        if reaped:
            self.stdout.write(self.style.WARNING(f"re-enqueued {len(reaped)} video job(s)"))
        elif options["verbosity"] > 1:
            self.stdout.write(self.style.SUCCESS("no stalled video jobs"))
