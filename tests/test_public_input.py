"""Pages anyone may open answer whatever is put in their address: a page or a 404 or a
redirect, never a server error. Fuzzed as a stranger who is not logged in."""

from urllib.parse import quote, quote_from_bytes

from django.test import Client

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ODD = ['"', "\x00", "a\x00b", "%", "'; --", "../../etc/passwd", "😀", "x" * 3000, "\u202e", "*"]
PAGES_WITH_QUERIES = [
    "/",
    "/accounts/login/",
    "/accounts/login/code/",
    "/accounts/login/code/confirm/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


def stranger() -> Client:
    return Client(raise_request_exception=False)


def assert_answered(response) -> None:
    assert response.status_code < 500, response.status_code


@pytest.mark.parametrize("value", ODD)
def test_verification_page_answers_any_id(value):
    response = stranger().get(f"/verify/{quote(value, safe='')}/")
    assert response.status_code == 404


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize("path", PAGES_WITH_QUERIES)
def test_login_pages_answer_any_next_and_parameters(path, value):
    assert_answered(stranger().get(path, {"next": value, "phone": value, "login": value}))


@FUZZ
@given(public_id=st.text(min_size=1, max_size=80))
def test_no_certificate_id_gets_a_server_error(public_id):
    response = stranger().get(f"/verify/{quote(public_id, safe='')}/")
    assert_answered(response)


@FUZZ
@given(org_id=st.integers(min_value=0, max_value=10**30), list_id=st.integers(0, 10**30))
def test_no_issuer_or_status_list_number_gets_a_server_error(org_id, list_id):
    assert_answered(stranger().get(f"/credentials/issuers/{org_id}"))
    assert_answered(stranger().get(f"/credentials/issuers/{org_id}/status/{list_id}"))


@FUZZ
@given(
    path=st.sampled_from(PAGES_WITH_QUERIES),
    params=st.dictionaries(st.text(max_size=20), st.text(max_size=200), max_size=4),
)
def test_no_query_on_a_login_page_gets_a_server_error(path, params):
    assert_answered(stranger().get(path, params))


@FUZZ
@given(raw=st.binary(min_size=1, max_size=120))
def test_no_page_path_gets_a_server_error(raw):
    """Wagtail serves every path it does not know as a page lookup: bytes of any kind."""
    assert_answered(stranger().get("/courses/" + quote_from_bytes(raw, safe="/") + "/"))
