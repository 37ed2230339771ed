"""Writes to evidence files. Each records who made the change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from . import validation
from .models import EvidenceFile
from .validation import Checked

if TYPE_CHECKING:
    from accounts.models import User


def _record_field(record) -> str:
    """The field of EvidenceFile that points at this kind of record."""
    fields = {"strategy_action": "progress_update", "council_action": "council_input"}
    try:
        return fields[record.subject_field]
    except (AttributeError, KeyError) as error:
        raise TypeError(
            f"Evidence belongs to a progress update or council input, not {record!r}"
        ) from error


@transaction.atomic
def attach_files(
    *, record, files: Iterable[Checked | UploadedFile], uploaded_by: User
) -> list[EvidenceFile]:
    """Keep `files` as evidence for `record` (a ProgressUpdate or CouncilInput), in the
    caller's transaction. Files not yet checked (an UploadedFile, a ContentFile from a
    command) are checked first; ValidationError if any is refused or there would be more
    than EVIDENCE_MAX_FILES on the record, and then none is kept."""
    checked = [
        item if isinstance(item, Checked) else validation.check_upload(item) for item in files
    ]
    if not checked:
        return []
    field = _record_field(record)
    already = EvidenceFile.objects.filter(**{field: record}).count()
    if already + len(checked) > validation.max_files():
        raise ValidationError(validation.too_many_message(already), code="too_many")
    saved: list[EvidenceFile] = []
    try:
        for item in checked:
            evidence = EvidenceFile(
                **{field: record},
                name=item.name,
                content_type=item.content_type,
                size=item.size,
                uploaded_by=uploaded_by,
            )
            evidence.file.save(item.name, item.upload, save=False)
            saved.append(evidence)
            evidence.full_clean()
            evidence._history_user = uploaded_by
            evidence.save()
    except Exception:
        # The rows roll back with the transaction; the stored copies would not.
        for evidence in saved:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return saved


class NoLongerDraft(Exception):
    """The record was submitted (or approved) meanwhile: its files stay with it."""


@transaction.atomic
def remove_file(*, evidence: EvidenceFile, removed_by: User) -> None:
    """Take a file off a draft or returned record; the removal is kept in the file's history
    (who and when). The record is locked first, so it cannot be submitted half-way through;
    NoLongerDraft if it has been. The stored copy is deleted once the removal commits."""
    record = evidence.record
    locked = type(record).all_records.select_for_update().get(pk=record.pk)
    if locked.review_state not in ("draft", "returned"):
        raise NoLongerDraft(evidence)
    evidence = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
    stored, storage = evidence.file.name, evidence.file.storage
    evidence._history_user = removed_by
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(stored))
