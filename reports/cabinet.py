"""What the dashboard and the Cabinet report show: their contexts, and the report's PDF.

Shared by the pages (reports/views.py) and the background jobs (reports/downloads.py).
"""

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from actions.selectors import current_strategies
from actions.status import RAG
from monitoring.selectors import current_round
from strategy.decision import chosen_options
from strategy.models import DemoProgress

from . import charts, duty_figures, figures, indicator_figures, risk_figures
from .models import CabinetReport

# Without an earlier report to compare with, changes are shown over this window.
WINDOW = datetime.timedelta(days=90)
#: The table and chart by theme show every theme up to this many; past it, the themes
#: furthest behind (a chart of a thousand bars tells Cabinet nothing, and costs every page).
THEMES_SHOWN = 40


def furthest_behind(themes: list) -> list:
    if len(themes) <= THEMES_SHOWN:
        return themes
    behind = sorted(themes, key=lambda row: (row.together is None, row.together or 0))
    return behind[:THEMES_SHOWN]


def dashboard_context(today: datetime.date) -> dict:
    """Everything the dashboard and the Cabinet report show, in a fixed number of queries."""
    summary = figures.summary()
    counts, overall = summary.counts, summary.overall
    themes = furthest_behind(summary.themes)
    priorities = figures.progress_by_priority()
    round_ = current_round()

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
        "round": round_,
        "strategies": current_strategies(),
        "counts": counts,
        "counts_total": sum(c.together for c in counts),
        "status_chart": charts.bar_chart(
            [charts.Bar(c.status.label, c.together, RAG[c.status]) for c in counts]
        ),
        "overall": overall,
        "themes": themes,
        "themes_total": len(summary.themes),
        "theme_chart": progress_chart(themes),
        "priorities": priorities,
        "priority_chart": progress_chart(priorities),
        "off_track": figures.off_track_and_at_risk(counts),
        "council_off_track": figures.council_off_track_and_at_risk(counts),
        "overdue": figures.overdue(today),
        "overdue_milestones": figures.overdue_milestones(today),
        "slipped": figures.slipped(),
        "no_update": figures.without_update_this_round(),
        "disagree": figures.views_disagree(),
        "recent": figures.recent_updates(),
        "latest_snapshot": CabinetReport.objects.first(),  # newest first (Meta.ordering)
        **indicator_figures.context(),
        **duty_figures.context(),  # issue 15
        **risk_figures.context(today, round_),  # issue 15
    }


def report_context(report: CabinetReport | None) -> dict:
    """The Cabinet report. A generated one shows what changed between the report before it
    and its own moment, from the figures both kept; the next report (the draft, report=None)
    what changed since the latest generated."""
    context = dashboard_context(timezone.localdate())
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
    context.update(
        report=report,
        changes=changes,
        plan=figures.report_actions(),
        report_list_max=figures.REPORT_LIST_MAX,
        social_value=duty_figures.social_value(),  # issue 15
        site_url=settings.SITE_URL.rstrip("/"),
        # The PDF is made without a request, so the base template's demo banner is not there.
        demo_progress=DemoProgress.present(),
    )
    return context


def render_pdf(report: CabinetReport | None) -> bytes:
    """The Cabinet report as an A4 PDF (WeasyPrint), with page numbers and tagged headings.

    Its links are absolute, to SITE_URL, so that they work from the file wherever it is read.
    """
    from weasyprint import HTML  # imported here: its system libraries load on first use

    context = report_context(report)
    context["decisions"] = chosen_options(context["strategies"])  # issue 15
    html = render_to_string("reports/cabinet_pdf.html", context)
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf(pdf_variant="pdf/ua-1")


def pdf_filename() -> str:
    return f"cabinet-progress-report-{timezone.localdate():%Y-%m-%d}.pdf"
