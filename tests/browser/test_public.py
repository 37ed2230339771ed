"""The public site in a real browser, not signed in: from the list of strategies to the
strategy, a theme, an action with its chart, the council's decisions, an indicator and the
open data page; axe clean at desktop width and on a phone, with no sideways scrolling."""

import datetime
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from actions.models import Decision
from actions.services import record_decision
from publication import services
from tests.browser.test_layout import DESKTOP, PHONE, overflow
from tests.factories import (
    CouncilInputFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_anonymous_visit_through_the_public_site(browser, live_server, world, viewport):
    strategy = world.action.theme.strategy
    strategy.title = "Third Sector Strategy"
    strategy.save()
    member = world.personas["forum_member"]
    ProgressUpdateFactory(
        strategy_action=world.action, author=member, narrative="Twelve groups trained"
    )
    MilestoneFactory(strategy_action=world.action, owner=world.partner, added_by=member)
    officer = world.personas["officer"]
    record_decision(
        council_action=world.council_action,
        decided_by=officer,
        expected_version=world.council_action.version,
        decision=Decision.ACCEPTED,
        reason="Within existing resources",
    )
    CouncilInputFactory(council_action=world.council_action, author=officer)
    indicator = IndicatorFactory(
        name="Volunteers placed",
        strategy=strategy,
        owner=world.partner,
        created_by=member,
        strategy_actions=[world.action],
    )
    IndicatorValueFactory(
        indicator=indicator,
        author=member,
        value=Decimal("140"),
        measured_on=datetime.date(2026, 7, 1),
    )
    services.publish(strategy=strategy, by=world.personas["admin"])

    page = browser.new_context(viewport=viewport).new_page()

    def clean():
        assert Axe().run(page).violations_count == 0, page.url
        assert overflow(page) <= 0, page.url

    page.goto(f"{live_server.url}/public/")
    clean()
    page.get_by_role("link", name="Third Sector Strategy", exact=True).click()
    expect(page.get_by_role("heading", name="Third Sector Strategy", level=1)).to_be_visible()
    expect(page.locator("#progress-by-theme")).to_contain_text("30% (1)")
    clean()

    page.locator("#progress-by-theme").get_by_role("link").first.click()
    clean()
    page.get_by_role("link", name=world.action.reference).click()
    expect(page.locator("#updates")).to_be_visible()
    expect(page.get_by_text("Twelve groups trained")).to_be_visible()
    expect(page.locator(f"#council-action-{world.council_action.pk}")).to_contain_text(
        "Within existing resources"
    )
    expect(page.locator("svg .app-chart__value")).to_have_count(1)
    assert member.full_name not in page.content()
    clean()

    page.get_by_role("link", name="Volunteers placed").click()
    expect(page.locator(f"#indicator-{indicator.pk}-table")).to_contain_text("140 people")
    clean()

    page.goto(f"{live_server.url}/public/{strategy.slug}/council-actions/")
    expect(page.locator("#council-actions")).to_contain_text("Accepted")
    clean()
    page.goto(f"{live_server.url}/public/{strategy.slug}/data/")
    expect(page.get_by_text("Open Government Licence v3.0").first).to_be_visible()
    clean()
