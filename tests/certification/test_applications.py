"""Eligibility, applying, and the reviewer's decisions, from the side of who is refused."""

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

import pytest

from credits.certification import services
from credits.certification.eligibility import programme_eligibility
from credits.certification.models import Application, Certificate, ReviewEvent
from tests.factories import OrganisationFactory, ReviewerFactory, UserFactory
from tests.helpers import bank

pytestmark = pytest.mark.django_db


def test_progress_reads_in_class_hours_and_says_what_is_missing(programme, admin):
    learner = UserFactory()
    bank(learner, admin, 45)
    e = programme_eligibility(learner=learner, programme=programme)
    assert (e.counted_hours, e.required_hours, e.eligible) == ("1", "2", False)
    with translation.override("en"):
        e = programme_eligibility(learner=learner, programme=programme)
    assert e.missing == ["Still 1 class hours (45 minutes) to go"]


def test_learner_applying_before_eligible_is_refused_and_nothing_is_filed(client, programme, admin):
    learner = UserFactory()
    bank(learner, admin, 45)
    with pytest.raises(ValidationError):
        services.application_submit(learner=learner, programme=programme)
    client.force_login(learner)
    response = client.post(reverse("certificates:apply", args=[programme.pk]), follow=True)
    assert "还差" in response.content.decode() or "Not yet eligible" in response.content.decode()
    assert not Application.objects.exists()


def test_applying_freezes_entries_totals_and_the_chain_head(programme, eligible_learner):
    application = services.application_submit(learner=eligible_learner, programme=programme)
    assert application.counted_minutes == 100
    assert [row["seq"] for row in application.snapshot["entries"]] == [1, 2]
    from credits.models import LearnerBalance

    assert (
        application.chain_head_hash
        == LearnerBalance.objects.get(learner=eligible_learner).head_hash
    )
    with pytest.raises(ValidationError):
        services.application_submit(learner=eligible_learner, programme=programme)


def test_reviewer_of_another_organisation_cannot_see_or_decide(client, programme, eligible_learner):
    application = services.application_submit(learner=eligible_learner, programme=programme)
    outsider = ReviewerFactory(
        organisation=OrganisationFactory(name="别的鉴定所", kind="evaluation")
    )
    client.force_login(outsider)
    assert client.get(reverse("review:application", args=[application.pk])).status_code == 403
    response = client.post(
        reverse("review:decide", args=[application.pk]), {"action": "approve", "reason": "看着行"}
    )
    assert response.status_code == 403
    assert "张小明" not in client.get(reverse("review:queue")).content.decode()
    with pytest.raises(PermissionError):
        services.application_decide(
            reviewer=outsider, application_id=application.pk, action="approve", reason="越权"
        )
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not Certificate.objects.exists()


def test_reviewer_cannot_review_their_own_application(client, programme, reviewer, admin):
    bank(reviewer, admin, 100)
    application = services.application_submit(learner=reviewer, programme=programme)
    client.force_login(reviewer)
    assert client.get(reverse("review:application", args=[application.pk])).status_code == 403
    with pytest.raises(PermissionError):
        services.application_decide(
            reviewer=reviewer, application_id=application.pk, action="approve", reason="自己批"
        )
    assert not Certificate.objects.exists()


def test_learners_and_instructors_cannot_reach_the_queue(client):
    from tests.factories import InstructorFactory

    for user in (UserFactory(), InstructorFactory()):
        client.force_login(user)
        assert client.get(reverse("review:queue")).status_code == 403
        assert client.get(reverse("review:roster_csv")).status_code == 403


