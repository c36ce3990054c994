"""Staggered difference-in-differences: Callaway & Sant'Anna (2021) group-time ATTs.

With staggered adoption (cities joining the south-north co-building scheme in
different years) the two-way fixed-effects DiD coefficient mixes "clean"
comparisons with "forbidden" ones that use already-treated units as controls,
and can even get the sign wrong when effects grow over time.  Callaway and
Sant'Anna (2021) instead estimate one 2x2 DiD per cohort ``g`` (units first
treated in period ``g``) and period ``t``::

    ATT(g, t) = E[Y_t - Y_b | G = g] - E[Y_t - Y_b | control]

with base period ``b = g - 1`` for post-treatment cells, comparing cohort ``g``
with never-treated (or not-yet-treated) units, and then aggregate the ATT(g, t)
with cohort-size weights (``aggregate``).

The numbers reproduce the R package ``did`` (``att_gt`` with ``bstrap=FALSE``
and ``aggte``) and, through it, the Python port ``csdid``: the 2x2 estimators
are those of ``DRDID`` (``drdid_panel``, ``std_ipw_did_panel``,
``reg_did_panel``; ``method="dr_imp"`` adds ``drdid_imp_panel``, the improved
DR estimator that R ``did`` does not offer), standard errors come from the
influence functions,
including the estimation error of the propensity score / outcome regression
and, for aggregates, of the cohort-share weights.

Why hand-written rather than calling ``csdid``: ``csdid`` goes through a long
DataFrame per cell and is several times slower; here the panel is reshaped
once into a wide unit x period matrix, every 2x2 comparison is a handful of
array operations on its columns, and the propensity score / regression design
is fitted once per (cohort, control set) and reused across periods whenever the
covariates do not vary over time.  Agreement with R ``did`` (published values)
and ``csdid`` is checked in ``tests/test_effects_did.py``.

References
----------
Callaway, B. and Sant'Anna, P. H. C. (2021). Difference-in-differences with
multiple time periods. Journal of Econometrics 225(2), 200-230.
Sant'Anna, P. H. C. and Zhao, J. (2020). Doubly robust difference-in-differences
estimators. Journal of Econometrics 219(1), 101-122.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from nanbei.effects._common import check_draws, normal_p
from nanbei.panel import check_panel, unit_cohorts
from nanbei.results import Result, Summary, tidy_frame

if TYPE_CHECKING:
    from nanbei.effects.inference import RandomizationResult
    from nanbei.effects.pretrends import PreTrendTest

__all__ = [
    "StaggeredDiDResult",
    "DiDAggregate",
    "staggered_did",
    "simulate_staggered_panel",
]

_METHODS = ("dr", "ipw", "reg", "dr_imp")
_CONTROLS = ("never", "notyet")
_BASES = ("varying", "universal")
_KINDS = ("simple", "group", "dynamic", "calendar")
# R did reports a standard error below this as NA (it is numerically zero,
# e.g. the reference cell ATT(g, g-1) = 0 under a universal base period).
_SE_ZERO = np.sqrt(np.finfo(float).eps) * 10
# The multiplier bootstrap keeps every draw of every column (for the interquartile-range
# standard errors and the sup-t critical value): n_boot x columns is capped at this many
# float64 values (200 MB).
_MAX_BOOT_VALUES = 25_000_000
# Propensity scores of controls at or above this level get zero weight
# (DRDID's default ``trim.level``); scores are capped at 1 - 1e-6.
_TRIM_LEVEL = 0.995


# --------------------------------------------------------------------------
# result containers
# --------------------------------------------------------------------------


_TERM_PREFIX = {"group": "g", "dynamic": "e", "calendar": "t"}
_PRE_COLOR, _POST_COLOR = "#c8553d", "#1b6ca8"


@dataclass(repr=False)
class DiDAggregate(Result):
    """An aggregation of group-time ATTs (R ``aggte``).

    Attributes
    ----------
    kind : "simple", "group", "dynamic" or "calendar".
    att, se : overall effect and its standard error.
    table : DataFrame indexed by cohort / event time / period with columns
        ``att, se, ci_low, ci_high`` (empty for ``kind="simple"``).
    alpha : level of the (pointwise) confidence intervals.
    influence : influence function of the overall effect (one value per unit).
    se_method : "analytic" or "bootstrap".
    n_obs : number of units.
    """

    _name = "Staggered DiD aggregation"

    kind: str
    att: float
    se: float
    table: pd.DataFrame
    alpha: float = 0.05
    influence: np.ndarray | None = field(default=None, repr=False)
    se_method: str = "analytic"
    n_obs: int = 0

    @property
    def ci(self) -> tuple[float, float]:
        z = stats.norm.ppf(1 - self.alpha / 2)
        return (self.att - z * self.se, self.att + z * self.se)

    @property
    def p_value(self) -> float:
        """Two-sided normal p-value of the overall effect."""
        return float(normal_p(self.att, self.se))

    def to_frame(self) -> pd.DataFrame:
        """The table by cohort / event time / period, with the overall effect as last row."""
        lo, hi = self.ci
        overall = pd.DataFrame(
            {"att": [self.att], "se": [self.se], "ci_low": [lo], "ci_high": [hi]},
            index=pd.Index(["overall"], name=self.table.index.name or self.kind),
        )
        if self.table.empty:
            return overall
        tab = self.table.copy()
        tab.index = tab.index.astype(object)
        return pd.concat([tab, overall])

    def tidy(self) -> pd.DataFrame:
        """One row per cohort (``g=2004``), event time (``e=-2``) or period (``t=2005``),
        then the overall effect; normal p-values and pointwise intervals; ``n_obs`` counts
        units."""
        rows = []
        prefix = _TERM_PREFIX.get(self.kind, "")
        for lab, r in self.table.iterrows():
            rows.append(
                {
                    "term": f"{prefix}={lab}",
                    "estimate": r["att"],
                    "std_error": r["se"],
                    "conf_low": r["ci_low"],
                    "conf_high": r["ci_high"],
                    "level": lab,
                }
            )
        lo, hi = self.ci
        rows.append(
            {
                "term": "overall",
                "estimate": self.att,
                "std_error": self.se,
                "conf_low": lo,
                "conf_high": hi,
                "level": None,
            }
        )
        out = tidy_frame(rows)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["statistic"] = out["estimate"] / out["std_error"]
        out["p_value"] = normal_p(out["estimate"], out["std_error"])
        out["n_obs"] = self.n_obs
        out["kind"] = self.kind
        return out

    def summary(self) -> Summary:
        lo, hi = self.ci
        tab = self.tidy().set_index("term")[
            ["estimate", "std_error", "conf_low", "conf_high", "p_value"]
        ]
        notes = [
            f"{100 * (1 - self.alpha):.0f}% pointwise intervals; {self.se_method} standard "
            f"errors from the influence functions; {self.n_obs} units.",
            f"overall ATT = {self.att:.4f} (se {self.se:.4f}, CI [{lo:.4f}, {hi:.4f}])",
        ]
        return Summary(
            f"Staggered DiD aggregation: {self.kind} ({self.se_method} se)", [("", tab)], notes
        )

    def __repr__(self) -> str:
        return (
            f"DiDAggregate(kind={self.kind!r}, att={self.att:.4f}, se={self.se:.4f}, "
            f"rows={len(self.table)})"
        )

    def _plot(self, ax, labels, lang, **kwargs):
        """Effects with pointwise intervals by event time / cohort / period (as ``ggdid``):
        pre-treatment event times in red, post-treatment in blue; the overall effect as a
        dashed line."""
        from nanbei.labels import text

        level = f"{100 * (1 - self.alpha):.0f}%"
        if self.table.empty:
            lo, hi = self.ci
            ax.errorbar(
                [0],
                [self.att],
                yerr=[[self.att - lo], [hi - self.att]],
                fmt="o",
                color=_POST_COLOR,
                capsize=4,
            )
            ax.set_xticks([0], [text("cs_overall_att", lang)])
        else:
            t = self.table
            x = np.asarray(t.index, dtype=float)
            pre = x < 0 if self.kind == "dynamic" else np.zeros(len(x), bool)
            for mask, color, lab in (
                (pre, _PRE_COLOR, text("pre_treatment", lang)),
                (~pre, _POST_COLOR, text("post_treatment", lang)),
            ):
                if mask.any():
                    tt = t[mask]
                    err = np.vstack([tt["att"] - tt["ci_low"], tt["ci_high"] - tt["att"]])
                    ax.errorbar(
                        x[mask],
                        tt["att"],
                        yerr=np.nan_to_num(err),
                        fmt="o",
                        color=color,
                        capsize=3,
                        label=lab if self.kind == "dynamic" else None,
                    )
            ax.axhline(
                self.att,
                color=_POST_COLOR,
                ls="--",
                lw=0.8,
                label=text("cs_overall", lang, att=f"{self.att:.3g}"),
            )
            if self.kind == "dynamic":
                ax.axvline(-0.5, color="grey", lw=0.8, ls=":")
            ax.set_xlabel(
                text(
                    {"dynamic": "event_time_label", "group": "cs_cohort", "calendar": "period"}[
                        self.kind
                    ],
                    lang,
                )
            )
            ax.legend(frameon=False)
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_ylabel(text("cs_att_ylabel", lang, level=level))
        ax.set_title(
            text(
                "cs_agg_title",
                lang,
                kind=text(f"cs_kind_{self.kind}", lang),
                se=text(f"cs_se_{self.se_method}", lang),
            )
        )


@dataclass(repr=False)
class StaggeredDiDResult(Result):
    """Group-time average treatment effects and what is needed to aggregate them.

    Attributes
    ----------
    att_gt : DataFrame with one row per (cohort, time) cell: ``cohort, time,
        event_time, att, se, ci_low, ci_high, post, n_treated, n_control``.
    influence : (n_units x n_cells) influence functions of the ATT(g, t),
        scaled as in R ``did`` so that ``se = sqrt(sum(psi**2)) / n_units``.
    unit_cohort : cohort of every unit (0 = never treated), aligned with ``units``.
    units : unit identifiers in the order of the rows of ``influence``.
    control, method, base_period, covariates : the settings used.
    dropped : DataFrame of units dropped before estimation and why (e.g. units
        already treated in the first period), empty if none.
    skipped : DataFrame of (cohort, time) cells that could not be estimated and why.
    """

    _name = "Callaway-Sant'Anna group-time ATTs"

    att_gt: pd.DataFrame
    influence: np.ndarray = field(repr=False)
    unit_cohort: np.ndarray = field(repr=False)
    units: pd.Index = field(repr=False)
    control: str = "never"
    method: str = "dr"
    base_period: str = "varying"
    covariates: tuple[str, ...] = ()
    alpha: float = 0.05
    se_method: str = "analytic"
    n_boot: int = 0
    seed: int | None = None
    crit_val: float = float("nan")
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    skipped: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    _data: dict | None = field(default=None, repr=False)

    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def n_obs(self) -> int:
        """Number of units (Callaway-Sant'Anna works with unit-level influence functions)."""
        return len(self.units)

    def to_frame(self) -> pd.DataFrame:
        """The ATT(g, t) table (a copy)."""
        return self.att_gt.copy()

    def tidy(self) -> pd.DataFrame:
        """One row per cell, ``ATT(g,t)``, with normal p-values and the pointwise intervals
        of ``att_gt``; ``n_obs`` counts the units of the cell's 2x2 comparison."""
        a = self.att_gt
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = a["att"] / a["se"]
        out = tidy_frame(
            pd.DataFrame(
                {
                    "term": [f"ATT({g},{t})" for g, t in zip(a["cohort"], a["time"], strict=True)],
                    "estimate": a["att"],
                    "std_error": a["se"],
                    "statistic": stat,
                    "p_value": normal_p(a["att"], a["se"]),
                    "conf_low": a["ci_low"],
                    "conf_high": a["ci_high"],
                    "n_obs": a["n_treated"] + a["n_control"],
                    "cohort": a["cohort"],
                    "time": a["time"],
                    "event_time": a["event_time"],
                    "post": a["post"],
                }
            )
        )
        return out

    def summary(self) -> Summary:
        cov = ", ".join(self.covariates) if self.covariates else "none"
        settings = pd.DataFrame(
            {
                "value": [
                    self.method,
                    self.control,
                    self.base_period,
                    cov,
                    self.se_method,
                    str(self.n_units),
                    str(self.att_gt["cohort"].nunique()),
                    str(len(self.att_gt)),
                ]
            },
            index=[
                "method",
                "control",
                "base period",
                "covariates",
                "standard errors",
                "units",
                "cohorts",
                "cells",
            ],
        )
        cols = ["cohort", "time", "att", "se", "ci_low", "ci_high"]
        notes = [
            f"{100 * (1 - self.alpha):.0f}% pointwise intervals"
            + (
                f"; uniform critical value {self.crit_val:.3f} (multiplier bootstrap, "
                f"{self.n_boot} draws)"
                if self.se_method == "bootstrap"
                else ""
            )
        ]
        if len(self.dropped):
            notes.append(f"dropped {len(self.dropped)} units: {self.dropped['reason'].iloc[0]}")
        if len(self.skipped):
            notes.append(f"skipped {len(self.skipped)} cells (see .skipped)")
        return Summary(
            "Callaway-Sant'Anna group-time ATTs",
            [
                ("Settings", settings),
                ("ATT(g, t)", self.att_gt[cols].set_index(["cohort", "time"])),
            ],
            notes,
        )

    def __repr__(self) -> str:
        return (
            f"StaggeredDiDResult(method={self.method!r}, control={self.control!r}, "
            f"cells={len(self.att_gt)}, units={self.n_units})"
        )

    def _plot(self, ax, labels, lang, **kwargs):
        """ATT(g, t) by cohort against calendar time with pointwise intervals, as ``ggdid``
        on an ``att_gt`` object: pre-treatment cells as open red circles, post-treatment
        cells filled blue, cohorts side by side and their adoption marked."""
        from nanbei.labels import text

        a = self.att_gt.dropna(subset=["att"])
        cohorts = sorted(a["cohort"].unique())
        width = 0.6 / max(len(cohorts), 1)
        for k, g in enumerate(cohorts):
            c = a[a["cohort"] == g]
            off = (k - (len(cohorts) - 1) / 2) * width
            for post, color, face in ((False, _PRE_COLOR, "white"), (True, _POST_COLOR, None)):
                cc = c[c["post"] == post]
                if cc.empty:
                    continue
                err = np.vstack([cc["att"] - cc["ci_low"], cc["ci_high"] - cc["att"]])
                ax.errorbar(
                    cc["time"].to_numpy(float) + off,
                    cc["att"],
                    yerr=np.nan_to_num(err),
                    fmt="o",
                    color=color,
                    mfc=face or color,
                    capsize=2,
                    ms=4,
                    label=text("post_treatment" if post else "pre_treatment", lang)
                    if k == 0
                    else None,
                )
            ax.axvline(float(g) - 0.5, color="grey", lw=0.6, ls=":")
            ax.text(
                float(g) - 0.5,
                1.0,
                f"g={g}",
                transform=ax.get_xaxis_transform(),
                fontsize=7,
                ha="center",
                va="bottom",
                color="grey",
            )
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xlabel(text("cs_gt_xlabel", lang))
        ax.set_ylabel(text("cs_gt_ylabel", lang, level=f"{100 * (1 - self.alpha):.0f}%"))
        ax.set_title(
            text(
                "cs_gt_title",
                lang,
                n=len(cohorts),
                control=text(f"cs_control_{self.control}", lang),
                method=self.method,
            ),
            pad=14,
        )
        ax.legend(frameon=False)

    # ------------------------------------------------------------------
    def pretest(self) -> PreTrendTest:
        """Joint Wald test that every pre-treatment ATT(g, t) is zero (R ``did``'s pre-test).

        ``W = theta' V^-1 theta`` over the pre-treatment cells (the reference cells of a
        universal base period excluded), with ``V`` from the influence functions; chi-squared
        with as many degrees of freedom as cells.  R ``did`` prints its p-value as "P-value for
        pre-test of parallel trends assumption" (tested against the published mpdta value)."""
        from nanbei.effects.pretrends import PreTrendTest, _wald

        a = self.att_gt
        keep = (~a["post"].to_numpy()) & a["se"].notna().to_numpy()
        if not keep.any():
            raise ValueError("pretest: no pre-treatment cell with a standard error")
        theta = a["att"].to_numpy(float)[keep]
        psi = self.influence[:, keep]
        V = psi.T @ psi / self.n_units**2
        stat, df = _wald(theta, V)
        labels = [f"ATT({g},{t})" for g, t in zip(a["cohort"][keep], a["time"][keep], strict=True)]
        return PreTrendTest(
            statistic=stat,
            df=df,
            p_value=float(stats.chi2.sf(stat, df)),
            test="Wald (chi-squared)",
            terms=labels,
            estimates=theta,
            n_obs=self.n_units,
            alpha=self.alpha,
        )

    def randomization(
        self,
        kind: str = "simple",
        *,
        n_perm: int = 9999,
        seed: int | None = 0,
        alpha: float | None = None,
    ) -> RandomizationResult:
        """Randomization inference for an aggregate ATT with few treated units.

        The cohort labels are permuted across the units (keeping how many units adopt in each
        period), the group-time ATTs and the ``kind`` aggregate are recomputed for every
        assignment, and the p-value is the share of assignments whose |aggregate| is at least
        the actual one (all assignments when there are at most ``n_perm``, exact; otherwise
        ``(1 + hits) / (1 + n_perm)``).  Valid under the sharp null with exchangeable units,
        however few are treated (an analytic standard error resting on three or five treated
        units is not).  The confidence interval inverts the test for a constant additive
        effect ``tau`` on the treated post-treatment cells: every aggregate is linear in the
        outcome, so ``stat_k(tau) = stat_k(Y) - tau stat_k(D)`` exactly.  Only ``kind="simple"``
        (the overall ATT) is offered; without covariates all assignments are evaluated in
        vectorised blocks, with covariates each assignment is a full re-estimation.
        """
        from nanbei.effects._common import check_draws
        from nanbei.effects.inference import (
            RandomizationResult,
            _assignment_batches,
            _invert_grid,
            _n_assignments,
            _tail_share,
        )

        if kind != "simple":
            raise ValueError("randomization: only kind='simple' (the overall ATT) is offered")
        if self._data is None:
            raise ValueError("randomization: the result does not hold its data")
        n_perm = check_draws(n_perm, "n_perm", "randomization")
        alpha = self.alpha if alpha is None else alpha
        d = self._data
        Y, G, X, times = d["Y"], d["G"], d["X"], d["times"]
        D = np.zeros_like(Y)
        for i, g in enumerate(G):
            if g > 0:
                D[i] = times >= g
        ca = _CSAggregate(times, G, self.control, self.base_period, self.method, X)
        obs_y, obs_d = ca.stat(Y, G[None, :])[0], ca.stat(D, G[None, :])[0]
        labels = G.copy()
        n_assign = _n_assignments(labels)
        exact = n_assign <= n_perm
        n_eval = n_assign if exact else n_perm
        rng = np.random.default_rng(seed)
        sy, sd = np.empty(n_eval), np.empty(n_eval)
        filled = 0
        for rows in _assignment_batches(labels, exact, n_eval, rng, 256):
            k = len(rows)
            sy[filled : filled + k] = ca.stat(Y, rows)
            sd[filled : filled + k] = ca.stat(D, rows)
            filled += k
        pfun = _CSRIPValue(obs_y, obs_d, sy, sd, exact)
        dist = sy
        hits = _tail_share(dist, obs_y, "two-sided", symmetric=True) * len(dist)
        p = hits / len(dist) if exact else (1.0 + hits) / (1.0 + len(dist))
        se_ref = self.aggregate("simple").se
        ci = _invert_grid(pfun, float(obs_y), se_ref if np.isfinite(se_ref) else 1.0, alpha)
        counts = pd.Series(G[G > 0]).value_counts().sort_index()
        treated = tuple(self.units[G > 0])
        return RandomizationResult(
            statistic="att",
            observed=float(obs_y),
            p_value=float(min(1.0, p)),
            alternative="two-sided",
            n_perm=int(n_eval),
            n_assignments=int(n_assign),
            exact=bool(exact),
            n_treated=len(treated),
            n_pool=int(len(G)),
            adoption={(int(k) if float(k).is_integer() else k): int(v) for k, v in counts.items()},
            treated_units=treated,
            distribution=dist,
            estimate=float(obs_y),
            ci=ci,
            alpha=float(alpha),
            term="ATT (simple)",
            n_obs=int(len(G)),
            _pfun=pfun,
        )

    # ------------------------------------------------------------------
    def aggregate(
        self,
        kind: str = "group",
        *,
        bootstrap: bool | None = None,
        n_boot: int | None = None,
        seed: int | None = None,
    ) -> DiDAggregate:
        """Aggregate the ATT(g, t) as R ``did::aggte`` does.

        Parameters
        ----------
        kind : "simple" (cohort-size weighted mean of all post-treatment cells),
            "group" (mean over periods within each cohort, then cohort-size
            weighted across cohorts), "dynamic" (event-study: cohort-size
            weighted mean at each event time ``e = t - g``; the overall effect
            averages ``e >= 0``) or "calendar" (mean over treated cohorts in
            each period, then the mean over periods).
        bootstrap : use the multiplier bootstrap for standard errors; defaults
            to what ``staggered_did`` used.
        n_boot, seed : bootstrap draws and seed (default: those of the fit).

        Standard errors come from the influence function of the aggregate,
        which includes the estimation error of the cohort shares (R's ``wif``).
        """
        if kind not in _KINDS:
            raise ValueError(f"aggregate: kind must be one of {_KINDS}, got {kind!r}")
        bootstrap = self.se_method == "bootstrap" if bootstrap is None else bootstrap
        if n_boot is None:
            n_boot = self.n_boot or 999
        if bootstrap:
            n_boot = check_draws(n_boot, "n_boot", "aggregate")
        seed = self.seed if seed is None else seed
        tab = self.att_gt
        ok = tab["att"].notna().to_numpy()
        att = tab["att"].to_numpy(float)
        grp = tab["cohort"].to_numpy(float)
        tt = tab["time"].to_numpy(float)
        psi = self.influence
        n = self.n_units
        G = self.unit_cohort.astype(float)
        cohorts = np.sort(np.unique(grp))
        share = {g: float(np.mean(G == g)) for g in cohorts}
        G_unique, G_codes = np.unique(G, return_inverse=True)
        pg = np.array([share[g] for g in grp])

        def wif_dot(groups: np.ndarray, shares: np.ndarray, values: np.ndarray) -> np.ndarray:
            # Influence of estimating the cohort shares used as weights (R's ``wif``),
            # multiplied by the estimates: sum_k wif[:, k] * values[k], computed per
            # cohort instead of forming the units x cells matrix.
            s = shares.sum()
            lookup = {g: 0.0 for g in cohorts}
            count = {g: 0.0 for g in cohorts}
            for g_k, v_k in zip(groups, values, strict=True):
                lookup[g_k] += v_k
                count[g_k] += 1.0
            own = np.array([lookup.get(g, 0.0) for g in G_unique])[G_codes]
            cnt = np.array([count.get(g, 0.0) for g in G_unique])[G_codes]
            ind_dot = own - shares @ values  # sum_k (1{G_i = g_k} - pg_k) * v_k
            ind_sum = cnt - s  # sum_k (1{G_i = g_k} - pg_k)
            return ind_dot / s - ind_sum * (shares @ values) / s**2

        def combine(keep: np.ndarray, w: np.ndarray, with_wif: bool) -> np.ndarray:
            out = psi[:, keep] @ w
            if with_wif:
                out = out + wif_dot(grp[keep], pg[keep], att[keep])
            return out

        labels: list = []
        est: list[float] = []
        infs: list[np.ndarray] = []
        if kind == "simple":
            keep = np.flatnonzero(ok & (grp <= tt))
            w = pg[keep] / pg[keep].sum()
            overall = float(att[keep] @ w)
            inf_overall = combine(keep, w, True)
            name = None
        elif kind == "group":
            name = "cohort"
            for g in cohorts:
                keep = np.flatnonzero(ok & (grp == g) & (grp <= tt))
                if not len(keep):
                    continue
                w = np.full(len(keep), 1.0 / len(keep))
                labels.append(g)
                est.append(float(att[keep] @ w))
                infs.append(combine(keep, w, False))
            pgg = np.array([share[g] for g in labels])
            wg = pgg / pgg.sum()
            overall = float(np.asarray(est) @ wg)
            inf_overall = np.column_stack(infs) @ wg + wif_dot(
                np.asarray(labels), pgg, np.asarray(est)
            )
        elif kind == "dynamic":
            name = "event_time"
            ev = tt - grp
            for e in np.sort(np.unique(ev[ok])):
                keep = np.flatnonzero(ok & (ev == e))
                w = pg[keep] / pg[keep].sum()
                labels.append(e)
                est.append(float(att[keep] @ w))
                infs.append(combine(keep, w, True))
            pos = np.asarray(labels) >= 0
            overall = float(np.mean(np.asarray(est)[pos]))
            inf_overall = np.column_stack(infs)[:, pos].mean(axis=1)
        else:  # calendar
            name = "time"
            for t1 in np.sort(np.unique(tt[ok & (tt >= grp.min())])):
                keep = np.flatnonzero(ok & (tt == t1) & (grp <= tt))
                if not len(keep):
                    continue
                w = pg[keep] / pg[keep].sum()
                labels.append(t1)
                est.append(float(att[keep] @ w))
                infs.append(combine(keep, w, True))
            overall = float(np.mean(est))
            inf_overall = np.column_stack(infs).mean(axis=1)

        if bootstrap:
            mat = np.column_stack([inf_overall, *infs]) if infs else inf_overall[:, None]
            ses, _ = _multiplier_bootstrap(mat, n_boot, seed, self.alpha)
            se_all, se_rows = ses[0], ses[1:]
        else:
            se_all = _se(inf_overall[:, None], n)[0]
            se_rows = _se(np.column_stack(infs), n) if infs else np.array([])
        z = stats.norm.ppf(1 - self.alpha / 2)
        table = pd.DataFrame(
            {
                "att": est,
                "se": se_rows,
                "ci_low": np.asarray(est) - z * np.asarray(se_rows),
                "ci_high": np.asarray(est) + z * np.asarray(se_rows),
            },
            index=pd.Index(_as_int_if_whole(labels), name=name),
        )
        return DiDAggregate(
            kind=kind,
            att=overall,
            se=float(se_all),
            table=table,
            alpha=self.alpha,
            influence=inf_overall,
            se_method="bootstrap" if bootstrap else "analytic",
            n_obs=int(n),
        )


class _CSAggregate:
    """The simple aggregate ATT of Callaway-Sant'Anna for many cohort assignments at once.

    ``stat(Y, rows)``: ``rows`` is (assignments x units) cohort labels; returns one overall
    ATT per assignment, computed as :meth:`StaggeredDiDResult.aggregate` ("simple") does:
    post-treatment cells (g <= t, base period g - 1), cohort-share weights.  Without
    covariates each ATT(g, t) is a difference of mean changes, evaluated for all assignments
    by matrix products; with covariates every assignment is re-estimated.
    """

    def __init__(self, times, G, control, base_period, method, X):
        self.times, self.control, self.base, self.method, self.X = (
            times,
            control,
            base_period,
            method,
            X,
        )
        self.cohorts = np.sort(np.unique(G[G > 0]))
        self.share = {g: float(np.mean(G == g)) for g in self.cohorts}

    def stat(self, Y: np.ndarray, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=float)
        if self.X is not None:
            out = np.empty(len(rows))
            for k, G in enumerate(rows):
                cells, _, _ = _estimate_cells(
                    Y,
                    G,
                    self.X,
                    self.times,
                    self.cohorts,
                    control=self.control,
                    method=self.method,
                    base_period=self.base,
                )
                total = weight = 0.0
                for c in cells:
                    if c["time"] >= c["cohort"] and c["n_control"] > 0:
                        total += self.share[c["cohort"]] * c["att"]
                        weight += self.share[c["cohort"]]
                out[k] = total / weight if weight > 0 else np.nan
            return out
        times = self.times
        num = np.zeros(len(rows))
        den = np.zeros(len(rows))
        never = (rows == 0).astype(float)
        for g in self.cohorts:
            b = int(np.searchsorted(times, g) - 1)
            post = np.flatnonzero(times >= g)
            DY = Y[:, post] - Y[:, [b]]  # units x post periods
            Sg = (rows == g).astype(float)
            n_g = Sg.sum(axis=1)
            mean_t = (Sg @ DY) / n_g[:, None]
            for j, tc in enumerate(post):
                if self.control == "never":
                    C = never
                else:
                    C = ((rows == 0) | (rows > times[tc])).astype(float)
                n_c = C.sum(axis=1)
                ok = n_c > 0
                with np.errstate(invalid="ignore", divide="ignore"):
                    att = mean_t[:, j] - (C @ DY[:, j]) / n_c
                num += np.where(ok, self.share[g] * att, 0.0)
                den += np.where(ok, self.share[g], 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return num / den


class _CSRIPValue:
    """Randomization p-value of "constant effect tau" for the CS aggregate (picklable)."""

    def __init__(self, obs_y, obs_d, sy, sd, exact):
        self.obs_y, self.obs_d, self.sy, self.sd, self.exact = obs_y, obs_d, sy, sd, exact

    def __call__(self, tau: float) -> float:
        from nanbei.effects.inference import _tail_share

        dist = self.sy - tau * self.sd
        obs = self.obs_y - tau * self.obs_d
        hits = _tail_share(dist, obs, "two-sided", symmetric=True) * len(dist)
        p = hits / len(dist) if self.exact else (1.0 + hits) / (1.0 + len(dist))
        return float(min(1.0, p))


# --------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------


def staggered_did(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    cohort: str,
    control: str = "never",
    covariates: list[str] | tuple[str, ...] | str | None = None,
    method: str = "dr",
    base_period: str = "varying",
    bootstrap: bool = False,
    n_boot: int = 999,
    seed: int | None = 0,
    alpha: float = 0.05,
) -> StaggeredDiDResult:
    """Callaway & Sant'Anna (2021) group-time average treatment effects, ATT(g, t).

    Parameters
    ----------
    df : balanced long panel, one row per unit and period.
    unit, time, outcome : column names.
    cohort : column with the first treated period of each unit (constant within
        unit); 0 or NaN for never-treated units.  Every other value must be one
        of the observed periods.
    control : "never" (never-treated units are the comparison group) or
        "notyet" (never-treated plus units not yet treated in both periods of
        the comparison).
    covariates : column name(s) for conditional parallel trends.  As in R
        ``did`` with panel data, a time-varying covariate is taken at the base
        period of each comparison.
    method : "dr" (doubly robust, Sant'Anna & Zhao 2020 eq. 3.1 with a logit
        propensity score and OLS outcome regression: R ``did``'s default,
        ``DRDID::drdid_panel``), "dr_imp" (Sant'Anna & Zhao's *improved* DR,
        ``DRDID::drdid_imp_panel``: propensity score by inverse probability
        tilting, WLS outcome regression; not offered by R ``did``), "ipw"
        (normalised inverse probability weighting) or "reg" (outcome
        regression).  Without covariates all of them coincide with the simple
        2x2 DiD.
    base_period : "varying" (pre-treatment cells compare t with t-1, which makes
        them short-difference placebo tests) or "universal" (every cell of
        cohort g is compared with period g-1; the reference cell g-1 is
        reported as 0 with no standard error).
    bootstrap : if True, standard errors (and a uniform critical value
        ``crit_val`` for simultaneous bands over all cells) come from the
        multiplier bootstrap with Rademacher weights and the given ``seed``;
        otherwise analytic standard errors from the influence functions.
    n_boot, seed : bootstrap draws (an integer from 99 to 1,000,000, checked when
        ``bootstrap=True``; with ``n_boot x cells`` at most 25 million stored values) and
        seed (default 0: reruns give identical numbers; None for fresh entropy).
    alpha : level of the confidence intervals.

    Returns
    -------
    StaggeredDiDResult with ``att_gt`` and ``aggregate(kind)``.

    Raises
    ------
    ValueError for missing columns, duplicate unit-period rows, unbalanced
    panels or missing outcomes (via ``check_panel``), a cohort that varies within
    a unit, cohort values that are not observed periods, no treated cohort, or
    no never-treated units with ``control="never"``.  Units treated in the first
    period (no pre-period) are dropped with a warning and listed in ``dropped``.
    """
    what = "staggered_did"
    if control not in _CONTROLS:
        raise ValueError(f"{what}: control must be one of {_CONTROLS}, got {control!r}")
    if method not in _METHODS:
        raise ValueError(f"{what}: method must be one of {_METHODS}, got {method!r}")
    if base_period not in _BASES:
        raise ValueError(f"{what}: base_period must be one of {_BASES}, got {base_period!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"{what}: alpha must be in (0, 1), got {alpha}")
    if not isinstance(bootstrap, (bool, np.bool_)):
        raise ValueError(f"{what}: bootstrap must be True or False, got {bootstrap!r}")
    if bootstrap:
        n_boot = check_draws(n_boot, "n_boot", what)
    covs = _as_list(covariates)
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    if cohort not in df.columns:
        raise ValueError(
            f"{what}: cohort column '{cohort}' not found; available columns are {list(df.columns)}"
        )
    panel = check_panel(
        df,
        unit=unit,
        time=time,
        columns=[outcome, *covs],
        balanced=True,
        min_units=2,
        min_periods=2,
        what=what,
    )
    cohort_col = unit_cohorts(df, unit=unit, cohort=cohort, what=what)
    times = np.sort(panel[time].unique())
    if not pd.api.types.is_numeric_dtype(times):
        raise ValueError(f"{what}: time column '{time}' must be numeric (e.g. years)")
    times = times.astype(float)

    # Wide matrices: rows = units (sorted), columns = periods (sorted).
    # check_panel returns a balanced panel sorted by (unit, time): reshape directly.
    units = pd.Index(panel[unit].iloc[:: len(times)].to_numpy(), name=unit)
    Y = panel[outcome].to_numpy(float).reshape(len(units), len(times))
    G = cohort_col.reindex(units).to_numpy(float)
    bad = sorted(set(G[(G != 0)]) - set(times))
    if bad:
        offenders = cohort_col[cohort_col.isin(bad)].index[:5].tolist()
        raise ValueError(
            f"{what}: cohort values {_as_int_if_whole(bad)[:10]} in column '{cohort}' are not "
            f"among the observed periods {_as_int_if_whole(times.tolist())[:10]}..., e.g. units "
            f"{offenders}; use 0 or NaN for never-treated units"
        )

    # Units treated in the first period have no pre-period: R did drops them too.
    early = G == times[0]
    dropped = pd.DataFrame({unit: units[early], "cohort": G[early]})
    dropped["reason"] = f"treated in the first period ({_fmt(times[0])}); no pre-treatment period"
    if early.any():
        warnings.warn(
            f"{what}: dropping {int(early.sum())} units treated in the first period "
            f"(e.g. {units[early][:5].tolist()}); see result.dropped",
            stacklevel=2,
        )
    keep_rows = ~early
    Y, G, units = Y[keep_rows], G[keep_rows], units[keep_rows]
    X = None
    if covs:
        X = np.stack(
            [panel[c].to_numpy(float).reshape(-1, len(times))[keep_rows] for c in covs], axis=2
        )  # units x periods x covariates
    cohorts = np.sort(np.unique(G[G > 0]))
    if not len(cohorts):
        raise ValueError(
            f"{what}: no treated cohort: column '{cohort}' is 0/NaN (never treated) for every "
            "unit that has a pre-treatment period"
        )
    if control == "never" and not np.any(G == 0):
        raise ValueError(
            f"{what}: control='never' but no unit is never treated (cohort 0/NaN); "
            "use control='notyet'"
        )

    cells, psi, skipped = _estimate_cells(
        Y, G, X, times, cohorts, control=control, method=method, base_period=base_period
    )
    n = len(units)
    att_gt = pd.DataFrame(cells)
    if bootstrap:
        se, crit = _multiplier_bootstrap(psi, n_boot, seed, alpha)
        se_method = "bootstrap"
    else:
        se, crit = _se(psi, n), stats.norm.ppf(1 - alpha / 2)
        se_method = "analytic"
    se = np.where(att_gt["ref"].to_numpy(), np.nan, se)
    z = stats.norm.ppf(1 - alpha / 2)
    att_gt["se"] = se
    att_gt["ci_low"] = att_gt["att"] - z * att_gt["se"]
    att_gt["ci_high"] = att_gt["att"] + z * att_gt["se"]
    att_gt = att_gt[
        [
            "cohort",
            "time",
            "event_time",
            "att",
            "se",
            "ci_low",
            "ci_high",
            "post",
            "n_treated",
            "n_control",
        ]
    ]
    for c in ("cohort", "time", "event_time"):
        if np.all(np.mod(att_gt[c], 1) == 0):
            att_gt[c] = att_gt[c].astype(int)
    return StaggeredDiDResult(
        att_gt=att_gt,
        influence=psi,
        unit_cohort=G,
        units=units,
        control=control,
        method=method,
        base_period=base_period,
        covariates=tuple(covs),
        alpha=alpha,
        se_method=se_method,
        n_boot=n_boot if bootstrap else 0,
        seed=seed,
        crit_val=float(crit),
        dropped=dropped,
        skipped=pd.DataFrame(skipped, columns=["cohort", "time", "reason"]),
        _data={"Y": Y, "G": G, "X": X, "times": times},
    )


# --------------------------------------------------------------------------
# the 2x2 building blocks
# --------------------------------------------------------------------------


def _estimate_cells(
    Y: np.ndarray,
    G: np.ndarray,
    X: np.ndarray | None,
    times: np.ndarray,
    cohorts: Iterable,
    *,
    control: str,
    method: str,
    base_period: str,
) -> tuple[list[dict], np.ndarray, list[tuple]]:
    """All ATT(g, t) cells: rows for the table, (n x cells) influence matrix, skipped cells.

    Cells that share the same comparison units and covariate design (for
    never-treated controls: every period of a cohort) are estimated together,
    with the outcome changes of all their periods as columns of one matrix.
    """
    n, T = Y.shape
    first = 1 if base_period == "varying" else 0
    time_varying = X is not None and not np.all(X == X[:, :1, :])
    rows: list[dict] = []
    batches: dict = {}
    skipped: list[tuple] = []
    for g in cohorts:
        last_pre = int(np.searchsorted(times, g) - 1)  # index of period g-1
        n_treated = int(np.sum(G == g))
        for tc in range(first, T):
            post = bool(times[tc] >= g)
            b = last_pre if (post or base_period == "universal") else tc - 1
            row = dict(
                cohort=g,
                time=times[tc],
                event_time=times[tc] - g,
                post=post,
                att=0.0,
                n_treated=n_treated,
                n_control=0,
                ref=b == tc,
            )
            if b != tc:  # b == tc is the reference cell of a universal base: ATT 0
                thr = 0.0 if control == "never" else max(times[tc], times[b])
                ctrl = (G == 0) if control == "never" else (G == 0) | ((G > thr) & (G != g))
                if not ctrl.any():
                    skipped.append((g, times[tc], "no comparison units"))
                    continue
                row["n_control"] = int(ctrl.sum())
                key = (g, thr, b if time_varying else None)
                batches.setdefault(key, []).append((len(rows), tc, b))
            rows.append(row)
    psi = np.zeros((n, len(rows)))
    for (g, thr, _), cells in batches.items():
        idx = np.array([c[0] for c in cells])
        tcs = np.array([c[1] for c in cells])
        bs = np.array([c[2] for c in cells])
        ctrl = (G == 0) if control == "never" else (G == 0) | ((G > thr) & (G != g))
        sub = (G == g) | ctrl
        D = (G[sub] == g).astype(float)
        Ys = Y[sub]
        DY = Ys[:, tcs] - Ys[:, bs]
        Z: np.ndarray | None = None
        if X is not None:
            Z = np.column_stack([np.ones(sub.sum()), X[sub, bs[0], :]])
        try:
            att, inf = _two_by_two(DY, D, Z, method)
        except np.linalg.LinAlgError as err:
            raise ValueError(
                f"staggered_did: cohort {_fmt(g)}: {err}; too few units in the cohort or "
                "collinear covariates"
            ) from None
        m = int(sub.sum())
        psi[np.ix_(sub, idx)] = inf * (n / m)
        for j, k in enumerate(idx):
            rows[k]["att"] = float(att[j])
    return rows, psi, skipped


def _two_by_two(DY, D, Z, method):
    """ATTs and influence functions of 2x2 DiDs sharing treated and control units.

    ``DY`` (units x cells) holds outcome changes, one column per comparison;
    ``D`` = 1 for the cohort and 0 for controls; ``Z`` = covariates with an
    intercept (None: unconditional, where dr, ipw and reg all reduce to a
    difference of mean changes).  Formulas follow ``DRDID``'s panel estimators
    (``drdid_panel``, ``std_ipw_did_panel``, ``reg_did_panel``), written for a
    matrix of outcomes so that all periods of a cohort are done at once.
    Influence functions are on the subsample (mean-zero, ``se = sd / sqrt(m)``).
    """
    m = len(D)
    D1 = D[:, None]
    C1 = 1.0 - D1
    if Z is None:
        p1 = D.mean()
        mu1 = D @ DY / D.sum()
        mu0 = (1 - D) @ DY / (1 - D).sum()
        inf = D1 * (DY - mu1) / p1 - C1 * (DY - mu0) / (1 - p1)
        return mu1 - mu0, inf

    ctrl = D == 0
    Zc = Z[ctrl]
    xtx = Zc.T @ Zc
    if np.linalg.cond(xtx) > 1e12:
        raise np.linalg.LinAlgError("the outcome regression design is singular")
    ols_inv = np.linalg.inv(xtx) * m  # inverse of (Z_c'Z_c / m)
    if method in ("dr", "reg"):
        out = Z @ (ols_inv @ (Zc.T @ DY[ctrl]) / m)
        resid = DY - out
        e = C1 * resid  # OLS scores (times Z) of the control units
    if method == "reg":
        w1 = D.mean()
        eta1 = D @ DY / D.sum()
        eta0 = D @ out / D.sum()
        h = Z @ (ols_inv @ np.mean(D1 * Z, axis=0))
        inf_treat = D1 * (DY - eta1) / w1
        inf_ctrl = (D1 * (out - eta0) + e * h[:, None]) / w1
        return eta1 - eta0, inf_treat - inf_ctrl

    if method == "dr_imp":
        # Improved DR (DRDID::drdid_imp_panel): propensity score by inverse
        # probability tilting, outcome regression by WLS on the controls with
        # weights ps/(1-ps).  These first steps make the estimator's influence
        # function free of nuisance-estimation terms.
        ps = np.minimum(_ipt(Z, D), 1 - 1e-6)
        trim = np.ones(m)
        trim[ctrl] = (ps[ctrl] < _TRIM_LEVEL).astype(float)
        wc = ps[ctrl] / (1 - ps[ctrl])
        zwz = Zc.T @ (wc[:, None] * Zc)
        if np.linalg.cond(zwz) > 1e12:
            raise np.linalg.LinAlgError("the weighted outcome regression design is singular")
        out = Z @ np.linalg.solve(zwz, Zc.T @ (wc[:, None] * DY[ctrl]))
        resid = DY - out
        w1 = trim * D
        w0 = trim * ps * (1 - D) / (1 - ps)
        eta1 = w1 @ resid / w1.sum()
        eta0 = w0 @ resid / w0.sum()
        inf_treat = w1[:, None] * (resid - eta1) / w1.mean()
        inf_ctrl = w0[:, None] * (resid - eta0) / w0.mean()
        return eta1 - eta0, inf_treat - inf_ctrl

    ps = np.minimum(_logit(Z, D), 1 - 1e-6)
    trim = np.ones(m)
    trim[ctrl] = (ps[ctrl] < _TRIM_LEVEL).astype(float)
    info = Z.T @ ((ps * (1 - ps))[:, None] * Z)
    if np.linalg.cond(info) > 1e12:
        raise np.linalg.LinAlgError("the propensity score design is singular")
    lin_ps = ((D - ps)[:, None] * Z) @ (np.linalg.inv(info) * m)  # logit linear rep.
    w1 = trim * D
    w0 = trim * ps * (1 - D) / (1 - ps)
    target = DY if method == "ipw" else resid
    eta1 = w1 @ target / w1.sum()
    eta0 = w0 @ target / w0.sum()
    dev0 = w0[:, None] * (target - eta0)
    inf_treat = w1[:, None] * (target - eta1)
    inf_ctrl = dev0 + lin_ps @ (dev0.T @ Z / m).T
    if method == "dr":
        h1 = Z @ (ols_inv @ np.mean(w1[:, None] * Z, axis=0))
        h3 = Z @ (ols_inv @ np.mean(w0[:, None] * Z, axis=0))
        inf_treat = inf_treat - e * h1[:, None]
        inf_ctrl = inf_ctrl - e * h3[:, None]
    return eta1 - eta0, inf_treat / w1.mean() - inf_ctrl / w0.mean()


def _ipt(Z: np.ndarray, D: np.ndarray, tol: float = 1e-10, max_iter: int = 200) -> np.ndarray:
    """Propensity score by inverse probability tilting (Graham, Pinto & Egel 2012).

    Minimises the convex loss ``mean((1 - D) exp(Z g) - D Z g)``, whose first-order
    condition ``sum_controls exp(Z g) Z = sum_treated Z`` makes the odds-weighted
    control covariate means equal the treated means exactly; returns
    ``plogis(Z g)``.  Newton steps with backtracking (the same optimum DRDID's
    ``pscore.ipt`` reaches with a trust-region solver).
    """
    m = len(D)
    g = np.zeros(Z.shape[1])
    g[0] = np.log(D.sum() / (m - D.sum()))

    def loss(gam):
        idx = Z @ gam
        return np.mean((1 - D) * np.exp(idx) - D * idx)

    val = loss(g)
    for _ in range(max_iter):
        ex = (1 - D) * np.exp(Z @ g)
        grad = Z.T @ (ex - D) / m
        if np.max(np.abs(grad)) < tol:
            break
        hess = Z.T @ (ex[:, None] * Z) / m
        step = np.linalg.solve(hess, grad)
        rate = 1.0
        while rate > 1e-10:
            cand = g - rate * step
            new = loss(cand)
            if np.isfinite(new) and new <= val + 1e-4 * rate * (grad @ -step):
                break
            rate /= 2
        g, val = cand, new
    else:
        warnings.warn("staggered_did: inverse probability tilting did not converge", stacklevel=3)
    return 1.0 / (1.0 + np.exp(-(Z @ g)))


def _logit(Z: np.ndarray, D: np.ndarray, tol: float = 1e-12, max_iter: int = 100) -> np.ndarray:
    """Fitted probabilities of a logit of D on Z by Newton-Raphson (IRLS).

    Hand-written because it runs once per cohort and control set inside a loop
    where statsmodels' per-call overhead would dominate; it converges to the
    same maximum-likelihood estimate as ``glm(family=binomial)``.
    """
    p1 = D.mean()
    beta = np.zeros(Z.shape[1])
    beta[0] = np.log(p1 / (1 - p1))
    for _ in range(max_iter):
        eta = Z @ beta
        p = 1.0 / (1.0 + np.exp(-eta))
        W = p * (1 - p)
        grad = Z.T @ (D - p)
        H = Z.T @ (W[:, None] * Z)
        step = np.linalg.solve(H, grad)
        beta = beta + step
        if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(beta))):
            break
    else:
        warnings.warn("staggered_did: propensity score logit did not converge", stacklevel=3)
    return 1.0 / (1.0 + np.exp(-(Z @ beta)))


# --------------------------------------------------------------------------
# inference helpers
# --------------------------------------------------------------------------


def _se(psi: np.ndarray, n: int) -> np.ndarray:
    """Analytic standard errors sqrt(mean(psi^2) / n) per column (R ``did``)."""
    se = np.sqrt(np.sum(psi**2, axis=0)) / n
    return np.where(se <= _SE_ZERO, np.nan, se)


def _multiplier_bootstrap(psi, n_boot, seed, alpha):
    """Multiplier bootstrap with Rademacher weights (as R ``did::mboot``).

    Returns the bootstrap standard errors (normalised interquartile range of the
    bootstrap draws) and the critical value for a uniform band over the columns.
    Weights are drawn in chunks of at most 2e7 values; all ``n_boot x columns`` draws are
    kept (quantiles need them), which ``_MAX_BOOT_VALUES`` bounds.
    """
    n = psi.shape[0]
    if n_boot * psi.shape[1] > _MAX_BOOT_VALUES:
        raise ValueError(
            f"staggered_did: n_boot={n_boot:,} draws x {psi.shape[1]} estimates would store "
            f"{n_boot * psi.shape[1]:,} bootstrap values, above the limit of "
            f"{_MAX_BOOT_VALUES:,} (200 MB); use fewer draws (R did uses 999) or fewer cells"
        )
    rng = np.random.default_rng(seed)
    se = np.full(psi.shape[1], np.nan)
    draws = np.empty((n_boot, psi.shape[1]))
    chunk = max(1, int(2e7 // max(n, 1)))
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        v = rng.choice(np.array([-1.0, 1.0]), size=(stop - start, n))
        draws[start:stop] = np.sqrt(n) * (v @ psi) / n
    q75, q25 = np.quantile(draws, [0.75, 0.25], axis=0)
    sigma = (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
    ok = sigma > _SE_ZERO
    se[ok] = sigma[ok] / np.sqrt(n)
    if ok.any():
        tstat = np.max(np.abs(draws[:, ok]) / sigma[ok], axis=1)
        crit = float(np.quantile(tstat, 1 - alpha))
    else:
        crit = float("nan")
    return se, crit


# --------------------------------------------------------------------------
# input helpers
# --------------------------------------------------------------------------


def _as_list(x) -> list[str]:
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return list(x)


def _as_int_if_whole(values):
    vals = list(values)
    if vals and all(float(v).is_integer() for v in vals):
        return [int(v) for v in vals]
    return vals


def _fmt(v) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


# --------------------------------------------------------------------------
# simulation (tests, benchmarks and power calculations)
# --------------------------------------------------------------------------


def simulate_staggered_panel(
    n_units: int = 500,
    n_periods: int = 10,
    *,
    cohorts: list[int] | None = None,
    never_share: float = 0.3,
    effect=1.0,
    noise: float = 1.0,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Simulate a balanced staggered-adoption panel with a known effect.

    Periods are 1..n_periods; treated units are spread evenly over ``cohorts``
    (default: every second period from 3 on) and ``never_share`` of units are
    never treated (cohort 0).  The untreated outcome is a unit effect correlated
    with the cohort (so levels differ but trends are parallel), a common time
    trend and iid noise.  ``effect`` is either a number (constant effect) or a
    function ``effect(cohort, event_time)`` returning the true effect on
    treated units ``event_time = t - g >= 0`` periods after adoption.

    Returns a DataFrame with columns ``unit, time, cohort, y, x`` and the true
    effect ``tau`` (0 before treatment and for never-treated units); ``x`` is a
    time-invariant covariate unrelated to trends.
    """
    rng = np.random.default_rng(seed)
    T = n_periods
    if cohorts is None:
        cohorts = list(range(3, T + 1, 2))
    n_never = int(round(never_share * n_units))
    g = np.r_[np.zeros(n_never), np.resize(np.asarray(cohorts, float), n_units - n_never)]
    rng.shuffle(g)
    unit = np.repeat(np.arange(1, n_units + 1), T)
    t = np.tile(np.arange(1, T + 1), n_units)
    gg = np.repeat(g, T)
    alpha_i = rng.normal(size=n_units) + 0.1 * g
    x = rng.normal(size=n_units)
    ev = t - gg
    treated = (gg > 0) & (ev >= 0)
    if callable(effect):
        tau = np.where(treated, np.vectorize(effect, otypes=[float])(gg, ev), 0.0)
    else:
        tau = np.where(treated, float(effect), 0.0)
    y = alpha_i[unit - 1] + 0.3 * t + tau + noise * rng.normal(size=n_units * T)
    return pd.DataFrame(
        {"unit": unit, "time": t, "cohort": gg.astype(int), "y": y, "x": x[unit - 1], "tau": tau}
    )
