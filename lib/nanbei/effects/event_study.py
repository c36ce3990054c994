"""Dynamic event-study regressions: two-way fixed effects and Sun & Abraham (2021).

``event_study`` estimates the path of an outcome around adoption (event time
``e = t - cohort``) relative to the last pre-treatment period ``e = -1``.

* ``estimator="twfe"``: the conventional dynamic TWFE regression::

      y_it = a_i + l_t + sum_{e in window, e != -1} b_e 1{t - g_i = e} + u_it

  with *binned endpoints*: event times before (after) the window are pooled
  into the first (last) dummy, so every treated observation belongs to exactly
  one dummy or to the omitted ``e = -1``; never-treated units have all dummies
  zero.  With staggered adoption and effects that vary across cohorts or over
  time, the b_e are contaminated by other periods' effects (Sun & Abraham 2021).
* ``estimator="sunab"``: the interaction-weighted (IW) estimator of Sun &
  Abraham (2021).  A fully saturated regression with a dummy for every treated
  cohort x event time (except ``e = -1``) is estimated against a clean control
  cohort (never treated; if there are none, the last-treated cohort, with the
  periods from its adoption on dropped), and the cohort-specific effects are
  averaged at each event time with weights equal to the cohorts' shares of the
  observations at that event time (endpoint bins pool the event times beyond
  the window the same way).

Standard errors are cluster-robust (CR1) by ``cluster`` (default: the unit),
with the small-sample factor ``G/(G-1) * (N-1)/(N-K)`` where K counts the
regressors and the time effects but not the unit effects nested in the
clusters (the ``fixest``/``pyfixest`` default); p-values and intervals use a
t distribution with G-1 degrees of freedom.

Why numpy rather than linearmodels/pyfixest: the regression is a two-way
within transformation followed by OLS on dummies of which at most one is
switched on per observation.  On a balanced panel the normal equations and the
clustered scores then follow from counts of observations by unit, period and
dummy, so no dense (observations x dummies) design is built: the saturated
Sun-Abraham regression on a 3,000 x 30 panel with 11 cohorts (319 dummies)
takes about a second instead of minutes and gigabytes.  Unbalanced panels use
an explicitly demeaned design (alternating projections).  Writing it out also
keeps the small-sample conventions explicit.  The tests check coefficients,
standard errors, p-values and intervals against ``pyfixest.feols`` with the
same dummies, on balanced and unbalanced panels.

References
----------
Sun, L. and Abraham, S. (2021). Estimating dynamic treatment effects in event
studies with heterogeneous treatment effects. Journal of Econometrics 225(2),
175-199.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse, stats

from nanbei.fixed_effects import Demeaner, cr1_factor, indicator
from nanbei.panel import check_panel, unit_cohorts
from nanbei.results import Result, Summary, tidy_frame

__all__ = ["EventStudyResult", "EventTimeCoding", "event_study", "event_time_coding"]

_ESTIMATORS = ("twfe", "sunab")


@dataclass(repr=False)
class EventStudyResult(Result):
    """Event-study coefficients by event time.

    Attributes
    ----------
    coefficients : DataFrame indexed by ``event_time`` with ``estimate, se,
        ci_low, ci_high, p_value``; the omitted reference period ``-1`` is included
        with estimate 0 and NaN standard error.  The first and last rows are the
        binned endpoints (all event times at or beyond them).  (The p-value column
        was called ``p`` before; it follows the project-wide name now.)
    estimator : "twfe" or "sunab".
    window : (first, last) event time.
    cluster : column the standard errors are clustered on.
    n_obs, n_units, n_clusters : sample sizes of the regression.
    alpha : level of the confidence intervals.
    cohort_effects : for "sunab", the cohort x event-time coefficients
        (``cohort, event_time, estimate, se, n_obs, weight``; weight = share in
        its event-time bin); None for "twfe".
    control : description of the comparison units.
    vcov : covariance matrix of the non-reference estimates.
    dropped : DataFrame listing what was left out of the regression and why.
    """

    _name = "Event study"

    coefficients: pd.DataFrame
    estimator: str
    window: tuple[int, int]
    cluster: str
    n_obs: int
    n_units: int
    n_clusters: int
    alpha: float = 0.05
    control: str = "never treated"
    cohort_effects: pd.DataFrame | None = field(default=None, repr=False)
    vcov: pd.DataFrame | None = field(default=None, repr=False)
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    _LONG_NAME = {"twfe": "two-way fixed effects", "sunab": "Sun-Abraham interaction-weighted"}

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table (a copy)."""
        return self.coefficients.copy()

    def tidy(self) -> pd.DataFrame:
        """One row per event time (``e=-3``, ..., the reference ``e=-1`` with estimate 0),
        with the CR1 standard error, t statistic, t(G-1) p-value and interval."""
        c = self.coefficients
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = c["estimate"] / c["se"]
        return tidy_frame(
            pd.DataFrame(
                {
                    "term": [f"e={e}" for e in c.index],
                    "estimate": c["estimate"].to_numpy(),
                    "std_error": c["se"].to_numpy(),
                    "statistic": stat.to_numpy(),
                    "p_value": c["p_value"].to_numpy(),
                    "conf_low": c["ci_low"].to_numpy(),
                    "conf_high": c["ci_high"].to_numpy(),
                    "n_obs": self.n_obs,
                    "event_time": c.index.to_numpy(),
                }
            )
        )

    def summary(self) -> Summary:
        title = (
            f"Event study ({self._LONG_NAME[self.estimator]}), window {self.window} with "
            "binned endpoints, reference e = -1"
        )
        notes = [
            f"control: {self.control}; {self.n_obs} obs, {self.n_units} units, "
            f"{self.n_clusters} clusters ({self.cluster}); CR1 standard errors, "
            f"t({self.n_clusters - 1}) p-values and {100 * (1 - self.alpha):.0f}% intervals"
        ]
        if len(self.dropped):
            notes.append(f"left out: {len(self.dropped)} item(s), see .dropped")
        return Summary(title, [("", self.coefficients)], notes)

    def __repr__(self) -> str:
        return (
            f"EventStudyResult(estimator={self.estimator!r}, window={self.window}, "
            f"n_obs={self.n_obs}, n_clusters={self.n_clusters})"
        )

    def plot(
        self,
        ax=None,
        labels=None,
        lang: str = "en",
        *,
        color="C0",
        label=None,
        offset: float = 0.0,
        title: str | None = None,
        **kwargs,
    ):
        """Plot estimates with confidence intervals against event time.

        Returns the matplotlib Axes (a new figure is created if ``ax`` is None).
        ``offset`` shifts the points horizontally so that several estimators
        can be drawn on one Axes (``label`` names them in the legend).
        """
        return super().plot(
            ax=ax,
            labels=labels,
            lang=lang,
            color=color,
            label=label,
            offset=offset,
            title=title,
            **kwargs,
        )

    def _plot(self, ax, labels, lang, color="C0", label=None, offset=0.0, title=None, **kwargs):
        from nanbei.labels import text

        c = self.coefficients
        x = c.index.to_numpy(float) + offset
        err = np.vstack([c["estimate"] - c["ci_low"], c["ci_high"] - c["estimate"]])
        ax.errorbar(
            x,
            c["estimate"],
            yerr=np.nan_to_num(err),
            fmt="o",
            color=color,
            capsize=3,
            label=label or text(f"es_estimator_{self.estimator}", lang),
        )
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(-0.5, color="grey", lw=0.8, ls="--")
        ax.set_xlabel(text("event_time_label", lang))
        ax.set_ylabel(
            text(
                "es_ylabel",
                lang,
                level=f"{100 * (1 - self.alpha):.0f}%",
                cluster=self.cluster,
            )
        )
        ax.set_title(
            title
            or text(
                "es_title",
                lang,
                estimator=text(f"es_long_{self.estimator}", lang),
                n=self.n_clusters,
            )
        )
        ax.legend(frameon=False)


