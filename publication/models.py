"""The record of each time a strategy was published on the public site or taken off it.

`Strategy.published_at` / `published_by` say whether a strategy is public now; this history
says who published or unpublished it, and when, every time (issue 14).
"""

from django.conf import settings
from django.db import models


class PublicationEvent(models.Model):
    """One publication or unpublication of a strategy, by an administrator."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="publication_events"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "publication event"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["published", "unpublished"]),
                name="publicationevent_kind_valid",
                violation_error_message="Choose published or unpublished.",
            )
        ]

    def __str__(self):
        return f"{self.strategy} {self.get_kind_display().lower()} {self.at:%-d %B %Y %H:%M}"
