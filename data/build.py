"""Build the tidy data files in data/tidy/ from the raw extracts in data/raw/.

Raw to tidy is code, never hand edits.  Every rule that changes or drops a
published value is written here, with its reason, and repeated in
data/README.md.  Run from the repository root:

    make data                      # = python data/build.py: rebuild data/tidy/* and SHA256SUMS
    python data/build.py --check   # rebuild in memory and fail if anything differs
    make data ACCEPT_RAW=1         # = --accept-raw-changes: a change to data/raw/ is intended

The raw files are verified against their recorded checksums before anything is built: a
changed or new raw file is refused unless --accept-raw-changes says the change is intended,
so that a corrupted raw file can never be re-signed by the rebuild.

It also refreshes the checksum table in data/README.md.

The build is deterministic: the test suite rebuilds and compares checksums.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
from nanbei import screen  # noqa: E402  (the same screen the loaders run on user files)

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ccsy_repair  # noqa: E402  (the 2008/2010 FDI row shift of the CCSY extract)

DATA = Path(__file__).resolve().parent
RAW = DATA / "raw"
TIDY = DATA / "tidy"
MANIFEST = DATA / "SHA256SUMS"

FIRST_YEAR, LAST_YEAR = 1990, 2021

# The project's regional definition (Jiangsu's official three-way division).
JIANGSU_REGIONS = {
    320100: ("南京市", "Sunan"),
    320200: ("无锡市", "Sunan"),
    320400: ("常州市", "Sunan"),
    320500: ("苏州市", "Sunan"),
    321100: ("镇江市", "Sunan"),
    320600: ("南通市", "Suzhong"),
    321000: ("扬州市", "Suzhong"),
    321200: ("泰州市", "Suzhong"),
    320300: ("徐州市", "Subei"),
    320700: ("连云港市", "Subei"),
    320800: ("淮安市", "Subei"),
    320900: ("盐城市", "Subei"),
    321300: ("宿迁市", "Subei"),
}

# Published values that are not the prefecture city's: set to missing, with the reason.
EXCLUDED_VALUES = [
    # (city_code, year, column, reason)
    (
        320800,
        2000,
        "pop_registered",
        "122.73 (10k) is the old county-level Huai'an city, not the prefecture "
        "(former Huaiyin, renamed Huai'an in 2001; 514 in 2001)",
    ),
]

# Census files use 2020 codes and the district code of the four municipalities.
CENSUS_CODE_TO_PANEL = {110100: 110000, 120100: 120000, 310100: 310000, 500100: 500000}

IMPOSSIBLE_RULES = {
    **{
        c: (lambda v: v > 0)
        for c in (
            "gdp",
            "gdp_pc_official",
            "pop_registered",
            "pop_resident",
            "employment",
            "wage_avg",
        )
    },
    **{c: (lambda v: v >= 0) for c in ("gdp_primary", "gdp_secondary", "gdp_tertiary", "fdi")},
    **{
        c: (lambda v: v.between(0, 100))
        for c in ("emp_share_primary", "emp_share_secondary", "emp_share_tertiary")
    },
}

PANEL_COLUMNS = [
    "city_code",
    "city_zh",
    "city_en",
    "province_code",
    "province_en",
    "city_type",
    "region",
    "year",
    "gdp",
    "gdp_primary",
    "gdp_secondary",
    "gdp_tertiary",
    "gdp_pc_official",
    "pop_registered",
    "pop_resident",
    "employment",
    "emp_share_primary",
    "emp_share_secondary",
    "emp_share_tertiary",
    "wage_avg",
    "fdi",
]


def _read(path: Path, text_columns: tuple[str, ...] = (), **kw) -> pd.DataFrame:
    """Read a raw CSV; every column not in ``text_columns`` must parse as numbers.

    A cell that is not empty but not a number (a changed byte, a cut line) stops the build
    with the file, line and column, instead of silently becoming missing.
    """
    df = pd.read_csv(path, encoding="utf-8", **kw)
    if kw.get("dtype") is str:
        return df
    for col in df.columns:
        if col in text_columns or pd.api.types.is_numeric_dtype(df[col]):
            continue
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna() & df[col].notna()
        if bad.any():
            line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
            raise SystemExit(
                f"{path.relative_to(DATA.parent)}, line {line}, column {col!r}: "
                f"{df.loc[bad, col].iloc[0]!r} is not a number"
            )
        df[col] = values
    return df


CSMAR_TEXT = ("Ctnm_en", "Cttyp_en", "Prvcnm_en")

# CSMAR's English class labels are swapped: the 15 sub-provincial cities (副省级城市: Shenyang,
# Dalian, Changchun, Harbin, Nanjing, Hangzhou, Ningbo, Xiamen, Jinan, Qingdao, Wuhan,
# Guangzhou, Shenzhen, Chengdu, Xi'an) carry "Prefectural level" and the other ~330
# prefecture-level cities "Sub-provincial level".  The build swaps the two labels back.
CITY_TYPE_SWAP = {
    "City (Prefectural level)": "City (Sub-provincial level)",
    "City (Sub-provincial level)": "City (Prefectural level)",
}


def _clean_name(name: pd.Series) -> pd.Series:
    """'Karamay(city) ' -> 'Karamay', 'Anhui (province)' -> 'Anhui'."""
    return (
        name.astype("string")
        .str.replace(r"\s*\((city|City|province)\)", "", regex=True)
        .str.strip()
    )


def _most_common(s: pd.Series):
    s = s.dropna()
    return s.mode().iloc[0] if len(s) else pd.NA


def build_cities(gdp: pd.DataFrame, emp: pd.DataFrame, census: pd.DataFrame) -> pd.DataFrame:
    """One row per city code in either CSMAR table: names, province, type, region."""
    both = pd.concat([gdp, emp[emp["Sgnyea"] >= FIRST_YEAR]])
    g = both.assign(name=_clean_name(both["Ctnm_en"]), prov=_clean_name(both["Prvcnm_en"]))
    cities = g.groupby("Ctnm_id").agg(
        city_en=("name", _most_common),
        province_code=("Prvcnm_id", "first"),
        province_en=("prov", _most_common),
        city_type=("Cttyp_en", _most_common),
    )
    cities["city_type"] = cities["city_type"].replace(CITY_TYPE_SWAP)
    cities.index.name = "city_code"
    zh = census.assign(code=census["city_code"].replace(CENSUS_CODE_TO_PANEL)).set_index("code")[
        "city"
    ]
    cities["city_zh"] = zh.reindex(cities.index)
    for code, (name, _) in JIANGSU_REGIONS.items():
        cities.loc[code, "city_zh"] = name
    cities["region"] = pd.Series({c: r for c, (_, r) in JIANGSU_REGIONS.items()}).reindex(
        cities.index
    )
    cities = cities.reset_index()
    return cities[
        ["city_code", "city_zh", "city_en", "province_code", "province_en", "city_type", "region"]
    ].sort_values("city_code")


def build_panel(gdp, emp, census, ccsy, cities) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The city panel, the values the build removed (as findings) and a log."""
    log = []
    g = gdp.rename(columns={"Sgnyea": "year", "Ctnm_id": "city_code"})
    g = pd.DataFrame(
        {
            "city_code": g["city_code"],
            "year": g["year"],
            "gdp": g["Gdpct01"],
            # CSMAR publishes sector value added in 10k yuan; the panel uses 100 million yuan.
            "gdp_primary": g["GDP_PrimInd"] / 1e4,
            "gdp_secondary": g["GDP_SecInd"] / 1e4,
            "gdp_tertiary": g["GDP_TerInd"] / 1e4,
            "gdp_pc_official": g["GDP_PerCapita"],
        }
    )
    e = emp.rename(columns={"Sgnyea": "year", "Ctnm_id": "city_code"})
    e = pd.DataFrame(
        {
            "city_code": e["city_code"],
            "year": e["year"],
            "pop_registered": e["Eect01"],
            "employment": e["Eect05"],
            "emp_share_primary": e["Eect08"],
            "emp_share_secondary": e["Eect09"],
            "emp_share_tertiary": e["Eect10"],
            "wage_avg": e["Eect13"],
        }
    )
    panel = g.merge(e, on=["city_code", "year"], how="outer")
    panel = panel[panel["year"].between(FIRST_YEAR, LAST_YEAR)]
    value_cols = [c for c in panel.columns if c not in ("city_code", "year")]
    panel = panel.dropna(subset=value_cols, how="all")

    # Resident population: the two censuses, persons -> 10k persons, on census years only.
    cen = census.assign(city_code=census["city_code"].replace(CENSUS_CODE_TO_PANEL))
    res = pd.concat(
        [
            pd.DataFrame(
                {"city_code": cen["city_code"], "year": yr, "pop_resident": cen[f"popu_{yr}"] / 1e4}
            )
            for yr in (2010, 2020)
        ]
    )
    unmatched = sorted(set(res["city_code"]) - set(panel["city_code"]))
    log.append(
        f"census: {len(unmatched)} census units have no code in the CSMAR panel "
        f"(county-level cities and changed codes), left out: {unmatched}"
    )
    panel = panel.merge(res, on=["city_code", "year"], how="left")

    # FDI actually utilised, CCSY 2004-2012.  In 2008 and 2010 the source's FDI column sits one
    # row too high (data/ccsy_repair.py proves it): moved back by rule, or removed where the
    # city's own value was never in the file.  Codes come from the repair's name table, which
    # fixes the source's row order; a test checks it against the census names.
    ccsy, repair_flags = ccsy_repair.repair_ccsy(ccsy)
    fdi = ccsy.assign(city_code=ccsy["city_zh"].map(ccsy_repair.CITY_CODES))
    missing_names = sorted(fdi.loc[fdi["city_code"].isna(), "city_zh"].unique())
    if missing_names:
        raise SystemExit(
            f"data/raw/ccsy/ccsy_2004_2012.csv: city names without a code: {missing_names}"
        )
    repair_flags = repair_flags.assign(
        city_code=repair_flags["city_zh"].map(ccsy_repair.CITY_CODES),
        variable=repair_flags["variable"].replace(
            {"fdi_actual_10k_usd": "fdi", "pop_registered_10k": "ccsy_pop_registered"}
        ),
        # Masked by the repair = missing in the tidy file already; the population block is
        # not shipped (the panel's population is CSMAR's), recorded for completeness.
        action=repair_flags["action"].replace({"masked": "removed"}),
    )
    log.append(
        "ccsy repair: "
        + ", ".join(
            f"{n} {variable} {action}"
            for (variable, action), n in repair_flags.groupby(["variable", "action"]).size().items()
        )
    )
    zero_rows = fdi.loc[fdi["fdi_actual_10k_usd"] == 0, ["city_code", "year"]]
    zeros = len(zero_rows)
    # A reported 0 for a whole prefecture's utilised FDI is a blank cell in the yearbook
    # extract, not a measured zero: it becomes missing.
    fdi["fdi"] = fdi["fdi_actual_10k_usd"].where(fdi["fdi_actual_10k_usd"] != 0)
    log.append(f"ccsy: {zeros} FDI values of exactly 0 treated as missing")
    zero_flags = [
        (
            int(c),
            int(y),
            "fdi",
            "zero_is_blank",
            0.0,
            "removed",
            "a reported 0 for a prefecture's utilised FDI is a blank yearbook cell: missing",
        )
        for c, y in zero_rows.itertuples(index=False)
    ]
    panel = panel.merge(
        fdi[["city_code", "year", "fdi"]].astype({"city_code": "int64"}),
        on=["city_code", "year"],
        how="left",
    )

    # Values the schema declares impossible (a share above 100 or below 0, a zero or
    # negative population, GDP or wage) are recording errors in the source: missing.
    flags = []
    for col, ok in IMPOSSIBLE_RULES.items():
        bad = panel[col].notna() & ~ok(panel[col])
        for _, row in panel.loc[bad, ["city_code", "year", col]].iterrows():
            log.append(
                f"impossible {col} = {row[col]} for {int(row['city_code'])} in "
                f"{int(row['year'])}: set to missing"
            )
            flags.append(
                (
                    int(row["city_code"]),
                    int(row["year"]),
                    col,
                    "impossible",
                    row[col],
                    "removed",
                    "outside the schema's possible values (share 0-100, "
                    "positive levels): removed from the tidy panel by the build",
                )
            )
        panel.loc[bad, col] = np.nan

    for code, year, col, reason in EXCLUDED_VALUES:
        hit = (panel["city_code"] == code) & (panel["year"] == year)
        log.append(f"excluded {col} for {code} in {year}: {reason}")
        flags.append(
            (
                code,
                year,
                col,
                "not_the_prefecture",
                float(panel.loc[hit, col].iloc[0]),
                "removed",
                reason,
            )
        )
        panel.loc[hit, col] = np.nan

    panel = panel.merge(cities, on="city_code", how="left")
    panel = panel[PANEL_COLUMNS].sort_values(["city_code", "year"]).reset_index(drop=True)
    flags = pd.DataFrame(
        zero_flags + flags,
        columns=["city_code", "year", "variable", "rule", "value", "action", "reason"],
    )
    flags = pd.concat(
        [flags.assign(table="city_panel"), repair_flags[["table", *flags.columns]]],
        ignore_index=True,
    )
    return panel, flags, log


