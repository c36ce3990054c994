"""Tests for nanbei.effects.event_study.

Independent references:

* ``pyfixest.feols`` with the same binned event-time dummies and unit + period
  fixed effects (coefficients, CR1 clustered standard errors, p-values, CIs),
  on balanced and unbalanced panels and with coarser clusters;
* for ``estimator="sunab"``: a hand-built saturated cohort x event-time
  regression in ``pyfixest`` aggregated with cohort-share weights, and the
  Callaway-Sant'Anna event-study aggregation with never-treated controls and a
  universal base period, which is numerically the same estimator on a balanced
  panel without covariates (Sun & Abraham 2021, section 4);
* simulated panels with known heterogeneous dynamic effects, where TWFE is
  biased and Sun-Abraham recovers the truth.
"""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from nanbei.effects.did import simulate_staggered_panel, staggered_did  # noqa: E402
from nanbei.effects.event_study import event_study  # noqa: E402

KW = dict(unit="unit", time="time", outcome="y", cohort="cohort")


def _dynamic(g, e):
    return 1.0 + 0.3 * e


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    df = simulate_staggered_panel(240, 10, cohorts=[4, 6, 8], effect=_dynamic, seed=1)
    df["region"] = (df["unit"] % 24).astype(int)
    return df


def _feols(df, window, cluster="unit"):
    import pyfixest as pf

    lo, hi = window
    rel = np.where(df["cohort"] > 0, df["time"] - df["cohort"], np.nan)
    relb = np.clip(rel, lo, hi)
    data = df.copy()
    names = {}
    for e in range(lo, hi + 1):
        if e == -1:
            continue
        col = f"ev_{e}".replace("-", "m")
        data[col] = (relb == e).astype(float)
        names[col] = e
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols("y ~ " + " + ".join(names) + " | unit + time", data, vcov={"CRV1": cluster})
    tidy = fit.tidy()
    tidy.index = [names[c] for c in tidy.index]
    return tidy


@pytest.mark.parametrize("window,cluster", [((-3, 4), None), ((-2, 2), None), ((-4, 5), "region")])
def test_twfe_matches_pyfixest(panel, window, cluster):
    res = event_study(panel, **KW, window=window, cluster=cluster)
    ref = _feols(panel, window, cluster or "unit")
    got = res.coefficients.drop(index=-1)
    assert list(got.index) == list(ref.index)
    np.testing.assert_allclose(got["estimate"], ref["Estimate"], atol=1e-10)
    np.testing.assert_allclose(got["se"], ref["Std. Error"], rtol=1e-8)
    np.testing.assert_allclose(got["p_value"], ref["Pr(>|t|)"], atol=1e-8)
    np.testing.assert_allclose(got["ci_low"], ref["2.5%"], atol=1e-8)
    np.testing.assert_allclose(got["ci_high"], ref["97.5%"], atol=1e-8)
    assert res.coefficients.loc[-1, "estimate"] == 0 and np.isnan(res.coefficients.loc[-1, "se"])
    assert res.n_clusters == (24 if cluster else 240)


def test_twfe_unbalanced_panel_matches_pyfixest(panel):
    rng = np.random.default_rng(0)
    unbalanced = panel.drop(index=rng.choice(panel.index, size=150, replace=False))
    res = event_study(unbalanced, **KW, window=(-3, 4))
    ref = _feols(unbalanced, (-3, 4))
    got = res.coefficients.drop(index=-1)
    np.testing.assert_allclose(got["estimate"], ref["Estimate"], atol=1e-8)
    np.testing.assert_allclose(got["se"], ref["Std. Error"], rtol=1e-6)
    assert res.n_obs == len(unbalanced)


def test_binned_endpoints_pool_outside_window(panel):
    # with a window covering all event times, binning changes nothing; a narrow
    # window must equal the regression on explicitly clipped dummies (pyfixest above)
    # and differ from simply dropping far event times
    wide = event_study(panel, **KW, window=(-7, 6)).coefficients
    narrow = event_study(panel, **KW, window=(-2, 1)).coefficients
    assert list(narrow.index) == [-2, -1, 0, 1]
    assert not np.isclose(wide.loc[1, "estimate"], narrow.loc[1, "estimate"])


def test_sunab_matches_hand_built_saturated_regression(panel):
    import pyfixest as pf

    window = (-3, 4)
    res = event_study(panel, **KW, window=window, estimator="sunab")
    data = panel.copy()
    rel = np.where(data["cohort"] > 0, data["time"] - data["cohort"], np.nan)
    cells = []
    for g in (4, 6, 8):
        for e in sorted(set(np.arange(1, 11) - g)):
            if e == -1:
                continue
            col = f"c{g}_e{e}".replace("-", "m")
            data[col] = ((data["cohort"] == g) & (rel == e)).astype(float)
            cells.append((col, g, e))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols(
            "y ~ " + " + ".join(c for c, _, _ in cells) + " | unit + time",
            data,
            vcov={"CRV1": "unit"},
        )
    beta = fit.coef()
    vcov = pd.DataFrame(fit._vcov, index=beta.index, columns=beta.index)
    size = data[data.time == 1].cohort.value_counts()
    for e_bin in [e for e in range(-3, 5) if e != -1]:
        members = [
            (c, g)
            for c, g, e in cells
            if (e == e_bin) or (e_bin == -3 and e < -3) or (e_bin == 4 and e > 4)
        ]
        w = pd.Series({c: float(size[g]) for c, g in members})
        w = w / w.sum()
        est = float(w @ beta[w.index])
        se = float(np.sqrt(w @ vcov.loc[w.index, w.index] @ w))
        assert res.coefficients.loc[e_bin, "estimate"] == pytest.approx(est, abs=1e-9)
        assert res.coefficients.loc[e_bin, "se"] == pytest.approx(se, rel=1e-7)


