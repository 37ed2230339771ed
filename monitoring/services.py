"""Writes of the reporting cycle: monitoring rounds, and reviewing progress updates and council
input. Each is one transaction and records who made the change."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from actions import services as action_services
from actions.models import CouncilInput, ProgressUpdate, ReviewState

from .models import MonitoringRound


@transaction.atomic
def open_round(
    *,
    opened_by: User,
    name: str,
    period_start: datetime.date,
    period_end: datetime.date,
    due_date: datetime.date,
    cabinet_meeting: datetime.date | None = None,
    scrutiny_meeting: datetime.date | None = None,
) -> MonitoringRound:
    """Open a monitoring round. Only one round may be open at a time."""
    if MonitoringRound.objects.open().exists():
        raise ValidationError("Close the open round before opening another.")
    round_ = MonitoringRound(
        name=name,
        period_start=period_start,
        period_end=period_end,
        due_date=due_date,
        cabinet_meeting=cabinet_meeting,
        scrutiny_meeting=scrutiny_meeting,
        opened_by=opened_by,
    )
    round_.full_clean()
    round_._history_user = opened_by
    round_.save()
    return round_


@transaction.atomic
def close_round(*, round_: MonitoringRound, closed_by: User) -> MonitoringRound:
    """Close a round. From then on its approved updates and council input are kept as they
    are (actions/signals.py): a change is a correction, a new record. Refused while updates
    submitted in it still wait for review, so that none is left behind the lock."""
    round_ = MonitoringRound.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open:
        raise ValidationError("This round is already closed.")
    if waiting := waiting_for_review(round_):
        raise ValidationError(
            f"{waiting} update{'s' if waiting != 1 else ''} submitted in this round "
            f"{'are' if waiting != 1 else 'is'} still waiting for review. Approve or return "
            f"{'them' if waiting != 1 else 'it'} before closing the round."
        )
    round_.state = MonitoringRound.State.CLOSED
    round_.closed_at = timezone.now()
    round_.closed_by = closed_by
    round_._history_user = closed_by
    round_.full_clean()
    round_.save()
    return round_


def waiting_for_review(round_: MonitoringRound) -> int:
    """How many updates and council input submitted in the round wait for a reviewer."""
    waiting = {"round": round_, "review_state": ReviewState.SUBMITTED}
    return (
        ProgressUpdate.all_records.filter(**waiting).count()
        + CouncilInput.all_records.filter(**waiting).count()
    )


# --- Reviewing progress updates and council input ------------------------------------------


class ReviewConflict(Exception):
    """Someone reviewed the record (or its author withdrew it) first; `record` is as it is now."""

    def __init__(self, record):
        super().__init__(f"{record} is {record.get_review_state_display().lower()}")
        self.record = record


def _locked_for_review(record):
    """The record's action, then the record, locked in that order (as the services and the
    admin lock the action first), the record re-read as it is now."""
    model = type(record)
    subject_id = model.all_records.filter(pk=record.pk).values_list(
        f"{model.subject_field}_id", flat=True
    )
    subject_model = model._meta.get_field(model.subject_field).related_model
    list(subject_model.objects.select_for_update().filter(pk__in=subject_id).values("pk"))
    return model.all_records.select_for_update().select_related("author").get(pk=record.pk)


@transaction.atomic
def approve(*, record, reviewer: User, base_url: str = "") -> ProgressUpdate | CouncilInput:
    """Approve a submitted record: it counts from now on, and its action moves with it.

    Raises ReviewConflict if it is no longer waiting for review, and ValidationError if the
    reviewer wrote it (nobody approves their own update).
    """
    record = _locked_for_review(record)
    if record.review_state != ReviewState.SUBMITTED:
        raise ReviewConflict(record)
    if record.author_id == reviewer.pk:
        raise ValidationError("You cannot approve your own update: another reviewer must.")
    record.review_state = ReviewState.APPROVED
    record.reviewed_by = reviewer
    record.reviewed_at = timezone.now()
    record._history_user = reviewer
    action_services.apply_approved(record=record, approved_by=reviewer)  # saves the record
    _tell_author(record, base_url)
    return record


@transaction.atomic
def return_for_changes(
    *, record, reviewer: User, comment: str, base_url: str = ""
) -> ProgressUpdate | CouncilInput:
    """Return a submitted record to its organisation with a comment saying what to change."""
    if not comment.strip():
        raise ValidationError({"comment": "Say what to change, so the author can put it right"})
    record = _locked_for_review(record)
    if record.review_state != ReviewState.SUBMITTED:
        raise ReviewConflict(record)
    if record.author_id == reviewer.pk:
        raise ValidationError("You cannot review your own update: another reviewer must.")
    record.review_state = ReviewState.RETURNED
    record.review_comment = comment.strip()
    record.reviewed_by = reviewer
    record.reviewed_at = timezone.now()
    record._history_user = reviewer
    record.full_clean()
    record.save()
    _tell_author(record, base_url)
    return record


def _tell_author(record, base_url: str) -> None:
    """Email the author what happened to their update, once the review has committed."""
    author = record.author
    if not author.email or not author.is_active:
        return
    subject_obj = record.subject
    returned = record.review_state == ReviewState.RETURNED
    context = {
        "record": record,
        "subject": subject_obj,
        "returned": returned,
        "link": base_url + subject_obj.get_absolute_url(),
        "edit_link": base_url
        + reverse(
            "action_update" if isinstance(record, ProgressUpdate) else "council_action_input",
            args=[subject_obj.pk],
        ),
    }
    verdict = "returned for changes" if returned else "approved"
    title = f"Your update on {subject_obj.reference} was {verdict}"
    body = render_to_string("monitoring/email/reviewed.txt", context)
    transaction.on_commit(lambda: send_mail(title, body, None, [author.email], fail_silently=False))
