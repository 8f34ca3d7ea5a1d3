"""Community micro-training: residents ask and second, the organiser passes on, a school of
the city takes up and schedules, attendees rate. Every refusal is tested from the side of the
one refused, and a refusal changes nothing."""

import datetime as dt
import json
import re

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest

from courses import community, community_selectors, services
from courses.models import (
    Attendance,
    ClassroomSession,
    Enrolment,
    SessionRating,
    TopicRequest,
    TopicSecond,
)
from tests.factories import UserFactory
from tests.helpers import (
    lessons_of,
    make_city_school,
    make_community_centre,
    make_organiser,
    next_local,
)

pytestmark = pytest.mark.django_db

SATURDAY, TUESDAY = 5, 1


@pytest.fixture
def centre():
    return make_community_centre(city="杭州市")


@pytest.fixture
def organiser(centre):
    return make_organiser(centre)


@pytest.fixture
def resident():
    return UserFactory(real_name="王阿姨")


@pytest.fixture
def neighbour():
    return UserFactory(real_name="李师傅")


@pytest.fixture
def city_school(catalogue):
    return make_city_school(catalogue, city="杭州市")


@pytest.fixture
def asked(resident, centre):
    return community.topic_request_create(
        user=resident, centre=centre, topic="家政收纳", details="周末上午最好"
    )


@pytest.fixture
def passed_on(asked, organiser):
    return community.topic_request_pass_on(request=asked, organiser=organiser, note="老人多")


@pytest.fixture
def taken_up(passed_on, city_school):
    _school, _course, instructor = city_school
    return community.topic_request_take_up(request=passed_on, instructor=instructor)


def schedule(topic_request, instructor, course, *, starts_at=None, minutes=90, **kwargs):
    starts_at = starts_at or next_local(SATURDAY, 9)
    return community.topic_session_schedule(
        request=topic_request,
        instructor=instructor,
        lesson=lessons_of(course)[0],
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        **kwargs,
    )


def attend(learner, session, status=Attendance.Status.CONFIRMED):
    """The learner joined the course and checked in at the session's start."""
    services.enrolment_join(learner=learner, course=session.cycle.course)
    attendance, _ = services.attendance_check_in(
        learner=learner, session=session, now=session.starts_at
    )
    Attendance.objects.filter(pk=attendance.pk).update(status=status)
    return attendance


def after(session, minutes=10):
    return session.ends_at + dt.timedelta(minutes=minutes)


# --- Asking.


def test_resident_asks_for_a_topic_and_counts_as_one_wanting_it(asked, resident, centre):
    fetched = community_selectors.topic_request_get(request_id=asked.pk)
    assert fetched.state == TopicRequest.State.OPEN
    assert fetched.requested_by == resident
    assert fetched.centre == centre
    assert fetched.wanting == 1


def test_asking_over_the_daily_limit_is_refused_until_a_day_has_passed(settings, resident, centre):
    settings.TOPIC_REQUESTS_PER_DAY = 2
    now = timezone.now()
    for topic in ["电工", "计算机操作"]:
        community.topic_request_create(user=resident, centre=centre, topic=topic, now=now)

    with pytest.raises(ValidationError) as refused:
        community.topic_request_create(user=resident, centre=centre, topic="烹饪", now=now)
    assert refused.value.code == "rate_limited"
    assert "2" in refused.value.messages[0]
    assert TopicRequest.objects.filter(requested_by=resident).count() == 2

    later = now + dt.timedelta(hours=24, minutes=1)
    community.topic_request_create(user=resident, centre=centre, topic="烹饪", now=later)
    assert TopicRequest.objects.filter(requested_by=resident).count() == 3


def test_the_daily_limit_defaults_to_three(resident, centre):
    for topic in ["电工", "计算机操作", "烹饪"]:
        community.topic_request_create(user=resident, centre=centre, topic=topic)
    with pytest.raises(ValidationError):
        community.topic_request_create(user=resident, centre=centre, topic="育婴")
    assert TopicRequest.objects.count() == 3