def test_sunab_equals_callaway_santanna_universal_base(panel):
    res = event_study(panel, **KW, window=(-7, 6), estimator="sunab").coefficients
    cs = staggered_did(panel, **KW, base_period="universal").aggregate("dynamic").table
    # the window covers all event times, so no endpoint pooling
    common = [e for e in res.index if e != -1]
    np.testing.assert_allclose(res.loc[common, "estimate"], cs.loc[common, "att"], atol=1e-10)


def test_twfe_biased_sunab_recovers_heterogeneous_dynamic_effects():
    def effect(g, e):
        return (3.0 if g == 3 else 1.0) * (1 + 0.5 * e)

    df = simulate_staggered_panel(
        1000, 12, cohorts=[3, 5, 7, 9], never_share=0.1, effect=effect, noise=0.3, seed=2
    )
    size = df[df.time == 1].cohort.value_counts()

    def truth(e):  # cohort-share weighted true effect at event time e
        gs = [g for g in (3, 5, 7, 9) if 1 <= g + e <= 12]
        w = np.array([size[g] for g in gs], float)
        return float(np.dot(w / w.sum(), [effect(g, e) for g in gs]))

    tw = event_study(df, **KW, window=(-3, 3)).coefficients
    sa = event_study(df, **KW, window=(-3, 3), estimator="sunab").coefficients
    cs = staggered_did(df, **KW).aggregate("dynamic").table
    for e in (0, 1, 2):
        assert abs(sa.loc[e, "estimate"] - truth(e)) < 4 * sa.loc[e, "se"]
        assert abs(cs.loc[e, "att"] - truth(e)) < 4 * cs.loc[e, "se"]
        assert abs(tw.loc[e, "estimate"] - truth(e)) > 10 * tw.loc[e, "se"]
    assert abs(sa.loc[-2, "estimate"]) < 4 * sa.loc[-2, "se"]


def test_sunab_last_treated_cohort_as_control():
    df = simulate_staggered_panel(
        400, 10, cohorts=[3, 5, 8], never_share=0.0, effect=2.0, noise=0.5, seed=4
    )
    with pytest.warns(UserWarning, match="cohort 8 as control"):
        res = event_study(df, **KW, window=(-2, 3), estimator="sunab")
    assert "last-treated" in res.control
    assert res.n_obs == 400 * 7  # periods 8..10 dropped
    assert "periods >= 8" in res.dropped["what"].tolist()
    c = res.coefficients
    for e in (0, 1, 2, 3):
        assert abs(c.loc[e, "estimate"] - 2.0) < 4 * c.loc[e, "se"]


def test_never_treated_have_no_effect_on_dummies_and_plot(panel):
    res = event_study(panel, **KW, window=(-3, 4))
    ax = res.plot()
    import matplotlib.axes

    assert isinstance(ax, matplotlib.axes.Axes)
    sa = event_study(panel, **KW, window=(-3, 4), estimator="sunab")
    assert sa.plot(ax=ax, color="C1", offset=0.1) is ax
    assert "Sun-Abraham" in str(sa.summary()) and "EventStudyResult" in repr(sa)
    assert set(sa.cohort_effects.columns) >= {"cohort", "event_time", "estimate", "se", "weight"}
    # weights sum to one within every event-time bin
    assert np.isclose(sa.cohort_effects["weight"].sum(), len(sa.coefficients) - 1)
    assert res.to_frame().shape == (8, 5)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("window", [(-1, 3), (-3, -1), (0, 5), "wide", (-2.5, 3)])
def test_bad_window(panel, window):
    with pytest.raises(ValueError, match="window"):
        event_study(panel, **KW, window=window)


def test_bad_estimator(panel):
    with pytest.raises(ValueError, match="estimator"):
        event_study(panel, **KW, estimator="did2s")


def test_missing_cohort_column(panel):
    with pytest.raises(ValueError, match="cohort column 'g' not found"):
        event_study(panel, **{**KW, "cohort": "g"})


def test_duplicate_rows(panel):
    with pytest.raises(ValueError, match="duplicate"):
        event_study(pd.concat([panel, panel.iloc[[5]]]), **KW)


def test_cohort_not_a_period(panel):
    bad = panel.copy()
    bad.loc[bad.unit == 7, "cohort"] = 15
    with pytest.raises(ValueError, match=r"cohort values \[15.0\].*\[7\]"):
        event_study(bad, **KW)


def test_cluster_must_contain_whole_units(panel):
    with pytest.raises(ValueError, match="cluster column 'time' varies within units"):
        event_study(panel, **KW, cluster="time")


def test_no_treated_units(panel):
    with pytest.raises(ValueError, match="no treated unit"):
        event_study(panel.assign(cohort=0), **KW)


def test_unidentified_twfe_raises():
    # all units eventually treated and a window wide enough that nothing is binned:
    # relative time, calendar time and cohort are collinear
    df = simulate_staggered_panel(200, 8, cohorts=[3, 5, 7], never_share=0.0, seed=0)
    with pytest.raises(ValueError, match="collinear"):
        event_study(df, **KW, window=(-6, 5))
    assert len(event_study(df, **KW, window=(-2, 2)).coefficients) == 5
