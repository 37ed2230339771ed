"""What changed: a generated report compares with the report before it, both voices are shown,
and no `since` a person can type gives a server error."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Decision
from actions.status import Status
from reports.models import CabinetReport
from tests.factories import CouncilActionFactory
from tests.helpers import between, pdf_text, post_update, record_input, signed_in

pytestmark = pytest.mark.django_db


def generate(client) -> str:
    """Generate the Cabinet report as the client's user; the page it lands on."""
    response = client.post(reverse("cabinet_report"), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_generated_report_shows_what_changed_since_the_report_before(client, world):
    coordinator = signed_in(client, world.personas["coordinator"])
    generate(coordinator)
    first = CabinetReport.objects.get()
    for narrative in ("One", "Two", "Three", "Four"):
        post_update(world.action, world.personas["forum_member"], narrative=narrative)
    before = coordinator.get(reverse("cabinet_report")).content.decode()
    assert "New progress updates (4)" in before

    page = generate(coordinator)

    second = CabinetReport.objects.exclude(pk=first.pk).get()
    assert second.compared_with == first
    assert "New progress updates (4)" in page
    assert "No strategy action has changed status." not in page  # not started → on track
    assert f"the report of {timezone.localdate(first.created_at):%-d %B %Y}" in page
    # The PDF of the generated report says the same.
    pdf = coordinator.get(reverse("cabinet_report_pdf"), {"report": second.pk})
    assert "New progress updates (4)" in pdf_text(pdf)
    # The next report, as the plan stands now, starts again from the one just generated.
    draft = coordinator.get(reverse("cabinet_report")).content.decode()
    assert "New progress updates (0)" in draft


def test_an_unknown_report_is_not_found(user_client):
    for value in ("999999", "99999999999999999999", "abc", "1.0"):
        response = user_client.get(reverse("cabinet_report"), {"report": value})
        assert response.status_code == 404, value


def test_council_side_changes_appear_on_the_changes_page(client, world):
    officer = world.personas["officer"]
    second = CouncilActionFactory(strategy_action=world.action, responsible_unit=world.unit)
    reader = signed_in(client, world.personas["cabinet"])
    generate(signed_in(client, world.personas["coordinator"]))
    signed_in(client, world.personas["cabinet"])

    record_input(world.council_action, officer, Status.ON_TRACK, 20, commentary="Begun")
    record_input(
        second,
        officer,
        Status.ON_TRACK,
        10,
        commentary="Started late",
        revised_target_date=timezone.localdate() + datetime.timedelta(days=200),
        revision_reason="Waiting for the new budget",
    )
    for council_action in (world.council_action, second):
        council_action.refresh_from_db()
        services.record_decision(
            council_action=council_action,
            decided_by=officer,
            expected_version=council_action.version,
            decision=Decision.ACCEPTED,
            reason="Agreed at the directorate meeting",
        )

    page = reader.get(reverse("dashboard_changes")).content.decode()

    council_table = between(page, "Proposed council actions (the council’s view)", "</table>")
    for council_action in (world.council_action, second):
        row = between(council_table, council_action.reference, "</tr>")
        assert "Not started" in row  # from …
        assert "On track" in row  # … to
    assert "New council input (2)" in page
    assert "Started late" in page
    assert "Waiting for the new budget" in page  # the moved target date, with its reason
    assert page.count("Accepted on") == 2
    assert "Agreed at the directorate meeting" in page


@pytest.mark.parametrize(
    "since", ["2026-02-30", "2026-13-01", "2025-02-29", "0000-01-01", "9999-12-31", "yesterday"]
)
def test_an_impossible_date_is_refused_by_the_field(user_client, since):
    response = user_client.get(reverse("dashboard_changes"), {"since": since})

    assert response.status_code == 200
    assert "Enter a real date in the format 2026-03-31, or choose a report" in (
        response.content.decode()
    )


def test_a_huge_report_number_is_not_found(user_client):
    response = user_client.get(reverse("dashboard_changes"), {"since": "9" * 30})
    assert response.status_code == 404


def test_an_older_report_still_shows_the_changes_it_showed(client, world):
    coordinator = signed_in(client, world.personas["coordinator"])
    member = world.personas["forum_member"]
    generate(coordinator)
    post_update(world.action, member, Status.AT_RISK, narrative="First of two")
    post_update(world.action, member, Status.AT_RISK, narrative="Second of two")
    generate(coordinator)
    second = CabinetReport.objects.order_by("-created_at", "-pk").first()
    # Later, the action moves on and another update is posted.
    post_update(world.action, member, Status.OFF_TRACK, narrative="After the report")

    page = coordinator.get(reverse("cabinet_report"), {"report": second.pk}).content.decode()

    assert "New progress updates (2)" in page
    assert "After the report" not in page.split('id="changes"')[1]
    # The status change it showed was not started → at risk, not the later off track.
    changes = page.split('id="changes"')[1]
    assert "At risk" in changes
    assert "Off track" not in changes


@pytest.mark.parametrize("value", ["²", "١٢", "1²"])
def test_digits_from_other_scripts_are_not_report_numbers(user_client, value):
    assert user_client.get(reverse("cabinet_report"), {"report": value}).status_code == 404
    response = user_client.get(reverse("dashboard_changes"), {"since": value})
    assert response.status_code == 200
    assert "Enter a real date" in response.content.decode()


def test_status_changes_are_counted_in_full_and_listed_in_plan_order_up_to_the_cap(
    monkeypatch, world
):
    from reports import figures
    from tests.factories import StrategyActionFactory

    monkeypatch.setattr(figures, "LIST_LIMIT", 1)  # so at most 5 status changes are listed
    member = world.personas["forum_member"]
    actions = [StrategyActionFactory(theme=world.action.theme) for _ in range(6)]
    since = timezone.now()
    for action in reversed(actions):  # changed in the opposite order to the plan's
        post_update(action, member, status=Status.COMPLETED, percent=100)
    record_input(
        world.council_action, world.personas["officer"], status=Status.COMPLETED, percent=100
    )

    changes = figures.changes_since(since=since)

    assert changes.status_changes.count == 6
    listed = [change.action for change in changes.status_changes.items]
    assert listed == sorted(actions, key=lambda a: a.plan_position)[:5]
    assert {(c.old, c.new) for c in changes.status_changes.items} == {
        (Status.NOT_STARTED, Status.COMPLETED)
    }
    assert changes.council_status_changes.count == 1
    assert changes.completed.count == 7  # six strategy actions and the council action
    assert len(changes.completed.items) == 1


def test_percent_moves_and_new_strategy_actions_are_listed(world):
    from reports import figures
    from tests.factories import StrategyActionFactory

    member = world.personas["forum_member"]
    post_update(world.action, member, status=Status.ON_TRACK, percent=20)
    since = timezone.now()
    post_update(world.action, member, status=Status.ON_TRACK, percent=45)  # same status
    added = StrategyActionFactory(theme=world.action.theme)

    changes = figures.changes_since(since=since)

    moves = {(c.action.pk, c.old, c.new) for c in changes.percent_changes.items}
    assert (world.action.pk, 20, 45) in moves
    assert [a.pk for a in changes.new_strategy_actions.items] == [added.pk]
    assert world.action.pk not in {c.action.pk for c in changes.status_changes.items}
