"""Repair of the misaligned columns in the CCSY city extract (data/raw/ccsy/ccsy_2004_2012.csv).

The extract comes unchanged from sheet ``new`` of ``1999-2018 Cities data.xlsx``
(jcdasheng/China_City_sustainability). That sheet is sorted by the pinyin of the city name,
then by year. It keeps only city-years with no missing cell (1,989 of 287 x 9), so the raw
file has no NaN at all. Two blocks in it are misaligned. :func:`repair_ccsy` fixes the first
one by a single mechanical rule and masks the parts the rule cannot recover. It masks the
second block in full.

1. FDI (``fdi_actual_10k_usd``) in 2008 and 2010: shifted up by one row
-----------------------------------------------------------------------
**Cause.** The author's master table was in GB/T 2260 code order (the CCSY order). Each
province had a header row that held the provincial total, placed before its cities. The
municipalities Beijing, Tianjin, Shanghai and Chongqing were single rows. In 2008 and 2010
the FDI column of that table sits one row too high, so every row holds the FDI of the *next*
row. Then rows with any gap were dropped and the sheet was re-sorted by pinyin. The result:

* a city's 2008/2010 FDI sits on the row of the city just before it in code order:
  Changzhou's value is on Xuzhou's row, Suzhou's on Changzhou's, Suqian's on Taizhou's;
* the last city of each province holds the next province's total: Suqian 2008 1,016,310 and
  2010 1,098,939 (Zhejiang), Suihua 2008 1,008,427 and 2010 1,112,143 (Shanghai is next);
* the first city of each province (Nanjing, Shijiazhuang, ...) lost its own value. It sat on
  the province row, which is not in the file.

**Evidence** (measured on the raw file; d = |ln(v / sqrt(v[t-1] * v[t+1]))|, "shifted" means
the value on a row is compared with the neighbours of the next city in code order, within
the same province):

* median d, own row / shifted: 2005 0.15 / 1.01, 2006 0.15 / 0.97, **2008 1.03 / 0.15**,
  **2010 0.80 / 0.12**. The share of cities with d < 0.5 is 0.76 and 0.83 in the clean years,
  0.77 and 0.84 in 2008 and 2010 after the shift. Province by province, a shift of one row
  fits better than shifts of -1, 0 or 2 rows, in both years. The one exception is Shanxi in
  2010 (2 rows 0.50, 1 row 0.60), and Shanxi's FDI series is erratic in every year.
  The end years are not shifted: 2004 against 2005 gives 0.27 (own row) / 1.04 (shifted),
  2012 against 2011 gives 0.20 / 1.02.
* Jump-and-reversal (both changes against the neighbouring years over 1 log point, in
  opposite directions), raw: 2005 9/240, 2006 4/195, 2007 9/195, **2008 73/172**,
  2009 64/163 (contaminated by its neighbours), **2010 48/145**, 2011 3/142. After the shift
  alone: 2007 7/159, **2008 15/143**, 2009 7/122, **2010 5/115**, 2011 2/114. After the
  residual check below: 2008 0/128 and 2010 0/110.
* The province rows add up. Shanghai's raw 2008 row holds 2,563,090, which is Jiangsu's
  total under this rule. The 11 Jiangsu values that the rule recovers sum to 2,267,636, which
  leaves 295,454 for Nanjing and Xuzhou (their 2007/2009 values suggest about 270,000). In 2010
  the row holds 2,958,071, and the 12 recovered values leave 281,601 for Nanjing (2009 239,199,
  2011 356,588).
* Independent published figures. The Changzhou Statistical Yearbook table "主要年份社会经济主要
  指标" gives 实际外商直接投资 2008 = 20.40亿美元 (tjj.changzhou.gov.cn). The raw file has 204,002
  on *Xuzhou's* 2008 row; its 2005 figure 7.31亿 matches Changzhou's unshifted 2005 row, 73,120.
  Shanghai's 2008 actual FDI "exceeded 10 billion USD, +27%" (CRI, 2009-01-22). The raw value on
  Suihua's row is 1,008,427, which is 27.3% above Shanghai's own 2007 row (791,954).
* No other column is shifted. Median d on the own row against the shifted row, 2008 and 2010:
  GDP 0.04/0.52 and 0.01/0.48, population 0.00/0.43 and 0.01/0.48, industrial output
  0.06/0.61 and 0.03/0.56, retail sales 0.02/0.56 and 0.01/0.56.

**Rule** ``ccsy_2008_2010_fdi_row_shift``: for year in (2008, 2010), a city's FDI is the raw
value on the row that comes just before it in the author's layout. That layout is
:data:`CITY_CODES` in code order, a header row before each province's first city, and no
header for a municipality. The value is *masked* (NaN) when the preceding row is a province
header or the start of the table (the city's own value was never in the file). It is also
masked when that city has no row for the year (the row was dropped, e.g. Wuxi 2008 -> Xuzhou
2008 is lost).

**Residual check** ``ccsy_2008_2010_fdi_shift_residual``: a relocated value that still
jumps and reverses by more than 1 log point against the city's own raw values in year-1 and
year+1 is masked. Either the source is wrong there too (Henan 2008: Zhengzhou and Kaifeng
both carry 6,511), or the province's series is too erratic to confirm the move (Shanxi,
Heilongjiang). A value that cannot be tested (a neighbouring year is missing or zero) keeps
the relocated value. Its flag says so.

2. Registered population (``pop_registered_10k``) in 2011, Shandong to Guangdong
--------------------------------------------------------------------------------
In 2011, the cities in provinces 37-44 (Shandong, Henan, Hubei, Hunan, Guangdong) carry other
cities' populations. Tai'an 797.5 is Shaoyang's, Weihai 569.2 is Yueyang's, Shenzhen 548.9 is
at Suqian's level. Some values are not populations at all: Zaozhuang 6,861.4, Xiaogan 9,591.0, Loudi
11,098.4. Against the median of the same city's 2009/2010/2012 values, 48 of the 59 2011
values in that code range deviate by more than 0.2 log points, against none of the 97
elsewhere (the largest is Shuozhou, 0.087). No single permutation was identified, so rule
``ccsy_2011_pop_block_misalignment`` masks every 2011 population in the range, including the
few that happen to lie close to their neighbours. Jiangsu is not affected.

Result on the raw file: FDI 2008 has 161 values repaired and 54 masked (39 by the rule,
15 by the residual check), of 215 rows. FDI 2010 has 133 repaired and 42 masked (37 + 5), of
175 rows. Population 2011 has 59 values masked. Jiangsu's 2008/2010 FDI is continuous after
the repair. Nanjing (2008, 2010) and Xuzhou (2008) are masked. The other years of FDI, GDP
and the rest of population are not touched.

The function is deterministic and uses no per-city numbers. Its only table is
:data:`CITY_CODES` (name -> GB/T 2260 code), which fixes the row order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

TABLE = "ccsy"
CITY = "city_zh"
YEAR = "year"
FDI = "fdi_actual_10k_usd"
POP = "pop_registered_10k"

SHIFTED_YEARS = (2008, 2010)
MUNICIPALITY_PROVINCES = frozenset({11, 12, 31, 50})
JUMP_LOG = 1.0

POP_BLOCK_YEAR = 2011
POP_BLOCK_PROVINCES = range(37, 45)  # Shandong (37) to Guangdong (44), contiguous in code order

RULE_SHIFT = "ccsy_2008_2010_fdi_row_shift"
RULE_RESIDUAL = "ccsy_2008_2010_fdi_shift_residual"
RULE_POP = "ccsy_2011_pop_block_misalignment"
FLAG_COLUMNS = ["table", "city_zh", "year", "variable", "rule", "value", "action", "reason"]

# GB/T 2260 codes of the 287 names in the extract. Older names are kept as the sheet spells
# them: 思茅 (Pu'er since 2007), 巢湖 (abolished 2011), 莱芜 (merged 2019) and the typo 毫州
# for 亳州. Only the order matters: it is the CCSY/author row order.
_CITY_CODES_TEXT = """
110100北京市 120100天津市
130100石家庄市 130200唐山市 130300秦皇岛市 130400邯郸市 130500邢台市 130600保定市 130700张家口市
130800承德市 130900沧州市 131000廊坊市 131100衡水市
140100太原市 140200大同市 140300阳泉市 140400长治市 140500晋城市 140600朔州市 140700晋中市
140800运城市 140900忻州市 141000临汾市 141100吕梁市
150100呼和浩特市 150200包头市 150300乌海市 150400赤峰市 150500通辽市 150600鄂尔多斯市
150700呼伦贝尔市 150800巴彦淖尔市 150900乌兰察布市
210100沈阳市 210200大连市 210300鞍山市 210400抚顺市 210500本溪市 210600丹东市 210700锦州市
210800营口市 210900阜新市 211000辽阳市 211100盘锦市 211200铁岭市 211300朝阳市 211400葫芦岛市
220100长春市 220200吉林市 220300四平市 220400辽源市 220500通化市 220600白山市 220700松原市
220800白城市
230100哈尔滨市 230200齐齐哈尔市 230300鸡西市 230400鹤岗市 230500双鸭山市 230600大庆市
230700伊春市 230800佳木斯市 230900七台河市 231000牡丹江市 231100黑河市 231200绥化市
310100上海市
320100南京市 320200无锡市 320300徐州市 320400常州市 320500苏州市 320600南通市 320700连云港市
320800淮安市 320900盐城市 321000扬州市 321100镇江市 321200泰州市 321300宿迁市
330100杭州市 330200宁波市 330300温州市 330400嘉兴市 330500湖州市 330600绍兴市 330700金华市
330800衢州市 330900舟山市 331000台州市 331100丽水市
340100合肥市 340200芜湖市 340300蚌埠市 340400淮南市 340500马鞍山市 340600淮北市 340700铜陵市
340800安庆市 341000黄山市 341100滁州市 341200阜阳市 341300宿州市 341400巢湖市 341500六安市
341600亳州市 341600毫州市 341700池州市 341800宣城市
350100福州市 350200厦门市 350300莆田市 350400三明市 350500泉州市 350600漳州市 350700南平市
350800龙岩市 350900宁德市
360100南昌市 360200景德镇市 360300萍乡市 360400九江市 360500新余市 360600鹰潭市 360700赣州市
360800吉安市 360900宜春市 361000抚州市 361100上饶市
370100济南市 370200青岛市 370300淄博市 370400枣庄市 370500东营市 370600烟台市 370700潍坊市
370800济宁市 370900泰安市 371000威海市 371100日照市 371200莱芜市 371300临沂市 371400德州市
371500聊城市 371600滨州市 371700菏泽市
410100郑州市 410200开封市 410300洛阳市 410400平顶山市 410500安阳市 410600鹤壁市 410700新乡市
410800焦作市 410900濮阳市 411000许昌市 411100漯河市 411200三门峡市 411300南阳市 411400商丘市
411500信阳市 411600周口市 411700驻马店市
420100武汉市 420200黄石市 420300十堰市 420500宜昌市 420600襄阳市 420700鄂州市 420800荆门市
420900孝感市 421000荆州市 421100黄冈市 421200咸宁市 421300随州市
430100长沙市 430200株洲市 430300湘潭市 430400衡阳市 430500邵阳市 430600岳阳市 430700常德市
430800张家界市 430900益阳市 431000郴州市 431100永州市 431200怀化市 431300娄底市
440100广州市 440200韶关市 440300深圳市 440400珠海市 440500汕头市 440600佛山市 440700江门市
440800湛江市 440900茂名市 441200肇庆市 441300惠州市 441400梅州市 441500汕尾市 441600河源市
441700阳江市 441800清远市 441900东莞市 442000中山市 445100潮州市 445200揭阳市 445300云浮市
450100南宁市 450200柳州市 450300桂林市 450400梧州市 450500北海市 450600防城港市 450700钦州市
450800贵港市 450900玉林市 451000百色市 451100贺州市 451200河池市 451300来宾市 451400崇左市
460100海口市 460200三亚市
500100重庆市
510100成都市 510300自贡市 510400攀枝花市 510500泸州市 510600德阳市 510700绵阳市 510800广元市
510900遂宁市 511000内江市 511100乐山市 511300南充市 511400眉山市 511500宜宾市 511600广安市
511700达州市 511800雅安市 511900巴中市 512000资阳市
520100贵阳市 520200六盘水市 520300遵义市 520400安顺市
530100昆明市 530300曲靖市 530400玉溪市 530500保山市 530600昭通市 530700丽江市 530800思茅市
530900临沧市
610100西安市 610200铜川市 610300宝鸡市 610400咸阳市 610500渭南市 610600延安市 610700汉中市
610800榆林市 610900安康市 611000商洛市
620100兰州市 620200嘉峪关市 620300金昌市 620400白银市 620500天水市 620600武威市 620700张掖市
620800平凉市 620900酒泉市 621000庆阳市 621100定西市 621200陇南市
630100西宁市
640100银川市 640200石嘴山市 640300吴忠市 640400固原市 640500中卫市
650100乌鲁木齐市 650200克拉玛依市
"""
CITY_CODES: dict[str, int] = {
    name: int(code) for code, name in re.findall(r"(\d{6})(\S+)", _CITY_CODES_TEXT)
}


def _province(code: int) -> int:
    return code // 10000


def predecessors(codes) -> dict[int, int | None]:
    """For each city code, the code of the row just before it in the author's layout.

    ``None`` means that row is a province header, or the city comes first in the table.
    The layout is the codes in ascending order. A header row comes before the first city of
    each province, but not before a municipality (11, 12, 31, 50), which is a single row.
    """
    result: dict[int, int | None] = {}
    previous: int | None = None  # the last *city* row emitted
    for code in sorted(set(codes)):
        prov = _province(code)
        starts_province = previous is None or _province(previous) != prov
        if starts_province and prov not in MUNICIPALITY_PROVINCES:
            result[code] = None  # preceded by the province header row
        else:
            result[code] = previous
        previous = code
    return result


def _fmt(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "NaN"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def _jump_and_reverse(before: float, value: float, after: float) -> bool | None:
    """True or False if testable; None if a value is missing or not positive."""
    vals = (before, value, after)
    if any(v is None or not np.isfinite(v) or v <= 0 for v in vals):
        return None
    d1 = math.log(value / before)
    d2 = math.log(after / value)
    return abs(d1) > JUMP_LOG and abs(d2) > JUMP_LOG and (d1 > 0) != (d2 > 0)


def repair_ccsy(
    ccsy: pd.DataFrame, city_codes: Mapping[str, int] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Repair or mask the misaligned CCSY values; return (frame, flags).

    ``ccsy`` is the raw extract as read by ``pd.read_csv("data/raw/ccsy/ccsy_2004_2012.csv")``.
    The returned frame has the same rows, index and columns. Only ``fdi_actual_10k_usd`` in
    2008/2010 and ``pop_registered_10k`` in 2011 (codes 37xxxx-44xxxx) may differ. There is
    one flag row per cell of those blocks, with columns :data:`FLAG_COLUMNS`. ``value`` is
    the raw value, and ``action`` is ``"repaired"`` or ``"masked"``. The input is not
    modified.
    """
    codes_map = dict(CITY_CODES if city_codes is None else city_codes)
    missing = sorted(set(ccsy[CITY]) - set(codes_map))
    if missing:
        raise ValueError(f"city names without a GB/T 2260 code: {missing}")

    out = ccsy.copy()
    out[FDI] = out[FDI].astype(float)
    out[POP] = out[POP].astype(float)
    code = ccsy[CITY].map(codes_map).astype(int)
    names_by_code: dict[int, str] = {}
    for name, c in zip(ccsy[CITY], code, strict=True):
        names_by_code.setdefault(c, name)
    pred = predecessors(code.unique())

    raw_fdi = dict(zip(zip(code, ccsy[YEAR], strict=True), ccsy[FDI].astype(float), strict=True))
    flags: list[dict] = []

    def flag(name, year, variable, rule, value, action, reason):
        flags.append(
            {
                "table": TABLE,
                "city_zh": name,
                "year": int(year),
                "variable": variable,
                "rule": rule,
                "value": float(value),
                "action": action,
                "reason": reason,
            }
        )

    # 1. FDI 2008/2010: take the value on the preceding row of the author's layout.
    for year in SHIFTED_YEARS:
        rows = ccsy.index[ccsy[YEAR] == year]
        if code[rows].duplicated().any():
            raise ValueError(f"two rows for one city code in {year}")
        for idx in rows:
            c, name, raw = int(code[idx]), ccsy.at[idx, CITY], float(ccsy.at[idx, FDI])
            p = pred[c]
            if p is None:
                out.at[idx, FDI] = np.nan
                flag(
                    name,
                    year,
                    FDI,
                    RULE_SHIFT,
                    raw,
                    "masked",
                    f"In {year} the FDI column is one row too high. {name} comes first in its "
                    f"province, so its own value sat on the province row, which the file does "
                    f"not have. The raw {_fmt(raw)} belongs to the next row.",
                )
                continue
            if (p, year) not in raw_fdi:
                out.at[idx, FDI] = np.nan
                flag(
                    name,
                    year,
                    FDI,
                    RULE_SHIFT,
                    raw,
                    "masked",
                    f"In {year} the FDI column is one row too high. {name}'s value sat on the "
                    f"row of {names_by_code[p]}, which has no {year} row in the file. The raw "
                    f"{_fmt(raw)} belongs to the next row.",
                )
                continue
            new = raw_fdi[(p, year)]
            before = raw_fdi.get((c, year - 1), np.nan)
            after = raw_fdi.get((c, year + 1), np.nan)
            test = _jump_and_reverse(before, new, after)
            if test:
                out.at[idx, FDI] = np.nan
                flag(
                    name,
                    year,
                    FDI,
                    RULE_RESIDUAL,
                    raw,
                    "masked",
                    f"The value moved from {names_by_code[p]}'s row ({_fmt(new)}) still jumps "
                    f"and reverses by >1 log point against {year - 1} ({_fmt(before)}) and "
                    f"{year + 1} ({_fmt(after)}), so neither row's value can be trusted.",
                )
                continue
            out.at[idx, FDI] = new
            note = (
                "continuity confirmed"
                if test is False
                else "continuity not testable, a neighbouring year is missing or zero"
            )
            flag(
                name,
                year,
                FDI,
                RULE_SHIFT,
                raw,
                "repaired",
                f"In {year} the FDI column is one row too high. {name}'s value is the "
                f"{_fmt(new)} on {names_by_code[p]}'s row ({note}).",
            )

    # 2. Population 2011, Shandong to Guangdong: values from other cities' rows, so mask them.
    in_block = (ccsy[YEAR] == POP_BLOCK_YEAR) & code.map(_province).isin(POP_BLOCK_PROVINCES)
    for idx in ccsy.index[in_block]:
        name, raw = ccsy.at[idx, CITY], float(ccsy.at[idx, POP])
        out.at[idx, POP] = np.nan
        flag(
            name,
            POP_BLOCK_YEAR,
            POP,
            RULE_POP,
            raw,
            "masked",
            "In 2011 the registered populations of Shandong, Henan, Hubei, Hunan and "
            "Guangdong cities are other cities' values (48 of 59 off their own neighbours "
            "by over 0.2 log points, none of 97 elsewhere), so the whole block is masked.",
        )

    flags_df = pd.DataFrame(flags, columns=FLAG_COLUMNS)
    return out, flags_df
