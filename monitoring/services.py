"""Writes to monitoring rounds. Each is one transaction and records who made the change."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import MonitoringRound


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