def build_cpi(cpi: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "province_code": cpi["Prvcnm_id"],
            "province_en": _clean_name(cpi["Prvcnm_en"]),
            "year": cpi["Sgnyea"],
            "cpi_prev_year_100": cpi["Pi0101"],
        }
    )
    out["province_en"] = out.groupby("province_code")["province_en"].transform(_most_common)
    return out.dropna(subset=["cpi_prev_year_100"]).sort_values(["province_code", "year"])


# Classification stated in the compilation's SOURCE.md ("Completeness" section), keyed by a
# unique substring of park_zh.  Parks whose founding, agreement or provincial-approval year
# is stated directly (the other years are "existing as of", pairing, upgrade or inferred):
PARKS_YEAR_STATED = [
    "苏州宿迁工业园区",
    "张家港宿豫",
    "吴江泗阳",
    "吴中宿城",
    "无锡徐州工业园区",
    "贾汪工业园",
    "宁淮智能制造",
    "常州盐城工业园区",
    "镇江连云港",
    "无锡连云港工业园区",
    "黄桥工业园",
    "江阴—靖江",
    "灌南工业园",
    "惠榆",
]
# Membership of the provincial "45": uncertain members and the precursor.
PARKS_UNCERTAIN = [
    "雨花经济开发区盱眙",
    "国信淮安",
    "苏州盐城沿海",
    "灌南工业园",
    "江阴灌云",
    "惠榆",
]
PARKS_PRECURSOR = ["江阴—靖江"]


