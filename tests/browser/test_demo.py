"""A tracker holding demo progress says so on every page, in a banner that passes axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import sign_in
from tests.factories import DemoProgressFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_says_it_holds_demo_progress(page: Page, live_server, world):
    DemoProgressFactory()
    sign_in(page, live_server, world.personas["cabinet"].username)
    for url in ["/dashboard/", "/plan/", f"/actions/{world.action.pk}/", "/indicators/"]:
        page.goto(live_server.url + url)
        banner = page.get_by_role("region", name="Demo records")
        expect(banner).to_contain_text("This tracker holds demo progress")
        assert Axe().run(page).violations_count == 0, url
