"""The data contract: loaders for the shipped city panel (or your own file in its schema).

Every loader validates what it reads and raises :class:`nanbei.DataError` with
the file, the row or column and what was expected.  Shipped files are checked
against ``data/SHA256SUMS`` so that a file edited by hand (or corrupted) is
never analysed silently.

Units (see data/README.md for the full dictionary)
--------------------------------------------------
gdp, gdp_primary/secondary/tertiary   100 million yuan (亿元), current prices
gdp_pc_official                       yuan, as published (population basis switches, below)
pop_registered, pop_resident          10k persons (万人)
employment                            10k persons, as published
emp_share_*                           percent of employment
wage_avg                              yuan per year
fdi                                   10k US dollars, actually utilised (2004-2012)

Population basis of per-capita GDP
----------------------------------
Official per-capita GDP was computed on registered (户籍, hukou) population
until about 2009 and on resident (常住) population afterwards.  A series that
mixes the two shows a false jump (for Suzhou the published figure falls from
106,863 yuan in 2008 to 83,696 in 2009).  :func:`per_capita` makes the basis
explicit; :func:`region_ratio` computes regional ratios on a declared basis.
"""

from __future__ import annotations

import csv
import hashlib
import os
import warnings
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from nanbei import screen
from nanbei.errors import DataError, DataWarning

REGIONS = ("Sunan", "Suzhong", "Subei")
JIANGSU_PROVINCE_CODE = 320000
BASES = ("registered", "resident", "official")

#: Column -> kind. "id" columns are integer identifiers; "positive" values must be > 0,
#: "nonnegative" >= 0, "share" within [0, 100]; "text" free text.
PANEL_SCHEMA: dict[str, str] = {
    "city_code": "id", "city_zh": "text", "city_en": "text", "province_code": "id",
    "province_en": "text", "city_type": "text", "region": "text", "year": "id",
    "gdp": "positive", "gdp_primary": "nonnegative", "gdp_secondary": "nonnegative",
    "gdp_tertiary": "nonnegative", "gdp_pc_official": "positive",
    "pop_registered": "positive", "pop_resident": "positive", "employment": "positive",
    "emp_share_primary": "share", "emp_share_secondary": "share",
    "emp_share_tertiary": "share", "wage_avg": "positive", "fdi": "positive",
}
PANEL_COLUMNS = list(PANEL_SCHEMA)
NUMERIC_COLUMNS = [c for c, k in PANEL_SCHEMA.items() if k in ("positive", "nonnegative", "share")]
#: Years a city panel may hold: the People's Republic's statistics start in 1949.
FIRST_POSSIBLE_YEAR = 1949
REBUILD_ADVICE = ("in a checkout, restore the shipped files with `git checkout -- data`, or, if "
                  "you changed data/raw on purpose, rebuild with `make data ACCEPT_RAW=1`; in an "
                  "installed package, reinstall nanbei")


def data_dir() -> Path:
    """Folder holding ``tidy/`` and ``SHA256SUMS``.

    ``$NANBEI_DATA_DIR`` if set; else the checkout's data/ (an editable install); else the
    copy shipped inside the installed package (``nanbei/_data``, put there by the wheel build).
    """
    env = os.environ.get("NANBEI_DATA_DIR")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2] / "data"
    if (checkout / "SHA256SUMS").exists():
        return checkout
    from importlib.resources import files

    return Path(str(files("nanbei") / "_data"))


# ----------------------------------------------------------------------------- reading
def _manifest() -> dict[str, str]:
    path = data_dir() / "SHA256SUMS"
    if not path.exists():
        raise DataError(f"{path}: checksum manifest not found; {REBUILD_ADVICE}")
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        entries[name.strip()] = digest.strip()
    return entries


def verify_checksum(relative: str) -> Path:
    """Check a shipped data file against data/SHA256SUMS and return its path."""
    path = data_dir() / relative
    if not path.exists():
        raise DataError(f"{path}: shipped data file is missing; {REBUILD_ADVICE}")
    expected = _manifest().get(relative)
    if expected is None:
        raise DataError(f"{path}: not listed in {data_dir() / 'SHA256SUMS'}")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        raise DataError(
            f"{path}: checksum mismatch (expected sha256 {expected[:12]}..., got {actual[:12]}...). "
            f"The file was changed by hand or corrupted: {REBUILD_ADVICE}."
        )
    return path


