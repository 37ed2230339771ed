"""A Forum member's landing page says what to do: the open round, its due date, which of their
actions still need an update, and an Update link on each."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionPartnerFactory, MonitoringRoundFactory, StrategyActionFactory
from tests.helpers import between, post_update, signed_in

pytestmark = pytest.mark.django_db


def test_the_landing_page_lists_what_the_open_round_still_needs(client, world):
    member = world.personas["forum_member"]
    second = StrategyActionFactory(reference="T9.9")
    ActionPartnerFactory(strategy_action=second, partner=world.partner)
    MonitoringRoundFactory(
        opened_by=world.personas["coordinator"],
        name="Quarter 3",
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    post_update(world.action, member)

    page = signed_in(client, member).get(reverse("home")).content.decode()

    assert "Quarter 3" in page
    assert "Update 1 action by" in page
    assert "10 days left." in page
    row = between(page, "T9.9", "</tr>")
    assert "Needs an update" in row
    assert reverse("action_update", args=[second.pk]) in row
    assert "Updated this round" in between(page, world.action.reference, "</tr>")


def test_without_a_round_the_page_says_so_and_still_offers_updates(client, world):
    page = signed_in(client, world.personas["forum_member"]).get(reverse("home")).content
    page = page.decode()

    assert "No monitoring round is open." in page
    assert reverse("action_update", args=[world.action.pk]) in page


def test_when_everything_is_updated_the_page_says_thank_you(client, world):
    member = world.personas["forum_member"]
    MonitoringRoundFactory(opened_by=world.personas["coordinator"])
    post_update(world.action, member)

    page = signed_in(client, member).get(reverse("home")).content.decode()

    assert "You have updated all your actions for this round." in page


def test_a_returned_indicator_value_is_listed_with_what_to_change(client, world):
    from decimal import Decimal

    from indicators import services as indicator_services
    from tests.factories import IndicatorFactory, IndicatorValueFactory

    member = world.personas["forum_member"]
    indicator = IndicatorFactory(name="Volunteers placed", unit="people", owner=world.partner)
    value = IndicatorValueFactory(
        indicator=indicator, author=member, value=Decimal("42"), approved=False
    )
    indicator_services.return_value(
        value=value, reviewer=world.personas["coordinator"], comment="Count March too"
    )
    others = IndicatorValueFactory(
        indicator=indicator, author=world.personas["forum_other"], approved=False
    )
    indicator_services.return_value(
        value=others, reviewer=world.personas["coordinator"], comment="Not for you to see"
    )

    page = signed_in(client, member).get(reverse("home")).content.decode()

    returned = between(page, 'id="returned"', "</ul>")
    assert "Record your value of Volunteers placed again" in returned
    assert reverse("indicator_value_add", args=[indicator.pk]) in returned
    assert "42 people" in returned
    assert "Count March too" in returned
    assert "Not for you to see" not in page  # another organisation's returned value
