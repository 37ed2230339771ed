"""Data that cannot be right is refused with a clear message; the merely unusual is asked about."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import CouncilAction, ProgressUpdate
from actions.status import Status
from tests.helpers import date_fields, input_form, post_update, round_form, signed_in, update_form

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def post(client, url, data):
    response = client.post(url, data)
    return response, response.content.decode()


@pytest.fixture
def member(client, world):
    return signed_in(client, world.personas["forum_member"])


def update_url(world):
    return reverse("action_update", args=[world.action.pk])


def test_a_new_target_date_in_the_past_is_refused(member, world):
    data = update_form(
        world.action,
        **date_fields("revised_target_date", TODAY - datetime.timedelta(days=1)),
        revision_reason="It slipped",
    )

    response, page = post(member, update_url(world), data)

    assert response.status_code == 200
    assert "The new target date must be today or in the future" in page
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("status", "percent", "message"),
    [
        (Status.COMPLETED, "20", "An action that is completed is 100% complete"),
        (Status.NOT_STARTED, "100", "An action that has not started is 0% complete"),
    ],
)
def test_a_status_and_percent_that_contradict_each_other_are_refused(
    member, world, status, percent, message
):
    data = update_form(world.action, status=status, percent_complete=percent)

    response, page = post(member, update_url(world), data)

    assert response.status_code == 200
    assert message in page
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("1", "1", "0001", "must be between 1 January 2000 and 31 December 2100"),
        ("31", "12", "9999", "must be between 1 January 2000 and 31 December 2100"),
        ("99999999999999999999", "1", "2030", "must be a real date"),
        ("1", "99999999999999999999", "2030", "must be a real date"),
        ("30", "2", "2030", "must be a real date"),
    ],
)
def test_impossible_dates_are_refused_in_words(member, world, day, month, year, message):
    data = update_form(
        world.action,
        revised_target_date_0=day,
        revised_target_date_1=month,
        revised_target_date_2=year,
        revision_reason="A reason",
    )

    response, page = post(member, update_url(world), data)

    assert response.status_code == 200
    assert f"The new target date {message}" in page
    assert not ProgressUpdate.objects.exists()


def test_a_missing_reason_is_said_once(member, world):
    data = update_form(
        world.action, **date_fields("revised_target_date", TODAY + datetime.timedelta(days=90))
    )

    _, page = post(member, update_url(world), data)

    assert page.count("Give a reason for the new target date") == 2  # summary and field
    assert not ProgressUpdate.objects.exists()


@pytest.mark.usefixtures("review_off")  # saved means counted: submitting approves
def test_percent_going_down_is_asked_about_then_saved_when_confirmed(member, world):
    post_update(world.action, world.personas["forum_member"], Status.ON_TRACK, 60)
    world.action.refresh_from_db()
    data = update_form(world.action, percent_complete="40")

    response, page = post(member, update_url(world), data)

    assert response.status_code == 200
    assert "Percent complete goes down from 60% to 40%." in page
    assert "Yes, these answers are right" in page
    assert ProgressUpdate.objects.count() == 1

    response, _ = post(member, update_url(world), {**data, "confirm": "on"})

    assert response.status_code == 302
    world.action.refresh_from_db()
    assert world.action.percent_complete == 40


def test_a_target_date_years_away_is_asked_about(member, world):
    far = TODAY + datetime.timedelta(days=6 * 365)
    data = update_form(
        world.action, **date_fields("revised_target_date", far), revision_reason="Funding"
    )

    _, page = post(member, update_url(world), data)

    assert "is over 5 years away" in page
    assert not ProgressUpdate.objects.exists()


def test_the_confirmation_is_not_asked_when_nothing_is_unusual(member, world):
    response = member.get(update_url(world))
    assert "Yes, these answers are right" not in response.content.decode()


def test_council_input_is_held_to_the_same_rules(client, world):
    officer = signed_in(client, world.personas["officer"])
    url = reverse("council_action_input", args=[world.council_action.pk])

    response, page = post(
        officer,
        url,
        input_form(world.council_action, status=Status.COMPLETED, percent_complete="5"),
    )

    assert response.status_code == 200
    assert "An action that is completed is 100% complete" in page


def test_a_new_proposed_council_action_cannot_be_due_in_the_past(client, world):
    officer = signed_in(client, world.personas["officer"])
    url = reverse("council_action_add", args=[world.action.pk])
    data = {
        "text": "Hold a funding fair",
        "responsible_unit": world.unit.pk,
        "lead_officer": "",
        **date_fields("original_target_date", TODAY - datetime.timedelta(days=30)),
    }

    response, page = post(officer, url, data)

    assert response.status_code == 200
    assert "The target date must be today or in the future" in page
    assert not CouncilAction.objects.filter(text="Hold a funding fair").exists()


def test_a_round_cannot_be_due_before_it_starts(client, world):
    coordinator = signed_in(client, world.personas["coordinator"])
    data = round_form(**date_fields("due_date", datetime.date(2026, 3, 1)))

    response, page = post(coordinator, reverse("round_open"), data)

    assert response.status_code == 200
    assert "The due date must be on or after the start of the period" in page


def test_a_search_too_long_is_explained_by_the_field(user_client):
    response = user_client.get(reverse("plan"), {"q": "volunteering " * 30})

    assert response.status_code == 200
    assert "Search words must be 200 characters or fewer" in response.content.decode()


def test_an_address_no_person_would_type_is_refused_plainly(user_client):
    for value in ("x" * 5000, "a\x00b"):
        response = user_client.get(reverse("plan"), {"status": value})
        assert response.status_code == 400
        assert "There is a problem with the web address" in response.content.decode()
        assert "default-src 'self'" in response["Content-Security-Policy"]


def test_a_sign_in_name_longer_than_any_is_just_wrong(client):
    response = client.post(reverse("login"), {"username": "x" * 1_000_000, "password": "x"})

    assert response.status_code == 200
    assert "Enter a correct email address or username and password" in response.content.decode()
