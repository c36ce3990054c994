"""nanbei.employment's methods against hand-worked examples, identities, simulated data and second
implementations (statsmodels, pyfixest, nanbei.effects, brute force)."""

from __future__ import annotations

import itertools
import math
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from nanbei import employment as em  # noqa: E402
from nanbei.results import TIDY_COLUMNS  # noqa: E402


# ----------------------------------------------------------------------------- segments
def test_stable_segments_cut_at_breaks_and_ignore_outside_ones():
    assert em.stable_segments(1998, 2020, [1998, 2013]) == [(1998, 2012), (2013, 2020)]
    assert em.stable_segments(2006, 2020, [1990, 2013, 2030]) == [(2006, 2012), (2013, 2020)]
    assert em.stable_segments(2000, 2005) == [(2000, 2005)]
    with pytest.raises(ValueError, match="after end"):
        em.stable_segments(2005, 2000)


def test_segment_periods_split_at_policy_year():
    segs = [(1998, 2012), (2013, 2019)]
    assert em.segment_periods(segs, 2006) == {
        "1998–2006": (1998, 2006),
        "2006–2012": (2006, 2012),
        "2013–2019": (2013, 2019),
    }
    assert em.segment_periods(segs, 2006, shared_endpoint=False) == {
        "1998–2005": (1998, 2005),
        "2006–2012": (2006, 2012),
        "2013–2019": (2013, 2019),
    }
    assert em.segment_periods([(2012, 2012), (2013, 2015)]) == {"2013–2015": (2013, 2015)}


# ----------------------------------------------------------------------------- shift-share
def _hand_panel():
    """Two sectors, one unit.  t0: A Y=10 L=10 (p=1), B Y=30 L=10 (p=3): P=2, S=(.5,.5).
    t1: A Y=12 L=8 (p=1.5), B Y=60 L=12 (p=5): P=3.6, S=(.4,.6).
    within = .5*.5 + .5*2 = 1.25; static = 1*(-.1) + 3*(.1) = 0.2;
    dynamic = .5*(-.1) + 2*(.1) = 0.15; total = 1.6."""
    return pd.DataFrame(
        {
            "u": "x",
            "t": [0, 0, 1, 1],
            "s": ["A", "B", "A", "B"],
            "y": [10.0, 30, 12, 60],
            "l": [10.0, 10, 8, 12],
        }
    )


def test_shift_share_hand_worked_example():
    res = em.shift_share(
        _hand_panel(), unit="u", time="t", sector="s", value_added="y", employment="l"
    )
    row = res.table.iloc[0]
    assert row["p_start"] == pytest.approx(2.0)
    assert row["p_end"] == pytest.approx(3.6)
    assert row["within"] == pytest.approx(1.25)
    assert row["static"] == pytest.approx(0.2)
    assert row["dynamic"] == pytest.approx(0.15)
    assert row["change"] == pytest.approx(1.6)
    assert row["within_pct"] == pytest.approx(62.5)
    assert em.dominant_component(row) == "within"


def _random_panel(rng, units=4, times=(2000, 2005, 2010), sectors=("a", "b", "c"), groups=2):
    rows = []
    for u in range(units):
        for t in times:
            for s in sectors:
                rows.append(
                    {
                        "u": u,
                        "g": f"G{u % groups}",
                        "t": t,
                        "s": s,
                        "y": rng.uniform(1, 100),
                        "l": rng.uniform(1, 50),
                    }
                )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", range(5))
def test_shift_share_parts_sum_to_the_total_and_match_mcmillan_rodrik(seed):
    rng = np.random.default_rng(seed)
    df = _random_panel(rng)
    res = em.shift_share(
        df,
        unit="u",
        time="t",
        sector="s",
        value_added="y",
        employment="l",
        periods=[(2000, 2005), (2005, 2010), (2000, 2010)],
    )
    t = res.table
    np.testing.assert_allclose(t["within"] + t["static"] + t["dynamic"], t["change"], rtol=1e-12)
    np.testing.assert_allclose(
        t["within_pct"] + t["static_pct"] + t["dynamic_pct"], t["change_pct"]
    )
    # McMillan & Rodrik's two terms from scratch: Σ θ0 Δp + Σ p1 Δθ.
    for _, r in t.iterrows():
        a = df[(df["u"] == r["unit"]) & (df["t"] == r["start"])].set_index("s")
        b = df[(df["u"] == r["unit"]) & (df["t"] == r["end"])].set_index("s")
        p0, p1 = a["y"] / a["l"], b["y"] / b["l"]
        th0, th1 = a["l"] / a["l"].sum(), b["l"] / b["l"].sum()
        assert (th0 * (p1 - p0)).sum() == pytest.approx(r["within"])
        assert (p1 * (th1 - th0)).sum() == pytest.approx(r["static"] + r["dynamic"])


def test_shift_share_group_equals_presummed_data():
    df = _random_panel(np.random.default_rng(7))
    grouped = em.shift_share(
        df,
        unit="u",
        time="t",
        sector="s",
        value_added="y",
        employment="l",
        group="g",
        periods=[(2000, 2010)],
    ).table.set_index("unit")
    summed = df.groupby(["g", "t", "s"], as_index=False)[["y", "l"]].sum()
    direct = em.shift_share(
        summed,
        unit="g",
        time="t",
        sector="s",
        value_added="y",
        employment="l",
        periods=[(2000, 2010)],
    ).table.set_index("unit")
    pd.testing.assert_frame_equal(
        grouped.drop(columns="n_members"), direct.drop(columns="n_members")
    )
    assert grouped["n_members"].tolist() == [2, 2]


def test_shift_share_group_drops_incomplete_members_and_says_so():
    df = _random_panel(np.random.default_rng(3))
    df.loc[(df["u"] == 1) & (df["t"] == 2010) & (df["s"] == "b"), "l"] = np.nan
    res = em.shift_share(
        df,
        unit="u",
        time="t",
        sector="s",
        value_added="y",
        employment="l",
        group="g",
        periods=[(2000, 2005), (2000, 2010)],
    )
    assert res.dropped.to_dict("records") == [
        {"group": "G1", "unit": 1, "start": 2000, "end": 2010}
    ]
    n = res.table.set_index(["unit", "end"])["n_members"]
    assert n[("G1", 2005)] == 2 and n[("G1", 2010)] == 1
    with pytest.raises(ValueError, match=r"missing y or l for u 1, t 2010, s 'b'"):
        em.shift_share(df, unit="u", time="t", sector="s", value_added="y", employment="l")


