"""Writes to the risk register: adding and changing a risk with its mitigations, and reviewing
it. Each is one transaction; every change is kept in the history with who made it.

A change or review carries the version the person read; if the risk changed meanwhile it is
refused (StaleRisk) and nothing is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Max

from monitoring.selectors import current_round

from .models import Risk, RiskMitigation, RiskReview

if TYPE_CHECKING:
    from accounts.models import User


class StaleRisk(Exception):
    """Someone else changed or reviewed the risk after this person opened it."""

    def __init__(self, risk: Risk):
        super().__init__(f"{risk.reference} has changed since the edit began")
        self.risk = risk


def _claim(risk: Risk, expected_version: int) -> Risk:
    """Move the version on if it is still `expected_version` (the row is then ours until the
    transaction ends) and return the risk as it is now; else raise StaleRisk."""
    moved = Risk.objects.filter(pk=risk.pk, version=expected_version).update(
        version=F("version") + 1
    )
    now = Risk.objects.select_for_update().get(pk=risk.pk)
    if not moved:
        raise StaleRisk(now)
    return now


def next_reference(strategy) -> str:
    """R1, R2, ...: one more than the highest number its strategy's risks use."""
    highest = 0
    for reference in Risk.objects.filter(strategy=strategy).values_list("reference", flat=True):
        digits = reference[1:]
        if reference[:1] == "R" and digits.isdigit():
            highest = max(highest, int(digits))
    return f"R{highest + 1}"


def _set_mitigations(risk: Risk, texts: Sequence[str], changed_by: User) -> None:
    """Make the risk's mitigations `texts`, in order: a changed one is changed in place, a new
    one added, one no longer there removed (each change kept in its history)."""
    existing = {m.position: m for m in risk.mitigations.all()}
    for position, text in enumerate(texts, start=1):
        mitigation = existing.pop(position, None)
        if mitigation is None:
            mitigation = RiskMitigation(risk=risk, position=position, text=text)
        elif mitigation.text == text:
            continue
        else:
            mitigation.text = text
            mitigation.source, mitigation.paragraph = None, ""  # no longer the report's words
        mitigation._history_user = changed_by
        mitigation.save()
    for mitigation in existing.values():
        mitigation._history_user = changed_by
        mitigation.delete()


@transaction.atomic
def add_risk(
    *,
    strategy,
    added_by: User,
    description: str,
    mitigations: Sequence[str],
    strategy_action=None,
    council_action=None,
    likelihood: int | None = None,
    impact: int | None = None,
    owner=None,
    review_date: datetime.date | None = None,
    status: str = Risk.Status.OPEN,
) -> Risk:
    """Add a risk to a strategy, or to one of its actions, with its mitigations."""
    if strategy_action is not None:
        strategy = strategy_action.theme.strategy
    elif council_action is not None:
        strategy = council_action.strategy_action.theme.strategy
    # Lock the strategy so two risks added at once do not take the same reference.
    type(strategy).objects.select_for_update().filter(pk=strategy.pk).first()
    risk = Risk(
        strategy=strategy,
        strategy_action=strategy_action,
        council_action=council_action,
        reference=next_reference(strategy),
        description=description,
        likelihood=likelihood,
        impact=impact,
        owner=owner,
        review_date=review_date,
        status=status,
        created_by=added_by,
    )
    risk.full_clean()
    risk._history_user = added_by
    risk.save()
    _set_mitigations(risk, mitigations, added_by)
    return risk


@transaction.atomic
def change_risk(
    *,
    risk: Risk,
    changed_by: User,
    expected_version: int,
    mitigations: Sequence[str] | None = None,
    **fields,
) -> Risk:
    """Change a risk's words, scores, owner, review date or status, and its mitigations (when
    given: the full new list). Raises StaleRisk if it changed after `expected_version`."""
    risk = _claim(risk, expected_version)
    for name, value in fields.items():
        setattr(risk, name, value)
    risk.full_clean()
    risk._history_user = changed_by
    risk.save()
    if mitigations is not None:
        _set_mitigations(risk, mitigations, changed_by)
    return risk


@transaction.atomic
def review_risk(
    *,
    risk: Risk,
    reviewed_by: User,
    expected_version: int,
    likelihood: int | None,
    impact: int | None,
    status: str,
    next_review_date: datetime.date | None,
    note: str = "",
) -> RiskReview:
    """Record that the risk was reviewed (in the open monitoring round, if there is one), with
    the likelihood and impact found and a note; the risk takes them and its next review date.
    Raises StaleRisk if it changed after `expected_version`."""
    risk = _claim(risk, expected_version)
    review = RiskReview(
        risk=risk,
        round=current_round(),
        reviewed_by=reviewed_by,
        likelihood=likelihood,
        impact=impact,
        status=status,
        note=note,
        next_review_date=next_review_date,
    )
    review.full_clean()
    review.save()
    risk.likelihood, risk.impact = likelihood, impact
    risk.status = status
    risk.review_date = next_review_date
    risk.full_clean()
    risk._history_user = reviewed_by
    risk._change_reason = "Reviewed"
    risk.save()
    return review


def last_reviews(risks) -> dict[int, datetime.datetime]:
    """When each of `risks` was last reviewed (one query)."""
    rows = (
        RiskReview.objects.filter(risk__in=risks)
        .values("risk")
        .annotate(last=Max("reviewed_at"))
        .order_by()
    )
    return {row["risk"]: row["last"] for row in rows}
