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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nanbei.convergence._common import label_text
from nanbei.panel import check_panel
from nanbei.results import Result, Summary, tidy_frame, unit_label

__all__ = ["SigmaResult", "TheilResult", "sigma", "theil_decomposition"]

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
                rows.append(
                    {
                        "term": f"{measure}[{period}]",
                        "estimate": float(v),
                        "n_obs": int(n.loc[period]),
                        "measure": measure,
                        "period": period,
                    }
                )
        return tidy_frame(rows)

    def summary(self) -> Summary:
        first, last = self.table.index[0], self.table.index[-1]
        title = f"Sigma convergence of {self.value}: {len(self.table)} periods ({first}-{last})"
        notes = ["; ".join(f"{c}: {MEASURES[c]}" for c in self.table.columns if c in MEASURES)]
        if self.weight is not None:
            notes.append(f"weighted measures (suffix _w) use '{self.weight}' as weights")
        if self.group is not None:
            notes.append(
                f"Theil decomposition by '{self.group}' ({len(self.groups)} groups): "
                "between + within = total"
            )
        if self.table["n"].nunique() > 1:
            notes.append(
                f"unbalanced: {self.table['n'].min()} to {self.table['n'].max()} units "
                "per period; compare periods with equal n when composition matters"
            )
        notes.append(
            "descriptive indices of the observed cross-section: no standard errors "
            "or confidence intervals"
        )
        return Summary(title, [("Dispersion by period", self.table)], notes)

    def _plot(self, ax, labels, lang, measures=None):
        """Paths of the dispersion measures over the periods; ``measures`` picks the
        columns (default: cv, sd_log, gini, theil and their weighted forms).
        ``labels`` may rename measures."""
        default = ["cv", "sd_log", "gini", "theil", "cv_w", "gini_w", "theil_w"]
        cols = (
            list(measures)
            if measures is not None
            else [c for c in default if c in self.table.columns]
        )
        unknown = sorted(set(cols) - set(self.measures))
        if unknown:
            raise ValueError(f"plot: unknown measure(s) {unknown}; available: {self.measures}")
        for c in cols:
            ax.plot(
                self.table.index,
                self.table[c],
                ls="--" if c.endswith("_w") else "-",
                marker="o",
                ms=2.5,
                label=unit_label(c, labels, lang),
            )
        if pd.api.types.is_numeric_dtype(self.table.index):
            from nanbei.plotting import year_axis

            year_axis(ax)
        ax.set_xlabel(label_text(lang, str(self.time), "时期"))
        ax.set_ylabel(label_text(lang, "dispersion", "离散度"))
        ax.set_title(
            label_text(lang, f"Sigma convergence of {self.value}", f"σ收敛：{self.value} 的离散度")
        )
        # beside the axes: inside, a legend of up to seven measures covers some of the lines
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))


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


def _theil_split(
    tc: np.ndarray, gc: np.ndarray, n_groups: int, y: np.ndarray, p: np.ndarray, n_periods: int
) -> tuple[np.ndarray, np.ndarray]:
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
    t_g = np.divide(
        np.bincount(cell, weights=p * r * np.log(r), minlength=size),
        pg,
        out=np.zeros(size),
        where=keep,
    )
    within = (sg * t_g).reshape(n_periods, n_groups).sum(axis=1)
    return between, within


_GROUP_CODE = "__nanbei_group_code__"


