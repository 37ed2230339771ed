"""Data protection in a real browser (issue 15): an administrator finds a person, downloads
what is held about them and erases them after confirming; anyone reads the privacy notice on
a phone. axe-core on every page visited."""

import json
import zipfile

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from accounts.models import User
from privacy.models import Erasure
from tests.browser.test_journeys import sign_in
from tests.helpers import post_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_clean(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def test_an_administrator_finds_exports_and_erases_a_person(browser, live_server, world, tmp_path):
    admin, person = world.personas["admin"], world.personas["forum_member"]
    User.objects.filter(pk=person.pk).update(full_name="Zebedee Quinckfoot")
    post_update(world.action, person, narrative="Partners met in June.")
    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, live_server, admin.username)

    page.get_by_role("link", name="People’s data").click()
    expect(page.get_by_role("heading", name="People’s data")).to_be_visible()
    axe_clean(page)
    page.get_by_label("Name, username, email address or organisation").fill("Quinckfoot")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Zebedee Quinckfoot").click()
    expect(page.get_by_role("heading", name="Zebedee Quinckfoot")).to_be_visible()
    axe_clean(page)

    with page.expect_download() as arrived:
        page.get_by_role("link", name="Download what we hold").click()
    saved = tmp_path / arrived.value.suggested_filename
    arrived.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        account = json.loads(archive.read("account.json"))
        updates = json.loads(archive.read("records/actions.ProgressUpdate.author.json"))
    assert account["full_name"] == "Zebedee Quinckfoot"
    assert [u["narrative"] for u in updates] == ["Partners met in June."]

    page.get_by_role("link", name="Erase this person").click()
    expect(page.get_by_role("heading", name="Erase Zebedee Quinckfoot?")).to_be_visible()
    axe_clean(page)
    page.get_by_role("button", name="Erase this person").click()  # nothing typed
    expect(page.get_by_role("link", name="Type the word erase to confirm")).to_be_visible()
    axe_clean(page)
    assert not Erasure.objects.exists()
    page.get_by_label("Type the word erase to confirm").fill("erase")
    page.get_by_role("button", name="Erase this person").click()

    expect(page.get_by_role("heading", name="Responsible Charity (former member)")).to_be_visible()
    expect(page.locator("#erased")).to_be_visible()
    axe_clean(page)
    assert Erasure.objects.get().account_id == person.pk
    page.goto(f"{live_server.url}/actions/{world.action.pk}/")
    expect(page.locator("main")).to_contain_text("Responsible Charity (former member)")
    expect(page.locator("main")).not_to_contain_text("Zebedee")


def test_anyone_reads_the_privacy_notice_on_a_phone(browser, live_server, settings):
    page = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="privacy notice", exact=True).click()
    expect(page.get_by_role("heading", name="Privacy notice for the", exact=False)).to_be_visible()
    expect(page.locator("#retention-periods")).to_contain_text(
        f"{settings.RETENTION_SIGN_IN_DAYS} days"
    )
    expect(page.get_by_role("link", name=settings.PRIVACY_CONTACT_EMAIL)).to_be_visible()
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    axe_clean(page)
