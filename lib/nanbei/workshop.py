"""Workshop exercises with self-checks, and the command that makes the participants' copy.

Five exercises (``notebooks/workshop/``) build on each other:

1. ``basis_switch`` — load the panel and find the year the official per-capita GDP switches
   from registered to resident population;
2. ``theil_2010`` — the population-weighted Theil index of 2010 on the resident (census) basis
   and the share of it between Sunan, Suzhong and Subei;
3. ``beta`` — beta convergence of the 13 cities, 2001–2021, on a consistent basis: slope and
   half-life;
4. ``placebo`` — read a synthetic-control placebo test for Suqian: rank, p-value, verdict;
5. ``claim`` — judge the report's "2.7 times in 2010" with ``nanbei.claims``.

After each exercise ``check(exercise, answer, lang=...)`` says right or wrong and why.  The
expected answers are computed here from the shipped data, never typed in; a wrong answer is
compared with the answers that common mistakes give (the official basis across 2009, an
unweighted index, a percentage for a share, the half-life as ln 2/|β|, the p-value without the
treated unit, ...) and the message names the mistake.  ``task(exercise, lang)`` shows the task.

Solutions live in the source notebooks, in code cells tagged ``solution`` between the lines
``### BEGIN SOLUTION`` and ``### END SOLUTION`` (a whole markdown cell tagged ``solution`` is an
instructor's note).  ``python -m nanbei.workshop build notebooks/workshop --output
build/workshop`` (``make workshop``) writes

* ``student/``: the participants' copy, every solution block replaced by ``# Your code here``
  and every solution note removed, plus ``nanbei-workshop-student.zip`` of it;
* ``instructor/``: the notebooks with their solutions and ``INSTRUCTOR.md``;

and then runs the instructor copy (papermill, project kernel) and fails unless every exercise's
check says "correct" (``--no-check`` skips that).
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import shutil
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypedDict

import numpy as np
import pandas as pd

from nanbei import labels

__all__ = [
    "EXERCISES",
    "CheckResult",
    "build",
    "check",
    "expected",
    "placebo_example",
    "plot_bases",
    "student_version",
    "task",
]

EXERCISES = ("basis_switch", "theil_2010", "beta", "placebo", "claim")
MIME = "application/vnd.nanbei.check+json"
SOLUTION_TAG = "solution"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = "# Your code here / 在此作答"


class _PlaceboDesign(TypedDict):
    """The placebo exercise's design (see :data:`PLACEBO`)."""

    treated: int
    treatment_year: int
    start: int
    end: int
    donor_provinces: tuple[str, ...]
    alpha: float


#: Settings of the exercises (the tasks say the same).
THEIL_YEAR = 2010
BETA_WINDOW = (2001, 2021)
PLACEBO: _PlaceboDesign = {
    "treated": 321300,
    "treatment_year": 2006,
    "start": 2001,
    "end": 2018,
    "donor_provinces": ("Shandong", "Anhui", "Zhejiang", "Henan"),
    "alpha": 0.10,
}
CLAIM_ID = "gap_2010"

# ------------------------------------------------------------------------------------ texts
TASKS: dict[str, dict[str, dict[str, str]]] = {
    "basis_switch": {
        "title": {"en": "1 · Find the basis switch", "zh": "1 · 找出人口口径的切换"},
        "task": {
            "en": "The published per-capita GDP (`gdp_pc_official`) divides GDP by registered "
            "(hukou) population in early years and by resident population later. In which "
            "**first year** is it on the new basis? Compare the population it implies "
            "(`data.implied_population(panel)`, i.e. GDP / per-capita GDP) with "
            "`pop_registered`, city by city and year by year. Answer: a year, e.g. "
            "`answer_year = 2005`.",
            "zh": "公布的人均GDP（`gdp_pc_official`）早期以户籍人口为分母，后来改为常住人口。"
            "哪一年**第一次**采用新口径？把它隐含的人口（`data.implied_population(panel)`，"
            "即GDP除以人均GDP）与户籍人口`pop_registered`逐市逐年比较。"
            "答案为年份，例如`answer_year = 2005`。",
        },
    },
    "theil_2010": {
        "title": {
            "en": "2 · The Theil index of 2010 and its between-region share",
            "zh": "2 · 2010年泰尔指数及区域间差距的比重",
        },
        "task": {
            "en": "2010 is a census year, so per-capita GDP exists on the **resident** basis. "
            "Compute the **population-weighted** Theil index of the 13 cities' GDP per "
            "capita in 2010 on that basis, and the **share** of it that lies between "
            "Sunan, Suzhong and Subei (a fraction between 0 and 1). Use "
            "`data.per_capita_panel` and `convergence.sigma` (with `weight=` and `group=`). "
            "Answer: `theil_2010` and `between_share`.",
            "zh": "2010年是人口普查年份，因此有**常住人口**口径的人均GDP。计算2010年该口径下13个"
            "设区市人均GDP的**人口加权**泰尔指数，以及其中苏南、苏中、苏北**区域间**差距所占"
            "的**比重**（0到1之间的小数）。使用`data.per_capita_panel`和`convergence.sigma`"
            "（参数`weight=`和`group=`）。答案：`theil_2010`和`between_share`。",
        },
    },
    "beta": {
        "title": {"en": "3 · Beta convergence and its half-life", "zh": "3 · β收敛及其半衰期"},
        "task": {
            "en": "Do poorer cities grow faster? Estimate absolute beta convergence of the 13 "
            "cities' GDP per capita from **2001 to 2021** on a basis that is **consistent "
            "over time**, at constant prices (`convergence.beta`). Answer: the `slope` and "
            "the `half_life` in years (or pass the result object itself).",
            "zh": "较穷的城市增长更快吗？用**前后一致**的人口口径、按不变价格，估计13个设区市"
            "人均GDP在**2001—2021年**的绝对β收敛（`convergence.beta`）。答案：斜率`slope`"
            "和以年计的半衰期`half_life`（也可以直接提交结果对象）。",
        },
    },
    "placebo": {
        "title": {
            "en": "4 · Read a synthetic-control placebo test",
            "zh": "4 · 解读合成控制法的安慰剂检验",
        },
        "task": {
            "en": "The cell above fits a synthetic Suqian (the Suzhou–Suqian park, 2006) and "
            "treats every comparison city in turn as a placebo. Suqian's post/pre RMSPE "
            "ratio is ranked among all units (rank 1 = largest). From the plot and the "
            "table give Suqian's `rank`, the permutation `p_value` and whether the effect "
            "is `significant` at the 10% level (True/False). If the library warns about "
            "few pre-treatment years for many donors, read the warning: it is part of what "
            "this test can and cannot say.",
            "zh": "上面的代码为宿迁（苏宿工业园区，2006年）构建了合成控制，并依次把每个对照城市"
            "当作安慰剂。宿迁的事后/事前RMSPE之比在所有单位中排序（第1名为最大）。根据图和表"
            "给出宿迁的排名`rank`、置换检验的`p_value`，以及在10%水平上是否显著"
            "`significant`（True/False）。如果程序警告处理前年份少而对照城市多，请读一读"
            "这条警告：它说明了这一检验能说明什么、不能说明什么。",
        },
    },
    "claim": {
        "title": {"en": "5 · Judge one of the report's claims", "zh": "5 · 检验报告中的一个说法"},
        "task": {
            "en": "The report says the Sunan/Subei gap in GDP per capita was **2.7 times in "
            "2010**. Compute the 2010 ratio on the `official` and on the `registered` basis "
            "(`data.region_ratio`) and judge the claim with `claims.ratio_status(claimed, "
            "official, consistent)`. Answer: a dict with `official`, `registered` and "
            "`status`.",
            "zh": "报告称2010年苏南与苏北人均GDP之比为**2.7倍**。用`data.region_ratio`计算2010年"
            "`official`（官方）口径和`registered`（户籍）口径的比值，并用"
            "`claims.ratio_status(claimed, official, consistent)`判断这一说法。答案：包含"
            "`official`、`registered`和`status`的字典。",
        },
    },
}

