"""A courier gives their real-name details on a phone from the hours page: a mistyped ID
number is refused with the reason, the corrected one is saved and shown masked only."""

import pytest

from lms.accounts.identity import id_number_reveal
from lms.accounts.models import RealNameIdentity
from tests.factories import UserFactory
from tests.helpers import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "11010519491231002X"


def test_learner_declares_with_a_bad_then_a_good_number_and_returns(live_server, phone):
    learner = UserFactory(real_name="")
    log_in(phone.context, live_server, learner)

    phone.goto(live_server.url + "/hours/")
    phone.get_by_role("link", name="补贴性培训的实名信息").click()
    phone.wait_for_load_state()
    assert "/accounts/identity/?next=/hours/" in phone.url
    assert "为什么需要这些信息" in phone.content()

    phone.get_by_label("真实姓名（与身份证一致）").fill("张小明")
    phone.get_by_label("居民身份证号码（18 位）").fill("110105194912310021")  # last digit wrong
    phone.get_by_label("灵活就业人员").check()
    phone.get_by_role("button", name="保存我的信息").click()
    phone.wait_for_load_state()
    assert "身份证号码校验位不符，请逐位核对。" in phone.locator(".errorlist").inner_text()
    assert not RealNameIdentity.objects.exists()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "identity-01-refused")

    phone.get_by_label("居民身份证号码（18 位）").fill(NUMBER.lower())
    phone.get_by_role("button", name="保存我的信息").click()
    phone.wait_for_url(f"{live_server.url}/hours/")
    assert "实名信息已保存。" in phone.content()
    identity = RealNameIdentity.objects.get(user=learner)
    assert id_number_reveal(identity=identity) == NUMBER

    phone.goto(live_server.url + "/accounts/identity/")
    saved = phone.locator(".identity-saved").inner_text()
    assert "110***********002X" in saved and "张小明" in saved and "灵活就业人员" in saved
    assert NUMBER not in phone.content() and NUMBER[:17] not in phone.content()
    assert phone.locator("details.identity-correct").get_attribute("open") is None  # folded
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "identity-02-saved")
