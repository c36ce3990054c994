"""Sentences whose wording depends on a number, for the convergence notebook.

A notebook must never print "rejects" next to p = 0.07, "falls" next to a rise, or "ranks 1 of
14" for a province that was not ranked.  Every phrase whose words depend on a number is chosen
here, by a small function with a test for each branch (``tests/test_convergence_prose.py``), and
quotes the numbers it is based on, so the text cannot contradict the figures printed beside it.

Every function takes ``lang`` ("en", the default, or "zh"): the same choice of words, in
English or in Chinese; nouns passed in (``singular``, ``noun``, ``hypothesis``...) must then be
in that language too.

Conventions: p-values are printed with :func:`nanbei.wording.format_p`'s rounding (never across
``alpha``); a test rejects when ``p <= alpha``; changes are judged on the printed (rounded)
numbers, so "falls from 0.52 to 0.52" cannot happen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from nanbei.wording import format_p, p_phrase

__all__ = [
    "basis_attribution",
    "change_noun",
    "change_phrase",
    "club_list",
    "consistent_bases_phrase",
    "count_phrase",
    "direction_word",
    "dropped_phrase",
    "dominance_phrase",
    "format_p",
    "half_life_phrase",
    "log_t_phrase",
    "ordinal",
    "p_phrase",
    "plural",
    "rank_among",
    "rank_phrase",
    "rejection_phrase",
    "sigma_trend_phrase",
    "speed_phrase",
    "theil_weighting_explanation",
]


def _zh(lang: str) -> bool:
    from nanbei.labels import check_lang

    return check_lang(lang) == "zh"


def _finite(x) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- counting words


def plural(n: int, singular: str, plural_form: str | None = None, *, lang: str = "en") -> str:
    """``"1 club"``, ``"2 clubs"``, ``"0 cities"`` (``plural_form`` for irregular nouns); in
    Chinese, with ``singular`` a Chinese noun, ``"2个俱乐部"``."""
    if _zh(lang):
        return f"{n}个{singular}"
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n} {word}"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``12th``, ``13th``, ``21st``, ``112th``."""
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def count_phrase(
    k: int, n: int, singular: str, plural_form: str | None = None, *, lang: str = "en"
) -> str:
    """``k`` of ``n`` things: "3 of 5 Subei cities", "none of the 5 Subei cities", "all 5
    Subei cities", "the one Subei city", "no Subei cities" (when ``n`` is 0).  In Chinese
    (``singular`` then a Chinese noun, e.g. "苏北城市"): "5个苏北城市中的3个", "全部5个苏北城市"."""
    if not 0 <= k <= n:
        raise ValueError(f"count_phrase: need 0 <= k <= n, got k={k}, n={n}")
    if _zh(lang):
        if n == 0:
            return f"没有{singular}"
        if n == 1:
            return f"唯一的{singular}" if k == 1 else f"唯一的{singular}不在其中"
        if k == 0:
            return f"{n}个{singular}中没有一个"
        return f"全部{n}个{singular}" if k == n else f"{n}个{singular}中的{k}个"
    many = plural_form or singular + "s"
    if n == 0:
        return f"no {many}"
    if n == 1:
        return f"the one {singular}" if k == 1 else f"not the one {singular}"
    if k == 0:
        return f"none of the {n} {many}"
    if k == n:
        return f"all {n} {many}"
    return f"{k} of {n} {many}"


def club_list(numbers: Sequence[int], *, lang: str = "en") -> str:
    """Club numbers in words: "club 2", "clubs 1 and 2", "clubs 1, 3 and 4", or "no club"
    (Chinese: "俱乐部2", "俱乐部1和2", "俱乐部1、3和4", "不属于任何俱乐部")."""
    nums = sorted({int(n) for n in numbers})
    if _zh(lang):
        if not nums:
            return "不属于任何俱乐部"
        listed = "、".join(map(str, nums[:-1])) + f"和{nums[-1]}" if len(nums) > 1 else str(nums[0])
        return f"俱乐部{listed}"
    if not nums:
        return "no club"
    if len(nums) == 1:
        return f"club {nums[0]}"
    return "clubs " + ", ".join(map(str, nums[:-1])) + f" and {nums[-1]}"


