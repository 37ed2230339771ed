"""Database constraints and model behaviour."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Partner, User
from actions.models import CouncilAction, StrategyAction
from actions.status import RAG, Status
from strategy.models import Strategy
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
