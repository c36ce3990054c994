"""The data contract: shipped files, validation errors, per-capita bases and region ratios."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nanbei
from nanbei import data

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def jiangsu():
    return data.load_city_panel("jiangsu")


@pytest.fixture
def panel_csv(tmp_path, jiangsu):
    """A valid user file in the panel schema, to be broken by each test."""
    path = tmp_path / "my_panel.csv"
    jiangsu.to_csv(path, index=False)
    return path


# ------------------------------------------------------------------- shipped data
def test_jiangsu_panel_has_13_cities_in_three_regions(jiangsu):
    assert list(jiangsu.columns) == data.PANEL_COLUMNS
    assert jiangsu["city_code"].nunique() == 13
    assert jiangsu.groupby("region")["city_code"].nunique().to_dict() == {
        "Sunan": 5,
        "Suzhong": 3,
        "Subei": 5,
    }
    # The design's region definition, checked by GB/T 2260 codes (3201xx Nanjing ... 3213xx Suqian).
    by_code = jiangsu.drop_duplicates("city_code").set_index("city_code")["region"]
    assert by_code[[320100, 320200, 320400, 320500, 321100]].eq("Sunan").all()
    assert by_code[[320600, 321000, 321200]].eq("Suzhong").all()
    assert by_code[[320300, 320700, 320800, 320900, 321300]].eq("Subei").all()
    assert jiangsu["year"].between(1990, 2021).all()
    assert jiangsu["city_zh"].notna().all()


def test_china_panel_covers_prefecture_cities():
    china = data.load_city_panel("china")
    assert china["city_code"].nunique() > 280
    assert china["province_code"].nunique() == 31
    assert china.loc[china["province_code"] != 320000, "region"].isna().all()
    # Units: Suzhou 2010 GDP is 9,228.91 亿元 in the China City Statistical Yearbook 2011.
    sz = china[(china["city_code"] == 320500) & (china["year"] == 2010)]
    assert sz["gdp"].item() == pytest.approx(9228.91)


def test_missing_is_nan_never_zero(jiangsu):
    numeric = jiangsu[data.NUMERIC_COLUMNS]
    assert not (numeric == 0).any().any()
    # Huai'an has no GDP before 2001 in the source: a gap, not a number.
    huaian = jiangsu[(jiangsu["city_code"] == 320800) & (jiangsu["year"] <= 2000)]
    assert huaian["gdp"].isna().all()


def test_known_bad_source_value_is_excluded(jiangsu):
    # The source's Huai'an 2000 registered population (122.73) is the county-level city.
    value = jiangsu.loc[
        (jiangsu["city_code"] == 320800) & (jiangsu["year"] == 2000), "pop_registered"
    ]
    assert value.isna().all()


def test_tidy_files_rebuild_identically_from_raw():
    """Raw to tidy is code: rebuilding must reproduce the committed files byte for byte."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "data" / "build.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_data_readme_lists_every_file_and_column():
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for line in (ROOT / "data" / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert name in readme, f"{name} missing from data/README.md"
        assert digest in readme, f"checksum of {name} in data/README.md is stale"
    for column in data.PANEL_COLUMNS:
        assert f"`{column}`" in readme, f"column {column} not documented"


# --------------------------------------------------------------- bad data raises
def _write(df: pd.DataFrame, path: Path) -> Path:
    df.to_csv(path, index=False)
    return path


def test_user_file_round_trips(panel_csv, jiangsu):
    pd.testing.assert_frame_equal(data.load_city_panel(path=panel_csv), jiangsu)


@pytest.mark.parametrize("scope", ["Jiangsu ", "world"])
def test_bad_scope(scope):
    with pytest.raises(nanbei.DataError, match="scope must be"):
        data.load_city_panel(scope)


def test_missing_column(panel_csv):
    df = pd.read_csv(panel_csv).drop(columns="gdp")
    with pytest.raises(nanbei.DataError, match=r"my_panel\.csv: missing column\(s\) \['gdp'\]"):
        data.load_city_panel(path=_write(df, panel_csv))


def test_extra_column(panel_csv):
    df = pd.read_csv(panel_csv).assign(gdp_usd=1.0)
    with pytest.raises(nanbei.DataError, match=r"unexpected column\(s\) \['gdp_usd'\]"):
        data.load_city_panel(path=_write(df, panel_csv))


def test_duplicate_city_year(panel_csv):
    df = pd.read_csv(panel_csv)
    df = pd.concat([df, df.iloc[[5]]], ignore_index=True)
    code, year = df.iloc[5][["city_code", "year"]]
    with pytest.raises(
        nanbei.DataError,
        match=rf"duplicate city-year rows on lines \[7, {len(df) + 1}\].*{code}.*{year}",
    ):
        data.load_city_panel(path=_write(df, panel_csv))


def test_non_numeric_value_names_line_and_column(panel_csv):
    df = pd.read_csv(panel_csv)
    df["gdp"] = df["gdp"].astype(object)
    df.loc[10, "gdp"] = "1,234.5"
    with pytest.raises(
        nanbei.DataError, match=r"column 'gdp' must be numeric; line\(s\) \[12\].*'1,234.5'"
    ):
        data.load_city_panel(path=_write(df, panel_csv))


@pytest.mark.parametrize(
    "column,value,expected",
    [
        ("gdp", -5.0, "> 0"),
        ("pop_registered", 0.0, "> 0"),
        ("fdi", -1.0, "> 0"),
        ("fdi", 0.0, "> 0"),  # a 0 would become log FDI of -inf: a blank is an empty cell
        ("emp_share_primary", 120.0, "between 0 and 100"),
    ],
)
def test_impossible_values(panel_csv, column, value, expected):
    df = pd.read_csv(panel_csv)
    df.loc[3, column] = value
    with pytest.raises(nanbei.DataError, match=rf"'{column}' must be {expected}.*line\(s\) \[5\]"):
        data.load_city_panel(path=_write(df, panel_csv))


def test_unknown_city_code(panel_csv):
    df = pd.read_csv(panel_csv)
    df.loc[0, "city_code"] = 329900
    with pytest.raises(nanbei.DataError, match=r"unknown city_code \[329900\] on line\(s\) \[2\]"):
        data.load_city_panel(path=_write(df, panel_csv))


def test_unknown_region(panel_csv):
    df = pd.read_csv(panel_csv)
    df.loc[0, "region"] = "North"
    with pytest.raises(nanbei.DataError, match="'region' must be one of"):
        data.load_city_panel(path=_write(df, panel_csv))


def test_non_integer_year(panel_csv):
    df = pd.read_csv(panel_csv)
    df["year"] = df["year"].astype(float)
    df.loc[2, "year"] = 2001.5
    with pytest.raises(nanbei.DataError, match=r"'year' must hold whole numbers; line\(s\) \[4\]"):
        data.load_city_panel(path=_write(df, panel_csv))


def test_undecodable_file(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("city_code,city_zh\n320100,南京市\n".encode("gbk"))
    with pytest.raises(nanbei.DataError, match=r"gbk\.csv: cannot be decoded as UTF-8"):
        data.load_city_panel(path=path)


def test_missing_file(tmp_path):
    with pytest.raises(nanbei.DataError, match="file not found"):
        data.load_city_panel(path=tmp_path / "nope.csv")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of data/ so a test can corrupt it."""
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy, ignore=shutil.ignore_patterns("raw"))
    monkeypatch.setenv("NANBEI_DATA_DIR", str(copy))
    data.clear_cache()
    yield copy
    data.clear_cache()


def test_checksum_mismatch_is_caught(data_copy):
    target = data_copy / "tidy" / "city_panel.csv"
    text = target.read_text(encoding="utf-8").replace("9228.91", "9228.92")
    target.write_text(text, encoding="utf-8")
    with pytest.raises(nanbei.DataError, match=r"city_panel\.csv: checksum mismatch"):
        data.load_city_panel()


def test_missing_manifest_is_caught(data_copy):
    (data_copy / "SHA256SUMS").unlink()
    with pytest.raises(nanbei.DataError, match="checksum manifest not found"):
        data.load_city_panel()


# ------------------------------------------------------------ per capita, ratios
def _toy_panel() -> pd.DataFrame:
    """Two regions, hand-computable: Sunan = A + B, Subei = C."""
    return pd.DataFrame(
        {
            "city_code": [1, 2, 3, 1, 2, 3],
            "city_en": ["A", "B", "C"] * 2,
            "region": ["Sunan", "Sunan", "Subei"] * 2,
            "year": [2000] * 3 + [2001] * 3,
            "gdp": [100.0, 300.0, 50.0, 110.0, 330.0, np.nan],  # 亿元
            "pop_registered": [100.0, 100.0, 100.0, 100.0, 100.0, 100.0],  # 万人
            "pop_resident": [np.nan] * 6,
            "gdp_pc_official": [20000.0, 25000.0, 5000.0, 20000.0, 25000.0, 5000.0],
        }
    )


def test_per_capita_bases_by_hand():
    toy = _toy_panel()
    # 100 亿元 / 100 万人 = 1e10 / 1e6 = 10,000 yuan per person.
    assert data.per_capita(toy, basis="registered").iloc[0] == pytest.approx(10_000)
    assert data.per_capita(toy, basis="official").iloc[1] == 25_000
    assert data.per_capita(toy, basis="resident").isna().all()
    # Implied population: 100 亿元 / 20,000 yuan = 50 万人.
    assert data.implied_population(toy).iloc[0] == pytest.approx(50)
    with pytest.raises(ValueError, match="basis must be one of"):
        data.per_capita(toy, basis="hukou")


def test_region_ratio_by_hand_and_incomplete_years():
    toy = _toy_panel()
    reg = data.region_ratio(toy, "Sunan", "Subei", basis="registered")
    # 2000: Sunan (100+300)/(100+100) = 2 亿元 per 万人 vs Subei 50/100 = 0.5 -> ratio 4.
    assert reg.loc[2000] == pytest.approx(4.0)
    # 2001: Subei's only city lacks GDP -> NaN and reported, never computed on a subset.
    assert np.isnan(reg.loc[2001])
    assert reg.attrs["missing_cities"] == {2001: {"Subei": ["C"]}}
    off = data.region_ratio(toy, basis="official")
    # Official: implied pops 50 + 120 (Sunan), 100 (Subei): (400/170) / (50/100).
    assert off.loc[2000] == pytest.approx((400 / 170) / 0.5)


def test_region_ratio_subset_only_when_asked(jiangsu):
    strict = data.region_ratio(jiangsu, basis="official")
    loose = data.region_ratio(jiangsu, basis="official", allow_incomplete=True)
    assert np.isnan(strict.loc[2000])  # Huai'an has no GDP in 2000
    assert loose.attrs["missing_cities"][2000] == {"Subei": ["Huaian"]}
    # The subset computation equals the ratio over the four other Subei cities.
    four = jiangsu[(jiangsu["city_code"] != 320800)]
    assert loose.loc[2000] == pytest.approx(data.region_ratio(four, basis="official").loc[2000])


def test_headline_ratios_reproduce_the_report(jiangsu):
    """The report's 3.5 (2000), 2.7 (2010), 1.96 (2021), official basis, to within rounding."""
    ratio = data.region_ratio(jiangsu, "Sunan", "Subei", basis="official", allow_incomplete=True)
    assert ratio.loc[2000] == pytest.approx(3.5, abs=0.05)  # Subei without Huai'an
    assert ratio.loc[2010] == pytest.approx(2.7, abs=0.05)
    assert ratio.loc[2021] == pytest.approx(1.96, abs=0.015)


def test_registered_basis_shows_no_false_jump(jiangsu):
    official = data.region_ratio(jiangsu, basis="official")
    registered = data.region_ratio(jiangsu, basis="registered")
    assert official.loc[2008] / official.loc[2009] > 1.4  # the basis switch
    assert registered.loc[2008] / registered.loc[2009] < 1.1


def test_region_ratio_rejects_unknown_region(jiangsu):
    with pytest.raises(ValueError, match="numerator must be one of"):
        data.region_ratio(jiangsu, numerator="South", basis="registered")


def test_cpi_index_chains_year_on_year_rates():
    idx = data.cpi_index(base_year=2000)
    raw = data.load_province_cpi().query("province_code == 320000").set_index("year")
    assert idx.loc[2000] == pytest.approx(100)
    assert idx.loc[2001] == pytest.approx(raw.loc[2001, "cpi_prev_year_100"])
    assert idx.loc[1999] == pytest.approx(100 / raw.loc[2000, "cpi_prev_year_100"] * 100)
    real = data.deflate(pd.Series([100.0]), pd.Series([2001]))
    assert real.iloc[0] == pytest.approx(100 * 100 / raw.loc[2001, "cpi_prev_year_100"])


def test_parks_and_boundaries_load():
    parks = data.load_parks()
    assert len(parks) == 26 and parks["source_url"].notna().all()
    suqian = parks[parks["park_en"] == "Suzhou–Suqian Industrial Park"]
    assert suqian["year"].item() == 2006 and suqian["host_city_code"].item() == 321300
    assert len(data.load_pairings()) >= 5
    cities = data.load_boundaries("city")
    assert len(cities) == 13 and set(cities["region"]) == {"Sunan", "Suzhong", "Subei"}
    assert len(data.load_boundaries("county")) == 95


def test_per_capita_panel_declares_basis_and_drops_gaps(jiangsu):
    pc = data.per_capita_panel(jiangsu, basis="registered", prices="nominal")
    assert pc.attrs["basis"] == "registered" and pc.attrs["dropped"].total > 0
    assert pc["gdp_pc"].notna().all() and pc["population"].notna().all()
    row = jiangsu[(jiangsu["city_code"] == 320500) & (jiangsu["year"] == 2010)].iloc[0]
    got = pc[(pc["city_code"] == 320500) & (pc["year"] == 2010)]["gdp_pc"].item()
    assert got == pytest.approx(row["gdp"] * 1e4 / row["pop_registered"])
    real = data.per_capita_panel(jiangsu, basis="registered", prices="real", base_year=2010)
    same = real[(real["city_code"] == 320500) & (real["year"] == 2010)]["gdp_pc"].item()
    assert same == pytest.approx(got)  # base year: real = nominal
    with pytest.raises(ValueError, match="prices must be"):
        data.per_capita_panel(jiangsu, basis="registered", prices="ppp")


def test_cpi_chain_stops_at_a_gap_in_the_published_series():
    cpi = data.load_province_cpi().query("province_code == 340000")["year"]
    gap_years = sorted(set(range(cpi.min(), cpi.max() + 1)) - set(cpi))
    assert gap_years, "Anhui's CPI has a gap in the source (1981-1983)"
    idx = data.cpi_index(base_year=2000, province_code=340000)
    assert idx.index.min() > max(gap_years)
    with pytest.raises(ValueError, match="no CPI"):
        data.deflate(
            pd.Series([1.0]), pd.Series([max(gap_years)]), base_year=2000, province_code=340000
        )


def test_complete_units_reports_what_it_drops():
    from nanbei.panel import complete_units

    df = pd.DataFrame(
        {"u": [1, 1, 2, 2, 3], "t": [1, 2, 1, 2, 1], "v": [1.0, 2.0, 3.0, np.nan, 5.0]}
    )
    kept, dropped = complete_units(df, unit="u", time="t", value="v", start=1, end=2)
    assert kept["u"].unique().tolist() == [1] and dropped.all_units() == [2, 3]
    assert dropped.reasons == {"gaps": [2, 3]} and dropped.unit == ("u",) and len(dropped) == 2
    assert str(dropped) == "2 units left out in 1–2: 2 for gaps"


def test_log_jumps_annualises_and_flags_breaks():
    from nanbei.panel import log_jumps

    df = pd.DataFrame(
        {
            "u": ["a"] * 4 + ["b"] * 3,
            "t": [1, 2, 4, 5, 1, 2, 3],
            "v": [100.0, 110.0, 133.1, 400.0, 50.0, 50.0, 25.0],
        }
    )
    got = log_jumps(df, unit="u", time="t", value="v", max_log_change=0.3)
    # a: 2->4 is 10%/year (kept), 4->5 is log(400/133.1) = 1.10 (flagged); b: 3 halves (0.69).
    assert list(zip(got["u"], got["t"], strict=False)) == [("a", 5), ("b", 3)]
    assert got["log_change"].iloc[0] == pytest.approx(np.log(400 / 133.1))


def test_series_breaks_finds_coverage_switches_but_not_in_jiangsu(jiangsu):
    china = data.load_city_panel("china")
    breaks = data.series_breaks(china, basis="registered", start=2001, end=2021)
    # Zhengzhou's registered population jumps from 207 (city proper) to 760 (prefecture), 2012-14.
    zz = breaks[(breaks["city_code"] == 410100) & (breaks["column"] == "pop_registered")]
    assert not zz.empty and zz["log_change"].max() > 0.5
    assert data.series_breaks(jiangsu, basis="registered", start=1996, end=2021).empty


def test_regional_aggregate_by_hand():
    toy = _toy_panel().assign(
        employment=[10.0, 30.0, 5.0, 10.0, 30.0, np.nan],
        wage=[100.0, 200.0, 50.0, 110.0, 220.0, 60.0],
    )
    total = data.regional_aggregate(toy, "employment").set_index(["year", "region"])["value"]
    assert total[(2000, "Sunan")] == 40 and total[(2000, "Subei")] == 5
    assert np.isnan(total[(2001, "Subei")])  # its only city lacks employment
    mean = data.regional_aggregate(toy, "wage", weight="employment").set_index(["year", "region"])
    # Sunan 2000: (100*10 + 200*30) / 40 = 175.
    assert mean.loc[(2000, "Sunan"), "value"] == pytest.approx(175)
    assert mean.loc[(2001, "Subei"), "missing_cities"] == "C"
    with pytest.raises(ValueError, match="not in the panel"):
        data.regional_aggregate(toy, "jobs")


def test_break_years_flags_common_jumps_only():
    from nanbei.panel import break_years

    years = list(range(2000, 2006))
    rows = []
    for unit in range(5):
        level = 100.0
        for t in years:
            level *= 1.05
            if t == 2003:
                level *= 2.5  # a change of definition hits everyone
            if unit == 0 and t == 2001:
                level *= 2.0  # one city's own jump is not a common break
            rows.append({"u": unit, "t": t, "v": level})
    got = break_years(pd.DataFrame(rows), unit="u", time="t", value="v", max_log_change=0.3)
    assert got.to_dict() == {2003: 1.0}


def test_unit_employment_changes_definition_in_jiangsu(jiangsu):
    from nanbei.panel import break_years

    got = break_years(
        jiangsu, unit="city_code", time="year", value="employment", max_log_change=0.3
    )
    # The 2013 jump (e.g. Nantong 68 -> 184 万) hits most cities at once.
    assert 2013 in got.index


def test_wage_and_employment_outcomes(jiangsu):
    w = data.outcome_panel(jiangsu, "log_wage", prices="nominal")
    row = jiangsu[(jiangsu["city_code"] == 320500) & (jiangsu["year"] == 2010)]
    got = w[(w["city_code"] == 320500) & (w["year"] == 2010)]["y"].item()
    assert got == pytest.approx(np.log(row["wage_avg"].item()))
    share = data.outcome_panel(jiangsu, "emp_secondary_share")
    assert share["y"].between(0, 100).all()


def test_ratio_break_decomposition_closed_form():
    """Two regions of one city each; GDP per capita grows 10% a year in A and 20% in B, and in
    2003 B's population is redefined (x 0.5, e.g. registered -> resident).  The break's effect
    must be exactly log 2 of A/B's per-capita ratio, the rest the growth differential."""
    years = np.arange(2000, 2006)
    gdp_a, gdp_b = 100 * 1.1 ** (years - 2000), 100 * 1.2 ** (years - 2000)
    pop_b = np.where(years >= 2003, 50.0, 100.0)
    panel = pd.DataFrame(
        {
            "city_code": [1] * 6 + [2] * 6,
            "city_en": ["A"] * 6 + ["B"] * 6,
            "region": ["Sunan"] * 6 + ["Subei"] * 6,
            "year": np.tile(years, 2),
            "gdp": np.r_[gdp_a, gdp_b],
            "pop_registered": np.r_[[100.0] * 6, pop_b],
        }
    )
    dec = data.ratio_break_decomposition(
        panel, start=2000, end=2005, break_years=(2003, 2010), basis="registered"
    ).set_index("component")
    assert list(dec.index) == ["break 2003", "rest", "total"]  # 2010 lies outside the window
    assert dec.loc["break 2003", "log_change"] == pytest.approx(np.log(0.5))
    assert dec.loc["rest", "log_change"] == pytest.approx(5 * np.log(1.1 / 1.2))
    assert dec.loc["total", "log_change"] == pytest.approx(np.log(0.5) + 5 * np.log(1.1 / 1.2))
    assert dec["share_of_total"].iloc[:2].sum() == pytest.approx(1.0)
    # The counterfactual end ratio is the ratio without the redefinition.
    assert dec.loc["total", "counterfactual"] == pytest.approx((1.1 / 1.2) ** 5)


def test_ratio_break_decomposition_reproduces_the_2020_rebenchmark(jiangsu):
    # Independent arithmetic: Sunan/Subei 2020 on the official basis with 2019's implied
    # populations, from the regional totals directly.
    reg = data.regional_per_capita(jiangsu, basis="official")
    w = reg[reg["year"].isin([2019, 2020])].pivot(index="year", columns="region")
    by_hand = (w.loc[2020, ("gdp", "Sunan")] / w.loc[2019, ("population", "Sunan")]) / (
        w.loc[2020, ("gdp", "Subei")] / w.loc[2019, ("population", "Subei")]
    )
    dec = data.ratio_break_decomposition(jiangsu, start=2001, end=2021, basis="official").set_index(
        "component"
    )
    assert dec.loc["break 2020", "counterfactual"] == pytest.approx(by_hand, rel=1e-12)
    assert dec.loc["break 2009", "log_change"] < 0 and dec.loc["break 2020", "log_change"] < 0
    with pytest.raises(ValueError, match="no Sunan/Subei ratio on basis 'official' in 2000"):
        data.ratio_break_decomposition(jiangsu, start=2000, end=2021, basis="official")


def test_yearbook_supplement_agrees_with_csmar_where_they_overlap(jiangsu):
    yb = data.load_yearbook_supplement()
    assert set(yb["city_code"]) <= set(jiangsu["city_code"])
    assert yb["source_url"].str.startswith("https://").all()
    assert set(yb.loc[yb["year"] == 2022, "variable"]) == {
        "gdp",
        "gdp_pc_resident",
        "gdp_pc_registered",
    }
    assert yb[yb["year"] == 2022].groupby("variable")["city_code"].nunique().eq(13).all()
    # Two sources, one arithmetic: the yearbook ratio must equal CSMAR's official-basis ratio
    # (resident basis after 2009) in the overlap years where all 13 cities are present.
    ratio = data.yearbook_region_ratio(basis="resident")
    official = data.region_ratio(jiangsu, basis="official")
    overlap = [y for y in ratio.index if y in official.index]
    assert overlap, "no overlap years"
    for year in overlap:
        assert ratio[year] == pytest.approx(official[year], rel=1e-4)
    # Registered basis above resident basis in 2022: Sunan hosts the migrants.
    assert data.yearbook_region_ratio(basis="registered")[2022] > ratio[2022]


# ------------------------------------------------------------------ known breaks
def test_known_breaks_table_declares_the_systems_breaks():
    kb = data.load_known_breaks()
    assert kb["break_id"].is_unique
    assert set(kb["kind"]) <= {"definition", "revision", "rebenchmark", "coverage"}
    # Every row has a source address or says that none was found and how it was detected.
    no_source = kb["source_url"].isna()
    assert kb.loc[no_source, "source_note"].str.contains("no stored source found").all()
    for variables in kb["variables"]:
        assert set(variables.split(";")) <= set(data.PANEL_COLUMNS)
    by_id = kb.set_index("break_id")
    required = {  # what the data-integrity issue asks to be declared, by year and variable
        (2009, "gdp_pc_official", "Jiangsu"),
        (1998, "employment", "all"),
        (2013, "employment", "Jiangsu"),
        (2019, "gdp", "Shandong"),
        (2019, "gdp", "Anhui"),
        (2019, "gdp", "Henan"),
        (2020, "pop_resident", "all"),
    }
    for year, variable, scope in required:
        hits = by_id[
            (by_id["first_year_affected"] == year)
            & by_id["variables"].str.split(";").map(lambda v, x=variable: x in v)
            & by_id["scope"].str.split(";").map(lambda s, x=scope: x in s)
        ]
        assert len(hits), (year, variable, scope)


def test_2019_revisions_differ_by_province_as_declared():
    """The province rows of the 2019 revision rest on the data: the median city's nominal GDP
    change 2018->2019 is negative in Shandong and far above the previous year's in Anhui and
    Henan (computed here independently of the table's notes)."""
    china = data.load_city_panel("china")
    wide = china[china["year"].isin([2017, 2018, 2019])].pivot(
        index="city_code", columns="year", values="gdp"
    )
    province = china.drop_duplicates("city_code").set_index("city_code")["province_en"]
    change = np.log(wide[2019] / wide[2018]).groupby(province).median()
    before = np.log(wide[2018] / wide[2017]).groupby(province).median()
    assert change["Shandong"] < -0.05 < before["Shandong"]
    for name in ("Anhui", "Henan"):
        assert change[name] > before[name] + 0.05
    declared = data.declared_breaks(["Shandong"], "gdp", start=2018, end=2019, kinds="revision")
    assert "census4_gdp_2019_shandong" in set(declared["break_id"])


def test_series_breaks_labels_jumps_that_a_declared_break_explains():
    china = data.load_city_panel("china")
    found = data.series_breaks(china, basis="registered", start=2001, end=2019)
    assert set(found.columns) >= {"city_code", "year", "column", "declared"}
    declared_ids = {d["break_id"] for d in found.attrs["declared"]}
    assert "census4_gdp_2019_shandong" in declared_ids
    labelled = found[found["declared"] != ""]
    assert labelled["declared"].isin(declared_ids).all()
    # A jump labelled with a break happened in that break's first year.
    kb = data.load_known_breaks().set_index("break_id")
    assert (
        labelled["year"].to_numpy()
        == kb.loc[labelled["declared"], "first_year_affected"].to_numpy()
    ).all()


def test_revision_cutoff():
    end, found = data.revision_cutoff(["Jiangsu", "Shandong"], ("gdp",), start=2001, end=2019)
    assert end == 2018 and "census4_gdp_2019_shandong" in set(found["break_id"])
    # National revisions move every province alike (year effects absorb them): no cutoff.
    assert data.revision_cutoff(["Jiangsu"], ("gdp",), start=2001, end=2016)[0] == 2016
    assert (
        data.revision_cutoff(["Jiangsu", "Shandong"], ("wage_avg",), start=2001, end=2020)[0]
        == 2020
    )


def test_analysis_panel_is_the_screened_balanced_recipe():
    china = data.load_city_panel("china")
    sample, dropped = data.analysis_panel(china, "log_gdp_pc", start=2001, end=2018)
    # Independent recipe, written out: breaks out, then complete units only.
    breaks = data.series_breaks(china, basis="registered", start=2001, end=2018)
    y = data.outcome_panel(china[~china["city_code"].isin(breaks["city_code"])], "log_gdp_pc")
    from nanbei.panel import complete_units

    expected, _ = complete_units(y, unit="city_code", time="year", value="y", start=2001, end=2018)
    assert set(sample["city_code"]) == set(expected["city_code"])
    assert sample.groupby("city_code")["year"].nunique().eq(18).all()
    assert set(dropped.reasons["series breaks"]) == set(breaks["city_code"])
    assert dropped.total + sample["city_code"].nunique() == china["city_code"].nunique()
    assert str(dropped).startswith(f"{dropped.total} cities left out in 2001–2018: ")
    # Restricting to units, and switching the screen off.
    js = set(china.loc[china["province_code"] == 320000, "city_code"])
    js_sample, js_dropped = data.analysis_panel(
        china, "log_gdp_pc", start=2001, end=2018, units=js, screen_breaks=False
    )
    assert set(js_sample["city_code"]) == js and js_dropped.total == 0
    assert str(js_dropped) == "no cities left out"


def test_dropped_counts_each_unit_once():
    d = data.Dropped(window=(2000, 2005))
    d.add("series breaks", [1, 2])
    d.add("gaps", [2, 3])
    assert d.reasons == {"series breaks": [1, 2], "gaps": [3]} and d.total == 3
    assert str(d) == "3 cities left out in 2000–2005: 2 for series breaks, 1 for gaps"


# ------------------------------------------------- calls: keyword-only options, defaults
#: Each public function's subject: the parameters it takes by position.  Every other parameter
#: must be keyword-only (a new function, or a new option, has to be placed here knowingly).
SUBJECTS = {
    "analysis_panel": ("panel", "outcome"),
    "clear_cache": (),
    "coverage": ("panel",),
    "cpi_index": (),
    "data_dir": (),
    "declared_breaks": ("provinces", "variables"),
    "deflate": ("values", "years"),
    "implied_population": ("panel",),
    "load_boundaries": ("level",),
    "load_city_panel": ("scope",),
    "outcome_panel": ("panel", "outcome"),
    "per_capita": ("panel",),
    "per_capita_panel": ("panel",),
    "ratio_break_decomposition": ("panel",),
    "region_ratio": ("panel", "numerator", "denominator"),
    "regional_aggregate": ("panel", "value"),
    "regional_per_capita": ("panel",),
    "revision_cutoff": ("provinces", "variables"),
    "series_breaks": ("panel",),
    "validate_panel": ("df",),
    "verify_checksum": ("relative",),
    "yearbook_region_ratio": ("numerator", "denominator"),
    # the small shipped tables take nothing
    **{
        f"load_{table}": ()
        for table in (
            "census_counties",
            "census_crosswalk",
            "census_industry",
            "cities",
            "claims",
            "claims_context",
            "competing_policies",
            "flags",
            "known_breaks",
            "pairings",
            "parks",
            "policy_timeline",
            "province_cpi",
            "yearbook_supplement",
        )
    },
}

#: Options whose old default differed from the project's: a call that leaves them out keeps
#: the old meaning with a FutureWarning (old default, new default or None for required).
TRANSITIONAL = {
    ("region_ratio", "basis"): ("official", None),
    ("regional_per_capita", "basis"): ("official", None),
    ("ratio_break_decomposition", "basis"): ("official", None),
    ("yearbook_region_ratio", "basis"): ("resident", None),
    ("per_capita_panel", "prices"): ("nominal", "real"),
}


def _public_functions():
    import inspect

    return {
        name: getattr(data, name)
        for name in data.__all__
        if inspect.isfunction(getattr(data, name)) and not name.startswith("_")
    }


def test_every_public_function_takes_options_by_keyword_only():
    import inspect

    functions = _public_functions()
    assert set(functions) == set(SUBJECTS), "classify new public functions in SUBJECTS"
    for name, fn in functions.items():
        params = inspect.signature(fn).parameters.values()
        positional = tuple(p.name for p in params if p.kind is not p.KEYWORD_ONLY)
        assert positional == SUBJECTS[name], name
        assert all(p.kind is not p.VAR_POSITIONAL for p in params), name


def test_one_default_for_basis_prices_and_base_year():
    import inspect

    assert (data.DEFAULT_BASIS, data.DEFAULT_PRICES, data.DEFAULT_BASE_YEAR) == (
        "registered",
        "real",
        2000,
    )
    defaults = {"basis": data.DEFAULT_BASIS, "prices": data.DEFAULT_PRICES}
    defaults["base_year"] = data.DEFAULT_BASE_YEAR
    seen = set()
    for name, fn in _public_functions().items():
        for option, default in defaults.items():
            param = inspect.signature(fn).parameters.get(option)
            if param is None:
                continue
            seen.add((name, option))
            if (name, option) in TRANSITIONAL:
                assert param.default is param.empty, (name, option)
                change = fn.transition.changed[option]
                assert (change.old, change.new) == TRANSITIONAL[(name, option)]
            else:
                assert param.default == default, (name, option, param.default)
    assert set(TRANSITIONAL) <= seen
    assert {("outcome_panel", "prices"), ("analysis_panel", "basis")} <= seen


def test_defaults_are_the_registered_basis_and_real_prices(jiangsu):
    explicit = data.outcome_panel(jiangsu, "log_gdp_pc", basis="registered", prices="real")
    pd.testing.assert_frame_equal(data.outcome_panel(jiangsu, "log_gdp_pc"), explicit)
    pd.testing.assert_series_equal(
        data.per_capita(jiangsu), data.per_capita(jiangsu, basis="registered")
    )
    # Real and nominal differ outside the base year, so the check above can fail.
    nominal = data.outcome_panel(jiangsu, "log_gdp_pc", prices="nominal")
    assert not np.allclose(nominal["y"], explicit["y"])
    assert data.series_breaks(jiangsu, start=1996, end=2021).empty
    sample, _ = data.analysis_panel(jiangsu, "log_gdp_pc", start=2001, end=2018)
    assert (sample.attrs["basis"], sample.attrs["prices"]) == ("registered", "real")


@pytest.mark.parametrize(
    "call",
    [
        lambda p: data.regional_per_capita(p, "registered"),
        lambda p: data.regional_aggregate(p, "gdp", "pop_registered"),
        lambda p: data.coverage(p, ["gdp"]),
        lambda p: data.cpi_index(2000),
        lambda p: data.deflate(p["gdp"], p["year"], 2000),
        lambda p: data.load_city_panel("jiangsu", None),
        lambda p: data.validate_panel(p, "my file"),
        lambda p: data.yearbook_region_ratio("Sunan", "Subei", "registered"),
        lambda p: data.analysis_panel(p, "log_gdp_pc", 2001, 2018),
        lambda p: data.Dropped({"gaps": [1]}),
        # more positional arguments than even the old signatures took
        lambda p: data.per_capita(p, "registered", "extra"),
        lambda p: data.region_ratio(p, "Sunan", "Subei", "registered", False, "extra"),
    ],
)
def test_positional_option_is_a_type_error(call):
    toy = _toy_panel()
    with pytest.raises(TypeError):
        call(toy)


@pytest.mark.parametrize(
    "old,new",
    [
        (
            lambda p: data.per_capita_panel(p, "registered", "nominal"),
            lambda p: data.per_capita_panel(p, basis="registered", prices="nominal"),
        ),
        (
            lambda p: data.region_ratio(p, "Sunan", "Subei", "registered"),
            lambda p: data.region_ratio(p, "Sunan", "Subei", basis="registered"),
        ),
        (
            lambda p: data.outcome_panel(p, "log_gdp_pc", "official", "nominal"),
            lambda p: data.outcome_panel(p, "log_gdp_pc", basis="official", prices="nominal"),
        ),
        (
            lambda p: data.series_breaks(p, "registered", 1996, 2021),
            lambda p: data.series_breaks(p, basis="registered", start=1996, end=2021),
        ),
        (
            lambda p: data.ratio_break_decomposition(p, 2001, 2021, (2009,), basis="official"),
            lambda p: data.ratio_break_decomposition(
                p, start=2001, end=2021, break_years=(2009,), basis="official"
            ),
        ),
        (
            lambda p: data.declared_breaks("Jiangsu", "gdp_pc_official", 2001, 2021),
            lambda p: data.declared_breaks("Jiangsu", "gdp_pc_official", start=2001, end=2021),
        ),
        (
            lambda p: data.revision_cutoff(["Shandong"], ("gdp",), 2001, 2021)[0],
            lambda p: data.revision_cutoff(["Shandong"], ("gdp",), start=2001, end=2021)[0],
        ),
    ],
)
def test_old_positional_calls_keep_their_meaning_and_warn(jiangsu, old, new):
    with pytest.warns(FutureWarning, match="options passed by position; write ") as record:
        got = old(jiangsu)
    assert record[0].filename == __file__  # the warning points at the caller's line
    expected = new(jiangsu)
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected)
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(got, expected)
    else:
        assert got == expected


def test_old_positional_call_names_the_keywords_to_write(jiangsu):
    with pytest.warns(FutureWarning, match=r"write basis='official', prices='nominal' \(by"):
        data.per_capita_panel(jiangsu, "official", "nominal")
    with pytest.raises(TypeError, match="multiple values for 'basis'"):
        data.per_capita_panel(jiangsu, "official", basis="registered", prices="real")


@pytest.mark.parametrize(
    "function,call,explicit",
    [
        (
            "region_ratio",
            lambda p: data.region_ratio(p, "Sunan", "Subei"),
            lambda p: data.region_ratio(p, "Sunan", "Subei", basis="official"),
        ),
        (
            "regional_per_capita",
            lambda p: data.regional_per_capita(p),
            lambda p: data.regional_per_capita(p, basis="official"),
        ),
        (
            "ratio_break_decomposition",
            lambda p: data.ratio_break_decomposition(p, start=2001, end=2021),
            lambda p: data.ratio_break_decomposition(p, start=2001, end=2021, basis="official"),
        ),
        (
            "yearbook_region_ratio",
            lambda p: data.yearbook_region_ratio(),
            lambda p: data.yearbook_region_ratio(basis="resident"),
        ),
        (
            "per_capita_panel",
            lambda p: data.per_capita_panel(p, basis="registered"),
            lambda p: data.per_capita_panel(p, basis="registered", prices="nominal"),
        ),
    ],
)
def test_a_left_out_option_whose_default_changed_keeps_its_old_meaning(
    jiangsu, function, call, explicit
):
    option, (old, new) = next((o, v) for (f, o), v in TRANSITIONAL.items() if f == function)
    later = "will raise TypeError" if new is None else f"will mean {option}={new!r}"
    with pytest.warns(FutureWarning) as record:
        got = call(jiangsu)
    message = str(record[0].message)
    assert message.startswith(f"{function}: {option} not given. It used to default to {old!r}")
    assert f"write {option}={old!r} to keep this result" in message and later in message
    assert record[0].filename == __file__
    expected = explicit(jiangsu)
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected)
    else:
        pd.testing.assert_series_equal(got, expected)


