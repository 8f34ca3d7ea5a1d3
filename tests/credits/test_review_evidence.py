"""The reviewer's evidence page speaks of devices and reasons, with the hashes folded away."""

import re

from django.urls import reverse
from django.utils import translation

import pytest

from credits.certification.models import CertificationProgramme
from credits.certification.services import application_submit
from credits.study import services
from credits.study.devices import device_name
from credits.study.models import REFUSAL_SENTENCES, RefusalReason
from lms.accounts.models import Organisation
from tests.factories import OrganisationFactory, ReviewerFactory, UserFactory, VideoAssetFactory
from tests.helpers import at, bank

pytestmark = pytest.mark.django_db

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
IPHONE_WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/4G Language/zh_CN"
)


@pytest.mark.parametrize(
    ("agent", "zh", "en"),
    [
        (ANDROID_CHROME, "Android 手机 · Chrome", "Android phone · Chrome"),
        (IPHONE_WECHAT, "iPhone · 微信", "iPhone · WeChat"),
        (
            "Mozilla/5.0 (Linux; U; Android 9; zh-CN; V1818A Build/PKQ1) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/13.4.0.1306 "
            "Mobile Safari/537.36",
            "Android 手机 · UC 浏览器",
            "Android phone · UC Browser",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0 Safari/537.36 Edg/124.0",
            "Windows 电脑 · Edge",
            "Windows computer · Edge",
        ),
        ("curl/8.5.0", "未知设备", "Unknown device"),
        ("", "未知设备", "Unknown device"),
    ],
)
def test_a_user_agent_reads_as_a_device_name_in_both_languages(agent, zh, en):
    with translation.override("zh-hans"):
        assert device_name(agent) == zh
    with translation.override("en"):
        assert device_name(agent) == en


def test_every_refusal_reason_has_a_sentence_in_both_languages():
    for reason in RefusalReason:
        with translation.override("en"):
            english = str(REFUSAL_SENTENCES[reason])
        with translation.override("zh-hans"):
            chinese = str(REFUSAL_SENTENCES[reason])
        assert english.endswith(".") and len(english) > 30
        assert chinese != english and re.search(r"[\u4e00-\u9fff]", chinese), reason


@pytest.fixture
def application(learner, lesson):
    lesson.video = VideoAssetFactory(title=lesson.title, duration=60)
    lesson.save_revision().publish()
    session, _progress = services.study_session_start(
        learner=learner, lesson=lesson, now=at(0), user_agent=ANDROID_CHROME
    )
    for seq, t in enumerate((30, 60), start=1):
        services.study_report(
            learner=learner,
            session_id=session.pk,
            seq=seq,
            lesson_id=lesson.pk,
            played=[(0, t)],
            now=at(t),
        )
    # A second tab posts the same minute again at once: faster than real time.
    other, _progress = services.study_session_start(
        learner=learner, lesson=lesson, now=at(61), user_agent=IPHONE_WECHAT
    )
    services.study_report(
        learner=learner,
        session_id=other.pk,
        seq=1,
        lesson_id=lesson.pk,
        played=[(0, 60), (100, 400)],
        now=at(62),
    )
    evaluator = OrganisationFactory(name="鉴定中心", kind=Organisation.Kind.EVALUATION)
    programme = CertificationProgramme.objects.create(
        name_zh="快递员五级", issuer=evaluator, class_hours_required=1
    )
    bank(learner, UserFactory(role="admin", is_superuser=True), 45)
    return application_submit(learner=learner, programme=programme), evaluator


def test_the_evidence_page_names_devices_says_reasons_and_folds_the_hashes(client, application):
    application, evaluator = application
    client.force_login(ReviewerFactory(organisation=evaluator))
    page = client.get(
        reverse("review:application", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "Android 手机 · Chrome" in page
    assert "iPhone · 微信" in page
    with translation.override("zh-hans"):
        sentence = str(REFUSAL_SENTENCES[RefusalReason.OUT_OF_RANGE])
    assert sentence in page
    visible, _sep, folded = page.partition("<details")
    assert application.chain_head_hash not in visible
    assert "OUT_OF_RANGE" not in re.sub(r"<details.*?</details>", "", page, flags=re.S)
    assert "Mozilla/5.0" not in re.sub(r"<details.*?</details>", "", page, flags=re.S)
    folds = re.findall(r"<details.*?</details>", page, flags=re.S)
    assert any(application.chain_head_hash in fold for fold in folds)
    assert any("Mozilla/5.0 (Linux; Android 10" in fold for fold in folds)
    assert all("技术细节" in fold for fold in folds)


def test_a_reviewer_of_another_organisation_sees_no_evidence(client, application):
    application, _evaluator = application
    outsider = OrganisationFactory(name="别的鉴定所", kind=Organisation.Kind.EVALUATION)
    client.force_login(ReviewerFactory(organisation=outsider))
    response = client.get(reverse("review:application", args=[application.pk]))
    assert response.status_code == 403
    assert "Android" not in response.content.decode()
