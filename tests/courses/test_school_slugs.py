"""A school's page has a short ASCII slug, so its lessons' addresses are short; the long
addresses schools had before answer with a permanent redirect."""

import io

from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from wagtail.contrib.redirects.models import Redirect

import pytest

from courses import services
from courses.models import CoursePage, LessonPage, SchoolPage
from courses.school_slugs import MAX_SLUG_LENGTH, school_slugs_shorten, slug_is_short
from lms.accounts.models import Organisation
from tests.factories import (
    CoursePageFactory,
    InstructorFactory,
    LessonPageFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.helpers import empty_formset, make_school

pytestmark = pytest.mark.django_db

LONG_NAME = "北京市朝阳区城市运行保障职业技能培训学校"


def ascii_and_short(page, limit: int) -> bool:
    """Short as served (``url`` is percent-encoded) and as stored (``url_path`` is not)."""
    return all(ord(c) < 128 for c in page.url_path + page.url) and len(page.url) <= limit


def course_with_lesson(school) -> tuple[CoursePage, LessonPage]:
    course = CoursePageFactory(parent=school, title="快递员（初级）", slug="courier-basic")
    lesson = LessonPageFactory(parent=course, title="第1课", slug="lesson-1")
    return CoursePage.objects.get(pk=course.pk), LessonPage.objects.get(pk=lesson.pk)


def school_named_the_old_way(catalogue, name=LONG_NAME) -> SchoolPage:
    """A school set up before slugs were short: Wagtail made its slug from the Chinese title."""
    organisation = OrganisationFactory(name=name, kind=Organisation.Kind.TRAINING_SCHOOL)
    page = SchoolPage(title=name, organisation=organisation)
    catalogue.add_child(instance=page)
    page.save_revision().publish()
    return services.school_setup(organisation=organisation, catalogue=catalogue)


def fresh(page):
    return type(page).objects.get(pk=page.pk)


# --- A new school.


def test_a_new_schools_page_and_lessons_have_short_ascii_addresses(client, catalogue):
    school = make_school(catalogue, name=LONG_NAME)
    assert school.slug == f"school-{school.organisation.pk}"
    course, lesson = course_with_lesson(school)
    for page in (school, course, lesson):
        assert ascii_and_short(page, 60), page.url
    client.force_login(UserFactory())
    assert client.get(lesson.url).status_code == 200


def test_a_school_named_in_short_latin_words_is_named_by_them(catalogue):
    assert make_school(catalogue, name="Night Riders Academy").slug == "night-riders-academy"


def test_a_latin_name_too_long_for_an_address_falls_back_to_the_organisation(catalogue):
    name = "The Municipal Night Shift Workers Vocational Skills Training School"
    school = make_school(catalogue, name=name)
    assert school.slug == f"school-{school.organisation.pk}"
    assert len(school.slug) <= MAX_SLUG_LENGTH


def test_a_new_schools_slug_steps_aside_for_a_sibling_that_has_it(catalogue):
    organisation = OrganisationFactory(name=LONG_NAME, kind=Organisation.Kind.TRAINING_SCHOOL)
    other = make_school(catalogue, name="城西学校")
    other.slug = f"school-{organisation.pk}"
    other.save_revision().publish()
    school = services.school_setup(organisation=organisation, catalogue=catalogue)
    assert school.slug == f"school-{organisation.pk}-2"
    assert fresh(other).slug == f"school-{organisation.pk}"


def test_setting_a_school_up_again_keeps_the_slug_its_leads_chose(catalogue):
    school = make_school(catalogue, name=LONG_NAME)
    school.slug = "chaoyang"
    school.save_revision().publish()
    again = services.school_setup(organisation=school.organisation, catalogue=catalogue)
    assert again.pk == school.pk and again.slug == "chaoyang"


def test_the_demos_schools_and_lessons_have_short_ascii_addresses():
    call_command("load_demo", "--without-videos", stdout=io.StringIO())
    schools = list(SchoolPage.objects.all())
    assert len(schools) > 1
    assert all(slug_is_short(school.slug) for school in schools)
    lessons = list(LessonPage.objects.all())
    assert lessons
    for lesson in lessons:
        assert ascii_and_short(lesson, 80), lesson.url


# --- Schools named the old way, renamed by the migration's function.


def test_a_lessons_old_long_address_redirects_permanently_to_its_short_one(client, catalogue):
    school = school_named_the_old_way(catalogue)
    course, lesson = course_with_lesson(school)
    old_school_url, old_course_url, old_lesson_url = school.url, course.url, lesson.url
    # Wagtail percent-encodes the Chinese slug: nine characters for each of its twenty.
    assert len(old_lesson_url) > 200 and old_lesson_url.startswith("/courses/%E5%8C%97%E4%BA%AC")
    client.force_login(UserFactory())
    assert client.get(old_lesson_url).status_code == 200

    renamed = school_slugs_shorten(apps=apps)

    new_slug = f"school-{school.organisation.pk}"
    assert renamed == [(school.slug, new_slug)]
    school, course, lesson = fresh(school), fresh(course), fresh(lesson)
    assert school.slug == new_slug
    assert lesson.url == f"/courses/{new_slug}/courier-basic/lesson-1/"
    assert client.get(lesson.url).status_code == 200
    response = client.get(old_lesson_url)
    assert response.status_code == 301
    assert response["Location"] == lesson.url
    for old, page in ((old_school_url, school), (old_course_url, course)):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, page.url)