def event_study(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    cohort: str,
    window: tuple[int, int] = (-5, 10),
    estimator: str = "twfe",
    cluster: str | None = None,
    alpha: float = 0.05,
) -> EventStudyResult:
    """Dynamic event-study regression (TWFE with binned endpoints, or Sun-Abraham IW).

    Parameters
    ----------
    df : long panel (one row per unit and period; may be unbalanced).
    unit, time, outcome : column names; ``time`` must be numeric with integer
        steps (event time is ``time - cohort``).
    cohort : first treated period of each unit (constant within unit); 0 or
        NaN for never-treated units.  Other values must be observed periods.
    window : (first, last) event time, with first <= -2 and last >= 0.  Event
        times outside are pooled into the endpoint estimates.
    estimator : "twfe" or "sunab" (see the module docstring).
    cluster : column to cluster standard errors on; must be constant within
        unit (e.g. the unit itself or its province).  Default: ``unit``.
    alpha : level of the confidence intervals.

    Returns
    -------
    EventStudyResult (``coefficients`` table, ``plot()``).

    Raises
    ------
    ValueError for missing columns, duplicate unit-period rows or missing
    values (via ``check_panel``), bad window or estimator, a cohort varying
    within a unit or not among the periods, no treated unit, a cluster column
    varying within unit, or a regression that is not identified.
    """
    what = "event_study"
    lo, hi = _check_arguments(df, cohort, cluster, window, estimator, alpha, what)
    cluster = cluster or unit
    panel, g_unit = _checked_panel(df, unit, time, outcome, cohort, what)
    clus_unit = _unit_level(df, unit, cluster, what) if cluster != unit else None

    sample = _Sample(
        g=panel[unit].map(g_unit).to_numpy(float),
        t=panel[time].to_numpy(float),
        y=panel[outcome].to_numpy(float),
        units=panel[unit].to_numpy(),
    )
    if estimator == "sunab":
        sample = _sunab_sample(sample, np.sort(panel[time].unique()).astype(float), what)
    coding = event_time_coding(sample.g, sample.t, (lo, hi), what=what)
    if estimator == "twfe":
        col, k, cells = coding.column, len(coding.terms), None
        sample.dropped.extend((f"event time {e}", "no observations") for e in coding.empty)
    else:
        col, cells = _sunab_cells(sample.g, coding.event_time)
        k = len(cells)

    unit_codes, time_codes, clus_codes, n_units = _fe_codes(sample.units, sample.t, clus_unit)
    beta, V, n_clusters = _twfe_ols(sample.y, col, k, unit_codes, time_codes, clus_codes, what)
    if cells is None:
        est = pd.Series(beta, index=coding.terms)
        vc = pd.DataFrame(V, index=coding.terms, columns=coding.terms)
        cohort_effects = None
    else:
        est, vc, cohort_effects = _interaction_weighted(cells, beta, V, (lo, hi), sample.dropped)
    vc.index.name = vc.columns.name = "event_time"
    return EventStudyResult(
        coefficients=_coefficient_table(est, vc, n_clusters - 1, alpha),
        estimator=estimator,
        window=(lo, hi),
        cluster=cluster,
        n_obs=int(len(sample.y)),
        n_units=int(n_units),
        n_clusters=int(n_clusters),
        alpha=alpha,
        control=sample.control,
        cohort_effects=cohort_effects,
        vcov=vc,
        dropped=pd.DataFrame(sample.dropped, columns=["what", "reason"]),
    )


