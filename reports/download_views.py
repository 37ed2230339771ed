"""Pages for files: the plan's exports, made in the request while they are small; otherwise
made in the background (reports/downloads.py): ask for one, watch it being made, fetch it.
Only the person who asked sees or fetches a background download (accounts.permissions)."""

import tempfile

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts import permissions

from . import downloads, exports
from .forms import DownloadRequestForm
from .models import Download


def _made_in_the_background(request: HttpRequest, kind: str, actions) -> HttpResponse | None:
    """The page offering a background job when the export is too large for the request."""
    count = actions.count()
    if downloads.runs_inline(kind, count):
        return None
    return prepare_page(request, kind=kind, actions=count, query=request.GET.urlencode())


@require_safe
@permissions.plan_reader_required
def action_plan_csv(request: HttpRequest) -> HttpResponse:
    """The filtered plan as CSV, one row per strategy action, streamed."""
    actions = exports.filtered_actions(request)
    if page := _made_in_the_background(request, Download.Kind.PLAN_CSV, actions):
        return page
    response = StreamingHttpResponse(
        exports.in_pieces(exports.csv_lines(actions)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("csv")}"'
    return response


@require_safe
@permissions.plan_reader_required
def action_plan_xlsx(request: HttpRequest) -> HttpResponse:
    """The filtered plan as an Excel workbook: its strategy actions and their council actions."""
    actions = exports.filtered_actions(request)
    if page := _made_in_the_background(request, Download.Kind.PLAN_XLSX, actions):
        return page
    # On disk rather than in memory; the response closes (and so deletes) it once sent.
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    try:
        exports.write_workbook(actions, file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=exports.filename("xlsx"),
        content_type=exports.XLSX_CONTENT_TYPE,
    )


def prepare_page(request: HttpRequest, *, kind: str, actions: int, query: str = "", report=None):
    """In place of a file too large to make in the request: a button to make it in the
    background (a POST, so that following a link never starts a job)."""
    context = {
        "kind": kind,
        "kind_label": Download.Kind(kind).label,
        "actions": actions,
        "query": query,
        "report": report,
    }
    return render(request, "reports/download_prepare.html", context)


def _own(request: HttpRequest, pk: int) -> Download:
    downloads_ = Download.objects.select_related("report")
    return get_object_or_404(permissions.downloads_of(request.user, downloads_), pk=pk)


@require_POST
@permissions.plan_reader_required
def new_download(request: HttpRequest) -> HttpResponse:
    """Ask for a file to be made in the background. Its fields are the hidden ones of the
    page that offered it, so anything else is a tampered request: "not found"."""
    form = DownloadRequestForm(request.POST)
    if not form.is_valid():
        raise Http404("No such download")
    download = downloads.request_download(user=request.user, **form.cleaned_data)
    return redirect(download)


@require_safe
@permissions.plan_reader_required
def download_list(request: HttpRequest) -> HttpResponse:
    """The files this person has asked for in the last KEEP_DAYS days."""
    mine = permissions.downloads_of(request.user, Download.objects.all())[:50]
    return render(
        request, "reports/download_list.html", {"downloads": mine, "keep_days": downloads.KEEP_DAYS}
    )


@require_safe
@permissions.plan_reader_required
def download_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A download's progress; the link to the file once it is ready."""
    download = _own(request, pk)
    return render(
        request, "reports/download.html", {"download": download, "keep_days": downloads.KEEP_DAYS}
    )


@require_safe
@permissions.plan_reader_required
def download_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The progress, for the page's script to show without reloading."""
    download = _own(request, pk)
    return JsonResponse(
        {
            "status": download.status,
            "status_label": download.get_status_display(),
            "rows_done": download.rows_done,
            "rows_total": download.rows_total,
            "percent": download.percent,
            "finished": download.finished,
        }
    )


@require_safe
@permissions.plan_reader_required
def download_file(request: HttpRequest, pk: int) -> FileResponse:
    download = _own(request, pk)
    if download.status != Download.Status.READY or not download.file:
        raise Http404("This file is not ready")
    return FileResponse(download.file.open("rb"), as_attachment=True, filename=download.filename)