@pytest.mark.parametrize(
    ("topic", "code"),
    [("", "empty"), ("   ", "empty"), ("x" * 41, "too_long"), ("<b>电工</b>", "html")],
)
def test_a_bad_topic_is_refused_with_a_message(resident, centre, topic, code):
    with pytest.raises(ValidationError) as refused:
        community.topic_request_create(user=resident, centre=centre, topic=topic)
    assert refused.value.code == code
    assert refused.value.messages[0]
    assert not TopicRequest.objects.exists()


def test_a_topic_already_asked_at_the_centre_is_refused_in_favour_of_seconding(
    asked, neighbour, centre
):
    with pytest.raises(ValidationError) as refused:
        community.topic_request_create(user=neighbour, centre=centre, topic=" 家政收纳 ")
    assert refused.value.code == "duplicate"
    assert TopicRequest.objects.count() == 1


def test_topics_are_asked_for_at_community_centres_only(resident, city_school):
    school = city_school[0].organisation
    with pytest.raises(ValidationError):
        community.topic_request_create(user=resident, centre=school, topic="电工")
    assert not TopicRequest.objects.exists()


def test_only_learners_ask(centre, city_school, organiser):
    for user in [city_school[2], organiser]:
        with pytest.raises(PermissionDenied):
            community.topic_request_create(user=user, centre=centre, topic="电工")
    assert not TopicRequest.objects.exists()


# --- Seconding.


def test_a_second_adds_one_to_those_wanting(asked, neighbour):
    community.topic_request_second(request=asked, user=neighbour)
    assert community_selectors.topic_request_get(request_id=asked.pk).wanting == 2


def test_seconding_twice_is_refused(asked, neighbour):
    community.topic_request_second(request=asked, user=neighbour)
    with pytest.raises(ValidationError) as refused:
        community.topic_request_second(request=asked, user=neighbour)
    assert refused.value.code == "twice"
    assert TopicSecond.objects.count() == 1


def test_seconding_ones_own_request_is_refused(asked, resident):
    with pytest.raises(ValidationError) as refused:
        community.topic_request_second(request=asked, user=resident)
    assert refused.value.code == "own"
    assert not TopicSecond.objects.exists()


def test_a_declined_request_cannot_be_seconded(asked, organiser, neighbour):
    community.topic_request_decline(request=asked, organiser=organiser, reason="场地在装修")
    with pytest.raises(ValidationError):
        community.topic_request_second(request=asked, user=neighbour)
    assert not TopicSecond.objects.exists()


# --- The organiser.


def test_organiser_passes_a_request_on_with_a_note(passed_on, organiser):
    passed_on.refresh_from_db()
    assert passed_on.state == TopicRequest.State.PASSED_ON
    assert passed_on.passed_on_by == organiser
    assert passed_on.note_to_schools == "老人多"
    assert passed_on.passed_on_at is not None


def test_organiser_of_another_centre_cannot_pass_on_or_decline(asked, client):
    other = make_organiser(make_community_centre(city="杭州市", district="拱墅区"))
    with pytest.raises(PermissionDenied):
        community.topic_request_pass_on(request=asked, organiser=other)
    with pytest.raises(PermissionDenied):
        community.topic_request_decline(request=asked, organiser=other, reason="不需要")

    client.force_login(other)
    for name in ["courses:community_pass_on", "courses:community_decline"]:
        response = client.post(reverse(name, args=[asked.pk]), {"reason": "不需要"})
        assert response.status_code == 404
    asked.refresh_from_db()
    assert asked.state == TopicRequest.State.OPEN


def test_a_request_is_passed_on_once(passed_on, organiser):
    with pytest.raises(ValidationError):
        community.topic_request_pass_on(request=passed_on, organiser=organiser)


def test_a_centre_without_a_city_cannot_pass_on(resident):
    centre = make_community_centre(city="", name="无城市社区")
    organiser = make_organiser(centre)
    topic_request = community.topic_request_create(user=resident, centre=centre, topic="电工")
    with pytest.raises(ValidationError) as refused:
        community.topic_request_pass_on(request=topic_request, organiser=organiser)
    assert refused.value.code == "no_city"
    topic_request.refresh_from_db()
    assert topic_request.state == TopicRequest.State.OPEN


