"""An indicator's line chart, drawn on the server as SVG: no JavaScript, it prints and it goes
into the PDF.

The measured values are a solid line with a point on each; the trajectory (from the baseline,
or the first value, through each target) a dashed line with a square on each target. The SVG
is hidden from assistive technology: the table beside it (`rows`) holds the same figures.
Presentation attributes only (the content security policy allows no inline style).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import figure

# GOV.UK Frontend's colours.
BLUE, GREY, BLACK, MID_GREY = "#1d70b8", "#505a5f", "#0b0c0c", "#b1b4b6"

WIDTH, HEIGHT = 600, 300
LEFT, RIGHT, TOP, BOTTOM = 72, 20, 36, 44
TICKS = 5


@dataclass(frozen=True)
class Row:
    """One line of the chart's table: a date, what it is, and the figure."""

    date: datetime.date
    kind: str  # "Baseline", "Target" or "Measured"
    value: Decimal


def rows(*, baseline, targets, values) -> list[Row]:
    """The chart's figures as table rows, in date order (the baseline, targets and values)."""
    found = [Row(date, "Target", value) for value, date in targets]
    found += [Row(date, "Measured", value) for value, date in values]
    found.sort(key=lambda row: (row.date, row.kind != "Measured"))
    if baseline is not None:
        found.insert(0, Row(baseline[1], "Baseline", baseline[0]))
    return found


def nice_step(span: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about TICKS ticks over `span`."""
    if span <= 0:
        return 1.0
    raw = span / TICKS
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def line_chart(*, baseline, targets, values, unit: str = "") -> SafeString:
    """The SVG: `baseline` (value, date) or None; `targets` and `values` lists of (value, date)
    in date order. Empty when there is nothing to draw."""
    values = sorted(values, key=lambda point: point[1])
    targets = sorted(targets, key=lambda point: point[1])
    start = baseline or (values[0] if values else None)
    line = ([start] if start else []) + [t for t in targets if not start or t[1] > start[1]]
    points = line + values
    if not points:
        return mark_safe("")
    low = min(float(v) for v, _ in points)
    high = max(float(v) for v, _ in points)
    low = min(low, 0.0)  # the axis starts at nought unless values fall below it
    step = nice_step(high - low or abs(high) or 1)
    bottom = step * (low // step)
    top = step * -(-high // step) if high > bottom else bottom + step
    first = min(d for _, d in points)
    last = max(d for _, d in points)
    days = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: datetime.date) -> float:
        return round(LEFT + plot_w * (day - first).days / days, 1)

    def y(value) -> float:
        return round(TOP + plot_h * (1 - (float(value) - bottom) / (top - bottom)), 1)

    parts = []
    # The value axis: gridlines with their figures.
    tick = bottom
    while tick <= top + step / 1000:
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty}" x2="{WIDTH - RIGHT}" y2="{ty}" stroke="{MID_GREY}" '
            f'stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{ty + 5}" text-anchor="end" fill="{BLACK}">'
            f"{escape(figure(Decimal(str(round(tick, 6)))))}</text>"
        )
        tick += step
    # The date axis: the first and last dates, and one between when there is room.
    dates = [first, last] if first != last else [first]
    if days > 120:
        dates.insert(1, first + datetime.timedelta(days=days // 2))
    for i, day in enumerate(dates):
        anchor = "start" if i == 0 and len(dates) > 1 else "end" if day == last else "middle"
        anchor = "middle" if len(dates) == 1 else anchor
        parts.append(
            f'<text x="{x(day)}" y="{HEIGHT - BOTTOM + 22}" text-anchor="{anchor}" '
            f'fill="{BLACK}">{day:%b %Y}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="{BLACK}" '
        f'stroke-width="2"/>'
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="{BLACK}" stroke-width="2"/>'
    )
    if unit:
        parts.append(f'<text x="0" y="16" fill="{BLACK}">{escape(unit)}</text>')
    # The trajectory to the targets, dashed, with a square on each target.
    if len(line) > 1:
        coords = " ".join(f"{x(d)},{y(v)}" for v, d in line)
        parts.append(
            f'<polyline class="app-chart__target" points="{coords}" fill="none" '
            f'stroke="{GREY}" stroke-width="2" stroke-dasharray="8 5"/>'
        )
    for v, d in targets:
        parts.append(
            f'<rect class="app-chart__target-point" x="{x(d) - 5}" y="{y(v) - 5}" width="10" '
            f'height="10" fill="{GREY}"/>'
        )
    # The measured values, solid, with a point on each.
    if len(values) > 1:
        coords = " ".join(f"{x(d)},{y(v)}" for v, d in values)
        parts.append(
            f'<polyline class="app-chart__values" points="{coords}" fill="none" '
            f'stroke="{BLUE}" stroke-width="3"/>'
        )
    for v, d in values:
        parts.append(
            f'<circle class="app-chart__value" cx="{x(d)}" cy="{y(v)}" r="5" fill="{BLUE}"/>'
        )
    # The key, above the plot.
    key_x = WIDTH - RIGHT - 300
    parts.append(
        f'<line x1="{key_x}" y1="12" x2="{key_x + 28}" y2="12" stroke="{BLUE}" '
        f'stroke-width="3"/><text x="{key_x + 34}" y="17" fill="{BLACK}">Measured</text>'
        f'<line x1="{key_x + 130}" y1="12" x2="{key_x + 158}" y2="12" stroke="{GREY}" '
        f'stroke-width="2" stroke-dasharray="8 5"/>'
        f'<text x="{key_x + 164}" y="17" fill="{BLACK}">Target line</text>'
    )
    return mark_safe(
        f'<svg class="app-chart app-chart--line" xmlns="http://www.w3.org/2000/svg" '
        f'width="100%" viewBox="0 0 {WIDTH} {HEIGHT}" aria-hidden="true" focusable="false" '
        f'font-family="arial, sans-serif" font-size="14">{"".join(parts)}</svg>'
    )
