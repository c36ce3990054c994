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
    long = wide.melt(
        id_vars=["State", "hanson98"],
        value_vars=[f"pcgdp{y}" for y in YEARS],
        var_name="year",
        value_name="pcgdp",
    )
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
    df = pd.DataFrame({"u": ["a", "b", "c"], "t": 2000, "y": [1.0, 2.0, 3.0], "g": ["A", "A", "B"]})
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
    df = pd.DataFrame({"u": [1, 2], "t": 1, "y": [1.0, 3.0], "pop": [3.0, 1.0], "g": ["x", "y"]})
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
    np.testing.assert_allclose(out["gini"], [Gini(y[:, j]).g for j in range(len(YEARS))], rtol=1e-8)
    np.testing.assert_allclose(out["theil"], Theil(y).T, rtol=1e-8)
    td = TheilD(y, wide["hanson98"].to_numpy())
    np.testing.assert_allclose(out["theil_between"], td.bg, rtol=1e-8)
    np.testing.assert_allclose(out["theil_within"], td.wg, rtol=1e-8)
    np.testing.assert_allclose(out["cv"], variation(y, axis=0), rtol=1e-8)
    np.testing.assert_allclose(out["sd_log"], np.log(y).std(axis=0), rtol=1e-8)
    np.testing.assert_allclose(out["max_min"], y.max(axis=0) / y.min(axis=0), rtol=1e-12)
    # published values in inequality's Theil docstring (Mexico, 1940-2000)
    np.testing.assert_allclose(
        out["theil"],
        [0.20894344, 0.15222451, 0.10472941, 0.10194725, 0.09560113, 0.10511256, 0.10660832],
        atol=1e-8,
    )


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
    np.testing.assert_allclose(
        out["gini_w"], [Gini(y[:, j]).g for j in range(len(YEARS))], rtol=1e-8
    )
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
    np.testing.assert_allclose(out["theil_between"] + out["theil_within"], out["theil"], rtol=1e-12)
    np.testing.assert_allclose(
        out["theil_between_w"] + out["theil_within_w"], out["theil_w"], rtol=1e-12
    )
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
    return pd.DataFrame(
        {
            "u": [1, 2, 3, 1, 2, 3],
            "t": [1, 1, 1, 2, 2, 2],
            "y": [1.0, 2.0, 3.0, 2.0, 2.0, 5.0],
            "w": [1.0, 1.0, 2.0, 1.0, 1.0, 2.0],
            "g": list("aabaab"),
        }
    )


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


# --------------------------------------------------------------------------- Theil by weighting

from nanbei.convergence import TheilResult, theil_decomposition  # noqa: E402


def test_theil_weightings_match_inequality_theild(mexico):
    """Each weighting against pysal's TheilD: unweighted directly, integer weights through the
    replication identity (weight w_i = unit i repeated w_i times)."""
    wide, long = mexico
    rng = np.random.default_rng(11)
    pop = rng.integers(1, 7, size=len(wide))
    gdp = rng.integers(1, 7, size=len(wide))
    long = long.merge(pd.DataFrame({"State": wide["State"], "pop": pop, "gdp": gdp}), on="State")
    res = theil_decomposition(
        long,
        unit="State",
        time="year",
        value="pcgdp",
        group="hanson98",
        weights={"population-weighted": "pop", "GDP-weighted": "gdp", "unweighted": None},
    )
    assert isinstance(res, TheilResult)
    assert res.weightings == ["population-weighted", "GDP-weighted", "unweighted"]
    y = wide[[f"pcgdp{t}" for t in YEARS]].to_numpy(dtype=float)
    groups = wide["hanson98"].to_numpy()
    for label, w in (
        ("population-weighted", pop),
        ("GDP-weighted", gdp),
        ("unweighted", np.ones(len(wide), dtype=int)),
    ):
        rep = np.repeat(np.arange(len(wide)), w)
        td = TheilD(y[rep], groups[rep])
        np.testing.assert_allclose(res.component("total")[label], Theil(y[rep]).T, rtol=1e-8)
        np.testing.assert_allclose(res.component("between")[label], td.bg, rtol=1e-8)
        np.testing.assert_allclose(res.component("within")[label], td.wg, rtol=1e-8)
        np.testing.assert_allclose(
            res.shares()[label], np.asarray(td.bg) / Theil(y[rep]).T, rtol=1e-8
        )
    # the weightings really differ (the comparison is not vacuous)
    shares = res.shares()
    assert not np.allclose(shares["population-weighted"], shares["GDP-weighted"])


