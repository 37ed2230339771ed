"""Each indicator's trajectory verdict is kept on it (indicators/standing.py), right after
every change that moves it — through the services, the admin or a deletion — so lists can
filter on it in the database; and the indicators list filters and caches on it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators import services, standing
from indicators.models import Indicator, IndicatorTarget, IndicatorValue
from indicators.trajectory import Trajectory
from reports import indicator_figures
from strategy.models import Strategy
from tests.factories import IndicatorFactory, IndicatorValueFactory, UserFactory
from tests.helpers import between, queries_for

pytestmark = pytest.mark.django_db
D = datetime.date
OCTOBER = D(2026, 10, 1)


def verdict(indicator) -> str:
    return Indicator.objects.values_list("trajectory", flat=True).get(pk=indicator.pk)


def test_a_new_indicator_has_no_values_yet(world):
    assert verdict(IndicatorFactory()) == Trajectory.NO_VALUES


def test_an_approved_value_moves_the_verdict_and_a_waiting_one_does_not(world):
    indicator = IndicatorFactory()  # baseline 100 on 1 April 2026, target 200 by 1 April 2027
    IndicatorValueFactory(indicator=indicator, value=Decimal("110"), measured_on=OCTOBER)
    assert verdict(indicator) == Trajectory.BEHIND
    IndicatorValueFactory(
        indicator=indicator, value=Decimal("210"), measured_on=D(2026, 12, 1), approved=False
    )
    assert verdict(indicator) == Trajectory.BEHIND  # waiting for review: it does not count yet
    waiting = IndicatorValue.all_records.get(indicator=indicator, value=Decimal("210"))
    services.approve_value(value=waiting, reviewer=UserFactory(role="forum_coordinator"))
    assert verdict(indicator) == Trajectory.REACHED


def test_changing_the_targets_or_direction_moves_the_verdict(world):
    indicator = IndicatorFactory()
    IndicatorValueFactory(indicator=indicator, value=Decimal("110"), measured_on=OCTOBER)
    assert verdict(indicator) == Trajectory.BEHIND
    services.update_indicator(
        indicator=indicator,
        changed_by=indicator.created_by,
        targets=[(Decimal("105"), D(2027, 4, 1))],
    )
    assert verdict(indicator) == Trajectory.REACHED
    services.update_indicator(
        indicator=indicator, changed_by=indicator.created_by, direction=Indicator.Direction.DOWN
    )
    assert verdict(indicator) == Trajectory.BEHIND  # going up when down is better


def test_admin_style_edits_and_deletions_move_the_verdict(world):
    """The admin saves and deletes targets and values directly, past the services."""
    indicator = IndicatorFactory()
    value = IndicatorValueFactory(indicator=indicator, value=Decimal("110"), measured_on=OCTOBER)
    value.value = Decimal("150")
    value.save()
    assert verdict(indicator) == Trajectory.ON_TRAJECTORY
    value.delete()
    assert verdict(indicator) == Trajectory.NO_VALUES
    IndicatorValueFactory(indicator=indicator, value=Decimal("150"), measured_on=OCTOBER)
    IndicatorTarget.objects.filter(indicator=indicator).delete()  # a queryset delete
    assert verdict(indicator) == Trajectory.NO_TARGET


def test_refresh_all_puts_right_what_bypassed_the_signals(world):
    behind = IndicatorFactory()
    IndicatorValueFactory(indicator=behind, value=Decimal("110"), measured_on=OCTOBER)
    Indicator.objects.update(trajectory=Trajectory.NO_VALUES)  # as a bulk write leaves it
    assert standing.refresh_all() == 1
    assert verdict(behind) == Trajectory.BEHIND
    assert standing.refresh_all() == 0


def test_the_stored_verdict_agrees_with_the_one_worked_out_on_every_page(world):
    from indicators.selectors import Figures, with_figures

    strategy = IndicatorFactory().strategy
    for value in ("101", "150", "190", "250"):
        indicator = IndicatorFactory(strategy=strategy)
        IndicatorValueFactory(indicator=indicator, value=Decimal(value), measured_on=OCTOBER)
    for indicator in with_figures():
        assert indicator.trajectory == Figures.of(indicator).assessment.status


def _behind(strategy, name):
    indicator = IndicatorFactory(strategy=strategy, name=name)
    IndicatorValueFactory(indicator=indicator, value=Decimal("101"), measured_on=OCTOBER)
    return indicator


def test_the_dashboard_reads_only_the_indicators_it_shows(client, world):
    """However many indicators are behind, the exceptions read a capped list and a count."""
    strategy = Strategy.objects.current().first() or IndicatorFactory().strategy
    Strategy.objects.filter(pk=strategy.pk).update(reviews_updates=False)
    for n in range(3):
        _behind(strategy, f"Behind {n}")
    few = len(queries_for_context())
    for n in range(3, indicator_figures.LIST_LIMIT + 8):
        _behind(strategy, f"Behind {n}")
    assert len(queries_for_context()) == few
    found = indicator_figures.context()["indicators_behind"]
    assert found.count == indicator_figures.LIST_LIMIT + 8
    assert len(found.items) == indicator_figures.LIST_LIMIT


def queries_for_context():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        indicator_figures.context()
    return captured.captured_queries


def test_see_all_links_to_the_list_filtered_to_those_behind(client, world):
    strategy = IndicatorFactory().strategy
    for n in range(indicator_figures.LIST_LIMIT + 1):
        _behind(strategy, f"Behind {n:02}")
    on_track = IndicatorFactory(strategy=strategy, name="On track")
    IndicatorValueFactory(indicator=on_track, value=Decimal("150"), measured_on=OCTOBER)
    client.force_login(world.personas["cabinet"])
    dashboard = client.get(reverse("dashboard")).content.decode()
    link = reverse("indicators") + "?trajectory=behind"
    assert f'href="{link}"' in dashboard
    listed = client.get(link).content.decode()
    table = between(listed, "<tbody", "</tbody>")
    assert "Behind 00" in table
    assert "On track" not in table
    assert f"of {indicator_figures.LIST_LIMIT + 1} indicators matching the filter" in listed


def test_an_unknown_trajectory_in_the_filter_gets_a_plain_error(client, world):
    IndicatorFactory(name="Volunteers placed")
    client.force_login(world.personas["cabinet"])
    response = client.get(reverse("indicators"), {"trajectory": "sideways"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose where the indicators stand from the list" in page
    assert "Volunteers placed" not in between(page, "<main", "</main>")


def test_the_list_is_kept_rendered_until_a_value_changes_it(client, world):
    indicator = IndicatorFactory(name="Volunteers placed")
    Strategy.objects.filter(pk=indicator.strategy_id).update(reviews_updates=False)
    client.force_login(world.personas["cabinet"])
    url = reverse("indicators")
    first = len(queries_for(client, url))
    again = len(queries_for(client, url))
    assert again < first  # served from the cache
    IndicatorValueFactory(indicator=indicator, value=Decimal("101"), measured_on=OCTOBER)
    page = client.get(url).content.decode()
    assert "101 people" in page
    assert "Behind" in between(page, "<tbody", "</tbody>")


def test_the_list_makes_the_same_queries_with_many_indicators(client, world):
    strategy = IndicatorFactory().strategy
    client.force_login(world.personas["cabinet"])
    url = reverse("indicators") + "?trajectory=behind"
    _behind(strategy, "Behind first")
    few = len(queries_for(client, url, {"page": "1"}))
    for n in range(30):
        _behind(strategy, f"Behind {n:02}")
    assert len(queries_for(client, url, {"page": "2"})) == few


def test_the_indicator_page_keeps_its_figures_rendered_until_they_change(client, world):
    indicator = IndicatorFactory(name="Volunteers placed")
    Strategy.objects.filter(pk=indicator.strategy_id).update(reviews_updates=False)
    client.force_login(world.personas["cabinet"])
    url = reverse("indicator", args=[indicator.pk])
    first = len(queries_for(client, url))
    assert len(queries_for(client, url)) < first  # the figures come from the cache
    IndicatorValueFactory(indicator=indicator, value=Decimal("101"), measured_on=OCTOBER)
    page = client.get(url).content.decode()
    assert "101 people" in between(page, 'id="values"', "</table>")
    assert "Behind" in page
