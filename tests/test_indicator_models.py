"""Indicators, their targets and values: constraints, and the services that write them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from actions.models import ReviewState
from indicators import services
from indicators.models import Indicator, IndicatorTarget, IndicatorValue
from strategy.models import Strategy
from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    MonitoringRoundFactory,
    PartnerFactory,
    StrategyActionFactory,
    StrategyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_an_indicator_with_its_targets_and_links():
    action = StrategyActionFactory()
    indicator = IndicatorFactory(
        targets=[(Decimal("150"), D(2027, 1, 1)), (Decimal("200"), D(2028, 1, 1))],
        strategy_actions=[action],
        themes=[action.theme],
    )
    assert [(t.value, t.date) for t in indicator.targets.all()] == [
        (Decimal("150"), D(2027, 1, 1)),
        (Decimal("200"), D(2028, 1, 1)),
    ]
    assert list(action.indicators.all()) == [indicator]
    assert list(action.theme.indicators.all()) == [indicator]
    assert indicator.history.count() == 1


def test_an_indicator_needs_a_target():
    with pytest.raises(ValidationError, match="at least one target"):
        IndicatorFactory(targets=[])


def test_a_target_before_the_baseline_is_refused():
    with pytest.raises(ValidationError, match="after the baseline date"):
        IndicatorFactory(targets=[(Decimal("10"), D(2025, 1, 1))])


def test_baseline_needs_value_and_date_together():
    with pytest.raises(ValidationError) as error:
        IndicatorFactory(baseline_date=None)
    assert error.value.message_dict["baseline_date"] == [
        "Give the baseline's value and its date, or neither"
    ]


def test_constraint_messages_are_plain_english():
    indicator = IndicatorFactory()
    duplicate = IndicatorTarget(indicator=indicator, value=1, date=D(2027, 4, 1))
    with pytest.raises(ValidationError, match="already has a target for that date"):
        duplicate.full_clean()
    same_name = Indicator(
        strategy=indicator.strategy,
        name=indicator.name,
        definition="x",
        unit="people",
        owner=indicator.owner,
        created_by=indicator.created_by,
    )
    with pytest.raises(ValidationError, match="already has an indicator with that name"):
        same_name.full_clean()
    wrong = Indicator(direction="sideways")
    with pytest.raises(ValidationError) as error:
        wrong.full_clean()
    assert "direction" in error.value.message_dict


def test_update_replaces_targets_and_keeps_history():
    indicator = IndicatorFactory()
    editor = UserFactory(role=Role.FORUM_COORDINATOR)
    services.update_indicator(
        indicator=indicator,
        changed_by=editor,
        name="Renamed",
        targets=[(Decimal("300"), D(2028, 4, 1))],
    )
    indicator.refresh_from_db()
    assert indicator.name == "Renamed"
    assert [(t.value, t.date) for t in indicator.targets.all()] == [(Decimal("300"), D(2028, 4, 1))]
    assert indicator.history.first().history_user == editor
    assert IndicatorTarget.history.filter(history_type="-").count() == 1


def test_a_value_is_submitted_in_the_open_round_and_counts_once_approved():
    round_ = MonitoringRoundFactory()
    author = UserFactory(role=Role.FORUM_MEMBER)
    value = IndicatorValueFactory(author=author, approved=False)
    assert value.review_state == ReviewState.SUBMITTED
    assert value.round == round_
    assert value.organisation == author.organisation
    assert not IndicatorValue.objects.exists()  # the default manager: approved only
    reviewer = UserFactory(role=Role.FORUM_COORDINATOR)
    services.approve_value(value=value, reviewer=reviewer)
    approved = IndicatorValue.objects.get()
    assert approved.reviewed_by == reviewer
    assert approved.history.first().history_user == reviewer


def test_where_the_strategy_does_not_review_a_value_is_approved_at_once():
    indicator = IndicatorFactory(strategy=StrategyFactory(reviews_updates=False))
    value = IndicatorValueFactory(indicator=indicator, approved=False)
    assert value.review_state == ReviewState.APPROVED
    assert value.round is None  # no round open


def test_nobody_approves_their_own_value():
    coordinator = UserFactory(role=Role.FORUM_COORDINATOR)
    value = IndicatorValueFactory(author=coordinator, approved=False)
    with pytest.raises(ValidationError, match="your own value"):
        services.approve_value(value=value, reviewer=coordinator)


def test_a_value_returned_says_what_to_change_and_cannot_be_reviewed_twice():
    value = IndicatorValueFactory(approved=False)
    reviewer = UserFactory(role=Role.FORUM_COORDINATOR)
    with pytest.raises(ValidationError):
        services.return_value(value=value, reviewer=reviewer, comment="  ")
    returned = services.return_value(value=value, reviewer=reviewer, comment="Check the figure")
    assert returned.review_state == ReviewState.RETURNED
    assert returned.review_comment == "Check the figure"
    with pytest.raises(services.ReviewConflict):
        services.approve_value(value=value, reviewer=UserFactory(role=Role.ADMINISTRATOR))


def test_a_returned_value_must_carry_a_comment_in_the_database():
    value = IndicatorValueFactory(approved=False)
    value.review_state = ReviewState.RETURNED
    with pytest.raises(ValidationError, match="Say what to change"):
        value.full_clean()


def test_note_is_at_most_2000_characters():
    value = IndicatorValueFactory(approved=False)
    value.note = "x" * 2001
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    assert "note" in error.value.message_dict


def test_reviews_values_follows_the_strategy_now():
    indicator = IndicatorFactory()
    assert services.reviews_values(indicator)
    Strategy.objects.update(reviews_updates=False)
    assert not services.reviews_values(indicator)


def test_str():
    indicator = IndicatorFactory(name="Volunteers placed", owner=PartnerFactory())
    value = IndicatorValueFactory(indicator=indicator, value=Decimal("120.50"))
    assert str(value) == "Volunteers placed: 120.5 on 1 July 2026"


def test_figures_with_their_units():
    from indicators.models import figure, with_unit

    assert figure(Decimal("1200.50")) == "1,200.5"
    assert figure(Decimal("100.00")) == "100"
    assert with_unit(Decimal("5"), "£") == "£5"
    assert with_unit(Decimal("45.25"), "%") == "45.25%"
    assert with_unit(Decimal("120"), "people") == "120 people"
