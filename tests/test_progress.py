"""Posting progress on a strategy action: the form, the service, stale edits and history."""

import datetime
import re

import pytest
from django.urls import reverse

from actions import services
from actions.models import ProgressUpdate, StrategyAction
from actions.status import Status
from tests.factories import MonitoringRoundFactory
from tests.helpers import post_update, signed_in, update_form

# These test posting itself, where submitting approves (review off): the review is tested in
# tests/test_review.py.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("review_off")]


@pytest.fixture
def member_client(client, world):
    return signed_in(client, world.personas["forum_member"])


def test_forum_member_posts_an_update_and_the_action_moves(member_client, world):
    action = world.action
    url = reverse("action_update", args=[action.pk])
    response = member_client.post(url, update_form(action))
    assert response.status_code == 302
    assert response["Location"] == action.get_absolute_url()

    action.refresh_from_db()
    update = ProgressUpdate.objects.get(strategy_action=action)
    assert action.status == Status.ON_TRACK
    assert action.percent_complete == 40
    assert action.last_update == update
    assert action.version == 2
    assert update.author == world.personas["forum_member"]
    assert update.organisation == world.partner
    assert update.narrative == "We met the statutory partners in June."

    page = member_client.get(action.get_absolute_url()).content.decode()
    assert "Your update on" in page  # the success banner
    assert "We met the statutory partners in June." in page  # on the timeline
    assert "Agree the review in September." in page
    assert "Responsible Charity" in page


