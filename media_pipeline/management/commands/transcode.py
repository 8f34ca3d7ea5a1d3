import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from media_pipeline import ffmpeg as mp
from media_pipeline.services import write_low_playlist


class Command(BaseCommand):
    help = (
        "Run the lesson-video pipeline on one file, without the database: probe, validate, "
        "preview pass, HLS ladder, master playlist, duration checks. Prints progress."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path, help="the recording to convert")
        parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
        parser.add_argument("--stall-timeout", type=float, default=60.0)
        parser.add_argument("--max-duration", type=float, default=4 * 3600)

    def handle(self, *args, **options):
        source: Path = options["input"]
        if not source.is_file():
            raise CommandError(f"{source} is not a file")
        last = [-1]

        def progress(fraction: float) -> None:
            percent = int(fraction * 100)
            if percent != last[0]:
                last[0] = percent
                self.stdout.write(f"\r{percent:3d}%", ending="")
                self.stdout.flush()

        def preview(files):
            self.stdout.write(
                "\r" + self.style.SUCCESS("preview ready: ") + ", ".join(sorted(files))
            )

        try:
            result = mp.transcode(
                source,
                options["out"],
                on_progress=progress,
                on_preview_ready=preview,
                stall_timeout=options["stall_timeout"],
                max_duration_s=options["max_duration"],
            )
        except mp.MediaRejected as exc:
            raise CommandError(f"rejected ({exc.code}): {exc.message}") from exc
        except mp.TranscodeFailed as exc:
            raise CommandError(f"failed ({exc.code}): {exc.message}") from exc
        write_low_playlist(result)
        self.stdout.write("")
        info = result.probe
        self.stdout.write(
            f"{source.name}: {info.duration:.1f} s, {info.display_width}x{info.display_height}"
        )
        for name, (peak, average) in result.bandwidths.items():
            self.stdout.write(
                f"  {name:>6}: peak {peak / 1000:.0f} kb/s, average {average / 1000:.0f} kb/s"
            )
        self.stdout.write(
            self.style.SUCCESS(f"wrote {len(result.files) + 1} files to {result.out_dir}")
        )
        sys.stdout.flush()
