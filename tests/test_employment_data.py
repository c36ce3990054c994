"""The county census data, its crosswalk, the host units and the jobs claim's context, checked
against the raw files and independent computations."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import nanbei  # noqa: E402
from nanbei import data  # noqa: E402
from nanbei import employment as em  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "census_county"


@pytest.fixture(scope="module")
def census():
    return data.load_census_counties()


@pytest.fixture(scope="module")
def crosswalk():
    return data.load_census_crosswalk()


@pytest.fixture(scope="module")
def units():
    return em.census_units()


@pytest.fixture(scope="module")
def jiangsu():
    return data.load_city_panel("jiangsu")


# ----------------------------------------------------------------------------- the shipped data
def test_census_rows_sum_to_the_raw_province_and_prefecture_rows(census):
    for year in (2010, 2020):
        raw = pd.read_csv(RAW / f"census_county_{year}_jiangsu.csv")
        province = raw[raw["code"] == 320000].iloc[0]
        rows = census[census["year"] == year]
        assert rows["pop_resident"].sum() == province["pop_resident"]
        assert rows["emp_sample_total"].sum() == province["emp_total"]
        assert (
            rows[[f"emp_sample_{s}" for s in em.SECTORS]]
            .sum(axis=1)
            .equals(rows["emp_sample_total"])
        )


def test_census_prefecture_totals_match_the_city_census_file(census):
    """An independent file of the same authors (raw/census/, the prefecture table)."""
    city = pd.read_csv(ROOT / "data" / "raw" / "census" / "census_city_2010_2020.csv")
    city = city[city["province_code"] == 320000].set_index("city_code")
    sums = census.groupby(["year", "city_code"])["pop_resident"].sum().unstack(0)
    assert sums[2010].equals(city["popu_2010"].astype("int64").reindex(sums.index))
    assert sums[2020].equals(city["popu_2020"].astype("int64").reindex(sums.index))


def test_census_2010_sector_shares_reproduce_the_published_percentages(census):
    raw = pd.read_csv(RAW / "census_county_2010_jiangsu.csv").set_index("code")
    rows = census[census["year"] == 2010].set_index("code")
    share = rows["emp_sample_secondary"] / rows["emp_sample_total"] * 100
    assert (share - raw.loc[share.index, "pct_secondary"]).abs().max() <= 0.005 + 1e-9


def test_long_form_is_a_ten_percent_sample(census):
    assert census["sampling_fraction"].between(0.07, 0.13).all()
    by_year = census.groupby("year").apply(
        lambda g: g["households_long_form"].sum() / g["households_all"].sum(), include_groups=False
    )
    assert by_year.between(0.09, 0.11).all()
    assert (census["urban_share"].between(0, 1)).all()
    assert census.loc[census["year"] == 2020, "pop_registered"].isna().all()  # not in the 2020 file


def test_industry_table_sums_to_the_sector_counts(census):
    ind = data.load_census_industry()
    assert set(ind["section"]) == set("ABCDEFGHIJKLMNOPQRST")
    sums = ind.groupby(["year", "name", "sector"])["emp_sample"].sum().unstack("sector")
    rows = census.set_index(["year", "name"])
    for s in em.SECTORS:
        got = sums[s].groupby(level=[0, 1]).sum()
        want = rows[f"emp_sample_{s}"].groupby(level=[0, 1]).sum()
        assert got.reindex(want.index).equals(want.astype(float))
    # 2010 and 2020 letters F-I name different industries: the names say which.
    names = ind.drop_duplicates(["year", "section"]).set_index(["year", "section"])["industry_zh"]
    assert names[(2010, "H")] == names[(2020, "F")] == "批发和零售业"


# ----------------------------------------------------------------------------- crosswalk
def test_every_polygon_and_census_row_is_in_exactly_one_unit(crosswalk, census):
    geo = json.loads(
        (ROOT / "data" / "tidy" / "jiangsu_counties_95.geojson").read_text(encoding="utf-8")
    )
    codes = sorted(int(f["properties"]["adcode"]) for f in geo["features"])
    polygons = crosswalk[crosswalk["source"] == "boundaries"]
    assert sorted(polygons["code"].astype(int)) == codes
    assert crosswalk.groupby(["source", "code", "name"]).size().max() == 1
    for source in ("census_2010", "census_2020"):
        assert set(crosswalk.loc[crosswalk["source"] == source, "unit_id"]) == set(
            polygons["unit_id"]
        )
    assert set(census["unit_id"]) == set(polygons["unit_id"])
    assert (polygons["unit_id"] // 100 == polygons["code"] // 100).all()  # never across prefectures


def test_crosswalk_follows_the_documented_changes(crosswalk):
    c = crosswalk.set_index(["source", "code"])["unit_id"]
    # 国函〔2013〕24号: 白下区 merged into 秦淮区; 下关区 into 鼓楼区.
    assert c[("census_2010", 320103)] == c[("census_2010", 320104)] == c[("boundaries", 320104)]
    assert c[("census_2010", 320107)] == c[("boundaries", 320106)]
    # 国函〔2015〕120号: 大丰市 -> 大丰区, the same area: a unit of its own.
    assert c[("census_2010", 320982)] == c[("boundaries", 320904)] == 320904
    assert (crosswalk["unit_id"] == 320904).sum() == 3
    # An unchanged county is its own unit in both censuses.
    assert (
        c[("census_2010", 321322)]
        == c[("census_2020", 321322)]
        == c[("boundaries", 321322)]
        == 321322
    )
    links = crosswalk.set_index(["source", "code"])["link"]
    assert "国函〔2013〕24号" in links[("census_2010", 320103)]
    zones = crosswalk[crosswalk["link"].str.startswith("development zone")]
    assert len(zones) == 11 and (zones["source"] == "census_2020").all()


def test_census_units_are_comparable_and_estimates_are_labelled(units, census):
    assert units.groupby("unit_id")["year"].nunique().eq(2).all()
    assert len(units) == 2 * units["unit_id"].nunique()
    for year in (2010, 2020):
        u = units[units["year"] == year]
        c = census[census["year"] == year]
        assert u["pop_resident"].sum() == c["pop_resident"].sum()
        est = (c["emp_sample_total"] / c["sampling_fraction"]).sum()
        assert u["emp_est_total"].sum() == pytest.approx(est)
    shares = units[[f"share_{s}" for s in em.SECTORS]].sum(axis=1)
    np.testing.assert_allclose(shares, 100)


def test_census_units_reject_a_unit_seen_in_one_census(census):
    one_sided = census[~((census["year"] == 2020) & (census["unit_id"] == 321322))]
    with pytest.raises(
        nanbei.DataError, match=r"unit 321322 appears only in census year\(s\) \[2010\]"
    ):
        em.census_units(one_sided)


def test_census_change_by_hand(units):
    ch = em.census_change(units).set_index("unit_id")
    u = units.set_index(["unit_id", "year"])
    want = u.loc[(321322, 2020), "share_secondary"] - u.loc[(321322, 2010), "share_secondary"]
    assert ch.loc[321322, "share_secondary_change"] == pytest.approx(want)
    assert ch.loc[321322, "log_emp_est_secondary_change"] == pytest.approx(
        np.log(
            u.loc[(321322, 2020), "emp_est_secondary"] / u.loc[(321322, 2010), "emp_est_secondary"]
        )
    )
    assert np.isfinite(ch["log_emp_est_primary_change"].dropna()).all()


# ----------------------------------------------------------------------------- build refuses bad raw data
@pytest.fixture
def build_module(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "data"))
    import build

    sys.path.pop(0)
    copy = tmp_path / "census_county"
    shutil.copytree(RAW, copy)
    monkeypatch.setattr(build, "CENSUS_COUNTY", copy)
    return build, copy


def test_build_of_census_counties_is_the_committed_one(build_module):
    build, _ = build_module
    files, log = build.build_census_county()
    tidy = pd.read_csv(ROOT / "data" / "tidy" / "census_county_crosswalk.csv")
    assert len(files["census_county_crosswalk.csv"]) == len(tidy)
    assert any("72 comparable units" in line for line in log)


@pytest.mark.parametrize(
    "edit,message",
    [
        (
            lambda d: d.assign(emp_C=d["emp_C"].where(d["name"] != "沭阳县", d["emp_C"] + 1)),
            "industries do not sum to emp_total",
        ),
        (
            lambda d: d.assign(
                households_long_form=d["households_long_form"].where(
                    d["name"] != "沭阳县", d["households_all"]
                )
            ),
            "long-form household fraction",
        ),
        (
            lambda d: d.assign(pct_secondary=d["pct_secondary"].where(d["name"] != "沭阳县", 10.0)),
            "secondary share",
        ),
        (
            lambda d: d.assign(pop_resident=d["pop_resident"].where(d["name"] != "沭阳县", 1)),
            "county rows do not sum to their prefecture rows",
        ),
    ],
)
def test_build_refuses_inconsistent_census_rows(build_module, edit, message):
    build, copy = build_module
    path = copy / "census_county_2010_jiangsu.csv"
    edit(pd.read_csv(path)).to_csv(path, index=False)
    with pytest.raises(SystemExit, match=message):
        build.build_census_county()


def test_build_refuses_an_unresolvable_change(build_module):
    build, copy = build_module
    path = copy / "areacodes" / "jiangsu_changes.csv"
    changes = pd.read_csv(path, dtype=str)
    changes.loc[0, "line"] = changes.loc[0, "line"].replace("泉山区", "不存在区")
    changes.to_csv(path, index=False)
    with pytest.raises(SystemExit, match="'不存在区' matches 0 records"):
        build.build_census_county()


# ----------------------------------------------------------------------------- hosts
def test_host_units_follow_the_roster_rules(crosswalk):
    dated = em.host_units(rule="dated")
    both = em.host_units(rule="dated_or_undated")
    assert set(dated["unit_id"]) < set(both["unit_id"])
    assert (both["n_undated"] > 0).sum() == len(set(both["unit_id"]) - set(dated["unit_id"]))
    assert both.attrs["later"]["year"].ge(2020).all() and len(both.attrs["later"]) > 0
    placed = (
        set(both["parks"].str.split(" | ", regex=False).explode())
        | set(both.attrs["later"]["park_zh"])
        | set(both.attrs["unplaced"]["park_zh"])
    )
    roster = data.load_parks()
    assert placed == set(roster.loc[roster["membership"] == "named co-built park", "park_zh"])
    assert dated["first_year"].lt(2020).all()
    # 2020 parks (贾汪, 徐州经开区) are after the census window: Xuzhou's core is no host.
    assert 320302 not in set(both["unit_id"])


def test_host_units_reject_a_polygon_missing_from_the_crosswalk(crosswalk):
    broken = crosswalk[~((crosswalk["source"] == "boundaries") & (crosswalk["code"] == 321323))]
    with pytest.raises(nanbei.DataError, match=r"host county polygon\(s\) \[321323\] not in"):
        em.host_units(crosswalk=broken)


def test_host_comparison_equals_a_direct_computation(units):
    ch = em.census_change(units)
    hosts = em.host_units()
    res = em.host_comparison(ch, hosts, n_perm=999)
    sub = ch[ch["region"] == "Subei"]
    is_host = sub["unit_id"].isin(hosts["unit_id"])
    want = (
        sub.loc[is_host, "share_secondary_change"].mean()
        - sub.loc[~is_host, "share_secondary_change"].mean()
    )
    assert res.estimate == pytest.approx(want)
    assert res.tidy()["n_host"].iloc[0] == is_host.sum()
    assert 0 < res.p_value <= 1
    assert "randomization inference" in str(res.summary())
    assert res.plot(lang="zh") is not None
    with pytest.raises(nanbei.DataError, match="not among the census units"):
        em.host_comparison(ch, pd.DataFrame({"unit_id": [999999]}))


def test_host_sensitivity_covers_every_rule(units):
    table = em.host_sensitivity(
        em.census_change(units), n_perm=199, outcomes=("share_secondary_change",)
    )
    assert len(table) == 4
    n = table.set_index(["membership", "rule"])["n_host"]
    assert (
        n[("named", "dated")]
        < n[("named", "dated_or_undated")]
        <= n[("named+uncertain", "dated_or_undated")]
    )
    assert n[("named", "dated")] <= n[("named+uncertain", "dated")]
    assert (table["n_host"] + table["n_other"]).nunique() == 1


# ----------------------------------------------------------------------------- the jobs claim
def test_jobs_claim_context_numbers_by_independent_computation(jiangsu, units):
    ctx = em.jobs_claim_context(70.0, jiangsu=jiangsu, units=units, breaks=[1998, 2013])
    subei = jiangsu[jiangsu["region"] == "Subei"].groupby("year")["employment"].sum()
    end = ctx["end"]
    assert ctx["share_of_unit_employment"] == pytest.approx(70.0 / subei[end])
    assert ctx["growth_within_segments"] == pytest.approx(
        (subei[2012] - subei[2006]) + (subei[end] - subei[2013])
    )
    assert ctx["segments"] == ["2006–2012", f"2013–{end}"]
    census = data.load_census_counties()
    sub = census[census["region"] == "Subei"]
    est = (sub["emp_sample_total"] / sub["sampling_fraction"]).groupby(sub["year"]).sum() / 1e4
    assert ctx["census_employed_est_2020"] == pytest.approx(est[2020])
    total = ctx["host_secondary_change_est"] + ctx["other_secondary_change_est"]
    assert total == pytest.approx(ctx["region_secondary_change_est"])
    assert ctx["verdict"] == em.jobs_claim_verdict(ctx)
    json.dumps({k: v for k, v in ctx.items()})  # plain numbers and strings: ledger-ready


def test_employment_definitions_show_the_primary_sector_gap(jiangsu, units):
    table = em.employment_definitions(jiangsu, units, years=(2010,)).set_index("region")
    assert set(table.index) == {"Sunan", "Suzhong", "Subei"}
    # The census counts farm work that unit employment leaves out.
    assert (table["census_primary"] > table["unit_primary"]).all()
