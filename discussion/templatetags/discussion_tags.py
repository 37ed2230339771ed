"""The discussion thread on an action's page: `{% load discussion_tags %}{% discussion subject %}`.

The plan's pages (in `actions`, a lower layer) show the thread through this tag, never by
importing this app. It is rendered outside the page's cached part, since what it shows
depends on who reads: the form for those who may comment, hidden comments' words for
administrators. One query for the thread, however long it grows.
"""

from django import template

from accounts.permissions import can_comment, can_moderate_comments, can_see_hidden_comment
from actions.models import CouncilAction

from ..forms import CommentForm
from ..models import Comment

register = template.Library()


@register.inclusion_tag("discussion/includes/thread.html", takes_context=True)
def discussion(context, subject):
    """The thread of comments on `subject` (a strategy action or a proposed council action),
    oldest first, and the form to add one for those who may."""
    user = context["request"].user
    field = "council_action" if isinstance(subject, CouncilAction) else "strategy_action"
    may_comment = can_comment(user)
    return {
        "request": context["request"],
        "subject": subject,
        "comments": list(Comment.objects.filter(**{field: subject}).thread()),
        "form": CommentForm() if may_comment else None,
        "post_url": ("council_action_comment" if field == "council_action" else "action_comment"),
        "can_moderate": can_moderate_comments(user),
        "sees_hidden": can_see_hidden_comment(user),
    }
