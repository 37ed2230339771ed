"""Downloading an evidence file, only through the service and only by those who may see it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import (
    can_download_evidence,
    can_remove_evidence,
    plan_reader_required,
)

from . import services
from .models import EvidenceFile


@require_safe
@plan_reader_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file as a download, with the type detected when it was uploaded. A file
    of a record the person may not see is "not found", so its existence is not given away."""
    evidence = get_object_or_404(
        EvidenceFile.objects.select_related("progress_update", "council_input__council_action"),
        pk=pk,
    )
    if not can_download_evidence(request.user, evidence):
        raise Http404("No such file")
    try:
        stored = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:  # gone from storage, or never kept
        raise Http404("No such file") from missing
    response = FileResponse(
        stored, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@plan_reader_required
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a file off the organisation's draft or returned record, back to its form."""
    evidence = get_object_or_404(
        EvidenceFile.objects.select_related("progress_update", "council_input"), pk=pk
    )
    if not can_download_evidence(request.user, evidence):
        raise Http404("No such file")
    if not can_remove_evidence(request.user, evidence):
        raise PermissionDenied(
            "Only a draft’s or returned record’s own organisation can remove its files."
        )
    record = evidence.record
    form = (
        reverse("action_update", args=[record.strategy_action_id])
        if evidence.progress_update_id
        else reverse("council_action_input", args=[record.council_action_id])
    )
    try:
        services.remove_file(evidence=evidence, removed_by=request.user)
    except services.NoLongerDraft:
        messages.error(request, f"{evidence.name} was not removed: the update has been submitted.")
        return redirect(form)
    messages.success(request, f"{evidence.name} was removed from your draft.")
    return redirect(form)