def rank_among(values: pd.Series, key, *, smaller_is_better: bool = True) -> int | None:
    """Competition rank (1 = best) of ``values[key]``: 1 + the number of strictly better
    values.  None when ``key`` is missing or its value is NaN."""
    if key not in values.index or not _finite(values[key]):
        return None
    v = float(values[key])
    other = values.drop(index=key).dropna().astype(float)
    better = other < v if smaller_is_better else other > v
    return int(better.sum()) + 1


def rank_phrase(rank: int | None, total: int, noun: str = "provinces", *, lang: str = "en") -> str:
    """``"ranks 3rd of 14 provinces"``; ``"is not among the 14 provinces ranked"`` when not
    ranked (``rank`` None).  Chinese: "在14个省份中排第3位"."""
    zh = _zh(lang)
    if rank is None:
        return (
            f"不在参与排名的{total}个{noun}之中"
            if zh
            else f"is not among the {total} {noun} ranked"
        )
    if not 1 <= rank <= total:
        raise ValueError(f"rank_phrase: rank {rank} outside 1..{total}")
    if zh:
        return f"是参与排名的唯一{noun}" if total == 1 else f"在{total}个{noun}中排第{rank}位"
    if total == 1:
        return f"is the only one of the {noun} ranked"
    return f"ranks {ordinal(rank)} of {total} {noun}"


#: Reasons of :class:`nanbei.data.Dropped` records, in Chinese.
DROPPED_REASONS_ZH = {
    "series breaks": "序列断点",
    "gaps": "数据缺口",
    "revisions": "数据修订",
    "masked": "数据被屏蔽",
}
_NOUNS_ZH = {"cities": "城市", "city-years": "城市-年份", "years": "年份"}


def dropped_phrase(dropped, *, lang: str = "en") -> str:
    """What a :class:`nanbei.data.Dropped` record left out: its own sentence in English
    (``str(dropped)``), "2001—2021年有12个城市未计入：7个因序列断点，5个因数据缺口" in Chinese.
    A reason or noun without a Chinese name is an error, never English in a Chinese sentence."""
    if not _zh(lang):
        return str(dropped)
    noun = _NOUNS_ZH.get(dropped.noun)
    unknown = [r for r in dropped.reasons if r not in DROPPED_REASONS_ZH]
    if noun is None or unknown:
        raise ValueError(
            f"dropped_phrase: no Chinese for noun {dropped.noun!r} or reasons {unknown}"
        )
    if not dropped.total:
        return f"没有{noun}未计入"
    span = f"{dropped.window[0]}—{dropped.window[1]}年" if dropped.window else ""
    parts = "，".join(
        f"{len(units)}个因{DROPPED_REASONS_ZH[reason]}" for reason, units in dropped.reasons.items()
    )
    return f"{span}有{dropped.total}个{noun}未计入：{parts}"


# --------------------------------------------------------------------------- tests


def rejection_phrase(
    p: float, *, hypothesis: str, alpha: float = 0.05, label: str = "", lang: str = "en"
) -> str:
    """``"rejects <hypothesis> at the 5% level (HC1 p = 0.007)"`` or ``"does not reject ..."``;
    ``"cannot test <hypothesis> (no p-value)"`` when ``p`` is missing.  ``label`` names the
    p-value (e.g. "HC1", "wild bootstrap").  Chinese: "在5%水平上拒绝<hypothesis>（HC1 p = 0.007）"."""
    level = f"{100 * alpha:g}%"
    if not _finite(p):
        if _zh(lang):
            return f"无法检验{hypothesis}（没有p值）"
        return f"cannot test {hypothesis} (no p-value)"
    quoted = f"{label} {p_phrase(p, alpha)}" if label else p_phrase(p, alpha)
    if _zh(lang):
        verb = "拒绝" if p <= alpha else "不能拒绝"
        return f"在{level}水平上{verb}{hypothesis}（{quoted}）"
    verb = "rejects" if p <= alpha else "does not reject"
    return f"{verb} {hypothesis} at the {level} level ({quoted})"


