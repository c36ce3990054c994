"""The data contract of a city panel: structure, identifiers, registry, units, identities."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from nanbei import screen
from nanbei.data.files import data_dir, load_cities
from nanbei.data.schema import FIRST_POSSIBLE_YEAR, PANEL_COLUMNS, PANEL_SCHEMA, REGIONS
from nanbei.errors import DataError


def _lines(mask) -> list[int]:
    """File line numbers (header = line 1) of the first five rows where ``mask`` holds."""
    return [int(i) + 2 for i in np.flatnonzero(np.asarray(mask, dtype=bool))[:5]]


def validate_panel(
    df: pd.DataFrame, *, source: str = "panel", screen_errors: bool = True
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
        raise DataError(
            f"{source}: unexpected column(s) {extra}; expected exactly {PANEL_COLUMNS} "
            "(rename or drop the extra columns)"
        )
    if df.empty:
        raise DataError(
            f"{source}: no data rows (only a header); expected one row per city and year"
        )
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
            raise DataError(
                f"{source}: column '{col}' must be numeric; line(s) {lines(bad)} "
                f"hold non-numeric values such as {example!r}"
            )
        infinite = np.isinf(values.to_numpy(dtype=float))
        if infinite.any():
            raise DataError(
                f"{source}: column '{col}' must hold finite numbers; line(s) "
                f"{lines(infinite)} hold infinite values (a missing value is an "
                "empty cell)"
            )
        if kind == "id":
            if values.isna().any():
                raise DataError(
                    f"{source}: column '{col}' is empty on line(s) "
                    f"{lines(values.isna())}; every row needs a {col}"
                )
            if (values != values.round()).any():
                raise DataError(
                    f"{source}: column '{col}' must hold whole numbers; line(s) "
                    f"{lines(values != values.round())}"
                )
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
                    f"{values[impossible].head(3).tolist()}"
                )
        out[col] = values

    last_year = date.today().year + 1
    bad_year = ~out["year"].between(FIRST_POSSIBLE_YEAR, last_year)
    if bad_year.any():
        raise DataError(
            f"{source}: column 'year' must lie between {FIRST_POSSIBLE_YEAR} and "
            f"{last_year}; line(s) {lines(bad_year)} hold "
            f"{out.loc[bad_year, 'year'].head(3).tolist()}"
        )
    dup = out.duplicated(["city_code", "year"], keep=False)
    if dup.any():
        first = out.loc[dup, ["city_code", "year"]].iloc[0]
        raise DataError(
            f"{source}: duplicate city-year rows on lines {lines(dup)} "
            f"(e.g. city_code {first['city_code']}, year {first['year']}); "
            "expected one row per city and year"
        )
    registry = load_cities().set_index("city_code")
    registry_file = data_dir() / "tidy" / "cities.csv"
    unknown = ~out["city_code"].isin(registry.index)
    if unknown.any():
        raise DataError(
            f"{source}: unknown city_code {sorted(set(out.loc[unknown, 'city_code']))[:5]} "
            f"on line(s) {lines(unknown)}; expected GB/T 2260 codes listed in "
            f"{registry_file}"
        )
    bad_region = out["region"].notna() & ~out["region"].isin(REGIONS)
    if bad_region.any():
        raise DataError(
            f"{source}: column 'region' must be one of {REGIONS} or empty; line(s) "
            f"{lines(bad_region)} hold {out.loc[bad_region, 'region'].iloc[0]!r}"
        )
    for col in ("province_code", "region"):
        expected = out["city_code"].map(registry[col])
        both_missing = expected.isna() & out[col].isna()
        contradicts = ~(out[col] == expected) & ~both_missing
        if contradicts.any():
            i = int(np.flatnonzero(contradicts.to_numpy())[0])
            code, got, want = (
                v.item() if hasattr(v, "item") else v
                for v in (out["city_code"].iloc[i], out[col].iloc[i], expected.iloc[i])
            )
            raise DataError(
                f"{source}: column '{col}' contradicts the city registry on line(s) "
                f"{lines(contradicts)}: city_code {code} has {col} {got!r}, expected "
                f"{want if pd.notna(want) else 'empty'!r} as in {registry_file}"
            )
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
            "them)"
        )
    return out


def _check_csv_shape(path: Path) -> None:
    """Refuse a file cut off mid-line or with rows of the wrong length.

    pandas fills a short row with missing values and reads a truncated last number as
    a shorter one (8.29 -> 8.2) without complaint; a cut file must never load.
    """
    raw = path.read_bytes()
    if raw and not raw.endswith(b"\n"):
        n = raw.count(b"\n") + 1
        raise DataError(
            f"{path}: the file ends in the middle of line {n} (no final line break); "
            "it looks cut off: copy or download it again"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: cannot be decoded as UTF-8 text (byte {exc.start}); expected a UTF-8 CSV file"
        ) from None
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if header is None:
        raise DataError(f"{path}: the file is empty; expected a header and data rows")
    for number, row in enumerate(rows, start=2):
        if row and len(row) != len(header):
            raise DataError(
                f"{path}: line {number} has {len(row)} fields, expected "
                f"{len(header)} as in the header; the file is cut or malformed"
            )
