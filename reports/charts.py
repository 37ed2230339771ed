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


def bar_chart(bars: list[Bar], *, maximum: float | None = None, width: int = 400) -> SafeString:
    """A horizontal bar chart: each row's label on its own line(s), its bar below with the
    value written at its end.

    Labels above the bars have the chart's full width, so none is clipped, and the narrow
    view box keeps the text near its real size when the chart shrinks to a phone's width.
    """
    line, bar_height, gap, value_room = 20, 22, 14, 56
    top = max((b.value for b in bars), default=0)
    maximum = maximum or top or 1
    plot = width - value_room
    rows, y = [], 0
    for bar in bars:
        label_lines = _wrap(bar.label)
        length = 0 if maximum == 0 else round(plot * bar.value / maximum, 1)
        text = bar.text or f"{bar.value:g}"
        labels = "".join(
            f'<text x="0" y="{y + line * (i + 1) - 5}" fill="#0b0c0c">{escape(part)}</text>'
            for i, part in enumerate(label_lines)
        )
        bar_top = y + line * len(label_lines) + 2
        rows.append(
            f"{labels}"
            f'<rect x="0" y="{bar_top}" width="{length}" height="{bar_height}" '
            f'fill="{COLOURS.get(bar.colour, bar.colour)}"/>'
            f'<text x="{length + 6}" y="{bar_top + bar_height - 6}" fill="#0b0c0c" '
            f'font-weight="bold">{escape(text)}</text>'
        )
        y = bar_top + bar_height + gap
    height = max(y, line)
    return mark_safe(
        f'<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" width="100%" '
        f'viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false" '
        f'font-family="arial, sans-serif" font-size="16">{"".join(rows)}</svg>'
    )


def _wrap(label: str, limit: int = 44) -> list[str]:
    """The label in lines of at most `limit` characters, broken between words (two at most;
    the table beside the chart has every label in full)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    if len(lines) > 2:
        lines = [lines[0], _clip(" ".join(lines[1:]), limit)]
    return lines or [""]


def _clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
