"""The Cabinet dashboard, what changed since the last report, and the report itself."""

import datetime

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts import permissions
from actions.selectors import current_strategies
from actions.status import RAG
from govuk.fields import EARLIEST
from monitoring.selectors import current_round

from . import charts, figures, freshness, services
from .models import CabinetReport


def dashboard_context(today: datetime.date) -> dict:
    """Everything the dashboard and the Cabinet report show, in a fixed number of queries."""
    summary = figures.summary()
    counts, themes, overall = summary.counts, summary.themes, summary.overall
    priorities = figures.progress_by_priority()

    def progress_chart(rows):
        return charts.bar_chart(
            [
                charts.Bar(r.label, r.together or 0, "blue", f"{r.together}%")
                for r in rows
                if r.together is not None
            ],
            maximum=100,
        )

    return {
        "today": today,
        "round": current_round(),
        "strategies": current_strategies(),
        "counts": counts,
        "counts_total": sum(c.together for c in counts),
        "status_chart": charts.bar_chart(
            [charts.Bar(c.status.label, c.together, RAG[c.status]) for c in counts]
        ),
        "overall": overall,
        "themes": themes,
        "theme_chart": progress_chart(themes),
        "priorities": priorities,
        "priority_chart": progress_chart(priorities),
        "off_track": figures.off_track_and_at_risk(counts),
        "council_off_track": figures.council_off_track_and_at_risk(counts),
        "overdue": figures.overdue(today),
        "slipped": figures.slipped(),
        "no_update": figures.without_update_this_round(),
        "disagree": figures.views_disagree(),
        "recent": figures.recent_updates(),
        "latest_snapshot": CabinetReport.objects.first(),  # newest first (Meta.ordering)
    }


DASHBOARD_CACHE_SECONDS = 60 * 60
# Without an earlier report to compare with, changes are shown over this window.
WINDOW = datetime.timedelta(days=90)


@require_safe
@permissions.plan_reader_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Progress at a glance, exceptions first: the Cabinet member's landing page.

    Everyone sees the same figures, so the body is rendered once per change to the
    plan (reports/freshness.py) and day, and served from the cache until then.
    """
    today = timezone.localdate()
    key = f"dashboard-body:{freshness.generation()}:{today.isoformat()}"
    body = cache.get(key)
    if body is None:
        body = render_to_string("dashboard/body.html", dashboard_context(today), request=request)
        cache.set(key, body, DASHBOARD_CACHE_SECONDS)
    return render(request, "dashboard/dashboard.html", {"body": body, "today": today})


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
    default = latest.created_at if latest else timezone.now() - WINDOW
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
    """What changed since a report (a snapshot) or a date."""
    since, snapshot, error = _since(request)
    context = {
        "changes": figures.changes_since(since=since, snapshot=snapshot),
        "snapshots": CabinetReport.objects.all()[:20],
        "date_error": error,
        "since_value": request.GET.get("since", ""),
    }
    return render(request, "dashboard/changes.html", context)


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


def report_context(request: HttpRequest) -> dict:
    """The Cabinet report. A generated one shows what changed between the report before it
    and its own moment, from the figures both kept; the next report (the draft, by default)
    what changed since the latest generated."""
    context = dashboard_context(timezone.localdate())
    report = _generated_report(request)
    if report is not None:
        compared_with = report.compared_with
        since = compared_with.created_at if compared_with else report.created_at - WINDOW
        changes = figures.changes_since(
            since=since, snapshot=compared_with, until=report.created_at, until_snapshot=report
        )
    else:
        compared_with = context["latest_snapshot"]
        since = compared_with.created_at if compared_with else timezone.now() - WINDOW
        changes = figures.changes_since(since=since, snapshot=compared_with)
    context.update(report=report, changes=changes, plan=figures.report_actions())
    return context


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
    context = report_context(request)
    context["can_generate"] = permissions.can_generate_report(request.user)
    return render(request, "reports/cabinet_page.html", context)


@require_safe
@permissions.plan_reader_required
def cabinet_report_pdf(request: HttpRequest) -> HttpResponse:
    """The Cabinet report as an A4 PDF (WeasyPrint), with page numbers and tagged headings."""
    from weasyprint import HTML  # imported here: its system libraries load on first use

    html = render_to_string("reports/cabinet_pdf.html", report_context(request), request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"cabinet-progress-report-{timezone.localdate():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
