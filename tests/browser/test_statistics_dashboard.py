"""The HR office opens its person-time dashboard at a desk: every chart loads as an image,
with its table under it."""

import pytest

from lms.programmes.statistics import statistics_refresh
from tests.helpers import log_in, make_statistics_year, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_officer_opens_the_dashboard_and_every_chart_loads(live_server, browser):
    made = make_statistics_year()
    statistics_refresh()
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    page.set_default_timeout(15_000)
    policy_errors = []
    page.on(
        "console",
        lambda message: (
            policy_errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    log_in(desk, live_server, made["officer"])

    page.goto(live_server.url + "/programme/")
    page.get_by_role("link", name="人次统计").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="人次统计", exact=True).is_visible()
    assert "3人次，占 60.0%" in page.content()

    images = page.locator(".stats-chart img")
    assert images.count() == 8
    for n in range(images.count()):
        images.nth(n).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.stats-chart img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    for n in range(images.count()):
        assert images.nth(n).get_attribute("alt")
    assert page.locator(".stats-chart table").count() == 8
    assert page.locator("a[href*='.csv']").count() == 8
    assert not policy_errors
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "statistics-dashboard-desktop")
    desk.close()
