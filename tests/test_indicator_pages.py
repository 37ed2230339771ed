"""Indicator pages: the chart and its table, forms' errors, recording and reviewing values,
indicators on the action pages, and queries that do not grow with the records."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from actions.models import ReviewState
from indicators import charts
from indicators.models import Indicator, IndicatorValue
from strategy.models import Strategy
from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    MonitoringRoundFactory,
    PartnerFactory,
    UserFactory,
)
from tests.helpers import between, date_fields, indicator_form, queries_for, value_form

pytestmark = pytest.mark.django_db
D = datetime.date


FIRST_VALUE_DAY = D(2026, 4, 1)


def values_of(indicator, count, start=FIRST_VALUE_DAY):
    """`count` approved values, a week apart, rising by one each."""
    Strategy.objects.filter(pk=indicator.strategy_id).update(reviews_updates=False)
    for n in range(count):
        IndicatorValueFactory(
            indicator=indicator,
            value=Decimal(100 + n),
            measured_on=start + datetime.timedelta(days=7 * n),
        )


# --- The chart and its table ------------------------------------------------------------


def test_chart_has_a_point_per_value_the_target_line_and_is_hidden():
    svg = charts.line_chart(
        baseline=(Decimal("100"), D(2026, 1, 1)),
        targets=[(Decimal("150"), D(2026, 7, 1)), (Decimal("200"), D(2027, 1, 1))],
        values=[(Decimal("110"), D(2026, 3, 1)), (Decimal("130"), D(2026, 6, 1))],
        unit="people",
    )
    assert 'aria-hidden="true"' in svg
    assert "style=" not in svg  # the content security policy allows no inline style
    assert svg.count('class="app-chart__value"') == 2
    assert svg.count('class="app-chart__target-point"') == 2
    target_line = re.search(r'<polyline class="app-chart__target" points="([^"]+)"', svg)
    assert target_line
    assert "stroke-dasharray" in svg
    assert len(target_line.group(1).split()) == 3  # baseline, then both targets
    assert re.search(r'<polyline class="app-chart__values" points="[^"]+ [^"]+"', svg)
    for label in ("Jan 2026", "Jan 2027", ">200<", ">0<", "people"):
        assert label in svg


def test_chart_of_one_value_and_no_baseline_has_no_lines_to_draw():
    svg = charts.line_chart(baseline=None, targets=[], values=[(Decimal("5"), D(2026, 1, 1))])
    assert svg.count('class="app-chart__value"') == 1
    assert "app-chart__values" not in svg
    assert "app-chart__target" not in svg


def test_chart_of_nothing_is_empty():
    assert charts.line_chart(baseline=None, targets=[], values=[]) == ""


def test_the_page_shows_the_chart_and_a_table_of_the_same_figures(client):
    indicator = IndicatorFactory(targets=[(Decimal("200"), D(2027, 4, 1))])
    values_of(indicator, 2)
    client.force_login(UserFactory(role=Role.CABINET_MEMBER))
    page = client.get(reverse("indicator", args=[indicator.pk])).content.decode()
    table = page[page.index(f'id="indicator-{indicator.pk}-table"') :]
    table = table[: table.index("</table>")]
    cells = re.findall(r'govuk-table__cell[^"]*">([^<]+)<', table)
    assert cells == [
        "1 Apr 2026", "Baseline", "100 people",
        "1 Apr 2026", "Measured", "100 people",
        "8 Apr 2026", "Measured", "101 people",
        "1 Apr 2027", "Target", "200 people",
    ]  # fmt: skip
    assert page.count('class="app-chart__value"') == 2
    assert "app-chart__target" in page


# --- Forms' errors -----------------------------------------------------------------------


@pytest.fixture
def coordinator_client(client):
    coordinator = UserFactory(role=Role.FORUM_COORDINATOR)
    client.force_login(coordinator)
    client.user = coordinator
    return client


def add(client, **overrides):
    strategy = Strategy.objects.get_or_create(slug="s", defaults={"title": "S"})[0]
    owner = PartnerFactory()
    return client.post(reverse("indicator_add"), indicator_form(strategy, owner, **overrides))


def test_adding_an_indicator(coordinator_client):
    response = add(coordinator_client)
    indicator = Indicator.objects.get()
    assert response.status_code == 302
    assert response["Location"] == indicator.get_absolute_url()
    assert indicator.created_by == coordinator_client.user
    assert [(t.value, t.date) for t in indicator.targets.all()] == [(Decimal("200"), D(2027, 4, 1))]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"baseline_value": "lots"}, "baseline_value", "The baseline value must be a number"),
        ({"baseline_value": "1.234"}, "baseline_value", "at most 2 decimal places"),
        ({"baseline_value": "1e20"}, "baseline_value", "must be less than 1,000,000,000,000"),
        ({"target_1_value": "NaN"}, "target_1_value", "must be a number"),
        (
            date_fields("target_1_date", D(2025, 1, 1)),
            "target_1_date",
            "The target date must be after the baseline date",
        ),
        (
            {"target_1_date_2": "2101"},
            "target_1_date",
            "The date of target 1 must be between 1 January 2000 and 31 December 2100",
        ),
        (
            {"target_1_value": "", **date_fields("target_1_date", None)},
            "target_1_value",
            "Enter at least one target",
        ),
        ({"target_1_value": ""}, "target_1_value", "Enter the target value"),
        (date_fields("baseline_date", None), "baseline_date", "Enter the baseline date"),
        ({"name": ""}, "name", "Enter the indicator's name"),
        ({"definition": "x" * 2001}, "definition", "2,000 characters or fewer"),
        ({"strategy_action_refs": "T9.99"}, "strategy_action_refs", "no strategy action T9.99"),
    ],
)
def test_indicator_form_errors_in_plain_english(coordinator_client, overrides, field, message):
    response = add(coordinator_client, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert not Indicator.objects.exists()


def test_money_and_thousands_are_understood(coordinator_client):
    add(coordinator_client, unit="£", baseline_value="£1,200.50", target_1_value="2,000")
    indicator = Indicator.objects.get()
    assert indicator.baseline_value == Decimal("1200.50")
    assert indicator.targets.get().value == Decimal("2000")


def test_editing_keeps_and_changes_targets(coordinator_client):
    action_indicator = IndicatorFactory(
        targets=[(Decimal("150"), D(2027, 1, 1)), (Decimal("200"), D(2028, 1, 1))]
    )
    url = reverse("indicator_edit", args=[action_indicator.pk])
    form = coordinator_client.get(url).context["form"]
    assert form.initial["target_2_value"] == "200"
    data = indicator_form(
        action_indicator.strategy,
        action_indicator.owner,
        name="Renamed",
        target_1_value="150",
        **date_fields("target_1_date", D(2027, 1, 1)),
        target_2_value="250",
        **date_fields("target_2_date", D(2028, 1, 1)),
    )
    assert coordinator_client.post(url, data).status_code == 302
    action_indicator.refresh_from_db()
    assert action_indicator.name == "Renamed"
    assert [t.value for t in action_indicator.targets.all()] == [Decimal("150"), Decimal("250")]


# --- Recording and reviewing values ----------------------------------------------------------


def test_a_member_of_the_owner_records_a_value_for_review(client):
    indicator = IndicatorFactory()
    round_ = MonitoringRoundFactory()
    member = UserFactory(role=Role.FORUM_MEMBER, organisation=indicator.owner)
    client.force_login(member)
    response = client.post(
        reverse("indicator_value_add", args=[indicator.pk]), value_form(note="From the CRM")
    )
    assert response.status_code == 302
    value = IndicatorValue.all_records.get()
    assert (value.value, value.measured_on, value.note) == (
        Decimal("130"),
        D(2026, 6, 30),
        "From the CRM",
    )
    assert value.review_state == ReviewState.SUBMITTED
    assert value.round == round_
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "Values awaiting review" in page
    assert "130 people" in page


def test_another_organisation_cannot_record_a_value(client):
    indicator = IndicatorFactory()
    client.force_login(UserFactory(role=Role.FORUM_MEMBER))
    response = client.post(reverse("indicator_value_add", args=[indicator.pk]), value_form())
    assert response.status_code == 403
    assert not IndicatorValue.all_records.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"value": ""}, "value", "Enter the value"),
        ({"value": "twelve"}, "value", "The value must be a number, like 120 or 45.5"),
        ({"measured_on_1": "13"}, "measured_on", "must be a real date"),
        (
            date_fields("measured_on", datetime.date.today() + datetime.timedelta(days=1)),
            "measured_on",
            "today or in the past",
        ),
        ({"note": "x" * 2001}, "note", "2,000 characters or fewer"),
    ],
)
def test_value_form_errors_in_plain_english(coordinator_client, overrides, field, message):
    indicator = IndicatorFactory()
    response = coordinator_client.post(
        reverse("indicator_value_add", args=[indicator.pk]), value_form(**overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not IndicatorValue.all_records.exists()


def test_without_review_a_value_counts_at_once(coordinator_client):
    indicator = IndicatorFactory(
        strategy=Strategy.objects.create(slug="r", title="R", reviews_updates=False)
    )
    coordinator_client.post(reverse("indicator_value_add", args=[indicator.pk]), value_form())
    assert IndicatorValue.objects.get().review_state == ReviewState.APPROVED


def test_the_coordinator_approves_a_value_and_it_counts(coordinator_client):
    value = IndicatorValueFactory(approved=False, value=Decimal("180"))
    url = reverse("indicator_value_review", args=[value.pk])
    response = coordinator_client.post(url, {"decision": "approve"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get().reviewed_by == coordinator_client.user
    page = coordinator_client.get(value.indicator.get_absolute_url()).content.decode()
    assert "180 people" in page


def test_returning_a_value_needs_a_comment(coordinator_client):
    value = IndicatorValueFactory(approved=False)
    url = reverse("indicator_value_review", args=[value.pk])
    response = coordinator_client.post(url, {"decision": "return", "comment": ""})
    assert "Say what to change" in " ".join(response.context["form"].errors["comment"])
    coordinator_client.post(url, {"decision": "return", "comment": "Wrong quarter"})
    value.refresh_from_db()
    assert (value.review_state, value.review_comment) == (ReviewState.RETURNED, "Wrong quarter")
    again = coordinator_client.post(url, {"decision": "approve"})
    assert again.status_code == 409


def test_nobody_reviews_their_own_value(coordinator_client):
    value = IndicatorValueFactory(approved=False, author=coordinator_client.user)
    url = reverse("indicator_value_review", args=[value.pk])
    assert coordinator_client.post(url, {"decision": "approve"}).status_code == 403


# --- On the action pages -------------------------------------------------------------------


def test_the_action_and_council_action_pages_show_linked_indicators(client, world):
    indicator = IndicatorFactory(
        name="Volunteers placed",
        strategy_actions=[world.action],
        council_actions=[world.council_action],
    )
    values_of(indicator, 2)
    client.force_login(world.personas["cabinet"])
    for url in (world.action.get_absolute_url(), world.council_action.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Volunteers placed" in page
        assert page.count('class="app-chart__value"') == 2
        assert f'id="indicator-{indicator.pk}-table"' in page


def test_a_new_value_reaches_the_cached_action_page(client, world):
    indicator = IndicatorFactory(strategy_actions=[world.action])
    values_of(indicator, 1)
    client.force_login(world.personas["cabinet"])
    assert (
        client.get(world.action.get_absolute_url()).content.decode().count('app-chart__value"') == 1
    )
    values_of(indicator, 2, start=D(2026, 10, 1))
    assert (
        client.get(world.action.get_absolute_url()).content.decode().count('app-chart__value"') == 3
    )


# --- Queries stay constant ------------------------------------------------------------------


def test_indicator_page_queries_do_not_grow_with_values(client):
    indicator = IndicatorFactory(strategy_actions=[])
    values_of(indicator, 3)
    client.force_login(UserFactory(role=Role.FORUM_COORDINATOR))
    url = indicator.get_absolute_url()
    small = len(queries_for(client, url))
    values_of(indicator, 27, start=D(2027, 1, 1))
    assert len(queries_for(client, url)) == small


def test_indicator_list_queries_do_not_grow_with_indicators(client):
    owner = IndicatorFactory().owner
    client.force_login(UserFactory(role=Role.CABINET_MEMBER))
    for indicator in Indicator.objects.all():
        values_of(indicator, 2)
    for _ in range(2):
        values_of(IndicatorFactory(owner=owner, strategy=Indicator.objects.first().strategy), 2)
    small = len(queries_for(client, reverse("indicators")))  # 3 indicators
    for _ in range(27):  # 30 in all: a page of 25 and another
        values_of(IndicatorFactory(owner=owner, strategy=Indicator.objects.first().strategy), 2)
    assert len(queries_for(client, reverse("indicators"))) == small


def test_action_page_queries_do_not_grow_with_indicators_and_values(client, world):
    client.force_login(world.personas["cabinet"])
    first = IndicatorFactory(strategy_actions=[world.action])
    values_of(first, 3)
    small = len(queries_for(client, world.action.get_absolute_url()))
    for _ in range(2):
        values_of(IndicatorFactory(strategy_actions=[world.action], strategy=first.strategy), 15)
    large = len(queries_for(client, world.action.get_absolute_url()))
    assert large == small


def test_the_review_queue_lists_values_waiting(coordinator_client):
    value = IndicatorValueFactory(approved=False, value=Decimal("175"))
    mine = IndicatorValueFactory(approved=False, author=coordinator_client.user)
    page = coordinator_client.get(reverse("review_queue")).content.decode()
    listed = between(page, 'id="indicator-values-to-review"', "</table>")
    assert reverse("indicator_value_review", args=[value.pk]) in listed
    assert "175 people" in listed
    assert reverse("indicator_value_review", args=[mine.pk]) not in listed


def test_the_author_is_emailed_the_review(
    coordinator_client, mailoutbox, django_capture_on_commit_callbacks
):
    value = IndicatorValueFactory(approved=False, value=Decimal("175"))
    url = reverse("indicator_value_review", args=[value.pk])
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url, {"decision": "return", "comment": "Wrong quarter"})
    [mail] = mailoutbox
    assert mail.to == [value.author.email]
    assert mail.subject == f"Your value of {value.indicator.name} was returned for changes"
    assert "Wrong quarter" in mail.body
    assert "175 people" in mail.body
    assert f"/indicators/{value.indicator.pk}/values/new/" in mail.body


def test_an_empty_post_shows_what_is_missing(coordinator_client):
    indicator = IndicatorFactory()
    response = coordinator_client.post(reverse("indicator_value_add", args=[indicator.pk]), {})
    assert response.context["form"].errors["value"] == ["Enter the value"]
    response = coordinator_client.post(reverse("indicator_add"), {})
    assert "Enter the indicator's name" in response.context["form"].errors["name"]


# --- Approving several values at once ---------------------------------------------------


def _submitted(indicator, author, value="120"):
    return IndicatorValueFactory(
        indicator=indicator, author=author, value=Decimal(value), approved=False
    )


def test_a_reviewer_approves_several_values_at_once(client, world):
    member = world.personas["forum_member"]
    first = IndicatorFactory(name="Volunteers placed", owner=world.partner)
    second = IndicatorFactory(name="Groups supported", owner=world.partner)
    a, b, left = (
        _submitted(first, member, "120"),
        _submitted(second, member, "7"),
        _submitted(first, member, "130"),
    )
    client.force_login(world.personas["coordinator"])
    queue = client.get(reverse("review_queue")).content.decode()
    assert reverse("indicator_values_approve") in queue
    page = client.get(reverse("indicator_values_approve")).content.decode()
    assert "Volunteers placed: 120 people on" in page
    assert "Groups supported: 7 people on" in page

    response = client.post(reverse("indicator_values_approve"), {"values": [a.pk, b.pk]})

    assert response.status_code == 302
    states = dict(IndicatorValue.all_records.values_list("pk", "review_state"))
    assert states == {
        a.pk: ReviewState.APPROVED,
        b.pk: ReviewState.APPROVED,
        left.pk: ReviewState.SUBMITTED,
    }
    assert IndicatorValue.all_records.get(pk=a.pk).reviewed_by == world.personas["coordinator"]
    assert "Approved 2 values." in client.get(response["Location"]).content.decode()


def test_approving_none_says_what_to_do(client, world):
    _submitted(IndicatorFactory(owner=world.partner), world.personas["forum_member"])
    client.force_login(world.personas["coordinator"])
    response = client.post(reverse("indicator_values_approve"), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Select the values to approve" in page


def test_a_value_reviewed_meanwhile_is_told_not_refused(client, world):
    from indicators import services as indicator_services

    member = world.personas["forum_member"]
    indicator = IndicatorFactory(name="Volunteers placed", owner=world.partner)
    taken, mine = _submitted(indicator, member, "120"), _submitted(indicator, member, "125")
    indicator_services.return_value(value=taken, reviewer=world.personas["admin"], comment="Check")
    client.force_login(world.personas["coordinator"])
    response = client.post(
        reverse("indicator_values_approve"), {"values": [taken.pk, mine.pk]}, follow=True
    )
    page = response.content.decode()
    assert "Approved 1 value." in page
    assert "Volunteers placed: This value is already returned" in page
    taken.refresh_from_db()
    assert taken.review_state == ReviewState.RETURNED


def test_nobody_approves_their_own_or_another_readers_values(client, world):
    coordinator = world.personas["coordinator"]
    own = _submitted(IndicatorFactory(owner=world.partner), coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("indicator_values_approve")).content.decode()
    assert "No indicator value is waiting for your review." in page
    response = client.post(reverse("indicator_values_approve"), {"values": [own.pk]})
    assert response.status_code == 400
    assert "Select values from the list" in response.content.decode()