def log_t_phrase(log_t, *, lang: str = "en") -> str:
    """What the Phillips-Sul log t test of the whole panel says (``log_t`` a
    :class:`~nanbei.convergence.LogTResult`): rejects / does not reject overall convergence,
    with t and the critical value; identical units and undefined tests are said as such."""
    t, crit = float(log_t.t), float(log_t.critical)
    if _zh(lang):
        if t == math.inf:
            return "发现各单位在最后一期完全相同（已经收敛；t无定义）"
        if not math.isfinite(t):
            return "对这些数据无定义（t不是数值）"
        if log_t.converges:
            return f"不能拒绝整体收敛（t = {t:.2f}，不低于{crit:.2f}）"
        return f"拒绝整体收敛（t = {t:.2f} < {crit:.2f}）"
    if t == math.inf:
        return "finds the units identical in the last period (they have converged; t is undefined)"
    if not math.isfinite(t):
        return "is undefined for these data (t is not a number)"
    if log_t.converges:
        return f"does not reject overall convergence (t = {t:.2f}, not below {crit:.2f})"
    return f"rejects overall convergence (t = {t:.2f} < {crit:.2f})"


# --------------------------------------------------------------------------- directions


def direction_word(slope: float, *, tol: float = 0.0, lang: str = "en") -> str:
    """Beta convergence in one word: "converging" (negative slope), "diverging" (positive),
    "neither converging nor diverging" (|slope| <= tol), "undefined" (NaN); Chinese "收敛",
    "发散", "既不收敛也不发散", "无定义"."""
    zh = _zh(lang)
    if not _finite(slope):
        return "无定义" if zh else "undefined"
    if abs(slope) <= tol:
        return "既不收敛也不发散" if zh else "neither converging nor diverging"
    if zh:
        return "收敛" if slope < 0 else "发散"
    return "converging" if slope < 0 else "diverging"


def change_phrase(start: float, end: float, *, digits: int = 2, lang: str = "en") -> str:
    """``"falls by 0.52 (3.63 → 3.11)"``, ``"rises by 0.30 (2.10 → 2.40)"`` or ``"is unchanged
    at 3.63"``, judged on the numbers as printed with ``digits`` decimals (Chinese "下降0.52
    （3.63 → 3.11）", "上升0.30（2.10 → 2.40）", "保持在3.63不变")."""
    a, b = round(float(start), digits), round(float(end), digits)
    if _zh(lang):
        if a == b:
            return f"保持在{a:.{digits}f}不变"
        verb = "下降" if b < a else "上升"
        return f"{verb}{abs(a - b):.{digits}f}（{a:.{digits}f} → {b:.{digits}f}）"
    if a == b:
        return f"is unchanged at {a:.{digits}f}"
    verb = "falls" if b < a else "rises"
    return f"{verb} by {abs(a - b):.{digits}f} ({a:.{digits}f} → {b:.{digits}f})"


def change_noun(change: float, *, lang: str = "en") -> str:
    """ "fall" for a negative change, "rise" for a positive one, "change" for zero or NaN
    (as in "the split of the official fall"); Chinese "下降", "上升", "变化"."""
    words = ("下降", "上升", "变化") if _zh(lang) else ("fall", "rise", "change")
    if not _finite(change) or change == 0:
        return words[2]
    return words[0] if change < 0 else words[1]


