"""Discussion on an action in a real browser: a question, its answer, a comment hidden."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from discussion.models import Comment
from tests.browser.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def post_comment(page: Page, text: str):
    page.get_by_label("Add a comment").fill(text)
    page.get_by_role("button", name="Post comment").click()


def test_a_forum_member_asks_and_an_officer_answers(browser, live_server, world):
    member = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(member, live_server, world.personas["forum_member"].username)
    member.goto(f"{live_server.url}{world.action.get_absolute_url()}")
    expect(member.get_by_role("heading", name="Discussion")).to_be_visible()

    # Nothing typed: the error is by the field, on a page of its own.
    member.get_by_role("button", name="Post comment").click()
    expect(member.get_by_text("There is a problem")).to_be_visible()
    expect(member.locator("#id_body_1_error")).to_contain_text("Enter your comment")
    assert Axe().run(member).violations_count == 0
    post_comment(member, "Which council officer leads the review?")

    question = Comment.objects.get()
    expect(member).to_have_url(re.compile(rf"/actions/{world.action.pk}/#comment-{question.pk}$"))
    expect(member.get_by_text("Your comment on")).to_be_visible()
    expect(member.locator(f"#comment-{question.pk}")).to_contain_text("Responsible Charity")
    assert Axe().run(member).violations_count == 0

    officer = browser.new_context().new_page()
    sign_in(officer, live_server, world.personas["officer"].username)
    officer.goto(f"{live_server.url}{world.action.get_absolute_url()}#discussion")
    expect(officer.get_by_text("Which council officer leads the review?")).to_be_visible()
    post_comment(officer, "The head of the division leads it.")

    answer = Comment.objects.latest("pk")
    thread = officer.locator("#discussion ~ ol")
    expect(thread.locator("li")).to_have_count(2)
    expect(officer.locator(f"#comment-{answer.pk}")).to_contain_text("A Division")
    assert Axe().run(officer).violations_count == 0


def test_an_administrator_hides_a_comment_with_a_reason(browser, live_server, world):
    comment = Comment.objects.create(
        council_action=world.council_action,
        author=world.personas["forum_member"],
        organisation=world.partner,
        body="Ring Jo on 07700 900000",
    )
    admin = browser.new_context().new_page()
    sign_in(admin, live_server, world.personas["admin"].username)
    admin.goto(f"{live_server.url}{world.council_action.get_absolute_url()}")
    admin.get_by_role("link", name=re.compile("Hide this comment")).click()

    admin.get_by_role("button", name="Hide the comment").click()
    expect(admin.locator("#id_reason_1_error")).to_contain_text("Give the reason")
    assert Axe().run(admin).violations_count == 0
    admin.get_by_label("Why are you hiding this comment?").fill("A phone number")
    admin.get_by_role("button", name="Hide the comment").click()

    expect(admin.get_by_text("The comment has been hidden.")).to_be_visible()
    item = admin.locator(f"#comment-{comment.pk}")
    expect(item).to_contain_text("This comment was hidden by an administrator on")
    expect(item).to_contain_text("Reason: A phone number")
    assert Axe().run(admin).violations_count == 0

    cabinet = browser.new_context().new_page()
    sign_in(cabinet, live_server, world.personas["cabinet"].username)
    cabinet.goto(f"{live_server.url}{world.council_action.get_absolute_url()}")
    expect(cabinet.locator(f"#comment-{comment.pk}")).to_contain_text("hidden by an administrator")
    expect(cabinet.get_by_text("07700 900000")).to_have_count(0)
    expect(cabinet.get_by_label("Add a comment")).to_have_count(0)
