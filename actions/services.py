"""Writes to the action plan. Each is one transaction and records who made the change."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User

from . import selectors
from .models import CouncilAction, CouncilInput, ProgressUpdate, ReviewState, StrategyAction


class RecordMoved(Exception):
    """The record was submitted or reviewed after this person started changing it."""

    def __init__(self, record):
        super().__init__(f"{record} is now {record.get_review_state_display().lower()}")
        self.record = record


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


def _stale(model, pk: int, latest: str) -> StaleEdit:
    now = model.objects.select_related(f"{latest}__author", f"{latest}__organisation").get(pk=pk)
    return StaleEdit(now, getattr(now, latest))


def _correctable(record, subject):
    """`record`, if it may be corrected: an approved record of `subject` in a closed round."""
    if record is None:
        return None
    if record.subject.pk != subject.pk or not record.is_locked:
        raise ValidationError(
            "Only an approved update in a closed round is corrected: change a draft, or post a "
            "new update."
        )
    return record


def reviews_updates(subject: StrategyAction | CouncilAction) -> bool:
    """Whether the subject's strategy reviews progress before it counts, as it is now in the
    database (not as an object loaded earlier says)."""
    action_id = subject.pk if isinstance(subject, StrategyAction) else subject.strategy_action_id
    return (
        StrategyAction.objects.filter(pk=action_id)
        .values_list("theme__strategy__reviews_updates", flat=True)
        .get()
    )


def _record_progress(
    *, subject, record, author: User, expected_version: int, latest: str, submit: bool = True
):
    """Save a progress record (new, or a draft or returned one revised) as a draft or
    submitted; where its strategy does not review updates, submitting approves it at once.
    Raises StaleEdit if the action changed after `expected_version` was read.

    `latest` names the subject's field that points at its newest approved record.
    """
    model = type(subject)
    now = timezone.now()
    approve = submit and not reviews_updates(subject)
    if approve:
        if not _claim(model, subject.pk, expected_version):  # the row is ours until commit
            raise _stale(model, subject.pk, latest)
    elif not model.objects.filter(pk=subject.pk, version=expected_version).exists():
        raise _stale(model, subject.pk, latest)  # read, not claimed: nothing moves yet
    subject.refresh_from_db()
    record.author = author
    record.organisation_id = author.organisation_id
    record.previous_target_date = subject.target_date
    if not record.revised_target_date:
        record.revision_reason = ""
    record.review_state = ReviewState.SUBMITTED if submit else ReviewState.DRAFT
    record.submitted_at = now if submit else None
    # It counts for the round it is submitted in; a draft belongs to no round yet.
    record.round = selectors.open_round() if submit else None
    if approve:
        record.review_state, record.reviewed_at = ReviewState.APPROVED, now
    record.full_clean()
    record._history_user = author
    record.save()
    if approve:
        _move(subject, record, latest, changed_by=author)
    return record


def _move(subject, record, latest: str, *, changed_by: User) -> None:
    """Make the (locked) subject stand where an approved record leaves it."""
    subject.status = record.status
    subject.percent_complete = record.percent_complete
    if record.revised_target_date:
        subject.revised_target_date = record.revised_target_date
    setattr(subject, latest, record)
    subject._history_user = changed_by
    subject.full_clean()
    subject.save()


@transaction.atomic
def apply_approved(*, record: ProgressUpdate | CouncilInput, approved_by: User) -> None:
    """Move a record's action to where the record, just approved, leaves it.

    The review workflow (monitoring/services.py) calls this after locking the action and the
    record and marking it approved; this saves it. The version moves, so a form opened before
    the approval is refused as stale.
    """
    subject = record.subject
    subject = type(subject).objects.select_for_update().get(pk=subject.pk)
    record.previous_target_date = subject.target_date
    record.save()  # with its review, set by the caller: one history row for the approval
    subject.version += 1
    _move(subject, record, record.latest_field, changed_by=approved_by)


@transaction.atomic
def revise_record(
    *,
    record: ProgressUpdate | CouncilInput,
    author: User,
    expected_version: int,
    submit: bool,
    **fields,
) -> ProgressUpdate | CouncilInput:
    """Change a draft or returned record (its organisation's), and save it as a draft again
    or submit it. Raises RecordMoved if it was submitted or reviewed meanwhile."""
    locked = type(record).all_records.select_for_update().get(pk=record.pk)
    if not locked.is_editable:
        raise RecordMoved(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    return _record_progress(
        subject=locked.subject,
        record=locked,
        author=author,
        expected_version=expected_version,
        latest=locked.latest_field,
        submit=submit,
    )


def records_of(subject):
    """An action's progress records in every review state (its updates or its input)."""
    return getattr(subject, _RECORDS[type(subject)][1])(manager="all_records")


def open_record(subject, organisation_id: int | None):
    """The organisation's draft or returned record on this action, if it has one: the one
    its next edit continues (so a returned update is corrected, not posted twice)."""
    if organisation_id is None:
        return None
    return (
        records_of(subject)
        .filter(
            organisation_id=organisation_id,
            review_state__in=[ReviewState.DRAFT, ReviewState.RETURNED],
        )
        .order_by("-created_at", "-pk")
        .first()
    )


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
    submit: bool = True,
    corrects: ProgressUpdate | None = None,
    correction_reason: str = "",
) -> ProgressUpdate:
    """Record a progress update: a draft, or submitted for review; where the strategy does not
    review updates, submitting approves it and moves the action's status with it.

    Raises StaleEdit if the action changed after `expected_version` was read:
    nothing is saved, and the caller shows the newer update.
    """
    update = ProgressUpdate(
        strategy_action=strategy_action,
        corrects=_correctable(corrects, strategy_action),
        correction_reason=correction_reason if corrects else "",
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
        submit=submit,
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
    submit: bool = True,
    corrects: CouncilInput | None = None,
    correction_reason: str = "",
) -> CouncilInput:
    """Record the council's input: a draft, or submitted for review (approved at once where
    the strategy does not review updates, moving the proposed council action's status)."""
    council_input = CouncilInput(
        council_action=council_action,
        corrects=_correctable(corrects, council_action),
        correction_reason=correction_reason if corrects else "",
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
        submit=submit,
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
