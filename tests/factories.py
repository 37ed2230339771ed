"""factory-boy factories for every model, one place for the whole suite.

Progress records (ProgressUpdateFactory, CouncilInputFactory) and Cabinet reports
(CabinetReportFactory) are made through the services the product uses, so the
action's status, percent complete and latest record move exactly as in real life.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Partner, PasswordResetRequest, User
from accounts.roles import Role
from accounts.services import set_role
from actions import services as action_services
from actions.models import (
    ActionPartner,
    ActionPriority,
    CouncilAction,
    CouncilInput,
    ExistingActivity,
    ProgressUpdate,
    ReviewState,
    SearchDocument,
    StrategyAction,
    SubPoint,
)
from actions.status import Status
from discussion import services as discussion_services
from discussion.models import Comment, DigestLog
from duties import services as duty_services
from duties.models import EqualityAssessment, ProtectedCharacteristic, SocialValue
from indicators import services as indicator_services
from indicators.models import Indicator, IndicatorTarget, IndicatorValue
from monitoring import services as round_services
from monitoring.models import MonitoringRound, ReminderLog
from reports import services as report_services
from reports.models import CabinetReport, Download, PlanGeneration
from strategy.models import (
    CorporatePriority,
    DemoProgress,
    Recommendation,
    SourceDocument,
    Strategy,
    StrategyElement,
)
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


class RecommendationFactory(DjangoModelFactory):
    class Meta:
        model = Recommendation

    source = factory.SubFactory(SourceDocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence")


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


class StrategyElementFactory(DjangoModelFactory):
    class Meta:
        model = StrategyElement

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence")


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


class SearchDocumentFactory(DjangoModelFactory):
    """An action's search document: saving the action makes it (actions/signals.py)."""

    class Meta:
        model = SearchDocument
        django_get_or_create = ("strategy_action",)

    strategy_action = factory.SubFactory(StrategyActionFactory)


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


class ActionPriorityFactory(DjangoModelFactory):
    class Meta:
        model = ActionPriority

    strategy_action = factory.SubFactory(StrategyActionFactory)
    priority = factory.SubFactory(CorporatePriorityFactory)


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
    """An open monitoring round, opened through the service (which allows one at a time).

    MonitoringRoundFactory(state=MonitoringRound.State.CLOSED) opens it and then
    closes it, as the coordinator would.
    """

    class Meta:
        model = MonitoringRound

    name = factory.Sequence(lambda n: f"Round {n}")
    period_start = datetime.date(2026, 4, 1)
    period_end = datetime.date(2026, 9, 30)
    due_date = datetime.date(2026, 10, 31)
    opened_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, state=MonitoringRound.State.OPEN, **kwargs):
        round_ = round_services.open_round(**kwargs)
        if state == MonitoringRound.State.CLOSED:
            round_ = round_services.close_round(round_=round_, closed_by=kwargs["opened_by"])
        return round_


class ReminderLogFactory(DjangoModelFactory):
    class Meta:
        model = ReminderLog

    recipient = factory.SubFactory(UserFactory)
    round = factory.SubFactory(MonitoringRoundFactory)
    sent_on = factory.LazyFunction(timezone.localdate)
    action_count = 1


def _current_version(model, pk):
    return model.objects.values_list("version", flat=True).get(pk=pk)


def _check_round(round_):
    """A progress update counts for the open round; a test cannot choose another."""
    if round_ is not None and not round_.is_open:
        raise ValueError("Updates count for the open round: open `round` before posting.")
    if round_ is not None and MonitoringRound.objects.open().first() != round_:
        raise ValueError("Updates count for the open round, and `round` is not it.")


class ProgressUpdateFactory(DjangoModelFactory):
    """A progress update posted through actions.services.post_progress_update, and approved
    through monitoring.services.approve by a coordinator made for the purpose (`approved=False`
    leaves it submitted, or a draft with `submit=False`).

    The action's status, percent complete, revised target date and last_update
    move with it once approved. `round` may be given only as the round that is open (the
    service decides the round); `organisation` is always the author's.
    """

    class Meta:
        model = ProgressUpdate

    strategy_action = factory.SubFactory(StrategyActionFactory)
    author = factory.SubFactory(UserFactory)
    status = Status.ON_TRACK
    percent_complete = 30
    narrative = factory.Faker("paragraph")

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        strategy_action,
        round=None,
        organisation=None,
        approved=True,
        **kwargs,
    ):
        _check_round(round)
        if organisation is not None and organisation != kwargs["author"].organisation:
            raise ValueError("An update's organisation is its author's: change the author's.")
        update = action_services.post_progress_update(
            strategy_action=strategy_action,
            expected_version=_current_version(StrategyAction, strategy_action.pk),
            **kwargs,
        )
        return _approved(update, Role.FORUM_COORDINATOR) if approved else update


