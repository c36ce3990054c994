"""Sigma convergence: cross-sectional dispersion of a value, period by period.

Sigma convergence (Sala-i-Martin 1996) asks whether the cross-sectional
dispersion of per-capita income falls over time.  :func:`sigma` computes the
usual dispersion and inequality indices for every period of a long panel, with
optional population weights (the regional-inequality convention of Williamson
1965) and an exact between/within-group decomposition of Theil's T (e.g. Sunan
versus Subei).

The indices are short closed-form expressions, so they are written here with
numpy rather than called one period at a time from ``inequality`` (pysal): that
keeps all indices on one validated input, adds the weighted forms that
``inequality`` does not provide, and is much faster on long panels.  The tests
check every unweighted index against ``inequality`` on the libpysal Mexico data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nanbei.convergence._common import label_text
from nanbei.panel import check_panel
from nanbei.results import Result, Summary, tidy_frame, unit_label

__all__ = ["SigmaResult", "sigma"]

#: Plain-language definitions of the columns of :attr:`SigmaResult.table`.
MEASURES = {
    "n": "number of units observed",
    "cv": "coefficient of variation (population sd over the mean)",
    "sd_log": "population sd of ln(value)",
    "gini": "Gini coefficient (no n/(n-1) correction)",
    "theil": "Theil T",
    "max_min": "ratio of the largest to the smallest value",
    "cv_w": "weighted coefficient of variation (Williamson)",
    "gini_w": "weighted Gini coefficient",
    "theil_w": "weighted Theil T",
    "theil_between": "between-group part of Theil T",
    "theil_within": "within-group part of Theil T",
    "theil_between_w": "between-group part of the weighted Theil T",
    "theil_within_w": "within-group part of the weighted Theil T",
}


@dataclass(repr=False, eq=False)
class SigmaResult(Result):
    """Dispersion and inequality of a value in every period (see :func:`sigma`).

    The numbers are in :attr:`table`, a DataFrame indexed by period with one
    column per measure (``n``, ``cv``, ``sd_log``, ``gini``, ``theil``,
    ``max_min`` and, when requested, the weighted and decomposed forms).  For
    convenience the result also answers the DataFrame look-ups used on
    sigma tables - ``res["cv"]``, ``res[["cv", "gini"]]``, ``res.loc[...]``,
    ``res.iloc[...]``, ``res.index``, ``res.columns`` and ``len(res)`` - by
    passing them to :attr:`table`; anything else (arithmetic, ``.plot``,
    ``.equals``) is done on ``res.table``.

    The indices describe the observed cross-section (typically every city of
    the region, i.e. the population rather than a sample), so ``tidy()`` has no
    standard errors, p-values or confidence intervals: they are NaN by design.

    Attributes
    ----------
    table : DataFrame indexed by period (see :func:`sigma` for the columns).
    unit, time, value, weight, group : the column names used.
    groups : the group labels of the Theil decomposition (empty without ``group``).
    """

    table: pd.DataFrame
    unit: str
    time: str
    value: str
    weight: str | None = None
    group: str | None = None
    groups: tuple = ()

    _name = "Sigma convergence"

    # --- DataFrame-like access (delegated to ``table``) -----------------------------
    def __getitem__(self, key):
        return self.table[key]

    @property
    def loc(self):
        return self.table.loc

    @property
    def iloc(self):
        return self.table.iloc

    @property
    def index(self) -> pd.Index:
        return self.table.index

    @property
    def columns(self) -> pd.Index:
        return self.table.columns

    def __len__(self) -> int:
        return len(self.table)

    def __iter__(self):
        return iter(self.table)  # column names, as a DataFrame

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`table`."""
        return self.table.copy()

    # --- common result surface --------------------------------------------------------
    @property
    def measures(self) -> list[str]:
        """The dispersion columns of :attr:`table` (all but ``n``)."""
        return [c for c in self.table.columns if c != "n"]

    def tidy(self) -> pd.DataFrame:
        """One row per measure and period: ``term`` is ``"<measure>[<period>]"``,
        ``estimate`` its value and ``n_obs`` the number of units observed in that
        period; extra columns ``measure`` and ``period``.  No sampling inference
        (std_error, statistic, p_value, conf_low, conf_high are NaN; see the class
        docstring)."""
        rows = []
        n = self.table["n"]
        for measure in self.measures:
            for period, v in self.table[measure].items():
                rows.append({"term": f"{measure}[{period}]", "estimate": float(v),
                             "n_obs": int(n.loc[period]), "measure": measure,
                             "period": period})
        return tidy_frame(rows)

    def summary(self) -> Summary:
        first, last = self.table.index[0], self.table.index[-1]
        title = (f"Sigma convergence of {self.value}: {len(self.table)} periods "
                 f"({first}-{last})")
        notes = ["; ".join(f"{c}: {MEASURES[c]}" for c in self.table.columns if c in MEASURES)]
        if self.weight is not None:
            notes.append(f"weighted measures (suffix _w) use '{self.weight}' as weights")
        if self.group is not None:
            notes.append(f"Theil decomposition by '{self.group}' ({len(self.groups)} groups): "
                         "between + within = total")
        if self.table["n"].nunique() > 1:
            notes.append(f"unbalanced: {self.table['n'].min()} to {self.table['n'].max()} units "
                         "per period; compare periods with equal n when composition matters")
        notes.append("descriptive indices of the observed cross-section: no standard errors "
                     "or confidence intervals")
        return Summary(title, [("Dispersion by period", self.table)], notes)

    def _plot(self, ax, labels, lang, measures=None):
        """Paths of the dispersion measures over the periods; ``measures`` picks the
        columns (default: cv, sd_log, gini, theil and their weighted forms).
        ``labels`` may rename measures."""
        default = ["cv", "sd_log", "gini", "theil", "cv_w", "gini_w", "theil_w"]
        cols = list(measures) if measures is not None else [
            c for c in default if c in self.table.columns]
        unknown = sorted(set(cols) - set(self.measures))
        if unknown:
            raise ValueError(f"plot: unknown measure(s) {unknown}; available: {self.measures}")
        for c in cols:
            ax.plot(self.table.index, self.table[c], ls="--" if c.endswith("_w") else "-",
                    marker="o", ms=2.5, label=unit_label(c, labels, lang))
        if pd.api.types.is_numeric_dtype(self.table.index):
            from nanbei.plotting import year_axis

            year_axis(ax)
        ax.set_xlabel(label_text(lang, str(self.time), "时期"))
        ax.set_ylabel(label_text(lang, "dispersion", "离散度"))
        ax.set_title(label_text(lang, f"Sigma convergence of {self.value}",
                                f"σ收敛：{self.value} 的离散度"))
        ax.legend(frameon=False, fontsize=8)