MESSAGES: dict[str, dict[str, str]] = {
    "correct": {"en": "Correct.", "zh": "正确。"},
    "wrong": {"en": "Not yet.", "zh": "还不对。"},
    "unanswered": {
        "en": "Not answered yet: replace `None` with your answer and run the cell again.",
        "zh": "尚未作答：把`None`换成你的答案，再运行本单元。",
    },
    "not_a_number": {
        "en": "Give {what} as a number (got {got!r}).",
        "zh": "{what}应为数字（收到的是{got!r}）。",
    },
    "not_a_year": {
        "en": "Give the year as a whole number, e.g. 2005 (got {got!r}).",
        "zh": "年份应为整数，例如2005（收到的是{got!r}）。",
    },
    "shape": {"en": "Expected {expected}.", "zh": "答案格式应为{expected}。"},
    # 1 basis switch
    "switch_ok": {
        "en": "In {year} the population behind the official figures falls to {after:.1%} of "
        "registered population (median of the 13 cities), from {before:.1%} in {prev}: "
        "from {year} the statistical office divides by resident population. The switch "
        "is also a declared break of the data (`{break_id}`): never compare official "
        "per-capita GDP across {prev}/{year}.",
        "zh": "{year}年官方数据背后的人口降到户籍人口的{after:.1%}（13市中位数），{prev}年为"
        "{before:.1%}：自{year}年起统计部门以常住人口为分母。这一切换也是数据中登记的"
        "口径断点（`{break_id}`）：不要跨{prev}/{year}年比较官方人均GDP。",
    },
    "switch_last_old": {
        "en": "{got} is the last year on the registered basis (implied ÷ registered population "
        "{ratio:.1%}); the question asks for the first year on the new basis.",
        "zh": "{got}年是最后一个户籍口径年份（隐含人口÷户籍人口为{ratio:.1%}）；题目问的是"
        "第一个采用新口径的年份。",
    },
    "switch_census": {
        "en": "{got} is a census year, but the published series had switched before: look at "
        "implied ÷ registered population year by year (median {ratio:.1%} in {got}).",
        "zh": "{got}年是普查年份，但公布的数据在此之前已经切换：逐年查看隐含人口÷户籍人口"
        "（{got}年中位数为{ratio:.1%}）。",
    },
    "switch_rebenchmark": {
        "en": "{got} is the census re-benchmark, a second and smaller break; the question asks "
        "for the first switch from registered to resident population.",
        "zh": "{got}年是普查后的重新校准，是第二个较小的断点；题目问的是从户籍人口到常住人口的"
        "第一次切换。",
    },
    "switch_other": {
        "en": "In {got} the population behind the official figures is {ratio:.1%} of registered "
        "population (median of the 13 cities): still the old basis there, or no data. "
        "Compute `data.implied_population(panel) / panel['pop_registered']` and its "
        "median by year: it is about 100% before the switch.",
        "zh": "{got}年官方数据背后的人口为户籍人口的{ratio:.1%}（13市中位数）：仍是旧口径，或无"
        "数据。计算`data.implied_population(panel) / panel['pop_registered']`并按年取"
        "中位数：切换前约为100%。",
    },
    # 2 Theil
    "theil_ok": {
        "en": "Theil T = {theil:.4f}; {share:.1%} of it lies between the three regions, "
        "{within:.1%} within them. The south–north gap is almost all of Jiangsu's "
        "inequality between cities.",
        "zh": "泰尔指数为{theil:.4f}；其中{share:.1%}来自三大区域之间，{within:.1%}来自区域"
        "内部。江苏城市之间的差距几乎全部是南北差距。",
    },
    "theil_unweighted": {
        "en": "That is the unweighted index ({value:.4f}): weight each city by its population "
        '(`weight="population"`, column `theil_w`).',
        "zh": '这是未加权的指数（{value:.4f}）：请按人口加权（`weight="population"`，'
        "列`theil_w`）。",
    },
    "theil_basis": {
        "en": "That is the value on the {basis} basis ({value:.4f}); the exercise asks for the "
        "resident (census) basis, which exists in 2010.",
        "zh": "这是{basis}口径的值（{value:.4f}）；题目要求常住人口（普查）口径，2010年有该口径"
        "数据。",
    },
    "theil_between_part": {
        "en": "{value:.4f} is the between-region part itself; the Theil index is between + "
        "within (`theil_w`).",
        "zh": "{value:.4f}是区域间部分本身；泰尔指数为区域间+区域内（`theil_w`）。",
    },
    "theil_wrong": {
        "en": "Your Theil index {got:.4f} is not the 2010 population-weighted Theil T on the "
        'resident basis. Check the year (2010), `basis="resident"`, '
        '`weight="population"`, and read the column `theil_w`.',
        "zh": "你的泰尔指数{got:.4f}不是2010年常住人口口径的人口加权泰尔指数。检查年份（2010）、"
        '`basis="resident"`、`weight="population"`，并读取列`theil_w`。',
    },
    "share_percent": {
        "en": "Give the share as a fraction between 0 and 1, not in percent ({got} → "
        "{fraction:.3f}).",
        "zh": "比重请用0到1之间的小数，不要用百分数（{got} → {fraction:.3f}）。",
    },
    "share_part": {
        "en": "The Theil index is right, but {got:.4f} is the between-region part, not its "
        "share: divide it by the total.",
        "zh": "泰尔指数正确，但{got:.4f}是区域间部分本身，不是比重：请除以总指数。",
    },
    "share_within": {
        "en": "The Theil index is right, but {got:.3f} is the within-region share; the question "
        "asks for between.",
        "zh": "泰尔指数正确，但{got:.3f}是区域内比重；题目问的是区域间比重。",
    },
    "share_wrong": {
        "en": "The Theil index is right; the between-region share is not {got:.3f}. Use the "
        "weighted parts: `theil_between_w / theil_w`.",
        "zh": "泰尔指数正确，但区域间比重不是{got:.3f}。请用加权的分解：`theil_between_w / "
        "theil_w`。",
    },
    # 3 beta
    "beta_ok": {
        "en": "Slope {slope:.4f}: poorer cities did grow faster, but slowly, a speed of "
        "{speed:.2%} a year and a half-life of {half_life:.0f} years. On the official basis "
        "the same regression gives a half-life of {official_hl:.0f} years: most of that "
        "'convergence' is the 2009 change of denominator. (At current prices the slope "
        "is the same: all cities share one provincial CPI.)",
        "zh": "斜率为{slope:.4f}：较穷的城市确实增长更快，但很慢，收敛速度每年{speed:.2%}，"
        "半衰期{half_life:.0f}年。用官方口径做同样的回归，半衰期为{official_hl:.0f}年："
        "这种“收敛”大多来自2009年分母的变化。（按当年价格斜率相同：各市使用同一个全省CPI。）",
    },
    "beta_official": {
        "en": "That is the official basis (slope {slope:.4f}, half-life {half_life:.0f} years): "
        "it changes from registered to resident population in 2009, which cuts Sunan's "
        'per-capita GDP that year and looks like convergence. Use `basis="registered"`.',
        "zh": "这是官方口径的结果（斜率{slope:.4f}，半衰期{half_life:.0f}年）：它在2009年由户籍"
        "人口改为常住人口，使苏南当年人均GDP下降，看起来像收敛。请使用"
        '`basis="registered"`。',
    },
    "beta_start_2000": {
        "en": "That is the regression from 2000 ({n} cities, slope {slope:.4f}): Huai'an has no "
        "GDP before 2001, so it drops out. Start in 2001.",
        "zh": "这是从2000年开始的回归（{n}个城市，斜率{slope:.4f}）：淮安2001年以前没有GDP，"
        "因此被排除。请从2001年开始。",
    },
    "beta_sign": {
        "en": "Check the sign: a negative slope means convergence (growth falls with the initial "
        "level).",
        "zh": "请检查符号：负斜率表示收敛（增长率随初始水平上升而下降）。",
    },
    "beta_slope_wrong": {
        "en": "The slope {got:.4f} is not the one of 2001–2021 on the registered basis at "
        "constant prices. Check `start=2001, end=2021`, the basis and that all 13 cities "
        "are in.",
        "zh": "斜率{got:.4f}不是2001—2021年户籍口径、不变价格下的结果。检查`start=2001, "
        "end=2021`、人口口径，以及13个城市是否都在样本中。",
    },
    "half_life_naive": {
        "en": "The slope is right. {got:.1f} is ln 2/|β|; the half-life is ln 2/λ with the speed "
        "λ = −ln(1 + βT)/T (the result's `half_life`).",
        "zh": "斜率正确。{got:.1f}是ln 2/|β|；半衰期应为ln 2/λ，其中收敛速度λ = −ln(1 + βT)/T"
        "（结果的`half_life`）。",
    },
    "half_life_speed": {
        "en": "The slope is right. {got:.4f} is the speed λ, not the half-life (ln 2/λ, in years).",
        "zh": "斜率正确。{got:.4f}是收敛速度λ，不是半衰期（ln 2/λ，以年计）。",
    },
    "half_life_wrong": {
        "en": "The slope is right, the half-life is not {got:.1f} years: read `half_life` from "
        "the result.",
        "zh": "斜率正确，但半衰期不是{got:.1f}年：请读取结果的`half_life`。",
    },
    "beta_window": {
        "en": "The result covers {start}–{end} with {n} cities; the exercise asks for "
        "2001–2021 with all 13.",
        "zh": "该结果覆盖{start}—{end}年、{n}个城市；题目要求2001—2021年的全部13个城市。",
    },
    # 4 placebo
    "placebo_ok": {
        "en": "Suqian ranks {rank} of {n}: p = {rank}/{n} = {p:.3f}, above 0.10, so the "
        "placebo test does not reject a zero effect. The smallest p-value {n} units can "
        "give is 1/{n} = {p_min:.3f}.",
        "zh": "宿迁在{n}个单位中排第{rank}：p = {rank}/{n} = {p:.3f}，高于0.10，因此安慰剂"
        "检验不能拒绝“效应为零”。{n}个单位能给出的最小p值为1/{n} = {p_min:.3f}。",
    },
    "placebo_ok_significant": {
        "en": "Suqian ranks {rank} of {n}: p = {rank}/{n} = {p:.3f}, at most 0.10, so the "
        "placebo test rejects a zero effect at the 10% level.",
        "zh": "宿迁在{n}个单位中排第{rank}：p = {rank}/{n} = {p:.3f}，不超过0.10，因此在10%"
        "水平上拒绝“效应为零”。",
    },
    "placebo_rank_reversed": {
        "en": "Rank {got} counts from the smallest ratio; rank 1 is the largest post/pre RMSPE "
        "ratio.",
        "zh": "排名{got}是从最小的比值数起的；第1名应为事后/事前RMSPE之比最大者。",
    },
    "placebo_rank_wrong": {
        "en": "Suqian's rank is not {got}: count the units whose post/pre RMSPE ratio is at "
        "least Suqian's, Suqian included.",
        "zh": "宿迁的排名不是{got}：数一数事后/事前RMSPE之比不小于宿迁的单位（包括宿迁本身）。",
    },
    "placebo_p_no_treated": {
        "en": "{got:.3f} = rank/{j} leaves Suqian itself out: the p-value divides by all "
        "{n} units, the treated one included.",
        "zh": "{got:.3f} = 排名/{j}漏掉了宿迁本身：p值的分母是全部{n}个单位（包括处理单位）。",
    },
    "placebo_p_wrong": {
        "en": "The p-value is not {got:.3f}: it is the rank divided by the number of units "
        "(Suqian and the placebos).",
        "zh": "p值不是{got:.3f}：它等于排名除以单位总数（宿迁加上所有安慰剂单位）。",
    },
    "placebo_verdict": {
        "en": "Rank and p-value are right, but p = {p:.3f} is {side} 0.10: significant should "
        "be {expected}.",
        "zh": "排名和p值正确，但p = {p:.3f}{side}0.10：significant应为{expected}。",
    },
    # 5 claim
    "claim_ok": {
        "en": "2010: {official:.2f} on the official basis (rounds to the claimed 2.7), "
        "{registered:.2f} on the consistent registered basis: the claim is "
        '"{status}". The fall from 2000 to 2010 rests largely on the 2009 change of '
        "denominator you found in exercise 1.",
        "zh": "2010年：官方口径{official:.2f}（四舍五入为报告的2.7），前后一致的户籍口径"
        "{registered:.2f}：结论是“{status}”。2000—2010年的下降很大程度上来自练习1中"
        "发现的2009年分母变化。",
    },
    "claim_status_unknown": {
        "en": "The status must be one of {statuses}.",
        "zh": "结论必须是以下之一：{statuses}。",
    },
    "claim_reproduced": {
        "en": "The official ratio matches 2.7, but the consistent (registered) one is "
        "{registered:.2f}: the number holds only on the basis that changed in 2009. "
        "Which status says that?",
        "zh": "官方口径的比值与2.7相符，但前后一致的（户籍）口径为{registered:.2f}：这个数字只在"
        "2009年改变过的口径上成立。哪个结论表达了这一点？",
    },
    "claim_contradicted": {
        "en": "The official series does give {official:.2f}, which rounds to 2.7: the number "
        "is reproduced, on some basis.",
        "zh": "官方数据确实给出{official:.2f}，四舍五入为2.7：这个数字在某种口径上可以重现。",
    },
    "claim_not_testable": {
        "en": "The panel can test it: `data.region_ratio(panel, basis=...)` gives the 2010 "
        "ratio on each basis.",
        "zh": "面板数据可以检验它：`data.region_ratio(panel, basis=...)`给出2010年各口径的比值。",
    },
    "claim_number": {
        "en": "The {which} ratio for 2010 is not {got:.3f}.",
        "zh": "2010年{which}口径的比值不是{got:.3f}。",
    },
    "claim_swapped": {
        "en": "The official and registered ratios are swapped.",
        "zh": "官方口径和户籍口径的比值颠倒了。",
    },
    "claim_resident": {
        "en": "{got:.2f} is the census resident basis; the exercise asks for the registered "
        "basis as the consistent one.",
        "zh": "{got:.2f}是普查常住人口口径；题目要求以户籍口径作为前后一致的口径。",
    },
}

