"""The decision on a strategy in a real browser (issue 15): a Cabinet member opens the plan,
follows the link to the decision and reads it, on a desktop and on a phone; the public
site's copy, anonymously; axe-core on every page."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from strategy.models import Strategy
from tests.browser.test_journeys import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHOSEN_WHY = "Option One is recommended to Cabinet so that the Council can demonstrate"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def axe_clean(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def reads_the_decision(page: Page) -> None:
    expect(page.get_by_role("heading", name="The decision", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Option 1 Chosen")).to_be_visible()
    expect(page.locator("#option-1-disadvantages")).to_contain_text(
        "Existing resources may need to be reallocated"
    )
    expect(page.locator("#chosen-option")).to_contain_text(CHOSEN_WHY)
    expect(page.locator("#chosen-option")).to_contain_text("Paragraph 2.2.2")
    expect(page.get_by_role("heading", name="Protected characteristics")).to_be_visible()
    expect(page.get_by_text("Marriage and Civil partnership")).to_be_visible()
    page.get_by_role("link", name="Risk", exact=True).click()  # the contents list
    expect(page).to_have_url(re.compile(r"#risk$"))
    expect(page.get_by_text("Paragraph 2.11.1")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_cabinet_member_follows_the_plan_to_the_decision(browser, live_server, report, viewport):
    member = UserFactory(role=Role.CABINET_MEMBER)
    page = browser.new_context(viewport=viewport).new_page()
    sign_in(page, live_server, member.username)
    page.goto(f"{live_server.url}/plan/")
    page.get_by_role("link", name=re.compile(r"^The decision on this strategy")).first.click()
    expect(page).to_have_url(re.compile(r"/strategies/third-sector-strategy-2013/decision/$"))
    axe_clean(page)
    reads_the_decision(page)

    page.goto(f"{live_server.url}/reports/cabinet/")
    page.get_by_role("link", name="The decision on Third Sector Strategy (2013)").click()
    expect(page.locator("#chosen-option")).to_contain_text(CHOSEN_WHY)


def test_the_public_site_shows_the_decision_anonymously_on_a_phone(browser, live_server, report):
    Strategy.objects.filter(slug="third-sector-strategy-2013").update(published_at=timezone.now())
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/public/third-sector-strategy-2013/")
    page.get_by_role("link", name=re.compile(r"^The decision on this strategy")).click()
    axe_clean(page)
    reads_the_decision(page)
