"""On a small phone the learner's whole top navigation shows, each link a full tap target,
without the page scrolling sideways, in Chinese and in English."""

import pytest

from tests.factories import UserFactory
from tests.helpers import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_learners_navigation_wraps_into_tap_targets_on_a_phone(live_server, phone, language):
    log_in(phone.context, live_server, UserFactory())
    phone.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )

    phone.goto(live_server.url + "/programme/vouchers/")

    links = phone.locator("nav.top-nav a")
    assert links.count() == 6
    for n in range(links.count()):
        box = links.nth(n).bounding_box()
        assert links.nth(n).is_visible()
        assert box["height"] >= 44
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, f"top-navigation-{language}")
