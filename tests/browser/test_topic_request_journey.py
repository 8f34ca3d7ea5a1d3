"""On a phone, a resident asks their community centre for a topic and a neighbour seconds
it: the count is the one who asked plus everyone who seconded ("N 人想学")."""

import pytest

from courses.models import TopicRequest, TopicSecond
from tests.factories import UserFactory
from tests.helpers import PHONE, axe_violations, log_in, make_community_centre, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_resident_requests_a_topic_and_a_neighbour_seconds_it(live_server, phone):
    centre = make_community_centre(city="杭州市", name="翠苑社区服务中心")
    resident = UserFactory(real_name="王阿姨")
    neighbour = UserFactory(real_name="李师傅")

    log_in(phone.context, live_server, resident)
    phone.goto(live_server.url + "/learn/community/")
    card = phone.locator("section.community-centre", has_text="翠苑社区服务中心")
    assert "这里还没有人点课" in card.inner_text()
    card.get_by_role("link", name="在这里点课").click()
    phone.get_by_label("你想学什么？").fill("家政收纳")
    phone.get_by_label("想对学校说的（选填）").fill("周末上午最好，老人也想学。")
    phone.get_by_role("button", name="发出点课").click()
    phone.wait_for_load_state()
    assert "点课已发出" in phone.content()
    assert "1 人想学" in phone.locator(".wanting").inner_text()
    assert "这是你点的课" in phone.content()
    assert fits_the_phone(phone)
    screenshot(phone, "topics-01-asked")
    (asked,) = TopicRequest.objects.all()
    assert (asked.topic, asked.requested_by, asked.centre) == ("家政收纳", resident, centre)

    phone.context.clear_cookies()
    log_in(phone.context, live_server, neighbour)
    phone.goto(live_server.url + "/learn/community/")
    row = phone.locator(f"#request-{asked.pk}")
    assert "家政收纳" in row.inner_text()
    assert "1 人想学" in row.inner_text()
    row.get_by_role("button", name="我也想学家政收纳").click()
    phone.wait_for_load_state()
    assert "现在有 2 人想学" in phone.locator(".messages").inner_text()
    row = phone.locator(f"#request-{asked.pk}")
    assert "2 人想学" in row.inner_text()
    assert "你已附议" in row.inner_text()
    assert row.get_by_role("button").count() == 0  # nothing left to press twice
    assert fits_the_phone(phone)
    screenshot(phone, "topics-02-seconded")
    assert list(TopicSecond.objects.values_list("user", flat=True)) == [neighbour.pk]

    # The request's own page says the same, and offers nothing to second again.
    phone.goto(live_server.url + f"/learn/community/requests/{asked.pk}/")
    assert "2 人想学" in phone.locator(".wanting").inner_text()
    assert "你已附议" in phone.content()
    assert phone.get_by_role("button", name="+1 我也想学").count() == 0
    assert fits_the_phone(phone)


def test_community_pages_have_no_serious_accessibility_violation(
    live_server, axe_phone, axe_script
):
    centre = make_community_centre(city="杭州市", name="翠苑社区服务中心")
    resident = UserFactory(real_name="王阿姨")
    log_in(axe_phone.context, live_server, UserFactory(real_name="李师傅"))
    asked = TopicRequest.objects.create(
        centre=centre, topic="电工", requested_by=resident, created_at=centre.created_at
    )
    found = {}
    for path in [
        "/learn/community/",
        f"/learn/community/centres/{centre.pk}/ask/",
        f"/learn/community/requests/{asked.pk}/",
    ]:
        axe_phone.goto(live_server.url + path)
        found[path] = axe_violations(axe_phone, axe_script)
    assert found == dict.fromkeys(found, [])
