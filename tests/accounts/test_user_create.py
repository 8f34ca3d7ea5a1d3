"""Accounts made in bulk with one shared password are hashed once, and still log in."""

from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password

import pytest

from lms.accounts.models import User
from lms.accounts.services import user_create

pytestmark = pytest.mark.django_db


def test_accounts_given_one_hash_each_log_in_with_the_password():
    shared = make_password("night-school-demo")
    for email in ("a@example.org", "b@example.org"):
        user_create(role=User.Role.ADMIN, real_name="李", email=email, password_hash=shared)
    for email in ("a@example.org", "b@example.org"):
        assert authenticate(username=email, password="night-school-demo").email == email
        assert authenticate(username=email, password="wrong") is None


def test_a_plain_password_given_as_a_hash_is_refused_and_makes_no_account():
    with pytest.raises(ValueError):
        user_create(
            role=User.Role.ADMIN,
            real_name="李",
            email="c@example.org",
            password_hash="night-school-demo",
        )
    assert not User.objects.filter(email="c@example.org").exists()
