"""Pages fit a phone and a desktop: no sideways scrolling at 375 px, the navigation on one
line at 1,280 px for every role, the Forum member's landing page usable, and axe clean."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import sign_in
from tests.factories import MonitoringRoundFactory
from tests.helpers import post_update, record_input

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def overflow(page: Page) -> int:
    """How far the page is wider than the window, in CSS pixels (0 when it fits)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize(
    "url", ["/dashboard/", "/reports/cabinet/", "/dashboard/changes/", "/plan/", "/"]
)
def test_pages_fit_a_phone(page: Page, live_server, report, world, url):
    post_update(world.action, world.personas["forum_member"])
    record_input(world.council_action, world.personas["officer"])
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, world.personas["coordinator"].username)

    page.goto(live_server.url + url)

    assert overflow(page) <= 0


def test_the_plan_shows_actions_before_the_folded_filters_on_a_phone(
    page: Page, live_server, world
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, world.personas["coordinator"].username)
    page.goto(f"{live_server.url}/plan/")

    more = page.locator("details.govuk-details").first
    expect(more).not_to_have_attribute("open", "")
    expect(page.get_by_label("Overdue: target date passed and not completed")).not_to_be_visible()
    page.get_by_text("More filters").click()
    expect(page.get_by_label("Overdue: target date passed and not completed")).to_be_visible()


@pytest.mark.parametrize("persona", ["forum_member", "officer", "admin", "coordinator", "cabinet"])
def test_the_navigation_is_one_line_at_desktop_width(page: Page, live_server, world, persona):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.personas[persona].username)

    items = page.locator(".govuk-service-navigation__item")
    tops = {round(box["y"]) for box in (items.nth(i).bounding_box() for i in range(items.count()))}

    assert len(tops) == 1, f"{persona}: navigation items on {len(tops)} lines"
    # The account links say what they do.
    expect(page.get_by_role("link", name="Change your password")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_forum_member_sees_what_to_update_and_updates_it(page: Page, live_server, world):
    MonitoringRoundFactory(opened_by=world.personas["coordinator"], name="Quarter 3")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, world.personas["forum_member"].username)

    expect(page.get_by_text("Update 1 action by")).to_be_visible()
    assert Axe().run(page).violations_count == 0
    page.get_by_role("link", name=f"Update {world.action.reference}").click()
    page.get_by_label("On track").check()
    page.get_by_label("Percent complete").fill("30")
    page.get_by_label("What has happened").fill("Met the partners.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("has been submitted for review")).to_be_visible()
    page.goto(f"{live_server.url}/")  # submitted is the organisation's part done

    expect(page.get_by_text("You have updated all your actions for this round.")).to_be_visible()


def test_unusual_answers_are_asked_about_in_the_browser(page: Page, live_server, world):
    post_update(world.action, world.personas["forum_member"], percent=60)
    sign_in(page, live_server, world.personas["forum_member"].username)
    page.goto(f"{live_server.url}/actions/{world.action.pk}/update/")

    page.get_by_label("On track").check()
    page.get_by_label("Percent complete").fill("40")
    page.get_by_label("What has happened").fill("Less done than we thought.")
    page.get_by_role("button", name="Submit for review").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("goes down from 60% to 40%")
    assert Axe().run(page).violations_count == 0
    page.get_by_label("Yes, these answers are right").check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("has been submitted for review")).to_be_visible()


def test_govuk_frontend_runs_under_the_content_security_policy(page: Page, live_server, world):
    """The scripts are files the policy allows: GOV.UK Frontend starts and builds the
    character count's live message, and no policy violation is reported."""
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    sign_in(page, live_server, world.personas["forum_member"].username)
    page.goto(f"{live_server.url}/actions/{world.action.pk}/update/")

    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    expect(page.locator(".govuk-character-count__status").first).to_be_attached()
    assert not [text for text in violations if "Content Security Policy" in text]
