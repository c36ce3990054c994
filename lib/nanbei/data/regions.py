"""Regional aggregates: per-capita GDP of Sunan/Suzhong/Subei, their ratios and what moves them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nanbei.data._options import ChangedDefault, check_choice, keyword_options
from nanbei.data.derived import _population, population_label
from nanbei.data.dropped import Dropped
from nanbei.data.files import load_cities, load_yearbook_supplement
from nanbei.data.schema import BASES, DEFAULT_BASIS, REGIONS

# The regional functions defaulted to the official basis, the one the project warns against
# (registered population until about 2009, resident after: a false jump across 2009).  A call
# that leaves basis out keeps that meaning, with a warning, rather than silently turning the
# 2021 Sunan/Subei ratio from 1.96 into 3.29; basis will then be required, because a regional
# ratio means nothing without it and its old callers must each choose.
_FROM_OFFICIAL = ChangedDefault(
    old="official",
    new=None,
    allowed=BASES,
    why=(
        "official per-capita GDP switched from registered to resident population around 2009, "
        f"so its series jumps falsely; {DEFAULT_BASIS!r} is the only basis continuous across 2009"
    ),
)


def _restrict(dropped: Dropped, codes: set, years: tuple[int, int] | None = None) -> Dropped:
    """The part of a city-year record about ``codes`` (and years within ``years``)."""
    out = Dropped(noun=dropped.noun, unit=dropped.unit, window=years)
    for reason, units in dropped.reasons.items():
        out.add(
            reason,
            [
                (code, year)
                for code, year in units
                if code in codes and (years is None or years[0] <= year <= years[1])
            ],
        )
    return out


@keyword_options(changed={"basis": _FROM_OFFICIAL})
def regional_per_capita(
    panel: pd.DataFrame, *, basis: str, allow_incomplete: bool = False
) -> pd.DataFrame:
    """Per-capita GDP of each region and year: total GDP over total population on ``basis``.

    Returns a long DataFrame (year, region, gdp, population, gdp_pc, n_cities,
    missing_cities).  A region-year in which some member city lacks GDP or
    population gets ``gdp_pc`` NaN, unless ``allow_incomplete`` is True, in which
    case it is computed on the cities present and ``missing_cities`` lists the
    ones left out, so the subset is never silent.  ``attrs["dropped"]`` records those
    city-years (a :class:`~nanbei.data.Dropped`).  ``basis`` ("registered", "resident" or
    "official") must be given: it used to default to "official".
    """
    if "region" not in panel.columns:
        raise ValueError("regional_per_capita: the panel needs a 'region' column")
    check_choice("regional_per_capita", "basis", basis, BASES)
    df = panel.loc[
        panel["region"].notna(), ["city_code", "city_en", "region", "year", "gdp"]
    ].copy()
    df["population"] = _population(panel.loc[df.index], basis, "regional_per_capita")
    members = df.groupby("region")["city_code"].unique()
    names = df.drop_duplicates("city_code").set_index("city_code")["city_en"]
    effect = "left out of its region's total" if allow_incomplete else "its region-year is NaN"
    reason = f"no GDP or {population_label(basis)} ({effect})"
    dropped = Dropped(noun="city-years", unit=("city_code", "year"))
    rows = []
    for (year, region), grp in df.groupby(["year", "region"], sort=True):
        ok = grp["gdp"].notna() & grp["population"].notna()
        missing = sorted(set(members[region]) - set(grp.loc[ok, "city_code"]))
        dropped.add(reason, [(int(code), int(year)) for code in missing])
        gdp, pop = grp.loc[ok, "gdp"].sum(), grp.loc[ok, "population"].sum()
        complete = not missing
        pc = gdp * 1e4 / pop if ok.any() and (complete or allow_incomplete) else np.nan
        rows.append(
            {
                "year": year,
                "region": region,
                "gdp": gdp if ok.any() else np.nan,
                "population": pop if ok.any() else np.nan,
                "gdp_pc": pc,
                "n_cities": int(ok.sum()),
                "missing_cities": ", ".join(sorted(names[missing])),
            }
        )
    out = pd.DataFrame(rows)
    out.attrs.update(basis=basis, dropped=dropped)
    return out


@keyword_options(legacy=("basis", "allow_incomplete"), changed={"basis": _FROM_OFFICIAL})
def region_ratio(
    panel: pd.DataFrame,
    numerator: str = "Sunan",
    denominator: str = "Subei",
    *,
    basis: str,
    allow_incomplete: bool = False,
) -> pd.Series:
    """Per-year ratio of regional per-capita GDP, ``numerator`` over ``denominator``.

    >>> from nanbei import data
    >>> ratio = data.region_ratio(data.load_city_panel("jiangsu"), "Sunan", "Subei",
    ...                           basis="registered")
    >>> round(float(ratio[2021]), 2), ratio.attrs["basis"]
    (3.29, 'registered')

    ``basis`` ("registered", "resident" or "official") must be given: it used to default to
    "official", whose series jumps falsely across 2009; a call without it still gets
    "official", with a FutureWarning.  Each region's per-capita GDP is its total GDP over its
    total population on ``basis`` (for "official", the population implied by GDP / published
    per-capita GDP).  Years where either region lacks a member city are NaN, unless
    ``allow_incomplete``.  ``attrs["dropped"]`` records the member city-years without data (a
    :class:`~nanbei.data.Dropped`); ``attrs["missing_cities"]``, kept for older callers, maps
    each year with a gap to {region: [city names]}; ``attrs["basis"]`` records the basis.
    """
    for name, value in (("numerator", numerator), ("denominator", denominator)):
        check_choice("region_ratio", name, value, REGIONS)
    check_choice("region_ratio", "basis", basis, BASES)
    reg = regional_per_capita(panel, basis=basis, allow_incomplete=allow_incomplete)
    wide = reg.pivot(index="year", columns="region", values="gdp_pc")
    ratio = (wide[numerator] / wide[denominator]).rename(f"{numerator}/{denominator} ({basis})")
    miss = reg[reg["region"].isin([numerator, denominator]) & (reg["missing_cities"] != "")]
    ratio.attrs["basis"] = basis
    members = set(panel.loc[panel["region"].isin([numerator, denominator]), "city_code"])
    ratio.attrs["dropped"] = _restrict(reg.attrs["dropped"], members)
    ratio.attrs["missing_cities"] = {
        int(y): {r: m.split(", ") for r, m in zip(g["region"], g["missing_cities"], strict=False)}
        for y, g in miss.groupby("year")
    }
    return ratio


@keyword_options(
    legacy=("start", "end", "break_years", "numerator", "denominator", "basis", "allow_incomplete"),
    changed={"basis": _FROM_OFFICIAL},
)
def ratio_break_decomposition(
    panel: pd.DataFrame,
    *,
    start: int,
    end: int,
    break_years: tuple[int, ...] = (2009, 2020),
    numerator: str = "Sunan",
    denominator: str = "Subei",
    basis: str,
    allow_incomplete: bool = False,
) -> pd.DataFrame:
    """Split the change of a regional ratio into definitional breaks and the rest.

    >>> from nanbei import data
    >>> parts = data.ratio_break_decomposition(data.load_city_panel("jiangsu"), start=2001,
    ...                                        end=2021, basis="official")
    >>> list(parts["component"])
    ['break 2009', 'break 2020', 'rest', 'total']
    >>> bool(abs(parts["log_change"].iloc[:3].sum() - parts["log_change"].iloc[3]) < 1e-12)
    True

    In a break year ``b`` (a new population basis, a census re-benchmark) the ratio
    moves for two reasons: GDP grows, and the population it is divided by is
    redefined.  The counterfactual ratio of year ``b`` divides each region's year-``b``
    GDP by its year-``b-1`` population (population shares held, as if the definition
    had not changed); the break's effect is ``log R(b) - log R_cf(b)``.  Whatever the
    breaks do not explain is "rest" (growth, migration, genuine convergence).

    Returns one row per break plus "rest" and "total": component, year, ratio (R(b) for
    a break, R(end) for the total), counterfactual (R_cf(b); for the total the end ratio
    with the breaks removed), log_change and share_of_total (of the total log change).
    The log changes add up exactly.  Population-weighted: a region's per-capita GDP is
    its GDP total over its population total (see :func:`regional_per_capita`).  ``basis``
    must be given (it used to default to "official", the basis whose breaks this measures);
    ``attrs["dropped"]`` records the two regions' city-years without data in the window.
    """
    if not start < end:
        raise ValueError(f"ratio_break_decomposition: start ({start}) must be before end ({end})")
    for name, value in (("numerator", numerator), ("denominator", denominator)):
        check_choice("ratio_break_decomposition", name, value, REGIONS)
    check_choice("ratio_break_decomposition", "basis", basis, BASES)
    inside = [b for b in break_years if start < b <= end]
    reg = regional_per_capita(panel, basis=basis, allow_incomplete=allow_incomplete)
    members = set(panel.loc[panel["region"].isin([numerator, denominator]), "city_code"])
    dropped = _restrict(reg.attrs["dropped"], members, (start, end))
    reg = reg[reg["region"].isin([numerator, denominator])]
    gdp = reg.pivot(index="year", columns="region", values="gdp")
    pop = reg.pivot(index="year", columns="region", values="population")
    pc = reg.pivot(index="year", columns="region", values="gdp_pc")
    ratio = pc[numerator] / pc[denominator]
    for year in (start, end):
        if year not in ratio.index or pd.isna(ratio.get(year)):
            raise ValueError(
                f"ratio_break_decomposition: no {numerator}/{denominator} ratio on "
                f"basis {basis!r} in {year} (a member city lacks data; "
                "allow_incomplete=True uses the cities present)"
            )
    rows = []
    for b in inside:
        if b - 1 not in pop.index or pop.loc[[b - 1, b]].isna().any().any():
            raise ValueError(
                f"ratio_break_decomposition: break year {b} needs both regions' "
                f"population in {b - 1} and {b}"
            )
        cf = (gdp.loc[b, numerator] / pop.loc[b - 1, numerator]) / (
            gdp.loc[b, denominator] / pop.loc[b - 1, denominator]
        )
        rows.append(
            {
                "component": f"break {b}",
                "year": b,
                "ratio": ratio[b],
                "counterfactual": cf,
                "log_change": np.log(ratio[b] / cf),
            }
        )
    total = float(np.log(ratio[end] / ratio[start]))
    breaks_sum = float(sum(r["log_change"] for r in rows))
    rows.append(
        {
            "component": "rest",
            "year": np.nan,
            "ratio": np.nan,
            "counterfactual": np.nan,
            "log_change": total - breaks_sum,
        }
    )
    rows.append(
        {
            "component": "total",
            "year": end,
            "ratio": ratio[end],
            "counterfactual": ratio[end] * np.exp(-breaks_sum),
            "log_change": total,
        }
    )
    out = pd.DataFrame(rows)
    out["share_of_total"] = out["log_change"] / total if total != 0 else np.nan
    out.attrs.update(
        start=start, end=end, start_ratio=float(ratio[start]), basis=basis, dropped=dropped
    )
    return out


def regional_aggregate(
    panel: pd.DataFrame, value: str, *, weight: str | None = None, allow_incomplete: bool = False
) -> pd.DataFrame:
    """Each region's total (``weight=None``) or ``weight``-weighted mean of ``value``, by year.

    E.g. total unit employment (``value="employment"``) or the employment-weighted
    average wage (``value="wage_avg", weight="employment"``).  As in
    :func:`regional_per_capita`, a region-year missing a member city is NaN unless
    ``allow_incomplete``; ``missing_cities`` lists who is left out, and ``attrs["dropped"]``
    records those city-years (a :class:`~nanbei.data.Dropped`).  Returns a long
    DataFrame: year, region, value, n_cities, missing_cities.
    """
    if "region" not in panel.columns:
        raise ValueError("regional_aggregate: the panel needs a 'region' column")
    for col in [value] + ([weight] if weight else []):
        if col not in panel.columns:
            raise ValueError(f"regional_aggregate: column {col!r} not in the panel")
    df = panel[panel["region"].notna()]
    members = df.groupby("region")["city_code"].unique()
    names = df.drop_duplicates("city_code").set_index("city_code")["city_en"]
    needs = f"{value} or {weight}" if weight else value
    effect = "left out of its region's total" if allow_incomplete else "its region-year is NaN"
    reason = f"no {needs} ({effect})"
    dropped = Dropped(noun="city-years", unit=("city_code", "year"))
    rows = []
    for (year, region), grp in df.groupby(["year", "region"], sort=True):
        ok = grp[value].notna() & (grp[weight].notna() if weight else True)
        missing = sorted(set(members[region]) - set(grp.loc[ok, "city_code"]))
        dropped.add(reason, [(int(code), int(year)) for code in missing])
        usable = ok.any() and (not missing or allow_incomplete)
        if not usable:
            result = np.nan
        elif weight:
            result = (grp.loc[ok, value] * grp.loc[ok, weight]).sum() / grp.loc[ok, weight].sum()
        else:
            result = grp.loc[ok, value].sum()
        rows.append(
            {
                "year": year,
                "region": region,
                "value": result,
                "n_cities": int(ok.sum()),
                "missing_cities": ", ".join(sorted(names[missing])),
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["dropped"] = dropped
    return out


_YEARBOOK_BASES = ("resident", "registered")


@keyword_options(
    changed={
        "basis": ChangedDefault(
            old="resident",
            new=None,
            allowed=_YEARBOOK_BASES,
            why=f"the data functions' default basis is {DEFAULT_BASIS!r}, and the two "
            "yearbook ratios differ by the migrants Sunan hosts",
        )
    }
)
def yearbook_region_ratio(
    numerator: str = "Sunan", denominator: str = "Subei", *, basis: str
) -> pd.Series:
    """Ratio of regional per-capita GDP from the yearbook supplement, by year.

    Each city's population on ``basis`` ("resident" or "registered"; must be given, it used
    to default to "resident") is the one implied by its GDP and its per-capita GDP on that
    basis; a region's per-capita GDP is its GDP total over that population total.  Years where
    a member city lacks either figure are left out (never filled) and listed in
    ``attrs["dropped"]`` (a :class:`~nanbei.data.Dropped` of years).
    """
    for name, value in (("numerator", numerator), ("denominator", denominator)):
        check_choice("yearbook_region_ratio", name, value, REGIONS)
    check_choice("yearbook_region_ratio", "basis", basis, _YEARBOOK_BASES)
    name = f"{numerator}/{denominator} ({basis}, yearbook)"
    yb = load_yearbook_supplement()
    dropped = Dropped(noun="years", unit=("year",))
    wide = yb.pivot_table(index=["city_code", "year"], columns="variable", values="value")
    column = f"gdp_pc_{basis}"
    if column not in wide:
        dropped.add(f"no {column} in the supplement", sorted({int(y) for y in yb["year"]}))
        empty = pd.Series(dtype=float, name=name)
        empty.attrs["dropped"] = dropped
        return empty
    years = sorted({int(y) for y in wide.index.get_level_values("year")})
    wide = wide.dropna(subset=["gdp", column]).reset_index()
    wide["population"] = wide["gdp"] * 1e4 / wide[column]
    regions = load_cities().set_index("city_code")["region"]
    wide["region"] = wide["city_code"].map(regions)
    members = regions[regions.isin([numerator, denominator])].groupby(regions).size()
    sums = wide.groupby(["year", "region"]).agg(
        gdp=("gdp", "sum"), pop=("population", "sum"), n=("city_code", "nunique")
    )
    out = {}
    for year, grp in sums.groupby(level="year"):
        grp = grp.droplevel("year")
        if all(r in grp.index and grp.loc[r, "n"] == members[r] for r in (numerator, denominator)):
            pc = grp["gdp"] / grp["pop"]
            out[int(year)] = pc[numerator] / pc[denominator]
    dropped.add(
        f"a {numerator} or {denominator} city lacks GDP or {column}",
        [y for y in years if y not in out],
    )
    ratio = pd.Series(out, dtype=float, name=name)
    ratio.attrs["dropped"] = dropped
    return ratio
