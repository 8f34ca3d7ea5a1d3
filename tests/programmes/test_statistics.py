"""The HR office's person-time dashboard: figures from real rows, CSV, charts and scope.

The year is built by ``tests.helpers.make_statistics_year``; its figures, worked out by hand:
杭州 trained 5 (March 2, April 2, May 1), completed 2 (April, May), certified 1 (May); 3 of
the 5 on the urgent-shortage list; committed 100 (March voucher) + 300 (April claim filed) +
150 (May claim approved) = 550 yuan, paid 480 (June).
"""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

import pytest
from defusedxml import ElementTree as ET

from courses.models import Enrolment, LessonCompletion
from lms.programmes import statistics, statistics_selectors
from lms.programmes.models import PersonTimeRollup, StatisticsRefresh
from lms.programmes.statistics_views import TABLES
from tests.factories import InstructorFactory, ReviewerFactory, UserFactory
from tests.helpers import lessons_of, make_statistics_year

pytestmark = pytest.mark.django_db

URL = reverse("programmes:statistics")


@pytest.fixture
def data():
    made = make_statistics_year()
    statistics.statistics_refresh()
    return made


def client_for(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def table(response, name) -> dict[str, list]:
    section = next(s for s in response.context["sections"] if s["name"] == name)
    rows = {row["label"]: row["values"] for row in section["rows"]}
    rows["Total"] = section["total"]
    return rows


def test_person_times_by_month_follow_the_definitions(data):
    response = client_for(data["officer"]).get(URL)
    assert response.status_code == 200
    months = table(response, "month")
    assert months["Mar 2026"] == [2, 0, 0]
    assert months["Apr 2026"] == [2, 1, 0]  # l1 finished 快递员's last lesson on 3 April
    assert months["May 2026"] == [1, 1, 1]  # l4's 家政; l1's certificate of 15 May
    assert months["Jan 2026"] == [0, 0, 0]
    assert months["Total"] == [5, 2, 1]
    assert len(months) == 12 + 1  # every month of the year, and the total


def test_person_times_by_demand_list_group_school_district_and_occupation(data):
    response = client_for(data["officer"]).get(URL)
    lists = table(response, "sub_list")
    assert lists["Urgently needed"] == [3, 1, 1]
    assert lists["General"] == [1, 0, 0]
    assert lists["Manufacturing"] == [0, 0, 0]
    assert lists["Not on the catalogue"] == [1, 1, 0]
    assert lists["Total"] == [5, 2, 1]

    groups = table(response, "group")
    assert groups["Rural migrant worker"] == [2, 1, 1]  # l1, in two courses
    assert groups["Gig worker"] == [2, 1, 1]  # the same l1: a person counts in both groups
    assert groups["Job seeker"] == [1, 0, 0]
    assert groups["Not declared"] == [2, 1, 0]
    assert groups["Total"] == [5, 2, 1]
    assert "counted in both" in response.content.decode()

    schools = table(response, "school")
    assert schools["西湖职业技能培训学校"] == [3, 1, 1]
    assert schools["滨江职业技能培训学校"] == [2, 1, 0]
    assert "鄞州职业技能培训学校" not in schools

    districts = table(response, "district")
    assert districts == {"杭州 · 西湖区": [3, 1, 1], "杭州 · 滨江区": [2, 1, 0], "Total": [5, 2, 1]}

    occupations = table(response, "occupation")
    assert occupations["4-02-07-08 Courier"] == [3, 1, 1]
    assert occupations["6-31-01-03 Electrician"] == [1, 0, 0]
    assert occupations["4-10-01-06 Housekeeper"] == [1, 1, 0]


def test_urgent_shortage_share_and_subsidy_committed_and_paid(data):
    response = client_for(data["officer"]).get(URL)
    headline = response.context["headline"]
    assert headline["share"] == Decimal("60.0")
    assert "3 person-times, 60.0% of all" in response.content.decode()
    assert table(response, "urgent") == {
        "Urgently needed": [3],
        "Everything else": [2],
        "Total": [5],
    }

    money = table(response, "subsidy")
    assert money["Mar 2026"] == [Decimal("100.00"), Decimal("0.00")]  # a redeemed voucher
    assert money["Apr 2026"] == [Decimal("300.00"), Decimal("0.00")]  # a filed claim
    assert money["May 2026"] == [Decimal("150.00"), Decimal("0.00")]  # approved, not claimed
    assert money["Jun 2026"] == [Decimal("0.00"), Decimal("480.00")]  # paid as approved
    assert money["Total"] == [Decimal("550.00"), Decimal("480.00")]  # the refused 999 nowhere
    assert headline["committed"] == "550.00"
    assert headline["paid"] == "480.00"


def test_chinese_headline_counts_in_wan_and_english_in_thousands():
    with translation.override("zh-hans"):
        assert statistics_selectors.person_times(59800) == "5.98万"
        assert statistics_selectors.person_times(60000) == "6万"
        assert statistics_selectors.person_times(9999) == "9999"
    with translation.override("en"):
        assert statistics_selectors.person_times(59800) == "59,800"


def test_the_month_range_narrows_every_table(data):
    year = data["year"]
    response = client_for(data["officer"]).get(
        URL, {"year": year.pk, "from": "2026-04", "to": "2026-05"}
    )
    assert list(table(response, "month")) == ["Apr 2026", "May 2026", "Total"]
    assert table(response, "month")["Total"] == [3, 2, 1]
    assert table(response, "sub_list")["Urgently needed"] == [1, 1, 1]
    assert table(response, "subsidy")["Total"] == [Decimal("450.00"), Decimal("0.00")]


def test_a_bad_month_is_refused_with_a_message_and_the_whole_year_shown(data):
    client = client_for(data["officer"])
    for wanted, message in [
        ({"from": "March"}, "e.g. 2026-03"),
        ({"from": "2027-01"}, "is not a month of this programme year"),
        ({"from": "2026-06", "to": "2026-03"}, "comes after the last one"),
    ]:
        response = client.get(URL, {"year": data["year"].pk, **wanted})
        assert response.status_code == 200
        assert message in response.content.decode()
        assert table(response, "month")["Total"] == [5, 2, 1]
    csv_url = reverse("programmes:statistics_csv", args=["month"])
    assert client.get(csv_url, {"from": "2026-13"}).status_code == 400


def test_each_csv_is_the_table_under_its_chart(data):
    client = client_for(data["officer"])
    page = client.get(URL)
    for section in page.context["sections"]:
        response = client.get(section["csv"])
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        body = response.content.decode("utf-8")
        assert body.startswith("\ufeff")  # so Excel reads the Chinese names
        lines = list(csv.reader(io.StringIO(body[1:])))
        assert lines[0] == [str(section["rows_are"]), *[str(c) for c in section["columns"]]]
        expected = [[row["label"], *map(str, row["values"])] for row in section["rows"]]
        expected.append(["Total", *map(str, section["total"])])
        assert lines[1:] == expected
        for learner in data["learners"]:
            assert learner.real_name not in body
        assert "11010519491231002X" not in body and "440304199001011233" not in body


def test_every_chart_is_an_svg_image_with_its_series(data):
    client = client_for(data["officer"], language="zh-hans")
    page = client.get(URL)
    assert page.status_code == 200
    for section in page.context["sections"]:
        response = client.get(section["svg"])
        assert response.status_code == 200, section["name"]
        assert response["Content-Type"].startswith("image/svg+xml")
        policy = response["Content-Security-Policy"]
        assert "script-src" not in policy and "default-src 'none'" in policy
        root = ET.fromstring(response.content)  # well-formed XML
        assert root.tag.endswith("svg")
        text = response.content.decode()
        assert "<script" not in text
        assert "Noto Sans CJK SC" in text
        with translation.override("zh-hans"):
            if section["name"] == "urgent":  # a donut: each slice is a series
                names = [row["label"] for row in section["rows"] if row["values"][0]]
            else:
                names = [str(column) for column in section["columns"]]
        assert names
        for name in names:
            assert name in text, (section["name"], name)
        assert f'src="{section["svg"]}"'.replace("&", "&amp;") in page.content.decode()


def test_another_citys_officer_sees_none_of_this_citys_figures(data):
    client = client_for(data["other_officer"])
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["year"] == data["other_year"]
    body = response.content.decode()
    for name in ("西湖职业技能培训学校", "滨江职业技能培训学校", "杭州"):
        assert name not in body
    assert table(response, "month")["Total"] == [1, 1, 0]  # 宁波's own: l2 in March
    assert table(response, "month")["Mar 2026"] == [1, 1, 0]
    mine = client_for(data["officer"]).get(URL)
    assert table(mine, "month")["Total"] == [5, 2, 1]

    hangzhou_year = {"year": data["year"].pk}
    assert client.get(URL, hangzhou_year).status_code == 404
    for name in TABLES:
        assert (
            client.get(reverse("programmes:statistics_csv", args=[name]), hangzhou_year).status_code
            == 404
        )
        assert (
            client.get(
                reverse("programmes:statistics_chart", args=[name]), hangzhou_year
            ).status_code
            == 404
        )


@pytest.mark.parametrize("who", [UserFactory, InstructorFactory, ReviewerFactory])
def test_learners_instructors_and_reviewers_get_a_404(data, who):
    user = who()
    client = client_for(user)
    assert client.get(URL).status_code == 404
    assert client.get(reverse("programmes:statistics_csv", args=["month"])).status_code == 404
    assert client.get(reverse("programmes:statistics_chart", args=["month"])).status_code == 404
    assert client.post(reverse("programmes:statistics_refresh")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(data):
    response = Client().get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_an_unknown_table_is_a_404(data):
    client = client_for(data["officer"])
    assert client.get(reverse("programmes:statistics_csv", args=["learners"])).status_code == 404


def _rollup(office) -> list[tuple]:
    return sorted(
        PersonTimeRollup.objects.filter(hr_office=office).values_list(
            "programme_year_id",
            "month",
            "school_id",
            "district",
            "occupation_id",
            "level",
            "sub_list",
            "learner_group",
            "trained",
            "completed",
            "certified",
            "subsidy_committed",
            "subsidy_paid",
        ),
        key=str,
    )


def test_refreshing_again_writes_the_same_rows(data):
    office = data["office"]
    first = _rollup(office)
    assert first
    assert statistics.statistics_refresh(office=office) == len(first)
    assert _rollup(office) == first
    call_command("refresh_statistics", office=office.pk, stdout=io.StringIO())
    assert _rollup(office) == first
    assert StatisticsRefresh.objects.filter(hr_office=office).count() == 1


def test_the_page_shows_the_rollup_until_it_is_refreshed(data):
    """The page reads the rollup, not the enrolments: a new enrolment shows after a refresh,
    which the officer can ask for."""
    c1 = data["courses"][0]
    learner = UserFactory()
    Enrolment.objects.create(
        learner=learner, course=c1, joined_at=timezone.make_aware(dt.datetime(2026, 6, 1, 20))
    )
    client = client_for(data["officer"])
    assert table(client.get(URL), "month")["Total"] == [5, 2, 1]
    response = client.post(
        reverse("programmes:statistics_refresh"), {"year": data["year"].pk, "from": "2026-01"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(URL)
    after = client.get(response["Location"])
    assert table(after, "month")["Jun 2026"] == [1, 0, 0]
    assert "Figures as of" in after.content.decode()


def test_completion_counts_only_every_live_lesson_once(data):
    """Finishing the second lesson of 快递员 completes l2's enrolment, in the month of it."""
    l2 = data["learners"][1]
    c1 = data["courses"][0]
    LessonCompletion.objects.create(
        learner=l2,
        lesson=lessons_of(c1)[1],
        completed_at=timezone.make_aware(dt.datetime(2026, 7, 2, 21)),
        source="quiz",
    )
    statistics.statistics_refresh(office=data["office"])
    months = table(client_for(data["officer"]).get(URL), "month")
    assert months["Jul 2026"] == [0, 1, 0]
    assert months["Total"] == [5, 3, 1]


def test_a_stale_dashboard_refreshes_itself_in_the_background(db):
    made = make_statistics_year()
    assert not StatisticsRefresh.objects.exists()
    response = client_for(made["officer"]).get(URL)  # tasks run inline in the tests
    assert StatisticsRefresh.objects.filter(hr_office=made["office"]).exists()
    assert response.status_code == 200


def test_the_desk_links_to_the_dashboard(data):
    response = client_for(data["officer"]).get(reverse("programmes:desk"))
    assert URL in response.content.decode()


def test_the_demand_list_chart_reads_top_down_as_its_table(data):
    client = client_for(data["officer"], language="zh-hans")
    page = client.get(URL)
    section = next(s for s in page.context["sections"] if s["name"] == "sub_list")
    svg = client.get(section["svg"]).content.decode()
    axis = re.search(r'class="axis y.*?</g></g>', svg, re.S).group(0)
    rows = {text: float(y) for y, text in re.findall(r'y="([\d.]+)"[^>]*>([^<]+)</text>', axis)}
    table = [str(row["label"]) for row in section["rows"] if str(row["label"]) in rows]

    assert len(table) >= 3
    assert sorted(table, key=rows.get) == table