STATUS_ZH = {
    "reproduced": "重现",
    "reproduced only on the official basis": "仅在官方口径上重现",
    "contradicted": "不符",
    "not testable": "无法检验",
}


def _say(key: str, lang: str, **fields) -> str:
    return MESSAGES[key][labels.check_lang(lang)].format(**fields)


# ------------------------------------------------------------------------------- check result
@dataclass
class CheckResult:
    """Outcome of :func:`check`: ``status`` is "correct", "wrong" or "unanswered"; ``message``
    says why, in ``lang``; ``reason`` names the case recognised (e.g. "beta_official").  True in a boolean context only when correct.  In a notebook it
    shows as a line of Markdown and carries a machine-readable copy (:data:`MIME`) that the
    workshop build reads to prove the solutions pass."""

    exercise: str
    status: str
    message: str
    lang: str = "en"
    reason: str = ""  # key of the message in MESSAGES: which answer or mistake it recognised

    @property
    def ok(self) -> bool:
        return self.status == "correct"

    def __bool__(self) -> bool:
        return self.ok

    def headline(self) -> str:
        key = {"correct": "correct", "wrong": "wrong", "unanswered": "unanswered"}[self.status]
        return "" if key == "unanswered" else _say(key, self.lang)

    def __str__(self) -> str:
        mark = {"correct": "✔", "wrong": "✘", "unanswered": "…"}[self.status]
        title = TASKS[self.exercise]["title"][self.lang]
        return f"{mark} {title}: {self.headline()} {self.message}".replace("  ", " ").strip()

    __repr__ = __str__

    def _repr_mimebundle_(self, include=None, exclude=None):
        mark = {"correct": "✅", "wrong": "❌", "unanswered": "⏳"}[self.status]
        title = TASKS[self.exercise]["title"][self.lang]
        head = self.headline()
        markdown = f"{mark} **{title}** — {('**' + head + '** ') if head else ''}{self.message}"
        return {
            "text/markdown": markdown,
            "text/plain": str(self),
            MIME: {"exercise": self.exercise, "status": self.status, "ok": self.ok},
        }


