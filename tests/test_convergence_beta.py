"""Tests for nanbei.convergence.beta and beta_panel.

References: closed-form least squares and the textbook OLS / HC1 variance
formulas computed with numpy; simulated panels whose convergence speed lambda
is known by construction; pyfixest (a second fixed-effects implementation) for
the panel slope and clustered SE; and the ``wildboottest`` package for the
restricted wild cluster bootstrap, run on statsmodels OLS with explicit
fixed-effect dummies.
"""

from __future__ import annotations

import math
import warnings

import libpysal
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from reference import symmetric_p_with_ties, wildboottest_cl

from nanbei.convergence import beta, beta_panel
from nanbei.convergence.beta import speed_half_life

YEARS = list(range(1940, 2010, 10))


@pytest.fixture(scope="module")
def mexico():
    wide = pd.read_csv(libpysal.examples.get_path("mexico.csv"))
    long = wide.melt(
        id_vars=["State"],
        value_vars=[f"pcgdp{y}" for y in YEARS],
        var_name="year",
        value_name="pcgdp",
    )
    long["year"] = long["year"].str[5:].astype(int)
    return wide, long


def simulate(n_units, years, lam, *, mu_sd=0.0, dev_sd=0.6, noise=0.0, seed=0, z_coef=0.0):
    """Annual partial adjustment towards unit steady states mu_i (+ z_coef * z_i):

    ln y_(t+1) - m_i = exp(-lam) (ln y_t - m_i) + e,   so over T years
    ln y_(t+T) - m_i = exp(-lam T) (ln y_t - m_i) + accumulated noise,
    and the growth-on-level slope is b = -(1 - exp(-lam T)) / T.
    """
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 1, n_units)
    m = 9.0 + rng.normal(0, mu_sd, n_units) + z_coef * z
    ly = m + rng.normal(0, dev_sd, n_units) - 2 * z_coef * z  # start away from m, against z
    rows = []
    for t in years:
        rows.append(pd.DataFrame({"u": np.arange(n_units), "t": t, "y": np.exp(ly), "z": z}))
        ly = m + math.exp(-lam) * (ly - m) + rng.normal(0, noise, n_units)
    return pd.concat(rows, ignore_index=True)


# --------------------------------------------------------------------------- speed


def test_speed_half_life_closed_form():
    # lambda = 0.02, T = 10: b = -(1 - e^-0.2)/10; half-life = ln2/0.02 = 34.657...
    b = -(1 - math.exp(-0.2)) / 10
    lam, hl, note = speed_half_life(b, 10)
    assert lam == pytest.approx(0.02, rel=1e-12)
    assert hl == pytest.approx(math.log(2) / 0.02, rel=1e-12)
    assert note is None
    lam, hl, note = speed_half_life(0.01, 10)  # divergence
    assert lam < 0 and hl == math.inf and "divergence" in note
    lam, hl, note = speed_half_life(-0.15, 10)  # b T = -1.5 <= -1
    assert math.isnan(lam) and math.isnan(hl) and "undefined" in note


# --------------------------------------------------------------------------- beta


