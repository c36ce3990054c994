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
  treated unit.  It is solved *exactly* (to rounding) by Wolfe's (1976)
  minimum-norm-point algorithm, a finite active-set method whose working set
  never exceeds (number of predictors + 1) points.  It is warm-started from the
  previous support while the outer search moves, so most inner solves take one
  or two small linear solves.  Unlike SLSQP it returns exact zeros for unused
  donors and certifies optimality through the KKT conditions.
* On a fixed support the inner solution is a smooth function of V, so the
  outer loss has an analytic gradient (implicit differentiation of the KKT
  system, one extra small solve).  The outer search runs L-BFGS-B on log V from
  several starts -- equal weights, Synth's regression-based V, a V obtained by
  linear programming that makes the best outcome-only fit an inner optimum
  (when one exists), and seeded random starts -- followed by a Nelder-Mead
  polish of the best.  The lowest pre-treatment MSPE is kept, and every start
  is reported in ``result.optimizer``.
* The pre-treatment MSPE of the best convex combination fitted to the
  outcomes directly is a lower bound for any V; it is reported
  (``result.rmspe_bound``), so one can see how far from the global optimum the
  nested search is (when the bound is reached the solution is globally
  optimal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog, minimize

from nanbei.panel import check_panel

__all__ = [
    "synthetic_control",
    "SyntheticControlResult",
    "PlaceboSpaceResult",
    "LeaveOneOutResult",
]

_EPS_W = 1e-12  # weights below this (relative) are exact zeros in the active set


# --------------------------------------------------------------------------
# Inner problem: least squares on the simplex (Wolfe's minimum-norm point)
# --------------------------------------------------------------------------
def _affine_min(PS: np.ndarray) -> np.ndarray | None:
    """Coefficients ``a`` (summing to 1) of the point of minimum norm in the
    affine hull of the columns of ``PS``; None if they are affinely dependent."""
    m = PS.shape[1]
    if m == 1:
        return np.ones(1)
    p0 = PS[:, 0]
    B = PS[:, 1:] - p0[:, None]
    # normal equations of min ||p0 + B beta||; B has <= k+1 columns and full
    # column rank while the working set is affinely independent.
    BtB = B.T @ B
    try:
        c = np.linalg.cholesky(BtB + 1e-14 * np.trace(BtB) * np.eye(m - 1))
    except np.linalg.LinAlgError:
        return None
    beta = -np.linalg.solve(c.T, np.linalg.solve(c, B.T @ p0))
    a = np.empty(m)
    a[0] = 1.0 - beta.sum()
    a[1:] = beta
    return a


def _simplex_lsq(P: np.ndarray, start: np.ndarray | None = None, tol: float = 1e-12):
    """Minimise ``||P w||^2`` over the unit simplex (Wolfe 1976).

    ``P`` is k x J; column j is donor j's (weighted) predictor vector minus the
    treated unit's, so ``P w = V^(1/2) (X0 w - X1)`` for w on the simplex.
    ``start`` (a feasible weight vector) warm-starts the working set.
    Returns the weight vector (exact zeros off the support).
    """
    k, J = P.shape
    norms = np.einsum("ij,ij->j", P, P)
    scale = max(norms.max(), 1e-300)
    if start is not None:
        S = list(np.flatnonzero(start > _EPS_W))
        lam = start[S] / start[S].sum()
        if len(S) > k + 1:  # cannot be affinely independent: restart cold
            S = None
    else:
        S = None
    if S is None or len(S) == 0:
        j = int(np.argmin(norms))
        S, lam = [j], np.ones(1)
        need_minor = False
    else:
        need_minor = len(S) > 1
    for _ in range(50 * (J + k) + 100):
        if need_minor:
            # minor cycle: move to the affine minimum of the working set,
            # dropping points whose coefficient would become negative
            while True:
                a = _affine_min(P[:, S])
                if a is None:  # numerically dependent: drop the smallest weight
                    drop = int(np.argmin(lam))
                    del S[drop]
                    lam = np.delete(lam, drop)
                    lam /= lam.sum()
                    continue
                if np.all(a > 1e-14):
                    lam = a
                    break
                neg = a <= 1e-14
                ratio = lam[neg] / (lam[neg] - a[neg])
                theta = ratio.min() if ratio.size else 0.0
                lam = theta * a + (1 - theta) * lam
                keep = lam > 1e-14
                S = [s for s, kk in zip(S, keep) if kk]
                lam = lam[keep]
                lam /= lam.sum()
        x = P[:, S] @ lam
        g = P.T @ x
        j = int(np.argmin(g))
        xx = x @ x
        if xx - g[j] <= tol * scale or xx <= 1e-28 * scale or j in S:
            break
        S.append(j)
        lam = np.append(lam, 0.0)
        need_minor = True
    w = np.zeros(J)
    w[S] = lam
    return w


def _inner(D: np.ndarray, v: np.ndarray, start=None) -> np.ndarray:
    """Donor weights for predictor weights ``v`` (D = X0 - X1, standardised)."""
    return _simplex_lsq(np.sqrt(v)[:, None] * D, start)


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
        a = np.linalg.lstsq(K, rhs, rcond=1e-12)[0][:m]
        return L, -(DS @ a) * e


def _regression_v(X: np.ndarray, Z: np.ndarray) -> np.ndarray:
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
        res = linprog(c, A_ub=A_ub if N.any() else None, b_ub=b_ub if N.any() else None,
                      A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    except ValueError:
        return None
    if res.status != 0 or res.x[-1] < 0:
        return None
    return res.x[:k]


_LOG_VMIN = np.log(1e-10)


def _optimise_v(P: _Problem, n_random: int = 4, seed: int = 0):
    """Nested optimisation over V; returns (w, v, loss, table of starts)."""
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
    for i in range(n_random):
        starts.append((f"random {i + 1}", rng.dirichlet(np.ones(k))))

    state = {"w": None}

    def fun(theta):
        v = np.exp(theta)
        w = _inner(P.D, v, state["w"])
        state["w"] = w
        L, gv = P.loss_grad_v(v, w)
        return L, gv * v

    def fun_only(theta):
        v = np.exp(np.clip(theta, _LOG_VMIN, 0.0))
        w = _inner(P.D, v, state["w"])
        state["w"] = w
        return P.loss(w)

    rows = []
    best = (np.inf, None, None)
    for name, v0 in starts:
        v0 = np.maximum(v0 / v0.max(), 1e-10)
        theta0 = np.log(v0)
        state["w"] = None
        L0 = fun_only(theta0)
        if k > 1:
            res = minimize(fun, theta0, jac=True, method="L-BFGS-B",
                           bounds=[(_LOG_VMIN, 0.0)] * k,
                           options={"maxiter": 200, "ftol": 1e-12, "gtol": 1e-10})
            theta, L = res.x, float(res.fun)
        else:
            theta, L = theta0, L0
        if L0 < L:
            theta, L = theta0, L0
        rows.append({"start": name, "start_mspe": L0, "mspe": L})
        if L < best[0]:
            best = (L, theta, name)
    # derivative-free polish of the best point: the loss has kinks where the
    # inner support changes, at which a gradient method can stall.
    if k > 1:
        state["w"] = None
        res = minimize(fun_only, best[1], method="Nelder-Mead",
                       options={"maxiter": 100 * k, "xatol": 1e-6, "fatol": 1e-14})
        if res.fun < best[0] - 1e-15 * max(1.0, best[0]):
            rows.append({"start": f"polish of {best[2]}", "start_mspe": best[0], "mspe": float(res.fun)})
            best = (float(res.fun), np.clip(res.x, _LOG_VMIN, 0.0), f"polish of {best[2]}")
    v = np.exp(best[1])
    v = v / v.sum()
    w = _inner(P.D, v)
    table = pd.DataFrame(rows)
    return w, v, P.loss(w), bound, table, best[2]