def _prepare(df, *, unit: str, time: str, value: str, weights: list, group: str | None, what: str):
    """Validate a sigma-type input once and sort it by (period, value).

    Returns ``(data, tc, y, order, periods, levels)``: the validated frame (with integer
    group codes in ``_GROUP_CODE`` when ``group`` is given), the period code and value of
    each row in sorted order, the sorting permutation of ``data``, the sorted periods and
    the group labels (empty without ``group``).
    """
    cols = [value, *weights]
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    src = df
    levels: pd.Index | tuple = ()
    if group is not None:
        if group not in df.columns:
            raise ValueError(
                f"{what}: group column '{group}' not found; available columns are "
                f"{list(df.columns)}"
            )
        codes, levels = pd.factorize(df[group], sort=True)  # NaN -> -1
        if (codes < 0).any():
            bad = df.loc[codes < 0, [c for c in (unit, time) if c in df.columns]].head(5)
            raise ValueError(
                f"{what}: group column '{group}' is missing at ({unit}, {time}) "
                f"{[tuple(r) for r in bad.to_records(index=False)]}"
            )
        # carry integer group codes through the validation (which keeps only the
        # named columns and sorts them) instead of merging the group back later
        keep = list(dict.fromkeys(c for c in (unit, time, *cols) if c in df.columns))
        src = df[keep].assign(**{_GROUP_CODE: codes})
    data = check_panel(
        src,
        unit=unit,
        time=time,
        columns=cols + ([_GROUP_CODE] if group is not None else []),
        positive=cols,
        min_units=2,
        what=what,
    )
    counts = data.groupby(time)[unit].size()
    thin = counts[counts < 2]
    if len(thin):
        raise ValueError(
            f"{what}: period(s) {thin.index[:5].tolist()} have fewer than 2 units; "
            "dispersion is undefined there - drop them first"
        )
    tcodes, periods = pd.factorize(data[time], sort=True)
    y = data[value].to_numpy(dtype=float)
    order = np.lexsort((y, tcodes))  # by period, then value (needed by the Gini)
    return data, tcodes[order], y[order], order, periods, levels


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
    data, tc, y, order, periods, levels = _prepare(
        df,
        unit=unit,
        time=time,
        value=value,
        weights=[weight] if weight is not None else [],
        group=group,
        what="sigma",
    )
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
        gc = data[_GROUP_CODE].to_numpy(dtype=np.int64)[order]
        out["theil_between"], out["theil_within"] = _theil_split(tc, gc, len(levels), y, eq, T)
        if weight is not None:
            out["theil_between_w"], out["theil_within_w"] = _theil_split(
                tc, gc, len(levels), y, p, T
            )
    return SigmaResult(
        table=out,
        unit=unit,
        time=time,
        value=value,
        weight=weight,
        group=group,
        groups=tuple(levels) if group is not None else (),
    )


# --------------------------------------------------------------------------- Theil by weighting

#: Plain-language meaning of the weightings usually compared in regional-inequality work.
WEIGHTING_NOTES = {
    "population": "every person counts once: T = sum_i s_i ln(s_i / p_i), s_i the unit's share "
    "of the total (e.g. GDP) and p_i its share of population (in part of the "
    "literature this same index is called GDP-weighted, after the s_i)",
    "gdp": "every unit counts with its share of GDP: p_i = GDP_i / sum GDP",
    "none": "every unit counts once (p_i = 1/n), whatever its size",
}


def _dominant(share: float) -> str:
    """ "between" if the between-group part is more than half of the total, "within" if less."""
    if not np.isfinite(share):
        return "undefined"
    return "between" if share > 0.5 else ("within" if share < 0.5 else "neither")


