"""The plausibility screen and the data contract, each rule on a synthetic corruption of a
valid file (the shipped Jiangsu panel written out), plus the build's guard on raw files."""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nanbei
from nanbei import data, screen

ROOT = Path(__file__).resolve().parents[1]
SUQIAN, SUZHOU, NANJING = 321300, 320500, 320100


@pytest.fixture(scope="module")
def jiangsu():
    return data.load_city_panel("jiangsu")


@pytest.fixture
def valid(jiangsu):
    return jiangsu.copy()


def _at(df, code, year):
    return (df["city_code"] == code) & (df["year"] == year)


def _load(df: pd.DataFrame, tmp_path: Path, **kw):
    path = tmp_path / "user_panel.csv"
    df.to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", nanbei.DataWarning)
        return data.load_city_panel(path=path, **kw)


def test_valid_file_loads_without_findings_that_need_action(valid, tmp_path):
    # The shipped panel, once its quarantined values are masked, passes its own screen
    # without a new error or masking: the rules are not tripped by genuine data.
    findings = screen.screen_panel(valid)
    assert not findings["rule"].map(lambda r: screen.RULES[r][1]).isin(["error", "mask"]).any()
    loaded = _load(valid, tmp_path)
    pd.testing.assert_frame_equal(loaded, valid, check_like=False)


# ----------------------------------------------------------- section 3: user files
@pytest.mark.parametrize(
    "scale,column,match",
    [
        (1e8, "gdp", "GDP / registered population outside 100 to 10,000,000 yuan"),
        (1e4, "pop_registered", "GDP / registered population outside|population above 100,000"),
    ],
)
def test_wrong_units_raise(valid, tmp_path, scale, column, match):
    # GDP in yuan instead of 100 million yuan; population in persons instead of 10k persons.
    valid[column] = valid[column] * scale
    with pytest.raises(nanbei.DataError, match=rf"user_panel\.csv: line \d+ .*{match}"):
        _load(valid, tmp_path)


def test_gdp_in_yuan_would_have_given_an_absurd_ratio(valid):
    # Why the rule matters: the 2010 Sunan/Subei ratio with Sunan's GDP in yuan.
    broken = valid.copy()
    sunan = broken["region"] == "Sunan"
    broken.loc[sunan, "gdp"] *= 1e8
    assert data.region_ratio(broken, basis="registered")[2010] > 1e6


@pytest.mark.parametrize("year", [1850, 2100, 0, -5])
def test_impossible_years(valid, tmp_path, year):
    valid.loc[7, "year"] = year
    with pytest.raises(
        nanbei.DataError,
        match=rf"'year' must lie between 1949 and \d+; "
        rf"line\(s\) \[9\] hold \[{year}\]",
    ):
        _load(valid, tmp_path)


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_values(valid, tmp_path, value):
    valid.loc[4, "wage_avg"] = value
    with pytest.raises(
        nanbei.DataError, match=r"'wage_avg' must hold finite numbers; line\(s\) \[6\]"
    ):
        _load(valid, tmp_path)


def test_province_contradicting_the_registry(valid, tmp_path):
    valid.loc[_at(valid, SUQIAN, 2010), "province_code"] = 340000
    with pytest.raises(
        nanbei.DataError,
        match=r"'province_code' contradicts the city registry.*"
        r"city_code 321300 has province_code 340000, "
        r"expected 320000",
    ):
        _load(valid, tmp_path)


@pytest.mark.parametrize("region", ["Sunan", None])
def test_region_contradicting_the_registry(valid, tmp_path, region):
    valid.loc[valid["city_code"] == SUQIAN, "region"] = region
    with pytest.raises(
        nanbei.DataError,
        match=r"'region' contradicts the city registry.*"
        r"city_code 321300 has region .*expected 'Subei'",
    ):
        _load(valid, tmp_path)


def test_sector_gdp_larger_than_total(valid, tmp_path):
    valid.loc[_at(valid, SUZHOU, 2015), "gdp_secondary"] *= 3
    with pytest.raises(
        nanbei.DataError,
        match=r"year 2015\), column 'gdp_\w+' .*sector value "
        r"added sums to more than 10% away from GDP",
    ):
        _load(valid, tmp_path)


