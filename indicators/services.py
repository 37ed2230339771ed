"""Writes to indicators. Each is one transaction and records who made the change."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from actions.models import ReviewState
from monitoring.models import MonitoringRound

from .models import Indicator, IndicatorTarget, IndicatorValue

Target = tuple[Decimal, datetime.date]


class ReviewConflict(Exception):
    """The value was reviewed by someone else meanwhile."""

    def __init__(self, value: IndicatorValue):
        super().__init__(f"{value} is now {value.get_review_state_display().lower()}")
        self.value = value


def _set_targets(indicator: Indicator, targets: Iterable[Target], changed_by: User) -> None:
    """Make the indicator's targets exactly `targets` (value, date), recording each change."""
    wanted = {date: Decimal(value) for value, date in targets}
    if not wanted:
        raise ValidationError("Give at least one target: a value and the date to reach it by.")
    if indicator.baseline_date and min(wanted) <= indicator.baseline_date:
        raise ValidationError("Each target date must be after the baseline date.")
    existing = {target.date: target for target in indicator.targets.all()}
    for date, target in existing.items():
        if date not in wanted:
            target._history_user = changed_by
            target.delete()
    for date, value in wanted.items():
        target = existing.get(date) or IndicatorTarget(indicator=indicator, date=date)
        if target.pk and target.value == value:
            continue
        target.value = value
        target.full_clean()
        target._history_user = changed_by
        target.save()


def _link(indicator: Indicator, *, strategy_actions, council_actions, themes) -> None:
    if strategy_actions is not None:
        indicator.strategy_actions.set(strategy_actions)
    if council_actions is not None:
        indicator.council_actions.set(council_actions)
    if themes is not None:
        indicator.themes.set(themes)


@transaction.atomic
def create_indicator(
    *,
    strategy,
    created_by: User,
    name: str,
    definition: str,
    unit: str,
    owner,
    targets: Iterable[Target],
    direction: str = Indicator.Direction.UP,
    frequency: str = Indicator.Frequency.QUARTERLY,
    baseline_value: Decimal | None = None,
    baseline_date: datetime.date | None = None,
    source: str = "",
    strategy_actions: Iterable = (),
    council_actions: Iterable = (),
    themes: Iterable = (),
) -> Indicator:
    """Define an indicator with its targets (one or more (value, date)) and what it links to."""
    indicator = Indicator(
        strategy=strategy,
        created_by=created_by,
        name=name,
        definition=definition,
        unit=unit,
        owner=owner,
        direction=direction,
        frequency=frequency,
        baseline_value=baseline_value,
        baseline_date=baseline_date,
        source=source,
    )
    indicator.full_clean()
    indicator._history_user = created_by
    indicator.save()
    _set_targets(indicator, targets, created_by)
    _link(
        indicator,
        strategy_actions=strategy_actions,
        council_actions=council_actions,
        themes=themes,
    )
    return indicator


@transaction.atomic
def update_indicator(
    *,
    indicator: Indicator,
    changed_by: User,
    targets: Iterable[Target] | None = None,
    strategy_actions: Iterable | None = None,
    council_actions: Iterable | None = None,
    themes: Iterable | None = None,
    **fields,
) -> Indicator:
    """Change an indicator's fields, its targets (when given: the full new list) and links."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator._history_user = changed_by
    indicator.save()
    if targets is not None:
        _set_targets(indicator, targets, changed_by)
    _link(
        indicator,
        strategy_actions=strategy_actions,
        council_actions=council_actions,
        themes=themes,
    )
    return indicator


def reviews_values(indicator: Indicator) -> bool:
    """Whether the indicator's strategy reviews progress (values too) before it counts."""
    return (
        Indicator.objects.filter(pk=indicator.pk)
        .values_list("strategy__reviews_updates", flat=True)
        .get()
    )


@transaction.atomic
def record_value(
    *,
    indicator: Indicator,
    author: User,
    value: Decimal,
    measured_on: datetime.date,
    note: str = "",
    source: str = "",
) -> IndicatorValue:
    """Record a measured value in the round open now: submitted for review, or approved at once
    where the indicator's strategy does not review updates."""
    now = timezone.now()
    record = IndicatorValue(
        indicator=indicator,
        author=author,
        organisation_id=author.organisation_id,
        value=value,
        measured_on=measured_on,
        note=note,
        source=source,
        round=MonitoringRound.objects.open().first(),
        review_state=ReviewState.SUBMITTED,
        submitted_at=now,
    )
    if not reviews_values(indicator):
        record.review_state, record.reviewed_at = ReviewState.APPROVED, now
    record.full_clean()
    record._history_user = author
    record.save()
    return record


def _locked(value: IndicatorValue, reviewer: User) -> IndicatorValue:
    value = IndicatorValue.all_records.select_for_update().get(pk=value.pk)
    if value.review_state != ReviewState.SUBMITTED:
        raise ReviewConflict(value)
    if value.author_id == reviewer.pk:
        raise ValidationError("You cannot review your own value: another reviewer must.")
    return value


@transaction.atomic
def approve_value(*, value: IndicatorValue, reviewer: User, base_url: str = "") -> IndicatorValue:
    """Approve a submitted value: it counts from now on, and its author is emailed. Raises
    ReviewConflict if it no longer waits for review, ValidationError if the reviewer recorded
    it."""
    value = _locked(value, reviewer)
    value.review_state = ReviewState.APPROVED
    value.reviewed_by = reviewer
    value.reviewed_at = timezone.now()
    value._history_user = reviewer
    value.full_clean()
    value.save()
    _tell_author(value, base_url)
    return value


@transaction.atomic
def return_value(
    *, value: IndicatorValue, reviewer: User, comment: str, base_url: str = ""
) -> IndicatorValue:
    """Return a submitted value to its author with a comment saying what to change; they are
    emailed."""
    if not comment.strip():
        raise ValidationError({"comment": "Say what to change, so the author can put it right"})
    value = _locked(value, reviewer)
    value.review_state = ReviewState.RETURNED
    value.review_comment = comment.strip()
    value.reviewed_by = reviewer
    value.reviewed_at = timezone.now()
    value._history_user = reviewer
    value.full_clean()
    value.save()
    _tell_author(value, base_url)
    return value


def _tell_author(value: IndicatorValue, base_url: str) -> None:
    """Email the author what happened to their value, once the review has committed."""
    author = value.author
    if not author.email or not author.is_active:
        return
    returned = value.review_state == ReviewState.RETURNED
    indicator = value.indicator
    context = {
        "value": value,
        "returned": returned,
        "link": base_url + indicator.get_absolute_url(),
        "record_link": base_url + reverse("indicator_value_add", args=[indicator.pk]),
    }
    verdict = "returned for changes" if returned else "approved"
    title = f"Your value of {indicator.name} was {verdict}"
    body = render_to_string("indicators/email/reviewed.txt", context)
    transaction.on_commit(lambda: send_mail(title, body, None, [author.email], fail_silently=False))
