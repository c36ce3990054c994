"""Plausibility screen: one set of generic rules run over every numeric series of a city panel.

The same screen runs in ``data/build.py`` over the shipped tables (its findings are committed
as ``data/tidy/flags.csv``) and in :func:`nanbei.data.load_city_panel` over a user's own file,
so that shipped and user data pass the same tests.  Nothing is edited: the screen returns a
table of findings, one row per value, and :func:`apply_flags` masks the ones whose action is
``"masked"``.  The rules, their thresholds and why they are set where they are, are listed in
:data:`RULES` and in data/README.md.

Rules
-----
spike                 a jump of more than ``SPIKE_LOG`` log points that reverses (by more than the
                      same) at the next observation, gaps of at most two years: a value that
                      belongs to another city, unit or coverage.  Masked.
range_gdp_pc          published per-capita GDP outside 100 yuan to 10 million yuan.  Masked.
range_wage            average annual wage outside 500 yuan to 1 million yuan.  Masked.
range_gdp_per_person  GDP / registered population outside 100 yuan to 10 million yuan: GDP or
                      population in the wrong unit or coverage.  GDP is masked (in the shipped
                      data it is GDP that is off: Guangxi's cities in 2000 by a factor 1,000).
range_population      population above one billion (100,000 in 10k persons): persons, not 10k
                      persons.  Masked.
sector_sum            sector value added summing to more than 10% away from GDP: the three sector
                      values are masked; between 1% and 10% they are kept with a flag (rounding
                      and revisions).
emp_share_sum         employment shares summing outside 90-110%: masked; 95-105% is normal
                      rounding, between the two bands kept with a flag.
implied_population    GDP / published per-capita GDP (the population the statistical office used)
                      outside 0.8-1.25 times both the registered and the census resident
                      population (interpolated between the censuses): flagged, kept.
census_registered     census resident population outside 0.5-3 times registered population:
                      flagged, kept (migration is real; larger gaps mean a coverage mismatch).
fdi_to_gdp            FDI (US dollars) above 5% of GDP (yuan), i.e. above roughly 35-40% of GDP at
                      the 2004-2012 exchange rates of 6.1-8.3 yuan per dollar: masked.
employment_population unit employment above twice the larger of registered and resident
                      population: flagged, kept.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Columns of every findings table (shipped flags.csv and the screen of a user file).
FLAG_COLUMNS = ["table", "city_code", "year", "variable", "rule", "value", "action", "reason"]

SPIKE_LOG = 1.0  # log points: a factor of e (2.7) up and back down again
SPIKE_SHARE_PP = 25.0  # percentage points, for shares
LEVEL_COLUMNS = [
    "gdp",
    "gdp_primary",
    "gdp_secondary",
    "gdp_tertiary",
    "gdp_pc_official",
    "pop_registered",
    "employment",
    "wage_avg",
    "fdi",
]
SHARE_COLUMNS = ["emp_share_primary", "emp_share_secondary", "emp_share_tertiary"]
SECTOR_COLUMNS = ["gdp_primary", "gdp_secondary", "gdp_tertiary"]

#: rule -> (action in the shipped data, what a user file gets, reason).
#: Shipped data: "masked" values are set to NaN by the loaders (quarantine=True), "kept" values
#: stay with their flag.  A user's file: "error" raises DataError (the file must be fixed: a
#: unit, an identity or a range is violated), "mask" masks with a warning (suspicious, not
#: impossible), "note" only counts the finding in the loader's warning.
RULES: dict[str, tuple[str, str, str]] = {
    "spike": (
        "masked",
        "mask",
        f"jumps by more than {SPIKE_LOG:g} log point(s) "
        f"({SPIKE_SHARE_PP:g} pp for shares) and reverses at the next observation: a "
        "value of another unit, coverage or city",
    ),
    "range_gdp_pc": (
        "masked",
        "error",
        "published per-capita GDP outside 100 to 10,000,000 yuan (expected yuan per person)",
    ),
    "range_wage": (
        "masked",
        "error",
        "average annual wage outside 500 to 1,000,000 yuan (expected yuan per year)",
    ),
    "range_gdp_per_person": (
        "masked",
        "error",
        "GDP / registered population outside 100 to "
        "10,000,000 yuan: GDP (expected 100 million yuan) or population "
        "(expected 10k persons) in another unit or coverage",
    ),
    "range_population": (
        "masked",
        "error",
        "population above 100,000 (10k persons), i.e. above "
        "one billion people: expected 10k persons (万人), not persons",
    ),
    "sector_sum": (
        "masked",
        "error",
        "sector value added sums to more than 10% away from GDP "
        "(expected primary + secondary + tertiary = GDP, all in 100 million yuan)",
    ),
    "sector_sum_minor": ("kept", "note", "sector value added sums to 1-10% away from GDP"),
    "emp_share_sum": (
        "masked",
        "error",
        "employment shares sum outside 90-110% (expected "
        "percentages of employment summing to about 100)",
    ),
    "emp_share_sum_minor": ("kept", "note", "employment shares sum to 90-95% or 105-110%"),
    "implied_population": (
        "kept",
        "note",
        "population implied by GDP / published per-capita "
        "GDP is outside 0.8-1.25 times both registered and (interpolated) "
        "census population",
    ),
    "census_registered": (
        "kept",
        "note",
        "census resident population outside 0.5-3 times registered population",
    ),
    "fdi_to_gdp": (
        "masked",
        "mask",
        "FDI (USD) above 5% of GDP (yuan), about 35-40% of GDP at 2004-2012 exchange rates",
    ),
    "employment_population": ("kept", "note", "unit employment above twice the population"),
}


def jump_reversals(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    threshold: float,
    log: bool = True,
    max_gap: int = 2,
) -> pd.DataFrame:
    """Unit-periods where ``value`` jumps by more than ``threshold`` and jumps back at once.

    A jump-and-reversal (up then down, or down then up, each beyond ``threshold``; in
    log points if ``log`` else in levels) between observations at most ``max_gap``
    periods apart.  Genuine growth does not reverse within a year; a value that belongs
    to another unit, coverage or city does.  Returns unit, time, value, previous, next.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"u": [1] * 4, "t": [1, 2, 3, 4], "x": [10.0, 11.0, 95.0, 12.0]})
    >>> jump_reversals(df, unit="u", time="t", value="x", threshold=1.0)[["t", "x"]].values.tolist()
    [[3.0, 95.0]]
    """
    d = df[[unit, time, value]].dropna().sort_values([unit, time])
    if log:
        d = d[d[value] > 0]
    x = np.log(d[value]) if log else d[value]
    g = d[unit]
    up = x.groupby(g).diff()
    down = -x.groupby(g).diff(-1)
    gap_before = d[time].groupby(g).diff()
    gap_after = -d[time].groupby(g).diff(-1)
    hit = (
        (up.abs() > threshold)
        & (down.abs() > threshold)
        & (np.sign(up) != np.sign(down))
        & (gap_before <= max_gap)
        & (gap_after <= max_gap)
    )
    out = d.assign(previous=d[value].groupby(g).shift(), next=d[value].groupby(g).shift(-1))
    return out[hit].reset_index(drop=True)


def _rows(df: pd.DataFrame, mask: pd.Series, variable: str, rule: str, values=None) -> pd.DataFrame:
    action, _, reason = RULES[rule]
    sel = df.loc[mask.fillna(False).to_numpy(dtype=bool)]
    vals = sel[variable] if values is None else values[mask.fillna(False).to_numpy(dtype=bool)]
    return pd.DataFrame(
        {
            "city_code": sel["city_code"].to_numpy(),
            "year": sel["year"].to_numpy(),
            "variable": variable,
            "rule": rule,
            "value": np.asarray(vals, float),
            "action": action,
            "reason": reason,
        }
    )


def _interpolated_resident(panel: pd.DataFrame) -> pd.Series:
    """Census resident population of each city, linearly interpolated between its census years
    and carried one year beyond the first and last census: a screening yardstick only, never
    shipped as data."""
    wide = panel.pivot_table(index="year", columns="city_code", values="pop_resident")
    if wide.empty:
        return pd.Series(np.nan, index=panel.index)
    wide = wide.reindex(range(int(panel["year"].min()), int(panel["year"].max()) + 1))
    wide = wide.interpolate(limit_area="inside").ffill(limit=1).bfill(limit=1)
    stacked = wide.stack().rename("yardstick").reset_index()
    out = panel[["city_code", "year"]].merge(stacked, on=["city_code", "year"], how="left")
    return pd.Series(out["yardstick"].to_numpy(), index=panel.index)


def screen_panel(panel: pd.DataFrame, table: str = "city_panel") -> pd.DataFrame:
    """Run every plausibility rule over a city panel (columns as in data/README.md).

    Returns the findings, one row per value and rule (columns :data:`FLAG_COLUMNS`),
    sorted by city, year, variable and rule.  Columns absent from ``panel`` are skipped,
    so any extract with a subset of the schema can be screened.
    """
    p = panel.reset_index(drop=True)
    has = set(p.columns)
    parts = []
    for col in [c for c in LEVEL_COLUMNS + SHARE_COLUMNS if c in has]:
        share = col in SHARE_COLUMNS
        spikes = jump_reversals(
            p,
            unit="city_code",
            time="year",
            value=col,
            threshold=SPIKE_SHARE_PP if share else SPIKE_LOG,
            log=not share,
        )
        if len(spikes):
            parts.append(_rows(spikes, pd.Series(True, index=spikes.index), col, "spike"))
    if "gdp_pc_official" in has:
        parts.append(
            _rows(
                p,
                ~p["gdp_pc_official"].between(100, 1e7) & p["gdp_pc_official"].notna(),
                "gdp_pc_official",
                "range_gdp_pc",
            )
        )
    if "wage_avg" in has:
        parts.append(
            _rows(
                p,
                ~p["wage_avg"].between(500, 1e6) & p["wage_avg"].notna(),
                "wage_avg",
                "range_wage",
            )
        )
    if {"gdp", "pop_registered"} <= has:
        per_person = p["gdp"] * 1e4 / p["pop_registered"]
        parts.append(
            _rows(
                p, ~per_person.between(100, 1e7) & per_person.notna(), "gdp", "range_gdp_per_person"
            )
        )
    for col in [c for c in ("pop_registered", "pop_resident") if c in has]:
        parts.append(_rows(p, p[col] > 1e5, col, "range_population"))
    if {"gdp", *SECTOR_COLUMNS} <= has:
        dev = (p[SECTOR_COLUMNS].sum(axis=1, min_count=3) / p["gdp"] - 1).abs()
        for col in SECTOR_COLUMNS:
            parts.append(_rows(p, dev > 0.10, col, "sector_sum"))
        parts.append(_rows(p, (dev > 0.01) & (dev <= 0.10), "gdp", "sector_sum_minor"))
    if set(SHARE_COLUMNS) <= has:
        total = p[SHARE_COLUMNS].sum(axis=1, min_count=3)
        major = ~total.between(90, 110) & total.notna()
        for col in SHARE_COLUMNS:
            parts.append(_rows(p, major, col, "emp_share_sum"))
        minor = ~total.between(95, 105) & ~major & total.notna()
        parts.append(_rows(p, minor, "emp_share_primary", "emp_share_sum_minor"))
    if {"gdp", "gdp_pc_official", "pop_registered", "pop_resident"} <= has:
        implied = p["gdp"] * 1e4 / p["gdp_pc_official"]
        resident = _interpolated_resident(p)
        low = pd.concat([p["pop_registered"], resident], axis=1).min(axis=1)
        high = pd.concat([p["pop_registered"], resident], axis=1).max(axis=1)
        off = (implied < 0.8 * low) | (implied > 1.25 * high)
        parts.append(_rows(p, off, "gdp_pc_official", "implied_population"))
    if {"pop_resident", "pop_registered"} <= has:
        ratio = p["pop_resident"] / p["pop_registered"]
        parts.append(
            _rows(p, ~ratio.between(0.5, 3) & ratio.notna(), "pop_registered", "census_registered")
        )
    if {"fdi", "gdp"} <= has:
        usd_per_yuan = p["fdi"] * 1e4 / (p["gdp"] * 1e8)
        parts.append(_rows(p, usd_per_yuan > 0.05, "fdi", "fdi_to_gdp"))
    if {"employment", "pop_registered"} <= has:
        pop = p[[c for c in ("pop_registered", "pop_resident") if c in has]].max(axis=1)
        parts.append(_rows(p, p["employment"] > 2 * pop, "employment", "employment_population"))
    parts = [x for x in parts if len(x)]
    if not parts:
        return pd.DataFrame(
            {
                c: pd.Series(
                    dtype="float64"
                    if c == "value"
                    else "int64"
                    if c in ("city_code", "year")
                    else "str"
                )
                for c in FLAG_COLUMNS
            }
        )
    out = pd.concat(parts, ignore_index=True).assign(table=table)
    out = out.sort_values(["city_code", "year", "variable", "rule"], kind="mergesort")
    return out[FLAG_COLUMNS].reset_index(drop=True)


def apply_flags(panel: pd.DataFrame, flags: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Set every value whose flag action is ``"masked"`` to NaN.

    Returns the masked copy and the flags that actually hit a non-missing value of
    ``panel`` (so a caller can say how many values, which cities and years were masked).
    """
    masked = flags[flags["action"] == "masked"]
    out = panel.copy()
    if masked.empty:
        return out, masked.iloc[0:0]
    key = out[["city_code", "year"]].reset_index()
    hits = masked.merge(key, on=["city_code", "year"], how="inner")
    applied = []
    for variable, grp in hits.groupby("variable", sort=False):
        if variable not in out.columns:
            continue
        rows = grp["index"].to_numpy()
        present = out.loc[rows, variable].notna().to_numpy()
        out.loc[rows[present], variable] = np.nan
        applied.append(grp[present])
    applied = (
        pd.concat(applied).drop(columns="index").drop_duplicates(["city_code", "year", "variable"])
        if applied
        else masked.iloc[0:0]
    )
    return out, applied.reset_index(drop=True)
