"""The yearly demand catalogue: import, publish, and which course it subsidises."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

import pytest

import courses
from courses.demand import (
    catalogue_entry_for,
    catalogue_import_csv,
    programme_year_copy,
    programme_year_create,
    programme_year_current,
    programme_year_publish,
)
from courses.models import CatalogueEntry, Occupation, ProgrammeYear
from courses.occupations import occupations_import_csv
from lms.accounts.models import Organisation, User
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import make_course, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """Services' messages are read in English here; pages are read in both languages."""
    with translation.override("en"):
        yield


HEADER = "code,name_zh,name_en,level,sub_list,flags,subsidy_per_class_hour,cap_per_person\n"
DEMO = Path(courses.__file__).parent / "demo" / "catalogue_2026.csv"
THIS_YEAR = timezone.localdate().year


def hr_office(city="泰安", name=None):
    return OrganisationFactory(
        name=name or f"{city}市人力资源和社会保障局", kind=Organisation.Kind.HR_OFFICE, city=city
    )


def officer(office):
    return UserFactory(role=User.Role.HR_OFFICER, organisation=office, phone=None)


def draft_year(office, year=THIS_YEAR, **dates):
    return programme_year_create(
        hr_office=office, year=year, title=f"{year} 补贴性培训目录", **dates
    )


def published_year(office, rows, year=THIS_YEAR, **dates):
    programme_year = draft_year(office, year, **dates)
    report = catalogue_import_csv(programme_year=programme_year, text=HEADER + rows)
    assert not report.refused, report.refused
    return programme_year_publish(programme_year=programme_year, actor=officer(office))


def school_in(catalogue, city, name="城东职业技能培训学校"):
    school = make_school(catalogue, name=name)
    school.organisation.city = city
    school.organisation.save()
    return school


def test_good_rows_create_entries_and_unknown_occupations():
    programme_year = draft_year(hr_office())
    report = catalogue_import_csv(
        programme_year=programme_year,
        text=HEADER
        + "4-02-07-08,快递员,Courier,,URGENT_SHORTAGE,S,10,500\n"
        + "6-31-01-03,电工,Electrician,4,general,L|S,12.50,800.00\n",
    )
    assert report.created == ["4-02-07-08", "6-31-01-03 L4"]
    assert report.occupations_created == ["4-02-07-08", "6-31-01-03"]
    assert report.refused == []
    courier = CatalogueEntry.objects.get(
        programme_year=programme_year, occupation__code="4-02-07-08"
    )
    assert courier.sub_list == CatalogueEntry.SubList.URGENT_SHORTAGE
    assert (courier.level, courier.green, courier.digital) == ("", False, True)
    assert courier.subsidy_per_class_hour == Decimal("10.00")
    electrician = CatalogueEntry.objects.get(occupation__code="6-31-01-03")
    assert (electrician.level, electrician.green, electrician.digital) == ("4", True, True)
    assert electrician.cap_per_person == Decimal("800.00")
    assert Occupation.objects.get(code="6-31-01-03").name_en == "Electrician"


def test_reimport_updates_entries_and_leaves_the_occupation_names_alone():
    Occupation.objects.create(code="4-02-07-08", name_zh="快递员", name_en="Courier")
    programme_year = draft_year(hr_office())
    catalogue_import_csv(
        programme_year=programme_year, text=HEADER + "4-02-07-08,,,,GENERAL,,8,400\n"
    )
    report = catalogue_import_csv(
        programme_year=programme_year, text=HEADER + "4-02-07-08,改名,,,URGENT_SHORTAGE,,10,500\n"
    )
    assert report.updated == ["4-02-07-08"] and report.created == []
    entry = CatalogueEntry.objects.get()
    assert entry.sub_list == "urgent_shortage" and entry.subsidy_per_class_hour == Decimal("10")
    assert Occupation.objects.get(code="4-02-07-08").name_zh == "快递员"


