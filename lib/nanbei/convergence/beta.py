"""Beta convergence: do initially poorer units grow faster?

* :func:`beta` - cross-section (Barro and Sala-i-Martin 1992): OLS of the
  average annual log growth between two years on the initial log level,
  optionally conditional on start-year controls.
* :func:`beta_panel` - panel version (Islam 1995): annualised growth over
  non-overlapping windows on the window-start log level with unit (and
  optionally period) fixed effects, unit-clustered standard errors and a wild
  cluster bootstrap p-value and confidence interval that stay reliable with few
  clusters.

Both report the implied speed of convergence lambda = -ln(1 + b T) / T and the
half-life ln 2 / lambda, where b is the slope and T the length of the growth
interval in time units.

Uncertainty of speed and half-life.  Both are monotone functions of the slope
(lambda decreases in b on b T > -1; the half-life decreases in lambda on
lambda > 0), so their confidence intervals are the slope's interval mapped
through the two functions: [lambda(b_high), lambda(b_low)] and
[ln 2 / lambda_high, ln 2 / lambda_low].  This is preferred to a symmetric
delta-method interval because it keeps the coverage of the slope's interval
exactly, respects the domain (a slope interval that reaches 0 gives a
half-life interval reaching infinity, one that reaches -1/T a speed interval
reaching infinity) and is asymmetric like the transformation itself.
Delta-method standard errors are still reported in ``tidy()``:
se(lambda) = se(b) / |1 + b T| and se(half-life) = ln 2 se(lambda) / lambda^2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from nanbei.convergence._common import check_alpha, deprecated_alias, fmt, label_text
from nanbei.data.dropped import Dropped
from nanbei.effects.inference import invert_test, wild_cluster_bootstrap
from nanbei.panel import check_panel
from nanbei.results import Result, Summary, tidy_frame, unit_label

__all__ = ["BetaResult", "BetaPanelResult", "beta", "beta_panel", "speed_half_life"]

#: Largest ``n_boot`` :func:`beta_panel` accepts.  A million draws pin a p-value to
#: a Monte Carlo standard error of at most 0.0005; more only costs time and memory.
MAX_N_BOOT = 1_000_000
#: Bootstrap draws are requested from the wild bootstrap in blocks whose stored
#: sign codes (one byte per cluster and draw) take at most this many bytes.
_MAX_DRAW_BYTES = 2**24
_EPS = np.finfo(float).eps


# --------------------------------------------------------------------------- speed, half-life


def speed_half_life(
    slope: float, horizon: float, tol: float = 0.0
) -> tuple[float, float, str | None]:
    """Implied convergence speed and half-life from a growth-on-level slope.

    With annualised growth over ``horizon`` periods regressed on the initial log
    level, slope b = -(1 - exp(-lambda T)) / T, hence lambda = -ln(1 + b T) / T
    and half-life = ln 2 / lambda.

    Returns ``(speed, half_life, note)``.  A slope with ``|b| <= tol`` (zero
    within the numerical precision of the regression, see :func:`beta`) gives
    speed 0 and an infinite half-life.  For b > 0 (divergence) lambda < 0 is
    still returned but the half-life is ``inf``; for b T <= -1 (the fitted model
    overshoots: poorer units overtake richer ones within the interval) lambda is
    undefined and both are NaN.  ``note`` explains these cases and is None
    otherwise.
    """
    if not np.isfinite(slope):
        return float("nan"), float("nan"), "slope is not finite"
    if abs(slope) <= tol or slope == 0:
        return (
            0.0,
            float("inf"),
            (
                f"slope = {slope:.3g} is zero within numerical precision (|slope| <= {tol:.2g}): "
                "no beta convergence or divergence; speed 0 and infinite half-life"
            ),
        )
    bt = slope * horizon
    if bt <= -1:
        return (
            float("nan"),
            float("nan"),
            f"slope*T = {bt:.3g} <= -1: implied speed undefined (the fit overshoots, "
            "poorer units overtake richer ones within the interval)",
        )
    lam = -np.log1p(bt) / horizon + 0.0  # + 0.0 turns -0.0 into 0.0
    if slope > 0:
        return (
            float(lam),
            float("inf"),
            f"slope = {slope:.3g} > 0: no beta convergence (divergence); "
            "speed < 0 and the half-life is infinite",
        )
    return float(lam), float(np.log(2) / lam), None


def _speed_of(b: float, horizon: float, tol: float) -> float:
    """lambda(b), extended monotonically: +inf for b T <= -1, 0 for |b| <= tol."""
    if not np.isfinite(b):
        return float("inf") if b == -np.inf else (float("-inf") if b == np.inf else float("nan"))
    if abs(b) <= tol:
        return 0.0
    if b * horizon <= -1:
        return float("inf")
    return float(-np.log1p(b * horizon) / horizon + 0.0)


def _half_life_of(lam: float) -> float:
    """ln 2 / lambda for lambda > 0; inf when there is no convergence (lambda <= 0)."""
    if np.isnan(lam):
        return float("nan")
    if lam <= 0:
        return float("inf")
    return 0.0 if lam == np.inf else float(np.log(2) / lam)


def _implied_rows(
    slope: float, se: float, conf_int: tuple[float, float], horizon: float, tol: float, n_obs: int
) -> list[dict]:
    """``tidy()`` rows of speed and half-life: delta-method standard errors, intervals
    mapped from the slope's interval (see the module docstring)."""
    speed, half, _ = speed_half_life(slope, horizon, tol)
    lo, hi = conf_int
    s_lo, s_hi = _speed_of(hi, horizon, tol), _speed_of(lo, horizon, tol)
    h_lo, h_hi = _half_life_of(s_hi), _half_life_of(s_lo)
    bt = slope * horizon
    if np.isfinite(speed) and np.isfinite(se) and bt > -1:
        speed_se = se / abs(1 + bt)
    else:
        speed_se = float("nan")
    half_se = np.log(2) * speed_se / speed**2 if np.isfinite(half) and speed > 0 else np.nan
    return [
        {
            "term": "speed",
            "estimate": speed,
            "std_error": speed_se,
            "conf_low": s_lo,
            "conf_high": s_hi,
            "n_obs": n_obs,
        },
        {
            "term": "half_life",
            "estimate": half,
            "std_error": half_se,
            "conf_low": h_lo,
            "conf_high": h_hi,
            "n_obs": n_obs,
        },
    ]


