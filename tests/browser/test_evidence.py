"""Attaching an evidence file to an update in a real browser, and downloading it."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from evidence.models import EvidenceFile
from tests import evidence_samples as samples
from tests.browser.test_journeys import fill_update, no_review, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_forum_member_attaches_a_file_and_a_reader_downloads_it(
    browser, live_server, world, tmp_path
):
    no_review(world.action)
    page = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page, live_server, world.personas["forum_member"].username)
    page.goto(f"{live_server.url}/actions/{world.action.pk}/update/")

    # A renamed program is refused, with the rest of the update kept.
    fill_update(page, "We held the first partners' meeting.")
    page.get_by_label("Evidence files (optional)").set_input_files(
        files=[{"name": "minutes.pdf", "mimeType": "application/pdf", "buffer": samples.EXECUTABLE}]
    )
    page.get_by_role("button", name="Save update").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The selected file must be a PDF, Word, Excel, PowerPoint or image file"
    )
    expect(page.get_by_label("What has happened")).to_have_value(
        "We held the first partners' meeting."
    )
    assert Axe().run(page).violations_count == 0
    assert not EvidenceFile.objects.exists()

    # Chosen again, a real PDF is kept with the update.
    page.get_by_label("Evidence files (optional)").set_input_files(
        files=[{"name": "Minutes June.pdf", "mimeType": "application/pdf", "buffer": samples.PDF}]
    )
    page.get_by_role("button", name="Save update").click()
    expect(page).to_have_url(re.compile(rf"/actions/{world.action.pk}/$"))
    link = page.get_by_role("link", name="Minutes_June.pdf")
    expect(link).to_be_visible()
    expect(page.locator(".app-evidence-files")).to_contain_text("PDF")
    assert Axe().run(page).violations_count == 0

    # Anyone who reads the plan downloads it, as an attachment with the cleaned name.
    reader = browser.new_context().new_page()
    sign_in(reader, live_server, world.personas["cabinet"].username)
    reader.goto(f"{live_server.url}/actions/{world.action.pk}/")
    with reader.expect_download() as arrived:
        reader.get_by_role("link", name="Minutes_June.pdf").click()
    download = arrived.value
    assert download.suggested_filename == "Minutes_June.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == samples.PDF


def test_a_forum_member_removes_a_file_from_their_draft(browser, live_server, world):
    page = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page, live_server, world.personas["forum_member"].username)
    page.goto(f"{live_server.url}/actions/{world.action.pk}/update/")
    fill_update(page, "We drafted the partners' terms.")
    page.get_by_label("Evidence files (optional)").set_input_files(
        files=[
            {"name": "terms.pdf", "mimeType": "application/pdf", "buffer": samples.PDF},
            {"name": "wrong.pdf", "mimeType": "application/pdf", "buffer": samples.PDF},
        ]
    )
    page.get_by_role("button", name="Save as draft").click()
    page.goto(f"{live_server.url}/actions/{world.action.pk}/update/")
    expect(page.get_by_text("Files already attached to your draft")).to_be_visible()
    assert Axe().run(page).violations_count == 0

    page.get_by_role("button", name="Remove wrong.pdf").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "wrong.pdf was removed from your draft."
    )
    expect(page.get_by_role("link", name="terms.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="wrong.pdf")).to_have_count(0)
    expect(page.get_by_label("What has happened")).to_have_value("We drafted the partners' terms.")
    assert Axe().run(page).violations_count == 0
    assert sorted(EvidenceFile.objects.values_list("name", flat=True)) == ["terms.pdf"]
