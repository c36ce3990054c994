"""Helpers shared by the effects estimators: draw-count limits, deprecated aliases, verdicts.

The p-value wording (``format_p``, ``p_phrase``) is public in :mod:`nanbei.wording`.

Draw limits (bootstrap draws, permutations)
-------------------------------------------
``MIN_DRAWS = 99``
    The smallest number of *random* draws accepted.  With B draws a p-value moves in steps
    of 1/B; B = 99 is the smallest B for which ``alpha (B + 1)`` is an integer at both
    ``alpha = 0.05`` and ``0.01`` (Davidson & MacKinnon 2000, "Bootstrap tests: how many
    bootstraps?", *Econometric Reviews* 19(1)), so a 5% test is exact in size.  Fewer
    draws (``n_boot=1`` used to return p = 0.0) give p-values that cannot mean anything.
``MAX_DRAWS = 1_000_000``
    The largest number of draws (and of enumerated assignments or weight vectors).  At
    10**6 draws the Monte Carlo standard error of a p-value near 0.05 is 0.0002, far below
    any decision margin; more draws only cost time.  Every per-draw quantity is stored as
    a handful of float64 numbers (at most ~60 MB at the cap) and the draws themselves are
    generated and processed in fixed-size chunks, so memory stays bounded whatever the
    number of clusters or units.  A request above the cap is refused with a clear error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from nanbei.results import deprecated_alias  # noqa: F401  (re-exported for the result classes)

# The wording helpers live in nanbei.wording (shared with the convergence package); they are
# re-exported here so that ``from nanbei.effects._common import p_phrase`` keeps working.
from nanbei.wording import format_p, listing, p_phrase  # noqa: F401

MIN_DRAWS = 99
MAX_DRAWS = 1_000_000


def check_draws(
    value, name: str, what: str, *, minimum: int = MIN_DRAWS, maximum: int = MAX_DRAWS
) -> int:
    """Validate a number of bootstrap draws or permutations; return it as int.

    Raises ValueError naming ``name`` unless ``value`` is an integer (not a bool) with
    ``minimum <= value <= maximum``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(
            f"{what}: {name} must be an integer between {minimum} and {maximum:,}, got {value!r}"
        )
    if value < minimum:
        raise ValueError(
            f"{what}: {name}={value} is too small to be meaningful; use at least {minimum} "
            f"(p-values move in steps of 1/{name}; {minimum} makes a 5% and a 1% test exact)"
        )
    if value > maximum:
        raise ValueError(
            f"{what}: {name}={value:,} exceeds the maximum of {maximum:,} draws (the Monte "
            f"Carlo error of a p-value is already below 0.0005 there; more draws only cost "
            "time and memory)"
        )
    return int(value)