@dataclass
class _Sample:
    """Per-observation arrays of the regression sample, with what was left out and why."""

    g: np.ndarray
    t: np.ndarray
    y: np.ndarray
    units: np.ndarray
    dropped: list[tuple[str, str]] = field(default_factory=list)
    control: str = "never treated"


def _check_arguments(
    df: pd.DataFrame,
    cohort: str,
    cluster: str | None,
    window: tuple[int, int],
    estimator: str,
    alpha: float,
    what: str,
) -> tuple[int, int]:
    """Validate the options and the cohort/cluster column names of :func:`event_study`;
    returns the window bounds as integers."""
    if estimator not in _ESTIMATORS:
        raise ValueError(f"{what}: estimator must be one of {_ESTIMATORS}, got {estimator!r}")
    lo, hi = _check_window(window, what)
    if not 0 < alpha < 1:
        raise ValueError(f"{what}: alpha must be in (0, 1), got {alpha}")
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    for column_name, role in ((cohort, "cohort"), (cluster, "cluster")):
        if column_name is not None and column_name not in df.columns:
            raise ValueError(
                f"{what}: {role} column '{column_name}' not found; available columns are "
                f"{list(df.columns)}"
            )
    return lo, hi


def _checked_panel(
    df: pd.DataFrame, unit: str, time: str, outcome: str, cohort: str, what: str
) -> tuple[pd.DataFrame, pd.Series]:
    """The checked panel and the cohort of every unit (0: never treated).

    Raises if time is not numeric, a cohort is not an observed period or no unit is treated.
    """
    panel = check_panel(
        df, unit=unit, time=time, columns=[outcome], min_units=2, min_periods=2, what=what
    )
    if not pd.api.types.is_numeric_dtype(panel[time]):
        raise ValueError(f"{what}: time column '{time}' must be numeric (e.g. years)")
    g_unit = unit_cohorts(df, unit=unit, cohort=cohort, what=what)
    times = np.sort(panel[time].unique()).astype(float)
    bad = sorted(set(g_unit[g_unit != 0]) - set(times))
    if bad:
        raise ValueError(
            f"{what}: cohort values {bad[:10]} in column '{cohort}' are not among the observed "
            f"periods, e.g. units {g_unit[g_unit.isin(bad)].index[:5].tolist()}; "
            "use 0 or NaN for never-treated units"
        )
    if not (g_unit > 0).any():
        raise ValueError(f"{what}: no treated unit: column '{cohort}' is 0/NaN everywhere")
    return panel, g_unit