def test_declining_needs_a_reason_and_keeps_it(asked, organiser):
    with pytest.raises(ValidationError):
        community.topic_request_decline(request=asked, organiser=organiser, reason="  ")
    asked.refresh_from_db()
    assert asked.state == TopicRequest.State.OPEN

    community.topic_request_decline(request=asked, organiser=organiser, reason="场地在装修")
    asked.refresh_from_db()
    assert asked.state == TopicRequest.State.DECLINED
    assert asked.decline_reason == "场地在装修"


def test_a_request_taken_up_cannot_be_declined(taken_up, organiser):
    with pytest.raises(ValidationError):
        community.topic_request_decline(request=taken_up, organiser=organiser, reason="不要了")
    taken_up.refresh_from_db()
    assert taken_up.state == TopicRequest.State.TAKEN_UP


# --- Schools.


def test_a_school_of_the_city_takes_a_request_up(taken_up, city_school):
    taken_up.refresh_from_db()
    assert taken_up.state == TopicRequest.State.TAKEN_UP
    assert taken_up.school == city_school[0].organisation
    assert taken_up.taken_up_by == city_school[2]


def test_a_school_of_another_city_cannot_take_a_request_up(passed_on, catalogue, client):
    _school, _course, far = make_city_school(catalogue, city="宁波市")
    with pytest.raises(PermissionDenied):
        community.topic_request_take_up(request=passed_on, instructor=far)

    client.force_login(far)
    response = client.post(reverse("courses:community_take_up", args=[passed_on.pk]))
    assert response.status_code == 404
    passed_on.refresh_from_db()
    assert passed_on.state == TopicRequest.State.PASSED_ON
    assert passed_on.school is None


def test_a_request_not_passed_on_cannot_be_taken_up(asked, city_school):
    with pytest.raises(ValidationError):
        community.topic_request_take_up(request=asked, instructor=city_school[2])
    asked.refresh_from_db()
    assert asked.state == TopicRequest.State.OPEN


def test_only_one_school_takes_a_request_up(taken_up, catalogue, city_school):
    _school, _course, rival = make_city_school(catalogue, city="杭州市", name="杭州第二培训学校")
    with pytest.raises(ValidationError):
        community.topic_request_take_up(request=taken_up, instructor=rival)
    taken_up.refresh_from_db()
    assert taken_up.school == city_school[0].organisation


def test_a_learner_cannot_take_a_request_up(passed_on, neighbour):
    with pytest.raises(PermissionDenied):
        community.topic_request_take_up(request=passed_on, instructor=neighbour)


# --- Scheduling.


def test_school_schedules_a_weekend_session_at_the_centre(taken_up, city_school, centre):
    _school, course, instructor = city_school
    session = schedule(taken_up, instructor, course, capacity=20)

    taken_up.refresh_from_db()
    assert taken_up.state == TopicRequest.State.SCHEDULED
    assert list(taken_up.sessions.all()) == [session]
    assert session.venue == centre
    assert session.venue_name == centre.name
    assert session.address == centre.address
    assert session.capacity == 20
    assert session.cycle.course_id == course.pk


def test_a_weekday_evening_session_is_allowed(taken_up, city_school):
    _school, course, instructor = city_school
    session = schedule(taken_up, instructor, course, starts_at=next_local(TUESDAY, 19))
    assert timezone.localtime(session.starts_at).hour == 19


