"""Tests for nanbei.convergence.clubs (Phillips-Sul log t test and clubs).

References (details in tests/data/clubs/SOURCE.md):

* Published output of the R package ConvergenceClubs on the Phillips-Sul (2009)
  152-country GDP panel (Mendez 2020 tutorial, adapted from Sichera and Pizzuto
  2019, The R Journal), HACmethod = "AQSB".
* Closed-form panels whose H_t is written down by hand.
* An independent numpy implementation of the regression and of the HAC
  standard errors written in this file.
* Simulated panels with a known club structure.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nanbei.convergence.clubs import clubs, log_t_test

DATA = Path(__file__).parent / "data" / "clubs"


# --------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------


def _long(wide: pd.DataFrame, unit="unit", time="time", value="y") -> pd.DataFrame:
    out = wide.rename_axis(unit).reset_index().melt(id_vars=unit, var_name=time, value_name=value)
    out[time] = out[time].astype(int)
    return out


@pytest.fixture(scope="module")
def gdp() -> pd.DataFrame:
    wide = pd.read_csv(DATA / "ps2009_gdp.csv", index_col=0)
    return _long(wide, "country", "year", "gdp")


@pytest.fixture(scope="module")
def gdp_clubs(gdp):
    return clubs(gdp, unit="country", time="year", value="gdp")


@pytest.fixture(scope="module")
def gdp_clubs_ps_merged(gdp):
    return clubs(gdp, unit="country", time="year", value="gdp", merge=True)


# --------------------------------------------------------------------------
# 1. published ConvergenceClubs output on the Phillips-Sul (2009) data
# --------------------------------------------------------------------------

# Mendez (2020) / Sichera & Pizzuto (2019): print(mclubs) after
# mergeClubs(findClubs(filteredGDP, time_trim=1/3, cstar=0, HACmethod="AQSB"), "PS")
PUBLISHED_MERGED = [
    # club 1 (= initial club 1): beta -0.1155, se 0.0232, t -4.979
    """United.States Norway Bermuda United.Arab.Emirates Qatar Singapore Switzerland
    Hong.Kong Denmark Ireland Austria Australia Canada Macao Netherlands Kuwait Iceland
    United.Kingdom Germany France Sweden Belgium Japan Brunei Finland Italy Cyprus
    Luxembourg Puerto.Rico Israel New.Zealand Taiwan Spain Malta Bahrain Korea..Republic.of
    Portugal Bahamas Oman Mauritius Antigua St..Kitts...Nevis Barbados Saudi.Arabia
    Trinidad..Tobago Greece Netherlands.Antilles Chile Malaysia Hungary Argentina Uruguay
    Gabon Equatorial.Guinea Swaziland Poland Costa.Rica South.Africa Dominica Panama
    St.Vincent...Grenadines Botswana Mexico Tunisia Thailand Brazil Dominican.Republic
    St..Lucia Venezuela Belize Iran Colombia Grenada Algeria Turkey Cuba Cape.Verde China
    Maldives Egypt Sri.Lanka Indonesia Tonga India""",
    # club 2 (= initial club 2): beta 0.1591, se 0.0454, t 3.5075
    """Suriname Romania Namibia El.Salvador Paraguay Fiji Jamaica Papua.New.Guinea Ecuador
    Peru Morocco Micronesia..Fed..Sts. Guatemala Jordan Philippines Pakistan Lesotho Bhutan""",
    # club 3 (= initial clubs 3 + 4): beta -0.1183, se 0.0794, t -1.4901
    """Nicaragua Samoa Bolivia Vanuatu Zimbabwe Guinea Cameroon Honduras Cote.d.Ivoire Syria
    Solomon.Islands Iraq Mauritania Nepal Mongolia Senegal Ghana Laos Korea..Dem..Rep. Benin
    Mozambique Mali Uganda Burkina.Faso Tanzania Ethiopia Congo..Republic.of Kiribati
    Sao.Tome.and.Principe Comoros Kenya Sudan Nigeria Rwanda Gambia..The
    Central.African.Republic Zambia Chad Malawi Cambodia""",
    # club 4 (= initial club 5): beta 1.7901, se 0.1657, t 10.8012
    """Niger Togo Madagascar Burundi Sierra.Leone Guinea.Bissau Afghanistan""",
]
PUBLISHED_DIVERGENT = {"Somalia", "Congo..Dem..Rep.", "Liberia"}


def test_published_member_lists_cover_the_panel(gdp):
    listed = [set(s.split()) for s in PUBLISHED_MERGED]
    assert [len(s) for s in listed] == [84, 18, 40, 7]
    everyone = set().union(*listed) | PUBLISHED_DIVERGENT
    assert everyone == set(gdp["country"]) and len(everyone) == 152


def test_hp_step_reproduces_published_filtered_gdp(gdp_clubs):
    # values of ConvergenceClubs' filteredGDP (arlionn/ConvergenceClubs data/filteredGDP.csv)
    published = {
        ("Afghanistan", 1970): 7.564475772903438,
        ("Algeria", 1970): 8.303370904386401,
        ("Argentina", 2003): 9.295081079532107,
        ("Bhutan", 2003): 6.8150197920344375,
        ("Chad", 1970): 6.867223272939294,
        ("Belgium", 1972): 9.5217953761281109,
    }
    for (country, year), v in published.items():
        assert gdp_clubs.data.loc[country, year] == pytest.approx(v, abs=1e-9)


def test_full_panel_log_t_matches_published(gdp, gdp_clubs):
    # estimateMod(H, time_trim=1/3, HACmethod="AQSB") printed to 20 digits
    res = gdp_clubs.log_t
    assert res.coef == pytest.approx(-0.87481124037655777, rel=1e-9)
    assert res.se == pytest.approx(0.00677576340006020780, rel=1e-9)
    assert res.t == pytest.approx(-129.10888245725706, rel=1e-9)
    assert res.n_obs == 23 and res.n_units == 152 and not res.converges
    same = log_t_test(gdp, unit="country", time="year", value="gdp")
    assert same.t == pytest.approx(res.t, rel=1e-12)


def test_initial_clubs_match_published(gdp_clubs):
    # summary(clubs): # of units, beta, std.err, tvalue (3 decimals)
    published = [
        (84, -0.116, 0.023, -4.979),
        (18, 0.159, 0.045, 3.508),
        (26, 0.163, 0.054, 3.014),
        (14, 0.164, 0.037, 4.419),
        (7, 1.79, 0.166, 10.801),
    ]
    got = [
        (len(c), r.coef, r.se, r.t)
        for c, r in zip(gdp_clubs.clubs, gdp_clubs.club_log_t, strict=True)
    ]
    assert len(got) == len(published)
    for (n, b, se, t), (gn, gb, gse, gt) in zip(published, got, strict=True):
        assert gn == n
        assert gb == pytest.approx(b, abs=5e-4)
        assert gse == pytest.approx(se, abs=5e-4)
        assert gt == pytest.approx(t, abs=5e-4)
    assert set(gdp_clubs.divergent) == PUBLISHED_DIVERGENT
    # the published clubs 1, 2 and 5 are the initial clubs 1, 2 and 5
    for k, members in [
        (0, PUBLISHED_MERGED[0]),
        (1, PUBLISHED_MERGED[1]),
        (4, PUBLISHED_MERGED[3]),
    ]:
        assert set(gdp_clubs.clubs[k]) == set(members.split())
    assert set(gdp_clubs.clubs[2]) | set(gdp_clubs.clubs[3]) == set(PUBLISHED_MERGED[2].split())


def test_ps_merging_matches_published(gdp_clubs_ps_merged):
    res = gdp_clubs_ps_merged
    assert [set(c) for c in res.clubs] == [set(s.split()) for s in PUBLISHED_MERGED]
    assert set(res.divergent) == PUBLISHED_DIVERGENT
    assert res.merged_from == [(1,), (2,), (3, 4), (5,)]
    published = [
        (-0.1155, 0.0232, -4.979),
        (0.1591, 0.0454, 3.5075),
        (-0.1183, 0.0794, -1.4901),
        (1.7901, 0.1657, 10.8012),
    ]
    for (b, se, t), r in zip(published, res.club_log_t, strict=True):
        assert r.coef == pytest.approx(b, abs=5e-5)
        assert r.se == pytest.approx(se, abs=5e-5)
        assert r.t == pytest.approx(t, abs=5e-4)
    assert [len(c) for c in res.initial_clubs] == [84, 18, 26, 14, 7]


def test_vlt_merging_matches_published(gdp):
    # mergeClubs(clubs, mergeMethod="vLT"): 84, 18, 26, 21 (clubs 4 and 5 merged)
    res = clubs(gdp, unit="country", time="year", value="gdp", merge="vlt")
    assert [len(c) for c in res.clubs] == [84, 18, 26, 21]
    assert res.merged_from == [(1,), (2,), (3,), (4, 5)]
    assert len(res.divergent) == 3


def test_ps_gauss_standard_errors_match_fqsb_output(gdp):
    # ConvergenceClubs' default HACmethod="FQSB" (Phillips-Sul GAUSS formula), as
    # reported in the convergence-clubs 0.1.2 README (secondary source)
    res = clubs(gdp, unit="country", time="year", value="gdp", hac="ps")
    assert res.log_t.t == pytest.approx(-159.55, abs=0.01)
    assert res.log_t.se == pytest.approx(0.0054, abs=1e-4)
    published = [
        (50, 0.382, 0.041, 9.282),
        (30, 0.240, 0.035, 6.904),
        (21, 0.110, 0.032, 3.402),
        (24, 0.131, 0.064, 2.055),
        (14, 0.190, 0.111, 1.701),
        (11, 1.003, 0.166, 6.024),
        (2, -0.470, 0.842, -0.559),
    ]
    got = [(len(c), r.coef, r.se, r.t) for c, r in zip(res.clubs, res.club_log_t, strict=True)]
    assert [g[0] for g in got] == [p[0] for p in published]
    for p, g in zip(published, got, strict=True):
        assert g[1:] == pytest.approx(p[1:], abs=6e-4)
    assert res.divergent == []


def test_prefiltered_input_gives_the_same_clubs(gdp, gdp_clubs):
    from statsmodels.tsa.filters.hp_filter import hpfilter

    pre = gdp.sort_values(["country", "year"]).copy()
    pre["lgdp"] = pre.groupby("country")["gdp"].transform(
        lambda s: hpfilter(np.log(s.to_numpy()), lamb=400)[1]
    )
    res = clubs(pre, unit="country", time="year", value="lgdp", hp_lambda=None, log=False)
    assert res.clubs == gdp_clubs.clubs
    assert res.log_t.t == pytest.approx(gdp_clubs.log_t.t, rel=1e-10)


def test_club_check_makes_every_club_pass(gdp, gdp_clubs):
    assert not gdp_clubs.club_log_t[0].converges  # published club 1 fails its own test
    res = clubs(gdp, unit="country", time="year", value="gdp", club_check=True)
    assert all(r.converges for r in res.club_log_t)
    assert res.cstar[0] > 0  # c* had to be raised for the first club
    units = [u for c in res.clubs for u in c] + res.divergent
    assert sorted(units) == sorted(gdp_clubs.order)


# --------------------------------------------------------------------------
# 2. closed-form panels: H_t written down by hand
# --------------------------------------------------------------------------


def _three_unit_panel(d: np.ndarray, m: float = 5.0) -> pd.DataFrame:
    """Units m(1-d_t), m, m(1+d_t): mean m, h = (1-d, 1, 1+d), H_t = 2 d_t^2 / 3."""
    T = len(d)
    wide = pd.DataFrame(
        [m * (1 - d), np.full(T, m), m * (1 + d)], index=["a", "b", "c"], columns=range(1, T + 1)
    )
    return _long(wide)


def test_hand_computed_H_gives_exact_coefficients():
    # choose H_t = H_1 exp(-a0) / ((log t)^2 t^(2 alpha)) for t >= 2, so the
    # regression log(H_1/H_t) - 2 log log t = a0 + 2 alpha log t fits exactly
    T, a0, alpha, d1 = 30, 0.4, 0.35, 0.2
    t = np.arange(1, T + 1, dtype=float)
    H1 = 2 * d1**2 / 3
    H = np.empty(T)
    H[0] = H1
    H[1:] = H1 * np.exp(-a0) / (np.log(t[1:]) ** 2 * t[1:] ** (2 * alpha))
    d = np.sqrt(1.5 * H)
    res = log_t_test(
        _three_unit_panel(d), unit="unit", time="time", value="y", hp_lambda=None, log=False
    )
    assert res.coef == pytest.approx(2 * alpha, abs=1e-10)
    assert res.intercept == pytest.approx(a0, abs=1e-10)
    assert res.n_obs == T - round(T / 3)
    assert res.t > 1e6 and res.converges  # (near-)exact fit


def test_hand_computed_H_with_a_known_residual():
    # add a residual orthogonal to (1, log t) on the regression sample; the OLS
    # estimates must be unchanged and the t statistic finite
    T, a0, alpha, d1, trim = 24, -0.2, 0.1, 0.15, 1 / 3
    t = np.arange(1, T + 1, dtype=float)
    keep = t[int(round(trim * T)) :]
    Z = np.column_stack([np.ones_like(keep), np.log(keep)])
    u = np.cos(keep)
    u = u - Z @ np.linalg.lstsq(Z, u, rcond=None)[0]
    u *= 0.05 / np.abs(u).max()
    H1 = 2 * d1**2 / 3
    H = np.full(T, H1)
    H[1:] = H1 * np.exp(-a0) / (np.log(t[1:]) ** 2 * t[1:] ** (2 * alpha))
    H[int(round(trim * T)) :] *= np.exp(-u)
    res = log_t_test(
        _three_unit_panel(np.sqrt(1.5 * H)),
        unit="unit",
        time="time",
        value="y",
        hp_lambda=None,
        log=False,
        trim=trim,
    )
    assert res.coef == pytest.approx(2 * alpha, abs=1e-10)
    assert res.intercept == pytest.approx(a0, abs=1e-10)
    assert np.isfinite(res.t) and res.se > 0


# --------------------------------------------------------------------------
# 3. independent numpy implementation of the regression and HAC errors
# --------------------------------------------------------------------------


def _qs(x):
    x = np.asarray(x, dtype=float)
    z = 6 * np.pi * x / 5
    with np.errstate(invalid="ignore", divide="ignore"):
        k = 25 / (12 * np.pi**2 * x**2) * (np.sin(z) / z - np.cos(z))
    return np.where(x == 0, 1.0, k)


def _reference_log_t(X: np.ndarray, trim: float, hac: str):
    """Plain numpy log t regression, written from the formulas in the papers."""
    N, T = X.shape
    H = np.array([np.sum((X[:, s] / X[:, s].mean() - 1) ** 2) / N for s in range(T)])
    tt = np.arange(round(trim * T) + 1, T + 1)
    y = np.log(H[0] / H[tt - 1]) - 2 * np.log(np.log(tt))
    Z = np.column_stack([np.ones(len(tt)), np.log(tt)])
    n = len(y)
    ZZi = np.linalg.inv(Z.T @ Z)
    beta = ZZi @ Z.T @ y
    e = y - Z @ beta
    if hac == "andrews":
        g = Z * e[:, None]
        v = g[:, 1]
        rho = np.polyfit(v[:-1], v[1:], 1)[0]  # AR(1) with intercept
        bw = 1.3221 * (4 * rho**2 / (1 - rho) ** 4 * n) ** 0.2
        w = _qs(np.arange(n) / bw)
        w = w[: np.nonzero(np.abs(w) > 1e-7)[0][-1] + 1]
        S = g.T @ g
        for j in range(1, len(w)):
            G = g[j:].T @ g[:-j]
            S += w[j] * (G + G.T)
        V = ZZi @ S @ ZZi * n / (n - 2)
    elif hac == "newey-west":
        g = Z * e[:, None]
        L = int(np.floor(4 * (n / 100) ** (2 / 9)))
        S = g.T @ g
        for j in range(1, L + 1):
            G = g[j:].T @ g[:-j]
            S += (1 - j / (L + 1)) * (G + G.T)
        V = ZZi @ S @ ZZi * n / (n - 2)
    elif hac == "ps":
        rho = np.sum(e[:-1] * e[1:]) / np.sum(e[:-1] ** 2)  # AR(1) through the origin
        bw = 1.3221 * (4 * rho**2 / (1 - rho) ** 4 * n) ** 0.2
        m = n - 1
        lrv = np.sum(e**2) / m + sum(
            2 * _qs(j / bw) * np.sum(e[: m - j] * e[j:m]) / m for j in range(1, m)
        )
        V = ZZi * lrv
    se = math.sqrt(V[1, 1])
    return beta[1], se, beta[1] / se


@pytest.mark.parametrize("hac", ["andrews", "newey-west", "ps"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_log_t_agrees_with_independent_numpy_implementation(hac, seed):
    rng = np.random.default_rng(seed)
    N, T = 12, 27
    trend = np.linspace(8, 9, T)
    X = trend + rng.normal(0, 0.3, (N, 1)) * np.linspace(1, 0.4, T) + rng.normal(0, 0.02, (N, T))
    wide = pd.DataFrame(X, index=[f"u{i}" for i in range(N)], columns=range(2000, 2000 + T))
    res = log_t_test(
        _long(wide), unit="unit", time="time", value="y", hp_lambda=None, log=False, hac=hac
    )
    b, se, t = _reference_log_t(X, 1 / 3, hac)
    assert res.coef == pytest.approx(b, rel=1e-10, abs=1e-12)
    assert res.se == pytest.approx(se, rel=1e-10)
    assert res.t == pytest.approx(t, rel=1e-10)


def test_trim_changes_the_sample_as_documented():
    rng = np.random.default_rng(5)
    X = 9 + rng.normal(0, 0.1, (6, 40)).cumsum(axis=1) * 0.01 + rng.normal(0, 0.2, (6, 1))
    wide = pd.DataFrame(X, index=list("abcdef"), columns=range(40))
    for trim in (0.2, 0.22, 1 / 3, 0.5):  # 0.22 * 40 = 8.8 is rounded, not truncated
        res = log_t_test(
            _long(wide), unit="unit", time="time", value="y", hp_lambda=None, log=False, trim=trim
        )
        assert res.n_obs == 40 - round(trim * 40)
        assert res.t == pytest.approx(_reference_log_t(X, trim, "andrews")[2], rel=1e-10)


# --------------------------------------------------------------------------
# 4. simulated panels with a known club structure
# --------------------------------------------------------------------------


def _simulated_clubs(seed: int, T: int = 50):
    """Two clubs converging to different levels and one diverging unit.

    X_it = mu_t * delta_it with delta_it = delta_club + (delta_i0 - delta_club) / t^0.8
    plus small noise; the divergent unit's loading drifts steadily down.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(1, T + 1)
    mu = 8 + 0.02 * t
    rows, names = [], []
    for club, (target, n) in enumerate([(1.15, 10), (0.85, 8)], 1):
        start = target + rng.uniform(-0.12, 0.12, n)
        for i in range(n):
            delta = target + (start[i] - target) / t**0.8 + rng.normal(0, 0.0005, T)
            rows.append(mu * delta)
            names.append(f"c{club}_{i}")
    rows.append(mu * (0.80 - 0.004 * t))
    names.append("div")
    wide = pd.DataFrame(rows, index=names, columns=range(1990, 1990 + T))
    return _long(wide, value="x")


