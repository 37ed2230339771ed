"""Indicators on the dashboard (behind trajectory among the exceptions, each chart and table),
in the Cabinet report and in the workbook's Indicators sheet."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from reports import indicator_figures
from strategy.models import Strategy
from tests.factories import IndicatorFactory, IndicatorValueFactory
from tests.helpers import between, pdf_text, queries_for
from tests.test_exports import sheet_rows, workbook

pytestmark = pytest.mark.django_db
D = datetime.date


OCTOBER = D(2026, 10, 1)


def with_value(value, measured_on=OCTOBER, **fields):
    """An indicator (baseline 100 on 1 April 2026, target 200 by 1 April 2027) with one
    approved value."""
    indicator = IndicatorFactory(**fields)
    Strategy.objects.filter(pk=indicator.strategy_id).update(reviews_updates=False)
    IndicatorValueFactory(indicator=indicator, value=Decimal(value), measured_on=measured_on)
    return indicator


def test_an_indicator_behind_trajectory_is_an_exception(client, world):
    behind = with_value("110", name="Volunteers placed")  # the line stands near 150
    with_value("150", name="Groups supported", strategy=behind.strategy)
    client.force_login(world.personas["cabinet"])
    page = client.get(reverse("dashboard")).content.decode()
    exceptions = between(page, 'id="indicators-behind"', "</ul>")
    assert "Volunteers placed" in exceptions
    assert "110 people on 1 October 2026" in exceptions
    assert "Groups supported" not in exceptions


def test_no_indicator_behind_says_so(client, world):
    with_value("150")
    client.force_login(world.personas["cabinet"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "No indicator is behind its trajectory." in page


def test_exceptions_are_capped_with_a_count(world, settings):
    first = with_value("101")
    for _ in range(indicator_figures.LIST_LIMIT + 2):
        with_value("101", strategy=first.strategy)
    found = indicator_figures.context()
    assert len(found["indicators_behind"].items) == indicator_figures.LIST_LIMIT
    assert found["indicators_behind"].count == indicator_figures.LIST_LIMIT + 3


def test_dashboard_and_report_show_each_chart_and_table(client, world):
    indicator = with_value("150", name="Volunteers placed")
    client.force_login(world.personas["cabinet"])
    for name in ("dashboard", "cabinet_report"):
        page = client.get(reverse(name)).content.decode()
        section = page[page.index('<h2 class="govuk-heading-l" id="indicators">') :]
        assert "Volunteers placed" in section
        assert 'class="app-chart__value"' in section
        assert f'id="indicator-{indicator.pk}-table"' in section
        assert "150 people" in section


def test_the_report_pdf_has_the_indicators(client, world):
    with_value("150", name="Volunteers placed")
    client.force_login(world.personas["cabinet"])
    pdf = client.get(reverse("cabinet_report_pdf"))
    text = pdf_text(pdf)
    assert "Indicators behind trajectory" in text
    assert "Volunteers placed" in text


def test_the_charts_are_capped_with_a_count(world):
    first = IndicatorFactory()
    for _ in range(indicator_figures.INDICATORS_SHOWN):
        IndicatorFactory(strategy=first.strategy)
    shown = indicator_figures.context()["indicators"]
    assert len(shown.items) == indicator_figures.INDICATORS_SHOWN
    assert shown.more == 1


def test_the_workbook_has_an_indicators_sheet(client, world):
    indicator = with_value("150", name="Volunteers placed", unit="people")
    client.force_login(world.personas["cabinet"])
    book = workbook(client.get(reverse("export_xlsx")))
    sheet = book["Indicators"]
    assert [c.value for c in sheet[1]] == indicator_figures.INDICATOR_HEADERS
    [row] = sheet_rows(sheet)
    assert row["Indicator"] == "Volunteers placed"
    assert row["Unit"] == "people"
    assert row["Which way is better"] == "Up is better"
    assert row["Baseline value"] == 100
    assert row["Baseline date"].date() == D(2026, 4, 1)
    assert row["Targets"] == "200 by 1 April 2027"
    assert row["Latest value"] == 150
    assert row["Latest value measured on"].date() == D(2026, 10, 1)
    assert row["Trajectory"] == "On trajectory"
    assert row["Measured by"] == indicator.owner.name


def test_dashboard_queries_do_not_grow_with_indicators(client, world):
    client.force_login(world.personas["admin"])
    first = with_value("120")
    small = len(queries_for(client, reverse("dashboard")))
    for _ in range(10):
        with_value("130", strategy=first.strategy)
    assert len(queries_for(client, reverse("dashboard"))) == small


def test_a_reviewer_is_told_of_values_waiting(client, world):
    IndicatorValueFactory(approved=False)
    client.force_login(world.personas["coordinator"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "1 update is waiting for your review" in page
