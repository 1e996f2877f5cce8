"""Kaplan–Meier estimation and exact percentiles from aggregated rows, in one streaming pass.

The database groups requests by (time, outcome) and counts them; these functions read those
few aggregated rows in time order, never the requests themselves.

Conventions (those of lifelines and scipy.stats.ecdf): a request censored on day t is still at
risk on day t; the median is the first time the survival falls to 0.5 or below; confidence
intervals are pointwise, Greenwood's variance on the log(-log S) scale ("log-log").
"""

import bisect
import itertools
import math
from collections.abc import Iterable, Sequence
from statistics import NormalDist
from typing import NamedTuple

Z_95 = NormalDist().inv_cdf(0.975)


class SurvivalPoint(NamedTuple):
    """One distinct time of the curve. A named tuple: a curve has a point per distinct day, tens of
    thousands over all groups, and a frozen dataclass is much slower to make."""

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
    lower, upper = _log_log(survival, greenwood, z)
    for time, events, censored in rows:
        if events:  # a time with censoring only leaves the estimate and its interval as they were
            survival *= 1 - events / at_risk
            greenwood = greenwood + events / (at_risk * (at_risk - events)) if at_risk > events else math.inf
            lower, upper = _log_log(survival, greenwood, z)
        points.append(SurvivalPoint(time, at_risk, events, censored, survival, lower, upper))
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


def quantiles(histogram: Sequence[tuple[int, int]], qs: Sequence[float]) -> list[float | None]:
    """The q-quantiles, linearly interpolated as numpy's default and PostgreSQL's percentile_cont,
    of values given as (value, count) pairs in ascending order (the counts summed once for all)."""
    values = [value for value, _count in histogram]
    ends = list(itertools.accumulate(count for _value, count in histogram))
    total = ends[-1] if ends else 0
    if total == 0:
        return [None] * len(qs)

    def value_at(index: int) -> int:
        return values[bisect.bisect_right(ends, index)]

    found: list[float | None] = []
    for q in qs:
        position = (total - 1) * q
        low_index = math.floor(position)
        low, high = value_at(low_index), value_at(min(low_index + 1, total - 1))
        found.append(low + (high - low) * (position - low_index))
    return found


def quantile(histogram: Sequence[tuple[int, int]], q: float) -> float | None:
    """One q-quantile (see `quantiles`)."""
    return quantiles(histogram, [q])[0]
