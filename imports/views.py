"""Import pages: upload a spreadsheet, see its preview, confirm it (issue 14)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts import permissions
from reports.exports import XLSX_CONTENT_TYPE
from reports.plan_format import IMPORT_COLUMNS

from . import progress, services
from .forms import UploadForm
from .models import ImportRecord


def _importer(view):
    """Signed in, then 403 for anyone who may not import."""

    def guarded(request, *args, **kwargs):
        permissions.check_can_import_plan(request.user)
        return view(request, *args, **kwargs)

    guarded.__name__ = view.__name__
    guarded.__doc__ = view.__doc__
    return login_required(guarded)


def _upload(request: HttpRequest, kind: str, template: str, context: dict) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.start(
                upload=form.cleaned_data["file"], kind=kind, uploaded_by=request.user
            )
        except ValidationError as error:
            form.mark_error(error.messages[0])
        else:
            return redirect("import_preview", pk=record.pk)
    recent = permissions.imports_of(request.user, ImportRecord.objects.filter(kind=kind)).defer(
        "data"
    )[:10]
    return render(request, template, {"form": form, "recent": recent, **context})


@_importer
def plan_upload(request: HttpRequest) -> HttpResponse:
    """Upload the plan as a spreadsheet (the Excel export's format)."""
    columns = [(sheet, columns, required) for sheet, (columns, required) in IMPORT_COLUMNS.items()]
    return _upload(request, ImportRecord.Kind.PLAN, "imports/plan_upload.html", {"sheets": columns})


@_importer
def progress_upload(request: HttpRequest) -> HttpResponse:
    """Upload a sheet of progress updates for the open round."""
    return _upload(
        request,
        ImportRecord.Kind.PROGRESS,
        "imports/progress_upload.html",
        {"headers": progress.HEADERS, "sheet": progress.SHEET},
    )


@require_safe
@_importer
def progress_template(request: HttpRequest) -> HttpResponse:
    """The progress sheet to fill in, listing every action of the current plans."""
    response = HttpResponse(progress.template_bytes(), content_type=XLSX_CONTENT_TYPE)
    name = f"progress-updates-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _own(request: HttpRequest, pk: int) -> ImportRecord:
    return get_object_or_404(permissions.imports_of(request.user, ImportRecord.objects), pk=pk)


@require_safe
@_importer
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What the file would change and its problems, as kept when it was read (so the page
    costs the same whatever the file's size), and the button to confirm it."""
    record = _own(request, pk)
    context = {"record": record}
    if record.state == ImportRecord.State.PREVIEWED:
        kept = record.preview
        problems = [
            {"sheet": sheet, "row": row, "column": column, "message": message}
            for sheet, row, column, message in kept.get("errors", [])
        ]
        changes = [
            {
                **change,
                "differences": [
                    (name.replace("_", " "), change["before"].get(name), value)
                    for name, value in change["values"].items()
                ],
            }
            for change in kept.get("changes", [])
        ]
        context |= {
            "errors": Paginator(problems, 100).get_page(request.GET.get("errors")),
            "error_count": record.error_count,
            "changes": changes,
            "more_changes": kept.get("change_count", 0) - len(changes),
            "more_errors": record.error_count - len(problems),
            "counts": sorted(record.counts.items(), key=_sheet_order),
        }
    return render(request, "imports/preview.html", context)


def _sheet_order(item):
    order = [*list(IMPORT_COLUMNS), progress.SHEET]
    return order.index(item[0]) if item[0] in order else len(order)


@require_POST
@_importer
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    record = _own(request, pk)
    try:
        if services.runs_in_background(record):
            services.queue_confirm(record=record, confirmed_by=request.user)
        else:
            services.confirm(record=record, confirmed_by=request.user)
    except (services.Stale, services.NotApplicable) as refusal:
        messages.error(request, str(refusal))
    else:
        if not services.runs_in_background(record):
            messages.success(request, f"{record.file_name} has been imported.")
    return redirect("import_preview", pk=record.pk)