@pytest.mark.parametrize("seed", [0, 1])
def test_recovers_simulated_clubs(seed):
    df = _simulated_clubs(seed)
    res = clubs(df, unit="unit", time="time", value="x", hp_lambda=None, log=False)
    assert [sorted(c) for c in res.clubs] == [
        sorted(f"c1_{i}" for i in range(10)),
        sorted(f"c2_{i}" for i in range(8)),
    ]
    assert res.divergent == ["div"]
    assert not res.log_t.converges
    assert all(r.converges for r in res.club_log_t)
    merged = clubs(df, unit="unit", time="time", value="x", hp_lambda=None, log=False, merge=True)
    assert merged.clubs == res.clubs  # the two clubs do not converge together


def test_simulated_clubs_with_levels_and_hp_filter():
    df = _simulated_clubs(3)
    df["level"] = np.exp(df["x"] / 2)  # log(level) = x / 2: same clubs after logs
    res = clubs(df, unit="unit", time="time", value="level", hp_lambda=400)
    assert [len(c) for c in res.clubs] == [10, 8]
    assert res.divergent == ["div"]


def test_converging_panel_is_one_club():
    rng = np.random.default_rng(7)
    T, N = 40, 9
    t = np.arange(1, T + 1)
    start = 1 + rng.uniform(-0.2, 0.2, N)
    X = np.array([(1 + (s - 1) / t) * (9 + 0.01 * t) for s in start])
    wide = pd.DataFrame(X, index=[f"u{i}" for i in range(N)], columns=range(T))
    res = clubs(_long(wide), unit="unit", time="time", value="y", hp_lambda=None, log=False)
    assert res.log_t.converges
    assert res.n_clubs == 1 and sorted(res.clubs[0]) == sorted(wide.index)
    assert res.divergent == []