def test_theil_between_plus_within_is_total_for_every_weighting():
    rng = np.random.default_rng(3)
    n, years = 30, range(2000, 2008)
    df = pd.DataFrame([(i, t) for i in range(n) for t in years], columns=["u", "t"])
    df["y"] = rng.lognormal(10, 0.7, len(df))
    df["pop"] = rng.uniform(0.5, 9, len(df))
    df["gdp"] = df["y"] * df["pop"]
    df["g"] = np.where(df["u"] < 10, "Sunan", np.where(df["u"] < 18, "Suzhong", "Subei"))
    res = theil_decomposition(
        df, unit="u", time="t", value="y", group="g", weights=["pop", "gdp", None]
    )
    assert res.weightings == ["pop", "gdp", "unweighted"]
    t = res.table
    np.testing.assert_allclose(t["between"] + t["within"], t["total"], rtol=1e-12)
    assert ((t["between"] >= 0) & (t["within"] >= 0)).all()
    # each weighting equals sigma() with that weight (one code path for both)
    sig = sigma(df, unit="u", time="t", value="y", weight="gdp", group="g")
    np.testing.assert_allclose(res.component("total")["gdp"], sig["theil_w"], rtol=1e-14)
    np.testing.assert_allclose(
        res.component("between")["unweighted"], sig["theil_between"], rtol=1e-14
    )
    # population weights on per-capita values: T = sum_i s_i ln(s_i / p_i) (GDP and pop shares)
    sub = df[df["t"] == 2003]
    s_i, p_i = sub["gdp"] / sub["gdp"].sum(), sub["pop"] / sub["pop"].sum()
    assert res.component("total").loc[2003, "pop"] == pytest.approx(
        float((s_i * np.log(s_i / p_i)).sum()), rel=1e-12
    )


def test_theil_weighted_toy_closed_form():
    # y = (1, 2, 3), weights (1, 1, 2) -> p = (1/4, 1/4, 1/2), mu = 9/4; A = {1, 2}, B = {3}.
    # Group weight shares P_A = P_B = 1/2; income shares S_A = (3/4)/(9/4) = 1/3, S_B = 2/3.
    # between = (1/3) ln(2/3) + (2/3) ln(4/3)
    # within  = S_A T_A, T_A = Theil of (1, 2) with equal weights = (1/2)[(2/3)ln(2/3) + (4/3)ln(4/3)]
    df = pd.DataFrame(
        {
            "u": ["a", "b", "c"],
            "t": 2000,
            "y": [1.0, 2.0, 3.0],
            "w": [1.0, 1.0, 2.0],
            "g": ["A", "A", "B"],
        }
    )
    res = theil_decomposition(df, unit="u", time="t", value="y", group="g", weights={"w": "w"})
    row = res.table.iloc[0]
    t_a = 0.5 * ((2 / 3) * math.log(2 / 3) + (4 / 3) * math.log(4 / 3))
    between = (1 / 3) * math.log(2 / 3) + (2 / 3) * math.log(4 / 3)
    assert row["between"] == pytest.approx(between, rel=1e-12)
    assert row["within"] == pytest.approx(t_a / 3, rel=1e-12)
    assert row["total"] == pytest.approx(between + t_a / 3, rel=1e-12)
    # the same from the definition sum_i p_i r_i ln r_i
    p, y = np.array([0.25, 0.25, 0.5]), np.array([1.0, 2.0, 3.0])
    r = y / (p @ y)
    assert row["total"] == pytest.approx(float(np.sum(p * r * np.log(r))), rel=1e-12)


def test_theil_gdp_weights_two_units_closed_form():
    # y = (1, 3) with weights (1, 3): p = (1/4, 3/4), mu = 5/2, r = (2/5, 6/5);
    # T = (1/10) ln(2/5) + (9/10) ln(6/5); each unit its own group: all of it is between.
    df = pd.DataFrame({"u": [1, 2], "t": 1, "y": [1.0, 3.0], "gdp": [1.0, 3.0], "g": ["x", "y"]})
    res = theil_decomposition(
        df,
        unit="u",
        time="t",
        value="y",
        group="g",
        weights={"GDP-weighted": "gdp", "unweighted": None},
    )
    t = res.table.set_index("weighting")
    expected = 0.1 * math.log(2 / 5) + 0.9 * math.log(6 / 5)
    assert t.loc["GDP-weighted", "total"] == pytest.approx(expected, rel=1e-12)
    assert t.loc["GDP-weighted", "between_share"] == pytest.approx(1.0, rel=1e-12)
    assert t.loc["GDP-weighted", "within"] == pytest.approx(0.0, abs=1e-15)
    # unweighted: mu = 2, T = (1/2)[(1/2) ln(1/2) + (3/2) ln(3/2)]
    assert t.loc["unweighted", "total"] == pytest.approx(
        0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5)), rel=1e-12
    )


def test_theil_groups_with_equal_means_have_no_between_part():
    # both groups have mean 2 under every weighting with equal weights inside groups
    df = pd.DataFrame(
        {
            "u": list("abcd"),
            "t": 0,
            "y": [1.0, 3.0, 1.5, 2.5],
            "w": [2.0, 2.0, 5.0, 5.0],
            "g": ["A", "A", "B", "B"],
        }
    )
    res = theil_decomposition(
        df, unit="u", time="t", value="y", group="g", weights={"w": "w", "none": None}
    )
    assert np.allclose(res.table["between"], 0.0, atol=1e-15)
    assert np.allclose(res.table["within"], res.table["total"], rtol=1e-12)
    assert (res.share_range()["dominant"] == "within").all()


