"""The sentences of notebook 02 whose wording depends on a number, each chosen by a small function.

A notebook that types "Even the few-cluster-robust p-values reject" next to p = 0.050 says
more than its numbers.  Here every such sentence is picked by code that looks at the numbers,
with a test per branch (``tests/test_effects_prose.py``); the notebook only joins them.
p-values are printed with :func:`nanbei.effects._common.p_phrase`, whose rounding never
crosses ``alpha``.
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
]

_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def count_phrase(n: int, noun: str, plural: str | None = None) -> str:
    """ "five cities", "one city", "12 cities": numbers up to ten in words."""
    n = int(n)
    word = _WORDS[n] if 0 <= n <= 10 else f"{n:,}"
    return f"{word} {noun if n == 1 else (plural or noun + 's')}"


def share_phrase(k: int, n: int, noun: str, plural: str | None = None) -> str:
    """ "all three fake dates", "two of the 3 fake dates", "one of the 4 cells"."""
    many = plural or noun + "s"
    if k == 0:
        return f"none of the {n} {many if n != 1 else noun}"
    if n > 1 and k == n:
        return (
            f"{'both' if n == 2 else 'all ' + count_phrase(n, noun, plural).split(' ')[0]} {many}"
        )
    return f"{count_phrase(k, noun, plural).split(' ')[0]} of the {n} {many if n != 1 else noun}"


def listing(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _e(e) -> str:
    return f"e = {int(e)}".replace("-", "−")


def ratio_phrase(sc) -> str:
    """The post/pre RMSPE ratio, or why it is not meaningful (a near-exact pre-treatment fit is
    reported as such, never as a ratio of 1e14)."""
    if sc.ratio_capped:
        return (
            f"the pre-treatment fit is near exact (RMSPE {sc.pre_rmspe:.2g}, below the floor "
            f"{sc.rmspe_floor:.2g}), so the post/pre RMSPE ratio is not meaningful; with the "
            f"floor it would be {sc.post_pre_ratio:.3g}"
        )
    return f"post/pre RMSPE ratio {sc.post_pre_ratio:.2f}"


def synth_finding(sc, placebo, name: str, alpha: float = 0.05) -> str:
    """What the synthetic control finds, in one plain statement with its caveats."""
    n = placebo.n_obs
    year = _fmt(sc.treatment_time)
    gap = sc.mean_post_gap
    if 1 / n > alpha:
        head = (
            f"With {count_phrase(n, 'unit')} in the placebo test the smallest attainable "
            f"p-value is {1 / n:.3f}, above {alpha:g}: the synthetic control cannot "
            f"distinguish any effect from placebo here (p = {placebo.p_value:.3f})."
        )
    elif placebo.p_value <= alpha:
        head = (
            f"The synthetic control finds a gap the placebo cities do not produce: "
            f"{name}'s post/pre RMSPE ratio ranks {placebo.rank} of {n} "
            f"({p_phrase(placebo.p_value, alpha)}); the mean gap after {year} is {gap:+.3f}."
        )
    else:
        head = (
            f"The synthetic control finds nothing distinguishable from placebo: {name}'s "
            f"post/pre RMSPE ratio ranks {placebo.rank} of {n} "
            f"({p_phrase(placebo.p_value, alpha)}), so its mean gap of {gap:+.3f} after "
            f"{year} is the kind of gap the comparison cities show without any policy."
        )
    tail = []
    if sc.short_pre_period:
        tail.append(
            f"With {count_phrase(sc.n_pre_periods, 'pre-treatment year')} for "
            f"{count_phrase(len(sc.weights), 'donor')} the fit is close to "
            "interpolation and proves little about the counterfactual."
        )
    if sc.ratio_capped:
        tail.append("The pre-treatment fit is near exact, so the ratio uses the RMSPE floor.")
    return " ".join([head, *tail])


def sdid_finding(res, name: str, alpha: float = 0.05) -> str:
    """The synthetic DiD estimate with its placebo inference.  With fewer placebo controls than
    ``1 / alpha - 1`` the rank test cannot reach ``alpha`` and a standard error from so few
    placebos is crude, so no rejection is claimed from the normal approximation."""
    lo, hi = res.ci
    p = res.p_value
    head = f"Synthetic DiD estimates {res.estimate:+.3f} for {name}"
    if not np.isfinite(p):
        return head + "; no placebo standard error is available."
    k = res.n_placebos
    stats_text = (
        f"placebo s.e. {res.se:.3f}, {100 * (1 - alpha):.0f}% CI [{lo:+.3f}, "
        f"{hi:+.3f}], normal {p_phrase(p, alpha)}"
    )
    if (k + 1) * alpha < 1:
        return (
            f"{head} ({stats_text}), but with only {count_phrase(k, 'control')} to treat as "
            f"placebos that standard error is crude and the rank test cannot reject at "
            f"{100 * alpha:g}% (smallest attainable p = {1 / (k + 1):.3f}; here "
            f"p = {res.p_value_placebo:.3f}): the estimate is not distinguishable from "
            "placebo."
        )
    verdict = "rejects" if p <= alpha else "does not reject"
    return (
        f"{head} ({stats_text}): it {verdict} a zero effect at {100 * alpha:g}%; "
        f"{_placebo_rank_text(res)}"
    )


def _placebo_rank_text(res) -> str:
    k = res.n_placebos
    hits = int(round(res.p_value_placebo * (k + 1))) - 1
    return (
        f"{hits} of the {k} placebo estimates (controls treated in turn) "
        f"{'is' if hits == 1 else 'are'} at least as large in absolute value."
    )


def in_time_placebo_finding(r, what: str = "the DiD") -> str:
    """Conclusion of an in-time placebo: do fake dates reject, and how does the real estimate
    compare with the placebo distribution?"""
    k = r.n_placebos
    m = r.n_rejections
    dates = [_fmt(f) for f in r.table.index]
    span = f"{dates[0]}–{dates[-1]}" if k > 1 else dates[0]
    pmin = float(r.table["p_value"].min())
    real_p = r.actual_p_value
    real_rejects = np.isfinite(real_p) and real_p <= r.alpha
    if m:
        rej = [_fmt(f) for f, p in r.p_values.items() if p <= r.alpha]
        head = (
            f"At {share_phrase(m, k, 'fake date')} ({listing(rej)}) the placebo rejects a zero effect at {100 * r.alpha:g}%, "
            f"although nothing happened then: {what} finds 'effects' in the years before "
            f"{_fmt(r.treatment_time)}, so a trend that predates the policy can produce the "
            "estimate at the real date too."
        )
    elif real_rejects:
        head = (
            f"None of the {k} fake dates ({span}) rejects (smallest placebo "
            f"{p_phrase(pmin, r.alpha)}), while the real date does ({p_phrase(real_p, r.alpha)}): "
            f"in the years before {_fmt(r.treatment_time)} {what} finds no effect where there "
            "was none."
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
        trend = "falling behind" if real > 0 else "gaining on"
        head += (
            f" Every placebo estimate has the opposite sign to the real one ({real:+.3f}): "
            f"before {_fmt(r.treatment_time)} the treated units were {trend} the comparison "
            "units, and the estimate at the real date measures a turn in their path, which "
            "the policy may or may not have caused."
        )
    bigger = int(round(rank * (k + 1))) - 1
    if bigger == 0:
        comp = (
            f"The real estimate ({r.actual_estimate:+.3f}) is larger in absolute value than "
            f"every placebo estimate (rank p = {rank:.3f}, the smallest possible with "
            f"{count_phrase(k, 'fake date')})."
        )
    else:
        comp = (
            f"{count_phrase(bigger, 'placebo estimate').capitalize()} "
            f"{'is' if bigger == 1 else 'are'} at least as large in absolute value as the "
            f"real one ({r.actual_estimate:+.3f}; rank p = {rank:.3f})."
        )
    return f"{head} {comp}"


def no_placebo_sentence(what: str, n_pre: int, min_pre: int = 2) -> str:
    """Why no in-time placebo could be run."""
    return (
        f"No placebo in time for {what}: the {count_phrase(n_pre, 'year')} before the "
        f"treatment leave no fake date with {count_phrase(min_pre, 'earlier year')} and one "
        "later year."
    )


def pretrend_finding(
    cells: pd.DataFrame,
    test,
    alpha: float = 0.05,
    source: str = "the Callaway–Sant'Anna event study",
) -> str:
    """Discuss the significant pre-period cells and the joint test.

    ``cells``: pre-period rows indexed by event time with ``ci_low``/``ci_high`` (or
    ``conf_low``/``conf_high``); ``test``: a :class:`PreTrendTest`.
    """
    lo = cells["ci_low"] if "ci_low" in cells else cells["conf_low"]
    hi = cells["ci_high"] if "ci_high" in cells else cells["conf_high"]
    sig = [e for e, a, b in zip(cells.index, lo, hi, strict=True) if a > 0 or b < 0]
    n = len(cells)
    if sig:
        first = (
            f"In {source}, {share_phrase(len(sig), n, 'pre-period cell')} "
            f"({listing([_e(e) for e in sig])}) {'has' if len(sig) == 1 else 'have'} a "
            f"{100 * (1 - alpha):.0f}% interval excluding zero: Subei was already moving "
            "apart from the comparison cities before the policy."
        )
    else:
        first = (
            f"In {source}, no pre-period cell's {100 * (1 - alpha):.0f}% interval excludes zero."
        )
    boot = test.p_value_bootstrap
    joint_p = boot if np.isfinite(boot) else test.p_value
    which = (
        "the wild cluster bootstrap of the joint Wald test"
        if np.isfinite(boot)
        else f"the joint test ({test.test})"
    )
    if joint_p <= alpha:
        second = (
            f"Jointly the pre-period effects are significant ({which}: "
            f"{p_phrase(joint_p, alpha)}): parallel trends are rejected, and post-period "
            "estimates mix the policy with the earlier drift."
        )
    elif sig:
        second = (
            f"Jointly, however, they are not significant ({which}: "
            f"{p_phrase(joint_p, alpha)}): individually significant cells among several "
            "are what chance produces, though with few treated cities the joint test has "
            "little power either way."
        )
    else:
        second = (
            f"The joint test does not reject either ({which}: {p_phrase(joint_p, alpha)}), "
            "a weak reassurance with few treated cities."
        )
    return f"{first} {second}"


def honest_finding(rm, sd=None) -> str:
    """Breakdown values of the Rambachan-Roth sensitivity analysis, in words."""
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


def no_honest_sentence(n_pre: int) -> str:
    """Why the Rambachan-Roth bounds are not computed."""
    return (
        f"The Rambachan–Roth bounds need at least two pre-period coefficients besides the "
        f"reference year; this window has {count_phrase(n_pre, 'coefficient')}, so they are "
        "not computed."
    )


def did_caveat(
    p_values: Mapping[str, float], pretrends_doubtful: bool, year, alpha: float = 0.05
) -> str:
    """What a rejection (or none) of the simple DiD can and cannot say."""
    clean = [p for p in p_values.values() if p is not None and not math.isnan(p)]
    any_rejects = any(p <= alpha for p in clean)
    if any_rejects:
        text = (
            f"Where a test rejects, it still cannot tell the parks from anything else that "
            f"set Subei apart after {_fmt(year)}"
        )
        return text + (
            ", and the pre-trends above weaken any causal reading." if pretrends_doubtful else "."
        )
    return (
        "No few-cluster-robust test rejects a zero effect, so the data do not show that the "
        f"policy of {_fmt(year)} changed Subei's path"
        + (", and the pre-trends would blur any effect anyway." if pretrends_doubtful else ".")
    )


def donor_pool_sentence(rule: str, excluded: pd.DataFrame, names: Mapping, start, end) -> str:
    """Which comparison cities the exclusion rule left out, and why."""
    if rule == "none":
        return (
            "No comparison city is left out for a competing policy (`exclude_donors='none'`); "
            "the table below shows what the exclusion rules change."
        )
    if excluded.empty:
        return (
            f"Rule '{rule}': no comparison city in the sample was touched by such a policy "
            f"begun by {_fmt(end)}."
        )
    items = [
        f"{names.get(c, c)} ({p})"
        for c, p in zip(excluded["city_code"], excluded["policies"], strict=True)
    ]
    return (
        f"Rule '{rule}' leaves out {count_phrase(len(items), 'comparison city', 'comparison cities')} "
        f"touched by a comparable policy begun by {_fmt(end)}: {listing(items)}."
    )


def revision_sentence(revisions: pd.DataFrame, mode: str, requested_end, end, cutoff) -> str:
    """How the window treats province-specific revisions of the outcome's series."""
    if revisions.empty:
        return "No province-specific revision of the outcome's series lies in the window."
    ids = ", ".join(revisions["break_id"])
    if mode == "truncate":
        return (
            f"The window asked for ends in {requested_end}, but the province-specific revisions "
            f"of {cutoff + 1} ({ids}) re-level the outcome's series by different amounts in each "
            f"province, so the analysis ends in **{end}**. `revisions='keep'` keeps the later "
            "years."
        )
    return (
        f"**Caution:** the window crosses province-specific revisions in {cutoff + 1} ({ids}); "
        "estimates after them mix the revision with any effect (`revisions='truncate'` ends "
        "the window before them)."
    )


def band_phrase(band: Mapping, n_placebos: int, year, alpha: float = 0.05) -> str:
    """The placebo band of the mean post-treatment gap, or why it is unbounded."""
    lo, hi = float(band["conf_low"]), float(band["conf_high"])
    level = f"{100 * (1 - alpha):.0f}%"
    if np.isfinite(lo) and np.isfinite(hi):
        return (
            f"the {level} placebo band for the mean post-{_fmt(year)} gap is [{lo:+.4f}, {hi:+.4f}]"
        )
    need = math.ceil(1 / alpha - 1)
    return (
        f"with {count_phrase(n_placebos, 'placebo')} the {level} placebo band of the mean gap "
        f"is unbounded (at least {need} are needed)"
    )


def employment_sentence(change: float, n_cities: int, start, end, break_year=None) -> str:
    """Change in unit employment of the treated cities, stopping at a definitional break."""
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
