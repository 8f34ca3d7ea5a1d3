"""The learner's pages: Chinese by default, English on request, honest when empty."""

import re

from django.core.management import call_command
from django.urls import reverse

import pytest

from lms.accounts.models import Organisation, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_speaks_chinese_even_when_the_phone_asks_for_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "夜校" in response.content.decode()


def test_language_switch_turns_the_site_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert response["Content-Language"] == "en"
    assert "Night School" in response.content.decode()

    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/"}, follow=True
    )
    assert response["Content-Language"] == "zh-hans"


def test_unknown_language_in_the_cookie_falls_back_to_chinese(client):
    client.cookies["django_language"] = "xx"
    assert client.get("/")["Content-Language"] == "zh-hans"


def test_signed_in_learner_with_no_course_sees_an_honest_empty_state(client):
    client.force_login(UserFactory(real_name="张小明"))
    page = client.get("/").content.decode()
    assert "张小明" in page
    assert "还没有加入课程" in page


def test_every_page_offers_the_language_switch_without_javascript(client):
    for url in [
        "/",
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_request_login_code"),
    ]:
        page = client.get(url).content.decode()
        assert 'action="/i18n/setlang/"' in page, url
        assert 'name="language" value="en"' in page, url


def test_demo_loads_twice_without_duplicates_and_its_logins_work(client, sms_outbox):
    call_command("load_demo", "--without-videos", verbosity=0)
    from courses.models import CoursePage, LessonPage
    from credits.certification.models import CertificationProgramme

    def counts():
        return [
            m.objects.count()
            for m in (User, Organisation, CoursePage, LessonPage, CertificationProgramme)
        ]

    before = counts()
    call_command("load_demo", "--without-videos", verbosity=0)
    assert counts() == before
    assert before[2:] == [6, 25, 2]  # the three courier-side courses, and the city's year

    from lms.demo import DEMO_PASSWORD

    for email in [
        "teacher@nightschool.example",
        "reviewer@nightschool.example",
        "admin@nightschool.example",
    ]:
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
    client.logout()
    client.post(reverse("account_request_login_code"), {"phone": "138 0013 8000"})
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1].text).group(1)
    client.post(reverse("account_confirm_login_code"), {"code": code})
    learner = client.get("/").context["user"]
    assert learner.phone == "+8613800138000"
    # Whatever the hour, the demo learner has lessons open to study and lessons still to come.
    from courses.selectors import lesson_view

    course = CoursePage.objects.get(slug="courier-basic")
    assert course.attention_checks  # a paced script meets checks only a person can answer
    open_now = [
        lesson_view(lesson=lesson, user=learner)["may_study"]
        for lesson in LessonPage.objects.child_of(course)
    ]
    assert any(open_now) and not all(open_now)


def test_every_page_opens_with_a_skip_link_to_its_content(client):
    for url in ["/", reverse("account_login"), reverse("account_request_login_code")]:
        page = client.get(url, follow=True).content.decode()
        body = page[page.index("<body>") :]
        first_link = re.search(r"<a [^>]*>", body).group(0)
        assert 'class="skip-link" href="#main"' in first_link, url
        assert 'id="main"' in page, url
        assert "跳到正文" in page, url
