"""Writes to the council's duties (issue 15): each one transaction, with who and when, a
stale edit refused by the record's version; and the checks a decision to accept must pass."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from actions.models import CouncilAction, Decision, StrategyAction
from actions.services import Refusal

from .models import EqualityAssessment, Outcome, SocialValue, State

ASSESSMENT_FIELDS = (
    "affects_groups",
    "state",
    "reason_not_needed",
    "assessed_on",
    "outcome",
    "mitigation",
    "summary",
    "link",
)
SOCIAL_VALUE_FIELDS = (
    "involves_procurement",
    "wellbeing",
    "securing",
    "consultation_needed",
    "consultation_notes",
)


class StaleEdit(Exception):
    """Someone else saved the record after this person began; `record` is it as it is now."""

    def __init__(self, record):
        super().__init__(f"{record} has changed since the edit began")
        self.record = record


def _field(subject) -> str:
    return "council_action" if isinstance(subject, CouncilAction) else "strategy_action"


def assessment_of(subject: StrategyAction | CouncilAction) -> EqualityAssessment:
    """The subject's assessment, or a new unsaved one (due, version 1) to start from."""
    field = _field(subject)
    found = EqualityAssessment.objects.filter(**{field: subject}).first()
    return found or EqualityAssessment(**{field: subject})


def social_value_of(council_action: CouncilAction) -> SocialValue:
    return SocialValue.objects.filter(council_action=council_action).first() or SocialValue(
        council_action=council_action
    )


def _locked(model, lookup: dict, expected_version: int):
    """The stored record, locked until commit, or a new one; StaleEdit if it moved on."""
    record = model.objects.select_for_update().filter(**lookup).first()
    current = record.version if record else 1
    if current != expected_version:
        raise StaleEdit(record or model(**lookup))
    return record or model(**lookup)


@transaction.atomic
def record_assessment(
    *,
    subject: StrategyAction | CouncilAction,
    changed_by: User,
    expected_version: int,
    characteristics,
    **answers,
) -> EqualityAssessment:
    """Save the subject's equality impact assessment as answered; what does not belong to its
    state (a reason for a done one, an outcome for a due one) is cleared."""
    assessment = _locked(EqualityAssessment, {_field(subject): subject}, expected_version)
    for name in ASSESSMENT_FIELDS:
        setattr(assessment, name, answers.get(name, getattr(assessment, name)))
    if assessment.state != State.NOT_NEEDED:
        assessment.reason_not_needed = ""
    if assessment.state != State.DONE:
        assessment.assessed_on, assessment.outcome, assessment.link = None, "", ""
        assessment.summary = assessment.summary if assessment.source_id else ""
    if assessment.outcome != Outcome.NEGATIVE:
        assessment.mitigation = ""
    if assessment.pk:
        assessment.version += 1  # the row is locked until commit
    assessment.updated_by, assessment.updated_at = changed_by, timezone.now()
    assessment.full_clean(exclude=["version"])
    assessment._history_user = changed_by
    # One history row per change, holding the characteristics too: they are set first, with
    # history held back (a new record is saved once to have a key), then the record is saved.
    assessment.skip_history_when_saving = True
    if assessment.pk is None:
        assessment.save()
    assessment.characteristics.set(characteristics)
    del assessment.skip_history_when_saving
    assessment.save()
    assessment.refresh_from_db()
    return assessment


@transaction.atomic
def record_social_value(
    *, council_action: CouncilAction, changed_by: User, expected_version: int, **answers
) -> SocialValue:
    """Save the Social Value Act's considerations on a proposed council action."""
    record = _locked(SocialValue, {"council_action": council_action}, expected_version)
    for name in SOCIAL_VALUE_FIELDS:
        setattr(record, name, answers.get(name, getattr(record, name)))
    if record.pk:
        record.version += 1
    record.updated_by, record.updated_at = changed_by, timezone.now()
    record.full_clean(exclude=["version"])
    record._history_user = changed_by
    record.save()
    record.refresh_from_db()
    return record


# --- Before a decision to accept (actions.services.DECISION_CHECKS) ---

EQUALITY_FIRST = (
    "Record the equality impact assessment before accepting: this action affects voluntary "
    "groups serving people with protected characteristics, so the assessment must be done, or "
    "recorded as not needed with the reason"
)
SOCIAL_VALUE_FIRST = (
    "Record the social value considerations before accepting: this action involves "
    "procurement or service agreements"
)


def equality_check(council_action: CouncilAction, decision: str) -> Refusal | None:
    """Paragraph 2.7.1: a full equality impact assessment before deciding about voluntary
    groups who serve people with protected characteristics."""
    if decision != Decision.ACCEPTED:
        return None
    assessment = EqualityAssessment.objects.filter(council_action=council_action).first()
    if assessment is None or not assessment.affects_groups or assessment.settled:
        return None
    return Refusal(
        EQUALITY_FIRST,
        assessment.get_absolute_url(),
        f"Record the equality impact assessment of {council_action.reference}",
    )


def social_value_check(council_action: CouncilAction, decision: str) -> Refusal | None:
    """Paragraph 2.7.1: before any relevant procurement, the Act's three considerations."""
    if decision != Decision.ACCEPTED:
        return None
    record = SocialValue.objects.filter(council_action=council_action).first()
    if record is None or not record.involves_procurement or record.recorded:
        return None
    return Refusal(
        SOCIAL_VALUE_FIRST,
        record.get_absolute_url(),
        f"Record the social value considerations of {council_action.reference}",
    )
