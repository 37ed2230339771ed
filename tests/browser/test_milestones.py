"""Milestones in a real browser: a Forum member adds milestones to their action, takes its
percent from them and marks one done; axe-core on every page visited."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from actions.models import Milestone
from actions.status import Status
from tests.browser.test_journeys import no_review, sign_in
from tests.helpers import post_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_clean(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def test_forum_member_adds_a_milestone_marks_it_done_and_sees_the_percent(
    browser, live_server, world
):
    member = world.personas["forum_member"]
    no_review(world.action)
    post_update(world.action, member, Status.ON_TRACK, 20, "Started.")  # under way
    page = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page, live_server, member.username)
    page.goto(f"{live_server.url}/actions/{world.action.pk}/")
    expect(page.locator("#percent-source")).to_contain_text("as reported in progress updates")
    axe_clean(page)

    page.get_by_role("link", name="Add a milestone").click()
    expect(page.get_by_role("heading", name="Add a milestone")).to_be_visible()
    axe_clean(page)
    page.get_by_role("button", name="Add the milestone").click()  # nothing typed
    expect(page.get_by_role("link", name="Enter what the milestone is")).to_be_visible()
    axe_clean(page)
    page.get_by_label("Milestone").fill("Venue booked")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Add the milestone").click()
    expect(page).to_have_url(re.compile(rf"/actions/{world.action.pk}/#milestone-\d+$"))
    expect(page.get_by_role("cell", name="Venue booked", exact=True)).to_be_visible()

    page.get_by_role("link", name="Add a milestone").click()
    page.get_by_label("Milestone").fill("Partners' meeting held")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Add the milestone").click()
    assert Milestone.objects.filter(owner=world.partner, added_by=member).count() == 2

    page.get_by_role("link", name="Change where it comes from").click()
    axe_clean(page)
    page.get_by_label("Its milestones: the share of them done").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#percent-source")).to_contain_text("0 of 2 milestones done, 0%")

    page.get_by_role("link", name=re.compile(r"^Mark done\s+Venue booked$")).click()
    expect(page.get_by_role("heading", name="Mark a milestone done")).to_be_visible()
    axe_clean(page)
    page.get_by_role("button", name="Mark it done").click()  # today, as filled in
    expect(page.locator("#percent-source")).to_contain_text("1 of 2 milestones done, 50%")
    expect(page.get_by_role("link", name=re.compile(r"^Not done\s+Venue booked$"))).to_be_visible()
    axe_clean(page)

    # The update form now shows the percent as taken from the milestones, not typed.
    page.get_by_role("button", name="Post a progress update").click()
    expect(page.locator("#percent-from-milestones")).to_contain_text("1 of 2 milestones done")
    expect(page.get_by_label("Partners' meeting held", exact=False)).to_be_visible()
    axe_clean(page)
