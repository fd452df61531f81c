"""Server-rendered SVG charts: bars and lines drawn here, so the page needs no chart library.

District intranets have no internet, and a screen reader needs more than pixels: every chart
is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that states the figures, each mark
carries its own ``<title>`` (the value on hover or focus), and the page shows the same numbers
in a data table.  Colours have at least 4.5:1 contrast on white, and the legend names each one,
so no figure depends on colour alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Each ≥ 4.5:1 on white (WCAG 2.1 AA for text, more than the 3:1 graphics need).
BLUE = "#123f7a"
GREEN = "#1d6b3a"
RED = "#9b1c1c"
AMBER = "#7a4b00"
PURPLE = "#5b3f8c"

WIDTH = 640
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 40, 44
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Series:
    """One named row of values, one value per category (None: nothing to show for it)."""

    label: str
    values: tuple[float | None, ...]
    colour: str


def _scale(value: float, integer: bool) -> tuple[float, int]:
    """The axis top and its number of gridline steps: steps of 1, 2 or 5 × 10ⁿ, at most five, so
    the gridlines read easily (and counts get whole-number gridlines)."""
    if value <= 0:
        return 1.0, 1
    power = 10.0 ** math.floor(math.log10(value / 5))
    for base in (1, 2, 5, 10):
        step = max(base * power, 1.0) if integer else base * power
        if value / step <= 5:
            ticks = max(math.ceil(value / step), 1)
            return step * ticks, ticks
    return value, 1  # pragma: no cover - base 10 always fits


def _n(value: float) -> str:
    """A coordinate, to a tenth of a unit."""
    return f"{value:.1f}"


def _fmt(value: float, unit: str) -> str:
    text = f"{value:.1f}" if value != int(value) else str(int(value))
    return f"{text}{unit}"


def _frame(
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    scale: tuple[float, int],
    unit: str,
    series: Sequence[Series],
) -> list[str]:
    """Title, description, gridlines with their values, category labels and the legend."""
    plot_h = HEIGHT - TOP - BOTTOM
    parts: list[str] = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="{}-t {}-d" data-testid="chart-{}" font-size="12">'
            '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
            WIDTH,
            HEIGHT,
            chart_id,
            chart_id,
            chart_id,
            chart_id,
            title,
            chart_id,
            desc,
        )
    ]
    top, ticks = scale
    for i in range(ticks + 1):
        y = TOP + plot_h - plot_h * i / ticks
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" fill="#4a5568">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _n(y),
                _n(y),
                "#1a1f2b" if i == 0 else "#d5dbe3",
                LEFT - 6,
                _n(y + 4),
                _fmt(top * i / ticks, unit),
            )
        )
    n = max(len(categories), 1)
    step = (WIDTH - LEFT - RIGHT) / n
    for i, label in enumerate(categories):
        month = MONTH.match(label)
        if month is None:
            lines = [label]
        else:  # 2026-09 as "09" with the year beneath, at the first month and at each January
            year, mm = month.groups()
            lines = [mm, year] if i == 0 or mm == "01" else [mm]
        for k, text in enumerate(lines):
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" fill="#1a1f2b">{}</text>',
                    _n(LEFT + step * (i + 0.5)),
                    HEIGHT - BOTTOM + 16 + 15 * k,
                    text,
                )
            )
    x, row = LEFT, 0
    for s in series:
        width = 16 + sum(12 if ord(c) > 0x2E7F else 7 for c in s.label) + 16
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, row = LEFT, row + 1
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
                '<text x="{}" y="{}" fill="#1a1f2b">{}</text>',
                x,
                4 + 16 * row,
                s.colour,
                x + 16,
                14 + 16 * row,
                s.label,
            )
        )
        x += width
    return parts


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
) -> SafeString:
    """Grouped bars: one group per category, one bar per series."""
    largest = max((v for s in series for v in s.values if v is not None), default=0.0)
    integer = all(v == int(v) for s in series for v in s.values if v is not None)
    scale = _scale(largest, integer)
    top = scale[0]
    parts = _frame(chart_id, title, desc, categories, scale, unit, series)
    plot_h = HEIGHT - TOP - BOTTOM
    n = max(len(categories), 1)
    step = (WIDTH - LEFT - RIGHT) / n
    bar_w = step * 0.8 / max(len(series), 1)
    for i, category in enumerate(categories):
        for j, s in enumerate(series):
            value = s.values[i]
            if value is None:
                continue
            h = plot_h * value / top
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} · {}: {}</title></rect>',
                    _n(LEFT + step * i + step * 0.1 + bar_w * j),
                    _n(TOP + plot_h - h),
                    _n(max(bar_w - 1, 1)),
                    _n(h),
                    s.colour,
                    category,
                    s.label,
                    _fmt(value, unit),
                )
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every piece above is escaped by format_html


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    top: float = 100.0,
    unit: str = "%",
) -> SafeString:
    """Lines with a marked point per value; a missing value breaks the line (no data that month)."""
    parts = _frame(chart_id, title, desc, categories, (top, 4), unit, series)
    plot_h = HEIGHT - TOP - BOTTOM
    n = max(len(categories), 1)
    step = (WIDTH - LEFT - RIGHT) / n
    for s in series:
        runs: list[list[tuple[float, float]]] = [[]]
        points: list[str] = []
        for i, category in enumerate(categories):
            value = s.values[i]
            if value is None:
                runs.append([])
                continue
            x, y = LEFT + step * (i + 0.5), TOP + plot_h - plot_h * min(value, top) / top
            runs[-1].append((x, y))
            points.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{} · {}: {}</title></circle>',
                    _n(x),
                    _n(y),
                    s.colour,
                    category,
                    s.label,
                    _fmt(value, unit),
                )
            )
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(
                    f'<polyline points="{escape(path)}" fill="none" stroke="{escape(s.colour)}" stroke-width="2"/>'
                )
        parts.extend(points)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every piece above is escaped by format_html
