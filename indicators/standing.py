"""Each indicator's trajectory verdict, kept on the indicator.

Whether an indicator is behind depends only on what is stored (its baseline, direction,
targets and approved values), never on today's date (indicators/trajectory.py compares the
latest value on the day it was measured). So the verdict is worked out when any of those
change and kept in `Indicator.trajectory`: the dashboard and the Cabinet report then find the
indicators behind with one filtered query, however many indicators there are.

Signals, not the services, keep it right, because targets and values also change in the
admin; `refresh_all()` is for writes that bypass signals (bulk_create, queryset.update(): the
benchmark's synthetic plan and the demo's back-dating).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .models import Indicator, IndicatorTarget, IndicatorValue
from .selectors import Figures, with_figures


def refresh(indicator_id: int) -> str | None:
    """Work out one indicator's verdict again and store it (three reads, one write)."""
    indicator = with_figures(Indicator.objects.filter(pk=indicator_id)).first()
    if indicator is None:  # deleted, or being deleted with its targets and values
        return None
    status = Figures.of(indicator).assessment.status
    if indicator.trajectory != status:
        Indicator.objects.filter(pk=indicator_id).update(trajectory=status)
    return status


def refresh_all(indicators=None, chunk_size: int = 500) -> int:
    """Work out every indicator's verdict again, a chunk at a time; returns how many moved."""
    queryset = with_figures(indicators if indicators is not None else Indicator.objects.all())
    moved: list[Indicator] = []
    changed = 0
    for indicator in queryset.order_by("pk").iterator(chunk_size=chunk_size):
        status = Figures.of(indicator).assessment.status
        if indicator.trajectory != status:
            indicator.trajectory = status
            moved.append(indicator)
        if len(moved) >= chunk_size:
            changed += Indicator.objects.bulk_update(moved, ["trajectory"])
            moved = []
    if moved:
        changed += Indicator.objects.bulk_update(moved, ["trajectory"])
    return changed


def _indicator_saved(sender, instance: Indicator, raw: bool = False, **kwargs) -> None:
    if not raw:
        refresh(instance.pk)


def _part_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        refresh(instance.indicator_id)


def connect() -> None:
    post_save.connect(_indicator_saved, sender=Indicator, dispatch_uid="standing-indicator")
    for model in (IndicatorTarget, IndicatorValue):
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"standing-{model.__name__}")
        post_delete.connect(
            _part_changed, sender=model, dispatch_uid=f"standing-{model.__name__}-d"
        )
