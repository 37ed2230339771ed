"""A counter in the database that moves whenever the plan changes, so cached views of it are
never stale, however many workers serve them and whichever cache they use.

Every save or delete of a record the dashboard or the plan page shows (including the names
of partners and people it credits) adds one to the counter in the same transaction, whether
it came through a service, the admin or a command. Cached pages are keyed by the counter, so a
change makes them miss at once in every worker; before the change commits, others read
the old counter and the old data together. (Cache invalidation is the one job kept in
signals: it must follow every write, wherever it happens.)
"""

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import PlanGeneration


def generation() -> int:
    """The counter now (one small query)."""
    value = PlanGeneration.objects.filter(pk=PlanGeneration.ROW).values_list("value", flat=True)
    return value.first() or 0


def bump(**kwargs) -> None:
    """Move the counter on. The row stays locked until the writing transaction ends."""
    if kwargs.get("update_fields") and set(kwargs["update_fields"]) <= {"last_login"}:
        return  # signing in changes nothing the dashboard shows
    moved = PlanGeneration.objects.filter(pk=PlanGeneration.ROW).update(value=F("value") + 1)
    if not moved:  # the row is made by a migration; a flushed test database has none
        PlanGeneration.objects.get_or_create(pk=PlanGeneration.ROW, defaults={"value": 1})


def bump_after_m2m(action: str, **kwargs) -> None:
    """Links added with .add() or .set() send m2m_changed, not post_save."""
    if action in ("post_add", "post_remove", "post_clear"):
        bump()


def connect() -> None:
    from django.contrib.auth import get_user_model

    from accounts.models import Partner
    from actions.models import (
        ActionPartner,
        ActionPriority,
        CouncilAction,
        CouncilInput,
        Milestone,
        ProgressUpdate,
        StrategyAction,
        SubPoint,
    )
    from duties.models import EqualityAssessment, SocialValue
    from evidence.models import EvidenceFile
    from indicators.models import Indicator, IndicatorTarget, IndicatorValue
    from monitoring.models import MonitoringRound
    from risks.models import Risk, RiskMitigation, RiskReview
    from strategy.models import (
        CorporatePriority,
        DecisionOption,
        DecisionOptionPoint,
        DecisionPassage,
        Strategy,
    )
    from themes.models import Theme

    from .models import CabinetReport

    for model in (
        Strategy,
        CorporatePriority,
        Theme,
        StrategyAction,
        SubPoint,
        ActionPartner,
        ActionPriority,
        CouncilAction,
        CouncilInput,
        ProgressUpdate,
        EvidenceFile,  # shown on the timelines of the action pages
        Milestone,  # issue 13
        EqualityAssessment,  # issue 15: on the action pages, the dashboard and the report
        SocialValue,
        MonitoringRound,
        CabinetReport,
        DecisionOption,  # the decision page, issue 15
        DecisionOptionPoint,
        DecisionPassage,
        Indicator,
        IndicatorTarget,
        IndicatorValue,
        Risk,  # issue 15: the dashboard's and the action pages' risks
        RiskMitigation,
        RiskReview,
        Partner,
        get_user_model(),
    ):
        post_save.connect(bump, sender=model, dispatch_uid=f"freshness-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"freshness-del-{model.__name__}")
    for through in (
        ProgressUpdate.milestones_done.through,  # a record's milestones, shown to reviewers
        CouncilInput.milestones_done.through,
        StrategyAction.corporate_priorities.through,
        StrategyAction.partners.through,
        Strategy.corporate_priorities.through,
        Indicator.strategy_actions.through,
        Indicator.council_actions.through,
        Indicator.themes.through,
        EqualityAssessment.characteristics.through,  # issue 15
    ):
        m2m_changed.connect(
            bump_after_m2m, sender=through, dispatch_uid=f"freshness-m2m-{through.__name__}"
        )
