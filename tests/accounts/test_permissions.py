"""Who may enter the Wagtail admin, and what an instructor may touch there."""

from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError
from django.urls import reverse

import pytest

from lms.accounts.models import Organisation, User
from tests.factories import InstructorFactory, OrganisationFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_HOME = "/admin/"


def is_admin_dashboard(response) -> bool:
    return response.status_code == 200 and response.resolver_match.url_name == "wagtailadmin_home"


def test_learner_is_kept_out_of_the_admin(client):
    client.force_login(UserFactory())
    response = client.get(ADMIN_HOME)
    assert response.status_code == 302
    assert not is_admin_dashboard(client.get(ADMIN_HOME, follow=True))


def test_learner_in_a_group_with_admin_access_is_still_kept_out(client):
    learner = UserFactory()
    group = Group.objects.create(name="mistake")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    learner.groups.add(group)
    client.force_login(learner)
    assert client.get(ADMIN_HOME).status_code == 302


def test_reviewer_is_kept_out_of_the_admin(client):
    client.force_login(ReviewerFactory())
    assert client.get(ADMIN_HOME).status_code == 302


def test_inactive_instructor_is_kept_out(client):
    instructor = InstructorFactory(is_active=False)
    client.force_login(instructor)
    assert client.get(ADMIN_HOME).status_code == 302


def test_instructor_enters_the_admin(client):
    client.force_login(InstructorFactory())
    assert is_admin_dashboard(client.get(ADMIN_HOME))


def edit_url(organisation: Organisation) -> str:
    return reverse("wagtailsnippets_accounts_organisation:edit", args=[organisation.pk])


def test_instructor_edits_their_own_school(client):
    instructor = InstructorFactory(organisation__name="城东学校")
    client.force_login(instructor)
    school = instructor.organisation
    response = client.post(
        edit_url(school),
        {
            "name": "城东学校",
            "kind": school.kind,
            "address": "建设路 1 号",
            "credit_code": "",
            "contact_phone": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    school.refresh_from_db()
    assert school.address == "建设路 1 号"


def test_instructor_cannot_open_or_change_another_school(client):
    instructor = InstructorFactory(organisation__name="城东学校")
    other = OrganisationFactory(name="城西学校", address="原地址")
    client.force_login(instructor)

    opened = client.get(edit_url(other))
    posted = client.post(
        edit_url(other),
        {
            "name": "城西学校",
            "kind": other.kind,
            "address": "被改了",
            "credit_code": "",
            "contact_phone": "",
        },
    )

    assert opened.status_code in (302, 403)
    assert posted.status_code in (302, 403)
    other.refresh_from_db()
    assert other.address == "原地址"


def test_instructor_sees_only_their_own_school_in_the_list(client):
    instructor = InstructorFactory(organisation__name="城东学校")
    OrganisationFactory(name="城西学校")
    client.force_login(instructor)
    page = client.get(reverse("wagtailsnippets_accounts_organisation:list")).content.decode()
    assert "城东学校" in page
    assert "城西学校" not in page


def test_instructor_cannot_create_or_delete_organisations(client):
    instructor = InstructorFactory()
    client.force_login(instructor)
    add = client.post(
        reverse("wagtailsnippets_accounts_organisation:add"),
        {"name": "新学校", "kind": "training_school"},
    )
    delete = client.post(
        reverse("wagtailsnippets_accounts_organisation:delete", args=[instructor.organisation_id])
    )
    assert add.status_code in (302, 403)
    assert delete.status_code in (302, 403)
    assert not Organisation.objects.filter(name="新学校").exists()
    assert Organisation.objects.filter(pk=instructor.organisation_id).exists()


def test_admin_manages_every_organisation(client):
    admin = UserFactory(role=User.Role.ADMIN, is_superuser=True, is_staff=True)
    other = OrganisationFactory(name="城西学校")
    client.force_login(admin)
    assert client.get(edit_url(other)).status_code == 200


def test_database_refuses_an_instructor_without_an_organisation():
    with pytest.raises(IntegrityError):
        User.objects.create(username="loose", role=User.Role.INSTRUCTOR)


def test_instructor_cannot_read_another_schools_history(client):
    instructor = InstructorFactory(organisation__name="城东学校")
    other = OrganisationFactory(name="城西学校")
    client.force_login(instructor)
    response = client.get(reverse("wagtailsnippets_accounts_organisation:history", args=[other.pk]))
    assert response.status_code in (302, 403)
