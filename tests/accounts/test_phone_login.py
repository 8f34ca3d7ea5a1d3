"""Learners sign up and log in with a phone number and a code texted to them."""

import re

from django.contrib.auth import get_user_model
from django.urls import reverse

import pytest

from lms.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHINESE = {
    "HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"
}  # the phone says English; we still speak Chinese


def last_code(outbox) -> str:
    assert outbox, "no SMS was sent"
    match = re.search(r"\b(\d{6})\b", outbox[-1].text)
    assert match, outbox[-1].text
    return match.group(1)


def request_code(client, phone: str):
    return client.post(reverse("account_request_login_code"), {"phone": phone}, **CHINESE)


def confirm(client, code: str, follow=True):
    return client.post(
        reverse("account_confirm_login_code"), {"code": code}, follow=follow, **CHINESE
    )


def logged_in_user(client):
    from django.contrib.auth import get_user

    return get_user(client)


def test_learner_logs_in_with_local_number_and_texted_code(client, sms_outbox):
    learner = UserFactory(phone="+8613800138000")
    response = request_code(client, "138 0013 8000")
    assert response.status_code == 302
    assert sms_outbox[-1].phone == "+8613800138000"

    response = confirm(client, last_code(sms_outbox))

    assert response.redirect_chain[-1][0] == reverse("home")
    assert logged_in_user(client) == learner


def test_wrong_code_is_refused_in_chinese_and_logs_nobody_in(client, sms_outbox):
    UserFactory(phone="+8613800138001")
    request_code(client, "13800138001")
    real = last_code(sms_outbox)
    wrong = "000000" if real != "000000" else "111111"

    response = confirm(client, wrong)

    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_three_wrong_codes_end_the_attempt_even_for_the_right_code(client, sms_outbox):
    UserFactory(phone="+8613800138002")
    request_code(client, "13800138002")
    real = last_code(sms_outbox)
    for _ in range(3):
        response = confirm(client, "000000")
    assert "登录失败次数过多" in response.content.decode()

    confirm(client, real)

    assert not logged_in_user(client).is_authenticated


def test_expired_code_is_refused_with_a_reason(client, sms_outbox, settings):
    UserFactory(phone="+8613800138003")
    request_code(client, "13800138003")
    code = last_code(sms_outbox)
    settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT = -1  # every code issued so far is now past its time

    response = confirm(client, code)

    assert "验证码已过期" in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_used_code_cannot_log_in_again(client, sms_outbox):
    UserFactory(phone="+8613800138004")
    request_code(client, "13800138004")
    code = last_code(sms_outbox)
    confirm(client, code)
    assert logged_in_user(client).is_authenticated
    client.post(reverse("account_logout"))

    replay = confirm(client, code)
    assert not logged_in_user(client).is_authenticated
    assert replay.redirect_chain[-1][0] == reverse("account_request_login_code")

    request_code(client, "13800138004")
    if last_code(sms_outbox) != code:
        response = confirm(client, code)
        assert "验证码不正确" in response.content.decode()
        assert not logged_in_user(client).is_authenticated


def test_second_code_request_within_a_minute_is_refused(client, sms_outbox):
    UserFactory(phone="+8613800138005")
    first = request_code(client, "13800138005")
    assert first.status_code == 302
    client.cookies.clear()  # a new browser session does not reset the limit

    second = request_code(client, "13800138005")

    assert second.status_code == 200
    assert "请求的验证码太多" in second.content.decode()
    assert len(sms_outbox) == 1


def test_not_a_phone_number_is_refused_and_nothing_is_sent(client, sms_outbox):
    response = request_code(client, "12345")
    assert response.status_code == 200
    assert (
        "手机号码无效" in response.content.decode() or "不是电话号码" in response.content.decode()
    )
    assert sms_outbox == []


def test_unknown_number_gets_a_text_saying_so_and_no_working_code(client, sms_outbox):
    response = request_code(client, "13900139000")
    assert response.status_code == 302
    assert "no account" in sms_outbox[-1].text.lower() or "还没有" in sms_outbox[-1].text
    assert not get_user_model().objects.filter(phone="+8613900139000").exists()


