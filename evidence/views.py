"""Downloading an evidence file, only through the service and only by those who may see it."""

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from accounts.permissions import can_download_evidence, plan_reader_required

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
