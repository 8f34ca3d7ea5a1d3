"""A courier joins a course mid-cycle on a phone and sees tonight's lesson and what comes back."""

import datetime as dt

from django.utils import timezone, translation

import pytest

from courses import services
from courses.lesson_timing import opens_words
from courses.models import Occupation
from tests.factories import UserFactory
from tests.helpers import log_in, make_course, make_school, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_learner_joins_mid_cycle_and_sees_tonight_and_when_missed_lessons_return(
    live_server, phone
):
    occupation = Occupation.objects.create(
        code="4-02-07-08", name_zh="快递员", urgent_shortage=True
    )
    school = make_school(services.catalogue_get_or_create())
    today = timezone.localdate()
    course = make_course(
        school,
        occupation,
        weekdays="0123456",
        first=today - dt.timedelta(days=3),
        session_time=dt.time(23, 59),
    )
    services.cycles_roll_ahead(course=course)
    learner = UserFactory(real_name="张小明")
    log_in(phone.context, live_server, learner)

    phone.goto(live_server.url + "/courses/?demand=URGENT_SHORTAGE")
    phone.get_by_role("link", name=course.title).click()
    assert "本期进行中" in phone.content()
    phone.get_by_role("button", name="加入课程").click()
    phone.wait_for_load_state()
    assert "您已加入本课程" in phone.content()
    screenshot(phone, "course-01-joined")

    phone.goto(live_server.url + "/")
    tonight = phone.locator(".tonight-lesson")
    assert "第4课" in tonight.inner_text()
    # Tonight's lesson comes first, then the missed ones by when they come round again.
    rows = phone.locator("ol.lessons li")
    assert "第4课" in rows.nth(0).inner_text() and "今晚 23:59 开放" in rows.nth(0).inner_text()
    comes_back = timezone.make_aware(
        dt.datetime.combine(today + dt.timedelta(days=5), dt.time(23, 59))
    )
    with translation.override("zh-hans"):
        words = opens_words(when=comes_back, now=timezone.now())
    texts = rows.all_inner_texts()
    missed = next(i for i, text in enumerate(texts) if text.startswith("第1课"))
    assert missed > 0 and words in texts[missed]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "course-02-home-tonight")

    phone.locator(".tonight-lesson a").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "第4课"
    screenshot(phone, "course-03-lesson")