def test_update_form_starts_from_the_current_status(member_client, world):
    StrategyAction.objects.filter(pk=world.action.pk).update(status=Status.AT_RISK)
    page = member_client.get(reverse("action_update", args=[world.action.pk])).content.decode()
    assert re.search(r'value="at_risk"\s+checked', page)
    assert f'name="version" value="{world.action.version}"' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"percent_complete": "150"}, "percent_complete", "Percent complete must be 100 or less"),
        ({"percent_complete": "-5"}, "percent_complete", "Percent complete must be 0 or more"),
        ({"percent_complete": "lots"}, "percent_complete", "must be a whole number"),
        ({"narrative": ""}, "narrative", "Enter what has happened"),
        ({"narrative": "x" * 5001}, "narrative", "5,000 characters or fewer"),
        (
            {"evidence_url": "javascript:alert(1)"},
            "evidence_url",
            "starts with http:// or https://",
        ),
        ({"evidence_url": "ftp://example.org/file"}, "evidence_url", "http:// or https://"),
        ({"status": "green-ish"}, "status", "Select a valid choice"),
        (
            {
                "revised_target_date_0": "30",
                "revised_target_date_1": "9",
                "revised_target_date_2": "2027",
            },
            "revision_reason",
            "Give a reason for the new target date",
        ),
        (
            {
                "revised_target_date_0": "31",
                "revised_target_date_1": "2",
                "revised_target_date_2": "2027",
                "revision_reason": "Delayed",
            },
            "revised_target_date",
            "The new target date must be a real date",
        ),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_saved(
    member_client, world, overrides, field, message
):
    response = member_client.post(
        reverse("action_update", args=[world.action.pk]), update_form(world.action, **overrides)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert f'href="#id_{field}' in page  # the summary links to the field
    assert not ProgressUpdate.objects.exists()
    # What they typed is kept.
    assert "Agree the review in September." in page


def test_revised_target_date_keeps_the_original(member_client, world):
    action = world.action
    action.original_target_date = datetime.date(2027, 3, 31)
    action.save()
    member_client.post(
        reverse("action_update", args=[action.pk]),
        update_form(
            action,
            revised_target_date_0="30",
            revised_target_date_1="9",
            revised_target_date_2="2027",
            revision_reason="The partners' meeting moved to the summer.",
        ),
    )
    action.refresh_from_db()
    assert action.original_target_date == datetime.date(2027, 3, 31)
    assert action.revised_target_date == datetime.date(2027, 9, 30)
    update = action.last_update
    assert update.previous_target_date == datetime.date(2027, 3, 31)
    assert update.revision_reason == "The partners' meeting moved to the summer."
    page = member_client.get(action.get_absolute_url()).content.decode()
    assert "30 September 2027 (revised; originally 31 March 2027)" in page


def test_a_stale_second_edit_is_refused_without_loss(client, world):
    action = world.action
    first, second = world.personas["forum_member"], world.personas["coordinator"]
    url = reverse("action_update", args=[action.pk])
    # Both open the form at version 1.
    stale_version = action.version

    client.force_login(first)
    client.post(url, update_form(action, narrative="First to save."))

    client.force_login(second)
    response = client.post(
        url,
        update_form(action, version=stale_version, narrative="Second, typed at the same time."),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else has just updated this action" in page
    assert "First to save." in page  # shown the newer update
    assert "Second, typed at the same time." in page  # keeps what they typed
    assert ProgressUpdate.objects.count() == 1
    action.refresh_from_db()
    assert action.last_update.narrative == "First to save."
    # The form now carries the new version, so resubmitting saves.
    assert f'name="version" value="{action.version}"' in page
    response = client.post(url, update_form(action, narrative="Second, typed at the same time."))
    assert response.status_code == 302
    assert ProgressUpdate.objects.count() == 2


def test_service_refuses_a_stale_version(world):
    action = world.action
    services.post_progress_update(
        strategy_action=action,
        author=world.personas["coordinator"],
        expected_version=1,
        status=Status.ON_TRACK,
        percent_complete=10,
        narrative="One",
    )
    with pytest.raises(services.StaleEdit) as excinfo:
        services.post_progress_update(
            strategy_action=StrategyAction.objects.get(pk=action.pk),
            author=world.personas["forum_member"],
            expected_version=1,
            status=Status.OFF_TRACK,
            percent_complete=5,
            narrative="Two",
        )
    assert excinfo.value.subject.last_update.narrative == "One"
    assert StrategyAction.objects.get(pk=action.pk).status == Status.ON_TRACK


def test_update_counts_for_the_open_round(world):
    round_ = MonitoringRoundFactory(opened_by=world.personas["coordinator"])
    update = post_update(world.action, world.personas["forum_member"], narrative="In the round")
    assert update.round == round_
    assert list(round_.updates.all()) == [update]


def test_every_change_is_recorded_with_who_and_when(member_client, client, world):
    action = world.action
    member_client.post(reverse("action_update", args=[action.pk]), update_form(action))
    history = list(action.history.order_by("history_date"))
    assert history[-1].history_user == world.personas["forum_member"]
    assert history[-1].status == Status.ON_TRACK
    update = ProgressUpdate.objects.get()
    assert update.history.get().history_user == world.personas["forum_member"]

    # A change made in the admin is recorded too, with its author.
    admin = world.personas["admin"]
    client.force_login(admin)
    action.refresh_from_db()
    response = client.post(
        reverse("admin:actions_strategyaction_change", args=[action.pk]),
        {
            "theme": action.theme_id,
            "position": action.position,
            "reference": action.reference,
            "text": action.text,
            "status": Status.AT_RISK,
            "percent_complete": 40,
            "original_target_date": "",
            "revised_target_date": "",
            "source": "",
            "paragraph": "",
            **{
                f"{prefix}-{key}": value
                for prefix in (
                    "sub_points",
                    "responsible_partners",
                    "actionpriority_set",
                    "existing_activities",
                    "council_actions",
                )
                for key, value in {
                    "TOTAL_FORMS": "0",
                    "INITIAL_FORMS": "0",
                    "MIN_NUM_FORMS": "0",
                    "MAX_NUM_FORMS": "1000",
                }.items()
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = action.history.latest("history_date")
    assert latest.history_user == admin
    assert latest.status == Status.AT_RISK

    page = member_client.get(action.get_absolute_url()).content.decode()
    assert "Status: On track → At risk" in page
    assert admin.full_name in page


def test_forum_member_cannot_edit_a_posted_update(member_client, world):
    # Updates are append-only for Forum members: there is no edit URL, and the
    # admin (where corrections can be made) is closed to them.
    update = post_update(world.action, world.personas["forum_member"], narrative="Posted")
    url = reverse("admin:actions_progressupdate_change", args=[update.pk])
    assert member_client.get(url).status_code == 403
    response = member_client.post(
        url,
        {
            "strategy_action": world.action.pk,
            "author": update.author_id,
            "status": Status.COMPLETED,
            "percent_complete": 100,
            "narrative": "Rewritten afterwards",
        },
    )
    assert response.status_code == 403
    update.refresh_from_db()
    assert (update.narrative, update.status) == ("Posted", Status.ON_TRACK)
