"""Corrections made outside the forms go through the services too, and refusals say why."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from actions import services
from actions.models import CouncilInput, StrategyAction
from actions.status import Status
from tests.factories import (
    ActionPartnerFactory,
    CouncilActionFactory,
    StrategyActionFactory,
    UserFactory,
)
from tests.helpers import post_update, record_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    return client


@pytest.fixture
def action_with_two_updates():
    action = StrategyActionFactory()
    author = UserFactory(role=Role.FORUM_COORDINATOR)
    first = post_update(action, author, Status.ON_TRACK, 40, "First")
    second = post_update(action, author, Status.OFF_TRACK, 45, "Second")
    return action, first, second


def test_deleting_the_latest_update_in_the_admin_restores_the_one_before(
    admin_client, action_with_two_updates
):
    action, first, second = action_with_two_updates
    version = StrategyAction.objects.get(pk=action.pk).version

    url = reverse("admin:actions_progressupdate_delete", args=[second.pk])
    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.last_update == first
    assert (action.status, action.percent_complete) == (Status.ON_TRACK, 40)
    assert action.version == version + 1  # an edit begun before the correction is stale
    page = admin_client.get(action.get_absolute_url()).content.decode()
    assert "No updates yet" not in page
    assert "First" in page


def test_correcting_the_latest_update_in_the_admin_moves_the_action(
    admin_client, action_with_two_updates
):
    action, _, second = action_with_two_updates
    url = reverse("admin:actions_progressupdate_change", args=[second.pk])
    data = {
        "strategy_action": action.pk,
        "author": second.author_id,
        "organisation": second.organisation_id or "",
        "round": "",
        "status": Status.COMPLETED,
        "percent_complete": 100,
        "narrative": "Finished after all",
        "next_steps": "",
        "evidence_url": "",
        "revised_target_date": "",
        "revision_reason": "",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == (Status.COMPLETED, 100)
    assert action.last_update_id == second.pk
    # The correction is in the action's history, credited to the administrator.
    latest = action.history.order_by("-history_date").first()
    assert latest.history_user.groups.get().name == Role.ADMINISTRATOR


def test_deleting_council_input_in_the_admin_recomputes_the_council_action(admin_client):
    council_action = CouncilActionFactory()
    officer = UserFactory(role=Role.COUNCIL_OFFICER, organisation=council_action.responsible_unit)
    only = record_input(council_action, officer, Status.AT_RISK, 10, "Slow start")

    url = reverse("admin:actions_councilinput_delete", args=[only.pk])
    admin_client.post(url, {"post": "yes"})

    council_action.refresh_from_db()
    assert not CouncilInput.objects.exists()
    assert council_action.last_input is None
    # Nothing says what it was before the input, so the status stays as it was.
    assert council_action.status == Status.AT_RISK


def test_a_refusal_says_why(client):
    action = StrategyActionFactory()
    ActionPartnerFactory(strategy_action=action)
    outsider = UserFactory(role=Role.FORUM_MEMBER)
    client.force_login(outsider)

    response = client.get(reverse("action_update", args=[action.pk]))

    assert response.status_code == 403
    assert "Only the organisations responsible for this action can update it." in (
        response.content.decode()
    )


def test_an_administrator_setting_status_by_hand_is_held_to_the_rule(admin_client):
    action = StrategyActionFactory()
    url = reverse("admin:actions_strategyaction_change", args=[action.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(status=Status.COMPLETED, percent_complete="20")
    for prefix in (
        "sub_points",
        "responsible_partners",
        "actionpriority_set",
        "existing_activities",
        "council_actions",
    ):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "An action that is completed is 100% complete" in response.content.decode()
    action.refresh_from_db()
    assert action.status != Status.COMPLETED


def test_an_action_saved_before_the_rule_still_takes_a_decision(world):
    from actions.models import CouncilAction, Decision

    CouncilAction.objects.filter(pk=world.council_action.pk).update(
        status=Status.NOT_STARTED, percent_complete=30
    )
    council_action = CouncilAction.objects.get(pk=world.council_action.pk)

    services.record_decision(
        council_action=council_action,
        decided_by=world.personas["officer"],
        expected_version=council_action.version,
        decision=Decision.ACCEPTED,
        reason="Agreed",
    )

    council_action.refresh_from_db()
    assert council_action.decision == Decision.ACCEPTED