def test_employment_shares_summing_to_250(valid, tmp_path):
    row = _at(valid, NANJING, 2005)
    valid.loc[row, ["emp_share_primary", "emp_share_secondary", "emp_share_tertiary"]] = [
        50,
        100,
        100,
    ]
    with pytest.raises(nanbei.DataError, match=r"employment shares sum outside 90-110%"):
        _load(valid, tmp_path)


def test_employment_shares_as_fractions(valid, tmp_path):
    cols = ["emp_share_primary", "emp_share_secondary", "emp_share_tertiary"]
    valid[cols] = valid[cols] / 100
    with pytest.raises(
        nanbei.DataError,
        match=r"employment shares sum outside 90-110% \(expected "
        r"percentages",
    ):
        _load(valid, tmp_path)


def test_fdi_of_zero(valid, tmp_path):
    valid.loc[_at(valid, SUQIAN, 2006), "fdi"] = 0
    with pytest.raises(
        nanbei.DataError, match=r"'fdi' must be > 0 \(missing values are empty cells"
    ):
        _load(valid, tmp_path)


def test_file_cut_mid_line(valid, tmp_path):
    path = tmp_path / "cut.csv"
    valid.to_csv(path, index=False)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(
        nanbei.DataError, match=r"cut\.csv: the file ends in the middle of line \d+"
    ):
        data.load_city_panel(path=path)


def test_short_row_inside_the_file(valid, tmp_path):
    path = tmp_path / "short.csv"
    valid.to_csv(path, index=False)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10] = ",".join(lines[10].split(",")[:8]) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(nanbei.DataError, match=r"short\.csv: line 11 has 8 fields, expected 21"):
        data.load_city_panel(path=path)


def test_header_only_file(valid, tmp_path):
    path = tmp_path / "header.csv"
    valid.iloc[0:0].to_csv(path, index=False)
    with pytest.raises(nanbei.DataError, match=r"header\.csv: no data rows"):
        data.load_city_panel(path=path)


def test_spike_is_masked_with_a_warning(valid, tmp_path):
    # A value of another city in one year (x 20 and back): suspicious, not impossible.
    valid.loc[_at(valid, SUQIAN, 2008), "wage_avg"] *= 20
    path = tmp_path / "spike.csv"
    valid.to_csv(path, index=False)
    with pytest.warns(
        nanbei.DataWarning,
        match=r"spike\.csv: 1 suspicious value\(s\) masked to "
        r"NaN: wage_avg of 321300 in 2008",
    ):
        loaded = data.load_city_panel(path=path)
    assert np.isnan(loaded.loc[_at(loaded, SUQIAN, 2008), "wage_avg"]).all()
    assert loaded.attrs["n_masked"] == 1
    with pytest.warns(nanbei.DataWarning, match="kept"):
        kept = data.load_city_panel(path=path, quarantine=False)
    assert (
        kept.loc[_at(kept, SUQIAN, 2008), "wage_avg"].item()
        == valid.loc[_at(valid, SUQIAN, 2008), "wage_avg"].item()
    )


# ------------------------------------------------------------- the rules, one by one
def _toy(**columns):
    n = len(next(iter(columns.values())))
    base = {"city_code": [1] * n, "year": list(range(2000, 2000 + n))}
    return pd.DataFrame({**base, **columns})


def test_jump_reversal_needs_both_jump_and_reversal():
    df = pd.DataFrame(
        {
            "u": [1] * 6 + [2] * 6,
            "t": list(range(6)) * 2,
            "x": [
                10,
                11,
                100,
                12,
                13,
                14,  # spike at t=2 (x9 and back)
                10,
                11,
                100,
                110,
                120,
                130,
            ],
        }
    )  # level shift: no reversal
    hits = screen.jump_reversals(df, unit="u", time="t", value="x", threshold=1.0)
    assert hits[["u", "t"]].values.tolist() == [[1, 2]]
    assert hits["previous"].item() == 11 and hits["next"].item() == 12


def test_jump_reversal_ignores_long_gaps():
    df = pd.DataFrame({"u": [1] * 3, "t": [2000, 2005, 2006], "x": [10.0, 100.0, 10.0]})
    assert screen.jump_reversals(df, unit="u", time="t", value="x", threshold=1.0).empty


