"""The hours page in the learner's terms: minutes, the next class hour, the certificate."""

import re

from django.conf import settings
from django.utils import timezone

import pytest

from credits.certification.models import CertificationProgramme
from credits.ledger import services as ledger
from lms.accounts.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(video_course):
    evaluator = OrganisationFactory(name="市职业技能鉴定中心", kind=Organisation.Kind.EVALUATION)
    programme = CertificationProgramme.objects.create(
        name_zh="快递员五级",
        name_en="Courier, level 5",
        issuer=evaluator,
        class_hours_required=6,
        assessment=CertificationProgramme.Assessment.EXAM,
        exam_pass_mark=60,
    )
    programme.required_courses.add(video_course)
    return programme


def progress_bars(html: str) -> dict[str, tuple[int, int]]:
    return {
        m["id"]: (int(m["value"]), int(m["max"]))
        for m in re.finditer(
            r'<progress id="(?P<id>[\w-]+)" max="(?P<max>\d+)" value="(?P<value>\d+)"', html
        )
    }


def test_one_minute_reads_as_a_minute_and_44_more_to_the_next_class_hour(
    client, learner, lesson, programme
):
    ledger.ledger_credit_lesson(
        learner=learner, lesson=lesson, studied_seconds=90, now=timezone.now()
    )
    client.force_login(learner)
    page = client.get("/hours/").content.decode()
    assert "1 分钟" in page
    assert "再学 44 分钟满下一个学时" in page
    bars = progress_bars(page)
    assert bars["next-hour"] == (1, 45)
    assert bars["toward-minutes"] == (1, 270)  # six class hours of 45 minutes
    assert bars["toward-lessons"] == (1, 3)
    assert "快递员五级" in page
    # The lesson's line says it banked the time really studied, and names the lesson.
    assert "完成一课" in page and lesson.title in page
    assert "实际学习的时间" in page


def test_the_programme_shows_its_english_name_in_english_and_falls_back_without_one(
    client, learner, programme
):
    client.force_login(learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/hours/").content.decode()
    assert "Toward your certificate: Courier, level 5" in page
    programme.name_en = ""
    programme.save(update_fields=["name_en"])
    page = client.get("/hours/").content.decode()
    assert "Toward your certificate: 快递员五级" in page


def test_another_learners_hours_are_not_shown(client, learner, lesson, programme):
    ledger.ledger_credit_lesson(
        learner=learner, lesson=lesson, studied_seconds=600, now=timezone.now()
    )
    client.force_login(UserFactory())
    bars = progress_bars(client.get("/hours/").content.decode())
    assert bars["next-hour"] == (0, 45)
    assert bars["toward-minutes"] == (0, 270)
