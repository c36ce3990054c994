"""Tests for nanbei.convergence.sigma.

References: hand-worked small cases (computation in the comments), pysal's
``inequality`` package (Gini, Theil, TheilD) on the Mexican state income data
shipped with libpysal (Rey and Sastre Gutierrez 2010, libpysal.examples
'mexico'), scipy.stats.variation, and the replication identity (integer
population weights = the same indices on a data set where each unit is repeated
``weight`` times).
"""

from __future__ import annotations

import math

import libpysal
import numpy as np
import pandas as pd
import pytest
from inequality.gini import Gini
from inequality.theil import Theil, TheilD
from scipy.stats import variation

from nanbei.convergence import sigma

YEARS = list(range(1940, 2010, 10))


@pytest.fixture(scope="module")
def mexico():
    """libpysal 'mexico': per-capita GDP of 32 Mexican states, 1940-2000 (offline)."""
    wide = pd.read_csv(libpysal.examples.get_path("mexico.csv"))
    long = wide.melt(id_vars=["State", "hanson98"], value_vars=[f"pcgdp{y}" for y in YEARS],
                     var_name="year", value_name="pcgdp")
    long["year"] = long["year"].str[5:].astype(int)
    return wide, long


def test_hand_three_units_with_groups():
    # y = (1, 2, 3), mu = 2, groups A = {1, 2}, B = {3}.
    # cv   = sqrt(((1-2)^2 + 0 + (3-2)^2) / 3) / 2 = sqrt(2/3) / 2
    # gini = sum_ij |y_i - y_j| / (2 n^2 mu) = 2*(1 + 2 + 1) / (2*9*2) = 2/9
    # theil = (1/3)[(1/2)ln(1/2) + 1 ln 1 + (3/2)ln(3/2)] = (1/2)ln 3 - (2/3)ln 2
    # between: income shares S_A = 3/6, S_B = 3/6, population shares 2/3, 1/3:
    #   (1/2)ln((1/2)/(2/3)) + (1/2)ln((1/2)/(1/3)) = (1/2)ln(9/8)
    # within: S_A * T_A + S_B * 0 with T_A = Theil(1, 2), mean 3/2:
    #   T_A = (1/2)[(2/3)ln(2/3) + (4/3)ln(4/3)];  within = T_A / 2
    df = pd.DataFrame({"u": ["a", "b", "c"], "t": 2000, "y": [1.0, 2.0, 3.0],
                       "g": ["A", "A", "B"]})
    out = sigma(df, unit="u", time="t", value="y", group="g")
    r = out.loc[2000]
    t_a = 0.5 * ((2 / 3) * math.log(2 / 3) + (4 / 3) * math.log(4 / 3))
    assert r["n"] == 3
    assert r["cv"] == pytest.approx(math.sqrt(2 / 3) / 2, rel=1e-12)
    assert r["gini"] == pytest.approx(2 / 9, rel=1e-12)
    assert r["theil"] == pytest.approx(0.5 * math.log(3) - (2 / 3) * math.log(2), rel=1e-12)
    assert r["max_min"] == pytest.approx(3.0)
    logs = np.log([1.0, 2.0, 3.0])
    assert r["sd_log"] == pytest.approx(math.sqrt(np.mean((logs - logs.mean()) ** 2)), rel=1e-12)
    assert r["theil_between"] == pytest.approx(0.5 * math.log(9 / 8), rel=1e-12)
    assert r["theil_within"] == pytest.approx(t_a / 2, rel=1e-12)