def sigma_trend_phrase(series: pd.Series, *, digits: int = 3, lang: str = "en") -> str:
    """How a dispersion series moves from its first to its last period: "falls from 0.645
    (2001) to 0.520 (2021): sigma convergence", "rises ...: sigma divergence", or "is
    unchanged at ... : neither" (judged on the printed numbers)."""
    s = series.dropna()
    if len(s) < 2:
        raise ValueError("sigma_trend_phrase: need at least two periods")
    first, last = s.index[0], s.index[-1]
    a, b = round(float(s.iloc[0]), digits), round(float(s.iloc[-1]), digits)
    if _zh(lang):
        if a == b:
            return f"从{first}年到{last}年保持在{a:.{digits}f}不变：既无σ收敛也无σ发散"
        verb, what = ("从", "σ收敛") if b < a else ("从", "σ发散")
        move = "降至" if b < a else "升至"
        return f"{verb}{a:.{digits}f}（{first}年）{move}{b:.{digits}f}（{last}年）：{what}"
    if a == b:
        return (
            f"is unchanged at {a:.{digits}f} from {first} to {last}: neither sigma "
            "convergence nor divergence"
        )
    if b < a:
        return f"falls from {a:.{digits}f} ({first}) to {b:.{digits}f} ({last}): sigma convergence"
    return f"rises from {a:.{digits}f} ({first}) to {b:.{digits}f} ({last}): sigma divergence"


def dominance_phrase(
    shares: Sequence[float] | pd.Series, *, part: str | None = None, lang: str = "en"
) -> str:
    """Whether a part is most of the whole in every period: "mostly a south–north matter"
    (every share above one half), "less than half a south–north matter" (every share below),
    "partly a south–north matter (its share crosses one half)" otherwise."""
    values = [float(v) for v in shares if _finite(v)]
    if not values:
        raise ValueError("dominance_phrase: no finite share")
    if _zh(lang):
        part = part or "南北之间的问题"
        if all(v > 0.5 for v in values):
            return f"主要是{part}"
        if all(v < 0.5 for v in values):
            return f"不到一半是{part}"
        return f"部分是{part}（其比重达到或跨越一半）"
    part = part or "a south–north matter"
    if all(v > 0.5 for v in values):
        return f"mostly {part}"
    if all(v < 0.5 for v in values):
        return f"less than half {part}"
    return f"partly {part} (its share is at or crosses one half)"


# --------------------------------------------------------------------------- the headline ratio


def basis_attribution(
    official: tuple[float, float],
    registered: tuple[float, float],
    *,
    digits: int = 2,
    lang: str = "en",
) -> str:
    """How much of the fall of the official ratio is the change of population basis.

    ``official`` and ``registered`` are the (start, end) ratios on the two bases; falls are
    judged on the printed numbers.  Four cases: the official ratio does not fall (nothing
    to split); the registered ratio does not fall (the whole official fall is the basis);
    both fall, the registered less (the split in per cent); the registered falls at least as
    much (the basis explains none of it)."""
    o0, o1 = (round(float(v), digits) for v in official)
    r0, r1 = (round(float(v), digits) for v in registered)
    d_off, d_reg = o0 - o1, r0 - r1
    if _zh(lang):
        if d_off <= 0:
            return "这些年官方口径比值没有下降，因此没有可以在人口口径变化与收敛之间分解的下降。"
        if d_reg <= 0:
            how = "没有缩小" if d_reg == 0 else f"扩大了{-d_reg:.{digits}f}"
            return f"官方口径的下降全部来自人口口径的变化：按户籍人口计算，差距{how}。"
        if d_reg < d_off:
            share = 1 - d_reg / d_off
            return (
                f"因此官方口径的下降中约**{share:.0%}**来自人口口径的变化，"
                f"{1 - share:.0%}是按户籍人口计算的差距缩小。"
            )
        return "户籍口径比值的下降不少于官方口径，因此人口口径的变化不能解释官方口径的任何下降。"
    if d_off <= 0:
        return (
            "The official ratio does not fall over these years, so there is no fall to split "
            "between the change of population basis and convergence."
        )
    if d_reg <= 0:
        how = "does not narrow" if d_reg == 0 else f"widens by {-d_reg:.{digits}f}"
        return (
            f"The whole official fall is the change of population basis: per registered "
            f"inhabitant the gap {how}."
        )
    if d_reg < d_off:
        share = 1 - d_reg / d_off
        return (
            f"So about **{share:.0%}** of the official fall is the change of population basis "
            f"and {1 - share:.0%} a fall of the gap per registered inhabitant."
        )
    return (
        "The registered-basis ratio falls at least as much as the official one, so the change "
        "of population basis explains none of the official fall."
    )


