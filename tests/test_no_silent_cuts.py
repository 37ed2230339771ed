"""Nothing typed is cut silently: no maxlength for the browser to cut with, a clear message
when it is too long, and a character count on long text."""

import re

import pytest
from django.urls import reverse

from actions.models import CouncilAction
from tests.helpers import round_form, signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("forum_member", lambda w: reverse("action_update", args=[w.action.pk])),
        ("officer", lambda w: reverse("council_action_input", args=[w.council_action.pk])),
        ("officer", lambda w: reverse("council_action_decision", args=[w.council_action.pk])),
        ("officer", lambda w: reverse("council_action_add", args=[w.action.pk])),
        ("coordinator", lambda w: reverse("round_open")),
    ],
)
def test_no_form_lets_the_browser_cut_what_is_typed(client, world, persona, url):
    page = signed_in(client, world.personas[persona]).get(url(world)).content.decode()

    assert "<form" in page
    assert not re.search(r"(?<![-\w])maxlength=", page)  # data-maxlength is the count


def test_a_long_decision_reason_is_refused_not_cut(client, world):
    officer = signed_in(client, world.personas["officer"])
    url = reverse("council_action_decision", args=[world.council_action.pk])
    page = officer.get(url).content.decode()
    assert 'data-maxlength="2000"' in page  # the GOV.UK character count

    response = officer.post(
        url,
        {"version": world.council_action.version, "decision": "accepted", "reason": "x" * 20000},
    )

    assert response.status_code == 200
    assert "The reason must be 2,000 characters or fewer" in response.content.decode()
    world.council_action.refresh_from_db()
    assert world.council_action.decision_reason == ""
    assert CouncilAction.objects.get(pk=world.council_action.pk).decision != "accepted"


def test_a_long_round_name_is_refused_not_cut(client, world):
    coordinator = signed_in(client, world.personas["coordinator"])

    response = coordinator.post(reverse("round_open"), round_form(name="Q" * 150))

    assert response.status_code == 200
    assert "The name must be 100 characters or fewer" in response.content.decode()