@pytest.mark.parametrize(
    ("weekday", "hour", "minutes"),
    [(TUESDAY, 14, 90), (TUESDAY, 21, 90), (SATURDAY, 7, 60), (SATURDAY, 21, 120)],
)
def test_a_session_outside_community_hours_is_refused(
    taken_up, city_school, weekday, hour, minutes
):
    _school, course, instructor = city_school
    with pytest.raises(ValidationError) as refused:
        schedule(
            taken_up,
            instructor,
            course,
            starts_at=next_local(weekday, hour),
            minutes=minutes,
        )
    assert refused.value.code == "hours"
    assert "18:00–22:00" in refused.value.messages[0]
    assert not ClassroomSession.objects.exists()
    taken_up.refresh_from_db()
    assert taken_up.state == TopicRequest.State.TAKEN_UP


def test_community_hours_are_a_setting(settings, taken_up, city_school):
    settings.COMMUNITY_SESSION_HOURS = "0-6=09:00-17:00"
    _school, course, instructor = city_school
    session = schedule(taken_up, instructor, course, starts_at=next_local(TUESDAY, 14))
    assert session.pk
    with pytest.raises(ValidationError):
        schedule(taken_up, instructor, course, starts_at=next_local(TUESDAY, 19))


@pytest.mark.parametrize("value", ["weekdays", "0-4=22:00-18:00", "0-9=18:00-22:00", "1=18-22"])
def test_misconfigured_community_hours_say_so(settings, value):
    settings.COMMUNITY_SESSION_HOURS = value
    with pytest.raises(ImproperlyConfigured):
        community.session_hours()


def test_another_instructor_of_another_school_cannot_schedule(taken_up, catalogue, city_school):
    _school, other_course, other = make_city_school(
        catalogue, city="杭州市", name="杭州第二培训学校"
    )
    with pytest.raises(PermissionDenied):
        schedule(taken_up, other, other_course)
    # Nor with the lesson of the school that took it up.
    with pytest.raises(PermissionDenied):
        schedule(taken_up, other, city_school[1])
    assert not ClassroomSession.objects.exists()


def test_the_school_schedules_only_its_own_courses_lessons(taken_up, catalogue, city_school):
    _other_school, other_course, _other = make_city_school(
        catalogue, city="杭州市", name="杭州第二培训学校"
    )
    with pytest.raises(PermissionDenied):
        schedule(taken_up, city_school[2], other_course)
    assert not ClassroomSession.objects.exists()


def test_a_session_in_the_past_or_ending_before_it_starts_is_refused(taken_up, city_school):
    _school, course, instructor = city_school
    with pytest.raises(ValidationError):
        schedule(taken_up, instructor, course, minutes=-30)
    with pytest.raises(ValidationError):
        schedule(taken_up, instructor, course, now=next_local(SATURDAY, 12))
    assert not ClassroomSession.objects.exists()


def test_a_request_is_done_only_after_a_session_was_held(taken_up, city_school):
    _school, course, instructor = city_school
    session = schedule(taken_up, instructor, course)
    with pytest.raises(ValidationError):
        community.topic_request_complete(request=taken_up, instructor=instructor)

    community.topic_request_complete(request=taken_up, instructor=instructor, now=after(session))
    taken_up.refresh_from_db()
    assert taken_up.state == TopicRequest.State.DONE


# --- Ratings.


@pytest.fixture
def held(taken_up, city_school):
    _school, course, instructor = city_school
    return schedule(taken_up, instructor, course)


def test_an_attendee_rates_a_session_after_it_ended(held, neighbour):
    attend(neighbour, held)
    rating = community.session_rate(
        session=held, learner=neighbour, stars="4", comment="讲得清楚", now=after(held)
    )
    assert (rating.stars, rating.comment) == (4, "讲得清楚")


def test_rating_without_attending_is_refused(held, neighbour):
    services.enrolment_join(learner=neighbour, course=held.cycle.course)
    with pytest.raises(ValidationError) as refused:
        community.session_rate(session=held, learner=neighbour, stars=5, now=after(held))
    assert refused.value.code == "not_attended"
    assert not SessionRating.objects.exists()


def test_rating_after_the_instructor_removed_the_check_in_is_refused(held, neighbour):
    attend(neighbour, held, status=Attendance.Status.REMOVED)
    with pytest.raises(ValidationError):
        community.session_rate(session=held, learner=neighbour, stars=5, now=after(held))
    assert not SessionRating.objects.exists()