def _read_csv(path: Path, **kw) -> pd.DataFrame:
    try:
        return pd.read_csv(path, encoding="utf-8", **kw)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: cannot be decoded as UTF-8 text (byte {exc.start}); "
                        "expected a UTF-8 CSV file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: not a readable CSV file ({exc})") from None


@cache
def _shipped_table(relative: str) -> pd.DataFrame:
    # Cached: the notebooks load the same files many times; callers receive copies.
    return _read_csv(verify_checksum(relative))


def load_cities() -> pd.DataFrame:
    """Registry of city codes: names (zh/en), province, administrative type, region."""
    return _shipped_table("tidy/cities.csv").copy()


# -------------------------------------------------------------------------- validation
def _lines(mask) -> list[int]:
    """File line numbers (header = line 1) of the first five rows where ``mask`` holds."""
    return [int(i) + 2 for i in np.flatnonzero(np.asarray(mask, dtype=bool))[:5]]


def validate_panel(df: pd.DataFrame, source: str = "panel", screen_errors: bool = True
                   ) -> pd.DataFrame:
    """Check a city panel against the data contract; return it with proper dtypes.

    Raises DataError naming ``source``, the column and the first offending rows
    (as file line numbers, header = line 1) for: missing or extra columns, no data
    rows, non-integer identifiers, years outside 1949 to next year, non-numeric,
    infinite or impossible values (negative, zero where a missing value must be an
    empty cell, share > 100), duplicate city-years, city codes not in the registry,
    a province or region that contradicts the registry (tidy/cities.csv), and the
    screen's rules whose breach means a wrong unit or a broken identity
    (:data:`nanbei.screen.RULES` with "error": per-capita GDP, wage, GDP per person and
    population ranges, sector value added summing to GDP, employment shares to 100).
    ``screen_errors=False`` skips the last group (the shipped file's published values,
    whose breaches are recorded in tidy/flags.csv, when loaded with quarantine=False).
    """
    missing = [c for c in PANEL_COLUMNS if c not in df.columns]
    extra = [c for c in df.columns if c not in PANEL_SCHEMA]
    if missing:
        raise DataError(f"{source}: missing column(s) {missing}; expected columns {PANEL_COLUMNS}")
    if extra:
        raise DataError(f"{source}: unexpected column(s) {extra}; expected exactly {PANEL_COLUMNS} "
                        "(rename or drop the extra columns)")
    if df.empty:
        raise DataError(f"{source}: no data rows (only a header); expected one row per city "
                        "and year")
    out = df[PANEL_COLUMNS].copy()
    lines = _lines

    for col, kind in PANEL_SCHEMA.items():
        if kind == "text":
            # pandas' default str dtype: missing stays NaN and compares False (no <NA> surprises
            # in masks such as panel["region"] == "Subei").
            out[col] = out[col].astype("str")
            continue
        values = pd.to_numeric(out[col], errors="coerce")
        bad = values.isna() & out[col].notna()
        if bad.any():
            example = out.loc[bad, col].iloc[0]
            raise DataError(f"{source}: column '{col}' must be numeric; line(s) {lines(bad)} "
                            f"hold non-numeric values such as {example!r}")
        infinite = np.isinf(values.to_numpy(dtype=float))
        if infinite.any():
            raise DataError(f"{source}: column '{col}' must hold finite numbers; line(s) "
                            f"{lines(infinite)} hold infinite values (a missing value is an "
                            "empty cell)")
        if kind == "id":
            if values.isna().any():
                raise DataError(f"{source}: column '{col}' is empty on line(s) "
                                f"{lines(values.isna())}; every row needs a {col}")
            if (values != values.round()).any():
                raise DataError(f"{source}: column '{col}' must hold whole numbers; line(s) "
                                f"{lines(values != values.round())}")
            values = values.astype("int64")
        else:
            values = values.astype("float64")
            limits = {"positive": "> 0", "nonnegative": ">= 0", "share": "between 0 and 100"}
            impossible = {
                "positive": values <= 0,
                "nonnegative": values < 0,
                "share": (values < 0) | (values > 100),
            }[kind]
            if impossible.any():
                raise DataError(
                    f"{source}: column '{col}' must be {limits[kind]} (missing values are empty "
                    f"cells, never 0); line(s) {lines(impossible)} hold "
                    f"{values[impossible].head(3).tolist()}")
        out[col] = values

    last_year = date.today().year + 1
    bad_year = ~out["year"].between(FIRST_POSSIBLE_YEAR, last_year)
    if bad_year.any():
        raise DataError(f"{source}: column 'year' must lie between {FIRST_POSSIBLE_YEAR} and "
                        f"{last_year}; line(s) {lines(bad_year)} hold "
                        f"{out.loc[bad_year, 'year'].head(3).tolist()}")
    dup = out.duplicated(["city_code", "year"], keep=False)
    if dup.any():
        first = out.loc[dup, ["city_code", "year"]].iloc[0]
        raise DataError(f"{source}: duplicate city-year rows on lines {lines(dup)} "
                        f"(e.g. city_code {first['city_code']}, year {first['year']}); "
                        "expected one row per city and year")
    registry = load_cities().set_index("city_code")
    registry_file = data_dir() / "tidy" / "cities.csv"
    unknown = ~out["city_code"].isin(registry.index)
    if unknown.any():
        raise DataError(f"{source}: unknown city_code {sorted(set(out.loc[unknown, 'city_code']))[:5]} "
                        f"on line(s) {lines(unknown)}; expected GB/T 2260 codes listed in "
                        f"{registry_file}")
    bad_region = out["region"].notna() & ~out["region"].isin(REGIONS)
    if bad_region.any():
        raise DataError(f"{source}: column 'region' must be one of {REGIONS} or empty; line(s) "
                        f"{lines(bad_region)} hold {out.loc[bad_region, 'region'].iloc[0]!r}")
    for col in ("province_code", "region"):
        expected = out["city_code"].map(registry[col])
        both_missing = expected.isna() & out[col].isna()
        contradicts = ~(out[col] == expected) & ~both_missing
        if contradicts.any():
            i = int(np.flatnonzero(contradicts.to_numpy())[0])
            code, got, want = (v.item() if hasattr(v, "item") else v for v in
                               (out["city_code"].iloc[i], out[col].iloc[i], expected.iloc[i]))
            raise DataError(f"{source}: column '{col}' contradicts the city registry on line(s) "
                            f"{lines(contradicts)}: city_code {code} has {col} {got!r}, expected "
                            f"{want if pd.notna(want) else 'empty'!r} as in {registry_file}")
    if not screen_errors:
        return out
    findings = screen.screen_panel(out, table=source)
    errors = findings[findings["rule"].map(lambda r: screen.RULES[r][1]) == "error"]
    if len(errors):
        first = errors.iloc[0]
        rows = out.index[(out["city_code"] == first["city_code"]) & (out["year"] == first["year"])]
        n = len(errors.drop_duplicates(["city_code", "year", "rule"]))
        raise DataError(
            f"{source}: line {lines(out.index.isin(rows))[0]} (city_code {first['city_code']}, "
            f"year {first['year']}), column '{first['variable']}' = {first['value']:.6g}: "
            f"{screen.RULES[first['rule']][2]}; {n} row(s) in all break rule "
            f"'{first['rule']}' or another unit/identity rule (nanbei.screen.screen_panel lists "
            "them)")
    return out


