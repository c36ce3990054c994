"""Extract the county census files and the county code crosswalk into data/raw/census_county/.

Maintainer step, run once with the sources checked out (users never need it: data/raw/ is
committed and data/build.py builds the tidy files from it).  Like data/extract_raw.py it only
selects rows and columns and converts formats (xlsx -> csv); it never changes a value.

    python data/extract_census_county.py --sources ../shared/data-sources \\
        --areacodes /path/to/checkout/of/yescallop/areacodes

Writes
  raw/census_county/census_county_2010_jiangsu.csv   Jiangsu rows of census_county_2010_v1.xlsx
  raw/census_county/census_county_2020_jiangsu.csv   Jiangsu rows of census_county_2020_v1.xlsx
  raw/census_county/LICENSE                          MIT licence of leiii/census
  raw/census_county/areacodes/jiangsu_codes.csv      Jiangsu lines of data/<year>.txt, 2009-2024
  raw/census_county/areacodes/jiangsu_changes.csv    Jiangsu change lines of diff/<y>-<y+1>.diff
  raw/census_county/areacodes/LICENSE                CC0 1.0 of yescallop/areacodes

Columns are renamed to English (the mapping is below and in data/README.md); the selected cells
are copied as text.  Needs the optional ``data`` extra (openpyxl).
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parent / "raw" / "census_county"

# 6th census (2010) county file: original header -> raw column.  Header cells contain line
# breaks in the source; they are matched after removing them.  The three headers marked (*) are
# garbled in the source across the line breaks of the yearbook's column heads: the values follow
# the yearbook's order of GB/T 4754-2002 sections F, G, H (transport, storage and post; information
# transmission, computer services and software; wholesale and retail), checked in data/build.py
# against the 2020 file's magnitudes.  All three are tertiary.
COLUMNS_2010 = {
    "地区": "name",
    "区划代码": "code",
    "合计": "pop_resident",
    "户籍人口": "pop_registered",
    "城镇人口": "pop_urban",
    "乡村人口": "pop_rural",
    "全部数据-家庭户": "households_all",
    "长表数据-家庭户": "households_long_form",
    "各种行业人口总计": "emp_total",
    "农林牧渔业": "emp_A",
    "采矿业": "emp_B",
    "制造业": "emp_C",
    "电力、燃气及水的生产和供应业": "emp_D",
    "建筑业": "emp_E",
    "仓储和邮政业": "emp_F",  # (*) 交通运输、仓储和邮政业
    "交通运输、计算机服务和软件业": "emp_G",  # (*) 信息传输、计算机服务和软件业
    "信息传输、批发和零售业": "emp_H",  # (*) 批发和零售业
    "住宿和餐饮业": "emp_I",
    "金融业": "emp_J",
    "房地产业": "emp_K",
    "租赁和商务服务业": "emp_L",
    "科学研究、技术服务和地质勘察业": "emp_M",
    "水利、环境和公共设施管理业": "emp_N",
    "居民服务和其他服务业": "emp_O",
    "教育": "emp_P",
    "卫生、社会保障和社会福利业": "emp_Q",
    "文化、体育和娱乐业": "emp_R",
    "公共管理和社会组织": "emp_S",
    "国际组织": "emp_T",
    "第一产业（%）": "pct_primary",
    "第二产业（%）": "pct_secondary",
    "第三产业（%）": "pct_tertiary",
}
# 7th census (2020) county file (GB/T 4754-2017 sections; the letters are the project's).
COLUMNS_2020 = {
    "区划代码": "code",
    "省": "province",
    "市": "city",
    "区县": "name",
    "人口数_合计": "pop_resident",
    "城镇人口": "pop_urban",
    "乡村人口": "pop_rural",
    "家庭户户数": "households_all",
    "家庭户户数_长表": "households_long_form",
    "各种行业人口总计": "emp_total",
    "农林牧渔业": "emp_A",
    "采矿业": "emp_B",
    "制造业": "emp_C",
    "电力热力燃气及水生产和供应业": "emp_D",
    "建筑业": "emp_E",
    "批发和零售业": "emp_F",
    "交通运输仓储和邮政业": "emp_G",
    "住宿和餐饮业": "emp_H",
    "信息传输软件和信息技术服务业": "emp_I",
    "金融业": "emp_J",
    "房地产业": "emp_K",
    "租赁和商务服务业": "emp_L",
    "科学研究和技术服务业": "emp_M",
    "水利环境和公共设施管理业": "emp_N",
    "居民服务修理和其服务业": "emp_O",
    "教育": "emp_P",
    "卫生和社会工作": "emp_Q",
    "文化体育和娱乐业": "emp_R",
    "公共管理社会保障和社会组织": "emp_S",
    "国际组织": "emp_T",
}
AREACODE_YEARS = range(2009, 2025)  # 2009 table = the divisions of the 2010 census
JIANGSU = "32"


def _select(df: pd.DataFrame, columns: dict[str, str], what: str) -> pd.DataFrame:
    clean = {re.sub(r"\s+", "", str(c)): c for c in df.columns}
    missing = [c for c in columns if c not in clean]
    if missing:
        raise SystemExit(f"{what}: columns not found: {missing}")
    return df[[clean[c] for c in columns]].set_axis(list(columns.values()), axis=1)


def extract_census_counties(src: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    d10 = pd.read_excel(src / "census_county_2010_v1.xlsx", dtype=str)
    names = d10["地区"].fillna("").str.strip()
    first = int(names.index[names == "江苏省"][0])
    last = int(names.index[names == "浙江省"][0])
    rows = d10.loc[first : last - 1]
    rows = rows[rows["区划代码"].fillna("").str.startswith(JIANGSU)]
    out = _select(rows, COLUMNS_2010, "census_county_2010_v1.xlsx")
    out["name"] = out["name"].str.strip()  # the source indents names by level
    out.to_csv(OUT / "census_county_2010_jiangsu.csv", index=False)

    d20 = pd.read_excel(src / "census_county_2020_v1.xlsx", dtype=str)
    rows = d20[d20["省"] == "江苏省"]
    _select(rows, COLUMNS_2020, "census_county_2020_v1.xlsx").to_csv(
        OUT / "census_county_2020_jiangsu.csv", index=False
    )
    shutil.copy(src / "LICENSE", OUT / "LICENSE")


def _description(block: list[str]) -> dict[str, str]:
    """Title, 文号, 日期 and 来源 of the comment block that describes a change."""
    meta = {"title": "", "document": "", "date": "", "source": ""}
    for line in block:
        text = line.lstrip("#").strip()
        if line.startswith("## ") and not meta["title"]:
            meta["title"] = text
        for key, field in (("文号：", "document"), ("日期：", "date"), ("来源：", "source")):
            if text.startswith(key) and not meta[field]:
                meta[field] = text.removeprefix(key).strip()
    return meta


def extract_areacodes(repo: Path) -> None:
    out = OUT / "areacodes"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "jiangsu_codes.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["year", "code", "name"])
        for year in AREACODE_YEARS:
            for line in (repo / "data" / f"{year}.txt").read_text(encoding="utf-8").splitlines():
                if line.startswith(JIANGSU):
                    code, name = line.split(" ", 1)
                    writer.writerow([year, code, name])
    with open(out / "jiangsu_changes.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["period", "line", "title", "document", "date", "source"])
        for year in AREACODE_YEARS:
            if year + 1 not in AREACODE_YEARS:
                break
            period = f"{year}-{year + 1}"
            block: list[str] = []
            in_block = False
            for line in (repo / "diff" / f"{period}.diff").read_text(encoding="utf-8").splitlines():
                if line.startswith("#"):
                    if not in_block:
                        block, in_block = [], True
                    block.append(line)
                    continue
                in_block = False
                if line[:1] in ("-", "+", "=") and line[1:3] == JIANGSU:
                    meta = _description(block)
                    writer.writerow(
                        [
                            period,
                            line,
                            meta["title"],
                            meta["document"],
                            meta["date"],
                            meta["source"],
                        ]
                    )
    shutil.copy(repo / "LICENSE", out / "LICENSE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sources",
        type=Path,
        required=True,
        help="folder holding the data-source folders (china-census-leiii/)",
    )
    parser.add_argument(
        "--areacodes",
        type=Path,
        required=True,
        help="a checkout of github.com/yescallop/areacodes (data/, diff/, LICENSE)",
    )
    args = parser.parse_args()
    extract_census_counties(args.sources / "china-census-leiii")
    extract_areacodes(args.areacodes)
    print(f"raw extracts written under {OUT}")


if __name__ == "__main__":
    main()