# --------------------------------------------------------------------------
# 5. result object
# --------------------------------------------------------------------------


def test_to_frame_summary_and_repr(gdp_clubs_ps_merged):
    res = gdp_clubs_ps_merged
    frame = res.to_frame()
    assert len(frame) == 152 and frame.index.name == "country"
    assert frame.loc["Somalia", "label"] == "divergent" and pd.isna(frame.loc["Somalia", "club"])
    assert frame.loc["Niger", "club"] == 4 and frame.loc["Niger", "label"] == "club 4"
    for k, members in enumerate(res.clubs, 1):
        assert set(frame.index[frame["club"] == k]) == set(members)
    table = res.log_t_table()
    assert list(table.index) == ["full panel", "club 1", "club 2", "club 3", "club 4", "divergent"]
    assert table.loc["club 3", "merged_from"] == "3,4"
    assert table["n_units"].tolist() == [152, 84, 18, 40, 7, 3]
    text = str(res.summary())
    assert "club 3" in text and "Somalia" in text  # members are listed by name
    tidy = res.tidy().set_index("term")
    assert tidy.loc["club 3", "n_units"] == 40 and tidy.loc["divergent", "n_units"] == 3
    assert repr(res.log_t).startswith("<LogTResult n_obs=23: log_t=")


def test_transition_paths(gdp_clubs_ps_merged):
    res = gdp_clubs_ps_merged
    h = res.transition_paths()
    assert list(h.index) == res.order
    np.testing.assert_allclose(h.mean(axis=0), 1.0, rtol=1e-12)  # cross-section mean is 1
    x = res.data
    assert h.loc["Chad", 1980] == pytest.approx(x.loc["Chad", 1980] / x[1980].mean(), rel=1e-12)
    clubs_h = res.transition_paths("club")
    assert list(clubs_h.index) == ["club 1", "club 2", "club 3", "club 4", "divergent"]
    np.testing.assert_allclose(clubs_h.loc["club 2"], h.loc[res.clubs[1]].mean(axis=0))
    # PS (2009): clubs head to ordered relative levels at the end of the sample
    last = clubs_h.loc[["club 1", "club 2", "club 3", "club 4"], 2003].to_numpy()
    assert np.all(np.diff(last) < 0)
    with pytest.raises(ValueError, match="kind"):
        res.transition_paths("region")


