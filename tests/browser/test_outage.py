"""The "service unavailable" page in a real browser (issue 16): a Forum member's update posted
while the database does not answer. The live server's database connection fails at the
cursor, as a stopped server's does (tests/test_outage_postgres.py stops a real one); the page
is the one Django serves then, checked with axe on a phone-sized screen."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from actions.models import ProgressUpdate
from tests.browser.test_journeys import fill_update, sign_in
from tests.test_outages import database_down

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_clean(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def test_an_update_posted_during_an_outage_is_shown_back_unsaved(browser, live_server, world):
    member = world.personas["forum_member"]
    page = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page, live_server, member.username)
    page.goto(f"{live_server.url}/actions/{world.action.pk}/update/")
    fill_update(page, "We met 40 groups <in person>.\nThe hall is booked.")

    with database_down():
        page.get_by_role("button", name="Submit for review").click()
        expect(
            page.get_by_role("heading", name="Sorry, the service is unavailable")
        ).to_be_visible()
        expect(page.get_by_text("Your changes have not been saved.")).to_be_visible()
        typed = page.locator("#what-you-typed")
        expect(typed).to_contain_text("We met 40 groups <in person>.")
        expect(typed).to_contain_text("The hall is booked.")
        expect(page).to_have_title(
            "Sorry, the service is unavailable – Third Sector Strategy Tracker – Harrow Council"
        )
        axe_clean(page)

        page.goto(f"{live_server.url}/plan/")
        expect(page.get_by_text("Try again in 1 minute.")).to_be_visible()
        axe_clean(page)

    assert not ProgressUpdate.all_records.filter(strategy_action=world.action).exists()
    page.get_by_role("link", name="Accessibility statement").click()  # back, all as before
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
