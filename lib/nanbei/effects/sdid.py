"""Synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens & Wager 2021).

SDID re-weights both units and periods: unit weights ``omega`` make the weighted control
units' pre-treatment path parallel to the treated units' (with an intercept, so levels may
differ, and a ridge penalty ``zeta`` that spreads the weights), time weights ``lambda`` make
the weighted pre-treatment periods predictive of the post-treatment average for the
controls; the effect is the weighted double difference

    tau = (Ybar_tr,post - sum_t lambda_t Ybar_tr,t) - sum_i omega_i (Ybar_i,post - sum_t lambda_t Y_it).

Unlike a synthetic control it does not need the treated unit inside the donors' convex hull
in levels, and unlike DiD it does not weight every control and period equally.  For a
single treated unit with a short pre-period it is the natural second opinion on a
synthetic control.

The weights are computed exactly as the R package ``synthdid`` does (``synthdid_estimate``:
Frank-Wolfe on the collapsed panel, ``noise.level`` = standard deviation of the controls'
first differences, ``zeta_omega = ((N - N0)(T - T0))^(1/4) noise.level``, ``zeta_lambda =
1e-6 noise.level``, stopping when the objective falls by less than ``(1e-5 noise.level)^2``,
100 iterations before sparsifying (weights at most a quarter of the largest set to zero),
up to 10,000 after).  ``method="sc"`` and ``"did"`` give the package's synthetic control
(no intercept, tiny ridge, no time weights) and DiD (uniform weights) on the same panel.
Standard errors use the placebo method of the package (``vcov(method="placebo")``): control
units are assigned the treatment at random and the estimator is rerun; with one treated unit
``replications="all"`` uses every control once.  The published Proposition 99 estimates
(SDID -15.60383, SC -19.61966, DiD -27.34911 packs per capita; R ``synthdid`` README and
Arkhangelsky et al. 2021, Table 1) are reproduced in ``tests/test_effects_sdid.py`` and
checked against the Python port ``synthdid`` (package ``synthdid-py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from nanbei.effects._common import check_draws
from nanbei.panel import check_panel
from nanbei.results import Result, Summary, tidy_frame, unit_label

__all__ = ["SyntheticDiDResult", "synthetic_did"]

_METHODS = ("sdid", "sc", "did")


def _fw_step(A, x, b, eta):
    Ax = A @ x
    half_grad = (Ax - b) @ A + eta * x
    i = int(np.argmin(half_grad))
    dx = -x.copy()
    dx[i] = 1 - x[i]
    if np.all(dx == 0):
        return x
    derr = A[:, i] - Ax
    step = -(half_grad @ dx) / (derr @ derr + eta * (dx @ dx))
    return x + min(1.0, max(0.0, step)) * dx


def _sc_weight_fw(
    Y: np.ndarray,
    zeta: float,
    intercept: bool = True,
    lam: np.ndarray | None = None,
    min_decrease: float = 1e-3,
    max_iter: int = 1000,
) -> np.ndarray:
    """R synthdid's ``sc.weight.fw``: weights on the first columns of Y fitting the last."""
    N0, T0 = Y.shape[0], Y.shape[1] - 1
    lam = np.full(T0, 1.0 / T0) if lam is None else np.asarray(lam, float).copy()
    if intercept:
        Y = Y - Y.mean(axis=0)
    A, b = Y[:, :T0], Y[:, T0]
    eta = N0 * zeta**2
    vals: list[float] = []
    t = 0
    while t < max_iter and (t < 2 or vals[t - 2] - vals[t - 1] > min_decrease**2):
        t += 1
        lam = _fw_step(A, lam, b, eta)
        err = A @ lam - b
        vals.append(zeta**2 * (lam @ lam) + (err @ err) / N0)
    return lam


def _sparsify(v):
    v = v.copy()
    v[v <= v.max() / 4] = 0.0
    return v / v.sum()


def _collapsed(Y, N0, T0):
    top = np.column_stack([Y[:N0, :T0], Y[:N0, T0:].mean(axis=1)])
    bottom = np.r_[Y[N0:, :T0].mean(axis=0), Y[N0:, T0:].mean()]
    return np.vstack([top, bottom])


