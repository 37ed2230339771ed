"""Journeys through the product in a real browser, and axe-core on the key pages."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from actions.models import ProgressUpdate
from reports import downloads
from reports.models import Download
from tests.factories import (
    TEST_PASSWORD,
    DownloadFactory,
    MonitoringRoundFactory,
    ProgressUpdateFactory,
    StrategyActionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, live_server, username: str):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address or username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def no_review(action):
    """The action's strategy switches review off: submitting approves."""
    strategy = action.theme.strategy
    strategy.reviews_updates = False
    strategy.save()


def fill_update(page: Page, narrative: str, percent: str = "40"):
    page.get_by_label("On track").check()
    page.get_by_label("Percent complete").fill(percent)
    page.get_by_label("What has happened").fill(narrative)


def test_forum_member_submits_and_the_coordinator_approves_from_the_queue(
    browser, live_server, world
):
    member = world.personas["forum_member"]
    page = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page, live_server, member.username)

    expect(page.get_by_role("heading", name="Your actions")).to_be_visible()
    page.get_by_role("link", name=re.compile(world.action.reference)).first.click()
    expect(page).to_have_url(re.compile(rf"/actions/{world.action.pk}/$"))

    page.get_by_role("button", name="Post a progress update").click()
    fill_update(page, "We held the first partners' meeting.")
    page.get_by_role("button", name="Submit for review").click()

    expect(page.get_by_text("has been submitted for review")).to_be_visible()
    expect(page.locator("#pending")).to_contain_text("Submitted for review")
    assert (
        ProgressUpdate.all_records.filter(strategy_action=world.action, author=member).count() == 1
    )
    assert not ProgressUpdate.objects.exists()  # nothing counts yet

    reviewer = browser.new_context().new_page()
    sign_in(reviewer, live_server, world.personas["coordinator"].username)
    reviewer.get_by_role("link", name="Reviews").first.click()
    expect(reviewer.get_by_role("heading", name="Updates waiting for your review")).to_be_visible()
    assert Axe().run(reviewer).violations_count == 0
    reviewer.get_by_label(f"Approve the update on {world.action.reference}").check()
    reviewer.get_by_role("button", name="Approve the selected updates").click()
    expect(reviewer.get_by_text("Approved 1 update.")).to_be_visible()
    expect(reviewer.get_by_text("Nothing is waiting for your review.")).to_be_visible()

    reviewer.goto(f"{live_server.url}/plan/")
    card = reviewer.locator(f"#action-{world.action.pk}")
    expect(card).to_contain_text("On track, 40% complete")
    expect(card).to_contain_text(member.full_name)


def test_a_returned_update_is_put_right_and_resubmitted(browser, live_server, world):
    update = ProgressUpdateFactory(
        strategy_action=world.action,
        author=world.personas["forum_member"],
        narrative="Met partners.",
        approved=False,
    )
    reviewer = browser.new_context().new_page()
    sign_in(reviewer, live_server, world.personas["coordinator"].username)
    reviewer.goto(f"{live_server.url}/reviews/update/{update.pk}/")
    reviewer.get_by_role("button", name="Save your review").click()  # nothing chosen
    expect(reviewer.get_by_text("There is a problem")).to_be_visible()
    assert Axe().run(reviewer).violations_count == 0
    reviewer.get_by_label("Return it for changes").check()
    reviewer.get_by_label("What to change").fill("Which partners, and what was agreed?")
    reviewer.get_by_role("button", name="Save your review").click()
    expect(reviewer.get_by_text("with your comment")).to_be_visible()

    member = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(member, live_server, world.personas["forum_member"].username)
    expect(member.get_by_role("heading", name="Returned to you for changes")).to_be_visible()
    expect(member.get_by_text("Which partners, and what was agreed?")).to_be_visible()
    member.get_by_role("link", name=f"Change your update on {world.action.reference}").click()
    expect(member.get_by_label("What has happened")).to_have_value("Met partners.")
    assert Axe().run(member).violations_count == 0
    member.get_by_label("What has happened").fill("Met the three lead partners; agreed a venue.")
    member.get_by_role("button", name="Submit for review").click()
    expect(member.get_by_text("has been submitted for review")).to_be_visible()
    update.refresh_from_db()
    assert update.review_state == "submitted"
    assert update.narrative == "Met the three lead partners; agreed a venue."


def test_a_stale_second_edit_is_refused_without_loss(browser, live_server, world):
    no_review(world.action)
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    sign_in(first, live_server, world.personas["forum_member"].username)
    sign_in(second, live_server, world.personas["coordinator"].username)
    url = f"{live_server.url}/actions/{world.action.pk}/update/"
    first.goto(url)
    second.goto(url)

    fill_update(first, "First to save.")
    first.get_by_role("button", name="Save update").click()
    expect(first.get_by_text("has been saved")).to_be_visible()

    fill_update(second, "Typed at the same time.", percent="55")
    second.get_by_role("button", name="Save update").click()
    expect(second.get_by_text("Someone else has just updated this action")).to_be_visible()
    expect(second.locator("#newer-update")).to_contain_text("First to save.")
    expect(second.get_by_label("What has happened")).to_have_value("Typed at the same time.")
    expect(second.get_by_label("Percent complete")).to_have_value("55")
    assert ProgressUpdate.objects.count() == 1

    second.get_by_role("button", name="Save update").click()
    expect(second.get_by_text("has been saved")).to_be_visible()
    assert ProgressUpdate.objects.count() == 2


