"""nanbei.employment's methods against hand-worked examples, identities, simulated data and second
implementations (statsmodels, pyfixest, nanbei.effects, brute force)."""

from __future__ import annotations

import itertools
import math

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
    assert "1999年（Shandong）" in zh and "1999—2012年" in zh
    none = em.design_window_sentence("log_wage", (1998, 2020), br.iloc[:0], 2006)
    assert "no change of definition" in none


def test_label_looks_in_labels_then_employment():
    assert em.label("log_wage", "zh") == "平均工资（对数）"
    assert em.label("no_data", "zh") == "无数据"  # from nanbei.labels
    assert em.label("sector_title", "en", sector="Primary").startswith("Primary sector")
    with pytest.raises(KeyError, match="no_such"):
        em.label("no_such", "en")
    with pytest.raises(ValueError, match="lang"):
        em.label("log_wage", "fr")
    for key, entry in em.TEXT.items():
        assert entry["en"] and entry["zh"], key
