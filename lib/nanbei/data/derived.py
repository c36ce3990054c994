"""Derived variables: per-capita GDP on a declared basis, prices, policy outcomes, coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nanbei.data.files import load_province_cpi
from nanbei.data.schema import BASES, JIANGSU_PROVINCE_CODE, NUMERIC_COLUMNS


def implied_population(panel: pd.DataFrame) -> pd.Series:
    """Population implied by the official figures, GDP / published per-capita GDP (10k persons).

    Before about 2009 this approximates registered population, afterwards resident
    population: it is the denominator the statistical office actually used.
    """
    return panel["gdp"] * 1e4 / panel["gdp_pc_official"]


def _population(panel: pd.DataFrame, basis: str) -> pd.Series:
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    if basis == "registered":
        return panel["pop_registered"]
    if basis == "resident":
        return panel["pop_resident"]
    return implied_population(panel)


def per_capita(panel: pd.DataFrame, basis: str) -> pd.Series:
    """GDP per capita in yuan on a declared population basis.

    >>> import pandas as pd
    >>> toy = pd.DataFrame({"gdp": [100.0], "pop_registered": [50.0], "pop_resident": [80.0],
    ...                     "gdp_pc_official": [12_500.0]})
    >>> per_capita(toy, "registered").item(), per_capita(toy, "resident").item()
    (20000.0, 12500.0)

    basis
        "registered": GDP / year-end registered (户籍) population, every year it exists;
        "resident": GDP / census resident (常住) population, census years (2010, 2020) only;
        "official": the published figure, whose basis switched from registered to
        resident population around 2009 (not a consistent series across the switch).
    """
    if basis == "official":
        values = panel["gdp_pc_official"].astype(float)
    else:
        values = panel["gdp"] * 1e4 / _population(panel, basis)
    return values.rename(f"gdp_pc_{basis}")


def cpi_index(base_year: int = 2000, province_code: int = JIANGSU_PROVINCE_CODE) -> pd.Series:
    """Chained price level (base_year = 100) of a province, from year-on-year CPI.

    Covers the unbroken run of published years around ``base_year``; years beyond a
    gap in the published series are left out rather than chained across it.
    """
    cpi = load_province_cpi()
    cpi = cpi[cpi["province_code"] == province_code].set_index("year")["cpi_prev_year_100"]
    if cpi.empty:
        raise ValueError(f"cpi_index: no CPI for province_code {province_code}")
    if base_year not in cpi.index:
        raise ValueError(f"cpi_index: no CPI for province {province_code} in base_year {base_year}")
    # A chained index cannot cross a gap: use the unbroken run of years around base_year.
    years = cpi.index.to_numpy()
    breaks = np.flatnonzero(np.diff(years) != 1)
    run_start = years[[0, *(breaks + 1)]]
    first = run_start[run_start <= base_year].max()
    following = years[breaks][years[breaks] >= base_year]
    last = following.min() if len(following) else years[-1]
    cpi = cpi.loc[first:last]
    level = (cpi / 100).cumprod()
    return (100 * level / level.loc[base_year]).rename(f"cpi_{base_year}=100")


def deflate(
    values: pd.Series,
    years: pd.Series,
    base_year: int = 2000,
    province_code: int | pd.Series = JIANGSU_PROVINCE_CODE,
    missing: str = "raise",
) -> pd.Series:
    """Express nominal ``values`` in ``base_year`` prices with the provincial CPI.

    ``province_code`` is one code or a Series aligned with ``values`` (each row
    deflated by its own province's CPI).  CPI is a consumer price index, not a GDP
    deflator: real GDP figures made this way measure purchasing power over consumer
    goods (city deflators are not published in the shipped data).  A year without
    CPI raises (``missing="raise"``) or gives NaN (``missing="nan"``).
    """
    provinces = (
        province_code
        if isinstance(province_code, pd.Series)
        else pd.Series(province_code, index=values.index)
    )
    factor = pd.Series(np.nan, index=values.index)
    for code in provinces.unique():
        rows = provinces == code
        factor[rows] = years[rows].map(cpi_index(base_year, int(code))).to_numpy()
    if factor.isna().any() and missing == "raise":
        bad = sorted(set(zip(provinces[factor.isna()], years[factor.isna()], strict=False)))[:5]
        raise ValueError(f"deflate: no CPI for (province_code, year) {bad}")
    return values * 100 / factor.to_numpy()


def per_capita_panel(
    panel: pd.DataFrame, basis: str = "registered", prices: str = "nominal", base_year: int = 2000
) -> pd.DataFrame:
    """Long table of GDP per capita on a declared basis, ready for the convergence tools.

    Columns: city_code, city_zh, city_en, province_code, region, year, gdp_pc (yuan,
    nominal or in ``base_year`` prices deflated by each city's provincial CPI) and
    population (10k persons on the same basis, the natural weight).  Rows where
    either is missing are dropped; ``attrs["dropped"]`` counts them, and
    ``attrs["dropped_no_cpi"]`` the rows without a provincial CPI for real prices.
    """
    if prices not in ("nominal", "real"):
        raise ValueError(f"prices must be 'nominal' or 'real', got {prices!r}")
    keep = ["city_code", "city_zh", "city_en", "province_code", "region", "year"]
    out = panel[keep].copy()
    out["gdp_pc"] = per_capita(panel, basis)
    out["population"] = _population(panel, basis)
    complete = out["gdp_pc"].notna() & out["population"].notna()
    out = out[complete].reset_index(drop=True)
    no_cpi = 0
    if prices == "real":
        out["gdp_pc"] = deflate(
            out["gdp_pc"], out["year"], base_year, out["province_code"], missing="nan"
        )
        no_cpi = int(out["gdp_pc"].isna().sum())
        out = out[out["gdp_pc"].notna()].reset_index(drop=True)
    out.attrs.update(
        basis=basis,
        prices=prices,
        base_year=base_year,
        dropped=int((~complete).sum()),
        dropped_no_cpi=no_cpi,
    )
    return out


OUTCOMES = {
    "log_gdp_pc": "log GDP per capita (yuan; declared basis and prices)",
    "gdp_growth": "growth of GDP, 100 x log difference (declared prices)",
    "secondary_share": "secondary industry share of GDP (%)",
    "log_fdi": "log FDI actually utilised (10k USD; 2004-2012)",
    "log_wage": "log average wage of employees (yuan/year; declared prices)",
    "emp_secondary_share": "secondary industry share of unit employment (%)",
}

#: Panel columns each outcome is computed from (for the declared breaks that touch it).
OUTCOME_VARIABLES = {
    "log_gdp_pc": ("gdp", "pop_registered", "pop_resident", "gdp_pc_official"),
    "gdp_growth": ("gdp",),
    "secondary_share": ("gdp", "gdp_secondary"),
    "log_fdi": ("fdi",),
    "log_wage": ("wage_avg",),
    "emp_secondary_share": ("emp_share_secondary",),
}


def outcome_panel(
    panel: pd.DataFrame,
    outcome: str,
    basis: str = "registered",
    prices: str = "real",
    base_year: int = 2000,
) -> pd.DataFrame:
    """Long table with one policy-evaluation outcome ``y`` per city-year, missing rows dropped.

    outcome: one of :data:`OUTCOMES`.  Identifier columns are kept (city_code,
    city_zh, city_en, province_code, province_en, region, year).
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {list(OUTCOMES)}, got {outcome!r}")
    ids = ["city_code", "city_zh", "city_en", "province_code", "province_en", "region", "year"]
    if outcome == "log_gdp_pc":
        pc = per_capita_panel(panel, basis, prices, base_year)
        out = pc[[c for c in ids if c in pc]].assign(y=np.log(pc["gdp_pc"]))
        out["province_en"] = out["city_code"].map(
            panel.drop_duplicates("city_code").set_index("city_code")["province_en"]
        )
        out = out[ids + ["y"]]
    else:
        out = panel[ids].copy()
        if outcome == "secondary_share":
            out["y"] = 100 * panel["gdp_secondary"] / panel["gdp"]
        elif outcome == "emp_secondary_share":
            out["y"] = panel["emp_share_secondary"]
        elif outcome == "log_wage":
            wage = panel["wage_avg"]
            if prices == "real":
                wage = deflate(
                    wage, panel["year"], base_year, panel["province_code"], missing="nan"
                )
            out["y"] = np.log(wage)
        elif outcome == "log_fdi":
            out["y"] = np.log(panel["fdi"])
        else:
            gdp = panel["gdp"]
            if prices == "real":
                gdp = deflate(gdp, panel["year"], base_year, panel["province_code"], missing="nan")
            log_gdp = np.log(gdp).groupby(panel["city_code"])
            # Growth only between consecutive years, never across a gap in the series.
            consecutive = panel.groupby("city_code")["year"].diff() == 1
            out["y"] = (100 * log_gdp.diff()).where(consecutive)
    out = out[out["y"].notna()].reset_index(drop=True)
    out.attrs.update(outcome=outcome, label=OUTCOMES[outcome], basis=basis, prices=prices)
    return out


def coverage(
    panel: pd.DataFrame,
    columns: list[str] | None = None,
    unit: str = "city_code",
    time: str = "year",
) -> pd.DataFrame:
    """Number of units with a non-missing value, by time (rows) and column."""
    columns = columns or [c for c in NUMERIC_COLUMNS if c in panel.columns]
    return panel.groupby(time)[columns].count().rename_axis(columns=f"units with data ({unit})")
