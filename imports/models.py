"""A spreadsheet uploaded to change the plan or to post progress in bulk (issue 14)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


def stored_name(instance, filename: str) -> str:
    """Where a large upload waits to be read: a random name, never the one it came with."""
    return f"imports/{timezone.now():%Y}/{uuid.uuid4().hex}"


class ImportRecord(models.Model):
    """One upload: what was read from it, its preview and, once confirmed, what it changed.

    Between the preview and the confirmation the rows read from the file are kept here (as
    JSON, only the columns an import reads), so the confirmation applies exactly what was
    previewed; `preview_digest` fingerprints the changes previewed, so a plan changed
    meanwhile is noticed (imports/services.py).
    """

    class Kind(models.TextChoices):
        PLAN = "plan", "Action plan"
        PROGRESS = "progress", "Progress updates"

    class State(models.TextChoices):
        READING = "reading", "Being read"
        FAILED = "failed", "Could not be read"
        PREVIEWED = "previewed", "Previewed"
        APPLYING = "applying", "Being imported"
        APPLIED = "applied", "Applied"
        STALE = "stale", "Out of date"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEWED)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256 of the file", max_length=64)
    size = models.PositiveBigIntegerField("size in bytes")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(
        "file waiting to be read",
        upload_to=stored_name,
        max_length=200,
        blank=True,
        help_text="A large upload, kept only until the background job has read it.",
    )
    failure = models.TextField(blank=True, help_text="Why the file could not be read.")
    data = models.JSONField(default=dict, help_text="The rows read from the file, by sheet.")
    preview = models.JSONField(
        default=dict, help_text="The problems and the first changes, as the preview shows them."
    )
    preview_digest = models.CharField(max_length=64, blank=True)
    counts = models.JSONField(
        default=dict, help_text="New, changed and unchanged rows per sheet (when applied: written)."
    )
    error_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["uploaded_by", "-uploaded_at"], name="import_by_person")]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.file_name} ({self.get_state_display()})"
