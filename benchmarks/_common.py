"""What the benchmark scripts share: timing, recording, the result folder and common inputs.

Every ``bench_*.py`` reports each of its timings with :func:`record`: the task's name, the
seconds nanbei took, the seconds the reference implementation or baseline took *in the same
run*, and the baseline's name.  Run alone, a script prints the record; run by ``run_all.py``
(``make bench``), the records go to the file named by the ``NANBEI_BENCH_RECORD`` environment
variable, and the runner prints one table comparing each ratio with the previous run's.
Ratios, not seconds, are what is comparable across machines.

A timing without a reference package (Phillips-Sul clubs, the panel beta, HonestDiD bounds when
the port is not installed) is recorded against :func:`calibration`, a fixed numpy and Python
workload timed in the same process, so that its ratio, too, means the same on any machine.

The inputs more than one script uses also live here: the wild bootstrap reference
(``wildboottest``), the simulated all-China-sized DiD panel, the shipped all-China TWFE panel
and notebook 02's Subei DiD sample.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Environment variable naming the JSON-lines file that :func:`record` appends to.
RECORD_ENV = "NANBEI_BENCH_RECORD"
#: Name under which :func:`calibration` is recorded as a baseline.
CALIBRATION = "calibration (fixed numpy + Python workload)"

_calibration_seconds: float | None = None


def results_dir() -> Path:
    """``benchmarks/results/`` (created if missing): each script's detailed CSV output."""
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    return out


def timed(fn: Callable[[], Any], repeat: int = 3, *, stat: str = "median") -> tuple[float, Any]:
    """Seconds taken by ``fn()`` over ``repeat`` calls, and the last call's result.

    ``stat="median"`` resists a busy machine; ``"min"`` (the best of ``repeat``) is the
    time the code needs when nothing else runs.
    """
    if stat not in ("median", "min"):
        raise ValueError(f"timed: stat must be 'median' or 'min', got {stat!r}")
    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"timed: repeat must be a positive integer, got {repeat!r}")
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return (statistics.median(times) if stat == "median" else min(times)), out


def _workload() -> float:
    # Both kinds of work the estimators do: dense linear algebra and interpreted loops.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3000, 40))
    y = x @ np.arange(40.0) + rng.normal(size=3000)
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    acc = 0.0
    for i in range(150_000):
        acc += (i % 7) * 0.5
    return float(beta[0]) + acc


def calibration() -> float:
    """Seconds of a fixed numpy and Python workload (best of 5, measured once per process)."""
    global _calibration_seconds
    if _calibration_seconds is None:
        _workload()  # warm-up: BLAS threads, caches
        _calibration_seconds, _ = timed(_workload, 5, stat="min")
    return _calibration_seconds


def record(
    name: str,
    nanbei_s: float,
    baseline_s: float | None,
    baseline: str,
    *,
    agree: bool | None = None,
) -> dict:
    """Report one timing: task ``name``, nanbei's seconds, the baseline's seconds (measured in
    the same run; None or NaN if it could not run) and the baseline's name.

    ``agree`` says whether nanbei's numbers matched the reference's (None: not checked).
    The ratio is ``baseline_s / nanbei_s`` (above 1: nanbei is faster).  Returns the record;
    appends it to the file named by ``NANBEI_BENCH_RECORD`` when that is set.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"record: name must be a non-empty string, got {name!r}")
    if not isinstance(baseline, str) or not baseline.strip():
        raise ValueError(f"record: baseline must name the baseline, got {baseline!r}")
    nanbei_s = float(nanbei_s)
    if not (math.isfinite(nanbei_s) and nanbei_s > 0):
        raise ValueError(f"record: nanbei_s of {name!r} must be positive seconds, got {nanbei_s}")
    base = math.nan if baseline_s is None else float(baseline_s)
    if not (math.isnan(base) or base > 0):
        raise ValueError(f"record: baseline_s of {name!r} must be positive seconds, got {base}")
    entry = {
        "task": name,
        "nanbei_s": nanbei_s,
        "baseline": baseline,
        "baseline_s": None if math.isnan(base) else base,
        "ratio": None if math.isnan(base) else base / nanbei_s,
        "agree": None if agree is None else bool(agree),  # numpy bools are not JSON
    }
    path = os.environ.get(RECORD_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")
    else:
        ratio = "n/a" if entry["ratio"] is None else f"{entry['ratio']:.3g}x"
        print(f"[record] {name}: nanbei {nanbei_s:.4g} s, {baseline} {base:.4g} s, ratio {ratio}")
    return entry


def record_calibrated(name: str, nanbei_s: float, *, agree: bool | None = None) -> dict:
    """:func:`record` against :func:`calibration`, for a timing without a reference package."""
    return record(name, nanbei_s, calibration(), CALIBRATION, agree=agree)


# --------------------------------------------------------------------------- common inputs


def wildboottest_wcr(
    X: np.ndarray,
    Y: np.ndarray,
    cluster: np.ndarray,
    *,
    B: int,
    seed: int,
    weights: str = "rademacher",
    parallel: bool = True,
) -> tuple[float, Any]:
    """The reference wild cluster bootstrap: ``wildboottest``'s WCR-11 test of the first column
    of ``X`` (two-tailed), ``B`` draws.  Returns its seconds and the fitted object (``pvalue``,
    ``t_boot``, ``v``, ``ssc``)."""
    from wildboottest.wildboottest import WildboottestCL

    R = np.zeros(X.shape[1])
    R[0] = 1.0
    t0 = time.perf_counter()
    wb = WildboottestCL(X=X, Y=Y, cluster=cluster, R=R, B=B, seed=seed, parallel=parallel)
    wb.get_scores(bootstrap_type="11", impose_null=True)
    wb.get_weights(weights_type=weights)
    wb.get_numer()
    wb.get_denom()
    wb.get_tboot()
    wb.get_vcov()
    wb.get_tstat()
    wb.get_pvalue(pval_type="two-tailed")
    return time.perf_counter() - t0, wb


def dummies_design(df: pd.DataFrame, regressor: np.ndarray, fe: list[str]) -> np.ndarray:
    """``[regressor, 1, dummies of fe (first level of each dropped)]``: the full model whose
    bootstrap nanbei's absorbed-FE algorithm reproduces exactly."""
    dummies = pd.get_dummies(df[fe].astype(str), drop_first=True, dtype=float)
    return np.column_stack([regressor, np.ones(len(df)), dummies.to_numpy()])


