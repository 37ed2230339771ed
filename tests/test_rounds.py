"""Monitoring rounds: opening, the "who hasn't updated" page, closing, and who may do what."""

import datetime

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from actions.models import ProgressUpdate
from actions.status import Status
from monitoring import services as round_services
from monitoring import views as round_views
from monitoring.forms import OpenRoundForm
from monitoring.models import MonitoringRound
from strategy.models import Strategy
from tests.factories import (
    ActionPartnerFactory,
    PartnerFactory,
    StrategyActionFactory,
    StrategyFactory,
    ThemeFactory,
    UserFactory,
)
from tests.helpers import between, open_a_round, post_update, round_form, signed_in

pytestmark = pytest.mark.django_db

MANAGERS = ["coordinator", "admin"]
NOT_MANAGERS = [
    "forum_member",
    "forum_other",
    "officer",
    "officer_above",
    "officer_other",
    "cabinet",
    "no_role",
]


def field_group(page: str, field: str) -> str:
    """The HTML of one form field's GOV.UK form group, up to the next field's."""
    return between(page, f'id="div_id_{field}"', 'id="div_id_')


def error_summary(page: str) -> str:
    return between(page, 'class="govuk-error-summary"', "</ul>")


def partner_section(page: str, partner) -> str:
    return between(page, f'id="partner-{partner.pk}"', "</section>")


@pytest.fixture
def coordinator_client(client, world):
    return signed_in(client, world.personas["coordinator"])


# --- Opening a round ------------------------------------------------------------------


@pytest.mark.parametrize("persona", MANAGERS)
def test_coordinator_or_admin_opens_a_round(client, world, persona):
    user = world.personas[persona]
    client.force_login(user)

    response = client.post(reverse("round_open"), round_form())

    round_ = MonitoringRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("round", args=[round_.pk])
    assert round_.name == "Quarter 1 2026 to 2027"
    assert round_.state == MonitoringRound.State.OPEN
    assert round_.opened_by == user
    assert round_.period_start == datetime.date(2026, 4, 1)
    assert round_.period_end == datetime.date(2026, 6, 30)
    assert round_.due_date == datetime.date(2026, 7, 15)
    assert round_.history.get().history_user == user

    page = client.get(response["Location"]).content.decode()
    assert "govuk-notification-banner--success" in page
    assert "You opened Quarter 1 2026 to 2027. Updates are due by 15 July 2026." in page


def test_open_form_shows_gov_uk_date_inputs(coordinator_client):
    page = coordinator_client.get(reverse("round_open")).content.decode()
    for field in ("period_start", "period_end", "due_date"):
        group = field_group(page, field)
        assert "govuk-date-input" in group
        assert f'name="{field}_0"' in group  # day
        assert f'name="{field}_1"' in group  # month
        assert f'name="{field}_2"' in group  # year
    assert "<title>Open a monitoring round" in page


@pytest.mark.parametrize(
    ("overrides", "field", "link", "message"),
    [
        ({"name": ""}, "name", "id_name", "Enter a name for the round"),
        ({"name": "   "}, "name", "id_name", "Enter a name for the round"),
        (
            {"period_start_0": "", "period_start_1": "", "period_start_2": ""},
            "period_start",
            "id_period_start_0",
            "Enter the start of the period covered",
        ),
        (
            {"period_start_1": ""},
            "period_start",
            "id_period_start_1",
            "The start of the period covered must include a month",
        ),
        (
            {"period_end_0": "31", "period_end_1": "2"},
            "period_end",
            "id_period_end_0",
            "The end of the period covered must be a real date",
        ),
        (
            {"due_date_0": "first"},
            "due_date",
            "id_due_date_0",
            "The due date must be a real date",
        ),
        (
            {"due_date_2": "26"},
            "due_date",
            "id_due_date_2",
            "The due date must have a year with 4 numbers",
        ),
        (
            {"period_end_0": "31", "period_end_1": "3", "period_end_2": "2026"},
            "period_end",
            "id_period_end_0",
            "The period covered must end on or after it starts",
        ),
        (
            {"due_date_0": "31", "due_date_1": "3", "due_date_2": "2026"},
            "due_date",
            "id_due_date_0",
            "The due date must be on or after the start of the period",
        ),
    ],
)
def test_invalid_round_shows_plain_english_errors(
    coordinator_client, overrides, field, link, message
):
    response = coordinator_client.post(reverse("round_open"), round_form(**overrides))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="#{link}">{message}</a>' in error_summary(page)
    group = field_group(page, field)
    assert "govuk-form-group--error" in group
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in group
    assert "<title>Error: Open a monitoring round" in page
    assert not MonitoringRound.objects.exists()


