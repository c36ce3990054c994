"""Shipped files: where they are, their checksums, and the loaders of the small tables."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

import pandas as pd

from nanbei.errors import DataError

REBUILD_ADVICE = (
    "in a checkout, restore the shipped files with `git checkout -- data`, or, if "
    "you changed data/raw on purpose, rebuild with `make data ACCEPT_RAW=1`; in an "
    "installed package, reinstall nanbei"
)


def data_dir() -> Path:
    """Folder holding ``tidy/`` and ``SHA256SUMS``.

    ``$NANBEI_DATA_DIR`` if set; else the checkout's data/ (an editable install); else the
    copy shipped inside the installed package (``nanbei/_data``, put there by the wheel build).
    """
    env = os.environ.get("NANBEI_DATA_DIR")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[3] / "data"
    if (checkout / "SHA256SUMS").exists():
        return checkout
    from importlib.resources import files

    return Path(str(files("nanbei") / "_data"))


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
        raise DataError(
            f"{path}: cannot be decoded as UTF-8 text (byte {exc.start}); expected a UTF-8 CSV file"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: not a readable CSV file ({exc})") from None


@cache
def _shipped_table(relative: str) -> pd.DataFrame:
    # Cached: the notebooks load the same files many times; callers receive copies.
    return _read_csv(verify_checksum(relative))


def load_cities() -> pd.DataFrame:
    """Registry of city codes: names (zh/en), province, administrative type, region."""
    return _shipped_table("tidy/cities.csv").copy()


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


def load_province_cpi() -> pd.DataFrame:
    """Provincial consumer price index, previous year = 100 (CSMAR CRE_Pi01)."""
    return _shipped_table("tidy/province_cpi.csv").copy()


def load_known_breaks() -> pd.DataFrame:
    """The statistical system's declared breaks (tidy/known_breaks.csv), with their sources.

    Columns: break_id, what, scope_level ("national" or "province"), scope ("all" or
    province names separated by ";"), first_year_affected, variables (panel columns
    separated by ";"), kind (definition, revision, rebenchmark, coverage), handling,
    source_title, source_url, source_note.
    """
    return _shipped_table("tidy/known_breaks.csv").copy()


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


def load_boundaries(level: str = "city"):
    """Simplified Jiangsu boundaries as a GeoDataFrame (WGS84): "province", "city" or "county"."""
    import geopandas as gpd  # heavy import, needed only for maps

    files = {
        "province": "jiangsu_province.geojson",
        "city": "jiangsu_cities_13.geojson",
        "county": "jiangsu_counties_95.geojson",
    }
    if level not in files:
        raise ValueError(f"load_boundaries: level must be one of {list(files)}, got {level!r}")
    path = verify_checksum(f"tidy/{files[level]}")
    gdf = gpd.read_file(path)
    gdf["adcode"] = gdf["adcode"].astype("int64")  # GB/T 2260 codes, as city_code in the panel
    return gdf


def load_claims() -> pd.DataFrame:
    """The policy report's quantitative claims (tidy/claims.csv): claim_id, claim_zh (quote),
    claim_en (gloss), topic, value, unit, year, check (the evaluation in nanbei.claims),
    evidence (notebooks)."""
    return _shipped_table("tidy/claims.csv").copy()


def load_claims_context() -> pd.DataFrame:
    """Published context figures for the claims, each with its source (tidy/claims_context.csv);
    shown beside the claims, never used as checks."""
    return _shipped_table("tidy/claims_context.csv").copy()


def load_census_counties() -> pd.DataFrame:
    """County rows of the 2010 and 2020 censuses for Jiangsu (tidy/census_county.csv).

    One row per census county (district, county, county-level city; in 2020 also the 11
    development zones the census reports separately): year, code (GB/T 2260 as published; empty
    for three zones), name, city_code, region, unit_id (the comparable unit of
    :func:`load_census_crosswalk`), resident, registered (2010 only), urban and rural population
    (persons), urban_share, households_all and households_long_form (family households in the
    housing tables, all and long form), sampling_fraction (their ratio, about 0.1) and
    ``emp_sample_*``: employed persons aged 16+ by sector **in the long-form sample** (about 10%
    of households in both censuses), counts of the sample, never totals.  Source: Dong, Du & Liu
    (2022), repository leiii/census (MIT); see data/README.md.
    """
    out = _shipped_table("tidy/census_county.csv").copy()
    out["code"] = out["code"].astype("Int64")
    return out


def load_census_industry() -> pd.DataFrame:
    """Employed persons of the long-form census sample by industry section, county and year
    (tidy/census_county_industry.csv): year, code, name, unit_id, section (A-T of GB/T 4754-2002
    in 2010 and GB/T 4754-2017 in 2020: the letters of sections F-I differ between the years),
    industry_zh, sector, emp_sample (blank where the source is blank: a zero count, since the
    industries of every row sum to the published total)."""
    out = _shipped_table("tidy/census_county_industry.csv").copy()
    out["code"] = out["code"].astype("Int64")
    return out


def load_census_crosswalk() -> pd.DataFrame:
    """Crosswalk of census counties (2010, 2020) and boundary polygons to comparable units
    (tidy/census_county_crosswalk.csv): source ("census_2010", "census_2020", "boundaries"),
    code, name, unit_id (smallest polygon adcode of the unit), unit_name, city_code, region, and
    link: the division changes (period and document number, from yescallop/areacodes, CC0) that
    join the row to others, or the rule that does.  A unit is the smallest set of areas whose
    outer boundary is the same in 2010 and 2020."""
    out = _shipped_table("tidy/census_county_crosswalk.csv").copy()
    out["code"] = out["code"].astype("Int64")
    return out


def load_competing_policies() -> pd.DataFrame:
    """Cities touched by policies comparable to Jiangsu's south-north linkage in the comparison
    provinces and around Subei (tidy/competing_policies.csv): policy_id, kind, first_year,
    timeline_date, timeline_key, province_en, city_code, city_zh, role, source_url, note."""
    return _shipped_table("tidy/competing_policies.csv").copy()
