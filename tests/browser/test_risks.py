"""The risk register in a real browser: a council officer reviews the risk the report names
(paragraph 2.11.1), gives it a likelihood and impact and a note, and sees its score and
history; at phone and desktop widths, with axe-core on every page visited."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from accounts.roles import Role
from risks.models import Risk, RiskReview
from strategy.seed import load_report
from tests.browser.test_journeys import sign_in
from tests.factories import CouncilUnitFactory, MonitoringRoundFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def axe_clean(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_officer_reviews_the_reports_main_risk(browser, live_server, viewport):
    load_report()
    officer = UserFactory(role=Role.COUNCIL_OFFICER, organisation=CouncilUnitFactory())
    coordinator = UserFactory(role=Role.FORUM_COORDINATOR)
    round_ = MonitoringRoundFactory(opened_by=coordinator, name="Quarter 1")
    risk = Risk.objects.get(reference="R1")

    page = browser.new_context(viewport=viewport).new_page()
    sign_in(page, live_server, officer.username)
    page.goto(f"{live_server.url}/risks/")
    axe_clean(page)
    page.get_by_role("link", name="Third Sector Strategy (2013)").click()
    expect(page.get_by_role("heading", name="Risk register")).to_be_visible()
    expect(page.locator("#risk-counts")).to_contain_text("1 not yet assessed")
    axe_clean(page)

    page.get_by_role("link", name="R1", exact=True).click()
    expect(page.locator("#risk-description")).to_contain_text("ongoing pressure on resources")
    expect(page.locator("#risk-score")).to_contain_text("Not yet assessed")
    expect(page.locator("#risk-round")).to_contain_text("Due for review in monitoring round")
    expect(page.locator("#mitigation-list li")).to_have_count(2)
    axe_clean(page)

    page.get_by_role("button", name="Review this risk").click()
    expect(page.get_by_role("heading", name="Review this risk")).to_be_visible()
    axe_clean(page)
    page.get_by_role("button", name="Record the review").click()  # nothing chosen
    expect(page.get_by_role("link", name="Choose the likelihood, from 1 to 5")).to_be_visible()
    axe_clean(page)

    page.get_by_label("3 – Possible").check()
    page.get_by_label("4 – Major").check()
    page.get_by_label("Note (optional)").fill("Resources named for two of the six actions.")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Record the review").click()

    expect(page).to_have_url(re.compile(rf"/risks/{risk.pk}/$"))
    expect(page.locator("#risk-score")).to_contain_text("Medium · 12")
    expect(page.locator("#risk-round")).to_contain_text("Reviewed in monitoring round Quarter 1")
    expect(page.locator("#review-list")).to_contain_text("Resources named for two of the six")
    expect(page.locator("#risk-history")).to_contain_text("Likelihood: to “3”")
    expect(page.locator("#risk-history")).to_contain_text(officer.full_name)
    axe_clean(page)

    review = RiskReview.objects.get()
    assert (review.round, review.reviewed_by, review.likelihood, review.impact) == (
        round_,
        officer,
        3,
        4,
    )