def test_the_old_official_default_is_not_the_registered_ratio(jiangsu):
    """The transition matters: the two bases give different 2021 ratios (1.96 against 3.29)."""
    with pytest.warns(FutureWarning):
        omitted = data.region_ratio(jiangsu, "Sunan", "Subei")
    registered = data.region_ratio(jiangsu, "Sunan", "Subei", basis="registered")
    assert omitted[2021] == pytest.approx(1.96, abs=0.015)
    assert registered[2021] == pytest.approx(3.29, abs=0.01)


def test_explicit_calls_do_not_warn(jiangsu):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data.region_ratio(jiangsu, "Sunan", "Subei", basis="official")
        data.per_capita_panel(jiangsu, prices="real")
        data.yearbook_region_ratio(basis="registered")
        data.ratio_break_decomposition(jiangsu, start=2001, end=2021, basis="official")


@pytest.mark.parametrize(
    "call,message",
    [
        (
            lambda p: data.region_ratio(p, basis="hukou"),
            "region_ratio: basis must be one of ['registered', 'resident', 'official'], "
            "got 'hukou'",
        ),
        (
            lambda p: data.region_ratio(p, "Sunan", "North", basis="registered"),
            "region_ratio: denominator must be one of ['Sunan', 'Suzhong', 'Subei'], got 'North'",
        ),
        (
            lambda p: data.regional_per_capita(p, basis="census"),
            "regional_per_capita: basis must be one of",
        ),
        (
            lambda p: data.per_capita_panel(p, prices="ppp"),
            "per_capita_panel: prices must be one of ['real', 'nominal'], got 'ppp'",
        ),
        (
            lambda p: data.outcome_panel(p, "log_gdp_pc", prices="constant"),
            "outcome_panel: prices must be one of ['real', 'nominal'], got 'constant'",
        ),
        (
            lambda p: data.outcome_panel(p, "log_wage", basis="hukou"),
            "outcome_panel: basis must be one of",
        ),
        (lambda p: data.series_breaks(p, basis="hukou"), "series_breaks: basis must be one of"),
        (
            lambda p: data.yearbook_region_ratio(basis="official"),
            "yearbook_region_ratio: basis must be one of ['resident', 'registered'], "
            "got 'official'",
        ),
        (
            lambda p: data.deflate(p["gdp"], p["year"], missing="zero"),
            "deflate: missing must be one of ['raise', 'nan'], got 'zero'",
        ),
        (
            lambda p: data.analysis_panel(p, "log_gdp_pc", start=2001, end=2005, prices="x"),
            "analysis_panel: prices must be one of",
        ),
    ],
)
def test_bad_option_values_name_the_function_parameter_and_choices(jiangsu, call, message):
    import re

    with pytest.raises(ValueError, match=re.escape(message)):
        call(jiangsu)


