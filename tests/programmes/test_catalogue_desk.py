"""The HR office's catalogue pages, from the side of those who must not get in, and in use."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from courses.demand import catalogue_import_csv, programme_year_create
from courses.models import CatalogueEntry, ProgrammeYear
from lms.accounts.models import Organisation, User
from tests.factories import InstructorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "code,name_zh,name_en,level,sub_list,flags,subsidy_per_class_hour,cap_per_person\n"
GOOD = "4-02-07-08,快递员,Courier,,URGENT_SHORTAGE,S,10,500\n"


def office_of(city):
    return OrganisationFactory(
        name=f"{city}市人力资源和社会保障局", kind=Organisation.Kind.HR_OFFICE, city=city
    )


def officer_of(office):
    return UserFactory(role=User.Role.HR_OFFICER, organisation=office, phone=None)


@pytest.fixture
def taian():
    return office_of("泰安")


@pytest.fixture
def draft(taian):
    return programme_year_create(hr_office=taian, year=2026, title="补贴性培训目录")


def csv_upload(text, name="catalogue.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def urls_of(programme_year):
    return [
        ("get", reverse("programmes:catalogue_years")),
        ("post", reverse("programmes:catalogue_years")),
        ("get", reverse("programmes:catalogue_year", args=[programme_year.pk])),
        ("get", reverse("programmes:catalogue_import", args=[programme_year.pk])),
        ("post", reverse("programmes:catalogue_import", args=[programme_year.pk])),
        ("post", reverse("programmes:catalogue_publish", args=[programme_year.pk])),
        ("post", reverse("programmes:catalogue_copy", args=[programme_year.pk])),
    ]


@pytest.mark.parametrize(
    "who",
    [
        lambda: UserFactory(),
        lambda: InstructorFactory(),
        lambda: UserFactory(
            role=User.Role.HR_OFFICER, organisation=OrganisationFactory(), phone=None
        ),
    ],
    ids=["learner", "instructor", "officer-without-an-hr-office"],
)
def test_everyone_but_an_hr_officer_gets_404_everywhere(client, draft, who):
    catalogue_import_csv(programme_year=draft, text=HEADER + GOOD)
    client.force_login(who())
    for method, url in urls_of(draft):
        response = getattr(client, method)(url, {"year": 2027, "title": "x"})
        assert response.status_code == 404, (method, url)
    assert ProgrammeYear.objects.count() == 1
    draft.refresh_from_db()
    assert draft.published_at is None


def test_another_citys_officer_gets_404_on_every_year_url_and_changes_nothing(client, draft):
    catalogue_import_csv(programme_year=draft, text=HEADER + GOOD)
    client.force_login(officer_of(office_of("济南")))
    for method, url in urls_of(draft)[2:]:
        data = {"csv_file": csv_upload(HEADER + "4-02-07-08,,,,GENERAL,,99,999\n"), "year": 2027}
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
    draft.refresh_from_db()
    assert draft.published_at is None
    assert CatalogueEntry.objects.get().subsidy_per_class_hour == Decimal("10")
    assert ProgrammeYear.objects.count() == 1


def test_another_citys_officer_does_not_see_the_year_in_their_list(client, draft):
    jinan = office_of("济南")
    programme_year_create(hr_office=jinan, year=2026, title="济南目录")
    client.force_login(officer_of(jinan))
    page = client.get(reverse("programmes:catalogue_years")).content.decode()
    assert "济南目录" in page and "补贴性培训目录" not in page


def test_anonymous_is_sent_to_log_in(client, draft):
    response = client.get(reverse("programmes:catalogue_year", args=[draft.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_desk_links_to_the_catalogue(client, taian):
    client.force_login(officer_of(taian))
    page = client.get(reverse("programmes:desk")).content.decode()
    assert reverse("programmes:catalogue_years") in page


def test_an_officer_creates_a_year_uploads_views_and_publishes(client, taian):
    client.force_login(officer_of(taian))
    response = client.post(
        reverse("programmes:catalogue_years"),
        {"year": 2026, "title": "泰安市补贴性职业技能培训目录"},
    )
    programme_year = ProgrammeYear.objects.get(hr_office=taian, year=2026)
    assert response.status_code == 302
    year_url = reverse("programmes:catalogue_year", args=[programme_year.pk])

    response = client.post(
        reverse("programmes:catalogue_import", args=[programme_year.pk]),
        {
            "csv_file": csv_upload(
                HEADER + GOOD + "6-31-01-03,电工,Electrician,,GENERAL,L,10,500\n"
                "bad,坏,,,GENERAL,,10,500\n"
            )
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "新建 2 条，更新 0 条，拒绝 1 条；新增职业 2 个。" in page
    assert "第 4 行" in page and "bad" in page
    assert CatalogueEntry.objects.filter(programme_year=programme_year).count() == 2

    page = client.get(year_url).content.decode()
    assert "急需紧缺 (1)" in page and "一般 (1)" in page

    client.post(reverse("programmes:catalogue_publish", args=[programme_year.pk]))
    programme_year.refresh_from_db()
    assert programme_year.published_at is not None

    response = client.post(
        reverse("programmes:catalogue_import", args=[programme_year.pk]),
        {"csv_file": csv_upload(HEADER + "4-02-07-08,,,,GENERAL,,99,999\n")},
    )
    assert response.status_code == 400
    assert CatalogueEntry.objects.get(occupation__code="4-02-07-08").subsidy_per_class_hour == 10


def test_a_file_without_the_header_is_refused_on_the_page_and_changes_nothing(client, draft):
    client.force_login(officer_of(draft.hr_office))
    response = client.post(
        reverse("programmes:catalogue_import", args=[draft.pk]), {"csv_file": csv_upload(GOOD)}
    )
    assert response.status_code == 400
    assert "code,name_zh" in response.content.decode()
    assert not CatalogueEntry.objects.exists()


def test_publishing_an_empty_catalogue_says_why(client, draft):
    client.force_login(officer_of(draft.hr_office))
    response = client.post(reverse("programmes:catalogue_publish", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.published_at is None
    assert "msg-error" in response.content.decode()


def test_copy_starts_the_next_year(client, draft):
    catalogue_import_csv(programme_year=draft, text=HEADER + GOOD)
    client.force_login(officer_of(draft.hr_office))
    response = client.post(reverse("programmes:catalogue_copy", args=[draft.pk]), {"year": 2027})
    copy = ProgrammeYear.objects.get(hr_office=draft.hr_office, year=2027)
    assert response.status_code == 302 and copy.entries.count() == 1