# ------------------------------------------------------------------------- expected answers
@cache
def _jiangsu() -> pd.DataFrame:
    from nanbei import data

    return data.load_city_panel("jiangsu")


def implied_ratio_by_year(panel: pd.DataFrame | None = None) -> pd.Series:
    """Median over the cities of (population implied by the official per-capita GDP) ÷
    (registered population), by year: about 1 while the official figures use registered
    population."""
    from nanbei import data

    panel = _jiangsu() if panel is None else panel
    ratio = data.implied_population(panel) / panel["pop_registered"]
    return ratio.groupby(panel["year"]).median().dropna()


def basis_switch_year(panel: pd.DataFrame | None = None, threshold: float = 0.03) -> int:
    """First year in which the official per-capita GDP implies a population more than
    ``threshold`` away from registered population (median of the cities)."""
    ratio = implied_ratio_by_year(panel)
    moved = ratio[(ratio - 1).abs() > threshold]
    if moved.empty:
        raise ValueError("basis_switch_year: the official figures never leave the registered basis")
    return int(moved.index.min())


def _sigma_2010(basis: str):
    from nanbei import convergence, data

    pc = data.per_capita_panel(_jiangsu(), basis=basis, prices="nominal")
    pc = pc[pc["year"] == THEIL_YEAR]
    return convergence.sigma(
        pc, unit="city_code", time="year", value="gdp_pc", weight="population", group="region"
    ).table.loc[THEIL_YEAR]


