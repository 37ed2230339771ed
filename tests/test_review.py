"""Updates are reviewed before they count: drafts seen only by their organisation, submitted
updates approved or returned with a comment by a reviewer who did not write them, several
approved at once, and nothing but approved progress in what Cabinet reads."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from actions.models import CouncilInput, ProgressUpdate, ReviewState
from actions.status import Status
from monitoring import services as review_services
from tests.factories import (
    ActionPartnerFactory,
    CouncilActionFactory,
    CouncilInputFactory,
    CouncilUnitFactory,
    ProgressUpdateFactory,
    StrategyActionFactory,
    UserFactory,
)
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

NARRATIVE = "Twelve volunteers trained in safeguarding"


def form_data(action, **changes) -> dict:
    data = {
        "version": action.version,
        "status": Status.AT_RISK,
        "percent_complete": "40",
        "narrative": NARRATIVE,
    }
    return {**data, **changes}


def post(client, action, **changes):
    return client.post(reverse("action_update", args=[action.pk]), form_data(action, **changes))


def review_url(record) -> str:
    kind = "update" if isinstance(record, ProgressUpdate) else "input"
    return reverse("review", args=[kind, record.pk])


def submitted(world, **extra) -> ProgressUpdate:
    return ProgressUpdateFactory(
        strategy_action=world.action,
        author=world.personas["forum_member"],
        status=Status.AT_RISK,
        percent_complete=40,
        narrative=NARRATIVE,
        approved=False,
        **extra,
    )


def council_reviewer(unit):
    reviewer = UserFactory(role=Role.COUNCIL_OFFICER, organisation=unit)
    reviewer.user_permissions.add(Permission.objects.get(codename="review_councilinput"))
    return reviewer


# --- Drafts and submissions ----------------------------------------------------------------------


def test_a_draft_is_seen_only_by_its_organisation_and_counts_nowhere(client, world):
    member = signed_in(client, world.personas["forum_member"])
    response = member.post(
        reverse("action_update", args=[world.action.pk]),
        {**form_data(world.action), "save_draft": "Save as draft"},
        follow=True,
    )
    assert "Your draft update on" in response.text
    draft = ProgressUpdate.all_records.get()
    assert draft.review_state == ReviewState.DRAFT
    world.action.refresh_from_db()
    assert world.action.status == Status.NOT_STARTED  # unchanged
    assert world.action.last_update is None

    page = reverse("action", args=[world.action.pk])
    assert "Draft" in signed_in(client, world.personas["forum_member"]).get(page).text
    for persona in ["forum_other", "coordinator_elsewhere", "cabinet", "officer"]:
        viewer = world.personas.get(persona) or UserFactory(role=Role.FORUM_COORDINATOR)
        text = signed_in(client, viewer).get(page).text
        assert 'id="pending"' not in text, persona
        assert NARRATIVE not in text, persona


def test_carrying_on_with_a_draft_changes_it_and_submitting_sends_it_for_review(client, world):
    member = signed_in(client, world.personas["forum_member"])
    member.post(
        reverse("action_update", args=[world.action.pk]),
        {**form_data(world.action, narrative="First words"), "save_draft": "1"},
    )
    form = member.get(reverse("action_update", args=[world.action.pk]))
    assert "First words" in form.text  # the draft is carried on with
    assert "carrying on with your organisation’s draft" in form.text

    response = post(member, world.action, narrative="Better words")

    record = ProgressUpdate.all_records.get()  # the same record, not a second one
    assert record.review_state == ReviewState.SUBMITTED
    assert record.narrative == "Better words"
    assert record.submitted_at is not None
    assert "submitted for review" in member.get(response.url).text
    world.action.refresh_from_db()
    assert world.action.status == Status.NOT_STARTED


def test_where_the_strategy_does_not_review_submitting_approves(client, world):
    strategy = world.action.theme.strategy
    strategy.reviews_updates = False
    strategy.save()
    member = signed_in(client, world.personas["forum_member"])

    form = member.get(reverse("action_update", args=[world.action.pk]))
    assert "Submit for review" not in form.text
    post(member, world.action)

    record = ProgressUpdate.objects.get()
    assert record.review_state == ReviewState.APPROVED
    world.action.refresh_from_db()
    assert (world.action.status, world.action.last_update) == (Status.AT_RISK, record)


# --- Only approved updates count -----------------------------------------------------------------


def test_until_approved_cabinet_sees_the_previous_state_and_reviewers_see_it_waiting(client, world):
    ProgressUpdateFactory(
        strategy_action=world.action, author=world.personas["forum_member"], narrative="Earlier"
    )
    update = submitted(world)

    cabinet = signed_in(client, world.personas["cabinet"])
    page = cabinet.get(reverse("action", args=[world.action.pk])).text
    assert "Earlier" in page
    assert NARRATIVE not in page
    assert "awaiting review" not in page
    assert NARRATIVE not in cabinet.get(reverse("dashboard")).text
    csv_body = b"".join(cabinet.get(reverse("export_csv")).streaming_content).decode()
    assert NARRATIVE not in csv_body

    coordinator = signed_in(client, world.personas["coordinator"])
    page = coordinator.get(reverse("action", args=[world.action.pk])).text
    assert "Update awaiting review" in page
    assert f'id="pending-{update.pk}"' in page


def test_approving_makes_it_count_and_emails_the_author(
    client, world, django_capture_on_commit_callbacks
):
    update = submitted(world)
    coordinator = signed_in(client, world.personas["coordinator"])

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(review_url(update), {"decision": "approve"})

    assert response.status_code == 302
    update.refresh_from_db()
    assert update.review_state == ReviewState.APPROVED
    assert update.reviewed_by == world.personas["coordinator"]
    world.action.refresh_from_db()
    assert (world.action.status, world.action.percent_complete) == (Status.AT_RISK, 40)
    assert world.action.last_update == update
    (email,) = mail.outbox
    assert email.to == [world.personas["forum_member"].email]
    assert "approved" in email.subject
    assert (
        NARRATIVE
        in signed_in(client, world.personas["cabinet"])
        .get(reverse("action", args=[world.action.pk]))
        .text
    )


def test_returning_needs_a_comment_which_the_author_reads_by_email_and_on_landing(
    client, world, django_capture_on_commit_callbacks
):
    update = submitted(world)
    coordinator = signed_in(client, world.personas["coordinator"])

    refused = coordinator.post(review_url(update), {"decision": "return", "comment": "  "})
    assert "Say what to change, so the author can put it right" in refused.text
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(
            review_url(update), {"decision": "return", "comment": "Say how many were trained."}
        )

    update.refresh_from_db()
    assert update.review_state == ReviewState.RETURNED
    (email,) = mail.outbox
    assert "Say how many were trained." in email.body
    assert reverse("action_update", args=[world.action.pk]) in email.body
    landing = signed_in(client, world.personas["forum_member"]).get(reverse("home")).text
    assert "Returned to you for changes" in landing
    assert "Say how many were trained." in landing
    member = signed_in(client, world.personas["forum_member"])
    assert (
        "Returned for changes" in member.get(reverse("action_update", args=[world.action.pk])).text
    )

    post(member, world.action, narrative="Twelve trained, of fifteen.")
    update.refresh_from_db()
    assert (update.review_state, update.narrative) == (
        ReviewState.SUBMITTED,
        "Twelve trained, of fifteen.",
    )


def test_nobody_reviews_their_own_update(client, world):
    coordinator = world.personas["coordinator"]  # may post on any action
    own = ProgressUpdateFactory(strategy_action=world.action, author=coordinator, approved=False)

    response = signed_in(client, coordinator).post(review_url(own), {"decision": "approve"})

    assert response.status_code == 403
    assert "cannot review your own" in response.text
    own.refresh_from_db()
    assert own.review_state == ReviewState.SUBMITTED
    queue = client.get(reverse("review_queue")).text
    assert f'value="update-{own.pk}"' not in queue
    with pytest.raises(Exception, match="cannot approve your own"):
        review_services.approve(record=own, reviewer=coordinator)


def test_a_forum_member_cannot_review_and_has_no_queue(client, world):
    update = submitted(world)
    member = signed_in(client, world.personas["forum_other"])

    assert member.get(reverse("review_queue")).status_code == 403
    assert member.get(review_url(update)).status_code == 404  # not theirs to see
    assert member.post(review_url(update), {"decision": "approve"}).status_code == 404
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED


# --- The review queue ----------------------------------------------------------------------------


def test_a_reviewer_approves_several_at_once_and_is_told_of_one_taken_meanwhile(client, world):
    others = [StrategyActionFactory(theme=world.action.theme) for _ in range(2)]
    for action in others:
        ActionPartnerFactory(strategy_action=action, partner=world.partner)
    updates = [submitted(world)] + [
        ProgressUpdateFactory(
            strategy_action=action, author=world.personas["forum_member"], approved=False
        )
        for action in others
    ]
    coordinator = signed_in(client, world.personas["coordinator"])
    queue = coordinator.get(reverse("review_queue")).text
    assert all(f'value="update-{u.pk}"' in queue for u in updates)
    # Another reviewer approves the last one while this one is deciding.
    review_services.approve(record=updates[2], reviewer=UserFactory(role=Role.ADMINISTRATOR))

    response = coordinator.post(
        reverse("review_approve_selected"),
        {"records": [f"update-{u.pk}" for u in updates]},
        follow=True,
    )

    assert "Approved 2 updates." in response.text
    assert "is already approved by" in response.text
    states = set(ProgressUpdate.all_records.values_list("review_state", flat=True))
    assert states == {ReviewState.APPROVED}


def test_approving_none_is_refused_next_to_the_boxes(client, world):
    submitted(world)
    coordinator = signed_in(client, world.personas["coordinator"])

    response = coordinator.post(reverse("review_approve_selected"), {})

    assert response.status_code == 400
    assert "Select at least one update to approve" in response.text
    assert 'href="#id_records"' in response.text
    assert 'id="id_records"' in response.text


@pytest.mark.parametrize(
    "value", ["update-999999999", "input-abc", "nonsense", "update-" + "9" * 40, "update-1.5"]
)
def test_a_made_up_selection_is_refused_not_an_error(client, world, value):
    submitted(world)
    coordinator = signed_in(client, world.personas["coordinator"])

    response = coordinator.post(reverse("review_approve_selected"), {"records": [value]})

    assert response.status_code == 400
    assert "Select updates from the list" in response.text


def test_two_reviewers_at_once_one_wins_and_the_other_is_told(client, world):
    update = submitted(world)
    first = UserFactory(role=Role.FORUM_COORDINATOR)
    second = signed_in(client, world.personas["coordinator"])
    second.get(review_url(update))  # opened before the first reviewer decided

    review_services.approve(record=update, reviewer=first)
    response = second.post(review_url(update), {"decision": "return", "comment": "More."})

    assert response.status_code == 409
    assert f"is already approved by {first}" in response.text
    update.refresh_from_db()
    assert (update.review_state, update.reviewed_by, update.review_comment) == (
        ReviewState.APPROVED,
        first,
        "",
    )


# --- Council input -------------------------------------------------------------------------------


def test_a_council_reviewer_reviews_input_for_their_units_only(client, world):
    council_input = CouncilInputFactory(
        council_action=world.council_action, author=world.personas["officer"], approved=False
    )
    elsewhere = CouncilActionFactory(responsible_unit=CouncilUnitFactory(name="Elsewhere"))
    other_input = CouncilInputFactory(
        council_action=elsewhere, author=UserFactory(role=Role.COUNCIL_OFFICER), approved=False
    )
    above = council_reviewer(world.directorate)  # reviews the unit within theirs
    reviewer = signed_in(client, above)

    queue = reviewer.get(reverse("review_queue")).text
    assert f'value="input-{council_input.pk}"' in queue
    assert f'value="input-{other_input.pk}"' not in queue
    assert reviewer.post(review_url(other_input), {"decision": "approve"}).status_code == 404

    reviewer.post(review_url(council_input), {"decision": "approve"})
    council_input.refresh_from_db()
    assert council_input.review_state == ReviewState.APPROVED
    world.council_action.refresh_from_db()
    assert world.council_action.last_input == council_input


def test_an_officer_without_the_right_to_review_has_no_queue(client, world):
    council_input = CouncilInputFactory(
        council_action=world.council_action, author=world.personas["officer"], approved=False
    )
    officer_above = signed_in(client, world.personas["officer_above"])

    assert officer_above.get(reverse("review_queue")).status_code == 403
    assert officer_above.post(review_url(council_input), {"decision": "approve"}).status_code in (
        403,
        404,
    )
    assert CouncilInput.objects.count() == 0  # nothing approved


def test_an_update_approved_while_another_is_typed_makes_the_second_stale(client, world):
    member = signed_in(client, world.personas["forum_member"])
    opened_at = world.action.version  # the member opens the form
    other = ProgressUpdateFactory(  # someone else's update is approved meanwhile
        strategy_action=world.action,
        author=world.personas["coordinator"],
        narrative="Approved first",
    )
    assert other.review_state == ReviewState.APPROVED

    response = post(member, world.action, version=opened_at, narrative="Typed meanwhile")

    assert response.status_code == 409
    assert "Someone else has just updated this action" in response.text
    assert "Approved first" in response.text
    assert "Typed meanwhile" in response.text
    assert not ProgressUpdate.all_records.filter(narrative="Typed meanwhile").exists()


def test_an_officer_finds_returned_input_where_they_land(client, world):
    council_input = CouncilInputFactory(
        council_action=world.council_action, author=world.personas["officer"], approved=False
    )
    review_services.return_for_changes(
        record=council_input, reviewer=world.personas["admin"], comment="Give the budget line."
    )

    landing = signed_in(client, world.personas["officer"]).get(reverse("home"), follow=True)
    assert "Returned to you for changes" in landing.text
    assert "Give the budget line." in landing.text
    other = signed_in(client, world.personas["officer_other"]).get(reverse("council_actions"))
    assert "Give the budget line." not in other.text


def test_a_reviewer_sees_what_waits_beside_the_approved_dashboard(client, world):
    submitted(world)

    coordinator_page = signed_in(client, world.personas["coordinator"]).get(reverse("dashboard"))
    assert "1 update is waiting for your review" in coordinator_page.text
    cabinet_page = signed_in(client, world.personas["cabinet"]).get(reverse("dashboard"))
    assert 'id="waiting-for-you"' not in cabinet_page.text
    assert NARRATIVE not in cabinet_page.text
