"""Charts as plain SVG geometry computed on the server: no script, no CDN, printable."""

from collections.abc import Sequence
from dataclasses import dataclass

from comity.statistics.survival import SurvivalPoint

WIDTH, BAR_HEIGHT, LABEL_WIDTH, GAP = 560, 22, 200, 6
PALETTE = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#5d4037", "#455a64"]


@dataclass
class Bar:
    label: str
    value: float
    y: float
    width: float
    colour: str
    flagged: bool = False
    # The bar's length as a share of the longest, for the charts drawn in HTML (the PDF reports).
    share: float = 0.0


@dataclass
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int


def bar_chart(items: Sequence[tuple[str, float]], flagged: set[str] | None = None) -> BarChart:
    """Horizontal bars, longest first as given; `flagged` labels are drawn in red."""
    top = max((value for _label, value in items), default=0) or 1
    inner = WIDTH - LABEL_WIDTH - 60
    bars = [
        Bar(
            label,
            value,
            i * (BAR_HEIGHT + GAP),
            inner * value / top,
            "#c62828" if flagged and label in flagged else PALETTE[0],
            bool(flagged and label in flagged),
            value / top,
        )
        for i, (label, value) in enumerate(items)
    ]
    return BarChart(bars, WIDTH, max(len(bars), 1) * (BAR_HEIGHT + GAP), LABEL_WIDTH, BAR_HEIGHT)


@dataclass
class Column:
    x: float
    y: float
    height: float
    colour: str
    series: str
    value: int


@dataclass
class ColumnChart:
    """Columns per category (e.g. year), stacked by series (e.g. direction)."""

    width: int
    height: int
    columns: list[Column]
    labels: list[tuple[float, str]]
    legend: list[tuple[str, str]]
    top: int
    column_width: float


def stacked_columns(
    categories: Sequence[str], series: Sequence[str], values: dict[tuple[str, str], int], height: int = 220
) -> ColumnChart:
    plot = height - 30
    totals = [sum(values.get((c, s), 0) for s in series) for c in categories]
    top = max(totals, default=0) or 1
    step = (WIDTH - 40) / max(len(categories), 1)
    columns, labels = [], []
    for i, category in enumerate(categories):
        base: float = plot
        x = 30 + i * step
        for j, name in enumerate(series):
            value = values.get((category, name), 0)
            bar = plot * value / top
            base -= bar
            if value:
                columns.append(Column(x, base, bar, PALETTE[j % len(PALETTE)], name, value))
        labels.append((x + step * 0.4, category))
    legend = [(name, PALETTE[j % len(PALETTE)]) for j, name in enumerate(series)]
    return ColumnChart(WIDTH, height, columns, labels, legend, top, round(step * 0.8, 1))


@dataclass
class Curve:
    label: str
    colour: str
    points: str
    median: int | None


@dataclass
class CurveChart:
    width: int
    height: int
    curves: list[Curve]
    max_days: int
    half_y: float
    top_y: float  # 100%
    bottom_y: float  # 0%
    ticks: list[tuple[float, int]]  # (x, days) marked along the time axis


def axis_step(top: float, most: int = 6) -> int:
    """A round step (1, 2 or 5 times a power of ten) that marks 0..top with at most `most` steps."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if top / (step * factor) <= most:
                return step * factor
        step *= 10


def survival_curves(
    curves: Sequence[tuple[str, Sequence[SurvivalPoint], int | None]], height: int = 240
) -> CurveChart:
    """Kaplan–Meier step curves, share of requests not yet executed against days since receipt."""
    max_days = max((p.time for _l, points, _m in curves for p in points), default=0) or 1
    left, right, top, bottom = 40, WIDTH - 10, 10, height - 30

    def x(days: float) -> float:
        return round(left + (right - left) * days / max_days, 1)

    def y(share: float) -> float:
        return round(bottom - (bottom - top) * share, 1)

    drawn = []
    for i, (label, points, median) in enumerate(curves):
        path, survival = [(x(0), y(1.0))], 1.0
        for point in points:
            path.append((x(point.time), y(survival)))
            survival = point.survival
            path.append((x(point.time), y(survival)))
        path.append((x(max_days), y(survival)))
        drawn.append(Curve(label, PALETTE[i % len(PALETTE)], " ".join(f"{a},{b}" for a, b in path), median))
    step = axis_step(max_days)
    ticks = [(x(days), days) for days in range(0, max_days + 1, step)]
    return CurveChart(WIDTH, height, drawn, max_days, y(0.5), y(1.0), y(0.0), ticks)