def consistent_bases_phrase(
    resident: tuple[float, float],
    registered: tuple[float, float],
    *,
    digits: int = 2,
    lang: str = "en",
) -> str:
    """Whether the two consistent bases agree on the direction of the gap between two years:
    "on either consistent basis the gap narrowed" / "widened", or that they disagree."""
    zh = _zh(lang)

    def moved(pair):
        a, b = (round(float(v), digits) for v in pair)
        if zh:
            return "缩小" if b < a else ("扩大" if b > a else "没有变化")
        return "narrowed" if b < a else ("widened" if b > a else "did not change")

    res, reg = moved(resident), moved(registered)
    if zh:
        if res == reg:
            return f"按两种一致口径，差距都{res}"
        return f"两种一致口径结论不同：按常住人口差距{res}，按户籍人口差距{reg}"
    if res == reg:
        return f"on either consistent basis the gap {res}"
    return (
        f"the two consistent bases disagree: per resident the gap {res}, per registered "
        f"inhabitant it {reg}"
    )


# --------------------------------------------------------------------------- speed, half-life


def speed_phrase(speed: float, *, lang: str = "en") -> str:
    """``"a speed of 0.86% a year"``; a negative speed is divergence; NaN is undefined."""
    if _zh(lang):
        if not _finite(speed):
            return "无定义的收敛速度（拟合斜率过大）"
        if speed < 0:
            return f"负的收敛速度（每年{speed:.2%}：发散）"
        return f"每年{speed:.2%}的收敛速度"
    if not _finite(speed):
        return "an undefined speed (the fitted slope overshoots)"
    if speed < 0:
        return f"a negative speed ({speed:.2%} a year: divergence)"
    return f"a speed of {speed:.2%} a year"


def half_life_phrase(
    half_life: float,
    conf_int: tuple[float, float] | None = None,
    level: float = 0.95,
    *,
    lang: str = "en",
) -> str:
    """The half-life of beta convergence in words, with its interval when given.

    "a half-life of 78 years (95% interval 45–300 years)"; an interval without an upper
    bound reads "45 years to never"; an infinite half-life is "no finite half-life (no
    convergence)"; NaN is "an undefined half-life"; under a year "under one year"."""
    if _zh(lang):
        return _half_life_zh(half_life, conf_int, level)
    if half_life is None or (isinstance(half_life, float) and math.isnan(half_life)):
        return "an undefined half-life (the fitted slope overshoots)"
    h = float(half_life)
    if h == math.inf or h <= 0:
        return "no finite half-life (no convergence)"
    text = "a half-life of under one year" if h < 1 else f"a half-life of {h:.0f} years"
    if conf_int is not None:
        lo, hi = (float(v) for v in conf_int)
        if _finite(lo) and lo >= 0:
            if hi == math.inf:
                text += f" ({level:.0%} interval {lo:.0f} years to never)"
            elif _finite(hi):
                text += f" ({level:.0%} interval {lo:.0f}–{hi:.0f} years)"
    return text


def _half_life_zh(half_life, conf_int, level: float) -> str:
    if half_life is None or (isinstance(half_life, float) and math.isnan(half_life)):
        return "无定义的半衰期（拟合斜率过大）"
    h = float(half_life)
    if h == math.inf or h <= 0:
        return "没有有限的半衰期（不收敛）"
    text = "不到一年的半衰期" if h < 1 else f"{h:.0f}年的半衰期"
    if conf_int is not None:
        lo, hi = (float(v) for v in conf_int)
        if _finite(lo) and lo >= 0:
            if hi == math.inf:
                text += f"（{level:.0%}区间：{lo:.0f}年至永不）"
            elif _finite(hi):
                text += f"（{level:.0%}区间：{lo:.0f}—{hi:.0f}年）"
    return text


