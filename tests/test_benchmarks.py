"""The benchmark runner's comparison (benchmarks/run_all.py): slowdowns are flagged and cannot be
hidden by running again.  Timings themselves are never tested (they depend on the machine)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def run_all():
    sys.path.insert(0, str(BENCH))  # the scripts import their sibling _common, as when run alone
    try:
        spec = importlib.util.spec_from_file_location("nanbei_bench_run_all", BENCH / "run_all.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCH))


def _history(ratio_before: float) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "benchmark": "bench_x",
                "task": "fit",
                "baseline": "ref",
                "nanbei_s": 1.0,
                "baseline_s": ratio_before,
                "ratio": ratio_before,
                "recorded": "2026-01-01",
                "commit": "abc",
                "machine": "m",
            }
        ]
    )


def _records(ratio_now: float, agree=True) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "benchmark": "bench_x",
                "task": "fit",
                "baseline": "ref",
                "nanbei_s": 1.0,
                "baseline_s": ratio_now,
                "ratio": ratio_now,
                "agree": agree,
            }
        ]
    )


@pytest.mark.parametrize(
    ("before", "now", "status"),
    [(10.0, 7.0, "SLOWER"), (10.0, 9.0, "same"), (10.0, 13.0, "faster"), (10.0, 12.4, "same")],
)
def test_a_ratio_change_beyond_the_threshold_is_flagged(run_all, before, now, status):
    table = run_all.compare(_records(now), _history(before), threshold=0.25)
    assert table.loc[0, "status"] == status
    assert math.isclose(table.loc[0, "change"], now / before)


def test_a_new_timing_and_a_changed_baseline_have_no_before(run_all):
    empty = _history(10.0).iloc[0:0]
    assert run_all.compare(_records(5.0), empty).loc[0, "status"] == "new"
    other = _history(10.0).assign(baseline="another reference")
    table = run_all.compare(_records(5.0), other)
    assert table.loc[0, "status"] == "new baseline" and math.isnan(table.loc[0, "ratio_before"])


def test_disagreement_with_the_reference_is_reported_first(run_all):
    table = run_all.compare(_records(10.0, agree=False), _history(10.0))
    assert table.loc[0, "status"].startswith("DISAGREES")


def test_a_slower_ratio_does_not_replace_the_reference_unless_accepted(run_all):
    history = _history(10.0)
    table = run_all.compare(_records(5.0), history)
    stamp = {"recorded": "2026-12-01", "commit": "def", "machine": "m"}
    kept = run_all.updated_history(history, table, accept=False, stamp=stamp)
    assert kept.loc[0, "ratio"] == 10.0  # a second run is compared with the old ratio again
    accepted = run_all.updated_history(history, table, accept=True, stamp=stamp)
    assert accepted.loc[0, "ratio"] == 5.0


def test_a_bad_threshold_is_refused(run_all):
    with pytest.raises(ValueError, match="threshold"):
        run_all.compare(_records(5.0), _history(10.0), threshold=25)
