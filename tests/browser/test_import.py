"""Importing the plan in a real browser (issue 14): the coordinator uploads a CSV with a
mistake, sees it named by sheet, row and column, fixes it, uploads it again, and confirms;
axe-core is clean on every page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from actions.models import StrategyAction
from imports.models import ImportRecord
from tests.browser.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "Strategy key,Theme number,Reference,Position,Strategy action,Original target date\n"


def test_an_import_with_an_error_fixed_and_uploaded_again(browser, live_server, world, tmp_path):
    action = world.action
    keys = f"{action.theme.strategy.slug},{action.theme.number},{action.reference}"
    wrong = tmp_path / "plan.csv"
    wrong.write_text(HEADER + f'{keys},{action.position},"New words for the action",31/02/2027\n')
    fixed = tmp_path / "plan-fixed.csv"
    fixed.write_text(HEADER + f'{keys},{action.position},"New words for the action",31/03/2027\n')

    page = browser.new_context().new_page()
    sign_in(page, live_server, world.personas["coordinator"].username)
    page.goto(f"{live_server.url}/import/")
    expect(page.get_by_role("heading", name="Import the plan from a spreadsheet")).to_be_visible()
    assert Axe().run(page).violations_count == 0

    # Nothing chosen: the field says so.
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a spreadsheet to upload")
    assert Axe().run(page).violations_count == 0

    page.get_by_label("Spreadsheet").set_input_files(str(wrong))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem in the file")
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Strategy actions")
    expect(problems).to_contain_text("Original target date")
    expect(problems).to_contain_text("The original target date must be a real date")
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)
    assert Axe().run(page).violations_count == 0

    page.get_by_role("link", name="Back to the upload page").click()
    page.get_by_label("Spreadsheet").set_input_files(str(fixed))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("New words for the action")).to_be_visible()
    assert Axe().run(page).violations_count == 0
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("plan-fixed.csv has been imported.")).to_be_visible()
    assert Axe().run(page).violations_count == 0

    action = StrategyAction.objects.get(pk=action.pk)
    assert action.text == "New words for the action"
    assert str(action.original_target_date) == "2027-03-31"
    assert action.history.first().history_user == world.personas["coordinator"]
    assert list(ImportRecord.objects.order_by("pk").values_list("file_name", "state")) == [
        ("plan.csv", "previewed"),
        ("plan-fixed.csv", "applied"),
    ]