@pytest.mark.parametrize(
    "edit,message",
    [
        (
            lambda d: d.assign(l=np.where((d["t"] == 1) & (d["s"] == "A"), -8.0, d["l"])),
            r"negative l \(-8.0\) for u x, t 1, s 'A'",
        ),
        (
            lambda d: d[~((d["t"] == 1) & (d["s"] == "B"))],
            r"u x in 1 has no row for sector\(s\) \['B'\]",
        ),
        (
            lambda d: d.assign(l=np.where((d["t"] == 0) & (d["s"] == "B"), 0.0, d["l"])),
            r"zero l for u x, t 0, s 'B'",
        ),
        (lambda d: pd.concat([d, d.iloc[[0]]]), r"duplicate rows for u x, t 0, s 'A'"),
        (lambda d: d.drop(columns="y"), r"column\(s\) \['y'\] not found"),
    ],
)
def test_shift_share_bad_inputs_name_unit_period_and_sector(edit, message):
    with pytest.raises(ValueError, match=message):
        em.shift_share(
            edit(_hand_panel()), unit="u", time="t", sector="s", value_added="y", employment="l"
        )


def test_shift_share_unknown_period_and_result_surface():
    df = _hand_panel()
    with pytest.raises(ValueError, match=r"no data for t \[5\]"):
        em.shift_share(
            df, unit="u", time="t", sector="s", value_added="y", employment="l", periods=[(0, 5)]
        )
    res = em.shift_share(df, unit="u", time="t", sector="s", value_added="y", employment="l")
    tidy = res.tidy()
    assert list(tidy.columns[:8]) == TIDY_COLUMNS and len(tidy) == 4
    assert tidy.set_index("component").loc["static", "estimate"] == pytest.approx(0.2)
    assert "de Vries" in str(res.summary())
    assert res.plot(lang="zh") is not None


def test_shift_share_phrase_reads_the_numbers():
    row = {
        "unit": "Subei",
        "start": 2013,
        "end": 2019,
        "change_pct": 104.4,
        "within_pct": 126.3,
        "static_pct": 2.3,
        "dynamic_pct": -24.2,
        "within": 34.4,
        "static": 0.6,
        "dynamic": -6.6,
    }
    text = em.shift_share_phrase(row)
    assert "rose by 104%" in text and "within sectors contributed most (+126 points)" in text
    assert "reallocation between sectors lowered it (-22 points)" in text
    row.update(
        change_pct=-5, within_pct=-8, static_pct=2, dynamic_pct=1, within=-8, static=2, dynamic=1
    )
    assert "fell by 5%" in em.shift_share_phrase(
        row
    ) and "added +3 points" in em.shift_share_phrase(row)


# ----------------------------------------------------------------------------- sector panel
def _city_panel():
    return pd.DataFrame(
        {
            "city_code": [1, 1, 2, 2],
            "region": ["R", "R", "R", "R"],
            "year": [2000, 2001, 2000, 2001],
            "employment": [10.0, 12, 20, 22],
            "gdp_primary": [1.0, 1, 2, 2],
            "gdp_secondary": [5.0, 6, 8, 9],
            "gdp_tertiary": [4.0, 5, 6, 7],
            "emp_share_primary": [10.0, 10, 5, 5],
            "emp_share_secondary": [50.0, 45, 55, 50],
            "emp_share_tertiary": [40.0, 45, 40, 45],
        }
    )


def test_sector_panel_by_hand():
    out = em.sector_panel(_city_panel(), prices="nominal")
    r = out[(out["city_code"] == 2) & (out["year"] == 2001) & (out["sector"] == "secondary")].iloc[
        0
    ]
    assert r["value_added"] == 9 and r["employment"] == pytest.approx(11.0)  # 50% of 22
    assert len(out) == 12


@pytest.mark.parametrize(
    "edit,message",
    [
        ({"emp_share_tertiary": [40.0, 45, 40, 60]}, r"city 2 in 2001 sum to 115.0, not about 100"),
        ({"employment": [10.0, -12, 20, 22]}, r"negative employment \(-12.0\) for city 1 in 2001"),
    ],
)
def test_sector_panel_rejects_bad_shares_and_negative_employment(edit, message):
    with pytest.raises(ValueError, match=message):
        em.sector_panel(_city_panel().assign(**edit), prices="nominal")


# ----------------------------------------------------------------------------- elasticity
def _sim_elasticity(beta=0.6, units=12, years=range(2000, 2015), seed=1, jump=None):
    rng = np.random.default_rng(seed)
    rows = []
    a = rng.normal(0, 1, units)
    g = rng.normal(0, 0.1, len(years)).cumsum()
    trend = rng.normal(0.08, 0.04, units)
    for i in range(units):
        lx = rng.normal(0, 0.3) + trend[i] * np.arange(len(years)) + rng.normal(0, 0.05, len(years))
        for k, t in enumerate(years):
            ly = a[i] + g[k] + beta * lx[k] + rng.normal(0, 0.05)
            if jump is not None and t >= jump:
                # a change of definition that widens the count more where output grows faster
                ly += 0.3 + 8 * (trend[i] - trend.mean())
            rows.append(
                {
                    "unit": i,
                    "year": t,
                    "emp": math.exp(ly),
                    "out": math.exp(lx[k]),
                    "grp": "A" if i % 2 else "B",
                }
            )
    return pd.DataFrame(rows)


def test_elasticity_recovers_a_known_parameter():
    df = _sim_elasticity(beta=0.6, units=30)
    res = em.employment_elasticity(df, unit="unit", time="year", employment="emp", output="out")
    row = res.table.iloc[0]
    assert row["estimate"] == pytest.approx(0.6, abs=0.05)
    assert row["conf_low"] < 0.6 < row["conf_high"]
    assert row["n_clusters"] == 30 and row["n_obs"] == 30 * 15


