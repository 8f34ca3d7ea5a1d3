"""The admin an instructor works in speaks the platform's language and calls no outside host."""

from django.test import override_settings
from django.urls import reverse

from wagtail.models import Site, Workflow

import pytest

from courses import services
from tests.helpers import make_school

pytestmark = pytest.mark.django_db


def test_a_schools_workflow_and_its_task_are_named_in_chinese(catalogue):
    school = make_school(catalogue, name="城南职业技能培训学校")
    workflow = school.get_workflow()
    assert workflow.name == "城南职业技能培训学校 · 发布审核"
    assert workflow.tasks.get().name == "城南职业技能培训学校 · 负责人审批"


def test_setting_a_school_up_again_renames_an_english_named_workflow(catalogue):
    school = make_school(catalogue, name="城南职业技能培训学校")
    workflow = school.get_workflow()
    Workflow.objects.filter(pk=workflow.pk).update(name="城南职业技能培训学校 · publishing")
    workflow.tasks.update(name="城南职业技能培训学校 · lead approval")

    services.school_setup(organisation=school.organisation, catalogue=catalogue)

    workflow.refresh_from_db()
    assert workflow.name == "城南职业技能培训学校 · 发布审核"
    assert workflow.tasks.get().name == "城南职业技能培训学校 · 负责人审批"
    assert Workflow.objects.filter(name__startswith="城南职业技能培训学校").count() == 1


@override_settings(WAGTAILADMIN_BASE_URL="http://testserver")
def test_the_dashboard_names_the_site_and_links_to_no_outside_guide(client, instructor, school):
    services.site_name_set(name="夜校")
    assert Site.objects.get(is_default_site=True).site_name == "夜校"
    client.force_login(instructor)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "localhost" not in page
    assert "guide.wagtail.org" not in page and "wagtail.org/" not in page
    assert "releases.wagtail.io" not in page


def test_the_admin_calls_an_instructor_by_their_real_name(client, school):
    from tests.factories import InstructorFactory

    teacher = InstructorFactory(organisation=school.organisation, real_name="李老师")
    services.instructor_sync_groups(user=teacher)
    client.force_login(teacher)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "李老师" in page  # the greeting; the sidebar still shows the log-in name