def _beta(basis: str, start: int, end: int = BETA_WINDOW[1]):
    from nanbei import convergence, data

    pc = data.per_capita_panel(_jiangsu(), basis=basis, prices="real")
    pc = pc[pc["year"].isin([start, end])]
    return convergence.beta(pc, unit="city_code", time="year", value="gdp_pc", start=start, end=end)


@cache
def placebo_example():
    """The synthetic control of exercise 4 and its in-space placebo test: Suqian from 2006 on
    log GDP per capita (registered basis, constant prices), 2001–2018 (before the 2019
    revisions), against the cities of Shandong, Anhui, Zhejiang and Henan with complete,
    break-free series.  Returns ``(synthetic_control_result, placebo_result)`` (cached)."""
    from nanbei import data, effects

    china = data.load_city_panel("china")
    p = PLACEBO
    pool = set(china.loc[china["province_en"].isin(p["donor_provinces"]), "city_code"])
    sample, _ = data.analysis_panel(
        china,
        "log_gdp_pc",
        start=p["start"],
        end=p["end"],
        basis="registered",
        prices="real",
        units=pool | {p["treated"]},
    )
    donors = sorted(set(sample["city_code"]) - {p["treated"]})
    sc = effects.synthetic_control(
        sample,
        unit="city_code",
        time="year",
        outcome="y",
        treated=p["treated"],
        treatment_time=p["treatment_year"],
        donors=donors,
    )
    return sc, sc.placebo_space(alpha=0.05)


def _region_ratio_2010(basis: str) -> float:
    from nanbei import data

    return float(
        data.region_ratio(_jiangsu(), "Sunan", "Subei", basis=basis, allow_incomplete=True).get(
            2010, np.nan
        )
    )


def expected(exercise: str) -> dict:
    """The expected answer of ``exercise``, computed from the shipped data, with what the
    messages need."""
    if exercise == "basis_switch":
        from nanbei import data

        year = basis_switch_year()
        declared = data.declared_breaks(
            "Jiangsu", "gdp_pc_official", start=year - 1, end=year, kinds="definition"
        )
        return {
            "year": year,
            "ratio": implied_ratio_by_year(),
            "break_id": declared["break_id"].iloc[0] if len(declared) else "—",
        }
    if exercise == "theil_2010":
        row = _sigma_2010("resident")
        return {
            "theil": float(row["theil_w"]),
            "share": float(row["theil_between_w"] / row["theil_w"]),
            "between": float(row["theil_between_w"]),
            "unweighted": float(row["theil"]),
            "registered": float(_sigma_2010("registered")["theil_w"]),
            "official": float(_sigma_2010("official")["theil_w"]),
        }
    if exercise == "beta":
        res = _beta("registered", BETA_WINDOW[0])
        official = _beta("official", BETA_WINDOW[0])
        from_2000 = _beta("registered", 2000)
        return {
            "slope": res.slope,
            "half_life": res.half_life,
            "speed": res.speed,
            "n": res.n_obs,
            "official": official,
            "from_2000": from_2000,
        }
    if exercise == "placebo":
        _, placebo = placebo_example()
        return {
            "rank": int(placebo.rank),
            "n": int(placebo.n_obs),
            "p_value": float(placebo.p_value),
            "significant": bool(placebo.p_value <= PLACEBO["alpha"]),
        }
    if exercise == "claim":
        from nanbei import claims, data

        claim = data.load_claims().set_index("claim_id").loc[CLAIM_ID]
        official, registered = _region_ratio_2010("official"), _region_ratio_2010("registered")
        return {
            "claimed": float(claim["value"]),
            "official": official,
            "registered": registered,
            "resident": _region_ratio_2010("resident"),
            "status": claims.ratio_status(float(claim["value"]), official, registered),
        }
    raise KeyError(f"unknown exercise {exercise!r}; exercises: {list(EXERCISES)}")


# ---------------------------------------------------------------------------------- checks
def _unanswered(answer) -> bool:
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, Mapping):
        return all(_unanswered(v) for v in answer.values())
    if isinstance(answer, (tuple, list)):
        return all(_unanswered(v) for v in answer)
    return False


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) or math.isinf(out) else None


def _close(a: float, b: float, rel: float = 0.0, abs_: float = 0.0) -> bool:
    if a is None or b is None:
        return False
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= max(abs_, rel * abs(b))


def _pair(answer, keys: tuple[str, str]):
    """(first, second) from a tuple/list of two or a dict with ``keys``; None if neither."""
    if isinstance(answer, Mapping):
        return tuple(answer.get(k) for k in keys)
    if isinstance(answer, (tuple, list)) and len(answer) == 2:
        return tuple(answer)
    return None


def _check_basis_switch(answer, lang):
    exp = expected("basis_switch")
    try:
        got = int(answer)
        if isinstance(answer, bool) or float(answer) != got:
            raise ValueError
    except (TypeError, ValueError):
        return "wrong", "not_a_year", dict(got=answer)
    ratio = exp["ratio"]
    year = exp["year"]
    at = float(ratio.get(got, np.nan))
    if got == year:
        return (
            "correct",
            "switch_ok",
            dict(
                year=year,
                prev=year - 1,
                after=ratio[year],
                before=ratio[year - 1],
                break_id=exp["break_id"],
            ),
        )
    if got == year - 1:
        return "wrong", "switch_last_old", dict(got=got, ratio=at)
    if got == 2010:
        return "wrong", "switch_census", dict(got=got, ratio=at)
    if got == 2020:
        return "wrong", "switch_rebenchmark", dict(got=got)
    return "wrong", "switch_other", dict(got=got, ratio=at)