def test_invalid_date_outlines_the_boxes_in_error(coordinator_client):
    page = coordinator_client.post(
        reverse("round_open"), round_form(period_end_0="31", period_end_1="2")
    ).content.decode()
    group = field_group(page, "period_end")
    for part in range(3):
        box = between(group, f'name="period_end_{part}"', ">")
        assert box.count("govuk-input--error") == 1
    # The boxes keep what was typed.
    assert 'name="period_end_0" value="31"' in group


def test_duplicate_round_name_is_refused_ignoring_case(coordinator_client, world):
    round_ = open_a_round(world.personas["admin"], name="Quarter 1 2026 to 2027")
    round_services.close_round(round_=round_, closed_by=world.personas["admin"])

    response = coordinator_client.post(
        reverse("round_open"), round_form(name="quarter 1 2026 TO 2027")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_name">A round with this name already exists</a>' in error_summary(page)
    assert "A round with this name already exists" in field_group(page, "name")
    assert MonitoringRound.objects.count() == 1


def test_name_taken_between_form_check_and_save_is_shown_on_the_name(
    coordinator_client, world, monkeypatch
):
    """The service's own unique check (a race with another coordinator) lands on the field."""
    round_ = open_a_round(world.personas["admin"], name="Quarter 1 2026 to 2027")
    round_services.close_round(round_=round_, closed_by=world.personas["admin"])
    monkeypatch.setattr(OpenRoundForm, "clean_name", lambda form: form.cleaned_data["name"])

    response = coordinator_client.post(reverse("round_open"), round_form())

    assert response.status_code == 200
    page = response.content.decode()
    assert "A round with this name already exists" in field_group(page, "name")
    assert MonitoringRound.objects.count() == 1


def test_cannot_open_a_second_round_while_one_is_open(coordinator_client, world):
    first = open_a_round(world.personas["admin"], name="Quarter 1")

    page = coordinator_client.get(reverse("round_open")).content.decode()
    assert "Quarter 1</a> is open. Close it before opening another." in page

    response = coordinator_client.post(reverse("round_open"), round_form(name="Quarter 2"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Close the open round before opening another." in error_summary(page)
    assert list(MonitoringRound.objects.open()) == [first]
    assert MonitoringRound.objects.count() == 1


def test_round_opened_at_the_same_moment_is_an_error_not_a_500(
    coordinator_client, world, monkeypatch
):
    """Two coordinators submit together: the database's one-open-round constraint decides."""

    real_open_round = round_services.open_round

    def open_round_racing(**kwargs):
        real_open_round(**{**kwargs, "name": "Opened meanwhile"})
        raise IntegrityError("monitoringround_one_open_round")

    monkeypatch.setattr(round_views.services, "open_round", open_round_racing)
    response = coordinator_client.post(reverse("round_open"), round_form())

    assert response.status_code == 200
    assert "Close the open round before opening another." in error_summary(
        response.content.decode()
    )


# --- Who may open and close rounds ------------------------------------------------------


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_cannot_open_a_round(client, world, persona):
    client.force_login(world.personas[persona])

    assert client.get(reverse("round_open")).status_code == 403
    assert client.post(reverse("round_open"), round_form()).status_code == 403
    assert not MonitoringRound.objects.exists()


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_cannot_close_a_round(client, world, persona):
    round_ = open_a_round(world.personas["coordinator"])
    client.force_login(world.personas[persona])
    url = reverse("round_close", args=[round_.pk])

    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    round_.refresh_from_db()
    assert round_.is_open
    assert round_.closed_by is None


@pytest.mark.parametrize("name", ["round_open", "rounds"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", [*MANAGERS, *NOT_MANAGERS])
def test_open_button_and_close_link_only_for_coordinator_and_admin(client, world, persona):
    client.force_login(world.personas[persona])
    expected = 200 if persona != "no_role" else 403

    response = client.get(reverse("rounds"))
    assert response.status_code == expected
    assert ("Open a monitoring round" in response.content.decode()) == (persona in MANAGERS)

    round_ = open_a_round(world.personas["coordinator"])
    list_page = client.get(reverse("rounds"))
    assert "Open a monitoring round</a>" not in list_page.content.decode()

    response = client.get(reverse("round", args=[round_.pk]))
    assert response.status_code == expected
    close_url = reverse("round_close", args=[round_.pk])
    assert (close_url in response.content.decode()) == (persona in MANAGERS)


def test_missing_round_is_404(coordinator_client):
    assert coordinator_client.get(reverse("round", args=[999])).status_code == 404
    assert coordinator_client.get(reverse("round_close", args=[999])).status_code == 404
    assert coordinator_client.post(reverse("round_close", args=[999])).status_code == 404


# --- The round page: who has and has not updated ------------------------------------------


@pytest.fixture
def plan(world):
    """Two partners: Alpha leads A1 and A2 and shares S1 with Beta, which also leads B1.

    A completed action and an action of a superseded strategy need no update.
    """
    alpha = PartnerFactory(name="Alpha Trust")
    beta = PartnerFactory(name="Beta Group")
    theme = ThemeFactory(number=7)
    actions = {}
    for ref, position, partners in [
        ("A1", 1, [alpha]),
        ("A2", 2, [alpha]),
        ("S1", 3, [alpha, beta]),
        ("B1", 4, [beta]),
    ]:
        actions[ref] = StrategyActionFactory(theme=theme, position=position, reference=ref)
        for partner in partners:
            ActionPartnerFactory(strategy_action=actions[ref], partner=partner)
    done = StrategyActionFactory(theme=theme, position=5, reference="DONE", status=Status.COMPLETED)
    ActionPartnerFactory(strategy_action=done, partner=alpha)
    old_theme = ThemeFactory(strategy=StrategyFactory(status=Strategy.Status.SUPERSEDED))
    old = StrategyActionFactory(theme=old_theme, reference="OLD")
    ActionPartnerFactory(strategy_action=old, partner=beta)
    return alpha, beta, actions


def test_round_page_lists_partners_with_updated_and_not_updated_actions(
    coordinator_client, world, plan
):
    alpha, beta, actions = plan
    round_ = open_a_round(world.personas["coordinator"], name="Quarter 1")
    member = UserFactory(role=Role.FORUM_MEMBER, organisation=alpha)
    post_update(actions["A1"], member)
    post_update(actions["S1"], member)

    page = coordinator_client.get(reverse("round", args=[round_.pk])).content.decode()

    assert '<h1 class="govuk-heading-xl govuk-!-margin-bottom-4">Quarter 1</h1>' in page
    assert "1 April 2026 to 30 June 2026" in page
    assert "15 July 2099" in page
    assert '<strong class="govuk-tag govuk-tag--green">Open</strong>' in page

    # Summary: three partners (world's own, Alpha and Beta); S1 counts once.
    assert '<dd class="govuk-summary-list__value" id="count-partners">3</dd>' in page
    assert '<dd class="govuk-summary-list__value" id="count-partners-behind">3</dd>' in page
    assert '<dd class="govuk-summary-list__value" id="count-updated">2</dd>' in page
    assert '<dd class="govuk-summary-list__value" id="count-not-updated">3</dd>' in page

    alpha_section = partner_section(page, alpha)
    assert "Alpha Trust" in alpha_section
    assert "2 of 3 actions updated" in alpha_section
    for ref, tag in [("A1", "Approved"), ("S1", "Approved"), ("A2", "No update yet")]:
        item = between(alpha_section, f'href="{actions[ref].get_absolute_url()}"', "</li>")
        assert f"{ref}</span>" in item
        assert f">{tag}</strong>" in item
    assert "DONE" not in alpha_section

    beta_section = partner_section(page, beta)
    assert "1 of 2 actions updated" in beta_section
    item = between(beta_section, f'href="{actions["B1"].get_absolute_url()}"', "</li>")
    assert '<strong class="govuk-tag govuk-tag--grey">No update yet</strong>' in item
    assert "OLD" not in beta_section

    # Not overdue: no red tags, no warning.
    assert "govuk-tag--red" not in page


def test_round_page_marks_missing_updates_red_once_the_due_date_has_passed(
    coordinator_client, world
):
    round_ = open_a_round(
        world.personas["coordinator"],
        name="Long ago",
        period_start=datetime.date(2000, 1, 1),
        period_end=datetime.date(2000, 3, 31),
        due_date=datetime.date(2000, 4, 30),
    )

    page = coordinator_client.get(reverse("round", args=[round_.pk])).content.decode()

    item = between(page, f'href="{world.action.get_absolute_url()}"', "</li>")
    assert '<strong class="govuk-tag govuk-tag--red">No update yet</strong>' in item
    # Overdue is said in words too, not by colour alone.
    assert "Updates were due by 30 April 2000. Actions with no update yet are overdue." in page


def test_round_list_shows_the_open_round_with_counts_and_past_rounds(
    coordinator_client, world, plan
):
    _alpha, _beta, actions = plan
    coordinator = world.personas["coordinator"]
    past = open_a_round(coordinator, name="Last year")
    post_update(actions["A1"], coordinator)
    post_update(actions["B1"], coordinator)
    round_services.close_round(round_=past, closed_by=coordinator)
    current = open_a_round(coordinator, name="This year")
    post_update(actions["A2"], coordinator)

    page = coordinator_client.get(reverse("rounds")).content.decode()

    open_card = between(page, 'class="govuk-summary-card"', "</dl>")
    assert current.get_absolute_url() in open_card
    assert "This year" in open_card
    assert 'id="open-round-updated">1 of 5</dd>' in open_card
    assert 'id="open-round-partners-behind">3 of 3</dd>' in open_card
    past_table = between(page, "Past rounds", "</table>")
    assert past.get_absolute_url() in past_table
    assert "Last year" in past_table
    assert '<td class="govuk-table__cell">2</td>' in past_table  # actions updated in it
    assert "This year" not in past_table


def test_round_page_query_count_does_not_grow_with_the_plan(coordinator_client, world):
    coordinator = world.personas["coordinator"]
    round_ = open_a_round(coordinator)
    theme = ThemeFactory()
    url = reverse("round", args=[round_.pk])

    def add_actions(count):
        for _ in range(count):
            partner = PartnerFactory()
            action = StrategyActionFactory(theme=theme)
            ActionPartnerFactory(strategy_action=action, partner=partner)
            ActionPartnerFactory(strategy_action=action, partner=world.partner)
        post_update(action, coordinator)

    def task_list_items(response):
        return response.content.decode().count('<li class="govuk-task-list__item')

    add_actions(2)  # with the world's action: 3, each listed under each of its partners
    with CaptureQueriesContext(connection) as small:
        response = coordinator_client.get(url)
    assert task_list_items(response) == 1 + 2 * 2

    add_actions(27)  # 30
    with CaptureQueriesContext(connection) as large:
        response = coordinator_client.get(url)
    assert task_list_items(response) == 1 + 29 * 2
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


# --- Closing a round --------------------------------------------------------------------


def test_coordinator_closes_a_round_after_confirming(coordinator_client, world):
    coordinator = world.personas["coordinator"]
    round_ = open_a_round(world.personas["admin"], name="Quarter 1")
    url = reverse("round_close", args=[round_.pk])

    confirm = coordinator_client.get(url).content.decode()
    assert "Are you sure you want to close Quarter 1?" in confirm
    assert "In this round, 0 of 1 action has been updated. 1 still has no update." in confirm
    assert '<form method="post"' in confirm
    round_.refresh_from_db()
    assert round_.is_open  # a GET changes nothing

    response = coordinator_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == round_.get_absolute_url()
    round_.refresh_from_db()
    assert round_.state == MonitoringRound.State.CLOSED
    assert round_.closed_by == coordinator
    assert round_.closed_at is not None
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "You closed Quarter 1." in page
    assert '<strong class="govuk-tag govuk-tag--grey">Closed</strong>' in page
    assert url not in page  # no close link on a closed round


def test_closing_a_closed_round_again_gives_a_message_not_a_500(coordinator_client, world):
    admin = world.personas["admin"]
    round_ = open_a_round(admin, name="Quarter 1")
    round_services.close_round(round_=round_, closed_by=admin)
    round_.refresh_from_db()
    closed_at = round_.closed_at
    url = reverse("round_close", args=[round_.pk])

    response = coordinator_client.post(url, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(round_.get_absolute_url(), 302)]
    assert "This round is already closed." in response.content.decode()
    round_.refresh_from_db()
    assert round_.closed_by == admin
    assert round_.closed_at == closed_at

    page = coordinator_client.get(url).content.decode()
    assert "Quarter 1 is already closed" in page
    assert '<form method="post" novalidate>' not in page


def test_a_new_round_can_be_opened_once_the_last_is_closed(coordinator_client, world):
    first = open_a_round(world.personas["coordinator"], name="Quarter 1")
    coordinator_client.post(reverse("round_close", args=[first.pk]))

    response = coordinator_client.post(reverse("round_open"), round_form(name="Quarter 2"))

    assert response.status_code == 302
    assert MonitoringRound.objects.open().get().name == "Quarter 2"


# --- Updates and rounds -----------------------------------------------------------------


def test_update_posted_with_no_round_open_has_no_round(world):
    update = post_update(world.action, world.personas["forum_member"])
    assert update.round is None


def test_update_posted_while_a_round_is_open_counts_for_it_and_not_after(world):
    coordinator = world.personas["coordinator"]
    round_ = open_a_round(coordinator)
    during = post_update(world.action, world.personas["forum_member"])
    round_services.close_round(round_=round_, closed_by=coordinator)
    world.action.refresh_from_db()
    after = post_update(world.action, world.personas["forum_member"])

    assert during.round == round_
    assert after.round is None
    assert list(ProgressUpdate.objects.filter(round=round_)) == [during]


def test_the_round_page_shows_how_far_each_action_has_got(client, world):
    """No update yet, draft, submitted, returned, approved: per action, under each partner."""
    from monitoring import services as review_services
    from tests.factories import ActionPartnerFactory, ProgressUpdateFactory, StrategyActionFactory

    coordinator, member = world.personas["coordinator"], world.personas["forum_member"]
    round_ = open_a_round(coordinator, due_date=timezone.localdate() + datetime.timedelta(days=9))
    actions = {}
    for state in ["none", "draft", "submitted", "returned", "approved"]:
        actions[state] = StrategyActionFactory(theme=world.action.theme)
        ActionPartnerFactory(strategy_action=actions[state], partner=world.partner)
    for state in ["draft", "submitted", "returned"]:
        record = ProgressUpdateFactory(
            strategy_action=actions[state], author=member, approved=False, submit=state != "draft"
        )
        if state == "returned":
            review_services.return_for_changes(record=record, reviewer=coordinator, comment="More")
    ProgressUpdateFactory(strategy_action=actions["approved"], author=member)

    page = signed_in(client, world.personas["cabinet"]).get(reverse("round", args=[round_.pk]))

    text = page.text
    for state, tag in [
        ("none", "No update yet"),
        ("draft", "Draft"),
        ("submitted", "Submitted for review"),
        ("returned", "Returned for changes"),
        ("approved", "Approved"),
    ]:
        status = text[text.index(f'id="status-{world.partner.pk}-{actions[state].pk}"') :]
        assert status.split("</div>")[0].strip().endswith(f"{tag}</strong>"), state
    assert "(9 days left)" in text