def test_a_required_option_names_its_values():
    """The state after the transition: leaving out a required option is a TypeError that,
    unlike Python's own, names the allowed values."""
    from nanbei.data._options import keyword_options

    @keyword_options(required={"basis": data.BASES})
    def ratio(panel, *, basis):
        return basis

    assert ratio(None, basis="official") == "official"
    with pytest.raises(
        TypeError,
        match=re.escape(
            "ratio: basis is required; pass basis= one of ['registered', 'resident', 'official']"
        ),
    ):
        ratio(None)
    with pytest.raises(TypeError, match="is not a keyword-only parameter"):
        keyword_options(legacy=("basis",))(lambda panel, basis: basis)


# ------------------------------------------------------- one record of what was dropped
def test_dropped_is_the_one_record(jiangsu):
    from nanbei.data import dropped, samples

    assert samples.Dropped is data.Dropped is dropped.Dropped
    toy = _toy_panel()
    results = {
        "per_capita_panel": data.per_capita_panel(jiangsu, prices="real"),
        "outcome_panel": data.outcome_panel(jiangsu, "log_fdi"),
        "regional_per_capita": data.regional_per_capita(toy, basis="registered"),
        "regional_aggregate": data.regional_aggregate(toy, "gdp"),
        "region_ratio": data.region_ratio(toy, basis="registered"),
        "ratio_break_decomposition": data.ratio_break_decomposition(
            jiangsu, start=2001, end=2021, basis="official"
        ),
        "yearbook_region_ratio": data.yearbook_region_ratio(basis="registered"),
        "cpi_index": data.cpi_index(),
        "analysis_panel": data.analysis_panel(jiangsu, "log_gdp_pc", start=2001, end=2018)[0],
    }
    for name, result in results.items():
        assert isinstance(result.attrs["dropped"], data.Dropped), name
        # no second, ad-hoc report beside it (the old attrs["dropped_no_cpi"] count)
        others = [k for k in result.attrs if "dropped" in k and k != "dropped"]
        assert not others, (name, others)