def test_theil_share_range_classifies_each_weighting():
    # the rich group's poor member carries the GDP weight: population weights put most of
    # Theil's T between the groups, GDP weights inside the rich group
    rows = []
    for t in (2004, 2005, 2006, 2007):
        rows += [
            ("r1", t, 10.0, 100.0, 1.0, "rich"),
            ("r2", t, 1.1, 1.0, 100.0, "rich"),
            ("p1", t, 1.0, 50.0, 1.0, "poor"),
            ("p2", t, 1.2, 50.0, 1.0, "poor"),
        ]
    df = pd.DataFrame(rows, columns=["u", "t", "y", "pop", "gdp", "g"])
    res = theil_decomposition(
        df, unit="u", time="t", value="y", group="g", weights={"pop": "pop", "gdp": "gdp"}
    )
    ranges = res.share_range(2005, 2006)
    assert list(ranges.index) == ["pop", "gdp"]
    assert ranges.loc["pop", "dominant"] == "between" and ranges.loc["gdp", "dominant"] == "within"
    assert (ranges["first"] == 2005).all() and (ranges["last"] == 2006).all()
    assert (ranges["n_periods"] == 2).all()
    assert ranges.loc["pop", "min"] <= ranges.loc["pop", "mean"] <= ranges.loc["pop", "max"]
    assert res.share_range(1990, 1995).empty
    assert len(res.share_range()) == 2 and res.share_range()["n_periods"].iloc[0] == 4


def test_theil_identical_values_have_no_share():
    df = pd.DataFrame({"u": list("abcd"), "t": 0, "y": 2.0, "g": list("AABB")})
    res = theil_decomposition(df, unit="u", time="t", value="y", group="g")
    assert res.table["total"].abs().max() < 1e-15
    assert res.shares()["unweighted"].isna().all()
    assert res.share_range().loc["unweighted", "dominant"] == "undefined"


def test_theil_share_range_mixed():
    # the between share crosses one half between the two periods
    df = pd.DataFrame(
        {
            "u": list("abcdabcd"),
            "t": [1] * 4 + [2] * 4,
            "y": [10.0, 9.0, 1.0, 1.1, 2.0, 8.0, 1.0, 6.0],
            "g": list("AABB") * 2,
        }
    )
    res = theil_decomposition(df, unit="u", time="t", value="y", group="g")
    shares = res.shares()["unweighted"]
    assert shares.loc[1] > 0.5 > shares.loc[2]
    assert res.share_range().loc["unweighted", "dominant"] == "mixed"


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ({}, "at least one weighting"),
        (["pop", "pop"], "given twice"),
        ({"a": 3}, "must name a weight column"),
        (42, "weights must map labels"),
        ({"a": "popn"}, "popn"),
    ],
)
def test_theil_bad_weights(small, weights, match):
    with pytest.raises(ValueError, match=match):
        theil_decomposition(
            small.rename(columns={"w": "pop"}),
            unit="u",
            time="t",
            value="y",
            group="g",
            weights=weights,
        )


def test_theil_bad_group(small):
    with pytest.raises(ValueError, match="group"):
        theil_decomposition(small, unit="u", time="t", value="y", group="")
    with pytest.raises(ValueError, match="region"):
        theil_decomposition(small, unit="u", time="t", value="y", group="region")


def test_theil_single_column_and_default(small):
    one = theil_decomposition(small, unit="u", time="t", value="y", group="g", weights="w")
    assert one.weightings == ["w"] and one.weights == {"w": "w"}
    default = theil_decomposition(small, unit="u", time="t", value="y", group="g")
    assert default.weights == {"unweighted": None}


def test_theil_result_surface(small, tmp_path):
    import pickle

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nanbei.results import TIDY_COLUMNS

    res = theil_decomposition(
        small,
        unit="u",
        time="t",
        value="y",
        group="g",
        weights={"weighted": "w", "unweighted": None},
    )
    tidy = res.tidy()
    assert list(tidy.columns[: len(TIDY_COLUMNS)]) == TIDY_COLUMNS
    assert len(tidy) == 2 * 2 * 4  # weightings x periods x components
    assert "between_share[weighted, 1]" in set(tidy["term"])
    assert tidy["std_error"].isna().all()
    summary = res.summary()
    assert "Between-group share" in str(summary) and "<table" in summary._repr_html_()
    assert r"\begin{tabular}" in summary.as_latex()
    ax = res.plot(highlight=(1, 2), highlight_label="study")
    assert [line.get_label() for line in ax.get_lines()][:2] == ["weighted", "unweighted"]
    assert ax.get_ylim() == (0, 1)
    assert res.plot(lang="zh").get_ylabel() == "组间差距占泰尔指数比重"
    plt.close("all")
    again = pickle.loads(pickle.dumps(res))
    pd.testing.assert_frame_equal(again.table, res.table)
    with pytest.raises(ValueError, match="unknown component"):
        res.component("gini")
