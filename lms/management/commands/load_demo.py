from django.core.management.base import BaseCommand

from lms.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo organisations and people (safe to run again: nothing is duplicated)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-videos",
            action="store_true",
            help="Skip generating the demo lectures (they take a few minutes to transcode).",
        )

    def handle(self, *args, without_videos=False, **options):
        logins = load_demo(with_videos=not without_videos)
        self.stdout.write(self.style.SUCCESS("Demo loaded. Log in at http://127.0.0.1:8000/"))
        for login in logins:
            self.stdout.write(f"  {login.role:<11} {login.login:<32} {login.how}")
