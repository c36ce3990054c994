"""Tests for nanbei.convergence.markov.

References: a hand-worked 4-unit example; ``giddy.markov.Markov`` with
``mapclassify.Quantiles`` classes on the Mexican state incomes shipped with
libpysal ('mexico'); the transition counts and steady states printed in
giddy's ``Markov`` docstring for US state per-capita incomes 1929-2009
(libpysal 'us_income', usjoin.csv; giddy 2.3 documentation); and
``giddy.mobility.markov_mobility`` for the Shorrocks index.
"""

from __future__ import annotations

import libpysal
import mapclassify as mc
import numpy as np
import pandas as pd
import pytest
from giddy.markov import Markov
from giddy.mobility import markov_mobility

from nanbei.convergence import markov


def _long_from_wide(wide: pd.DataFrame, id_col: str, cols: list[str], years: list[int]):
    long = wide.melt(id_vars=[id_col], value_vars=cols, var_name="year", value_name="y")
    long["year"] = long["year"].map(dict(zip(cols, years, strict=True))).astype(int)
    return long


@pytest.fixture(scope="module")
def mexico():
    wide = pd.read_csv(libpysal.examples.get_path("mexico.csv"))
    years = list(range(1940, 2010, 10))
    cols = [f"pcgdp{y}" for y in years]
    return wide[cols].to_numpy(dtype=float), _long_from_wide(wide, "State", cols, years)


@pytest.fixture(scope="module")
def usjoin():
    wide = pd.read_csv(libpysal.examples.get_path("usjoin.csv"))
    years = list(range(1929, 2010))
    cols = [str(y) for y in years]
    return wide[cols].to_numpy(dtype=float), _long_from_wide(wide, "Name", cols, years)


def test_hand_worked_two_classes():
    # 4 units, 3 periods, k = 2: median split each period (class 1 = top half).
    # period 1: a=1 b=2 c=3 d=4 -> a,b low; c,d high
    # period 2: a=5 b=1 c=2 d=6 -> b,c low; a,d high
    # period 3: a=3 b=4 c=1 d=2 -> c,d low; a,b high
    # moves 1->2: a L->H, b L->L, c H->L, d H->H;  2->3: a H->H, b L->H, c L->L, d H->L
    # counts: L->L 2, L->H 2, H->L 2, H->H 2  -> P = [[.5,.5],[.5,.5]],
    # steady state (1/2, 1/2), Shorrocks (2 - 1)/(2 - 1) = 1.
    df = pd.DataFrame(
        {
            "u": list("abcd") * 3,
            "t": np.repeat([1, 2, 3], 4),
            "y": [1, 2, 3, 4, 5, 1, 2, 6, 3, 4, 1, 2],
        }
    )
    res = markov(df, unit="u", time="t", value="y", k=2)
    np.testing.assert_array_equal(res.transitions.to_numpy(), [[2, 2], [2, 2]])
    np.testing.assert_allclose(res.p.to_numpy(), 0.5)
    np.testing.assert_allclose(res.steady_state.to_numpy(), [0.5, 0.5])
    assert res.mobility == pytest.approx(1.0)
    assert res.classes.loc[("a", 2)] == 1 and res.classes.loc[("b", 2)] == 0
    # median bounds by linear interpolation: period 1 -> 2.5, period 2 -> 3.5
    assert res.class_bounds.loc[1, "upper_0"] == pytest.approx(2.5)
    assert res.class_bounds.loc[2, "upper_0"] == pytest.approx(3.5)
    assert res.class_bounds.loc[2, "upper_1"] == pytest.approx(6.0)


def test_no_movement_gives_zero_mobility():
    df = pd.DataFrame(
        {
            "u": np.tile(range(6), 4),
            "t": np.repeat(range(4), 6),
            "y": np.tile([1.0, 2, 3, 4, 5, 6], 4) * np.repeat([1, 2, 3, 4], 6),
        }
    )
    res = markov(df, unit="u", time="t", value="y", k=3)
    np.testing.assert_allclose(res.p.to_numpy(), np.eye(3))
    assert res.mobility == 0.0
    assert any("not unique" in n for n in res.notes)  # identity chain: every class closed


@pytest.mark.parametrize("k", [3, 4, 5])
def test_per_period_matches_giddy_on_mexico(mexico, k):
    y, long = mexico
    ref = Markov(
        np.array([mc.Quantiles(y[:, t], k=k).yb for t in range(y.shape[1])]).T, summary=False
    )
    res = markov(long, unit="State", time="year", value="y", k=k)
    np.testing.assert_array_equal(res.transitions.to_numpy(), ref.transitions)
    np.testing.assert_allclose(res.p.to_numpy(), ref.p, rtol=1e-12)
    np.testing.assert_allclose(res.steady_state.to_numpy(), ref.steady_state, rtol=1e-8)
    assert res.mobility == pytest.approx(markov_mobility(ref.p, measure="P"), rel=1e-10)