@dataclass(repr=False, eq=False)
class TheilResult(Result):
    """Theil's T and its between/within-group split under several weightings
    (see :func:`theil_decomposition`).

    Attributes
    ----------
    table : long DataFrame, one row per weighting and period, columns ``weighting``, the
        time column, ``n``, ``total``, ``between``, ``within`` and ``between_share``
        (= between / total).
    weights : label -> weight column (None for unweighted), in the order given.
    unit, time, value, group : the column names used.
    groups : the group labels.
    """

    table: pd.DataFrame
    weights: dict
    unit: str
    time: str
    value: str
    group: str
    groups: tuple = field(default_factory=tuple)

    _name = "Theil decomposition"

    @property
    def weightings(self) -> list[str]:
        """The weighting labels, in the order given."""
        return list(self.weights)

    def component(self, name: str) -> pd.DataFrame:
        """One column of :attr:`table` as periods x weightings (``name`` one of ``total``,
        ``between``, ``within``, ``between_share``, ``n``)."""
        if name not in ("n", "total", "between", "within", "between_share"):
            raise ValueError(
                f"component: unknown component {name!r}; use total, between, "
                "within, between_share or n"
            )
        wide = self.table.pivot(index=self.time, columns="weighting", values=name)
        return wide[self.weightings].rename_axis(columns="weighting")

    def shares(self) -> pd.DataFrame:
        """Between-group share of Theil's T, periods x weightings."""
        return self.component("between_share")

    def share_range(self, start=None, end=None) -> pd.DataFrame:
        """The between-group share over the periods ``start``..``end`` (inclusive; None =
        open), one row per weighting: ``first``/``last`` period, ``n_periods``, ``min``,
        ``max``, ``mean`` of the share and ``dominant``: "between" when the between-group
        part is more than half of the total in every period, "within" when it is less than
        half in every period, "mixed" otherwise.  Empty when no period falls in the range."""
        shares = self.shares()
        keep = pd.Series(True, index=shares.index)
        if start is not None:
            keep &= shares.index >= start
        if end is not None:
            keep &= shares.index <= end
        sub = shares[keep.to_numpy()]
        rows = []
        if len(sub):
            for w in self.weightings:
                col = sub[w]
                kinds = {_dominant(v) for v in col}
                rows.append(
                    {
                        "weighting": w,
                        "first": sub.index[0],
                        "last": sub.index[-1],
                        "n_periods": len(col),
                        "min": float(col.min()),
                        "max": float(col.max()),
                        "mean": float(col.mean()),
                        "dominant": kinds.pop() if len(kinds) == 1 else "mixed",
                    }
                )
        out = pd.DataFrame(
            rows,
            columns=["weighting", "first", "last", "n_periods", "min", "max", "mean", "dominant"],
        )
        return out.set_index("weighting")

    def tidy(self) -> pd.DataFrame:
        """One row per weighting, period and component (``total``, ``between``, ``within``,
        ``between_share``): ``term`` is ``"<component>[<weighting>, <period>]"``, ``n_obs``
        the units of the period; extra columns ``weighting``, ``period``, ``component``.  No
        sampling inference (descriptive indices of the observed units)."""
        rows = []
        for r in self.table.to_dict("records"):
            period = r[self.time]
            for comp in ("total", "between", "within", "between_share"):
                rows.append(
                    {
                        "term": f"{comp}[{r['weighting']}, {period}]",
                        "estimate": float(r[comp]),
                        "n_obs": int(r["n"]),
                        "weighting": r["weighting"],
                        "period": period,
                        "component": comp,
                    }
                )
        return tidy_frame(rows)

    def summary(self) -> Summary:
        periods = self.shares().index
        title = (
            f"Theil decomposition of {self.value} by '{self.group}' "
            f"({len(self.groups)} groups), {len(self.weightings)} weighting(s), "
            f"{periods[0]}-{periods[-1]}"
        )
        wide = pd.concat(
            {
                w: self.table[self.table["weighting"] == w].set_index(self.time)[
                    ["total", "between", "within"]
                ]
                for w in self.weightings
            },
            axis=1,
        )
        wide.columns = [f"{w}: {c}" for w, c in wide.columns]
        notes = [
            "between + within = total for every weighting; between_share = between / total",
            *(
                f"{w}: weight column '{col}'" if col is not None else f"{w}: unweighted"
                for w, col in self.weights.items()
            ),
            "descriptive indices of the observed units: no standard errors",
        ]
        return Summary(
            title,
            [
                ("Between-group share of Theil's T", self.shares()),
                ("Theil's T and its parts", wide),
            ],
            notes,
        )

    def _plot(self, ax, labels, lang, highlight=None, highlight_label=None):
        """The between-group share of Theil's T over the periods, one line per weighting,
        against the one-half line (below it the within-group part dominates).
        ``highlight=(start, end)`` shades a span of periods (e.g. a study's window) and
        ``highlight_label`` names it; ``labels`` may rename weightings."""
        shares = self.shares()
        styles = ["-", "--", ":", "-."]
        for i, w in enumerate(self.weightings):
            ax.plot(
                shares.index,
                shares[w],
                ls=styles[i % len(styles)],
                marker="o",
                ms=2.5,
                label=unit_label(w, labels, lang),
            )
        ax.axhline(0.5, color="grey", lw=0.8)
        ax.annotate(
            label_text(lang, "below: within-group part dominates", "线下：组内差距为主"),
            (0.01, 0.5),
            xycoords=("axes fraction", "data"),
            xytext=(0, -3),
            textcoords="offset points",
            va="top",
            fontsize=7,
            color="0.35",
        )
        if highlight is not None:
            lo, hi = highlight
            ax.axvspan(
                lo, hi, color="0.9", zorder=0, label=highlight_label if highlight_label else None
            )
        ax.set_ylim(0, 1)
        if pd.api.types.is_numeric_dtype(shares.index):
            from nanbei.plotting import year_axis

            year_axis(ax)
        ax.set_xlabel(label_text(lang, str(self.time), "时期"))
        ax.set_ylabel(label_text(lang, "between-group share of Theil T", "组间差距占泰尔指数比重"))
        ax.set_title(
            label_text(
                lang,
                f"Theil T between {self.group} groups, by weighting",
                f"泰尔指数组间比重（按{self.group}分组，不同权重）",
            )
        )
        ax.legend(frameon=False, fontsize=8, loc="lower right")