def _check_csv_shape(path: Path) -> None:
    """Refuse a file cut off mid-line or with rows of the wrong length.

    pandas fills a short row with missing values and reads a truncated last number as
    a shorter one (8.29 -> 8.2) without complaint; a cut file must never load.
    """
    raw = path.read_bytes()
    if raw and not raw.endswith(b"\n"):
        n = raw.count(b"\n") + 1
        raise DataError(f"{path}: the file ends in the middle of line {n} (no final line break); "
                        "it looks cut off: copy or download it again")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: cannot be decoded as UTF-8 text (byte {exc.start}); "
                        "expected a UTF-8 CSV file") from None
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if header is None:
        raise DataError(f"{path}: the file is empty; expected a header and data rows")
    for number, row in enumerate(rows, start=2):
        if row and len(row) != len(header):
            raise DataError(f"{path}: line {number} has {len(row)} fields, expected "
                            f"{len(header)} as in the header; the file is cut or malformed")


def clear_cache() -> None:
    """Forget the shipped tables read so far (after changing ``$NANBEI_DATA_DIR``)."""
    for cached in (_shipped_table, _shipped_flags, _shipped_panel):
        cached.cache_clear()


@cache
def _shipped_flags() -> pd.DataFrame:
    return _read_csv(verify_checksum("tidy/flags.csv"))