def test_pooled_matches_giddy_on_mexico(mexico):
    y, long = mexico
    rel = y / y.mean(axis=0)
    ref = Markov(mc.Quantiles(rel.ravel(), k=5).yb.reshape(rel.shape), summary=False)
    res = markov(long, unit="State", time="year", value="y", k=5, classes="pooled")
    np.testing.assert_array_equal(res.transitions.to_numpy(), ref.transitions)
    np.testing.assert_allclose(res.steady_state.to_numpy(), ref.steady_state, rtol=1e-8)
    np.testing.assert_allclose(res.relative_bounds, mc.Quantiles(rel.ravel(), k=5).bins, rtol=1e-12)
    # bounds in levels are the relative bounds times each year's mean
    np.testing.assert_allclose(
        res.class_bounds.loc[1970].to_numpy(), res.relative_bounds * y[:, 3].mean(), rtol=1e-12
    )


def test_usjoin_matches_published_giddy_example(usjoin):
    # giddy.markov.Markov docstring (giddy 2.3), US per-capita income, 48 states,
    # 1929-2009, quintiles per year, and quintiles of incomes relative to the
    # yearly mean pooled over all years.
    _, long = usjoin
    res = markov(long, unit="Name", time="year", value="y", k=5)
    np.testing.assert_array_equal(
        res.transitions.to_numpy(),
        [
            [729, 71, 1, 0, 0],
            [72, 567, 80, 3, 0],
            [0, 81, 631, 86, 2],
            [0, 3, 86, 573, 56],
            [0, 0, 1, 57, 741],
        ],
    )
    np.testing.assert_allclose(
        res.steady_state.to_numpy(),
        [0.20774716, 0.18725774, 0.20740537, 0.18821787, 0.20937187],
        atol=1e-8,
    )
    pooled = markov(long, unit="Name", time="year", value="y", k=5, classes="pooled")
    np.testing.assert_array_equal(
        pooled.transitions.to_numpy(),
        [
            [707, 58, 7, 1, 0],
            [50, 629, 80, 1, 1],
            [4, 79, 610, 73, 2],
            [0, 7, 72, 650, 37],
            [0, 0, 0, 48, 724],
        ],
    )
    np.testing.assert_allclose(
        pooled.steady_state.to_numpy(),
        [0.17957376, 0.21631443, 0.21499942, 0.21134662, 0.17776576],
        atol=1e-8,
    )
    assert repr(pooled).startswith("<MarkovResult n_obs=3840: mobility=")
    assert "Shorrocks" in str(pooled.summary())
    frame = pooled.to_frame()
    assert frame["n_from"].sum() == 48 * 80
    np.testing.assert_allclose(frame[list(range(5))].sum(axis=1), 1.0)


def test_pooled_detects_convergence_in_simulation():
    # Relative log incomes shrink towards the mean (AR(1) coefficient 0.8, small
    # shocks), so units leave the tail classes for the middle ones: the steady
    # state puts far less mass on the two tail classes than the first period.
    rng = np.random.default_rng(0)
    n, T = 200, 12
    lr = rng.normal(0, 0.6, n)
    rows = []
    for t in range(T):
        rows.append(pd.DataFrame({"u": range(n), "t": t, "y": np.exp(9 + lr)}))
        lr = 0.8 * lr + rng.normal(0, 0.02, n)
    res = markov(pd.concat(rows), unit="u", time="t", value="y", k=5, classes="pooled")
    ss = res.steady_state.to_numpy()
    first = (
        res.classes.xs(0, level="t").value_counts(normalize=True).reindex(range(5), fill_value=0)
    )
    assert first[0] + first[4] > 0.6
    assert ss[0] + ss[4] < 0.1 and ss[1:4].sum() > 0.9
    # the per-period chain has uniform margins by construction and cannot show this
    per = markov(pd.concat(rows), unit="u", time="t", value="y", k=5)
    np.testing.assert_allclose(per.steady_state.to_numpy(), 0.2, atol=0.05)


@pytest.fixture
def panel():
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "u": np.tile(range(8), 3),
            "t": np.repeat([2000, 2001, 2002], 8),
            "y": rng.lognormal(9, 0.4, 24),
        }
    )


@pytest.mark.parametrize(
    ("mutate", "kwargs", "match"),
    [
        (lambda d: d, {"value": "gdp"}, "gdp"),
        (lambda d: d, {"classes": "global"}, "classes must be"),
        (lambda d: d, {"k": 1}, "k must be"),
        (lambda d: d, {"k": 9}, "at least 9 units"),
        (lambda d: d.iloc[1:], {}, "balanced"),
        (lambda d: pd.concat([d, d.iloc[[0]]]), {}, "duplicate"),
        (lambda d: d.assign(y=d["y"].where(d.index != 4)), {}, "missing values"),
        (
            lambda d: d.assign(y=d["y"].where(d.index != 4, -1.0)),
            {"classes": "pooled"},
            "strictly positive",
        ),
        (
            lambda d: d.assign(y=d["y"].where(d["t"] != 2001, 1.0)),
            {},
            "tied values in period\\(s\\) \\[2001\\]",
        ),
        (lambda d: d[d.t == 2000], {}, "at least 2 periods"),
    ],
)
def test_markov_bad_input_raises(panel, mutate, kwargs, match):
    args = {"unit": "u", "time": "t", "value": "y", **kwargs}
    with pytest.raises(ValueError, match=match):
        markov(mutate(panel), **args)