def test_rating_before_the_session_ended_is_refused(held, neighbour):
    attend(neighbour, held)
    with pytest.raises(ValidationError) as refused:
        community.session_rate(
            session=held, learner=neighbour, stars=5, now=held.ends_at - dt.timedelta(minutes=1)
        )
    assert refused.value.code == "not_ended"
    assert not SessionRating.objects.exists()


def test_rating_twice_is_refused(held, neighbour):
    attend(neighbour, held)
    community.session_rate(session=held, learner=neighbour, stars=5, now=after(held))
    with pytest.raises(ValidationError) as refused:
        community.session_rate(session=held, learner=neighbour, stars=1, now=after(held, 20))
    assert refused.value.code == "twice"
    assert list(SessionRating.objects.values_list("stars", flat=True)) == [5]


@pytest.mark.parametrize("stars", [0, 6, -1, "", None, "五"])
def test_stars_outside_one_to_five_are_refused(held, neighbour, stars):
    attend(neighbour, held)
    with pytest.raises(ValidationError) as refused:
        community.session_rate(session=held, learner=neighbour, stars=stars, now=after(held))
    assert refused.value.code == "stars"
    assert not SessionRating.objects.exists()


def test_the_school_sees_average_count_and_comments(held, neighbour, resident, city_school):
    attend(neighbour, held)
    attend(resident, held)
    community.session_rate(
        session=held, learner=neighbour, stars=5, comment="很实用", now=after(held)
    )
    community.session_rate(session=held, learner=resident, stars=4, now=after(held))

    (summary,) = community_selectors.session_ratings(sessions=[held]).values()
    assert summary.count == 2
    assert summary.average == 4.5
    assert [r.comment for r in summary.comments] == ["很实用"]
    (taken,) = community_selectors.school_requests(school=city_school[0].organisation)
    assert taken.session_list[0].rating_summary.average == 4.5


# --- Demand by place and topic.


def test_demand_groups_passed_on_requests_by_centre_and_topic(
    catalogue, city_school, resident, neighbour
):
    near = make_community_centre(city="杭州市", district="西湖区", name="西湖社区")
    other = make_community_centre(city="杭州市", district="上城区", name="上城社区")
    far = make_community_centre(city="宁波市", district="海曙区", name="海曙社区")
    organisers = {c.pk: make_organiser(c) for c in [near, other, far]}
    third = UserFactory()

    def passed(centre, topic, by, seconds=()):
        made = community.topic_request_create(user=by, centre=centre, topic=topic)
        for user in seconds:
            community.topic_request_second(request=made, user=user)
        return community.topic_request_pass_on(request=made, organiser=organisers[centre.pk])

    first = passed(near, "Excel", resident, seconds=[neighbour, third])
    passed(other, "excel", neighbour)  # the same topic at another centre is another place
    passed(near, "电工", neighbour)
    passed(far, "Excel", third)  # another city
    community.topic_request_create(user=third, centre=near, topic="育婴")  # not passed on

    groups = community_selectors.demand_by_place_and_topic(school=city_school[0].organisation)
    assert [(g.centre.name, g.topic, g.wanting) for g in groups] == [
        ("西湖社区", "Excel", 3),
        ("上城社区", "excel", 1),
        ("西湖社区", "电工", 1),
    ]
    assert groups[0].requests == [first]


# --- Pages.