def _precision(
    x: np.ndarray, x_tilde: np.ndarray, g: np.ndarray, log_abs_max: float, horizon: float
) -> tuple[float, float]:
    """Numerical-precision bounds ``(slope_tol, delta)`` of a growth-on-level regression.

    ``g`` is annualised log growth computed from logs as large as
    ``log_abs_max``, so each g_i carries a rounding error of order
    eps * log_abs_max / T; solving the least squares adds about eps * max|g|.
    With a generous factor 64 every growth rate (and every residual) is exact
    only up to

        delta = 64 eps (2 log_abs_max / T + max|g|),

    and as the slope sum_i x~_i g_i / sum_i x~_i^2 (x~ the regressor after
    partialling out the intercept, controls or fixed effects) moves by at most
    delta sum_i |x~_i| / sum_i x~_i^2 under such errors, a slope with

        |b| <= slope_tol = delta * sum_i |x_i| / sum_i x~_i^2

    (the uncentred x_i, larger still) is zero within numerical precision.
    """
    delta = 64 * _EPS * (2 * log_abs_max / horizon + float(np.max(np.abs(g))))
    denom = float(np.sum(x_tilde**2))
    tol = delta * float(np.sum(np.abs(x))) / denom if denom > 0 else float("inf")
    return tol, delta


def _conf_rows(model, alpha: float) -> pd.DataFrame:
    """Estimate, s.e., t, p and CI of every coefficient of a statsmodels fit."""
    ci = np.asarray(model.conf_int(alpha=alpha))
    names = list(model.model.exog_names)
    return pd.DataFrame(
        {
            "estimate": np.asarray(model.params, dtype=float),
            "std_error": np.asarray(model.bse, dtype=float),
            "statistic": np.asarray(model.tvalues, dtype=float),
            "p_value": np.asarray(model.pvalues, dtype=float),
            "conf_low": ci[:, 0],
            "conf_high": ci[:, 1],
        },
        index=pd.Index(["intercept" if n == "const" else n for n in names], name="term"),
    )


def _numeric_time(df: pd.DataFrame, time: str, what: str) -> None:
    if time not in df.columns:
        raise ValueError(
            f"{what}: column(s) ['{time}'] not found; available columns are {list(df.columns)}"
        )
    if not pd.api.types.is_numeric_dtype(df[time]) or pd.api.types.is_bool_dtype(df[time]):
        raise ValueError(
            f"{what}: time column '{time}' must be numeric (e.g. years) so that "
            f"growth can be annualised; got dtype {df[time].dtype}"
        )


def _ci_note(alpha: float) -> str:
    return (
        f"{1 - alpha:.0%} intervals. Speed lambda = -ln(1 + bT)/T and half-life ln2/lambda: "
        "intervals are the slope's interval mapped through these monotone functions, "
        "standard errors by the delta method (se(b)/|1 + bT|, ln2 se(lambda)/lambda^2)"
    )


# --------------------------------------------------------------------------- cross-section


