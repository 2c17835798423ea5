"""Charts as SVG drawn on the server: bar charts and line charts, no JavaScript, nothing fetched.

A view builds a chart from figures it has already aggregated (one QuerySet each, see
:mod:`registers.dashboards`) and a template includes it::

    chart = bar_chart(_("Members per CMO"), labels=["KazAK", "KazPerform"],
                      series=[Series(_("Members"), [120, 45])])
    {% include "charts/bar.html" with chart=chart %}

The drawing is a ``viewBox`` scaled to the width of its container (it fits a 360 px screen and
prints); it carries a ``<title>`` and a ``<desc>`` for screen readers, and the same figures follow
it as a table inside ``<details>``. Numbers are written as the reader's language writes them
(1 234 in Kazakh and Russian, 1,234 in English), dates are the caller's labels.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.functional import Promise

Number = int | Decimal

#: Okabe-Ito colours: told apart by people with the common colour blindnesses (and lines are dashed too).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
#: About how many characters of 13-unit text fit across the chart.
LABEL_CHARS = 44
WIDTH = 320  # viewBox units: a 360 px phone shows it at about 0.9 scale, so 13 units read as 12 px
_ids = itertools.count(1)


def number(value: Number) -> str:
    """``value`` as the active language writes it, with thousands grouped."""
    return str(formats.number_format(value, force_grouping=True))


@dataclass
class Series:
    name: str | Promise
    values: Sequence[Number]
    colour: str = ""
    dash: str = ""


def c(value: float) -> str:
    """A coordinate as SVG reads it, whatever the language (a decimal point, never a comma)."""
    return f"{value:.1f}"


@dataclass
class Bar:
    y: str
    width: str
    height: int
    colour: str
    value: str
    label_x: str
    text_y: str


@dataclass
class BarRow:
    label: str
    label_y: str
    bars: list[Bar]

    @property
    def short_label(self) -> str:
        """The label cut to the chart's width (SVG text does not wrap); the table keeps it whole."""
        return self.label if len(self.label) <= LABEL_CHARS else self.label[: LABEL_CHARS - 1].rstrip() + "…"


@dataclass
class Point:
    x: float
    y: float
    value: str
    label: str

    @property
    def cx(self) -> str:
        return c(self.x)

    @property
    def cy(self) -> str:
        return c(self.y)


@dataclass
class Line:
    name: str
    colour: str
    dash: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{c(p.x)},{c(p.y)}" for p in self.points)


@dataclass
class Tick:
    position: str
    text: str
    text_at: str


@dataclass
class LegendItem:
    name: str
    colour: str
    dash: str
    y: str
    line_y: str


@dataclass
class Chart:
    """What the chart templates draw; the figures stay in ``labels`` and ``series`` for the table."""

    kind: str
    title: str
    description: str
    labels: list[str]
    series: list[Series]
    width: int = WIDTH
    height: str = "0"
    legend: list[LegendItem] = field(default_factory=list)
    rows: list[BarRow] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    plot_left: str = "0"
    plot_right: str = "0"
    dom_id: str = ""

    @property
    def table_rows(self) -> list[tuple[str, list[str]]]:
        return [(label, [number(s.values[i]) for s in self.series]) for i, label in enumerate(self.labels)]

    @property
    def is_empty(self) -> bool:
        return not self.labels or all(not any(s.values) for s in self.series)


def _styled(series: Sequence[Series]) -> list[Series]:
    return [
        Series(
            s.name, list(s.values), s.colour or PALETTE[i % len(PALETTE)], s.dash or DASHES[i % len(DASHES)]
        )
        for i, s in enumerate(series)
    ]


def _legend(series: list[Series], top: float) -> tuple[list[LegendItem], float]:
    if len(series) < 2:
        return [], top
    items = [
        LegendItem(str(s.name), s.colour, s.dash, c(top + 13 + 18 * i), c(top + 9 + 18 * i))
        for i, s in enumerate(series)
    ]
    return items, top + 18 * len(series) + 6


def _describe(description: str | Promise, labels: Sequence[str], series: list[Series]) -> str:
    if description:
        return str(description)
    parts = []
    for s in series:
        figures = ", ".join(f"{label}: {number(v)}" for label, v in zip(labels, s.values, strict=True))
        parts.append(f"{s.name}: {figures}" if len(series) > 1 else figures)
    return "; ".join(parts)


def bar_chart(
    title: str | Promise, *, labels: Sequence[str], series: Sequence[Series], description: str | Promise = ""
) -> Chart:
    """Horizontal bars, one group per label (a name above its bars), one bar per series."""
    styled = _styled(series)
    legend, top = _legend(styled, 0)
    peak = max((v for s in styled for v in s.values), default=0) or 1
    bar_height, gap, label_height = 14, 3, 18
    span = WIDTH - 64  # room for the figure after the longest bar
    rows, y = [], top
    for i, label in enumerate(labels):
        label_y = y + 13
        y += label_height
        bars = []
        for s in styled:
            width = max(float(s.values[i]) / float(peak) * span, 1.0)
            bars.append(
                Bar(c(y), c(width), bar_height, s.colour, number(s.values[i]), c(width + 4), c(y + 12))
            )
            y += bar_height + gap
        rows.append(BarRow(str(label), c(label_y), bars))
        y += 8
    return Chart(
        kind="bar", title=str(title), description=_describe(description, labels, styled),
        labels=[str(label) for label in labels], series=styled, height=c(max(y, 20)), legend=legend, rows=rows,
        dom_id=f"chart-{next(_ids)}",
    )  # fmt: skip


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``value`` (an axis that reads round)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def line_chart(
    title: str | Promise,
    *,
    labels: Sequence[str],
    series: Sequence[Series],
    description: str | Promise = "",
    tick_every: int = 1,
    tick_labels: Sequence[str] | None = None,
) -> Chart:
    """Lines over ``labels`` (time, left to right); every ``tick_every``-th label is written under the
    axis, in its short form from ``tick_labels`` if given (the table keeps ``labels``)."""
    styled = _styled(series)
    legend, top = _legend(styled, 0)
    peak = max((float(v) for s in styled for v in s.values), default=0)
    step = nice_ceiling(peak / 4) if peak > 4 else 1
    top_value = step * 4
    left, right, plot_top = 40.0, WIDTH - 10.0, top + 10
    bottom = plot_top + 150
    count = max(len(labels) - 1, 1)

    def x_at(i: int) -> float:
        return left + (right - left) * i / count

    def y_at(v: float) -> float:
        return bottom - (bottom - plot_top) * v / top_value

    lines = [
        Line(
            str(s.name), s.colour, s.dash,
            [Point(x_at(i), y_at(float(v)), number(v), str(labels[i])) for i, v in enumerate(s.values)],
        )
        for s in styled
    ]  # fmt: skip
    y_ticks = [
        Tick(
            c(y_at(step * k)),
            number(int(step * k) if step >= 1 else Decimal(str(step * k))),
            c(y_at(step * k) + 4),
        )
        for k in range(5)
    ]
    short = tick_labels or labels
    x_ticks = [
        Tick(c(x_at(i)), str(short[i]), c(bottom + 16)) for i in range(0, len(labels), max(tick_every, 1))
    ]
    return Chart(
        kind="line", title=str(title), description=_describe(description, labels, styled),
        labels=[str(label) for label in labels], series=styled, height=c(bottom + 24), legend=legend, lines=lines,
        x_ticks=x_ticks, y_ticks=y_ticks, plot_left=c(left), plot_right=c(right),
        dom_id=f"chart-{next(_ids)}",
    )  # fmt: skip