def test_elasticity_matches_pyfixest_and_statsmodels():
    pf = pytest.importorskip("pyfixest")
    import statsmodels.formula.api as smf

    df = _sim_elasticity(beta=0.4, units=8)
    res = em.employment_elasticity(df, unit="unit", time="year", employment="emp", output="out")
    row = res.table.iloc[0]
    d = df.assign(ly=np.log(df["emp"]), lx=np.log(df["out"]))
    fit = pf.feols(
        "ly ~ lx | unit + year",
        data=d,
        vcov={"CRV1": "unit"},
        ssc=pf.ssc(k_adj=True, k_fixef="nonnested", G_adj=True),
    )
    assert row["estimate"] == pytest.approx(float(fit.coef()["lx"]), rel=1e-9)
    assert row["std_error"] == pytest.approx(float(fit.se()["lx"]), rel=1e-9)
    ols = smf.ols("ly ~ lx + C(unit) + C(year)", data=d).fit()
    assert row["estimate"] == pytest.approx(ols.params["lx"], rel=1e-9)


def test_elasticity_matches_the_wild_bootstrap_cr1_and_adds_its_p_value():
    df = _sim_elasticity(beta=0.5, units=5, years=range(2000, 2008))
    res = em.employment_elasticity(
        df, unit="unit", time="year", employment="emp", output="out", n_boot=999
    )
    row = res.table.iloc[0]
    from nanbei.effects import wild_cluster_bootstrap

    d = df.assign(ly=np.log(df["emp"]), lx=np.log(df["out"]))
    wb = wild_cluster_bootstrap(
        d,
        y="ly",
        x="lx",
        fe=["unit", "year"],
        param="lx",
        cluster="unit",
        n_boot=999,
        weights="webb",
        seed=0,
    )
    assert row["estimate"] == pytest.approx(wb.estimate, rel=1e-9)
    assert row["std_error"] == pytest.approx(wb.se, rel=1e-9)
    assert row["p_value_wild"] == pytest.approx(wb.p_value)
    assert not row["wild_enumerated"] and row["wild_draws"] == 999  # 6**5 Webb vectors > 999
    enumerated = em.employment_elasticity(
        df, unit="unit", time="year", employment="emp", output="out", n_boot=9999
    ).table.iloc[0]
    assert enumerated["wild_enumerated"] and enumerated["wild_draws"] == 6**5
    assert res.n_clusters == 5


def test_a_common_deflator_does_not_change_the_elasticity():
    df = _sim_elasticity()
    price = {y: 1.03 ** (y - 2000) for y in df["year"].unique()}
    real = df.assign(out=df["out"] / df["year"].map(price))
    a = em.employment_elasticity(df, unit="unit", time="year", employment="emp", output="out")
    b = em.employment_elasticity(real, unit="unit", time="year", employment="emp", output="out")
    assert a.table["estimate"].iloc[0] == pytest.approx(b.table["estimate"].iloc[0], rel=1e-10)
    assert a.table["std_error"].iloc[0] == pytest.approx(b.table["std_error"].iloc[0], rel=1e-10)


def test_breaks_split_unit_effects_like_segment_dummies():
    import statsmodels.formula.api as smf

    df = _sim_elasticity(beta=0.6, units=10, jump=2008)
    naive = em.employment_elasticity(df, unit="unit", time="year", employment="emp", output="out")
    split = em.employment_elasticity(
        df, unit="unit", time="year", employment="emp", output="out", breaks=[2008]
    )
    d = df.assign(ly=np.log(df["emp"]), lx=np.log(df["out"]), seg=(df["year"] >= 2008).astype(int))
    ols = smf.ols("ly ~ lx + C(unit):C(seg) + C(year)", data=d).fit()
    assert split.table["estimate"].iloc[0] == pytest.approx(ols.params["lx"], rel=1e-8)
    assert split.table["breaks_crossed"].iloc[0] == "2008"
    assert abs(split.table["estimate"].iloc[0] - 0.6) < abs(naive.table["estimate"].iloc[0] - 0.6)


def test_elasticity_by_group_and_period_and_bad_inputs():
    df = _sim_elasticity(units=8)
    res = em.employment_elasticity(
        df,
        unit="unit",
        time="year",
        employment="emp",
        output="out",
        group="grp",
        periods={"early": (2000, 2006), "late": (2007, 2014)},
    )
    assert set(zip(res.table["group"], res.table["period"], strict=True)) == {
        ("A", "early"),
        ("A", "late"),
        ("B", "early"),
        ("B", "late"),
    }
    assert (res.table["n_clusters"] == 4).all()
    assert list(res.tidy().columns[:8]) == TIDY_COLUMNS
    assert "few clusters" in str(res.summary())
    assert res.plot() is not None
    bad = df.copy()
    bad.loc[3, "emp"] = 0.0
    with pytest.raises(ValueError, match=r"emp must be positive .* unit 0, year 2003"):
        em.employment_elasticity(bad, unit="unit", time="year", employment="emp", output="out")
    one = df[df["unit"] == 0]
    single = em.employment_elasticity(one, unit="unit", time="year", employment="emp", output="out")
    assert np.isnan(single.table["estimate"].iloc[0])


@pytest.mark.parametrize(
    "est,lo,hi,expected",
    [
        (-0.5, -0.9, -0.1, "negative"),
        (1.5, 1.2, 1.8, "above one"),
        (0.5, 0.2, 0.8, "between zero and one"),
        (0.2, -0.3, 0.7, "below one, not distinguishable from zero"),
        (0.8, -0.1, 1.7, "not distinguishable from zero or one"),
        (1.1, 0.4, 1.8, "positive, not distinguishable from one"),
        (np.nan, np.nan, np.nan, "not estimable"),
    ],
)
def test_elasticity_phrase(est, lo, hi, expected):
    assert em.elasticity_phrase(est, lo, hi) == expected


# ----------------------------------------------------------------------------- permutation test
def test_permutation_test_hand_worked():
    # diffs of the 6 assignments of 2 of [1,2,3,4]: -2, -1, 0, 0, 1, 2; observed {3,4}: 2.
    res = em.permutation_test([1, 2, 3, 4], [False, False, True, True])
    assert res.observed == 2 and res.exact and res.n_assignments == 6
    assert res.p_value == pytest.approx(2 / 6)
    assert em.permutation_test(
        [1, 2, 3, 4], [0, 0, 1, 1], alternative="greater"
    ).p_value == pytest.approx(1 / 6)
    assert em.permutation_test(
        [1, 2, 3, 4], [0, 0, 1, 1], alternative="less"
    ).p_value == pytest.approx(1.0)