def _sunab_sample(sample: _Sample, times: np.ndarray, what: str) -> _Sample:
    """The Sun-Abraham sample: without units treated in the first period (they have no
    e = -1), and, without never-treated units, with the last-treated cohort as control
    and the periods from its adoption on dropped.  Warns about both (for the caller of
    :func:`event_study`, hence ``stacklevel=3``)."""
    g, t = sample.g, sample.t
    dropped: list[tuple[str, str]] = []
    control = "never treated"
    keep = np.ones(len(g), bool)
    first_treated = g == times[0]
    if first_treated.any():
        ids = pd.unique(sample.units[first_treated])
        dropped.append(
            (
                f"units {ids[:5].tolist()} ({len(ids)})",
                "treated in the first period: no pre-period e = -1",
            )
        )
        warnings.warn(
            f"{what}: dropping {len(ids)} units treated in the first period "
            f"(e.g. {ids[:5].tolist()}); see result.dropped",
            stacklevel=3,
        )
        keep &= ~first_treated
    if not (g[keep] == 0).any():
        last = np.max(g[keep])
        control = f"last-treated cohort ({_fmt(last)}), periods before {_fmt(last)}"
        dropped.append(
            (
                f"periods >= {_fmt(last)}",
                "no never-treated units: the last-treated cohort is the control",
            )
        )
        warnings.warn(
            f"{what}: no never-treated units; using cohort {_fmt(last)} as "
            f"control and dropping periods >= {_fmt(last)}",
            stacklevel=3,
        )
        keep &= ~(t >= last)
        g = np.where(g == last, 0.0, g)
    if not (g[keep] > 0).any():
        raise ValueError(f"{what}: no treated cohort left besides the control cohort")
    return _Sample(g[keep], t[keep], sample.y[keep], sample.units[keep], dropped, control)


