"""The benchmark runner's interval for a median ratio holds what it says.

``benchmarks/run.py`` states whether a target holds "with confidence" from this
interval; a wrong order statistic would make that claim by mistake. Its coverage is
computed exactly here (the chance that the true median lies outside is a binomial tail),
not sampled.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def run():
    sys.path.insert(0, str(RUNNER.parent))  # the runner imports its neighbour generate.py
    try:
        spec = importlib.util.spec_from_file_location("benchmark_run", RUNNER)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("benchmark_run", None)
        sys.path.remove(str(RUNNER.parent))


def _coverage(count: int, k: int) -> float:
    """The chance that [k-th smallest, k-th largest] of ``count`` values holds their
    distribution's median: one minus both binomial tails."""
    tail = sum(math.comb(count, below) for below in range(k)) / 2**count
    return 1 - 2 * tail


@pytest.mark.parametrize("count", range(6, 61))
def test_the_interval_is_the_narrowest_that_holds_the_median_at_95_percent(run, count):
    values = [float(index) for index in range(count)]  # the k-th smallest is k - 1
    low, high = run.median_interval(values)
    k = int(low) + 1
    assert high == count - k  # as far from the top as from the bottom
    assert _coverage(count, k) >= 0.95
    assert _coverage(count, k + 1) < 0.95  # one step narrower would not hold


@pytest.mark.parametrize("count", range(1, 6))
def test_too_few_repetitions_give_no_interval(run, count):
    assert run.median_interval([1.0] * count) is None


def test_the_interval_does_not_depend_on_the_order_of_the_values(run):
    values = [1.31, 1.02, 1.18, 1.25, 1.09, 1.40, 1.12, 1.15]
    assert run.median_interval(values) == run.median_interval(sorted(values, reverse=True))
    assert run.median_interval(values) == (1.02, 1.40)  # n = 8: only min-max reaches 95 %
