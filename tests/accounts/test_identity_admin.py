"""The Wagtail admin shows whether a person declared a real-name identity, with the masked
number only, and offers no way to change the stored number."""

from django.urls import reverse

import pytest

from lms.accounts.forms import StaffUserCreationForm, StaffUserEditForm
from lms.accounts.identity import id_number_reveal, identity_declare
from lms.accounts.models import RealNameIdentity
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NUMBER = "11010519491231002X"


@pytest.fixture
def admin_client(client):
    client.force_login(
        UserFactory(role="admin", is_superuser=True, is_staff=True, real_name="管理员")
    )
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def declared():
    learner = UserFactory(real_name="张小明")
    identity_declare(user=learner, real_name="张小明", id_number=NUMBER, groups=["courier"])
    return learner


def test_the_user_list_shows_the_status_and_the_masked_number(admin_client, declared):
    UserFactory(real_name="李四")  # one without
    page = admin_client.get(reverse("wagtailusers_users:index")).content.decode()
    assert "Real-name identity" in page
    assert "Real name confirmed · 110***********002X" in page
    assert NUMBER not in page and NUMBER[:17] not in page


def test_the_user_edit_page_shows_the_masked_number_and_no_field_for_it(admin_client, declared):
    url = reverse("wagtailusers_users:edit", args=[declared.pk])
    page = admin_client.get(url).content.decode()
    assert "110***********002X" in page and "Only the learner can correct" in page
    assert NUMBER not in page and NUMBER[:17] not in page
    assert 'name="id_number' not in page and "ciphertext" not in page


def test_the_admin_forms_have_no_identity_fields():
    for form in (StaffUserCreationForm, StaffUserEditForm):
        assert not [name for name in form.base_fields if "id_number" in name or "identity" in name]


def test_saving_a_user_in_the_admin_leaves_the_identity_as_it_was(admin_client, declared):
    before = RealNameIdentity.objects.values().get(user=declared)
    url = reverse("wagtailusers_users:edit", args=[declared.pk])
    response = admin_client.post(
        url,
        {
            "username": declared.username,
            "email": "",
            "first_name": "",
            "last_name": "",
            "real_name": "张小明",
            "phone": declared.phone,
            "role": "learner",
            "is_active": "on",
            "id_number": "440308199003071234",
            "id_number_ciphertext": "forged",
            "id_number_masked": "440***********1234",
        },
    )
    assert response.status_code in (200, 302)
    assert RealNameIdentity.objects.values().get(user=declared) == before
    assert id_number_reveal(identity=RealNameIdentity.objects.get(user=declared)) == NUMBER


def test_no_admin_page_edits_identities(admin_client, declared):
    from wagtail.snippets.models import get_snippet_models

    assert RealNameIdentity not in get_snippet_models()
