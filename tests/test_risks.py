"""The risk register (issue 15): scores and bands, the forms' plain errors, stale edits,
history, reviews in each monitoring round, the dashboard's exceptions and the Cabinet report,
the seeded risk of paragraph 2.11.1, and query counts that stay flat."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.roles import Role
from reports import cabinet, freshness
from risks import services
from risks.models import Rating, Risk, RiskMitigation, RiskReview, rating_of
from strategy.models import Strategy
from strategy.seed import load_report
from tests.factories import (
    CouncilActionFactory,
    MonitoringRoundFactory,
    RiskFactory,
    RiskReviewFactory,
    StrategyFactory,
    UserFactory,
)
from tests.helpers import (
    date_fields,
    pdf_text,
    queries_for,
    risk_form,
    risk_review_form,
    signed_in,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
STRATEGY_2013 = "third-sector-strategy-2013"
MAIN_RISK = (
    "the Council is unable to deliver the proposed actions due to the ongoing pressure on resources"
)
MITIGATIONS = [
    "some of these actions are currently underway and resources have already been identified",
    "the proposed actions have been agreed corporately with a commitment to identify "
    "appropriate resources across a number of Council departments",
]


@pytest.fixture
def officer(world):
    return world.personas["officer"]


# --- Score and bands ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (None, Rating.NOT_ASSESSED),
        (1, Rating.LOW),
        (4, Rating.LOW),
        (5, Rating.MEDIUM),
        (12, Rating.MEDIUM),
        (15, Rating.HIGH),
        (25, Rating.HIGH),
    ],
)
def test_the_bands_of_the_5_by_5_matrix(score, rating):
    assert rating_of(score) == rating


def test_the_score_is_likelihood_times_impact_and_kept_in_step():
    risk = RiskFactory(likelihood=4, impact=5)
    assert risk.score == 20
    assert risk.rating == Rating.HIGH
    risk.likelihood = 1
    risk.save()
    risk.refresh_from_db()
    assert risk.score == 5
    assert risk.rating == Rating.MEDIUM


def test_a_risk_not_assessed_has_no_score():
    risk = RiskFactory(likelihood=None, impact=None)
    assert risk.score is None
    assert risk.rating == Rating.NOT_ASSESSED
    assert list(Risk.objects.not_assessed()) == [risk]
    assert list(Risk.objects.needing_review(TODAY())) == [risk]


def test_the_database_refuses_a_score_out_of_step_or_out_of_range():
    risk = RiskFactory(likelihood=2, impact=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=risk.pk).update(score=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=risk.pk).update(likelihood=6, score=12)
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=risk.pk).update(likelihood=None)


@pytest.mark.parametrize("bad", [0, 6, 10**6])
def test_the_model_refuses_a_likelihood_outside_1_to_5(bad):
    risk = RiskFactory()
    risk.likelihood = bad
    with pytest.raises(ValidationError) as error:
        risk.full_clean()
    assert "Choose a number from 1 to 5" in str(error.value)


def test_a_risk_belongs_to_at_most_one_action():
    council_action = CouncilActionFactory()
    risk = RiskFactory(council_action=council_action)
    assert risk.strategy == council_action.strategy_action.theme.strategy
    assert risk.level == "Proposed council action"
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=risk.pk).update(strategy_action=council_action.strategy_action)


def test_references_number_on_within_each_strategy():
    strategy = StrategyFactory()
    first = RiskFactory(strategy=strategy)
    second = RiskFactory(strategy=strategy)
    other = RiskFactory()
    assert (first.reference, second.reference, other.reference) == ("R1", "R2", "R1")


# --- Adding and changing, with plain errors -------------------------------------------------


def test_an_officer_adds_a_risk_to_the_strategy_with_its_mitigations(client, world, officer):
    strategy = world.action.theme.strategy
    response = signed_in(client, officer).post(
        reverse("risk_add", args=[strategy.slug]), risk_form()
    )
    risk = Risk.objects.get()
    assert response.status_code == 302
    assert response["Location"] == risk.get_absolute_url()
    assert (risk.strategy, risk.action, risk.score, risk.created_by) == (
        strategy,
        None,
        16,
        officer,
    )
    assert [m.text for m in risk.mitigations.all()] == [
        "A volunteer thank-you scheme",
        "Recruitment at the college fair",
    ]
    assert risk.history.first().history_user == officer


def test_a_risk_added_to_an_action_by_its_reference(client, world, officer):
    strategy = world.action.theme.strategy
    url = reverse("risk_add", args=[strategy.slug])
    signed_in(client, officer).post(url, risk_form(applies_to=world.council_action.reference))
    assert Risk.objects.get().council_action == world.council_action
    signed_in(client, officer).post(url, risk_form(applies_to=world.action.reference.lower()))
    assert Risk.objects.filter(strategy_action=world.action).count() == 1


def test_an_officer_of_another_unit_cannot_add_a_risk_to_this_units_council_action(client, world):
    strategy = world.action.theme.strategy
    response = signed_in(client, world.personas["officer_other"]).post(
        reverse("risk_add", args=[strategy.slug]),
        risk_form(applies_to=world.council_action.reference),
    )
    assert response.status_code == 200
    assert "only to your unit" in response.content.decode()
    assert not Risk.objects.exists()


BAD_SCORES = {
    "0": "The likelihood must be a whole number from 1 to 5",
    "6": "The likelihood must be a whole number from 1 to 5",
    "99999999999999999999999": "The likelihood must be a whole number from 1 to 5",
    "three": "The likelihood must be a whole number from 1 to 5",
    "2.5": "The likelihood must be a whole number from 1 to 5",
    "-1": "The likelihood must be a whole number from 1 to 5",
}


@pytest.mark.parametrize(("value", "message"), BAD_SCORES.items())
def test_a_bad_likelihood_gets_a_plain_error(client, world, officer, value, message):
    strategy = world.action.theme.strategy
    response = signed_in(client, officer).post(
        reverse("risk_add", args=[strategy.slug]), risk_form(likelihood=value)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "There is a problem" in page
    assert "Volunteers leave faster than they join" in page  # what was typed is kept
    assert not Risk.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"impact": ""}, "Choose both the likelihood and the impact, or neither"),
        ({"impact": "7"}, "The impact must be a whole number from 1 to 5"),
        ({"description": "   "}, "Enter the risk"),
        ({"description": "x" * 2001}, "The risk must be 2,000 characters or fewer"),
        ({"mitigation_1": "", "mitigation_2": ""}, "Enter at least one mitigation"),
        ({"mitigation_2": "y" * 1001}, "Mitigation 2 must be 1,000 characters or fewer"),
        ({"applies_to": "T99.9"}, "There is no strategy action or proposed council action"),
        ({"owner": "99999999999999999999999"}, "Choose an organisation from the list"),
        ({"status": "doomed"}, "Choose a status from the list"),
        ({"review_date_0": "1", "review_date_1": "13", "review_date_2": "2027"}, "a real date"),
        ({"review_date_0": "1", "review_date_1": "1", "review_date_2": "99999"}, "4 numbers"),
    ],
)
def test_other_bad_input_gets_a_plain_error(client, world, officer, overrides, message):
    strategy = world.action.theme.strategy
    data = risk_form(**date_fields("review_date", datetime.date(2027, 1, 1)))
    data.update(overrides)
    response = signed_in(client, officer).post(reverse("risk_add", args=[strategy.slug]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Risk.objects.exists()


def test_neither_likelihood_nor_impact_is_a_risk_not_yet_assessed(client, world, officer):
    strategy = world.action.theme.strategy
    signed_in(client, officer).post(
        reverse("risk_add", args=[strategy.slug]), risk_form(likelihood="", impact="")
    )
    risk = Risk.objects.get()
    assert risk.score is None
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "Not yet assessed" in page


def test_changing_a_risk_and_its_mitigations_is_kept_in_its_history(client, world, officer):
    risk = RiskFactory(strategy=world.action.theme.strategy, likelihood=3, impact=3)
    url = reverse("risk_edit", args=[risk.pk])
    form = signed_in(client, officer).get(url)
    assert form.status_code == 200
    data = risk_form(
        version=risk.version,
        likelihood="5",
        impact="4",
        mitigation_1="A first mitigation",
        mitigation_2="",
        mitigation_3="A new way to manage it",
        status="managed",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.score, risk.status, risk.version) == (20, "managed", 2)
    assert [m.text for m in risk.mitigations.order_by("position")] == [
        "A first mitigation",
        "A new way to manage it",
    ]
    page = client.get(risk.get_absolute_url()).content.decode()
    history = page[page.index('id="risk-history"') :]
    assert "Likelihood: from “3” to “5”" in history
    assert "Status: from “Open” to “Managed (tolerated)”" in history
    assert "Mitigation 2 changed" in history
    assert officer.full_name in history


def test_a_stale_edit_is_refused_keeping_what_was_typed(client, world, officer):
    risk = RiskFactory(strategy=world.action.theme.strategy)
    stale_version = risk.version
    services.change_risk(
        risk=risk,
        changed_by=world.personas["coordinator"],
        expected_version=stale_version,
        description="Changed meanwhile",
    )
    response = signed_in(client, officer).post(
        reverse("risk_edit", args=[risk.pk]),
        risk_form(version=stale_version, description="My own words about the risk"),
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else has just changed risk R1" in page
    assert "My own words about the risk" in page
    assert "Changed meanwhile" in page
    risk.refresh_from_db()
    assert risk.description == "Changed meanwhile"
    # Saving again, at the version the page now carries, works.
    response = client.post(
        reverse("risk_edit", args=[risk.pk]),
        risk_form(version=risk.version, description="My own words about the risk"),
    )
    assert response.status_code == 302


def test_a_stale_review_is_refused(client, world, officer):
    risk = RiskFactory(strategy=world.action.theme.strategy)
    old = risk_review_form(risk)
    RiskReviewFactory(risk=risk, reviewed_by=world.personas["coordinator"])
    response = signed_in(client, officer).post(reverse("risk_review", args=[risk.pk]), old)
    assert response.status_code == 409
    assert RiskReview.objects.count() == 1


def test_who_manages_which_risks(world):
    p = world.personas
    strategy_level = RiskFactory(strategy=world.action.theme.strategy)
    on_council_action = RiskFactory(council_action=world.council_action)
    for who in ("officer", "officer_other", "coordinator", "admin"):
        assert permissions.can_manage_risk(p[who], strategy_level), who
    for who in ("forum_member", "cabinet", "no_role"):
        assert not permissions.can_manage_risk(p[who], strategy_level), who
    for who in ("officer", "officer_above", "coordinator", "admin"):
        assert permissions.can_manage_risk(p[who], on_council_action), who
    for who in ("officer_other", "forum_member", "cabinet"):
        assert not permissions.can_manage_risk(p[who], on_council_action), who


# --- Reviews in each monitoring round -----------------------------------------------------


def test_a_review_in_the_open_round_records_who_when_and_the_scores(client, world, officer):
    round_ = MonitoringRoundFactory(opened_by=world.personas["coordinator"])
    risk = RiskFactory(strategy=world.action.theme.strategy, likelihood=None, impact=None)
    assert list(Risk.objects.due_for_review(round_)) == [risk]
    page = signed_in(client, officer).get(risk.get_absolute_url()).content.decode()
    assert f"Due for review in monitoring round {round_.name}" in page

    next_review = TODAY() + datetime.timedelta(days=60)
    response = client.post(
        reverse("risk_review", args=[risk.pk]),
        risk_review_form(risk, **date_fields("next_review_date", next_review)),
    )
    assert response.status_code == 302
    review = RiskReview.objects.get()
    assert (review.round, review.reviewed_by, review.likelihood, review.impact) == (
        round_,
        officer,
        2,
        3,
    )
    assert review.note == "Mitigations are working."
    risk.refresh_from_db()
    assert (risk.score, risk.review_date) == (6, next_review)
    assert not Risk.objects.due_for_review(round_).exists()
    page = client.get(risk.get_absolute_url()).content.decode()
    assert f"Reviewed in monitoring round {round_.name}" in page
    assert "Mitigations are working." in page
    assert "(reviewed)" in page  # the history says the change came from a review


def test_a_review_needs_a_score_and_a_next_review_date_not_in_the_past(client, world, officer):
    risk = RiskFactory(strategy=world.action.theme.strategy)
    url = reverse("risk_review", args=[risk.pk])
    yesterday = TODAY() - datetime.timedelta(days=1)
    response = signed_in(client, officer).post(
        url,
        risk_review_form(risk, impact="", **date_fields("next_review_date", yesterday)),
    )
    page = response.content.decode()
    assert "Choose the impact, from 1 to 5" in page
    assert "The next review date must be today or in the future" in page
    assert not RiskReview.objects.exists()


def test_the_register_filters_by_status_rating_and_due_for_review(client, world, officer):
    strategy = world.action.theme.strategy
    round_ = MonitoringRoundFactory(opened_by=world.personas["coordinator"])
    high = RiskFactory(strategy=strategy, likelihood=5, impact=4, description="High one")
    low = RiskFactory(strategy=strategy, likelihood=1, impact=2, description="Low one")
    closed = RiskFactory(strategy=strategy, description="Closed one")
    services.change_risk(
        risk=closed, changed_by=officer, expected_version=closed.version, status="closed"
    )
    RiskReviewFactory(risk=low, reviewed_by=officer, likelihood=1, impact=2)
    url = reverse("risk_register", args=[strategy.slug])
    client = signed_in(client, world.personas["cabinet"])

    def shown(**query):
        page = client.get(url, query).content.decode()
        return {name for name in ("High one", "Low one", "Closed one") if name in page}

    assert shown() == {"High one", "Low one", "Closed one"}
    assert shown(rating="high") == {"High one"}
    assert shown(status="closed") == {"Closed one"}
    assert shown(due="on") == {"High one"}
    page = client.get(url).content.decode()
    assert "1 high, 0 medium, 1 low and 0 not yet assessed, not counting 1 closed" in page
    assert "1 due for review in monitoring round" in page
    assert round_.name in page
    bad = client.get(url, {"rating": "catastrophic"})
    assert bad.status_code == 200
    assert "Choose a rating from the list" in bad.content.decode()
    assert high.reference in page


# --- The dashboard and the Cabinet report ---------------------------------------------------


def test_high_risks_and_those_past_review_join_the_exceptions(client, world):
    strategy = world.action.theme.strategy
    high = RiskFactory(strategy=strategy, likelihood=5, impact=5, description="Funding ends")
    medium = RiskFactory(strategy=strategy, likelihood=3, impact=3, description="Venue lost")
    services.change_risk(
        risk=medium,
        changed_by=world.personas["officer"],
        expected_version=medium.version,
        review_date=TODAY() + datetime.timedelta(days=10),
    )
    context = cabinet.dashboard_context(TODAY())
    assert context["risks_high"].items == [high]
    assert context["risks_past_review"].items == []
    # Ten days on, the medium risk is past its review date: the dashboard takes `today`.
    later = cabinet.dashboard_context(TODAY() + datetime.timedelta(days=11))
    assert [r.pk for r in later["risks_past_review"].items] == [medium.pk]

    page = signed_in(client, world.personas["cabinet"]).get(reverse("dashboard"))
    exceptions = page.content.decode()
    assert "Risks scoring high or past their review date" in exceptions
    assert "Funding ends" in exceptions
    assert "Venue lost" not in exceptions


def test_a_closed_risk_is_no_exception(world):
    risk = RiskFactory(strategy=world.action.theme.strategy, likelihood=5, impact=5)
    services.change_risk(
        risk=risk, changed_by=world.personas["admin"], expected_version=1, status="closed"
    )
    assert cabinet.dashboard_context(TODAY())["risks_high"].count == 0


def test_a_risk_write_clears_the_cached_dashboard(client, world):
    reader = signed_in(client, world.personas["cabinet"])
    assert "Storm damage" not in reader.get(reverse("dashboard")).content.decode()
    before = freshness.generation()
    RiskFactory(
        strategy=world.action.theme.strategy, likelihood=5, impact=4, description="Storm damage"
    )
    assert freshness.generation() > before
    assert "Storm damage" in reader.get(reverse("dashboard")).content.decode()


def test_the_cabinet_report_has_a_risks_section_on_the_page_and_in_the_pdf(client, world):
    RiskFactory(
        strategy=world.action.theme.strategy, likelihood=5, impact=3, description="Hall closes"
    )
    client = signed_in(client, world.personas["coordinator"])
    page = client.get(reverse("cabinet_report")).content.decode()
    section = page[page.index('id="risks"') :]
    assert "Risks not closed, by rating" in section
    assert "Hall closes" in page
    text = pdf_text(client.get(reverse("cabinet_report_pdf")))
    assert "Risks not closed, by rating" in text
    assert "Hall closes" in text


def test_action_pages_show_their_risks(client, world):
    on_action = RiskFactory(strategy_action=world.action, description="Partners withdraw")
    on_council = RiskFactory(council_action=world.council_action, description="Budget cut")
    client = signed_in(client, world.personas["forum_member"])
    page = client.get(world.action.get_absolute_url()).content.decode()
    assert "Partners withdraw" in page
    assert on_action.get_absolute_url() in page
    page = client.get(world.council_action.get_absolute_url()).content.decode()
    assert "Budget cut" in page
    assert on_council.get_absolute_url() in page


# --- The seed: paragraph 2.11.1 -------------------------------------------------------------


def test_the_reports_main_risk_and_its_two_mitigations_word_for_word(report):
    risk = Risk.objects.get(strategy__slug=STRATEGY_2013, reference="R1")
    assert risk.description == MAIN_RISK
    assert [m.text for m in risk.mitigations.order_by("position")] == MITIGATIONS
    assert risk.action is None  # at strategy level
    assert risk.citation == "Cabinet report, 14 March 2013, paragraph 2.11.1"
    # The report gives no likelihood, impact, owner or review date: not yet assessed.
    assert (risk.likelihood, risk.impact, risk.score, risk.owner, risk.review_date) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert list(Risk.objects.needing_review(TODAY())) == [risk]
    assert RiskMitigation.objects.filter(paragraph="2.11.1").count() == 2


def test_the_seeded_risk_shows_as_not_yet_assessed(client, report):
    reader = signed_in(client, UserFactory(role=Role.CABINET_MEMBER))
    risk = Risk.objects.get(reference="R1")
    page = reader.get(risk.get_absolute_url()).content.decode()
    assert MAIN_RISK in page
    assert all(text in page for text in MITIGATIONS)
    assert "Not yet assessed" in page
    dashboard = reader.get(reverse("dashboard")).content.decode()
    assert "1 risk is not yet assessed" in dashboard


def test_loading_the_seed_again_keeps_a_risk_people_added(report):
    strategy = Strategy.objects.get(slug=STRATEGY_2013)
    added = RiskFactory(strategy=strategy)
    load_report()
    assert added.reference == "R2"
    assert Risk.objects.filter(strategy=strategy).count() == 2


# --- Query counts stay flat -----------------------------------------------------------------


def _many_risks(strategy, n, officer):
    for i in range(n):
        risk = RiskFactory(
            strategy=strategy,
            likelihood=5 if i % 2 else 1,
            impact=4,
            added_by=officer,
        )
        if i % 3 == 0:
            services.change_risk(
                risk=risk,
                changed_by=officer,
                expected_version=risk.version,
                review_date=TODAY() - datetime.timedelta(days=1),
            )


def test_query_counts_stay_flat_with_many_risks(client, world, officer):
    strategy = world.action.theme.strategy
    MonitoringRoundFactory(opened_by=world.personas["coordinator"])
    client = signed_in(client, world.personas["cabinet"])
    pages = [
        reverse("dashboard"),
        reverse("risk_register", args=[strategy.slug]),
        reverse("risk_registers"),
        reverse("cabinet_report"),
    ]
    _many_risks(strategy, 3, officer)
    few = {url: len(queries_for(client, url)) for url in pages}
    _many_risks(strategy, 40, officer)
    from django.core.cache import cache

    cache.clear()
    many = {url: len(queries_for(client, url)) for url in pages}
    assert many == few


def test_the_register_is_kept_rendered_until_a_risk_changes(client, world, officer):
    """The register's list is the same for every reader, so it is kept rendered; a review, a
    new risk or a change shows at once, and what a reader may do stays theirs."""
    strategy = world.action.theme.strategy
    risk = RiskFactory(strategy=strategy, likelihood=2, impact=2, description="Hall closes")
    url = reverse("risk_register", args=[strategy.slug])
    cabinet_client = signed_in(client, world.personas["cabinet"])
    first = cabinet_client.get(url).content.decode()
    assert "0 high, 0 medium, 1 low" in first
    assert "Add a risk" not in first
    again = queries_for(cabinet_client, url)
    assert not any("risks_risk" in query["sql"] for query in again)  # served as kept

    RiskReviewFactory(risk=risk, reviewed_by=officer, likelihood=5, impact=4)
    after = cabinet_client.get(url).content.decode()
    assert "1 high, 0 medium, 0 low" in after
    RiskFactory(strategy=strategy, description="Volunteers leave")
    assert "Volunteers leave" in cabinet_client.get(url).content.decode()
    # An officer, who may add risks, is offered the button on the same kept list.
    assert "Add a risk" in signed_in(client, officer).get(url).content.decode()


def test_the_review_queue_names_the_risks_due_in_the_round(client, world):
    strategy = world.action.theme.strategy
    coordinator = world.personas["coordinator"]
    risk = RiskFactory(strategy=strategy)
    client = signed_in(client, coordinator)
    assert "Risks due for review" not in client.get(reverse("review_queue")).content.decode()
    round_ = MonitoringRoundFactory(opened_by=coordinator)
    page = client.get(reverse("review_queue")).content.decode()
    assert f"Risks due for review in {round_.name}" in page
    assert f"1 risk of {strategy.title}" in page
    RiskReviewFactory(risk=risk, reviewed_by=coordinator)
    assert "Risks due for review" not in client.get(reverse("review_queue")).content.decode()