THEIL_TOL, SHARE_TOL = 6e-4, 6e-3


def _check_theil(answer, lang):
    pair = _pair(answer, ("theil", "between_share"))
    if pair is None:
        return "wrong", "shape", dict(expected="(theil_2010, between_share)")
    theil, share = (_number(v) for v in pair)
    if theil is None or share is None:
        bad = pair[0] if theil is None else pair[1]
        return "wrong", "not_a_number", dict(what="theil_2010 / between_share", got=bad)
    exp = expected("theil_2010")
    if not _close(theil, exp["theil"], abs_=THEIL_TOL):
        if _close(theil, exp["unweighted"], abs_=THEIL_TOL):
            return "wrong", "theil_unweighted", dict(value=exp["unweighted"])
        for basis in ("registered", "official"):
            if _close(theil, exp[basis], abs_=THEIL_TOL):
                return (
                    "wrong",
                    "theil_basis",
                    dict(value=exp[basis], basis=labels.basis(basis, lang, short=True)),
                )
        if _close(theil, exp["between"], abs_=THEIL_TOL):
            return "wrong", "theil_between_part", dict(value=exp["between"])
        return "wrong", "theil_wrong", dict(got=theil)
    if 1 < share <= 100 and _close(share / 100, exp["share"], abs_=SHARE_TOL):
        return "wrong", "share_percent", dict(got=share, fraction=share / 100)
    if _close(share, exp["share"], abs_=SHARE_TOL):
        return (
            "correct",
            "theil_ok",
            dict(theil=exp["theil"], share=exp["share"], within=1 - exp["share"]),
        )
    if _close(share, exp["between"], abs_=THEIL_TOL):
        return "wrong", "share_part", dict(got=share)
    if _close(share, 1 - exp["share"], abs_=SHARE_TOL):
        return "wrong", "share_within", dict(got=share)
    return "wrong", "share_wrong", dict(got=share)


SLOPE_TOL, HALF_LIFE_REL = 1e-4, 0.02


def _check_beta(answer, lang):
    exp = expected("beta")
    if hasattr(answer, "slope") and hasattr(answer, "half_life"):
        n, start, end = int(answer.n_obs), int(answer.start), int(answer.end)
        if (start, end) == (2000, BETA_WINDOW[1]) and n < exp["n"]:
            return "wrong", "beta_start_2000", dict(n=n, slope=answer.slope)
        if (start, end) != BETA_WINDOW or n != exp["n"]:
            return "wrong", "beta_window", dict(start=start, end=end, n=n)
        answer = (answer.slope, answer.half_life)
    pair = _pair(answer, ("slope", "half_life"))
    if pair is None:
        return "wrong", "shape", dict(expected="(slope, half_life)")
    slope, half_life = (_number(v) for v in pair)
    if slope is None or half_life is None:
        bad = pair[0] if slope is None else pair[1]
        return "wrong", "not_a_number", dict(what="slope / half_life", got=bad)
    official, from_2000 = exp["official"], exp["from_2000"]
    if not _close(slope, exp["slope"], abs_=SLOPE_TOL):
        if _close(slope, official.slope, abs_=SLOPE_TOL):
            return (
                "wrong",
                "beta_official",
                dict(slope=official.slope, half_life=official.half_life),
            )
        if _close(slope, from_2000.slope, abs_=SLOPE_TOL):
            return "wrong", "beta_start_2000", dict(n=from_2000.n_obs, slope=from_2000.slope)
        if _close(-slope, exp["slope"], abs_=SLOPE_TOL):
            return "wrong", "beta_sign", dict()
        return "wrong", "beta_slope_wrong", dict(got=slope)
    if _close(half_life, exp["half_life"], rel=HALF_LIFE_REL):
        return (
            "correct",
            "beta_ok",
            dict(
                slope=exp["slope"],
                speed=exp["speed"],
                half_life=exp["half_life"],
                official_hl=official.half_life,
            ),
        )
    if _close(half_life, math.log(2) / abs(exp["slope"]), rel=HALF_LIFE_REL / 4):
        return "wrong", "half_life_naive", dict(got=half_life)
    if _close(half_life, exp["speed"], rel=0.01):
        return "wrong", "half_life_speed", dict(got=half_life)
    return "wrong", "half_life_wrong", dict(got=half_life)


def _check_placebo(answer, lang):
    if not isinstance(answer, Mapping) or not {"rank", "p_value", "significant"} <= set(answer):
        return "wrong", "shape", dict(expected='{"rank": ..., "p_value": ..., "significant": ...}')
    exp = expected("placebo")
    n, rank, p = exp["n"], exp["rank"], exp["p_value"]
    got_rank, got_p = _number(answer["rank"]), _number(answer["p_value"])
    if got_rank is None or got_p is None:
        return (
            "wrong",
            "not_a_number",
            dict(
                what="rank / p_value", got=answer["rank"] if got_rank is None else answer["p_value"]
            ),
        )
    if got_rank != rank:
        if got_rank == n + 1 - rank:
            return "wrong", "placebo_rank_reversed", dict(got=int(got_rank))
        return "wrong", "placebo_rank_wrong", dict(got=f"{got_rank:g}")
    if not _close(got_p, p, abs_=5e-4):
        if _close(got_p, rank / (n - 1), abs_=5e-4):
            return "wrong", "placebo_p_no_treated", dict(got=got_p, j=n - 1, n=n)
        return "wrong", "placebo_p_wrong", dict(got=got_p)
    significant = answer["significant"]
    if not isinstance(significant, (bool, np.bool_)) or bool(significant) != exp["significant"]:
        side = {
            "en": "above" if p > PLACEBO["alpha"] else "at most",
            "zh": "高于" if p > PLACEBO["alpha"] else "不超过",
        }[lang]
        return "wrong", "placebo_verdict", dict(p=p, side=side, expected=exp["significant"])
    key = "placebo_ok_significant" if exp["significant"] else "placebo_ok"
    return "correct", key, dict(rank=rank, n=n, p=p, p_min=1 / n)