def load_flags() -> pd.DataFrame:
    """Findings of the plausibility screen on the shipped data (tidy/flags.csv).

    One row per value: table, city_code, year, variable, rule, value (as published),
    action ("masked": set to NaN by the loaders unless ``quarantine=False``; "kept": left
    with its flag; "removed": already missing in the tidy file) and reason.
    """
    return _shipped_flags().copy()


@cache
def _shipped_panel(quarantine: bool) -> tuple[pd.DataFrame, int]:
    relative = "tidy/city_panel.csv"
    panel = _shipped_table(relative).copy()
    n_masked = 0
    if quarantine:
        panel, applied = screen.apply_flags(panel, _shipped_flags())
        n_masked = len(applied)
    return validate_panel(panel, str(data_dir() / relative), screen_errors=quarantine), n_masked


def load_city_panel(scope: str = "jiangsu", path: str | os.PathLike | None = None,
                    quarantine: bool = True) -> pd.DataFrame:
    """Load the city panel: one row per city and year, columns as in data/README.md.

    Parameters
    ----------
    scope : "jiangsu" (the 13 prefecture cities) or "china" (every prefecture-level
        unit in the CSMAR CRE tables, 1990-2021).
    path : a CSV file of your own in the same schema (e.g. a newer yearbook
        extract).  It gets the same validation and plausibility screen, but no
        checksum check: a broken unit or identity raises DataError; suspicious values
        (a jump that reverses, FDI above a third of GDP) are masked with a DataWarning.
    quarantine : mask the values the plausibility screen quarantines (shipped data:
        ``action == "masked"`` in :func:`load_flags`) to NaN.  ``False`` returns the
        published values.

    ``attrs["n_masked"]`` counts the values masked (in the whole file, before the scope
    is applied); for a user's file ``attrs["n_noted"]`` counts the findings kept with a
    note, which warn only together with a masked value.  Missing values are NaN, never 0.  ``gdp_pc_official`` changes
    population basis around 2009: use :func:`per_capita` to choose a consistent basis.
    """
    if scope not in ("jiangsu", "china"):
        raise DataError(f"load_city_panel: scope must be 'jiangsu' or 'china', got {scope!r}")
    if path is None:
        panel, n_masked = _shipped_panel(bool(quarantine))
        panel = panel.copy()
    else:
        path = Path(path)
        if not path.exists():
            raise DataError(f"{path}: file not found")
        _check_csv_shape(path)
        panel = validate_panel(_read_csv(path), str(path))
        n_masked = 0
        findings = screen.screen_panel(panel, table=str(path))
        to_mask = findings[findings["rule"].map(lambda r: screen.RULES[r][1]) == "mask"]
        panel.attrs["n_noted"] = len(findings) - len(to_mask)
        if len(to_mask):
            if quarantine:
                panel, applied = screen.apply_flags(panel, to_mask.assign(action="masked"))
                n_masked = len(applied)
            shown = "; ".join(f"{r.variable} of {r.city_code} in {r.year} = {r.value:.6g} ({r.rule})"
                              for r in to_mask.head(5).itertuples())
            notes = panel.attrs["n_noted"]
            warnings.warn(
                f"{path}: {len(to_mask)} suspicious value(s) "
                f"{'masked to NaN' if quarantine else 'kept (quarantine=False)'}"
                f"{': ' + shown if shown else ''}{' ...' if len(to_mask) > 5 else ''}; "
                f"{notes} further finding(s) kept with a note. "
                "nanbei.screen.screen_panel(panel) lists them all.", DataWarning, stacklevel=2)
    if scope == "jiangsu":
        panel = panel[panel["province_code"] == JIANGSU_PROVINCE_CODE]
    panel = panel.sort_values(["city_code", "year"]).reset_index(drop=True)
    panel.attrs["n_masked"] = int(n_masked)
    return panel


# ------------------------------------------------------------------------- per capita
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


