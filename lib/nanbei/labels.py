"""One label dictionary for every figure, table and sentence Nanbei writes, in Chinese and English.

Everything a reader sees by name is here once, in both languages: the 13 cities of Jiangsu (in
either script, with the spellings of the city registry accepted on look-up), the three regions,
the population bases and price levels, the variables with their units, and the short phrases of
titles, legends and notes (:data:`TEXT`).  ``lang`` is ``"en"`` or ``"zh"`` everywhere.

A missing entry is an error (``KeyError`` naming the key and the closest ones), never a silent
fall-back to the other language: a Chinese figure cannot end up with an English label because a
translation was forgotten.

Typical use::

    from nanbei import labels as L
    L.city(320500, "zh")                      # '苏州'
    L.city_code("Huai'an"), L.city_code("淮安市")  # 320800, 320800
    L.region("Subei", "zh")                   # '苏北'
    L.variable("gdp_pc", "zh", unit=True)     # '人均GDP（元）'
    L.basis("official", "en")                 # 'official (registered → resident population, 2009)'
    result.plot(labels=L.plot_labels("zh"), lang="zh")   # any nanbei result, in Chinese
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping

LANGS = ("en", "zh")

#: The three regions of Jiangsu, and the province.
REGIONS: dict[str, dict[str, str]] = {
    "Sunan": {"en": "Sunan", "zh": "苏南"},
    "Suzhong": {"en": "Suzhong", "zh": "苏中"},
    "Subei": {"en": "Subei", "zh": "苏北"},
}
PROVINCE = {"en": "Jiangsu", "zh": "江苏"}

#: The 13 prefecture-level cities of Jiangsu: GB/T 2260 code -> names and region.  ``zh`` is the
#: official name (as in the city registry and the boundary files), ``en`` the usual romanisation
#: (the registry's CSMAR spellings "Huaian" and "Taizhou city" are accepted by :func:`city_code`).
CITIES: dict[int, dict[str, str]] = {
    320100: {"zh": "南京市", "en": "Nanjing", "region": "Sunan"},
    320200: {"zh": "无锡市", "en": "Wuxi", "region": "Sunan"},
    320300: {"zh": "徐州市", "en": "Xuzhou", "region": "Subei"},
    320400: {"zh": "常州市", "en": "Changzhou", "region": "Sunan"},
    320500: {"zh": "苏州市", "en": "Suzhou", "region": "Sunan"},
    320600: {"zh": "南通市", "en": "Nantong", "region": "Suzhong"},
    320700: {"zh": "连云港市", "en": "Lianyungang", "region": "Subei"},
    320800: {"zh": "淮安市", "en": "Huai'an", "region": "Subei"},
    320900: {"zh": "盐城市", "en": "Yancheng", "region": "Subei"},
    321000: {"zh": "扬州市", "en": "Yangzhou", "region": "Suzhong"},
    321100: {"zh": "镇江市", "en": "Zhenjiang", "region": "Sunan"},
    321200: {"zh": "泰州市", "en": "Taizhou", "region": "Suzhong"},
    321300: {"zh": "宿迁市", "en": "Suqian", "region": "Subei"},
}

#: Population bases of per-capita figures (nanbei.data.BASES).
BASES: dict[str, dict[str, str]] = {
    "registered": {"en": "registered population", "zh": "户籍人口"},
    "resident": {"en": "resident population (census)", "zh": "常住人口（普查）"},
    "official": {
        "en": "official (registered → resident population, 2009)",
        "zh": "官方口径（2009年由户籍人口改为常住人口）",
    },
}

#: Price levels; ``{base_year}`` is filled in by :func:`prices`.
PRICES: dict[str, dict[str, str]] = {
    "nominal": {"en": "current prices", "zh": "当年价格"},
    "real": {
        "en": "{base_year} prices (provincial CPI)",
        "zh": "{base_year}年价格（按全省CPI平减）",
    },
}

#: Variables: name and unit in each language (unit "" when the variable has none).
VARIABLES: dict[str, dict[str, str]] = {
    "year": {"en": "year", "zh": "年份", "unit_en": "", "unit_zh": ""},
    "gdp": {"en": "GDP", "zh": "地区生产总值", "unit_en": "100 million yuan", "unit_zh": "亿元"},
    "gdp_pc": {"en": "GDP per capita", "zh": "人均GDP", "unit_en": "yuan", "unit_zh": "元"},
    "population": {"en": "population", "zh": "人口", "unit_en": "10k persons", "unit_zh": "万人"},
    "pop_registered": {
        "en": "registered population",
        "zh": "户籍人口",
        "unit_en": "10k persons",
        "unit_zh": "万人",
    },
    "pop_resident": {
        "en": "resident population",
        "zh": "常住人口",
        "unit_en": "10k persons",
        "unit_zh": "万人",
    },
    "growth": {
        "en": "growth of GDP per capita",
        "zh": "人均GDP年均增长率",
        "unit_en": "% a year",
        "unit_zh": "%/年",
    },
    "gap_to_mean": {
        "en": "gap to the provincial mean",
        "zh": "与全省平均水平的差距",
        "unit_en": "%",
        "unit_zh": "%",
    },
    "gap_change": {
        "en": "change of the distance to the provincial mean",
        "zh": "与全省平均水平距离的变化",
        "unit_en": "log points × 100",
        "unit_zh": "对数点×100",
    },
    "ratio": {
        "en": "ratio of GDP per capita",
        "zh": "人均GDP之比",
        "unit_en": "×",
        "unit_zh": "倍",
    },
    "n": {"en": "number of cities", "zh": "城市数", "unit_en": "", "unit_zh": ""},
    "cv": {"en": "coefficient of variation", "zh": "变异系数", "unit_en": "", "unit_zh": ""},
    "cv_w": {
        "en": "coefficient of variation (population-weighted)",
        "zh": "变异系数（人口加权）",
        "unit_en": "",
        "unit_zh": "",
    },
    "sd_log": {
        "en": "standard deviation of logs",
        "zh": "对数标准差",
        "unit_en": "",
        "unit_zh": "",
    },
    "gini": {"en": "Gini coefficient", "zh": "基尼系数", "unit_en": "", "unit_zh": ""},
    "gini_w": {
        "en": "Gini coefficient (population-weighted)",
        "zh": "基尼系数（人口加权）",
        "unit_en": "",
        "unit_zh": "",
    },
    "theil": {"en": "Theil index", "zh": "泰尔指数", "unit_en": "", "unit_zh": ""},
    "theil_w": {
        "en": "Theil index (population-weighted)",
        "zh": "泰尔指数（人口加权）",
        "unit_en": "",
        "unit_zh": "",
    },
    "theil_between": {
        "en": "Theil index: between regions",
        "zh": "泰尔指数：区域间",
        "unit_en": "",
        "unit_zh": "",
    },
    "theil_within": {
        "en": "Theil index: within regions",
        "zh": "泰尔指数：区域内",
        "unit_en": "",
        "unit_zh": "",
    },
    "theil_between_w": {
        "en": "Theil index: between regions (population-weighted)",
        "zh": "泰尔指数：区域间（人口加权）",
        "unit_en": "",
        "unit_zh": "",
    },
    "theil_within_w": {
        "en": "Theil index: within regions (population-weighted)",
        "zh": "泰尔指数：区域内（人口加权）",
        "unit_en": "",
        "unit_zh": "",
    },
    "max_min": {
        "en": "ratio of highest to lowest",
        "zh": "最高与最低之比",
        "unit_en": "×",
        "unit_zh": "倍",
    },
    "urban_share": {
        "en": "urban share of resident population",
        "zh": "城镇人口比重",
        "unit_en": "%",
        "unit_zh": "%",
    },
    "pop_growth": {
        "en": "growth of resident population",
        "zh": "常住人口年均增长率",
        "unit_en": "% a year",
        "unit_zh": "%/年",
    },
    "resident_per_registered": {
        "en": "resident per registered population",
        "zh": "常住人口与户籍人口之比",
        "unit_en": "×",
        "unit_zh": "倍",
    },
    "emp_secondary_share": {
        "en": "employment in industry and construction (census sample)",
        "zh": "第二产业就业比重（普查长表样本）",
        "unit_en": "%",
        "unit_zh": "%",
    },
    "emp_tertiary_share": {
        "en": "employment in services (census sample)",
        "zh": "第三产业就业比重（普查长表样本）",
        "unit_en": "%",
        "unit_zh": "%",
    },
}

#: Short phrases of titles, legends and notes.  ``{name}`` fields are filled by :func:`text`.
TEXT: dict[str, dict[str, str]] = {
    "no_data": {"en": "no data", "zh": "无数据"},
    "region_outline": {"en": "region", "zh": "区域"},
    "park_host": {"en": "host county of a co-built park", "zh": "南北共建园区所在县区"},
    "in_year": {"en": "{what}, {year}", "zh": "{year}年{what}"},
    "in_years": {"en": "{what}, {start}–{end}", "zh": "{start}—{end}年{what}"},
    "sep": {"en": ", ", "zh": "，"},
    "paren": {"en": " ({inner})", "zh": "（{inner}）"},
    "city_level": {"en": "13 cities", "zh": "13个设区市"},
    "unit_level": {
        "en": "{n} county-level units (boundaries comparable 2010–2020)",
        "zh": "{n}个县级单元（2010—2020年边界可比）",
    },
    "ratio_title": {"en": "{num}/{den}: ratio of GDP per capita", "zh": "{num}/{den}人均GDP之比"},
    "dispersion_title": {"en": "Inequality among {n} cities", "zh": "{n}个城市之间的差距"},
    "total": {"en": "total", "zh": "总体"},
    "between_regions": {"en": "between regions", "zh": "区域间"},
    "within_regions": {"en": "within regions", "zh": "区域内"},
    "basis_break": {"en": "basis change {year}", "zh": "{year}年口径变化"},
    "note_official_break": {
        "en": "The official basis changes in {years} (registered → resident population; the 2020 "
        "census re-benchmark): a path across {years} mixes definitions, and its fall is "
        "partly the change of definition.",
        "zh": "官方口径在{years}年发生变化（由户籍人口改为常住人口；2020年人口普查重新校准）："
        "跨越{years}年的序列混合了不同口径，其下降部分来自口径变化。",
    },
    "note_resident_years": {
        "en": "Resident population is counted only by the censuses: the resident basis exists in "
        "{years} only.",
        "zh": "常住人口只来自人口普查：常住人口口径只有{years}年的数据。",
    },
    "note_prices_cancel": {
        "en": "All Jiangsu cities share one provincial CPI, so ratios and scale-free inequality "
        "measures are the same at current and at constant prices.",
        "zh": "江苏各市使用同一个全省CPI，因此比值和与量纲无关的差距指标在当年价和不变价下相同。",
    },
    "note_years_dropped": {
        "en": "Years without all {n} chosen cities are left out: {years}.",
        "zh": "所选{n}个城市数据不全的年份未计入：{years}。",
    },
    "note_unweighted": {
        "en": "{measure} has no population-weighted form: shown unweighted.",
        "zh": "{measure}没有人口加权形式：显示未加权值。",
    },
    "note_map_year": {
        "en": "Map year {asked} has no data on this basis; showing {shown}.",
        "zh": "{asked}年在该口径下无数据；地图显示{shown}年。",
    },
    "note_growth_break": {
        "en": "Growth from {start} to {end} on the official basis crosses its change of "
        "definition: part of it is the change.",
        "zh": "官方口径下{start}—{end}年的增长跨越了口径变化：其中一部分来自口径变化。",
    },
    "note_no_region_split": {
        "en": "The chosen cities lie in one region: no between/within split.",
        "zh": "所选城市属于同一区域：无法分解区域间和区域内差距。",
    },
    "note_sample_shares": {
        "en": "Employment shares are estimated from the census long-form sample (about 10%).",
        "zh": "就业比重根据人口普查长表样本（约10%）估计。",
    },
    "summary_ratio": {
        "en": "{num}/{den} ({basis}): {first:.2f} in {start} → {last:.2f} in {end}.",
        "zh": "{num}/{den}（{basis}）：{start}年{first:.2f}倍 → {end}年{last:.2f}倍。",
    },
    "summary_dispersion": {
        "en": "{measure}: {first:.3f} in {start} → {last:.3f} in {end}.",
        "zh": "{measure}：{start}年{first:.3f} → {end}年{last:.3f}。",
    },
    "summary_between": {
        "en": "Between regions: {share:.0%} of it in {end}.",
        "zh": "{end}年其中区域间差距占{share:.0%}。",
    },
    "summary_no_ratio": {
        "en": "{num}/{den} ({basis}): no year with data in {start}–{end}.",
        "zh": "{num}/{den}（{basis}）：{start}—{end}年无数据。",
    },
    "no_widgets": {
        "en": "The controls need ipywidgets (`pip install ipywidgets`, then restart the kernel). "
        "Below is the view of the parameters cell: change it and run all.",
        "zh": "控件需要ipywidgets（`pip install ipywidgets`，然后重启内核）。下面是参数单元格对应"
        "的结果：修改参数后全部重新运行。",
    },
    "col_ratio": {"en": "{num}/{den}", "zh": "{num}/{den}"},
    "col_between_share": {"en": "between-region share", "zh": "区域间比重"},
    # explorer controls
    "ctl_level": {"en": "Compare", "zh": "比较"},
    "ctl_regions": {"en": "regions", "zh": "区域"},
    "ctl_cities": {"en": "cities", "zh": "城市"},
    "ctl_numerator": {"en": "Numerator", "zh": "分子"},
    "ctl_denominator": {"en": "Denominator", "zh": "分母"},
    "ctl_sample": {"en": "Cities", "zh": "城市"},
    "ctl_years": {"en": "Years", "zh": "年份"},
    "ctl_basis": {"en": "Population", "zh": "人口口径"},
    "ctl_prices": {"en": "Prices", "zh": "价格"},
    "ctl_measure": {"en": "Inequality", "zh": "差距指标"},
    "ctl_weighted": {"en": "population-weighted", "zh": "人口加权"},
    "ctl_map": {"en": "Map", "zh": "地图"},
    "ctl_map_year": {"en": "Map year", "zh": "地图年份"},
    "ctl_lang": {"en": "Language", "zh": "语言"},
    "basis_registered_short": {"en": "registered", "zh": "户籍"},
    "basis_resident_short": {"en": "resident", "zh": "常住"},
    "basis_official_short": {"en": "official", "zh": "官方"},
    "prices_nominal_short": {"en": "current", "zh": "当年价"},
    "prices_real_short": {"en": "constant", "zh": "不变价"},
    "lang_en": {"en": "English", "zh": "English"},
    "lang_zh": {"en": "中文", "zh": "中文"},
}

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def check_lang(lang: str) -> str:
    """``lang`` if it is "en" or "zh"; ValueError otherwise."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    return lang


