"""A spreadsheet uploaded to change the plan or to post progress in bulk (issue 14)."""

from django.conf import settings
from django.db import models


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
        PREVIEWED = "previewed", "Previewed"
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
    data = models.JSONField(default=dict, help_text="The rows read from the file, by sheet.")
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