def test_dropped_city_years_account_for_every_row(jiangsu):
    """Independent bookkeeping: each city-year of the panel is either in the result or in its
    record, never both, for every outcome."""
    every = set(zip(jiangsu["city_code"], jiangsu["year"], strict=True))
    for outcome in data.OUTCOMES:
        y = data.outcome_panel(jiangsu, outcome, prices="real")
        kept = set(zip(y["city_code"], y["year"], strict=True))
        left_out = set(y.attrs["dropped"].all_units())
        assert kept | left_out == every and not kept & left_out, outcome
    pc = data.per_capita_panel(jiangsu, basis="resident", prices="nominal")
    assert set(pc["year"]) == {2010, 2020}  # census years only
    assert pc.attrs["dropped"].total == len(jiangsu) - len(pc)


def test_dropped_reasons_by_hand():
    toy = _toy_panel()
    # City C (code 3) has no GDP in 2001.
    ratio = data.region_ratio(toy, basis="registered")
    assert ratio.attrs["dropped"].reasons == {
        "no GDP or registered population (its region-year is NaN)": [(3, 2001)]
    }
    loose = data.regional_per_capita(toy, basis="registered", allow_incomplete=True)
    assert loose.attrs["dropped"].reasons == {
        "no GDP or registered population (left out of its region's total)": [(3, 2001)]
    }
    pc = data.per_capita_panel(toy.assign(city_zh="", province_code=320000), prices="nominal")
    assert str(pc.attrs["dropped"]) == (
        "1 city-year left out: 1 for no GDP or registered population"
    )
    # A province-year without CPI: Anhui before the gap in its published series.
    anhui = toy.assign(city_zh="", province_code=340000, year=[1982] * 3 + [2001] * 3)
    real = data.per_capita_panel(anhui, prices="real")
    assert real.attrs["dropped"].reasons == {
        "no GDP or registered population": [(3, 2001)],
        "no provincial CPI": [(1, 1982), (2, 1982), (3, 1982)],
    }
    frame = real.attrs["dropped"].to_frame()
    assert list(frame.columns) == ["city_code", "year", "reason"] and len(frame) == 4