def test_beta_matches_closed_form_ols_on_mexico(mexico):
    wide, long = mexico
    res = beta(long, unit="State", time="year", value="pcgdp", start=1940, end=2000)
    x = np.log(wide["pcgdp1940"].to_numpy())
    g = (np.log(wide["pcgdp2000"].to_numpy()) - x) / 60
    n = len(x)
    X = np.column_stack([np.ones(n), x])
    coef = np.linalg.solve(X.T @ X, X.T @ g)
    e = g - X @ coef
    xtx_inv = np.linalg.inv(X.T @ X)
    se = math.sqrt(e @ e / (n - 2) * xtx_inv[1, 1])
    meat = (X * e[:, None] ** 2).T @ X
    se_hc1 = math.sqrt((xtx_inv @ meat @ xtx_inv)[1, 1] * n / (n - 2))
    r2 = 1 - e @ e / np.sum((g - g.mean()) ** 2)
    assert res.slope == pytest.approx(coef[1], rel=1e-10)
    assert res.intercept == pytest.approx(coef[0], rel=1e-10)
    assert res.se == pytest.approx(se, rel=1e-8)
    assert res.se_hc1 == pytest.approx(se_hc1, rel=1e-8)
    assert res.r2 == pytest.approx(r2, rel=1e-10)
    assert res.n_obs == 32 and len(res.dropped) == 0 and str(res.dropped) == "no units left out"
    from scipy import stats

    assert res.p_value == pytest.approx(2 * stats.t.sf(abs(coef[1] / se), n - 2), rel=1e-8)
    lam = -math.log(1 + coef[1] * 60) / 60
    assert res.speed == pytest.approx(lam, rel=1e-10)
    assert res.half_life == pytest.approx(math.log(2) / lam, rel=1e-10)
    # result object API
    assert repr(res).startswith("<BetaResult n_obs=32: log_start=")
    assert "log_start" in str(res.summary())
    assert res.to_frame().loc["absolute", "slope"] == res.slope
    assert res.model.params["log_start"] == res.slope


def test_beta_recovers_known_speed():
    lam = 0.03
    df = simulate(400, range(2000, 2021), lam, dev_sd=0.5, noise=0.01, seed=3)
    res = beta(df, unit="u", time="t", value="y", start=2000, end=2020)
    assert res.slope == pytest.approx(-(1 - math.exp(-lam * 20)) / 20, abs=4 * res.se)
    assert res.speed == pytest.approx(lam, abs=0.003)
    assert res.half_life == pytest.approx(math.log(2) / lam, rel=0.1)


def test_conditional_beta_recovers_speed_when_absolute_does_not():
    # Steady states depend on z, and units start below/above them along z, so
    # absolute convergence is biased; conditioning on z recovers lambda.
    lam = 0.05
    df = simulate(500, range(2000, 2011), lam, dev_sd=0.3, noise=0.005, seed=5, z_coef=0.5)
    cond = beta(df, unit="u", time="t", value="y", start=2000, end=2010, controls=["z"])
    absolute = beta(df, unit="u", time="t", value="y", start=2000, end=2010)
    assert cond.speed == pytest.approx(lam, abs=0.005)
    assert abs(absolute.speed - lam) > 0.02
    assert cond.to_frame().index[0] == "conditional"


def test_beta_divergence_is_flagged():
    # richer units grow faster: growth = 0.01 * ln y0 exactly (+ tiny noise)
    rng = np.random.default_rng(0)
    y0 = np.exp(rng.normal(9, 0.5, 50))
    y1 = y0 * np.exp(10 * (0.01 * np.log(y0) - 0.09 + rng.normal(0, 1e-4, 50)))
    df = pd.DataFrame(
        {"u": np.r_[range(50), range(50)], "t": [0] * 50 + [10] * 50, "y": np.r_[y0, y1]}
    )
    res = beta(df, unit="u", time="t", value="y", start=0, end=10)
    assert res.slope == pytest.approx(0.01, abs=1e-4)
    assert res.half_life == math.inf and res.speed < 0
    assert any("divergence" in n for n in res.notes)


def test_beta_reports_dropped_units(mexico):
    _, long = mexico
    cut = long[~((long["State"] == "Campeche") & (long["year"] == 2000))]
    cut = cut[~((cut["State"] == "Tabasco") & (cut["year"] == 1940))]
    res = beta(cut, unit="State", time="year", value="pcgdp", start=1940, end=2000)
    assert res.dropped.all_units() == ["Campeche", "Tabasco"]
    assert res.n_obs == 30
    assert any("Campeche" in n for n in res.notes)
    assert "Campeche" in str(res.summary())