def _period_sums(tc: np.ndarray, x: np.ndarray, n_periods: int) -> np.ndarray:
    """Sum of ``x`` within each period code ``tc``."""
    return np.bincount(tc, weights=x, minlength=n_periods)


def _indices(tc: np.ndarray, y: np.ndarray, p: np.ndarray, n_periods: int) -> dict:
    """CV, Gini and Theil T of every period at once, with weight shares ``p``.

    The arrays must be sorted by (period, value) and ``p`` must sum to one
    within each period.  With mu = sum_i p_i y_i:

    * cv    = sqrt(sum_i p_i (y_i - mu)^2) / mu;
    * gini  = sum_ij p_i p_j |y_i - y_j| / (2 mu), computed in sorted form
      sum_ij p_i p_j |y_i - y_j| = 2 sum_i p_i y_i (P_below_i - P_above_i), with
      P_below_i / P_above_i the weight shares sorted strictly before / after i
      in the same period (ties contribute zero whichever way they are ordered);
    * theil = sum_i p_i r_i ln r_i with r_i = y_i / mu.

    Equal shares p_i = 1/n give the unweighted indices (Gini without the
    n/(n-1) correction).
    """
    mu = _period_sums(tc, p * y, n_periods)
    r = y / mu[tc]
    cv = np.sqrt(_period_sums(tc, p * (r - 1.0) ** 2, n_periods))
    # running weight share within the period (including i), taken as differences
    # of one global cumulative sum so that rounding does not add a constant
    # offset to every term of a period
    cg = np.cumsum(p)
    ends = np.cumsum(np.bincount(tc, minlength=n_periods)) - 1
    before = np.r_[0.0, cg[ends[:-1]]]
    cum = cg - before[tc]
    below = cum - p
    above = (cg[ends] - before)[tc] - cum
    gini = _period_sums(tc, p * r * (below - above), n_periods)
    theil = _period_sums(tc, p * r * np.log(r), n_periods)
    return {"cv": cv, "gini": gini, "theil": theil}