def test_cpi_index_and_yearbook_ratio_record_the_years_they_leave_out():
    cpi = data.load_province_cpi().query("province_code == 340000")
    gap_end = max(sorted(set(range(cpi["year"].min(), cpi["year"].max() + 1)) - set(cpi["year"])))
    idx = data.cpi_index(province_code=340000)
    assert idx.attrs["dropped"].all_units() == sorted(cpi.loc[cpi["year"] < gap_end, "year"])
    yb = data.load_yearbook_supplement()
    ratio = data.yearbook_region_ratio(basis="resident")
    assert set(ratio.index) | set(ratio.attrs["dropped"].all_units()) == set(yb["year"])
    assert not set(ratio.index) & set(ratio.attrs["dropped"].all_units())


def test_dropped_record_sentence_copy_and_table():
    import copy

    d = data.Dropped(noun="city-years", unit=("city_code", "year"), window=(2001, 2002))
    assert str(d) == "no city-years left out" and len(d) == 0
    d.add_rows("no GDP", pd.DataFrame({"city_code": [1, 1, 2], "year": [2001, 2002, 2001]}))
    d.add("no CPI", [(1, 2001), (3, 2002)])  # (1, 2001) is already recorded
    assert str(d) == "4 city-years left out in 2001–2002: 3 for no GDP, 1 for no CPI"
    assert d.to_frame().to_dict("list") == {
        "city_code": [1, 1, 2, 3],
        "year": [2001, 2002, 2001, 2002],
        "reason": ["no GDP"] * 3 + ["no CPI"],
    }
    c = copy.deepcopy(d)
    c.add("gaps", [(9, 2001)])
    assert c == copy.deepcopy(c) and c != d and d.total == 4  # a copy is independent
    with pytest.raises(ValueError, match=r"rows lack the id column\(s\) \['year'\]"):
        d.add_rows("x", pd.DataFrame({"city_code": [1]}))
    one = data.Dropped()
    one.add("gaps", [320100])
    assert str(one) == "1 city left out: 1 for gaps"


@pytest.mark.parametrize("module", ["nanbei.data.dropped", "nanbei.data.derived"])
def test_data_docstring_examples_run(module):
    import doctest
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(module), verbose=False)
    assert tried > 0 and failures == 0
