"""The Cabinet dashboard, what changed since the last report, and the report itself."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import permissions
from actions.models import CouncilInput, ProgressUpdate
from govuk import fragments
from govuk.fields import EARLIEST
from govuk.pagination import paginate
from indicators.models import IndicatorValue

from . import cabinet, download_views, downloads, figures, services
from . import slippage as slippage_figures
from .models import CabinetReport, Download


@require_safe
@permissions.plan_reader_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Progress at a glance, exceptions first: the Cabinet member's landing page.

    Everyone sees the same figures, so the body is rendered once per change to the
    plan and day, and served from the cache until then (govuk/fragments.py).
    """
    today = timezone.localdate()
    body = fragments.cached(
        request,
        "dashboard",
        lambda: fragments.render_part(
            request, "dashboard/body.html", cabinet.dashboard_context(today)
        ),
    )
    context = {"body": body.html, "today": today, "waiting": _waiting_for(request.user)}
    return render(request, "dashboard/dashboard.html", context)


def _waiting_for(user) -> int:
    """How many updates (indicator values too) wait for this reviewer: what is pending beside
    the approved figures."""
    if not permissions.can_review_any(user):
        return 0
    return (
        permissions.updates_to_review(user, ProgressUpdate.all_records.all()).count()
        + permissions.inputs_to_review(user, CouncilInput.all_records.all()).count()
        + permissions.indicator_values_to_review(user, IndicatorValue.all_records.all()).count()
    )


DATE_ERROR = "Enter a real date in the format 2026-03-31, or choose a report"


def _parse_day(value: str) -> datetime.date | None:
    """A real date written YYYY-MM-DD, from 2000 to today; None for anything else."""
    try:
        day = datetime.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:  # 2026-02-30, 2026-13-01, 0000-01-01
        return None
    if day is None or not EARLIEST <= day <= timezone.localdate():
        return None
    return day


def _since(request: HttpRequest) -> tuple[datetime.datetime, CabinetReport | None, str]:
    """`?since=` is a report's number or a date (YYYY-MM-DD); by default the latest report.

    Returns the moment, the report compared with (if any) and an error to show by the field.
    """
    value = request.GET.get("since", "").strip()
    reports = CabinetReport.objects.all()
    if value.isascii() and value.isdigit():
        report = reports.filter(pk=int(value)).first() if len(value) <= 18 else None
        if report is None:
            raise Http404("No such report")
        return report.created_at, report, ""
    latest = reports.first()
    default = latest.created_at if latest else timezone.now() - cabinet.WINDOW
    if not value:
        return default, latest, ""
    day = _parse_day(value)
    if day is None:
        return default, latest, DATE_ERROR
    start = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(start), None, ""


@require_safe
@permissions.plan_reader_required
def changes(request: HttpRequest) -> HttpResponse:
    """What changed since a report (a snapshot) or a date, kept rendered until the plan
    changes (govuk/fragments.py). By default the window starts at the latest report, or
    `cabinet.WINDOW` ago: kept for the day, so its start may be hours behind the clock."""
    content = fragments.cached(request, "changes", lambda: _changes_content(request))
    return render(request, "dashboard/changes.html", {"content": content})


def _changes_content(request: HttpRequest) -> fragments.Part:
    since, snapshot, error = _since(request)
    context = {
        "changes": figures.changes_since(since=since, snapshot=snapshot),
        "snapshots": CabinetReport.objects.all()[:20],
        "date_error": error,
        "since_value": request.GET.get("since", ""),
    }
    return fragments.render_part(request, "dashboard/includes/changes_content.html", context)


@require_safe
@permissions.plan_reader_required
def slippage(request: HttpRequest) -> HttpResponse:
    """Every action whose target date has moved: original and current date, days slipped, how
    many times, and each approved reason. `?of=council` for proposed council actions."""
    kind = request.GET.get("of", "strategy")
    if kind not in slippage_figures.KINDS:
        kind = "strategy"
    paged = paginate(request, slippage_figures.moved(kind))
    for action in paged.page:
        action.days_slipped = slippage_figures.days_slipped(action)
    context = {
        "kind": kind,
        "kind_label": slippage_figures.KINDS[kind],
        "kinds": slippage_figures.KINDS,
        "page": paged.page,
        "query": paged.query,
    }
    return render(request, "reports/slippage.html", context)


@require_safe
@permissions.plan_reader_required
def report_archive(request: HttpRequest) -> HttpResponse:
    """Every Cabinet report generated, newest first, each with its PDF as sent."""
    reports = CabinetReport.objects.select_related(
        "created_by", "round", "compared_with", "reissue_of"
    ).defer("data")
    paged = paginate(request, reports)
    context = {
        "page": paged.page,
        "query": paged.query,
        "can_generate": permissions.can_generate_report(request.user),
    }
    return render(request, "reports/archive.html", context)


@require_safe
@permissions.plan_reader_required
def report_file(request: HttpRequest, pk: int) -> FileResponse:
    """A generated report's PDF, exactly as it was made when the report was generated."""
    report = get_object_or_404(CabinetReport.objects.defer("data"), pk=pk)
    if not report.pdf:
        raise Http404("This report's PDF is not ready")
    response = FileResponse(
        report.pdf.open("rb"), as_attachment=True, filename=report.pdf_filename()
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def report_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    """Reissue a report after a correction: a new report, marked as a reissue; the first is
    kept as it was sent."""
    permissions.check_can_generate_report(request.user)
    original = get_object_or_404(CabinetReport.objects.defer("data"), pk=pk)
    report = services.generate_cabinet_report(generated_by=request.user, reissue_of=original)
    messages.success(
        request,
        f"The report has been reissued. The report of {original.created_at:%-d %B %Y} is "
        "kept as it was sent.",
    )
    return redirect(report)


def _generated_report(request: HttpRequest) -> CabinetReport | None:
    """`?report=<id>`: a report as generated; without it, the next report (a draft)."""
    value = request.GET.get("report", "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404("No such report")
    return get_object_or_404(
        CabinetReport.objects.select_related("compared_with", "created_by"), pk=value
    )


@require_http_methods(["GET", "POST"])
@permissions.plan_reader_required
def cabinet_report(request: HttpRequest) -> HttpResponse:
    """The Cabinet report as a page to print; POST records it as generated (a snapshot)."""
    if request.method == "POST":
        permissions.check_can_generate_report(request.user)
        report = services.generate_cabinet_report(generated_by=request.user)
        messages.success(
            request,
            "The report has been generated. Its figures are kept, so the next report "
            "shows what changed since.",
        )
        return redirect(f"{reverse('cabinet_report')}?report={report.pk}")
    context = cabinet.report_context(_generated_report(request))
    context["can_generate"] = permissions.can_generate_report(request.user)
    return render(request, "reports/cabinet_page.html", context)


@require_safe
@permissions.plan_reader_required
def cabinet_report_pdf(request: HttpRequest) -> HttpResponse:
    """The Cabinet report as an A4 PDF: made here for a small plan, in the background for a
    larger one (reports/downloads.py)."""
    report = _generated_report(request)
    actions = figures.current_strategy_actions().count()
    if not downloads.runs_inline(Download.Kind.REPORT_PDF, actions):
        return download_views.prepare_page(
            request, kind=Download.Kind.REPORT_PDF, actions=actions, report=report
        )
    response = HttpResponse(cabinet.render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cabinet.pdf_filename()}"'
    return response