@pytest.mark.parametrize(
    "frame,rule,variable",
    [
        (_toy(gdp_pc_official=[5000.0, 50.0, 5200.0]), "range_gdp_pc", "gdp_pc_official"),
        (_toy(wage_avg=[20000.0, 9.81, 21000.0]), "range_wage", "wage_avg"),
        (_toy(gdp=[500.0, 520.0], pop_registered=[400.0, 4e6]), "range_gdp_per_person", "gdp"),
        (_toy(pop_registered=[400.0, 4e6]), "range_population", "pop_registered"),
        (
            _toy(
                gdp=[100.0, 100.0],
                gdp_primary=[10.0, 10.0],
                gdp_secondary=[40.0, 80.0],
                gdp_tertiary=[50.0, 50.0],
            ),
            "sector_sum",
            "gdp_secondary",
        ),
        (
            _toy(gdp=[100.0], gdp_primary=[10.0], gdp_secondary=[40.0], gdp_tertiary=[53.0]),
            "sector_sum_minor",
            "gdp",
        ),
        (
            _toy(emp_share_primary=[0.2], emp_share_secondary=[0.4], emp_share_tertiary=[0.4]),
            "emp_share_sum",
            "emp_share_primary",
        ),
        (
            _toy(emp_share_primary=[20.0], emp_share_secondary=[40.0], emp_share_tertiary=[33.0]),
            "emp_share_sum_minor",
            "emp_share_primary",
        ),
        (_toy(pop_registered=[100.0], pop_resident=[400.0]), "census_registered", "pop_registered"),
        (_toy(fdi=[1e6], gdp=[100.0]), "fdi_to_gdp", "fdi"),  # 10 bn USD vs 10 bn yuan
        (_toy(employment=[500.0], pop_registered=[100.0]), "employment_population", "employment"),
        (
            _toy(
                gdp=[1000.0],
                gdp_pc_official=[50000.0],
                pop_registered=[100.0],
                pop_resident=[np.nan],
            ),
            "implied_population",
            "gdp_pc_official",
        ),  # implies 200 (10k) against 100 registered
    ],
)
def test_each_rule_fires_on_its_corruption(frame, rule, variable):
    found = screen.screen_panel(frame)
    assert ((found["rule"] == rule) & (found["variable"] == variable)).any(), found
    assert found.loc[found["rule"] == rule, "action"].eq(screen.RULES[rule][0]).all()


@pytest.mark.parametrize(
    "frame",
    [
        _toy(gdp_pc_official=[5000.0, 5100.0, 5200.0], wage_avg=[20000.0, 21000.0, 22000.0]),
        _toy(gdp=[100.0], gdp_primary=[10.0], gdp_secondary=[40.0], gdp_tertiary=[50.4]),
        _toy(emp_share_primary=[20.0], emp_share_secondary=[40.0], emp_share_tertiary=[40.5]),
        _toy(gdp=[1000.0], gdp_pc_official=[100000.0], pop_registered=[80.0], pop_resident=[100.0]),
        _toy(fdi=[5e4], gdp=[1000.0]),
    ],
)
def test_plausible_values_pass(frame):
    assert screen.screen_panel(frame).empty


def test_apply_flags_masks_only_masked_actions():
    df = _toy(gdp=[1.0, 2.0, 3.0], fdi=[4.0, 5.0, 6.0])
    flags = pd.DataFrame(
        {
            "city_code": [1, 1, 1],
            "year": [2000, 2001, 2002],
            "variable": ["gdp", "fdi", "gdp"],
            "action": ["masked", "kept", "masked"],
        }
    )
    out, applied = screen.apply_flags(df, flags)
    assert out["gdp"].isna().tolist() == [True, False, True]
    assert out["fdi"].notna().all() and len(applied) == 2
    assert df["gdp"].notna().all()  # the input is not modified