def test_anonymous_visitors_are_sent_to_log_in(client, asked, centre):
    for url in [
        reverse("courses:community"),
        reverse("courses:community_ask", args=[centre.pk]),
        reverse("courses:community_request", args=[asked.pk]),
        reverse("courses:community_organiser"),
        reverse("courses:community_demand"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    response = client.post(reverse("courses:community_second", args=[asked.pk]))
    assert response.status_code == 302
    assert not TopicSecond.objects.exists()


def test_community_page_lists_requests_most_wanted_first(client, centre, resident, neighbour):
    quiet = community.topic_request_create(user=resident, centre=centre, topic="电工")
    popular = community.topic_request_create(user=neighbour, centre=centre, topic="计算机操作")
    for _ in range(2):
        community.topic_request_second(request=popular, user=UserFactory())
    client.force_login(resident)

    page = client.get(reverse("courses:community")).content.decode()

    assert page.index("计算机操作") < page.index("电工")
    assert "3 人想学" in page
    assert "1 人想学" in page
    assert quiet.pk


def test_ask_page_shows_the_limit_and_keeps_what_was_typed(settings, client, centre, resident):
    settings.TOPIC_REQUESTS_PER_DAY = 1
    client.force_login(resident)
    url = reverse("courses:community_ask", args=[centre.pk])
    assert client.post(url, {"topic": "电工"}).status_code == 302

    response = client.post(url, {"topic": "烹饪", "details": "晚上"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "每天最多" in page
    assert 'value="烹饪"' in page
    assert TopicRequest.objects.count() == 1


def test_seconding_from_the_page_refuses_politely_the_second_time(client, asked, neighbour):
    client.force_login(neighbour)
    url = reverse("courses:community_second", args=[asked.pk])
    first = client.post(url, follow=True).content.decode()
    again = client.post(url, follow=True).content.decode()
    assert "2 人想学" in first
    assert "已经附议" in again
    assert TopicSecond.objects.count() == 1


def test_organiser_page_is_only_for_organisers(client, resident, organiser, asked):
    client.force_login(resident)
    assert client.get(reverse("courses:community_organiser")).status_code == 404
    client.force_login(organiser)
    page = client.get(reverse("courses:community_organiser")).content.decode()
    assert "家政收纳" in page


def test_demand_page_is_only_for_school_instructors(client, resident, organiser, city_school):
    for user in [resident, organiser]:
        client.force_login(user)
        assert client.get(reverse("courses:community_demand")).status_code == 404
    client.force_login(city_school[2])
    assert client.get(reverse("courses:community_demand")).status_code == 200


def test_another_school_cannot_open_a_request_taken_up(client, taken_up, catalogue):
    _school, _course, other = make_city_school(catalogue, city="杭州市", name="杭州第二培训学校")
    client.force_login(other)
    url = reverse("courses:community_school_request", args=[taken_up.pk])
    assert client.get(url).status_code == 404


def test_school_schedules_from_the_page_and_a_daytime_slot_is_refused(
    client, taken_up, city_school
):
    _school, course, instructor = city_school
    client.force_login(instructor)
    url = reverse("courses:community_school_request", args=[taken_up.pk])
    lesson = lessons_of(course)[0]
    tuesday = next_local(TUESDAY, 10).date()

    refused = client.post(
        url,
        {"lesson": lesson.pk, "day": tuesday, "starts": "10:00", "ends": "11:30", "capacity": 30},
    )
    assert refused.status_code == 400
    assert "18:00–22:00" in refused.content.decode()
    assert not ClassroomSession.objects.exists()

    done = client.post(
        url,
        {"lesson": lesson.pk, "day": tuesday, "starts": "19:00", "ends": "20:30", "capacity": 30},
    )
    assert done.status_code == 302
    (session,) = ClassroomSession.objects.all()
    assert timezone.localtime(session.starts_at).time() == dt.time(19, 0)


def test_joining_a_session_enrols_in_its_course(client, held, neighbour):
    client.force_login(neighbour)
    topic_request = held.topic_requests.get()
    response = client.post(
        reverse("courses:community_join", args=[topic_request.pk, held.pk]), follow=True
    )
    assert response.status_code == 200
    assert Enrolment.objects.filter(
        learner=neighbour, course=held.cycle.course, left_at__isnull=True
    ).exists()


def test_join_refuses_a_session_of_another_request(client, held, centre, neighbour):
    other = community.topic_request_create(user=neighbour, centre=centre, topic="电工")
    client.force_login(neighbour)
    response = client.post(reverse("courses:community_join", args=[other.pk, held.pk]))
    assert response.status_code == 404
    assert not Enrolment.objects.filter(learner=neighbour).exists()


def test_organiser_passes_on_and_declines_from_their_page(client, organiser, centre, resident):
    keep = community.topic_request_create(user=resident, centre=centre, topic="电工")
    drop = community.topic_request_create(user=resident, centre=centre, topic="插花")
    client.force_login(organiser)

    client.post(reverse("courses:community_pass_on", args=[keep.pk]), {"note": "晚上为宜"})
    refused = client.post(
        reverse("courses:community_decline", args=[drop.pk]), {"reason": ""}, follow=True
    )
    assert "请写明婉拒的原因" in refused.content.decode()
    drop.refresh_from_db()
    assert drop.state == TopicRequest.State.OPEN
    client.post(reverse("courses:community_decline", args=[drop.pk]), {"reason": "报名太少"})

    keep.refresh_from_db()
    drop.refresh_from_db()
    assert (keep.state, keep.note_to_schools) == (TopicRequest.State.PASSED_ON, "晚上为宜")
    assert (drop.state, drop.decline_reason) == (TopicRequest.State.DECLINED, "报名太少")


def test_school_takes_up_from_the_demand_page_and_reads_ratings(
    client, passed_on, city_school, neighbour
):
    _school, course, instructor = city_school
    client.force_login(instructor)
    demand = client.get(reverse("courses:community_demand")).content.decode()
    assert "家政收纳" in demand and "老人多" in demand

    response = client.post(reverse("courses:community_take_up", args=[passed_on.pk]))
    assert response["Location"] == reverse("courses:community_school_request", args=[passed_on.pk])
    session = schedule(passed_on, instructor, course)
    attend(neighbour, session)
    community.session_rate(
        session=session, learner=neighbour, stars=3, comment="时间太短", now=after(session)
    )

    page = client.get(response["Location"]).content.decode()
    assert "3.0 星，共 1 条评价" in page
    assert "时间太短" in page
    assert "3.0 星，共 1 条评价" in client.get(reverse("courses:community_demand")).content.decode()


def test_attendee_rates_from_the_request_page(client, held, neighbour):
    attend(neighbour, held)
    topic_request = held.topic_requests.get()
    ClassroomSession.objects.filter(pk=held.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    client.force_login(neighbour)
    page = client.get(reverse("courses:community_request", args=[topic_request.pk]))
    assert "这次课怎么样？" in page.content.decode()
    url = reverse("courses:community_rate", args=[topic_request.pk, held.pk])

    refused = client.post(url, {"stars": "6"}, follow=True).content.decode()
    assert "请选择 1 到 5 颗星" in refused
    client.post(url, {"stars": "5", "comment": "老师很耐心"})

    (rating,) = SessionRating.objects.all()
    assert (rating.learner, rating.stars, rating.comment) == (neighbour, 5, "老师很耐心")
    page = client.get(reverse("courses:community_request", args=[topic_request.pk]))
    assert "你评了 5 星" in page.content.decode()


def admin_menu(client) -> str:
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', page, re.S).group(1)
    return json.dumps(json.loads(props), ensure_ascii=False)


def test_instructors_find_the_demand_page_in_the_admin_menu(client, city_school):
    client.force_login(city_school[2])
    menu = admin_menu(client)
    assert "各社区点课需求" in menu
    assert reverse("courses:community_demand") in menu


def test_the_demo_has_a_centre_whose_passed_on_request_the_demo_school_sees(client):
    from django.core.management import call_command

    from lms.demo import DEMO_PASSWORD

    call_command("load_demo", "--without-videos", verbosity=0)
    call_command("load_demo", "--without-videos", verbosity=0)
    assert TopicRequest.objects.count() == 2

    for email, url, seen in [
        ("organiser@nightschool.example", "courses:community_organiser", "家政收纳"),
        ("teacher@nightschool.example", "courses:community_demand", "计算机操作"),
    ]:
        client.logout()
        client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
        response = client.get(reverse(url))
        assert response.status_code == 200, email
        assert seen in response.content.decode()
