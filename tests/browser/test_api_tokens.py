"""API tokens in a real browser (issue 14): a Cabinet member reaches the page from the header,
fixes a missing name, creates a token that is shown once, uses it, and revokes it after
confirming; axe-core on every page visited. Also the API documentation page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import Page, expect

from api.models import ApiToken
from tests.browser.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_clean(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def test_create_see_once_and_revoke_a_token(browser, live_server, world):
    cabinet = world.personas["cabinet"]
    page = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page, live_server, cabinet.username)
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    axe_clean(page)

    page.get_by_role("button", name="Create token").click()  # no name
    expect(page.get_by_role("link", name="Enter a name for the token")).to_be_visible()
    axe_clean(page)
    page.get_by_label("Name").fill("Dashboard feed")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="Token created")).to_be_visible()
    secret = page.locator("#token").inner_text()
    assert secret.startswith("tst_")
    axe_clean(page)
    api = Client()
    headers = {"Authorization": f"Token {secret}"}
    assert api.get("/api/v1/actions/", headers=headers).status_code == 200

    page.get_by_role("link", name="Back to your API tokens").click()
    expect(page.get_by_role("cell", name="Dashboard feed", exact=True)).to_be_visible()
    assert secret not in page.content()  # shown once only
    page.get_by_role("link", name="Revoke the token “Dashboard feed”").click()
    expect(page.get_by_role("heading", name="Revoke the token “Dashboard feed”?")).to_be_visible()
    axe_clean(page)
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_text("The token “Dashboard feed” has been revoked.")).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    axe_clean(page)
    assert not ApiToken.objects.exists()
    assert api.get("/api/v1/actions/", headers=headers).status_code == 401


def test_the_api_documentation_page(browser, live_server, db):
    page = browser.new_context().new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_role("heading", name="API documentation")).to_be_visible()
    expect(page.get_by_role("link", name="POST /api/v1/progress-updates/")).to_be_visible()
    axe_clean(page)
    page.goto(f"{live_server.url}/api/docs/swagger/")
    expect(page.locator(".swagger-ui .information-container")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e], errors
