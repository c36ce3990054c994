"""The co-built parks roster as treatment data: cohorts by host city, host counties on the map.

The roster (``nanbei.data.load_parks``) is incomplete and its ``year`` column mixes
founding, agreement, approval and "existing as of" years.  The functions here turn it
into treatment dates under an explicit rule, and say which rows each date rests on.
"""

from __future__ import annotations

import re

import pandas as pd

COHORT_RULES = ("first_documented", "first_stated")
ZONE_WORDS = ("功能区", "开发区", "高新区", "园区")


def park_cohorts(
    roster: pd.DataFrame,
    rule: str = "first_documented",
    membership: tuple[str, ...] = ("named co-built park",),
) -> pd.DataFrame:
    """First park year of each host city under a declared rule.

    rule
        "first_documented": earliest year any park is documented (founded, approved,
        or reported as existing): treatment began no later than this;
        "first_stated": earliest directly stated founding/agreement/approval year.
    membership
        which roster rows count ("named co-built park", "uncertain", "precursor").

    Returns one row per host city with a year: host_city_code, host_city, cohort,
    park (the row the date rests on), year_kind, n_parks (rows of that city counted,
    with or without a year) and n_undated (those without a year, whose existence may
    predate the cohort).
    """
    if rule not in COHORT_RULES:
        raise ValueError(f"park_cohorts: rule must be one of {COHORT_RULES}, got {rule!r}")
    known = set(roster["membership"].unique())
    unknown = sorted(set(membership) - known)
    if unknown:
        raise ValueError(f"park_cohorts: unknown membership {unknown}; roster has {sorted(known)}")
    rows = roster[roster["membership"].isin(membership) & roster["host_city_code"].notna()]
    dated = rows[rows["year"].notna()]
    if rule == "first_stated":
        dated = dated[dated["year_stated"]]
    first = (
        dated.sort_values("year")
        .groupby("host_city_code", as_index=False)
        .first()[["host_city_code", "host_city", "year", "park_zh", "year_kind"]]
        .rename(columns={"year": "cohort", "park_zh": "park"})
    )
    counts = rows.groupby("host_city_code").agg(
        n_parks=("park_zh", "size"), n_undated=("year", lambda y: int(y.isna().sum()))
    )
    out = first.merge(counts, on="host_city_code", how="left")
    out["host_city_code"] = out["host_city_code"].astype("int64")
    out["cohort"] = out["cohort"].astype("int64")
    return out.sort_values(["cohort", "host_city_code"]).reset_index(drop=True)


def county_name(host_county: str | float) -> str | None:
    """Leading Chinese county/district name of a roster entry ('泗阳县 Siyang County' -> '泗阳县')."""
    if not isinstance(host_county, str):
        return None
    match = re.match(r"^([\u4e00-\u9fff]+(?:区|县|市))", host_county.strip())
    if not match or any(zone in match.group(1) for zone in ZONE_WORDS):
        return None  # a development zone, not an administrative county
    return match.group(1)


def host_counties(roster: pd.DataFrame, counties) -> pd.DataFrame:
    """Match each park to its host county polygon by name within the host city.

    ``counties`` is ``nanbei.data.load_boundaries("county")``.  Returns the roster's
    park_zh, host_city, host_county, the matched ``adcode`` (missing where the host
    is a city-level zone rather than a county, e.g. 苏宿工业园区) and ``matched``.
    """
    out = roster[
        ["park_zh", "host_city", "host_county", "host_city_code", "year", "membership"]
    ].copy()
    names = out["host_county"].map(county_name)
    county_city = counties["adcode"] // 100 * 100
    lookup = {
        (n, c): a
        for n, c, a in zip(counties["name"], county_city, counties["adcode"], strict=False)
    }
    out["adcode"] = [
        lookup.get((n, c)) if n else None
        for n, c in zip(names, out["host_city_code"], strict=False)
    ]
    out["adcode"] = out["adcode"].astype("Int64")
    out["matched"] = out["adcode"].notna()
    return out
