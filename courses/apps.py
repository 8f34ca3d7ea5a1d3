from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished

        from .receivers import lay_out_cycles

        # Wagtail's own signals: they fire for a direct publish, a lead's approval in the
        # moderation workflow and a scheduled publish alike (an admin hook sees only the first).
        # Connected here, where the app is ready, because the receiver needs the page models.
        page_published.connect(lay_out_cycles, dispatch_uid="courses.lay_out_cycles")
        page_unpublished.connect(lay_out_cycles, dispatch_uid="courses.lay_out_cycles_unpublished")
