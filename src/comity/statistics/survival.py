"""Kaplan–Meier estimation and exact percentiles from aggregated rows, in one streaming pass.

The database groups requests by (time, outcome) and counts them; these functions read those
few aggregated rows in time order, never the requests themselves.

Conventions (those of lifelines and scipy.stats.ecdf): a request censored on day t is still at
risk on day t; the median is the first time the survival falls to 0.5 or below; confidence
intervals are pointwise, Greenwood's variance on the log(-log S) scale ("log-log").
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

Z_95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class SurvivalPoint:
    time: int
    at_risk: int
    events: int
    censored: int
    survival: float
    lower: float | None
    upper: float | None


def kaplan_meier(rows: Iterable[tuple[int, int, int]], total: int, z: float = Z_95) -> list[SurvivalPoint]:
    """`rows`: (time, events, censored) for each distinct time, ascending; `total`: subjects."""
    points = []
    at_risk, survival, greenwood = total, 1.0, 0.0
    for time, events, censored in rows:
        if events:
            survival *= 1 - events / at_risk
            greenwood = greenwood + events / (at_risk * (at_risk - events)) if at_risk > events else math.inf
        points.append(
            SurvivalPoint(time, at_risk, events, censored, survival, *_log_log(survival, greenwood, z))
        )
        at_risk -= events + censored
    return points


def _log_log(survival: float, greenwood: float, z: float) -> tuple[float | None, float | None]:
    if survival >= 1.0:
        return 1.0, 1.0
    if survival <= 0.0 or math.isinf(greenwood):
        return None, None
    spread = z * math.sqrt(greenwood) / abs(math.log(survival))
    return survival ** math.exp(spread), survival ** math.exp(-spread)


def median_time(points: Sequence[SurvivalPoint], curve: str = "survival") -> int | None:
    """The first time `curve` (survival, lower or upper) is at or below 0.5; None if never."""
    for point in points:
        value = getattr(point, curve)
        if value is not None and value <= 0.5:
            return point.time
    return None


def _value_at(histogram: Sequence[tuple[int, int]], index: int) -> int:
    seen = 0
    for value, count in histogram:
        seen += count
        if index < seen:
            return value
    raise IndexError(index)


def quantile(histogram: Sequence[tuple[int, int]], q: float) -> float | None:
    """The q-quantile, linearly interpolated as numpy's default and PostgreSQL's percentile_cont,
    of values given as (value, count) pairs in ascending order."""
    total = sum(count for _value, count in histogram)
    if total == 0:
        return None
    position = (total - 1) * q
    low_index = math.floor(position)
    low = _value_at(histogram, low_index)
    high = _value_at(histogram, min(low_index + 1, total - 1))
    return low + (high - low) * (position - low_index)
