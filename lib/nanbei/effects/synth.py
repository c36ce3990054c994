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

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog, minimize, nnls

from nanbei.panel import check_panel

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
        _spec=spec,
        _donors=list(donors),
    )


# --------------------------------------------------------------------------
# Result objects
# --------------------------------------------------------------------------
def _ax(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 4))
    return ax


@dataclass(repr=False)
class SyntheticControlResult:
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
    """

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
    _spec: Any = None
    _donors: list = field(default_factory=list)

    @property
    def post_pre_ratio(self) -> float:
        """post_rmspe / pre_rmspe, the ADH (2010) test statistic."""
        return self.post_rmspe / self.pre_rmspe if self.pre_rmspe > 0 else np.inf

    def __repr__(self) -> str:
        top = self.weights[self.weights > 0.001].sort_values(ascending=False)
        w = ", ".join(f"{k}={val:.3f}" for k, val in top.head(8).items())
        more = f", ... ({len(top) - 8} more)" if len(top) > 8 else ""
        post = self.gap[self.gap.index >= self.treatment_time]
        return (
            f"SyntheticControlResult(treated={self.treated!r}, treatment_time={_fmt(self.treatment_time)}, "
            f"donors={len(self.weights)})\n"
            f"  weights: {w}{more}\n"
            f"  pre-treatment RMSPE {self.pre_rmspe:.4g} (lower bound {self.rmspe_bound:.4g}); "
            f"post RMSPE {self.post_rmspe:.4g}; mean post gap {post.mean():.4g}"
            + (f"\n  notes: {len(self.notes)} (see .notes)" if self.notes else "")
        )

    def summary(self) -> str:
        """Human-readable report: weights, predictor balance, fit and notes."""
        lines = [repr(self), "", "Donor weights (> 0.001):"]
        top = self.weights[self.weights > 0.001].sort_values(ascending=False)
        lines += [f"  {k:<30} {val:.3f}" for k, val in top.items()]
        lines += ["", "Predictor balance:", self.predictors.round(4).to_string()]
        post = self.gap[self.gap.index >= self.treatment_time]
        lines += ["", f"Mean gap after treatment: {post.mean():.4g} (n={len(post)} periods)"]
        if self.notes:
            lines += ["", "Notes:"] + [f"  - {n}" for n in self.notes]
        return "\n".join(lines)

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

    def plot(self, kind: str = "paths", ax=None):
        """Plot actual vs synthetic (``kind="paths"``) or the gap (``kind="gap"``).

        Returns the matplotlib Axes.
        """
        ax = _ax(ax)
        if kind == "paths":
            ax.plot(
                self.actual.index, self.actual.to_numpy(), color="black", label=str(self.treated)
            )
            ax.plot(
                self.synthetic.index,
                self.synthetic.to_numpy(),
                color="tab:blue",
                ls="--",
                label=f"synthetic {self.treated}",
            )
            ax.set_ylabel(self.outcome)
            ax.legend()
        elif kind == "gap":
            ax.plot(self.gap.index, self.gap.to_numpy(), color="black")
            ax.axhline(0, color="grey", lw=0.8)
            ax.set_ylabel(f"gap in {self.outcome}")
        else:
            raise ValueError(f"plot: kind must be 'paths' or 'gap', got {kind!r}")
        ax.axvline(self.treatment_time, color="grey", ls=":")
        return ax

    # -- inference and robustness ------------------------------------------
    def placebo_space(self) -> PlaceboSpaceResult:
        """In-space placebo test (ADH 2010, section 4).

        Each donor in turn is treated as if it had been treated at
        ``treatment_time``, with the *other* donors as its donor pool (the truly
        treated unit is never a donor), using the same predictors and the same
        rule for V (re-optimised for every placebo if ``v="optimize"``).  The
        permutation p-value is the rank of the treated unit's post/pre RMSPE
        ratio among all J + 1 ratios: p = #{ratio_j >= ratio_treated} / (J + 1).
        """
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
        ratio = post_s / pre_s.replace(0, np.nan)
        ratio = ratio.fillna(np.inf)
        rank = int((ratio >= ratio[self.treated]).sum())
        return PlaceboSpaceResult(
            treated=self.treated,
            treatment_time=self.treatment_time,
            gaps=pd.DataFrame(gaps),
            pre_rmspe=pre_s.rename("pre_rmspe"),
            post_rmspe=post_s.rename("post_rmspe"),
            ratio=ratio.rename("post/pre RMSPE"),
            rank=rank,
            p_value=rank / len(ratio),
        )

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
        )


@dataclass(repr=False)
class PlaceboSpaceResult:
    """In-space placebo test: gaps of every unit treated in turn and the
    rank-based permutation p-value of the post/pre RMSPE ratio (ADH 2010)."""

    treated: Any
    treatment_time: Any
    gaps: pd.DataFrame  # time x unit, treated unit first
    pre_rmspe: pd.Series
    post_rmspe: pd.Series
    ratio: pd.Series
    rank: int
    p_value: float

    def __repr__(self) -> str:
        return (
            f"PlaceboSpaceResult(treated={self.treated!r}, units={len(self.ratio)}): "
            f"post/pre RMSPE ratio {self.ratio[self.treated]:.3g} ranks {self.rank} of "
            f"{len(self.ratio)}, permutation p = {self.p_value:.3f}"
        )

    def summary(self) -> str:
        """The repr plus the ratio table sorted from largest to smallest."""
        return repr(self) + "\n\n" + self.to_frame().round(4).to_string()

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: pre/post RMSPE and their ratio, sorted by ratio."""
        out = pd.concat([self.pre_rmspe, self.post_rmspe, self.ratio], axis=1)
        out["treated"] = out.index == self.treated
        return out.sort_values("post/pre RMSPE", ascending=False)

    def plot(self, mspe_threshold: float | None = None, ax=None):
        """Gap paths of placebos (grey) and the treated unit (black).

        ``mspe_threshold`` drops placebos whose pre-treatment MSPE exceeds that
        multiple of the treated unit's, as in ADH (2010) figures 5-7.
        """
        ax = _ax(ax)
        keep = self.gaps.columns.drop(self.treated)
        if mspe_threshold is not None:
            lim = mspe_threshold * self.pre_rmspe[self.treated] ** 2
            keep = [c for c in keep if self.pre_rmspe[c] ** 2 <= lim]
        for c in keep:
            ax.plot(self.gaps.index, self.gaps[c].to_numpy(), color="grey", alpha=0.4, lw=0.8)
        ax.plot(
            self.gaps.index,
            self.gaps[self.treated].to_numpy(),
            color="black",
            lw=2,
            label=str(self.treated),
        )
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(self.treatment_time, color="grey", ls=":")
        ax.set_ylabel("gap")
        ax.legend()
        return ax


