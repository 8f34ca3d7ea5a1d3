"""Instructors edit only their own school's courses, and publish through their lead."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

import pytest

from courses import services
from courses.models import CoursePage, LessonQuiz, ScheduledLesson
from tests.factories import InstructorFactory, LessonQuizFactory
from tests.helpers import empty_formset, lessons_of, make_course, make_school

pytestmark = pytest.mark.django_db


def course_form(**overrides):
    data = {
        "title": "骑手交通安全",
        "slug": "rider-safety",
        "summary": "",
        "occupation": "",
        "level": "",
        "learning_outcomes": "",
        "workload_class_hours": "",
        "assessment_type": "",
        "participation_form": "",
        "awarding_organisation": "",
        "cover_image": "",
        "schedule_weekdays": "024",
        "session_time": "20:30",
        "session_minutes": "45",
        "first_cycle_starts": "",
        "cycle_gap_days": "0",
        "max_playback_rate": "1.00",
        **empty_formset("comments"),
    }
    data.update(overrides)
    return data


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=["courses", "coursepage", parent.pk])


def test_course_missing_credential_facts_cannot_be_published(client, school, admin_user):
    client.force_login(admin_user)
    response = client.post(add_url(school), course_form(**{"action-publish": "1"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fill in before publishing" in page or "发布前请填写" in page
    for label in ["学习成果", "级别", "考核方式", "参与形式"]:
        assert label in page
    assert not CoursePage.objects.filter(slug="rider-safety").exists()


def test_course_draft_may_be_saved_without_the_facts(client, school, admin_user):
    client.force_login(admin_user)
    response = client.post(add_url(school), course_form())
    assert response.status_code == 302
    assert not CoursePage.objects.get(slug="rider-safety").live


def test_complete_course_publishes(client, school, admin_user, occupation):
    client.force_login(admin_user)
    response = client.post(
        add_url(school),
        course_form(
            **{
                "action-publish": "1",
                "occupation": occupation.pk,
                "level": "5",
                "learning_outcomes": "看懂路口",
                "workload_class_hours": "4",
                "assessment_type": "quiz",
                "participation_form": "online",
            }
        ),
    )
    assert response.status_code == 302
    assert CoursePage.objects.get(slug="rider-safety").live


def test_instructor_cannot_edit_another_schools_course(client, catalogue, occupation, instructor):
    other = make_school(catalogue, name="城西学校")
    foreign = make_course(other, occupation, lessons=1)
    client.force_login(instructor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[foreign.pk]))
    assert response.status_code in (302, 403)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[foreign.pk]),
        course_form(title="改掉别人的课", slug=foreign.slug),
    )
    assert response.status_code in (302, 403)
    foreign.refresh_from_db()
    assert foreign.title != "改掉别人的课"
    client.post(add_url(other), course_form(slug="sneaked-in"))
    assert not CoursePage.objects.filter(slug="sneaked-in").exists()


def test_instructor_edits_own_school_but_publishing_waits_for_the_lead(
    client, school, occupation, instructor
):
    client.force_login(instructor)
    response = client.post(
        add_url(school),
        course_form(
            **{
                "action-publish": "1",
                "occupation": occupation.pk,
                "level": "5",
                "learning_outcomes": "看懂路口",
                "workload_class_hours": "4",
                "assessment_type": "quiz",
                "participation_form": "online",
            }
        ),
    )
    assert not CoursePage.objects.filter(slug="rider-safety", live=True).exists()
    response = client.post(
        add_url(school),
        course_form(
            **{
                "action-submit": "1",
                "slug": "rider-safety-2",
                "occupation": occupation.pk,
                "level": "5",
                "learning_outcomes": "看懂路口",
                "workload_class_hours": "4",
                "assessment_type": "quiz",
                "participation_form": "online",
            }
        ),
    )
    assert response.status_code == 302
    page = CoursePage.objects.get(slug="rider-safety-2")
    assert not page.live
    assert page.current_workflow_state is not None
    assert page.current_workflow_state.status == "in_progress"


def test_preview_of_a_course_renders(client, course, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[course.pk]))
    assert response.status_code == 200
    assert course.title in response.content.decode()


def test_instructor_sets_a_quizs_class_hour_credit_in_the_lesson_editor(client, course, instructor):

    lesson = lessons_of(course)[0]
    lesson.quizzes = [LessonQuizFactory.build(title="结业考核", pass_mark=60, credit_minutes=45)]
    lesson.save_revision().publish()
    client.force_login(instructor)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    assert "计入学时（分钟）" in page  # the field, labelled in the instructor's language
    credit = re.search(r'<input[^>]*name="quizzes-0-credit_minutes"[^>]*>', page)
    assert credit is not None and 'value="45"' in credit.group(0)  # and the value it holds


def test_a_quiz_added_in_the_lesson_editor_gets_a_key_of_its_own(client, course, admin_user):
    lesson = lessons_of(course)[0]
    client.force_login(admin_user)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "summary": "",
            "duration_minutes": "15",
            "credit_minutes": "45",
            "video": "",
            "video_captions": "",
            "video_captions_language": "zh-hans",
            "video_chapters-count": "0",
            "body-count": "0",
            "quizzes-TOTAL_FORMS": "1",
            "quizzes-INITIAL_FORMS": "0",
            "quizzes-MIN_NUM_FORMS": "0",
            "quizzes-MAX_NUM_FORMS": "1000",
            "quizzes-0-id": "",
            "quizzes-0-ORDER": "1",
            "quizzes-0-DELETE": "",
            "quizzes-0-title": "小测验",
            "quizzes-0-pass_mark": "60",
            "quizzes-0-credit_minutes": "0",
            "quizzes-0-questions-count": "1",
            "quizzes-0-questions-0-type": "question",
            "quizzes-0-questions-0-deleted": "",
            "quizzes-0-questions-0-order": "0",
            "quizzes-0-questions-0-value-question": "红灯时",
            "quizzes-0-questions-0-value-choices-count": "2",
            "quizzes-0-questions-0-value-choices-0-value": "停",
            "quizzes-0-questions-0-value-choices-0-deleted": "",
            "quizzes-0-questions-0-value-choices-0-order": "0",
            "quizzes-0-questions-0-value-choices-1-value": "走",
            "quizzes-0-questions-0-value-choices-1-deleted": "",
            "quizzes-0-questions-0-value-choices-1-order": "1",
            "quizzes-0-questions-0-value-correct": "1",
            "action-publish": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    quiz = LessonQuiz.objects.get(lesson=lesson)
    assert len(quiz.key) == 36 and quiz.title == "小测验"
    assert quiz.questions[0].value["question"] == "红灯时"
    page = client.get(lesson.url).content.decode()
    assert reverse("quiz", args=[lesson.pk, quiz.key]) in page


def test_a_course_approved_by_the_lead_through_the_workflow_has_its_cycles(
    client, school, occupation, instructor
):
    course = make_course(school, occupation, lessons=2, publish=False)
    # The instructor submits the course to the school's moderation workflow.
    revision = course.save_revision(user=instructor)
    course.get_workflow().start(course, instructor)
    assert not course.cycles.exists()

    lead = InstructorFactory(organisation=school.organisation, is_school_lead=True)
    services.instructor_sync_groups(user=lead)
    client.force_login(lead)
    course.refresh_from_db()
    task_state = course.current_workflow_state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", task_state.pk]),
        {"comment": "可以上线"},
    )
    assert response.status_code in (200, 302)
    course.refresh_from_db()
    assert course.live and course.live_revision_id == revision.pk
    assert course.cycles.exists()  # laid out by Wagtail's page_published, not an admin hook


def test_an_unpublished_lesson_leaves_the_cycles_still_to_come(school, occupation):
    course = make_course(
        school, occupation, lessons=3, first=timezone.localdate() + dt.timedelta(days=1)
    )
    dropped = lessons_of(course)[1]
    assert ScheduledLesson.objects.filter(lesson=dropped).exists()

    dropped.unpublish()

    assert not ScheduledLesson.objects.filter(lesson=dropped).exists()
    assert course.cycles.exists()
    assert {s.lesson_id for s in ScheduledLesson.objects.filter(cycle__course=course)} == {
        lesson.pk for lesson in lessons_of(course) if lesson.pk != dropped.pk
    }


def test_lessons_published_under_a_course_not_yet_live_lay_out_nothing(school, occupation):
    course = make_course(school, occupation, lessons=2, publish=False)
    for lesson in lessons_of(course):
        lesson.save_revision().publish()
    assert not course.cycles.exists()
    course.save_revision().publish()
    assert course.cycles.exists()
