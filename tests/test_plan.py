"""The plan page and a strategy action's page: content, filters and constant query counts."""

import datetime

import pytest
from django.urls import reverse

from actions.models import StrategyAction
from actions.status import Status
from tests.factories import (
    ActionPartnerFactory,
    CouncilActionFactory,
    ExistingActivityFactory,
    MonitoringRoundFactory,
    PartnerFactory,
    ProgressUpdateFactory,
    StrategyActionFactory,
    StrategyFactory,
    SubPointFactory,
    ThemeFactory,
    UserFactory,
)
from tests.helpers import post_update, queries_for

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
    page = user_client.get(reverse("plan")).content.decode()
    assert "Optimise social capital in Harrow" in page
    assert "By Cabinet on 14 March 2013" in page  # noted, to the day
    assert "By Cabinet in March 2010" in page  # adopted, to the month
    assert "Theme 1: Public Engagement" in page
    assert "Theme 2: Strengthening Support" in page
    for action in StrategyAction.objects.filter(theme__strategy__slug="third-sector-strategy-2013"):
        assert f"Strategy action {action.reference}" in page
        assert action.get_absolute_url() in page
    assert "Organise a joint media campaign between partners" in page
    assert "A review of current procurement policy" in page  # a sub-point
    # Proposed council actions, with their words and responsible unit.
    assert "A review of the implementation of the Council&#x27;s Sustainable Procurement" in page
    assert "Responsible: Community Health and Wellbeing" in page
    assert "Third Sector Forum" in page  # lead partner
    assert "Source: Cabinet report, 14 March 2013, paragraph 2.3.2" in page
    # The report names two of three themes: the page says so rather than inventing one.
    assert "The source names 2 of this strategy’s 3 themes." in page
    # Earlier strategies with their themes and partnership examples.
    assert "Third Sector Strategy (2010)" in page
    assert "Welfare Reform legislation" in page
    assert "Outcomes Based and Small Grants funding programme" in page
    assert "Showing 1 to 4 of 4 strategy actions." in page


def test_action_page_shows_everything_about_the_action(report, user_client):
    action = StrategyAction.objects.get(reference="T2.2")
    page = user_client.get(action.get_absolute_url()).content.decode()
    assert "Create skill development opportunities for the unemployed and volunteers" in page
    assert "Xcite and X-16 projects" in page  # the council's existing activity
    assert "T2.2a" in page  # its proposed council action
    assert "Third Sector Forum (lead)" in page
    assert "Supporting and protecting people who are most in need." in page  # priority
    assert "Source: Cabinet report, 14 March 2013, paragraph 2.3.2" in page
    assert "No progress updates yet." in page


def test_action_page_for_a_missing_action_is_404(user_client):
    assert user_client.get(reverse("action", args=[999999])).status_code == 404