class CouncilInputFactory(DjangoModelFactory):
    """Council input recorded through actions.services.record_council_input, and approved by an
    administrator made for the purpose (`approved=False` leaves it submitted).

    The proposed council action's status, percent complete, revised target date
    and last_input move with it.
    """

    class Meta:
        model = CouncilInput

    council_action = factory.SubFactory(CouncilActionFactory)
    author = factory.SubFactory(UserFactory)
    status = Status.ON_TRACK
    percent_complete = 30
    commentary = factory.Faker("paragraph")

    @classmethod
    def _create(
        cls, model_class, *args, council_action, organisation=None, approved=True, **kwargs
    ):
        if organisation is not None and organisation != kwargs["author"].organisation:
            raise ValueError("Input's organisation is its author's: change the author's.")
        council_input = action_services.record_council_input(
            council_action=council_action,
            expected_version=_current_version(CouncilAction, council_action.pk),
            **kwargs,
        )
        return _approved(council_input, Role.ADMINISTRATOR) if approved else council_input


def _approved(record, reviewer_role: str):
    """The record approved by a reviewer made for the purpose, where its strategy reviews
    updates and it was submitted (a draft stays a draft)."""
    if record.review_state != ReviewState.SUBMITTED:
        return record
    return round_services.approve(record=record, reviewer=UserFactory(role=reviewer_role))


class CabinetReportFactory(DjangoModelFactory):
    """A Cabinet report generated through reports.services.generate_cabinet_report.

    It keeps the figures the plan shows at the moment it is made.
    """

    class Meta:
        model = CabinetReport

    created_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, created_by, reissue_of=None, **kwargs):
        if kwargs:
            raise ValueError(f"A Cabinet report's {sorted(kwargs)} come from the plan.")
        return report_services.generate_cabinet_report(
            generated_by=created_by, reissue_of=reissue_of
        )


class PlanGenerationFactory(DjangoModelFactory):
    """The one counter row (a migration makes it; a flushed test database may not have it)."""

    class Meta:
        model = PlanGeneration
        django_get_or_create = ("id",)

    id = PlanGeneration.ROW


class DownloadFactory(DjangoModelFactory):
    """A finished download of the plan as CSV (made without the job, for pages and access)."""

    class Meta:
        model = Download

    kind = Download.Kind.PLAN_CSV
    status = Download.Status.READY
    requested_by = factory.SubFactory(UserFactory)
    filename = "action-plan.csv"
    file = factory.django.FileField(filename="action-plan.csv", data=b"Strategy,Theme\r\n")
    rows_total = 0


class PasswordResetRequestFactory(DjangoModelFactory):
    class Meta:
        model = PasswordResetRequest

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    address = "198.51.100.7"


class ThemeRollupFactory(DjangoModelFactory):
    """A theme's dashboard figures (reports/rollups.py): a theme gets its row when it is made,
    and the row follows its actions, so this fetches that row."""

    class Meta:
        model = "reports.ThemeRollup"
        django_get_or_create = ("theme",)

    theme = factory.SubFactory(ThemeFactory)


# --- Discussion on an action (issue 13) ---


class CommentFactory(DjangoModelFactory):
    """A comment, posted through the service (on `strategy_action` unless `council_action` is
    given). `hidden_by=` and `hidden_reason=` hide it afterwards, through the service too."""

    class Meta:
        model = Comment

    strategy_action = factory.Maybe(
        "council_action", no_declaration=factory.SubFactory(StrategyActionFactory)
    )
    council_action = None
    author = factory.SubFactory(UserFactory, role=Role.FORUM_MEMBER)
    body = factory.Sequence(lambda n: f"Comment {n}: when is the next partners' meeting?")
    created_at = None

    @classmethod
    def _create(cls, model_class, *args, hidden_by=None, hidden_reason="", **kwargs):
        comment = discussion_services.post_comment(**kwargs)
        if hidden_by is not None:
            comment = discussion_services.hide_comment(
                comment=comment, hidden_by=hidden_by, reason=hidden_reason or "Off topic"
            )
        return comment