@pytest.fixture
def tiny():
    rng = np.random.default_rng(2)
    df = pd.DataFrame([(i, t) for i in range(6) for t in (2000, 2005, 2010)], columns=["u", "t"])
    df["y"] = rng.lognormal(9, 0.3, len(df))
    df["z"] = rng.normal(size=len(df))
    df["c"] = 1.0
    return df


@pytest.mark.parametrize(
    ("mutate", "kwargs", "match"),
    [
        (lambda d: d, {"start": 1999}, "start=1999 is not a period"),
        (lambda d: d, {"end": 2020}, "end=2020 is not a period"),
        (lambda d: d, {"start": 2010, "end": 2000}, "must be before"),
        (lambda d: d, {"value": "gdp"}, "gdp"),
        (lambda d: d, {"controls": ["x"]}, "'x'"),
        (lambda d: d, {"controls": ["c"]}, "collinear"),
        (lambda d: d.assign(t=d["t"].astype(str)), {"start": "2000", "end": "2010"}, "numeric"),
        (lambda d: pd.concat([d, d.iloc[[0]]]), {}, "duplicate"),
        (lambda d: d.assign(y=d["y"].where(d.index != 0, -5.0)), {}, "strictly positive"),
        (lambda d: d.assign(y=d["y"].where(d.index != 0)), {}, "missing values"),
        (lambda d: d.assign(z=d["z"].where(d.index != 0)), {"controls": ["z"]}, "missing"),
        (lambda d: d[(d.u < 2) | (d.t != 2010)], {}, "only 2 unit"),
    ],
)
def test_beta_bad_input_raises(tiny, mutate, kwargs, match):
    args = {"unit": "u", "time": "t", "value": "y", "start": 2000, "end": 2010, **kwargs}
    with pytest.raises(ValueError, match=match):
        beta(mutate(tiny), **args)


# --------------------------------------------------------------------------- beta_panel


@pytest.fixture(scope="module")
def few_clusters():
    return simulate(8, range(2000, 2016), 0.05, mu_sd=0.3, dev_sd=0.4, noise=0.04, seed=11)


@pytest.mark.parametrize("effects", ["unit", "twoway", "none"])
def test_beta_panel_slope_matches_pyfixest(few_clusters, effects):
    import pyfixest as pf

    res = beta_panel(few_clusters, unit="u", time="t", value="y", window=5, effects=effects)
    fml = {
        "unit": "growth ~ log_start | u",
        "twoway": "growth ~ log_start | u + window_start",
        "none": "growth ~ log_start",
    }[effects]
    ref = pf.feols(fml, data=res.data, vcov={"CRV1": "u"})
    assert res.slope == pytest.approx(ref.coef()["log_start"], rel=1e-8)
    assert res.n_obs == 8 * 3 and res.n_clusters == 8 and res.n_windows == 3
    if effects == "none":  # df conventions coincide without absorbed effects
        assert res.se_cluster == pytest.approx(ref.se()["log_start"], rel=1e-8)
    else:  # they differ only by the small-sample degrees-of-freedom factor
        assert res.se_cluster == pytest.approx(ref.se()["log_start"], rel=0.25)


def _wildboottest_reference(data, effects, B, seed):
    """WCR bootstrap of wildboottest on statsmodels OLS with explicit FE dummies.

    Returns wildboottest's own p-value (|t*| strictly above |t|), the p-value
    recounted with nanbei's convention (ties within a relative 1e-9 count as
    extreme), the number of such ties, the bootstrap t's and the number of draws.
    wildboottest enumerates all 2^G sign vectors when 2^G < B.
    """
    X = pd.DataFrame({"log_start": data["log_start"]})
    if effects in ("unit", "twoway"):
        X = X.join(pd.get_dummies(data["u"], prefix="u", drop_first=True, dtype=float))
    if effects == "twoway":
        X = X.join(pd.get_dummies(data["window_start"], prefix="w", drop_first=True, dtype=float))
    X = sm.add_constant(X, has_constant="add")
    model = sm.OLS(data["growth"], X)
    boot = wildboottest_cl(
        model.exog, model.endog, data["u"], list(X.columns).index("log_start"), B=B, seed=seed
    )
    tb = np.abs(np.ravel(boot.t_boot))
    p_incl, ties = symmetric_p_with_ties(boot.t_boot, boot.t_stat)
    return float(boot.pvalue), p_incl, ties, tb, boot.B


