"""Pins the CCSY repair decision (data/ccsy_repair.py).

Expected values come straight from the raw file: under the rule, a city's 2008/2010 FDI is
the raw value on the row of the city just before it in code order. Where possible they are
also checked against published figures (Changzhou yearbook, Shanghai 2008 growth), not only
against what the function returns.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW_CSV = ROOT / "data" / "raw" / "ccsy" / "ccsy_2004_2012.csv"
FDI = "fdi_actual_10k_usd"
POP = "pop_registered_10k"
GDP = "gdp_10k_yuan"


def _load_module():
    path = ROOT / "data" / "ccsy_repair.py"
    spec = importlib.util.spec_from_file_location("ccsy_repair", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cr = _load_module()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(RAW_CSV)


@pytest.fixture(scope="module")
def repaired(raw):
    return cr.repair_ccsy(raw)


def cell(df: pd.DataFrame, city: str, year: int, col: str = FDI) -> float:
    hit = df.loc[(df["city_zh"] == city) & (df["year"] == year), col]
    assert len(hit) == 1, f"{city} {year}: {len(hit)} rows"
    return float(hit.iloc[0])


def has_row(df: pd.DataFrame, city: str, year: int) -> bool:
    return bool(((df["city_zh"] == city) & (df["year"] == year)).any())


def jump_and_reverse_count(df: pd.DataFrame, year: int, col: str = FDI) -> tuple[int, int]:
    """(#cities whose value at `year` jumps >1 log point and reverses, #testable cities)."""
    p = df.pivot_table(index="city_zh", columns="year", values=col, aggfunc="first")
    p = p.where(p > 0)
    lg = np.log(p)
    d1, d2 = lg[year] - lg[year - 1], lg[year + 1] - lg[year]
    ok = d1.notna() & d2.notna()
    bad = (d1.abs() > 1) & (d2.abs() > 1) & (np.sign(d1) != np.sign(d2))
    return int(bad[ok].sum()), int(ok.sum())


# --- the raw problem is really there (guards against testing a different file) ---------------


def test_raw_file_shows_the_scramble(raw):
    assert cell(raw, "宿迁市", 2008) == 1016310
    assert cell(raw, "宿迁市", 2010) == 1098939
    assert cell(raw, "常州市", 2008) == 813262
    assert cell(raw, "苏州市", 2008) == 293710
    assert jump_and_reverse_count(raw, 2008)[0] >= 70
    assert jump_and_reverse_count(raw, 2010)[0] >= 45
    assert not has_row(raw, "无锡市", 2008)  # why Xuzhou 2008 cannot be recovered


# --- Jiangsu: values pinned from the raw rows of the preceding city ----------------------------


@pytest.mark.parametrize("year", [2008, 2010])
def test_jiangsu_values_come_from_preceding_city_row(raw, repaired, year):
    out, _ = repaired
    order = [
        "南京市",
        "无锡市",
        "徐州市",
        "常州市",
        "苏州市",
        "南通市",
        "连云港市",
        "淮安市",
        "盐城市",
        "扬州市",
        "镇江市",
        "泰州市",
        "宿迁市",
    ]  # GB/T 2260 order
    for before, city in zip(order, order[1:], strict=False):
        if not has_row(out, city, year):
            continue
        if has_row(raw, before, year):
            assert cell(out, city, year) == cell(raw, before, year), (city, year)
        else:
            assert math.isnan(cell(out, city, year)), (city, year)
    assert math.isnan(cell(out, "南京市", year))  # its value sat on the Jiangsu province row


def test_pinned_jiangsu_numbers(repaired):
    out, _ = repaired
    assert cell(out, "宿迁市", 2008) == 9458  # raw row of 泰州市 2008
    assert cell(out, "宿迁市", 2010) == 18071  # raw row of 泰州市 2010
    assert cell(out, "苏州市", 2008) == 813262
    assert cell(out, "苏州市", 2010) == 853511
    assert cell(out, "无锡市", 2010) == 330007
    assert math.isnan(cell(out, "徐州市", 2008))
    assert math.isnan(cell(out, "南京市", 2010))


def test_matches_published_figures(repaired):
    out, _ = repaired
    # Changzhou Statistical Yearbook: 实际外商直接投资 2008 = 20.40 亿美元 (2005 = 7.31).
    assert round(cell(out, "常州市", 2008) / 1e4, 2) == 20.40
    assert round(cell(out, "常州市", 2005) / 1e4, 2) == 7.31  # unshifted year, unchanged
    # Shanghai 2008 actual FDI: "over 10 billion USD, up 27%" (CRI, 2009-01-22).
    sh08, sh07 = cell(out, "上海市", 2008), cell(out, "上海市", 2007)
    assert sh08 > 1e6 and round(sh08 / sh07 - 1, 2) == 0.27
    # Municipalities are single rows: Tianjin's value sits on Beijing's row.
    assert cell(out, "天津市", 2008) == 741978
    assert math.isnan(cell(out, "北京市", 2008))


def test_jiangsu_is_continuous_after_repair(repaired):
    out, _ = repaired
    js = [
        "南京市",
        "无锡市",
        "徐州市",
        "常州市",
        "苏州市",
        "南通市",
        "连云港市",
        "淮安市",
        "盐城市",
        "扬州市",
        "镇江市",
        "泰州市",
        "宿迁市",
    ]
    checked = 0
    for city in js:
        for year in (2008, 2010):
            if not has_row(out, city, year) or math.isnan(cell(out, city, year)):
                continue
            if not (has_row(out, city, year - 1) and has_row(out, city, year + 1)):
                continue
            ref = math.sqrt(cell(out, city, year - 1) * cell(out, city, year + 1))
            assert abs(math.log(cell(out, city, year) / ref)) < 0.5, (city, year)
            checked += 1
    assert checked >= 18


# --- national continuity ------------------------------------------------------------------------


def test_jump_and_reversal_falls_to_other_years_level(raw, repaired):
    out, _ = repaired
    clean = max(jump_and_reverse_count(raw, y)[0] for y in (2005, 2006))
    for year in (2008, 2009, 2010):
        bad, n = jump_and_reverse_count(out, year)
        assert bad <= clean, (year, bad, n)
        assert n >= 100, (year, n)  # the repair keeps most cities testable


def test_the_rule_not_the_residual_mask_does_the_work(raw, repaired):
    out, flags = repaired
    for year in (2008, 2010):
        f = flags[(flags["variable"] == FDI) & (flags["year"] == year)]
        n_rows = int((raw["year"] == year).sum())
        assert len(f) == n_rows
        assert (f["rule"] == cr.RULE_RESIDUAL).sum() <= 0.08 * n_rows
        assert (f["action"] == "repaired").sum() >= 0.7 * n_rows
        # median deviation of repaired values from own neighbours ~ clean-year noise (0.15)
        p = out.pivot_table(index="city_zh", columns="year", values=FDI, aggfunc="first")
        p = p.where(p > 0)
        d = (np.log(p[year]) - (np.log(p[year - 1]) + np.log(p[year + 1])) / 2).abs().dropna()
        assert d.median() < 0.2, (year, d.median())


def test_population_2011_block_masked(raw, repaired):
    out, _ = repaired
    assert cell(raw, "枣庄市", 2011, POP) == pytest.approx(6861.4)
    for city in ("枣庄市", "威海市", "深圳市", "孝感市", "娄底市", "济南市", "云浮市"):
        assert math.isnan(cell(out, city, 2011, POP)), city
    for city in ("南京市", "宿迁市", "石家庄市", "南宁市", "重庆市"):
        assert cell(out, city, 2011, POP) == cell(raw, city, 2011, POP), city
    p = out.pivot_table(index="city_zh", columns="year", values=POP, aggfunc="first")
    ref = p[[2009, 2010, 2012]].median(axis=1)
    dev = np.log(p[2011] / ref).abs().dropna()
    assert (dev > 0.2).sum() == 0


# --- what must not change ---------------------------------------------------------------------


def test_untouched_cells_unchanged(raw, repaired):
    out, _ = repaired
    assert list(out.columns) == list(raw.columns)
    assert out.index.equals(raw.index)
    assert (out["city_zh"] == raw["city_zh"]).all() and (out["year"] == raw["year"]).all()
    assert (out[GDP] == raw[GDP]).all()
    fdi_other = ~raw["year"].isin([2008, 2010])
    assert (out.loc[fdi_other, FDI] == raw.loc[fdi_other, FDI]).all()
    pop_other = raw["year"] != 2011
    assert (out.loc[pop_other, POP] == raw.loc[pop_other, POP]).all()


def test_flags_cover_exactly_the_changed_cells(raw, repaired):
    out, flags = repaired
    assert list(flags.columns) == [
        "table",
        "city_zh",
        "year",
        "variable",
        "rule",
        "value",
        "action",
        "reason",
    ]
    assert set(flags["table"]) == {"ccsy"}
    assert set(flags["action"]) <= {"repaired", "masked"}
    assert set(flags["variable"]) <= {FDI, POP}
    assert not flags.duplicated(["city_zh", "year", "variable"]).any()
    assert flags["reason"].str.len().gt(20).all()
    for col in (FDI, POP):
        changed = ~((out[col] == raw[col]) | (out[col].isna() & raw[col].isna()))
        keys_changed = set(zip(raw.loc[changed, "city_zh"], raw.loc[changed, "year"], strict=True))
        f = flags[flags["variable"] == col]
        keys_flagged = set(zip(f["city_zh"], f["year"], strict=True))
        assert keys_changed <= keys_flagged, col
        for _, r in f.iterrows():
            assert r["value"] == cell(raw, r["city_zh"], r["year"], col)
            now = cell(out, r["city_zh"], r["year"], col)
            assert math.isnan(now) == (r["action"] == "masked")


def test_deterministic_and_pure(raw):
    before = raw.copy()
    a_out, a_flags = cr.repair_ccsy(raw)
    b_out, b_flags = cr.repair_ccsy(raw)
    pd.testing.assert_frame_equal(raw, before)
    pd.testing.assert_frame_equal(a_out, b_out)
    pd.testing.assert_frame_equal(a_flags, b_flags)


def test_unknown_city_is_an_error(raw):
    bad = raw.copy()
    bad.loc[0, "city_zh"] = "不存在市"
    with pytest.raises(ValueError, match="不存在市"):
        cr.repair_ccsy(bad)


def test_layout_predecessors():
    pred = cr.predecessors([110100, 120100, 130100, 130200, 231200, 310100, 320100, 320200])
    assert pred[110100] is None  # start of table
    assert pred[120100] == 110100  # municipality: no province row
    assert pred[130100] is None  # preceded by the Hebei province row
    assert pred[130200] == 130100
    assert pred[310100] == 231200  # Shanghai follows Heilongjiang's last city
    assert pred[320100] is None and pred[320200] == 320100


def test_name_table_agrees_with_the_census_names():
    """The repair's name -> code table (which also codes the FDI in the build) against an
    independent mapping: the census file's names and codes, plus the four names the census
    (2020 boundaries) no longer has."""
    census = pd.read_csv(ROOT / "data" / "raw" / "census" / "census_city_2010_2020.csv")
    municipalities = {110100: 110000, 120100: 120000, 310100: 310000, 500100: 500000}
    by_census = dict(zip(census["city"], census["city_code"].replace(municipalities), strict=True))
    gone = {
        "莱芜市",
        "巢湖市",
        "思茅市",
        "毫州市",
    }  # merged 2019, abolished 2011, renamed 2007, typo
    for name, code in cr.CITY_CODES.items():
        if name in gone:
            continue
        assert by_census[name] == (municipalities.get(code, code)), name


def test_shipped_panel_carries_the_repair():
    from nanbei import data

    jiangsu = data.load_city_panel("jiangsu").set_index(["city_code", "year"])["fdi"]
    assert jiangsu[(321300, 2008)] == 9458  # Suqian: Taizhou's row under the rule, not 1,016,310
    assert jiangsu[(320400, 2008)] == 204002  # Changzhou yearbook: 20.40亿 USD
    assert np.isnan(jiangsu[(320100, 2008)])  # Nanjing's own value sat on the province row
    flags = data.load_flags()
    suqian = flags[
        (flags["city_code"] == 321300) & (flags["year"] == 2008) & (flags["variable"] == "fdi")
    ]
    assert suqian["action"].tolist() == ["repaired"] and suqian["value"].item() == 1016310