def regional_per_capita(panel: pd.DataFrame, basis: str = "official",
                        allow_incomplete: bool = False) -> pd.DataFrame:
    """Per-capita GDP of each region and year: total GDP over total population on ``basis``.

    Returns a long DataFrame (year, region, gdp, population, gdp_pc, n_cities,
    missing_cities).  A region-year in which some member city lacks GDP or
    population gets ``gdp_pc`` NaN, unless ``allow_incomplete`` is True, in which
    case it is computed on the cities present and ``missing_cities`` lists the
    ones left out, so the subset is never silent.
    """
    if "region" not in panel.columns:
        raise ValueError("regional_per_capita: the panel needs a 'region' column")
    df = panel.loc[panel["region"].notna(), ["city_code", "city_en", "region", "year", "gdp"]].copy()
    df["population"] = _population(panel.loc[df.index], basis)
    members = df.groupby("region")["city_en"].unique()
    rows = []
    for (year, region), grp in df.groupby(["year", "region"], sort=True):
        ok = grp["gdp"].notna() & grp["population"].notna()
        missing = sorted(set(members[region]) - set(grp.loc[ok, "city_en"]))
        gdp, pop = grp.loc[ok, "gdp"].sum(), grp.loc[ok, "population"].sum()
        complete = not missing
        pc = gdp * 1e4 / pop if ok.any() and (complete or allow_incomplete) else np.nan
        rows.append({"year": year, "region": region, "gdp": gdp if ok.any() else np.nan,
                     "population": pop if ok.any() else np.nan, "gdp_pc": pc,
                     "n_cities": int(ok.sum()), "missing_cities": ", ".join(missing)})
    return pd.DataFrame(rows)


def region_ratio(panel: pd.DataFrame, numerator: str = "Sunan", denominator: str = "Subei",
                 basis: str = "official", allow_incomplete: bool = False) -> pd.Series:
    """Per-year ratio of regional per-capita GDP, ``numerator`` over ``denominator``.

    Each region's per-capita GDP is its total GDP over its total population on
    ``basis`` (for "official", the population implied by GDP / published per-capita
    GDP).  Years where either region lacks a member city are NaN, unless
    ``allow_incomplete``; the Series' ``attrs["missing_cities"]`` maps each year
    with a gap to {region: [cities left out]}, and ``attrs["basis"]`` records the basis.
    """
    for name, value in (("numerator", numerator), ("denominator", denominator)):
        if value not in REGIONS:
            raise ValueError(f"region_ratio: {name} must be one of {REGIONS}, got {value!r}")
    reg = regional_per_capita(panel, basis, allow_incomplete)
    wide = reg.pivot(index="year", columns="region", values="gdp_pc")
    ratio = (wide[numerator] / wide[denominator]).rename(f"{numerator}/{denominator} ({basis})")
    miss = reg[reg["region"].isin([numerator, denominator]) & (reg["missing_cities"] != "")]
    ratio.attrs["basis"] = basis
    ratio.attrs["missing_cities"] = {
        int(y): {r: m.split(", ") for r, m in zip(g["region"], g["missing_cities"], strict=False)}
        for y, g in miss.groupby("year")}
    return ratio


