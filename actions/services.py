"""Writes to the action plan. Each is one transaction and records who made the change."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User

from . import selectors
from .models import CouncilAction, CouncilInput, ProgressUpdate, StrategyAction


class StaleEdit(Exception):
    """Someone else changed the action after this person started their edit.

    `subject` is the action as it is now; `latest` its latest progress record (update or input).
    """

    def __init__(self, subject, latest=None):
        super().__init__(f"{subject.reference} has changed since the edit began")
        self.subject = subject
        self.latest = latest


def _claim(model, pk: int, expected_version: int) -> bool:
    """Bump the version if it is still `expected_version`; the row is then ours until commit.

    On PostgreSQL the row lock makes a concurrent claim wait and then see the new
    version; SQLite serialises writers. Either way one edit of a given version wins.
    """
    return bool(
        model.objects.filter(pk=pk, version=expected_version).update(version=F("version") + 1)
    )


def _record_progress(*, subject, record, author: User, expected_version: int, latest: str):
    """Save a progress record and move its subject's status with it, or raise StaleEdit.

    `latest` names the subject's field that points at its newest record.
    """
    model = type(subject)
    if not _claim(model, subject.pk, expected_version):
        now = model.objects.select_related(f"{latest}__author", f"{latest}__organisation").get(
            pk=subject.pk
        )
        raise StaleEdit(now, getattr(now, latest))
    subject.refresh_from_db()
    record.author = author
    record.organisation_id = author.organisation_id
    record.previous_target_date = subject.target_date
    if not record.revised_target_date:
        record.revision_reason = ""
    record.full_clean()
    record._history_user = author
    record.save()

    subject.status = record.status
    subject.percent_complete = record.percent_complete
    if record.revised_target_date:
        subject.revised_target_date = record.revised_target_date
    setattr(subject, latest, record)
    subject._history_user = author
    subject.full_clean()
    subject.save()
    return record


@transaction.atomic
def post_progress_update(
    *,
    strategy_action: StrategyAction,
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
    update = ProgressUpdate(
        strategy_action=strategy_action,
        round=selectors.open_round(),
        status=status,
        percent_complete=percent_complete,
        narrative=narrative,
        next_steps=next_steps,
        evidence_url=evidence_url,
        revised_target_date=revised_target_date,
        revision_reason=revision_reason,
    )
    return _record_progress(
        subject=strategy_action,
        record=update,
        author=author,
        expected_version=expected_version,
        latest="last_update",
    )


# Each kind of action: the field that points at its newest progress record, and its records.
_RECORDS = {StrategyAction: ("last_update", "updates"), CouncilAction: ("last_input", "inputs")}


@transaction.atomic
def refresh_from_records(*, subject: StrategyAction | CouncilAction, changed_by: User) -> None:
    """Make an action stand where its newest progress record leaves it.

    For corrections outside the forms (an administrator editing or deleting an update
    or council input in the admin): the status, percent complete and latest record
    follow the newest record left; the revised target date follows the newest record
    that gives one (and is left alone when none does). With no record left, the
    status stays as it was, since nothing says otherwise. The version moves, so an
    edit begun before the correction is refused as stale.
    """
    model = type(subject)
    latest_field, related = _RECORDS[model]
    subject = model.objects.select_for_update().get(pk=subject.pk)
    records = getattr(subject, related).order_by("-created_at", "-pk")
    newest = records.first()
    if newest is not None:
        subject.status = newest.status
        subject.percent_complete = newest.percent_complete
        revision = records.filter(revised_target_date__isnull=False).first()
        if revision is not None:
            subject.revised_target_date = revision.revised_target_date
    setattr(subject, latest_field, newest)
    subject.version += 1
    subject._history_user = changed_by
    subject.full_clean()
    subject.save()


@transaction.atomic
def record_council_input(
    *,
    council_action: CouncilAction,
    author: User,
    expected_version: int,
    status: str,
    percent_complete: int,
    commentary: str,
    resources: str = "",
    evidence_url: str = "",
    revised_target_date: datetime.date | None = None,
    revision_reason: str = "",
) -> CouncilInput:
    """Record the council's input and move the proposed council action's status, together."""
    council_input = CouncilInput(
        council_action=council_action,
        status=status,
        percent_complete=percent_complete,
        commentary=commentary,
        resources=resources,
        evidence_url=evidence_url,
        revised_target_date=revised_target_date,
        revision_reason=revision_reason,
    )
    return _record_progress(
        subject=council_action,
        record=council_input,
        author=author,
        expected_version=expected_version,
        latest="last_input",
    )


@transaction.atomic
def record_decision(
    *,
    council_action: CouncilAction,
    decided_by: User,
    expected_version: int,
    decision: str,
    reason: str,
) -> CouncilAction:
    """Record a decision on a proposal, with its reason, who recorded it and when."""
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the decision."})
    if not _claim(CouncilAction, council_action.pk, expected_version):
        raise StaleEdit(CouncilAction.objects.get(pk=council_action.pk))
    council_action.refresh_from_db()
    council_action.decision = decision
    council_action.decision_reason = reason
    council_action.decided_by = decided_by
    council_action.decided_by_body = ""
    council_action.decided_on = timezone.localdate()
    council_action.decision_paragraph = ""
    council_action._history_user = decided_by
    council_action.full_clean()
    council_action.save()
    return council_action


@transaction.atomic
def add_council_action(
    *,
    strategy_action: StrategyAction,
    added_by: User,
    text: str,
    responsible_unit,
    lead_officer: User | None = None,
    original_target_date: datetime.date | None = None,
) -> CouncilAction:
    """Add a proposed council action after the report: marked with who added it and when."""
    # Lock the strategy action's council actions so two additions get different positions.
    existing = list(
        CouncilAction.objects.select_for_update()
        .filter(strategy_action=strategy_action)
        .values_list("position", flat=True)
    )
    position = max(existing, default=0) + 1
    council_action = CouncilAction(
        strategy_action=strategy_action,
        position=position,
        reference=f"{strategy_action.reference}{reference_letter(position)}",
        text=text,
        responsible_unit=responsible_unit,
        lead_officer=lead_officer,
        original_target_date=original_target_date,
        added_by=added_by,
        added_at=timezone.now(),
    )
    council_action.full_clean()
    council_action._history_user = added_by
    council_action.save()
    return council_action


def reference_letter(position: int) -> str:
    """1 → a, 26 → z, 27 → aa: the report's style of reference (T2.1a, T2.1b, …)."""
    letters = ""
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters
