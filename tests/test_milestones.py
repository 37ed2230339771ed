"""Milestones (issue 13): the percent they give an action, marking them done on their own and
through an approved update, who may do what, the pages, and overdue milestones among the
exceptions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from actions import services
from actions.forms import MilestoneDoneForm, MilestoneForm
from actions.models import Milestone, ProgressUpdate
from actions.status import Status
from monitoring import services as review_services
from reports import figures
from tests.factories import (
    ActionPartnerFactory,
    CouncilActionFactory,
    MilestoneFactory,
    PartnerFactory,
    StrategyActionFactory,
    UserFactory,
)
from tests.helpers import (
    date_fields,
    input_form,
    pdf_text,
    post_update,
    queries_for,
    signed_in,
    update_form,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=10)
LATER = TODAY + datetime.timedelta(days=60)


def milestones(world, n, action=None, **extra):
    action = action or world.action
    kwargs = {"council_action": action} if hasattr(action, "responsible_unit_id") else {}
    if not kwargs:
        kwargs["strategy_action"] = action
    owner = world.unit if "council_action" in kwargs else world.partner
    return [
        MilestoneFactory(**kwargs, owner=owner, added_by=world.personas["admin"], **extra)
        for _ in range(n)
    ]


def from_milestones(action, user):
    action.refresh_from_db()
    return services.set_percent_source(
        action=action, changed_by=user, expected_version=action.version, from_milestones=True
    )


# --- The percent from milestones -------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "total", "percent"),
    [(0, 4, 0), (1, 3, 33), (2, 3, 67), (1, 8, 13), (3, 8, 38), (4, 4, 100), (0, 0, None)],
)
def test_percent_is_done_over_all_rounded_half_up(done, total, percent):
    assert services.milestone_percent(done, total) == percent


def test_percent_follows_every_change_and_moves_the_version(world):
    admin = world.personas["admin"]
    post_update(world.action, admin, Status.ON_TRACK, 40)
    first, second, third = milestones(world, 3)
    action = from_milestones(world.action, admin)
    assert (action.percent_complete, action.percent_from_milestones) == (0, True)

    def now():
        world.action.refresh_from_db()
        return world.action.percent_complete, world.action.version

    _, version = now()
    services.mark_milestone_done(milestone=first, done_by=admin, done_on=PAST)
    assert now() == (33, version + 1)
    services.mark_milestone_done(milestone=second, done_by=admin)
    assert now() == (67, version + 2)
    services.mark_milestone_not_done(milestone=first, changed_by=admin)
    assert now() == (33, version + 3)
    services.remove_milestone(milestone=third, removed_by=admin)
    assert now() == (50, version + 4)
    milestones(world, 2)
    assert now() == (25, version + 6)
    # Every change to the action is in its history, with who made it.
    assert world.action.history.filter(history_user=admin).count() >= 6


def test_a_typed_percent_is_left_alone_by_milestones(world):
    admin = world.personas["admin"]
    post_update(world.action, admin, Status.ON_TRACK, 40)
    world.action.refresh_from_db()
    version = world.action.version
    (milestone,) = milestones(world, 1)
    services.mark_milestone_done(milestone=milestone, done_by=admin)
    world.action.refresh_from_db()
    assert (world.action.percent_complete, world.action.version) == (40, version)


def test_switching_the_source_with_an_old_version_is_stale(world):
    admin = world.personas["admin"]
    old = world.action.version
    milestones(world, 1)
    post_update(world.action, admin, Status.ON_TRACK, 40)
    with pytest.raises(services.StaleEdit):
        services.set_percent_source(
            action=world.action, changed_by=admin, expected_version=old, from_milestones=True
        )
    world.action.refresh_from_db()
    assert not world.action.percent_from_milestones


def test_status_and_milestones_must_agree(world):
    admin = world.personas["admin"]
    (first,) = milestones(world, 1)
    from_milestones(world.action, admin)  # not started, nothing done: 0%, they agree
    with pytest.raises(ValidationError, match="has not started"):
        services.mark_milestone_done(milestone=first, done_by=admin)
    first.refresh_from_db()
    assert not first.is_done  # nothing kept
    # Completed through an update that marks the last one done: 100%.
    post_update(world.action, admin, Status.COMPLETED, 0, milestones_done=[first])
    world.action.refresh_from_db()
    assert (world.action.status, world.action.percent_complete) == (Status.COMPLETED, 100)
    with pytest.raises(ValidationError, match="completed"):
        milestones(world, 1)
    with pytest.raises(ValidationError, match="completed"):
        services.mark_milestone_not_done(milestone=first, changed_by=admin)
    assert world.action.milestones.count() == 1


def test_switching_on_is_refused_when_the_status_disagrees(world):
    admin = world.personas["admin"]
    milestones(world, 2)
    post_update(world.action, admin, Status.COMPLETED, 100)
    with pytest.raises(ValidationError, match="every milestone done"):
        from_milestones(world.action, admin)


# --- Marking done through an update ----------------------------------------------------------


def test_an_update_marks_its_milestones_done_only_once_approved(world):
    member, coordinator = world.personas["forum_member"], world.personas["coordinator"]
    first, second = milestones(world, 2)
    from_milestones(world.action, coordinator)
    update = post_update(
        world.action, member, Status.ON_TRACK, 0, milestones_done=[first], approved=False
    )
    assert update.review_state == "submitted"
    assert update.percent_complete == 50  # computed, as it would leave the action
    first.refresh_from_db()
    world.action.refresh_from_db()
    assert not first.is_done
    assert world.action.percent_complete == 0
    assert list(update.milestones_done.all()) == [first]  # kept for the reviewer

    review_services.approve(record=update, reviewer=coordinator)
    first.refresh_from_db()
    second.refresh_from_db()
    world.action.refresh_from_db()
    assert first.done_on == timezone.localdate(update.created_at)
    assert first.done_by == member  # credited to the update's author
    assert not second.is_done
    assert world.action.percent_complete == 50


def test_a_returned_or_draft_update_marks_nothing(world):
    member, coordinator = world.personas["forum_member"], world.personas["coordinator"]
    (first,) = milestones(world, 1)
    update = post_update(
        world.action, member, milestones_done=[first], approved=False, submit=False
    )
    assert update.review_state == "draft"
    first.refresh_from_db()
    assert not first.is_done
    submitted = services.revise_record(
        record=update,
        author=member,
        expected_version=world.action.version,
        submit=True,
        milestones_done=[first],
    )
    review_services.return_for_changes(record=submitted, reviewer=coordinator, comment="No")
    first.refresh_from_db()
    assert not first.is_done


def test_without_review_submitting_marks_them_done_at_once(world, review_off):
    member = world.personas["forum_member"]
    first, second = milestones(world, 2)
    from_milestones(world.action, member)
    post_update(world.action, member, Status.ON_TRACK, 0, milestones_done=[first, second])
    world.action.refresh_from_db()
    assert world.action.percent_complete == 100
    assert Milestone.objects.filter(done_by=member).count() == 2


def test_another_actions_milestone_is_not_marked(world, review_off):
    member = world.personas["forum_member"]
    (elsewhere,) = milestones(world, 1, action=StrategyActionFactory())
    update = post_update(world.action, member, milestones_done=[elsewhere])
    elsewhere.refresh_from_db()
    assert not elsewhere.is_done
    assert not update.milestones_done.exists()


def test_the_update_form_lists_open_milestones_and_takes_the_percent_from_them(
    client, world, review_off
):
    member = world.personas["forum_member"]
    first, second, _ = milestones(world, 3)
    services.mark_milestone_done(milestone=second, done_by=member)
    post_update(world.action, member, Status.ON_TRACK, 10)  # started: one may be done
    from_milestones(world.action, member)
    signed_in(client, member)
    url = reverse("action_update", args=[world.action.pk])
    page = client.get(url).content.decode()
    assert "Milestones done" in page
    assert first.title in page
    assert second.title not in page
    assert "1 of 3 milestones done" in page
    assert 'name="percent_complete"' not in page  # not typed

    world.action.refresh_from_db()
    data = update_form(world.action, percent_complete="5", milestones_done=[first.pk])
    assert client.post(url, data).status_code == 302
    world.action.refresh_from_db()
    assert world.action.percent_complete == 67
    assert (
        ProgressUpdate.objects.first().percent_complete == 67
    )  # newest first  # the record keeps it


def test_the_form_says_completed_needs_every_milestone_done(client, world, review_off):
    member = world.personas["forum_member"]
    first, _ = milestones(world, 2)
    from_milestones(world.action, member)
    signed_in(client, member)
    world.action.refresh_from_db()
    data = update_form(world.action, status=Status.COMPLETED, milestones_done=[first.pk])
    response = client.post(reverse("action_update", args=[world.action.pk]), data)
    assert response.status_code == 200
    assert "completed has every milestone done" in response.content.decode()
    assert not ProgressUpdate.all_records.exists()


def test_a_milestone_marked_done_meanwhile_makes_the_form_stale(client, world, review_off):
    member = world.personas["forum_member"]
    first, second = milestones(world, 2)
    post_update(world.action, member, Status.ON_TRACK, 10)
    from_milestones(world.action, member)
    world.action.refresh_from_db()
    data = update_form(world.action, milestones_done=[first.pk])
    services.mark_milestone_done(milestone=second, done_by=world.personas["coordinator"])
    signed_in(client, member)
    response = client.post(reverse("action_update", args=[world.action.pk]), data)
    assert response.status_code == 409
    first.refresh_from_db()
    assert not first.is_done


def test_council_input_marks_a_council_actions_milestones(client, world, review_off):
    officer = world.personas["officer"]
    (first,) = milestones(world, 1, action=world.council_action)
    signed_in(client, officer)
    url = reverse("council_action_input", args=[world.council_action.pk])
    assert first.title in client.get(url).content.decode()
    data = input_form(world.council_action, milestones_done=[first.pk])
    assert client.post(url, data).status_code == 302
    first.refresh_from_db()
    assert first.done_by == officer


def test_a_reviewer_sees_the_milestones_an_update_marks_done(client, world):
    member, coordinator = world.personas["forum_member"], world.personas["coordinator"]
    (first,) = milestones(world, 1, title="Venue booked")
    update = post_update(world.action, member, milestones_done=[first], approved=False)
    signed_in(client, coordinator)
    page = client.get(reverse("review", args=["update", update.pk])).content.decode()
    assert "Milestones it marks done" in page
    assert "Venue booked" in page


# --- Forms -----------------------------------------------------------------------------------


def milestone_form(world, **overrides):
    data = {"title": "Partners met", **date_fields("due_date", LATER), "owner": world.partner.pk}
    data.update(overrides)
    from accounts.models import Partner

    return MilestoneForm(data, owners=Partner.objects.all())


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Enter what the milestone is"),
        ({"title": "   "}, "title", "Enter what the milestone is"),
        ({"title": "x" * 201}, "title", "200 characters or fewer"),
        (date_fields("due_date", None), "due_date", "Enter the due date"),
        ({"due_date_0": "31", "due_date_1": "2"}, "due_date", "must be a real date"),
        ({"due_date_2": "1999"}, "due_date", "must be between"),
        ({"owner": ""}, "owner", "Choose the organisation"),
    ],
)
def test_milestone_form_errors(world, overrides, field, message):
    form = milestone_form(world, **overrides)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_milestone_form_takes_200_characters(world):
    assert milestone_form(world, title="x" * 200).is_valid()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "today or in the past"),
        (datetime.date(1999, 12, 31), "must be between"),
    ],
)
def test_done_date_not_in_the_future_nor_before_2000(day, message):
    form = MilestoneDoneForm(date_fields("done_on", day))
    assert not form.is_valid()
    assert message in " ".join(form.errors["done_on"])


def test_done_date_defaults_to_today():
    assert MilestoneDoneForm().fields["done_on"].initial == [TODAY.day, TODAY.month, TODAY.year]
    assert MilestoneDoneForm(date_fields("done_on", TODAY)).is_valid()


def test_too_long_title_on_the_page_is_refused_with_a_count(client, world):
    signed_in(client, world.personas["forum_member"])
    url = reverse("action_milestone_add", args=[world.action.pk])
    data = {"title": "x" * 201, **date_fields("due_date", LATER), "owner": world.partner.pk}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "200 characters or fewer" in page
    assert "govuk-character-count" in page
    assert not Milestone.objects.exists()


# --- Who ---------------------------------------------------------------------------------------


def test_only_the_owner_organisation_marks_a_strategy_actions_milestone(world):
    supporter = PartnerFactory()
    ActionPartnerFactory(strategy_action=world.action, partner=supporter, role="supporting")
    member = UserFactory(role="Forum member", organisation=supporter)
    (ours,) = milestones(world, 1)  # owned by world.partner
    assert permissions.can_manage_milestones(member, world.action)
    assert not permissions.can_mark_milestone_done(member, ours)
    assert permissions.can_mark_milestone_done(world.personas["forum_member"], ours)
    assert permissions.can_mark_milestone_done(world.personas["coordinator"], ours)
    assert not permissions.can_mark_milestone_done(world.personas["cabinet"], ours)


def test_officers_of_the_unit_and_above_and_the_coordinator_mark_a_council_milestone(world):
    (milestone,) = milestones(world, 1, action=world.council_action)
    may = {
        p
        for p, u in world.personas.items()
        if u and permissions.can_mark_milestone_done(u, milestone)
    }
    assert may == {"officer", "officer_above", "coordinator", "admin"}


# --- Pages -------------------------------------------------------------------------------------


def test_the_action_page_lists_milestones_and_says_where_the_percent_comes_from(client, world):
    admin = world.personas["admin"]
    late, done, _ = milestones(world, 3, title="Steps")
    Milestone.objects.filter(pk=late.pk).update(due_date=PAST)  # overdue, as time passes
    services.mark_milestone_done(milestone=done, done_by=admin)
    signed_in(client, world.personas["cabinet"])
    url = reverse("action", args=[world.action.pk])
    page = client.get(url).content.decode()
    assert "as reported in progress updates" in page
    assert f'id="milestone-{late.pk}"' in page
    assert "Overdue" in page
    assert "Add a milestone" not in page
    assert "Mark done" not in page

    post_update(world.action, admin, Status.ON_TRACK, 10)
    from_milestones(world.action, admin)  # a change: the cached page follows at once
    page = client.get(url).content.decode()
    assert "1 of 3 milestones done, 33%" in page


def test_a_forum_member_sees_mark_done_only_on_their_organisations(client, world):
    (ours,) = milestones(world, 1)
    theirs = MilestoneFactory(
        strategy_action=world.action, owner=PartnerFactory(), added_by=world.personas["admin"]
    )
    signed_in(client, world.personas["forum_member"])
    page = client.get(reverse("action", args=[world.action.pk])).content.decode()
    assert reverse("milestone_done", args=[ours.pk]) in page
    assert reverse("milestone_done", args=[theirs.pk]) not in page
    assert "Add a milestone" in page


def test_the_council_action_page_lists_its_milestones(client, world):
    (milestone,) = milestones(world, 1, action=world.council_action, title="Budget agreed")
    signed_in(client, world.personas["officer_above"])
    page = client.get(world.council_action.get_absolute_url()).content.decode()
    assert "Budget agreed" in page
    assert reverse("milestone_done", args=[milestone.pk]) in page
    assert reverse("council_action_milestone_add", args=[world.council_action.pk]) in page


def test_adding_through_the_page_defaults_the_owner_and_records_who(client, world):
    member = world.personas["forum_member"]
    signed_in(client, member)
    url = reverse("action_milestone_add", args=[world.action.pk])
    assert f'<option value="{world.partner.pk}" selected>' in client.get(url).content.decode()
    data = {
        "title": "  Venue   booked ",
        **date_fields("due_date", LATER),
        "owner": world.partner.pk,
    }
    response = client.post(url, data)
    milestone = Milestone.objects.get()
    assert response["Location"].endswith(f"#milestone-{milestone.pk}")
    assert (milestone.title, milestone.added_by, milestone.owner) == (
        "Venue booked",
        member,
        world.partner,
    )
    assert milestone.history.get().history_user == member


def test_a_council_milestone_defaults_to_the_responsible_unit(client, world):
    signed_in(client, world.personas["officer"])
    url = reverse("council_action_milestone_add", args=[world.council_action.pk])
    assert f'<option value="{world.unit.pk}" selected>' in client.get(url).content.decode()


def test_marking_done_on_its_own_page(client, world):
    (milestone,) = milestones(world, 1)
    signed_in(client, world.personas["forum_member"])
    url = reverse("milestone_done", args=[milestone.pk])
    assert client.post(url, date_fields("done_on", PAST)).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.done_on, milestone.done_by) == (PAST, world.personas["forum_member"])
    assert "This milestone is done" in client.get(url).content.decode()
    assert client.post(reverse("milestone_undo", args=[milestone.pk])).status_code == 302
    milestone.refresh_from_db()
    assert not milestone.is_done


def test_a_disagreeing_status_is_told_on_the_page(client, world):
    (milestone,) = milestones(world, 1)
    from_milestones(world.action, world.personas["admin"])
    signed_in(client, world.personas["forum_member"])
    response = client.post(
        reverse("milestone_done", args=[milestone.pk]), date_fields("done_on", TODAY)
    )
    assert response.status_code == 200
    assert "has not started" in response.content.decode()


def test_a_missing_milestone_is_not_found(client, world):
    signed_in(client, world.personas["admin"])
    for name in ("milestone_edit", "milestone_remove", "milestone_done", "milestone_undo"):
        assert client.get(reverse(name, args=[99999])).status_code == 404


# --- Overdue milestones among the exceptions -------------------------------------------------


def overdue_milestone(world, action=None, **extra):
    (milestone,) = milestones(world, 1, action=action, **extra)
    Milestone.objects.filter(pk=milestone.pk).update(due_date=PAST)
    return milestone


def test_overdue_milestones_are_listed_capped_with_a_count(world):
    for _ in range(figures.LIST_LIMIT + 2):
        overdue_milestone(world)
    overdue_milestone(world, action=world.council_action)
    done = overdue_milestone(world)
    services.mark_milestone_done(milestone=done, done_by=world.personas["admin"])
    milestones(world, 1)  # not due yet
    withdrawn = CouncilActionFactory(strategy_action=world.action, status=Status.WITHDRAWN)
    overdue_milestone(world, action=withdrawn)
    listed = figures.overdue_milestones(TODAY)
    assert listed.count == figures.LIST_LIMIT + 3
    assert len(listed.items) == figures.LIST_LIMIT
    assert listed.more == 3


def test_overdue_milestones_of_old_plans_are_left_out(world):
    from strategy.models import Strategy

    overdue_milestone(world)
    Strategy.objects.update(status=Strategy.Status.SUPERSEDED)
    assert figures.overdue_milestones(TODAY).count == 0


def test_overdue_milestones_on_the_dashboard_and_the_cabinet_report(client, world):
    overdue_milestone(world, title="Leaflet printed")
    signed_in(client, world.personas["cabinet"])
    for name in ("dashboard", "cabinet_report"):
        page = client.get(reverse(name)).content.decode()
        assert "Overdue milestones" in page, name
        assert "Leaflet printed" in page, name
    pdf = pdf_text(client.get(reverse("cabinet_report_pdf")))
    assert "Overdue milestones" in pdf
    assert "Leaflet printed" in pdf


def test_no_overdue_milestone_is_said(client, world):
    signed_in(client, world.personas["cabinet"])
    assert "No milestone is overdue." in client.get(reverse("dashboard")).content.decode()


# --- Queries stay the same as milestones grow ------------------------------------------------


def _grow(world, n):
    for action in (world.action, world.council_action):
        for _ in range(n):
            overdue_milestone(world, action=action)


@pytest.mark.parametrize("page", ["action", "council_action", "dashboard"])
def test_query_count_does_not_grow_with_milestones(client, world, page):
    signed_in(client, world.personas["forum_member"])
    url = {
        "action": reverse("action", args=[world.action.pk]),
        "council_action": world.council_action.get_absolute_url(),
        "dashboard": reverse("dashboard"),
    }[page]
    _grow(world, 5)
    small = len(queries_for(client, url))
    _grow(world, 45)  # also moves the plan on, so nothing comes from the cache
    assert Milestone.objects.count() == 100
    assert len(queries_for(client, url)) == small


@pytest.mark.parametrize(
    "value", ["abc", "99999999999999999999", "-1", "\x00", "1.5", "", ["x", "y"]]
)
def test_hostile_milestones_done_values_are_refused_plainly(client, world, review_off, value):
    milestones(world, 1)
    signed_in(client, world.personas["forum_member"])
    world.action.refresh_from_db()
    response = client.post(
        reverse("action_update", args=[world.action.pk]),
        update_form(world.action, milestones_done=value),
    )
    assert response.status_code == 200
    assert "Choose milestones from the list" in response.content.decode()
    assert not ProgressUpdate.all_records.exists()


def test_another_actions_milestone_cannot_be_ticked_in_the_form(client, world, review_off):
    (elsewhere,) = milestones(world, 1, action=StrategyActionFactory())
    milestones(world, 1)
    signed_in(client, world.personas["forum_member"])
    world.action.refresh_from_db()
    response = client.post(
        reverse("action_update", args=[world.action.pk]),
        update_form(world.action, milestones_done=[elsewhere.pk]),
    )
    assert response.status_code == 200
    elsewhere.refresh_from_db()
    assert not elsewhere.is_done