def test_merge_divergent_postconditions(gdp):
    # von Lyncker-Thoennessen step: checked through the public log t test on
    # the units themselves (HP filtering is unit by unit, so subsets agree)
    res = clubs(gdp, unit="country", time="year", value="gdp", merge=True, merge_divergent=True)
    kw = dict(unit="country", time="year", value="gdp")
    added = [u for a in res.absorbed for u in a]
    assert set(added) | set(res.divergent) == PUBLISHED_DIVERGENT
    assert len(added) >= 1
    for members, extra, r in zip(res.clubs, res.absorbed, res.club_log_t, strict=True):
        assert set(extra) <= set(members)
        if extra:  # the last unit was admitted because t > e*
            assert r.t > -1.65
            direct = log_t_test(gdp[gdp["country"].isin(members)], **kw)
            assert direct.t == pytest.approx(r.t, rel=1e-10)
    for d in res.divergent:  # nothing left could join any club
        for members in res.clubs:
            sub = gdp[gdp["country"].isin([*members, d])]
            assert log_t_test(sub, **kw).t <= -1.65
    units = [u for c in res.clubs for u in c] + res.divergent
    assert sorted(units) == sorted(set(gdp["country"]))


def test_sort_fraction_gives_a_partition(gdp):
    res = clubs(gdp, unit="country", time="year", value="gdp", sort_fraction=0.2)
    units = [u for c in res.clubs for u in c] + res.divergent
    assert sorted(units) == sorted(set(gdp["country"]))


