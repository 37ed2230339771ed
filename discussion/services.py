"""Writing comments: posting, hiding and showing again, each recorded with who and when."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from actions.models import CouncilAction, StrategyAction

from .models import Comment


@transaction.atomic
def post_comment(
    *,
    author: User,
    body: str,
    strategy_action: StrategyAction | None = None,
    council_action: CouncilAction | None = None,
    created_at: datetime.datetime | None = None,
) -> Comment:
    """Post a comment on one strategy action or one proposed council action (name exactly one).

    The author's organisation is kept as it is now. `created_at` is for loading past
    comments (a demo, an import); people posting get the present. Raises ValidationError
    for an empty or too long comment, or for naming both actions or neither.
    """
    comment = Comment(
        strategy_action=strategy_action,
        council_action=council_action,
        author=author,
        organisation_id=author.organisation_id,
        body=body.strip(),
        created_at=created_at or timezone.now(),
    )
    comment.full_clean()
    comment._history_user = author
    comment.save()
    return comment


@transaction.atomic
def hide_comment(*, comment: Comment, hidden_by: User, reason: str) -> Comment:
    """Hide a comment, with the reason: it shows as hidden, its words to administrators only.

    Raises ValidationError if there is no reason or the comment is already hidden.
    """
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_hidden:
        raise ValidationError("This comment is already hidden.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"hidden_reason": "Give the reason for hiding the comment"})
    comment.hidden_at = timezone.now()
    comment.hidden_by = hidden_by
    comment.hidden_reason = reason
    comment.full_clean()
    comment._history_user = hidden_by
    comment._change_reason = "Hidden"
    comment.save()
    return comment


@transaction.atomic
def unhide_comment(*, comment: Comment, shown_by: User) -> Comment:
    """Show a hidden comment again. Its history keeps when, by whom and why it was hidden.

    Raises ValidationError if the comment is not hidden.
    """
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.is_hidden:
        raise ValidationError("This comment is not hidden.")
    comment.hidden_at = None
    comment.hidden_by = None
    comment.hidden_reason = ""
    comment.full_clean()
    comment._history_user = shown_by
    comment._change_reason = "Shown again"
    comment.save()
    return comment