def _theil_split(tc: np.ndarray, gc: np.ndarray, n_groups: int, y: np.ndarray, p: np.ndarray,
                 n_periods: int) -> tuple[np.ndarray, np.ndarray]:
    """Between- and within-group parts of Theil T per period, weight shares ``p``.

    With S_g the group's share of the period's (weighted) total and P_g its
    weight share, between = sum_g S_g ln(S_g / P_g) and within = sum_g S_g T_g,
    T_g being Theil's T inside group g with weights renormalised to the group.
    Both are computed directly (neither as the residual of the other), so their
    sum equalling the total is a real check of the arithmetic.
    """
    cell = tc * n_groups + gc
    size = n_periods * n_groups
    pg = np.bincount(cell, weights=p, minlength=size)
    yg = np.bincount(cell, weights=p * y, minlength=size)
    total = _period_sums(tc, p * y, n_periods)
    sg = yg / np.repeat(total, n_groups)
    keep = pg > 0
    terms = np.zeros(size)
    terms[keep] = sg[keep] * np.log(sg[keep] / pg[keep])
    between = terms.reshape(n_periods, n_groups).sum(axis=1)
    mu_g = np.divide(yg, pg, out=np.ones(size), where=keep)
    r = y / mu_g[cell]
    t_g = np.divide(np.bincount(cell, weights=p * r * np.log(r), minlength=size), pg,
                    out=np.zeros(size), where=keep)
    within = (sg * t_g).reshape(n_periods, n_groups).sum(axis=1)
    return between, within