def _flag(names: pd.Series, keys: list[str]) -> pd.Series:
    hits = pd.Series(False, index=names.index)
    for key in keys:
        match = names.str.contains(key, regex=False)
        if match.sum() != 1:
            raise SystemExit(
                f"parks_roster.csv: key {key!r} matches {int(match.sum())} parks, expected 1"
            )
        hits |= match
    return hits


def build_parks() -> dict[str, pd.DataFrame]:
    roster = _read(RAW / "cobuilt_parks" / "parks_roster.csv", dtype=str)
    roster["year"] = pd.to_numeric(roster["year"], errors="coerce").astype("Int64")
    roster["year_stated"] = _flag(roster["park_zh"], PARKS_YEAR_STATED)
    roster["membership"] = np.select(
        [_flag(roster["park_zh"], PARKS_PRECURSOR), _flag(roster["park_zh"], PARKS_UNCERTAIN)],
        ["precursor", "uncertain"],
        default="named co-built park",
    )
    for col in ("host_city", "partner_city"):
        roster[f"{col}_code"] = roster[col].map(_city_code_from_label).astype("Int64")
    pairings = _read(RAW / "cobuilt_parks" / "city_pairings.csv", dtype=str)
    for col in ("south_city", "north_city"):
        pairings[f"{col}_code"] = pairings[col].map(_city_code_from_label).astype("Int64")
    timeline = _read(RAW / "cobuilt_parks" / "policy_timeline.csv", dtype=str)
    return {
        "parks_roster.csv": roster,
        "city_pairings.csv": pairings,
        "policy_timeline.csv": timeline,
    }


SUPPLEMENT_VARIABLES = {
    "gdp": "100 million yuan",
    "gdp_pc_resident": "yuan",
    "gdp_pc_registered": "yuan",
    "pop_resident": "10k persons",
    "pop_registered": "10k persons",
}