def _estimate(Y, N0, T0, method="sdid", omega0=None, lambda0=None):
    """(tau, omega, lambda) of R ``synthdid_estimate`` / ``sc_estimate`` / ``did_estimate``."""
    N, T = Y.shape
    N1, T1 = N - N0, T - T0
    if method == "did":
        omega = np.full(N0, 1.0 / N0)
        lam = np.full(T0, 1.0 / T0)
    else:
        noise = float(np.std(np.diff(Y[:N0, :T0], axis=1), ddof=1)) if T0 > 1 else 0.0
        if method == "sdid":
            eta_omega, omega_int, lam_update = (N1 * T1) ** 0.25, True, True
        else:  # sc
            eta_omega, omega_int, lam_update = 1e-6, False, False
        zeta_omega = eta_omega * noise
        zeta_lambda = 1e-6 * noise
        min_dec = 1e-5 * noise
        Yc = _collapsed(Y, N0, T0)
        if lam_update:
            lam = _sc_weight_fw(Yc[:N0], zeta_lambda, True, lambda0, min_dec, 100)
            lam = _sc_weight_fw(Yc[:N0], zeta_lambda, True, _sparsify(lam), min_dec, 10_000)
        else:
            lam = np.zeros(T0)
        omega = _sc_weight_fw(Yc[:, :T0].T, zeta_omega, omega_int, omega0, min_dec, 100)
        omega = _sc_weight_fw(
            Yc[:, :T0].T, zeta_omega, omega_int, _sparsify(omega), min_dec, 10_000
        )
    wu = np.r_[-omega, np.full(N1, 1.0 / N1)]
    wt = np.r_[-lam, np.full(T1, 1.0 / T1)]
    return float(wu @ Y @ wt), omega, lam


@dataclass(repr=False)
class SyntheticDiDResult(Result):
    """Result of :func:`synthetic_did`.

    Attributes
    ----------
    estimate : the effect ``tau`` (average over treated units and post periods).
    se : placebo standard error (NaN if not computed); ``ci`` and ``p_value`` are normal.
    placebo_estimates : the estimates with controls as pseudo-treated units.
    p_value_placebo : share of placebo estimates at least as large in absolute value as the
        estimate (the actual one counted), a permutation-style check.
    omega, lambda_ : unit weights (controls) and time weights (pre-periods).
    treated, controls : unit identifiers; ``pre_times``, ``post_times``.
    gap : treated average minus the SDID counterfactual path (treated minus omega-weighted
        controls, centred on the lambda-weighted pre-period difference), by period.
    """

    _name = "Synthetic difference-in-differences"

    estimate: float
    se: float
    method: str
    omega: pd.Series
    lambda_: pd.Series
    treated: tuple
    treatment_time: Any
    gap: pd.Series
    alpha: float = 0.05
    placebo_estimates: np.ndarray = field(default_factory=lambda: np.array([]), repr=False)
    outcome: str = "outcome"
    n_obs: int = 0

    @property
    def ci(self) -> tuple[float, float]:
        z = stats.norm.ppf(1 - self.alpha / 2)
        return (self.estimate - z * self.se, self.estimate + z * self.se)

    @property
    def p_value(self) -> float:
        if not (self.se > 0):
            return math.nan
        return float(2 * stats.norm.sf(abs(self.estimate / self.se)))

    @property
    def p_value_placebo(self) -> float:
        pe = self.placebo_estimates
        if not len(pe):
            return math.nan
        tol = 1e-12 * max(1.0, abs(self.estimate))
        return float((1 + np.sum(np.abs(pe) >= abs(self.estimate) - tol)) / (1 + len(pe)))

    @property
    def n_placebos(self) -> int:
        return int(len(self.placebo_estimates))

    def tidy(self) -> pd.DataFrame:
        lo, hi = self.ci
        return tidy_frame(
            [
                {
                    "term": f"ATT ({self.method})",
                    "estimate": self.estimate,
                    "std_error": self.se,
                    "statistic": self.estimate / self.se if self.se > 0 else np.nan,
                    "p_value": self.p_value,
                    "conf_low": lo,
                    "conf_high": hi,
                    "n_obs": self.n_obs,
                    "p_value_placebo": self.p_value_placebo,
                }
            ]
        )

    def summary(self) -> Summary:
        top = self.omega[self.omega > 0.001].sort_values(ascending=False)
        wt = pd.DataFrame(
            {"weight": top.to_numpy()},
            index=pd.Index([unit_label(u) for u in top.index], name="control"),
        )
        lam = self.lambda_[self.lambda_ > 0.001]
        lt = pd.DataFrame({"weight": lam.to_numpy()}, index=pd.Index(lam.index, name="period"))
        notes = [
            f"{self.method.upper()}; placebo standard error from {self.n_placebos} "
            "pseudo-treated controls; normal p-value and interval",
            f"placebo rank p-value {self.p_value_placebo:.3f}",
        ]
        return Summary(
            f"Synthetic DiD: {', '.join(unit_label(u) for u in self.treated)} from "
            f"{self.treatment_time}",
            [
                (
                    "Effect",
                    self.tidy().set_index("term")[
                        ["estimate", "std_error", "conf_low", "conf_high", "p_value"]
                    ],
                ),
                ("Unit weights (> 0.001)", wt),
                ("Time weights (> 0.001)", lt),
            ],
            notes,
        )

    def __repr__(self) -> str:
        return (
            f"SyntheticDiDResult({self.method}, estimate={self.estimate:.4g}, "
            f"se={self.se:.4g}, {self.n_placebos} placebos)"
        )

    def _plot(self, ax, labels, lang, **kwargs):
        name = ", ".join(unit_label(u, labels, lang) for u in self.treated)
        ax.plot(self.gap.index, self.gap.to_numpy(), color="black", label=f"{name} − SDID control")
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(self.treatment_time, color="grey", ls=":")
        ax.axhline(self.estimate, color="#1b6ca8", ls="--", lw=1, label=f"ATT {self.estimate:.3g}")
        ax.set_xlabel("period")
        ax.set_ylabel(f"gap in {self.outcome}")
        ax.set_title(f"Synthetic DiD ({self.method}): {name}")
        ax.legend(frameon=False)


