"""The sentences of notebook 02 whose wording depends on a number, each chosen by a small function.

A notebook that types "Even the few-cluster-robust p-values reject" next to p = 0.050 says
more than its numbers.  Here every such sentence is picked by code that looks at the numbers,
with a test per branch (``tests/test_effects_prose.py``); the notebook only joins them.
p-values are printed with :func:`nanbei.effects._common.p_phrase`, whose rounding never
crosses ``alpha``.

Every function takes ``lang`` ("en", the default, or "zh"): the same choice of words, in English
or in Chinese.  Nouns and names passed in (``noun``, ``name``, ``what``, ``source``, ``group``)
must then be in that language too; left out, they default to the wording of ``lang``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from nanbei.effects._common import p_phrase

__all__ = [
    "count_phrase",
    "share_phrase",
    "listing",
    "ratio_phrase",
    "synth_finding",
    "sdid_finding",
    "in_time_placebo_finding",
    "pretrend_finding",
    "honest_finding",
    "did_caveat",
    "donor_pool_sentence",
    "revision_sentence",
    "no_placebo_sentence",
    "no_honest_sentence",
    "band_phrase",
    "employment_sentence",
    "sentences",
]

_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _zh(lang: str) -> bool:
    from nanbei.labels import check_lang

    return check_lang(lang) == "zh"


def _subei(lang: str) -> str:
    from nanbei.labels import region

    return region("Subei", lang)


def count_phrase(n: int, noun: str, plural: str | None = None, *, lang: str = "en") -> str:
    """ "five cities", "one city", "12 cities": numbers up to ten in words.  Chinese (``noun``
    a Chinese noun): "5个城市"."""
    n = int(n)
    if _zh(lang):
        return f"{n}个{noun}"
    word = _WORDS[n] if 0 <= n <= 10 else f"{n:,}"
    return f"{word} {noun if n == 1 else (plural or noun + 's')}"


def share_phrase(k: int, n: int, noun: str, plural: str | None = None, *, lang: str = "en") -> str:
    """ "all three fake dates", "two of the 3 fake dates", "one of the 4 cells".  Chinese:
    "全部3个虚假日期", "3个虚假日期中的2个", "3个虚假日期中没有一个"."""
    if _zh(lang):
        if k == 0:
            return f"{n}个{noun}中没有一个"
        if n > 1 and k == n:
            return f"全部{n}个{noun}"
        return f"{n}个{noun}中的{k}个"
    many = plural or noun + "s"
    if k == 0:
        return f"none of the {n} {many if n != 1 else noun}"
    if n > 1 and k == n:
        return (
            f"{'both' if n == 2 else 'all ' + count_phrase(n, noun, plural).split(' ')[0]} {many}"
        )
    return f"{count_phrase(k, noun, plural).split(' ')[0]} of the {n} {many if n != 1 else noun}"


def listing(items: Sequence[str], *, lang: str = "en") -> str:
    """ "a", "a and b", "a, b and c"; Chinese "a和b", "a、b和c"."""
    items = [str(i) for i in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if _zh(lang):
        return "、".join(items[:-1]) + "和" + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _e(e) -> str:
    return f"e = {int(e)}".replace("-", "−")


def sentences(parts: Sequence[str], *, lang: str = "en") -> str:
    """Sentences joined into a paragraph: by a space in English, with nothing between them in
    Chinese (a Chinese sentence ends in "。"); empty parts are skipped.

    >>> sentences(["One.", "", "Two."]), sentences(["一。", "二。"], lang="zh")
    ('One. Two.', '一。二。')
    """
    return ("" if _zh(lang) else " ").join(p for p in parts if p)


def ratio_phrase(sc, *, lang: str = "en") -> str:
    """The post/pre RMSPE ratio, or why it is not meaningful (a near-exact pre-treatment fit is
    reported as such, never as a ratio of 1e14)."""
    if _zh(lang):
        if sc.ratio_capped:
            return (
                f"处理前拟合近乎完全（RMSPE {sc.pre_rmspe:.2g}，低于下限{sc.rmspe_floor:.2g}），"
                f"因此处理后/处理前RMSPE之比没有意义；按下限计算为{sc.post_pre_ratio:.3g}"
            )
        return f"处理后/处理前RMSPE之比为{sc.post_pre_ratio:.2f}"
    if sc.ratio_capped:
        return (
            f"the pre-treatment fit is near exact (RMSPE {sc.pre_rmspe:.2g}, below the floor "
            f"{sc.rmspe_floor:.2g}), so the post/pre RMSPE ratio is not meaningful; with the "
            f"floor it would be {sc.post_pre_ratio:.3g}"
        )
    return f"post/pre RMSPE ratio {sc.post_pre_ratio:.2f}"


def synth_finding(sc, placebo, name: str, alpha: float = 0.05, *, lang: str = "en") -> str:
    """What the synthetic control finds, in one plain statement with its caveats."""
    n = placebo.n_obs
    year = _fmt(sc.treatment_time)
    gap = sc.mean_post_gap
    zh = _zh(lang)
    if 1 / n > alpha:
        head = (
            f"安慰剂检验只有{n}个单位，可达到的最小p值为{1 / n:.3f}，高于{alpha:g}：合成控制在此"
            f"无法把任何效应与安慰剂区分开（p = {placebo.p_value:.3f}）。"
            if zh
            else f"With {count_phrase(n, 'unit')} in the placebo test the smallest attainable "
            f"p-value is {1 / n:.3f}, above {alpha:g}: the synthetic control cannot "
            f"distinguish any effect from placebo here (p = {placebo.p_value:.3f})."
        )
    elif placebo.p_value <= alpha:
        head = (
            f"合成控制发现了安慰剂城市不会产生的差距：{name}的处理后/处理前RMSPE之比在{n}个单位"
            f"中排第{placebo.rank}位（{p_phrase(placebo.p_value, alpha)}）；{year}年后的平均差距"
            f"为{gap:+.3f}。"
            if zh
            else f"The synthetic control finds a gap the placebo cities do not produce: "
            f"{name}'s post/pre RMSPE ratio ranks {placebo.rank} of {n} "
            f"({p_phrase(placebo.p_value, alpha)}); the mean gap after {year} is {gap:+.3f}."
        )
    else:
        head = (
            f"合成控制没有发现可与安慰剂区分的结果：{name}的处理后/处理前RMSPE之比在{n}个单位中"
            f"排第{placebo.rank}位（{p_phrase(placebo.p_value, alpha)}），因此其{year}年后"
            f"{gap:+.3f}的平均差距正是对照城市在没有任何政策时也会出现的差距。"
            if zh
            else f"The synthetic control finds nothing distinguishable from placebo: {name}'s "
            f"post/pre RMSPE ratio ranks {placebo.rank} of {n} "
            f"({p_phrase(placebo.p_value, alpha)}), so its mean gap of {gap:+.3f} after "
            f"{year} is the kind of gap the comparison cities show without any policy."
        )
    tail = []
    if sc.short_pre_period:
        tail.append(
            f"只有{sc.n_pre_periods}个处理前年份而有{len(sc.weights)}个对照城市，拟合接近于插值，"
            "对反事实几乎证明不了什么。"
            if zh
            else f"With {count_phrase(sc.n_pre_periods, 'pre-treatment year')} for "
            f"{count_phrase(len(sc.weights), 'donor')} the fit is close to "
            "interpolation and proves little about the counterfactual."
        )
    if sc.ratio_capped:
        tail.append(
            "处理前拟合近乎完全，因此该比值使用RMSPE下限。"
            if zh
            else "The pre-treatment fit is near exact, so the ratio uses the RMSPE floor."
        )
    return sentences([head, *tail], lang=lang)


def sdid_finding(res, name: str, alpha: float = 0.05, *, lang: str = "en") -> str:
    """The synthetic DiD estimate with its placebo inference.  With fewer placebo controls than
    ``1 / alpha - 1`` the rank test cannot reach ``alpha`` and a standard error from so few
    placebos is crude, so no rejection is claimed from the normal approximation."""
    lo, hi = res.ci
    p = res.p_value
    zh = _zh(lang)
    head = (
        f"合成双重差分对{name}的估计值为{res.estimate:+.3f}"
        if zh
        else f"Synthetic DiD estimates {res.estimate:+.3f} for {name}"
    )
    if not np.isfinite(p):
        return head + (
            "；没有可用的安慰剂标准误。" if zh else "; no placebo standard error is available."
        )
    k = res.n_placebos
    level = f"{100 * (1 - alpha):.0f}%"
    stats_text = (
        f"安慰剂标准误{res.se:.3f}，{level}置信区间[{lo:+.3f}, {hi:+.3f}]，正态近似{p_phrase(p, alpha)}"
        if zh
        else f"placebo s.e. {res.se:.3f}, {level} CI [{lo:+.3f}, "
        f"{hi:+.3f}], normal {p_phrase(p, alpha)}"
    )
    if (k + 1) * alpha < 1:
        if zh:
            return (
                f"{head}（{stats_text}），但只有{k}个对照单位可作安慰剂，这个标准误很粗糙，秩检验"
                f"无法在{100 * alpha:g}%水平上拒绝（可达到的最小p = {1 / (k + 1):.3f}；此处"
                f"p = {res.p_value_placebo:.3f}）：该估计值与安慰剂无法区分。"
            )
        return (
            f"{head} ({stats_text}), but with only {count_phrase(k, 'control')} to treat as "
            f"placebos that standard error is crude and the rank test cannot reject at "
            f"{100 * alpha:g}% (smallest attainable p = {1 / (k + 1):.3f}; here "
            f"p = {res.p_value_placebo:.3f}): the estimate is not distinguishable from "
            "placebo."
        )
    if zh:
        verdict = "拒绝" if p <= alpha else "不拒绝"
        return (
            f"{head}（{stats_text}）：在{100 * alpha:g}%水平上{verdict}零效应；"
            f"{_placebo_rank_text(res, lang)}"
        )
    verdict = "rejects" if p <= alpha else "does not reject"
    return (
        f"{head} ({stats_text}): it {verdict} a zero effect at {100 * alpha:g}%; "
        f"{_placebo_rank_text(res, lang)}"
    )


def _placebo_rank_text(res, lang: str = "en") -> str:
    k = res.n_placebos
    hits = int(round(res.p_value_placebo * (k + 1))) - 1
    if _zh(lang):
        return f"{k}个安慰剂估计值（依次把各对照单位当作处理单位）中有{hits}个的绝对值至少同样大。"
    return (
        f"{hits} of the {k} placebo estimates (controls treated in turn) "
        f"{'is' if hits == 1 else 'are'} at least as large in absolute value."
    )


def in_time_placebo_finding(r, what: str | None = None, *, lang: str = "en") -> str:
    """Conclusion of an in-time placebo: do fake dates reject, and how does the real estimate
    compare with the placebo distribution?  ``what`` names the design ("the DiD" / "双重差分"
    when left out)."""
    zh = _zh(lang)
    if what is None:
        what = "双重差分" if zh else "the DiD"
    k = r.n_placebos
    m = r.n_rejections
    dates = [_fmt(f) for f in r.table.index]
    if zh:
        span = f"{dates[0]}—{dates[-1]}年" if k > 1 else f"{dates[0]}年"
    else:
        span = f"{dates[0]}–{dates[-1]}" if k > 1 else dates[0]
    pmin = float(r.table["p_value"].min())
    real_p = r.actual_p_value
    real_rejects = np.isfinite(real_p) and real_p <= r.alpha
    t0 = _fmt(r.treatment_time)
    if m:
        rej = [_fmt(f) for f, p in r.p_values.items() if p <= r.alpha]
        head = (
            f"在{share_phrase(m, k, '虚假日期', lang=lang)}（{listing(rej, lang=lang)}年），安慰剂检验"
            f"在{100 * r.alpha:g}%水平上拒绝零效应，尽管当时什么也没有发生：{what}在{t0}年之前的"
            "年份里发现了“效应”，因此早于政策的趋势也可能在真实日期产生这一估计值。"
            if zh
            else f"At {share_phrase(m, k, 'fake date')} ({listing(rej)}) the placebo rejects a zero effect at {100 * r.alpha:g}%, "
            f"although nothing happened then: {what} finds 'effects' in the years before "
            f"{t0}, so a trend that predates the policy can produce the "
            "estimate at the real date too."
        )
    elif real_rejects:
        head = (
            f"{k}个虚假日期（{span}）都不拒绝（最小的安慰剂{p_phrase(pmin, r.alpha)}），而真实日期"
            f"拒绝（{p_phrase(real_p, r.alpha)}）：在{t0}年之前没有效应的年份里，{what}也没有发现"
            "效应。"
            if zh
            else f"None of the {k} fake dates ({span}) rejects (smallest placebo "
            f"{p_phrase(pmin, r.alpha)}), while the real date does ({p_phrase(real_p, r.alpha)}): "
            f"in the years before {t0} {what} finds no effect where there "
            "was none."
        )
    elif zh:
        head = (
            f"{k}个虚假日期（{span}；最小的安慰剂{p_phrase(pmin, r.alpha)}）和真实日期"
            + (f"（{p_phrase(real_p, r.alpha)}）" if np.isfinite(real_p) else "")
            + "都不拒绝零效应。"
        )
    else:
        head = (
            f"Neither the {k} fake dates ({span}; smallest placebo "
            f"{p_phrase(pmin, r.alpha)}) nor the real date"
            + (f" ({p_phrase(real_p, r.alpha)})" if np.isfinite(real_p) else "")
            + " rejects a zero effect."
        )
    rank = r.rank_p_value
    if not np.isfinite(rank):
        return head
    est = r.table["estimate"].to_numpy(float)
    real = r.actual_estimate
    if m and real != 0 and np.all(np.sign(est) == -np.sign(real)):
        if zh:
            trend = "相对对照单位不断落后" if real > 0 else "不断追近对照单位"
            head += (
                f"每个安慰剂估计值都与真实估计值（{real:+.3f}）符号相反：{t0}年之前处理单位"
                f"{trend}，真实日期的估计值衡量的是其路径的转折，而这一转折未必是政策造成的。"
            )
        else:
            trend = "falling behind" if real > 0 else "gaining on"
            head += (
                f" Every placebo estimate has the opposite sign to the real one ({real:+.3f}): "
                f"before {t0} the treated units were {trend} the comparison "
                "units, and the estimate at the real date measures a turn in their path, which "
                "the policy may or may not have caused."
            )
    bigger = int(round(rank * (k + 1))) - 1
    if bigger == 0:
        comp = (
            f"真实估计值（{real:+.3f}）的绝对值大于每一个安慰剂估计值（秩p = {rank:.3f}，这是"
            f"{k}个虚假日期下可能的最小值）。"
            if zh
            else f"The real estimate ({r.actual_estimate:+.3f}) is larger in absolute value than "
            f"every placebo estimate (rank p = {rank:.3f}, the smallest possible with "
            f"{count_phrase(k, 'fake date')})."
        )
    elif zh:
        comp = (
            f"有{bigger}个安慰剂估计值的绝对值至少与真实估计值（{real:+.3f}；秩p = {rank:.3f}）"
            "同样大。"
        )
    else:
        comp = (
            f"{count_phrase(bigger, 'placebo estimate').capitalize()} "
            f"{'is' if bigger == 1 else 'are'} at least as large in absolute value as the "
            f"real one ({r.actual_estimate:+.3f}; rank p = {rank:.3f})."
        )
    return sentences([head, comp], lang=lang)


def no_placebo_sentence(what: str, n_pre: int, min_pre: int = 2, *, lang: str = "en") -> str:
    """Why no in-time placebo could be run."""
    if _zh(lang):
        return (
            f"{what}无法做时间上的安慰剂检验：处理前的{n_pre}个年份中，没有一个虚假日期既有"
            f"{min_pre}个更早的年份又有一个更晚的年份。"
        )
    return (
        f"No placebo in time for {what}: the {count_phrase(n_pre, 'year')} before the "
        f"treatment leave no fake date with {count_phrase(min_pre, 'earlier year')} and one "
        "later year."
    )


#: Names of the joint pre-trend tests (:class:`nanbei.effects.PreTrendTest`) that are words, not
#: a formula like "F(4, 30)".
_TEST_NAMES_ZH = {"Wald (chi-squared)": "Wald卡方检验"}


def pretrend_finding(
    cells: pd.DataFrame,
    test,
    alpha: float = 0.05,
    source: str | None = None,
    *,
    group: str | None = None,
    lang: str = "en",
) -> str:
    """Discuss the significant pre-period cells and the joint test.

    ``cells``: pre-period rows indexed by event time with ``ci_low``/``ci_high`` (or
    ``conf_low``/``conf_high``); ``test``: a :class:`PreTrendTest`; ``source`` names the event
    study (default: the Callaway–Sant'Anna one); ``group`` the treated group (default: Subei).
    """
    zh = _zh(lang)
    if source is None:
        source = "Callaway–Sant'Anna事件研究" if zh else "the Callaway–Sant'Anna event study"
    if group is None:
        group = _subei(lang)
    lo = cells["ci_low"] if "ci_low" in cells else cells["conf_low"]
    hi = cells["ci_high"] if "ci_high" in cells else cells["conf_high"]
    sig = [e for e, a, b in zip(cells.index, lo, hi, strict=True) if a > 0 or b < 0]
    n = len(cells)
    level = f"{100 * (1 - alpha):.0f}%"
    if sig and zh:
        first = (
            f"在{source}中，{share_phrase(len(sig), n, '政策前系数', lang=lang)}"
            f"（{listing([_e(e) for e in sig], lang=lang)}）的{level}置信区间不含零："
            f"{group}在政策之前就已经在偏离对照城市。"
        )
    elif sig:
        first = (
            f"In {source}, {share_phrase(len(sig), n, 'pre-period cell')} "
            f"({listing([_e(e) for e in sig])}) {'has' if len(sig) == 1 else 'have'} a "
            f"{level} interval excluding zero: {group} was already moving "
            "apart from the comparison cities before the policy."
        )
    elif zh:
        first = f"在{source}中，没有一个政策前系数的{level}置信区间不含零。"
    else:
        first = f"In {source}, no pre-period cell's {level} interval excludes zero."
    boot = test.p_value_bootstrap
    joint_p = boot if np.isfinite(boot) else test.p_value
    if zh:
        test_name = _TEST_NAMES_ZH.get(test.test, test.test)
        which = "联合Wald检验的野聚类自助法" if np.isfinite(boot) else f"联合检验（{test_name}）"
    else:
        which = (
            "the wild cluster bootstrap of the joint Wald test"
            if np.isfinite(boot)
            else f"the joint test ({test.test})"
        )
    p_text = p_phrase(joint_p, alpha)
    if joint_p <= alpha:
        second = (
            f"政策前效应联合显著（{which}：{p_text}）：平行趋势被拒绝，政策后的估计值混合了政策"
            "与此前的漂移。"
            if zh
            else f"Jointly the pre-period effects are significant ({which}: "
            f"{p_text}): parallel trends are rejected, and post-period "
            "estimates mix the policy with the earlier drift."
        )
    elif sig:
        second = (
            f"但联合来看它们并不显著（{which}：{p_text}）：多个系数中有个别显著正是偶然会产生的"
            "结果，不过处理城市很少，联合检验无论哪个方向的检验力都很弱。"
            if zh
            else f"Jointly, however, they are not significant ({which}: "
            f"{p_text}): individually significant cells among several "
            "are what chance produces, though with few treated cities the joint test has "
            "little power either way."
        )
    else:
        second = (
            f"联合检验也不拒绝（{which}：{p_text}），处理城市很少，这只是微弱的保证。"
            if zh
            else f"The joint test does not reject either ({which}: {p_text}), "
            "a weak reassurance with few treated cities."
        )
    return f"{first}{second}" if zh else f"{first} {second}"


def honest_finding(rm, sd=None, *, lang: str = "en") -> str:
    """Breakdown values of the Rambachan-Roth sensitivity analysis, in words.  In Chinese the
    result's ``label`` is translated when it is one of the labels nanbei sets, shown as given
    otherwise."""
    if _zh(lang):
        return _honest_finding_zh(rm, sd)
    lo, hi = rm.original
    if lo <= 0 <= hi:
        return (
            f"The conventional interval for the {rm.label} [{lo:+.3f}, {hi:+.3f}] already "
            "contains zero, so there is no significant effect whose robustness to "
            "violations of parallel trends could be assessed."
        )
    parts = []
    if rm.breakdown == 0:
        parts.append(
            f"Allowing post-policy deviations from parallel trends of any size relative to "
            f"the pre-policy ones (even Mbar = 0 does not exclude zero), the {rm.label} is "
            "no longer significant"
        )
    elif rm.breakdown_censored:
        parts.append(
            f"The {rm.label} stays significant for every Mbar searched (up to "
            f"{rm.breakdown:.2f}) under relative magnitudes"
        )
    else:
        parts.append(
            f"Under relative magnitudes the {rm.label} stays significant only if "
            f"post-policy deviations from parallel trends are at most "
            f"{rm.breakdown:.2f} times the largest pre-policy one (breakdown Mbar = "
            f"{rm.breakdown:.2f})"
        )
    if sd is not None and np.isfinite(sd.breakdown):
        if sd.breakdown == 0:
            parts.append(
                "under smoothness it is not significant even with an exactly linear "
                "extrapolation of the pre-trend (M = 0)"
            )
        elif sd.breakdown_censored:
            parts.append(
                f"under smoothness it survives every M searched (up to {sd.breakdown:.3g})"
            )
        else:
            parts.append(
                f"under smoothness the breakdown is M = {sd.breakdown:.3g} (the change in "
                "the slope of the trend gap per year that would explain it away)"
            )
    return "; ".join(parts) + "."


def _honest_finding_zh(rm, sd) -> str:
    from nanbei.effects.honest import label_text

    label = label_text(rm.label, "zh")
    lo, hi = rm.original
    if lo <= 0 <= hi:
        return (
            f"{label}的常规区间[{lo:+.3f}, {hi:+.3f}]已经包含零，因此不存在可以评估其对平行趋势"
            "偏离之稳健性的显著效应。"
        )
    if rm.breakdown == 0:
        parts = [
            f"只要允许政策后对平行趋势的偏离相对于政策前有任何大小（即使Mbar = 0也不排除零），"
            f"{label}就不再显著"
        ]
    elif rm.breakdown_censored:
        parts = [f"在相对幅度约束下，{label}在搜索的所有Mbar（最高{rm.breakdown:.2f}）下都保持显著"]
    else:
        parts = [
            f"在相对幅度约束下，只有当政策后对平行趋势的偏离不超过政策前最大偏离的"
            f"{rm.breakdown:.2f}倍时，{label}才保持显著（临界值Mbar = {rm.breakdown:.2f}）"
        ]
    if sd is not None and np.isfinite(sd.breakdown):
        if sd.breakdown == 0:
            parts.append("在平滑度约束下，即使把政策前趋势严格线性外推（M = 0）也不显著")
        elif sd.breakdown_censored:
            parts.append(f"在平滑度约束下，它在搜索的所有M（最高{sd.breakdown:.3g}）下都保持显著")
        else:
            parts.append(
                f"在平滑度约束下临界值为M = {sd.breakdown:.3g}（足以解释掉该效应的、趋势差距"
                "斜率每年的变化）"
            )
    return "；".join(parts) + "。"


def no_honest_sentence(n_pre: int, *, lang: str = "en") -> str:
    """Why the Rambachan-Roth bounds are not computed."""
    if _zh(lang):
        return (
            f"Rambachan–Roth界需要参照年份以外至少两个政策前系数；该窗口只有{n_pre}个，"
            "因此不予计算。"
        )
    return (
        f"The Rambachan–Roth bounds need at least two pre-period coefficients besides the "
        f"reference year; this window has {count_phrase(n_pre, 'coefficient')}, so they are "
        "not computed."
    )


def did_caveat(
    p_values: Mapping[str, float],
    pretrends_doubtful: bool,
    year,
    alpha: float = 0.05,
    *,
    group: str | None = None,
    lang: str = "en",
) -> str:
    """What a rejection (or none) of the simple DiD can and cannot say; ``group`` names the
    treated group (default: Subei)."""
    zh = _zh(lang)
    if group is None:
        group = _subei(lang)
    clean = [p for p in p_values.values() if p is not None and not math.isnan(p)]
    any_rejects = any(p <= alpha for p in clean)
    if any_rejects and zh:
        return f"即使检验拒绝，也无法把园区与{_fmt(year)}年后使{group}与众不同的其他因素区分开" + (
            "，而上文的政策前趋势削弱了任何因果解读。" if pretrends_doubtful else "。"
        )
    if any_rejects:
        text = (
            f"Where a test rejects, it still cannot tell the parks from anything else that "
            f"set {group} apart after {_fmt(year)}"
        )
        return text + (
            ", and the pre-trends above weaken any causal reading." if pretrends_doubtful else "."
        )
    if zh:
        return (
            f"没有一个对少数聚类稳健的检验拒绝零效应，因此数据并未显示{_fmt(year)}年的政策改变了"
            f"{group}的路径"
            + ("，而且政策前趋势本来也会模糊任何效应。" if pretrends_doubtful else "。")
        )
    return (
        "No few-cluster-robust test rejects a zero effect, so the data do not show that the "
        f"policy of {_fmt(year)} changed {group}'s path"
        + (", and the pre-trends would blur any effect anyway." if pretrends_doubtful else ".")
    )


def donor_pool_sentence(
    rule: str, excluded: pd.DataFrame, names: Mapping, start, end, *, lang: str = "en"
) -> str:
    """Which comparison cities the exclusion rule left out, and why (``names``: city code ->
    name in ``lang``)."""
    zh = _zh(lang)
    if rule == "none":
        return (
            "没有因竞争性政策而剔除任何对照城市（`exclude_donors='none'`）；下表显示各剔除规则"
            "带来的变化。"
            if zh
            else "No comparison city is left out for a competing policy (`exclude_donors='none'`); "
            "the table below shows what the exclusion rules change."
        )
    if excluded.empty:
        return (
            f"规则`{rule}`：样本中没有对照城市受到{_fmt(end)}年之前开始的此类政策影响。"
            if zh
            else f"Rule '{rule}': no comparison city in the sample was touched by such a policy "
            f"begun by {_fmt(end)}."
        )
    form = "{name}（{policy}）" if zh else "{name} ({policy})"
    items = [
        form.format(name=names.get(c, c), policy=p)
        for c, p in zip(excluded["city_code"], excluded["policies"], strict=True)
    ]
    if zh:
        return (
            f"规则`{rule}`剔除了{len(items)}个受到{_fmt(end)}年之前开始的可比政策影响的对照城市："
            f"{listing(items, lang=lang)}。"
        )
    return (
        f"Rule '{rule}' leaves out {count_phrase(len(items), 'comparison city', 'comparison cities')} "
        f"touched by a comparable policy begun by {_fmt(end)}: {listing(items)}."
    )


def revision_sentence(
    revisions: pd.DataFrame, mode: str, requested_end, end, cutoff, *, lang: str = "en"
) -> str:
    """How the window treats province-specific revisions of the outcome's series."""
    zh = _zh(lang)
    if revisions.empty:
        return (
            "窗口内没有结果变量序列的分省修订。"
            if zh
            else "No province-specific revision of the outcome's series lies in the window."
        )
    ids = ("、" if zh else ", ").join(revisions["break_id"])
    if mode == "truncate":
        if zh:
            return (
                f"所要求的窗口截至{requested_end}年，但{cutoff + 1}年的分省修订（{ids}）在各省以"
                f"不同幅度重新调整了结果变量序列的水平，因此分析截至**{end}年**。"
                "`revisions='keep'`保留之后的年份。"
            )
        return (
            f"The window asked for ends in {requested_end}, but the province-specific revisions "
            f"of {cutoff + 1} ({ids}) re-level the outcome's series by different amounts in each "
            f"province, so the analysis ends in **{end}**. `revisions='keep'` keeps the later "
            "years."
        )
    if zh:
        return (
            f"**注意：**窗口跨越了{cutoff + 1}年的分省修订（{ids}）；此后的估计值混合了修订与"
            "任何效应（`revisions='truncate'`在修订之前结束窗口）。"
        )
    return (
        f"**Caution:** the window crosses province-specific revisions in {cutoff + 1} ({ids}); "
        "estimates after them mix the revision with any effect (`revisions='truncate'` ends "
        "the window before them)."
    )


def band_phrase(
    band: Mapping, n_placebos: int, year, alpha: float = 0.05, *, lang: str = "en"
) -> str:
    """The placebo band of the mean post-treatment gap, or why it is unbounded."""
    lo, hi = float(band["conf_low"]), float(band["conf_high"])
    level = f"{100 * (1 - alpha):.0f}%"
    zh = _zh(lang)
    if np.isfinite(lo) and np.isfinite(hi):
        if zh:
            return f"{_fmt(year)}年后平均差距的{level}安慰剂区间为[{lo:+.4f}, {hi:+.4f}]"
        return (
            f"the {level} placebo band for the mean post-{_fmt(year)} gap is [{lo:+.4f}, {hi:+.4f}]"
        )
    need = math.ceil(1 / alpha - 1)
    if zh:
        return f"只有{n_placebos}个安慰剂，平均差距的{level}安慰剂区间无界（至少需要{need}个）"
    return (
        f"with {count_phrase(n_placebos, 'placebo')} the {level} placebo band of the mean gap "
        f"is unbounded (at least {need} are needed)"
    )


def employment_sentence(
    change: float, n_cities: int, start, end, break_year=None, *, lang: str = "en"
) -> str:
    """Change in unit employment of the treated cities, stopping at a definitional break."""
    if _zh(lang):
        text = (
            f"{n_cities}个苏北城市的单位就业人数在{_fmt(start)}年至{_fmt(end)}年间变化了"
            f"{change:+.1f}万人"
        )
        if break_year is not None:
            text += f"（该序列在{_fmt(break_year)}年改变定义，此后的年份不可比）"
        return text + "，这一数字混合了所有就业增长来源；第3号笔记本详细考察就业与工资。"
    text = (
        f"Unit employment in the {count_phrase(n_cities, 'Subei city', 'Subei cities')} changed "
        f"by {change:+.1f} 万 (10k persons) between {_fmt(start)} and {_fmt(end)}"
    )
    if break_year is not None:
        text += (
            f" (the series changes definition in {_fmt(break_year)}, so later years are not "
            "comparable)"
        )
    return (
        text
        + ", a figure that mixes every source of job growth; notebook 3 looks at jobs and wages in detail."
    )


def _fmt(v) -> str:
    try:
        f = float(v)
        return str(int(f)) if f.is_integer() else str(v)
    except (TypeError, ValueError):
        return str(v)