class DigestLogFactory(DjangoModelFactory):
    class Meta:
        model = DigestLog

    recipient = factory.SubFactory(UserFactory)
    sent_on = factory.LazyFunction(timezone.localdate)
    sent_at = factory.LazyFunction(timezone.now)
    comment_count = 1


# --- Evidence files (issue 13) ---


class EvidenceFileFactory(DjangoModelFactory):
    """An evidence file attached through evidence.services.attach_files, checked as an upload
    is: give `record` (a progress update or council input); by default a small PDF, uploaded
    by the record's author."""

    class Meta:
        model = "evidence.EvidenceFile"

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        record,
        uploaded_by=None,
        filename="report.pdf",
        content=b"%PDF-1.4\n%%EOF\n",
        **kwargs,
    ):
        from django.core.files.base import ContentFile

        from evidence.services import attach_files

        (evidence,) = attach_files(
            record=record,
            files=[ContentFile(content, name=filename)],
            uploaded_by=uploaded_by or record.author,
        )
        return evidence


# --- Demo progress (issue 13) ---


class DemoProgressFactory(DjangoModelFactory):
    class Meta:
        model = DemoProgress

    summary = "A year of quarterly rounds on the 2013 plan."


# --- Milestones (issue 13) ---


class MilestoneFactory(DjangoModelFactory):
    """A milestone added through actions.services.add_milestone (so its action's percent
    follows, where it is taken from milestones), on a strategy action unless `council_action`
    is given; `done_on` marks it done through mark_milestone_done, by `done_by` (its adder
    unless given)."""

    class Meta:
        model = "actions.Milestone"

    council_action = None
    strategy_action = factory.Maybe(
        "council_action",
        yes_declaration=None,
        no_declaration=factory.SubFactory(StrategyActionFactory),
    )
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    owner = factory.SubFactory(PartnerFactory)
    added_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        strategy_action=None,
        council_action=None,
        done_on=None,
        done_by=None,
        **kwargs,
    ):
        milestone = action_services.add_milestone(
            action=council_action or strategy_action, **kwargs
        )
        if done_on is not None:
            milestone = action_services.mark_milestone_done(
                milestone=milestone, done_by=done_by or kwargs["added_by"], done_on=done_on
            )
        return milestone


# --- Indicators (issue 13) ---


class IndicatorFactory(DjangoModelFactory):
    """An indicator defined through indicators.services.create_indicator, with one target by
    default (`targets=[(value, date), ...]` to choose them; a baseline of 100 on 1 April 2026)."""

    class Meta:
        model = Indicator

    strategy = factory.SubFactory(StrategyFactory)
    created_by = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Indicator {n}")
    definition = "Volunteers placed through the volunteer centre in the period."
    unit = "people"
    owner = factory.SubFactory(PartnerFactory)
    direction = Indicator.Direction.UP
    frequency = Indicator.Frequency.QUARTERLY
    baseline_value = Decimal("100")
    baseline_date = datetime.date(2026, 4, 1)
    targets = factory.LazyFunction(lambda: [(Decimal("200"), datetime.date(2027, 4, 1))])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return indicator_services.create_indicator(**kwargs)


class IndicatorTargetFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("150")
    date = factory.Sequence(lambda n: datetime.date(2030, 1, 1) + datetime.timedelta(days=n))


class IndicatorValueFactory(DjangoModelFactory):
    """A value recorded through indicators.services.record_value and approved by a coordinator
    made for the purpose (`approved=False` leaves it submitted where the strategy reviews)."""

    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    author = factory.SubFactory(UserFactory)
    value = Decimal("120")
    measured_on = datetime.date(2026, 7, 1)

    @classmethod
    def _create(cls, model_class, *args, approved=True, **kwargs):
        value = indicator_services.record_value(**kwargs)
        if approved and value.review_state == ReviewState.SUBMITTED:
            value = indicator_services.approve_value(
                value=value, reviewer=UserFactory(role=Role.FORUM_COORDINATOR)
            )
        return value


# --- The API (issue 14) ---


def api_token(user, name: str = "A script") -> str:
    """A personal API token for `user`, made as its page makes one; returns the token itself
    (only its digest is stored)."""
    from api.models import ApiToken

    return ApiToken.objects.make(user=user, name=name)[1]


# --- The decision, whole (issue 15) ---


class DecisionOptionFactory(DjangoModelFactory):
    class Meta:
        model = "strategy.DecisionOption"

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence")
    paragraph = "2.2.1"


