"""The council's input: proposed council actions, input, decisions, additions, two voices."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import CouncilAction, CouncilInput, Decision
from actions.status import Status
from actions.voices import View, council_view, views_differ
from tests.factories import (
    CouncilActionFactory,
    CouncilInputFactory,
    CouncilUnitFactory,
    StrategyActionFactory,
    UserFactory,
)
from tests.helpers import input_form, post_update, queries_for, record_input, signed_in

# These test posting itself, where submitting approves (review off): the review is tested in
# tests/test_review.py.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("review_off")]


@pytest.fixture
def officer_client(client, world):
    return signed_in(client, world.personas["officer"])


def test_officer_records_input_and_the_action_moves(officer_client, world):
    council_action = world.council_action
    response = officer_client.post(
        reverse("council_action_input", args=[council_action.pk]), input_form(council_action)
    )
    assert response.status_code == 302
    council_action.refresh_from_db()
    recorded = CouncilInput.objects.get()
    assert council_action.status == Status.AT_RISK
    assert council_action.percent_complete == 20
    assert council_action.last_input == recorded
    assert recorded.author == world.personas["officer"]
    assert recorded.organisation == world.unit
    assert recorded.resources == "Within existing resources"
    assert council_action.history.latest("history_date").history_user == recorded.author

    page = officer_client.get(council_action.get_absolute_url()).content.decode()
    assert "The procurement review has started." in page
    assert "Resources:</strong> Within existing resources" in page


def test_commentary_is_required_and_nothing_is_lost(officer_client, world):
    council_action = world.council_action
    response = officer_client.post(
        reverse("council_action_input", args=[council_action.pk]),
        input_form(council_action, commentary="", resources="£5,000 from the grants budget"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the commentary" in page
    assert 'href="#id_commentary"' in page
    assert "£5,000 from the grants budget" in page
    assert not CouncilInput.objects.exists()


def test_a_stale_council_input_is_refused_without_loss(client, world):
    council_action = world.council_action
    url = reverse("council_action_input", args=[council_action.pk])
    stale = council_action.version
    client.force_login(world.personas["officer"])
    client.post(url, input_form(council_action, commentary="First officer."))
    client.force_login(world.personas["officer_above"])
    response = client.post(url, input_form(council_action, version=stale, commentary="Second."))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else has just updated this action" in page
    assert "First officer." in page
    assert "Second." in page
    assert CouncilInput.objects.count() == 1


def test_report_actions_start_as_endorsed_by_cabinet(report, client):
    client.force_login(UserFactory(role="Cabinet member"))
    council_action = CouncilAction.objects.get(reference="T2.1b")
    assert council_action.decision == Decision.ENDORSED
    assert council_action.decided_by_body == "Cabinet"
    assert council_action.decided_on == datetime.date(2013, 3, 14)
    page = client.get(council_action.get_absolute_url()).content.decode()
    assert "Endorsed by Cabinet on 14 March 2013" in page
    assert "Section 1, recommendation (2) of the report" in page
    assert "Harrow Council undertakes a range of engagement work" in page  # activity built on
    assert "Community Health and Wellbeing" in page


def test_decision_needs_a_reason_and_records_who_and_when(officer_client, world):
    council_action = world.council_action
    url = reverse("council_action_decision", args=[council_action.pk])
    response = officer_client.post(
        url, {"version": council_action.version, "decision": "deferred", "reason": ""}
    )
    assert "Give the reason for the decision" in response.content.decode()
    council_action.refresh_from_db()
    assert council_action.decision == ""

    response = officer_client.post(
        url,
        {"version": council_action.version, "decision": "deferred", "reason": "Budget review"},
    )
    assert response.status_code == 302
    council_action.refresh_from_db()
    assert council_action.decision == Decision.DEFERRED
    assert council_action.decision_reason == "Budget review"
    assert council_action.decided_by == world.personas["officer"]
    assert council_action.decided_on == timezone.localdate()
    page = officer_client.get(council_action.get_absolute_url()).content.decode()
    assert f"Deferred by {world.personas['officer'].full_name}" in page


def test_officer_adds_a_proposed_council_action_marked_as_added(officer_client, world):
    response = officer_client.post(
        reverse("council_action_add", args=[world.action.pk]),
        {
            "text": "Run a joint workshop on data sharing.",
            "responsible_unit": world.unit.pk,
            "lead_officer": world.personas["officer"].pk,
            "original_target_date_0": "31",
            "original_target_date_1": "3",
            "original_target_date_2": "2027",
        },
    )
    assert response.status_code == 302
    added = CouncilAction.objects.get(text="Run a joint workshop on data sharing.")
    assert added.added_by == world.personas["officer"]
    assert added.added_at is not None
    assert added.source is None
    assert added.position == world.council_action.position + 1  # after the existing one
    assert added.reference == world.action.reference + services.reference_letter(added.position)
    assert added.lead_officer == world.personas["officer"]
    assert added.original_target_date == datetime.date(2027, 3, 31)
    page = officer_client.get(added.get_absolute_url()).content.decode()
    assert "Added after the report by" in page


def test_officer_may_only_make_their_own_units_responsible(client, world):
    client.force_login(world.personas["officer_other"])
    response = client.post(
        reverse("council_action_add", args=[world.action.pk]),
        {"text": "Not theirs", "responsible_unit": world.unit.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not CouncilAction.objects.filter(text="Not theirs").exists()


def test_references_continue_the_reports_lettering():
    assert [services.reference_letter(n) for n in (1, 2, 26, 27)] == ["a", "b", "z", "aa"]


# --- Two voices ----------------------------------------------------------------------


def test_council_view_is_the_worst_of_its_actions_credited_to_its_author(world):
    action = world.action
    officer = world.personas["officer"]
    other = CouncilActionFactory(strategy_action=action, responsible_unit=world.unit)
    record_input(other, officer, Status.OFF_TRACK, 5, "Stalled")
    CouncilActionFactory(strategy_action=action, status=Status.WITHDRAWN)  # ignored
    action.refresh_from_db()
    view = council_view(action)
    assert view.status == Status.OFF_TRACK
    assert view.author == officer
    assert view.reference == other.reference


@pytest.mark.parametrize(
    ("forum", "council", "differ"),
    [
        (Status.ON_TRACK, Status.OFF_TRACK, True),  # two steps
        (Status.COMPLETED, Status.AT_RISK, True),
        (Status.ON_TRACK, Status.AT_RISK, False),  # one step
        (Status.AT_RISK, Status.AT_RISK, False),
        (Status.NOT_STARTED, Status.OFF_TRACK, False),  # not on the RAG scale
        (Status.WITHDRAWN, Status.ON_TRACK, False),
    ],
)
def test_views_differ_by_more_than_one_rag_step(forum, council, differ):
    assert views_differ(View(forum), View(council)) is differ


def test_strategy_action_page_shows_both_voices_and_flags_a_difference(client, world):
    action = world.action
    post_update(action, world.personas["forum_member"], Status.ON_TRACK, 60, "Going well")
    record_input(
        world.council_action, world.personas["officer"], Status.OFF_TRACK, 10, "Funding uncertain"
    )
    client.force_login(world.personas["cabinet"])
    for url in (action.get_absolute_url(), reverse("plan")):
        page = client.get(url).content.decode()
        assert "The Forum’s view" in page
        assert "The council’s view" in page
        assert world.personas["forum_member"].full_name in page
        assert world.personas["officer"].full_name in page
        assert "Views differ" in page, url


# --- The list ---------------------------------------------------------------------------


def test_list_filters_by_unit_including_units_within_it(client, world):
    elsewhere = CouncilActionFactory(responsible_unit=world.other_unit, text="Elsewhere")
    client.force_login(world.personas["cabinet"])
    page = client.get(reverse("council_actions"), {"unit": world.directorate.pk}).content.decode()
    assert world.council_action.reference in page
    assert elsewhere.reference not in page


def test_list_filters_by_decision_status_and_overdue(client, world):
    late = CouncilActionFactory(
        original_target_date=datetime.date(2020, 1, 1),
        status=Status.AT_RISK,
        decision=Decision.ACCEPTED,
    )
    client.force_login(world.personas["cabinet"])
    url = reverse("council_actions")
    for params in ({"decision": "accepted"}, {"status": "at_risk"}, {"overdue": "on"}):
        page = client.get(url, params).content.decode()
        assert late.reference in page, params
        assert world.council_action.reference not in page, params


def test_list_query_count_does_not_grow(client, world):
    client.force_login(world.personas["cabinet"])

    def count():
        return len(queries_for(client, reverse("council_actions")))

    CouncilActionFactory.create_batch(3, responsible_unit=CouncilUnitFactory())
    small = count()
    for _ in range(20):
        CouncilInputFactory(
            council_action=CouncilActionFactory(strategy_action=StrategyActionFactory()),
            author=world.personas["admin"],
        )
    assert count() == small


def test_council_action_page_query_count_does_not_grow_with_inputs(client, world):
    client.force_login(world.personas["cabinet"])
    council_action = world.council_action

    def count():
        return len(queries_for(client, council_action.get_absolute_url()))

    record_input(council_action, world.personas["officer"], commentary="More")
    small = count()
    CouncilInputFactory.create_batch(
        15, council_action=council_action, author=world.personas["officer"]
    )
    assert council_action.inputs.count() == 16
    assert count() == small
