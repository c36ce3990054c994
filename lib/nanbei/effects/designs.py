"""The design battery of notebook 02, for any outcome: one call instead of a page of calls.

Notebook 02 asks whether the co-built parks changed GDP per capita with a synthetic control for one
treated unit, a difference-in-differences of the treated group against comparison units with
few-cluster-honest inference, an event study with a joint pre-trend test and Rambachan-Roth bounds,
placebos in time for each design and the main estimates across donor pools.  Another outcome (jobs,
wages) deserves the same battery, not a copy of the notebook's cells: :func:`run_designs` runs it on
any long panel, and :func:`design_findings` returns its sentences, every one chosen by a tested
function of :mod:`nanbei.effects.prose` or :func:`nanbei.effects.verdict`.

Breaks in the outcome's series
------------------------------
A design whose window crosses a change of definition reads the change as an effect when the change
touches treated and comparison units differently (Jiangsu's 2013 re-definition of unit employment
touches only the treated cities).  :func:`segment_window` returns the stretch of years between breaks
that contains the treatment date, and refuses when it leaves too few years on either side: the
battery then runs within that segment and never straddles a break.

The battery (all on one balanced panel, treated units adopting at one date)
---------------------------------------------------------------------------
* synthetic control of ``synth_unit`` (placebo in space with its band, leave-one-out, placebo in
  time) and synthetic DiD as a second estimator;
* simple DiD (treated x post, unit and time effects) with the restricted wild cluster bootstrap
  (Webb weights) and randomization inference (the t statistic, treatment re-assigned across units);
* TWFE event study, joint pre-trend test with its wild bootstrap, Rambachan-Roth bounds (relative
  magnitudes and smoothness) for the average effect over the first post periods;
* placebos in time of the DiD, the event study and the synthetic control;
* the DiD and the synthetic control on each alternative donor pool (``pools``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nanbei.effects import prose
from nanbei.effects._common import verdict
from nanbei.effects.donors import PoolEstimates
from nanbei.effects.event_study import EventStudyResult, event_study
from nanbei.effects.honest import HonestDiDResult, honest_did_event_study
from nanbei.effects.inference import (
    RandomizationResult,
    WildBootstrapResult,
    randomization_inference,
    wild_cluster_bootstrap,
)
from nanbei.effects.placebo import InTimePlaceboResult, fake_dates, placebo_in_time
from nanbei.effects.pretrends import PreTrendTest, pretrend_test
from nanbei.effects.sdid import SyntheticDiDResult, synthetic_did
from nanbei.effects.synth import (
    LeaveOneOutResult,
    PlaceboSpaceResult,
    SyntheticControlResult,
    synthetic_control,
)
from nanbei.results import Result, Summary, tidy_frame

__all__ = [
    "DesignBattery",
    "capitalized",
    "design_findings",
    "pool_sentence",
    "run_designs",
    "segment_window",
]

INFERENCE = ("wild", "randomization")


def segment_window(
    start: int,
    end: int,
    breaks: Sequence[int],
    treatment_time: int,
    *,
    min_pre: int = 2,
    min_post: int = 1,
) -> tuple[int, int]:
    """The years of ``start..end`` between breaks that contain ``treatment_time``.

    A break in year ``b`` is the first year on a new definition: it ends a segment at ``b - 1``.
    Raises ValueError when ``treatment_time`` lies outside ``start..end`` or when its segment leaves
    fewer than ``min_pre`` years before it or ``min_post`` years from it, naming the breaks.

    >>> segment_window(1998, 2020, [1999, 2013], 2006)
    (1999, 2012)
    """
    if not start <= treatment_time <= end:
        raise ValueError(
            f"segment_window: treatment_time ({treatment_time}) lies outside {start}-{end}"
        )
    cuts = sorted({int(b) for b in breaks if start < b <= end})
    edges = [start, *cuts, end + 1]
    first, last = next(
        (a, b - 1) for a, b in zip(edges[:-1], edges[1:], strict=True) if a <= treatment_time < b
    )
    if treatment_time - first < min_pre or last - treatment_time + 1 < min_post:
        raise ValueError(
            f"segment_window: between the breaks {cuts or 'none'} the segment around "
            f"{treatment_time} is {first}-{last}, which leaves {treatment_time - first} years "
            f"before it (at least {min_pre} needed) and {last - treatment_time + 1} from it "
            f"(at least {min_post} needed)"
        )
    return first, last


@dataclass(repr=False)
class DesignBattery(Result):
    """Every design of :func:`run_designs` on one outcome.

    ``synth*`` are None without a ``synth_unit`` (or with fewer than three donors); ``honest_*``
    are None when the event study has fewer than two pre-period coefficients; ``in_time`` holds
    the designs that admit a fake date; ``pools`` one :class:`PoolEstimates` per donor pool.
    """

    _name = "Design battery"

    outcome: str
    treatment_time: int
    window: tuple[int, int]
    treated: list
    donors: list
    synth_unit: Any
    did_wild: WildBootstrapResult
    did_ri: RandomizationResult | None
    event_study: EventStudyResult
    pretest: PreTrendTest
    synth: SyntheticControlResult | None = None
    synth_placebo: PlaceboSpaceResult | None = None
    synth_loo: LeaveOneOutResult | None = None
    sdid: SyntheticDiDResult | None = None
    honest_rm: HonestDiDResult | None = None
    honest_sd: HonestDiDResult | None = None
    in_time: dict[str, InTimePlaceboResult] = field(default_factory=dict)
    pools: list[PoolEstimates] = field(default_factory=list)
    alpha: float = 0.05

    @property
    def p_values(self) -> dict[str, float]:
        """The few-cluster-honest p-values of the simple DiD (what a verdict may rest on)."""
        out = {"wild cluster bootstrap": float(self.did_wild.p_value)}
        if self.did_ri is not None:
            out["randomization inference"] = float(self.did_ri.p_value)
        return out

    @property
    def pre_coefficients(self) -> pd.DataFrame:
        c = self.event_study.coefficients
        return c[c.index < -1]

    @property
    def pretrends_doubtful(self) -> bool:
        """The joint pre-trend test rejects, or a pre-period interval excludes zero."""
        pre = self.pre_coefficients
        lo = pre["ci_low"] if "ci_low" in pre else pre["conf_low"]
        hi = pre["ci_high"] if "ci_high" in pre else pre["conf_high"]
        return bool(self.pretest.rejects) or bool(((lo > 0) | (hi < 0)).any())

    def tidy(self) -> pd.DataFrame:
        rows: list[dict] = []
        wb = self.did_wild
        rows.append(
            {
                "term": "DiD (wild cluster bootstrap)",
                "estimate": wb.estimate,
                "p_value": wb.p_value,
                "conf_low": wb.ci[0],
                "conf_high": wb.ci[1],
                "n_obs": len(self.treated) + len(self.donors),
            }
        )
        if self.did_ri is not None:
            ri = self.did_ri
            rows.append(
                {
                    "term": "DiD (randomization inference)",
                    "estimate": ri.estimate,
                    "p_value": ri.p_value,
                    "conf_low": ri.ci[0],
                    "conf_high": ri.ci[1],
                    "n_obs": len(self.treated) + len(self.donors),
                }
            )
        post = self.event_study.coefficients
        post = post[post.index >= 0]
        rows.append(
            {
                "term": "event study: mean of post coefficients",
                "estimate": float(post["estimate"].mean()),
                "n_obs": self.event_study.n_units,
            }
        )
        rows.append(
            {
                "term": "joint pre-trend test",
                "statistic": self.pretest.statistic,
                "p_value": self.pretest.p_value_bootstrap
                if np.isfinite(self.pretest.p_value_bootstrap)
                else self.pretest.p_value,
                "n_obs": self.event_study.n_units,
            }
        )
        if self.synth is not None and self.synth_placebo is not None:
            band = self.synth_placebo.band().set_index("term").loc["mean post gap"]
            rows.append(
                {
                    "term": f"synthetic control of {self.synth_unit}: mean post gap",
                    "estimate": self.synth.mean_post_gap,
                    "p_value": self.synth_placebo.p_value,
                    "conf_low": band["conf_low"],
                    "conf_high": band["conf_high"],
                    "n_obs": self.synth_placebo.n_obs,
                }
            )
        if self.sdid is not None:
            rows.append(
                {
                    "term": f"synthetic DiD of {self.synth_unit}",
                    "estimate": self.sdid.estimate,
                    "std_error": self.sdid.se,
                    "p_value": self.sdid.p_value_placebo,
                    "conf_low": self.sdid.ci[0],
                    "conf_high": self.sdid.ci[1],
                }
            )
        return tidy_frame(rows)

    def summary(self) -> Summary:
        tables = [("main estimates", self.tidy().set_index("term").dropna(axis=1, how="all"))]
        for name, res in self.in_time.items():
            tables.append((f"placebo in time: {name}", res.table))
        if self.pools:
            pooled = pd.concat(
                {p.pool: p.tidy().set_index("term") for p in self.pools}, names=["pool"]
            )
            tables.append(("by donor pool", pooled.dropna(axis=1, how="all")))
        notes = [
            f"outcome {self.outcome}, {self.window[0]}-{self.window[1]}, treated from "
            f"{self.treatment_time}: {len(self.treated)} treated, {len(self.donors)} comparison units"
        ]
        return Summary(self._name, tables, notes)

    def _plot(self, ax, labels, lang, kind: str = "event_study", **kwargs):
        """``kind``: "event_study", "synth" (treated and synthetic) or "placebo" (in space)."""
        parts = {
            "event_study": self.event_study,
            "synth": self.synth,
            "placebo": self.synth_placebo,
        }
        if kind not in parts:
            raise ValueError(f"DesignBattery.plot: kind must be one of {list(parts)}, got {kind!r}")
        part = parts[kind]
        if part is None:
            raise ValueError(f"DesignBattery.plot: no {kind} result (no synth_unit or donors)")
        part._plot(ax, labels, lang, **kwargs)


def _balanced(df: pd.DataFrame, unit: str, time: str, outcome: str) -> None:
    missing = [c for c in (unit, time, outcome) if c not in df.columns]
    if missing:
        raise ValueError(f"run_designs: df has no column(s) {missing}")
    bad = df[~np.isfinite(pd.to_numeric(df[outcome], errors="coerce"))]
    if len(bad):
        raise ValueError(
            f"run_designs: {outcome} is missing or not finite for {unit}={bad[unit].iloc[0]}, "
            f"{time}={bad[time].iloc[0]}; pass a balanced sample (nanbei.data.analysis_panel)"
        )
    counts = df.groupby(unit)[time].nunique()
    n_times = df[time].nunique()
    short = counts[counts < n_times]
    if len(short):
        raise ValueError(
            f"run_designs: the panel is not balanced: {unit} {list(short.index[:5])} "
            f"{'are' if len(short) > 1 else 'is'} observed in fewer than the {n_times} periods"
        )


def run_designs(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: Sequence,
    treatment_time: int,
    synth_unit=None,
    pools: Mapping[str, Sequence] | None = None,
    event_window: tuple[int, int] = (-5, 10),
    inference: Sequence[str] = INFERENCE,
    honest_max_post: int = 5,
    n_boot: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
    synth_kwargs: Mapping[str, Any] | None = None,
    sdid_kwargs: Mapping[str, Any] | None = None,
    pool_synth: bool = True,
) -> DesignBattery:
    """Run notebook 02's designs on any outcome of a balanced panel.

    Parameters
    ----------
    df : balanced long panel (one row per unit and period, ``outcome`` finite everywhere), already
        cut to a window without breaks (:func:`segment_window`).
    unit, time, outcome : column names; ``time`` integer-valued.
    treated : the treated units, all treated from ``treatment_time``; every other unit of ``df``
        is a comparison unit.
    synth_unit : one treated unit for the synthetic control and synthetic DiD (None: skipped).
        Its donors are the comparison units.
    pools : alternative donor pools, label -> comparison units (a subset of those in ``df``), on
        which the DiD and the synthetic control are re-estimated (e.g. without the units touched
        by a competing policy, :func:`nanbei.effects.donor_pool`).
    event_window : event-time window, narrowed to what the panel's years allow.
    inference : "wild" is always run (its estimate is the DiD's); "randomization" adds
        randomization inference for the DiD and its placebos.
    honest_max_post : post-period coefficients the Rambachan-Roth bounds average over.
    n_boot, seed, alpha : draws of the bootstrap and permutations, seed, level.
    synth_kwargs, sdid_kwargs : extra arguments of :func:`synthetic_control` (e.g. fewer
        ``n_starts`` for a quick run; also used by its placebo in time) and of
        :func:`synthetic_did` (e.g. ``replications``).
    pool_synth : also re-estimate the synthetic control and synthetic DiD on each pool (the
        slowest part of the battery; False keeps only the DiD there).

    Returns a :class:`DesignBattery`.  Raises ValueError for a panel that is not balanced, no
    treated or no comparison unit, a synth unit that is not treated, or a window leaving fewer than
    two years before the treatment.
    """
    _balanced(df, unit, time, outcome)
    unknown = [m for m in inference if m not in INFERENCE]
    if unknown:
        raise ValueError(f"run_designs: inference must be among {INFERENCE}, got {unknown}")
    units = set(df[unit])
    treated = sorted(set(treated) & units)
    if not treated:
        raise ValueError(f"run_designs: no treated unit is in the panel ({unit})")
    donors = sorted(units - set(treated))
    if not donors:
        raise ValueError("run_designs: no comparison unit is in the panel")
    if synth_unit is not None and synth_unit not in treated:
        raise ValueError(f"run_designs: synth_unit {synth_unit!r} is not a treated unit in df")
    times = np.sort(df[time].unique())
    first, last = int(times[0]), int(times[-1])
    if treatment_time - first < 2 or treatment_time > last:
        raise ValueError(
            f"run_designs: treatment_time {treatment_time} needs two earlier periods and one "
            f"later in {first}-{last}"
        )
    kw: dict[str, Any] = dict(unit=unit, time=time, outcome=outcome)
    skw: dict[str, Any] = dict(synth_kwargs or {})
    dkw: dict[str, Any] = dict(sdid_kwargs or {})
    panel = df.assign(cohort=np.where(df[unit].isin(treated), treatment_time, 0))
    did = panel.assign(treat_post=((panel["cohort"] > 0) & (panel[time] >= treatment_time)) * 1.0)
    few: dict[str, Any] = dict(n_boot=n_boot, weights="webb", seed=seed)
    wild_kw: dict[str, Any] = dict(
        y=outcome, x="treat_post", fe=[unit, time], param="treat_post", cluster=unit
    )
    did_wild = wild_cluster_bootstrap(did, **wild_kw, **few)
    did_ri = None
    if "randomization" in inference:
        did_ri = randomization_inference(
            did,
            unit=unit,
            time=time,
            treatment="treat_post",
            outcome=outcome,
            statistic="t",
            n_perm=n_boot,
            seed=seed,
        )
    window = (
        max(event_window[0], first - treatment_time),
        min(event_window[1], last - treatment_time),
    )
    es = event_study(panel, **kw, cohort="cohort", window=window, alpha=alpha)
    pretest = pretrend_test(
        panel, **kw, cohort="cohort", window=window, n_boot=n_boot, seed=seed, alpha=alpha
    )
    honest_rm = honest_sd = None
    if int((es.coefficients.index < -1).sum()) >= 2:
        honest_rm = honest_did_event_study(
            es,
            restriction="relative_magnitude",
            post="average",
            max_post=honest_max_post,
            M=np.linspace(0, 0.5, 11),
        )
        honest_sd = honest_did_event_study(
            es, restriction="smoothness", post="average", max_post=honest_max_post
        )
    placebo_inference = tuple(m for m in ("wild", "randomization") if m in inference)
    in_time: dict[str, InTimePlaceboResult] = {}
    if fake_dates(panel, unit=unit, time=time, cohort="cohort"):
        in_time["simple DiD"] = placebo_in_time(
            panel, **kw, cohort="cohort", design="did", inference=placebo_inference, **few
        )
        in_time["event study"] = placebo_in_time(
            panel, **kw, cohort="cohort", design="event_study", window=window
        )
    synth = synth_placebo = synth_loo = sdid = None
    if synth_unit is not None and len(donors) >= 3:
        one = df[df[unit].isin([synth_unit, *donors])]
        with warnings.catch_warnings():
            # a short pre-period is reported by prose.synth_finding, not as a warning
            warnings.simplefilter("ignore")
            synth = synthetic_control(
                one, **kw, treated=synth_unit, treatment_time=treatment_time, donors=donors, **skw
            )
            synth_placebo = synth.placebo_space(alpha=alpha)
            synth_loo = synth.leave_one_out()
            sdid = synthetic_did(
                one, **kw, treated=synth_unit, treatment_time=treatment_time, alpha=alpha, **dkw
            )
            synth_cohort = one.assign(cohort=np.where(one[unit] == synth_unit, treatment_time, 0))
            if fake_dates(synth_cohort, unit=unit, time=time, cohort="cohort"):
                in_time["synthetic control"] = placebo_in_time(
                    synth_cohort,
                    **kw,
                    cohort="cohort",
                    design="synthetic_control",
                    inference="placebo",
                    alpha=alpha,
                    synth_kwargs=skw or None,
                )
    pool_results = []
    for label, kept in (pools or {}).items():
        kept = sorted(set(kept) & set(donors))
        if not kept:
            continue
        res: dict[str, Any] = {
            "DiD (wild bootstrap)": wild_cluster_bootstrap(
                did[did[unit].isin([*treated, *kept])], **wild_kw, **few
            )
        }
        if pool_synth and synth_unit is not None and len(kept) >= 3:
            sub = df[df[unit].isin([synth_unit, *kept])]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res["synthetic control (placebo band)"] = synthetic_control(
                    sub, **kw, treated=synth_unit, treatment_time=treatment_time, **skw
                ).placebo_space(alpha=alpha)
                res["synthetic DiD (placebo rank p)"] = (
                    synthetic_did(
                        sub, **kw, treated=synth_unit, treatment_time=treatment_time, **dkw
                    ),
                    "p_value_placebo",
                )
        pool_results.append(PoolEstimates.from_results(label, res, n_donors=len(kept)))
    return DesignBattery(
        outcome=outcome,
        treatment_time=int(treatment_time),
        window=(first, last),
        treated=treated,
        donors=donors,
        synth_unit=synth_unit,
        did_wild=did_wild,
        did_ri=did_ri,
        event_study=es,
        pretest=pretest,
        synth=synth,
        synth_placebo=synth_placebo,
        synth_loo=synth_loo,
        sdid=sdid,
        honest_rm=honest_rm,
        honest_sd=honest_sd,
        in_time=in_time,
        pools=pool_results,
        alpha=alpha,
    )


def capitalized(text: str) -> str:
    """``text`` with its first character upper-cased and the rest untouched ("five Subei
    cities" -> "Five Subei cities"; ``str.capitalize`` would lower "Subei")."""
    return text[:1].upper() + text[1:]


def design_findings(
    battery: DesignBattery,
    *,
    treated_name: str,
    group_name: str,
    lang: str = "en",
) -> dict[str, str]:
    """The sentences that report a :class:`DesignBattery`, keyed "synth", "in_time", "pretrend",
    "honest", "did" and "pools"; each is joined from :mod:`nanbei.effects.prose` and
    :func:`nanbei.effects.verdict` (which pick the wording from the numbers), in ``lang``.

    ``treated_name`` names the synthetic-control unit, ``group_name`` the treated group (the
    subject of the pre-trend finding and of the DiD caveat; "" leaves prose's default, Subei),
    both in ``lang``.
    """
    from nanbei.labels import text

    b = battery
    a = b.alpha
    group = group_name or None
    out: dict[str, str] = {}
    if b.synth is not None and b.synth_placebo is not None and b.sdid is not None:
        band = b.synth_placebo.band().set_index("term").loc["mean post gap"]
        loo = b.synth_loo.gaps if b.synth_loo is not None else pd.DataFrame()
        loo_post = loo[loo.index >= b.treatment_time].mean()
        fit = prose.ratio_phrase(b.synth, lang=lang)
        band_text = prose.band_phrase(
            band, b.synth_placebo.n_obs - 1, b.treatment_time, alpha=a, lang=lang
        )
        out["synth"] = prose.sentences(
            [
                (f"{fit}；{band_text}。" if lang == "zh" else f"{capitalized(fit)}; {band_text}."),
                prose.synth_finding(b.synth, b.synth_placebo, treated_name, alpha=a, lang=lang),
                prose.sdid_finding(b.sdid, treated_name, alpha=a, lang=lang),
            ]
            + (
                [
                    f"Leave-one-out: {loo_post.min():+.3f} to {loo_post.max():+.3f}."
                    if lang == "en"
                    else f"逐一剔除权重城市：{loo_post.min():+.3f} 至 {loo_post.max():+.3f}。"
                ]
                if len(loo_post)
                else []
            ),
            lang=lang,
        )
    else:
        out["synth"] = ""
    n_pre = b.treatment_time - b.window[0]
    parts = []
    for name, key in (
        ("simple DiD", "what_did"),
        ("event study", "what_event_study"),
        ("synthetic control", "what_synth"),
    ):
        what = text(key, lang)
        if name in b.in_time:
            parts.append(prose.in_time_placebo_finding(b.in_time[name], what, lang=lang))
        elif name != "synthetic control" or b.synth is not None:
            parts.append(prose.no_placebo_sentence(what, n_pre, lang=lang))
    out["in_time"] = prose.sentences(parts, lang=lang)
    out["pretrend"] = prose.pretrend_finding(
        b.pre_coefficients,
        b.pretest,
        alpha=a,
        source=text("es_source", lang, estimator="TWFE"),
        group=group,
        lang=lang,
    )
    if b.honest_rm is not None:
        out["honest"] = prose.honest_finding(b.honest_rm, b.honest_sd, lang=lang)
    else:
        out["honest"] = prose.no_honest_sentence(len(b.pre_coefficients), lang=lang)
    names = {"wild cluster bootstrap": "test_wild", "randomization inference": "test_ri"}
    p_values = {text(names[k], lang): p for k, p in b.p_values.items()}
    out["did"] = prose.sentences(
        [
            verdict(p_values, alpha=a, lang=lang),
            prose.did_caveat(
                p_values, b.pretrends_doubtful, b.treatment_time, alpha=a, group=group, lang=lang
            ),
        ],
        lang=lang,
    )
    if b.pools:
        did_rows = [(p.pool, p.tidy().iloc[0]) for p in b.pools]
        lo = min(r["estimate"] for _, r in did_rows)
        hi = max(r["estimate"] for _, r in did_rows)
        rejecting = [pool for pool, r in did_rows if r["p_value"] <= a]
        out["pools"] = pool_sentence(
            n_pools=len(did_rows), low=lo, high=hi, rejecting=rejecting, alpha=a, lang=lang
        )
    else:
        out["pools"] = ""
    return out


def pool_sentence(
    n_pools: int,
    low: float,
    high: float,
    rejecting: Sequence[str],
    alpha: float = 0.05,
    lang: str = "en",
) -> str:
    """How the DiD estimate moves across donor pools, and in which pools the wild bootstrap
    rejects a zero effect (``rejecting``: their labels, in ``lang``)."""
    from nanbei.labels import check_lang

    level = f"{100 * alpha:g}%"
    if check_lang(lang) == "zh":
        head = f"在{n_pools}个对照组中，双重差分估计值介于 {low:+.3f} 与 {high:+.3f} 之间"
        if not rejecting:
            return head + f"；野聚类自助法在任何对照组中都不在{level}水平上拒绝零效应。"
        if len(rejecting) == n_pools:
            return head + f"；野聚类自助法在每个对照组中都在{level}水平上拒绝零效应。"
        return (
            head + f"；野聚类自助法只在{prose.listing(list(rejecting), lang=lang)}中在{level}水平上"
            "拒绝零效应：结论取决于对照组的选择。"
        )
    head = (
        f"Across the {prose.count_phrase(n_pools, 'donor pool')} the DiD estimate ranges from "
        f"{low:+.3f} to {high:+.3f}"
    )
    if not rejecting:
        return head + f"; the wild cluster bootstrap rejects a zero effect at {level} in none."
    if len(rejecting) == n_pools:
        return head + f"; the wild cluster bootstrap rejects a zero effect at {level} in every one."
    return (
        head
        + f"; the wild cluster bootstrap rejects a zero effect at {level} only with "
        + prose.listing(list(rejecting))
        + ": the finding depends on the comparison group."
    )
