"""Synthetic control (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010).

The synthetic control of a treated unit is a convex combination of untreated
"donor" units, ``W`` (non-negative, summing to one), chosen so that the donors'
pre-treatment characteristics ("predictors") match the treated unit's:

    W*(V) = argmin_{W in simplex} (X1 - X0 W)' V (X1 - X0 W),

where ``V`` is a diagonal matrix of predictor weights.  ``V`` itself is chosen
(as in ADH and R's ``Synth``) so that the resulting synthetic unit reproduces
the treated unit's pre-treatment *outcome* path as closely as possible:

    V* = argmin_V  mean_{t < T0} (Y1t - Y0t W*(V))^2.

Why the optimiser is hand-written
---------------------------------
Existing packages (R ``Synth``, ``pysyncon``) solve the inner problem with a
generic QP/NLP routine (``ipop``, SLSQP) and the outer one with a single
Nelder-Mead run, which is slow and is known to stop at poor local optima.
Here:

* The inner problem is a least-squares problem on the simplex, i.e. the point
  of the convex hull of the (V-scaled) donor predictor vectors nearest the
  treated unit.  It is reduced *exactly* (no big-M penalty, see
  ``_simplex_lsq``) to a non-negative least-squares problem solved by scipy's
  compiled Lawson-Hanson active-set NNLS: a finite method that returns exact
  zeros for unused donors, satisfies the KKT conditions to rounding, and takes
  ~0.05-0.2 ms for 40-100 donors (a generic SLSQP solve with numerical
  gradients, as in pysyncon, takes tens of milliseconds and stops at a
  tolerance).
* On a fixed support the inner solution is a smooth function of V, so the
  outer loss has an analytic gradient (implicit differentiation of the KKT
  system, one extra small solve).  The outer search runs SLSQP on v in a box
  from several starts -- equal weights, Synth's regression-based V, a V found
  by linear programming that makes the best outcome-only fit an inner optimum
  (when one exists), and seeded random starts -- followed by a Nelder-Mead
  polish of the best, because the loss has kinks where the inner support
  changes.  The lowest pre-treatment MSPE is kept, and every start is
  reported in ``result.optimizer``.
* Every predictor keeps a weight of at least 1e-6 of the largest, so no
  predictor is switched off entirely.  If the treated unit's predictors are
  matched exactly by many donor combinations (inside the donors' convex hull)
  W is not determined by the predictors; the exact match with the best
  pre-treatment outcome fit is then reported and a note says so.
* The pre-treatment MSPE of the best convex combination fitted to the
  outcomes directly is a lower bound for any V; it is reported
  (``result.rmspe_bound``), so one can see how far from the global optimum the
  nested search is (when the bound is reached the solution is globally
  optimal).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog, minimize, nnls

from nanbei.panel import check_panel
from nanbei.results import Result, Summary, tidy_frame, unit_label

__all__ = [
    "synthetic_control",
    "SyntheticControlResult",
    "PlaceboSpaceResult",
    "LeaveOneOutResult",
]


# --------------------------------------------------------------------------
# Inner problem: least squares on the simplex, solved exactly as an NNLS
# --------------------------------------------------------------------------
def _simplex_lsq(P: np.ndarray) -> np.ndarray:
    """Minimise ``||P w||^2`` over the unit simplex {w >= 0, sum(w) = 1}.

    ``P`` is k x J; column j is donor j's (V^(1/2)-weighted) predictor vector
    minus the treated unit's, so ``P w = V^(1/2) (X0 w - X1)`` on the simplex.

    Exact reduction to non-negative least squares (no big-M penalty): write
    any u >= 0, u != 0 as u = s w with w on the simplex and s > 0.  Then
    ||P u||^2 + (1'u - 1)^2 = s^2 q + (s - 1)^2 with q = ||P w||^2, whose
    minimum over s is q / (1 + q), increasing in q.  Hence the NNLS solution
    u* of min ||[P; 1'] u - [0; 1]|| gives the simplex solution w* = u*/sum(u*).
    scipy's NNLS is the Lawson-Hanson active-set algorithm (compiled): finite,
    exact zeros for unused donors, and ~50-150 microseconds for 40-100 donors,
    far faster and more accurate than a generic SLSQP/interior-point QP.
    """
    k, J = P.shape
    c = np.sqrt(np.einsum("ij,ij->", P, P) / J)
    if not np.isfinite(c) or c <= 0:  # every donor identical to the treated unit
        return np.full(J, 1.0 / J)
    E = np.empty((k + 1, J))
    E[:k] = P / c  # rescaling P leaves the argmin unchanged, keeps the
    E[k] = 1.0  # sum-to-one row well balanced against the fit rows
    f = np.zeros(k + 1)
    f[k] = 1.0
    u = nnls(E, f, maxiter=50 * J)[0]
    s = u.sum()
    if s <= 0:  # cannot happen in exact arithmetic (u = 0 is never optimal)
        return np.full(J, 1.0 / J)
    return u / s


def _inner(D: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Donor weights for predictor weights ``v`` (D = X0 - X1, standardised)."""
    if not v.sum() > 0:
        v = np.ones_like(v)
    return _simplex_lsq(np.sqrt(v)[:, None] * D)


# --------------------------------------------------------------------------
# Outer problem: predictor weights V minimising the pre-period outcome MSPE
# --------------------------------------------------------------------------
@dataclass
class _Problem:
    D: np.ndarray  # k x J standardised predictors, donors minus treated
    X0: np.ndarray  # k x J standardised donor predictors
    X1: np.ndarray  # k standardised treated predictors
    Z0: np.ndarray  # T0 x J pre-period donor outcomes
    z1: np.ndarray  # T0 pre-period treated outcomes

    def __post_init__(self):
        self.d2 = (self.D**2).mean(axis=1)  # for the degeneracy check

    def loss(self, w):
        r = self.z1 - self.Z0 @ w
        return float(r @ r) / len(r)

    def loss_grad_v(self, v, w):
        """Loss and its gradient w.r.t. v at the inner solution w = W*(v).

        On the support S the inner solution solves the KKT system
        [D_S' V D_S, 1; 1', 0][w_S; mu] = [0; 1]; differentiating it gives
        dw_S/dv_i = -K^-1 [D_S[i]' e_i; 0] with e = D w (predictor residual),
        so by the adjoint method dL/dv_i = -(D_S a)_i e_i with K [a; nu] =
        [dL/dw_S; 0].
        """
        S = np.flatnonzero(w > 0)
        r = self.z1 - self.Z0 @ w
        T0 = len(r)
        L = float(r @ r) / T0
        DS = self.D[:, S]
        e = DS @ w[S]
        m = len(S)
        K = np.zeros((m + 1, m + 1))
        K[:m, :m] = DS.T @ (v[:, None] * DS)
        K[:m, m] = 1.0
        K[m, :m] = 1.0
        rhs = np.zeros(m + 1)
        rhs[:m] = -2.0 * self.Z0[:, S].T @ r / T0
        try:
            a = np.linalg.solve(K, rhs)[:m]
        except np.linalg.LinAlgError:  # non-unique inner solution: least-squares direction
            a = np.linalg.lstsq(K, rhs, rcond=1e-12)[0][:m]
        return L, -(DS @ a) * e


def _tie_break(P: _Problem, v: np.ndarray, w: np.ndarray):
    """Resolve a non-unique inner solution.

    When the treated unit's predictors lie inside the convex hull of the
    donors' (predictor discrepancy 0), every W in a whole polytope matches the
    predictors exactly and the inner problem does not pin W down (nor does V
    matter).  Among those W we return the one with the best pre-treatment
    outcome fit (the "optimistic" solution of the bilevel problem), found by
    the same exact NNLS reduction on the stacked system
    [1e4 * V^(1/2) D; (Z0 - z1) / T0^(1/2)], whose first block dominates.
    Returns (w, degenerate?).
    """
    e = P.D @ w
    ref = float(v @ P.d2)
    if not (e @ (v * e) <= 1e-10 * ref):
        return w, False
    A = np.sqrt(v)[:, None] * P.D
    Zc = (P.Z0 - P.z1[:, None]) / np.sqrt(len(P.z1))
    scale = np.sqrt(np.einsum("ij,ij->j", Zc, Zc).mean()) / np.sqrt(max(ref, 1e-300))
    w2 = _simplex_lsq(np.vstack([1e4 * scale * A, Zc]))
    e2 = A @ w2
    if e2 @ e2 <= 1e-8 * ref and P.loss(w2) <= P.loss(w):
        return w2, True
    return w, True


def _regression_v(X: np.ndarray, Z: np.ndarray) -> np.ndarray | None:
    """Synth's regression-based starting V: regress each pre-period outcome on
    the standardised predictors (with intercept) across units; v_i is
    proportional to the sum over periods of the squared coefficients."""
    A = np.column_stack([np.ones(X.shape[1]), X.T])
    beta = np.linalg.lstsq(A, Z.T, rcond=None)[0][1:]
    v = (beta**2).sum(axis=1)
    return v / v.sum() if v.sum() > 0 and np.all(np.isfinite(v)) else None


def _lp_v(P: _Problem, w_target: np.ndarray) -> np.ndarray | None:
    """A V (if one exists) for which ``w_target`` satisfies the inner KKT
    conditions with the largest margin: grad_j = lambda on the support and
    grad_j >= lambda + t off it, with grad = X0' diag(e) v (linear in v).
    Solved as a small linear programme (HiGHS)."""
    e = P.D @ w_target
    if np.abs(e).max() < 1e-12:
        return None
    M = P.D.T * e[None, :]  # J x k, grad (up to 2) = M v
    k = len(e)
    S = w_target > 1e-9
    # variables: v (k), lam, t ; maximise t
    c = np.zeros(k + 2)
    c[-1] = -1.0
    A_eq = np.zeros((S.sum() + 1, k + 2))
    A_eq[: S.sum(), :k] = M[S]
    A_eq[: S.sum(), k] = -1.0
    A_eq[-1, :k] = 1.0
    b_eq = np.zeros(S.sum() + 1)
    b_eq[-1] = 1.0
    N = ~S
    A_ub = np.zeros((N.sum(), k + 2))
    A_ub[:, :k] = -M[N]
    A_ub[:, k] = 1.0
    A_ub[:, k + 1] = 1.0
    b_ub = np.zeros(N.sum())
    bounds = [(1e-6, None)] * k + [(None, None), (None, 1.0)]
    try:
        res = linprog(
            c,
            A_ub=A_ub if N.any() else None,
            b_ub=b_ub if N.any() else None,
            A_eq=A_eq,
            b_eq=b_eq,
            bounds=bounds,
            method="highs",
        )
    except ValueError:
        return None
    if res.status != 0 or res.x[-1] < 0:
        return None
    return res.x[:k]


_V_FLOOR = 1e-6


def _optimise_v(P: _Problem, n_starts: int = 12, seed: int = 0):
    """Nested optimisation over V.

    ``n_starts`` is the total number of starts (equal weights, regression V,
    the LP V when it exists, then seeded Dirichlet draws).  Every start is
    refined by SLSQP on v in the box [_V_FLOOR, 1]^k (the loss is invariant to
    the scale of v, so the box loses nothing) with the analytic gradient; the best local optimum is then polished by Nelder-Mead,
    because the loss has kinks where the inner support changes and a gradient
    method can stall there.  Returns (w, v, mspe, mspe_bound, table, best_start).
    """
    k, J = P.D.shape
    # lower bound: the best convex combination fitted to the outcomes directly
    wz = _simplex_lsq(P.Z0 - P.z1[:, None])
    bound = P.loss(wz)
    starts: list[tuple[str, np.ndarray]] = [("equal", np.full(k, 1.0 / k))]
    vr = _regression_v(np.column_stack([P.X1, P.X0]), np.column_stack([P.z1, P.Z0]))
    if vr is not None:
        starts.append(("regression", vr))
    vlp = _lp_v(P, wz)
    if vlp is not None:
        starts.append(("outcome-fit LP", vlp))
    rng = np.random.default_rng(seed)
    i = 0
    while len(starts) < n_starts and k > 1:
        i += 1
        starts.append((f"random {i}", rng.dirichlet(np.ones(k))))

    def solve(v):
        # every predictor keeps a weight of at least _V_FLOOR (relative), so
        # that none is ignored outright: otherwise V could switch predictors
        # off until the rest are matched exactly by many W, making W
        # undetermined by the predictors (see _tie_break).
        v = np.maximum(v, _V_FLOOR * v.max()) if v.max() > 0 else np.ones_like(v)
        return _tie_break(P, v, _inner(P.D, v))

    def fun_grad(v):
        w, degenerate = solve(v)
        if degenerate:  # W does not depend on V here
            return P.loss(w), np.zeros_like(v)
        return P.loss_grad_v(v, w)

    def fun(x):
        return P.loss(solve(np.abs(x))[0])

    rows = []
    found = []
    for name, v0 in starts:
        v0 = np.maximum(v0 / v0.max(), _V_FLOOR)
        L0 = fun(v0)
        v, L = v0, L0
        if k > 1:
            # SLSQP with box bounds: in trials on the ADH data it reached better
            # local optima than L-BFGS-B/TNC/BFGS at a lower cost per step.
            res = minimize(
                fun_grad,
                v0,
                jac=True,
                method="SLSQP",
                bounds=[(_V_FLOOR, 1.0)] * k,
                options={"maxiter": 100, "ftol": 1e-9},
            )
            if res.fun < L:
                v, L = res.x, float(res.fun)
        rows.append({"start": name, "start_mspe": L0, "mspe": L})
        found.append((L, name, v))
    best = min(found, key=lambda t: t[0])
    if k > 1:
        L, name, v = best
        res = minimize(
            fun,
            v / max(v.max(), 1e-300),
            method="Nelder-Mead",
            options={"maxiter": 40 * k, "xatol": 1e-6, "fatol": 1e-12},
        )
        Lp = float(res.fun)
        rows.append({"start": f"Nelder-Mead from {name}", "start_mspe": L, "mspe": min(L, Lp)})
        if Lp < L:
            best = (Lp, f"Nelder-Mead from {name}", np.abs(res.x))
    v = np.maximum(best[2], _V_FLOOR * best[2].max())
    v = v / v.sum()
    w = solve(v)[0]
    table = pd.DataFrame(rows)
    return w, v, P.loss(w), bound, table, best[1]


# --------------------------------------------------------------------------
# Data preparation and validation
# --------------------------------------------------------------------------
def _label(var, first, last) -> str:
    return f"{var} ({first})" if first == last else f"{var} ({first}-{last})"


def _fmt(t):
    """Print 1989.0 as 1989 in labels and messages."""
    if isinstance(t, (float, np.floating)) and float(t).is_integer():
        return int(t)
    return t


@dataclass
class _Spec:
    """Everything needed to re-estimate (placebos, leave-one-out)."""

    long: pd.DataFrame  # validated long panel (unit, time, outcome, predictor vars)
    unit: str
    time: str
    outcome: str
    predictors: list | None
    v: Any
    n_starts: int
    seed: int


def _prepare(spec: _Spec, treated, treatment_time, donors: list):
    """Wide outcome matrix, raw predictor matrix and notes for one design."""
    df, unit, time, outcome = spec.long, spec.unit, spec.time, spec.outcome
    units = [treated, *donors]
    sub = df[df[unit].isin(units)]
    Y = sub.pivot(index=time, columns=unit, values=outcome).sort_index()
    Y = Y.reindex(columns=units)
    times = Y.index
    pre = np.asarray(times < treatment_time)
    if Y.isna().any().any():
        bad = Y.isna()
        pre_bad = bad[pre].any()
        which = pre_bad[pre_bad].index.tolist()
        if which:
            detail = {
                _fmt(u): [_fmt(t) for t in times[pre][bad[pre][u].to_numpy()]][:5]
                for u in which[:5]
            }
            raise ValueError(
                f"synthetic_control: outcome '{outcome}' is missing in the pre-treatment period "
                f"for unit(s) {which} (periods, first 5: {detail}); a synthetic control needs "
                "complete pre-treatment outcomes - drop these units from `donors` or fill the values"
            )
        post_bad = bad[~pre].any()
        which = post_bad[post_bad].index.tolist()
        detail = {
            _fmt(u): [_fmt(t) for t in times[~pre][bad[~pre][u].to_numpy()]][:5] for u in which[:5]
        }
        raise ValueError(
            f"synthetic_control: outcome '{outcome}' is missing after the treatment for unit(s) "
            f"{which} (periods, first 5: {detail}); drop these units or fill the values"
        )
    notes: list[str] = []
    if spec.predictors is None:
        X = Y[pre].to_numpy().copy()
        labels = [f"{outcome} ({_fmt(t)})" for t in times[pre]]
    else:
        rows, labels = [], []
        for var, first, last in spec.predictors:
            win = sub[(sub[time] >= first) & (sub[time] <= last)]
            means = win.groupby(unit)[var].mean().reindex(units)
            if means.isna().any():
                miss = means.index[means.isna()].tolist()
                raise ValueError(
                    f"synthetic_control: predictor '{var}' has no observed value in "
                    f"{_fmt(first)}-{_fmt(last)} for unit(s) {miss[:10]}"
                )
            n_nan = win[var].isna().sum()
            if n_nan:
                gaps = win.loc[win[var].isna(), time].unique()
                notes.append(
                    f"predictor {_label(var, _fmt(first), _fmt(last))}: averaged over the observed "
                    f"periods only; {n_nan} missing value(s) skipped (periods {sorted(_fmt(t) for t in gaps)[:8]})"
                )
            rows.append(means.to_numpy(dtype=float))
            labels.append(_label(var, _fmt(first), _fmt(last)))
        X = np.vstack(rows)
    sd = X.std(axis=1, ddof=1)
    const = sd <= 1e-12 * np.maximum(1.0, np.abs(X).max(axis=1))
    if const.any():
        notes.append(
            f"predictor(s) {[labels[i] for i in np.flatnonzero(const)]} are identical for all "
            "units and carry no information (left unscaled)"
        )
        sd = np.where(const, 1.0, sd)
    return Y, pre, X, sd, labels, notes


def _resolve_v(v, labels):
    if isinstance(v, str):
        if v != "optimize":
            raise ValueError(f"synthetic_control: v must be 'optimize' or fixed weights, got '{v}'")
        return None
    if isinstance(v, dict) or isinstance(v, pd.Series):
        v = dict(v)
        unknown = [key for key in v if key not in labels]
        missing = [lab for lab in labels if lab not in v]
        if unknown or missing:
            raise ValueError(
                f"synthetic_control: v keys must be the predictor labels {labels}; "
                f"unknown {unknown}, missing {missing}"
            )
        arr = np.array([v[lab] for lab in labels], dtype=float)
    else:
        arr = np.asarray(v, dtype=float).ravel()
        if arr.size != len(labels):
            raise ValueError(
                f"synthetic_control: v has {arr.size} weights but there are {len(labels)} "
                f"predictors {labels}"
            )
    if not np.all(np.isfinite(arr)) or (arr < 0).any() or arr.sum() <= 0:
        raise ValueError(
            f"synthetic_control: fixed v must be finite, non-negative and not all zero; got {arr}"
        )
    return arr / arr.sum()


def _estimate(spec: _Spec, treated, treatment_time, donors: list):
    """Fit one synthetic control; returns a SyntheticControlResult."""
    Y, pre, Xraw, sd, labels, notes = _prepare(spec, treated, treatment_time, donors)
    X = Xraw / sd[:, None]
    Yv = Y.to_numpy()
    P = _Problem(D=X[:, 1:] - X[:, [0]], X0=X[:, 1:], X1=X[:, 0], Z0=Yv[pre, 1:], z1=Yv[pre, 0])
    vfix = _resolve_v(spec.v, labels)
    if vfix is None and len(labels) == 1:
        vfix = np.ones(1)
    if vfix is None:
        w, vv, mspe, bound, table, best = _optimise_v(P, n_starts=spec.n_starts, seed=spec.seed)
    else:
        vv = vfix
        w = _inner(P.D, vv)
        mspe = P.loss(w)
        bound = P.loss(_simplex_lsq(P.Z0 - P.z1[:, None]))
        table = pd.DataFrame([{"start": "fixed v", "start_mspe": mspe, "mspe": mspe}])
    w, degenerate = _tie_break(P, vv, w)
    if degenerate:
        notes.append(
            "the donors match the treated unit's predictors exactly in many ways (its predictors lie "
            "inside the donors' convex hull), so the predictors do not determine W; among the exact "
            "matches the one with the best pre-treatment outcome fit is reported"
        )
    w = np.where(w < 1e-10, 0.0, w)
    w = w / w.sum()
    if vfix is None and P.loss(w) <= bound * (1 + 1e-6) + 1e-12 * max(1.0, float(P.z1 @ P.z1)):
        notes.append(
            "pre-treatment fit reaches the lower bound (best convex combination of donor "
            "outcomes): the nested V optimisation is globally optimal"
        )
    synth_path = Yv[:, 1:] @ w
    idx = Y.index
    actual = pd.Series(Yv[:, 0], index=idx, name=treated)
    synthetic = pd.Series(synth_path, index=idx, name="synthetic")
    gap = (actual - synthetic).rename("gap")
    g = gap.to_numpy()
    pred = pd.DataFrame(
        {
            "v": vv,
            "treated": Xraw[:, 0],
            "synthetic": Xraw[:, 1:] @ w,
            "donor mean": Xraw[:, 1:].mean(axis=1),
        },
        index=pd.Index(labels, name="predictor"),
    )
    return SyntheticControlResult(
        treated=treated,
        treatment_time=treatment_time,
        outcome=spec.outcome,
        weights=pd.Series(w, index=pd.Index(donors, name=spec.unit), name="weight"),
        v=pd.Series(vv, index=pd.Index(labels, name="predictor"), name="v"),
        pre_rmspe=float(np.sqrt(np.mean(g[pre] ** 2))),
        post_rmspe=float(np.sqrt(np.mean(g[~pre] ** 2))),
        rmspe_bound=float(np.sqrt(bound)),
        actual=actual,
        synthetic=synthetic,
        gap=gap,
        predictors=pred,
        optimizer=table,
        notes=notes,
        rmspe_floor=_RMSPE_FLOOR * float(np.std(Yv[pre], ddof=1)) if Yv[pre].size > 1 else 0.0,
        _spec=spec,
        _donors=list(donors),
    )


# --------------------------------------------------------------------------
# Result objects
# --------------------------------------------------------------------------
_TREATED_COLOR = "black"


def _time_axis(ax, index) -> None:
    """Integer ticks (no 2002.5) when the periods are whole numbers, e.g. years."""
    from matplotlib.ticker import MaxNLocator

    try:
        whole = np.all(np.mod(np.asarray(index, dtype=float), 1) == 0)
    except (TypeError, ValueError):
        return
    if whole:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _outcome_label(outcome: str, lang: str) -> str:
    """The outcome's name in ``lang`` when the label dictionary knows it, else the column name."""
    from nanbei import labels as L

    return L.variable(outcome, lang) if outcome in L.VARIABLES else str(outcome)


def _fill_band(ax, band: pd.DataFrame, label: str) -> None:
    """Shade the finite part of a placebo band over the post-treatment periods."""
    b = band[band["time"].notna()]
    lo, hi = b["conf_low"].to_numpy(float), b["conf_high"].to_numpy(float)
    ok = np.isfinite(lo) & np.isfinite(hi)
    if ok.any():
        ax.fill_between(
            b["time"].to_numpy(float)[ok],
            lo[ok],
            hi[ok],
            color=_SYNTH_COLOR,
            alpha=0.2,
            label=label,
        )


_SYNTH_COLOR = "#1b6ca8"
_PLACEBO_COLOR = "#9aa5b1"
#: Pre-treatment RMSPE floor, relative to the standard deviation of the pre-treatment outcomes.
_RMSPE_FLOOR = 1e-3


def _post_label(t) -> str:
    return f"gap[{_fmt(t)}]"


def _placebo_band(gaps: pd.DataFrame, treated, treatment_time, alpha: float) -> pd.DataFrame:
    """Placebo band: the exact inversion of the per-period in-space placebo test.

    For a post period t (and for the mean post-treatment gap) the test of
    ``H0: effect_t = theta`` compares the treated unit's gap minus theta with the J
    placebo gaps: ``p(theta) = (1 + #{j : |g_jt| >= |g_1t - theta|}) / (J + 1)``
    (ties count as extreme).  ``theta`` is kept when ``p(theta) > alpha``, i.e. when at
    least ``m = floor(alpha (J + 1))`` placebo gaps are at least ``|g_1t - theta|``, so
    the interval is ``g_1t -+ a_(m)`` with ``a_(m)`` the m-th largest absolute placebo
    gap; ``m = 0`` (fewer than ``1/alpha - 1`` placebos) gives an unbounded interval.
    Shifting the treated outcome by theta does not move its synthetic control (the
    treated unit is never a donor) or any placebo gap, so the inversion is exact.
    """
    post = gaps.index >= treatment_time
    g = gaps[post]
    plac = g.drop(columns=[treated])
    J = plac.shape[1]
    m = int(math.floor(alpha * (J + 1) + 1e-9))
    rows = []
    series = [("mean post gap", np.nan, g[treated].mean(), plac.mean())]
    series += [(_post_label(t), t, g.loc[t, treated], plac.loc[t]) for t in g.index]
    for term, t, est, pl in series:
        a = np.sort(np.abs(pl.to_numpy(dtype=float)))[::-1]
        if m == 0:
            half = np.inf
        elif m > J:
            half = np.nan  # every value rejected: empty set
        else:
            half = a[m - 1]
        tol = 1e-9 * max(1.0, abs(est))
        p0 = (1 + np.sum(a >= abs(est) - tol)) / (J + 1)
        rows.append(
            {
                "term": term,
                "time": t,
                "estimate": float(est),
                "p_value": float(p0),
                "conf_low": est - half,
                "conf_high": est + half,
                "n_obs": J + 1,
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["alpha"] = alpha
    return out


@dataclass(repr=False)
class SyntheticControlResult(Result):
    """Result of :func:`synthetic_control`.

    Attributes
    ----------
    weights : Series over donors (non-negative, sum 1).
    v : Series of predictor weights (sum 1) on the standardised predictors.
    pre_rmspe, post_rmspe : root mean squared gap before / from the treatment time.
    rmspe_bound : pre-treatment RMSPE of the best convex combination of donor
        outcomes (ignoring predictors) - a lower bound for ``pre_rmspe``.
    actual, synthetic, gap : Series by time (gap = actual - synthetic).
    predictors : predictor balance table (treated, synthetic, donor mean, v).
    optimizer : pre-treatment MSPE reached from each start of the V search.
    notes : what was skipped or assumed (missing predictor values, unused units).

    Confidence intervals come from the in-space placebos (:meth:`placebo_space`, the
    placebo band of :func:`_placebo_band`); once it has been run, ``tidy()`` and the gap
    plot carry them.  Why a placebo band and not conformal inference (Chernozhukov,
    Wuthrich & Zhu 2021): conformal p-values permute the *time* periods, so their
    smallest value is ``1 / (T0 + 1)`` (moving blocks: ``1 / T``); the co-built parks
    have five pre-treatment years (2001-2005), where no conformal interval below 83% is
    finite.  The placebo band permutes *units* (here some 40-60 comparison cities), rests
    on the same exchangeability assumption as ADH's placebo p-value that the notebooks
    already report, and is its exact inversion, so interval and p-value cannot disagree.
    """

    _name = "Synthetic control"

    treated: Any
    treatment_time: Any
    outcome: str
    weights: pd.Series
    v: pd.Series
    pre_rmspe: float
    post_rmspe: float
    rmspe_bound: float
    actual: pd.Series
    synthetic: pd.Series
    gap: pd.Series
    predictors: pd.DataFrame
    optimizer: pd.DataFrame
    notes: list = field(default_factory=list)
    rmspe_floor: float = 0.0
    short_pre_period: bool = False
    _spec: Any = None
    _donors: list = field(default_factory=list)
    _placebo: Any = None

    @property
    def post_pre_ratio(self) -> float:
        """post_rmspe / pre_rmspe, the ADH (2010) test statistic, with the pre-treatment RMSPE
        floored at ``rmspe_floor`` (1e-3 of the standard deviation of the pre-treatment
        outcomes): an exact pre-treatment fit (interpolation, e.g. with more donors than
        pre-periods) would otherwise divide by a rounding error and print ratios like 1e14.
        ``ratio_capped`` says when the floor was used."""
        den = max(self.pre_rmspe, self.rmspe_floor)
        return self.post_rmspe / den if den > 0 else np.inf

    @property
    def ratio_capped(self) -> bool:
        """True when the pre-treatment RMSPE is below ``rmspe_floor`` (a near-exact fit), so
        that ``post_pre_ratio`` is computed with the floor instead."""
        return bool(self.pre_rmspe < self.rmspe_floor)

    @property
    def n_pre_periods(self) -> int:
        return int((self.gap.index < self.treatment_time).sum())

    @property
    def n_obs(self) -> int:
        """Units in the fit (treated + donors)."""
        return 1 + len(self.weights)

    @property
    def mean_post_gap(self) -> float:
        return float(self.gap[self.gap.index >= self.treatment_time].mean())

    def __repr__(self) -> str:
        top = self.weights[self.weights > 0.001].sort_values(ascending=False)
        w = ", ".join(f"{k}={val:.3f}" for k, val in top.head(8).items())
        more = f", ... ({len(top) - 8} more)" if len(top) > 8 else ""
        return (
            f"SyntheticControlResult(treated={self.treated!r}, treatment_time={_fmt(self.treatment_time)}, "
            f"donors={len(self.weights)})\n"
            f"  weights: {w}{more}\n"
            f"  pre-treatment RMSPE {self.pre_rmspe:.4g} (lower bound {self.rmspe_bound:.4g}); "
            f"post RMSPE {self.post_rmspe:.4g}; mean post gap {self.mean_post_gap:.4g}"
            + (f"\n  notes: {len(self.notes)} (see .notes)" if self.notes else "")
        )

    def band(self, alpha: float | None = None) -> pd.DataFrame:
        """The placebo band (confidence intervals of the post-treatment gaps and of their
        mean) at level ``1 - alpha``; runs :meth:`placebo_space` first if it has not run."""
        pl = self._placebo if self._placebo is not None else self.placebo_space()
        return pl.band(alpha)

    def summary(self) -> Summary:
        """Weights, predictor balance, fit, effects (with the placebo band if the
        placebos have been run) and notes."""
        top = self.weights[self.weights > 0.001].sort_values(ascending=False)
        wt = pd.DataFrame(
            {"name": [unit_label(u) for u in top.index], "weight": top.to_numpy()},
            index=pd.Index([str(u) for u in top.index], name="donor"),
        )
        if (wt["name"] == wt.index).all():
            wt = wt.drop(columns="name")
        fit = pd.DataFrame(
            {
                "value": [
                    self.pre_rmspe,
                    self.rmspe_bound,
                    self.post_rmspe,
                    self.post_pre_ratio,
                    len(self.weights),
                ]
            },
            index=[
                "pre-treatment RMSPE",
                "lower bound of pre RMSPE",
                "post-treatment RMSPE",
                "post/pre RMSPE ratio",
                "donors",
            ],
        )
        eff = self.tidy().set_index("term")[["estimate", "conf_low", "conf_high", "p_value"]]
        notes = list(self.notes)
        if self._placebo is None:
            notes.append("confidence intervals: run placebo_space() for the placebo band")
        else:
            notes.append(
                f"{1 - self._placebo.alpha:.0%} placebo band from {self._placebo.n_obs - 1} "
                "in-space placebos (exact inversion of the per-period placebo test)"
            )
        title = (
            f"Synthetic control: {unit_label(self.treated)}, treated from "
            f"{_fmt(self.treatment_time)} ({self.outcome})"
        )
        return Summary(
            title,
            [
                ("Donor weights (> 0.001)", wt),
                ("Predictor balance", self.predictors),
                ("Fit", fit),
                ("Effect (gap = actual - synthetic)", eff),
            ],
            notes,
        )

    def tidy(self) -> pd.DataFrame:
        """The mean post-treatment gap and each post-treatment gap; ``conf_low/high`` and
        ``p_value`` from the placebo band once :meth:`placebo_space` has run (NaN before).
        ``n_obs`` counts units (treated + donors)."""
        if self._placebo is not None:
            return tidy_frame(self._placebo.band())
        post = self.gap[self.gap.index >= self.treatment_time]
        rows = [
            {
                "term": "mean post gap",
                "time": np.nan,
                "estimate": float(post.mean()),
                "n_obs": self.n_obs,
            }
        ]
        rows += [
            {"term": _post_label(t), "time": t, "estimate": float(v), "n_obs": self.n_obs}
            for t, v in post.items()
        ]
        return tidy_frame(rows)

    def to_frame(self) -> pd.DataFrame:
        """Actual, synthetic and gap by time, with a post-treatment flag."""
        return pd.DataFrame(
            {
                "actual": self.actual,
                "synthetic": self.synthetic,
                "gap": self.gap,
                "post": self.actual.index >= self.treatment_time,
            }
        )

    def plot(self, ax=None, labels=None, lang: str = "en", *, kind: str = "paths", **kwargs):
        """Plot actual vs synthetic (``kind="paths"``), the gap with the placebo band if
        available (``kind="gap"``) or the donor weights (``kind="weights"``).

        Returns the matplotlib Axes.  (``plot("gap")``, the old positional form, still
        works with a DeprecationWarning.)
        """
        if isinstance(ax, str):
            warnings.warn(
                "SyntheticControlResult.plot(kind) positionally is deprecated; use plot(kind=...)",
                DeprecationWarning,
                stacklevel=2,
            )
            ax, kind = None, ax
        if kind not in ("paths", "gap", "weights"):
            raise ValueError(f"plot: kind must be 'paths', 'gap' or 'weights', got {kind!r}")
        return super().plot(ax=ax, labels=labels, lang=lang, kind=kind, **kwargs)

    def _plot(self, ax, labels, lang, kind="paths", **kwargs):
        from nanbei.labels import text

        name = unit_label(self.treated, labels, lang)
        outcome = _outcome_label(self.outcome, lang)
        if kind == "weights":
            top = self.weights[self.weights > 0.01].sort_values(ascending=False)
            ax.bar(
                [unit_label(u, labels, lang) for u in top.index],
                top.to_numpy(),
                color=_PLACEBO_COLOR,
            )
            ax.tick_params(axis="x", rotation=60)
            ax.set_ylabel(text("synth_weight", lang))
            ax.set_title(text("synth_weights_title", lang, name=name))
            return
        if kind == "paths":
            ax.plot(self.actual.index, self.actual.to_numpy(), color=_TREATED_COLOR, label=name)
            ax.plot(
                self.synthetic.index,
                self.synthetic.to_numpy(),
                color=_SYNTH_COLOR,
                ls="--",
                label=text("synth_synthetic", lang, name=name),
            )
            ax.set_ylabel(outcome)
            ax.set_title(text("synth_paths_title", lang, name=name, outcome=outcome))
        else:
            ax.plot(self.gap.index, self.gap.to_numpy(), color=_TREATED_COLOR, label=name)
            if self._placebo is not None:
                level = f"{1 - self._placebo.alpha:.0%}"
                _fill_band(ax, self._placebo.band(), text("placebo_band", lang, level=level))
            ax.axhline(0, color="grey", lw=0.8)
            ax.set_ylabel(text("synth_gap_ylabel", lang, outcome=outcome))
            ax.set_title(text("synth_gap_title", lang, name=name))
        ax.axvline(self.treatment_time, color="grey", ls=":", lw=1)
        ax.set_xlabel(text("period", lang))
        _time_axis(ax, self.gap.index)
        ax.legend(frameon=False)

    # -- inference and robustness ------------------------------------------
    def placebo_space(self, alpha: float = 0.05) -> PlaceboSpaceResult:
        """In-space placebo test (ADH 2010, section 4) and the placebo band.

        Each donor in turn is treated as if it had been treated at
        ``treatment_time``, with the *other* donors as its donor pool (the truly
        treated unit is never a donor), using the same predictors and the same
        rule for V (re-optimised for every placebo if ``v="optimize"``).  The
        permutation p-value is the rank of the treated unit's post/pre RMSPE
        ratio among all J + 1 ratios: p = #{ratio_j >= ratio_treated} / (J + 1).
        The confidence intervals at level ``1 - alpha`` invert the per-period placebo
        test (see :func:`_placebo_band`).  The result is also kept on this object, so
        that ``tidy()`` and ``plot(kind="gap")`` show the intervals.
        """
        if not 0 < alpha < 1:
            raise ValueError(f"placebo_space: alpha must be in (0, 1), got {alpha}")
        donors = self._donors
        if len(donors) < 3:
            raise ValueError("placebo_space: needs at least 3 donors")
        gaps = {self.treated: self.gap}
        pre_r, post_r = {self.treated: self.pre_rmspe}, {self.treated: self.post_rmspe}
        for d in donors:
            others = [u for u in donors if u != d]
            r = _estimate(self._spec, d, self.treatment_time, others)
            gaps[d] = r.gap
            pre_r[d], post_r[d] = r.pre_rmspe, r.post_rmspe
        pre_s, post_s = pd.Series(pre_r), pd.Series(post_r)
        # one common floor for every unit (see post_pre_ratio), so the ranks stay comparable
        ratio = post_s / pre_s.clip(lower=self.rmspe_floor).replace(0, np.nan)
        ratio = ratio.fillna(np.inf)
        rank = int((ratio >= ratio[self.treated]).sum())
        result = PlaceboSpaceResult(
            treated=self.treated,
            treatment_time=self.treatment_time,
            gaps=pd.DataFrame(gaps),
            pre_rmspe=pre_s.rename("pre_rmspe"),
            post_rmspe=post_s.rename("post_rmspe"),
            ratio=ratio.rename("post/pre RMSPE"),
            rank=rank,
            p_value=rank / len(ratio),
            outcome=self.outcome,
            alpha=float(alpha),
            rmspe_floor=self.rmspe_floor,
        )
        self._placebo = result
        return result

    def placebo_time(self, fake_treatment_time) -> SyntheticControlResult:
        """In-time placebo: pretend the treatment happened at ``fake_treatment_time``.

        Only periods before the actual treatment time are used, so the real
        treatment cannot leak into the fit.  Predictor windows are shifted back
        by the number of periods between the actual and the fake treatment time
        (as in Abadie, Diamond & Hainmueller 2015); with ``predictors=None`` the
        outcomes before the fake time are used.
        """
        spec = self._spec
        times = np.sort(spec.long[spec.time].unique())
        tt = self.treatment_time
        if not (times[0] < fake_treatment_time < tt):
            raise ValueError(
                f"placebo_time: fake_treatment_time {fake_treatment_time} must lie strictly between "
                f"the first period {_fmt(times[0])} and the treatment time {_fmt(tt)}"
            )
        if spec.predictors is None and not isinstance(spec.v, str):
            raise ValueError(
                "placebo_time: fixed v with predictors=None has one weight per pre-treatment period, "
                "which does not carry over to a different treatment time; pass predictors or v='optimize'"
            )
        long = spec.long[spec.long[spec.time] < tt]
        notes = [f"in-time placebo: data restricted to periods before {_fmt(tt)}"]
        preds = spec.predictors
        if preds is not None:
            shift = int(np.searchsorted(times, tt) - np.searchsorted(times, fake_treatment_time))
            new = []
            for var, first, last in preds:
                i0 = int(np.searchsorted(times, first)) - shift
                i1 = int(np.searchsorted(times, last, side="right")) - 1 - shift
                if i1 < 0:
                    raise ValueError(
                        f"placebo_time: predictor window {_label(var, _fmt(first), _fmt(last))} shifted "
                        f"back by {shift} periods falls before the data; choose a later fake time"
                    )
                nf, nl = times[max(i0, 0)], times[i1]
                new.append((var, nf, nl))
            notes.append(
                f"predictor windows shifted back {shift} periods: "
                + ", ".join(_label(v, _fmt(a), _fmt(b)) for v, a, b in new)
            )
            preds = new
        new_spec = _Spec(
            long=long,
            unit=spec.unit,
            time=spec.time,
            outcome=spec.outcome,
            predictors=preds,
            v=spec.v,
            n_starts=spec.n_starts,
            seed=spec.seed,
        )
        if preds is not None and spec.v is not None and not isinstance(spec.v, str):
            new_spec.v = np.asarray(self.v.to_numpy())  # same fixed weights, in predictor order
        r = _estimate(new_spec, self.treated, fake_treatment_time, self._donors)
        r.notes = notes + r.notes
        return r

    def leave_one_out(self) -> LeaveOneOutResult:
        """Re-estimate dropping, one at a time, each donor with positive weight
        (ADH 2015 robustness check)."""
        pos = self.weights[self.weights > 0].index.tolist()
        gaps, synth, weights, pre = {}, {}, {}, {}
        for d in pos:
            others = [u for u in self._donors if u != d]
            if not others:
                continue
            r = _estimate(self._spec, self.treated, self.treatment_time, others)
            gaps[d], synth[d], pre[d] = r.gap, r.synthetic, r.pre_rmspe
            weights[d] = r.weights.reindex(self._donors)
        return LeaveOneOutResult(
            treated=self.treated,
            treatment_time=self.treatment_time,
            actual=self.actual,
            baseline=self.synthetic,
            synthetic=pd.DataFrame(synth),
            gaps=pd.DataFrame(gaps),
            weights=pd.DataFrame(weights),
            pre_rmspe=pd.Series(pre, name="pre_rmspe"),
            outcome=self.outcome,
            baseline_pre_rmspe=self.pre_rmspe,
        )


@dataclass(repr=False)
class PlaceboSpaceResult(Result):
    """In-space placebo test: gaps of every unit treated in turn, the rank-based
    permutation p-value of the post/pre RMSPE ratio (ADH 2010) and the placebo band
    (confidence intervals of the treated unit's post-treatment gaps, :meth:`band`)."""

    _name = "In-space placebo test"

    treated: Any
    treatment_time: Any
    gaps: pd.DataFrame  # time x unit, treated unit first
    pre_rmspe: pd.Series
    post_rmspe: pd.Series
    ratio: pd.Series
    rank: int
    p_value: float
    outcome: str = "outcome"
    alpha: float = 0.05
    rmspe_floor: float = 0.0

    @property
    def floored(self) -> pd.Series:
        """Units whose pre-treatment RMSPE is below the floor (near-exact fits), whose ratio
        uses the floor (see :attr:`SyntheticControlResult.post_pre_ratio`)."""
        return self.pre_rmspe < self.rmspe_floor

    @property
    def n_obs(self) -> int:
        """Units ranked (treated + placebos)."""
        return len(self.ratio)

    def __repr__(self) -> str:
        return (
            f"PlaceboSpaceResult(treated={self.treated!r}, units={len(self.ratio)}): "
            f"post/pre RMSPE ratio {self.ratio[self.treated]:.3g} ranks {self.rank} of "
            f"{len(self.ratio)}, permutation p = {self.p_value:.3f}"
        )

    def band(self, alpha: float | None = None) -> pd.DataFrame:
        """Confidence intervals of the mean post-treatment gap and of each post-treatment
        gap at level ``1 - alpha`` (default ``self.alpha``), with the placebo p-value of a
        zero effect; see :func:`_placebo_band` for the construction."""
        alpha = self.alpha if alpha is None else alpha
        if not 0 < alpha < 1:
            raise ValueError(f"band: alpha must be in (0, 1), got {alpha}")
        return _placebo_band(self.gaps, self.treated, self.treatment_time, alpha)

    def summary(self) -> Summary:
        """The ratio test, the placebo band and the ratio table."""
        test = pd.DataFrame(
            {
                "value": [
                    self.ratio[self.treated],
                    float(self.rank),
                    float(self.n_obs),
                    self.p_value,
                    1 / self.n_obs,
                ]
            },
            index=[
                "post/pre RMSPE ratio of the treated unit",
                "rank (1 = largest)",
                "units",
                "permutation p-value",
                "smallest attainable p-value",
            ],
        )
        band = self.band().set_index("term")[["estimate", "conf_low", "conf_high", "p_value"]]
        notes = [
            f"{1 - self.alpha:.0%} placebo band: the effects theta not rejected by the "
            "per-period placebo test comparing |treated gap - theta| with the placebos' "
            "absolute gaps (ties count as extreme)."
        ]
        return Summary(
            f"In-space placebos: {unit_label(self.treated)} against {self.n_obs - 1} placebo units",
            [
                ("Post/pre RMSPE ratio test (ADH 2010)", test),
                (f"Effects with {1 - self.alpha:.0%} placebo band", band),
                ("Units by post/pre RMSPE ratio", self.to_frame()),
            ],
            notes,
        )

    def tidy(self) -> pd.DataFrame:
        """The post/pre RMSPE ratio with its permutation p-value, then the mean post gap
        and each post-treatment gap with the placebo band and placebo p-values."""
        ratio_row = {
            "term": "post/pre RMSPE ratio",
            "time": np.nan,
            "estimate": float(self.ratio[self.treated]),
            "statistic": float(self.ratio[self.treated]),
            "p_value": self.p_value,
            "n_obs": self.n_obs,
        }
        return tidy_frame([ratio_row, *self.band().to_dict("records")])

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: pre/post RMSPE and their ratio, sorted by ratio."""
        out = pd.concat([self.pre_rmspe, self.post_rmspe, self.ratio], axis=1)
        out["treated"] = out.index == self.treated
        return out.sort_values("post/pre RMSPE", ascending=False)

    def plot(
        self,
        ax=None,
        labels=None,
        lang: str = "en",
        *,
        mspe_threshold: float | None = None,
        band: bool = True,
        **kwargs,
    ):
        """Gap paths of placebos (grey) and the treated unit (black), with the placebo band.

        ``mspe_threshold`` drops placebos whose pre-treatment MSPE exceeds that
        multiple of the treated unit's, as in ADH (2010) figures 5-7.  (A number
        passed as the first argument, the old signature, is read as
        ``mspe_threshold`` with a DeprecationWarning.)
        """
        if isinstance(ax, (int, float)) and not isinstance(ax, bool):
            warnings.warn(
                "PlaceboSpaceResult.plot(mspe_threshold) positionally is deprecated; "
                "use plot(mspe_threshold=...)",
                DeprecationWarning,
                stacklevel=2,
            )
            ax, mspe_threshold = None, ax
        return super().plot(
            ax=ax, labels=labels, lang=lang, mspe_threshold=mspe_threshold, band=band, **kwargs
        )

    def _plot(self, ax, labels, lang, mspe_threshold=None, band=True, **kwargs):
        from nanbei.labels import text

        keep = self.gaps.columns.drop(self.treated)
        if mspe_threshold is not None:
            lim = mspe_threshold * self.pre_rmspe[self.treated] ** 2
            keep = [c for c in keep if self.pre_rmspe[c] ** 2 <= lim]
        for i, c in enumerate(keep):
            ax.plot(
                self.gaps.index,
                self.gaps[c].to_numpy(),
                color=_PLACEBO_COLOR,
                alpha=0.5,
                lw=0.8,
                label=text("placebos_n", lang, n=len(keep)) if i == 0 else None,
            )
        name = unit_label(self.treated, labels, lang)
        if band:
            level = f"{1 - self.alpha:.0%}"
            _fill_band(ax, self.band(), text("placebo_band_for", lang, level=level, name=name))
        ax.plot(
            self.gaps.index,
            self.gaps[self.treated].to_numpy(),
            color=_TREATED_COLOR,
            lw=2,
            label=name,
        )
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(self.treatment_time, color="grey", ls=":")
        ax.set_xlabel(text("period", lang))
        _time_axis(ax, self.gaps.index)
        outcome = _outcome_label(self.outcome, lang)
        ax.set_ylabel(text("synth_gap_ylabel", lang, outcome=outcome))
        shown = (
            ""
            if mspe_threshold is None
            else text("placebo_mspe_shown", lang, k=f"{mspe_threshold:g}")
        )
        ax.set_title(
            text(
                "placebo_space_title",
                lang,
                name=name,
                n=len(keep),
                shown=shown,
                p=f"{self.p_value:.3f}",
            )
        )
        ax.legend(frameon=False)


@dataclass(repr=False)
class LeaveOneOutResult(Result):
    """Synthetic paths re-estimated without each positively weighted donor.

    A robustness check, not an inferential procedure: the spread of the rows shows how
    much the estimate rests on single donors, so ``tidy()`` carries no confidence
    intervals (NaN); the intervals of the effect are those of the full fit's placebo
    band (:meth:`SyntheticControlResult.placebo_space`).
    """

    _name = "Leave-one-out synthetic controls"

    treated: Any
    treatment_time: Any
    actual: pd.Series
    baseline: pd.Series
    synthetic: pd.DataFrame  # time x dropped donor
    gaps: pd.DataFrame
    weights: pd.DataFrame  # donor x dropped donor
    pre_rmspe: pd.Series
    outcome: str = "outcome"
    baseline_pre_rmspe: float = np.nan

    @property
    def n_obs(self) -> int:
        """Units of the full fit (treated + donors)."""
        return 1 + len(self.weights)

    def __repr__(self) -> str:
        post = self.gaps[self.gaps.index >= self.treatment_time].mean()
        return (
            f"LeaveOneOutResult(treated={self.treated!r}, dropped={list(self.gaps.columns)})\n"
            f"  mean post-treatment gap without each donor: "
            + ", ".join(f"{k}={val:.4g}" for k, val in post.items())
        )

    def summary(self) -> Summary:
        """Mean post-treatment gap and pre-treatment RMSPE without each donor."""
        frame = self.tidy().set_index("term")[["estimate", "pre_rmspe"]]
        return Summary(
            f"Leave-one-out: synthetic {unit_label(self.treated)} without each weighted donor",
            [("Mean post-treatment gap", frame)],
            ["a robustness check: no confidence intervals; see the placebo band of the full fit"],
        )

    def tidy(self) -> pd.DataFrame:
        """The full fit's mean post gap, then one row per dropped donor ("without <unit>");
        no confidence intervals (see the class docstring)."""
        post = self.gaps[self.gaps.index >= self.treatment_time].mean()
        base_gap = self.actual - self.baseline
        rows = [
            {
                "term": "all donors",
                "estimate": float(base_gap[base_gap.index >= self.treatment_time].mean()),
                "n_obs": self.n_obs,
                "dropped": None,
                "pre_rmspe": self.baseline_pre_rmspe,
            }
        ]
        rows += [
            {
                "term": f"without {d}",
                "estimate": float(v),
                "n_obs": self.n_obs - 1,
                "dropped": d,
                "pre_rmspe": float(self.pre_rmspe[d]),
            }
            for d, v in post.items()
        ]
        return tidy_frame(rows)

    def to_frame(self) -> pd.DataFrame:
        """One row per dropped donor: pre-treatment RMSPE and mean post gap."""
        post = self.gaps[self.gaps.index >= self.treatment_time].mean()
        return pd.DataFrame({"pre_rmspe": self.pre_rmspe, "mean_post_gap": post}).rename_axis(
            "dropped"
        )

    def _plot(self, ax, labels, lang, **kwargs):
        """Actual, baseline synthetic and the leave-one-out synthetic paths."""
        from nanbei.labels import text

        for i, c in enumerate(self.synthetic.columns):
            ax.plot(
                self.synthetic.index,
                self.synthetic[c].to_numpy(),
                color=_PLACEBO_COLOR,
                alpha=0.8,
                lw=0.8,
                label=text("loo_without", lang) if i == 0 else None,
            )
        name = unit_label(self.treated, labels, lang)
        ax.plot(self.actual.index, self.actual.to_numpy(), color=_TREATED_COLOR, label=name)
        ax.plot(
            self.baseline.index,
            self.baseline.to_numpy(),
            color=_SYNTH_COLOR,
            ls="--",
            label=text("synth_synthetic", lang, name=name),
        )
        ax.axvline(self.treatment_time, color="grey", ls=":")
        ax.set_xlabel(text("period", lang))
        _time_axis(ax, self.actual.index)
        ax.set_ylabel(_outcome_label(self.outcome, lang))
        ax.set_title(text("loo_title", lang, name=name, n=self.synthetic.shape[1]))
        ax.legend(frameon=False)


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------
def synthetic_control(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated,
    treatment_time,
    donors=None,
    predictors=None,
    v="optimize",
    n_starts: int = 12,
    seed: int = 0,
) -> SyntheticControlResult:
    """Abadie-Diamond-Hainmueller synthetic control for one treated unit.

    Parameters
    ----------
    df : long panel, one row per unit and period.
    unit, time, outcome : column names.
    treated : the treated unit's identifier.
    treatment_time : first treated period; periods ``< treatment_time`` are
        pre-treatment and define the fit.
    donors : list of donor units; default all units other than ``treated``.
        Units in ``df`` that are neither are ignored (reported in ``notes``).
    predictors : None to match every pre-treatment outcome value, or a list of
        ``(variable, first, last)`` whose means over ``first..last`` (inclusive,
        observed values only; skipped missing values are reported in
        ``notes``) are matched.  Windows must end before ``treatment_time``.
        Predictors are divided by their standard deviation across the treated
        unit and donors, as in R's Synth.
    v : ``"optimize"`` (V chosen to minimise the pre-treatment outcome MSPE by
        the nested search described in the module docstring) or fixed predictor
        weights: an array in predictor order or a dict/Series keyed by predictor
        label (``"var (first-last)"``, ``"var (year)"``).
    n_starts, seed : number of starting points of the V search and the seed of
        its random starts.

    Returns
    -------
    SyntheticControlResult

    Raises
    ------
    ValueError for a missing treated unit or donor, a treated unit listed among
    the donors, a treatment time outside the data, duplicate unit-time rows,
    missing outcomes of the treated unit or donors, or bad predictor windows.
    """
    what = "synthetic_control"
    if predictors is not None:
        predictors = list(predictors)
        for p in predictors:
            if not (isinstance(p, (tuple, list)) and len(p) == 3):
                raise ValueError(
                    f"{what}: each predictor must be a (variable, first, last) triple, got {p!r}"
                )
    pvars = [] if predictors is None else list(dict.fromkeys(p[0] for p in predictors))
    long = check_panel(
        df,
        unit=unit,
        time=time,
        columns=[outcome, *pvars],
        allow_missing=True,
        min_periods=2,
        what=what,
    )
    all_units = pd.unique(long[unit]).tolist()
    if treated not in all_units:
        raise ValueError(f"{what}: treated unit {treated!r} not found in column '{unit}'")
    notes = []
    if donors is None:
        donors = [u for u in all_units if u != treated]
    else:
        donors = list(donors)
        if treated in donors:
            raise ValueError(f"{what}: the treated unit {treated!r} is listed among the donors")
        missing = [d for d in donors if d not in all_units]
        if missing:
            raise ValueError(f"{what}: donor(s) {missing} not found in column '{unit}'")
        dup = pd.Index(donors)[pd.Index(donors).duplicated()].tolist()
        if dup:
            raise ValueError(f"{what}: donor(s) {dup} listed more than once")
        unused = [u for u in all_units if u != treated and u not in donors]
        if unused:
            notes.append(f"units not in the donor pool, ignored: {unused}")
    if len(donors) < 2:
        raise ValueError(f"{what}: needs at least 2 donors, got {donors}")
    times = np.sort(long[time].unique())
    try:
        inside = times[0] < treatment_time <= times[-1]
    except TypeError as err:
        raise ValueError(
            f"{what}: treatment_time {treatment_time!r} is not comparable with column '{time}'"
        ) from err
    if not inside:
        raise ValueError(
            f"{what}: treatment_time {treatment_time!r} is outside the data: it must be after the first "
            f"period {_fmt(times[0])} (at least one pre-treatment period) and not after the last period "
            f"{_fmt(times[-1])}"
        )
    if predictors is not None:
        for var, first, last in predictors:
            if first > last:
                raise ValueError(
                    f"{what}: predictor window for '{var}' has first {first} > last {last}"
                )
            if last >= treatment_time:
                raise ValueError(
                    f"{what}: predictor window {_label(var, first, last)} reaches the treatment time "
                    f"{_fmt(treatment_time)}; predictors must be pre-treatment"
                )
            if not ((times >= first) & (times <= last)).any():
                raise ValueError(
                    f"{what}: predictor window {_label(var, first, last)} contains no period of the data"
                )
    spec = _Spec(
        long=long,
        unit=unit,
        time=time,
        outcome=outcome,
        predictors=predictors,
        v=v,
        n_starts=int(n_starts),
        seed=int(seed),
    )
    res = _estimate(spec, treated, treatment_time, donors)
    n_pre = int(np.sum(times < treatment_time))
    if n_pre <= len(donors):
        res.short_pre_period = True
        msg = (
            f"{what}: {n_pre} pre-treatment periods for {len(donors)} donors: with at least "
            "as many donors as pre-treatment periods a convex combination can match the "
            "pre-treatment path (nearly) exactly by interpolation, so the fit says little "
            "about the counterfactual and the post/pre RMSPE ratio is unstable (Abadie, "
            "Diamond & Hainmueller 2015; Abadie 2021)"
        )
        warnings.warn(msg, UserWarning, stacklevel=2)
        notes.append(msg)
    if res.ratio_capped:
        notes.append(
            f"pre-treatment RMSPE {res.pre_rmspe:.3g} is below the floor "
            f"{res.rmspe_floor:.3g} (a near-exact fit): the post/pre RMSPE ratio uses "
            "the floor"
        )
    res.notes = notes + res.notes
    return res