@pytest.mark.parametrize("effects", ["unit", "twoway", "none"])
def test_wild_bootstrap_matches_wildboottest_enumeration(few_clusters, effects):
    # G = 8: both enumerate all 256 sign vectors, so the p-values must agree
    # exactly once the tie convention is aligned.
    res = beta_panel(few_clusters, unit="u", time="t", value="y", window=5, effects=effects)
    assert res.enumerated and res.n_boot == 2**8
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p_raw, p_incl, ties, _, B = _wildboottest_reference(res.data, effects, 999, 1)
    assert B == 2**8  # wildboottest also enumerated all sign vectors
    assert res.p_value_wild == pytest.approx(p_incl, abs=1e-12)
    # nanbei counts |t*| = |t| as extreme; wildboottest compares |t| < |t*| in
    # floating point, so each tie (under WCR the sign vectors +1 and -1 always
    # reproduce +-t) is counted or not depending on rounding: its p-value can
    # fall short of ours by at most ties / B, never exceed it.
    assert ties >= 2
    assert p_raw - 1e-12 <= res.p_value_wild <= p_raw + ties / B + 1e-12
    assert res.p_value_wild >= 2 / 2**8


@pytest.mark.parametrize("effects", ["unit", "twoway"])
def test_wild_bootstrap_random_draws_match_wildboottest_exact(effects):
    # 14 clusters: 2^14 > n_boot = 9999, so beta_panel draws random sign vectors,
    # while wildboottest with B = 2^14 + 1 enumerates all of them and gives the
    # exact bootstrap p-value.  The two must agree within Monte Carlo error
    # (sd <= 0.5 / sqrt(9999) = 0.005; tolerance 4 sd).  A 10%/year divergence
    # offsets the Nickell bias so that p is mid-range (largest Monte Carlo error);
    # the "twoway" case has window effects cutting across the unit clusters.
    df = simulate(14, range(2000, 2013), -0.1, mu_sd=0.3, dev_sd=0.05, noise=0.05, seed=5)
    res = beta_panel(
        df, unit="u", time="t", value="y", window=4, effects=effects, n_boot=9999, seed=123
    )
    assert not res.enumerated and res.n_boot == 9999
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, p_exact, _, _, B = _wildboottest_reference(res.data, effects, 2**14 + 1, 1)
    assert B == 2**14
    assert 0.1 < p_exact < 0.9  # the check is informative only away from 0 and 1
    assert res.p_value_wild == pytest.approx(p_exact, abs=4 * 0.5 / math.sqrt(9999))
    # and it is seedable: the same seed gives the same draws, another seed others
    again = beta_panel(
        df, unit="u", time="t", value="y", window=4, effects=effects, n_boot=9999, seed=123
    )
    other = beta_panel(
        df, unit="u", time="t", value="y", window=4, effects=effects, n_boot=9999, seed=124
    )
    assert again.p_value_wild == res.p_value_wild
    assert other.p_value_wild != res.p_value_wild
    assert other.slope == res.slope


