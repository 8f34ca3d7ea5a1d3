import mimetypes

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaPipelineConfig(AppConfig):
    name = "media_pipeline"
    verbose_name = _("Lesson videos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Local storage and the development server guess types from the extension; without
        # these, playlists go out as application/octet-stream and phones refuse them.
        mimetypes.add_type("application/vnd.apple.mpegurl", ".m3u8")
        mimetypes.add_type("text/vtt", ".vtt")
        mimetypes.add_type("audio/mp4", ".m4a")
