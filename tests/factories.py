"""factory-boy factories for every model, one place for the whole suite."""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Partner, User
from accounts.services import set_role
from actions.models import (
    ActionPartner,
    CouncilAction,
    ExistingActivity,
    ProgressUpdate,
    StrategyAction,
    SubPoint,
)
from actions.status import Status
from monitoring.models import MonitoringRound
from strategy.models import CorporatePriority, SourceDocument, Strategy
from themes.models import PartnershipExample, Theme

TEST_PASSWORD = "a-test-password"


class SourceDocumentFactory(DjangoModelFactory):
    class Meta:
        model = SourceDocument
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"report-{n}")
    title = factory.Sequence(lambda n: f"Report {n}")
    meeting = "Cabinet"
    meeting_date = factory.Faker("date_object")


class CorporatePriorityFactory(DjangoModelFactory):
    class Meta:
        model = CorporatePriority

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Corporate priority {n}")


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Partner.Kind.ORGANISATION


class CouncilUnitFactory(PartnerFactory):
    name = factory.Sequence(lambda n: f"Council unit {n}")
    slug = factory.Sequence(lambda n: f"council-unit-{n}")
    kind = Partner.Kind.DIRECTORATE


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)
    organisation = factory.SubFactory(PartnerFactory)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """UserFactory(role=Role.FORUM_MEMBER) puts the person in that role's group."""
        if create and extracted:
            set_role(user=self, role=extracted)


class StrategyFactory(DjangoModelFactory):
    class Meta:
        model = Strategy

    slug = factory.Sequence(lambda n: f"strategy-{n}")
    title = factory.Sequence(lambda n: f"Strategy {n}")
    vision = "A vision"
    status = Strategy.Status.CURRENT


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Theme {n}")


class PartnershipExampleFactory(DjangoModelFactory):
    class Meta:
        model = PartnershipExample

    theme = factory.SubFactory(ThemeFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence")


class StrategyActionFactory(DjangoModelFactory):
    class Meta:
        model = StrategyAction

    theme = factory.SubFactory(ThemeFactory)
    position = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda a: f"T{a.theme.number}.{a.position}")
    text = factory.Faker("sentence")


class SubPointFactory(DjangoModelFactory):
    class Meta:
        model = SubPoint

    strategy_action = factory.SubFactory(StrategyActionFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence")


class ActionPartnerFactory(DjangoModelFactory):
    class Meta:
        model = ActionPartner

    strategy_action = factory.SubFactory(StrategyActionFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = ActionPartner.Role.LEAD


class ExistingActivityFactory(DjangoModelFactory):
    class Meta:
        model = ExistingActivity

    strategy_action = factory.SubFactory(StrategyActionFactory)
    position = 1
    text = factory.Faker("paragraph")


class CouncilActionFactory(DjangoModelFactory):
    class Meta:
        model = CouncilAction

    strategy_action = factory.SubFactory(StrategyActionFactory)
    position = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda c: f"{c.strategy_action.reference}-{c.position}")
    text = factory.Faker("sentence")
    responsible_unit = factory.SubFactory(CouncilUnitFactory)


class MonitoringRoundFactory(DjangoModelFactory):
    class Meta:
        model = MonitoringRound

    name = factory.Sequence(lambda n: f"Round {n}")
    period_start = datetime.date(2026, 4, 1)
    period_end = datetime.date(2026, 9, 30)
    due_date = datetime.date(2026, 10, 31)
    opened_by = factory.SubFactory(UserFactory)


class ProgressUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    strategy_action = factory.SubFactory(StrategyActionFactory)
    author = factory.SubFactory(UserFactory)
    status = Status.ON_TRACK
    percent_complete = 30
    narrative = factory.Faker("paragraph")
