"""The demo's certification programmes, so a newcomer sees progress toward a certificate."""

from django.db import transaction

from courses.models import CoursePage, Occupation
from lms.accounts.models import Organisation

from .models import CertificationProgramme

PROGRAMME_NAME = "快递员（五级）职业技能学时证明"


@transaction.atomic
def load_demo_programmes(*, evaluator: Organisation) -> list[CertificationProgramme]:
    courier = Occupation.objects.filter(code="4-02-07-08").first()
    programme, created = CertificationProgramme.objects.get_or_create(
        name_zh=PROGRAMME_NAME,
        issuer=evaluator,
        defaults={
            "name_en": "Courier (level 5) class-hours certificate",
            "occupation": courier,
            "level": "5",
            "description": (
                "证明持证人学完《快递员（初级）职业技能提升》的八节课并通过各课测验与结业考核，"
                "累计 1 学时（45 分钟）。"
            ),
            # Reachable in the demo's first evening: the eight two-minute lessons and the final
            # assessment bank 61 minutes; a learner a lesson short finishes it tonight.
            "class_hours_required": 1,
            "occupation_class_hours": 1,
            "window_months": 24,
            "assessment": CertificationProgramme.Assessment.COURSE_QUIZ,
            "validity_years": 3,
        },
    )
    if created:
        programme.required_courses.set(CoursePage.objects.filter(slug="courier-basic"))
    return [programme]


@transaction.atomic
def load_demo_year_programmes(*, evaluator: Organisation) -> list[CertificationProgramme]:
    """The electrician's class-hours certificate the demo's finished class earns."""
    electrician = Occupation.objects.filter(code="6-31-01-03").first()
    programme, created = CertificationProgramme.objects.get_or_create(
        name_zh="电工（五级）职业技能学时证明",
        issuer=evaluator,
        defaults={
            "name_en": "Electrician (level 5) class-hours certificate",
            "occupation": electrician,
            "level": "5",
            "description": "证明持证人完成电工五级培训规定的学时、实操课与结业考核。",
            "class_hours_required": 6,
            "occupation_class_hours": 6,
            "window_months": 24,
            "assessment": CertificationProgramme.Assessment.COURSE_QUIZ,
            "validity_years": 3,
        },
    )
    if created:
        programme.required_courses.set(CoursePage.objects.filter(slug="electrician-basic"))
    return [programme]
