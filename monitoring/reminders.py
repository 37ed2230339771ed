"""Reminder emails: each Forum member whose organisation still has actions to update in the
open round, at most once a day."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.dateformat import format as format_date

from accounts.models import User
from accounts.roles import Role
from actions.models import StrategyAction

from .models import MonitoringRound, ReminderLog
from .selectors import current_round, round_progress

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SentReminder:
    recipient: User
    actions: list[StrategyAction]


def send_update_reminders(*, today: datetime.date, base_url: str) -> list[SentReminder]:
    """Email every Forum member of each organisation with actions not yet updated in the round.

    Nobody gets more than one reminder a day: people already reminded on `today`
    are skipped, and the log row is written in the same transaction as the
    email is sent, so a failed send is not logged and a logged send is not
    repeated. The queries are bounded: a fixed few, then one write per email.
    """
    round_ = current_round()
    if round_ is None:
        return []
    behind = {
        p.partner.pk: p.not_updated
        for p in round_progress(round_)
        if p.not_updated and p.partner.is_active
    }
    if not behind:
        return []
    recipients = (
        User.objects.filter(
            organisation_id__in=behind,
            is_active=True,
            groups__name=Role.FORUM_MEMBER,
        )
        .exclude(email="")
        .exclude(reminders__sent_on=today)
        .select_related("organisation")
        .distinct()
        .order_by("organisation_id", "username")
    )
    base_url = base_url.rstrip("/")
    sent = []
    for recipient in recipients:
        actions = behind[recipient.organisation_id]
        if _send_one(round_, recipient, actions, today=today, base_url=base_url):
            sent.append(SentReminder(recipient=recipient, actions=actions))
    return sent


def _send_one(
    round_: MonitoringRound,
    recipient: User,
    actions: list[StrategyAction],
    *,
    today: datetime.date,
    base_url: str,
) -> bool:
    """Log and send one reminder, together. False if the person was reminded today meanwhile."""
    due = format_date(round_.due_date, "j F Y")
    context = {
        "service_name": settings.SERVICE_NAME,
        "recipient": recipient,
        "round": round_,
        "overdue": today > round_.due_date,
        "actions": [(action, base_url + action.get_absolute_url()) for action in actions],
        "rounds_url": base_url + round_.get_absolute_url(),
    }
    try:
        with transaction.atomic():
            # The unique (recipient, sent_on) row is claimed first: a second run
            # racing this one fails here rather than sending a second email.
            ReminderLog.objects.create(
                recipient=recipient, round=round_, sent_on=today, action_count=len(actions)
            )
            send_mail(
                subject=f"Reminder: update your actions for {round_.name} by {due}",
                message=render_to_string("monitoring/email/reminder.txt", context),
                from_email=None,
                recipient_list=[recipient.email],
            )
    except IntegrityError:
        logger.info("%s was already reminded on %s", recipient.username, today)
        return False
    return True
