"""A lesson video and the state of the job that turns it into something a phone can play.

Job state lives on the row itself (not on the task queue's result) so that a redelivered,
re-enqueued or duplicated job can look at it and decide, under a row lock, whether to work.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.search import index


def original_upload_to(instance: "VideoAsset", filename: str) -> str:
    return f"videos/{instance.uuid}/original/{filename}"


class VideoAsset(index.Indexed, models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be processed")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    original = models.FileField(_("original file"), upload_to=original_upload_to, max_length=500)
    original_filename = models.CharField(max_length=255, blank=True, default="")
    original_size = models.BigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The school the video belongs to: only its staff (and administrators) see, choose,
    # retry or delete it. Empty for administrators' own uploads: administrators only.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Demo videos are made by setup; the key makes loading the demo twice harmless.
    demo_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # A demo recording the worker is still to generate (title, seconds, portrait): the row
    # is queued at once and the worker makes the source before transcoding it, so setup
    # never waits for ffmpeg. Empty for uploads, and once the source exists.
    source_recipe = models.JSONField(default=dict, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0.0)
    error_code = models.CharField(max_length=32, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    # Which sentence says why, and its values (media_pipeline.failures): translated when
    # shown, so every reader gets it in their own language.
    error_params = models.JSONField(default=dict, blank=True)
    # attempt counts requests to transcode (upload, retry); a task carries the attempt it
    # was enqueued for, so a message from an earlier attempt is recognised and dropped.
    attempt = models.PositiveIntegerField(default=0)
    # run counts claims by a worker; each run writes to its own folder in storage.
    run = models.PositiveIntegerField(default=0)
    worker_id = models.CharField(max_length=128, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When the reaper last found this job's worker gone (killed, machine lost) and queued
    # the job again, and which worker that was; cleared when the job is retried.
    worker_lost_at = models.DateTimeField(_("worker lost at"), null=True, blank=True)
    lost_worker_id = models.CharField(max_length=128, blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    preview_run = models.PositiveIntegerField(null=True, blank=True)
    preview_files = models.JSONField(default=dict, blank=True)
    published_run = models.PositiveIntegerField(null=True, blank=True)
    manifest = models.JSONField(default=dict, blank=True)
    duration = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("organisation_id"),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lesson video")
        verbose_name_plural = _("lesson videos")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=1),
                name="video_progress_is_a_fraction",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "processing", "ready", "failed"]),
                name="video_status_is_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(published_run__isnull=False),
                name="video_ready_has_outputs",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def storage_prefix(self) -> str:
        return f"videos/{self.uuid}/"

    def run_prefix(self, run: int) -> str:
        """Each run writes to its own folder: a CDN never serves a stale file under a new name."""
        return f"{self.storage_prefix}r{run}/"


class VideoUpload(models.Model):
    """A resumable upload in progress: bytes land in a local part-file, chunk by chunk."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=255)
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    received = models.BigIntegerField(default=0)
    asset = models.OneToOneField(
        VideoAsset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(received__gte=0) & Q(received__lte=models.F("size")),
                name="upload_received_within_size",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="upload_size_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.received}/{self.size})"

    @property
    def complete(self) -> bool:
        return self.received == self.size
