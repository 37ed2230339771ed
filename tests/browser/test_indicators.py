"""An indicator in a real browser: a member of the organisation that measures it records a
value, the coordinator approves it, and the chart and its table show it; axe-core is clean."""

import datetime
import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from indicators.models import IndicatorValue
from tests.browser.test_journeys import sign_in
from tests.factories import IndicatorFactory, IndicatorValueFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_records_a_value_and_sees_it_on_the_chart(browser, live_server, world):
    indicator = IndicatorFactory(
        name="Volunteers placed",
        strategy=world.action.theme.strategy,
        owner=world.partner,
        created_by=world.personas["coordinator"],
        strategy_actions=[world.action],
    )
    IndicatorValueFactory(
        indicator=indicator, value=Decimal("120"), measured_on=datetime.date(2026, 5, 1)
    )
    member = world.personas["forum_member"]
    page = browser.new_context().new_page()
    sign_in(page, live_server, member.username)

    page.goto(f"{live_server.url}/indicators/")
    assert Axe().run(page).violations_count == 0
    page.get_by_role("link", name="Volunteers placed").click()
    expect(page.get_by_role("heading", name="Volunteers placed", level=1)).to_be_visible()
    page.get_by_role("button", name="Record a value").click()
    assert Axe().run(page).violations_count == 0

    page.get_by_label("Value (people)").fill("lots")
    page.get_by_role("button", name="Submit the value for review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The value must be a number, like 120 or 45.5"
    )
    assert Axe().run(page).violations_count == 0

    page.get_by_label("Value (people)").fill("160")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("8")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Note (optional)").fill("From the volunteer centre's records")
    page.get_by_role("button", name="Submit the value for review").click()
    expect(page.get_by_text("has been submitted for review")).to_be_visible()
    expect(page.locator("#pending")).to_contain_text("160 people")
    assert IndicatorValue.all_records.filter(author=member).count() == 1

    reviewer = browser.new_context().new_page()
    sign_in(reviewer, live_server, world.personas["coordinator"].username)
    reviewer.goto(f"{live_server.url}{indicator.get_absolute_url()}")
    reviewer.get_by_role("link", name=re.compile("Review this value")).click()
    assert Axe().run(reviewer).violations_count == 0
    reviewer.get_by_label("Approve it: it counts from now on").check()
    reviewer.get_by_role("button", name="Save your review").click()
    expect(reviewer.get_by_text("Approved the value of Volunteers placed.")).to_be_visible()

    table = reviewer.locator(f"#indicator-{indicator.pk}-table")
    expect(table).to_contain_text("1 Aug 2026")
    expect(table).to_contain_text("160 people")
    expect(reviewer.locator("svg .app-chart__value")).to_have_count(2)
    expect(reviewer.locator("svg .app-chart__target")).to_have_count(1)
    assert Axe().run(reviewer).violations_count == 0

    reviewer.goto(f"{live_server.url}{world.action.get_absolute_url()}")
    expect(reviewer.locator(f"#indicator-{indicator.pk}-table")).to_contain_text("160 people")
    assert Axe().run(reviewer).violations_count == 0


def test_the_coordinator_approves_several_values_at_once(browser, live_server, world):
    member = world.personas["forum_member"]
    for name, value in (("Volunteers placed", "120"), ("Groups supported", "7")):
        indicator = IndicatorFactory(
            name=name, strategy=world.action.theme.strategy, owner=world.partner
        )
        IndicatorValueFactory(
            indicator=indicator,
            author=member,
            value=Decimal(value),
            measured_on=datetime.date(2026, 5, 1),
            approved=False,
        )
    page = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page, live_server, world.personas["coordinator"].username)
    page.goto(f"{live_server.url}/reviews/")
    page.get_by_role("link", name="Approve several values at once").click()

    page.get_by_role("button", name="Approve the selected values").click()  # none ticked
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the values to approve")
    assert Axe().run(page).violations_count == 0

    page.locator("label", has_text="Volunteers placed: 120").click()
    page.locator("label", has_text="Groups supported: 7").click()
    page.get_by_role("button", name="Approve the selected values").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Approved 2 values.")
    assert Axe().run(page).violations_count == 0
    assert set(IndicatorValue.all_records.values_list("review_state", flat=True)) == {"approved"}
