"""Database constraints and model behaviour."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from factory.django import DjangoModelFactory

from accounts.models import Partner, User
from actions.models import CouncilAction, StrategyAction
from actions.status import RAG, Status
from strategy.models import Strategy
from tests import factories
from tests.factories import (
    ActionPartnerFactory,
    CouncilActionFactory,
    PartnerFactory,
    SourceDocumentFactory,
    StrategyActionFactory,
    StrategyFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model_factory", [StrategyActionFactory, CouncilActionFactory])
@pytest.mark.parametrize("percent", [-1, 101, 250])
def test_percent_complete_outside_0_to_100_is_refused_by_the_database(model_factory, percent):
    action = model_factory()
    model = type(action)
    # Bypass model validation: the database itself must refuse.
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=action.pk).update(percent_complete=percent)


@pytest.mark.parametrize("percent", [0, 55, 100])
def test_percent_complete_within_range_is_kept(percent):
    action = StrategyActionFactory()
    StrategyAction.objects.filter(pk=action.pk).update(percent_complete=percent)
    action.refresh_from_db()
    assert action.percent_complete == percent


def test_percent_complete_error_is_plain_english_on_full_clean():
    action = StrategyActionFactory.build(theme=ThemeFactory(), percent_complete=120)
    with pytest.raises(ValidationError) as excinfo:
        action.full_clean()
    assert "Percent complete must be between 0 and 100." in str(excinfo.value)


def test_unknown_status_is_refused_by_the_database():
    action = CouncilActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilAction.objects.filter(pk=action.pk).update(status="green-ish")


def test_duplicate_theme_number_in_a_strategy_is_refused():
    theme = ThemeFactory(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeFactory(strategy=theme.strategy, number=1)


def test_same_theme_number_in_another_strategy_is_allowed():
    ThemeFactory(number=1)
    other = ThemeFactory(number=1)
    assert other.pk is not None


def test_duplicate_theme_number_error_is_plain_english():
    theme = ThemeFactory(number=2)
    duplicate = ThemeFactory.build(strategy=theme.strategy, number=2, title="Another")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "This strategy already has a theme with that number." in str(excinfo.value)


def test_theme_number_zero_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeFactory(number=0)


def test_partner_cannot_be_responsible_twice_for_one_action():
    link = ActionPartnerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPartnerFactory(strategy_action=link.strategy_action, partner=link.partner)


def test_strategy_period_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyFactory(starts_on=datetime.date(2013, 4, 1), ends_on=datetime.date(2012, 4, 1))


def test_user_email_is_unique_ignoring_case():
    UserFactory(email="Person@Example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="person@example.org")


def test_partner_cannot_sit_within_a_unit_below_it():
    council = PartnerFactory(kind=Partner.Kind.COUNCIL)
    directorate = PartnerFactory(kind=Partner.Kind.DIRECTORATE, parent=council)
    council.parent = directorate
    with pytest.raises(ValidationError) as excinfo:
        council.full_clean()
    assert "cannot sit within itself" in str(excinfo.value)


def test_every_status_has_a_word_and_a_rag_colour():
    assert {s.label for s in Status} == {
        "Not started",
        "On track",
        "At risk",
        "Off track",
        "Completed",
        "Withdrawn",
    }
    assert [RAG[s] for s in Status] == ["grey", "green", "amber", "red", "blue", "grey"]
    assert Status.AT_RISK.tag_class == "govuk-tag--orange"
    assert Status.COMPLETED.tag_class == "govuk-tag--blue"


def test_target_date_is_the_revised_date_when_there_is_one():
    action = StrategyActionFactory(original_target_date=datetime.date(2014, 3, 31))
    assert action.target_date == datetime.date(2014, 3, 31)
    action.revised_target_date = datetime.date(2014, 9, 30)
    assert action.target_date == datetime.date(2014, 9, 30)


def test_citation_names_the_report_and_paragraph():
    source = SourceDocumentFactory(meeting="Cabinet", meeting_date=datetime.date(2013, 3, 14))
    action = StrategyActionFactory(source=source, paragraph="2.3.2")
    assert action.citation == "Cabinet report, 14 March 2013, paragraph 2.3.2"
    action.paragraph = "2.1.1; 2.9.1"
    assert action.citation == "Cabinet report, 14 March 2013, paragraphs 2.1.1; 2.9.1"
    action.paragraph = "section 6"
    assert action.citation == "Cabinet report, 14 March 2013, section 6"
    action.source = None
    assert action.citation == ""


def test_adoption_date_shown_to_the_precision_known():
    strategy = StrategyFactory(
        adopted_on=datetime.date(2010, 3, 1),
        adopted_on_precision=Strategy.DatePrecision.MONTH,
    )
    assert strategy.adopted_on_display == "March 2010"


def test_user_has_full_name_and_organisation():
    user = UserFactory(full_name="Demo Person")
    assert str(user) == "Demo Person"
    assert user.get_full_name() == "Demo Person"
    assert isinstance(user.organisation, Partner)
    assert not hasattr(User, "first_name") or User.first_name is None


# --- The factories ----------------------------------------------------------------------

MODELS_WITH_FACTORIES = {
    factory_class._meta.model: factory_class
    for factory_class in vars(factories).values()
    if isinstance(factory_class, type)
    and issubclass(factory_class, DjangoModelFactory)
    and factory_class is not DjangoModelFactory
}


@pytest.mark.parametrize(
    "model",
    [
        m
        for app in (
            "accounts",
            "strategy",
            "themes",
            "actions",
            "monitoring",
            "discussion",
            "reports",
            "duties",  # issue 15
        )
        for m in apps.get_app_config(app).get_models()
        if not m.__name__.startswith("Historical")
    ],
    ids=lambda m: m._meta.label,
)
def test_every_model_has_a_factory_that_saves_a_valid_record(model):
    factory_class = MODELS_WITH_FACTORIES.get(model)
    assert factory_class, f"No factory in tests/factories.py for {model._meta.label}"
    record = factory_class()
    record.full_clean()
    assert model.objects.filter(pk=record.pk).exists()


def test_progress_update_factory_moves_the_action_as_the_service_does():
    action = StrategyActionFactory()
    first = factories.ProgressUpdateFactory(strategy_action=action, percent_complete=10)
    # A second update from a stale copy of the action still goes in at the current version.
    second = factories.ProgressUpdateFactory(
        strategy_action=StrategyAction.objects.get(pk=action.pk),
        status=Status.AT_RISK,
        percent_complete=35,
        revised_target_date=datetime.date(2031, 1, 31),
        revision_reason="Waiting for funding",
    )
    action.refresh_from_db()
    assert action.last_update == second
    assert (action.status, action.percent_complete) == (Status.AT_RISK, 35)
    assert action.revised_target_date == datetime.date(2031, 1, 31)
    assert action.version == 3
    assert first.organisation == first.author.organisation
    # Its history: submitted by its author, then approved by a reviewer.
    submitted, approved = second.history.order_by("history_date", "history_id")
    assert (submitted.review_state, submitted.history_user) == ("submitted", second.author)
    assert (approved.review_state, approved.history_user) == ("approved", second.reviewed_by)


def test_progress_update_factory_counts_for_the_open_round_only():
    closed = factories.MonitoringRoundFactory(state="closed")
    assert closed.closed_at is not None
    round_ = factories.MonitoringRoundFactory()
    assert factories.ProgressUpdateFactory(round=round_).round == round_
    with pytest.raises(ValueError, match="open round"):
        factories.ProgressUpdateFactory(round=closed)


def test_council_input_factory_moves_the_council_action_as_the_service_does():
    council_action = CouncilActionFactory()
    council_input = factories.CouncilInputFactory(
        council_action=council_action, status=Status.OFF_TRACK, percent_complete=15
    )
    council_action.refresh_from_db()
    assert council_action.last_input == council_input
    assert (council_action.status, council_action.percent_complete) == (Status.OFF_TRACK, 15)
    assert council_action.version == 2


def test_cabinet_report_factory_keeps_the_figures_of_the_moment():
    update = factories.ProgressUpdateFactory(narrative="Kept in the report")
    report = factories.CabinetReportFactory()
    kept = report.data["strategy"][str(update.strategy_action_id)]
    assert kept["narrative"] == "Kept in the report"
    assert kept["status"] == update.status
