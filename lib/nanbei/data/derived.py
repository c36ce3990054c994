"""Derived variables: per-capita GDP on a declared basis, prices, policy outcomes, coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nanbei.data._options import ChangedDefault, check_choice, keyword_options
from nanbei.data.dropped import Dropped
from nanbei.data.files import load_province_cpi
from nanbei.data.schema import (
    BASES,
    DEFAULT_BASE_YEAR,
    DEFAULT_BASIS,
    DEFAULT_PRICES,
    JIANGSU_PROVINCE_CODE,
    NUMERIC_COLUMNS,
    PRICES,
)


def implied_population(panel: pd.DataFrame) -> pd.Series:
    """Population implied by the official figures, GDP / published per-capita GDP (10k persons).

    Before about 2009 this approximates registered population, afterwards resident
    population: it is the denominator the statistical office actually used.
    """
    return panel["gdp"] * 1e4 / panel["gdp_pc_official"]


def _population(panel: pd.DataFrame, basis: str, function: str = "per_capita") -> pd.Series:
    check_choice(function, "basis", basis, BASES)
    if basis == "registered":
        return panel["pop_registered"]
    if basis == "resident":
        return panel["pop_resident"]
    return implied_population(panel)


def population_label(basis: str) -> str:
    """What a per-capita figure on ``basis`` needs besides GDP, for the reasons of a record."""
    return "official per-capita GDP" if basis == "official" else f"{basis} population"


@keyword_options(legacy=("basis",))
def per_capita(panel: pd.DataFrame, *, basis: str = DEFAULT_BASIS) -> pd.Series:
    """GDP per capita in yuan on a declared population basis.

    >>> import pandas as pd
    >>> toy = pd.DataFrame({"gdp": [100.0], "pop_registered": [50.0], "pop_resident": [80.0],
    ...                     "gdp_pc_official": [12_500.0]})
    >>> per_capita(toy).item(), per_capita(toy, basis="resident").item()
    (20000.0, 12500.0)

    basis
        "registered" (the default): GDP / year-end registered (户籍) population, every year it
        exists; "resident": GDP / census resident (常住) population, census years (2010, 2020)
        only; "official": the published figure, whose basis switched from registered to
        resident population around 2009 (not a consistent series across the switch).
    """
    check_choice("per_capita", "basis", basis, BASES)
    if basis == "official":
        values = panel["gdp_pc_official"].astype(float)
    else:
        values = panel["gdp"] * 1e4 / _population(panel, basis)
    return values.rename(f"gdp_pc_{basis}")


def cpi_index(
    *, base_year: int = DEFAULT_BASE_YEAR, province_code: int = JIANGSU_PROVINCE_CODE
) -> pd.Series:
    """Chained price level (base_year = 100) of a province, from year-on-year CPI.

    Covers the unbroken run of published years around ``base_year``; years beyond a
    gap in the published series are left out rather than chained across it, and listed in
    ``attrs["dropped"]`` (a :class:`~nanbei.data.Dropped` of years).
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
    dropped = Dropped(noun="years", unit=("year",))
    dropped.add(
        "beyond a gap in the published CPI", [int(y) for y in years if not first <= y <= last]
    )
    cpi = cpi.loc[first:last]
    level = (cpi / 100).cumprod()
    out = (100 * level / level.loc[base_year]).rename(f"cpi_{base_year}=100")
    out.attrs["dropped"] = dropped
    return out