def verdict(p_values: Mapping[str, float], alpha: float = 0.05, *, lang: str = "en") -> str:
    """One sentence saying which tests reject a zero effect at level ``alpha``.

    ``p_values`` maps a test's name to its p-value.  A test rejects when ``p <= alpha``
    (the convention of the confidence intervals in :mod:`nanbei.effects`: a value is in the
    interval exactly when its p-value exceeds ``alpha``).  The sentence quotes every
    p-value (printed so that rounding cannot move it across ``alpha``), so it cannot
    contradict the numbers shown next to it; missing (NaN) p-values are listed as not
    available and ignored for the verdict.

    Examples: "At the 5% level, both tests reject a zero effect (wild cluster bootstrap:
    p = 0.012; randomization inference: p = 0.031)."  /  "At the 5% level, the tests
    disagree: wild cluster bootstrap (p = 0.012) rejects a zero effect, randomization
    inference (p = 0.075) does not."

    ``lang`` "zh" says the same in Chinese (the test names in ``p_values`` must then be Chinese
    too): "在5%水平上，两个检验都拒绝零效应（野聚类自助法：p = 0.012；随机化推断：p = 0.031）。"
    """
    if not isinstance(p_values, Mapping) or not p_values:
        raise ValueError("verdict: p_values must be a non-empty mapping of test name to p-value")
    if not 0 < alpha < 1:
        raise ValueError(f"verdict: alpha must be in (0, 1), got {alpha}")
    clean: dict[str, float] = {}
    missing = []
    for name, p in p_values.items():
        try:
            p = float(p)
        except (TypeError, ValueError):
            raise ValueError(f"verdict: p-value of {name!r} is not a number: {p!r}") from None
        if math.isnan(p):
            missing.append(str(name))
            continue
        if not 0 <= p <= 1:
            raise ValueError(f"verdict: p-value of {name!r} must lie in [0, 1], got {p}")
        clean[str(name)] = p
    level = f"{100 * alpha:g}%"
    if _is_zh(lang):
        return _verdict_zh(clean, missing, alpha, level)
    tail = f" ({', '.join(missing)}: not available)" if missing else ""
    if not clean:
        return f"No p-value is available, so there is no verdict at the {level} level{tail}."

    def quote(names):
        return "; ".join(f"{n}: {p_phrase(clean[n], alpha)}" for n in names)

    def quoted_list(names):
        return listing(f"{n} ({p_phrase(clean[n], alpha)})" for n in names)

    rejecting = [n for n, p in clean.items() if p <= alpha]
    keeping = [n for n, p in clean.items() if p > alpha]
    k = len(clean)
    if len(rejecting) == k:
        who = (
            "the test rejects"
            if k == 1
            else ("both tests reject" if k == 2 else f"all {k} tests reject")
        )
        return f"At the {level} level, {who} a zero effect ({quote(rejecting)}){tail}."
    if not rejecting:
        who = (
            "the test does not reject"
            if k == 1
            else "neither test rejects"
            if k == 2
            else f"none of the {k} tests rejects"
        )
        return f"At the {level} level, {who} a zero effect ({quote(keeping)}){tail}."
    verb_r = "rejects" if len(rejecting) == 1 else "reject"
    verb_k = "does not" if len(keeping) == 1 else "do not"
    return (
        f"At the {level} level, the tests disagree: {quoted_list(rejecting)} {verb_r} a zero "
        f"effect, {quoted_list(keeping)} {verb_k}{tail}."
    )


def _is_zh(lang: str) -> bool:
    from nanbei.labels import check_lang

    return check_lang(lang) == "zh"


def _listing_zh(items) -> str:
    words = [str(i) for i in items]
    return "、".join(words[:-1]) + "和" + words[-1] if len(words) > 1 else "".join(words)


def _verdict_zh(clean: dict[str, float], missing: list[str], alpha: float, level: str) -> str:
    """:func:`verdict` in Chinese: the same branches, the same p-values."""
    tail = f"（{'、'.join(missing)}：不可用）" if missing else ""
    if not clean:
        return f"没有可用的p值，因此在{level}水平上没有结论{tail}。"
    rejecting = [n for n, p in clean.items() if p <= alpha]
    keeping = [n for n, p in clean.items() if p > alpha]
    k = len(clean)

    def quote(names):
        return "；".join(f"{n}：{p_phrase(clean[n], alpha)}" for n in names)

    def quoted_list(names):
        return _listing_zh(f"{n}（{p_phrase(clean[n], alpha)}）" for n in names)

    if len(rejecting) == k:
        who = "该检验拒绝" if k == 1 else ("两个检验都拒绝" if k == 2 else f"全部{k}个检验都拒绝")
        return f"在{level}水平上，{who}零效应（{quote(rejecting)}）{tail}。"
    if not rejecting:
        who = "该检验不拒绝" if k == 1 else ("两个检验都不拒绝" if k == 2 else f"{k}个检验都不拒绝")
        return f"在{level}水平上，{who}零效应（{quote(keeping)}）{tail}。"
    return (
        f"在{level}水平上，各检验结论不一：{quoted_list(rejecting)}拒绝零效应，"
        f"{quoted_list(keeping)}不拒绝{tail}。"
    )


def normal_p(estimate, se) -> np.ndarray:
    """Two-sided normal p-values of estimate / se (NaN where se is missing or zero)."""
    from scipy import stats

    est = np.asarray(estimate, dtype=float)
    s = np.asarray(se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, est / s, np.nan)
    return 2 * stats.norm.sf(np.abs(z))
