from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

import pytest

import courses
from courses.models import Occupation
from courses.occupations import occupations_import_csv
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(courses.__file__).parent / "demo" / "occupations.csv"


def test_sample_catalogue_imports_and_reimports_as_updates():
    first = occupations_import_csv(text=SAMPLE.read_text(encoding="utf-8"))
    second = occupations_import_csv(text=SAMPLE.read_text(encoding="utf-8"))
    assert len(first.created) == Occupation.objects.count() >= 8
    assert second.created == [] and len(second.updated) == len(first.created)
    courier = Occupation.objects.get(code="4-02-07-08")
    assert courier.urgent_shortage and courier.digital and not courier.green
    assert courier.demand_lists == ["URGENT_SHORTAGE", "GENERAL"]


def test_bad_rows_are_refused_with_their_line_and_reason_and_good_rows_land():
    report = occupations_import_csv(
        text=(
            "code,name_zh,name_en,lists,flags\n"
            "4-02-07-08,快递员,Courier,URGENT_SHORTAGE,\n"
            "42-07-08,坏代码,,GENERAL,\n"
            "4-02-07-09,,Nameless,GENERAL,\n"
            "4-02-07-11,搬运工,,NOT_A_LIST,\n"
            "4-02-07-08,重复,,GENERAL,\n"
        )
    )
    assert report.created == ["4-02-07-08"]
    assert [line for line, _ in report.refused] == [3, 4, 5, 6]
    assert "4-02-07-08" in report.refused[0][1] or "42-07-08" in report.refused[0][1]
    assert "NOT_A_LIST" in report.refused[2][1]
    assert Occupation.objects.get(code="4-02-07-08").name_zh == "快递员"


def test_a_file_without_the_header_changes_nothing():
    Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    with pytest.raises(ValidationError):
        occupations_import_csv(text="4-02-07-08,改名,,,\n")
    assert Occupation.objects.get(code="4-02-07-08").name_zh == "快递员"


def test_command_reports_counts(capsys):
    call_command("import_occupations", str(SAMPLE))
    assert "created" in capsys.readouterr().out


def test_admin_imports_through_the_admin_and_an_instructor_may_not(client, admin_user):
    url = reverse("courses_import_occupations")
    upload = SimpleUploadedFile("o.csv", SAMPLE.read_bytes(), content_type="text/csv")
    client.force_login(admin_user)
    response = client.post(url, {"csv_file": upload})
    assert response.status_code == 200
    assert Occupation.objects.filter(code="4-02-07-08").exists()

    Occupation.objects.all().delete()
    client.force_login(InstructorFactory())
    upload = SimpleUploadedFile("o.csv", SAMPLE.read_bytes(), content_type="text/csv")
    assert client.post(url, {"csv_file": upload}).status_code in (302, 403)
    assert not Occupation.objects.exists()