def test_exam_programme_needs_a_passing_result_before_approval(
    programme, eligible_learner, reviewer
):
    application = services.application_submit(learner=eligible_learner, programme=programme)
    with pytest.raises(ValidationError):
        services.application_decide(
            reviewer=reviewer, application_id=application.pk, action="approve", reason="通过"
        )
    services.application_record_exam(
        reviewer=reviewer, application_id=application.pk, score=59, reason="笔试成绩单"
    )
    with pytest.raises(ValidationError):
        services.application_decide(
            reviewer=reviewer, application_id=application.pk, action="approve", reason="通过"
        )
    services.application_record_exam(
        reviewer=reviewer, application_id=application.pk, score=75, reason="补考成绩单"
    )
    services.application_decide(
        reviewer=reviewer, application_id=application.pk, action="approve", reason="学时与成绩齐全"
    )
    certificate = Certificate.objects.get(application=application)
    assert certificate.number.startswith("NS-")
    assert len(certificate.public_id) >= 20
    actions = list(
        ReviewEvent.objects.filter(application=application).values_list("action", flat=True)
    )
    assert actions == ["exam_recorded", "exam_recorded", "approved"]


def test_every_decision_needs_a_reason(programme, eligible_learner, reviewer):
    application = services.application_submit(learner=eligible_learner, programme=programme)
    for action in ("approve", "reject", "more_info"):
        with pytest.raises(ValidationError):
            services.application_decide(
                reviewer=reviewer, application_id=application.pk, action=action, reason="  "
            )


def test_ask_for_more_then_the_learner_answers_then_reject(
    client, programme, eligible_learner, reviewer
):
    application = services.application_submit(learner=eligible_learner, programme=programme)
    services.application_decide(
        reviewer=reviewer,
        application_id=application.pk,
        action="more_info",
        reason="请补充工作证明",
    )
    client.force_login(eligible_learner)
    assert "请补充工作证明" in client.get(reverse("certificates:mine")).content.decode()
    client.post(reverse("certificates:respond", args=[application.pk]), {"note": "已上传站点证明"})
    application.refresh_from_db()
    assert application.status == "submitted"
    services.application_decide(
        reviewer=reviewer, application_id=application.pk, action="reject", reason="证明不符"
    )
    application.refresh_from_db()
    assert application.status == "rejected" and not Certificate.objects.exists()
    with pytest.raises(ValidationError):
        services.application_decide(
            reviewer=reviewer, application_id=application.pk, action="approve", reason="改主意"
        )


def test_roster_exports_csv_and_xlsx_for_the_reviewers_organisation(
    client, programme, eligible_learner, reviewer
):
    services.application_submit(learner=eligible_learner, programme=programme)
    client.force_login(reviewer)
    csv = client.get(reverse("review:roster_csv")).content.decode("utf-8-sig")
    assert "张小明" in csv and "快递员五级" in csv
    xlsx = client.get(reverse("review:roster_xlsx"))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=2).value == "张小明"
    assert ReviewEvent.objects.filter(action="exported").count() == 2


def test_review_page_takes_the_same_queries_for_5000_entries(client, programme, reviewer, admin):
    from credits.models import LearnerBalance, LedgerEntry

    def learner_with(n):
        learner = UserFactory()
        bank(learner, admin, 30)
        first = LedgerEntry.objects.get(learner=learner)
        # Entries are built in bulk, chained exactly as ledger_append would chain them.
        from credits.ledger.chain import entry_content, entry_hash

        prev, rows = first.hash, []
        for seq in range(2, n + 1):
            entry = LedgerEntry(
                learner=learner,
                seq=seq,
                kind="transfer",
                minutes=30,
                reason="转入",
                actor=admin,
                created_at=first.created_at,
                prev_hash=prev,
            )
            entry.hash = entry_hash(entry_content(entry), prev)
            prev = entry.hash
            rows.append(entry)
        LedgerEntry.objects.bulk_create(rows, batch_size=1000)
        LearnerBalance.objects.filter(learner=learner).update(
            total_minutes=30 * n, entries=n, head_hash=prev
        )
        return services.application_submit(learner=learner, programme=programme)

    client.force_login(reviewer)
    counts = []
    for n in (5, 5000):
        application = learner_with(n)
        url = reverse("review:application", args=[application.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