def _missing(kind: str, key, known) -> KeyError:
    close = difflib.get_close_matches(str(key), [str(k) for k in known], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return KeyError(f"no {kind} label for {key!r}{hint}")


def _entry(table: Mapping, kind: str, key) -> Mapping:
    try:
        return table[key]
    except (KeyError, TypeError):
        raise _missing(kind, key, table) from None


def text(key: str, lang: str, **fields) -> str:
    """A phrase of :data:`TEXT` in ``lang`` with its ``{fields}`` filled in."""
    check_lang(lang)
    template = _entry(TEXT, "text", key)[lang]
    return template.format(**fields) if fields else template


def join(parts, lang: str) -> str:
    """Parts joined with the list separator of ``lang`` (", " or "，")."""
    return text("sep", lang).join(str(p) for p in parts)


def paren(inner: str, lang: str) -> str:
    """`` (inner)`` in English, ``（inner）`` in Chinese."""
    return text("paren", lang, inner=inner)


def region(name: str, lang: str) -> str:
    """Name of a region ("Sunan", "Suzhong", "Subei"; Chinese or any case accepted)."""
    check_lang(lang)
    return REGIONS[region_key(name)][lang]


def region_key(name: str) -> str:
    """The region key ("Sunan", ...) of a name in either script ("苏北", "subei", "Subei")."""
    wanted = str(name).strip()
    for key, names in REGIONS.items():
        if wanted.lower() == key.lower() or wanted == names["zh"]:
            return key
    raise _missing("region", name, [*REGIONS, *(n["zh"] for n in REGIONS.values())])


def _fold(name: str) -> str:
    """Look-up form of a city name: lower case, no spaces, apostrophes or 'city' suffix."""
    folded = unicodedata.normalize("NFKC", str(name)).strip().lower()
    folded = re.sub(r"[\s'’`\-]", "", folded)
    return folded.removesuffix("city")


def _city_index() -> dict[str, int]:
    index = {}
    for code, names in CITIES.items():
        for name in (names["zh"], names["zh"].removesuffix("市"), names["en"], str(code)):
            index[_fold(name)] = code
    return index


_CITY_INDEX = _city_index()


def city_code(name) -> int:
    """Code of a Jiangsu city from its code or a name in either script: 320500, "320500",
    "苏州", "苏州市", "Suzhou", "Huai'an", "Huaian", "Taizhou city" all work."""
    try:
        if not isinstance(name, bool) and int(name) in CITIES:
            return int(name)
    except (TypeError, ValueError):
        pass
    try:
        return _CITY_INDEX[_fold(name)]
    except KeyError:
        raise _missing(
            "Jiangsu city", name, [n[k] for n in CITIES.values() for k in ("en", "zh")]
        ) from None


def city(code, lang: str, short: bool = True) -> str:
    """Name of a city in ``lang``: a Jiangsu city from :data:`CITIES` (``short``: "苏州" rather
    than "苏州市"); any other Chinese city from the shipped city registry."""
    check_lang(lang)
    try:
        key = city_code(code)
    except KeyError:
        from nanbei.results import unit_label

        name = unit_label(code, None, lang)
        if name == str(code):
            raise _missing("city", code, CITIES) from None
        return name
    name = CITIES[key][lang]
    return name.removesuffix("市") if (short and lang == "zh" and len(name) > 2) else name


def city_region(code) -> str:
    """Region key of a Jiangsu city."""
    return CITIES[city_code(code)]["region"]


def cities(lang: str, short: bool = True) -> dict[int, str]:
    """The 13 cities: code -> name in ``lang``."""
    return {code: city(code, lang, short) for code in CITIES}


def basis(name: str, lang: str, short: bool = False) -> str:
    """Population basis ("registered", "resident", "official") in ``lang``."""
    check_lang(lang)
    entry = _entry(BASES, "basis", name)
    return text(f"basis_{name}_short", lang) if short else entry[lang]


def prices(name: str, lang: str, base_year: int = 2000, short: bool = False) -> str:
    """Price level ("nominal", "real") in ``lang``."""
    check_lang(lang)
    entry = _entry(PRICES, "prices", name)
    if short:
        return text(f"prices_{name}_short", lang)
    return entry[lang].format(base_year=base_year)


def variable(name: str, lang: str, unit: bool = False) -> str:
    """Name of a variable in ``lang``, with its unit in brackets if ``unit`` (and it has one)."""
    check_lang(lang)
    entry = _entry(VARIABLES, "variable", name)
    label = entry[lang]
    u = entry[f"unit_{lang}"]
    return label + paren(u, lang) if unit and u else label


def unit(name: str, lang: str) -> str:
    """Unit of a variable in ``lang`` ("" if it has none)."""
    check_lang(lang)
    return _entry(VARIABLES, "variable", name)[f"unit_{lang}"]


def plot_labels(lang: str) -> dict:
    """Labels to pass as ``labels=`` to any nanbei result's ``plot`` (and to
    ``nanbei.results.unit_label``): the 13 city codes, the regions and the variable names, all
    in ``lang``."""
    check_lang(lang)
    out: dict = {name: entry[lang] for name, entry in VARIABLES.items()}
    out.update({key: names[lang] for key, names in REGIONS.items()})
    out.update(cities(lang))
    return out


def has_cjk(value: str) -> bool:
    """True if ``value`` contains a Chinese character or full-width punctuation."""
    return bool(_CJK.search(str(value)))


def entries() -> list[tuple[str, str, dict[str, str]]]:
    """Every bilingual entry as (table, key, {"en": ..., "zh": ...}): what the tests check for
    completeness and glyphs."""
    out = []
    for table, values in (
        ("REGIONS", REGIONS),
        ("BASES", BASES),
        ("PRICES", PRICES),
        ("TEXT", TEXT),
    ):
        out += [(table, key, {"en": v["en"], "zh": v["zh"]}) for key, v in values.items()]
    out += [("CITIES", str(code), {"en": v["en"], "zh": v["zh"]}) for code, v in CITIES.items()]
    out += [("VARIABLES", key, {"en": v["en"], "zh": v["zh"]}) for key, v in VARIABLES.items()]
    out += [
        ("UNITS", key, {"en": v["unit_en"], "zh": v["unit_zh"]})
        for key, v in VARIABLES.items()
        if v["unit_en"] or v["unit_zh"]
    ]
    out.append(("PROVINCE", "Jiangsu", dict(PROVINCE)))
    return out
