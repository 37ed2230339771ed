"""The read-only plan page: content from the report and a constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import StrategyAction
from actions.status import Status
from tests.factories import (
    ActionPartnerFactory,
    CouncilActionFactory,
    ExistingActivityFactory,
    StrategyActionFactory,
    StrategyFactory,
    SubPointFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def test_root_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("plan"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=/plan/" in response["Location"]


def test_plan_shows_the_report_with_citations(report, user_client):
    response = user_client.get(reverse("plan"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Optimise social capital in Harrow" in page
    assert "By Cabinet on 14 March 2013" in page  # noted, to the day
    assert "By Cabinet in March 2010" in page  # adopted, to the month
    assert "Theme 1: Public Engagement" in page
    assert "Theme 2: Strengthening Support" in page
    # Every strategy action, with its reference and words.
    for action in StrategyAction.objects.filter(theme__strategy__slug="third-sector-strategy-2013"):
        assert action.reference in page
    assert "Organise a joint media campaign between partners" in page
    assert "A review of current procurement policy" in page  # a sub-point
    # A proposed council action and its responsible unit.
    assert "A review of the implementation of the Council&#x27;s Sustainable Procurement" in page
    assert "Responsible: Community Health and Wellbeing" in page
    # The council's existing activity.
    assert "Xcite and X-16 projects" in page
    # Citations.
    assert "Source: Cabinet report, 14 March 2013, paragraph 2.3.2" in page
    # The report names two of three themes: the page says so rather than inventing one.
    assert "The source names 2 of this strategy’s 3 themes." in page
    # Earlier strategies with their themes and partnership examples.
    assert "Third Sector Strategy (2010)" in page
    assert "Deepening partnerships" in page
    assert "Welfare Reform legislation" in page
    assert "Outcomes Based and Small Grants funding programme" in page


def test_status_is_shown_as_a_word_with_its_colour(user_client):
    StrategyActionFactory(status=Status.AT_RISK, percent_complete=40)
    page = user_client.get(reverse("plan")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--orange">At risk</strong>' in page
    assert "40% complete" in page


def test_staff_can_follow_a_link_to_add_a_missing_theme(report, client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("plan")).content.decode()
    assert reverse("admin:themes_theme_add") in page


def test_a_reader_is_not_offered_to_add_a_theme(report, user_client):
    page = user_client.get(reverse("plan")).content.decode()
    assert reverse("admin:themes_theme_add") not in page
    assert "An administrator can add the others." in page


def build_plan(actions: int):
    """A current strategy with two themes and `actions` actions, each fully dressed."""
    strategy = StrategyFactory()
    themes = [ThemeFactory(strategy=strategy, number=n) for n in (1, 2)]
    for i in range(actions):
        action = StrategyActionFactory(theme=themes[i % 2])
        SubPointFactory.create_batch(2, action=action)
        ActionPartnerFactory(action=action)
        ExistingActivityFactory(action=action)
        CouncilActionFactory.create_batch(2, strategy_action=action)


def count_plan_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plan"))
    assert response.status_code == 200
    return len(queries)


def test_plan_query_count_does_not_grow_with_the_number_of_actions(user_client):
    build_plan(5)
    small = count_plan_queries(user_client)
    build_plan(45)
    assert StrategyAction.objects.count() == 50
    large = count_plan_queries(user_client)
    assert small == large
    # Session and user (2), then strategies and one query per prefetched level.
    assert large <= 20