# --------------------------------------------------------------------------- Theil weighting


def _share_range(row, digits: int = 2) -> str:
    lo, hi = f"{row['min']:.{digits}f}", f"{row['max']:.{digits}f}"
    return lo if lo == hi else f"{lo}–{hi}"


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def theil_weighting_explanation(
    ranges: pd.DataFrame,
    *,
    published: str = "within",
    study: str = "the published study",
    group_noun: str = "region",
    reference: str | None = None,
    window: tuple[int, int] | None = None,
    lang: str = "en",
) -> str:
    """Which weighting of Theil's T, if any, explains a published finding on which part dominates.

    ``ranges`` is :meth:`TheilResult.share_range` over the study's years (one row per
    weighting, labelled so that "<share> population-weighted" reads well).  ``published`` is
    the part the study found dominant ("within" or "between"); ``reference`` the weighting
    this analysis reports (default: the first row).  Four cases: the years are not in the
    data; no weighting reproduces the finding (then the weighting closest to it and by how
    much it moves the share); every weighting does; some do and some do not (the weighting
    drives the difference).  In Chinese (``lang="zh"``) ``study``, ``group_noun`` and the
    weightings (the index of ``ranges``) must be Chinese too.
    """
    if published not in ("within", "between"):
        raise ValueError(f"published must be 'within' or 'between', got {published!r}")
    if _zh(lang):
        return _theil_explanation_zh(ranges, published, study, group_noun, reference, window)
    if ranges.empty:
        span = f" ({window[0]}–{window[1]})" if window else ""
        return f"The years of {study}{span} are not in this sample, so it cannot be compared."
    weightings = list(ranges.index)
    reference = weightings[0] if reference is None else reference
    if reference not in ranges.index:
        raise ValueError(f"reference {reference!r} is not one of the weightings {weightings}")
    first, last = ranges["first"].iloc[0], ranges["last"].iloc[0]
    span = f"{first}–{last}" if first != last else f"{first}"
    other = "between" if published == "within" else "within"
    listing = _listing([f"{_share_range(ranges.loc[w])} {w}" for w in weightings])
    agree = [w for w in weightings if ranges.loc[w, "dominant"] == published]
    mixed = [w for w in weightings if ranges.loc[w, "dominant"] not in (published, other)]
    head = f"In {span} the between-{group_noun} share of Theil's T is {listing}"
    if len(agree) == len(weightings):
        return (
            f"Every weighting agrees with {study} that {published}-{group_noun} inequality "
            f"dominates: {head[0].lower() + head[1:]}. The weighting does not matter for "
            "this finding."
        )
    if agree:
        disagree = [w for w in weightings if w not in agree]
        return (
            f"The weighting drives the difference. {head}: {published}-{group_noun} "
            f"inequality dominates {_listing(agree)}, as {study} finds, but not "
            f"{_listing(disagree)}."
        )
    # No weighting reproduces the finding: say what each shows, then which comes closest.
    text = (
        f"No weighting reproduces {study}'s finding that {published}-{group_noun} inequality "
        f"dominates. {head}"
    )
    steady = [w for w in weightings if ranges.loc[w, "dominant"] == other]
    changing = [w for w in mixed if ranges.loc[w, "dominant"] == "mixed"]
    undefined = [w for w in mixed if w not in changing]
    if len(steady) == len(weightings):
        text += f": the {other}-{group_noun} part is more than half under every weighting."
    else:
        clauses = []
        if steady:
            clauses.append(
                f"{other}-{group_noun} inequality dominates in every year only {_listing(steady)}"
            )
        if changing:
            clauses.append(f"the dominant part changes within these years {_listing(changing)}")
        if undefined:
            clauses.append(
                f"the split is undefined in some year {_listing(undefined)} (no "
                "inequality to split, or exactly half)"
            )
        text += "; " + "; ".join(clauses) + "."
    means = ranges["mean"].astype(float).dropna()
    if means.empty or reference not in means.index:
        return text
    closest = means.idxmin() if published == "within" else means.idxmax()
    move = abs(float(means[closest]) - float(means[reference]))
    if closest == reference:
        text += (
            f" The {reference} index reported here is already the closest to {study}, so "
            "the weighting does not drive the difference."
        )
    else:
        text += (
            f" The {closest} index comes closest, but it moves the share by only "
            f"{100 * move:.0f} percentage points on average from the {reference} one, so the "
            "weighting does not drive the difference: it must lie in how the study "
            "defines or computes the two parts."
        )
    return text