def test_hand_two_units_weighted():
    # y = (1, 3) per capita, population (3, 1) -> shares p = (3/4, 1/4), mu_w = 3/2.
    # cv_w  = sqrt(3/4 (1/2)^2 + 1/4 (3/2)^2) / (3/2) = sqrt(3/4) / (3/2) = 1/sqrt(3)
    # gini_w = sum_ij p_i p_j |y_i - y_j| / (2 mu_w) = 2 (3/4)(1/4) 2 / 3 = 1/4
    # theil_w: income shares s = (3/4 / (3/2), 3/4 / (3/2)) = (1/2, 1/2)
    #   sum s_i ln(s_i / p_i) = (1/2)ln(2/3) + (1/2)ln 2 = (1/2)ln(4/3)
    # Unweighted, mu = 2: cv = 1/2, gini = 2*2 / (2*4*2) = 1/4,
    #   theil = (1/2)[(1/2)ln(1/2) + (3/2)ln(3/2)]
    df = pd.DataFrame({"u": [1, 2], "t": 1, "y": [1.0, 3.0], "pop": [3.0, 1.0],
                       "g": ["x", "y"]})
    r = sigma(df, unit="u", time="t", value="y", weight="pop", group="g").loc[1]
    assert r["cv_w"] == pytest.approx(1 / math.sqrt(3), rel=1e-12)
    assert r["gini_w"] == pytest.approx(0.25, rel=1e-12)
    assert r["theil_w"] == pytest.approx(0.5 * math.log(4 / 3), rel=1e-12)
    assert r["cv"] == pytest.approx(0.5, rel=1e-12)
    assert r["gini"] == pytest.approx(0.25, rel=1e-12)
    assert r["theil"] == pytest.approx(0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5)))
    # each unit is its own group: everything is between-group inequality
    assert r["theil_between_w"] == pytest.approx(r["theil_w"], rel=1e-12)
    assert r["theil_within_w"] == pytest.approx(0.0, abs=1e-15)


def test_mexico_matches_inequality_package(mexico):
    wide, long = mexico
    out = sigma(long, unit="State", time="year", value="pcgdp", group="hanson98")
    y = wide[[f"pcgdp{t}" for t in YEARS]].to_numpy(dtype=float)
    assert out.index.tolist() == YEARS
    assert (out["n"] == 32).all()
    np.testing.assert_allclose(out["gini"], [Gini(y[:, j]).g for j in range(len(YEARS))],
                               rtol=1e-8)
    np.testing.assert_allclose(out["theil"], Theil(y).T, rtol=1e-8)
    td = TheilD(y, wide["hanson98"].to_numpy())
    np.testing.assert_allclose(out["theil_between"], td.bg, rtol=1e-8)
    np.testing.assert_allclose(out["theil_within"], td.wg, rtol=1e-8)
    np.testing.assert_allclose(out["cv"], variation(y, axis=0), rtol=1e-8)
    np.testing.assert_allclose(out["sd_log"], np.log(y).std(axis=0), rtol=1e-8)
    np.testing.assert_allclose(out["max_min"], y.max(axis=0) / y.min(axis=0), rtol=1e-12)
    # published values in inequality's Theil docstring (Mexico, 1940-2000)
    np.testing.assert_allclose(out["theil"], [0.20894344, 0.15222451, 0.10472941, 0.10194725,
                                              0.09560113, 0.10511256, 0.10660832], atol=1e-8)


def test_weighted_equals_replicated_units(mexico):
    # Integer weights w_i are equivalent to repeating unit i w_i times; the
    # unweighted indices of the replicated data come from `inequality`.
    wide, long = mexico
    rng = np.random.default_rng(7)
    w = rng.integers(1, 6, size=len(wide))
    long = long.merge(pd.DataFrame({"State": wide["State"], "pop": w}), on="State")
    out = sigma(long, unit="State", time="year", value="pcgdp", weight="pop", group="hanson98")
    rep = np.repeat(np.arange(len(wide)), w)
    y = wide[[f"pcgdp{t}" for t in YEARS]].to_numpy(dtype=float)[rep]
    groups = wide["hanson98"].to_numpy()[rep]
    np.testing.assert_allclose(out["gini_w"], [Gini(y[:, j]).g for j in range(len(YEARS))],
                               rtol=1e-8)
    np.testing.assert_allclose(out["theil_w"], Theil(y).T, rtol=1e-8)
    np.testing.assert_allclose(out["cv_w"], variation(y, axis=0), rtol=1e-8)
    td = TheilD(y, groups)
    np.testing.assert_allclose(out["theil_between_w"], td.bg, rtol=1e-8)
    np.testing.assert_allclose(out["theil_within_w"], td.wg, rtol=1e-8)
    # weights change the answer (the test is not vacuous)
    assert not np.allclose(out["gini_w"], out["gini"])


