"""Publishing a strategy on the public site, and taking it off: the strategy's fields and
the history of who did it and when change together, in one transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts import permissions
from strategy.models import Strategy

from .models import PublicationEvent


@transaction.atomic
def publish(*, strategy: Strategy, by) -> bool:
    """Publish the strategy; False (and nothing written) if it is published already."""
    permissions.check_can_publish_strategy(by)
    locked = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if locked.is_published:
        strategy.published_at, strategy.published_by_id = (
            locked.published_at,
            locked.published_by_id,
        )
        return False
    now = timezone.now()
    locked.published_at, locked.published_by = now, by
    locked.save(update_fields=["published_at", "published_by"])
    PublicationEvent.objects.create(
        strategy=locked, kind=PublicationEvent.Kind.PUBLISHED, at=now, by=by
    )
    strategy.published_at, strategy.published_by_id = now, by.pk
    return True


@transaction.atomic
def unpublish(*, strategy: Strategy, by) -> bool:
    """Take the strategy off the public site; False (nothing written) if it was not on it."""
    permissions.check_can_publish_strategy(by)
    locked = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if not locked.is_published:
        strategy.published_at, strategy.published_by_id = None, None
        return False
    locked.published_at, locked.published_by = None, None
    locked.save(update_fields=["published_at", "published_by"])
    PublicationEvent.objects.create(
        strategy=locked, kind=PublicationEvent.Kind.UNPUBLISHED, at=timezone.now(), by=by
    )
    strategy.published_at, strategy.published_by_id = None, None
    return True