# --------------------------------------------------------------------------
# 6. bad input
# --------------------------------------------------------------------------


@pytest.fixture
def small():
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(
        np.exp(8 + rng.normal(0, 0.1, (4, 15))), index=list("abcd"), columns=range(2000, 2015)
    )
    return _long(wide)


def test_bad_input_raises_clear_errors(small):
    kw = dict(unit="unit", time="time", value="y")
    with pytest.raises(ValueError, match="duplicate"):
        clubs(pd.concat([small, small.iloc[:1]]), **kw)
    bad = small.copy()
    bad.loc[3, "y"] = -1.0
    with pytest.raises(ValueError, match="strictly positive"):
        clubs(bad, **kw)
    with pytest.raises(ValueError, match="at least 3 units"):
        clubs(small[small["unit"].isin(["a", "b"])], **kw)
    with pytest.raises(ValueError, match="too few periods"):
        clubs(small[small["time"] < 2006], **kw)  # 6 periods, 4 left
    with pytest.raises(ValueError, match="balanced"):
        clubs(small.drop(index=5), **kw)
    with pytest.raises(ValueError, match="not found"):
        clubs(small, unit="unit", time="year", value="y")
    nan = small.copy()
    nan.loc[2, "y"] = np.nan
    with pytest.raises(ValueError, match="missing"):
        clubs(nan, **kw)
    logged = small.assign(y=np.log(small["y"]) - 8.0)  # negative logs
    with pytest.raises(ValueError, match="strictly positive"):
        clubs(logged, **kw, log=False, hp_lambda=None)
    with pytest.raises(ValueError, match="hac"):
        clubs(small, **kw, hac="white")
    with pytest.raises(ValueError, match="merge"):
        clubs(small, **kw, merge="maybe")
    with pytest.raises(ValueError, match="trim"):
        clubs(small, **kw, trim=0)
    with pytest.raises(ValueError, match="sort_fraction"):
        clubs(small, **kw, sort_fraction=2)
    with pytest.raises(ValueError, match="estar"):
        clubs(small, **kw, estar=float("nan"))
    with pytest.raises(ValueError, match="hp_lambda"):
        log_t_test(small, **kw, hp_lambda=-1)