def test_permutation_test_against_brute_force_and_welch():
    from scipy import stats

    rng = np.random.default_rng(5)
    v = rng.normal(size=11)
    t = np.zeros(11, bool)
    t[[0, 3, 4, 9]] = True
    res = em.permutation_test(v, t, statistic="welch_t")
    assert res.observed == pytest.approx(stats.ttest_ind(v[t], v[~t], equal_var=False).statistic)
    count = total = 0
    for idx in itertools.combinations(range(11), 4):
        m = np.zeros(11, bool)
        m[list(idx)] = True
        s = stats.ttest_ind(v[m], v[~m], equal_var=False).statistic
        count += abs(s) >= abs(res.observed) - 1e-12
        total += 1
    assert res.n_assignments == total and res.p_value == pytest.approx(count / total)
    drawn = em.permutation_test(v, t, statistic="welch_t", exact_limit=10, n_perm=20000, seed=1)
    assert not drawn.exact and drawn.p_value == pytest.approx(res.p_value, abs=0.015)


def test_permutation_test_equals_effects_randomization_inference_on_two_periods():
    from nanbei.effects import randomization_inference

    rng = np.random.default_rng(2)
    n = 9
    change = rng.normal(size=n)
    treated = np.zeros(n, bool)
    treated[[1, 4, 6]] = True
    ours = em.permutation_test(change, treated)
    panel = pd.DataFrame({"unit": np.repeat(range(n), 2), "year": np.tile([2010, 2020], n)})
    level = rng.normal(size=n)
    panel["y"] = np.repeat(level, 2) + np.where(panel["year"] == 2020, np.repeat(change, 2), 0)
    panel["d"] = ((panel["year"] == 2020) & panel["unit"].isin(np.flatnonzero(treated))).astype(int)
    ri = randomization_inference(
        panel, unit="unit", time="year", treatment="d", outcome="y", statistic="coef", n_perm=9999
    )
    assert ri.p_value == pytest.approx(ours.p_value)
    assert ours.observed == pytest.approx(change[treated].mean() - change[~treated].mean())


def test_permutation_test_bad_inputs():
    with pytest.raises(ValueError, match="at least 2 treated"):
        em.permutation_test([1.0, 2, 3], [1, 0, 0], statistic="welch_t")
    with pytest.raises(ValueError, match="finite"):
        em.permutation_test([1.0, np.nan, 3], [1, 0, 0])
    with pytest.raises(ValueError, match="statistic must be"):
        em.permutation_test([1.0, 2, 3], [1, 0, 0], statistic="median")


def test_misclassification_bounds_against_brute_force():
    rng = np.random.default_rng(4)
    v = rng.normal(size=9)
    t = np.array([1, 0, 0, 1, 0, 0, 1, 0, 0], bool)
    bounds = em.misclassification_bounds(v, t, max_moved=3).set_index("m")
    others = np.flatnonzero(~t)
    for m in range(4):
        diffs = []
        for moved in itertools.combinations(others, m):
            tt = t.copy()
            tt[list(moved)] = True
            diffs.append(v[tt].mean() - v[~tt].mean())
        assert bounds.loc[m, "low"] == pytest.approx(min(diffs))
        assert bounds.loc[m, "high"] == pytest.approx(max(diffs))


@pytest.mark.parametrize(
    "est,p,expected",
    [
        (
            3.8,
            0.04,
            "3.8 percentage points more than that of the other units (randomization p = 0.040): "
            "distinguishable",
        ),
        (
            -1.2,
            0.5,
            "1.2 percentage points less than that of the other units (randomization p = 0.500): "
            "not distinguishable",
        ),
    ],
)
def test_host_difference_phrase(est, p, expected):
    assert expected in em.host_difference_phrase(est, p)


# ----------------------------------------------------------------------------- jobs claim wording
def _ctx(**kw):
    base = {
        "claimed": 70.0,
        "region": "Subei",
        "segments": ["2006–2012", "2013–2020"],
        "growth_within_segments": 100.0,
        "host_secondary_change_est": 5.0,
        "other_secondary_change_est": -2.0,
        "city_cuts": [],
        "growth_within_city_segments": np.nan,
    }
    base.update(kw)
    return base


@pytest.mark.parametrize(
    "kw,expected",
    [
        ({}, "The claim equals 70% of Subei's measured growth"),
        (
            {"growth_within_segments": 50.0},
            "The claim is larger than all of Subei's measured growth",
        ),
        ({"growth_within_segments": -70.7}, "did not grow within its comparable segments"),
        ({"growth_within_segments": np.nan}, "cannot be followed within comparable segments"),
        ({"host_secondary_change_est": -32.1}, "park-host units fell by 32.1 万"),
        ({"host_secondary_change_est": 5.0}, "park-host units rose by 5.0 万"),
        (
            {
                "growth_within_segments": -70.7,
                "growth_within_city_segments": 10.0,
                "city_cuts": ["1:2019"],
                "city_threshold": 0.15,
            },
            "gives +10.0 万, the opposite sign",
        ),
    ],
)
def test_jobs_claim_verdict_branches(kw, expected):
    text = em.jobs_claim_verdict(_ctx(**kw))
    assert expected in text
    assert "can attribute jobs to the parks: that needs" in text


def test_within_segment_change_by_hand():
    years = list(range(2006, 2011))
    panel = pd.DataFrame(
        {
            "city_code": [1] * 5 + [2] * 5,
            "region": "R",
            "year": years * 2,
            "employment": [10, 11, 12, 30, 31] + [5, 5, 4, 4, 6.0],
        }
    )
    total, cut = em.within_segment_change(panel, region="R", since=2006, end=2010, breaks=[2009])
    # city 1: +1 +1 (2009 cut) +1 = 3; city 2: 0 -1 (cut) +2 = 1
    assert total == pytest.approx(4.0)
    assert cut["reason"].tolist() == ["common break", "common break"]
    total, cut = em.within_segment_change(
        panel, region="R", since=2006, end=2010, breaks=[2009], city_threshold=0.3
    )
    # city 2's 2010 jump log(6/4) = 0.405 > 0.3 is cut too
    assert total == pytest.approx(2.0)
    assert cut.loc[cut["reason"] != "common break", ["city_code", "year"]].values.tolist() == [
        [2, 2010]
    ]
    with pytest.raises(ValueError, match="employment missing for city 2 in 2008"):
        em.within_segment_change(panel.drop(index=7), region="R", since=2006, end=2010)