def _status_name(status: str, lang: str) -> str:
    return status if lang == "en" else f"{STATUS_ZH[status]}（{status}）"


def _check_claim(answer, lang):
    from nanbei import claims

    exp = expected("claim")
    if isinstance(answer, str):
        answer = {"status": answer}
    if not isinstance(answer, Mapping) or "status" not in answer:
        return (
            "wrong",
            "shape",
            dict(expected='{"official": ..., "registered": ..., "status": ...}'),
        )
    for which, other in (("official", "registered"), ("registered", "official")):
        if answer.get(which) is None:
            continue
        got = _number(answer[which])
        if got is None:
            return "wrong", "not_a_number", dict(what=which, got=answer[which])
        if not _close(got, exp[which], abs_=0.006):
            if _close(got, exp[other], abs_=0.006):
                return "wrong", "claim_swapped", dict()
            if which == "registered" and _close(got, exp["resident"], abs_=0.006):
                return "wrong", "claim_resident", dict(got=got)
            return (
                "wrong",
                "claim_number",
                dict(got=got, which=labels.basis(which, lang, short=True)),
            )
    status = str(answer["status"]).strip().lower()
    if status not in claims.STATUSES:
        return (
            "wrong",
            "claim_status_unknown",
            dict(statuses="; ".join(f'"{s}"' for s in claims.STATUSES)),
        )
    if status == exp["status"]:
        return (
            "correct",
            "claim_ok",
            dict(
                official=exp["official"],
                registered=exp["registered"],
                status=_status_name(exp["status"], lang),
            ),
        )
    key = {
        "reproduced": "claim_reproduced",
        "contradicted": "claim_contradicted",
        "not testable": "claim_not_testable",
    }.get(status, "claim_reproduced")
    return "wrong", key, dict(official=exp["official"], registered=exp["registered"])


_CHECKS = {
    "basis_switch": _check_basis_switch,
    "theil_2010": _check_theil,
    "beta": _check_beta,
    "placebo": _check_placebo,
    "claim": _check_claim,
}


def check(exercise: str, answer, lang: str = "en") -> CheckResult:
    """Check ``answer`` to ``exercise`` (one of :data:`EXERCISES`): right or wrong, and why,
    in ``lang`` ("en" or "zh").  ``None`` (the participants' placeholder) counts as not yet
    answered, never as an error, so a participant's notebook runs from top to bottom."""
    labels.check_lang(lang)
    if exercise not in _CHECKS:
        raise KeyError(f"unknown exercise {exercise!r}; exercises: {list(EXERCISES)}")
    if _unanswered(answer):
        return CheckResult(exercise, "unanswered", _say("unanswered", lang), lang, "unanswered")
    status, reason, fields = _CHECKS[exercise](answer, lang)
    return CheckResult(exercise, status, _say(reason, lang, **fields), lang, reason)


class _Markdown:
    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def task(exercise: str, lang: str = "en"):
    """The task of ``exercise`` in ``lang``, shown as Markdown in a notebook."""
    labels.check_lang(lang)
    if exercise not in TASKS:
        raise KeyError(f"unknown exercise {exercise!r}; exercises: {list(EXERCISES)}")
    t = TASKS[exercise]
    return _Markdown(f"### {t['title'][lang]}\n\n{t['task'][lang]}")


def plot_bases(panel: pd.DataFrame | None = None, city=320500, ax=None, lang: str = "en"):
    """Per-capita GDP of one city on the official and the registered basis (and the census
    resident points), labelled in ``lang``: where the two series part is the switch."""
    import matplotlib.pyplot as plt

    from nanbei import data, plotting

    labels.check_lang(lang)
    panel = _jiangsu() if panel is None else panel
    code = labels.city_code(city)
    rows = panel[panel["city_code"] == code]
    with plotting.style():
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.6))
        for basis, style in (("official", "-o"), ("registered", "-s"), ("resident", "D")):
            values = data.per_capita(rows, basis=basis)
            ok = values.notna()
            ax.plot(
                rows.loc[ok, "year"],
                values[ok],
                style,
                ms=3 if basis != "resident" else 7,
                label=labels.basis(basis, lang),
            )
        ax.set_title(
            labels.text(
                "in_years",
                lang,
                what=labels.city(code, lang) + " · " + labels.variable("gdp_pc", lang),
                start=int(rows["year"].min()),
                end=int(rows["year"].max()),
            ),
            fontsize=10,
        )
        ax.set_ylabel(labels.variable("gdp_pc", lang, unit=True))
        ax.set_xlabel(labels.variable("year", lang))
        ax.legend(frameon=False, fontsize=8)
        plotting.year_axis(ax)
    from nanbei.maps import pin_fonts

    pin_fonts(ax)
    return ax


# ------------------------------------------------------------------ student / instructor copies
def _lines_without_solution(source: str, where: str) -> str:
    lines = source.split("\n")
    out, inside, found = [], False, False
    for line in lines:
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"{where}: nested {BEGIN}")
            inside, found = True, True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + STUB)
        elif stripped == END:
            if not inside:
                raise ValueError(f"{where}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{where}: {BEGIN} without {END}")
    return "\n".join(out) if found else STUB


def student_version(nb):
    """The participants' copy of a source notebook: code cells tagged ``solution`` keep only
    what lies outside ``### BEGIN SOLUTION`` / ``### END SOLUTION`` (the block becomes
    ``# Your code here``; a cell without markers becomes just that line), markdown cells
    tagged ``solution`` are removed, outputs are cleared and the tag is dropped."""
    nb = copy.deepcopy(nb)
    cells = []
    for i, cell in enumerate(nb.cells):
        tags = list(cell.get("metadata", {}).get("tags", []))
        if SOLUTION_TAG in tags:
            if cell.cell_type != "code":
                continue
            cell.source = _lines_without_solution(cell.source, f"cell {i}")
            tags.remove(SOLUTION_TAG)
            cell.metadata["tags"] = tags
        elif BEGIN in cell.source or END in cell.source:
            raise ValueError(f"cell {i}: solution markers in a cell not tagged {SOLUTION_TAG!r}")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    nb.cells = cells
    nb.metadata["nanbei_workshop"] = {"version": "student"}
    return nb


