"""The claims ledger: every verdict function branch by branch, every claim by an independent
computation from the shipped data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nanbei import claims, data


@pytest.fixture(scope="module")
def ledger():
    return claims.evaluate().set_index("claim_id")


@pytest.fixture(scope="module")
def china():
    return data.load_city_panel("china")


# ------------------------------------------------------------------ verdict functions
@pytest.mark.parametrize(
    "claimed,measured,expected",
    [
        (3.5, 3.46, True),  # rounds to 3.5
        (3.5, 3.44, False),  # rounds to 3.4 and is 1.7% off
        (1.96, 1.9545, True),  # 0.28% off: within 1%
        (1.96, 1.93, False),  # 1.5% off, rounds to 1.93
        (2.7, 2.67, True),  # rounds to 2.7
        (21, 21.0, True),
        (21, 22.0, False),
        (2.7, np.nan, False),
    ],
)
def test_matches(claimed, measured, expected):
    assert claims.matches(claimed, measured) is expected


@pytest.mark.parametrize(
    "official,consistent,expected",
    [
        (2.67, 2.69, "reproduced"),
        (2.67, None, "reproduced"),
        (2.67, np.nan, "reproduced"),
        (2.67, 4.02, "reproduced only on the official basis"),
        (3.10, 2.70, "contradicted"),
    ],
)
def test_ratio_status_branches(official, consistent, expected):
    assert claims.ratio_status(2.7, official, consistent) == expected


@pytest.mark.parametrize(
    "worst,expected",
    [(75, "reproduced"), (100, "reproduced"), (101, "contradicted"), (np.nan, "not testable")],
)
def test_rank_status_branches(worst, expected):
    assert claims.rank_status(worst, 100) == expected


# ------------------------------------------------------------------ the ledger
def test_ledger_covers_every_claim_with_a_known_status(ledger):
    transcribed = data.load_claims()
    assert list(ledger.index) == list(transcribed["claim_id"])
    assert ledger["status"].isin(claims.STATUSES).all()
    assert ledger["explanation"].str.len().gt(20).all()
    assert list(ledger.reset_index().columns) == claims.LEDGER_COLUMNS
    # The report's figures are transcribed, in Chinese, from the report.
    assert ledger.loc["gap_2021", "claim_zh"].endswith("1.96倍")
    assert ledger.loc["parks_jobs", "claim_zh"] == "带动就业70余万人"


def test_gap_claims_by_hand(ledger):
    """Sunan/Subei ratios from regional sums written out here (GDP over the population implied by
    the official per-capita GDP; registered population)."""
    js = data.load_city_panel("jiangsu")

    def by_hand(year, population):
        d = js[js["year"] == year].assign(pop=population(js[js["year"] == year]))
        d = d.dropna(subset=["gdp", "pop"])
        s = d.groupby("region")[["gdp", "pop"]].sum()
        return (s.loc["Sunan", "gdp"] / s.loc["Sunan", "pop"]) / (
            s.loc["Subei", "gdp"] / s.loc["Subei", "pop"]
        )

    def implied(d):
        return d["gdp"] * 1e4 / d["gdp_pc_official"]

    def registered(d):
        return d["pop_registered"]

    for cid, year in (("gap_2000", 2000), ("gap_2010", 2010), ("gap_2021", 2021)):
        assert ledger.loc[cid, "measured"] == pytest.approx(by_hand(year, implied), abs=5e-4)
    assert ledger.loc["gap_2000", "status"] == "reproduced"  # registered = official before 2009
    assert "Huaian" in ledger.loc["gap_2000", "cities"]
    for cid, year in (("gap_2010", 2010), ("gap_2021", 2021)):
        assert by_hand(year, registered) > 3.0  # the consistent basis is far from 2.7 / 1.96
        assert ledger.loc[cid, "status"] == "reproduced only on the official basis"


def test_top100_claim_by_hand(ledger, china):
    g = china[(china["year"] == 2021)].dropna(subset=["gdp"]).sort_values("gdp", ascending=False)
    order = list(g["city_code"])
    worst = max(order.index(c) + 1 for c in g.loc[g["province_code"] == 320000, "city_code"])
    assert ledger.loc["top100", "measured"] == worst <= 100
    assert ledger.loc["top100", "status"] == "reproduced"


def test_balance_claim_by_hand(ledger, china):
    d = china[china["year"] == 2021].dropna(subset=["gdp", "gdp_pc_official"])
    d = d.assign(pop=d["gdp"] * 1e4 / d["gdp_pc_official"])
    cvs = {}
    for code, g in d.groupby("province_code"):
        if g["city_code"].nunique() >= 5:
            mean = np.average(g["gdp_pc_official"], weights=g["pop"])
            var = np.cov(g["gdp_pc_official"], aweights=g["pop"], ddof=0)
            cvs[code] = np.sqrt(var) / mean
    rank = int(pd.Series(cvs).rank().loc[320000])
    assert ledger.loc["balance", "measured"] == rank
    assert ledger.loc["balance", "status"] == ("reproduced" if rank <= 5 else "contradicted")


def test_years_and_parks_claims(ledger):
    assert ledger.loc["years_21", "measured"] == 2022 - 2001
    assert ledger.loc["years_21", "status"] == "reproduced"
    roster = data.load_parks()
    assert (
        ledger.loc["parks_total", "measured"]
        == (roster["membership"] == "named co-built park").sum()
    )
    for cid in (
        "parks_total",
        "parks_subei",
        "parks_junction",
        "parks_projects",
        "parks_revenue",
        "parks_fdi",
        "parks_growth",
        "parks_jobs",
        "suzhou_suqian",
    ):
        assert ledger.loc[cid, "status"] == "not testable"
        assert "would test" in ledger.loc[cid, "explanation"] or cid in (
            "parks_subei",
            "parks_junction",
            "parks_growth",
            "suzhou_suqian",
        )


def test_jobs_context_by_hand(ledger):
    """Subei's unit employment change within the segments between definitional breaks, summed
    by hand (2006-2012 and 2013-2020; 2013 is a break)."""
    js = data.load_city_panel("jiangsu")
    subei = js[js["region"] == "Subei"].groupby("year")["employment"].sum(min_count=5)
    by_hand = (subei[2012] - subei[2006]) + (subei[2020] - subei[2013])
    assert ledger.loc["parks_jobs", "measured"] == pytest.approx(by_hand, abs=0.05)
    assert ledger.loc["parks_jobs", "years"] == "2006–2020"
    assert f"{70 / subei[2020]:.0%}" in ledger.loc["parks_jobs", "explanation"]


def test_unknown_check_is_refused(monkeypatch):
    bad = data.load_claims()
    bad.loc[0, "check"] = "vibes"
    monkeypatch.setattr(data, "load_claims", lambda: bad)
    with pytest.raises(ValueError, match="unknown check 'vibes' for claim gap_2000"):
        claims.evaluate()
