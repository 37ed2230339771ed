"""Writes to the action plan. Each is one transaction and records who made the change."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import User

from . import selectors
from .models import (
    CouncilAction,
    CouncilInput,
    Milestone,
    ProgressUpdate,
    ReviewState,
    StrategyAction,
)
from .status import Status


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


class DecisionRefused(Exception):
    """A decision the council's duties do not allow yet: `refusals` says what is needed first,
    each a Refusal with the page where it is done."""

    def __init__(self, refusals):
        super().__init__("; ".join(refusal.message for refusal in refusals))
        self.refusals = refusals


@dataclass(frozen=True)
class Refusal:
    message: str
    link_url: str
    link_text: str


#: What must be done before a decision is recorded, added by the apps above this one (duties,
#: issue 15: an equality impact assessment, the Social Value Act's considerations), which
#: this app does not import. Each check is called with (council_action, decision) inside the
#: decision's transaction and returns a Refusal or None.
DECISION_CHECKS: list = []


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
    *,
    subject,
    record,
    author: User,
    expected_version: int,
    latest: str,
    submit: bool = True,
    milestones_done=None,
):
    """Save a progress record (new, or a draft or returned one revised) as a draft or
    submitted; where its strategy does not review updates, submitting approves it at once.
    Raises StaleEdit if the action changed after `expected_version` was read.

    `latest` names the subject's field that points at its newest approved record;
    `milestones_done` the subject's open milestones the record marks done once it counts.
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
    chosen = _chosen_milestones(subject, milestones_done)  # --- milestones (issue 13)
    if subject.percent_from_milestones:
        record.percent_complete = _percent_with(subject, chosen, record.percent_complete)
    record.full_clean()
    record._history_user = author
    record.save()
    if milestones_done is not None:
        record.milestones_done.set(chosen)
    if approve:
        _mark_done_through(record, changed_by=author)
        _move(subject, record, latest, changed_by=author)
    return record


def _move(subject, record, latest: str, *, changed_by: User) -> None:
    """Make the (locked) subject stand where an approved record leaves it."""
    subject.status = record.status
    subject.percent_complete = record.percent_complete
    if subject.percent_from_milestones:  # as its milestones stand now, the record's marked done
        subject.percent_complete = _milestone_percent(subject, subject.percent_complete)
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
    _mark_done_through(record, changed_by=approved_by)
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
    milestones_done = fields.pop("milestones_done", None)
    for name, value in fields.items():
        setattr(locked, name, value)
    return _record_progress(
        subject=locked.subject,
        record=locked,
        author=author,
        expected_version=expected_version,
        latest=locked.latest_field,
        submit=submit,
        milestones_done=milestones_done,
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
    milestones_done=None,
) -> ProgressUpdate:
    """Record a progress update: a draft, or submitted for review; where the strategy does not
    review updates, submitting approves it and moves the action's status with it.

    Raises StaleEdit if the action changed after `expected_version` was read:
    nothing is saved, and the caller shows the newer update. `milestones_done`: the action's
    open milestones the update marks done once it counts (where the action's percent comes
    from its milestones, `percent_complete` is then computed, whatever is given).
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
        milestones_done=milestones_done,
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
    if subject.percent_from_milestones:
        subject.percent_complete = _milestone_percent(subject, subject.percent_complete)
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
    milestones_done=None,
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
        milestones_done=milestones_done,
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
    refusals = [r for check in DECISION_CHECKS if (r := check(council_action, decision))]
    if refusals:  # the version claimed above goes back with the transaction
        raise DecisionRefused(refusals)
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


# --- Milestones (issue 13) ---
#
# Every change to a milestone locks its action first. Where the action takes its percent
# complete from its milestones, the change recomputes it in the same transaction and moves the
# action's version (so a progress form opened before it is refused as stale); the action's
# status and its new percent must then still agree (docs/issue13-milestones.md).


def milestone_percent(done: int, total: int) -> int | None:
    """Percent of milestones done, whole, halves rounded up (as reports/figures.py rounds);
    None without milestones."""
    return (200 * done + total) // (2 * total) if total else None


def milestone_counts(action) -> tuple[int, int]:
    """(done, all) of an action's milestones, in one query."""
    counts = action.milestones.aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(done_on__isnull=False))
    )
    return counts["done"], counts["total"]


def _milestone_percent(action, otherwise: int) -> int:
    """The action's percent from its milestones as they stand, or `otherwise` without any."""
    percent = milestone_percent(*milestone_counts(action))
    return otherwise if percent is None else percent


def milestone_problem(status: str, percent: int | None) -> str:
    """Why a status cannot stand with a percent taken from milestones, or "" when it can."""
    if percent is None:
        return ""
    if status == Status.COMPLETED and percent != 100:
        return (
            "An action that is completed has every milestone done: mark the rest done, or "
            "change the status"
        )
    if status == Status.NOT_STARTED and percent != 0:
        return (
            "An action that has not started has no milestone done: post a progress update "
            "with its new status that marks the milestone done"
        )
    return ""


def _chosen_milestones(subject, milestones) -> list[Milestone]:
    """Of `milestones`, those of `subject` still open (one done meanwhile is left out)."""
    if not milestones:
        return []
    return list(subject.milestones.open().filter(pk__in=[m.pk for m in milestones]))