# ----------------------------------------------------------------------------- parks designs
def _labour_panel():
    """Two provinces of three cities, 2000-2010; province B's employment doubles in 2005 (a
    change of definition) and city 3's wage alone jumps in 2008."""
    rows = []
    for code, province, region in [
        (1, "A", "Subei"),
        (2, "A", "Subei"),
        (3, "A", "Sunan"),
        (4, "B", None),
        (5, "B", None),
        (6, "B", None),
    ]:
        for year in range(2000, 2011):
            emp = 100.0 + year - 2000
            if province == "B" and year >= 2005:
                emp *= 2
            wage = 1000.0 * 1.05 ** (year - 2000) * (2 if code == 3 and year >= 2008 else 1)
            rows.append(
                dict(
                    city_code=code,
                    city_zh=str(code),
                    city_en=str(code),
                    province_code=1 if province == "A" else 2,
                    province_en=province,
                    region=region,
                    year=year,
                    gdp=1000.0,
                    pop_registered=100.0,
                    pop_resident=100.0,
                    employment=emp,
                    wage_avg=wage,
                    emp_share_secondary=40.0,
                )
            )
    return pd.DataFrame(rows)


def test_labour_breaks_detects_province_breaks():
    br = em.labour_breaks(
        _labour_panel(), "log_employment", provinces=["A", "B"], start=2000, end=2010
    )
    assert br[["year", "province_en"]].values.tolist() == [[2005, "B"]]
    assert br["source"].iloc[0].startswith("detected (100%")
    # one city of three jumping is a break at min_share 0.3, not at 0.5
    wage = dict(provinces=["A", "B"], start=2000, end=2010)
    assert em.labour_breaks(_labour_panel(), "log_wage", **wage)["year"].tolist() == [2008]
    assert em.labour_breaks(_labour_panel(), "log_wage", **wage, min_share=0.5).empty
    with pytest.raises(ValueError, match="outcome must be one of"):
        em.labour_breaks(_labour_panel(), "gdp", provinces=["A"], start=2000, end=2010)
    with pytest.raises(ValueError, match=r"provinces not in the panel: \['C'\]"):
        em.labour_breaks(_labour_panel(), "log_wage", provinces=["C"], start=2000, end=2010)


def test_labour_sample_screens_own_jumps_and_logs_levels():
    panel = _labour_panel()
    s, dropped = em.labour_sample(panel, "log_employment", start=2000, end=2004, prices="nominal")
    assert s["city_code"].nunique() == 6 and dropped.total == 0
    row = s[(s["city_code"] == 1) & (s["year"] == 2003)]
    assert float(row["y"].iloc[0]) == pytest.approx(np.log(103.0))
    s, dropped = em.labour_sample(panel, "log_employment", start=2000, end=2010)
    assert dropped.reasons == {"own jumps in employment": [4, 5, 6]}
    s, dropped = em.labour_sample(
        panel, "log_employment", start=2000, end=2010, city_threshold=None
    )
    assert dropped.total == 0
    panel.loc[(panel["city_code"] == 2) & (panel["year"] == 2002), "employment"] = np.nan
    s, dropped = em.labour_sample(panel, "log_employment", start=2000, end=2004)
    assert dropped.reasons == {"gaps": [2]}


def test_design_window_sentence_names_breaks_and_segment():
    br = pd.DataFrame(
        {"year": [1999, 2013], "province_en": ["Shandong", "Jiangsu"], "source": ["", ""]}
    )
    en = em.design_window_sentence("log_employment", (1999, 2012), br, 2006)
    assert "1999 (Shandong); 2013 (Jiangsu)" in en and "within 1999–2012" in en
    zh = em.design_window_sentence("log_employment", (1999, 2012), br, 2006, lang="zh")
    assert "1999年（山东）；2013年（江苏）" in zh and "1999—2012年" in zh
    assert not re.search("[A-Za-z]{3}", zh.replace("单位从业人员（对数）", ""))
    none = em.design_window_sentence("log_wage", (1998, 2020), br.iloc[:0], 2006)
    assert "no change of definition" in none


def test_notebook_03_labels_live_in_the_one_label_dictionary():
    from nanbei import labels

    assert not hasattr(em, "label") and not hasattr(em, "TEXT")
    assert labels.text("log_wage", "zh") == "平均工资（对数）"
    assert labels.text("sector_title", "en", sector="Primary").startswith("Primary sector")
    for key in ("emp_title", "pp", "host_title", "primary", "design_es_title"):
        assert labels.has_cjk(labels.text(key, "zh", **_dummy_fields(key)))
    with pytest.raises(KeyError, match="no_such"):
        labels.text("nb03_no_such", "en")
    with pytest.raises(ValueError, match="lang"):
        em.shift_share_phrase(_ss_row(), lang="fr")


def _dummy_fields(key):
    import string

    from nanbei import labels

    names = {f for _, f, _, _ in string.Formatter().parse(labels.TEXT[key]["en"]) if f}
    return dict.fromkeys(names, 1)


# ----------------------------------------------------------------------------- bilingual wording
def _ss_row(**kw):
    row = {
        "unit": "Subei",
        "start": 2013,
        "end": 2019,
        "change_pct": 104.4,
        "within_pct": 126.3,
        "static_pct": 2.3,
        "dynamic_pct": -24.2,
        "within": 34.4,
        "static": 0.6,
        "dynamic": -6.6,
    }
    row.update(kw)
    return row


def _english_name(text):
    """A Jiangsu city or region named in English (what a Chinese sentence must not contain)."""
    from nanbei import labels

    names = [n["en"] for n in labels.CITIES.values()] + list(labels.REGIONS)
    return re.search(r"\b(" + "|".join(map(re.escape, names)) + r")\b", text)


def test_shift_share_phrase_in_chinese_reads_the_same_numbers():
    zh = em.shift_share_phrase(_ss_row(), lang="zh")
    assert zh == (
        "苏北2013—2019年：劳动生产率提高104%；部门内增长贡献最大（+126个百分点），"
        "部门间再配置使其降低（-22个百分点）。"
    )
    en = em.shift_share_phrase(_ss_row())
    assert en.startswith("Subei, 2013–2019: productivity rose by 104%")
    fell = _ss_row(change_pct=-5, within_pct=-8, static_pct=2, dynamic_pct=1, within=-8)
    assert "劳动生产率下降5%" in em.shift_share_phrase(fell, lang="zh")
    assert "部门间再配置贡献+3个百分点" in em.shift_share_phrase(fell, lang="zh")
    flat = _ss_row(change_pct=0.0, within_pct=1, static_pct=-1, dynamic_pct=0, within=1)
    assert "did not change" in em.shift_share_phrase(flat)
    assert "没有变化" in em.shift_share_phrase(flat, lang="zh")
    # an explicit label wins over the region name
    assert em.shift_share_phrase(_ss_row(), "北部", lang="zh").startswith("北部2013—2019年")