def test_beta_panel_recovers_known_speed():
    # Transitional dynamics dominate (initial deviations sd 0.5, shocks sd 0.002),
    # so the Nickell bias of the within estimator is small (without shocks the
    # slope is exact; with sd 0.005 it is already ~5% too steep).
    lam = 0.04
    df = simulate(150, range(1990, 2021), lam, mu_sd=0.4, dev_sd=0.5, noise=0.002, seed=9)
    res = beta_panel(df, unit="u", time="t", value="y", window=5, effects="unit", n_boot=199)
    assert res.n_windows == 6 and res.horizon == 5
    assert res.slope == pytest.approx(-(1 - math.exp(-5 * lam)) / 5, rel=0.05)
    assert res.speed == pytest.approx(lam, rel=0.05)
    assert res.p_value_wild < 0.01
    assert repr(res).startswith("<BetaPanelResult n_obs=900: log_start=")
    assert "wild" in str(res.summary())
    assert res.to_frame().loc["unit", "n_clusters"] == 150


def test_beta_panel_null_is_not_rejected_too_often():
    # Random walks (no convergence): the slope with unit FE is biased (Nickell),
    # so use pooled OLS, where the WCR p-value should be roughly uniform.
    ps = []
    for s in range(40):
        rng = np.random.default_rng(100 + s)
        ly = np.cumsum(rng.normal(0, 0.05, (10, 16)), axis=1) + rng.normal(9, 0.3, (10, 1))
        df = pd.DataFrame(
            {
                "u": np.repeat(np.arange(10), 16),
                "t": np.tile(np.arange(16), 10),
                "y": np.exp(ly.ravel()),
            }
        )
        ps.append(
            beta_panel(df, unit="u", time="t", value="y", window=5, effects="none").p_value_wild
        )
    assert np.mean(np.array(ps) < 0.1) <= 0.25


@pytest.mark.parametrize(
    ("mutate", "kwargs", "match"),
    [
        (lambda d: d, {"window": 20}, "larger than the span"),
        (lambda d: d, {"window": 10}, "at least 2 windows"),
        (lambda d: d, {"window": 0}, "positive integer"),
        (lambda d: d, {"effects": "entity"}, "effects must be"),
        (lambda d: d, {"n_boot": 10}, "n_boot"),
        (lambda d: d, {"value": "gdp"}, "gdp"),
        (lambda d: d.iloc[1:], {}, "balanced"),
        (lambda d: pd.concat([d, d.iloc[[0]]]), {}, "duplicate"),
        (lambda d: d.assign(y=d["y"].where(d.index != 3, 0.0)), {}, "strictly positive"),
        (lambda d: d.assign(t=d["t"].astype(str)), {}, "numeric"),
        (lambda d: d[d.u == 0], {}, "at least 2 units"),
    ],
)
def test_beta_panel_bad_input_raises(few_clusters, mutate, kwargs, match):
    args = {"unit": "u", "time": "t", "value": "y", **kwargs}
    with pytest.raises(ValueError, match=match):
        beta_panel(mutate(few_clusters), **args)


def test_beta_panel_very_few_clusters_enumerates_and_warns():
    df = simulate(4, range(2000, 2011), 0.05, mu_sd=0.3, dev_sd=0.4, noise=0.03, seed=2)
    res = beta_panel(df, unit="u", time="t", value="y", window=5)
    assert res.enumerated and res.n_boot == 16
    # with all 16 sign vectors, p is a multiple of 1/16, and at least 2/16 since
    # the vectors +1 and -1 reproduce |t| (ties count as extreme)
    assert res.p_value_wild * 16 == pytest.approx(round(res.p_value_wild * 16))
    assert res.p_value_wild >= 2 / 16
    assert any("coarse" in n for n in res.notes)


# --------------------------------------------------------------------------- guards


