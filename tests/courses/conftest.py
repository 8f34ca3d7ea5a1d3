import pytest

from courses import services
from courses.models import Occupation
from tests.factories import InstructorFactory
from tests.helpers import make_course, make_school


@pytest.fixture
def catalogue(db):
    return services.catalogue_get_or_create()


@pytest.fixture
def occupation(db):
    return Occupation.objects.create(
        code="4-02-07-08", name_zh="快递员", name_en="Courier", urgent_shortage=True, digital=True
    )


@pytest.fixture
def school(catalogue):
    return make_school(catalogue)


@pytest.fixture
def course(school, occupation):
    return make_course(school, occupation)


@pytest.fixture
def instructor(school):
    user = InstructorFactory(organisation=school.organisation)
    services.instructor_sync_groups(user=user)
    return user
