"""The council's duties on the pages of lower apps (a strategy action, a proposed council
action, the decision form), composed through template tags rather than imports:
`{% load duty_tags %}{% equality_assessment action %}`.

Rendered outside the action page's cached part, since the links depend on who reads. A
fixed number of queries: the record with who last changed it, its characteristics, and its
history.
"""

from django import template

from accounts import permissions
from actions.models import CouncilAction

from ..models import EqualityAssessment, SocialValue

register = template.Library()

#: The history under each record shows this many changes, newest first.
HISTORY_SHOWN = 20


def _history(record) -> list:
    if record is None:
        return []
    return list(record.history.select_related("history_user")[:HISTORY_SHOWN])


@register.inclusion_tag("duties/includes/assessment.html", takes_context=True)
def equality_assessment(context, subject):
    """The subject's equality impact assessment, its history, and the link to change it."""
    field = "council_action" if isinstance(subject, CouncilAction) else "strategy_action"
    assessment = (
        EqualityAssessment.objects.filter(**{field: subject})
        .select_related("updated_by")
        .prefetch_related("characteristics")
        .first()
    )
    user = context["request"].user
    return {
        "subject": subject,
        "assessment": assessment,
        "history": _history(assessment),
        "can_edit": permissions.can_edit_equality_assessment(user, subject),
        "edit_url_name": "council_action_equality"
        if field == "council_action"
        else "action_equality",
    }


@register.inclusion_tag("duties/includes/social_value.html", takes_context=True)
def social_value(context, council_action):
    """A proposed council action's social value considerations, and the link to record them."""
    record = (
        SocialValue.objects.filter(council_action=council_action)
        .select_related("updated_by")
        .first()
    )
    user = context["request"].user
    return {
        "council_action": council_action,
        "record": record,
        "history": _history(record),
        "can_edit": permissions.can_record_social_value(user, council_action),
    }


@register.inclusion_tag("duties/includes/before_accepting.html")
def before_accepting(council_action):
    """On the decision form: what a decision to accept needs first, if anything."""
    assessment = EqualityAssessment.objects.filter(council_action=council_action).first()
    record = SocialValue.objects.filter(council_action=council_action).first()
    return {
        "council_action": council_action,
        "needs_assessment": bool(
            assessment and assessment.affects_groups and not assessment.settled
        ),
        "needs_social_value": bool(record and record.involves_procurement and not record.recorded),
    }