class DecisionOptionPointFactory(DjangoModelFactory):
    class Meta:
        model = "strategy.DecisionOptionPoint"

    option = factory.SubFactory(DecisionOptionFactory)
    kind = "advantage"
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence")
    paragraph = "2.2.1"


class DecisionPassageFactory(DjangoModelFactory):
    class Meta:
        model = "strategy.DecisionPassage"

    strategy = factory.SubFactory(StrategyFactory)
    section = "financial"
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence")
    paragraph = "2.8.1"


# --- The council's duties: equality and social value (issue 15) ---


class ProtectedCharacteristicFactory(DjangoModelFactory):
    class Meta:
        model = ProtectedCharacteristic
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Characteristic {n}")
    position = factory.Sequence(lambda n: n + 1)


class EqualityAssessmentFactory(DjangoModelFactory):
    """An assessment saved through duties.services.record_assessment (so its version and
    history move as in real life), of a strategy action unless `council_action` is given;
    due by default (`state`, `outcome`... as the form gives them)."""

    class Meta:
        model = EqualityAssessment

    council_action = None
    strategy_action = factory.Maybe(
        "council_action",
        yes_declaration=None,
        no_declaration=factory.SubFactory(StrategyActionFactory),
    )
    changed_by = factory.SubFactory(UserFactory, role=Role.FORUM_COORDINATOR)
    state = "due"
    affects_groups = False
    characteristics = ()

    @classmethod
    def _create(cls, model_class, *args, strategy_action=None, council_action=None, **kwargs):
        subject = council_action or strategy_action
        current = duty_services.assessment_of(subject)
        return duty_services.record_assessment(
            subject=subject, expected_version=current.version, **kwargs
        )


class SocialValueFactory(DjangoModelFactory):
    """Social value considerations saved through duties.services.record_social_value:
    involving procurement, not yet recorded, unless the answers are given."""

    class Meta:
        model = SocialValue

    council_action = factory.SubFactory(CouncilActionFactory)
    changed_by = factory.SubFactory(UserFactory, role=Role.ADMINISTRATOR)
    involves_procurement = True

    @classmethod
    def _create(cls, model_class, *args, council_action, **kwargs):
        current = duty_services.social_value_of(council_action)
        return duty_services.record_social_value(
            council_action=council_action, expected_version=current.version, **kwargs
        )


# --- The risk register (issue 15) ---


class RiskFactory(DjangoModelFactory):
    """A risk added through risks.services.add_risk, to a strategy as a whole unless
    `strategy_action` or `council_action` is given, with `mitigations` (two by default)."""

    class Meta:
        model = "risks.Risk"

    strategy_action = None
    council_action = None
    strategy = factory.Maybe(
        factory.LazyAttribute(lambda r: r.strategy_action is None and r.council_action is None),
        yes_declaration=factory.SubFactory(StrategyFactory),
        no_declaration=None,
    )
    description = factory.Sequence(lambda n: f"Risk number {n} comes about")
    likelihood = 3
    impact = 3
    added_by = factory.SubFactory(UserFactory)
    mitigations = ("A first mitigation", "A second mitigation")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from risks import services as risk_services

        kwargs["mitigations"] = list(kwargs["mitigations"])
        return risk_services.add_risk(**kwargs)


class RiskReviewFactory(DjangoModelFactory):
    """A review recorded through risks.services.review_risk, in the open round if any."""

    class Meta:
        model = "risks.RiskReview"

    risk = factory.SubFactory(RiskFactory)
    reviewed_by = factory.SubFactory(UserFactory)
    likelihood = 2
    impact = 2
    status = "open"
    note = "Reviewed"
    next_review_date = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=90)
    )

    @classmethod
    def _create(cls, model_class, *args, risk, **kwargs):
        from risks import services as risk_services

        risk.refresh_from_db()
        return risk_services.review_risk(risk=risk, expected_version=risk.version, **kwargs)


# --- Data protection (issue 15) ---


class SignInRecordFactory(DjangoModelFactory):
    """A sign-in recorded by django-axes, under the name typed (a username or email address)."""

    class Meta:
        model = "axes.AccessLog"

    username = factory.Sequence(lambda n: f"user{n}")
    ip_address = "198.51.100.7"
    user_agent = "Mozilla/5.0"
    http_accept = "text/html"
    path_info = "/accounts/login/"
    attempt_time = factory.LazyFunction(timezone.now)


class FailedSignInFactory(SignInRecordFactory):
    """A failed sign-in attempt kept by django-axes."""

    class Meta:
        model = "axes.AccessFailureLog"

    locked_out = False
