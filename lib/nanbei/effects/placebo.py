"""In-time placebos for every design: the effect re-estimated at fake treatment dates.

A design whose "effect" is really a trend (the treated units drifting away from the
comparison units whatever the date) finds effects at dates when nothing happened.  The
in-time placebo (Abadie, Diamond & Hainmueller 2015, sec. 4; Heckman & Hotz 1989) asks
exactly that: pretend the treatment came earlier and estimate again.

**Only data from before the real treatment enter a placebo.**  With the earliest real
adoption date ``T0``, every placebo is estimated on the periods ``t < T0``; the real
post-treatment years never enter, so a real effect cannot leak into a placebo.  A fake
date ``f`` shifts every treated unit's adoption date by ``f - T0`` (with one adoption date,
as in the Subei DiD, every treated unit is simply "treated" from ``f``); a unit whose
shifted date falls outside the truncated window is left out of that placebo and listed.
A fake date needs at least ``min_pre`` periods before it and one after it (before ``T0``).
Cohorts that adopt too early for any placebo (fewer than ``min_pre + 1`` earlier periods, e.g. a
park dated in the first year after the window opens) are left out with their units, listed in
``dropped``, so that ``T0`` is the earliest cohort a placebo can use; :func:`fake_dates` lists
the admissible dates (empty when the pre-period is too short for any).

Designs (``design=``), each estimated by the library's own estimator on the truncated
panel:

``"did"``
    the TWFE DiD coefficient of ``treated x post`` with unit and period effects;
    inference by the wild cluster bootstrap (``"wild"``: WCR, Webb weights), randomization
    inference (``"randomization"``: treatment re-assigned across units, t statistic) and
    the conventional CR1 t-test (``"cr1"``, for comparison only).
``"event_study"``
    :func:`nanbei.effects.event_study` (TWFE or Sun-Abraham); the statistic is the mean of
    the post-(fake-)treatment coefficients with its CR1 standard error and a t(G-1) test.
``"staggered_did"``
    :func:`nanbei.effects.staggered_did`; the simple aggregate ATT with its analytic
    standard error (``"analytic"``) and/or randomization inference on the aggregate
    (``"randomization"``).
``"synthetic_control"``
    :func:`nanbei.effects.synthetic_control` for the one treated unit; the statistic is the
    mean post-(fake-)treatment gap, with the in-space placebo p-value of the post/pre RMSPE
    ratio (``"placebo"``).

The result, :class:`InTimePlaceboResult`, holds one row per fake date (the placebo
distribution), optionally the estimate at the real date on the full panel, and how many
placebos reject at ``alpha``.  Its ``rank_p_value`` compares the real estimate with the
placebo estimates: ``(1 + #{|placebo| >= |real|}) / (1 + K)`` for ``K`` fake dates, a
descriptive check (with few fake dates its smallest value is coarse).  Under no effect and
parallel trends each placebo p-value is (approximately) uniform; with a differential trend
the placebos reject (both are tested on simulated panels in ``tests/test_effects_placebo.py``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from nanbei.effects._common import p_phrase
from nanbei.panel import check_panel, unit_cohorts
from nanbei.results import Result, Summary, tidy_frame

__all__ = ["InTimePlaceboResult", "placebo_in_time", "fake_dates", "DESIGNS"]

DESIGNS = ("did", "event_study", "staggered_did", "synthetic_control")
_INFERENCE = {
    "did": ("wild", "randomization", "cr1"),
    "event_study": ("cr1",),
    "staggered_did": ("analytic", "randomization"),
    "synthetic_control": ("placebo",),
}
_DEFAULT_INFERENCE = {
    "did": ("wild",),
    "event_study": ("cr1",),
    "staggered_did": ("analytic",),
    "synthetic_control": ("placebo",),
}
_LABEL = {
    "wild": "wild cluster bootstrap",
    "randomization": "randomization inference",
    "cr1": "CR1 t-test",
    "analytic": "analytic (influence function)",
    "placebo": "in-space placebo",
}


@dataclass(repr=False)
class InTimePlaceboResult(Result):
    """Estimates at fake treatment dates (the placebo distribution) and the real estimate.

    Attributes
    ----------
    design : one of :data:`DESIGNS`.
    treatment_time : the earliest real adoption date ``T0``; placebos use periods before it.
    table : one row per fake date (index ``fake_time``): ``estimate, std_error, conf_low,
        conf_high, p_value`` (of the first inference method), ``p_<method>`` for every method,
        ``n_pre`` and ``n_post`` (periods before and from the fake date inside the truncated
        window), ``n_treated`` (units treated in the placebo) and ``n_units``.
    actual : the same quantities at the real date on the full panel (a one-row frame), or
        empty when not computed.
    inference : the inference methods, the first being the one ``p_value`` refers to.
    dropped : units left out of a placebo because their shifted date leaves the window.
    """

    _name = "In-time placebo"

    design: str
    treatment_time: float
    table: pd.DataFrame
    actual: pd.DataFrame
    inference: tuple[str, ...]
    alpha: float = 0.05
    outcome: str = "outcome"
    n_obs: int = 0
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def n_placebos(self) -> int:
        return int(len(self.table))

    @property
    def p_values(self) -> pd.Series:
        """Placebo p-values (first inference method) by fake date."""
        return self.table["p_value"]

    @property
    def n_rejections(self) -> int:
        """Fake dates at which the placebo rejects a zero effect at ``alpha`` (p <= alpha)."""
        return int((self.table["p_value"] <= self.alpha).sum())

    @property
    def actual_estimate(self) -> float:
        return float(self.actual["estimate"].iloc[0]) if len(self.actual) else math.nan

    @property
    def actual_p_value(self) -> float:
        return float(self.actual["p_value"].iloc[0]) if len(self.actual) else math.nan

    @property
    def rank_p_value(self) -> float:
        """``(1 + #{|placebo estimate| >= |real estimate|}) / (1 + K)``; NaN without the real
        estimate or placebos."""
        if not len(self.actual) or not self.n_placebos:
            return math.nan
        real = abs(self.actual_estimate)
        est = np.abs(self.table["estimate"].to_numpy(float))
        tol = 1e-12 * max(1.0, real)
        return float((1 + np.sum(est >= real - tol)) / (1 + len(est)))

    def tidy(self) -> pd.DataFrame:
        """One row per fake date (``fake=2003``), then the real date (``actual=2006``)."""
        rows = []
        for f, r in self.table.iterrows():
            rows.append(
                {
                    "term": f"fake={_fmt(f)}",
                    **{
                        k: r.get(k)
                        for k in ("estimate", "std_error", "p_value", "conf_low", "conf_high")
                    },
                    "n_obs": r.get("n_obs"),
                    "time": f,
                    "placebo": True,
                }
            )
        for _, r in self.actual.iterrows():
            rows.append(
                {
                    "term": f"actual={_fmt(self.treatment_time)}",
                    **{
                        k: r.get(k)
                        for k in ("estimate", "std_error", "p_value", "conf_low", "conf_high")
                    },
                    "n_obs": r.get("n_obs"),
                    "time": self.treatment_time,
                    "placebo": False,
                }
            )
        out = tidy_frame(rows)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["statistic"] = out["estimate"] / out["std_error"]
        return out

    def summary(self) -> Summary:
        cols = [
            c
            for c in (
                "estimate",
                "std_error",
                "conf_low",
                "conf_high",
                "p_value",
                *[f"p_{m}" for m in self.inference],
                "n_pre",
                "n_post",
                "n_treated",
            )
            if c in self.table.columns
        ]
        cols = list(dict.fromkeys(cols))
        notes = [
            f"design: {self.design}; placebos use only periods before {_fmt(self.treatment_time)}"
            f"; p_value = {_LABEL.get(self.inference[0], self.inference[0])}",
            f"{self.n_rejections} of {self.n_placebos} placebos reject a zero effect at "
            f"{100 * self.alpha:g}%",
        ]
        tables = [("Placebo estimates by fake treatment date", self.table[cols])]
        if len(self.actual):
            tables.append(
                (
                    "At the real date (full panel)",
                    self.actual[[c for c in cols if c in self.actual.columns]],
                )
            )
            notes.append(
                f"rank p-value of the real estimate among the placebos: {self.rank_p_value:.3f}"
            )
        if len(self.dropped):
            notes.append(f"{len(self.dropped)} unit-placebo pairs left out (see .dropped)")
        return Summary(
            f"In-time placebo ({self.design}, {self.n_placebos} fake dates)", tables, notes
        )

    def __repr__(self) -> str:
        return (
            f"InTimePlaceboResult(design={self.design!r}, fake dates="
            f"{[_fmt(f) for f in self.table.index]}, rejections={self.n_rejections})"
        )

    def _plot(self, ax, labels, lang, **kwargs):
        """Placebo estimates (grey, with intervals where available) at their fake dates and
        the real estimate (black); the p-value of each is written above it."""
        from nanbei import labels as L

        t = self.table
        x = t.index.to_numpy(float)
        est = t["estimate"].to_numpy(float)
        err = np.vstack([est - t["conf_low"].to_numpy(float), t["conf_high"].to_numpy(float) - est])
        ax.errorbar(
            x,
            est,
            yerr=_finite_err(err),
            fmt="o",
            color="#9aa5b1",
            capsize=3,
            label=L.text("itp_placebos", lang, n=self.n_placebos),
        )
        for xi, yi, p in zip(x, est, t["p_value"], strict=True):
            if np.isfinite(p):
                ax.annotate(
                    p_phrase(p, self.alpha),
                    (xi, yi),
                    textcoords="offset points",
                    xytext=(0, 8),
                    ha="center",
                    fontsize=7,
                    color="grey",
                )
        if len(self.actual):
            a = self.actual.iloc[0]
            e = float(a["estimate"])
            lo, hi = float(a.get("conf_low", np.nan)), float(a.get("conf_high", np.nan))
            ax.errorbar(
                [float(self.treatment_time)],
                [e],
                yerr=_finite_err(np.array([[e - lo], [hi - e]])),
                fmt="s",
                color="black",
                capsize=3,
                label=L.text("itp_real", lang),
            )
            if np.isfinite(a["p_value"]):
                ax.annotate(
                    p_phrase(float(a["p_value"]), self.alpha),
                    (float(self.treatment_time), e),
                    textcoords="offset points",
                    xytext=(0, 8),
                    ha="center",
                    fontsize=7,
                )
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(float(self.treatment_time) - 0.5, color="grey", ls=":", lw=0.8)
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(L.text("itp_xlabel", lang))
        # a column name the label dictionary does not know is shown as it is
        outcome = L.variable(self.outcome, lang) if self.outcome in L.VARIABLES else self.outcome
        ax.set_ylabel(L.text("itp_ylabel", lang, outcome=outcome))
        ax.set_title(
            L.text(
                "itp_title",
                lang,
                design=L.text(f"itp_design_{self.design}", lang),
                k=self.n_rejections,
                n=self.n_placebos,
                level=f"{100 * self.alpha:g}%",
            )
        )
        ax.legend(frameon=False)


def _finite_err(err: np.ndarray) -> np.ndarray:
    """Error-bar lengths, with unbounded or missing interval ends drawn as no bar."""
    err = np.abs(np.asarray(err, float))
    return np.where(np.isfinite(err), err, 0.0)


def _fmt(v) -> str:
    try:
        return str(int(v)) if float(v).is_integer() else str(v)
    except (TypeError, ValueError):
        return str(v)


# --------------------------------------------------------------------------------------
# one estimate per design
# --------------------------------------------------------------------------------------
def _did_row(
    panel, unit, time, outcome, cohort_col, inference, n_boot, seed, alpha, cluster, weights
):
    from nanbei.effects.inference import randomization_inference, wild_cluster_bootstrap

    g = panel[cohort_col].to_numpy(float)
    d = panel.assign(_treat=((g > 0) & (panel[time].to_numpy(float) >= g)).astype(float))
    row: dict = {}
    wb = wild_cluster_bootstrap(
        d,
        y=outcome,
        x="_treat",
        fe=[unit, time],
        param="_treat",
        cluster=cluster or unit,
        n_boot=n_boot if "wild" in inference else 99,
        weights=weights,
        seed=seed,
        alpha=alpha if "wild" in inference else None,
    )
    row.update(estimate=wb.estimate, std_error=wb.se)
    if "wild" in inference:
        row.update(p_wild=wb.p_value, ci_wild=wb.ci)
    if "cr1" in inference:
        q = stats.t.ppf(1 - alpha / 2, wb.n_clusters - 1)
        row.update(p_cr1=wb.p_value_cr1, ci_cr1=(wb.estimate - q * wb.se, wb.estimate + q * wb.se))
    if "randomization" in inference:
        ri = randomization_inference(
            d,
            unit=unit,
            time=time,
            treatment="_treat",
            outcome=outcome,
            statistic="t",
            n_perm=n_boot,
            seed=seed,
            alpha=alpha,
            cluster=cluster,
        )
        row.update(p_randomization=ri.p_value, ci_randomization=ri.ci)
    row["n_obs"] = len(d)
    return row


def _event_study_row(panel, unit, time, outcome, cohort_col, alpha, cluster, window, estimator):
    from nanbei.effects.event_study import event_study

    times = np.sort(panel[time].unique()).astype(float)
    g = panel.loc[panel[cohort_col] > 0, cohort_col].to_numpy(float)
    lo = max(window[0], int(times[0] - g.max()))
    hi = min(window[1], int(times[-1] - g.min()))
    lo = min(lo, -2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        es = event_study(
            panel,
            unit=unit,
            time=time,
            outcome=outcome,
            cohort=cohort_col,
            window=(lo, max(hi, 0)),
            estimator=estimator,
            cluster=cluster,
            alpha=alpha,
        )
    if es.vcov is None:  # event_study always sets it; a result built by hand may not
        raise ValueError("event-study placebo: the event study has no covariance matrix")
    post = [e for e in es.vcov.index if e >= 0]
    w = np.full(len(post), 1.0 / len(post))
    est = float(es.coefficients.loc[post, "estimate"].to_numpy() @ w)
    se = float(np.sqrt(w @ es.vcov.loc[post, post].to_numpy() @ w))
    dof = es.n_clusters - 1
    q = stats.t.ppf(1 - alpha / 2, dof)
    p = float(2 * stats.t.sf(abs(est / se), dof)) if se > 0 else math.nan
    return {
        "estimate": est,
        "std_error": se,
        "p_cr1": p,
        "ci_cr1": (est - q * se, est + q * se),
        "n_obs": es.n_obs,
    }


def _staggered_row(
    panel,
    unit,
    time,
    outcome,
    cohort_col,
    inference,
    n_boot,
    seed,
    alpha,
    control,
    covariates,
    method,
):
    from nanbei.effects.did import staggered_did

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cs = staggered_did(
            panel,
            unit=unit,
            time=time,
            outcome=outcome,
            cohort=cohort_col,
            control=control,
            covariates=covariates,
            method=method,
            alpha=alpha,
        )
    agg = cs.aggregate("simple")
    row: dict[str, object] = {"estimate": agg.att, "std_error": agg.se, "n_obs": cs.n_units}
    if "analytic" in inference:
        row.update(p_analytic=agg.p_value, ci_analytic=agg.ci)
    if "randomization" in inference:
        ri = cs.randomization(n_perm=n_boot, seed=seed)
        row.update(p_randomization=ri.p_value, ci_randomization=ri.ci)
    return row


def _synth_row(panel, unit, time, outcome, cohort_col, inference, alpha, synth_kwargs, fake):
    from nanbei.effects.synth import synthetic_control

    treated = panel.loc[panel[cohort_col] > 0, unit].unique()
    if len(treated) != 1:
        raise ValueError(
            f"placebo_in_time: design='synthetic_control' needs exactly one treated "
            f"unit, got {len(treated)}"
        )
    donors = sorted(panel.loc[panel[cohort_col] == 0, unit].unique())
    tt = float(panel.loc[panel[unit] == treated[0], cohort_col].iloc[0])
    kw = dict(synth_kwargs or {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc = synthetic_control(
            panel,
            unit=unit,
            time=time,
            outcome=outcome,
            treated=treated[0],
            treatment_time=tt,
            donors=donors,
            **kw,
        )
    row: dict[str, object] = {
        "estimate": sc.mean_post_gap,
        "std_error": math.nan,
        "n_obs": sc.n_obs,
        "pre_rmspe": sc.pre_rmspe,
    }
    if "placebo" in inference:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pl = sc.placebo_space(alpha=alpha)
        band = pl.band().set_index("term").loc["mean post gap"]
        row.update(p_placebo=pl.p_value, ci_placebo=(band["conf_low"], band["conf_high"]))
    return row


# --------------------------------------------------------------------------------------
# public entry points
# --------------------------------------------------------------------------------------
def _early_cohorts(times: np.ndarray, g_unit: pd.Series, min_pre: int) -> pd.Series:
    """Treated units whose cohort leaves fewer than ``min_pre + 1`` earlier periods (too early
    for any placebo), unless that is every treated unit."""
    treated = g_unit[g_unit > 0]
    early = treated[np.searchsorted(times, treated.to_numpy(float)) < min_pre + 1]
    return early if len(early) < len(treated) else early.iloc[0:0]


def fake_dates(df: pd.DataFrame, *, unit: str, time: str, cohort: str, min_pre: int = 2) -> list:
    """The fake dates :func:`placebo_in_time` would use by default: every period before the
    earliest (usable) adoption date with at least ``min_pre`` earlier periods.  Empty when the
    pre-period is too short for any placebo (a caller can then say so instead of failing)."""
    g_unit = unit_cohorts(df, unit=unit, cohort=cohort, what="fake_dates")
    times = np.sort(df[time].unique()).astype(float)
    if not (g_unit > 0).any():
        return []
    g_unit = g_unit.drop(_early_cohorts(times, g_unit, min_pre).index)
    t0 = float(g_unit[g_unit > 0].min())
    pre = times[times < t0]
    return [int(f) if float(f).is_integer() else f for f in pre if np.sum(pre < f) >= min_pre]


def placebo_in_time(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    cohort: str,
    design: str = "did",
    fake_times=None,
    min_pre: int = 2,
    inference=None,
    n_boot: int = 9999,
    seed: int = 0,
    alpha: float = 0.05,
    cluster: str | None = None,
    weights: str = "webb",
    window: tuple[int, int] = (-5, 10),
    estimator: str = "twfe",
    control: str = "never",
    covariates=None,
    method: str = "dr",
    synth_kwargs: dict | None = None,
    actual: bool = True,
) -> InTimePlaceboResult:
    """Re-estimate a design at fake treatment dates using only the periods before the real one.

    Parameters
    ----------
    df : long panel (balanced for ``"staggered_did"``), one row per unit and period.
    unit, time, outcome : column names; ``time`` numeric with integer steps.
    cohort : first treated period of each unit (0/NaN never treated), as in the estimators.
    design : one of :data:`DESIGNS` (see the module docstring).
    fake_times : the fake dates for the earliest cohort; default every date ``f`` with at
        least ``min_pre`` periods before it and at least one period from ``f`` to ``T0 - 1``.
    min_pre : fewest pre-(fake-)treatment periods (at least 2).
    inference : methods for the p-values, the first one is ``p_value``; per design
        ``"did"``: "wild", "randomization", "cr1"; ``"event_study"``: "cr1";
        ``"staggered_did"``: "analytic", "randomization"; ``"synthetic_control"``:
        "placebo".  Default: the first of these.
    n_boot, seed, weights : draws (bootstrap and permutations), seed and wild bootstrap
        weights.
    alpha : level of the tests and intervals.
    cluster : cluster column (default ``unit``) for "did" and "event_study".
    window, estimator : event window and "twfe"/"sunab" for ``"event_study"`` (the window is
        narrowed to what each truncated panel allows).
    control, covariates, method : Callaway-Sant'Anna settings for ``"staggered_did"``.
    synth_kwargs : extra arguments of :func:`synthetic_control` (``predictors`` must then be
        None or windows inside every truncated panel).
    actual : also estimate at the real date on the full panel (for the comparison; without the
        cohorts left out as too early for any placebo).

    Returns
    -------
    InTimePlaceboResult

    Raises
    ------
    ValueError for an unknown design or inference method, no treated unit, fake dates that
    are not before the real date or leave fewer than ``min_pre`` earlier periods, or no
    admissible fake date.
    """
    what = "placebo_in_time"
    if design not in DESIGNS:
        raise ValueError(f"{what}: design must be one of {DESIGNS}, got {design!r}")
    if inference is None:
        inference = _DEFAULT_INFERENCE[design]
    inference = (inference,) if isinstance(inference, str) else tuple(inference)
    unknown = [m for m in inference if m not in _INFERENCE[design]]
    if unknown or not inference:
        raise ValueError(
            f"{what}: inference for design={design!r} must be among "
            f"{_INFERENCE[design]}, got {list(inference)}"
        )
    if not 0 < alpha < 1:
        raise ValueError(f"{what}: alpha must be in (0, 1), got {alpha}")
    if isinstance(min_pre, bool) or not isinstance(min_pre, (int, np.integer)) or min_pre < 2:
        raise ValueError(f"{what}: min_pre must be an integer of at least 2, got {min_pre!r}")
    extra = [c for c in (cluster,) if c is not None and c not in (unit, time)]
    covs = (
        []
        if covariates is None
        else ([covariates] if isinstance(covariates, str) else list(covariates))
    )
    panel = check_panel(
        df, unit=unit, time=time, columns=[outcome, *covs], min_units=2, min_periods=3, what=what
    )
    for c in extra:
        if c not in df.columns:
            raise ValueError(f"{what}: cluster column '{c}' not found")
        panel[c] = (
            df.set_index([unit, time])[c]
            .reindex(pd.MultiIndex.from_frame(panel[[unit, time]]))
            .to_numpy()
        )
    g_unit = unit_cohorts(df, unit=unit, cohort=cohort, what=what)
    panel["_cohort"] = panel[unit].map(g_unit).to_numpy(float)
    if not (g_unit > 0).any():
        raise ValueError(f"{what}: no treated unit: column '{cohort}' is 0/NaN everywhere")
    times = np.sort(panel[time].unique()).astype(float)
    dropped = []
    # Cohorts adopting too early for any placebo (fewer than min_pre + 1 earlier periods) are
    # left out with their units, so that T0 is the earliest cohort a placebo can use.
    early = _early_cohorts(times, g_unit, min_pre)
    if len(early):
        dropped += [
            {
                "fake_time": np.nan,
                unit: u,
                "reason": f"adopts in {_fmt(g)}, too early for "
                f"a placebo with {min_pre} earlier periods",
            }
            for u, g in early.items()
        ]
        panel = panel[~panel[unit].isin(early.index)].reset_index(drop=True)
        g_unit = g_unit.drop(early.index)
    t0 = float(g_unit[g_unit > 0].min())
    pre_times = times[times < t0]
    if fake_times is None:
        fake_times = [f for f in pre_times if np.sum(pre_times < f) >= min_pre]
    else:
        fake_times = sorted(float(f) for f in np.atleast_1d(fake_times))
        for f in fake_times:
            if not f < t0:
                raise ValueError(
                    f"{what}: fake date {_fmt(f)} is not before the real treatment "
                    f"date {_fmt(t0)}; placebos use only the pre-treatment periods"
                )
            if np.sum(pre_times < f) < min_pre:
                raise ValueError(
                    f"{what}: fake date {_fmt(f)} leaves fewer than {min_pre} "
                    f"periods before it (data start in {_fmt(times[0])})"
                )
            if f not in set(pre_times):
                raise ValueError(f"{what}: fake date {_fmt(f)} is not an observed period")
    if not fake_times:
        raise ValueError(
            f"{what}: no admissible fake date: the {len(pre_times)} periods before "
            f"{_fmt(t0)} leave none with {min_pre} earlier periods"
        )

    def estimate(sub: pd.DataFrame, fake: float | None) -> dict:
        if design == "did":
            return _did_row(
                sub,
                unit,
                time,
                outcome,
                "_cohort",
                inference,
                n_boot,
                seed,
                alpha,
                cluster,
                weights,
            )
        if design == "event_study":
            return _event_study_row(
                sub, unit, time, outcome, "_cohort", alpha, cluster, window, estimator
            )
        if design == "staggered_did":
            return _staggered_row(
                sub,
                unit,
                time,
                outcome,
                "_cohort",
                inference,
                n_boot,
                seed,
                alpha,
                control,
                covs or None,
                method,
            )
        return _synth_row(sub, unit, time, outcome, "_cohort", inference, alpha, synth_kwargs, fake)

    rows = []
    trunc = panel[panel[time] < t0]
    for f in fake_times:
        shift = f - t0
        sub = trunc.copy()
        g = sub["_cohort"].to_numpy(float)
        gp = np.where(g > 0, g + shift, 0.0)
        out = (g > 0) & (
            (gp > pre_times[-1])
            | (gp < pre_times[0] + 0)
            | (np.searchsorted(pre_times, gp) < min_pre)
        )
        if out.any():
            gone = sorted(sub.loc[out, unit].unique().tolist())
            dropped += [
                {
                    "fake_time": f,
                    unit: u,
                    "reason": "shifted adoption date outside the pre-treatment window",
                }
                for u in gone
            ]
            sub = sub[~sub[unit].isin(gone)]
            gp = gp[~out]
        sub["_cohort"] = gp
        if not (gp > 0).any():
            continue
        r = estimate(sub.reset_index(drop=True), f)
        r.update(
            n_pre=int(np.sum(pre_times < f)),
            n_post=int(np.sum(pre_times >= f)),
            n_treated=int(sub.loc[sub["_cohort"] > 0, unit].nunique()),
            n_units=int(sub[unit].nunique()),
        )
        rows.append((f, r))
    if not rows:
        raise ValueError(
            f"{what}: every placebo lost its treated units (shifted dates outside the window)"
        )
    table = _frame(rows, inference)
    act = pd.DataFrame()
    if actual:
        r = estimate(panel.reset_index(drop=True), None)
        r.update(
            n_pre=int(len(pre_times)),
            n_post=int(np.sum(times >= t0)),
            n_treated=int(panel.loc[panel["_cohort"] > 0, unit].nunique()),
            n_units=int(panel[unit].nunique()),
        )
        act = _frame([(t0, r)], inference)
    return InTimePlaceboResult(
        design=design,
        treatment_time=t0,
        table=table,
        actual=act,
        inference=inference,
        alpha=float(alpha),
        outcome=outcome,
        n_obs=int(len(trunc)),
        dropped=pd.DataFrame(dropped),
    )


def _frame(rows, inference) -> pd.DataFrame:
    recs = []
    main = inference[0]
    for f, r in rows:
        rec = {"fake_time": f, "estimate": r["estimate"], "std_error": r.get("std_error", np.nan)}
        ci = r.get(f"ci_{main}", (np.nan, np.nan))
        rec.update(
            conf_low=float(ci[0]), conf_high=float(ci[1]), p_value=float(r.get(f"p_{main}", np.nan))
        )
        for m in inference:
            rec[f"p_{m}"] = float(r.get(f"p_{m}", np.nan))
        for k in ("n_pre", "n_post", "n_treated", "n_units", "n_obs", "pre_rmspe"):
            if k in r:
                rec[k] = r[k]
        recs.append(rec)
    out = pd.DataFrame(recs).set_index("fake_time")
    if np.all(np.mod(out.index.to_numpy(float), 1) == 0):
        out.index = out.index.astype(int)
    return out