def _sunab_cells(g: np.ndarray, rel: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """The saturated cohort x event-time design of Sun-Abraham, one-hot coded.

    Returns the dummy column of every observation (-1: none, i.e. never treated or
    e = -1) and the cells (``cohort, event_time, n_obs``), one row per column.
    """
    col = np.full(len(g), -1)
    cells = (
        pd.DataFrame({"cohort": g, "event_time": rel})[g > 0]
        .value_counts()
        .rename("n_obs")
        .reset_index()
    )
    cells = cells[cells.event_time != -1].sort_values(["cohort", "event_time"])
    cells = cells.reset_index(drop=True)
    index = pd.MultiIndex.from_arrays([cells.cohort, cells.event_time])
    rows = np.flatnonzero(g > 0)
    col[rows] = index.get_indexer(pd.MultiIndex.from_arrays([g[rows], rel[rows]]))
    return col, cells


def _fe_codes(
    units: np.ndarray, t: np.ndarray, clus_unit: pd.Series | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Integer codes of unit, period and cluster per observation, and the number of units.

    ``clus_unit`` maps unit -> cluster; None clusters on the unit itself.
    """
    unit_codes, unit_index = pd.factorize(units)
    time_codes, _ = pd.factorize(t)
    if clus_unit is None:
        clus_codes = unit_codes
    else:
        clus_codes = pd.factorize(pd.Series(unit_index).map(clus_unit).to_numpy())[0][unit_codes]
    return unit_codes, time_codes, clus_codes, len(unit_index)


def _interaction_weighted(
    cells: pd.DataFrame,
    beta: np.ndarray,
    V: np.ndarray,
    window: tuple[int, int],
    dropped: list[tuple[str, str]],
) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame]:
    """Average the cohort x event-time effects into one estimate per (binned) event time.

    The weights are the cohorts' shares of the observations in each bin.  Returns the
    estimates, their covariance and the cohort effects table (``cells`` gains the
    columns ``estimate, se, weight``); bins without observations are added to ``dropped``.
    """
    lo, hi = window
    cells["estimate"] = beta
    cells["se"] = np.sqrt(np.diag(V))
    binned = np.clip(cells.event_time.to_numpy(), lo, hi)
    names = [e for e in range(lo, hi + 1) if e != -1 and np.any(binned == e)]
    for e in range(lo, hi + 1):
        if e != -1 and e not in names:
            dropped.append((f"event time {e}", "no observations"))
    W = np.zeros((len(names), len(cells)))
    for k, e in enumerate(names):
        sel = binned == e
        W[k, sel] = cells.n_obs.to_numpy()[sel] / cells.n_obs.to_numpy()[sel].sum()
    cells["weight"] = W.sum(axis=0)
    est = pd.Series(W @ beta, index=names)
    vc = pd.DataFrame(W @ V @ W.T, index=names, columns=names)
    return est, vc, cells.astype({"cohort": int, "event_time": int}, errors="ignore")


def _coefficient_table(est: pd.Series, vc: pd.DataFrame, dof: int, alpha: float) -> pd.DataFrame:
    """Estimates with CR1 standard errors, t(dof) intervals and p-values by event time,
    with the reference ``e = -1`` as a row of estimate 0."""
    se = np.sqrt(np.diag(vc.to_numpy()))
    tcrit = stats.t.ppf(1 - alpha / 2, dof)
    table = pd.DataFrame(
        {
            "estimate": est.to_numpy(),
            "se": se,
            "ci_low": est.to_numpy() - tcrit * se,
            "ci_high": est.to_numpy() + tcrit * se,
            "p_value": 2 * stats.t.sf(np.abs(est.to_numpy() / se), dof),
        },
        index=pd.Index(est.index, name="event_time"),
    )
    table.loc[-1] = [0.0, np.nan, np.nan, np.nan, np.nan]
    return table.sort_index()


class EventTimeCoding(NamedTuple):
    """The event-time coding of a panel (see :func:`event_time_coding`)."""

    event_time: np.ndarray
    column: np.ndarray
    terms: list[int]
    empty: list[int]


def event_time_coding(
    cohort, time, window: tuple[int, int], *, what: str = "event_time_coding"
) -> EventTimeCoding:
    """Event time and the binned one-hot event-time dummies of the TWFE event study.

    ``cohort`` and ``time`` are per-observation arrays (``cohort`` 0 or NaN for units never
    treated); ``window`` is ``(first, last)`` with ``first <= -2`` and ``last >= 0``.
    Event time is ``time - cohort`` for treated units and NaN otherwise.  Event times
    beyond the window are binned into its endpoints, so each treated observation switches
    on exactly one dummy, except at the omitted reference ``e = -1``.  Returns

    * ``event_time``: the unbinned event time of every observation (float, NaN if never
      treated);
    * ``column``: for every observation, the index in ``terms`` of its dummy, -1 if none
      (never treated, or at the reference ``e = -1``);
    * ``terms``: the event times that have a dummy (those of the window, ``-1`` aside,
      with at least one observation), in increasing order;
    * ``empty``: the event times of the window (``-1`` aside) without any observation.

    Both :func:`event_study` (``estimator="twfe"``) and
    :func:`nanbei.effects.pretrend_test` build their regressors from it, so the two always
    test the same regression.

    Four observations of a unit adopting in 2003 (the last one binned into ``e = 1``) and
    one of a never-treated unit:

    >>> c = event_time_coding([2003] * 4 + [0], [2001, 2002, 2003, 2005, 2002], (-2, 1))
    >>> c.event_time.tolist()[:4], c.column.tolist(), c.terms, c.empty
    ([-2.0, -1.0, 0.0, 2.0], [0, -1, 1, 2, -1], [-2, 0, 1], [])

    Raises ValueError (naming ``what``) for a bad window, arrays of different lengths, or a
    treated observation whose event time is not a whole number of periods.
    """
    lo, hi = _check_window(window, what)
    g = np.nan_to_num(np.asarray(cohort, dtype=float), nan=0.0)
    t = np.asarray(time, dtype=float)
    if g.shape != t.shape or g.ndim != 1:
        raise ValueError(
            f"{what}: cohort and time must be 1-d arrays of the same length, got shapes "
            f"{g.shape} and {t.shape}"
        )
    treated = g > 0
    rel = np.where(treated, t - g, np.nan)
    if np.any(np.mod(rel[treated], 1) != 0):
        raise ValueError(f"{what}: time and cohort must be on an integer grid (event time t - g)")
    binned = np.clip(rel, lo, hi)
    column = np.full(len(t), -1)
    terms: list[int] = []
    empty: list[int] = []
    for e in range(lo, hi + 1):
        if e == -1:
            continue
        hit = binned == e
        if hit.any():
            column[hit] = len(terms)
            terms.append(e)
        else:
            empty.append(e)
    return EventTimeCoding(rel, column, terms, empty)


# --------------------------------------------------------------------------
# two-way fixed-effects OLS with cluster-robust covariance
# --------------------------------------------------------------------------


def _twfe_ols(y, col, k, unit_codes, time_codes, clus_codes, what):
    """OLS of y on one-hot dummies with unit and period effects; CR1 clustered covariance.

    ``col[i]`` is the dummy switched on for observation i (-1: none); ``k`` the
    number of dummies.  Returns coefficients, covariance and number of clusters.
    """
    n = len(y)
    n_units = unit_codes.max() + 1
    n_times = time_codes.max() + 1
    n_clusters = clus_codes.max() + 1
    balanced = n == n_units * n_times and np.all(
        np.bincount(unit_codes, minlength=n_units) == n_times
    )
    if balanced:
        xtx, xty, resid_fn, score_fn = _onehot_balanced(y, col, k, unit_codes, time_codes)
    else:
        xtx, xty, resid_fn, score_fn = _dense(y, col, k, unit_codes, time_codes)
    eig = np.linalg.eigvalsh(xtx) if k else np.zeros(1)  # xtx is symmetric PSD
    if k == 0 or eig[0] <= 1e-10 * eig[-1]:
        raise ValueError(
            f"{what}: the event-time dummies are collinear with the unit and period effects "
            "(e.g. no never-treated units and an unbinned or too wide window); narrow the "
            "window or add never-treated units"
        )
    bread = np.linalg.inv(xtx)
    beta = bread @ xty
    resid = resid_fn(beta)
    scores = score_fn(resid, clus_codes, n_clusters)
    n_par = k + n_times  # unit effects are nested in the clusters (fixest "nested")
    factor = cr1_factor(n_clusters, n, n_par)
    V = factor * bread @ (scores.T @ scores) @ bread
    return beta, V, n_clusters


def _onehot_balanced(y, col, k, unit_codes, time_codes):
    """Normal equations of the two-way within regression, from group counts only.

    On a balanced panel the within transformation is M = I - P_unit - P_time + P_1,
    so with one-hot dummies X: X'MX = diag(counts) - A'A / T - B'B / N + counts
    counts' / (N T), where A (units x dummies) and B (periods x dummies) count
    the observations of each dummy by unit and by period.  No dense demeaned
    design matrix is ever formed.
    """
    n = len(y)
    n_units, n_times = unit_codes.max() + 1, time_codes.max() + 1
    on = col >= 0
    cnt = np.bincount(col[on], minlength=k).astype(float)
    A = sparse.csr_matrix((np.ones(on.sum()), (unit_codes[on], col[on])), shape=(n_units, k))
    B = np.zeros((n_times, k))
    np.add.at(B, (time_codes[on], col[on]), 1.0)

    def within(v):
        u = np.bincount(unit_codes, weights=v, minlength=n_units) / n_times
        t = np.bincount(time_codes, weights=v, minlength=n_times) / n_units
        return v - u[unit_codes] - t[time_codes] + v.mean()

    xtx = np.diag(cnt) - (A.T @ A).toarray() / n_times - B.T @ B / n_units
    xtx += np.outer(cnt, cnt) / n
    y_w = within(y)
    xty = np.bincount(col[on], weights=y_w[on], minlength=k)

    def resid_fn(beta):
        fitted = np.where(on, beta[np.maximum(col, 0)], 0.0)
        return y_w - within(fitted)

    def score_fn(resid, clus, n_clus):
        # sum over a cluster's observations of (within-transformed X) * residual;
        # unit means drop out because residuals sum to zero within each unit.
        s1 = np.bincount(clus[on] * k + col[on], weights=resid[on], minlength=n_clus * k)
        e_ct = np.bincount(
            clus * n_times + time_codes, weights=resid, minlength=n_clus * n_times
        ).reshape(n_clus, n_times)
        return s1.reshape(n_clus, k) - e_ct @ (B / n_units) + np.outer(e_ct.sum(axis=1), cnt / n)

    return xtx, xty, resid_fn, score_fn


def _dense(y, col, k, unit_codes, time_codes):
    """Normal equations with an explicitly demeaned design (unbalanced panels)."""
    n = len(y)
    X = np.zeros((n, k))
    on = col >= 0
    X[np.flatnonzero(on), col[on]] = 1.0
    Zd = Demeaner([unit_codes, time_codes], tol=1e-13)(np.column_stack([y, X]))
    yd, Xd = Zd[:, 0], Zd[:, 1:]

    def resid_fn(beta):
        return yd - Xd @ beta

    def score_fn(resid, clus, n_clus):
        return indicator(clus, n_clus) @ (Xd * resid[:, None])

    return Xd.T @ Xd, Xd.T @ yd, resid_fn, score_fn


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def _check_window(window, what) -> tuple[int, int]:
    try:
        lo, hi = window
    except (TypeError, ValueError):
        raise ValueError(f"{what}: window must be a pair (first, last), got {window!r}") from None
    if not (float(lo).is_integer() and float(hi).is_integer()):
        raise ValueError(f"{what}: window bounds must be integers, got {window!r}")
    lo, hi = int(lo), int(hi)
    if lo > -2 or hi < 0:
        raise ValueError(
            f"{what}: window must satisfy first <= -2 and last >= 0 (e = -1 is the omitted "
            f"reference), got {window!r}"
        )
    return lo, hi


def _unit_level(df, unit, col, what) -> pd.Series:
    """Map unit -> value of a column that must be constant within unit."""
    by = df.groupby(unit)[col]
    nun = by.nunique(dropna=False)
    varying = nun[nun > 1]
    if len(varying):
        raise ValueError(
            f"{what}: cluster column '{col}' varies within units {varying.index[:5].tolist()}; "
            "clusters must contain whole units"
        )
    if df[col].isna().any():
        raise ValueError(f"{what}: cluster column '{col}' has missing values")
    return by.first()


def _fmt(v) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)