@dataclass(repr=False, eq=False)
class BetaResult(Result):
    """Cross-section beta convergence (see :func:`beta`).

    Attributes
    ----------
    slope, intercept : OLS coefficients of growth on log start value.
    se, se_hc1 : classical and HC1 (heteroskedasticity-robust) standard errors of the slope.
    p_value, p_value_hc1 : two-sided t-test p-values of slope = 0 with each (NaN when
        every unit grows at the same rate up to rounding: nothing to test).
    conf_int, conf_int_hc1 : ``1 - alpha`` confidence intervals of the slope (t distribution).
    r2, n_obs : R-squared and number of units used.
    speed, half_life : implied lambda = -ln(1 + slope T)/T and ln 2 / lambda (speed 0 and
        an infinite half-life when the slope is zero within numerical precision).
    alpha : significance level of the intervals.
    start, end : the two periods; T = end - start.
    controls : names of start-period controls (conditional convergence).
    dropped : units lacking the start or the end period, not used (:class:`nanbei.data.Dropped`:
        ``len``, ``all_units()``, ``str`` for the sentence).
    slope_tol : numerical precision of the slope (|slope| <= slope_tol counts as 0).
    flat : True when every unit grows at the same rate up to rounding.
    value : name of the value column.
    model : the fitted statsmodels ``RegressionResults`` (classical covariance).
    data : the regression data, one row per unit.
    notes : warnings about divergence, degenerate fits or dropped units.

    ``pvalue``, ``pvalue_hc1`` and ``nobs`` are deprecated aliases.
    """

    slope: float
    intercept: float
    se: float
    se_hc1: float
    p_value: float
    p_value_hc1: float
    r2: float
    n_obs: int
    speed: float
    half_life: float
    start: float
    end: float
    controls: list[str]
    dropped: Dropped
    model: Any  # a fitted statsmodels / linearmodels result (those libraries are untyped)
    data: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    alpha: float = 0.05
    conf_int: tuple[float, float] = (float("nan"), float("nan"))
    conf_int_hc1: tuple[float, float] = (float("nan"), float("nan"))
    slope_tol: float = 0.0
    flat: bool = False
    value: str = "value"
    vcov: str = "classical"

    _name = "Beta convergence"

    pvalue = deprecated_alias("p_value", "pvalue")
    pvalue_hc1 = deprecated_alias("p_value_hc1", "pvalue_hc1")
    nobs = deprecated_alias("n_obs", "nobs")

    @property
    def horizon(self) -> float:
        """Length T of the growth interval, end - start."""
        return float(self.end - self.start)

    @property
    def outcome_label(self) -> str:
        """Column heading in :func:`nanbei.table`."""
        return f"growth of {self.value}, {self.start}-{self.end}"

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the scalar results."""
        keys = [
            "slope",
            "intercept",
            "se",
            "se_hc1",
            "p_value",
            "p_value_hc1",
            "r2",
            "n_obs",
            "speed",
            "half_life",
            "start",
            "end",
        ]
        row = {k: getattr(self, k) for k in keys}
        row["n_dropped"] = len(self.dropped)
        kind = "conditional" if self.controls else "absolute"
        return pd.DataFrame([row], index=pd.Index([kind], name="beta"))

    def _coefficients(self, vcov: str) -> pd.DataFrame:
        if vcov not in ("classical", "hc1"):
            raise ValueError(f"vcov must be 'classical' or 'hc1', got {vcov!r}")
        model = self.model if vcov == "classical" else self.model.get_robustcov_results("HC1")
        coefs = _conf_rows(model, self.alpha)
        if self.flat:  # growth identical up to rounding: the test statistics are noise
            coefs.loc["log_start", ["statistic", "p_value", "conf_low", "conf_high"]] = np.nan
        return coefs

    def with_vcov(self, vcov: str) -> BetaResult:
        """The same result with ``vcov`` ("classical" or "hc1") as the standard errors that
        ``tidy()`` reports by default, and so :func:`nanbei.table` shows (stars included).

        >>> import pandas as pd
        >>> from nanbei import convergence
        >>> df = pd.DataFrame({"u": [1, 1, 2, 2, 3, 3], "t": [0, 1] * 3,
        ...                    "y": [1.0, 2.0, 2.0, 3.5, 4.0, 4.8]})
        >>> res = convergence.beta(df, unit="u", time="t", value="y", start=0, end=1)
        >>> robust = res.with_vcov("hc1")
        >>> bool(robust.tidy()["std_error"].iloc[0] == res.se_hc1), res.vcov
        (True, 'classical')
        """
        if vcov not in ("classical", "hc1"):
            raise ValueError(f"vcov must be 'classical' or 'hc1', got {vcov!r}")
        from dataclasses import replace

        return replace(self, vcov=vcov)

    @property
    def vcov_label(self) -> str:
        """How ``tidy()`` computes standard errors by default, in words."""
        return {"classical": "classical", "hc1": "HC1 (heteroskedasticity-robust)"}[self.vcov]

    def tidy(self, vcov: str | None = None) -> pd.DataFrame:
        """Rows ``log_start`` (the slope), ``speed``, ``half_life``, ``intercept`` and any
        controls.  ``vcov="classical"`` (as ``se``/``p_value``) or ``"hc1"`` (as
        ``se_hc1``/``p_value_hc1``) chooses the standard errors, tests and intervals;
        default: the result's ``vcov`` ("classical" unless set by :meth:`with_vcov`).
        Speed and half-life: delta-method ``std_error`` and the slope's interval mapped
        through the monotone transformations (module docstring)."""
        coefs = self._coefficients(self.vcov if vcov is None else vcov)
        rows = [{"term": t, **r.to_dict(), "n_obs": self.n_obs} for t, r in coefs.iterrows()]
        s = coefs.loc["log_start"]
        implied = _implied_rows(
            self.slope,
            np.nan if self.flat else s["std_error"],
            (s["conf_low"], s["conf_high"]),
            self.horizon,
            self.slope_tol,
            self.n_obs,
        )
        order = (
            [r for r in rows if r["term"] == "log_start"]
            + implied
            + [r for r in rows if r["term"] != "log_start"]
        )
        return tidy_frame(order)

    def summary(self) -> Summary:
        kind = f"conditional on {', '.join(self.controls)}" if self.controls else "absolute"
        title = f"Beta convergence ({kind}), {self.start}-{self.end}, {self.n_obs} units"
        classical = self.tidy("classical").set_index("term")
        hc1 = self.tidy("hc1").set_index("term")
        cols = ["estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
        coefs = classical.drop(index=["speed", "half_life"])[cols].copy()
        coefs["std_error_hc1"] = hc1["std_error"]
        coefs["p_value_hc1"] = hc1["p_value"]
        implied = classical.loc[
            ["speed", "half_life"], ["estimate", "std_error", "conf_low", "conf_high"]
        ].copy()
        implied["conf_low_hc1"] = hc1["conf_low"]
        implied["conf_high_hc1"] = hc1["conf_high"]
        sample = pd.DataFrame(
            [
                {
                    "n_obs": self.n_obs,
                    "r2": self.r2,
                    "start": self.start,
                    "end": self.end,
                    "T": self.horizon,
                    "n_dropped": len(self.dropped),
                }
            ],
            index=pd.Index([""]),
        )
        notes = [_ci_note(self.alpha), *self.notes]
        return Summary(
            title,
            [
                ("Coefficients (classical s.e.; HC1 in the last columns)", coefs),
                ("Implied convergence", implied),
                ("Sample", sample),
            ],
            notes,
        )

    def _plot(self, ax, labels, lang, annotate: bool | None = None):
        """Growth against the initial log level, one point per unit, with the fitted
        line (controls held at their means); units are named when there are at most
        40 (``annotate`` overrides)."""
        x, g = self.data["log_start"], self.data["growth"]
        ax.scatter(x, g, s=18, color="#1b6ca8", zorder=3)
        if annotate if annotate is not None else len(x) <= 40:
            for u, xi, gi in zip(self.data.index, x, g, strict=True):
                ax.annotate(
                    unit_label(u, labels, lang),
                    (xi, gi),
                    fontsize=7,
                    xytext=(3, 2),
                    textcoords="offset points",
                )
        level = self.intercept + sum(
            float(self.model.params[c]) * float(self.data[c].mean()) for c in self.controls
        )
        xs = np.linspace(float(x.min()), float(x.max()), 50)
        half = fmt(self.half_life, ".0f") if np.isfinite(self.half_life) else "inf"
        ax.plot(
            xs,
            level + self.slope * xs,
            color="#c8553d",
            label=f"b = {self.slope:.4f}, half-life {half}",
        )
        ax.set_xlabel(label_text(lang, f"ln {self.value} in {self.start}", f"{self.start}年对数值"))
        ax.set_ylabel(
            label_text(
                lang,
                f"annual log growth {self.start}-{self.end}",
                f"{self.start}-{self.end}年均对数增长率",
            )
        )
        ax.set_title(label_text(lang, "Beta convergence", "β收敛"))
        ax.legend(frameon=False, fontsize=8)


def beta(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    start,
    end,
    controls: list[str] | None = None,
    alpha: float = 0.05,
) -> BetaResult:
    """Cross-section (absolute or conditional) beta convergence between two periods.

    Fits by OLS (statsmodels)

        [ln y_i(end) - ln y_i(start)] / T = a + b ln y_i(start) [+ c' z_i(start)] + e_i,

    with T = end - start.  b < 0 means initially poorer units grew faster.

    Parameters
    ----------
    df : long DataFrame, one row per unit and period.
    unit, time, value : column names; ``time`` numeric, ``value`` strictly positive.
    start, end : the two periods compared (must occur in ``time``; start < end).
    controls : optional column names whose values in ``start`` enter the
        regression (conditional convergence).
    alpha : significance level of the confidence intervals (``1 - alpha`` coverage).

    Returns
    -------
    BetaResult.  Units observed in only one of the two periods are listed in
    ``dropped`` (and in ``notes``), never silently discarded.

    Numerical precision: a slope within rounding error of zero (bound
    ``slope_tol``, see ``_precision``) gives speed 0 and an infinite
    half-life, never a half-life of 1e17 years from rounding noise; when every
    unit grows at the same rate up to rounding, the slope's t statistic,
    p-values and intervals are NaN too (there is nothing to test) and a note
    says so.

    Raises
    ------
    ValueError for unknown columns, a non-numeric time column, start/end not in
    the data or start >= end, duplicate rows, missing or non-positive values in
    the two periods, missing controls, collinear regressors, too few units or
    ``alpha`` outside (0, 1).
    """
    what = "beta"
    alpha = check_alpha(alpha, what)
    controls = list(controls or [])
    _numeric_time(df, time, what)
    times = set(pd.unique(df[time]))
    for name, t in (("start", start), ("end", end)):
        if t not in times:
            raise ValueError(
                f"{what}: {name}={t!r} is not a period in column '{time}' "
                f"(range {min(times)}..{max(times)})"
            )
    if not start < end:
        raise ValueError(f"{what}: start ({start}) must be before end ({end})")
    for c in [value, unit, *controls]:
        if c not in df.columns:
            raise ValueError(
                f"{what}: column(s) ['{c}'] not found; available columns are {list(df.columns)}"
            )
    sub = df[df[time].isin([start, end])]
    data = check_panel(sub, unit=unit, time=time, columns=[value], positive=[value], what=what)
    if controls:
        ctrl = check_panel(
            sub[sub[time] == start],
            unit=unit,
            time=time,
            columns=controls,
            what=f"{what} (controls in {start})",
        )
    wide = data.pivot(index=unit, columns=time, values=value)
    both = wide.notna().all(axis=1)
    dropped = Dropped(noun="units", unit=(unit,))
    dropped.add(f"no value in {start} or {end}", wide.index[~both].tolist())
    wide = wide[both]
    horizon = float(end - start)
    log_start, log_end = np.log(wide[start]), np.log(wide[end])
    reg = pd.DataFrame(
        {
            "growth": (log_end - log_start) / horizon,
            "log_start": log_start,
        }
    )
    if controls:
        reg = reg.join(ctrl.set_index(unit)[controls], how="left")
        miss = reg[controls].isna().any(axis=1)
        if miss.any():
            raise ValueError(
                f"{what}: units {reg.index[miss][:5].tolist()} have no control values in {start}"
            )
    k = 2 + len(controls)
    if len(reg) < k + 1:
        raise ValueError(
            f"{what}: only {len(reg)} unit(s) observed in both {start} and {end}; "
            f"need at least {k + 1} for {k} coefficients"
            + (f" ({len(dropped)} dropped: {dropped.all_units()[:5]})" if dropped else "")
        )
    X = sm.add_constant(reg[["log_start", *controls]], has_constant="add")
    if np.linalg.matrix_rank(X.to_numpy(dtype=float)) < X.shape[1]:
        raise ValueError(
            f"{what}: regressors {list(X.columns)} are collinear "
            "(e.g. a control constant across units)"
        )
    fit = sm.OLS(reg["growth"], X).fit()
    robust = fit.get_robustcov_results(cov_type="HC1")
    j = list(X.columns).index("log_start")
    slope = float(fit.params["log_start"])

    # numerical precision of the slope: partial the other regressors out of x
    others = X.drop(columns="log_start").to_numpy(dtype=float)
    xv = reg["log_start"].to_numpy()
    x_tilde = xv - others @ np.linalg.lstsq(others, xv, rcond=None)[0]
    g = reg["growth"].to_numpy()
    log_abs = float(max(np.abs(log_start).max(), np.abs(log_end).max()))
    tol, delta = _precision(xv, x_tilde, g, log_abs, horizon)
    flat = bool(abs(slope) <= tol and float(np.max(np.abs(fit.resid))) <= delta)

    speed, half, note = speed_half_life(slope, horizon, tol)
    notes = [note] if note else []
    p_value, p_hc1 = float(fit.pvalues["log_start"]), float(np.asarray(robust.pvalues)[j])
    low, high = np.asarray(fit.conf_int(alpha=alpha))[j]
    ci = (float(low), float(high))
    low, high = np.asarray(robust.conf_int(alpha=alpha))[j]
    ci_hc1 = (float(low), float(high))
    r2 = float(fit.rsquared)
    if flat:
        p_value = p_hc1 = r2 = float("nan")
        ci = ci_hc1 = (float("nan"), float("nan"))
        notes.append(
            "every unit grows at the same rate up to rounding (the regression fits "
            "exactly with a zero slope): the standard errors are rounding noise, so "
            "t statistics, p-values, intervals and R2 are not reported (NaN)"
        )
    if dropped:
        notes.append(
            f"{len(dropped)} unit(s) lack {start} or {end} and were not used: "
            f"{dropped.all_units()[:10]}"
        )
    return BetaResult(
        slope=slope,
        intercept=float(fit.params["const"]),
        se=float(fit.bse["log_start"]),
        se_hc1=float(np.asarray(robust.bse)[j]),
        p_value=p_value,
        p_value_hc1=p_hc1,
        r2=r2,
        n_obs=int(fit.nobs),
        speed=speed,
        half_life=half,
        start=start,
        end=end,
        controls=controls,
        dropped=dropped,
        model=fit,
        data=reg,
        notes=notes,
        alpha=alpha,
        conf_int=ci,
        conf_int_hc1=ci_hc1,
        slope_tol=tol,
        flat=flat,
        value=value,
    )


# --------------------------------------------------------------------------- panel


@dataclass(repr=False, eq=False)
class BetaPanelResult(Result):
    """Panel beta convergence over non-overlapping windows (see :func:`beta_panel`).

    Attributes
    ----------
    slope : coefficient on the window-start log level.
    se_cluster, p_value_cluster : unit-clustered standard error and p-value (linearmodels,
        t distribution with the residual degrees of freedom).
    conf_int_cluster : the matching ``1 - alpha`` interval.
    p_value_wild : restricted (null-imposed) wild cluster bootstrap p-value, Rademacher weights.
    conf_int_wild : ``1 - alpha`` interval by inverting that bootstrap test (the same
        draws for every hypothesised value); a bound is infinite when no value on that
        side can be rejected (few clusters).
    n_boot : number of bootstrap sign vectors used; ``enumerated`` says whether all
        2^G vectors were enumerated (then the p-value is exact, not random).
    seed : the seed of the random draws (irrelevant when enumerated).
    speed, half_life : implied lambda and half-life, with T = window length in time units.
    n_obs, n_clusters, n_windows : unit-windows, units, windows per unit.
    window, effects, horizon : settings; ``horizon`` is the window length in time units.
    alpha : significance level of the intervals.
    slope_tol, flat : numerical precision of the slope, and whether all (partialled)
        growth rates are equal up to rounding (then p-values and intervals are NaN).
    model : fitted linearmodels ``PanelEffectsResults``.
    data : window-level data (unit, window start, growth, log_start).
    notes : warnings (divergence, few clusters, degenerate fits).
    unit, value : the column names used.

    ``pvalue_cluster``, ``pvalue_wild`` and ``nobs`` are deprecated aliases.
    """

    slope: float
    se_cluster: float
    p_value_cluster: float
    p_value_wild: float
    speed: float
    half_life: float
    n_obs: int
    n_clusters: int
    n_windows: int
    window: int
    effects: str
    horizon: float
    n_boot: int
    enumerated: bool
    model: Any  # a fitted statsmodels / linearmodels result (those libraries are untyped)
    data: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    alpha: float = 0.05
    conf_int_cluster: tuple[float, float] = (float("nan"), float("nan"))
    conf_int_wild: tuple[float, float] = (float("nan"), float("nan"))
    seed: object = None
    slope_tol: float = 0.0
    flat: bool = False
    unit: str = "unit"
    value: str = "value"

    _name = "Panel beta convergence"

    @property
    def outcome_label(self) -> str:
        """Column heading in :func:`nanbei.table`."""
        return f"growth of {self.value}, {self.window}-period windows"

    @property
    def fixed_effects(self) -> list[str] | None:
        """Absorbed fixed effects (shown by :func:`nanbei.table`)."""
        return {"unit": [self.unit], "twoway": [self.unit, "window"], "none": None}[self.effects]

    pvalue_cluster = deprecated_alias("p_value_cluster", "pvalue_cluster")
    pvalue_wild = deprecated_alias("p_value_wild", "pvalue_wild")
    nobs = deprecated_alias("n_obs", "nobs")

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the scalar results."""
        keys = [
            "slope",
            "se_cluster",
            "p_value_cluster",
            "p_value_wild",
            "speed",
            "half_life",
            "n_obs",
            "n_clusters",
            "n_windows",
            "window",
            "horizon",
            "n_boot",
            "enumerated",
        ]
        return pd.DataFrame(
            [{k: getattr(self, k) for k in keys}], index=pd.Index([self.effects], name="effects")
        )

    def tidy(self) -> pd.DataFrame:
        """Rows ``log_start`` (the slope), ``speed`` and ``half_life``.

        The slope's ``std_error`` and ``statistic`` are the cluster-robust ones; its
        ``p_value`` and ``conf_low``/``conf_high`` come from the wild cluster
        bootstrap of that t statistic (reliable with few clusters).  The extra
        columns ``p_value_cluster``, ``conf_low_cluster`` and ``conf_high_cluster``
        hold the conventional cluster-robust t inference.  Speed and half-life:
        delta-method ``std_error``, intervals mapped from the slope's (module
        docstring)."""
        t = self.slope / self.se_cluster if self.se_cluster > 0 else float("nan")
        if self.flat:
            t = float("nan")
        slope_row = {
            "term": "log_start",
            "estimate": self.slope,
            "std_error": self.se_cluster,
            "statistic": t,
            "p_value": self.p_value_wild,
            "conf_low": self.conf_int_wild[0],
            "conf_high": self.conf_int_wild[1],
            "n_obs": self.n_obs,
            "p_value_cluster": self.p_value_cluster,
            "conf_low_cluster": self.conf_int_cluster[0],
            "conf_high_cluster": self.conf_int_cluster[1],
        }
        se = np.nan if self.flat else self.se_cluster
        implied = _implied_rows(
            self.slope, se, self.conf_int_wild, self.horizon, self.slope_tol, self.n_obs
        )
        implied_cl = _implied_rows(
            self.slope, se, self.conf_int_cluster, self.horizon, self.slope_tol, self.n_obs
        )
        for row, cl in zip(implied, implied_cl, strict=True):
            row["conf_low_cluster"], row["conf_high_cluster"] = cl["conf_low"], cl["conf_high"]
        return tidy_frame([slope_row, *implied])

    def summary(self) -> Summary:
        title = (
            f"Panel beta convergence: {self.n_windows} windows of {self.window} periods "
            f"(T={fmt(self.horizon)}), effects={self.effects!r}"
        )
        tidy = self.tidy().set_index("term")
        slope = tidy.loc[
            ["log_start"],
            [
                "estimate",
                "std_error",
                "statistic",
                "p_value_cluster",
                "conf_low_cluster",
                "conf_high_cluster",
                "p_value",
                "conf_low",
                "conf_high",
            ],
        ].rename(
            columns={
                "std_error": "se_cluster",
                "statistic": "t",
                "p_value": "p_value_wild",
                "conf_low": "conf_low_wild",
                "conf_high": "conf_high_wild",
            }
        )
        implied = tidy.loc[
            ["speed", "half_life"],
            [
                "estimate",
                "std_error",
                "conf_low",
                "conf_high",
                "conf_low_cluster",
                "conf_high_cluster",
            ],
        ].rename(columns={"conf_low": "conf_low_wild", "conf_high": "conf_high_wild"})
        boot = (
            f"all {self.n_boot} sign vectors enumerated"
            if self.enumerated
            else f"{self.n_boot} random Rademacher draws (seed {self.seed})"
        )
        sample = pd.DataFrame(
            [
                {
                    "n_obs": self.n_obs,
                    "n_clusters": self.n_clusters,
                    "n_windows": self.n_windows,
                    "window": self.window,
                    "T": self.horizon,
                    "effects": self.effects,
                    "n_boot": self.n_boot,
                    "enumerated": str(self.enumerated),
                }
            ],
            index=pd.Index([""]),
        )
        notes = [
            f"wild cluster bootstrap: restricted (WCR), {boot}; "
            "its interval inverts the bootstrap test",
            _ci_note(self.alpha),
            *self.notes,
        ]
        return Summary(
            title,
            [
                ("Slope on the window-start log level", slope),
                ("Implied convergence", implied),
                ("Sample", sample),
            ],
            notes,
        )

    def _plot(self, ax, labels, lang):
        """The slope with its wild-bootstrap and cluster-robust intervals."""
        rows = [
            (
                label_text(lang, "wild cluster bootstrap", "野自助法 (wild bootstrap)"),
                self.conf_int_wild,
            ),
            (label_text(lang, "cluster-robust t", "聚类稳健 t"), self.conf_int_cluster),
        ]
        finite = [v for _, ci in rows for v in ci if np.isfinite(v)] + [self.slope, 0.0]
        span = max(finite) - min(finite) or max(abs(self.slope), 1e-3)
        for y, (_, (lo, hi)) in enumerate(rows):
            lo_d = lo if np.isfinite(lo) else min(finite) - 0.5 * span
            hi_d = hi if np.isfinite(hi) else max(finite) + 0.5 * span
            ax.plot([lo_d, hi_d], [y, y], color="#1b6ca8", lw=2)
            for bound, shown in ((lo, lo_d), (hi, hi_d)):
                if not np.isfinite(bound):
                    ax.annotate(
                        label_text(lang, "unbounded", "无界"),
                        (shown, y),
                        fontsize=7,
                        ha="center",
                        xytext=(0, 5),
                        textcoords="offset points",
                    )
            ax.plot([self.slope], [y], "o", color="#c8553d")
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([name for name, _ in rows])
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_xlabel(
            label_text(
                lang,
                f"slope on the window-start log level ({1 - self.alpha:.0%} interval)",
                f"对期初对数值的斜率 ({1 - self.alpha:.0%} 置信区间)",
            )
        )
        ax.set_title(
            label_text(
                lang,
                f"Panel beta convergence ({self.effects} effects, {self.n_clusters} clusters)",
                f"面板β收敛 ({self.n_clusters} 个聚类)",
            )
        )


def _check_seed(seed, what: str):
    if seed is None or isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(
            f"{what}: seed must be a non-negative integer, a numpy Generator or None, got {seed!r}"
        )
    return int(seed)


def _demean_balanced(v: np.ndarray, effects: str) -> np.ndarray:
    """Partial unit (and window) effects out of a balanced units x windows array."""
    if effects == "none":
        return v - v.mean()
    out = v - v.mean(axis=1, keepdims=True)
    if effects == "twoway":
        out = out - out.mean(axis=0, keepdims=True)
    return out


def beta_panel(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    window: int = 5,
    effects: str = "unit",
    n_boot: int = 9999,
    seed: int | np.random.Generator | None = 0,
    alpha: float = 0.05,
) -> BetaPanelResult:
    """Panel beta convergence over non-overlapping windows with fixed effects.

    The sorted periods t_0 < t_1 < ... are cut into windows [t_0, t_w],
    [t_w, t_2w], ... (w = ``window``; a trailing incomplete window is dropped).
    For unit i and window j the annualised growth
    g_ij = [ln y_i(t_(j+1)w) - ln y_i(t_jw)] / (t_(j+1)w - t_jw) is regressed on
    ln y_i(t_jw) with linearmodels ``PanelOLS``:

    * ``effects="unit"``: unit fixed effects (conditional convergence to
      unit-specific steady states, Islam 1995);
    * ``effects="twoway"``: unit and window fixed effects;
    * ``effects="none"``: pooled OLS with an intercept.

    Standard errors are clustered by unit (linearmodels ``group_debias=True``;
    its p-value and interval use a t distribution with the residual degrees of
    freedom).  With absorbed effects its degrees-of-freedom factor differs
    slightly from Stata's / pyfixest's CRV1 (which do not count effects nested in
    the clusters); the two coincide for ``effects="none"``.

    Because clustered t-tests over-reject with few clusters (Cameron, Gelbach
    and Miller 2008), ``p_value_wild`` adds the restricted wild cluster
    bootstrap (WCR, Rademacher weights, clusters = units) for slope = 0,
    computed by :func:`nanbei.effects.inference.wild_cluster_bootstrap` on the
    window-level regression (``data``) with the same fixed effects absorbed;
    its bootstrap is exactly that of the model with the effects as dummies,
    also for the window effects that cut across the unit clusters.  With at
    most 12 clusters (or 2^G <= n_boot) all 2^G sign vectors are enumerated,
    so the p-value is exact and ``seed`` is irrelevant.  The p-value is the
    share of bootstrap |t*| at least as large as |t|, ties (within a relative
    1e-9) counted as extreme.  Under enumeration the sign vectors +1 and -1
    reproduce +-t exactly, so the smallest attainable p-value is 2 / 2^G;
    the ``wildboottest`` package counts only strictly larger |t*| and so
    reports p-values up to 2 / 2^G smaller.  ``conf_int_wild`` is the set of
    slopes the same bootstrap test does not reject at ``alpha``.

    Random draws are requested in blocks of at most 2^24 / G draws (their sign
    codes take one byte per cluster and draw), each block from the same numpy
    Generator seeded with ``seed``, so memory stays bounded (about 48 bytes per
    draw are kept for the interval, under 50 MB at the maximum ``n_boot``) and
    reruns with the same seed give identical numbers.  Up to that block size the
    draws are exactly those of a single call with ``seed``.

    Note that with unit effects and few windows the slope is biased towards
    faster convergence (Nickell 1981); compare with ``effects="none"``.

    Parameters
    ----------
    df : long DataFrame; must be a balanced panel, ``time`` numeric,
        ``value`` strictly positive.
    unit, time, value : column names.
    window : window length in periods (rows of the sorted time axis).
    effects : "unit", "twoway" or "none".
    n_boot : number of random Rademacher draws when not enumerating, an integer
        from 99 to :data:`MAX_N_BOOT` (1,000,000).
    seed : seed for those draws (non-negative integer, numpy Generator, or None for
        fresh entropy, which makes reruns differ).
    alpha : significance level of the intervals (``1 - alpha`` coverage).

    Returns
    -------
    BetaPanelResult.  A slope within rounding error of zero gives speed 0 and an
    infinite half-life; if all (partialled) growth rates are equal up to rounding,
    p-values and intervals are NaN with a note (nothing to test).

    Raises
    ------
    ValueError for unknown columns or ``effects``, unbalanced panels, missing or
    non-positive values, fewer than 2 units, a window longer than the span,
    fewer than 2 windows when fixed effects are used, or an invalid ``n_boot``,
    ``seed`` or ``alpha``.
    """
    what = "beta_panel"
    if effects not in ("unit", "twoway", "none"):
        raise ValueError(f"{what}: effects must be 'unit', 'twoway' or 'none', got {effects!r}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"{what}: window must be a positive integer, got {window!r}")
    if (
        isinstance(n_boot, bool)
        or not isinstance(n_boot, (int, np.integer))
        or not 99 <= n_boot <= MAX_N_BOOT
    ):
        raise ValueError(
            f"{what}: n_boot must be an integer from 99 to {MAX_N_BOOT:,} "
            f"(number of bootstrap draws), got {n_boot!r}"
        )
    seed = _check_seed(seed, what)
    alpha = check_alpha(alpha, what)
    _numeric_time(df, time, what)
    data = check_panel(
        df,
        unit=unit,
        time=time,
        columns=[value],
        positive=[value],
        balanced=True,
        min_units=2,
        min_periods=2,
        what=what,
    )
    wide = np.log(data.pivot(index=unit, columns=time, values=value))
    periods = wide.columns.to_numpy()
    n_periods = len(periods)
    if window > n_periods - 1:
        raise ValueError(
            f"{what}: window={window} is larger than the span: {n_periods} periods "
            f"({periods[0]}..{periods[-1]}) allow windows of at most "
            f"{n_periods - 1}"
        )
    starts = np.arange(0, n_periods - window, window)
    n_windows = len(starts)
    if effects != "none" and n_windows < 2:
        raise ValueError(
            f"{what}: window={window} leaves only {n_windows} window over "
            f"{n_periods} periods; fixed effects need at least 2 windows per unit "
            "(use a shorter window or effects='none')"
        )
    L = wide.to_numpy()
    spans = (periods[starts + window] - periods[starts]).astype(float)
    growth = (L[:, starts + window] - L[:, starts]) / spans
    level = L[:, starts]
    units = wide.index.to_numpy()
    G = len(units)
    long = pd.DataFrame(
        {
            unit: np.repeat(units, n_windows),
            "window_start": np.tile(periods[starts], G),
            "growth": growth.ravel(),
            "log_start": level.ravel(),
        }
    )
    from linearmodels.panel import PanelOLS

    panel = long.set_index([unit, "window_start"])
    exog = panel[["log_start"]]
    if effects == "none":
        exog = sm.add_constant(exog, has_constant="add")
    model = PanelOLS(
        panel["growth"], exog, entity_effects=effects != "none", time_effects=effects == "twoway"
    )
    fit = model.fit(cov_type="clustered", cluster_entity=True, group_debias=True)
    slope = float(fit.params["log_start"])
    low, high = fit.conf_int(level=1 - alpha).loc["log_start"]
    ci_cluster = (float(low), float(high))
    horizon = float(spans.mean())

    # numerical precision (balanced panel: the fixed effects are partialled out exactly)
    x_tilde = _demean_balanced(level, effects)
    g_tilde = _demean_balanced(growth, effects)
    tol, delta = _precision(level, x_tilde, growth, float(np.abs(L).max()), float(spans.min()))
    flat = bool(abs(slope) <= tol and float(np.max(np.abs(g_tilde - slope * x_tilde))) <= delta)

    # One implementation of the wild cluster bootstrap for the whole project:
    # nanbei.effects.inference (exact with window FE that cut across the unit
    # clusters; tested against wildboottest).  With <= 12 clusters ask for at
    # least 2^G draws so that all sign vectors are always enumerated.
    fe_cols = {"unit": [unit], "twoway": [unit, "window_start"], "none": None}[effects]
    total = max(int(n_boot), 2**G) if G <= 12 else int(n_boot)
    enumerate_all = G * math.log(2) <= math.log(total) + 1e-12  # 2^G <= total
    # blocks of (nearly) equal size, each at least half the byte-bounded maximum
    n_blocks = 1 if enumerate_all else -(-total // max(1, _MAX_DRAW_BYTES // G))
    sizes = [total // n_blocks + (i < total % n_blocks) for i in range(n_blocks)]
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    parts = []
    enumerated = False
    if not flat:
        for size in sizes:
            boot = wild_cluster_bootstrap(
                long,
                y="growth",
                x="log_start",
                fe=fe_cols,
                param="log_start",
                cluster=unit,
                n_boot=int(size),
                weights="rademacher",
                impose_null=True,
                conf_level=None,
                seed=rng,
            )
            parts.append((boot.n_boot, boot.p_value_at))
            enumerated = boot.enumerated
    n_used = sum(n for n, _ in parts) if parts else 0

    def p_at(beta0: float) -> float:
        return sum(n * f(beta0) for n, f in parts) / n_used

    speed, half, note = speed_half_life(slope, horizon, tol)
    notes = [note] if note else []
    if flat:
        p_wild = p_cluster = float("nan")
        ci_wild = ci_cluster = (float("nan"), float("nan"))
        notes.append(
            "every unit grows at the same rate up to rounding (within the fixed "
            "effects): the slope is zero and its standard error rounding noise, so "
            "p-values and intervals are not reported (NaN) and no bootstrap was run"
        )
    else:
        p_wild = p_at(0.0)
        p_cluster = float(fit.pvalues["log_start"])
        ci_wild = invert_test(p_at, slope, float(fit.std_errors["log_start"]), alpha)
    if not np.allclose(spans, spans[0]):
        notes.append(
            f"windows span unequal time lengths {sorted(set(spans.tolist()))}; "
            f"speed uses their mean {horizon:.4g}"
        )
    if G < 30:
        notes.append(f"only {G} clusters: prefer the wild bootstrap p-value to the clustered one")
    if G <= 5:
        notes.append(
            f"with {G} clusters there are only {2**G} Rademacher sign vectors "
            "(half of them mirror images), so the wild bootstrap p-value is coarse "
            "(Webb 2014); interpret it with care"
        )
    if p_wild == 0 and not enumerated:
        notes.append(f"no bootstrap |t*| reached |t|: p-value < 1/{n_used}")
    return BetaPanelResult(
        slope=slope,
        se_cluster=float(fit.std_errors["log_start"]),
        p_value_cluster=p_cluster,
        p_value_wild=p_wild,
        speed=speed,
        half_life=half,
        n_obs=int(fit.nobs),
        n_clusters=G,
        n_windows=n_windows,
        window=int(window),
        effects=effects,
        horizon=horizon,
        n_boot=n_used,
        enumerated=enumerated,
        model=fit,
        data=long,
        notes=notes,
        alpha=alpha,
        conf_int_cluster=ci_cluster,
        conf_int_wild=ci_wild,
        seed=seed,
        slope_tol=tol,
        flat=flat,
        unit=unit,
        value=value,
    )