def instructor_version(nb):
    """The instructor's copy: the source with its solutions, outputs cleared."""
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []) and cell.cell_type == "code":
            _lines_without_solution(cell.source, f"cell {i}")  # markers must be balanced
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata["nanbei_workshop"] = {"version": "instructor"}
    return nb


def solution_lines(nb) -> list[str]:
    """The lines of every solution block and solution note of a source notebook that carry
    content (what must never reach the participants' copy).  Lines of brackets and commas
    alone, as the code formatter leaves them, say nothing and are left out."""
    found = []
    for cell in nb.cells:
        if SOLUTION_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type != "code":
            found += [ln.strip() for ln in cell.source.split("\n") if _has_content(ln)]
            continue
        inside = BEGIN not in cell.source
        for line in cell.source.split("\n"):
            s = line.strip()
            if s in (BEGIN, END):
                inside = s == BEGIN
            elif inside and _has_content(s):
                found.append(s)
    return found


def _has_content(line: str) -> bool:
    return any(ch.isalnum() for ch in line)


def check_results(executed_nb) -> list[dict]:
    """The :func:`check` results shown in an executed notebook (its :data:`MIME` outputs)."""
    out = []
    for cell in executed_nb.cells:
        for output in cell.get("outputs", []):
            record = output.get("data", {}).get(MIME)
            if record is not None:
                out.append(json.loads(record) if isinstance(record, str) else dict(record))
    return out


def execute(
    notebook: Path,
    output: Path,
    parameters: dict | None = None,
    kernel: str = "nanbei",
    timeout: int = 600,
):
    """Run one workshop notebook with papermill on ``kernel`` (over IPC sockets in a private
    folder on POSIX) in the notebook's folder; return the executed notebook."""
    import os
    import tempfile

    import nbformat
    import papermill
    from jupyter_client import AsyncKernelManager
    from jupyter_core.utils import ensure_event_loop

    from nanbei.runner.execute import IOPUB_TIMEOUT

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    runtime = Path(tempfile.mkdtemp(prefix="nanbei-ws-"))
    options: dict = {"kernel_name": kernel}
    if os.name == "posix":
        options.update(
            transport="ipc", ip=str(runtime / "k"), connection_file=str(runtime / "kernel.json")
        )
    loop = ensure_event_loop()
    km = AsyncKernelManager(**options)
    try:
        loop.run_until_complete(km.start_kernel(cwd=str(Path(notebook).parent)))
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters or {},
            kernel_name=kernel,
            km=km,
            progress_bar=False,
            execution_timeout=timeout,
            # papermill fails a cell whose output arrives more than 4 s after its reply (its
            # default); on a loaded machine that is a false failure.
            iopub_timeout=IOPUB_TIMEOUT,
        )
    finally:
        if loop.run_until_complete(km.is_alive()):
            loop.run_until_complete(km.shutdown_kernel(now=True))
        shutil.rmtree(runtime, ignore_errors=True)
    return nbformat.read(output, as_version=4)


def sources(source_dir: Path) -> list[Path]:
    """The workshop's source notebooks, in order (``[0-9]*.ipynb``)."""
    return sorted(Path(source_dir).glob("[0-9]*.ipynb"))


def build(
    source_dir: Path,
    output: Path,
    run_checks: bool = True,
    lang: str = "en",
    kernel: str = "nanbei",
    log=print,
) -> dict:
    """Write ``output/student`` (and its zip) and ``output/instructor`` from the source
    notebooks; with ``run_checks``, run the instructor copy and raise RuntimeError unless every
    exercise of :data:`EXERCISES` is checked and correct.  Returns a summary dict."""
    import nbformat

    source_dir, output = Path(source_dir), Path(output)
    notebooks = sources(source_dir)
    if not notebooks:
        raise FileNotFoundError(f"{source_dir}: no workshop notebooks ([0-9]*.ipynb)")
    student, instructor = output / "student", output / "instructor"
    for folder in (student, instructor):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        nbformat.write(student_version(nb), student / path.name)
        nbformat.write(instructor_version(nb), instructor / path.name)
    guide = source_dir / "INSTRUCTOR.md"
    if guide.exists():
        shutil.copy2(guide, instructor / guide.name)
    archive = output / "nanbei-workshop-student.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(student.glob("*.ipynb")):
            zf.write(path, f"nanbei-workshop/{path.name}")
    log(
        f"student copy: {student} ({len(notebooks)} notebooks, {archive.name}); "
        f"instructor copy: {instructor}"
    )
    checks: list[dict] = []
    summary = {
        "notebooks": [p.name for p in notebooks],
        "student": str(student),
        "instructor": str(instructor),
        "archive": str(archive),
        "checks": checks,
    }
    if run_checks:
        executed_dir = output / "instructor-executed"
        for path in sorted(instructor.glob("*.ipynb")):
            log(f"running {path.name} (lang={lang}) ...")
            executed = execute(path, executed_dir / path.name, {"lang": lang}, kernel)
            checks += [dict(r, notebook=path.name) for r in check_results(executed)]
        done = {r["exercise"]: r for r in checks}
        missing = [e for e in EXERCISES if e not in done]
        failed = [r for r in checks if not r["ok"]]
        if missing or failed:
            raise RuntimeError(
                f"workshop solutions do not pass: missing checks {missing}, "
                f"failed {[(r['notebook'], r['exercise'], r['status']) for r in failed]}"
            )
        log(f"every solution passes its check ({len(checks)} checks)")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m nanbei.workshop",
        description="Build the workshop's participants' and instructor's copies.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write student/ and instructor/ copies (and check them)")
    b.add_argument("source", type=Path, help="folder of the source notebooks")
    b.add_argument("--output", type=Path, default=Path("build/workshop"))
    b.add_argument(
        "--no-check",
        action="store_true",
        help="do not run the instructor copy to check the solutions",
    )
    b.add_argument("--lang", default="en", choices=labels.LANGS)
    b.add_argument("--kernel", default="nanbei")
    args = parser.parse_args(argv)
    try:
        build(
            args.source,
            args.output,
            run_checks=not args.no_check,
            lang=args.lang,
            kernel=args.kernel,
        )
    except (RuntimeError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
