"""Equality and social value in a real browser (issue 15): an officer's decision to accept is
refused until the equality impact assessment is done, the officer records it (done, negative
with mitigation), and then records the decision; on a desktop and on a phone, axe-core on
every page visited."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from actions.models import Decision
from duties.models import EqualityAssessment, State
from tests.browser.test_journeys import sign_in
from tests.factories import EqualityAssessmentFactory, ProtectedCharacteristicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def axe_clean(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_officer_records_the_assessment_then_accepts(browser, live_server, world, viewport):
    officer = world.personas["officer"]
    council_action = world.council_action
    for position, name in enumerate(["Age", "Disability", "Race"], start=1):
        ProtectedCharacteristicFactory(name=name, position=position)
    EqualityAssessmentFactory(council_action=council_action, affects_groups=True)
    page = browser.new_context(viewport=viewport).new_page()
    sign_in(page, live_server, officer.username)
    page.goto(f"{live_server.url}{council_action.get_absolute_url()}")
    expect(page.locator("#equality")).to_be_visible()
    expect(page.get_by_text("a decision to accept waits for the assessment")).to_be_visible()
    axe_clean(page)

    # Accepting first is refused, with what was typed kept and a link to the assessment.
    page.get_by_role("link", name="Record a decision").click()
    expect(page.get_by_text("Before it can be accepted")).to_be_visible()
    axe_clean(page)
    page.get_by_role("radio", name="Accepted", exact=True).check()
    page.get_by_label("Reason for the decision").fill("Cabinet agreed the funding")
    page.get_by_role("button", name="Record the decision").click()
    expect(
        page.get_by_role("link", name=re.compile("Record the equality impact assessment before"))
    ).to_be_visible()  # in the error summary
    expect(page.get_by_label("Reason for the decision")).to_have_value("Cabinet agreed the funding")
    axe_clean(page)
    page.get_by_role(
        "link", name=f"Record the equality impact assessment of {council_action.reference}"
    ).click()

    # The assessment: done, negative, first without the mitigation.
    expect(page.get_by_role("heading", name="Equality impact assessment")).to_be_visible()
    axe_clean(page)
    page.get_by_role("checkbox", name="Disability", exact=True).check()
    page.get_by_role("radio", name="Done", exact=True).check()
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("radio", name="Negative, with mitigation").check()
    page.get_by_label("If it is done: what it found (optional)").fill("Fewer daytime sessions")
    page.get_by_role("button", name="Save the assessment").click()
    expect(
        page.get_by_role("link", name="Say how the negative impact is mitigated")
    ).to_be_visible()
    expect(page.get_by_label("If it is done: what it found (optional)")).to_have_value(
        "Fewer daytime sessions"
    )
    axe_clean(page)
    page.get_by_label("If the outcome is negative: how the impact is mitigated").fill(
        "Evening sessions as well"
    )
    page.get_by_role("button", name="Save the assessment").click()
    expect(page).to_have_url(re.compile(rf"/council-actions/{council_action.pk}/#equality$"))
    section = page.locator("section", has=page.locator("#equality"))
    expect(section).to_contain_text("Negative, with mitigation")
    expect(section).to_contain_text("Evening sessions as well")
    expect(section).to_contain_text("3 February 2026")
    expect(section).to_contain_text("Disability")
    axe_clean(page)
    assessment = EqualityAssessment.objects.get(council_action=council_action)
    assert assessment.state == State.DONE
    assert assessment.updated_by == officer

    # Now the decision to accept goes through.
    page.get_by_role("link", name="Record a decision").click()
    expect(page.get_by_text("Before it can be accepted")).to_have_count(0)
    page.get_by_role("radio", name="Accepted", exact=True).check()
    page.get_by_label("Reason for the decision").fill("Cabinet agreed the funding")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("has been recorded")).to_be_visible()
    axe_clean(page)
    council_action.refresh_from_db()
    assert council_action.decision == Decision.ACCEPTED