@dataclass(repr=False)
class LeaveOneOutResult:
    """Synthetic paths re-estimated without each positively weighted donor."""

    treated: Any
    treatment_time: Any
    actual: pd.Series
    baseline: pd.Series
    synthetic: pd.DataFrame  # time x dropped donor
    gaps: pd.DataFrame
    weights: pd.DataFrame  # donor x dropped donor
    pre_rmspe: pd.Series

    def __repr__(self) -> str:
        post = self.gaps[self.gaps.index >= self.treatment_time].mean()
        return (
            f"LeaveOneOutResult(treated={self.treated!r}, dropped={list(self.gaps.columns)})\n"
            f"  mean post-treatment gap without each donor: "
            + ", ".join(f"{k}={val:.4g}" for k, val in post.items())
        )

    def summary(self) -> str:
        """The repr plus the per-donor table."""
        return repr(self) + "\n\n" + self.to_frame().round(4).to_string()

    def to_frame(self) -> pd.DataFrame:
        """One row per dropped donor: pre-treatment RMSPE and mean post gap."""
        post = self.gaps[self.gaps.index >= self.treatment_time].mean()
        return pd.DataFrame({"pre_rmspe": self.pre_rmspe, "mean_post_gap": post}).rename_axis(
            "dropped"
        )

    def plot(self, ax=None):
        """Actual, baseline synthetic and the leave-one-out synthetic paths."""
        ax = _ax(ax)
        for c in self.synthetic.columns:
            ax.plot(
                self.synthetic.index, self.synthetic[c].to_numpy(), color="grey", alpha=0.6, lw=0.8
            )
        ax.plot(self.actual.index, self.actual.to_numpy(), color="black", label=str(self.treated))
        ax.plot(
            self.baseline.index,
            self.baseline.to_numpy(),
            color="tab:blue",
            ls="--",
            label="synthetic",
        )
        ax.axvline(self.treatment_time, color="grey", ls=":")
        ax.legend()
        return ax


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
    res.notes = notes + res.notes
    return res
