"""Kaplan–Meier and percentiles against independent implementations (scipy, numpy) to 1e-9."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import CensoredData, ecdf

from comity.statistics.survival import kaplan_meier, median_time, quantile, quantiles

# scipy warns where the log-log interval is undefined (survival 0 or 1); we return None there.
pytestmark = pytest.mark.filterwarnings("ignore:The confidence interval is undefined")


def aggregate(events: list[int], censored: list[int]) -> list[tuple[int, int, int]]:
    times = sorted(set(events) | set(censored))
    return [(t, events.count(t), censored.count(t)) for t in times]


def compare(events: list[int], censored: list[int]) -> None:
    points = kaplan_meier(aggregate(events, censored), len(events) + len(censored))
    result = ecdf(CensoredData(uncensored=events, right=censored))
    assert [p.time for p in points] == list(result.sf.quantiles)
    np.testing.assert_allclose([p.survival for p in points], result.sf.probabilities, rtol=0, atol=1e-9)
    interval = result.sf.confidence_interval(0.95, method="log-log")
    for point, low, high in zip(points, interval.low.probabilities, interval.high.probabilities, strict=True):
        if point.lower is None:  # survival reached 0: the interval is undefined
            assert point.survival == pytest.approx(0, abs=1e-12)
            continue
        if point.survival < 1:
            assert point.lower == pytest.approx(low, abs=1e-9)
            assert point.upper == pytest.approx(high, abs=1e-9)


def test_ties_and_censoring_on_the_day_of_an_event():
    compare(events=[1, 2, 2, 3, 5, 5, 9], censored=[2, 4, 5, 5, 9, 12])


def test_all_events_and_all_censored():
    compare(events=[3, 3, 7, 10], censored=[])
    points = kaplan_meier(aggregate([], [4, 8]), 2)
    assert [p.survival for p in points] == [1.0, 1.0] and median_time(points) is None


def test_median_and_its_interval():
    events, censored = [30, 60, 60, 90, 120, 150, 200, 200, 365], [45, 100, 400, 400]
    points = kaplan_meier(aggregate(events, censored), len(events) + len(censored))
    result = ecdf(CensoredData(uncensored=events, right=censored))
    sf = result.sf
    expected = min(t for t, s in zip(sf.quantiles, sf.probabilities, strict=True) if s <= 0.5)
    assert median_time(points) == expected
    assert median_time(points, "lower") <= median_time(points) <= (median_time(points, "upper") or 10**9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.booleans()), min_size=1, max_size=80))
def test_random_samples_agree_with_scipy(sample):
    events = [t for t, event in sample if event]
    censored = [t for t, event in sample if not event]
    if not events:
        return  # scipy needs one event; covered by test_all_events_and_all_censored
    compare(events, censored)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 500), min_size=1, max_size=100), st.sampled_from([0.25, 0.5, 0.75, 0.9, 0, 1]))
def test_quantiles_equal_numpy(values, q):
    histogram = sorted({v: values.count(v) for v in values}.items())
    assert quantile(histogram, q) == pytest.approx(float(np.quantile(values, q)), abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 500), min_size=1, max_size=100), st.sets(st.integers(0, 500), max_size=5))
def test_several_quantiles_at_once_equal_numpy_and_skip_empty_values(values, empty):
    # Values counted zero times (as a group's days with no execution can be) take no rank.
    counts = dict.fromkeys(empty, 0) | {v: values.count(v) for v in values}
    qs = [0.5, 0.25, 0.75, 0.9, 0, 1]
    expected = [float(np.quantile(values, q)) for q in qs]
    assert quantiles(sorted(counts.items()), qs) == pytest.approx(expected, abs=1e-9)


def test_quantile_of_nothing():
    assert quantile([], 0.5) is None
    assert quantiles([(3, 0)], [0.5, 0.9]) == [None, None]
