"""Writes to the action plan. Each is one transaction and records who made the change."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User

from .models import MonitoringRound, ProgressUpdate, StrategyAction


class StaleEdit(Exception):
    """Someone else changed the action after this person started their edit."""

    def __init__(self, action: StrategyAction):
        super().__init__(f"{action.reference} has changed since the edit began")
        self.action = action


@transaction.atomic
def post_progress_update(
    *,
    action: StrategyAction,
    author: User,
    expected_version: int,
    status: str,
    percent_complete: int,
    narrative: str,
    next_steps: str = "",
    evidence_url: str = "",
    revised_target_date: datetime.date | None = None,
    revision_reason: str = "",
) -> ProgressUpdate:
    """Record a progress update and move the action's current status, together.

    Raises StaleEdit if the action changed after `expected_version` was read:
    nothing is saved, and the caller shows the newer update.
    """
    # Claim the action with a conditional update: on PostgreSQL the row lock
    # makes a concurrent claim wait and then see the new version; SQLite
    # serialises writers. Either way only one edit of a given version wins.
    claimed = StrategyAction.objects.filter(pk=action.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise StaleEdit(StrategyAction.objects.select_related("last_update").get(pk=action.pk))
    action.refresh_from_db()

    update = ProgressUpdate(
        action=action,
        round=MonitoringRound.objects.open().first(),
        author=author,
        organisation_id=author.organisation_id,
        status=status,
        percent_complete=percent_complete,
        narrative=narrative,
        next_steps=next_steps,
        evidence_url=evidence_url,
        previous_target_date=action.target_date,
        revised_target_date=revised_target_date,
        revision_reason=revision_reason if revised_target_date else "",
    )
    update.full_clean()
    update._history_user = author
    update.save()

    action.status = status
    action.percent_complete = percent_complete
    if revised_target_date:
        action.revised_target_date = revised_target_date
    action.last_update = update
    action._history_user = author
    action.full_clean()
    action.save()
    return update


@transaction.atomic
def open_round(
    *,
    opened_by: User,
    name: str,
    period_start: datetime.date,
    period_end: datetime.date,
    due_date: datetime.date,
) -> MonitoringRound:
    """Open a monitoring round. Only one round may be open at a time."""
    if MonitoringRound.objects.open().exists():
        raise ValidationError("Close the open round before opening another.")
    round_ = MonitoringRound(
        name=name,
        period_start=period_start,
        period_end=period_end,
        due_date=due_date,
        opened_by=opened_by,
    )
    round_.full_clean()
    round_._history_user = opened_by
    round_.save()
    return round_


@transaction.atomic
def close_round(*, round_: MonitoringRound, closed_by: User) -> MonitoringRound:
    """Close a round. Updates posted in it stay as they are."""
    round_ = MonitoringRound.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open:
        raise ValidationError("This round is already closed.")
    round_.state = MonitoringRound.State.CLOSED
    round_.closed_at = timezone.now()
    round_.closed_by = closed_by
    round_._history_user = closed_by
    round_.full_clean()
    round_.save()
    return round_
