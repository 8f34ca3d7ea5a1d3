"""`manage.py prepare`, what `make run` does before serving: the demo is loaded once, its
videos queued for the worker rather than made, and a second run finds nothing to do."""

import io
import re

from django.core.management import call_command
from django.utils import translation

import pytest

from courses.models import LessonPage
from lms.accounts.models import User
from media_pipeline.models import VideoAsset

pytestmark = pytest.mark.django_db


def test_prepare_queues_the_demo_videos_and_a_second_run_loads_nothing(
    settings, tmp_path, client, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    logins = tmp_path / "logins.txt"
    first = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prepare", logins_file=str(logins), stdout=first)
    assert re.search(r"Ready in [\d.]+ s \(demo [\d.]+ s\)", first.getvalue())

    videos = VideoAsset.objects.all()
    with_video = LessonPage.objects.filter(video__isnull=False)
    assert with_video.count() == videos.count() == 15  # the three courier-side courses
    assert set(videos.values_list("status", flat=True)) == {VideoAsset.Status.QUEUED}
    assert not videos.exclude(original="").exists()  # nothing made: the worker makes them
    assert all(v.source_recipe["seconds"] > 0 for v in videos)
    transcodes = DBTaskResult.objects.filter(task_path="media_pipeline.tasks.transcode_video_asset")
    assert transcodes.count() == 15
    assert not (settings.MEDIA_ROOT / "videos").exists()
    text = logins.read_text(encoding="utf-8")
    for login in ("138 0013 8000", "teacher@nightschool.example", "hr@nightschool.example"):
        assert login in text

    people = User.objects.count()
    second = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prepare", logins_file=str(logins), stdout=second)
    assert "nothing to do: the demo is loaded" in second.getvalue()
    assert (User.objects.count(), transcodes.count()) == (people, 15)
    assert logins.read_text(encoding="utf-8") == text

    # The demo learner's first lesson open tonight says its video is on its way.
    from courses.selectors import lesson_view

    learner = User.objects.get(phone="+8613800138000")
    lesson = next(
        item
        for item in LessonPage.objects.filter(slug__startswith="lesson-", video__isnull=False)
        if lesson_view(lesson=item, user=learner)["may_study"]
    )
    client.force_login(learner)
    with translation.override("zh-hans"):
        page = client.get(lesson.url).content.decode()
    assert re.search(r"视频正在准备，约 \d+ 分钟后可以观看。", page)
    assert "<video" not in page


def test_the_demo_is_skipped_only_for_the_version_that_was_loaded(tmp_path):
    """The mark names the demo's code: this version's mark skips the load (this database
    holds no demo at all, so nothing is made); any change to the demo's files changes it."""
    from django.core.cache import cache

    from lms.demo import LOADED_KEY, demo_fingerprint

    cache.set(LOADED_KEY, {"fingerprint": demo_fingerprint(), "logins": []}, timeout=None)
    out = io.StringIO()
    call_command("prepare", logins_file=str(tmp_path / "l.txt"), stdout=out)
    assert "nothing to do" in out.getvalue() and not User.objects.exists()
    assert demo_fingerprint() == demo_fingerprint() != "an older demo"