# ------------------------------------------------------------------- shipped flags
def test_shipped_flags_are_masked_by_default():
    flags = data.load_flags()
    assert list(flags.columns) == screen.FLAG_COLUMNS
    assert set(flags["action"]) <= {"masked", "kept", "removed", "repaired"}
    assert flags["reason"].notna().all()
    masked = flags[flags["action"] == "masked"]
    assert set(masked["table"]) == {"city_panel"}  # the source repairs are applied in the build
    china = data.load_city_panel("china")
    published = data.load_city_panel("china", quarantine=False)
    assert china.attrs["n_masked"] > 0 and published.attrs["n_masked"] == 0
    keyed = china.set_index(["city_code", "year"])
    raw = published.set_index(["city_code", "year"])
    for row in masked.sample(min(len(masked), 40), random_state=0).itertuples():
        assert np.isnan(keyed.at[(row.city_code, row.year), row.variable])
        assert raw.at[(row.city_code, row.year), row.variable] == pytest.approx(row.value)
    # Every value the loader masks is accounted for by a flag, and nothing else changes.
    changed = (raw.notna() & keyed.isna())[data.NUMERIC_COLUMNS].sum().sum()
    assert (
        changed
        == china.attrs["n_masked"]
        == len(masked.drop_duplicates(["city_code", "year", "variable"]))
    )


def test_sub_provincial_cities_are_labelled_as_such():
    # The 15 sub-provincial cities (副省级城市) of the State Council's 1994/1995 designation,
    # as listed e.g. in the Chinese Wikipedia article 副省级城市.
    sub_provincial = {
        210100,
        210200,
        220100,
        230100,
        320100,
        330100,
        330200,
        350200,
        370100,
        370200,
        420100,
        440100,
        440300,
        510100,
        610100,
    }
    cities = data.load_cities()
    labelled = set(cities.loc[cities["city_type"] == "City (Sub-provincial level)", "city_code"])
    assert labelled == sub_provincial
    assert (
        cities.loc[cities["city_code"] == SUQIAN, "city_type"].item() == "City (Prefectural level)"
    )


# ----------------------------------------------------------------- section 4: raw files
@pytest.fixture
def repo_copy(tmp_path):
    """A private copy of data/ and lib/ so that the build can be run on corrupted raw files."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "data", copy / "data")
    shutil.copytree(ROOT / "lib", copy / "lib", ignore=shutil.ignore_patterns("*.egg-info"))
    return copy


def _build(repo: Path, *args):
    return subprocess.run(
        [sys.executable, str(repo / "data" / "build.py"), *args],
        capture_output=True,
        text=True,
        cwd=repo,
    )


def test_build_refuses_a_changed_raw_file(repo_copy):
    raw = repo_copy / "data" / "raw" / "csmar_cre" / "CRE_Gdpct_extract.csv"
    before_sums = (repo_copy / "data" / "SHA256SUMS").read_text()
    raw.write_text(
        raw.read_text(encoding="utf-8").replace("9228.91", "9228.9x", 1), encoding="utf-8"
    )
    result = _build(repo_copy)
    assert result.returncode == 2
    assert "raw/csmar_cre/CRE_Gdpct_extract.csv" in result.stderr
    assert "git checkout -- data" in result.stderr and "make data ACCEPT_RAW=1" in result.stderr
    assert (repo_copy / "data" / "SHA256SUMS").read_text() == before_sums  # nothing re-signed


def test_accepted_raw_change_still_cannot_lose_a_value(repo_copy):
    raw = repo_copy / "data" / "raw" / "csmar_cre" / "CRE_Gdpct_extract.csv"
    raw.write_text(
        raw.read_text(encoding="utf-8").replace("9228.91", "9228.9x", 1), encoding="utf-8"
    )
    result = _build(repo_copy, "--accept-raw-changes")
    assert result.returncode != 0
    assert "CRE_Gdpct_extract.csv, line" in result.stderr and "'9228.9x" in result.stderr


def test_loader_checksum_advice_works_from_a_fresh_clone(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy, ignore=shutil.ignore_patterns("raw"))
    target = copy / "tidy" / "flags.csv"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    monkeypatch.setenv("NANBEI_DATA_DIR", str(copy))
    data.clear_cache()
    try:
        with pytest.raises(
            nanbei.DataError,
            match=r"flags\.csv: checksum mismatch.*"
            r"`git checkout -- data`.*`make data",
        ):
            data.load_city_panel()
    finally:
        monkeypatch.delenv("NANBEI_DATA_DIR")
        data.clear_cache()
