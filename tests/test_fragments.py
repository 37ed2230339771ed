"""Rendered parts of pages kept until the plan changes (govuk/fragments.py): a repeated
request is cheaper, a change shows on the next request, and what one reader may do is never
served to another."""

import datetime
import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from actions.status import Status
from govuk import fragments
from tests.factories import (
    CouncilActionFactory,
    StrategyActionFactory,
    StrategyFactory,
    ThemeFactory,
    UserFactory,
)
from tests.helpers import post_update, queries_for, record_input

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# The templates views keep rendered for every reader.
KEPT = [
    "actions/includes/plan_content.html",
    "actions/includes/action_content.html",
    "council_actions/includes/list_content.html",
    "dashboard/includes/changes_content.html",
]


def main(response) -> str:
    """The page's main content, without the header (which names the person signed in)."""
    text = response.text
    return text[text.index('<main class="govuk-main-wrapper') : text.index("</main>")]


@pytest.mark.parametrize("url_name", ["plan", "council_actions", "dashboard_changes", "action"])
def test_a_repeated_page_is_served_rendered_in_fewer_queries(user_client, url_name):
    action = StrategyActionFactory()
    CouncilActionFactory(strategy_action=action)
    url = reverse(url_name, args=[action.pk] if url_name == "action" else [])

    first = queries_for(user_client, url)
    again = queries_for(user_client, url)

    assert len(again) < len(first)
    assert main(user_client.get(url)) == main(user_client.get(url))


def test_a_new_update_shows_on_the_next_request_to_every_page(client, world):
    forum_member = world.personas["forum_member"]
    client.force_login(world.personas["cabinet"])
    pages = [
        reverse("plan"),
        reverse("action", args=[world.action.pk]),
        reverse("dashboard_changes"),
    ]
    for url in pages:
        assert "Planting bulbs with volunteers" not in client.get(url).text

    post_update(
        world.action,
        forum_member,
        status=Status.OFF_TRACK,
        narrative="Planting bulbs with volunteers",
    )

    plan, action_page, changes = (client.get(url).text for url in pages)
    assert "Planting bulbs with volunteers" in action_page
    assert "Planting bulbs with volunteers" in changes
    assert Status.OFF_TRACK.label in plan


def test_council_input_shows_on_the_next_request_to_the_list(client, world):
    client.force_login(world.personas["cabinet"])
    url = reverse("council_actions")
    assert "No council input yet" in client.get(url).text

    record_input(world.council_action, world.personas["officer"], percent=70)

    assert "70% complete" in client.get(url).text


def test_whether_a_reader_may_post_is_never_served_to_another(client, world):
    url = reverse("action", args=[world.action.pk])
    button = "Post a progress update"
    seen = {}
    for persona in ["forum_member", "forum_other", "coordinator", "cabinet", "officer"]:
        client.force_login(world.personas[persona])
        seen[persona] = button in client.get(url).text
    assert seen == {
        "forum_member": True,
        "forum_other": False,
        "coordinator": True,
        "cabinet": False,
        "officer": False,
    }


def test_adding_a_missing_theme_is_offered_only_to_those_who_may(client):
    strategy = StrategyFactory(stated_theme_count=3)
    ThemeFactory(strategy=strategy)
    link = reverse("admin:themes_theme_add")
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    assert link in client.get(reverse("plan")).text

    client.force_login(UserFactory(role=Role.CABINET_MEMBER))
    page = client.get(reverse("plan")).text
    assert link not in page
    assert "An administrator can add the others." in page


def test_a_new_day_renders_afresh(user_client, monkeypatch):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    action = StrategyActionFactory(original_target_date=timezone.localdate())
    url = reverse("action", args=[action.pk])
    monkeypatch.setattr(timezone, "localdate", lambda *args: yesterday)
    assert "Overdue" not in main(user_client.get(url))

    monkeypatch.undo()
    monkeypatch.setattr(timezone, "localdate", lambda *args: yesterday + datetime.timedelta(days=2))
    assert "Overdue" in main(user_client.get(url))


def test_each_page_address_is_kept_apart(user_client):
    ThemeFactory(number=1)
    wanted = StrategyActionFactory(text="Map community hubs")
    StrategyActionFactory(text="Train trustees")

    everything = user_client.get(reverse("plan")).text
    searched = user_client.get(reverse("plan"), {"q": "hubs"}).text

    assert "Train trustees" in everything
    assert "Train trustees" not in searched
    assert f"Strategy action {wanted.reference}<" in searched


def test_without_the_middleware_a_part_is_built_every_time():
    request = RequestFactory().get("/plan/")
    built = []

    for _ in range(2):
        fragments.cached(request, "test", lambda: built.append(1) or "part")

    assert len(built) == 2


@pytest.mark.parametrize("template", KEPT)
def test_a_kept_template_holds_nothing_about_who_is_reading(template):
    text = (TEMPLATES / template).read_text()
    assert not re.search(r"csrf_token|\buser\b|\bperms\b|\brequest\.", text), template
