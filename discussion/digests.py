"""The daily discussion digest: each person who answers for an action hears of new comments
on it, at most once a day.

Who answers for an action:

- on a strategy action: the active Forum members of its responsible partners (lead or
  supporting), and the active council officers of the unit of each of its proposed council
  actions or a unit above that unit;
- on a proposed council action: the active council officers of its responsible unit or a
  unit above it;
- on either: whoever has commented on that thread before (so a question's asker hears the
  answer), while they still have a role.

A digest lists the comments posted since the person's last digest (at most LOOKBACK back),
leaving out their own and hidden ones. The log row is written in the same transaction as the
email is sent, as the update reminders do (monitoring/reminders.py): a failed send is not
logged, so the next run tries again with the same comments; a logged send is not repeated.
The queries are bounded: a fixed few, then one write per email.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string

from accounts.models import Partner, User
from accounts.roles import Role
from actions.models import ActionPartner, CouncilAction

from .models import Comment, DigestLog

logger = logging.getLogger(__name__)

#: How far back a digest reaches at most: a person's first digest, or one after the command
#: has not run for a while, lists only the comments of this last stretch.
LOOKBACK = datetime.timedelta(days=7)


@dataclass(frozen=True)
class DigestRun:
    """What a run did: the digests sent, and the people whose email could not be sent (their
    comments wait for the next run)."""

    sent: list[SentDigest]
    failed: list[User]


@dataclass(frozen=True)
class SentDigest:
    recipient: User
    comments: list[Comment]

    @property
    def subjects(self) -> list:
        """The actions the digest is about, in the order they first appear."""
        return list(dict.fromkeys(comment.subject for comment in self.comments))


def send_discussion_digests(
    *, now: datetime.datetime, today: datetime.date, base_url: str
) -> DigestRun:
    """Email each person who answers for an action with new comments a digest of them.

    A send that fails (the mail server refuses it) is logged and left for the next run; the
    others go on.
    """
    comments = list(
        Comment.objects.visible()
        .filter(created_at__gt=now - LOOKBACK, created_at__lte=now)
        .select_related(
            "author",
            "organisation",
            "strategy_action",
            "council_action",
            "council_action__strategy_action",
        )
        .order_by("created_at", "pk")
    )
    if not comments:
        return DigestRun(sent=[], failed=[])
    readers = _readers_by_thread(comments)
    wanted: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        for person_id in readers[_thread(comment)]:
            if person_id != comment.author_id:
                wanted[person_id].append(comment)
    if not wanted:
        return DigestRun(sent=[], failed=[])
    recipients = (
        User.objects.filter(pk__in=list(wanted), is_active=True, groups__isnull=False)
        .exclude(email="")
        .exclude(discussion_digests__sent_on=today)
        .annotate(last_digest=Max("discussion_digests__sent_at"))
        .select_related("organisation")
        .distinct()
        .order_by("username")
    )
    base_url = base_url.rstrip("/")
    sent, failed = [], []
    for recipient in recipients:
        since = max(filter(None, [recipient.last_digest, now - LOOKBACK]))
        new = [comment for comment in wanted[recipient.pk] if comment.created_at > since]
        if not new:
            continue
        try:
            if _send_one(recipient, new, now=now, today=today, base_url=base_url):
                sent.append(SentDigest(recipient=recipient, comments=new))
        except OSError:  # smtplib's errors included: not logged, so tried again next run
            logger.exception("The discussion digest to %s could not be sent", recipient.username)
            failed.append(recipient)
    return DigestRun(sent=sent, failed=failed)


def _thread(comment: Comment) -> tuple[str, int]:
    if comment.strategy_action_id is not None:
        return ("strategy_action", comment.strategy_action_id)
    return ("council_action", comment.council_action_id)


def _readers_by_thread(comments: list[Comment]) -> dict[tuple[str, int], set[int]]:
    """Who answers for each thread with new comments, as person ids (five queries)."""
    strategy_ids = {c.strategy_action_id for c in comments if c.strategy_action_id}
    council_ids = {c.council_action_id for c in comments if c.council_action_id}

    partners_of: dict[int, set[int]] = defaultdict(set)
    for action_id, partner_id in ActionPartner.objects.filter(
        strategy_action_id__in=strategy_ids
    ).values_list("strategy_action_id", "partner_id"):
        partners_of[action_id].add(partner_id)

    units_of: dict[tuple[str, int], set[int]] = defaultdict(set)
    for pk, action_id, unit_id in CouncilAction.objects.filter(
        Q(pk__in=council_ids) | Q(strategy_action_id__in=strategy_ids)
    ).values_list("pk", "strategy_action_id", "responsible_unit_id"):
        if pk in council_ids:
            units_of[("council_action", pk)].add(unit_id)
        if action_id in strategy_ids:
            units_of[("strategy_action", action_id)].add(unit_id)

    parent_of = dict(Partner.objects.filter(parent__isnull=False).values_list("pk", "parent_id"))

    def unit_and_above(unit_id: int) -> set[int]:
        found = set()
        while unit_id is not None and unit_id not in found:
            found.add(unit_id)
            unit_id = parent_of.get(unit_id)
        return found

    officer_units = {thread: set() for thread in units_of}
    for thread, units in units_of.items():
        for unit_id in units:
            officer_units[thread] |= unit_and_above(unit_id)

    organisations = set().union(*partners_of.values(), *officer_units.values())
    members: dict[int, set[int]] = defaultdict(set)  # organisation -> Forum members
    officers: dict[int, set[int]] = defaultdict(set)  # unit -> council officers
    for person_id, organisation_id, role in User.objects.filter(
        is_active=True,
        organisation_id__in=organisations,
        groups__name__in=[Role.FORUM_MEMBER, Role.COUNCIL_OFFICER],
    ).values_list("pk", "organisation_id", "groups__name"):
        (members if role == Role.FORUM_MEMBER else officers)[organisation_id].add(person_id)

    readers: dict[tuple[str, int], set[int]] = defaultdict(set)
    for action_id, partner_ids in partners_of.items():
        for partner_id in partner_ids:
            readers[("strategy_action", action_id)] |= members[partner_id]
    for thread, unit_ids in officer_units.items():
        for unit_id in unit_ids:
            readers[thread] |= officers[unit_id]
    for strategy_id, council_id, author_id in Comment.objects.filter(
        Q(strategy_action_id__in=strategy_ids) | Q(council_action_id__in=council_ids)
    ).values_list("strategy_action_id", "council_action_id", "author_id"):
        if strategy_id is not None:
            readers[("strategy_action", strategy_id)].add(author_id)
        else:
            readers[("council_action", council_id)].add(author_id)
    return readers


def _send_one(
    recipient: User,
    comments: list[Comment],
    *,
    now: datetime.datetime,
    today: datetime.date,
    base_url: str,
) -> bool:
    """Log and send one digest, together. False if the person had one today meanwhile."""
    by_subject: dict[object, list[Comment]] = {}
    for comment in comments:
        by_subject.setdefault(comment.subject, []).append(comment)
    context = {
        "service_name": settings.SERVICE_NAME,
        "recipient": recipient,
        "count": len(comments),
        "subjects": [
            (
                subject,
                "Proposed council action"
                if isinstance(subject, CouncilAction)
                else "Strategy action",
                f"{base_url}{subject.get_absolute_url()}#discussion",
                subject_comments,
            )
            for subject, subject_comments in by_subject.items()
        ],
    }
    count = len(comments)
    if len(by_subject) == 1:
        reference = next(iter(by_subject)).reference
        subject_line = f"{count} new comment{'' if count == 1 else 's'} on {reference}"
    else:
        subject_line = f"{count} new comments on {len(by_subject)} actions you answer for"
    try:
        with transaction.atomic():
            # The unique (recipient, sent_on) row is claimed first: a second run racing
            # this one fails here rather than sending a second email.
            DigestLog.objects.create(
                recipient=recipient, sent_on=today, sent_at=now, comment_count=count
            )
            send_mail(
                subject=subject_line,
                message=render_to_string("discussion/email/digest.txt", context),
                from_email=None,
                recipient_list=[recipient.email],
            )
    except IntegrityError:
        logger.info("%s already had a discussion digest on %s", recipient.username, today)
        return False
    return True