def _percent_with(subject, chosen: list[Milestone], otherwise: int) -> int:
    """The subject's percent from milestones once `chosen` (open ones) are done too."""
    done, total = milestone_counts(subject)
    percent = milestone_percent(done + len(chosen), total)
    return otherwise if percent is None else percent


def _mark_done_through(record, *, changed_by: User) -> None:
    """Mark done the milestones an approved record chose, dated the record's date and
    credited to its author. One already done (on its own, meanwhile) keeps its date."""
    day = timezone.localdate(record.created_at)
    for milestone in record.milestones_done.open():
        milestone.done_on, milestone.done_by = day, record.author
        milestone._history_user = changed_by
        milestone._change_reason = f"Marked done through the {record.kind_noun} of {day:%-d %B %Y}"
        milestone.full_clean()
        milestone.save()


def _locked_action(action, expected_version: int | None):
    """The action locked for this transaction: claimed at `expected_version` when given
    (raising StaleEdit if it moved on), else simply locked."""
    model = type(action)
    latest = _RECORDS[model][0]
    if expected_version is not None and not _claim(model, action.pk, expected_version):
        raise _stale(model, action.pk, latest)
    locked = model.objects.select_for_update().get(pk=action.pk)
    if expected_version is not None:
        locked.version -= 1  # claimed above; the save below keeps the claimed version
    return locked


def _follow_milestones(action, *, changed_by: User, reason: str) -> None:
    """Where the (locked) action takes its percent from its milestones: recompute it, check it
    still agrees with the status, and save the action with its version moved on."""
    if not action.percent_from_milestones:
        return
    done, total = milestone_counts(action)
    percent = milestone_percent(done, total)
    if problem := milestone_problem(action.status, percent):
        raise ValidationError(problem)
    if percent is not None:
        action.percent_complete = percent
    action.version += 1
    action._history_user = changed_by
    action._change_reason = reason
    action.full_clean()
    action.save()


def _action_field(action) -> str:
    return "council_action" if isinstance(action, CouncilAction) else "strategy_action"


@transaction.atomic
def add_milestone(
    *,
    action: StrategyAction | CouncilAction,
    added_by: User,
    title: str,
    due_date: datetime.date,
    owner,
) -> Milestone:
    """Add a milestone to a strategy action or a proposed council action."""
    action = _locked_action(action, None)
    milestone = Milestone(
        **{_action_field(action): action},
        title=title,
        due_date=due_date,
        owner=owner,
        added_by=added_by,
    )
    milestone.full_clean()
    milestone._history_user = added_by
    milestone.save()
    _follow_milestones(action, changed_by=added_by, reason=f"Milestone added: {title}")
    return milestone


@transaction.atomic
def change_milestone(
    *, milestone: Milestone, changed_by: User, title: str, due_date: datetime.date, owner
) -> Milestone:
    """Change a milestone's title, due date or owner (whether it is done has its own page)."""
    _locked_action(milestone.action, None)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    milestone.title, milestone.due_date, milestone.owner = title, due_date, owner
    milestone.full_clean()
    milestone._history_user = changed_by
    milestone.save()
    return milestone


@transaction.atomic
def remove_milestone(*, milestone: Milestone, removed_by: User) -> None:
    """Remove a milestone (its history keeps it); its action's percent follows."""
    action = _locked_action(milestone.action, None)
    milestone._history_user = removed_by
    title = milestone.title
    milestone.delete()
    _follow_milestones(action, changed_by=removed_by, reason=f"Milestone removed: {title}")


@transaction.atomic
def mark_milestone_done(
    *, milestone: Milestone, done_by: User, done_on: datetime.date | None = None
) -> Milestone:
    """Mark a milestone done on its own, dated `done_on` (today by default)."""
    action = _locked_action(milestone.action, None)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.is_done:
        raise ValidationError(
            f"This milestone was already marked done on {milestone.done_on:%-d %B %Y}."
        )
    milestone.done_on = done_on or timezone.localdate()
    milestone.done_by = done_by
    milestone.full_clean()
    milestone._history_user = done_by
    milestone.save()
    _follow_milestones(action, changed_by=done_by, reason=f"Milestone done: {milestone.title}")
    return milestone


@transaction.atomic
def mark_milestone_not_done(*, milestone: Milestone, changed_by: User) -> Milestone:
    """Undo: the milestone is open again."""
    action = _locked_action(milestone.action, None)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if not milestone.is_done:
        raise ValidationError("This milestone is not marked done.")
    milestone.done_on = milestone.done_by = None
    milestone.full_clean()
    milestone._history_user = changed_by
    milestone.save()
    _follow_milestones(
        action, changed_by=changed_by, reason=f"Milestone not done: {milestone.title}"
    )
    return milestone


@transaction.atomic
def set_percent_source(
    *,
    action: StrategyAction | CouncilAction,
    changed_by: User,
    expected_version: int,
    from_milestones: bool,
) -> StrategyAction | CouncilAction:
    """Take the action's percent complete from its milestones, or from progress updates again.

    Raises StaleEdit if the action changed after `expected_version` was read. Switching back
    keeps the percent where the milestones left it until the next approved record.
    """
    action = _locked_action(action, expected_version)
    action.percent_from_milestones = from_milestones
    if from_milestones:
        _follow_milestones(action, changed_by=changed_by, reason="Percent taken from milestones")
        return action
    action.version += 1
    action._history_user = changed_by
    action._change_reason = "Percent as reported in progress updates"
    action.full_clean()
    action.save()
    return action
