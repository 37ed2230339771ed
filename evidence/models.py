"""Evidence files: documents and pictures attached to a progress update or council input."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .validation import KINDS


def stored_name(instance, filename: str) -> str:
    """Where the file is kept: a random name under its year, never the name it was
    uploaded with (which is kept, cleaned, in `name` for downloads)."""
    return f"evidence/{timezone.now():%Y}/{uuid.uuid4().hex}"


class EvidenceFile(models.Model):
    """A file that backs up one progress update or one council input (a report, minutes, a
    spreadsheet, a photograph). It is seen by whoever may see that record, and downloaded
    through the service, never from a public address."""

    progress_update = models.ForeignKey(
        "actions.ProgressUpdate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence_files",
    )
    council_input = models.ForeignKey(
        "actions.CouncilInput",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence_files",
    )
    file = models.FileField("stored file", upload_to=stored_name, max_length=200)
    name = models.CharField(
        "file name", max_length=100, help_text="The uploaded name, cleaned, given to downloads."
    )
    content_type = models.CharField(
        "type", max_length=100, help_text="Detected from the file's content when uploaded."
    )
    size = models.PositiveIntegerField("size in bytes")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_files"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    is_public = models.BooleanField(
        "shown on the public site",
        default=False,
        help_text="Only files cleared for publication: the public site shows nothing else.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(progress_update__isnull=False, council_input__isnull=True)
                    | Q(progress_update__isnull=True, council_input__isnull=False)
                ),
                name="evidence_file_belongs_to_one_record",
                violation_error_message=(
                    "An evidence file belongs to one progress update or one council input."
                ),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def record(self):
        """The progress update or council input the file belongs to."""
        return self.progress_update if self.progress_update_id else self.council_input

    @property
    def kind_label(self) -> str:
        """What people call the file's type: "PDF", "Word document", "PNG image"."""
        kind = KINDS.get(self.content_type)
        return kind.label if kind else "File"
