"""Equality impact assessments (issue 15): the nine protected characteristics, an assessment
per strategy action and proposed council action, a decision to accept waiting for it, and the
actions with one due on the dashboard and in the Cabinet report."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.roles import Role
from actions.models import CouncilAction, Decision
from duties import services
from duties.models import EqualityAssessment, ProtectedCharacteristic, State
from reports import freshness
from strategy.seed import fixture_files
from tests.factories import (
    CouncilActionFactory,
    EqualityAssessmentFactory,
    ProtectedCharacteristicFactory,
    StrategyActionFactory,
    UserFactory,
)
from tests.helpers import date_fields, queries_for, signed_in

pytestmark = pytest.mark.django_db

NINE = [
    "Age",
    "Disability",
    "Gender reassignment",
    "Pregnancy and maternity",
    "Race",
    "Religion or belief",
    "Sex",
    "Sexual orientation",
    "Marriage and Civil partnership",
]
FORUM_EIA = (
    "The Third Sector Forum has completed an Equality Impact Assessment on the Third Sector "
    "Strategy. This impact assessment identifies the potential for a positive impact on all "
    "protected equality characteristics."
)


def form(version=1, **overrides) -> dict:
    """A valid posted assessment: done, positive, dated yesterday."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "version": str(version),
        "affects_groups": "yes",
        "state": "done",
        "reason_not_needed": "",
        **date_fields("assessed_on", yesterday),
        "outcome": "positive",
        "mitigation": "",
        "summary": "",
        "link": "https://example.org/eia.pdf",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def officer(world):
    return world.personas["officer"]


@pytest.fixture
def officer_client(client, officer):
    return signed_in(client, officer)


def url_of(council_action) -> str:
    return reverse("council_action_equality", args=[council_action.pk])


# --- Seed: the report's words ---


def test_the_nine_characteristics_are_the_reports_in_its_order(report):
    names = list(ProtectedCharacteristic.objects.values_list("name", flat=True))
    assert names == NINE
    assert {c.paragraph for c in ProtectedCharacteristic.objects.all()} == {"2.7.1"}


def test_the_forums_assessment_of_the_strategy_is_seeded_word_for_word(report):
    assessment = EqualityAssessment.objects.get(strategy__slug="third-sector-strategy-2013")
    assert assessment.state == State.DONE
    assert assessment.outcome == "positive"
    assert assessment.summary == FORUM_EIA
    assert assessment.assessed_on is None  # the report gives no date: the data stays silent
    assert assessment.paragraph == "2.12.1"
    assert assessment.characteristics.count() == 9
    assessment.full_clean()  # cited, so a done assessment may go without a date


def test_the_fixture_file_is_its_own_and_uses_natural_keys():
    path = next(p for p in fixture_files() if p.stem == "cabinet_report_2013_equality")
    records = json.loads(path.read_text("utf-8"))
    assert all("pk" not in record for record in records)
    assert [r["fields"]["name"] for r in records if "name" in r["fields"]] == NINE


# --- The service ---


def test_recording_keeps_who_when_a_version_and_history(world):
    coordinator = world.personas["coordinator"]
    age = ProtectedCharacteristicFactory(name="Age")
    first = EqualityAssessmentFactory(strategy_action=world.action, changed_by=coordinator)
    assert first.state == State.DUE
    assert first.version == 1
    second = services.record_assessment(
        subject=world.action,
        changed_by=coordinator,
        expected_version=1,
        characteristics=[age],
        state="done",
        assessed_on=datetime.date(2026, 1, 5),
        outcome="negative",
        mitigation="Sessions in the evening too",
    )
    assert second.pk == first.pk
    assert second.version == 2
    assert second.updated_by == coordinator
    assert list(second.characteristics.all()) == [age]
    history = list(second.history.all())
    assert [h.state for h in history] == ["done", "due"]
    assert {h.history_user for h in history} == {coordinator}


def test_a_stale_version_is_refused(world):
    EqualityAssessmentFactory(strategy_action=world.action)
    with pytest.raises(services.StaleEdit) as stale:
        services.record_assessment(
            subject=world.action,
            changed_by=world.personas["admin"],
            expected_version=0,
            characteristics=[],
            state="not_needed",
            reason_not_needed="No effect",
        )
    assert stale.value.record.version == 1
    assert EqualityAssessment.objects.get().state == State.DUE


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"state": "not_needed", "reason_not_needed": "  "}, "reason_not_needed"),
        ({"state": "done", "outcome": "positive"}, "assessed_on"),
        ({"state": "done", "assessed_on": datetime.date(2026, 1, 1)}, "outcome"),
        (
            {"state": "done", "assessed_on": datetime.date(2026, 1, 1), "outcome": "negative"},
            "mitigation",
        ),
    ],
)
def test_the_service_refuses_an_incomplete_assessment(world, answers, field):
    with pytest.raises(ValidationError) as error:
        services.record_assessment(
            subject=world.action,
            changed_by=world.personas["admin"],
            expected_version=1,
            characteristics=[],
            **answers,
        )
    assert field in error.value.message_dict
    assert not EqualityAssessment.objects.exists()


