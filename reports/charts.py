"""Charts drawn on the server as SVG: no JavaScript, they print, and they go into the PDF.

Each chart is drawn from the same rows the page shows in a table, so screen
reader users get the figures from the table; the SVG itself is labelled and
hidden from assistive technology.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK Frontend's colours for the RAG scale (words are always shown beside them).
COLOURS = {
    "grey": "#505a5f",
    "green": "#00703c",
    "amber": "#f47738",
    "red": "#d4351c",
    "blue": "#1d70b8",
}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str = "blue"
    text: str = ""  # the value as shown, e.g. "45%"; defaults to the number


def bar_chart(bars: list[Bar], *, maximum: float | None = None, width: int = 640) -> SafeString:
    """A horizontal bar chart: one labelled bar per row, the value written at its end."""
    row, label_width, gap = 32, 260, 6
    top = max((b.value for b in bars), default=0)
    maximum = maximum or top or 1
    plot = width - label_width - 70
    height = max(row * len(bars), row)
    parts = [
        f'<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" width="100%" '
        f'viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false" '
        f'font-family="arial, sans-serif" font-size="16">'
    ]
    for i, bar in enumerate(bars):
        y = i * row
        length = 0 if maximum == 0 else round(plot * bar.value / maximum, 1)
        text = bar.text or f"{bar.value:g}"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + row / 2 + 5}" text-anchor="end" '
            f'fill="#0b0c0c">{escape(_clip(bar.label))}</text>'
            f'<rect x="{label_width}" y="{y + gap / 2}" width="{length}" '
            f'height="{row - gap}" fill="{COLOURS.get(bar.colour, bar.colour)}"/>'
            f'<text x="{label_width + length + 6}" y="{y + row / 2 + 5}" '
            f'fill="#0b0c0c">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _clip(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
