"""Rambachan-Roth sensitivity (nanbei.effects.honest) against the published example of the R
package HonestDiD (README, Medicaid expansion; tests/data/honest/SOURCE.md), plus properties.

Tolerances.  Smoothness (FLCI): 1e-4, the rounding of the printed numbers (3 significant digits)
plus R's folded-normal quantile, which R simulates with 10^6 draws (computed exactly here).
Relative magnitudes (C-LF): one step of R's theta grid (40 standard errors / 999) plus the
rounding: R reports grid points, and its least-favourable critical value is simulated with R's
generator (numpy's here), which can move an end point by one grid step.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nanbei import effects
from nanbei.effects import honest

DATA = Path(__file__).parent / "data" / "honest" / "ehec_data.csv"

# README of asheshrambachan/HonestDiD (commit 02b541bb)
R_RM = pd.DataFrame(
    {
        "Mbar": [0.5, 1.0, 1.5, 2.0],
        "lb": [0.0240, 0.0170, 0.00824, -0.000916],
        "ub": [0.0672, 0.0720, 0.0797, 0.0881],
    }
)
R_SD = pd.DataFrame(
    {
        "M": [0.0, 0.01, 0.02, 0.03, 0.04, 0.05],
        "lb": [0.0259, 0.0132, 0.00286, -0.00714, -0.0171, -0.0271],
        "ub": [0.0607, 0.0787, 0.0907, 0.101, 0.111, 0.121],
    }
)


@pytest.fixture(scope="module")
def medicaid():
    df = pd.read_csv(DATA)
    df = df[(df["year"] < 2016) & (df["yexp2"].isna() | (df["yexp2"] != 2015))].copy()
    df["cohort"] = np.where(df["yexp2"] == 2014, 2014, 0)
    return effects.event_study(
        df, unit="stfips", time="year", outcome="dins", cohort="cohort", window=(-6, 1)
    )


def test_event_study_matches_the_fixest_specification(medicaid):
    # 5 pre-period coefficients (2008-2012) and 2 post (2014, 2015), reference 2013
    assert list(medicaid.vcov.index) == [-6, -5, -4, -3, -2, 0, 1]
    assert medicaid.coefficients.loc[0, "estimate"] == pytest.approx(0.0464, abs=5e-4)


def test_relative_magnitudes_reproduce_the_r_readme(medicaid):
    res = effects.honest_did_event_study(
        medicaid, restriction="relative_magnitude", M=R_RM["Mbar"], breakdown=False
    )
    step = 40 * res.std_error / 999
    tol = step + 5e-5
    assert np.abs(res.table["lb"].to_numpy() - R_RM["lb"].to_numpy()).max() <= tol
    assert np.abs(res.table["ub"].to_numpy() - R_RM["ub"].to_numpy()).max() <= tol
    assert (res.table["method"] == "C-LF").all()


def test_smoothness_reproduces_the_r_readme(medicaid):
    res = effects.honest_did_event_study(
        medicaid, restriction="smoothness", M=R_SD["M"], breakdown=False
    )
    assert np.abs(res.table["lb"].to_numpy() - R_SD["lb"].to_numpy()).max() <= 1e-4
    assert np.abs(res.table["ub"].to_numpy() - R_SD["ub"].to_numpy()).max() <= 1e-3  # 3 digits
    assert (res.table["method"] == "FLCI").all()


def test_breakdown_values_agree_with_the_readme(medicaid):
    rm = effects.honest_did_event_study(medicaid, restriction="relative_magnitude", M=[1.0])
    sd = effects.honest_did_event_study(medicaid, restriction="smoothness", M=[0.0])
    # README: significant up to Mbar ~ 2 (lb 0.00824 at 1.5, -0.000916 at 2) and M between 0.02
    # (lb 0.00286) and 0.03 (lb -0.00714)
    assert 1.5 < rm.breakdown < 2.0
    assert 0.02 < sd.breakdown < 0.03
    assert not rm.breakdown_censored and not sd.breakdown_censored


def test_original_interval_is_the_normal_one(medicaid):
    res = effects.honest_did_event_study(medicaid, M=[0.0], breakdown=False)
    b = medicaid.coefficients.loc[0]
    assert res.estimate == pytest.approx(b["estimate"])
    assert res.original[0] == pytest.approx(b["estimate"] - 1.959964 * b["se"], rel=1e-5)


def test_intervals_widen_with_the_restriction(medicaid):
    res = effects.honest_did_event_study(medicaid, M=np.linspace(0, 2, 5), breakdown=False)
    width = res.table["ub"] - res.table["lb"]
    assert (np.diff(width.to_numpy()) >= -1e-12).all()


def test_dual_vertices_give_the_lp_value():
    from scipy.optimize import linprog

    rng = np.random.default_rng(3)
    sd = rng.uniform(0.5, 2, 6)
    X = rng.normal(size=(6, 2))
    lp = honest._DualVertexLP(sd, X)
    Y = rng.normal(size=(40, 6))
    eta, _ = lp.solve(Y)
    for y, e in zip(Y, eta, strict=True):
        res = linprog(
            [1, 0, 0],
            A_ub=-np.column_stack([sd, X]),
            b_ub=-y,
            bounds=[(None, None)] * 3,
            method="highs",
        )
        assert e == pytest.approx(res.fun, abs=1e-9)


def test_folded_normal_quantile():
    assert honest._folded_normal_quantile(0.95, 0.0) == pytest.approx(1.959964, abs=1e-6)
    draws = np.abs(np.random.default_rng(0).normal(1.5, 1, 400_000))
    assert honest._folded_normal_quantile(0.9, 1.5) == pytest.approx(
        np.quantile(draws, 0.9), abs=5e-3
    )


def test_result_surface_and_errors(medicaid):
    res = effects.honest_did_event_study(medicaid, M=[0.0, 1.0], breakdown=False)
    assert {"term", "estimate", "conf_low", "conf_high"} <= set(res.tidy().columns)
    assert "HonestDiD" in str(res.summary())
    import matplotlib

    matplotlib.use("Agg")
    res.plot()
    with pytest.raises(ValueError, match="restriction"):
        effects.honest_did([0, 0, 1], np.eye(3), 2, 1, restriction="linear")
    with pytest.raises(ValueError, match="n_pre"):
        effects.honest_did([0, 1], np.eye(3), 1, 1)
    with pytest.raises(ValueError, match="two pre-period"):
        effects.honest_did([0, 1], np.eye(2), 1, 1)
