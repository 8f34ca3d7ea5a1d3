"""Where a login lands: staff where their work waits, learners at home, a ``next`` wins."""

from django.urls import reverse

import pytest

from tests.factories import ReviewerFactory, UserFactory
from tests.helpers import make_community_centre, make_hr_office, make_hr_officer, make_organiser

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # noqa: S105


def log_in(client, user, **query):
    url = reverse("account_login")
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return client.post(url, {"login": user.email, "password": PASSWORD})


def test_a_learner_still_lands_on_the_home_page(client):
    learner = UserFactory(email="rider@example.com")

    response = log_in(client, learner)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_an_hr_officer_lands_on_the_programme_desk(client):
    officer = make_hr_officer(make_hr_office())

    response = log_in(client, officer)

    assert response["Location"] == reverse("programmes:desk")
    assert client.get(response["Location"]).status_code == 200


def test_an_organiser_lands_on_the_requests_at_the_centre(client):
    organiser = make_organiser(make_community_centre(), email="organiser@example.com")

    response = log_in(client, organiser)

    assert response["Location"] == reverse("courses:community_organiser")
    assert client.get(response["Location"]).status_code == 200


def test_a_reviewer_lands_on_the_review_queue(client):
    reviewer = ReviewerFactory(email="reviewer@example.com")

    response = log_in(client, reviewer)

    assert response["Location"] == reverse("review:queue")


def test_a_next_page_asked_for_wins_over_the_desk(client):
    officer = make_hr_officer(make_hr_office())

    response = log_in(client, officer, next=reverse("programmes:claims"))

    assert response["Location"] == reverse("programmes:claims")