def test_bad_rows_are_refused_one_by_one_with_line_and_reason():
    programme_year = draft_year(hr_office())
    report = catalogue_import_csv(
        programme_year=programme_year,
        text=HEADER
        + "4-02-07-08,快递员,,,URGENT_SHORTAGE,,10,500\n"  # 2: good
        + "42-07-08,坏代码,,,GENERAL,,10,500\n"  # 3: bad code
        + "4-02-07-10,网约配送员,,,GENERAL,,十元,500\n"  # 4: bad money
        + "4-02-07-11,搬运工,,,GENERAL,,-1,500\n"  # 5: negative
        + "4-02-07-12,理货员,,,GENERAL,,10,5\n"  # 6: cap below the standard
        + "4-02-07-13,仓管员,,,NOT_A_LIST,,10,500\n"  # 7: unknown sub-list
        + "4-02-07-08,快递员,,,GENERAL,,10,500\n"  # 8: duplicate row
        + "4-02-07-14,分拣员,,6,GENERAL,,10,500\n"  # 9: bad level
        + "4-02-07-15,装卸工,,,GENERAL,X,10,500\n"  # 10: unknown flag
        + "4-02-07-16,,,,GENERAL,,10,500\n"  # 11: unknown occupation without a name
        + "4-02-07-17,叉车工,,,GENERAL,,10.555,500\n",  # 12: more than cents
    )
    assert report.created == ["4-02-07-08"]
    reasons = dict(report.refused)
    assert list(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "42-07-08" in reasons[3]
    assert "十元" in reasons[4]
    assert "negative" in reasons[5]
    assert "cap" in reasons[6]
    assert "NOT_A_LIST" in reasons[7]
    assert "twice" in reasons[8]
    assert "6" in reasons[9]
    assert "X" in reasons[10]
    assert "4-02-07-16" in reasons[11]
    assert "decimal" in reasons[12]
    assert CatalogueEntry.objects.count() == 1
    assert not Occupation.objects.filter(code__in=["4-02-07-10", "4-02-07-12"]).exists()


def test_a_file_without_the_header_changes_nothing():
    programme_year = draft_year(hr_office())
    with pytest.raises(ValidationError):
        catalogue_import_csv(
            programme_year=programme_year, text="4-02-07-08,快递员,,,GENERAL,,10,500\n"
        )
    assert not CatalogueEntry.objects.exists() and not Occupation.objects.exists()


def test_a_published_year_refuses_an_import_and_keeps_its_entries():
    office = hr_office()
    programme_year = published_year(office, "4-02-07-08,快递员,,,GENERAL,,10,500\n")
    with pytest.raises(ValidationError, match="published"):
        catalogue_import_csv(
            programme_year=programme_year, text=HEADER + "4-02-07-08,快递员,,,GENERAL,,99,999\n"
        )
    assert CatalogueEntry.objects.get().subsidy_per_class_hour == Decimal("10")


def test_publishing_refuses_an_empty_catalogue_an_overlap_and_another_office():
    office = hr_office()
    empty = draft_year(office, 2030)
    with pytest.raises(ValidationError, match="empty"):
        programme_year_publish(programme_year=empty, actor=officer(office))
    published_year(office, "4-02-07-08,快递员,,,GENERAL,,10,500\n", year=2031)
    overlapping = draft_year(
        office, 2032, starts_on=dt.date(2031, 7, 1), ends_on=dt.date(2032, 6, 30)
    )
    catalogue_import_csv(
        programme_year=overlapping, text=HEADER + "4-02-07-08,,,,GENERAL,,10,500\n"
    )
    with pytest.raises(ValidationError, match="overlaps"):
        programme_year_publish(programme_year=overlapping, actor=officer(office))
    other = officer(hr_office("济南"))
    with pytest.raises(ValidationError):
        programme_year_publish(programme_year=overlapping, actor=other)
    overlapping.refresh_from_db()
    assert overlapping.published_at is None


def test_another_office_may_not_import_into_a_year():
    programme_year = draft_year(hr_office())
    with pytest.raises(ValidationError):
        catalogue_import_csv(
            programme_year=programme_year,
            text=HEADER + "4-02-07-08,快递员,,,GENERAL,,10,500\n",
            actor=officer(hr_office("济南")),
        )
    assert not CatalogueEntry.objects.exists()


def test_a_year_is_created_once_per_office():
    office = hr_office()
    draft_year(office, 2027)
    with pytest.raises(ValidationError):
        draft_year(office, 2027)
    with pytest.raises(ValidationError):
        draft_year(office, 2028, starts_on=dt.date(2028, 5, 1), ends_on=dt.date(2028, 4, 1))


def test_copy_starts_the_next_year_as_a_draft_with_the_same_entries():
    office = hr_office()
    programme_year = published_year(office, "4-02-07-08,快递员,,,URGENT_SHORTAGE,S,10,500\n", 2026)
    next_year = programme_year_copy(programme_year=programme_year, year=2027)
    assert next_year.published_at is None and next_year.starts_on == dt.date(2027, 1, 1)
    entry = next_year.entries.get()
    assert (entry.occupation.code, entry.sub_list, entry.digital) == (
        "4-02-07-08",
        "urgent_shortage",
        True,
    )
    report = catalogue_import_csv(
        programme_year=next_year, text=HEADER + "4-02-07-08,,,,GENERAL,,12,600\n"
    )
    assert report.updated == ["4-02-07-08"]
    assert programme_year.entries.get().subsidy_per_class_hour == Decimal("10")


def test_the_demo_catalogue_imports_and_the_occupation_import_still_works():
    occupations_import_csv(
        text=(Path(courses.__file__).parent / "demo" / "occupations.csv").read_text("utf-8")
    )
    before = Occupation.objects.get(code="4-02-07-08")
    programme_year = draft_year(hr_office(), 2026)
    report = catalogue_import_csv(programme_year=programme_year, text=DEMO.read_text("utf-8"))
    assert report.refused == [] and len(report.created) >= 10
    assert Occupation.objects.get(code="4-02-07-08").name_en == before.name_en
    courier = programme_year.entries.get(occupation__code="4-02-07-08")
    assert courier.subsidy_per_class_hour == Decimal("10") and courier.cap_per_person == Decimal(
        "500"
    )


def test_import_catalogue_command_creates_the_year_and_reports(capsys):
    hr_office(name="泰安市人社局")
    call_command("import_catalogue", "--office", "泰安市人社局", "--year", "2026", str(DEMO))
    out = capsys.readouterr().out
    assert "created" in out
    assert CatalogueEntry.objects.filter(programme_year__year=2026).count() >= 10
    with pytest.raises(CommandError):
        call_command("import_catalogue", "--office", "没有这个局", "--year", "2026", str(DEMO))


# --- Which course the catalogue subsidises.


@pytest.fixture
def courier(db):
    return Occupation.objects.create(code="4-02-07-08", name_zh="快递员", name_en="Courier")


def course_at_level(school, occupation, level, title="快递员职业技能提升"):
    course = make_course(school, occupation, title=title, lessons=1)
    course.level = level
    course.save_revision().publish()
    return course


def test_entry_for_the_exact_level_wins_over_the_any_level_entry(catalogue, courier):
    published_year(
        hr_office(), "4-02-07-08,,,,GENERAL,,8,400\n4-02-07-08,,,4,URGENT_SHORTAGE,,10,500\n"
    )
    school = school_in(catalogue, "泰安")
    level_4 = course_at_level(school, courier, "4", title="四级")
    level_5 = course_at_level(school, courier, "5", title="五级")
    assert catalogue_entry_for(course=level_4).subsidy_per_class_hour == Decimal("10")
    assert catalogue_entry_for(course=level_5).subsidy_per_class_hour == Decimal("8")


def test_unpublished_other_city_and_out_of_date_years_subsidise_nothing(catalogue, courier):
    today = timezone.localdate()
    office = hr_office()
    draft = draft_year(office, THIS_YEAR)
    catalogue_import_csv(programme_year=draft, text=HEADER + "4-02-07-08,,,,GENERAL,,10,500\n")
    published_year(hr_office("济南"), "4-02-07-08,,,,GENERAL,,10,500\n")
    published_year(
        office,
        "4-02-07-08,,,,GENERAL,,10,500\n",
        year=THIS_YEAR - 1,
        starts_on=today - dt.timedelta(days=400),
        ends_on=today - dt.timedelta(days=1),
    )
    course = course_at_level(school_in(catalogue, "泰安"), courier, "5")
    assert programme_year_current(city="泰安") is None
    assert catalogue_entry_for(course=course) is None
    assert catalogue_entry_for(course=course, on=today - dt.timedelta(days=2)) is not None


# --- What learners see.


@pytest.fixture
def taian_catalogue(catalogue, courier):
    published_year(
        hr_office(),
        "4-02-07-08,,,,URGENT_SHORTAGE,S,10,500\n6-31-01-03,电工,Electrician,,GENERAL,L,12.50,800\n",
    )
    school = school_in(catalogue, "泰安")
    electrician = Occupation.objects.get(code="6-31-01-03")
    cook = Occupation.objects.create(code="4-03-02-01", name_zh="中式烹调师")
    course_at_level(school, courier, "5", title="快递员入门")
    course_at_level(school, electrician, "4", title="电工基础")
    course_at_level(school, cook, "5", title="家常菜")
    other = school_in(catalogue, "济南", name="济南技师学院")
    course_at_level(other, courier, "5", title="济南快递员")
    return catalogue


def test_catalogue_shows_badges_only_on_subsidised_courses(client, taian_catalogue):
    page = client.get(taian_catalogue.url).content.decode()
    card = {
        title: page.split(title, 1)[1].split("</article>", 1)[0]
        for title in ("快递员入门", "电工基础", "家常菜", "济南快递员")
    }
    assert "补贴 10 元/课时" in card["快递员入门"] and "急需紧缺" in card["快递员入门"]
    assert "数字职业（S）" in card["快递员入门"] and "绿色职业（L）" not in card["快递员入门"]
    assert "补贴 12.5 元/课时" in card["电工基础"] and "绿色职业（L）" in card["电工基础"]
    assert "急需紧缺" not in card["电工基础"]
    assert "补贴" not in card["家常菜"] and "补贴" not in card["济南快递员"]


def test_catalogue_badges_in_english(client, taian_catalogue):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(taian_catalogue.url).content.decode()
    assert "Subsidy 10 yuan/class hour" in page and "Urgently needed" in page
    assert "Digital occupation (S)" in page


@pytest.mark.parametrize(
    ("filters", "shown"),
    [
        ({"subsidised": "1"}, {"快递员入门", "电工基础"}),
        ({"sub_list": "urgent_shortage"}, {"快递员入门"}),
        ({"sub_list": "general"}, {"电工基础"}),
        ({"green": "1"}, {"电工基础"}),
        ({"digital": "1"}, {"快递员入门"}),
        ({"sub_list": "no_such_list"}, {"快递员入门", "电工基础", "家常菜", "济南快递员"}),
        ({}, {"快递员入门", "电工基础", "家常菜", "济南快递员"}),
    ],
)
def test_catalogue_filters_by_the_current_catalogue(client, taian_catalogue, filters, shown):
    page = client.get(taian_catalogue.url, filters).content.decode()
    titles = {"快递员入门", "电工基础", "家常菜", "济南快递员"}
    assert {title for title in titles if f">{title}</a>" in page} == shown


def test_course_page_shows_its_badge_and_cap(client, taian_catalogue):
    from courses.models import CoursePage

    course = CoursePage.objects.get(title="快递员入门")
    page = client.get(course.url).content.decode()
    assert "补贴 10 元/课时" in page and "500" in page
    unsubsidised = client.get(CoursePage.objects.get(title="家常菜").url).content.decode()
    assert "补贴" not in unsubsidised


def test_the_catalogue_takes_the_same_queries_however_many_courses_are_subsidised(
    client, taian_catalogue, courier
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.models import SchoolPage

    def queries():
        client.get(taian_catalogue.url, {"subsidised": "1"})  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(taian_catalogue.url, {"subsidised": "1"})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode().count("badge-subsidy")

    before, badges_before = queries()
    school = SchoolPage.objects.get(organisation__city="泰安")
    for n in range(4):
        course_at_level(school, courier, "5", title=f"快递员进阶{n}")
    after, badges_after = queries()
    assert (badges_before, badges_after) == (2, 6)
    assert after == before


def test_a_years_name_says_its_year_once():
    assert (
        str(ProgrammeYear(year=2026, title="2026年职业技能培训补贴目录"))
        == "2026年职业技能培训补贴目录"
    )
    assert (
        str(ProgrammeYear(year=2026, title="职业技能培训补贴目录")) == "2026 职业技能培训补贴目录"
    )