def test_status_is_shown_as_a_word_with_its_colour(user_client):
    StrategyActionFactory(status=Status.AT_RISK, percent_complete=40)
    page = user_client.get(reverse("plan")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--orange">At risk</strong>' in page
    assert "At risk, 40% complete" in page


def test_plan_shows_the_last_update_and_the_target_date(user_client):
    action = StrategyActionFactory(original_target_date=datetime.date(2030, 3, 31))
    author = UserFactory(full_name="Pat Example")
    post_update(action, author, Status.ON_TRACK, 50, "Half done")
    page = user_client.get(reverse("plan")).content.decode()
    assert "31 March 2030" in page
    assert f"by Pat Example ({author.organisation.name})" in page


def test_staff_can_follow_a_link_to_add_a_missing_theme(report, client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("plan")).content.decode()
    assert reverse("admin:themes_theme_add") in page


def test_a_reader_is_not_offered_to_add_a_theme(report, user_client):
    page = user_client.get(reverse("plan")).content.decode()
    assert reverse("admin:themes_theme_add") not in page
    assert "An administrator can add the others." in page


# --- Filters ------------------------------------------------------------------------


@pytest.fixture
def two_actions():
    strategy = StrategyFactory()
    theme1 = ThemeFactory(strategy=strategy, number=1, title="Public Engagement")
    theme2 = ThemeFactory(strategy=strategy, number=2, title="Strengthening Support")
    alpha = StrategyActionFactory(
        theme=theme1,
        reference="T1.1",
        text="Alpha campaign",
        status=Status.OFF_TRACK,
        original_target_date=datetime.date(2020, 1, 1),
    )
    beta = StrategyActionFactory(
        theme=theme2, reference="T2.1", text="Beta consultation", status=Status.ON_TRACK
    )
    return alpha, beta


def plan_page(client, **params):
    return client.get(reverse("plan"), params).content.decode()


def test_filter_by_status(user_client, two_actions):
    page = plan_page(user_client, status="off_track")
    assert "Alpha campaign" in page
    assert "Beta consultation" not in page
    assert "matching your filters" in page


def test_filter_by_theme_and_search(user_client, two_actions):
    _alpha, beta = two_actions
    page = plan_page(user_client, theme=beta.theme_id)
    assert "Beta consultation" in page
    assert "Alpha campaign" not in page
    page = plan_page(user_client, q="alpha")
    assert "Alpha campaign" in page
    assert "Beta consultation" not in page


def test_search_finds_words_in_updates(user_client, two_actions):
    _alpha, beta = two_actions
    ProgressUpdateFactory(strategy_action=beta, narrative="Met the Healthwatch board")
    page = plan_page(user_client, q="healthwatch")
    assert "Beta consultation" in page
    assert "Alpha campaign" not in page


def test_filter_by_responsible_partner_lead_or_supporting(user_client, two_actions):
    _alpha, beta = two_actions
    charity = PartnerFactory(name="Harrow Charity")
    ActionPartnerFactory(strategy_action=beta, partner=charity, role="supporting")
    page = plan_page(user_client, partner=charity.pk)
    assert "Beta consultation" in page
    assert "Alpha campaign" not in page


def test_filter_overdue(user_client, two_actions):
    page = plan_page(user_client, overdue="on")
    assert "Alpha campaign" in page
    assert "Overdue" in page
    assert "Beta consultation" not in page


def test_filter_no_update_in_the_current_round(user_client, two_actions):
    alpha, _beta = two_actions
    round_ = MonitoringRoundFactory()
    ProgressUpdateFactory(strategy_action=alpha, round=round_)
    page = plan_page(user_client, no_update="on")
    assert "Beta consultation" in page
    assert "Alpha campaign" not in page


def test_filters_live_in_the_query_string_and_survive_paging(user_client, two_actions):
    theme = two_actions[0].theme
    for n in range(30):
        StrategyActionFactory(theme=theme, status=Status.OFF_TRACK, text=f"Extra {n}")
    page = plan_page(user_client, status="off_track")
    assert "Showing 1 to 25 of 31 strategy actions matching your filters." in page
    assert "?status=off_track&amp;page=2" in page
    assert "/exports/action-plan.csv?status=off_track" in page  # downloads keep the filters
    page2 = plan_page(user_client, status="off_track", page=2)
    assert "Showing 26 to 31 of 31" in page2


def test_nonsense_filter_values_do_not_break_the_page(user_client, two_actions):
    response = user_client.get(
        reverse("plan"), {"status": "purple", "theme": "abc", "page": "zzz", "partner": "-1"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


# --- Constant query counts ------------------------------------------------------------


def build_plan(actions: int, updates_each: int = 2):
    """A current strategy with two themes and `actions` fully dressed actions."""
    strategy = StrategyFactory()
    themes = [ThemeFactory(strategy=strategy, number=n) for n in (1, 2)]
    author = UserFactory()
    for i in range(actions):
        action = StrategyActionFactory(theme=themes[i % 2])
        SubPointFactory.create_batch(2, strategy_action=action)
        ActionPartnerFactory(strategy_action=action)
        ExistingActivityFactory(strategy_action=action)
        CouncilActionFactory.create_batch(2, strategy_action=action)
        ProgressUpdateFactory.create_batch(
            updates_each, strategy_action=action, author=author, percent_complete=10
        )
    return strategy


def count_queries(client, url) -> int:
    return len(queries_for(client, url))


def test_plan_query_count_does_not_grow_with_the_number_of_actions(user_client):
    build_plan(5)
    small = count_queries(user_client, reverse("plan"))
    build_plan(45)
    assert StrategyAction.objects.count() == 50
    large = count_queries(user_client, reverse("plan"))
    assert small == large
    assert large <= 25


def test_action_page_query_count_does_not_grow_with_updates(user_client):
    build_plan(1, updates_each=2)
    few = StrategyAction.objects.get()
    small = count_queries(user_client, few.get_absolute_url())
    build_plan(1, updates_each=20)
    many = StrategyAction.objects.exclude(pk=few.pk).get()
    assert many.updates.count() == 20
    large = count_queries(user_client, many.get_absolute_url())
    assert small == large