@pytest.mark.parametrize(
    "est,lo,hi,expected",
    [
        (-0.5, -0.9, -0.1, "为负"),
        (1.5, 1.2, 1.8, "大于1"),
        (0.5, 0.2, 0.8, "介于0和1之间"),
        (0.2, -0.3, 0.7, "小于1，与0无显著差异"),
        (0.8, -0.1, 1.7, "与0和1均无显著差异"),
        (1.1, 0.4, 1.8, "为正，与1无显著差异"),
        (np.nan, np.nan, np.nan, "无法估计"),
    ],
)
def test_elasticity_phrase_in_chinese(est, lo, hi, expected):
    assert em.elasticity_phrase(est, lo, hi, lang="zh") == expected


def test_elasticity_sentence_and_rows_read_the_table():
    table = pd.DataFrame(
        {
            "group": ["Subei", "Subei", "Sunan"],
            "period": ["1998–2005", "2006–2012", "1998–2005"],
            "estimate": [0.73, 1.5, 0.1],
            "conf_low": [0.34, 1.2, -0.2],
            "conf_high": [1.12, 1.8, 0.4],
            "p_value_wild": [0.035, np.nan, 0.5],
        }
    )
    first = next(table.itertuples())
    assert em.elasticity_sentence(first) == (
        "positive, not distinguishable from one in 1998–2005 (0.73, 95% CI 0.34 to 1.12, "
        "wild bootstrap p for zero = 0.035)"
    )
    assert em.elasticity_sentence(first, "zh") == (
        "1998—2005年为正，与1无显著差异（0.73，95%置信区间0.34至1.12，弹性为零的野自助法p = 0.035）"
    )
    assert em.elasticity_sentence(dict(table.iloc[0]), wild=False).endswith("0.34 to 1.12)")
    assert "90% CI" in em.elasticity_sentence(first, alpha=0.10)
    rows = em.elasticity_rows(table, "zh", group="Subei")
    assert rows.count("；") == 1 and "大于1" in rows and "p = nan" not in rows
    assert em.elasticity_rows(table, "en").count("; ") == 2


@pytest.mark.parametrize(
    "est,p,expected",
    [
        (
            3.8,
            0.04,
            "2010—2020年，共建园区所在单元的第二产业就业比重变化比其他单元多3.8个百分点"
            "（随机化推断p = 0.040）：在5%水平上与随机选择的所在单元有显著差异。",
        ),
        (
            -1.2,
            0.5,
            "少1.2个百分点（随机化推断p = 0.500）：在5%水平上与随机选择的所在单元没有显著差异",
        ),
        (np.nan, 0.5, "无法计算该比较。"),
    ],
)
def test_host_difference_phrase_in_chinese(est, p, expected):
    assert expected in em.host_difference_phrase(est, p, lang="zh")


def test_host_difference_phrase_years_and_what():
    text = em.host_difference_phrase(2.0, 0.01, what="urban share", unit="pp", years=(2000, 2010))
    assert text.startswith("From 2000 to 2010 the urban share of park-host units changed by 2.0 pp")


@pytest.mark.parametrize(
    "kw,expected",
    [
        (
            {},
            "该说法相当于苏北在可比区间内测得的单位从业人员增长（+100.0万，2006—2012年，2013—2020年）的70%",
        ),
        ({"growth_within_segments": 50.0}, "该说法大于苏北在可比区间内测得的全部单位从业人员增长"),
        (
            {"growth_within_segments": -70.7},
            "苏北的单位从业人员在其可比区间内没有增长（2006—2012年，",
        ),
        ({"growth_within_segments": np.nan}, "苏北的单位从业人员无法在可比区间内追踪"),
        (
            {"host_secondary_change_est": -32.1},
            "第二产业就业在2010—2020年减少32.1万（其他单元：-2.0万）",
        ),
        ({"host_secondary_change_est": 5.0}, "第二产业就业在2010—2020年增加5.0万"),
        (
            {
                "growth_within_segments": -70.7,
                "growth_within_city_segments": 10.0,
                "city_cuts": ["1:2019"],
                "city_threshold": 0.15,
            },
            "得到+10.0万，符号相反。",
        ),
    ],
)
def test_jobs_claim_verdict_in_chinese(kw, expected):
    text = em.jobs_claim_verdict(_ctx(**kw), lang="zh")
    assert expected in text
    assert text.endswith("那需要园区自己的用工登记或企业数据。")
    assert not _english_name(text)


def test_province_name_and_period_labels():
    assert em.province_name("Shandong", "zh") == "山东"
    assert em.province_name("Shandong", "en") == "Shandong"
    assert em.province_name("Atlantis", "zh") == "Atlantis"
    assert em.period_label("1998–2006", "zh") == "1998—2006年"
    assert em.period_label("1998–2006", "en") == "1998–2006"
    assert em.period_label("host - other", "zh") == "host - other"
    assert em.year_span(2001, 2005, "zh") == "2001—2005年"


