"""The S3 storage of lesson videos (django-storages), imported only where a bucket is set."""

from __future__ import annotations

from storages.backends.s3 import S3Storage

from .storage import cache_control_for, content_type_for


class MediaS3Storage(S3Storage):
    """S3 with the content type and cache policy each lesson-video file needs.

    CDNs and phones key their behaviour on these headers: a playlist served as
    octet-stream does not play, and a segment without a long max-age is fetched again
    on every seek.
    """

    def get_object_parameters(self, name: str) -> dict:
        params = super().get_object_parameters(name)
        if "videos/" in name:
            params["ContentType"] = content_type_for(name)
            params["CacheControl"] = cache_control_for(name)
        return params