@pytest.mark.parametrize("which", ["plan", "action", "update", "update-errors", "round"])
def test_no_axe_violations(page: Page, live_server, world, which):
    coordinator = world.personas["coordinator"]
    round_ = MonitoringRoundFactory(opened_by=coordinator)
    sign_in(page, live_server, coordinator.username)
    urls = {
        "plan": "/plan/",
        "action": f"/actions/{world.action.pk}/",
        "update": f"/actions/{world.action.pk}/update/",
        "update-errors": f"/actions/{world.action.pk}/update/",
        "round": f"/rounds/{round_.pk}/",
    }
    page.goto(live_server.url + urls[which])
    if which == "update-errors":
        page.get_by_label("Percent complete").fill("150")
        page.get_by_role("button", name="Submit for review").click()
        expect(page.get_by_text("There is a problem")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_officer_records_council_input_and_sees_it_beside_the_forums_view(
    page: Page, live_server, world
):
    no_review(world.action)
    officer = world.personas["officer"]
    sign_in(page, live_server, officer.username)

    expect(page.get_by_role("heading", name="Proposed council actions")).to_be_visible()
    page.get_by_role("link", name=re.compile(world.council_action.reference)).first.click()
    page.get_by_role("button", name="Record the council’s input").click()
    page.get_by_label("At risk").check()
    page.get_by_label("Percent complete").fill("20")
    page.get_by_label("Commentary").fill("Waiting for the procurement review.")
    page.get_by_label("Resources (optional)").fill("Within existing resources")
    page.get_by_role("button", name="Save council input").click()
    expect(page.get_by_text("has been saved")).to_be_visible()
    expect(page.get_by_text("Waiting for the procurement review.")).to_be_visible()

    page.get_by_role("link", name=world.action.reference).first.click()
    voices = page.locator(".app-two-voices")
    expect(voices).to_contain_text("The Forum’s view")
    expect(voices).to_contain_text("The council’s view")
    expect(voices).to_contain_text("At risk")
    expect(voices).to_contain_text(officer.full_name)


@pytest.mark.parametrize("which", ["list", "detail", "input", "decision", "add"])
def test_no_axe_violations_on_council_pages(page: Page, live_server, world, which):
    sign_in(page, live_server, world.personas["officer"].username)
    pk = world.council_action.pk
    urls = {
        "list": "/council-actions/",
        "detail": f"/council-actions/{pk}/",
        "input": f"/council-actions/{pk}/input/",
        "decision": f"/council-actions/{pk}/decision/",
        "add": f"/actions/{world.action.pk}/council-actions/new/",
    }
    page.goto(live_server.url + urls[which])
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_cabinet_member_reads_the_dashboard_changes_and_pdf(page: Page, live_server, world):
    sign_in(page, live_server, world.personas["cabinet"].username)
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Exceptions")).to_be_visible()

    page.get_by_role("link", name=re.compile("What changed since the last report")).click()
    expect(page.get_by_role("heading", name=re.compile("What changed since"))).to_be_visible()

    page.goto(f"{live_server.url}/dashboard/")
    link = page.get_by_role("link", name="download it as a PDF")
    pdf = page.request.get(live_server.url + link.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/changes/", "/reports/cabinet/"])
def test_no_axe_violations_on_dashboard_and_report(page: Page, live_server, world, url):
    sign_in(page, live_server, world.personas["coordinator"].username)
    page.goto(live_server.url + url)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_large_report_is_made_in_the_background_and_fetched(
    page: Page, live_server, world, monkeypatch
):
    # Anything over one action is "large": made as a background job (in-process here).
    monkeypatch.setattr(downloads, "INLINE_MAX", dict.fromkeys(downloads.INLINE_MAX, 1))
    StrategyActionFactory()
    sign_in(page, live_server, world.personas["cabinet"].username)
    page.goto(f"{live_server.url}/reports/cabinet/")

    page.get_by_role("link", name="Download this report as a PDF").click()
    expect(page.get_by_role("heading", name="The Cabinet report as a PDF")).to_be_visible()
    assert Axe().run(page).violations_count == 0
    page.get_by_role("button", name="Prepare the file").click()

    expect(page.get_by_role("heading", name="Your file is ready")).to_be_visible()
    assert Axe().run(page).violations_count == 0
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"Download cabinet-progress-report")).click()
    with open(download.value.path(), "rb") as file:
        assert file.read(4) == b"%PDF"


def test_a_download_page_follows_the_job_until_the_file_is_ready(page: Page, live_server, world):
    member = world.personas["forum_member"]
    job = DownloadFactory(
        requested_by=member, status=Download.Status.RUNNING, rows_done=10, rows_total=40
    )
    sign_in(page, live_server, member.username)
    page.goto(f"{live_server.url}/downloads/{job.pk}/")
    expect(page.get_by_text("10 of 40 strategy actions written (25%)")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    Download.objects.filter(pk=job.pk).update(rows_done=30)
    expect(page.locator("#download-progress")).to_contain_text("30 of 40", timeout=10_000)
    Download.objects.filter(pk=job.pk).update(status=Download.Status.READY)
    expect(page.get_by_role("heading", name="Your file is ready")).to_be_visible(timeout=10_000)


def test_a_cabinet_member_opens_a_report_as_it_was_sent(page: Page, live_server, world):
    from reports import services as report_services

    report = report_services.generate_cabinet_report(generated_by=world.personas["coordinator"])
    report_services.keep_report_pdf(report.pk)
    sign_in(page, live_server, world.personas["cabinet"].username)

    page.get_by_role("link", name="Reports sent to Cabinet").click()
    expect(page.get_by_role("heading", name="Reports sent to Cabinet")).to_be_visible()
    assert Axe().run(page).violations_count == 0
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^PDF")).click()
    assert download.value.suggested_filename == report.pdf_filename()

    page.goto(f"{live_server.url}/dashboard/slippage/")
    expect(page.get_by_role("heading", name="Slippage")).to_be_visible()
    assert Axe().run(page).violations_count == 0
