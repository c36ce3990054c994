"""Extract the raw files in data/raw/ from the original source files.

This is the *maintainer* step that was run once, with the project's data
sources checked out next to the repository.  It only selects rows and columns
and converts file formats (xlsx -> csv, full-resolution -> simplified
GeoJSON); it never changes a value.  Users do not need it: data/raw/ is
committed, and data/build.py turns it into the tidy files the library loads.

    python data/extract_raw.py --sources ../shared/data-sources

Needs the optional ``data`` extra (openpyxl) for the CCSY spreadsheet.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import mapping, shape

RAW = Path(__file__).resolve().parent / "raw"

GDP_COLUMNS = [
    "Sgnyea",
    "Ctnm_id",
    "Ctnm_en",
    "Cttyp_en",
    "Prvcnm_id",
    "Prvcnm_en",
    "Gdpct01",
    "GDP_PerCapita",
    "GDP_PrimInd",
    "GDP_SecInd",
    "GDP_TerInd",
]
POP_EMP_COLUMNS = [
    "Sgnyea",
    "Ctnm_id",
    "Ctnm_en",
    "Cttyp_en",
    "Prvcnm_id",
    "Prvcnm_en",
    "Eect01",
    "Eect05",
    "Eect08",
    "Eect09",
    "Eect10",
    "Eect13",
]
CCSY_COLUMNS = {
    "城市": "city_zh",
    "年份": "year",
    "地区生产总值_当年价格_全市_万元": "gdp_10k_yuan",
    "外商实际投资额_全市_万美元": "fdi_actual_10k_usd",
    "年末总人口_全市_万人": "pop_registered_10k",
}
# ~100 m at Jiangsu's latitude: keeps the shapes recognisable at province scale
# while bringing 5 MB of GeoJSON down to a size that belongs in git.
SIMPLIFY_DEGREES = 0.001
COORD_DECIMALS = 4


def extract_csmar(src: Path) -> None:
    out = RAW / "csmar_cre"
    out.mkdir(parents=True, exist_ok=True)
    gdp = pd.read_csv(src / "CRE_Gdpct.csv", encoding="utf-8-sig", dtype=str)
    gdp[GDP_COLUMNS].to_csv(out / "CRE_Gdpct_extract.csv", index=False)
    emp = pd.read_csv(src / "CRE_Eplwagct.csv", encoding="utf-8-sig", dtype=str)
    emp = emp[emp["Sgnyea"].astype(int) >= 1990]
    emp[POP_EMP_COLUMNS].to_csv(out / "CRE_Eplwagct_extract.csv", index=False)
    cpi = pd.read_csv(src / "CRE_Pi01.csv", encoding="utf-8-sig", dtype=str)
    cpi = cpi[cpi["Sgnyea"].astype(int) >= 1978]
    cpi.to_csv(out / "CRE_Pi01_extract.csv", index=False)


def extract_census(src: Path) -> None:
    out = RAW / "census"
    out.mkdir(parents=True, exist_ok=True)
    cols = ["city", "city_code", "province", "province_code", "popu_2010", "popu_2020"]
    census = pd.read_csv(
        src / "census_city_2010-2020_v1.csv", encoding="utf-8-sig", usecols=cols, dtype=str
    )
    census[cols].to_csv(out / "census_city_2010_2020.csv", index=False)
    shutil.copy(src / "LICENSE", out / "LICENSE")


def extract_ccsy(src: Path) -> None:
    out = RAW / "ccsy"
    out.mkdir(parents=True, exist_ok=True)
    sheet = pd.read_excel(src / "1999-2018 Cities data.xlsx", sheet_name="new", dtype=str)
    sheet[list(CCSY_COLUMNS)].rename(columns=CCSY_COLUMNS).to_csv(
        out / "ccsy_2004_2012.csv", index=False
    )
    shutil.copy(src / "LICENSE", out / "LICENSE")


def extract_parks(src: Path) -> None:
    out = RAW / "cobuilt_parks"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("parks_roster.csv", "city_pairings.csv"):
        shutil.copy(src / name, out / name)


def _simplify(features: list[dict]) -> list[dict]:
    simplified = []
    for feat in features:
        geom = shape(feat["geometry"]).simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        geom = shapely.set_precision(geom, 10**-COORD_DECIMALS)
        simplified.append(
            {"type": "Feature", "properties": feat["properties"], "geometry": mapping(geom)}
        )
    return simplified


def extract_boundaries(src: Path) -> None:
    out = RAW / "boundaries"
    out.mkdir(parents=True, exist_ok=True)
    for name in (
        "jiangsu_cities_13.geojson",
        "jiangsu_counties_95.geojson",
        "jiangsu_province.geojson",
    ):
        collection = json.loads((src / name).read_text(encoding="utf-8"))
        collection["features"] = _simplify(collection["features"])
        (out / name).write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    shutil.copy(src / "LICENSE", out / "LICENSE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sources",
        type=Path,
        required=True,
        help="folder holding the data-source folders (each with SOURCE.md)",
    )
    args = parser.parse_args()
    s = args.sources
    extract_csmar(s / "csmar-cre-city-panel")
    extract_census(s / "china-census-leiii")
    extract_ccsy(s / "ccsy-2004-2012-jcdasheng")
    extract_parks(s / "cobuilt-parks")
    extract_boundaries(s / "cnmaps-jiangsu-boundaries")
    print(f"raw extracts written under {RAW}")


if __name__ == "__main__":
    main()
