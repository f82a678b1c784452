"""The dashboard's charts, drawn on the server as SVG: the geometry is worked out here
and the templates under sessions/fragments/ draw it, so every label is translated there
and every value escaped. Each chart stands beside a table of the same numbers.

    chart = daily_chart([(day, citizens, eid), ...])       # columns and a line
    chart = rate_chart([(day, percent), ...], target=30)   # a line and the target
    line = sparkline([(day, percent), ...], target=30)     # one commune's rate, small
"""

import math
from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 14, 34
MAX_X_LABELS = 12


def nice_step(value: float) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least `value` (and 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if value <= step * power)


def number_label(value: float) -> str:
    return f"{value:g}" if value < 10_000 else f"{value / 1000:g}k"


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class Column:
    x: float
    y: float
    width: float
    height: float
    day: date
    value: int


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: float = WIDTH - RIGHT
    top: int = TOP
    bottom: float = HEIGHT - BOTTOM
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    line: str = ""  # an SVG polyline's points
    dots: list[tuple[float, float, date, float]] = field(default_factory=list)
    target_y: float | None = None
    target: float | None = None

    @property
    def is_empty(self) -> bool:
        return not self.columns and not self.dots


def y_scale(largest: float, chart: Chart, *, step: float | None = None):
    """The function placing a value on the chart, its top a whole number of steps above
    `largest` (four or five steps of 1, 2 or 5 times a power of ten unless given)."""
    step = step or nice_step(largest / 4)
    top_value = step * max(1, math.ceil(largest / step))
    span = chart.bottom - chart.top

    def y(value: float) -> float:
        return round(chart.bottom - span * value / top_value, 1)

    count = round(top_value / step)
    chart.y_ticks = [Tick(y(step * n), number_label(step * n)) for n in range(count + 1)]
    return y


def x_labels(days: list[date], x_of) -> list[Tick]:
    every = max(1, math.ceil(len(days) / MAX_X_LABELS))
    return [
        Tick(x_of(index), f"{day:%d/%m}") for index, day in enumerate(days) if index % every == 0
    ]


def daily_chart(points: list[tuple[date, int, int]]) -> Chart:
    """Columns for the citizens helped each day, and a line for the e-ID activations."""
    chart = Chart()
    if not points:
        return chart
    y = y_scale(max(max(c, e) for _d, c, e in points), chart)
    band = (chart.right - chart.left) / len(points)

    def middle(index: int) -> float:
        return round(chart.left + band * (index + 0.5), 1)

    width = round(max(band * 0.7, 1), 1)
    for index, (day, citizens, _eid) in enumerate(points):
        top = y(citizens)
        chart.columns.append(
            Column(
                round(middle(index) - width / 2, 1),
                top,
                width,
                round(chart.bottom - top, 1),
                day,
                citizens,
            )
        )
    chart.dots = [(middle(index), y(eid), day, eid) for index, (day, _c, eid) in enumerate(points)]
    chart.line = " ".join(f"{x},{y_}" for x, y_, _day, _value in chart.dots)
    chart.x_ticks = x_labels([day for day, _c, _e in points], middle)
    return chart


def rate_chart(points: list[tuple[date, float]], *, target: float | None = None) -> Chart:
    """The online-application rate at the end of each reported period, placed in time,
    with the target as a dashed line."""
    chart = Chart()
    if not points:
        return chart
    top_value = 100 if max(p for _d, p in points) > 50 or (target or 0) > 50 else 50
    y = y_scale(top_value, chart, step=top_value / 5)
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)

    def x_of_day(day: date) -> float:
        if first == last:
            return round((chart.left + chart.right) / 2, 1)
        return round(chart.left + (chart.right - chart.left) * (day - first).days / span, 1)

    chart.dots = [(x_of_day(day), y(percent), day, percent) for day, percent in points]
    chart.line = " ".join(f"{x},{y_}" for x, y_, _day, _value in chart.dots)
    days = [day for day, _p in points]
    chart.x_ticks = x_labels(days, lambda index: x_of_day(days[index]))
    if target is not None:
        chart.target = float(target)
        chart.target_y = y(min(float(target), top_value))
    return chart


@dataclass
class Sparkline:
    width: int
    height: int
    points: str
    last: tuple[float, float] | None
    target_y: float | None


def sparkline(points: list[tuple[date, float]], *, target=None, width=120, height=28):
    """One commune's rate over its reports, 0 to 100 %, in a table cell."""
    pad = 3

    def y(percent: float) -> float:
        return round(height - pad - (height - 2 * pad) * min(percent, 100) / 100, 1)

    if not points:
        return Sparkline(width, height, "", None, None)
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    xy = [
        (
            round(
                pad + (width - 2 * pad) * ((day - first).days / span if last != first else 1), 1
            ),
            y(percent),
        )
        for day, percent in points
    ]
    return Sparkline(
        width,
        height,
        " ".join(f"{x},{y_}" for x, y_ in xy),
        xy[-1],
        y(float(target)) if target is not None else None,
    )


def bar_width(value: int, largest: int, *, width: int = 160) -> float:
    """The length of a bar in a table row, beside its number."""
    if not largest:
        return 0
    return round(width * value / largest, 1)
