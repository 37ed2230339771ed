"""Indicators on the dashboard, in the Cabinet report and in the workbook.

Each indicator's trajectory verdict is kept on it (indicators/standing.py), so the
dashboard finds those behind with a filtered, capped query and lists them among the
exceptions; it shows the first INDICATORS_SHOWN indicators' charts, with a count of the
rest. Either way only the indicators shown are read with their targets and values.
"""

from __future__ import annotations

from collections.abc import Iterator

from indicators.models import Indicator, figure
from indicators.selectors import Figures, figures_of, with_figures
from indicators.trajectory import Trajectory
from strategy.models import Strategy

from .figures import LIST_LIMIT, Capped

#: The dashboard and the report draw this many indicators' charts; the list page has them all.
INDICATORS_SHOWN = 20

INDICATOR_HEADERS = [
    "Indicator",
    "Strategy",
    "Unit",
    "Which way is better",
    "Baseline value",
    "Baseline date",
    "Targets",
    "Latest value",
    "Latest value measured on",
    "Trajectory",
    "Measured by",
]


def current_indicators():
    return Indicator.objects.filter(strategy__status=Strategy.Status.CURRENT)


def context() -> dict:
    """`indicators_behind` (the exceptions) and `indicators` (the charts), each capped."""
    indicators = current_indicators().order_by("name", "pk")
    behind = indicators.filter(trajectory=Trajectory.BEHIND)
    return {
        "indicators_behind": Capped(figures_of(with_figures(behind[:LIST_LIMIT])), behind.count()),
        "indicators": Capped(
            figures_of(with_figures(indicators[:INDICATORS_SHOWN])), indicators.count()
        ),
    }


def _targets(row: Figures) -> str:
    return "; ".join(f"{figure(target.value)} by {target.date:%-d %B %Y}" for target in row.targets)


def indicator_rows() -> Iterator[list]:
    """One row per indicator of the current strategies, for the workbook, read a chunk at a
    time (each chunk's targets and values prefetched)."""
    indicators = with_figures(current_indicators()).order_by("strategy__title", "name", "pk")
    for indicator in indicators.iterator(chunk_size=500):
        row = Figures.of(indicator)
        latest = row.latest
        yield [
            indicator.name,
            indicator.strategy.title,
            indicator.unit,
            indicator.get_direction_display(),
            indicator.baseline_value,
            indicator.baseline_date,
            _targets(row),
            latest.value if latest else None,
            latest.measured_on if latest else None,
            row.assessment.label,
            indicator.owner.name,
        ]