# --------------------------------------------------------------------------- uncertainty


def test_transition_probability_errors_and_wilson_intervals(usjoin):
    from statsmodels.stats.proportion import proportion_confint

    _, long = usjoin
    res = markov(long, unit="Name", time="year", value="y", k=5, alpha=0.1)
    tidy = res.tidy().set_index("term")
    counts = res.transitions.to_numpy()
    n = counts.sum(axis=1)
    for i, j in [(0, 0), (0, 1), (1, 3), (2, 4), (4, 0)]:
        row = tidy.loc[f"p[{i}->{j}]"]
        p = counts[i, j] / n[i]
        assert row["estimate"] == pytest.approx(p) and row["n_obs"] == n[i]
        assert row["count"] == counts[i, j]
        assert row["std_error"] == pytest.approx(np.sqrt(p * (1 - p) / n[i]), rel=1e-12)
        lo, hi = proportion_confint(counts[i, j], n[i], alpha=0.1, method="wilson")
        assert (row["conf_low"], row["conf_high"]) == pytest.approx((lo, hi), abs=1e-12)
    assert tidy.loc["mobility", "n_obs"] == 48 * 80


def _stationary(P):
    """Left eigenvector for the eigenvalue closest to 1, summing to 1 (numpy eig)."""
    w, v = np.linalg.eig(P.T)
    x = np.real(v[:, np.argmin(np.abs(w - 1))])
    return x / x.sum()


def test_steady_state_errors_match_a_numerical_delta_method(mexico):
    # Var(pi_j) = sum_i g_ij' Sigma_i g_ij with Sigma_i = (diag p_i - p_i p_i') / n_i and
    # g_ij the gradient of pi_j in row i, here by central finite differences.
    _, long = mexico
    res = markov(long, unit="State", time="year", value="y", k=3, classes="pooled")
    P = res.p.to_numpy()
    n = res.transitions.to_numpy().sum(axis=1)
    k, h = 3, 1e-6
    var = np.zeros(k)
    for i in range(k):
        grad = np.zeros((k, k))  # (c, j): d pi_j / d p_ic
        for c in range(k):
            up, down = P.copy(), P.copy()
            up[i, c] += h
            down[i, c] -= h
            grad[c] = (_stationary(up) - _stationary(down)) / (2 * h)
        sigma = (np.diag(P[i]) - np.outer(P[i], P[i])) / n[i]
        var += np.einsum("lj,lm,mj->j", grad, sigma, grad)
    np.testing.assert_allclose(res.steady_state_std_error().to_numpy(), np.sqrt(var), rtol=1e-5)
    d = np.diag(P)
    assert res.mobility_std_error() == pytest.approx(
        np.sqrt(np.sum(d * (1 - d) / n)) / (k - 1), rel=1e-12
    )


def test_steady_state_errors_match_simulation():
    # Rows of counts drawn from a known P: the spread of the estimated steady state
    # across draws must match the delta-method standard error at the truth.
    from nanbei.convergence.markov import MarkovResult, _steady_state

    P = np.array([[0.8, 0.15, 0.05], [0.1, 0.8, 0.1], [0.05, 0.25, 0.7]])
    n = np.array([400, 300, 200])
    rng = np.random.default_rng(0)

    def result(counts):
        Phat = counts / counts.sum(axis=1, keepdims=True)
        pi, _ = _steady_state(Phat)
        idx = pd.Index(range(3), name="class")
        return MarkovResult(
            transitions=pd.DataFrame(counts, index=idx, columns=idx),
            p=pd.DataFrame(Phat, index=idx, columns=idx),
            steady_state=pd.Series(pi, index=idx),
            mobility=0.0,
            class_bounds=pd.DataFrame(),
            classes=pd.Series(dtype=int),
            k=3,
            method="per_period",
            n_units=0,
            n_periods=0,
        )

    draws = np.array(
        [
            result(
                np.array([rng.multinomial(n[i], P[i]) for i in range(3)])
            ).steady_state.to_numpy()
            for _ in range(3000)
        ]
    )
    expected = result(P * n[:, None]).steady_state_std_error().to_numpy()
    np.testing.assert_allclose(draws.std(axis=0), expected, rtol=0.08)


def test_reducible_chain_has_no_steady_state_error():
    df = pd.DataFrame(
        {
            "u": np.tile(range(6), 4),
            "t": np.repeat(range(4), 6),
            "y": np.tile([1.0, 2, 3, 4, 5, 6], 4) * np.repeat([1, 2, 3, 4], 6),
        }
    )
    res = markov(df, unit="u", time="t", value="y", k=3)
    assert res.steady_state_std_error().isna().all()
    tidy = res.tidy().set_index("term")
    # nobody moves: P = I; Wilson intervals still bracket the observed 0 and 1
    assert tidy.loc["p[0->0]", "conf_low"] < 1 == tidy.loc["p[0->0]", "conf_high"]