def test_decomposition_adds_up_on_random_data():
    rng = np.random.default_rng(1)
    n, years = 40, range(2000, 2006)
    df = pd.DataFrame([(i, t) for i in range(n) for t in years], columns=["u", "t"])
    df["y"] = rng.lognormal(10, 0.6, len(df))
    df["pop"] = rng.uniform(0.5, 5, len(df))
    df["g"] = df["u"] % 3
    out = sigma(df, unit="u", time="t", value="y", weight="pop", group="g")
    np.testing.assert_allclose(out["theil_between"] + out["theil_within"], out["theil"],
                               rtol=1e-12)
    np.testing.assert_allclose(out["theil_between_w"] + out["theil_within_w"], out["theil_w"],
                               rtol=1e-12)
    # the population-weighted Gini against the O(n^2) definition
    sub = df[df.t == 2003]
    p = (sub["pop"] / sub["pop"].sum()).to_numpy()
    y = sub["y"].to_numpy()
    g = (p[:, None] * p[None, :] * np.abs(y[:, None] - y[None, :])).sum() / (2 * p @ y)
    assert out.loc[2003, "gini_w"] == pytest.approx(g, rel=1e-12)


def test_unbalanced_periods_use_units_present(mexico):
    _, long = mexico
    cut = long[~((long["year"] == 1970) & long["State"].isin(["Campeche", "Tabasco"]))]
    out = sigma(cut, unit="State", time="year", value="pcgdp")
    assert out.loc[1970, "n"] == 30 and out.loc[1960, "n"] == 32
    y70 = cut.loc[cut["year"] == 1970, "pcgdp"].to_numpy()
    assert out.loc[1970, "gini"] == pytest.approx(Gini(y70).g, rel=1e-10)


@pytest.fixture
def small():
    return pd.DataFrame({"u": [1, 2, 3, 1, 2, 3], "t": [1, 1, 1, 2, 2, 2],
                         "y": [1.0, 2.0, 3.0, 2.0, 2.0, 5.0],
                         "w": [1.0, 1.0, 2.0, 1.0, 1.0, 2.0], "g": list("aabaab")})


@pytest.mark.parametrize(
    ("mutate", "kwargs", "match"),
    [
        (lambda d: d, {"value": "gdp"}, "gdp"),
        (lambda d: d, {"weight": "popn"}, "popn"),
        (lambda d: d, {"group": "region"}, "region"),
        (lambda d: pd.concat([d, d.iloc[[0]]]), {}, "duplicate"),
        (lambda d: d.assign(y=d["y"].where(d.index != 2)), {}, "missing values"),
        (lambda d: d.assign(y=d["y"].where(d.index != 2, 0.0)), {}, "strictly positive"),
        (lambda d: d.assign(y=d["y"].where(d.index != 2, -1.0)), {}, "strictly positive"),
        (lambda d: d.assign(w=d["w"].where(d.index != 1, 0.0)), {"weight": "w"}, "'w'"),
        (lambda d: d.assign(g=d["g"].where(d.index != 1)), {"group": "g"}, "group column 'g'"),
        (lambda d: d.assign(y=d["y"].astype(str).where(d.index != 1, "n/a")), {}, "numeric"),
        (lambda d: d[(d.t == 1) | (d.u == 1)], {}, "fewer than 2 units"),
        (lambda d: d[d.u == 1], {}, "at least 2 units"),
    ],
)
def test_bad_input_raises(small, mutate, kwargs, match):
    args = {"unit": "u", "time": "t", "value": "y", **kwargs}
    with pytest.raises(ValueError, match=match):
        sigma(mutate(small), **args)