def _listing_zh(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]


def _theil_explanation_zh(ranges, published, study, group_noun, reference, window) -> str:
    """The Chinese wording of :func:`theil_weighting_explanation` (same cases, same numbers)."""
    if ranges.empty:
        span = f"（{window[0]}—{window[1]}年）" if window else ""
        return f"{study}的研究年份{span}不在本样本中，无法比较。"
    weightings = list(ranges.index)
    reference = weightings[0] if reference is None else reference
    if reference not in ranges.index:
        raise ValueError(f"reference {reference!r} is not one of the weightings {weightings}")
    first, last = ranges["first"].iloc[0], ranges["last"].iloc[0]
    span = f"{first}—{last}年" if first != last else f"{first}年"
    other = "between" if published == "within" else "within"
    part = {"within": f"{group_noun}内", "between": f"{group_noun}间"}
    listing = _listing_zh([f"{w}{_share_range(ranges.loc[w])}" for w in weightings])
    agree = [w for w in weightings if ranges.loc[w, "dominant"] == published]
    mixed = [w for w in weightings if ranges.loc[w, "dominant"] not in (published, other)]
    head = f"{span}，泰尔指数T中{group_noun}间差距的比重为{listing}"
    if len(agree) == len(weightings):
        return (
            f"所有加权方式都与{study}一致，即{part[published]}差距占主导：{head}。"
            "加权方式不影响这一结论。"
        )
    if agree:
        disagree = [w for w in weightings if w not in agree]
        return (
            f"加权方式决定了差异。{head}：在{_listing_zh(agree)}下{part[published]}差距占主导，"
            f"与{study}一致，但在{_listing_zh(disagree)}下并非如此。"
        )
    text = f"没有一种加权方式能重现{study}关于{part[published]}差距占主导的结论。{head}"
    steady = [w for w in weightings if ranges.loc[w, "dominant"] == other]
    changing = [w for w in mixed if ranges.loc[w, "dominant"] == "mixed"]
    undefined = [w for w in mixed if w not in changing]
    if len(steady) == len(weightings):
        text += f"：在每种加权方式下{part[other]}部分都超过一半。"
    else:
        clauses = []
        if steady:
            clauses.append(f"仅在{_listing_zh(steady)}下{part[other]}差距每年都占主导")
        if changing:
            clauses.append(f"在{_listing_zh(changing)}下主导部分在这些年间发生变化")
        if undefined:
            clauses.append(
                f"在{_listing_zh(undefined)}下某些年份的分解无定义（无差距可分解，或恰好各占一半）"
            )
        text += "；" + "；".join(clauses) + "。"
    means = ranges["mean"].astype(float).dropna()
    if means.empty or reference not in means.index:
        return text
    closest = means.idxmin() if published == "within" else means.idxmax()
    move = abs(float(means[closest]) - float(means[reference]))
    if closest == reference:
        text += f"本文报告的{reference}指数已最接近{study}，因此加权方式不是差异的原因。"
    else:
        text += (
            f"{closest}指数最接近，但与{reference}指数相比平均只使比重变动{100 * move:.0f}个"
            "百分点，因此加权方式不是差异的原因：差异必然在于该研究如何定义或计算这两部分。"
        )
    return text