@pytest.mark.django_db(transaction=True)
def test_the_migration_renames_on_its_own_models_and_redirects(client, catalogue):
    school = school_named_the_old_way(catalogue)
    _, lesson = course_with_lesson(school)
    old_lesson_url = lesson.url
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("courses", "0010_community_topic_requests")])
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)

    lesson = fresh(lesson)
    assert lesson.url == f"/courses/school-{school.organisation.pk}/courier-basic/lesson-1/"
    client.force_login(UserFactory())
    response = client.get(old_lesson_url)
    assert (response.status_code, response["Location"]) == (301, lesson.url)


def test_a_renamed_schools_drafts_carry_the_short_slug_so_publishing_keeps_it(catalogue):
    school = school_named_the_old_way(catalogue)
    school_slugs_shorten(apps=apps)
    school = fresh(school)
    assert school.get_latest_revision_as_object().slug == school.slug
    school.get_latest_revision().publish()
    assert fresh(school).slug == f"school-{school.organisation.pk}"


def test_renaming_again_changes_nothing(catalogue):
    school = school_named_the_old_way(catalogue)
    course_with_lesson(school)
    school_slugs_shorten(apps=apps)
    redirects = set(Redirect.objects.values_list("old_path", "redirect_page_id"))
    assert len(redirects) == 3
    assert school_slugs_shorten(apps=apps) == []
    assert set(Redirect.objects.values_list("old_path", "redirect_page_id")) == redirects


def test_a_school_whose_slug_is_already_short_is_left_alone(catalogue):
    school = make_school(catalogue, name="城西学校")
    school.slug = "chengxi"
    school.save_revision().publish()
    Redirect.objects.all().delete()
    assert school_slugs_shorten(apps=apps) == []
    assert fresh(school).slug == "chengxi"
    assert not Redirect.objects.exists()


def test_a_renamed_school_does_not_take_a_siblings_slug(catalogue):
    school = school_named_the_old_way(catalogue)
    taken = f"school-{school.organisation.pk}"
    other = make_school(catalogue, name="城西学校")
    other.slug = taken
    other.save_revision().publish()
    school_slugs_shorten(apps=apps)
    assert fresh(school).slug == f"{taken}-2"
    assert fresh(other).slug == taken


# --- Who may rename a school's page in the admin.


def school_form(page, **overrides):
    data = {
        "title": page.title,
        "slug": page.slug,
        "organisation": page.organisation_id,
        "seo_title": "",
        "search_description": "",
        **empty_formset("comments"),
    }
    data.update(overrides)
    return data


def test_an_instructor_cannot_rename_another_schools_page(client, catalogue):
    mine = make_school(catalogue, name="城东学校")
    theirs = make_school(catalogue, name="城西学校")
    instructor = InstructorFactory(organisation=mine.organisation)
    services.instructor_sync_groups(user=instructor)
    client.force_login(instructor)
    edit = reverse("wagtailadmin_pages:edit", args=[theirs.pk])
    assert client.get(edit).status_code in (302, 403)
    response = client.post(edit, school_form(theirs, slug="taken-over"))
    assert response.status_code in (302, 403)
    theirs = fresh(theirs)
    assert theirs.slug != "taken-over"
    assert theirs.get_latest_revision_as_object().slug != "taken-over"
    # The same form on the instructor's own school is saved, as a draft for the lead.
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[mine.pk]), school_form(mine, slug="chengdong")
    )
    assert response.status_code == 302
    assert fresh(mine).get_latest_revision_as_object().slug == "chengdong"


def test_a_lead_renames_the_schools_page_and_the_old_address_redirects(
    client, catalogue, django_capture_on_commit_callbacks
):
    school = make_school(catalogue, name="城东学校")
    _, lesson = course_with_lesson(school)
    old_lesson_url = lesson.url
    lead = InstructorFactory(organisation=school.organisation, is_school_lead=True)
    services.instructor_sync_groups(user=lead)
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=[school.pk]),
            school_form(school, slug="chengdong", **{"action-publish": "1"}),
        )
    assert response.status_code == 302
    lesson = fresh(lesson)
    assert lesson.url == "/courses/chengdong/courier-basic/lesson-1/"
    response = client.get(old_lesson_url)
    assert (response.status_code, response["Location"]) == (301, lesson.url)


def test_a_slug_the_admin_refuses_changes_nothing(client, catalogue):
    school = make_school(catalogue, name="城东学校")
    lead = InstructorFactory(organisation=school.organisation, is_school_lead=True)
    services.instructor_sync_groups(user=lead)
    client.force_login(lead)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[school.pk]),
        school_form(school, slug="no spaces/or slashes", **{"action-publish": "1"}),
    )
    assert response.status_code == 200  # the form again, with the error
    assert fresh(school).slug == school.slug