# --------------------------------------------------------------------------
# 7. identical series: converged (one club), never "all divergent"
# --------------------------------------------------------------------------


def _same_series(n_units=5, T=21, rel_noise=0.0):
    base = 100.0 * 1.05 ** np.arange(T)
    wide = pd.DataFrame(
        [base * (1 + k * rel_noise) for k in range(n_units)],
        index=[f"u{k}" for k in range(n_units)],
        columns=range(2000, 2000 + T),
    )
    return _long(wide)


@pytest.mark.parametrize("rel_noise", [0.0, 1e-15, 5e-14])
@pytest.mark.parametrize("hp_lambda", [400, None])
def test_identical_series_form_one_club(rel_noise, hp_lambda):
    # identical, or equal up to a few ulps (numerically constant cross-section)
    df = _same_series(rel_noise=rel_noise)
    res = clubs(df, unit="unit", time="time", value="y", hp_lambda=hp_lambda)
    assert res.log_t.converges and res.log_t.t == math.inf
    assert res.n_clubs == 1 and sorted(res.clubs[0]) == [f"u{k}" for k in range(5)]
    assert res.divergent == []
    assert "identical" in res.log_t.note and any("identical" in n for n in res.notes)
    assert "identical" in str(res.summary())
    assert res.tidy().set_index("term").loc["club 1", "n_units"] == 5
    res.plot()
    res.log_t.plot()


