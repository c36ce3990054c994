"""Beta convergence: do initially poorer units grow faster?

* :func:`beta` - cross-section (Barro and Sala-i-Martin 1992): OLS of the
  average annual log growth between two years on the initial log level,
  optionally conditional on start-year controls.
* :func:`beta_panel` - panel version (Islam 1995): annualised growth over
  non-overlapping windows on the window-start log level with unit (and
  optionally period) fixed effects, unit-clustered standard errors and a wild
  cluster bootstrap p-value that stays reliable with few clusters.

Both report the implied speed of convergence lambda = -ln(1 + b T) / T and the
half-life ln 2 / lambda, where b is the slope and T the length of the growth
interval in time units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from nanbei.effects.inference import wild_cluster_bootstrap
from nanbei.panel import check_panel

__all__ = ["BetaResult", "BetaPanelResult", "beta", "beta_panel", "speed_half_life"]


def speed_half_life(slope: float, horizon: float) -> tuple[float, float, str | None]:
    """Implied convergence speed and half-life from a growth-on-level slope.

    With annualised growth over ``horizon`` periods regressed on the initial log
    level, slope b = -(1 - exp(-lambda T)) / T, hence lambda = -ln(1 + b T) / T
    and half-life = ln 2 / lambda.

    Returns ``(speed, half_life, note)``.  For b >= 0 (no convergence or
    divergence) lambda <= 0 is still returned but the half-life is ``inf``; for
    b T <= -1 (the fitted model overshoots: poorer units overtake richer ones
    within the interval) lambda is undefined and both are NaN.  ``note`` explains
    these cases and is None otherwise.
    """
    if not np.isfinite(slope):
        return float("nan"), float("nan"), "slope is not finite"
    bt = slope * horizon
    if bt <= -1:
        return (
            float("nan"),
            float("nan"),
            f"slope*T = {bt:.3g} <= -1: implied speed undefined (the fit overshoots, "
            "poorer units overtake richer ones within the interval)",
        )
    lam = -np.log1p(bt) / horizon + 0.0  # + 0.0 turns -0.0 into 0.0
    if slope >= 0:
        return (
            float(lam),
            float("inf"),
            f"slope = {slope:.3g} >= 0: no beta convergence (divergence if positive); "
            "speed <= 0 and the half-life is infinite",
        )
    return float(lam), float(np.log(2) / lam), None


def _fmt(x: float, spec: str = ".4g") -> str:
    return format(x, spec) if np.isfinite(x) else str(x)


@dataclass(repr=False)
class BetaResult:
    """Cross-section beta convergence (see :func:`beta`).

    Attributes
    ----------
    slope, intercept : OLS coefficients of growth on log start value.
    se, se_hc1 : classical and HC1 (heteroskedasticity-robust) standard errors of the slope.
    pvalue, pvalue_hc1 : two-sided t-test p-values of slope = 0 with each.
    r2, nobs : R-squared and number of units used.
    speed, half_life : implied lambda = -ln(1 + slope T)/T and ln 2 / lambda.
    start, end : the two periods; T = end - start.
    controls : names of start-period controls (conditional convergence).
    dropped : units lacking the start or the end period, not used.
    model : the fitted statsmodels ``RegressionResults`` (classical covariance).
    data : the regression data, one row per unit.
    notes : warnings about divergence or dropped units.
    """

    slope: float
    intercept: float
    se: float
    se_hc1: float
    pvalue: float
    pvalue_hc1: float
    r2: float
    nobs: int
    speed: float
    half_life: float
    start: float
    end: float
    controls: list[str]
    dropped: list
    model: object
    data: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the scalar results."""
        keys = ["slope", "intercept", "se", "se_hc1", "pvalue", "pvalue_hc1", "r2", "nobs",
                "speed", "half_life", "start", "end"]
        row = {k: getattr(self, k) for k in keys}
        row["n_dropped"] = len(self.dropped)
        kind = "conditional" if self.controls else "absolute"
        return pd.DataFrame([row], index=pd.Index([kind], name="beta"))

    def summary(self) -> str:
        """Readable multi-line summary."""
        kind = f"conditional on {self.controls}" if self.controls else "absolute"
        lines = [
            f"Beta convergence ({kind}), {self.start} -> {self.end}, {self.nobs} units",
            f"  slope     {_fmt(self.slope)}  (se {_fmt(self.se)}, HC1 se {_fmt(self.se_hc1)})",
            f"  p-value   {_fmt(self.pvalue)}  (HC1 {_fmt(self.pvalue_hc1)})",
            f"  R2        {_fmt(self.r2)}",
            f"  speed     {_fmt(self.speed)} per period, half-life {_fmt(self.half_life)}",
        ]
        if self.dropped:
            lines.append(f"  dropped   {len(self.dropped)} unit(s) without both periods: "
                         f"{self.dropped[:10]}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"BetaResult(slope={_fmt(self.slope)}, se={_fmt(self.se)}, "
                f"pvalue={_fmt(self.pvalue)}, speed={_fmt(self.speed)}, "
                f"half_life={_fmt(self.half_life)}, nobs={self.nobs}, "
                f"dropped={len(self.dropped)})")


def _numeric_time(df: pd.DataFrame, time: str, what: str) -> None:
    if time not in df.columns:
        raise ValueError(f"{what}: column(s) ['{time}'] not found; "
                         f"available columns are {list(df.columns)}")
    if not pd.api.types.is_numeric_dtype(df[time]) or pd.api.types.is_bool_dtype(df[time]):
        raise ValueError(f"{what}: time column '{time}' must be numeric (e.g. years) so that "
                         f"growth can be annualised; got dtype {df[time].dtype}")


def beta(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    start,
    end,
    controls: list[str] | None = None,
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

    Returns
    -------
    BetaResult.  Units observed in only one of the two periods are listed in
    ``dropped`` (and in ``notes``), never silently discarded.

    Raises
    ------
    ValueError for unknown columns, a non-numeric time column, start/end not in
    the data or start >= end, duplicate rows, missing or non-positive values in
    the two periods, missing controls, collinear regressors or too few units.
    """
    what = "beta"
    controls = list(controls or [])
    _numeric_time(df, time, what)
    times = set(pd.unique(df[time]))
    for name, t in (("start", start), ("end", end)):
        if t not in times:
            raise ValueError(f"{what}: {name}={t!r} is not a period in column '{time}' "
                             f"(range {min(times)}..{max(times)})")
    if not start < end:
        raise ValueError(f"{what}: start ({start}) must be before end ({end})")
    for c in [value, unit, *controls]:
        if c not in df.columns:
            raise ValueError(f"{what}: column(s) ['{c}'] not found; "
                             f"available columns are {list(df.columns)}")
    sub = df[df[time].isin([start, end])]
    data = check_panel(sub, unit=unit, time=time, columns=[value], positive=[value], what=what)
    if controls:
        ctrl = check_panel(sub[sub[time] == start], unit=unit, time=time, columns=controls,
                           what=f"{what} (controls in {start})")
    wide = data.pivot(index=unit, columns=time, values=value)
    both = wide.notna().all(axis=1)
    dropped = wide.index[~both].tolist()
    wide = wide[both]
    horizon = float(end - start)
    reg = pd.DataFrame({
        "growth": (np.log(wide[end]) - np.log(wide[start])) / horizon,
        "log_start": np.log(wide[start]),
    })
    if controls:
        reg = reg.join(ctrl.set_index(unit)[controls], how="left")
        miss = reg[controls].isna().any(axis=1)
        if miss.any():
            raise ValueError(f"{what}: units {reg.index[miss][:5].tolist()} have no control "
                             f"values in {start}")
    k = 2 + len(controls)
    if len(reg) < k + 1:
        raise ValueError(f"{what}: only {len(reg)} unit(s) observed in both {start} and {end}; "
                         f"need at least {k + 1} for {k} coefficients"
                         + (f" ({len(dropped)} dropped: {dropped[:5]})" if dropped else ""))
    X = sm.add_constant(reg[["log_start", *controls]], has_constant="add")
    if np.linalg.matrix_rank(X.to_numpy(dtype=float)) < X.shape[1]:
        raise ValueError(f"{what}: regressors {list(X.columns)} are collinear "
                         "(e.g. a control constant across units)")
    fit = sm.OLS(reg["growth"], X).fit()
    robust = fit.get_robustcov_results(cov_type="HC1")
    j = list(X.columns).index("log_start")
    slope = float(fit.params["log_start"])
    speed, half, note = speed_half_life(slope, horizon)
    notes = [note] if note else []
    if dropped:
        notes.append(f"{len(dropped)} unit(s) lack {start} or {end} and were not used: "
                     f"{dropped[:10]}")
    return BetaResult(
        slope=slope,
        intercept=float(fit.params["const"]),
        se=float(fit.bse["log_start"]),
        se_hc1=float(np.asarray(robust.bse)[j]),
        pvalue=float(fit.pvalues["log_start"]),
        pvalue_hc1=float(np.asarray(robust.pvalues)[j]),
        r2=float(fit.rsquared),
        nobs=int(fit.nobs),
        speed=speed,
        half_life=half,
        start=start,
        end=end,
        controls=controls,
        dropped=dropped,
        model=fit,
        data=reg,
        notes=notes,
    )


@dataclass(repr=False)
class BetaPanelResult:
    """Panel beta convergence over non-overlapping windows (see :func:`beta_panel`).

    Attributes
    ----------
    slope : coefficient on the window-start log level.
    se_cluster, pvalue_cluster : unit-clustered standard error and p-value (linearmodels).
    pvalue_wild : restricted (null-imposed) wild cluster bootstrap p-value, Rademacher weights.
    n_boot : number of bootstrap sign vectors used; ``enumerated`` says whether all
        2^G vectors were enumerated (then the p-value is exact, not random).
    speed, half_life : implied lambda and half-life, with T = window length in time units.
    nobs, n_clusters, n_windows : unit-windows, units, windows per unit.
    window, effects, horizon : settings; ``horizon`` is the window length in time units.
    model : fitted linearmodels ``PanelEffectsResults``.
    data : window-level data (unit, window start, growth, log_start).
    notes : warnings (divergence, few clusters).
    """

    slope: float
    se_cluster: float
    pvalue_cluster: float
    pvalue_wild: float
    speed: float
    half_life: float
    nobs: int
    n_clusters: int
    n_windows: int
    window: int
    effects: str
    horizon: float
    n_boot: int
    enumerated: bool
    model: object
    data: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the scalar results."""
        keys = ["slope", "se_cluster", "pvalue_cluster", "pvalue_wild", "speed", "half_life",
                "nobs", "n_clusters", "n_windows", "window", "horizon", "n_boot", "enumerated"]
        return pd.DataFrame([{k: getattr(self, k) for k in keys}],
                            index=pd.Index([self.effects], name="effects"))

    def summary(self) -> str:
        """Readable multi-line summary."""
        boot = (f"all {self.n_boot} sign vectors enumerated" if self.enumerated
                else f"{self.n_boot} random Rademacher draws")
        lines = [
            f"Panel beta convergence: {self.n_windows} windows of {self.window} periods "
            f"(T={_fmt(self.horizon)}), effects={self.effects!r}",
            f"  {self.nobs} unit-windows, {self.n_clusters} clusters (units)",
            f"  slope     {_fmt(self.slope)}  (cluster se {_fmt(self.se_cluster)})",
            f"  p-value   cluster {_fmt(self.pvalue_cluster)}, wild cluster bootstrap "
            f"{_fmt(self.pvalue_wild)} ({boot})",
            f"  speed     {_fmt(self.speed)} per period, half-life {_fmt(self.half_life)}",
        ]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"BetaPanelResult(slope={_fmt(self.slope)}, se_cluster={_fmt(self.se_cluster)}, "
                f"pvalue_wild={_fmt(self.pvalue_wild)}, speed={_fmt(self.speed)}, "
                f"half_life={_fmt(self.half_life)}, nobs={self.nobs}, "
                f"n_clusters={self.n_clusters}, effects={self.effects!r})")


def beta_panel(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    window: int = 5,
    effects: str = "unit",
    n_boot: int = 9999,
    seed: int | None = 0,
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

    Standard errors are clustered by unit (linearmodels ``debiased=True,
    group_debias=True``; its p-value uses a t distribution with the residual
    degrees of freedom).  With absorbed effects its degrees-of-freedom factor
    differs slightly from Stata's / pyfixest's CRV1 (which do not count effects
    nested in the clusters); the two coincide for ``effects="none"``.

    Because clustered t-tests over-reject with few clusters (Cameron, Gelbach
    and Miller 2008), ``pvalue_wild`` adds the restricted wild cluster
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
    reports p-values up to 2 / 2^G smaller.

    Note that with unit effects and few windows the slope is biased towards
    faster convergence (Nickell 1981); compare with ``effects="none"``.

    Parameters
    ----------
    df : long DataFrame; must be a balanced panel, ``time`` numeric,
        ``value`` strictly positive.
    unit, time, value : column names.
    window : window length in periods (rows of the sorted time axis).
    effects : "unit", "twoway" or "none".
    n_boot : number of random Rademacher draws when not enumerating.
    seed : seed for those draws (numpy ``default_rng``).

    Returns
    -------
    BetaPanelResult.

    Raises
    ------
    ValueError for unknown columns or ``effects``, unbalanced panels, missing or
    non-positive values, fewer than 2 units, a window longer than the span, or
    fewer than 2 windows when fixed effects are used.
    """
    what = "beta_panel"
    if effects not in ("unit", "twoway", "none"):
        raise ValueError(f"{what}: effects must be 'unit', 'twoway' or 'none', got {effects!r}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"{what}: window must be a positive integer, got {window!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 99:
        raise ValueError(f"{what}: n_boot must be an integer >= 99, got {n_boot!r}")
    _numeric_time(df, time, what)
    data = check_panel(df, unit=unit, time=time, columns=[value], positive=[value],
                       balanced=True, min_units=2, min_periods=2, what=what)
    wide = np.log(data.pivot(index=unit, columns=time, values=value))
    periods = wide.columns.to_numpy()
    n_periods = len(periods)
    if window > n_periods - 1:
        raise ValueError(f"{what}: window={window} is larger than the span: {n_periods} periods "
                         f"({periods[0]}..{periods[-1]}) allow windows of at most "
                         f"{n_periods - 1}")
    starts = np.arange(0, n_periods - window, window)
    n_windows = len(starts)
    if effects != "none" and n_windows < 2:
        raise ValueError(f"{what}: window={window} leaves only {n_windows} window over "
                         f"{n_periods} periods; fixed effects need at least 2 windows per unit "
                         "(use a shorter window or effects='none')")
    L = wide.to_numpy()
    spans = (periods[starts + window] - periods[starts]).astype(float)
    growth = (L[:, starts + window] - L[:, starts]) / spans
    level = L[:, starts]
    units = wide.index.to_numpy()
    G = len(units)
    long = pd.DataFrame({
        unit: np.repeat(units, n_windows),
        "window_start": np.tile(periods[starts], G),
        "growth": growth.ravel(),
        "log_start": level.ravel(),
    })
    from linearmodels.panel import PanelOLS

    panel = long.set_index([unit, "window_start"])
    exog = panel[["log_start"]]
    if effects == "none":
        exog = sm.add_constant(exog, has_constant="add")
    model = PanelOLS(panel["growth"], exog, entity_effects=effects != "none",
                     time_effects=effects == "twoway")
    fit = model.fit(cov_type="clustered", cluster_entity=True, group_debias=True)
    slope = float(fit.params["log_start"])
    # One implementation of the wild cluster bootstrap for the whole project:
    # nanbei.effects.inference (exact with window FE that cut across the unit
    # clusters; tested against wildboottest).  With <= 12 clusters ask for at
    # least 2^G draws so that all sign vectors are always enumerated.
    fe_cols = {"unit": [unit], "twoway": [unit, "window_start"], "none": None}[effects]
    boot = wild_cluster_bootstrap(
        long, y="growth", x="log_start", fe=fe_cols, param="log_start", cluster=unit,
        n_boot=max(int(n_boot), 2**G) if G <= 12 else int(n_boot), weights="rademacher",
        impose_null=True, conf_level=None, seed=seed,
    )
    p_wild, n_used, enumerated = boot.p_value, boot.n_boot, boot.enumerated
    horizon = float(spans.mean())
    speed, half, note = speed_half_life(slope, horizon)
    notes = [note] if note else []
    if not np.allclose(spans, spans[0]):
        notes.append(f"windows span unequal time lengths {sorted(set(spans.tolist()))}; "
                     f"speed uses their mean {horizon:.4g}")
    if G < 30:
        notes.append(f"only {G} clusters: prefer the wild bootstrap p-value to the "
                     "clustered one")
    if G <= 5:
        notes.append(f"with {G} clusters there are only {2**G} Rademacher sign vectors "
                     "(half of them mirror images), so the wild bootstrap p-value is coarse "
                     "(Webb 2014); interpret it with care")
    if p_wild == 0 and not enumerated:
        notes.append(f"no bootstrap |t*| reached |t|: p-value < 1/{n_used}")
    return BetaPanelResult(
        slope=slope,
        se_cluster=float(fit.std_errors["log_start"]),
        pvalue_cluster=float(fit.pvalues["log_start"]),
        pvalue_wild=p_wild,
        speed=speed,
        half_life=half,
        nobs=int(fit.nobs),
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
    )
