"""Certification moved from the credits app to its own: every row stays, with its relations."""

import datetime as dt

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

import pytest

from courses import services as course_services
from courses.models import CoursePage, Occupation
from credits.certification.models import (
    Application,
    Certificate,
    CertificationProgramme,
    ReviewEvent,
    VerificationLog,
)
from lms.accounts.models import Organisation
from tests.factories import OrganisationFactory, ReviewerFactory, UserFactory
from tests.helpers import make_course, make_school

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("credits", "0010_attention_checks_per_learner_and_enrolment")
MOVED = ["certificationprogramme", "application", "reviewevent", "certificate", "verificationlog"]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def course():
    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    school = make_school(course_services.catalogue_get_or_create())
    return make_course(school, occupation, lessons=1, first=dt.date(2026, 11, 1))


def test_moving_certification_to_its_own_app_keeps_every_row_and_relation(course):
    evaluator = OrganisationFactory(name="市职业技能鉴定中心", kind=Organisation.Kind.EVALUATION)
    reviewer = ReviewerFactory(organisation=evaluator)
    learner = UserFactory(real_name="张小明")
    editor = UserFactory(role="admin", is_staff=True)
    now = timezone.now().replace(microsecond=0)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate([BEFORE])
        assert not old.is_installed("credits.certification")
        Programme = old.get_model("credits", "CertificationProgramme")
        OldApplication = old.get_model("credits", "Application")
        Event = old.get_model("credits", "ReviewEvent")
        OldCertificate = old.get_model("credits", "Certificate")
        Log = old.get_model("credits", "VerificationLog")
        programme = Programme.objects.create(
            name_zh="快递员五级",
            name_en="Courier, level 5",
            issuer_id=evaluator.pk,
            occupation_id=course.occupation_id,
            class_hours_required=6,
            occupation_class_hours=4,
            validity_years=3,
        )
        programme.required_courses.set([course.pk])
        approved = OldApplication.objects.create(
            learner_id=learner.pk,
            programme=programme,
            status="approved",
            submitted_at=now - dt.timedelta(days=2),
            decided_at=now - dt.timedelta(days=1),
            decided_by_id=reviewer.pk,
            decision_reason="学时齐全",
            snapshot={"counted_minutes": 300, "entries": [{"id": 7, "hash": "ab" * 32}]},
            counted_minutes=300,
            chain_head_hash="ab" * 32,
            chain_head_seq=3,
        )
        waiting = OldApplication.objects.create(
            learner_id=UserFactory().pk,
            programme=programme,
            submitted_at=now,
            chain_head_hash="cd" * 32,
        )
        for action, application in [("viewed", approved), ("approved", approved)]:
            Event.objects.create(
                application=application, actor_id=reviewer.pk, action=action, at=now
            )
        Event.objects.create(
            application=None, actor_id=reviewer.pk, action="exported", detail={"rows": 2}, at=now
        )
        certificate = OldCertificate.objects.create(
            application=approved,
            learner_id=learner.pk,
            programme=programme,
            number="NS-2026-000001",
            public_id="pub-1",
            status_index=1,
            minutes=300,
            issued_at=now,
            credential={"type": ["VerifiableCredential"]},
            revoked_at=now,
            revoked_reason="证书信息有误",
            revoked_by_id=reviewer.pk,
        )
        Log.objects.create(certificate=certificate, at=now, via="page", user_agent="phone")
        Log.objects.create(certificate=certificate, at=now, via="credential")
        # An editor allowed to change programmes while they were the credits app's.
        OldContentType = old.get_model("contenttypes", "ContentType")
        OldPermission = old.get_model("auth", "Permission")
        OldGroup = old.get_model("auth", "Group")
        programme_type = OldContentType.objects.get(
            app_label="credits", model="certificationprogramme"
        )
        editors = OldGroup.objects.create(name="Programme editors")
        editors.permissions.add(
            OldPermission.objects.get(
                content_type=programme_type, codename="change_certificationprogramme"
            )
        )
        editors.user_set.add(editor.pk)
        ids = {
            "programme": programme.pk,
            "approved": approved.pk,
            "waiting": waiting.pk,
            "certificate": certificate.pk,
        }
    finally:
        migrate(latest)
    ContentType.objects.clear_cache()

    programme = CertificationProgramme.objects.get(pk=ids["programme"])
    assert programme.issuer_id == evaluator.pk
    assert programme.occupation_id == course.occupation_id
    assert list(programme.required_courses.all()) == [CoursePage.objects.get(pk=course.pk)]
    assert programme.validity_years == 3
    assert set(programme.applications.values_list("pk", flat=True)) == {
        ids["approved"],
        ids["waiting"],
    }
    approved = Application.objects.get(pk=ids["approved"])
    assert approved.status == Application.Status.APPROVED
    assert approved.decided_by_id == reviewer.pk
    assert approved.snapshot["entries"] == [{"id": 7, "hash": "ab" * 32}]
    assert list(approved.events.values_list("action", flat=True)) == ["viewed", "approved"]
    assert ReviewEvent.objects.get(application=None).detail == {"rows": 2}
    assert Application.objects.get(pk=ids["waiting"]).status == Application.Status.SUBMITTED

    certificate = approved.certificate
    assert certificate.pk == ids["certificate"]
    assert certificate.programme == programme
    assert certificate.learner == learner
    assert certificate.revoked_by_id == reviewer.pk
    assert certificate.credential == {"type": ["VerifiableCredential"]}
    assert sorted(certificate.verifications.values_list("via", flat=True)) == [
        "credential",
        "page",
    ]
    assert VerificationLog.objects.filter(certificate=certificate).count() == 2

    for model in MOVED:  # permissions and anything holding a content type followed the models
        assert ContentType.objects.filter(app_label="certification", model=model).exists()
        assert not ContentType.objects.filter(app_label="credits", model=model).exists()
    group = Group.objects.get(name="Programme editors")
    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("certification", "change_certificationprogramme")
    ]
    editor = type(editor).objects.get(pk=editor.pk)
    assert editor.has_perm("certification.change_certificationprogramme")
    assert not UserFactory().has_perm("certification.change_certificationprogramme")
    assert (
        Permission.objects.filter(content_type__app_label="credits")
        .filter(codename__endswith="certificationprogramme")
        .count()
        == 0
    )
    # New rows go on in the same tables, after the old ones.
    later = Certificate.objects.create(
        application=Application.objects.get(pk=ids["waiting"]),
        learner=learner,
        programme=programme,
        number="NS-2026-000002",
        public_id="pub-2",
        status_index=2,
        minutes=300,
        issued_at=now,
    )
    assert later.pk > ids["certificate"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM credits_certificate")
        assert cursor.fetchone()[0] == 2
