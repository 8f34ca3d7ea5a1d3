import pytest

from credits.certification.models import CertificationProgramme
from lms.accounts.models import Organisation
from tests.factories import OrganisationFactory, ReviewerFactory, UserFactory
from tests.helpers import bank


@pytest.fixture
def evaluator(db):
    return OrganisationFactory(name="市职业技能鉴定中心", kind=Organisation.Kind.EVALUATION)


@pytest.fixture
def programme(evaluator):
    return CertificationProgramme.objects.create(
        name_zh="快递员五级",
        name_en="Courier, level 5",
        issuer=evaluator,
        class_hours_required=2,
        assessment=CertificationProgramme.Assessment.EXAM,
        exam_pass_mark=60,
    )


@pytest.fixture
def admin(db):
    return UserFactory(role="admin", is_superuser=True, is_staff=True, real_name="管理员")


@pytest.fixture
def reviewer(evaluator):
    return ReviewerFactory(organisation=evaluator, real_name="王审核")


@pytest.fixture
def eligible_learner(admin):
    learner = UserFactory(real_name="张小明")
    bank(learner, admin, 60)
    bank(learner, admin, 40)
    return learner