def ratio_break_decomposition(panel: pd.DataFrame, start: int, end: int,
                              break_years: tuple[int, ...] = (2009, 2020),
                              numerator: str = "Sunan", denominator: str = "Subei",
                              basis: str = "official",
                              allow_incomplete: bool = False) -> pd.DataFrame:
    """Split the change of a regional ratio into definitional breaks and the rest.

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
    its GDP total over its population total (see :func:`regional_per_capita`).
    """
    if not start < end:
        raise ValueError(f"ratio_break_decomposition: start ({start}) must be before end ({end})")
    inside = [b for b in break_years if start < b <= end]
    reg = regional_per_capita(panel, basis, allow_incomplete)
    reg = reg[reg["region"].isin([numerator, denominator])]
    gdp = reg.pivot(index="year", columns="region", values="gdp")
    pop = reg.pivot(index="year", columns="region", values="population")
    pc = reg.pivot(index="year", columns="region", values="gdp_pc")
    ratio = pc[numerator] / pc[denominator]
    for year in (start, end):
        if year not in ratio.index or pd.isna(ratio.get(year)):
            raise ValueError(f"ratio_break_decomposition: no {numerator}/{denominator} ratio on "
                             f"basis {basis!r} in {year} (a member city lacks data; "
                             "allow_incomplete=True uses the cities present)")
    rows = []
    for b in inside:
        if b - 1 not in pop.index or pop.loc[[b - 1, b]].isna().any().any():
            raise ValueError(f"ratio_break_decomposition: break year {b} needs both regions' "
                             f"population in {b - 1} and {b}")
        cf = ((gdp.loc[b, numerator] / pop.loc[b - 1, numerator])
              / (gdp.loc[b, denominator] / pop.loc[b - 1, denominator]))
        rows.append({"component": f"break {b}", "year": b, "ratio": ratio[b],
                     "counterfactual": cf, "log_change": np.log(ratio[b] / cf)})
    total = float(np.log(ratio[end] / ratio[start]))
    breaks_sum = float(sum(r["log_change"] for r in rows))
    rows.append({"component": "rest", "year": np.nan, "ratio": np.nan, "counterfactual": np.nan,
                 "log_change": total - breaks_sum})
    rows.append({"component": "total", "year": end, "ratio": ratio[end],
                 "counterfactual": ratio[end] * np.exp(-breaks_sum), "log_change": total})
    out = pd.DataFrame(rows)
    out["share_of_total"] = out["log_change"] / total if total != 0 else np.nan
    out.attrs.update(start=start, end=end, start_ratio=float(ratio[start]), basis=basis)
    return out


# --------------------------------------------------------------------------- prices
def load_province_cpi() -> pd.DataFrame:
    """Provincial consumer price index, previous year = 100 (CSMAR CRE_Pi01)."""
    return _shipped_table("tidy/province_cpi.csv").copy()


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


def deflate(values: pd.Series, years: pd.Series, base_year: int = 2000,
            province_code: int | pd.Series = JIANGSU_PROVINCE_CODE,
            missing: str = "raise") -> pd.Series:
    """Express nominal ``values`` in ``base_year`` prices with the provincial CPI.

    ``province_code`` is one code or a Series aligned with ``values`` (each row
    deflated by its own province's CPI).  CPI is a consumer price index, not a GDP
    deflator: real GDP figures made this way measure purchasing power over consumer
    goods (city deflators are not published in the shipped data).  A year without
    CPI raises (``missing="raise"``) or gives NaN (``missing="nan"``).
    """
    provinces = (province_code if isinstance(province_code, pd.Series)
                 else pd.Series(province_code, index=values.index))
    factor = pd.Series(np.nan, index=values.index)
    for code in provinces.unique():
        rows = provinces == code
        factor[rows] = years[rows].map(cpi_index(base_year, int(code))).to_numpy()
    if factor.isna().any() and missing == "raise":
        bad = sorted(set(zip(provinces[factor.isna()], years[factor.isna()], strict=False)))[:5]
        raise ValueError(f"deflate: no CPI for (province_code, year) {bad}")
    return values * 100 / factor.to_numpy()


def per_capita_panel(panel: pd.DataFrame, basis: str = "registered", prices: str = "nominal",
                     base_year: int = 2000) -> pd.DataFrame:
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
        out["gdp_pc"] = deflate(out["gdp_pc"], out["year"], base_year, out["province_code"],
                                missing="nan")
        no_cpi = int(out["gdp_pc"].isna().sum())
        out = out[out["gdp_pc"].notna()].reset_index(drop=True)
    out.attrs.update(basis=basis, prices=prices, base_year=base_year,
                     dropped=int((~complete).sum()), dropped_no_cpi=no_cpi)
    return out


def load_known_breaks() -> pd.DataFrame:
    """The statistical system's declared breaks (tidy/known_breaks.csv), with their sources.

    Columns: break_id, what, scope_level ("national" or "province"), scope ("all" or
    province names separated by ";"), first_year_affected, variables (panel columns
    separated by ";"), kind (definition, revision, rebenchmark, coverage), handling,
    source_title, source_url, source_note.
    """
    return _shipped_table("tidy/known_breaks.csv").copy()


def declared_breaks(provinces=None, variables=None, start: int | None = None,
                    end: int | None = None, kinds=None) -> pd.DataFrame:
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