def _equal_growth(n=13, seed=0, tilt=0.0):
    """Every unit grows at 5% a year (ln y1 = ln y0 + 20 ln 1.05), plus an optional
    growth differential ``tilt`` per unit of ln y0, far below any economic meaning."""
    rng = np.random.default_rng(seed)
    y0 = np.exp(rng.normal(9, 0.5, n))
    rows = [
        pd.DataFrame(
            {
                "u": range(n),
                "t": t,
                "y": y0 * 1.05 ** (t - 2000) * np.exp(tilt * (t - 2000) * (np.log(y0) - 9)),
            }
        )
        for t in range(2000, 2021)
    ]
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize("seed", range(6))
def test_equal_growth_gives_speed_zero_and_infinite_half_life(seed):
    # The OLS slope is rounding noise of either sign (~1e-17); unguarded, a negative
    # one gave a half-life of ~1e17 years.  It must read: no convergence at all.
    res = beta(_equal_growth(seed=seed), unit="u", time="t", value="y", start=2000, end=2020)
    assert abs(res.slope) < 1e-15
    assert res.speed == 0.0 and res.half_life == math.inf and res.flat
    assert math.isnan(res.p_value) and math.isnan(res.p_value_hc1) and math.isnan(res.r2)
    assert any("same rate" in n for n in res.notes)
    tidy = res.tidy().set_index("term")
    assert tidy.loc["speed", "estimate"] == 0.0 and tidy.loc["half_life", "estimate"] == math.inf
    assert (
        tidy.loc[["speed", "half_life"], ["std_error", "conf_low", "conf_high"]].isna().all().all()
    )
    assert "same rate" in str(res.summary())


def test_slope_below_numerical_precision_is_zero():
    # A deterministic growth differential of -1e-14 per log point: the slope is
    # negative for sure, and 1e-14 is below the regression's precision bound, so the
    # half-life is infinite, not ln 2 / 1e-14 = 7e13 years.
    res = beta(_equal_growth(tilt=-1e-14), unit="u", time="t", value="y", start=2000, end=2020)
    assert -2e-14 < res.slope < 0 and abs(res.slope) <= res.slope_tol
    assert res.speed == 0.0 and res.half_life == math.inf
    # the bound is far below any slope data can show: 1e-9 is a real (tiny) slope
    real = beta(_equal_growth(tilt=-1e-9), unit="u", time="t", value="y", start=2000, end=2020)
    assert real.speed > 0 and np.isfinite(real.half_life) and not real.flat
    assert speed_half_life(-4.6e-18, 20, tol=1e-12)[:2] == (0.0, math.inf)


def test_beta_panel_equal_growth_is_reported_not_tested():
    res = beta_panel(_equal_growth(), unit="u", time="t", value="y", window=5)
    assert res.flat and res.speed == 0.0 and res.half_life == math.inf
    assert math.isnan(res.p_value_wild) and math.isnan(res.p_value_cluster)
    assert any("same rate" in n for n in res.notes)


@pytest.mark.parametrize("n_boot", [0, 1, 98, 999.0, 1e6, 10**6 + 1, 10**9, True, "9999", None])
def test_beta_panel_rejects_bad_n_boot(few_clusters, n_boot):
    with pytest.raises(ValueError, match="n_boot must be an integer from 99 to 1,000,000"):
        beta_panel(few_clusters, unit="u", time="t", value="y", n_boot=n_boot)


@pytest.mark.parametrize("seed", [-1, 1.5, "1", True])
def test_beta_panel_rejects_bad_seed(few_clusters, seed):
    with pytest.raises(ValueError, match="seed must be"):
        beta_panel(few_clusters, unit="u", time="t", value="y", seed=seed)


@pytest.fixture(scope="module")
def fourteen():
    # 14 clusters: 2^14 > n_boot, so the draws are random
    return simulate(14, range(2000, 2013), -0.1, mu_sd=0.3, dev_sd=0.05, noise=0.05, seed=5)


def test_beta_panel_reruns_are_identical(fourteen):
    kw = dict(unit="u", time="t", value="y", window=4, n_boot=999)
    a = beta_panel(fourteen, **kw, seed=7)
    b = beta_panel(fourteen, **kw, seed=7)
    c = beta_panel(fourteen, **kw, seed=8)
    assert not a.enumerated
    pd.testing.assert_frame_equal(a.tidy(), b.tidy())
    assert a.conf_int_wild == b.conf_int_wild and a.p_value_wild == b.p_value_wild
    assert c.conf_int_wild != a.conf_int_wild


