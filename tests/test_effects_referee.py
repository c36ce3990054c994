"""Callaway-Sant'Anna randomization inference and pre-test, synthetic-control guards against
degenerate designs (short pre-period, near-exact fits)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from nanbei import effects
from nanbei.effects.did import _CSAggregate, simulate_staggered_panel

KW = dict(unit="unit", time="time", outcome="y", cohort="cohort")


@pytest.fixture(scope="module")
def panel():
    return simulate_staggered_panel(40, 8, cohorts=[4, 6], never_share=0.7, effect=0.5, seed=3)


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_vectorised_aggregate_equals_refits(panel, control):
    cs = effects.staggered_did(panel, **KW, control=control)
    d = cs._data
    ca = _CSAggregate(d["times"], d["G"], control, "varying", "dr", None)
    rng = np.random.default_rng(0)
    rows = np.vstack([d["G"], *[rng.permutation(d["G"]) for _ in range(4)]])
    stats_ = ca.stat(d["Y"], rows)
    assert stats_[0] == pytest.approx(cs.aggregate("simple").att, abs=1e-12)
    units = cs.units
    for row, value in zip(rows[1:], stats_[1:], strict=True):
        perm = panel.assign(cohort=panel["unit"].map(dict(zip(units, row, strict=True))))
        ref = effects.staggered_did(perm, **KW, control=control).aggregate("simple").att
        assert value == pytest.approx(ref, abs=1e-10)


def test_randomization_exact_enumeration_by_brute_force():
    small = simulate_staggered_panel(7, 6, cohorts=[3, 5], never_share=0.6, effect=1.0, seed=1)
    cs = effects.staggered_did(small, **KW)
    ri = cs.randomization(n_perm=9999)
    assert ri.exact
    import itertools

    G = cs._data["G"]
    seen = set()
    hits = 0
    for perm in itertools.permutations(G):
        if perm in seen:
            continue
        seen.add(perm)
        p = small.assign(cohort=small["unit"].map(dict(zip(cs.units, perm, strict=True))))
        att = effects.staggered_did(p, **KW).aggregate("simple").att
        hits += abs(att) >= abs(ri.observed) - 1e-9 * max(1, abs(ri.observed))
    assert ri.n_assignments == len(seen)
    assert ri.p_value == pytest.approx(hits / len(seen))


def test_randomization_test_inversion_is_exact(panel):
    cs = effects.staggered_did(panel, **KW)
    ri = cs.randomization(n_perm=199, seed=4)
    tau = 0.3
    shifted = panel.assign(
        y=panel["y"] - tau * ((panel["cohort"] > 0) & (panel["time"] >= panel["cohort"]))
    )
    ri2 = effects.staggered_did(shifted, **KW).randomization(n_perm=199, seed=4)
    assert ri.p_value_at(tau) == pytest.approx(ri2.p_value)
    lo, hi = ri.ci
    assert lo < ri.estimate < hi
    assert ri.p_value_at(lo - 0.05) <= 0.05 + 1e-12 or not np.isfinite(lo)


def test_randomization_p_is_roughly_uniform_without_effect():
    p = []
    for seed in range(60):
        d = simulate_staggered_panel(30, 6, cohorts=[3, 5], never_share=0.8, effect=0.0, seed=seed)
        p.append(effects.staggered_did(d, **KW).randomization(n_perm=99, seed=seed).p_value)
    p = np.asarray(p)
    assert np.mean(p <= 0.05) <= 0.15 and 0.3 <= np.mean(p <= 0.5) <= 0.7


def test_randomization_with_covariates_runs(panel):
    cs = effects.staggered_did(panel, **KW, covariates="x")
    ri = cs.randomization(n_perm=99, seed=1)
    assert ri.observed == pytest.approx(cs.aggregate("simple").att)
    with pytest.raises(ValueError, match="simple"):
        cs.randomization("dynamic")


def exact_fit_panel(T=14, T0=4, J=12, seed=0):
    rng = np.random.default_rng(seed)
    Y = np.cumsum(rng.normal(size=(T, J)), axis=0) + 10
    w = rng.dirichlet(np.ones(J))
    treated = Y @ w
    treated[T0:] += 1.0
    units = ["T", *[f"d{j}" for j in range(J)]]
    data = np.column_stack([treated, Y])
    return pd.DataFrame(
        {"unit": np.repeat(units, T), "time": np.tile(np.arange(T), J + 1), "y": data.T.ravel()}
    )


def test_short_pre_period_warns_and_exact_fit_caps_the_ratio():
    df = exact_fit_panel()
    with pytest.warns(UserWarning, match="pre-treatment periods for 12 donors"):
        sc = effects.synthetic_control(
            df, unit="unit", time="time", outcome="y", treated="T", treatment_time=4
        )
    assert sc.short_pre_period
    assert sc.pre_rmspe < sc.rmspe_floor
    assert sc.ratio_capped
    assert sc.post_pre_ratio < 1e5  # floored, never 1e14
    assert np.isfinite(sc.post_pre_ratio)
    text = effects.prose.ratio_phrase(sc)
    assert "not meaningful" in text
    pl = sc.placebo_space()
    assert np.isfinite(pl.ratio).all() and pl.ratio.max() < 1e6
    assert pl.floored["T"]


def test_long_pre_period_does_not_warn():
    df = exact_fit_panel(T=30, T0=20, J=5, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sc = effects.synthetic_control(
            df, unit="unit", time="time", outcome="y", treated="T", treatment_time=20
        )
    assert not sc.short_pre_period