def synthetic_did(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated,
    treatment_time,
    controls=None,
    method: str = "sdid",
    se: bool = True,
    replications: int | str = "all",
    seed: int = 0,
    alpha: float = 0.05,
) -> SyntheticDiDResult:
    """Synthetic DiD (or the package's SC / DiD) for treated units adopting at one date.

    Parameters
    ----------
    df : balanced long panel.
    treated : a treated unit or a list of them (all treated from ``treatment_time``).
    controls : the comparison units (default: every other unit).
    method : "sdid", "sc" or "did" (module docstring).
    se, replications, seed : placebo standard error with ``replications`` random
        re-assignments (an integer from 99) or "all" (each control once as the pseudo-treated
        unit; only with one treated unit).
    """
    what = "synthetic_did"
    if method not in _METHODS:
        raise ValueError(f"{what}: method must be one of {_METHODS}, got {method!r}")
    panel = check_panel(
        df,
        unit=unit,
        time=time,
        columns=[outcome],
        balanced=True,
        min_units=3,
        min_periods=3,
        what=what,
    )
    treated = list(treated) if isinstance(treated, (list, tuple, set, np.ndarray)) else [treated]
    units = list(pd.unique(panel[unit]))
    missing = [u for u in treated if u not in units]
    if missing:
        raise ValueError(f"{what}: treated unit(s) {missing} not found")
    controls = [u for u in units if u not in treated] if controls is None else list(controls)
    if set(controls) & set(treated):
        raise ValueError(f"{what}: a treated unit is listed among the controls")
    wide = panel.pivot(index=unit, columns=time, values=outcome)
    times = wide.columns.to_numpy()
    pre = times < treatment_time
    T0 = int(pre.sum())
    if T0 < 2 or T0 == len(times):
        raise ValueError(
            f"{what}: needs at least two periods before and one from "
            f"treatment_time {treatment_time}"
        )
    if not np.all(pre[:T0]):
        raise ValueError(f"{what}: periods must be sorted with the pre-treatment ones first")
    if len(controls) < 2:
        raise ValueError(f"{what}: needs at least two control units")
    Y = wide.loc[controls + treated].to_numpy(float)
    N0 = len(controls)
    tau, omega, lam = _estimate(Y, N0, T0, method)
    placebo = np.array([])
    se_val = math.nan
    if se:
        N1 = len(treated)
        if N0 <= N1:
            raise ValueError(
                f"{what}: the placebo standard error needs more controls than treated units"
            )
        Yc = Y[:N0]
        reps = []
        if replications == "all":
            if N1 != 1:
                raise ValueError(f"{what}: replications='all' needs exactly one treated unit")
            for j in range(N0):
                idx = np.r_[np.delete(np.arange(N0), j), j]
                om0 = omega[idx[:-1]]
                om0 = om0 / om0.sum() if om0.sum() > 0 else None
                reps.append(_estimate(Yc[idx], N0 - 1, T0, method, om0, lam)[0])
        else:
            R = check_draws(replications, "replications", what)
            rng = np.random.default_rng(seed)
            for _ in range(R):
                idx = rng.permutation(N0)
                om0 = omega[idx[: N0 - N1]]
                om0 = om0 / om0.sum() if om0.sum() > 0 else None
                reps.append(_estimate(Yc[idx], N0 - N1, T0, method, om0, lam)[0])
        placebo = np.asarray(reps)
        r = len(placebo)
        se_val = float(math.sqrt((r - 1) / r) * np.std(placebo, ddof=1))
    trt = Y[N0:].mean(axis=0)
    ctl = omega @ Y[:N0]
    diff = trt - ctl
    gap = diff - float(lam @ diff[:T0]) if method != "sc" else diff
    return SyntheticDiDResult(
        estimate=tau,
        se=se_val,
        method=method,
        omega=pd.Series(omega, index=pd.Index(controls, name=unit), name="omega"),
        lambda_=pd.Series(lam, index=pd.Index(times[:T0], name=time), name="lambda"),
        treated=tuple(treated),
        treatment_time=treatment_time,
        gap=pd.Series(gap, index=pd.Index(times, name=time), name="gap"),
        alpha=alpha,
        placebo_estimates=placebo,
        outcome=outcome,
        n_obs=int(Y.size),
    )