def sigma(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    weight: str | None = None,
    group: str | None = None,
) -> SigmaResult:
    """Cross-sectional dispersion and inequality of ``value`` in every period.

    A falling series is evidence of sigma convergence.  Each period uses the
    units observed in it (unbalanced panels are allowed; column ``n`` reports the
    count), so compare periods with equal ``n`` when composition matters.

    Parameters
    ----------
    df : long DataFrame, one row per unit and period.
    unit, time, value : column names.  ``value`` (e.g. GDP per capita) must be
        strictly positive because logs are taken; NaN values are an error (drop
        such rows explicitly first).
    weight : optional column of positive weights, e.g. population.  Within each
        period they are normalised to shares p_i and give the population-weighted
        indices standard in regional-inequality work (values are per-capita).
    group : optional column partitioning units (e.g. 'Sunan'/'Subei') for the
        between/within decomposition of Theil's T.

    Returns
    -------
    :class:`SigmaResult`, whose ``table`` is a DataFrame indexed by period with
    columns

    ``n``        number of units observed;
    ``cv``       coefficient of variation, population sd (ddof=0) over the mean;
    ``sd_log``   population sd (ddof=0) of ln(value);
    ``gini``     mean absolute difference over twice the mean,
                 sum_ij |y_i - y_j| / (2 n^2 mu) (no n/(n-1) correction);
    ``theil``    Theil T, (1/n) sum_i (y_i/mu) ln(y_i/mu);
    ``max_min``  ratio of the largest to the smallest value;

    with ``weight`` also ``cv_w`` (Williamson's weighted CV,
    sqrt(sum_i p_i (y_i - mu_w)^2) / mu_w with mu_w = sum_i p_i y_i), ``gini_w``
    (sum_ij p_i p_j |y_i - y_j| / (2 mu_w)) and ``theil_w``
    (sum_i s_i ln(s_i / p_i), s_i = p_i y_i / sum_j p_j y_j, the income share);
    with ``group`` also ``theil_between`` + ``theil_within`` = ``theil`` (and
    ``theil_between_w`` + ``theil_within_w`` = ``theil_w`` when weighted).
    ``res["cv"]``, ``res.loc[...]`` and ``res.index`` read ``res.table``.

    Raises
    ------
    ValueError for unknown columns, duplicate unit-period rows, non-numeric,
    missing or non-positive values or weights, missing groups, or a period with
    fewer than two units.
    """
    cols = [value] + ([weight] if weight is not None else [])
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"sigma: expected a pandas DataFrame, got {type(df).__name__}")
    src = df
    gcol = "__nanbei_group_code__"
    if group is not None:
        if group not in df.columns:
            raise ValueError(
                f"sigma: group column '{group}' not found; available columns are {list(df.columns)}"
            )
        codes, levels = pd.factorize(df[group], sort=True)  # NaN -> -1
        if (codes < 0).any():
            bad = df.loc[codes < 0, [c for c in (unit, time) if c in df.columns]].head(5)
            raise ValueError(
                f"sigma: group column '{group}' is missing at ({unit}, {time}) "
                f"{[tuple(r) for r in bad.to_records(index=False)]}"
            )
        # carry integer group codes through the validation (which keeps only the
        # named columns and sorts them) instead of merging the group back later
        keep = list(dict.fromkeys(c for c in (unit, time, *cols) if c in df.columns))
        src = df[keep].assign(**{gcol: codes})
    data = check_panel(
        src, unit=unit, time=time, columns=cols + ([gcol] if group is not None else []),
        positive=cols, min_units=2, what="sigma",
    )
    counts = data.groupby(time)[unit].size()
    thin = counts[counts < 2]
    if len(thin):
        raise ValueError(
            f"sigma: period(s) {thin.index[:5].tolist()} have fewer than 2 units; "
            "dispersion is undefined there - drop them first"
        )

    tcodes, periods = pd.factorize(data[time], sort=True)
    y = data[value].to_numpy(dtype=float)
    order = np.lexsort((y, tcodes))  # by period, then value (needed by the Gini)
    tc, y = tcodes[order], y[order]
    T = len(periods)
    n = np.bincount(tc, minlength=T)
    eq = 1.0 / n[tc]
    out = pd.DataFrame(index=pd.Index(periods, name=time))
    out["n"] = n.astype(int)
    ind = _indices(tc, y, eq, T)
    out["cv"] = ind["cv"]
    logy = np.log(y)
    mlog = _period_sums(tc, eq * logy, T)
    out["sd_log"] = np.sqrt(_period_sums(tc, eq * (logy - mlog[tc]) ** 2, T))
    out["gini"] = ind["gini"]
    out["theil"] = ind["theil"]
    first = np.r_[0, np.cumsum(n)[:-1]]
    out["max_min"] = y[first + n - 1] / y[first]
    if weight is not None:
        w = data[weight].to_numpy(dtype=float)[order]
        p = w / _period_sums(tc, w, T)[tc]
        ind_w = _indices(tc, y, p, T)
        out["cv_w"], out["gini_w"], out["theil_w"] = ind_w["cv"], ind_w["gini"], ind_w["theil"]
    if group is not None:
        gc = data[gcol].to_numpy(dtype=np.int64)[order]
        out["theil_between"], out["theil_within"] = _theil_split(tc, gc, len(levels), y, eq, T)
        if weight is not None:
            out["theil_between_w"], out["theil_within_w"] = _theil_split(
                tc, gc, len(levels), y, p, T)
    return SigmaResult(table=out, unit=unit, time=time, value=value, weight=weight,
                       group=group, groups=tuple(levels) if group is not None else ())