def deflate(
    values: pd.Series,
    years: pd.Series,
    *,
    base_year: int = DEFAULT_BASE_YEAR,
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
    check_choice("deflate", "missing", missing, ("raise", "nan"))
    provinces = (
        province_code
        if isinstance(province_code, pd.Series)
        else pd.Series(province_code, index=values.index)
    )
    factor = pd.Series(np.nan, index=values.index)
    for code in provinces.unique():
        rows = provinces == code
        level = cpi_index(base_year=base_year, province_code=int(code))
        factor[rows] = years[rows].map(level).to_numpy()
    if factor.isna().any() and missing == "raise":
        bad = sorted(set(zip(provinces[factor.isna()], years[factor.isna()], strict=False)))[:5]
        raise ValueError(f"deflate: no CPI for (province_code, year) {bad}")
    return values * 100 / factor.to_numpy()


# per_capita_panel alone defaulted to nominal prices.  A call that leaves prices out keeps
# nominal, with a warning, instead of silently getting deflated values (and losing the
# city-years without a provincial CPI); later it will get "real", like every other function.
_NOMINAL_TO_REAL = ChangedDefault(
    old="nominal",
    new=DEFAULT_PRICES,
    allowed=PRICES,
    why="every other data function defaults to real prices",
)


@keyword_options(legacy=("basis", "prices", "base_year"), changed={"prices": _NOMINAL_TO_REAL})
def per_capita_panel(
    panel: pd.DataFrame,
    *,
    basis: str = DEFAULT_BASIS,
    prices: str,
    base_year: int = DEFAULT_BASE_YEAR,
) -> pd.DataFrame:
    """Long table of GDP per capita on a declared basis, ready for the convergence tools.

    >>> from nanbei import data
    >>> pc = data.per_capita_panel(data.load_city_panel("jiangsu"), prices="real")
    >>> pc.attrs["basis"], pc.attrs["prices"], pc.attrs["dropped"].noun
    ('registered', 'real', 'city-years')

    Columns: city_code, city_zh, city_en, province_code, region, year, gdp_pc (yuan,
    nominal or in ``base_year`` prices deflated by each city's provincial CPI) and
    population (10k persons on the same basis, the natural weight).  ``basis`` defaults to
    "registered"; ``prices`` ("real" or "nominal") must be given for now: it used to default
    to "nominal", and will default to "real" as everywhere else (a call without it warns and
    gets "nominal").  City-years without GDP or population, or without a provincial CPI for
    real prices, are left out and listed in ``attrs["dropped"]`` (a
    :class:`~nanbei.data.Dropped` of city-years).
    """
    check_choice("per_capita_panel", "basis", basis, BASES)
    check_choice("per_capita_panel", "prices", prices, PRICES)
    keep = ["city_code", "city_zh", "city_en", "province_code", "region", "year"]
    out = panel[keep].copy()
    out["gdp_pc"] = per_capita(panel, basis=basis)
    out["population"] = _population(panel, basis, "per_capita_panel")
    dropped = Dropped(noun="city-years", unit=("city_code", "year"))
    complete = out["gdp_pc"].notna() & out["population"].notna()
    dropped.add_rows(f"no GDP or {population_label(basis)}", out[~complete])
    out = out[complete].reset_index(drop=True)
    if prices == "real":
        out["gdp_pc"] = deflate(
            out["gdp_pc"],
            out["year"],
            base_year=base_year,
            province_code=out["province_code"],
            missing="nan",
        )
        dropped.add_rows("no provincial CPI", out[out["gdp_pc"].isna()])
        out = out[out["gdp_pc"].notna()].reset_index(drop=True)
    out.attrs.update(basis=basis, prices=prices, base_year=base_year, dropped=dropped)
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


@keyword_options(legacy=("basis", "prices", "base_year"))
def outcome_panel(
    panel: pd.DataFrame,
    outcome: str,
    *,
    basis: str = DEFAULT_BASIS,
    prices: str = DEFAULT_PRICES,
    base_year: int = DEFAULT_BASE_YEAR,
) -> pd.DataFrame:
    """Long table with one policy-evaluation outcome ``y`` per city-year.

    outcome: one of :data:`OUTCOMES`.  ``basis`` (of log GDP per capita) and ``prices`` (of
    GDP and wages; "real" deflates by the provincial CPI to ``base_year`` prices) default to
    "registered" and "real".  Identifier columns are kept (city_code, city_zh, city_en,
    province_code, province_en, region, year).  City-years without a value are left out and
    listed in ``attrs["dropped"]`` (a :class:`~nanbei.data.Dropped` of city-years).
    """
    check_choice("outcome_panel", "outcome", outcome, tuple(OUTCOMES))
    check_choice("outcome_panel", "basis", basis, BASES)
    check_choice("outcome_panel", "prices", prices, PRICES)
    ids = ["city_code", "city_zh", "city_en", "province_code", "province_en", "region", "year"]
    dropped = Dropped(noun="city-years", unit=("city_code", "year"))
    if outcome == "log_gdp_pc":
        pc = per_capita_panel(panel, basis=basis, prices=prices, base_year=base_year)
        out = pc[[c for c in ids if c in pc]].assign(y=np.log(pc["gdp_pc"]))
        out["province_en"] = out["city_code"].map(
            panel.drop_duplicates("city_code").set_index("city_code")["province_en"]
        )
        out = out[ids + ["y"]]
        for reason, units in pc.attrs["dropped"].reasons.items():
            dropped.add(reason, units)
    else:
        out = panel[ids].copy()

        def real(values: pd.Series) -> pd.Series:
            if prices == "nominal":
                return values
            deflated = deflate(
                values,
                panel["year"],
                base_year=base_year,
                province_code=panel["province_code"],
                missing="nan",
            )
            dropped.add_rows("no provincial CPI", out[values.notna() & deflated.isna()])
            return deflated

        if outcome == "secondary_share":
            out["y"] = 100 * panel["gdp_secondary"] / panel["gdp"]
            reason = "no GDP or secondary value added"
        elif outcome == "emp_secondary_share":
            out["y"] = panel["emp_share_secondary"]
            reason = "no secondary employment share"
        elif outcome == "log_wage":
            out["y"] = np.log(real(panel["wage_avg"]))
            reason = "no average wage"
        elif outcome == "log_fdi":
            out["y"] = np.log(panel["fdi"])
            reason = "no FDI"
        else:
            log_gdp = np.log(real(panel["gdp"])).groupby(panel["city_code"])
            # Growth only between consecutive years, never across a gap in the series.
            consecutive = panel.groupby("city_code")["year"].diff() == 1
            out["y"] = (100 * log_gdp.diff()).where(consecutive)
            reason = "no GDP in the year or the year before"
        dropped.add_rows(reason, out[out["y"].isna()])
        out = out[out["y"].notna()].reset_index(drop=True)
    out.attrs.update(
        outcome=outcome, label=OUTCOMES[outcome], basis=basis, prices=prices, dropped=dropped
    )
    return out


def coverage(
    panel: pd.DataFrame,
    *,
    columns: list[str] | None = None,
    unit: str = "city_code",
    time: str = "year",
) -> pd.DataFrame:
    """Number of units with a non-missing value, by time (rows) and column."""
    columns = columns or [c for c in NUMERIC_COLUMNS if c in panel.columns]
    return panel.groupby(time)[columns].count().rename_axis(columns=f"units with data ({unit})")