def test_localize_translates_labels_not_numbers():
    frame = pd.DataFrame(
        {
            "segment": ["1998–2012", "1998–2012"],
            "region": ["Subei", "Sunan"],
            "change": [-27.04, 10.0],
            "rule": ["dated_or_undated", "other text"],
        }
    ).set_index(["segment", "region"])
    zh = em.localize(frame, "zh")
    assert list(zh.columns) == ["变化", "规则"]
    assert list(zh.index.names) == ["区间", "区域"]
    assert list(zh.index) == [("1998—2012年", "苏北"), ("1998—2012年", "苏南")]
    assert zh["规则"].tolist() == ["有年份或无年份", "other text"]
    assert zh["变化"].tolist() == [-27.04, 10.0]
    en = em.localize(frame, "en")
    assert list(en.columns) == ["change", "rule"] and en.index[0] == ("1998–2012", "Subei")
    assert en["rule"].iloc[0] == "dated or undated"
    single = em.localize(
        pd.DataFrame({"value": [1.0]}, index=pd.Index(["all"], name="group")), "zh"
    )
    assert single.index.name == "组别" and single.index[0] == "全部" and single.columns[0] == "数值"
    # headers: notebook 03's, then the label dictionary's columns and variables, else unchanged
    assert em.column_label("year", "zh") == "年份"
    assert em.column_label("urban_share", "zh") == "城镇人口比重（%）"
    assert em.column_label("fdi", "zh") == "实际利用外商直接投资"
    assert em.column_label("share_secondary_change", "zh") == "第二产业就业比重变化（百分点）"
    assert em.column_label("xyz_unknown", "zh") == "xyz_unknown"
    assert em.value_label(3, "zh") == 3 and em.value_label("Suzhong", "zh") == "苏中"


def test_localized_summaries_in_both_languages():
    res = em.shift_share(
        _hand_panel().assign(u="Subei"),
        unit="u",
        time="t",
        sector="s",
        value_added="y",
        employment="l",
    )
    en, zh = em.localized_summary(res, "en"), em.localized_summary(res, "zh")
    assert en.title == res.summary().title and en.notes == res.summary().notes
    assert zh.title == "劳动生产率的偏离—份额分解"
    html = zh.as_html()
    assert "苏北" in html and ">Subei<" not in html and "期初劳动生产率" in html
    assert en.tables[0][1].index[0][0] == "Subei"

    rng = np.random.default_rng(1)
    panel = pd.DataFrame(
        [
            {"u": u, "g": "Subei" if u < 3 else "Sunan", "t": t, "y": rng.uniform(1, 2)}
            for u in range(6)
            for t in range(5)
        ]
    ).assign(l=lambda d: d["y"] * rng.uniform(0.8, 1.2, len(d)))
    el = em.employment_elasticity(panel, unit="u", time="t", employment="l", output="y", group="g")
    s = em.localized_summary(el, "zh")
    assert s.title == "就业产出弹性" and "聚类数为3" in s.notes[0] and "95%" in s.notes[0]
    assert {"苏北", "苏南"} == set(s.tables[0][1].index.get_level_values(0))

    changes = pd.DataFrame(
        {"unit_id": range(6), "region": "Subei", "share_secondary_change": [1.0, 2, 3, 4, 5, 6]}
    )
    host = em.host_comparison(changes, pd.DataFrame({"unit_id": [4, 5]}), n_perm=99)
    s = em.localized_summary(host, "zh")
    assert s.tables[0][1].index[0] == "所在单元−其他单元"
    assert s.notes[0].startswith("苏北：") and "枚举了相同所在单元数的全部分配" in s.notes[0]
    with pytest.raises(ValueError, match="PermutationResult"):
        em.localized_summary(host.test, "zh")


def test_dropped_phrase_names_own_jumps_in_both_languages():
    from nanbei.data import Dropped

    d = Dropped(window=(1999, 2012))
    d.add("series breaks", [1, 2])
    d.add("own jumps in employment", [3])
    assert em.dropped_phrase(d) == (
        "3 cities left out in 1999–2012: 2 for series breaks, 1 for own jumps in employment."
    )
    assert em.dropped_phrase(d, "zh") == (
        "1999—2012年有3个城市未计入：2个因序列断点，1个因城镇单位从业人员自身跳变。"
    )
    assert em.dropped_phrase(Dropped(), "zh") == "没有城市未计入。"
    d.add("moon phase", [4])
    with pytest.raises(ValueError, match="moon phase"):
        em.dropped_phrase(d, "zh")


def test_break_and_declared_sentences():
    breaks = pd.Series({1998: 1.0, 2013: 0.85})
    assert em.break_years_sentence(breaks, 0.3).startswith(
        "In 1998 (100% of cities), 2013 (85% of cities) most of Jiangsu's cities' employment"
    )
    assert em.break_years_sentence(breaks, 0.3, "zh").startswith(
        "在1998年（100%的城市），2013年（85%的城市），"
    )
    assert "In no year" in em.break_years_sentence(pd.Series(dtype=float), 0.3)
    assert "没有哪一年" in em.break_years_sentence(pd.Series(dtype=float), 0.3, "zh")
    kw = dict(wage_cutoff=2020, wage_revised=False, end=2020)
    en = em.declared_breaks_sentence([2013, 2005], [2013], **kw)
    assert "window: 2005, 2013; declared in the known-breaks table: 2013; not declared" in en
    assert en.endswith("runs to 2020; the GDP revisions do not touch it.")
    zh = em.declared_breaks_sentence(
        [], [2013], wage_cutoff=2018, wage_revised=True, end=2020, lang="zh"
    )
    assert zh.startswith("窗口内检测到的江苏单位从业人员断点年份：无。")
    assert zh.endswith("工资序列在2019年按省份修订：比较截止于2018年。")


def test_segment_changes_by_hand_and_their_sentence():
    wide = pd.DataFrame(
        {"A": [10.0, 12, np.nan, 20, 22], "B": [5.0, 6, 7, 8, 4]},
        index=pd.Index(range(2000, 2005), name="year"),
    ).rename_axis(columns="region")
    out = em.segment_changes(wide, [(2000, 2002), (2003, 2004)])
    # 2002 has a gap in A, so the first segment spans 2000-2001 only
    assert list(out.index) == [
        ("2000–2001", "A"),
        ("2000–2001", "B"),
        ("2003–2004", "A"),
        ("2003–2004", "B"),
    ]
    assert out.index.names == ["segment", "region"]
    assert out.loc[("2003–2004", "B"), "change"] == pytest.approx(-4.0)
    assert out.loc[("2000–2001", "A"), "growth_per_year"] == pytest.approx(np.log(1.2))
    assert em.segment_changes(wide, [(2002, 2002)]).empty
    changes = {"1998–2012": -27.04, "2013–2020": -100.3}
    en = em.segment_change_sentence(changes, "Subei", 70.0)
    assert "in Subei changed by **-27.0 万** in 1998–2012; **-100.3 万** in 2013–2020." in en
    assert "The report's claim is 70 万 jobs" in en
    zh = em.segment_change_sentence(changes, "Subei", 70.0, lang="zh")
    assert "苏北的单位从业人员1998—2012年变化**-27.0万**；2013—2020年变化**-100.3万**。" in zh
    assert "70万个就业岗位" in zh and not _english_name(zh)


