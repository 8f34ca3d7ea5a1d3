from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from wagtail.signals import page_published

        from .receivers import lay_out_cycles

        # Wagtail's own signal: it fires for a direct publish, a lead's approval in the
        # moderation workflow and a scheduled publish alike (the admin hook sees only the first).
        page_published.connect(lay_out_cycles, dispatch_uid="courses.lay_out_cycles")
