"""Breaks in the statistics: the declared ones (known_breaks.csv) and those detected as jumps."""

from __future__ import annotations

import pandas as pd

from nanbei.data._options import check_choice, keyword_options
from nanbei.data.files import load_known_breaks
from nanbei.data.schema import BASES, DEFAULT_BASIS


@keyword_options(legacy=("start", "end", "kinds"))
def declared_breaks(
    provinces=None,
    variables=None,
    *,
    start: int | None = None,
    end: int | None = None,
    kinds=None,
) -> pd.DataFrame:
    """Declared breaks that touch the given provinces (English names; None = any), panel
    variables (None = any) and years ``(start, end]`` (a growth rate from ``start`` to
    ``end`` crosses them), optionally of the given ``kinds``."""
    kb = load_known_breaks()
    keep = pd.Series(True, index=kb.index)
    if provinces is not None:
        wanted = set([provinces] if isinstance(provinces, str) else provinces)
        keep &= kb["scope"].map(lambda s: s == "all" or bool(set(s.split(";")) & wanted))
    if variables is not None:
        wanted_vars = set([variables] if isinstance(variables, str) else variables)
        keep &= kb["variables"].map(lambda v: bool(set(v.split(";")) & wanted_vars))
    if start is not None:
        keep &= kb["first_year_affected"] > start
    if end is not None:
        keep &= kb["first_year_affected"] <= end
    if kinds is not None:
        keep &= kb["kind"].isin([kinds] if isinstance(kinds, str) else kinds)
    return kb[keep].reset_index(drop=True)


@keyword_options(legacy=("basis", "start", "end", "gdp_threshold", "population_threshold"))
def series_breaks(
    panel: pd.DataFrame,
    *,
    basis: str = DEFAULT_BASIS,
    start: int | None = None,
    end: int | None = None,
    gdp_threshold: float = 0.5,
    population_threshold: float = 0.2,
) -> pd.DataFrame:
    """City-years whose GDP or population (on ``basis``) jumps implausibly in one year, and the
    declared breaks of the statistical system that the window crosses.

    The China-wide yearbook series switch coverage between the city proper (市辖区) and
    the whole prefecture (全市), or units, in some years (e.g. registered population of
    Henan's cities between 2012 and 2014, Guangxi's GDP in 2000); a jump of more than
    ``gdp_threshold`` in log nominal GDP or ``population_threshold`` in log population
    per year is flagged.  For basis "official" the population is not screened, since
    its 2009 switch is known and expected.  Returns city_code, year, column, previous,
    value, log_change for breaks dated in (start, end], and ``declared``: the id of a
    declared break (:func:`load_known_breaks`) of the city's province, that column and
    that year, when one explains the jump (empty otherwise).  Callers leave the flagged
    cities out and report them.  ``attrs["declared"]`` lists every declared break of the
    screened columns in the panel's provinces inside the window (as a list of dicts),
    whether or not a city jumps at it: a break that moves every city alike is invisible
    to a jump screen but not to a comparison across provinces.  Nothing is edited.
    """
    from nanbei.panel import log_jumps

    check_choice("series_breaks", "basis", basis, BASES)
    checks = [("gdp", gdp_threshold)]
    if basis != "official":
        checks.append(
            ("pop_registered" if basis == "registered" else "pop_resident", population_threshold)
        )
    rows = []
    for column, threshold in checks:
        jumps = log_jumps(
            panel, unit="city_code", time="year", value=column, max_log_change=threshold
        )
        rows.append(jumps.rename(columns={column: "value"}).assign(column=column))
    out = pd.concat(rows, ignore_index=True)
    if start is not None:
        out = out[out["year"] > start]
    if end is not None:
        out = out[out["year"] <= end]
    provinces = sorted(set(panel["province_en"].dropna())) if "province_en" in panel else None
    declared = declared_breaks(provinces, [c for c, _ in checks], start=start, end=end)
    province_of = (
        panel.drop_duplicates("city_code").set_index("city_code")["province_en"]
        if "province_en" in panel
        else pd.Series(dtype=str)
    )

    def explained(row) -> str:
        province = province_of.get(row["city_code"])
        for b in declared.itertuples():
            if (
                b.first_year_affected == row["year"]
                and row["column"] in b.variables.split(";")
                and (b.scope == "all" or province in b.scope.split(";"))
            ):
                return b.break_id
        return ""

    out = out.assign(declared=[explained(r) for _, r in out.iterrows()] if len(out) else "")
    out = out[["city_code", "year", "column", "previous", "value", "log_change", "declared"]]
    out = out.reset_index(drop=True)
    out.attrs["declared"] = declared[
        ["break_id", "what", "scope", "first_year_affected", "variables", "kind", "handling"]
    ].to_dict("records")
    return out


@keyword_options(legacy=("start", "end"))
def revision_cutoff(provinces, variables, *, start: int, end: int) -> tuple[int, pd.DataFrame]:
    """Last year before the first province-specific revision inside ``(start, end]``.

    A national revision that moves every province alike is absorbed by year fixed
    effects; a revision whose size differs by province (the fourth economic census of
    2018, visible in 2019 city GDP: declared per province in tidy/known_breaks.csv) is
    not, and a comparison across provinces that crosses it mixes the revision into the
    estimate.  Returns (the last usable year, the declared province-level revisions that
    set it); ``end`` and an empty table when none lies in the window.
    """
    found = declared_breaks(provinces, variables, start=start, end=end, kinds="revision")
    found = found[found["scope_level"] == "province"]
    if found.empty:
        return end, found
    return int(found["first_year_affected"].min()) - 1, found.reset_index(drop=True)
