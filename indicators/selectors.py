"""Reads of indicators: each with its targets and approved values in a constant number of
queries, and what the pages show of it (latest value, trajectory, chart and table)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch, QuerySet
from django.utils.safestring import SafeString

from . import charts
from .models import Indicator, IndicatorTarget, IndicatorValue
from .trajectory import Assessment, assess


def with_figures(indicators: QuerySet | None = None) -> QuerySet:
    """Indicators with their owner, strategy, targets and approved values (oldest first) read
    in three queries more, however many there are."""
    indicators = Indicator.objects.all() if indicators is None else indicators
    return indicators.select_related("owner", "strategy").prefetch_related(
        Prefetch("targets", queryset=IndicatorTarget.objects.order_by("date")),
        Prefetch(
            "values",
            queryset=IndicatorValue.objects.select_related("author", "organisation").order_by(
                "measured_on", "pk"
            ),
            to_attr="approved_values",
        ),
    )


@dataclass
class Figures:
    """What the pages show of one indicator, from its prefetched targets and values."""

    indicator: Indicator
    values: list[IndicatorValue] = field(default_factory=list)

    @classmethod
    def of(cls, indicator: Indicator) -> Figures:
        values = getattr(indicator, "approved_values", None)
        if values is None:
            values = list(indicator.values.order_by("measured_on", "pk"))
        return cls(indicator, values)

    @cached_property
    def targets(self) -> list[IndicatorTarget]:
        return sorted(self.indicator.targets.all(), key=lambda target: target.date)

    @property
    def baseline(self):
        i = self.indicator
        return (i.baseline_value, i.baseline_date) if i.has_baseline else None

    @property
    def latest(self) -> IndicatorValue | None:
        """The newest approved value by the date it was measured."""
        return self.values[-1] if self.values else None

    @cached_property
    def assessment(self) -> Assessment:
        def point(v):
            return (v.value, v.measured_on) if v else None

        return assess(
            baseline=self.baseline,
            targets=[(t.value, t.date) for t in self.targets],
            direction=self.indicator.direction,
            latest=point(self.latest),
            first=point(self.values[0] if self.values else None),
        )

    @property
    def next_target(self) -> IndicatorTarget | None:
        """The first target on or after the latest value's date (or the first target)."""
        after = self.latest.measured_on if self.latest else None
        for target in self.targets:
            if after is None or target.date >= after:
                return target
        return None

    @cached_property
    def chart(self) -> SafeString:
        return charts.line_chart(
            baseline=self.baseline,
            targets=[(t.value, t.date) for t in self.targets],
            values=[(v.value, v.measured_on) for v in self.values],
            unit=self.indicator.unit,
        )

    @cached_property
    def rows(self) -> list[charts.Row]:
        return charts.rows(
            baseline=self.baseline,
            targets=[(t.value, t.date) for t in self.targets],
            values=[(v.value, v.measured_on) for v in self.values],
        )


def figures_of(indicators) -> list[Figures]:
    """Figures for each indicator of a queryset read through with_figures()."""
    return [Figures.of(indicator) for indicator in indicators]