def _weight_spec(weights) -> dict:
    """Normalise ``weights`` to an ordered {label: column or None}."""
    if isinstance(weights, Mapping):
        spec = dict(weights)
    elif isinstance(weights, (str, bytes)) or weights is None:
        spec = {("unweighted" if weights is None else str(weights)): weights}
    elif isinstance(weights, Sequence):
        spec = {}
        for w in weights:
            label = "unweighted" if w is None else str(w)
            if label in spec:
                raise ValueError(f"theil_decomposition: weighting {label!r} given twice")
            spec[label] = w
    else:
        raise ValueError(
            "theil_decomposition: weights must map labels to weight columns "
            f"(or None), or list them; got {type(weights).__name__}"
        )
    if not spec:
        raise ValueError("theil_decomposition: give at least one weighting (None = unweighted)")
    for label, col in spec.items():
        if col is not None and not isinstance(col, str):
            raise ValueError(
                f"theil_decomposition: weighting {label!r} must name a weight "
                f"column or be None (unweighted), got {col!r}"
            )
    return spec


def theil_decomposition(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    group: str,
    weights=None,
) -> TheilResult:
    """Theil's T of ``value`` and its exact between/within-group split, under each weighting.

    How much of regional inequality lies *between* groups (Sunan, Suzhong, Subei) rather
    than *within* them depends on how units are weighted.  With weight shares p_i (summing
    to one in each period), mean mu = sum_i p_i y_i and r_i = y_i / mu,

        T = sum_i p_i r_i ln r_i = between + within,
        between = sum_g S_g ln(S_g / P_g),   within = sum_g S_g T_g,

    where P_g = sum_{i in g} p_i, S_g = sum_{i in g} p_i r_i is the group's share of the
    weighted total, and T_g is Theil's T inside group g with the weights renormalised to it.
    Both parts are computed directly (see :func:`sigma`), so their sum equalling the total
    checks the arithmetic.

    Parameters
    ----------
    df : long DataFrame, one row per unit and period.
    unit, time, value : column names; ``value`` strictly positive (e.g. GDP per capita).
    group : column partitioning the units (e.g. ``"region"``).
    weights : the weightings to compare, as a mapping label -> weight column (None for
        unweighted), e.g. ``{"population-weighted": "population", "GDP-weighted": "gdp",
        "unweighted": None}``; a list of columns (None = unweighted, labelled by column name
        and "unweighted"); or one column.  Default None: unweighted only.  Any positive
        column can serve as weights.  For per-capita values, population weights give the
        inequality among persons (Theil T = sum_i s_i ln(s_i / p_i) with s_i the GDP share
        and p_i the population share; part of the literature calls this index
        "GDP-weighted" after the s_i); GDP weights make each unit count with its share of
        output; unweighted counts each unit once.

    Returns
    -------
    :class:`TheilResult`: ``table`` (long), ``shares()`` (between-group share, periods x
    weightings), ``share_range(start, end)``, ``component(...)``, and the common surface.

    Raises
    ------
    ValueError as :func:`sigma` (unknown columns, duplicates, missing or non-positive values
    or weights, a period with fewer than two units), and for a malformed ``weights``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"u": [1, 2, 3], "t": 2000, "y": [1.0, 2.0, 3.0],
    ...                    "pop": [1.0, 1.0, 2.0], "g": ["A", "A", "B"]})
    >>> res = theil_decomposition(df, unit="u", time="t", value="y", group="g",
    ...                           weights={"population": "pop", "unweighted": None})
    >>> row = res.table.iloc[0]
    >>> bool(abs(row["between"] + row["within"] - row["total"]) < 1e-15)
    True
    """
    spec = _weight_spec(weights)
    if not isinstance(group, str) or not group:
        raise ValueError("theil_decomposition: group must name the column of the groups")
    columns = list(dict.fromkeys(c for c in spec.values() if c is not None))
    data, tc, y, order, periods, levels = _prepare(
        df,
        unit=unit,
        time=time,
        value=value,
        weights=columns,
        group=group,
        what="theil_decomposition",
    )
    gc = data[_GROUP_CODE].to_numpy(dtype=np.int64)[order]
    T = len(periods)
    n = np.bincount(tc, minlength=T)
    frames = []
    for label, col in spec.items():
        if col is None:
            p = 1.0 / n[tc]
        else:
            w = data[col].to_numpy(dtype=float)[order]
            p = w / _period_sums(tc, w, T)[tc]
        r = y / _period_sums(tc, p * y, T)[tc]
        total = _period_sums(tc, p * r * np.log(r), T)  # as in _indices
        between, within = _theil_split(tc, gc, len(levels), y, p, T)
        frames.append(
            pd.DataFrame(
                {
                    "weighting": label,
                    time: periods,
                    "n": n.astype(int),
                    "total": total,
                    "between": between,
                    "within": within,
                    "between_share": np.divide(
                        between, total, out=np.full(T, np.nan), where=total > 0
                    ),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    return TheilResult(
        table=table,
        weights=spec,
        unit=unit,
        time=time,
        value=value,
        group=group,
        groups=tuple(levels),
    )