def test_learner_signs_up_with_phone_name_and_code(client, sms_outbox):
    response = client.post(
        reverse("account_signup"),
        {"phone": "139 0013 9001", "real_name": "刘骑手", "learner_group": "delivery_rider"},
        **CHINESE,
    )
    assert response.status_code == 302
    user = User.objects.get(phone="+8613900139001")
    assert (user.real_name, user.learner_group, user.role) == (
        "刘骑手",
        "delivery_rider",
        "learner",
    )
    assert not user.phone_verified

    response = client.post(
        reverse("account_verify_phone"), {"code": last_code(sms_outbox)}, follow=True, **CHINESE
    )

    user.refresh_from_db()
    assert user.phone_verified
    assert logged_in_user(client) == user
    assert response.redirect_chain[-1][0] == reverse("home")


def test_signup_with_a_taken_number_creates_no_second_account(client, sms_outbox):
    UserFactory(phone="+8613900139002")
    client.post(
        reverse("account_signup"),
        {"phone": "13900139002", "real_name": "冒名", "learner_group": "courier"},
    )
    assert User.objects.filter(phone="+8613900139002").count() == 1
    assert not logged_in_user(client).is_authenticated


def test_staff_log_in_with_email_and_password(client):
    from lms.accounts.services import user_create
    from tests.factories import OrganisationFactory

    user_create(
        role="instructor",
        real_name="李老师",
        email="li@school.example",
        password="a long staff password",
        organisation=OrganisationFactory(),
    )
    response = client.post(
        reverse("account_login"),
        {"login": "li@school.example", "password": "a long staff password"},
    )
    assert response.status_code == 302
    assert logged_in_user(client).email == "li@school.example"


def test_learner_without_password_cannot_log_in_with_a_guessed_password(client):
    from lms.accounts.services import user_create

    user_create(role="learner", real_name="张三", phone="13800138009")
    response = client.post(
        reverse("account_login"), {"login": "+8613800138009", "password": "123456"}
    )
    assert response.status_code == 200
    assert not logged_in_user(client).is_authenticated


def test_going_back_to_ask_again_offers_the_way_to_the_code_already_sent(client, sms_outbox):
    UserFactory(phone="+8613800138006")
    request_code(client, "13800138006")
    code = last_code(sms_outbox)

    # The learner goes back to the number form within the minute, or asks again: both lead
    # back to the code entry, and no second text is sent.
    confirm_url = reverse("account_confirm_login_code")
    back = client.get(reverse("account_request_login_code"), **CHINESE)
    assert back.status_code == 302 and back.url.startswith(confirm_url)
    again = request_code(client, "13800138006")
    assert again.status_code == 302 and again.url.startswith(confirm_url)
    assert len(sms_outbox) == 1
    assert client.get(confirm_url, **CHINESE).status_code == 200
    confirm(client, code)
    assert logged_in_user(client).phone == "+8613800138006"


def test_a_refused_second_request_keeps_the_number_form_with_its_error(client, sms_outbox):
    UserFactory(phone="+8613800138007")
    request_code(client, "13800138007")
    client.cookies.clear()  # another browser: the code sent belongs to the first one

    page = request_code(client, "13800138007").content.decode()
    assert "请求的验证码太多" in page
    assert re.search(r'<input[^>]*name="phone"[^>]*value="13800138007"', page) or re.search(
        r'<input[^>]*value="13800138007"[^>]*name="phone"', page
    )
    assert "发送验证码" in page  # the button to ask again once the minute is over
    assert len(sms_outbox) == 1


def test_no_way_to_a_code_entry_is_offered_without_a_code_sent(client, sms_outbox):
    page = client.get(reverse("account_request_login_code"), **CHINESE).content.decode()
    assert reverse("account_confirm_login_code") not in page
    response = client.get(reverse("account_confirm_login_code"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_request_login_code"))