def test_units_that_become_identical_have_converged():
    # three paths meet in period 15 and coincide from then on (no HP filter)
    T = 24
    t = np.arange(T)
    gap = np.clip(1 - t / 14, 0, None)
    wide = pd.DataFrame(
        [10 * (1 + d * gap) for d in (-0.1, 0.0, 0.2)], index=list("abc"), columns=range(T)
    )
    res = log_t_test(_long(wide), unit="unit", time="time", value="y", hp_lambda=None, log=False)
    assert res.converges and res.t == math.inf and "period 15 of 24" in res.note


def test_units_identical_only_at_the_start_are_not_accepted_as_converged():
    T = 24
    t = np.arange(T)
    wide = pd.DataFrame(
        [10 * (1 + d * t / T) for d in (-0.1, 0.0, 0.2)], index=list("abc"), columns=range(T)
    )
    res = log_t_test(_long(wide), unit="unit", time="time", value="y", hp_lambda=None, log=False)
    assert math.isnan(res.t) and not res.converges and "differ in the last" in res.note


# --------------------------------------------------------------------------
# 8. p-value and interval of the log t test
# --------------------------------------------------------------------------


def test_log_t_p_value_and_interval_agree_with_the_test(gdp_clubs):
    from scipy.stats import norm

    tests = [gdp_clubs.log_t, *gdp_clubs.club_log_t]
    assert {r.converges for r in tests} == {True, False}  # both verdicts occur
    for r in tests:
        assert r.p_value == pytest.approx(norm.cdf(r.t), rel=1e-12)
        lo, hi = r.conf_int
        assert lo == pytest.approx(r.coef - 1.959964 * r.se)
        assert hi == pytest.approx(r.coef + 1.959964 * r.se)
        # convergence rejected (t < -1.65)  <=>  p < Phi(-1.65)
        assert r.converges == (r.p_value > norm.cdf(-1.65))
    assert gdp_clubs.log_t.conf_level == 0.95


def test_plot_names_units_without_overprinting():
    """Units ending close together are named at the right margin, one name clear of the next."""
    import itertools

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    rng = np.random.default_rng(2)
    years = np.arange(1990, 2020)
    rows = [
        (f"unit {i}", t, 100 * np.exp(0.03 * (t - 1990) + 0.002 * i + rng.normal(0, 0.002)))
        for i in range(12)
        for t in years
    ]
    df = pd.DataFrame(rows, columns=["u", "t", "y"])
    res = clubs(df, unit="u", time="t", value="y")
    fig, ax = plt.subplots(figsize=(6, 3))
    res.plot(ax=ax)
    fig.tight_layout()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    names = [t for t in ax.texts if t.get_text().startswith("unit ")]
    assert len(names) == 12
    boxes = [Text.get_window_extent(t, renderer) for t in names]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    assert all(b.x0 > ax.bbox.x1 for b in boxes)  # in the margin, clear of the paths
    plt.close(fig)