def simulated_did_panel(
    seed: int = 20261126, n_city: int = 290, n_year: int = 30, n_prov: int = 31
) -> pd.DataFrame:
    """A seeded all-China-sized city panel (290 cities x 30 years in 31 provinces) with a
    staggered treatment of effect 0.04: columns city, year, province, treat, y."""
    rng = np.random.default_rng(seed)
    city = np.repeat(np.arange(n_city), n_year)
    year = np.tile(np.arange(1991, 1991 + n_year), n_city)
    prov_of_city = np.sort(rng.integers(0, n_prov, n_city))
    prov_of_city[:n_prov] = np.arange(n_prov)  # every province has at least one city
    province = prov_of_city[city]
    # staggered adoption: a third of the cities adopt in 2003, 2008 or 2013
    cohort = rng.choice([0, 2003, 2008, 2013], size=n_city, p=[2 / 3, 1 / 9, 1 / 9, 1 / 9])
    treat = ((cohort[city] > 0) & (year >= cohort[city])).astype(float)
    e = np.zeros((n_city, n_year))
    e[:, 0] = rng.normal(size=n_city)
    for t in range(1, n_year):
        e[:, t] = 0.6 * e[:, t - 1] + rng.normal(size=n_city) * 0.8
    prov_shock = rng.normal(size=(n_prov, n_year)) * 0.5
    y = (
        rng.normal(size=n_city)[city] * 2
        + 0.03 * (year - 1991)
        + 0.04 * treat
        + e.ravel() * 0.3
        + prov_shock[province, year - 1991] * 0.3
    )
    return pd.DataFrame({"city": city, "year": year, "province": province, "treat": treat, "y": y})


def china_did_panel() -> pd.DataFrame:
    """The shipped all-China prefecture panel as a DiD sample: log real GDP per capita
    (registered basis) of the cities with a complete, break-free 2001-2021 series, treated =
    Subei cities from 2006.  Columns as :func:`simulated_did_panel`."""
    from nanbei import data

    sample, _ = data.analysis_panel(
        data.load_city_panel("china"), "log_gdp_pc", start=2001, end=2021
    )
    treat = ((sample["region"] == "Subei") & (sample["year"] >= 2006)).astype(float)
    return pd.DataFrame(
        {
            "city": sample["city_code"],
            "year": sample["year"],
            "province": sample["province_code"],
            "treat": treat,
            "y": sample["y"],
        }
    )


def subei_did() -> pd.DataFrame:
    """Notebook 02's default simple DiD sample: log real GDP per capita (registered basis) of
    Subei's cities and the comparison cities of Shandong, Anhui, Zhejiang and Henan with a
    complete, break-free 2001-2018 series, those touched by a competing policy left out (rule
    "similar"); ``cohort`` is 2006 for Subei, 0 otherwise."""
    from nanbei import data, effects

    china = data.load_city_panel("china")
    subei = set(china.loc[china["region"] == "Subei", "city_code"])
    provinces = ["Shandong", "Anhui", "Zhejiang", "Henan"]
    units = set(china.loc[china["province_en"].isin(provinces), "city_code"]) | subei
    sample, _ = data.analysis_panel(china, "log_gdp_pc", start=2001, end=2018, units=units)
    donors, _ = effects.donor_pool(set(sample["city_code"]) - subei, "similar", 2001, 2018)
    sample = sample[sample["city_code"].isin(set(donors) | subei)]
    return sample.assign(cohort=np.where(sample["city_code"].isin(subei), 2006, 0))
