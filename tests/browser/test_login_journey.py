"""A courier's first evening: ask for a code, type it in, land home in Chinese, then English."""

import re

import pytest

from tests.factories import UserFactory
from tests.helpers import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_learner_logs_in_by_code_and_switches_to_english(live_server, phone, sms_outbox):
    UserFactory(phone="+8613800138000", real_name="张小明")

    phone.goto(live_server.url + "/")
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    phone.get_by_role("link", name="用手机号登录").click()
    phone.get_by_label("手机号码").fill("138 0013 8000")
    screenshot(phone, "login-01-phone")
    phone.get_by_role("button", name="发送验证码").click()

    phone.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1].text).group(1)
    phone.locator("input[name=code]").fill(code)
    screenshot(phone, "login-02-code")
    phone.locator("input[name=code]").press("Enter")

    phone.wait_for_url(live_server.url + "/")
    assert phone.get_by_role("heading", level=1).inner_text() == "晚上好，张小明"
    screenshot(phone, "login-03-home-zh")

    phone.get_by_role("button", name="English").click()
    phone.wait_for_load_state()
    assert phone.get_by_role("heading", level=1).inner_text() == "Good evening, 张小明"
    assert phone.locator("html").get_attribute("lang") == "en"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must fit a phone screen without sideways scrolling"
    screenshot(phone, "login-04-home-en")
