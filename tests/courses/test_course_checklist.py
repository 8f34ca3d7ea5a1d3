"""The course editor's checklist walks an instructor from a new course to a published one."""

from django.urls import reverse
from django.utils import translation

import pytest

from courses.checklist import course_checklist
from courses.models import CoursePage
from media_pipeline.models import VideoAsset
from tests.helpers import lessons_of, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_chinese():
    """The checklist is read as the admin shows it, in Chinese, whatever ran before."""
    with translation.override("zh-hans"):
        yield


def ticks(course):
    return [step.done for step in course_checklist(course=CoursePage.objects.get(pk=course.pk))]


def ready_video(school, title="第一讲"):
    return VideoAsset.objects.create(
        title=title,
        original=f"videos/{title}/original/lecture.mp4",
        organisation=school.organisation,
        status="ready",
        published_run=1,
        progress=1.0,
    )


def test_a_new_course_without_facts_or_lessons_ticks_nothing(school):
    course = make_course(school, None, lessons=0, publish=False)
    steps = course_checklist(course=CoursePage.objects.get(pk=course.pk))
    assert [step.done for step in steps] == [False, False, False, False, False]
    assert "职业" in steps[0].note
    assert steps[1].link_url == reverse(
        "wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk]
    )


def test_each_step_ticks_as_the_instructor_takes_it(school, occupation, instructor):
    course = make_course(school, occupation, lessons=1, publish=False)
    CoursePage.objects.filter(pk=course.pk).update(
        level="5",
        learning_outcomes="看懂路口",
        workload_class_hours=1,
        assessment_type="quiz",
        participation_form="online",
    )
    lesson = lessons_of(course)[0]
    assert ticks(course) == [True, True, False, False, False]
    steps = course_checklist(course=CoursePage.objects.get(pk=course.pk))
    assert f"“{lesson.title}”还没有视频" in steps[2].note

    video = ready_video(school)
    lesson.video = video
    lesson.save_revision(user=instructor)  # a draft: the checklist reads the latest one
    assert ticks(course) == [True, True, True, False, False]

    course = CoursePage.objects.get(pk=course.pk)
    for page in (lesson.get_latest_revision_as_object(), course):
        page.save_revision(user=instructor)
        page.get_workflow().start(page, instructor)
    assert ticks(course) == [True, True, True, True, False]

    for page in (lesson, course):
        page.refresh_from_db()
        page.current_workflow_state.cancel(user=instructor)
        page.get_latest_revision().publish()
    assert ticks(course) == [True, True, True, True, True]


def test_a_lesson_whose_video_is_still_processing_holds_its_step(school, occupation):
    course = make_course(school, occupation, lessons=1, publish=False)
    lesson = lessons_of(course)[0]
    lesson.video = VideoAsset.objects.create(
        title="第二讲", original="videos/b/original/b.mp4", organisation=school.organisation,
        status="processing", progress=0.5,
    )  # fmt: skip
    lesson.save_revision()
    step = course_checklist(course=CoursePage.objects.get(pk=course.pk))[2]
    assert not step.done and "正在处理，已完成 50%" in step.note


def test_the_checklist_heads_the_course_editor(client, instructor, course):
    client.force_login(instructor)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    assert "从新课程到学员可以学习" in page
    assert "为每节课配上可播放的视频" in page
