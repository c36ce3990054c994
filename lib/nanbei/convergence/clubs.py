"""Phillips-Sul log t convergence test and club clustering.

Phillips and Sul (2007, *Econometrica* 75(6), "Transition modeling and
econometric convergence tests") write log income as ``X_it = delta_it * mu_t``:
a common trend ``mu_t`` times a unit loading ``delta_it`` that may drift over
time.  Convergence means every ``delta_it`` tends to the same limit.  They
measure it with the *relative transition path*

    h_it = X_it / mean_i X_it                       (mean over the group)

and its cross-sectional variance ``H_t = mean_i (h_it - 1)^2``.  Under
convergence ``H_t`` dies out like ``1 / (L(t)^2 t^(2 alpha))`` and the
*log t regression*

    log(H_1 / H_t) - 2 log(log t) = a + b log t + u_t,   t = K+1, ..., T

(``K = round(trim * T)``, i.e. the first ``trim`` fraction of the periods is
discarded, as in the R package ConvergenceClubs) has ``b = 2 alpha >= 0``.
Convergence is rejected at 5 % when the one-sided HAC t statistic of ``b``
is below -1.65.

When the whole panel does not converge, the clustering algorithm of Phillips
and Sul (2007, section 4; 2009, *J. Applied Econometrics* 24(7), "Economic
transition and growth") looks for *clubs*:

1. order the units by their last-period value (highest first);
2. core group: find the first adjacent pair in that order with ``t > -1.65``,
   then grow it one unit at a time while ``t > -1.65`` and keep the size ``k``
   with the largest ``t_k``;
3. sieve: add each remaining unit whose addition to the core gives
   ``t > c*`` (``cstar``, 0 by default); optionally make sure the club itself
   passes the test by raising ``c*`` (``club_check``);
4. recursion: if the units left over pass the test together they are a club,
   otherwise repeat 1-3 on them; units that cannot join any club diverge.

Finally adjacent clubs may be merged when their union passes the test
(Phillips and Sul 2009, section 4.3), or with the variant of von Lyncker and
Thoennessen (2017, *Empirical Economics* 52(2)).

The algorithm is written here (statsmodels has no log t test); every
regression is a plain statsmodels OLS fit with HAC standard errors.  Defaults
and conventions follow the R package ConvergenceClubs (Sichera and Pizzuto
2019, The R Journal 11(2)), whose published output on the Phillips-Sul (2009)
GDP panel the tests reproduce; the one deliberate difference is that the core
group size maximises t_k (as in Phillips and Sul 2007) rather than |t_k|.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tsa.filters.hp_filter import hpfilter

from nanbei.convergence._common import deprecated_alias, label_text
from nanbei.panel import check_panel
from nanbei.results import Result, Summary, tidy_frame, unit_label

__all__ = ["ClubsResult", "LogTResult", "clubs", "log_t_test"]

CRITICAL = -1.65
MIN_REGRESSION_PERIODS = 5
#: A cross-section whose relative dispersion sqrt(H_t) (the CV of the series across
#: units) is at most this counts as constant: the units agree to ten significant
#: digits, beyond what logs and the HP filter (whose smoother has condition number
#: about 16 lambda) keep of one-ulp differences in the input.
CV_TOL = 1e-10
HAC_METHODS = ("andrews", "ps", "newey-west")


# --------------------------------------------------------------------------
# result objects
# --------------------------------------------------------------------------


def _one_sided_p(t: float) -> float:
    """p-value of the one-sided log t test (H0: convergence, b >= 0): Phi(t)."""
    return float(stats.norm.cdf(t)) if not math.isnan(t) else float("nan")


#: Level of the two-sided interval of b in ``tidy()`` (the project-wide 95 %).
CONF_LEVEL = 0.95


@dataclass(frozen=True, repr=False)
class LogTResult(Result):
    """One log t regression ``log(H_1/H_t) - 2 log log t = a + b log t + u``.

    Attributes
    ----------
    coef : estimated ``b`` (twice the speed of convergence ``alpha`` of Phillips and Sul).
    se : HAC standard error of ``b``.
    t : ``coef / se``; convergence is rejected when ``t < critical``.
    intercept : estimated ``a``.
    n_units, n_obs : units in the group and periods used in the regression.
    bandwidth : kernel bandwidth used by the HAC estimator.
    critical : one-sided critical value (-1.65 for a 5 % test).
    note : why the regression is degenerate (identical units), else None.
    H : cross-sectional variance H_t of the relative transition paths, every period.
    periods : the period labels of ``H``.

    Derived: ``speed`` (b / 2), ``p_value`` = Phi(t), the one-sided p-value of the
    test (convergence rejected iff ``p_value < Phi(critical)``), and ``conf_int``
    the two-sided 95 % interval b -+ 1.96 se (``conf_level``; asymptotically normal,
    as the test).  The test's own bound is one-sided: convergence is rejected iff
    b + |critical| se < 0.

    Identical units: when the cross-section is constant (sqrt(H_t) <= 1e-10, i.e.
    the units agree to ten significant digits) in the last period - identical
    series, or series that have become identical - the units have converged and
    the regression, log(H_1/0), is undefined: ``t`` is +inf, ``coef`` and ``se``
    NaN and ``note`` says why.  A constant cross-section in the first period or
    inside the regression window but not in the last (units that met and parted
    again) leaves the test undefined: ``t`` is NaN, which counts as not
    converging, with a ``note``.

    ``alpha`` (the old name of ``speed``) is deprecated: in Nanbei ``alpha`` means a
    significance level.
    """

    coef: float
    se: float
    t: float
    intercept: float
    n_units: int
    n_obs: int
    bandwidth: float
    critical: float = CRITICAL
    note: str | None = None
    H: np.ndarray | None = field(default=None, compare=False)
    periods: tuple = field(default=(), compare=False)

    _name = "Phillips-Sul log t test"

    @property
    def converges(self) -> bool:
        """True when convergence is *not* rejected (``t > critical``)."""
        return bool(self.t > self.critical)

    @property
    def speed(self) -> float:
        """Speed of convergence ``b / 2`` (Phillips and Sul's alpha)."""
        return self.coef / 2.0

    alpha = deprecated_alias("speed", "alpha")

    @property
    def p_value(self) -> float:
        """One-sided p-value Phi(t) of H0: convergence (b >= 0)."""
        return _one_sided_p(self.t)

    @property
    def conf_level(self) -> float:
        return CONF_LEVEL

    @property
    def conf_int(self) -> tuple[float, float]:
        """Two-sided ``conf_level`` interval b -+ z se (normal quantile z)."""
        half = float(stats.norm.ppf(0.5 + CONF_LEVEL / 2)) * self.se
        return (self.coef - half, self.coef + half)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_units": self.n_units,
            "coef": self.coef,
            "se": self.se,
            "t": self.t,
            "p_value": self.p_value,
            "converges": self.converges,
        }

    def _row(self, term: str) -> dict[str, Any]:
        lo, hi = self.conf_int
        return {
            "term": term,
            "estimate": self.coef,
            "std_error": self.se,
            "statistic": self.t,
            "p_value": self.p_value,
            "conf_low": lo,
            "conf_high": hi,
            "n_obs": self.n_obs,
            "n_units": self.n_units,
            "converges": self.converges,
        }

    def tidy(self) -> pd.DataFrame:
        """One row ``log_t``: b, its HAC standard error, t, the one-sided p-value and
        the interval of the class docstring; ``n_obs`` = periods in the regression,
        extra columns ``n_units`` and ``converges``."""
        return tidy_frame([self._row("log_t")])

    def summary(self) -> Summary:
        verdict = "not rejected" if self.converges else "rejected"
        table = self.tidy().set_index("term")
        table["intercept"] = self.intercept
        table["bandwidth"] = self.bandwidth
        notes = [
            f"convergence {verdict} at t > {self.critical} (one-sided; p_value = Phi(t)); "
            f"two-sided {self.conf_level:.0%} interval of b with the HAC standard error"
        ]
        if self.note:
            notes.append(self.note)
        return Summary(
            f"Phillips-Sul log t test: {self.n_units} units, {self.n_obs} periods",
            [("log(H_1/H_t) - 2 log log t = a + b log t", table)],
            notes,
        )

    def _plot(self, ax, labels, lang):
        """The log t regression: its dependent variable against log t, with the fit."""
        if self.H is None:
            ax.text(0.5, 0.5, "H_t not stored", ha="center", transform=ax.transAxes)
            return
        H = np.asarray(self.H, dtype=float)
        T = len(H)
        t_idx = np.arange(T - self.n_obs + 1, T + 1, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.log(H[0] / H[t_idx.astype(int) - 1]) - 2 * np.log(np.log(t_idx))
        x = np.log(t_idx)
        ax.plot(
            x,
            y,
            "o",
            ms=3,
            color="#1b6ca8",
            label=label_text(lang, "log(H1/Ht) - 2 log log t", "log(H1/Ht) - 2 log log t"),
        )
        if np.isfinite(self.coef):
            ax.plot(
                x,
                self.intercept + self.coef * x,
                color="#c8553d",
                label=f"b = {self.coef:.3f}, t = {self.t:.2f}",
            )
        if self.periods:
            step = max(1, len(x) // 6)
            ax.set_xticks(x[::step])
            ax.set_xticklabels([str(self.periods[int(i) - 1]) for i in t_idx[::step]])
        ax.set_xlabel(label_text(lang, "log t (period)", "log t (时期)"))
        ax.set_title(
            label_text(
                lang,
                f"Phillips-Sul log t regression ({self.n_units} units)",
                f"Phillips-Sul log t 回归 ({self.n_units} 个单位)",
            )
        )
        if self.note:
            ax.text(0.02, 0.02, self.note[:90], transform=ax.transAxes, fontsize=7)
        ax.legend(frameon=False, fontsize=8)


@dataclass(repr=False, eq=False)
class ClubsResult(Result):
    """Outcome of :func:`clubs`.

    Attributes
    ----------
    log_t : log t test of the whole panel.
    clubs : final clubs (after merging, if requested), each a list of unit
        labels, ordered from the club with the highest final values down;
        within a club, units follow the sorting order.
    divergent : units in no club.
    club_log_t : log t test of each final club.
    initial_clubs, initial_club_log_t : clubs and tests before merging
        (identical to ``clubs`` when ``merge=False``).
    merged_from : for each final club, the 1-based numbers of the initial
        clubs it was made of.
    cstar : c* actually used for each initial club (larger than the requested
        value only when ``club_check=True`` had to raise it).
    absorbed : for each final club, the divergent units ``merge_divergent``
        added to it (empty lists otherwise).
    order : all units in the sorting order used by the algorithm.
    data : the (log, filtered) wide panel, units x periods, the test ran on.
    settings : the options used.
    notes : remarks (identical units).
    """

    log_t: LogTResult
    clubs: list[list[Any]]
    divergent: list[Any]
    club_log_t: list[LogTResult]
    initial_clubs: list[list[Any]]
    initial_club_log_t: list[LogTResult]
    merged_from: list[tuple[int, ...]]
    cstar: list[float]
    order: list[Any]
    data: pd.DataFrame = field(repr=False)
    settings: dict[str, Any] = field(default_factory=dict)
    absorbed: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    _name = "Phillips-Sul club convergence"

    @property
    def n_clubs(self) -> int:
        return len(self.clubs)

    def log_t_table(self) -> pd.DataFrame:
        """One row per test: the full panel, each final club and the divergent group.

        Columns: ``n_units``, ``coef``, ``se``, ``t``, ``p_value`` (one-sided),
        ``converges`` and, for clubs, ``merged_from`` (initial clubs it joins).
        (This table was returned by ``summary()`` before ``summary()`` became the
        common :class:`nanbei.results.Summary`.)
        """
        rows = {"full panel": {**self.log_t.to_dict(), "merged_from": ""}}
        for i, (res, src) in enumerate(zip(self.club_log_t, self.merged_from, strict=True), 1):
            rows[f"club {i}"] = {**res.to_dict(), "merged_from": ",".join(map(str, src))}
        rows["divergent"] = {
            "n_units": len(self.divergent),
            "coef": np.nan,
            "se": np.nan,
            "t": np.nan,
            "p_value": np.nan,
            "converges": pd.NA,
            "merged_from": "",
        }
        out = pd.DataFrame.from_dict(rows, orient="index")
        out["n_units"] = out["n_units"].astype(int)
        return out

    def tidy(self) -> pd.DataFrame:
        """Rows ``full panel``, ``club 1``, ... (log t coefficient b, HAC standard error,
        t, one-sided p-value, interval as :class:`LogTResult`; ``n_obs`` = periods in
        the regression) and, if any unit diverges, ``divergent`` (no test; NaN).  Extra columns
        ``n_units``, ``converges`` and ``merged_from``."""
        rows = [{**self.log_t._row("full panel"), "merged_from": ""}]
        for i, (res, src) in enumerate(zip(self.club_log_t, self.merged_from, strict=True), 1):
            rows.append({**res._row(f"club {i}"), "merged_from": ",".join(map(str, src))})
        if self.divergent:
            rows.append(
                {
                    "term": "divergent",
                    "n_units": len(self.divergent),
                    "converges": None,
                    "merged_from": "",
                }
            )
        return tidy_frame(rows)

    def summary(self, labels=None, lang: str = "en", max_members: int = 12) -> Summary:
        """Tests (one row per club) and members (names via
        :func:`nanbei.results.unit_label`, at most ``max_members`` shown per club)."""
        s = self.settings
        n_units, n_periods = self.data.shape
        title = f"Phillips-Sul club convergence: {n_units} units x {n_periods} periods"
        tests = self.tidy().set_index("term")
        tests["converges"] = tests["converges"].map(
            lambda v: "" if v is None or pd.isna(v) else ("yes" if v else "no")
        )

        def names(members):
            shown = [unit_label(u, labels, lang) for u in members[:max_members]]
            more = (
                f", ... ({len(members) - max_members} more)" if len(members) > max_members else ""
            )
            return ", ".join(shown) + more

        groups = {f"club {i}": m for i, m in enumerate(self.clubs, 1)}
        if self.divergent:
            groups["divergent"] = self.divergent
        members = pd.DataFrame(
            {
                "n_units": [len(m) for m in groups.values()],
                "members": [names(m) for m in groups.values()],
            },
            index=pd.Index(list(groups), name="group"),
        )
        notes = [
            f"settings: HP lambda={s.get('hp_lambda')}, trim={s.get('trim', float('nan')):.3g}, "
            f"hac={s.get('hac')!r}, c*={s.get('cstar')}, merge={s.get('merge')!r}, "
            f"critical={s.get('critical')}",
            f"estimate = b of log(H_1/H_t) - 2 log log t = a + b log t; convergence is rejected "
            f"when t < {self.log_t.critical} (p_value = Phi(t), one-sided); two-sided "
            f"{self.log_t.conf_level:.0%} intervals of b with the HAC standard error",
            *self.notes,
        ]
        return Summary(title, [("Log t tests", tests), ("Members", members)], notes)

    def transition_paths(self, kind: str = "unit") -> pd.DataFrame:
        """Relative transition paths ``h_it = X_it / mean_j X_jt`` (mean over all units).

        ``kind="unit"`` returns units x periods in the sorting order;
        ``kind="club"`` returns the average path of each final club (rows
        "club 1", ...) and of the divergent units, as plotted by Phillips and
        Sul (2009) to show clubs heading to different relative levels.
        """
        h = self.data / self.data.mean(axis=0)
        if kind == "unit":
            return h.loc[self.order]
        if kind == "club":
            rows = {f"club {i}": h.loc[m].mean(axis=0) for i, m in enumerate(self.clubs, 1)}
            if self.divergent:
                rows["divergent"] = h.loc[self.divergent].mean(axis=0)
            return pd.DataFrame(rows).T
        raise ValueError(f"transition_paths: kind must be 'unit' or 'club', got {kind!r}")

    def to_frame(self) -> pd.DataFrame:
        """Membership table indexed by unit, in the sorting order.

        Columns: ``club`` (1, 2, ... ; missing for divergent units) and
        ``label`` ("club 1", ..., "divergent").
        """
        club_of = {u: i for i, members in enumerate(self.clubs, 1) for u in members}
        idx = pd.Index(self.order, name=self.settings.get("unit", "unit"))
        club = pd.array([club_of.get(u) for u in self.order], dtype="Int64")
        label = [f"club {club_of[u]}" if u in club_of else "divergent" for u in self.order]
        return pd.DataFrame({"club": club, "label": label}, index=idx)

    def _plot(self, ax, labels, lang, annotate: bool | None = None):
        """Relative transition paths: every unit (thin, coloured by club) and each
        club's average (thick); units are named at the end of their path when there
        are at most 30 (``annotate`` overrides)."""
        import matplotlib as mpl

        h = self.transition_paths("unit")
        club_of = self.to_frame()["label"]
        groups = [f"club {i}" for i in range(1, self.n_clubs + 1)]
        if self.divergent:
            groups.append("divergent")
        cmap = mpl.colormaps["tab10"]
        colour = {
            g: ("#7f7f7f" if g == "divergent" else cmap(i % 10)) for i, g in enumerate(groups)
        }
        x = list(h.columns)
        for u, path in h.iterrows():
            ax.plot(x, path.to_numpy(), color=colour[club_of.loc[u]], lw=0.7, alpha=0.5)
        means = self.transition_paths("club")
        for g, path in means.iterrows():
            name = g if lang == "en" else g.replace("club", "俱乐部").replace("divergent", "发散")
            ax.plot(
                x,
                path.to_numpy(),
                color=colour[g],
                lw=2.5,
                label=f"{name} ({len(club_of[club_of == g])})",
            )
        ax.axhline(1, color="grey", lw=0.8)
        if pd.api.types.is_numeric_dtype(h.columns):
            from nanbei.plotting import year_axis

            year_axis(ax)
        ax.set_ylabel(label_text(lang, "relative transition path h_it", "相对转移路径 h_it"))
        clubs_en = f"{self.n_clubs} club" + ("" if self.n_clubs == 1 else "s")
        ax.set_title(
            label_text(
                lang,
                f"Phillips-Sul clubs: {clubs_en}, {len(self.divergent)} divergent",
                f"Phillips-Sul 俱乐部收敛：{self.n_clubs} 个俱乐部，{len(self.divergent)} 个发散",
            )
        )
        ax.legend(frameon=False, fontsize=8, loc="upper left")
        if annotate if annotate is not None else len(h) <= 30:
            # names at the ends of the paths, moved apart so that none overprints another
            from nanbei.plotting import label_line_ends

            names = {
                unit_label(u, labels, lang): (x[-1], float(path.iloc[-1]))
                for u, path in h.iterrows()
            }
            colours = {unit_label(u, labels, lang): colour[club_of.loc[u]] for u in h.index}
            label_line_ends(ax, names, colors=colours, at_edge=True)


# --------------------------------------------------------------------------
# the log t regression
# --------------------------------------------------------------------------


def _qs_kernel(x: np.ndarray) -> np.ndarray:
    """Quadratic spectral kernel of Andrews (1991), k(0) = 1."""
    x = np.asarray(x, dtype=float)
    out = np.ones_like(x)
    nz = x != 0
    z = 6.0 * np.pi * x[nz] / 5.0
    out[nz] = 3.0 / z**2 * (np.sin(z) / z - np.cos(z))
    return out


def _andrews_ar1_bandwidth(v: np.ndarray, *, with_intercept: bool) -> float:
    """Andrews (1991) AR(1) plug-in bandwidth for the QS kernel.

    ``alpha(2) = 4 rho^2 / (1 - rho)^4`` and ``S_T = 1.3221 (alpha(2) T)^(1/5)``,
    with ``rho`` the first-order autoregression coefficient of ``v``.  With
    ``with_intercept`` the AR(1) is fitted with a constant (as R's
    ``sandwich::bwAndrews`` does through ``ar.ols``); without it, through the
    origin (as in Phillips and Sul's GAUSS code).
    """
    n = len(v)
    y, x = v[1:], v[:-1]
    if with_intercept:
        xc, yc = x - x.mean(), y - y.mean()
        denom = float(xc @ xc)
        rho = float(xc @ yc) / denom if denom > 0 else 0.0
    else:
        denom = float(x @ x)
        rho = float(x @ y) / denom if denom > 0 else 0.0
    if not np.isfinite(rho) or abs(1.0 - rho) < 1e-12:
        return float(n)
    a2 = 4.0 * rho**2 / (1.0 - rho) ** 4
    bw = 1.3221 * (a2 * n) ** 0.2
    return float(bw) if np.isfinite(bw) and bw > 0 else float(n)


def _regression_periods(n_periods: int, trim: float) -> np.ndarray:
    """1-based periods t = K+1..T kept in the log t regression, K = round(trim*T)."""
    k = int(round(trim * n_periods))
    return np.arange(k + 1, n_periods + 1, dtype=float)


def _log_t_from_H(H: np.ndarray, trim: float, hac: str, n_units: int) -> LogTResult:
    """Fit the log t regression on a cross-sectional variance path ``H``.

    Constant cross-sections (sqrt(H_t) <= CV_TOL) make log(H_1/H_t) undefined; see
    :class:`LogTResult` for how they are reported.
    """
    n_periods = len(H)
    t_idx = _regression_periods(n_periods, trim)
    n = len(t_idx)
    flat = ~(np.sqrt(np.maximum(H, 0.0)) > CV_TOL)  # also True for NaN
    reg = t_idx.astype(int) - 1
    if flat[-1]:
        nan = float("nan")
        moving = np.flatnonzero(~flat)
        since = int(moving[-1]) + 2 if len(moving) else 1  # 1-based first period of the run
        return LogTResult(
            nan,
            nan,
            math.inf,
            nan,
            n_units,
            n,
            nan,
            note=(
                f"the {n_units} units are identical (relative dispersion sqrt(H_t) <= {CV_TOL:g}) "
                f"from period {since} of {n_periods} through the last: they have converged; the "
                "log t regression is undefined (log of H_1/0), so t is set to +inf"
            ),
        )
    if flat[0] or flat[reg].any():
        nan = float("nan")
        where = (np.flatnonzero(flat) + 1).tolist()
        return LogTResult(
            nan,
            nan,
            nan,
            nan,
            n_units,
            n,
            nan,
            note=(
                f"the {n_units} units are identical (sqrt(H_t) <= {CV_TOL:g}) in period(s) "
                f"{where[:5]} of {n_periods} but differ in the last: the log t regression is "
                "undefined (log of 0) and convergence is not accepted (t = NaN)"
            ),
        )
    log_t = np.log(t_idx)
    y = np.log(H[0] / H[t_idx.astype(int) - 1]) - 2.0 * np.log(log_t)
    X = np.column_stack([np.ones(n), log_t])
    model = sm.OLS(y, X)

    if hac == "andrews":
        # QS kernel, Andrews (1991) AR(1) plug-in bandwidth computed on the
        # score of the slope (x_t * u_t), small-sample factor n / (n - 2): the
        # defaults of R's sandwich::vcovHAC, i.e. ConvergenceClubs "AQSB".
        ols = model.fit()
        bw = _andrews_ar1_bandwidth(log_t * ols.resid, with_intercept=True)
        w = _qs_kernel(np.arange(n) / bw)
        big = np.nonzero(np.abs(w) > 1e-7)[0]  # sandwich drops weights below 1e-7
        w = w[: big[-1] + 1]
        maxlags = len(w) - 1
        fit = model.fit(
            cov_type="HAC",
            cov_kwds={
                "maxlags": maxlags,
                "kernel": lambda nlags: w[: nlags + 1],
                "use_correction": True,
            },
        )
        coef, se, a = float(fit.params[1]), float(fit.bse[1]), float(fit.params[0])
    elif hac == "newey-west":
        # Bartlett kernel with the Newey-West (1994) rule-of-thumb lag
        # floor(4 (n/100)^(2/9)), statsmodels' own default.
        maxlags = int(np.floor(4 * (n / 100.0) ** (2.0 / 9.0)))
        fit = model.fit(cov_type="HAC", cov_kwds={"maxlags": maxlags, "use_correction": True})
        coef, se, a = float(fit.params[1]), float(fit.bse[1]), float(fit.params[0])
        bw = float(maxlags + 1)
    elif hac == "ps":
        # Phillips & Sul's GAUSS code (ported by ConvergenceClubs as "FQSB"):
        # var(b) = LRV(u) * (X'X)^-1 with a scalar long-run variance of the
        # residuals, QS kernel, AR(1) bandwidth through the origin.  statsmodels
        # has no scalar-LRV covariance, so it is written out; the GAUSS
        # divisor (n-1) and its use of the first n-1 residuals in the
        # autocovariances are kept so that results match that code.
        ols = model.fit()
        e = np.asarray(ols.resid)
        bw = _andrews_ar1_bandwidth(e, with_intercept=False)
        m = n - 1
        lrv = float(e @ e) / m
        for j in range(1, m):
            lrv += 2.0 * _qs_kernel(np.array([j / bw]))[0] * float(e[: m - j] @ e[j:m]) / m
        xtx_inv = np.linalg.inv(X.T @ X)
        coef, a = float(ols.params[1]), float(ols.params[0])
        se = math.sqrt(xtx_inv[1, 1] * lrv) if lrv > 0 else float("nan")
    else:  # pragma: no cover - validated by callers
        raise ValueError(f"unknown hac {hac!r}; choose one of {HAC_METHODS}")
    if se > 0:
        t = coef / se
    else:  # exact fit: the sign of b decides
        t = math.copysign(math.inf, coef) if coef != 0 else float("nan")
    return LogTResult(coef, se, t, a, n_units, n, float(bw))


def _H(X: np.ndarray) -> np.ndarray:
    """Cross-sectional variance of relative transition paths of the rows of X."""
    h = X / X.mean(axis=0)
    return ((h - 1.0) ** 2).mean(axis=0)


# --------------------------------------------------------------------------
# data preparation
# --------------------------------------------------------------------------


def _prepare(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    hp_lambda: float | None,
    log: bool,
    trim: float,
    what: str,
) -> pd.DataFrame:
    """Validate the long panel and return the wide (log, HP-trend) matrix."""
    if not (isinstance(trim, int | float) and 0 < trim < 1):
        raise ValueError(f"{what}: trim must be a fraction strictly between 0 and 1, got {trim!r}")
    if hp_lambda is not None and not (
        isinstance(hp_lambda, int | float) and np.isfinite(hp_lambda) and hp_lambda > 0
    ):
        raise ValueError(f"{what}: hp_lambda must be a positive number or None, got {hp_lambda!r}")
    long = check_panel(
        df,
        unit=unit,
        time=time,
        columns=[value],
        positive=[value] if log else [],
        balanced=True,
        min_units=3,
        min_periods=3,
        what=what,
    )
    wide = long.pivot(index=unit, columns=time, values=value).sort_index(axis=1)
    n_periods = wide.shape[1]
    k = int(round(trim * n_periods))
    if k < 1:
        raise ValueError(
            f"{what}: trim={trim:.3g} of {n_periods} periods discards no period; the log t "
            "regression needs t >= 2 (log log 1 is undefined): raise trim or use more periods"
        )
    if n_periods - k < MIN_REGRESSION_PERIODS:
        raise ValueError(
            f"{what}: too few periods: {n_periods} periods with trim={trim:.3g} leave "
            f"{n_periods - k} for the log t regression; at least {MIN_REGRESSION_PERIODS} are needed"
        )
    X = wide.to_numpy(dtype=float)
    if log:
        X = np.log(X)
    if hp_lambda is not None:
        X = np.vstack([hpfilter(row, lamb=hp_lambda)[1] for row in X])
    if not np.all(X > 0):
        r, c = np.argwhere(~(X > 0))[0]
        raise ValueError(
            f"{what}: the {'log ' if log else ''}values of '{value}' must be strictly positive "
            f"(h_it divides by their cross-section mean); unit {wide.index[r]!r} has "
            f"{X[r, c]:.4g} at {time}={wide.columns[c]!r}"
            + ("; express the variable in units where every value exceeds 1" if log else "")
        )
    return pd.DataFrame(X, index=wide.index, columns=wide.columns)


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------


def log_t_test(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    hp_lambda: float | None = 400,
    trim: float = 1 / 3,
    log: bool = True,
    hac: str = "andrews",
    critical: float = CRITICAL,
) -> LogTResult:
    """Phillips-Sul (2007) log t convergence test of a whole balanced panel.

    Takes logs of ``value`` (unless ``log=False``), keeps the HP trend with
    smoothing ``hp_lambda`` (400 for annual data as in Phillips and Sul 2009;
    ``None`` to use the series as given), computes ``H_t`` and fits
    ``log(H_1/H_t) - 2 log log t = a + b log t`` on periods
    ``t = round(trim*T)+1 .. T``.  See :func:`clubs` for the options.
    """
    _check_hac(hac, "log_t_test")
    X = _prepare(
        df,
        unit=unit,
        time=time,
        value=value,
        hp_lambda=hp_lambda,
        log=log,
        trim=trim,
        what="log_t_test",
    )
    H = _H(X.to_numpy())
    res = _log_t_from_H(H, trim, hac, X.shape[0])
    return LogTResult(**{**res.__dict__, "critical": critical, "H": H, "periods": tuple(X.columns)})


def _check_hac(hac: str, what: str) -> None:
    if hac not in HAC_METHODS:
        raise ValueError(f"{what}: unknown hac {hac!r}; choose one of {list(HAC_METHODS)}")


class _Engine:
    """Runs log t regressions on row subsets of one (sorted) matrix."""

    def __init__(self, X: np.ndarray, trim: float, hac: str, critical: float, periods: tuple = ()):
        self.X, self.trim, self.hac, self.critical = X, trim, hac, critical
        self.periods = periods

    def test(self, rows: Sequence[int]) -> LogTResult:
        rows = list(rows)
        H = _H(self.X[rows])
        res = _log_t_from_H(H, self.trim, self.hac, len(rows))
        return LogTResult(
            **{**res.__dict__, "critical": self.critical, "H": H, "periods": self.periods}
        )

    def passes(self, res: LogTResult) -> bool:
        return bool(res.t > self.critical)

    def core(self, rows: list[int]) -> list[int] | None:
        """Step 2: core group among ``rows`` (already sorted), or None."""
        n = len(rows)
        start = None
        for i in range(n - 1):
            first = self.test(rows[i : i + 2])
            if self.passes(first):
                start = i
                break
        if start is None:
            return None
        best_k, best_t = 2, first.t
        for k in range(3, n - start + 1):
            res = self.test(rows[start : start + k])
            if not self.passes(res):
                break
            if res.t > best_t:
                best_k, best_t = k, res.t
        return rows[start : start + best_k]

    def sieve(
        self, rows: list[int], core: list[int], cstar: float, club_check: bool
    ) -> tuple[list[int], float]:
        """Step 3: core plus every unit whose addition gives t > c*."""
        core_set = set(core)
        cand = [(r, self.test(core + [r]).t) for r in rows if r not in core_set]
        admitted = [(r, t) for r, t in cand if t > cstar]
        used = cstar
        if club_check:
            # Raising c* drops the admitted units in increasing order of their
            # t; stop as soon as the club itself passes (the core always does).
            admitted.sort(key=lambda rt: rt[1])
            while admitted and not self.passes(self.test(core + [r for r, _ in admitted])):
                used = admitted[0][1]
                admitted = admitted[1:]
        members = set(core) | {r for r, _ in admitted}
        return [r for r in rows if r in members], float(used)


def _merge_ps(engine: _Engine, groups: list[list[int]]) -> list[tuple[int, ...]]:
    """Phillips-Sul (2009) merging: grow adjacent unions while they pass."""
    out: list[tuple[int, ...]] = []
    i = 0
    while i < len(groups):
        members = list(groups[i])
        src = [i]
        k = i + 1
        while k < len(groups):
            if engine.passes(engine.test(members + groups[k])):
                members += groups[k]
                src.append(k)
                k += 1
            else:
                break
        out.append(tuple(src))
        i = k
    return out


def _merge_vlt(engine: _Engine, groups: list[list[int]]) -> list[tuple[int, ...]]:
    """von Lyncker-Thoennessen (2017) merging of adjacent clubs.

    Test every adjacent pair; merge the first pair m with ``t_m > critical``
    and ``t_m > t_{m+1}`` (for the last pair only the first condition), then
    start again; stop when no pair qualifies.
    """
    parts: list[tuple[int, ...]] = [(i,) for i in range(len(groups))]

    def rows_of(p: tuple[int, ...]) -> list[int]:
        return [r for g in p for r in groups[g]]

    while len(parts) > 1:
        ts = [
            engine.test(rows_of(parts[m]) + rows_of(parts[m + 1])).t for m in range(len(parts) - 1)
        ]
        merged = False
        for m, tm in enumerate(ts):
            last = m == len(ts) - 1
            if tm > engine.critical and (last or tm > ts[m + 1]):
                parts[m : m + 2] = [parts[m] + parts[m + 1]]
                merged = True
                break
        if not merged:
            break
    return parts


def _absorb_divergent(
    engine: _Engine,
    final_rows: list[list[int]],
    absorbed: list[list[int]],
    divergent: list[int],
    estar: float,
) -> list[int]:
    """von Lyncker-Thoennessen (2017) step for divergent units (in place).

    Repeatedly adds the (divergent unit, club) pair with the largest log t
    statistic while it exceeds ``estar``; returns the units left divergent.
    """
    while divergent:
        best = None
        for d in divergent:
            for c, rows in enumerate(final_rows):
                t = engine.test(rows + [d]).t
                if t > estar and (best is None or t > best[0]):
                    best = (t, d, c)
        if best is None:
            break
        _, d, c = best
        final_rows[c] = sorted(final_rows[c] + [d])
        absorbed[c].append(d)
        divergent = [r for r in divergent if r != d]
    return divergent


def clubs(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    hp_lambda: float | None = 400,
    trim: float = 1 / 3,
    log: bool = True,
    cstar: float = 0.0,
    club_check: bool = False,
    merge: bool | str = False,
    merge_divergent: bool = False,
    estar: float = CRITICAL,
    sort_fraction: float | None = None,
    hac: str = "andrews",
    critical: float = CRITICAL,
) -> ClubsResult:
    """Phillips-Sul log t test and convergence-club clustering of a panel.

    Parameters
    ----------
    df : long DataFrame, one row per unit and period; the panel must be
        balanced with no missing values.
    unit, time, value : column names.  ``value`` is typically per-capita GDP.
    hp_lambda : smoothing parameter of the Hodrick-Prescott filter applied to
        each unit's (log) series before testing, to remove the business cycle
        (400 for annual data, as Phillips and Sul 2009).  ``None`` uses the
        series as given.  Uses ``statsmodels.tsa.filters.hp_filter.hpfilter``.
    trim : fraction of the first periods discarded from the regression:
        t runs over ``round(trim*T)+1, ..., T`` (1-based; ConvergenceClubs'
        convention).  Phillips and Sul recommend 1/3.
    log : take natural logs of ``value`` first (values must be > 0).  Pass
        ``False`` when ``value`` already holds logs.  Either way the series
        entering ``h_it`` must be positive.
    cstar : sieve threshold c* of step 3 (0 by default, the conservative
        choice Phillips and Sul recommend for short T).
    club_check : if True, make sure each club passes the log t test by raising
        c* (dropping the admitted units with the smallest t first) until it
        does, as Phillips and Sul (2007) advise.  Off by default, as in
        ConvergenceClubs, so a club may then fail its own test (see
        ``club_log_t``).
    merge : False (no merging), True or "ps" (Phillips-Sul 2009: merge
        adjacent clubs while their union passes), or "vlt" (von Lyncker and
        Thoennessen 2017).
    merge_divergent : after merging, try to place the divergent units as von
        Lyncker and Thoennessen (2017) propose: test every divergent unit with
        every final club, add the unit-club pair with the highest t if that t
        exceeds ``estar``, and repeat until no pair does.  Units added this way
        are listed in ``absorbed``.
    estar : threshold e* for ``merge_divergent`` (-1.65 as suggested by von
        Lyncker and Thoennessen).
    sort_fraction : None sorts units on the last period (Phillips-Sul);
        a fraction f sorts on the mean of the last ``max(1, round(f*T))``
        periods of the filtered series, which is less sensitive to one year.
    hac : standard error of b.

        * ``"andrews"`` (default): statsmodels HAC covariance with the
          quadratic spectral kernel and Andrews' (1991) AR(1) plug-in
          bandwidth on the slope score, with the n/(n-2) correction -- the
          defaults of R's ``sandwich::vcovHAC`` (ConvergenceClubs "AQSB").
        * ``"ps"``: Phillips and Sul's own GAUSS formula, a scalar long-run
          variance of the residuals times (X'X)^-1 (ConvergenceClubs "FQSB").
        * ``"newey-west"``: Bartlett kernel, floor(4 (n/100)^(2/9)) lags.
    critical : one-sided critical value of the t test (-1.65, 5 %).

    Returns
    -------
    ClubsResult with ``log_t`` (whole panel), ``clubs`` (lists of units,
    highest club first), ``divergent``, ``club_log_t``, ``to_frame()``
    (membership), ``log_t_table()`` and the common ``summary()`` / ``tidy()`` /
    ``plot()``.

    Identical series: if the units' (filtered) series are identical - the
    cross-section is constant, sqrt(H_t) <= ``CV_TOL`` (1e-10), in the last period
    - they have converged by definition, so the result is one club with every
    unit, ``log_t.t`` = +inf and a note (the log t regression itself, log of
    H_1/0, is undefined).  See :class:`LogTResult` for partly identical paths.

    Raises
    ------
    ValueError for missing columns, duplicate unit-time rows, missing or
    non-positive values, an unbalanced panel, fewer than 3 units, or fewer
    than 5 periods left after trimming.
    """
    what = "clubs"
    _check_hac(hac, what)
    merge_method = _merge_method(merge, what)
    if not isinstance(estar, int | float) or not np.isfinite(estar):
        raise ValueError(f"{what}: estar must be a finite number, got {estar!r}")
    if not isinstance(cstar, int | float) or not np.isfinite(cstar):
        raise ValueError(f"{what}: cstar must be a finite number, got {cstar!r}")
    if sort_fraction is not None and not (
        isinstance(sort_fraction, int | float) and 0 < sort_fraction <= 1
    ):
        raise ValueError(
            f"{what}: sort_fraction must be None or a fraction in (0, 1], got {sort_fraction!r}"
        )
    data = _prepare(
        df, unit=unit, time=time, value=value, hp_lambda=hp_lambda, log=log, trim=trim, what=what
    )
    n_units, n_periods = data.shape

    # Step 1: order units from the highest final value down (stable for ties).
    if sort_fraction is None:
        key = data.iloc[:, -1].to_numpy()
    else:
        m = max(1, int(round(sort_fraction * n_periods)))
        key = data.iloc[:, -m:].mean(axis=1).to_numpy()
    order = np.argsort(-key, kind="stable")
    X = data.to_numpy()[order]
    labels = list(data.index[order])
    engine = _Engine(X, trim, hac, critical, tuple(data.columns))

    full = engine.test(range(n_units))
    remaining = list(range(n_units))
    groups: list[list[int]] = []
    cstars: list[float] = []
    divergent: list[int] = []
    while remaining:
        if len(remaining) == 1:
            divergent = remaining
            break
        if engine.passes(engine.test(remaining)):
            groups.append(remaining)
            cstars.append(float(cstar))
            break
        core = engine.core(remaining)
        if core is None:
            divergent = remaining
            break
        club_rows, used = engine.sieve(remaining, core, float(cstar), club_check)
        groups.append(club_rows)
        cstars.append(used)
        taken = set(club_rows)
        remaining = [r for r in remaining if r not in taken]

    if merge_method == "ps" and len(groups) > 1:
        parts = _merge_ps(engine, groups)
    elif merge_method == "vlt" and len(groups) > 1:
        parts = _merge_vlt(engine, groups)
    else:
        parts = [(i,) for i in range(len(groups))]

    final_rows = [[r for g in p for r in groups[g]] for p in parts]
    absorbed: list[list[int]] = [[] for _ in parts]
    if merge_divergent and final_rows and divergent:
        divergent = _absorb_divergent(engine, final_rows, absorbed, list(divergent), estar)

    def names(rows: Sequence[int]) -> list[Any]:
        return [labels[r] for r in sorted(rows)]

    initial_tests = [engine.test(g) for g in groups]
    final_tests = [
        initial_tests[p[0]] if len(p) == 1 and not extra else engine.test(rows)
        for p, rows, extra in zip(parts, final_rows, absorbed, strict=True)
    ]
    notes = [f"full panel: {full.note}"] if full.note else []
    notes += [
        f"club {i}: {res.note}"
        for i, res in enumerate(final_tests, 1)
        if res.note and res is not full and res.note != full.note
    ]
    return ClubsResult(
        log_t=full,
        notes=notes,
        clubs=[names(r) for r in final_rows],
        divergent=names(divergent),
        club_log_t=final_tests,
        initial_clubs=[names(g) for g in groups],
        initial_club_log_t=initial_tests,
        merged_from=[tuple(g + 1 for g in p) for p in parts],
        absorbed=[names(a) for a in absorbed],
        cstar=cstars,
        order=labels,
        data=data,
        settings={
            "unit": unit,
            "time": time,
            "value": value,
            "hp_lambda": hp_lambda,
            "trim": trim,
            "log": log,
            "cstar": cstar,
            "club_check": club_check,
            "merge": merge_method,
            "merge_divergent": merge_divergent,
            "estar": estar,
            "sort_fraction": sort_fraction,
            "hac": hac,
            "critical": critical,
        },
    )


def _merge_method(merge: bool | str, what: str) -> str | None:
    if merge is False or merge is None:
        return None
    if merge is True:
        return "ps"
    if isinstance(merge, str) and merge.lower() in ("ps", "vlt"):
        return merge.lower()
    raise ValueError(f"{what}: merge must be False, True, 'ps' or 'vlt', got {merge!r}")