def series_breaks(panel: pd.DataFrame, basis: str = "registered", start: int | None = None,
                  end: int | None = None, gdp_threshold: float = 0.5,
                  population_threshold: float = 0.2) -> pd.DataFrame:
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

    checks = [("gdp", gdp_threshold)]
    if basis != "official":
        checks.append(("pop_registered" if basis == "registered" else "pop_resident",
                       population_threshold))
    rows = []
    for column, threshold in checks:
        jumps = log_jumps(panel, unit="city_code", time="year", value=column,
                          max_log_change=threshold)
        rows.append(jumps.rename(columns={column: "value"}).assign(column=column))
    out = pd.concat(rows, ignore_index=True)
    if start is not None:
        out = out[out["year"] > start]
    if end is not None:
        out = out[out["year"] <= end]
    provinces = sorted(set(panel["province_en"].dropna())) if "province_en" in panel else None
    declared = declared_breaks(provinces, [c for c, _ in checks], start, end)
    province_of = (panel.drop_duplicates("city_code").set_index("city_code")["province_en"]
                   if "province_en" in panel else pd.Series(dtype=str))

    def explained(row) -> str:
        province = province_of.get(row["city_code"])
        for b in declared.itertuples():
            if (b.first_year_affected == row["year"] and row["column"] in b.variables.split(";")
                    and (b.scope == "all" or province in b.scope.split(";"))):
                return b.break_id
        return ""

    out = out.assign(declared=[explained(r) for _, r in out.iterrows()] if len(out) else "")
    out = out[["city_code", "year", "column", "previous", "value", "log_change", "declared"]]
    out = out.reset_index(drop=True)
    out.attrs["declared"] = declared[["break_id", "what", "scope", "first_year_affected",
                                      "variables", "kind", "handling"]].to_dict("records")
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


def revision_cutoff(provinces, variables, start: int, end: int) -> tuple[int, pd.DataFrame]:
    """Last year before the first province-specific revision inside ``(start, end]``.

    A national revision that moves every province alike is absorbed by year fixed
    effects; a revision whose size differs by province (the fourth economic census of
    2018, visible in 2019 city GDP: declared per province in tidy/known_breaks.csv) is
    not, and a comparison across provinces that crosses it mixes the revision into the
    estimate.  Returns (the last usable year, the declared province-level revisions that
    set it); ``end`` and an empty table when none lies in the window.
    """
    found = declared_breaks(provinces, variables, start, end, kinds="revision")
    found = found[found["scope_level"] == "province"]
    if found.empty:
        return end, found
    return int(found["first_year_affected"].min()) - 1, found.reset_index(drop=True)


def outcome_panel(panel: pd.DataFrame, outcome: str, basis: str = "registered",
                  prices: str = "real", base_year: int = 2000) -> pd.DataFrame:
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
            panel.drop_duplicates("city_code").set_index("city_code")["province_en"])
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
                wage = deflate(wage, panel["year"], base_year, panel["province_code"], missing="nan")
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


