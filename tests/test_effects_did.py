"""Tests for nanbei.effects.did.staggered_did (Callaway & Sant'Anna 2021).

Independent references:

* R package ``did`` on its example data ``mpdta`` (tests/data/did/SOURCE.md):
  - full-precision analytic results (``bstrap=FALSE``) written by R ``did``
    (``tests/data/did/r_did_attgt.csv``, ``r_did_aggte.csv``);
  - the printed tables of the did README and the did-basics vignette / aggte
    reference page (4 decimals; their standard errors are multiplier-bootstrap
    ones, so they are compared loosely).
* the Python port ``csdid`` on the same data (all method / control / base combos).
* simulated panels with a known, heterogeneous dynamic effect.
* a hand-worked 2x2 case.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nanbei.effects.did import simulate_staggered_panel, staggered_did

DATA = Path(__file__).parent / "data" / "did"
KW = dict(unit="countyreal", time="year", outcome="lemp", cohort="first.treat")
KINDS = ("simple", "group", "dynamic", "calendar")


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(DATA / "mpdta.csv")


# ---------------------------------------------------------------------------
# R did, full precision (bstrap = FALSE)
# ---------------------------------------------------------------------------

R_SCENARIOS = {
    "mpdta_nev_dr": dict(control="never", method="dr"),
    "mpdta_nyt_dr": dict(control="notyet", method="dr"),
    "mpdta_nev_reg_cov": dict(control="never", method="reg", covariates=["lpop"]),
    "mpdta_nev_ipw": dict(control="never", method="ipw"),
}


@pytest.mark.parametrize("scenario", list(R_SCENARIOS))
def test_att_gt_matches_r_did(mpdta, scenario):
    ref = pd.read_csv(DATA / "r_did_attgt.csv")
    ref = ref[ref.scenario == scenario]
    res = staggered_did(mpdta, **KW, **R_SCENARIOS[scenario])
    got = res.att_gt.merge(ref, left_on=["cohort", "time"], right_on=["group", "t"])
    assert len(got) == len(ref) == len(res.att_gt) == 12
    np.testing.assert_allclose(got["att_x"], got["att_y"], atol=1e-9)
    np.testing.assert_allclose(got["se_x"], got["se_y"], atol=1e-9)


@pytest.mark.parametrize("scenario", list(R_SCENARIOS))
@pytest.mark.parametrize("kind", KINDS)
def test_aggregations_match_r_did(mpdta, scenario, kind):
    ref = pd.read_csv(DATA / "r_did_aggte.csv")
    ref = ref[(ref.scenario == scenario) & (ref.type == kind)]
    agg = staggered_did(mpdta, **KW, **R_SCENARIOS[scenario]).aggregate(kind)
    assert agg.att == pytest.approx(ref.overall_att.iloc[0], abs=1e-9)
    assert agg.se == pytest.approx(ref.overall_se.iloc[0], abs=1e-9)
    if kind == "simple":
        assert agg.table.empty
        return
    tab = agg.table
    assert list(tab.index) == ref.egt.astype(int).tolist()
    np.testing.assert_allclose(tab["att"], ref.att_egt, atol=1e-9)
    np.testing.assert_allclose(tab["se"], ref.se_egt, atol=1e-9)


# ---------------------------------------------------------------------------
# Published (printed) tables
# ---------------------------------------------------------------------------

# did-basics vignette, "An example with real data":
# att_gt(yname="lemp", gname="first.treat", idname="countyreal", tname="year",
#        xformla=~1, data=mpdta)  -> summary(mw.attgt)   (Doubly Robust)
# README "A short example" prints the same point estimates with est_method="reg".
PUBLISHED_ATT_GT = [
    (2004, 2004, -0.0105, 0.0243),
    (2004, 2005, -0.0704, 0.0331),
    (2004, 2006, -0.1373, 0.0412),
    (2004, 2007, -0.1008, 0.0358),
    (2006, 2004, 0.0065, 0.0230),
    (2006, 2005, -0.0028, 0.0210),
    (2006, 2006, -0.0046, 0.0175),
    (2006, 2007, -0.0412, 0.0196),
    (2007, 2004, 0.0305, 0.0147),
    (2007, 2005, -0.0027, 0.0156),
    (2007, 2006, -0.0311, 0.0179),
    (2007, 2007, -0.0261, 0.0175),
]
# did reference page for aggte (examples, xformla=NULL, DR): overall ATT / se.
PUBLISHED_OVERALL = {
    "simple": (-0.0400, 0.0119),
    "dynamic": (-0.0772, 0.0208),
    "group": (-0.0310, 0.0126),
    "calendar": (-0.0417, 0.0175),
}
PUBLISHED_DYNAMIC = {
    -3: 0.0305,
    -2: -0.0006,
    -1: -0.0245,
    0: -0.0199,
    1: -0.0510,
    2: -0.1373,
    3: -0.1008,
}
PUBLISHED_GROUP = {2004: -0.0797, 2006: -0.0229, 2007: -0.0261}
PUBLISHED_CALENDAR = {2004: -0.0105, 2005: -0.0704, 2006: -0.0488, 2007: -0.0371}


@pytest.mark.parametrize("method", ["dr", "reg"])
def test_att_gt_matches_published_tables(mpdta, method):
    res = staggered_did(mpdta, **KW, method=method).att_gt.set_index(["cohort", "time"])
    for g, t, att, se_boot in PUBLISHED_ATT_GT:
        assert round(res.loc[(g, t), "att"], 4) == pytest.approx(att, abs=1e-12)
        # published se are multiplier-bootstrap (1000 draws): same magnitude only
        assert res.loc[(g, t), "se"] == pytest.approx(se_boot, rel=0.2)


def test_aggregations_match_published_tables(mpdta):
    res = staggered_did(mpdta, **KW)
    for kind, (att, se_boot) in PUBLISHED_OVERALL.items():
        agg = res.aggregate(kind)
        assert round(agg.att, 4) == pytest.approx(att, abs=1e-12)
        assert agg.se == pytest.approx(se_boot, rel=0.25)
    for kind, table in [
        ("dynamic", PUBLISHED_DYNAMIC),
        ("group", PUBLISHED_GROUP),
        ("calendar", PUBLISHED_CALENDAR),
    ]:
        tab = res.aggregate(kind).table
        assert list(tab.index) == list(table)
        np.testing.assert_allclose(tab["att"].round(4), list(table.values()), atol=1e-12)


# ---------------------------------------------------------------------------
# csdid (second implementation of R did)
# ---------------------------------------------------------------------------


def _csdid(df, control, method, base, covariates, kinds=KINDS):
    from csdid.att_gt import ATTgt

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ATTgt(
            yname="lemp",
            gname="first.treat",
            idname="countyreal",
            tname="year",
            data=df,
            control_group=["nevertreated" if control == "never" else "notyettreated"],
            xformla="lemp ~ lpop" if covariates else None,
        ).fit(est_method=method, base_period=base, bstrap=False)
        att = pd.DataFrame(
            {
                "cohort": fit.results["group"],
                "time": fit.results["year"],
                "att": fit.results["att"],
                "se": fit.results["se"],
            }
        )
        aggs = {}
        for kind in kinds:
            fit.aggte(typec=kind, bstrap=False)
            aggs[kind] = dict(fit.atte)
    return att, aggs


@pytest.mark.parametrize(
    "control,method,base,covariates",
    [
        ("never", "dr", "varying", ["lpop"]),
        ("never", "ipw", "varying", ["lpop"]),
        ("notyet", "dr", "varying", ["lpop"]),
        ("notyet", "ipw", "universal", ["lpop"]),
        ("notyet", "reg", "varying", ["lpop"]),
        ("never", "dr", "universal", None),
        ("notyet", "reg", "universal", None),
    ],
)
def test_matches_csdid(mpdta, control, method, base, covariates):
    res = staggered_did(
        mpdta, **KW, control=control, method=method, base_period=base, covariates=covariates
    )
    ref, aggs = _csdid(mpdta, control, method, base, covariates)
    got = res.att_gt.merge(ref, on=["cohort", "time"])
    assert len(got) == len(ref) == len(res.att_gt)
    np.testing.assert_allclose(got["att_x"], got["att_y"], atol=1e-8)
    # csdid reports the universal-base reference cell's se as NaN, as we do
    np.testing.assert_allclose(got["se_x"], got["se_y"], atol=1e-8, equal_nan=True)
    for kind in KINDS:
        agg = res.aggregate(kind)
        assert agg.att == pytest.approx(aggs[kind]["overall_att"], abs=1e-8)
        assert agg.se == pytest.approx(aggs[kind]["overall_se"], abs=1e-8)
        if kind != "simple":
            np.testing.assert_allclose(
                agg.table["att"], np.asarray(aggs[kind]["att_egt"], float), atol=1e-8
            )
            np.testing.assert_allclose(
                agg.table["se"], np.asarray(aggs[kind]["se_egt"], float), atol=1e-8, equal_nan=True
            )


def test_covariate_dr_differs_from_unconditional(mpdta):
    # the covariate must actually be used (R's reg-with-lpop ATT(2004,2004) is -0.0149 vs -0.0105)
    a = staggered_did(mpdta, **KW, covariates="lpop").att_gt
    b = staggered_did(mpdta, **KW).att_gt
    assert np.abs(a["att"] - b["att"]).max() > 1e-3


# ---------------------------------------------------------------------------
# hand-worked case and simulations with a known effect
# ---------------------------------------------------------------------------


def test_hand_worked_two_by_two():
    # 2 treated units (cohort 2), 3 never-treated, periods 1..2.
    df = pd.DataFrame(
        {
            "u": np.repeat([1, 2, 3, 4, 5], 2),
            "t": np.tile([1, 2], 5),
            "g": np.repeat([2, 2, 0, 0, 0], 2),
            "y": [1.0, 4.0, 2.0, 4.0, 0.0, 1.0, 1.0, 1.0, 3.0, 4.5],
        }
    )
    res = staggered_did(df, unit="u", time="t", outcome="y", cohort="g")
    # treated changes 3 and 2 (mean 2.5); control changes 1, 0, 1.5 (mean 5/6)
    assert res.att_gt["att"].iloc[0] == pytest.approx(2.5 - 5 / 6)
    # influence-function se = sqrt(var1/n1 + var0/n0) with 1/n variances
    v1 = np.var([3.0, 2.0]) / 2
    v0 = np.var([1.0, 0.0, 1.5]) / 3
    assert res.att_gt["se"].iloc[0] == pytest.approx(np.sqrt(v1 + v0))
    assert res.aggregate("simple").att == pytest.approx(2.5 - 5 / 6)


def _effect(g, e):
    # heterogeneous and dynamic: grows with exposure, larger for early cohorts
    return (1.0 + 0.5 * e) * (1.5 if g <= 5 else 1.0)


def test_recovers_heterogeneous_dynamic_effects():
    df = simulate_staggered_panel(
        600, 10, cohorts=[4, 6, 8], never_share=0.3, effect=_effect, noise=0.5, seed=3
    )
    res = staggered_did(df, unit="unit", time="time", outcome="y", cohort="cohort")
    tab = res.att_gt
    truth = np.array(
        [_effect(g, t - g) if t >= g else 0.0 for g, t in zip(tab.cohort, tab.time, strict=True)]
    )
    z = (tab["att"] - truth) / tab["se"]
    assert np.abs(z).max() < 4.5
    dyn = res.aggregate("dynamic").table
    for e, row in dyn.iterrows():
        if e < 0:
            assert abs(row["att"]) < 4 * row["se"]
    # group effect of cohort 4: mean over e = 0..6 of 1.5 * (1 + 0.5 e)
    g4 = res.aggregate("group").table.loc[4]
    true_g4 = np.mean([_effect(4, e) for e in range(0, 7)])
    assert abs(g4["att"] - true_g4) < 4 * g4["se"]


def test_notyet_without_never_treated_and_skipped_cells():
    df = simulate_staggered_panel(
        300, 8, cohorts=[3, 5, 7], never_share=0.0, effect=2.0, noise=0.5, seed=5
    )
    with pytest.raises(ValueError, match="no unit is never treated"):
        staggered_did(df, unit="unit", time="time", outcome="y", cohort="cohort")
    res = staggered_did(
        df, unit="unit", time="time", outcome="y", cohort="cohort", control="notyet"
    )
    # cells with no unit outside the cohort untreated in both compared periods
    # (worked out by hand: from period 7 on everyone is treated; cohort 7's
    # comparisons of 5 vs 4 and 6 vs 5 have only cohort-7 units untreated)
    skipped = set(zip(res.skipped["cohort"], res.skipped["time"], strict=True))
    assert skipped == {(3, 7), (3, 8), (5, 7), (5, 8), (7, 5), (7, 6), (7, 7), (7, 8)}
    post = res.att_gt[res.att_gt.post]
    assert np.abs((post["att"] - 2.0) / post["se"]).max() < 4.5


def test_bootstrap_is_seeded_and_close_to_analytic():
    df = simulate_staggered_panel(800, 6, cohorts=[3, 5], effect=1.0, seed=11)
    kw = dict(unit="unit", time="time", outcome="y", cohort="cohort")
    a = staggered_did(df, **kw)
    b1 = staggered_did(df, **kw, bootstrap=True, n_boot=999, seed=7)
    b2 = staggered_did(df, **kw, bootstrap=True, n_boot=999, seed=7)
    np.testing.assert_array_equal(b1.att_gt["se"], b2.att_gt["se"])
    np.testing.assert_allclose(b1.att_gt["se"], a.att_gt["se"], rtol=0.15)
    assert b1.crit_val > 1.96  # uniform band is wider than pointwise
    agg = b1.aggregate("dynamic")
    assert agg.se_method == "bootstrap"
    assert agg.se == pytest.approx(a.aggregate("dynamic").se, rel=0.15)


def test_result_objects_are_readable(mpdta):
    res = staggered_did(mpdta, **KW)
    assert "Callaway" in str(res.summary()) and "2004" in str(res.summary())
    assert "StaggeredDiDResult" in repr(res)
    assert list(res.to_frame().columns[:4]) == ["cohort", "time", "event_time", "att"]
    agg = res.aggregate("dynamic")
    frame = agg.to_frame()
    assert frame.index[-1] == "overall" and frame["att"].iloc[-1] == pytest.approx(agg.att)
    assert "dynamic" in str(agg.summary()) and "DiDAggregate" in repr(agg)
    with pytest.raises(ValueError, match="kind"):
        res.aggregate("weekly")


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


def test_missing_cohort_column(mpdta):
    with pytest.raises(ValueError, match="cohort column 'gvar' not found"):
        staggered_did(mpdta, **{**KW, "cohort": "gvar"})


def test_cohort_not_a_period(mpdta):
    bad = mpdta.copy()
    bad.loc[bad.countyreal == 8001, "first.treat"] = 2010
    with pytest.raises(ValueError, match=r"cohort values \[2010\].*8001"):
        staggered_did(bad, **KW)


def test_cohort_varies_within_unit(mpdta):
    bad = mpdta.copy()
    bad.loc[(bad.countyreal == 8019) & (bad.year == 2005), "first.treat"] = 2006
    with pytest.raises(ValueError, match=r"varies within units \[8019\]"):
        staggered_did(bad, **KW)


def test_duplicate_rows(mpdta):
    bad = pd.concat([mpdta, mpdta.iloc[[0]]])
    with pytest.raises(ValueError, match="duplicate"):
        staggered_did(bad, **KW)


def test_unbalanced_panel_names_units(mpdta):
    bad = mpdta.drop(mpdta.index[(mpdta.countyreal == 8023) & (mpdta.year == 2005)])
    with pytest.raises(ValueError, match=r"balanced.*8023"):
        staggered_did(bad, **KW)


def test_missing_outcome(mpdta):
    bad = mpdta.copy()
    bad.loc[3, "lemp"] = np.nan
    with pytest.raises(ValueError, match="missing values"):
        staggered_did(bad, **KW)


def test_no_treated_cohort(mpdta):
    bad = mpdta.assign(**{"first.treat": 0})
    with pytest.raises(ValueError, match="no treated cohort"):
        staggered_did(bad, **KW)


@pytest.mark.parametrize(
    "arg,value", [("method", "ols"), ("control", "all"), ("base_period", "fixed")]
)
def test_bad_options(mpdta, arg, value):
    with pytest.raises(ValueError, match=arg):
        staggered_did(mpdta, **KW, **{arg: value})


def test_first_period_cohort_dropped_with_report(mpdta):
    df = mpdta.copy()
    df.loc[df.countyreal.isin([13011, 13013]), "first.treat"] = 2003
    with pytest.warns(UserWarning, match="dropping 2 units treated in the first period"):
        res = staggered_did(df, **KW)
    assert sorted(res.dropped["countyreal"]) == [13011, 13013]
    assert res.n_units == 498


def test_nan_cohort_means_never_treated(mpdta):
    df = mpdta.copy()
    df["first.treat"] = df["first.treat"].replace(0, np.nan)
    a = staggered_did(df, **KW).att_gt
    b = staggered_did(mpdta, **KW).att_gt
    np.testing.assert_allclose(a["att"], b["att"], atol=1e-14)


# ---------------------------------------------------------------------------
# improved doubly robust estimator (no R did counterpart): properties
# ---------------------------------------------------------------------------


def test_dr_imp_without_covariates_is_the_simple_did(mpdta):
    a = staggered_did(mpdta, **KW, method="dr_imp").att_gt
    b = staggered_did(mpdta, **KW, method="reg").att_gt
    np.testing.assert_allclose(a["att"], b["att"], atol=1e-14)
    np.testing.assert_allclose(a["se"], b["se"], atol=1e-14)


def test_ipt_balances_covariates_exactly():
    from nanbei.effects.did import _ipt

    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 2))
    D = (rng.random(500) < 1 / (1 + np.exp(0.3 - x @ [0.8, -0.5]))).astype(float)
    Z = np.column_stack([np.ones(500), x])
    ps = _ipt(Z, D)
    odds = ps / (1 - ps)
    c = D == 0
    np.testing.assert_allclose(odds[c] @ Z[c] / odds[c].sum(), Z[D == 1].mean(axis=0), atol=1e-9)


def _two_period_panel(seed, n=1500):
    # propensity score logit-linear in x (correctly specified); trend quadratic
    # in x (the linear outcome regression is misspecified); true ATT = 1
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    d = rng.random(n) < 1 / (1 + np.exp(0.5 - 0.8 * x))
    a = rng.normal(size=n) + d
    y1 = a + rng.normal(size=n)
    y2 = a + 1 + x + 0.5 * x**2 + 1.0 * d + rng.normal(size=n)
    return pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), 2),
            "t": np.tile([1, 2], n),
            "g": np.repeat(np.where(d, 2, 0), 2),
            "y": np.column_stack([y1, y2]).ravel(),
            "x": np.repeat(x, 2),
        }
    )


def test_doubly_robust_estimators_recover_att_with_misspecified_outcome_model():
    kw = dict(unit="id", time="t", outcome="y", cohort="g", covariates="x")
    est = {m: [] for m in ("dr", "dr_imp", "none")}
    ses = {m: [] for m in ("dr", "dr_imp")}
    for seed in range(40):
        df = _two_period_panel(seed)
        for m in ("dr", "dr_imp"):
            row = staggered_did(df, **kw, method=m).att_gt.iloc[0]
            est[m].append(row["att"])
            ses[m].append(row["se"])
        est["none"].append(staggered_did(df, **{**kw, "covariates": None}).att_gt["att"].iloc[0])
    for m in ("dr", "dr_imp"):
        sd = np.std(est[m], ddof=1)
        assert abs(np.mean(est[m]) - 1.0) < 3 * sd / np.sqrt(40)
        assert np.mean(ses[m]) == pytest.approx(sd, rel=0.3)  # influence-function se calibrated
    assert np.mean(est["none"]) - 1.0 > 0.3  # ignoring x is badly biased


# ---------------------------------------------------------------------------
# bootstrap guards and reproducibility
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n_boot", [0, -5, 2.5, 1, 98, True, 10**7])
def test_bootstrap_n_boot_must_be_meaningful(mpdta, n_boot):
    with pytest.raises(ValueError, match="n_boot"):
        staggered_did(mpdta, **KW, bootstrap=True, n_boot=n_boot)
    res = staggered_did(mpdta, **KW)  # analytic: n_boot is not used
    with pytest.raises(ValueError, match="n_boot"):
        res.aggregate("simple", bootstrap=True, n_boot=n_boot)


def test_bootstrap_memory_cap_is_a_clear_error():
    """30 periods and 14 cohorts give ~400 cells: 100,000 draws of each would be 320 MB."""
    df = simulate_staggered_panel(200, 30, seed=1)
    with pytest.raises(ValueError, match="above the limit"):
        staggered_did(
            df,
            unit="unit",
            time="time",
            outcome="y",
            cohort="cohort",
            bootstrap=True,
            n_boot=100_000,
        )


def test_bootstrap_reruns_are_identical_by_default_and_seeded(mpdta):
    a = staggered_did(mpdta, **KW, bootstrap=True, n_boot=199)
    b = staggered_did(mpdta, **KW, bootstrap=True, n_boot=199)
    c = staggered_did(mpdta, **KW, bootstrap=True, n_boot=199, seed=1)
    np.testing.assert_array_equal(a.att_gt["se"], b.att_gt["se"])
    assert a.crit_val == b.crit_val
    assert not np.array_equal(a.att_gt["se"], c.att_gt["se"])
    assert a.aggregate("dynamic").se == b.aggregate("dynamic").se