def test_share_path_sentence():
    wide = pd.DataFrame(
        {"Subei": [42.8, 44.0, 45.0, 30.0], "Sunan": [50.2, 55.0, 59.2, 40.0]},
        index=[1998, 2005, 2012, 2013],
    )
    en = em.share_path_sentence(wide, before=2013)
    assert en == (
        "Before the 2013 break, Subei's secondary share of unit employment goes from 42.8% "
        "(1998) to 45.0% (2012), Sunan's from 50.2% to 59.2%."
    )
    zh = em.share_path_sentence(wide, before=2013, lang="zh")
    assert zh.startswith("在2013年口径变化之前，苏北") and "苏南从50.2%变为59.2%。" in zh
    assert em.share_path_sentence(wide).startswith("From 1998 to 2013, Subei's")
    assert "30.0%" in em.share_path_sentence(wide, lang="zh")
    assert "太少" in em.share_path_sentence(wide, before=1999, lang="zh")


def test_small_phrases_in_both_languages():
    dropped = pd.DataFrame({"group": ["Subei"], "unit": [320800], "start": [1998], "end": [2006]})
    assert em.shift_share_dropped_phrase(dropped) == "Huai'an (Subei) in 1998–2006"
    assert em.shift_share_dropped_phrase(dropped, "zh") == "淮安（苏北，1998—2006年）"
    assert em.shift_share_dropped_phrase(dropped.iloc[:0], "zh") == "无"
    assert em.none_or_join([], "en") == "none" and em.none_or_join([1, 2], "zh") == "1，2"
    assert em.or_join([5, 3], "en") == "5 or 3" and em.or_join([5, 3], "zh") == "5或3"
    assert em.common_jump_phrase([], "en") == "No year shows a common jump in wages."
    assert em.common_jump_phrase([2009, 2013], "zh") == "2009，2013年出现工资的共同跳变。"
    assert em.half_life_phrase(41.2, "en") == ", half-life 41 years"
    assert em.half_life_phrase(41.2, "zh") == "，半衰期41年"
    assert em.half_life_phrase(-3.0, "zh") == "" and em.half_life_phrase(np.nan, "en") == ""
    assert em.change_verb(0.2, 0.1, "en") == "falls" and em.change_verb(0.1, 0.2, "zh") == "上升"
    assert em.change_verb(0.1, 0.1, "en") == "stays"
    assert (
        em.city_years_phrase(["320800:2014", "999999:2019"], "zh")
        == "淮安（2014年），999999（2019年）"
    )
    assert em.city_years_phrase([], "en") == "none"
    assert em.join_sentences(["A.", "B."], "en") == "A. B."
    assert em.join_sentences(["甲。", "乙。"], "zh") == "甲。乙。"
    bounds = pd.DataFrame(
        {"low": [3.8, 2.5, 1.0], "high": [3.8, 5.0, 6.25]}, index=pd.Index([0, 1, 2], name="m")
    )
    assert em.bounds_phrase(bounds) == "2.5 and 5.0 pp (m = 1); 1.0 and 6.2 pp (m = 2)"
    assert em.bounds_phrase(bounds, "zh") == "2.5至5.0个百分点（m = 1）；1.0至6.2个百分点（m = 2）"
    assert em.roster_gap_phrase(18, 38, 17, "Subei").startswith(
        "so at least 20 Subei parks are missing"
    )
    assert em.roster_gap_phrase(18, 38, 17, "Subei", "zh").startswith("因此至少缺少20个苏北园区")
    assert "no Subei park is missing" in em.roster_gap_phrase(40, 38, 17, "Subei")
    assert "没有缺少苏北园区" in em.roster_gap_phrase(40, 38, 17, "Subei", "zh")


def test_jobs_context_table_labels_in_both_languages():
    ctx = _ctx(
        end=2020,
        unit_employment_end=263.0,
        share_of_unit_employment=70 / 263,
        share_of_growth=0.7,
        city_threshold=0.15,
        census_employed_est_2020=1311.0,
        share_of_census_employed_2020=70 / 1311,
    )
    en, zh = em.jobs_context_table(ctx, "en"), em.jobs_context_table(ctx, "zh")
    assert en.index[1] == "Subei unit employment 2020" and zh.index[1] == "2020年苏北单位从业人员"
    assert zh.index[3] == "可比区间内增长（2006—2012年，2013—2020年）"
    assert zh.index.name == "指标" and list(zh.columns) == ["数值"]
    np.testing.assert_array_equal(en["value"].to_numpy(), zh["数值"].to_numpy())
    assert en.loc["claim (10k persons)", "value"] == 70.0
    assert not any(_english_name(t) for t in zh.index)


def test_design_paragraph_in_both_languages():
    from types import SimpleNamespace

    from nanbei.data import Dropped

    battery = SimpleNamespace(treated=[1, 2, 3, 4, 5], donors=list(range(26)), treatment_time=2006)
    run = em.LabourDesigns(
        outcome="log_employment",
        window=(1999, 2012),
        breaks=pd.DataFrame({"year": [2013], "province_en": ["Jiangsu"], "source": [""]}),
        dropped=Dropped(window=(1999, 2012)),
        excluded=pd.DataFrame(columns=["city_code", "policies"]),
        battery=battery,
    )
    findings = {"did": "DID TEXT", "pretrend": "", "synth": "SYNTH TEXT"}
    en = em.design_paragraph(run, findings, rule="none", names={})
    assert en.startswith("**log unit employment.** The series of log unit employment changes")
    assert "Five Subei cities against 26 comparison cities." in en
    assert en.endswith("*DiD, few-cluster-robust.* DID TEXT\n\n*Synthetic control.* SYNTH TEXT")
    zh = em.design_paragraph(run, findings, rule="none", names={}, lang="zh")
    assert zh.startswith(
        "**单位从业人员（对数）。**单位从业人员（对数）序列的统计口径在2013年（江苏）"
    )
    assert "没有城市未计入。" in zh and "5个苏北城市对比26个对照城市。" in zh
    assert "No comparison city is left out" in en and "没有因竞争性政策而剔除任何对照城市" in zh
    assert "*双重差分（少聚类稳健）。*DID TEXT" in zh and "事前趋势" not in zh