def test_what_does_not_belong_to_the_state_is_cleared(world):
    done = EqualityAssessmentFactory(
        strategy_action=world.action,
        state="done",
        assessed_on=datetime.date(2026, 1, 1),
        outcome="negative",
        mitigation="Mitigated",
        link="https://example.org/a",
    )
    due = services.record_assessment(
        subject=world.action,
        changed_by=world.personas["admin"],
        expected_version=done.version,
        characteristics=[],
        state="due",
    )
    assert (due.assessed_on, due.outcome, due.mitigation, due.link) == (None, "", "", "")


# --- Who may change it ---


def test_who_may_edit(world):
    people = world.personas
    strategy_action, council_action = world.action, world.council_action
    may = permissions.can_edit_equality_assessment
    assert may(people["officer"], council_action)
    assert may(people["officer_above"], council_action)
    assert not may(people["officer_other"], council_action)
    assert not may(people["officer"], strategy_action)
    assert may(people["coordinator"], strategy_action)
    assert may(people["coordinator"], council_action)
    assert may(people["admin"], strategy_action)
    for reader in ("cabinet", "forum_member", "no_role"):
        assert not may(people[reader], strategy_action)
        assert not may(people[reader], council_action)


# --- The page ---


def test_an_officer_records_an_assessment_and_the_page_shows_it(officer_client, world):
    response = officer_client.post(
        url_of(world.council_action),
        form(outcome="negative", mitigation="Evening sessions as well", characteristics=[]),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#equality")
    page = officer_client.get(world.council_action.get_absolute_url()).content.decode()
    assert "Equality impact assessment" in page
    assert "Negative, with mitigation" in page
    assert "Evening sessions as well" in page
    assert "History of this assessment" in page
    assert str(world.personas["officer"]) in page


def test_bad_input_comes_back_with_the_error_and_what_was_typed(officer_client, world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    cases = [
        (
            form(outcome="negative", summary="Kept words"),
            "Say how the negative impact is mitigated",
        ),
        (form(state="not_needed", summary="Kept words"), "Say why an assessment is not needed"),
        (
            form(**date_fields("assessed_on", tomorrow), summary="Kept words"),
            "The date it was done must be today or in the past",
        ),
        (form(assessed_on_0="31", assessed_on_1="2", summary="Kept words"), "must be a real date"),
        (form(link="x" * 600, summary="Kept words"), "The link must be 500 characters or fewer"),
        (form(mitigation="m" * 3001, summary="Kept words"), "3,000 characters or fewer"),
        (
            form(characteristics=["99999999999999999999"], summary="Kept words"),
            "Choose protected characteristics from the list",
        ),
        (form(affects_groups="maybe", summary="Kept words"), "Select a valid choice"),
    ]
    for data, message in cases:
        response = officer_client.post(url_of(world.council_action), data)
        page = response.content.decode()
        assert response.status_code == 200, message
        assert message in page, message
        assert "Kept words" in page
    assert not EqualityAssessment.objects.exists()


def test_a_stale_save_is_refused_keeping_what_was_typed(officer_client, world):
    EqualityAssessmentFactory(council_action=world.council_action)
    response = officer_client.post(
        url_of(world.council_action), form(version=0, summary="My typed words")
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else has just changed this assessment" in page
    assert "My typed words" in page
    assert EqualityAssessment.objects.get().state == State.DUE
    # Saving again, with the version the page now carries, works.
    again = officer_client.post(url_of(world.council_action), form(version=1, summary="Mine"))
    assert again.status_code == 302
    assert EqualityAssessment.objects.get().summary == "Mine"


def test_readers_see_it_but_not_the_link_to_change_it(client, world):
    EqualityAssessmentFactory(
        strategy_action=world.action, state="not_needed", reason_not_needed="It funds no group"
    )
    cabinet = signed_in(client, world.personas["cabinet"])
    page = cabinet.get(world.action.get_absolute_url()).content.decode()
    assert "It funds no group" in page
    assert "Change the equality impact assessment" not in page
    assert cabinet.get(reverse("action_equality", args=[world.action.pk])).status_code == 403


def test_a_coordinator_changes_a_strategy_actions_assessment(client, world):
    coordinator = signed_in(client, world.personas["coordinator"])
    page = coordinator.get(world.action.get_absolute_url()).content.decode()
    assert "Record the equality impact assessment" in page
    response = coordinator.post(
        reverse("action_equality", args=[world.action.pk]),
        form(state="not_needed", reason_not_needed="A media campaign", affects_groups="no"),
    )
    assert response.status_code == 302
    assessment = EqualityAssessment.objects.get(strategy_action=world.action)
    assert assessment.state == State.NOT_NEEDED
    assert assessment.reason_not_needed == "A media campaign"


# --- A decision to accept waits for it (paragraph 2.7.1) ---


def decide(client, council_action, decision="accepted", reason="Cabinet agreed"):
    council_action.refresh_from_db()
    return client.post(
        reverse("council_action_decision", args=[council_action.pk]),
        {"version": council_action.version, "decision": decision, "reason": reason},
    )


def test_accepting_waits_for_the_assessment_then_goes_ahead(officer_client, world):
    council_action = world.council_action
    EqualityAssessmentFactory(council_action=council_action, affects_groups=True)
    version = CouncilAction.objects.get(pk=council_action.pk).version

    response = decide(officer_client, council_action, reason="Typed reason stays")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Record the equality impact assessment before accepting" in page
    # Next to the decision, in its hint, a link to the assessment page.
    hint = page[page.index('id="id_decision_hint"') : page.index('id="id_decision_1_error"')]
    assert f'href="{url_of(council_action)}"' in hint
    assert "Typed reason stays" in page
    council_action.refresh_from_db()
    assert council_action.decision == ""
    assert council_action.version == version

    # Another decision does not wait.
    assert decide(officer_client, council_action, decision="deferred").status_code == 302

    assessment = EqualityAssessment.objects.get(council_action=council_action)
    saved = officer_client.post(url_of(council_action), form(version=assessment.version))
    assert saved.status_code == 302
    assert decide(officer_client, council_action).status_code == 302
    council_action.refresh_from_db()
    assert council_action.decision == Decision.ACCEPTED


def test_not_needed_with_a_reason_also_lets_it_be_accepted(officer_client, world):
    EqualityAssessmentFactory(
        council_action=world.council_action,
        affects_groups=True,
        state="not_needed",
        reason_not_needed="Assessed with the wider programme",
    )
    assert decide(officer_client, world.council_action).status_code == 302


def test_an_action_not_affecting_such_groups_is_accepted_without(officer_client, world):
    EqualityAssessmentFactory(council_action=world.council_action, affects_groups=False)
    assert decide(officer_client, world.council_action).status_code == 302


def test_the_decision_form_says_what_is_needed_first(officer_client, world):
    EqualityAssessmentFactory(council_action=world.council_action, affects_groups=True)
    page = officer_client.get(
        reverse("council_action_decision", args=[world.council_action.pk])
    ).content.decode()
    assert "Before it can be accepted" in page
    assert "record its equality impact assessment" in page


# --- Dashboard and Cabinet report ---


def test_actions_with_an_assessment_due_are_listed(client, world, report):
    current = CouncilAction.objects.in_current_plans().first()
    EqualityAssessmentFactory(council_action=current, affects_groups=True)
    cabinet = signed_in(client, world.personas["cabinet"])
    for url in (reverse("dashboard"), reverse("cabinet_report")):
        page = cabinet.get(url).content.decode()
        assert "Equality impact assessments due" in page
        assert f"{current.get_absolute_url()}#equality" in page, url
        assert "affects voluntary groups serving people with protected characteristics" in page
        assert "date not recorded" in page  # the Forum's assessment of the strategy
        assert FORUM_EIA in page


def test_saving_an_assessment_moves_the_plan_generation(world):
    before = freshness.generation()
    EqualityAssessmentFactory(strategy_action=world.action)
    assert freshness.generation() > before


def test_the_dashboard_shows_a_change_at_once(client, world, report):
    cabinet = signed_in(client, world.personas["cabinet"])
    action = CouncilAction.objects.in_current_plans().first()
    assert (
        f"{action.get_absolute_url()}#equality"
        not in cabinet.get(reverse("dashboard")).content.decode()
    )
    EqualityAssessmentFactory(council_action=action)
    assert (
        f"{action.get_absolute_url()}#equality"
        in cabinet.get(reverse("dashboard")).content.decode()
    )


def test_the_dashboard_makes_the_same_queries_however_many_are_due(client, world, report):
    cabinet = signed_in(client, world.personas["cabinet"])
    theme = CouncilAction.objects.in_current_plans().first().strategy_action.theme

    def count():
        freshness.bump()  # a fresh render, not the kept one
        return len(queries_for(cabinet, reverse("dashboard")))

    EqualityAssessmentFactory(strategy_action=StrategyActionFactory(theme=theme))
    one = count()
    for _ in range(5):
        action = StrategyActionFactory(theme=theme)
        EqualityAssessmentFactory(strategy_action=action)
        EqualityAssessmentFactory(council_action=CouncilActionFactory(strategy_action=action))
    assert count() == one


def test_the_pdf_lists_them(client, world, report):
    from tests.helpers import pdf_text

    current = CouncilAction.objects.in_current_plans().first()
    EqualityAssessmentFactory(council_action=current)
    coordinator = signed_in(client, UserFactory(role=Role.FORUM_COORDINATOR))
    text = pdf_text(coordinator.get(reverse("cabinet_report_pdf")))
    assert "Equality impact assessments due" in text
    assert current.reference in text
