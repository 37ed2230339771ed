"""Keep what is derived from the plan's words and order in step with them:

* each strategy action's search document (actions/search.py);
* plan order, as numbers on themes and actions (actions/ordering.py);

and keep a closed round's progress as it was: an approved update or council input in a round
that has closed is never changed or deleted, whoever asks and however (a form, the admin, a
cascade from deleting its action, a queryset's delete).

Signals, rather than calls in services.py, because actions, sub-points, updates, themes and
strategies are also written by the admin and by fixtures (which save raw, and are caught
here too).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from strategy.models import Strategy
from themes.models import Theme

from . import ordering, search
from .models import CouncilAction, CouncilInput, ProgressUpdate, StrategyAction, SubPoint


def _action_saving(sender, instance, **kwargs):
    """Note what the save changes: most saves (a posted update moving the status) change
    neither the action's place nor its words, and need no renumbering or new document."""
    before = (
        StrategyAction.objects.filter(pk=instance.pk)
        .values("theme_id", "position", "reference", "text", "plan_position")
        .first()
        if instance.pk
        else None
    )
    if before is None:
        instance._place_moved = instance._words_changed = True
    else:
        place, words = (instance.theme_id, instance.position), (instance.reference, instance.text)
        instance._place_moved = place != (before["theme_id"], before["position"])
        instance._words_changed = words != (before["reference"], before["text"])
    if instance._place_moved:
        instance.plan_position = ordering.action_position(instance)
    else:
        instance.plan_position = before["plan_position"]  # as renumbering last left it


def _action_saved(sender, instance, **kwargs):
    if instance._place_moved:
        ordering.renumber_council_actions_of(instance)
    if instance._words_changed:
        search.refresh([instance.pk])


def _council_action_saving(sender, instance, **kwargs):
    instance.plan_position = ordering.council_action_position(instance)


def _order_changed(sender, **kwargs):
    ordering.renumber()


def _part_saved(sender, instance, **kwargs):
    search.refresh([instance.strategy_action_id])


def _part_deleted(sender, instance, **kwargs):
    # After the commit: when the action itself is being deleted, its parts go first, and a
    # document rebuilt now would outlive it.
    action_id = instance.strategy_action_id
    transaction.on_commit(lambda: search.refresh([action_id]))


CLOSED_ROUND = (
    "This update was approved in a monitoring round that has closed, so it cannot be changed "
    "or deleted. Post a correction instead."
)


def _locked(model, pk) -> bool:
    """Whether the stored record is approved in a closed round (read afresh, not as loaded)."""
    if pk is None:
        return False
    return (
        model.all_records.filter(pk=pk, review_state="approved", round__state="closed")
        .only("pk")
        .exists()
    )


class ClosedRound(PermissionDenied):
    """Refused for everyone, the admin included: a 403 page wherever it is raised (a delete
    in the admin that would cascade to a kept update, say), never a server error."""


def _record_saving(sender, instance, **kwargs):
    if _locked(sender, instance.pk):
        raise ClosedRound(CLOSED_ROUND)


def _record_deleting(sender, instance, **kwargs):
    if _locked(sender, instance.pk):
        raise ClosedRound(CLOSED_ROUND)


def connect() -> None:
    for model in (ProgressUpdate, CouncilInput):
        name = model._meta.model_name
        pre_save.connect(_record_saving, sender=model, dispatch_uid=f"lock-{name}-saving")
        pre_delete.connect(_record_deleting, sender=model, dispatch_uid=f"lock-{name}-deleting")
    pre_save.connect(_action_saving, sender=StrategyAction, dispatch_uid="order-action")
    post_save.connect(_action_saved, sender=StrategyAction, dispatch_uid="action-saved")
    pre_save.connect(_council_action_saving, sender=CouncilAction, dispatch_uid="order-council")
    post_save.connect(_order_changed, sender=Theme, dispatch_uid="order-theme-saved")
    post_delete.connect(_order_changed, sender=Theme, dispatch_uid="order-theme-deleted")
    post_save.connect(_order_changed, sender=Strategy, dispatch_uid="order-strategy-saved")
    for model in (SubPoint, ProgressUpdate):
        name = model._meta.model_name
        post_save.connect(_part_saved, sender=model, dispatch_uid=f"search-{name}-saved")
        post_delete.connect(_part_deleted, sender=model, dispatch_uid=f"search-{name}-deleted")