def test_beta_panel_wild_interval_and_p_match_one_bootstrap_call(fourteen):
    # In one block the draws are those of a single wild_cluster_bootstrap call with the
    # same seed; the interval (inverted here) must match the one that function inverts.
    from nanbei.effects.inference import wild_cluster_bootstrap

    res = beta_panel(fourteen, unit="u", time="t", value="y", window=4, n_boot=1999, seed=11)
    ref = wild_cluster_bootstrap(
        res.data,
        y="growth",
        x="log_start",
        fe=["u"],
        param="log_start",
        cluster="u",
        n_boot=1999,
        weights="rademacher",
        seed=11,
        conf_level=0.95,
    )
    assert res.p_value_wild == ref.p_value and res.n_boot == 1999
    assert res.conf_int_wild == pytest.approx(ref.ci, abs=1e-6 * res.se_cluster)
    assert res.conf_int_wild[0] < res.slope < res.conf_int_wild[1]


def test_beta_panel_draws_in_bounded_blocks(fourteen, monkeypatch):
    import importlib

    beta_mod = importlib.import_module("nanbei.convergence.beta")  # the module, not beta()
    calls = []
    real = beta_mod.wild_cluster_bootstrap

    def spy(*args, **kwargs):
        calls.append(kwargs["n_boot"])
        return real(*args, **kwargs)

    monkeypatch.setattr(beta_mod, "wild_cluster_bootstrap", spy)
    monkeypatch.setattr(beta_mod, "_MAX_DRAW_BYTES", 14 * 1000)  # 1,000 draws per block
    kw = dict(unit="u", time="t", value="y", window=4, effects="twoway", n_boot=2500)
    res = beta_panel(fourteen, **kw, seed=3)
    assert calls == [834, 833, 833] and res.n_boot == 2500
    again = beta_panel(fourteen, **kw, seed=3)
    pd.testing.assert_frame_equal(res.tidy(), again.tidy())
    # the pooled blocks estimate the exact (enumerated) bootstrap p-value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, p_exact, _, _, B = _wildboottest_reference(res.data, "twoway", 2**14 + 1, 1)
    assert B == 2**14
    assert res.p_value_wild == pytest.approx(p_exact, abs=4 * 0.5 / math.sqrt(2500))


def test_with_vcov_sets_what_tidy_and_the_table_report(mexico):
    """with_vcov("hc1"): tidy() (and so nanbei.table) reports HC1 standard errors, p-values and
    intervals, the same numbers as statsmodels' HC1 fit; the original result is unchanged."""
    _, long = mexico
    res = beta(long, unit="State", time="year", value="pcgdp", start=1940, end=2000)
    robust = res.with_vcov("hc1")
    assert res.vcov == "classical" and robust.vcov == "hc1"
    row = robust.tidy().set_index("term").loc["log_start"]
    assert row["std_error"] == pytest.approx(res.se_hc1, rel=1e-12)
    assert row["p_value"] == pytest.approx(res.p_value_hc1, rel=1e-12)
    assert (row["conf_low"], row["conf_high"]) == pytest.approx(res.conf_int_hc1, rel=1e-12)
    fit = sm.OLS(res.data["growth"], sm.add_constant(res.data["log_start"])).fit(cov_type="HC1")
    assert row["std_error"] == pytest.approx(float(fit.bse["log_start"]), rel=1e-10)
    classical = res.tidy().set_index("term").loc["log_start"]
    assert classical["std_error"] == pytest.approx(res.se, rel=1e-12)
    assert robust.tidy("classical").equals(res.tidy())  # an explicit choice still wins
    coef = robust.__maketables_coef_table__
    assert coef.loc["log_start", "se"] == pytest.approx(res.se_hc1, rel=1e-12)
    assert "HC1" in robust.vcov_label
    with pytest.raises(ValueError, match="vcov"):
        res.with_vcov("hc3")
