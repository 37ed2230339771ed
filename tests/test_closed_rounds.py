"""Closing a round locks it: its approved updates are kept as they were, by everyone, the admin
included; a change after closing is a correction, reviewed like any update and listed in the
next report. And one whole reporting cycle, from opening a round to the second report."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actions.models import ProgressUpdate, ReviewState, StrategyAction
from actions.signals import ClosedRound
from actions.status import Status
from monitoring import services as round_services
from reports import figures
from reports.models import CabinetReport
from tests.factories import ProgressUpdateFactory
from tests.helpers import open_a_round, signed_in, update_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(world):
    """An update approved in a round that has then closed."""
    coordinator = world.personas["coordinator"]
    round_ = open_a_round(coordinator)
    update = ProgressUpdateFactory(
        strategy_action=world.action,
        author=world.personas["forum_member"],
        status=Status.ON_TRACK,
        percent_complete=30,
        narrative="Thirty per cent.",
    )
    round_services.close_round(round_=round_, closed_by=coordinator)
    update.refresh_from_db()
    world.action.refresh_from_db()
    return update


def test_a_round_is_not_closed_while_updates_wait_for_review(client, world):
    coordinator = world.personas["coordinator"]
    round_ = open_a_round(coordinator)
    ProgressUpdateFactory(
        strategy_action=world.action, author=world.personas["forum_member"], approved=False
    )

    with pytest.raises(ValidationError, match="1 update submitted in this round is still waiting"):
        round_services.close_round(round_=round_, closed_by=coordinator)

    page = signed_in(client, coordinator).get(reverse("round_close", args=[round_.pk])).text
    assert 'id="waiting-for-review"' in page
    assert "Close this round</button>" not in page
    response = client.post(reverse("round_close", args=[round_.pk]), follow=True)
    assert "still waiting for review" in response.text
    round_.refresh_from_db()
    assert round_.is_open


def test_an_approved_update_of_a_closed_round_is_kept_as_it_was(closed):
    assert closed.is_locked
    closed.narrative = "Rewritten after the report."
    with pytest.raises(ClosedRound), transaction.atomic():
        closed.save()
    with pytest.raises(ClosedRound), transaction.atomic():
        closed.delete()
    with pytest.raises(ClosedRound), transaction.atomic():
        ProgressUpdate.all_records.filter(pk=closed.pk).delete()
    with pytest.raises(ClosedRound), transaction.atomic():  # its action's delete would too
        StrategyAction.objects.filter(pk=closed.strategy_action_id).delete()
    assert ProgressUpdate.objects.get(pk=closed.pk).narrative == "Thirty per cent."


def test_the_admin_cannot_change_or_delete_it_either(client, world, closed):
    admin = signed_in(client, world.personas["admin"])
    change = reverse("admin:actions_progressupdate_change", args=[closed.pk])

    assert admin.post(change, {"narrative": "Changed in the admin"}).status_code == 403
    delete = reverse("admin:actions_progressupdate_delete", args=[closed.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    action_delete = reverse("admin:actions_strategyaction_delete", args=[closed.strategy_action_id])
    assert admin.post(action_delete, {"post": "yes"}).status_code == 403
    assert ProgressUpdate.objects.get(pk=closed.pk).narrative == "Thirty per cent."


def test_a_correction_is_a_new_update_with_its_reason_reviewed_and_reported(client, world, closed):
    member = signed_in(client, world.personas["forum_member"])
    page = member.get(world.action.get_absolute_url()).text
    url = reverse("action_update", args=[world.action.pk]) + f"?corrects={closed.pk}"
    assert f'href="{url}"' in page

    form = member.get(url).text
    assert 'id="correcting"' in form
    refused = member.post(url, update_form(world.action, percent_complete="20"))
    assert "Say why the update needs correcting" in refused.text
    assert ProgressUpdate.all_records.count() == 1

    saved = member.post(
        url,
        {
            **update_form(world.action, percent_complete="20", narrative="Twenty, not thirty."),
            "correction_reason": "The venue count was double-counted.",
            "confirm": "on",  # yes, percent complete goes down
        },
    )
    assert saved.status_code == 302, saved.text[saved.text.find("govuk-error-summary") :][:600]
    correction = ProgressUpdate.all_records.exclude(pk=closed.pk).get()
    assert (correction.corrects, correction.review_state) == (closed, ReviewState.SUBMITTED)
    since = timezone.now()
    round_services.approve(record=correction, reviewer=world.personas["coordinator"])

    world.action.refresh_from_db()
    assert world.action.percent_complete == 20
    timeline = signed_in(client, world.personas["cabinet"]).get(world.action.get_absolute_url())
    assert "The venue count was double-counted." in timeline.text
    changes = figures.changes_since(since=since - datetime.timedelta(seconds=1))
    assert [record.pk for record in changes.corrections.items] == [correction.pk]


@pytest.mark.parametrize("value", ["abc", "999999", "1" * 40])
def test_correcting_anything_but_a_closed_rounds_update_is_not_found(client, world, value):
    member = signed_in(client, world.personas["forum_member"])
    url = reverse("action_update", args=[world.action.pk])
    open_update = ProgressUpdateFactory(
        strategy_action=world.action, author=world.personas["forum_member"]
    )

    assert member.get(f"{url}?corrects={value}").status_code == 404
    assert member.get(f"{url}?corrects={open_update.pk}").status_code == 404  # round still open


def test_a_whole_reporting_cycle(client, world, django_capture_on_commit_callbacks):
    """Open a round; a draft, submitted, returned with a comment, resubmitted, approved; close;
    generate the report. Then the next round with one slipped date and one correction: the
    second report's changes list exactly those."""
    coordinator = world.personas["coordinator"]
    member = world.personas["forum_member"]
    first_round = open_a_round(coordinator, name="Quarter 1")
    as_member = signed_in(client, member)
    url = reverse("action_update", args=[world.action.pk])
    as_member.post(url, {**update_form(world.action, narrative="Draft words"), "save_draft": "1"})
    as_member.post(url, update_form(world.action, narrative="Met partners."))
    update = ProgressUpdate.all_records.get()
    assert (update.review_state, update.round) == (ReviewState.SUBMITTED, first_round)

    as_coordinator = signed_in(client, coordinator)
    review = reverse("review", args=["update", update.pk])
    as_coordinator.post(review, {"decision": "return", "comment": "Which partners?"})
    as_member = signed_in(client, member)
    as_member.post(url, update_form(world.action, narrative="Met the three lead partners."))
    as_coordinator = signed_in(client, coordinator)
    as_coordinator.post(review, {"decision": "approve"})
    as_coordinator.post(reverse("round_close", args=[first_round.pk]))
    as_coordinator.post(reverse("cabinet_report"))
    first_report = CabinetReport.objects.get()
    first_round.refresh_from_db()
    assert not first_round.is_open

    second_round = open_a_round(coordinator, name="Quarter 2")
    slipped = ProgressUpdateFactory(
        strategy_action=world.action,
        author=member,
        revised_target_date=timezone.localdate() + datetime.timedelta(days=200),
        revision_reason="The venue is booked until spring.",
        narrative="Slipping.",
    )
    corrected = ProgressUpdate.objects.get(narrative="Met the three lead partners.")
    correction = ProgressUpdateFactory(
        strategy_action=world.action,
        author=member,
        corrects=corrected,
        correction_reason="It was two partners, not three.",
        narrative="Met the two lead partners.",
    )
    round_services.close_round(round_=second_round, closed_by=coordinator)
    signed_in(client, coordinator).post(reverse("cabinet_report"))

    second = CabinetReport.objects.exclude(pk=first_report.pk).get()
    assert second.compared_with == first_report
    changes = figures.changes_since(
        since=first_report.created_at, snapshot=first_report, until=second.created_at
    )
    assert [u.pk for u in changes.target_moves.items] == [slipped.pk]
    assert [c.pk for c in changes.corrections.items] == [correction.pk]
    assert {u.pk for u in changes.new_updates.items} == {slipped.pk, correction.pk}


def test_an_update_an_administrator_adds_in_the_admin_is_approved_by_them(client, world):
    admin = world.personas["admin"]
    response = signed_in(client, admin).post(
        reverse("admin:actions_progressupdate_add"),
        {
            "strategy_action": world.action.pk,
            "author": world.personas["forum_member"].pk,
            "organisation": world.partner.pk,
            "status": Status.AT_RISK,
            "percent_complete": "45",
            "narrative": "Added in the admin.",
            "next_steps": "",
            "evidence_url": "",
            "revision_reason": "",
        },
    )

    assert response.status_code == 302, response.text[:2000]
    record = ProgressUpdate.objects.get(narrative="Added in the admin.")
    assert (record.review_state, record.reviewed_by) == (ReviewState.APPROVED, admin)
    world.action.refresh_from_db()
    assert (world.action.status, world.action.last_update) == (Status.AT_RISK, record)