def build_supplements(panel: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Jiangsu yearbook figures beyond (and overlapping) the CSMAR years, and the crosswalk of
    prefecture creations and renames.  The yearbook values must match CSMAR where both exist
    (GDP to 0.1%, per-capita GDP to 0.1% against the published official figure): the build
    stops otherwise, since a mismatch means a misread table."""
    log = []
    folder = RAW / "supplements"
    yb = _read(
        folder / "jiangsu_yearbook_cities.csv",
        (
            "city_zh",
            "variable",
            "unit",
            "population_basis",
            "source_title",
            "source_url",
            "retrieved_via",
            "note",
        ),
    )
    bad = ~yb["city_code"].isin(JIANGSU_REGIONS) | ~yb["variable"].isin(SUPPLEMENT_VARIABLES)
    bad |= yb["unit"] != yb["variable"].map(SUPPLEMENT_VARIABLES)
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise SystemExit(
            f"data/raw/supplements/jiangsu_yearbook_cities.csv, line {line}: unknown "
            f"city, variable or unit (expected {SUPPLEMENT_VARIABLES})"
        )
    if yb.duplicated(["city_code", "year", "variable"]).any():
        raise SystemExit(
            "data/raw/supplements/jiangsu_yearbook_cities.csv: duplicate city-year-variable rows"
        )
    csmar = panel.set_index(["city_code", "year"])
    for variable, column in (
        ("gdp", "gdp"),
        ("gdp_pc_resident", "gdp_pc_official"),
        ("pop_resident", "pop_resident"),
    ):
        rows = yb[yb["variable"] == variable]
        keys = [k for k in zip(rows["city_code"], rows["year"], strict=True) if k in csmar.index]
        both = rows.set_index(["city_code", "year"]).loc[keys, "value"]
        theirs = csmar.loc[keys, column]
        rel = (both / theirs - 1).abs().dropna()
        if len(rel) and rel.max() > 1e-3:
            worst = rel.idxmax()
            raise SystemExit(
                f"jiangsu_yearbook_cities.csv: {variable} of {worst} differs from "
                f"CSMAR {column} by {rel.max():.2%}"
            )
        log.append(
            f"supplement: {variable} overlaps CSMAR {column} in {len(rel)} city-years, "
            f"max abs difference {rel.max() if len(rel) else float('nan'):.4%}"
        )
    events = _read(folder / "jiangsu_prefecture_events.csv", dtype=str)
    events = events.drop_duplicates(subset=[c for c in events.columns if c != "source_file"])
    roster = _read(folder / "jiangsu_prefecture_roster_2000_2024.csv", dtype=str)
    return {
        "jiangsu_yearbook_cities.csv": yb.sort_values(["city_code", "year", "variable"]),
        "prefecture_events.csv": events,
        "prefecture_roster.csv": roster,
    }, log


CLAIM_CHECKS = (
    "region_ratio",
    "roster_count",
    "not_testable",
    "jobs_context",
    "gdp_rank",
    "balance_rank",
    "suzhou_suqian",
    "years_since_pairing",
)
CONTEXT_COLUMNS = [
    "context_id",
    "claim_topic",
    "figure_zh",
    "figure_en",
    "value",
    "unit",
    "year",
    "source_title",
    "source_url",
    "source_quality",
    "retrieved_via",
]


def build_claims() -> dict[str, pd.DataFrame]:
    """The report's claims (transcribed) and published context figures, checked for shape."""
    folder = RAW / "claims"
    claims = _read(folder / "claims.csv", dtype=str)
    bad = ~claims["check"].isin(CLAIM_CHECKS)
    if bad.any():
        raise SystemExit(
            f"data/raw/claims/claims.csv, line {int(np.flatnonzero(bad)[0]) + 2}: "
            f"check must be one of {CLAIM_CHECKS}"
        )
    if claims["claim_id"].duplicated().any():
        raise SystemExit("data/raw/claims/claims.csv: duplicate claim_id")
    context_path = folder / "context.csv"
    context = (
        _read(context_path, dtype=str)
        if context_path.exists()
        else pd.DataFrame(columns=CONTEXT_COLUMNS)
    )
    missing = [c for c in CONTEXT_COLUMNS if c not in context.columns]
    if missing:
        raise SystemExit(f"data/raw/claims/context.csv: missing columns {missing}")
    if context["source_url"].isna().any():
        raise SystemExit("data/raw/claims/context.csv: every context figure needs a source_url")
    unknown = set(context["claim_topic"]) - set(claims["topic"])
    if unknown:
        raise SystemExit(
            f"data/raw/claims/context.csv: claim_topic {sorted(unknown)} matches no claim"
        )
    return {"claims.csv": claims, "claims_context.csv": context[CONTEXT_COLUMNS]}


COMPETING_KINDS = (
    "pairing",
    "cobuilt_parks",
    "yrd_association",
    "regional_cooperation",
    "regional_plan",
)
COMPETING_ROLES = ("recipient", "helper", "member", "target_area")


def build_competing_policies(cities: pd.DataFrame, timeline: pd.DataFrame) -> pd.DataFrame:
    """Cities touched by policies comparable to Jiangsu's south-north linkage, one row per
    city and policy (data/raw/competing_policies/competing_policies.csv, compiled from the
    sources of the policy timeline).  Checked: known city codes and provinces, a kind and a
    role from the lists above, and a timeline row (date and key) whose source it repeats."""
    where = "data/raw/competing_policies/competing_policies.csv"
    cp = _read(
        RAW / "competing_policies" / "competing_policies.csv",
        (
            "policy_id",
            "kind",
            "timeline_date",
            "timeline_key",
            "province_en",
            "city_zh",
            "role",
            "source_url",
            "note",
        ),
    )
    known = cities.set_index("city_code")
    for i, row in cp.iterrows():
        line = i + 2
        if row["city_code"] not in known.index:
            raise SystemExit(f"{where}, line {line}: unknown city_code {row['city_code']}")
        if known.loc[row["city_code"], "province_en"] != row["province_en"]:
            raise SystemExit(
                f"{where}, line {line}: city {row['city_code']} is not in {row['province_en']}"
            )
        if row["kind"] not in COMPETING_KINDS or row["role"] not in COMPETING_ROLES:
            raise SystemExit(
                f"{where}, line {line}: kind must be one of {COMPETING_KINDS} and "
                f"role one of {COMPETING_ROLES}"
            )
        hit = timeline[
            (timeline["date"] == row["timeline_date"])
            & timeline["event_en"].str.contains(row["timeline_key"], regex=False)
        ]
        if len(hit) != 1 or hit["source_url"].iloc[0] != row["source_url"]:
            raise SystemExit(
                f"{where}, line {line}: no single policy_timeline row dated "
                f"{row['timeline_date']} mentioning {row['timeline_key']!r} with "
                "the same source_url"
            )
    if cp.duplicated(["policy_id", "city_code", "role"]).any():
        raise SystemExit(f"{where}: duplicate (policy_id, city_code, role) rows")
    return cp.sort_values(["first_year", "policy_id", "role", "city_code"], kind="mergesort")


KNOWN_BREAK_KINDS = ("definition", "revision", "rebenchmark", "coverage")


def build_known_breaks(provinces: set[str]) -> pd.DataFrame:
    """The statistical system's declared breaks, checked: panel variables, known provinces,
    a kind, and a source address or the note that none was found."""
    path = RAW / "known_breaks" / "known_breaks.csv"
    kb = _read(path, dtype=str)
    where = "data/raw/known_breaks/known_breaks.csv"
    for i, row in kb.iterrows():
        line = i + 2
        unknown = set(row["variables"].split(";")) - set(PANEL_COLUMNS)
        if unknown:
            raise SystemExit(f"{where}, line {line}: unknown variables {sorted(unknown)}")
        if row["scope_level"] == "province" and not set(row["scope"].split(";")) <= provinces:
            raise SystemExit(f"{where}, line {line}: unknown province in scope {row['scope']!r}")
        if row["scope_level"] == "national" and row["scope"] != "all":
            raise SystemExit(f"{where}, line {line}: a national break has scope 'all'")
        if row["kind"] not in KNOWN_BREAK_KINDS:
            raise SystemExit(f"{where}, line {line}: kind must be one of {KNOWN_BREAK_KINDS}")
        if pd.isna(row["source_url"]) and "no stored source" not in str(row["source_note"]):
            raise SystemExit(
                f"{where}, line {line}: no source_url and no note saying none was found"
            )
    if kb["break_id"].duplicated().any():
        raise SystemExit(f"{where}: duplicate break_id")
    kb["first_year_affected"] = kb["first_year_affected"].astype(int)
    return kb.sort_values(["first_year_affected", "break_id"], kind="mergesort")


CENSUS_COUNTY = RAW / "census_county"
# Three-sector grouping of the census industry sections (the same letters in GB/T 4754-2002, used
# by the 2010 census, and GB/T 4754-2017, used by 2020): A primary, B-E secondary, F-T tertiary.
CENSUS_SECTIONS = "ABCDEFGHIJKLMNOPQRST"
CENSUS_SECTOR = {
    s: ("primary" if s == "A" else "secondary" if s in "BCDE" else "tertiary")
    for s in CENSUS_SECTIONS
}
CENSUS_INDUSTRY_ZH = {
    2010: [
        "农林牧渔业",
        "采矿业",
        "制造业",
        "电力、燃气及水的生产和供应业",
        "建筑业",
        "交通运输、仓储和邮政业",
        "信息传输、计算机服务和软件业",
        "批发和零售业",
        "住宿和餐饮业",
        "金融业",
        "房地产业",
        "租赁和商务服务业",
        "科学研究、技术服务和地质勘查业",
        "水利、环境和公共设施管理业",
        "居民服务和其他服务业",
        "教育",
        "卫生、社会保障和社会福利业",
        "文化、体育和娱乐业",
        "公共管理和社会组织",
        "国际组织",
    ],
    2020: [
        "农林牧渔业",
        "采矿业",
        "制造业",
        "电力、热力、燃气及水生产和供应业",
        "建筑业",
        "批发和零售业",
        "交通运输、仓储和邮政业",
        "住宿和餐饮业",
        "信息传输、软件和信息技术服务业",
        "金融业",
        "房地产业",
        "租赁和商务服务业",
        "科学研究和技术服务业",
        "水利、环境和公共设施管理业",
        "居民服务、修理和其他服务业",
        "教育",
        "卫生和社会工作",
        "文化、体育和娱乐业",
        "公共管理、社会保障和社会组织",
        "国际组织",
    ],
}
CENSUS_COUNTY_COLUMNS = [
    "year",
    "code",
    "name",
    "city_code",
    "region",
    "unit_id",
    "pop_resident",
    "pop_registered",
    "pop_urban",
    "pop_rural",
    "urban_share",
    "households_all",
    "households_long_form",
    "sampling_fraction",
    "emp_sample_total",
    "emp_sample_primary",
    "emp_sample_secondary",
    "emp_sample_tertiary",
]
# The census of 2010-11-01 uses the divisions of the areacodes table of end-2009 (checked below);
# the boundaries are the current divisions (table of end-2024).
AREACODES_CENSUS_2010, AREACODES_BOUNDARIES = 2009, 2024


def _areacode_edges(codes: pd.DataFrame, changes: pd.DataFrame) -> tuple[list, dict]:
    """Pairs of county codes whose areas intersect across a change, from the areacodes diffs.

    A change line is ``<sign><code> <name><attribute>``: ``-`` a record of the source year that
    ends, ``+`` a new record of the target year, ``=`` a record of both that gives up territory
    (the yescallop/areacodes diff specification).  The attribute ``>a,b`` names the target-year
    records the area goes to, ``<a,b`` the source-year records it comes from; ``_`` is the
    record's own name, ``.`` its own code.  Names are resolved within the record's prefecture
    (all Jiangsu changes of 2009-2024 stay inside one); an unresolvable or ambiguous name stops
    the build.  Returns the edges and, per code, the changes that touch it.
    """
    table = {y: g for y, g in codes.groupby("year")}
    edges, touched = [], {}
    where = "data/raw/census_county/areacodes/jiangsu_changes.csv"
    for i, row in changes.iterrows():
        first, second = (int(y) for y in row["period"].split("-"))
        match = re.fullmatch(r"([-+=])(\d{6}) (\S+?)([<>])(.+)", row["line"])
        if not match:
            raise SystemExit(f"{where}, line {i + 2}: cannot parse {row['line']!r}")
        sign, code, name, direction, attribute = match.groups()
        code = int(code)
        other_year = second if direction == ">" else first
        other = table[other_year]
        for selector in attribute.split(","):
            if selector == ".":
                target = code
            else:
                wanted = name if selector == "_" else selector
                hits = other[(other["name"] == wanted) & (other["code"] // 100 == code // 100)]
                if len(hits) != 1:
                    raise SystemExit(
                        f"{where}, line {i + 2}: {wanted!r} matches {len(hits)} "
                        f"records of {other_year} in prefecture {code // 100 * 100}"
                    )
                target = int(hits["code"].iloc[0])
            edges.append((code, target))
            label = f"{row['period']} {row['document'] or row['title']}".strip()
            for c in (code, target):
                touched.setdefault(c, [])
                if label not in touched[c]:
                    touched[c].append(label)
    del sign
    return edges, touched


def build_census_county() -> tuple[dict[str, pd.DataFrame], list[str]]:
    """County census 2010 and 2020 (Jiangsu) and the crosswalk to comparable units.

    Checks that stop the build: every industry breakdown sums to its published total (so a blank
    industry cell is a zero count and may be added as one in sector sums; it stays blank in the
    industry table), the 2010 sector shares recomputed from the counts match the published
    percentages to rounding, county rows sum to their prefecture rows, the long-form household
    fraction lies between 7% and 13%, every census and boundary code is known to the code tables,
    and no code is reused for another area.
    """
    log = []
    raw = {
        2010: _read(CENSUS_COUNTY / "census_county_2010_jiangsu.csv", ("name",)),
        2020: _read(CENSUS_COUNTY / "census_county_2020_jiangsu.csv", ("province", "city", "name")),
    }
    codes = _read(CENSUS_COUNTY / "areacodes" / "jiangsu_codes.csv", ("name",))
    changes = _read(CENSUS_COUNTY / "areacodes" / "jiangsu_changes.csv", dtype=str)
    emp_cols = [f"emp_{s}" for s in CENSUS_SECTIONS]
    for year, df in raw.items():
        where = f"data/raw/census_county/census_county_{year}_jiangsu.csv"
        gap = df[emp_cols].fillna(0).sum(axis=1) - df["emp_total"]
        if gap.abs().max() > 0:
            line = int(np.flatnonzero(gap.abs().to_numpy() > 0)[0]) + 2
            raise SystemExit(f"{where}, line {line}: industries do not sum to emp_total")
        fraction = df["households_long_form"] / df["households_all"]
        if not fraction.between(0.07, 0.13).all():
            line = int(np.flatnonzero(~fraction.between(0.07, 0.13).to_numpy())[0]) + 2
            raise SystemExit(f"{where}, line {line}: long-form household fraction outside 7-13%")
        if year == 2010:
            for sector, letters in (
                ("primary", "A"),
                ("secondary", "BCDE"),
                ("tertiary", "FGHIJKLMNOPQRST"),
            ):
                share = (
                    df[[f"emp_{s}" for s in letters]].fillna(0).sum(axis=1) / df["emp_total"] * 100
                )
                off = (share - df[f"pct_{sector}"]).abs()
                if off.max() > 0.0051:
                    raise SystemExit(
                        f"{where}, line {int(off.idxmax()) + 2}: {sector} share "
                        f"{share.max():.2f} differs from the published percentage"
                    )
        log.append(
            f"census {year}: long-form fraction of households "
            f"{fraction.min():.2%}-{fraction.max():.2%}"
        )

    # Prefecture of every row: from the code, or (2020 rows without a code) from the city name.
    zh_to_code = {zh: code for code, (zh, _) in JIANGSU_REGIONS.items()}
    raw[2010]["city_code"] = raw[2010]["code"] // 100 * 100
    raw[2020]["city_code"] = raw[2020]["city"].map(zh_to_code)
    for year, df in raw.items():
        county = (df["code"] % 100 != 0) | df["code"].isna()
        df["is_county"] = county & df["city_code"].isin(JIANGSU_REGIONS)
        sums = df[df["is_county"]].groupby("city_code")[["pop_resident", "emp_total"]].sum()
        published = df[df["code"].isin(JIANGSU_REGIONS)].set_index("code")[
            ["pop_resident", "emp_total"]
        ]
        if not sums.sort_index().equals(
            published.sort_index().rename_axis("city_code").astype(sums.dtypes)
        ):
            raise SystemExit(
                f"census_county_{year}_jiangsu.csv: county rows do not sum to their prefecture rows"
            )
    # Divisions: the 2010 census = the end-2009 code table; the boundaries = the end-2024 table.
    by_year = {y: dict(zip(g["code"], g["name"], strict=True)) for y, g in codes.groupby("year")}
    c10 = raw[2010][raw[2010]["is_county"]]
    unknown = [c for c in c10["code"] if c not in by_year[AREACODES_CENSUS_2010]]
    if unknown:
        raise SystemExit(
            f"census 2010 codes not in the {AREACODES_CENSUS_2010} code table: {unknown}"
        )
    geo = json.loads(
        (RAW / "boundaries" / "jiangsu_counties_95.geojson").read_text(encoding="utf-8")
    )
    geo_codes = {int(f["properties"]["adcode"]): f["properties"]["name"] for f in geo["features"]}
    table_now = {c: n for c, n in by_year[AREACODES_BOUNDARIES].items() if c % 100}
    if geo_codes != table_now:
        raise SystemExit(
            f"the 95 county boundaries differ from the areacodes table of {AREACODES_BOUNDARIES}"
        )
    c20 = raw[2020][raw[2020]["is_county"]].copy()
    known20 = set(by_year[2019]) | set(by_year[2020])
    c20["zone"] = c20["code"].isna() | ~c20["code"].isin(known20)
    if not c20.loc[c20["zone"], "name"].str.contains("开发区|园区|新区").all():
        raise SystemExit(
            "census 2020 rows with unknown codes that are not development zones: "
            f"{c20.loc[c20['zone'], 'name'].tolist()}"
        )
    # No code may stand for two areas: present, absent, present again.
    years = sorted(by_year)
    for code in set(codes["code"]):
        present = [code in by_year[y] for y in years]
        first, last = present.index(True), len(present) - 1 - present[::-1].index(True)
        if not all(present[first : last + 1]):
            raise SystemExit(f"areacodes: code {code} disappears and comes back")

    # Union-find over county codes: same code = same node; changes and zones add edges.
    parent: dict = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        parent[find(a)] = find(b)

    edges, touched = _areacode_edges(codes, changes)
    for a, b in edges:
        union(a, b)
    for code in codes.loc[codes["code"] % 100 != 0, "code"]:
        find(code)
    # Development zones of the 2020 census are not administrative divisions and have no code in
    # the tables: each is linked to every municipal district (名称以"区"结尾) of its prefecture in
    # the 2010 census, the area such zones are carved from (an assumption, stated in data/README.md).
    districts10 = c10[c10["name"].str.endswith("区")]
    zone_ids = {}
    for _, zone in c20[c20["zone"]].iterrows():
        node = ("zone", zone["name"])
        zone_ids[zone["name"]] = node
        for code in districts10.loc[districts10["city_code"] == zone["city_code"], "code"]:
            union(node, code)
    # Units: each component, named by its boundary polygons (a unit has at least one).
    members: dict = {}
    for code in geo_codes:
        members.setdefault(find(code), []).append(code)
    unit_of = {}
    for root, geo_members in members.items():
        unit_of[root] = min(geo_members)
    unit_name = {unit_of[r]: "+".join(geo_codes[c] for c in sorted(m)) for r, m in members.items()}

    def unit(node):
        root = find(node)
        if root not in unit_of:
            raise SystemExit(f"{node}: no boundary polygon in its comparable unit")
        return unit_of[root]

    c10 = c10.assign(unit_id=[unit(int(c)) for c in c10["code"]])
    c20 = c20.assign(
        unit_id=[
            unit(zone_ids[n]) if z else unit(int(c))
            for c, n, z in zip(c20["code"], c20["name"], c20["zone"], strict=True)
        ]
    )
    if (c10.groupby("unit_id")["city_code"].nunique() > 1).any():
        raise SystemExit("a comparable unit spans two prefectures")

    # Crosswalk: one row per census row and boundary polygon.
    def rule(code, zone=False):
        if zone:
            return (
                "development zone of the 2020 census (no division code): linked to the "
                "prefecture's municipal districts of 2010 (assumption)"
            )
        hits = touched.get(code, [])
        return "; ".join(hits) if hits else "code and area unchanged 2009-2024 (areacodes)"

    cross = pd.concat(
        [
            pd.DataFrame(
                {
                    "source": "census_2010",
                    "code": c10["code"].astype("Int64"),
                    "name": c10["name"],
                    "unit_id": c10["unit_id"],
                    "link": [rule(int(c)) for c in c10["code"]],
                }
            ),
            pd.DataFrame(
                {
                    "source": "census_2020",
                    "code": c20["code"].astype("Int64"),
                    "name": c20["name"],
                    "unit_id": c20["unit_id"],
                    "link": [
                        rule(c if pd.isna(c) else int(c), z)
                        for c, z in zip(c20["code"], c20["zone"], strict=True)
                    ],
                }
            ),
            pd.DataFrame(
                {
                    "source": "boundaries",
                    "code": pd.array(list(geo_codes), dtype="Int64"),
                    "name": list(geo_codes.values()),
                    "unit_id": [unit(c) for c in geo_codes],
                    "link": [rule(c) for c in geo_codes],
                }
            ),
        ],
        ignore_index=True,
    )
    cross["unit_name"] = cross["unit_id"].map(unit_name)
    cross["city_code"] = (cross["unit_id"] // 100 * 100).astype("int64")
    cross["region"] = cross["city_code"].map({c: r for c, (_, r) in JIANGSU_REGIONS.items()})
    cross = cross[["source", "code", "name", "unit_id", "unit_name", "city_code", "region", "link"]]
    n_units = cross["unit_id"].nunique()
    log.append(
        f"census counties: {len(c10)} rows in 2010, {len(c20)} in 2020 "
        f"({int(c20['zone'].sum())} development zones), 95 polygons -> {n_units} comparable units"
    )

    # Census table and industry table.
    tables, industry = [], []
    for year, df in ((2010, c10), (2020, c20)):
        counts = df[emp_cols].fillna(0)
        out = pd.DataFrame(
            {
                "year": year,
                "code": df["code"].astype("Int64"),
                "name": df["name"],
                "city_code": df["city_code"].astype("int64"),
                "region": df["city_code"].map({c: r for c, (_, r) in JIANGSU_REGIONS.items()}),
                "unit_id": df["unit_id"],
                "pop_resident": df["pop_resident"],
                "pop_registered": df["pop_registered"] if "pop_registered" in df else np.nan,
                "pop_urban": df["pop_urban"],
                "pop_rural": df["pop_rural"],
                "urban_share": df["pop_urban"] / df["pop_resident"],
                "households_all": df["households_all"],
                "households_long_form": df["households_long_form"],
                "sampling_fraction": df["households_long_form"] / df["households_all"],
                "emp_sample_total": df["emp_total"],
                **{
                    f"emp_sample_{sector}": counts[
                        [f"emp_{s}" for s in CENSUS_SECTIONS if CENSUS_SECTOR[s] == sector]
                    ].sum(axis=1)
                    for sector in ("primary", "secondary", "tertiary")
                },
            }
        )
        tables.append(out[CENSUS_COUNTY_COLUMNS])
        long = df.melt(
            id_vars=["code", "name", "unit_id"],
            value_vars=emp_cols,
            var_name="section",
            value_name="emp_sample",
        )
        long["section"] = long["section"].str.removeprefix("emp_")
        long["industry_zh"] = long["section"].map(
            dict(zip(CENSUS_SECTIONS, CENSUS_INDUSTRY_ZH[year], strict=True))
        )
        long["sector"] = long["section"].map(CENSUS_SECTOR)
        long.insert(0, "year", year)
        long["code"] = long["code"].astype("Int64")
        industry.append(long)
    census = pd.concat(tables, ignore_index=True).sort_values(
        ["year", "city_code", "code"], kind="mergesort"
    )
    industry = pd.concat(industry, ignore_index=True).sort_values(
        ["year", "code", "name", "section"], kind="mergesort"
    )
    industry = industry[
        ["year", "code", "name", "unit_id", "section", "industry_zh", "sector", "emp_sample"]
    ]
    return {
        "census_county.csv": census,
        "census_county_industry.csv": industry,
        "census_county_crosswalk.csv": cross.sort_values(
            ["source", "unit_id", "code"], kind="mergesort"
        ),
    }, log


def _city_code_from_label(label) -> float:
    """'宿迁 Suqian' -> 321300, by the Chinese name; NaN when not a Jiangsu city."""
    if not isinstance(label, str):
        return np.nan
    for code, (zh, _) in JIANGSU_REGIONS.items():
        if label.startswith(zh.removesuffix("市")):
            return code
    return np.nan


def _csv_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", float_format="%.10g")
    return buf.getvalue().encode("utf-8")


def build_all() -> tuple[dict[str, bytes], list[str]]:
    """Return {relative path under data/: file bytes} for every tidy file, and the log."""
    gdp = _read(RAW / "csmar_cre" / "CRE_Gdpct_extract.csv", CSMAR_TEXT)
    emp = _read(RAW / "csmar_cre" / "CRE_Eplwagct_extract.csv", CSMAR_TEXT)
    cpi = _read(RAW / "csmar_cre" / "CRE_Pi01_extract.csv", ("Prvcnm_en",))
    census = _read(RAW / "census" / "census_city_2010_2020.csv", ("city", "province"))
    ccsy = _read(RAW / "ccsy" / "ccsy_2004_2012.csv", ("city_zh",))
    cities = build_cities(gdp, emp, census)
    panel, removed, log = build_panel(gdp, emp, census, ccsy, cities)
    found = screen.screen_panel(panel)
    flags = pd.concat([removed, found], ignore_index=True)
    flags = flags.sort_values(["city_code", "year", "variable", "rule"], kind="mergesort")
    flags = flags[screen.FLAG_COLUMNS].reset_index(drop=True)
    log.append(
        "screen: "
        + ", ".join(
            f"{n} {rule} ({action})"
            for (rule, action), n in flags.groupby(["rule", "action"]).size().items()
        )
    )
    files = {
        "tidy/cities.csv": _csv_bytes(cities),
        "tidy/city_panel.csv": _csv_bytes(panel),
        "tidy/flags.csv": _csv_bytes(flags),
        "tidy/province_cpi.csv": _csv_bytes(build_cpi(cpi)),
    }
    parks = build_parks()
    for name, df in parks.items():
        files[f"tidy/{name}"] = _csv_bytes(df)
    files["tidy/competing_policies.csv"] = _csv_bytes(
        build_competing_policies(cities, parks["policy_timeline.csv"])
    )
    files["tidy/known_breaks.csv"] = _csv_bytes(build_known_breaks(set(cities["province_en"])))
    for name, df in build_claims().items():
        files[f"tidy/{name}"] = _csv_bytes(df)
    supplements, supplement_log = build_supplements(panel)
    log += supplement_log
    for name, df in supplements.items():
        files[f"tidy/{name}"] = _csv_bytes(df)
    census_county, census_county_log = build_census_county()
    log += census_county_log
    for name, df in census_county.items():
        files[f"tidy/{name}"] = _csv_bytes(df)
    for name in (
        "jiangsu_cities_13.geojson",
        "jiangsu_counties_95.geojson",
        "jiangsu_province.geojson",
    ):
        files[f"tidy/{name}"] = (RAW / "boundaries" / name).read_bytes()
    return files, log


def manifest_text(files: dict[str, bytes]) -> str:
    """sha256 of every raw and tidy data file, in `sha256sum` format."""
    entries = {
        str(p.relative_to(DATA)): p.read_bytes() for p in sorted(RAW.rglob("*")) if p.is_file()
    }
    entries.update(files)
    return "".join(
        f"{hashlib.sha256(b).hexdigest()}  {name}\n" for name, b in sorted(entries.items())
    )


README = DATA / "README.md"
MANIFEST_START, MANIFEST_END = "<!-- manifest:start -->", "<!-- manifest:end -->"


def readme_with_manifest(manifest: str) -> str:
    """data/README.md with its manifest section replaced by the current checksums."""
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(MANIFEST_START)
    _, _, tail = rest.partition(MANIFEST_END)
    rows = "\n".join(
        f"| `{name}` | `{digest}` |"
        for digest, name in (line.split("  ") for line in manifest.splitlines())
    )
    table = f"\n| file | sha256 |\n|---|---|\n{rows}\n"
    return f"{head}{MANIFEST_START}{table}{MANIFEST_END}{tail}"


def changed_raw_files() -> list[str]:
    """Raw files whose sha256 differs from SHA256SUMS, or that it does not list (or lists but
    are gone)."""
    recorded = {}
    if MANIFEST.exists():
        for line in MANIFEST.read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            if name.startswith("raw/"):
                recorded[name] = digest
    present = {
        str(p.relative_to(DATA)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(RAW.rglob("*"))
        if p.is_file()
    }
    changed = [n for n, d in present.items() if recorded.get(n) != d]
    return changed + [n for n in recorded if n not in present]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild in memory and compare with the committed files",
    )
    parser.add_argument(
        "--accept-raw-changes",
        action="store_true",
        help="the listed changes to data/raw/ are intended: re-sign them",
    )
    args = parser.parse_args()
    changed = changed_raw_files()
    if changed and not args.accept_raw_changes:
        print(
            "data/raw differs from data/SHA256SUMS: " + ", ".join(changed) + "\n"
            "A raw file was changed, added or removed.  If this is corruption or an accident, "
            "restore the shipped files with `git checkout -- data` (nothing is rebuilt).  "
            "If the change is intended (a new extract), rebuild with "
            "`make data ACCEPT_RAW=1`.",
            file=sys.stderr,
        )
        return 2
    files, log = build_all()
    manifest = manifest_text(files)
    if args.check:
        stale = [
            n for n, b in files.items() if not (DATA / n).exists() or (DATA / n).read_bytes() != b
        ]
        if not MANIFEST.exists() or MANIFEST.read_text() != manifest:
            stale.append("SHA256SUMS")
        if README.read_text(encoding="utf-8") != readme_with_manifest(manifest):
            stale.append("README.md manifest")
        if stale:
            print("out of date (run `make data`):", ", ".join(stale), file=sys.stderr)
            return 1
        print("data/tidy and data/SHA256SUMS are up to date")
        return 0
    TIDY.mkdir(exist_ok=True)
    for name, content in files.items():
        (DATA / name).write_bytes(content)
    MANIFEST.write_text(manifest)
    README.write_text(readme_with_manifest(manifest), encoding="utf-8")
    print("\n".join(log))
    print(f"wrote {len(files)} tidy files and {MANIFEST.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
