"""Lesson videos and schools: a video a published lesson shows is not deleted, a lesson takes
only its own school's videos, and existing videos are given the school of their lessons."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.urls import reverse

import pytest

from courses.forms import LessonPageForm
from courses.models import LessonPage
from media_pipeline import services
from media_pipeline.models import VideoAsset
from tests.factories import InstructorFactory
from tests.helpers import empty_formset, lessons_of, make_course, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_src(tmp_path):
    """Stored, never transcoded here (nothing commits): any bytes will do."""
    source = tmp_path / "lecture.mp4"
    source.write_bytes(b"\0" * 1000)
    return source


@pytest.fixture
def video(small_src, instructor):
    return services.video_asset_create(
        title="夜间安全驾驶", source=small_src, uploaded_by=instructor
    )


def show(lesson: LessonPage, video: VideoAsset, *, publish: bool = True) -> LessonPage:
    lesson.video = video
    revision = lesson.save_revision()
    if publish:
        revision.publish()
    return LessonPage.objects.get(pk=lesson.pk)


def test_a_video_a_published_lesson_shows_is_not_deleted(client, course, instructor, video):
    lesson = show(lessons_of(course)[0], video)
    client.force_login(instructor)

    page = client.get(reverse("media_pipeline_admin:delete", args=[video.pk])).content.decode()
    assert lesson.title in page
    response = client.post(reverse("media_pipeline_admin:delete", args=[video.pk]), follow=True)

    assert VideoAsset.objects.filter(pk=video.pk).exists()
    assert lesson.title in response.content.decode()
    with pytest.raises(services.VideoInUse) as refused:
        services.video_asset_delete(asset_id=video.pk)
    assert refused.value.titles == [lesson.title]


def test_a_video_only_a_draft_shows_can_be_deleted(client, course, instructor, video):
    lesson = lessons_of(course)[0]
    lesson.unpublish()
    show(LessonPage.objects.get(pk=lesson.pk), video, publish=False)
    client.force_login(instructor)
    assert client.post(reverse("media_pipeline_admin:delete", args=[video.pk])).status_code == 302
    assert not VideoAsset.objects.filter(pk=video.pk).exists()


def _lesson_form(lesson: LessonPage, user, video: VideoAsset) -> LessonPageForm:
    form_class = LessonPage.get_edit_handler().get_form_class()
    return form_class(
        instance=lesson,
        for_user=user,
        data={
            "title": lesson.title,
            "slug": lesson.slug,
            "summary": "",
            "duration_minutes": "15",
            "credit_minutes": "45",
            "video": str(video.pk),
            "video_captions": "",
            "video_captions_language": "zh-hans",
            "video_chapters-count": "0",
            "body-count": "0",
            **empty_formset("quizzes"),
        },
    )


def test_a_lesson_does_not_take_another_schools_video(catalogue, occupation, small_src, video):
    other = make_school(catalogue, name="城西职业技能培训学校")
    their_course = make_course(other, occupation, title="外卖骑手安全", lessons=1)
    their_teacher = InstructorFactory(organisation=other.organisation)
    lesson = lessons_of(their_course)[0]

    form = _lesson_form(lesson, their_teacher, video)
    assert not form.is_valid()
    assert "video" in form.errors

    own = services.video_asset_create(title="自己的", source=small_src, uploaded_by=their_teacher)
    assert _lesson_form(lesson, their_teacher, own).is_valid(), _lesson_form(
        lesson, their_teacher, own
    ).errors


def test_existing_videos_are_given_the_school_of_the_lesson_that_shows_them(
    course, instructor, small_src
):
    orphan = services.video_asset_create(title="旧视频", source=small_src)
    lesson = lessons_of(course)[0]
    LessonPage.objects.filter(pk=lesson.pk).update(owner=instructor)
    show(LessonPage.objects.get(pk=lesson.pk), orphan)
    uploaded = services.video_asset_create(title="上传的", source=small_src, uploaded_by=instructor)
    nobody = services.video_asset_create(title="无主", source=small_src)
    VideoAsset.objects.update(organisation=None)

    migration = importlib.import_module(
        "media_pipeline.migrations.0003_assign_existing_videos_to_schools"
    )
    migration.assign(apps, None)

    school = instructor.organisation_id
    assert VideoAsset.objects.get(pk=orphan.pk).organisation_id == school
    assert VideoAsset.objects.get(pk=uploaded.pk).organisation_id == school
    assert VideoAsset.objects.get(pk=nobody.pk).organisation_id is None
