"""Reads of monitoring rounds: who has and has not updated, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from accounts.models import Partner
from actions.models import ActionPartner, ProgressUpdate, ReviewState, StrategyAction

from .models import MonitoringRound


def current_round() -> MonitoringRound | None:
    return MonitoringRound.objects.open().first()


def actions_due_an_update() -> QuerySet[StrategyAction]:
    """Open strategy actions of current plans: those that still need updates."""
    return StrategyAction.objects.in_current_plans().open()


@dataclass
class PartnerProgress:
    """One responsible partner's actions in a round: updated or not."""

    partner: Partner
    updated: list[StrategyAction] = field(default_factory=list)
    not_updated: list[StrategyAction] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.updated) + len(self.not_updated)


# How far an action has got in a round, furthest first: what the round page shows for it.
FURTHEST = [ReviewState.APPROVED, ReviewState.SUBMITTED, ReviewState.RETURNED, ReviewState.DRAFT]
DONE = {ReviewState.APPROVED, ReviewState.SUBMITTED}


def review_states(round_: MonitoringRound) -> dict[int, str]:
    """Each action's furthest review state in the round (one query): approved, submitted or
    returned in it; while it is open, a draft not yet submitted counts too."""
    in_round = Q(round=round_)
    if round_.is_open:
        in_round |= Q(round__isnull=True, review_state=ReviewState.DRAFT)
    rows = (
        ProgressUpdate.all_records.filter(in_round)
        .order_by()
        .values_list("strategy_action_id", "review_state")
        .distinct()
    )
    states: dict[int, str] = {}
    for action_id, state in rows:
        known = states.get(action_id)
        if known is None or FURTHEST.index(state) < FURTHEST.index(known):
            states[action_id] = state
    return states


def round_progress(round_: MonitoringRound) -> list[PartnerProgress]:
    """Each responsible partner with its actions that have, and have not, an update in the round.

    Two queries whatever the size: the responsibilities, and the ids updated in the round.
    """
    states = review_states(round_)
    # Submitted counts as done by the organisation (no reminder); approved as well, of course.
    updated_ids = {pk for pk, state in states.items() if state in DONE}
    # Due an update, or updated in this round (even if that update completed the action).
    in_round = StrategyAction.objects.in_current_plans().filter(pk__in=updated_ids)
    links = (
        ActionPartner.objects.filter(
            Q(strategy_action__in=actions_due_an_update()) | Q(strategy_action__in=in_round)
        )
        .select_related("partner", "strategy_action__theme")
        .order_by("partner__name", "strategy_action__theme__number", "strategy_action__position")
    )
    by_partner: dict[int, PartnerProgress] = {}
    for link in links:
        progress = by_partner.setdefault(link.partner_id, PartnerProgress(link.partner))
        bucket = (
            progress.updated if link.strategy_action_id in updated_ids else progress.not_updated
        )
        link.strategy_action.round_state = states.get(link.strategy_action_id, "")
        bucket.append(link.strategy_action)
    return list(by_partner.values())