def regional_aggregate(panel: pd.DataFrame, value: str, weight: str | None = None,
                       allow_incomplete: bool = False) -> pd.DataFrame:
    """Each region's total (``weight=None``) or ``weight``-weighted mean of ``value``, by year.

    E.g. total unit employment (``value="employment"``) or the employment-weighted
    average wage (``value="wage_avg", weight="employment"``).  As in
    :func:`regional_per_capita`, a region-year missing a member city is NaN unless
    ``allow_incomplete``; ``missing_cities`` lists who is left out.  Returns a long
    DataFrame: year, region, value, n_cities, missing_cities.
    """
    if "region" not in panel.columns:
        raise ValueError("regional_aggregate: the panel needs a 'region' column")
    for col in [value] + ([weight] if weight else []):
        if col not in panel.columns:
            raise ValueError(f"regional_aggregate: column {col!r} not in the panel")
    df = panel[panel["region"].notna()]
    members = df.groupby("region")["city_en"].unique()
    rows = []
    for (year, region), grp in df.groupby(["year", "region"], sort=True):
        ok = grp[value].notna() & (grp[weight].notna() if weight else True)
        missing = sorted(set(members[region]) - set(grp.loc[ok, "city_en"]))
        usable = ok.any() and (not missing or allow_incomplete)
        if not usable:
            result = np.nan
        elif weight:
            result = (grp.loc[ok, value] * grp.loc[ok, weight]).sum() / grp.loc[ok, weight].sum()
        else:
            result = grp.loc[ok, value].sum()
        rows.append({"year": year, "region": region, "value": result,
                     "n_cities": int(ok.sum()), "missing_cities": ", ".join(missing)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------- parks, maps
def load_parks() -> pd.DataFrame:
    """Sourced, incomplete roster of south-north co-built parks (see data/README.md)."""
    return _shipped_table("tidy/parks_roster.csv").copy()


def load_pairings() -> pd.DataFrame:
    """South-north city pairings (2001 and the 2022 re-pairing), with sources."""
    return _shipped_table("tidy/city_pairings.csv").copy()


def load_policy_timeline() -> pd.DataFrame:
    """Dated policy events of the south-north linkage, each with its source."""
    return _shipped_table("tidy/policy_timeline.csv").copy()


def load_yearbook_supplement() -> pd.DataFrame:
    """Jiangsu Statistical Yearbook figures for the 13 cities beyond the CSMAR years (2022),
    with the overlap years used to check them, in long form: city_code, city_zh, year,
    variable (gdp, gdp_pc_resident, gdp_pc_registered, pop_resident), value, unit,
    population_basis and the source of every value (tidy/jiangsu_yearbook_cities.csv)."""
    return _shipped_table("tidy/jiangsu_yearbook_cities.csv").copy()


def yearbook_region_ratio(numerator: str = "Sunan", denominator: str = "Subei",
                          basis: str = "resident") -> pd.Series:
    """Ratio of regional per-capita GDP from the yearbook supplement, by year.

    Each city's population on ``basis`` ("resident" or "registered") is the one implied
    by its GDP and its per-capita GDP on that basis; a region's per-capita GDP is its
    GDP total over that population total.  Years where a member city lacks either
    figure are left out (never filled).
    """
    if basis not in ("resident", "registered"):
        raise ValueError(f"yearbook_region_ratio: basis must be 'resident' or 'registered', "
                         f"got {basis!r}")
    yb = load_yearbook_supplement()
    wide = yb.pivot_table(index=["city_code", "year"], columns="variable", values="value")
    column = f"gdp_pc_{basis}"
    if column not in wide:
        return pd.Series(dtype=float, name=f"{numerator}/{denominator} ({basis}, yearbook)")
    wide = wide.dropna(subset=["gdp", column]).reset_index()
    wide["population"] = wide["gdp"] * 1e4 / wide[column]
    regions = load_cities().set_index("city_code")["region"]
    wide["region"] = wide["city_code"].map(regions)
    members = regions[regions.isin([numerator, denominator])].groupby(regions).size()
    sums = wide.groupby(["year", "region"]).agg(gdp=("gdp", "sum"), pop=("population", "sum"),
                                                n=("city_code", "nunique"))
    out = {}
    for year, grp in sums.groupby(level="year"):
        grp = grp.droplevel("year")
        if all(r in grp.index and grp.loc[r, "n"] == members[r] for r in (numerator, denominator)):
            pc = grp["gdp"] / grp["pop"]
            out[int(year)] = pc[numerator] / pc[denominator]
    return pd.Series(out, dtype=float, name=f"{numerator}/{denominator} ({basis}, yearbook)")


def load_boundaries(level: str = "city"):
    """Simplified Jiangsu boundaries as a GeoDataFrame (WGS84): "province", "city" or "county"."""
    import geopandas as gpd  # heavy import, needed only for maps

    files = {"province": "jiangsu_province.geojson", "city": "jiangsu_cities_13.geojson",
             "county": "jiangsu_counties_95.geojson"}
    if level not in files:
        raise ValueError(f"load_boundaries: level must be one of {list(files)}, got {level!r}")
    path = verify_checksum(f"tidy/{files[level]}")
    gdf = gpd.read_file(path)
    gdf["adcode"] = gdf["adcode"].astype("int64")  # GB/T 2260 codes, as city_code in the panel
    return gdf


def coverage(panel: pd.DataFrame, columns: list[str] | None = None,
             unit: str = "city_code", time: str = "year") -> pd.DataFrame:
    """Number of units with a non-missing value, by time (rows) and column."""
    columns = columns or [c for c in NUMERIC_COLUMNS if c in panel.columns]
    return panel.groupby(time)[columns].count().rename_axis(columns=f"units with data ({unit})")
