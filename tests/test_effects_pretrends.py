"""Joint pre-trend tests: the Wald statistic against pyfixest's Wald test on the same dummies, the
wild cluster bootstrap draws against explicit refits with every fixed effect as a dummy, the
Callaway-Sant'Anna pre-test against the published R did value, and size under parallel trends."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nanbei import effects
from nanbei.fixed_effects import cr1_factor


def simulate(seed=0, n=24, n_treated=6, T=10, t0=7, trend=0.0):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n), T)
    time = np.tile(np.arange(T), n)
    tr = np.repeat(np.arange(n) < n_treated, T)
    y = rng.normal(size=n)[unit] + 0.2 * time + trend * tr * time + rng.normal(size=n * T)
    return pd.DataFrame({"unit": unit, "time": time, "y": y, "cohort": np.where(tr, t0, 0)})


KW = dict(unit="unit", time="time", outcome="y", cohort="cohort", window=(-5, 2))


def dummies(df):
    rel = np.where(df["cohort"] > 0, np.clip(df["time"] - df["cohort"], -5, 2), np.nan)
    names = [e for e in range(-5, 3) if e != -1]
    return np.column_stack([(rel == e).astype(float) for e in names]), names


def test_wald_matches_pyfixest():
    pf = pytest.importorskip("pyfixest")
    df = simulate(1, trend=0.1)
    X, names = dummies(df)
    d = df.copy()
    cols = [f"d{i}" for i in range(len(names))]
    d[cols] = X
    fit = pf.feols(f"y ~ {' + '.join(cols)} | unit + time", data=d, vcov={"CRV1": "unit"})
    pre = [cols[i] for i, e in enumerate(names) if e < -1]
    b = fit.coef()[pre].to_numpy()
    V = fit._vcov[np.ix_([cols.index(c) for c in pre], [cols.index(c) for c in pre])]
    wald = float(b @ np.linalg.solve(V, b))
    ours = effects.pretrend_test(df, **KW, bootstrap=False)
    assert ours.statistic == pytest.approx(wald, rel=1e-8)
    es = effects.event_study(
        df, unit="unit", time="time", outcome="y", cohort="cohort", window=(-5, 2)
    )
    assert effects.wald_pretest(es).statistic == pytest.approx(wald, rel=1e-8)


def test_bootstrap_draws_equal_explicit_refits():
    """For given cluster weights, refit the full model with unit and time dummies on
    y* = fitted(restricted) + u_r * v and compute the CR1 Wald statistic by brute force."""
    df = simulate(2, n=10, n_treated=3)
    X, names = dummies(df)
    pre = [i for i, e in enumerate(names) if e < -1]
    post = [i for i, e in enumerate(names) if e >= 0]
    D = pd.get_dummies(df[["unit", "time"]].astype(str), drop_first=True, dtype=float).to_numpy()
    base = np.column_stack([np.ones(len(df)), D])
    Xr = np.column_stack([X[:, post], base])
    y = df["y"].to_numpy()
    br = np.linalg.lstsq(Xr, y, rcond=None)[0]
    fitted, ur = Xr @ br, y - Xr @ br
    Xf = np.column_stack([X, base])
    units = df["unit"].to_numpy()
    rng = np.random.default_rng(0)
    V = rng.choice([-1.0, 1.0], size=(5, 10))
    res = effects.pretrend_test(df, **KW, weights=V)
    k = X.shape[1]
    n_par = k + df["time"].nunique()  # unit effects nested in the clusters (fixest convention)
    ssc = cr1_factor(10, len(df), n_par)
    for b, v in enumerate(V):
        ys = fitted + ur * v[units]
        coef, *_ = np.linalg.lstsq(Xf, ys, rcond=None)
        e = ys - Xf @ coef
        bread = np.linalg.pinv(Xf.T @ Xf)
        S = np.vstack([Xf[units == g].T @ e[units == g] for g in range(10)])
        Vc = ssc * bread @ S.T @ S @ bread
        w = coef[pre] @ np.linalg.solve(Vc[np.ix_(pre, pre)], coef[pre])
        assert res.boot_statistics[b] == pytest.approx(w, rel=1e-6)


def test_size_under_parallel_trends_and_power_with_a_trend():
    p = [
        effects.pretrend_test(simulate(s), **KW, n_boot=199, seed=s).p_value_bootstrap
        for s in range(60)
    ]
    assert np.mean(np.asarray(p) <= 0.05) <= 0.15
    assert np.mean(np.asarray(p) <= 0.5) > 0.3
    strong = effects.pretrend_test(simulate(3, trend=0.6), **KW, n_boot=199)
    assert strong.rejects


def test_callaway_santanna_pretest_matches_r_did():
    # R did README / vignette, att_gt on mpdta without covariates, never-treated controls:
    # "P-value for pre-test of parallel trends assumption: 0.16812"
    d = pd.read_csv(Path(__file__).parent / "data" / "did" / "mpdta.csv")
    cs = effects.staggered_did(
        d, unit="countyreal", time="year", outcome="lemp", cohort="first.treat"
    )
    t = cs.pretest()
    assert t.p_value == pytest.approx(0.16812, abs=5e-6)
    assert t.df == 5


def test_surface_and_errors():
    res = effects.pretrend_test(simulate(4), **KW, n_boot=199)
    assert len(res.tidy()) == 3
    assert "pre-trend" in str(res.summary())
    import matplotlib

    matplotlib.use("Agg")
    res.plot()
    with pytest.raises(ValueError, match="window must satisfy"):
        effects.pretrend_test(simulate(4), **{**KW, "window": (-1, 2)})
