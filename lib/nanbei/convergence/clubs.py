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
from statsmodels.tsa.filters.hp_filter import hpfilter

from nanbei.panel import check_panel

__all__ = ["ClubsResult", "LogTResult", "clubs", "log_t_test"]

CRITICAL = -1.65
MIN_REGRESSION_PERIODS = 5
HAC_METHODS = ("andrews", "ps", "newey-west")


# --------------------------------------------------------------------------
# result objects
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LogTResult:
    """One log t regression ``log(H_1/H_t) - 2 log log t = a + b log t + u``.

    Attributes
    ----------
    coef : estimated ``b`` (twice the speed of convergence ``alpha``).
    se : HAC standard error of ``b``.
    t : ``coef / se``; convergence is rejected when ``t < critical``.
    intercept : estimated ``a``.
    n_units, n_obs : units in the group and periods used in the regression.
    bandwidth : kernel bandwidth used by the HAC estimator.
    critical : one-sided critical value (-1.65 for a 5 % test).
    """

    coef: float
    se: float
    t: float
    intercept: float
    n_units: int
    n_obs: int
    bandwidth: float
    critical: float = CRITICAL

    @property
    def converges(self) -> bool:
        """True when convergence is *not* rejected (``t > critical``)."""
        return bool(self.t > self.critical)

    @property
    def alpha(self) -> float:
        """Speed of convergence ``alpha = b / 2``."""
        return self.coef / 2.0

    def __repr__(self) -> str:
        verdict = "convergence not rejected" if self.converges else "convergence rejected"
        return (
            f"LogTResult(b={self.coef:.4f}, se={self.se:.4f}, t={self.t:.3f}; "
            f"{verdict} at t > {self.critical}; {self.n_units} units, {self.n_obs} periods)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_units": self.n_units,
            "coef": self.coef,
            "se": self.se,
            "t": self.t,
            "converges": self.converges,
        }


@dataclass
class ClubsResult:
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

    @property
    def n_clubs(self) -> int:
        return len(self.clubs)

    def __repr__(self) -> str:
        s = self.settings
        n_units, n_periods = self.data.shape
        lines = [
            f"Phillips-Sul club convergence: {n_units} units x {n_periods} periods "
            f"(HP lambda={s.get('hp_lambda')}, trim={s.get('trim'):.3g}, hac={s.get('hac')!r}, "
            f"c*={s.get('cstar')}, merge={s.get('merge')!r})",
            f"  full panel: {self.log_t!r}",
        ]
        for i, (members, res) in enumerate(zip(self.clubs, self.club_log_t, strict=True), 1):
            shown = ", ".join(map(str, members[:6])) + (", ..." if len(members) > 6 else "")
            lines.append(
                f"  club {i}: {len(members)} units, b={res.coef:.3f}, t={res.t:.2f}  [{shown}]"
            )
        shown = ", ".join(map(str, self.divergent[:6])) + (
            ", ..." if len(self.divergent) > 6 else ""
        )
        lines.append(f"  divergent: {len(self.divergent)} units  [{shown}]")
        return "\n".join(lines)

    def summary(self) -> pd.DataFrame:
        """One row per test: the full panel, each final club and the divergent group.

        Columns: ``n_units``, ``coef``, ``se``, ``t``, ``converges`` and, for
        clubs, ``merged_from`` (initial clubs it joins).
        """
        rows = {"full panel": {**self.log_t.to_dict(), "merged_from": ""}}
        for i, (res, src) in enumerate(zip(self.club_log_t, self.merged_from, strict=True), 1):
            rows[f"club {i}"] = {**res.to_dict(), "merged_from": ",".join(map(str, src))}
        rows["divergent"] = {
            "n_units": len(self.divergent),
            "coef": np.nan,
            "se": np.nan,
            "t": np.nan,
            "converges": pd.NA,
            "merged_from": "",
        }
        out = pd.DataFrame.from_dict(rows, orient="index")
        out["n_units"] = out["n_units"].astype(int)
        return out

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
    """Fit the log t regression on a cross-sectional variance path ``H``."""
    n_periods = len(H)
    t_idx = _regression_periods(n_periods, trim)
    n = len(t_idx)
    if not (np.all(np.isfinite(H)) and np.all(H > 0)):
        # identical paths (H_t = 0) leave the regression undefined
        nan = float("nan")
        return LogTResult(nan, nan, nan, nan, n_units, n, nan)
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
    res = _log_t_from_H(_H(X.to_numpy()), trim, hac, X.shape[0])
    return LogTResult(**{**res.__dict__, "critical": critical})


def _check_hac(hac: str, what: str) -> None:
    if hac not in HAC_METHODS:
        raise ValueError(f"{what}: unknown hac {hac!r}; choose one of {list(HAC_METHODS)}")


class _Engine:
    """Runs log t regressions on row subsets of one (sorted) matrix."""

    def __init__(self, X: np.ndarray, trim: float, hac: str, critical: float):
        self.X, self.trim, self.hac, self.critical = X, trim, hac, critical

    def test(self, rows: Sequence[int]) -> LogTResult:
        rows = list(rows)
        res = _log_t_from_H(_H(self.X[rows]), self.trim, self.hac, len(rows))
        return LogTResult(**{**res.__dict__, "critical": self.critical})

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
    highest club first), ``divergent``, ``club_log_t`` and ``to_frame()`` /
    ``summary()``.

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
    engine = _Engine(X, trim, hac, critical)

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
    return ClubsResult(
        log_t=full,
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
