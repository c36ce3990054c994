"""Sensitivity of event-study conclusions to violations of parallel trends (Rambachan & Roth 2023).

Given event-study coefficients ``beta = (beta_pre, beta_post)`` and their covariance, the
post-period coefficients are ``tau_post + delta_post`` where ``delta`` is the (unknown)
difference in trends; ``beta_pre = delta_pre`` is its observable part.  Restricting how
``delta_post`` may relate to ``delta_pre`` gives a set of treatment effects consistent with
the data; Rambachan & Roth build confidence intervals for ``theta = l' tau_post`` that are
valid uniformly over the restriction, and report them as the restriction is loosened:

``relative_magnitude`` (Delta^RM(Mbar))
    every post-period change in the trend gap is at most ``Mbar`` times the largest
    pre-period change: ``|delta_{t+1} - delta_t| <= Mbar max_{s<0} |delta_{s+1} - delta_s|``.
    Intervals: the conditional-least-favourable hybrid test of Andrews, Roth & Pakes (ARP,
    ``method="C-LF"``, the R package's default), inverted on a grid of ``theta``, taking the
    union over which pre-period change is the largest and its sign.
``smoothness`` (Delta^SD(M))
    the slope of the trend gap changes by at most ``M`` between consecutive periods:
    ``|(delta_{t+1} - delta_t) - (delta_t - delta_{t-1})| <= M``.  Intervals: the optimal
    fixed-length confidence interval (FLCI, Armstrong & Kolesar), the R package's default.

The **breakdown value** is the largest ``Mbar`` (``M``) at which the interval still excludes
zero; it is found by bisection on the restriction with the exact test of ``theta = 0``
(RM) or the exact FLCI (SD), not read off a coarse grid.

The code follows the R package ``HonestDiD`` (Rambachan & Roth; ``R/deltarm.R``,
``R/arp-nuisance.R``, ``R/flci.R``): the same moment matrices, grid defaults (1,000 points on
``+-20`` standard errors of ``theta`` for RM), hybrid size ``kappa = alpha / 10`` and 1,000
simulations for the least-favourable critical value.  Two numerical choices differ: the
ARP linear programmes are solved once per dual vertex (the dual feasible set does not depend
on ``theta``, so every grid point and simulation draw reuses the vertices found; HiGHS
solves the few programmes needed), and the folded-normal quantile of the FLCI is computed
exactly instead of from 10^6 simulated draws.  The simulated least-favourable critical value
uses numpy's generator, not R's, so it differs by simulation noise.  Validation against the
published README example of the R package (Medicaid expansion, ``ehec`` data) is in
``tests/test_effects_honest.py``.

Why not the Python port ``honestdid`` (0.1.1 on PyPI): it requires torch, cvxpy and sympy for
linear algebra that numpy and scipy's HiGHS already do; a 1 GB dependency to solve programmes
with a dozen variables is not sound for a project that must install anywhere.

References
----------
Rambachan, A. and Roth, J. (2023). A more credible approach to parallel trends. Review of
Economic Studies 90(5), 2555-2591.
Andrews, I., Roth, J. and Pakes, A. (2023). Inference for linear conditional moment
inequalities. Review of Economic Studies 90(6), 2763-2791.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from nanbei.results import Result, Summary, tidy_frame

__all__ = ["HonestDiDResult", "honest_did", "honest_did_event_study"]

_RESTRICTIONS = ("relative_magnitude", "smoothness")
_LAMBDA_TOL = 1e-6


# --------------------------------------------------------------------------------------
# small helpers (R: .basisVector, .construct_Gamma, .norminvp_generalized)
# --------------------------------------------------------------------------------------
def _gamma(l_vec: np.ndarray) -> np.ndarray:
    """Invertible matrix whose first row is l' and the others unit vectors (the pivot columns
    of rref([l, I]), as R's ``.construct_Gamma``)."""
    T = len(l_vec)
    rows = [np.asarray(l_vec, float)]
    for j in range(T):
        e = np.zeros(T)
        e[j] = 1.0
        cand = np.vstack([*rows, e])
        if np.linalg.matrix_rank(cand) == len(cand):
            rows.append(e)
        if len(rows) == T:
            break
    return np.vstack(rows)


def _truncnorm_quantile(p: float, lo: float, hi: float) -> float:
    """Quantile of a standard normal truncated to [lo, hi] (TruncatedNormal::norminvp)."""
    if not lo < hi:
        return float(lo)
    with np.errstate(all="ignore"):
        q = stats.truncnorm.ppf(p, lo, hi)
    if not np.isfinite(q):  # far tails: exponential approximation of the truncated tail
        if lo > 0:
            return (
                float(lo - math.log1p(-p * (1 - math.exp(-lo * (hi - lo)))) / lo)
                if np.isfinite(hi)
                else float(lo - math.log1p(-p) / lo)
            )
        return float(hi)
    return float(q)


def _folded_normal_quantile(p: float, mu: float) -> float:
    """p-quantile of |N(mu, 1)| (R: .qfoldednormal, there by simulation)."""
    from scipy.special import ndtr

    mu = abs(mu)

    def f(x):
        return ndtr(x - mu) - ndtr(-x - mu) - p

    hi = mu + 10.0
    return float(optimize.brentq(f, 0.0, hi, xtol=1e-14))


# --------------------------------------------------------------------------------------
# moment matrices (R: .create_A_RM, .create_A_SD)
# --------------------------------------------------------------------------------------
def _a_rm(n_pre: int, n_post: int, mbar: float, s: int, positive: bool) -> np.ndarray:
    K = n_pre + n_post
    At = np.zeros((K, K + 1))
    for r in range(K):
        At[r, r : r + 2] = (-1.0, 1.0)
    v = np.zeros(K + 1)
    v[n_pre + s - 1 : n_pre + s + 1] = (-1.0, 1.0)
    if not positive:
        v = -v
    A_ub = np.vstack([np.tile(v, (n_pre, 1)), np.tile(mbar * v, (n_post, 1))])
    A = np.vstack([At - A_ub, -At - A_ub])
    A = A[np.einsum("ij,ij->i", A, A) > 1e-10]
    return np.delete(A, n_pre, axis=1)


# --------------------------------------------------------------------------------------
# the ARP linear programme  min eta  s.t.  sd_j eta + X_j delta >= y_j, by dual vertices
# --------------------------------------------------------------------------------------
_MAX_BASES = 400_000


class _DualVertexLP:
    """``eta(y) = min{eta : sd eta + X delta >= y}`` for many right-hand sides ``y`` at once.

    By duality ``eta(y) = max{lambda'y : lambda >= 0, sd'lambda = 1, X'lambda = 0}``; the
    feasible polytope ``P`` does not depend on ``y``, so its vertices are enumerated once (every
    basis of ``k + 1`` rows whose solution is non-negative) and ``eta(y)`` is the largest
    ``lambda_v'y``; the maximising vertex is the dual solution the ARP test conditions on.
    Enumeration is exact and, for the few moments of an event study, fast; more than
    ``_MAX_BASES`` candidate bases are refused with advice to use fewer post periods.
    """

    def __init__(self, sd: np.ndarray, X: np.ndarray):
        import itertools

        self.sd = np.asarray(sd, float)
        self.X = np.asarray(X, float).reshape(len(self.sd), -1)
        self.W = np.column_stack([self.sd, self.X])
        M, k1 = self.W.shape
        self.k1 = k1
        n_bases = math.comb(M, k1)
        if n_bases > _MAX_BASES:
            raise ValueError(
                f"honest_did: {M} moments and {k1 - 1} nuisance parameters give {n_bases:,} "
                "candidate bases of the ARP programme; use fewer post-period coefficients "
                "(max_post=) for the sensitivity analysis"
            )
        lams = []
        e1 = np.zeros(k1)
        e1[0] = 1.0
        for chunk in _chunks(itertools.combinations(range(M), k1), 20000):
            B = np.array(chunk)
            WB = self.W[B]  # n x k1 x k1 (rows B)
            det = np.linalg.det(WB)
            ok = np.abs(det) > 1e-12 * np.maximum(1.0, np.abs(WB).max(axis=(1, 2))) ** k1
            if not ok.any():
                continue
            lb = np.linalg.solve(
                np.transpose(WB[ok], (0, 2, 1)), np.broadcast_to(e1, (int(ok.sum()), k1))[..., None]
            )[..., 0]
            feas = np.all(lb >= -1e-10, axis=1)
            full = np.zeros((int(feas.sum()), M))
            rows = B[ok][feas]
            full[np.arange(len(rows))[:, None], rows] = np.maximum(lb[feas], 0.0)
            lams.append(full)
        if not lams:
            raise ValueError("honest_did: the ARP programme has no dual vertex (unbounded)")
        L = np.vstack(lams)
        L = np.unique(np.round(L, 12), axis=0)
        self.L = L
        self.support = [np.flatnonzero(row > _LAMBDA_TOL) for row in L]

    def solve(self, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Y = np.atleast_2d(np.asarray(Y, float))
        vals = Y @ self.L.T
        v = np.argmax(vals, axis=1)
        return vals[np.arange(len(Y)), v], v


def _chunks(iterable, size):
    buf = []
    for item in iterable:
        buf.append(item)
        if len(buf) == size:
            yield buf
            buf = []
    if buf:
        yield buf


def _lf_cv_nuisance(sd_rows, X_rows, sigma_rows, kappa, sims, rng, lp: _DualVertexLP):
    xi = rng.multivariate_normal(np.zeros(len(sd_rows)), sigma_rows, size=sims, method="eigh")
    eta, _ = lp.solve(xi)
    return float(np.quantile(eta, 1 - kappa))


def _conditional_accept(
    eta, vert, Y, lp: _DualVertexLP, sigma, alpha, kappa, lf_cv, hybrid: str
) -> np.ndarray:
    """ARP conditional (hybrid) test given the LP solutions of each right-hand side ``Y``.
    Returns 1 where theta is accepted (R: 1 - .lp_conditional_test_fn()$reject)."""
    n = len(Y)
    accept = np.ones(n)
    mod = (alpha - kappa) / (1 - kappa) if hybrid == "LF" else alpha
    M = len(lp.sd)
    cap = lf_cv if hybrid == "LF" else np.inf
    first = eta > lf_cv if hybrid == "LF" else np.zeros(n, bool)
    accept[first] = 0.0
    for v in np.unique(vert[~first]):
        sel = np.flatnonzero((vert == v) & ~first)
        B = lp.support[v]
        XB = lp.X[B]
        full_rank = len(B) > 0 and np.linalg.matrix_rank(XB) == min(XB.shape) and min(XB.shape) > 0
        Ys = Y[sel]
        if len(B) != lp.k1 or not full_rank:
            # R's dual route (.lp_dual_fn): the truncation interval of c = lambda'y along
            # sigma lambda, where the vertex stays optimal; closed form over the vertices.
            lam = lp.L[v]
            s2 = float(lam @ sigma @ lam)
            if abs(s2) < np.finfo(float).eps:
                accept[sel] = np.where(eta[sel] > 0, 0.0, 1.0)
                continue
            sB = math.sqrt(s2)
            bvec = sigma @ lam / s2
            beta_v = lp.L @ bvec  # slopes of every vertex along the direction
            e = eta[sel]
            alpha_v = Ys @ lp.L.T - np.outer(Ys @ lam, beta_v)  # points x vertices
            low = beta_v < 1 - 1e-12
            up = beta_v > 1 + 1e-12
            with np.errstate(divide="ignore", invalid="ignore"):
                cut = alpha_v / (1 - beta_v)[None, :]
            vlo = (
                np.max(np.where(low[None, :], cut, -np.inf), axis=1)
                if low.any()
                else np.full(len(sel), -np.inf)
            )
            vup = (
                np.min(np.where(up[None, :], cut, np.inf), axis=1)
                if up.any()
                else np.full(len(sel), np.inf)
            )
            vlo = np.where(vlo < np.minimum(-100.0, e - 20 * sB), -np.inf, vlo)
            vup = np.where(vup > np.maximum(100.0, e + 20 * sB), np.inf, vup)
            maxstat = e / sB
            zlo, zup = vlo / sB, np.minimum(vup, cap) / sB
            inside = (zlo <= maxstat) & (maxstat <= zup)
            accept[sel[~inside]] = 1.0
            if inside.any():
                cval = np.maximum(0.0, _truncnorm_quantiles(1 - mod, zlo[inside], zup[inside]))
                accept[sel[inside]] = np.where(maxstat[inside] > cval, 0.0, 1.0)
            continue
        inv = np.linalg.inv(lp.W[B])
        Bc = np.setdiff1d(np.arange(M), B)
        S_B = np.eye(M)[B]
        S_Bc = np.eye(M)[Bc]
        Gamma_B = lp.W[Bc] @ inv @ S_B - S_Bc
        v_B = inv[0] @ S_B
        s2 = float(v_B @ sigma @ v_B)
        sB = math.sqrt(s2)
        rho = Gamma_B @ sigma @ v_B / s2
        with np.errstate(divide="ignore", invalid="ignore"):
            mm = (-(Ys @ Gamma_B.T)) / rho[None, :] + (Ys @ v_B)[:, None]
        vlo = (
            np.max(np.where(rho[None, :] > 0, mm, -np.inf), axis=1)
            if (rho > 0).any()
            else np.full(len(sel), -np.inf)
        )
        vup = (
            np.min(np.where(rho[None, :] < 0, mm, np.inf), axis=1)
            if (rho < 0).any()
            else np.full(len(sel), np.inf)
        )
        zlo = vlo / sB
        zup = np.minimum(vup, cap) / sB
        maxstat = eta[sel] / sB
        inside = (zlo <= maxstat) & (maxstat <= zup)
        accept[sel[~inside]] = 1.0
        if inside.any():
            cval = np.maximum(0.0, _truncnorm_quantiles(1 - mod, zlo[inside], zup[inside]))
            accept[sel[inside]] = np.where(maxstat[inside] > cval, 0.0, 1.0)
    return accept


def _truncnorm_quantiles(p: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Vectorised quantile of N(0, 1) truncated to [lo, hi], computed in the tail where it is
    accurate (upper-tail probabilities when lo > 0); extreme tails fall back to
    :func:`_truncnorm_quantile`."""
    from scipy.special import ndtr, ndtri

    lo = np.asarray(lo, float)
    hi = np.asarray(hi, float)
    with np.errstate(all="ignore"):
        a, b = ndtr(lo), ndtr(hi)
        q_low = ndtri(a + p * (b - a))
        sa, sb = ndtr(-lo), ndtr(-hi)
        q_up = -ndtri(sa - p * (sa - sb))
        q = np.where(lo > 0, q_up, q_low)
    bad = ~np.isfinite(q) | ~(lo < hi) | ((lo > 0) & (sa < 1e-300))
    for i in np.flatnonzero(bad):
        q[i] = _truncnorm_quantile(p, lo[i], hi[i])
    return np.clip(q, lo, hi)


def _rm_accept(
    beta, sigma, n_pre, n_post, l_vec, mbar, theta, alpha, kappa, sims, seed, hybrid="LF"
) -> np.ndarray:
    """Acceptance (0/1) of each theta for Delta^RM(mbar): the union over s and the sign."""
    theta = np.atleast_1d(np.asarray(theta, float))
    accept = np.zeros(len(theta))
    Gam = _gamma(l_vec)
    Ginv = np.linalg.inv(Gam)
    for s in range(-(n_pre - 1), 1):
        for positive in (True, False):
            A = _a_rm(n_pre, n_post, mbar, s, positive)
            if n_post > 1:
                rows = np.flatnonzero(np.any(A[:, n_pre:] != 0, axis=1))
            else:
                rows = np.flatnonzero(A[:, -1] != 0)
            if n_post == 1:
                acc = _nonuisance_accept(
                    beta, sigma, A[rows], n_pre, theta, alpha, kappa, sims, seed, hybrid
                )
            else:
                AG = A[:, n_pre:] @ Ginv
                a1, X = AG[:, 0], AG[:, 1:]
                Y = A @ beta
                sY = A @ sigma @ A.T
                Xr, sr = X[rows], sY[np.ix_(rows, rows)]
                sd = np.sqrt(np.diag(sr))
                lp = _DualVertexLP(sd, Xr)
                rng = np.random.default_rng(seed)
                lf = _lf_cv_nuisance(sd, Xr, sr, kappa, sims, rng, lp) if hybrid == "LF" else np.inf
                todo = np.flatnonzero(accept == 0)
                Ys = Y[rows][None, :] - np.outer(theta[todo], a1[rows])
                eta, vert = lp.solve(Ys)
                acc = np.zeros(len(theta))
                acc[todo] = _conditional_accept(eta, vert, Ys, lp, sr, alpha, kappa, lf, hybrid)
            accept = np.maximum(accept, acc)
            if accept.all():
                return accept
    return accept


def _nonuisance_accept(beta, sigma, A, n_pre, theta, alpha, kappa, sims, seed, hybrid):
    """One post period (R: .APR_computeCI_NoNuis with .testInIdentifiedSet_LF_Hybrid)."""
    sA = A @ sigma @ A.T
    sdt = np.sqrt(np.diag(sA))
    At = A / sdt[:, None]
    rng = np.random.default_rng(seed)
    if hybrid == "LF":
        xi = rng.multivariate_normal(np.zeros(len(sdt)), sA, size=sims, method="eigh") / sdt
        lf = float(np.quantile(xi.max(axis=1), 1 - kappa))
        mod = (alpha - kappa) / (1 - kappa)
    else:
        lf, mod = np.inf, alpha
    out = np.zeros(len(theta))
    e = np.zeros(len(beta))
    e[n_pre] = 1.0
    for i, th in enumerate(theta):
        y = beta - e * th
        mom = At @ y
        j = int(np.argmax(mom))
        if mom[j] > lf:
            continue
        gam = At[j]
        Abar = At - At[j][None, :]
        sbar = math.sqrt(float(gam @ sigma @ gam))
        c = sigma @ gam / (sbar**2)
        z = y - c * float(gam @ y)
        Ac = Abar @ c
        obj = (-(Abar @ z)) / np.where(Ac != 0, Ac, np.nan)
        vlo = np.nanmax(obj[Ac < 0]) if (Ac < 0).any() else -np.inf
        vup = np.nanmin(obj[Ac > 0]) if (Ac > 0).any() else np.inf
        cval = max(0.0, _truncnorm_quantile(1 - mod, vlo / sbar, vup / sbar) * sbar)
        out[i] = 0.0 if mom[j] > cval else 1.0
    return out


# --------------------------------------------------------------------------------------
# FLCI for Delta^SD(M) (R: findOptimalFLCI)
# --------------------------------------------------------------------------------------
class _FLCI:
    def __init__(self, sigma, n_pre, n_post, l_vec, alpha):
        self.n_pre, self.n_post, self.l, self.alpha = n_pre, n_post, np.asarray(l_vec, float), alpha
        S_pre = sigma[:n_pre, :n_pre]
        S_pp = sigma[:n_pre, n_pre:]
        D = np.eye(n_pre)
        for c in range(n_pre - 1):
            D[c + 1, c] = -1.0
        self.D = D  # l_pre = D w
        self.Q = D.T @ S_pre @ D
        self.b = 2 * D.T @ S_pp @ self.l
        self.c0 = float(self.l @ sigma[n_pre:, n_pre:] @ self.l)
        t = np.arange(1, n_post + 1)
        self.sumw = float(t @ self.l)
        self.const = (
            sum(
                abs(float(np.arange(1, s + 1) @ self.l[n_post - s :])) for s in range(1, n_post + 1)
            )
            - self.sumw
        )
        self.L = np.tril(np.ones((n_pre, n_pre)))
        # minimum variance subject to sum(w) = sumw (closed form, Lagrange)
        Qr = self.Q + 1e-14 * np.trace(self.Q) * np.eye(n_pre)
        K = np.block([[2 * Qr, np.ones((n_pre, 1))], [np.ones((1, n_pre)), np.zeros((1, 1))]])
        sol = np.linalg.solve(K, np.r_[-self.b, self.sumw])
        self.w_minvar = sol[:n_pre]
        self.h_min = math.sqrt(max(self.var(self.w_minvar), 0.0))
        w0 = np.zeros(n_pre)
        w0[-1] = self.sumw
        self.w_minbias = w0
        self.h0 = math.sqrt(max(self.var(w0), 0.0))

    def var(self, w):
        return float(w @ self.Q @ w + self.b @ w + self.c0)

    def bias(self, h):
        """Smallest worst-case bias (per unit of M) of estimators with sd <= h; and its w."""
        n = self.n_pre
        if h >= self.h0 - 1e-14:
            w = self.w_minbias
            return self.const + float(np.abs(self.L @ w).sum()), w
        # variables x = (u, w); minimise sum(u) s.t. u >= |L w|, sum w = sumw, var(w) <= h^2
        w_start = (
            self.w_minvar
            + (self.w_minbias - self.w_minvar)
            * max(0.0, min(1.0, (h - self.h_min) / max(self.h0 - self.h_min, 1e-300)))
            * 0.5
        )
        x0 = np.r_[np.abs(self.L @ w_start) + 1e-9, w_start]
        scale = max(self.h0, 1e-300) ** 2
        cons = [
            {
                "type": "ineq",
                "fun": lambda x: x[:n] - self.L @ x[n:],
                "jac": lambda x: np.hstack([np.eye(n), -self.L]),
            },
            {
                "type": "ineq",
                "fun": lambda x: x[:n] + self.L @ x[n:],
                "jac": lambda x: np.hstack([np.eye(n), self.L]),
            },
            {
                "type": "eq",
                "fun": lambda x: np.array([x[n:].sum() - self.sumw]),
                "jac": lambda x: np.r_[np.zeros(n), np.ones(n)][None, :],
            },
            {
                "type": "ineq",
                "fun": lambda x: np.array([(h * h - self.var(x[n:])) / scale]),
                "jac": lambda x: np.r_[np.zeros(n), -(2 * self.Q @ x[n:] + self.b) / scale][
                    None, :
                ],
            },
        ]
        res = optimize.minimize(
            lambda x: x[:n].sum(),
            x0,
            jac=lambda x: np.r_[np.ones(n), np.zeros(n)],
            constraints=cons,
            method="SLSQP",
            options={"maxiter": 500, "ftol": 1e-13},
        )
        w = res.x[n:]
        return self.const + float(np.abs(self.L @ w).sum()), w

    def halflength(self, h, M):
        bias, w = self.bias(h)
        if h <= 0:
            return np.inf, w
        return _folded_normal_quantile(1 - self.alpha, M * bias / h) * h, w

    def _curve(self):
        """Worst-case bias on a grid of sd bounds h (exact solves), with a monotone (PCHIP)
        interpolant: the optimal h of every M is searched on the interpolant, and the interval
        then uses the exact bias at that h (so it is valid; at worst negligibly longer than the
        exact optimum, where the half-length is flat in h)."""
        if getattr(self, "_interp", None) is None:
            from scipy.interpolate import PchipInterpolator

            lo, hi = self.h_min, self.h0
            grid = lo + (hi - lo) * (1 - np.cos(np.linspace(0, np.pi, 61))) / 2
            bias = np.array([self.bias(h)[0] for h in grid])
            bias = np.minimum.accumulate(bias)  # non-increasing in h (up to solver noise)
            self._grid = grid
            self._interp = PchipInterpolator(grid, bias)
        return self._grid, self._interp

    def optimal(self, M):
        lo, hi = self.h_min, self.h0
        if hi - lo <= 1e-12 * max(hi, 1e-300) or M == 0:
            h = lo if M == 0 else hi
            hl, w = self.halflength(h, M)
            return hl, w, h
        grid, interp = self._curve()
        fine = np.linspace(lo, hi, 2001)
        b = np.maximum(interp(fine), 0.0)
        hl = np.array(
            [
                _folded_normal_quantile(1 - self.alpha, M * bb / h) * h
                for bb, h in zip(b[::20], fine[::20], strict=True)
            ]
        )
        i = int(np.argmin(hl)) * 20
        a, c = fine[max(i - 20, 0)], fine[min(i + 20, len(fine) - 1)]
        res = optimize.minimize_scalar(
            lambda h: (
                _folded_normal_quantile(1 - self.alpha, M * max(float(interp(h)), 0.0) / h) * h
            ),
            bounds=(a, c),
            method="bounded",
            options={"xatol": 1e-9 * max(hi, 1e-300)},
        )
        h = float(res.x)
        hl, w = self.halflength(h, M)
        return hl, w, h

    def interval(self, beta, M):
        hl, w, h = self.optimal(M)
        l_pre = self.D @ w
        center = float(l_pre @ beta[: self.n_pre] + self.l @ beta[self.n_pre :])
        return center - hl, center + hl


# --------------------------------------------------------------------------------------
# result and entry points
# --------------------------------------------------------------------------------------
@dataclass(repr=False)
class HonestDiDResult(Result):
    """Robust confidence intervals over a grid of restrictions, and the breakdown value.

    Attributes
    ----------
    table : one row per restriction value ``M`` with ``lb, ub`` (the robust interval),
        ``method`` ("C-LF" or "FLCI") and ``restriction``.
    original : the conventional interval of ``theta`` (``lb, ub``) under exact parallel trends.
    estimate, std_error : ``l' beta_post`` and its standard error.
    breakdown : the largest restriction value at which the robust interval excludes zero
        (0 if even ``M = 0`` does not; ``inf``-like ``M_max`` flagged by ``breakdown_censored``
        when zero is excluded over the whole searched range); NaN when the conventional
        interval already contains zero.
    """

    _name = "HonestDiD sensitivity"

    table: pd.DataFrame
    original: tuple[float, float]
    estimate: float
    std_error: float
    restriction: str
    method: str
    alpha: float = 0.05
    breakdown: float = math.nan
    breakdown_censored: bool = False
    l_vec: np.ndarray | None = field(default=None, repr=False)
    n_pre: int = 0
    n_post: int = 0
    n_obs: int = 0
    label: str = "theta"

    @property
    def parameter(self) -> str:
        return "Mbar" if self.restriction == "relative_magnitude" else "M"

    def tidy(self) -> pd.DataFrame:
        rows = [
            {
                "term": "original",
                "estimate": self.estimate,
                "std_error": self.std_error,
                "conf_low": self.original[0],
                "conf_high": self.original[1],
                "M": np.nan,
            }
        ]
        for _, r in self.table.iterrows():
            rows.append(
                {
                    "term": f"{self.parameter}={r['M']:.4g}",
                    "estimate": self.estimate,
                    "conf_low": r["lb"],
                    "conf_high": r["ub"],
                    "M": r["M"],
                }
            )
        out = tidy_frame(rows)
        out["n_obs"] = self.n_obs
        return out

    def summary(self) -> Summary:
        tab = self.table.set_index("M")[["lb", "ub"]]
        tab.index.name = self.parameter
        orig = pd.DataFrame(
            {"lb": [self.original[0]], "ub": [self.original[1]]},
            index=pd.Index(["parallel trends"], name=""),
        )
        notes = [
            f"{self.restriction} restriction, {self.method} intervals at "
            f"{100 * (1 - self.alpha):.0f}%; parameter {self.label}",
            f"breakdown value: {self.breakdown_text()}",
        ]
        return Summary(
            f"HonestDiD sensitivity ({self.restriction})",
            [("Conventional interval", orig), ("Robust intervals", tab)],
            notes,
        )

    def breakdown_text(self) -> str:
        if not np.isfinite(self.breakdown):
            return "none (the conventional interval already contains zero)"
        if self.breakdown_censored:
            return f"above {self.breakdown:.4g} (zero excluded over the whole range searched)"
        return f"{self.parameter} = {self.breakdown:.4g}"

    def __repr__(self) -> str:
        return (
            f"HonestDiDResult({self.restriction}, {self.method}, {len(self.table)} values, "
            f"breakdown {self.breakdown_text()})"
        )

    def _plot(self, ax, labels, lang, **kwargs):
        from nanbei.labels import text

        t = self.table
        x = t["M"].to_numpy(float)
        ax.vlines(
            x,
            t["lb"],
            t["ub"],
            color="C0",
            lw=2,
            label=text("honest_robust", lang, method=self.method),
        )
        ax.plot(x, t["lb"], "_", color="C0")
        ax.plot(x, t["ub"], "_", color="C0")
        step = (x[1] - x[0]) if len(x) > 1 else 1.0
        ax.vlines(
            [x[0] - step],
            [self.original[0]],
            [self.original[1]],
            color="C3",
            lw=2,
            label=text("honest_parallel", lang),
        )
        ax.axhline(0, color="grey", lw=0.8)
        if np.isfinite(self.breakdown) and not self.breakdown_censored:
            ax.axvline(self.breakdown, color="grey", ls=":", label=text("honest_breakdown", lang))
        ax.set_xlabel(text(f"honest_param_{self.restriction}", lang))
        ax.set_ylabel(
            text(
                "honest_ylabel",
                lang,
                level=f"{100 * (1 - self.alpha):.0f}%",
                label=label_text(self.label, lang),
            )
        )
        ax.set_title(
            text("honest_title", lang, restriction=text(f"honest_{self.restriction}", lang))
        )
        ax.legend(frameon=False)


#: The target-parameter labels nanbei sets (:func:`honest_did_event_study`, :func:`honest_did`),
#: by their key in :data:`nanbei.labels.TEXT`.
_LABEL_KEYS = {
    "effect at e = 0": "honest_label_first",
    "average post-period effect": "honest_label_average",
    "theta": "honest_label_theta",
}


def label_text(label: str, lang: str) -> str:
    """The target parameter's ``label`` in ``lang``: nanbei's own labels ("average post-period
    effect", ...) are translated, a label the caller chose is shown as given."""
    from nanbei.labels import text

    key = _LABEL_KEYS.get(label)
    return text(key, lang) if key is not None else str(label)


def honest_did(
    betahat,
    sigma,
    n_pre: int,
    n_post: int,
    *,
    restriction: str = "relative_magnitude",
    M=None,
    l_vec=None,
    alpha: float = 0.05,
    grid_points: int = 1000,
    grid_lb: float | None = None,
    grid_ub: float | None = None,
    sims: int = 1000,
    seed: int = 0,
    breakdown: bool = True,
    label: str = "theta",
    n_obs: int = 0,
) -> HonestDiDResult:
    """Rambachan-Roth robust intervals for ``theta = l' tau_post`` over restriction values.

    Parameters
    ----------
    betahat, sigma : event-study coefficients without the reference period, pre-periods first
        (``n_pre`` of them, ordered in time), then ``n_post`` post-periods; and their
        covariance.
    restriction : "relative_magnitude" (``M`` = Mbar, C-LF intervals) or "smoothness"
        (``M``, FLCI).
    M : values of the restriction (default: R's defaults, Mbar in 0..2 (10 values) for RM and
        0..the upper bound from the pre-period second differences for SD).
    l_vec : weights of the post-period effects (default: the first post period, as R).
    grid_points, grid_lb, grid_ub : the theta grid of the RM test inversion (R's defaults).
    sims, seed : simulations for the least-favourable critical value.
    breakdown : also find the breakdown value by bisection.
    """
    what = "honest_did"
    if restriction not in _RESTRICTIONS:
        raise ValueError(f"{what}: restriction must be one of {_RESTRICTIONS}, got {restriction!r}")
    beta = np.asarray(betahat, float).ravel()
    sig = np.asarray(sigma, float)
    if beta.size != n_pre + n_post or sig.shape != (beta.size, beta.size):
        raise ValueError(
            f"{what}: betahat must have n_pre + n_post = {n_pre + n_post} entries and "
            f"sigma be square of that size; got {beta.size} and {sig.shape}"
        )
    if n_pre < 1 or n_post < 1:
        raise ValueError(f"{what}: needs at least one pre- and one post-period coefficient")
    if restriction == "relative_magnitude" and n_pre < 2:
        raise ValueError(
            f"{what}: relative magnitudes need at least two pre-period coefficients "
            "(one pre-period change besides the reference)"
        )
    if not np.all(np.isfinite(sig)) or np.any(
        np.linalg.eigvalsh((sig + sig.T) / 2) < -1e-10 * max(1.0, np.abs(sig).max())
    ):
        raise ValueError(f"{what}: sigma must be a finite positive semi-definite matrix")
    if not 0 < alpha < 1:
        raise ValueError(f"{what}: alpha must be in (0, 1), got {alpha}")
    lv = np.zeros(n_post) if l_vec is None else np.asarray(l_vec, float).ravel()
    if l_vec is None:
        lv[0] = 1.0
    if lv.size != n_post:
        raise ValueError(f"{what}: l_vec must have n_post = {n_post} entries")
    post = slice(n_pre, n_pre + n_post)
    est = float(lv @ beta[post])
    se = float(np.sqrt(lv @ sig[post, post] @ lv))
    z = stats.norm.ppf(1 - alpha / 2)
    original = (est - z * se, est + z * se)
    kappa = alpha / 10
    if restriction == "relative_magnitude":
        Ms = np.linspace(0, 2, 10) if M is None else np.atleast_1d(np.asarray(M, float))
        lb_ = -20 * se if grid_lb is None else grid_lb
        ub_ = 20 * se if grid_ub is None else grid_ub
        grid = np.linspace(lb_, ub_, int(grid_points))
        rows = []
        for m in Ms:
            acc = _rm_accept(beta, sig, n_pre, n_post, lv, float(m), grid, alpha, kappa, sims, seed)
            if acc.any():
                lb, ub = float(grid[acc > 0].min()), float(grid[acc > 0].max())
                if acc[0] > 0 or acc[-1] > 0:
                    warnings.warn(
                        f"{what}: the interval at Mbar = {m:g} is open at an end of the "
                        "theta grid; widen grid_lb/grid_ub",
                        stacklevel=2,
                    )
            else:
                lb = ub = np.nan
            rows.append({"M": float(m), "lb": lb, "ub": ub})
        method = "C-LF"

        def excludes_zero(m):
            return (
                _rm_accept(
                    beta, sig, n_pre, n_post, lv, m, np.array([0.0]), alpha, kappa, sims, seed
                )[0]
                == 0
            )

        m_hi0 = 2.0 if M is None else max(2.0, float(np.max(Ms)))
    else:
        fl = _FLCI(sig, n_pre, n_post, lv, alpha)
        if M is None:
            if n_pre == 1:
                Ms = np.linspace(0, math.sqrt(sig[0, 0]), 10)
            else:
                Asd = np.zeros((n_pre - 1, n_pre))
                for r in range(n_pre - 1):
                    Asd[r, r : r + 2] = (-1, 1)
                # R: .create_A_SD(numPre, 0) second differences including delta_0 = 0
                A2 = np.zeros((n_pre - 1, n_pre + 1))
                for r in range(n_pre - 1):
                    A2[r, r : r + 3] = (1, -2, 1)
                A2 = np.delete(A2, n_pre, axis=1)
                d = A2 @ beta[:n_pre]
                sd_ = np.sqrt(np.diag(A2 @ sig[:n_pre, :n_pre] @ A2.T))
                Ms = np.linspace(0, float(np.max(d + stats.norm.ppf(1 - alpha) * sd_)), 10)
        else:
            Ms = np.atleast_1d(np.asarray(M, float))
        rows = []
        for m in Ms:
            lb, ub = fl.interval(beta, float(m))
            rows.append({"M": float(m), "lb": lb, "ub": ub})
        method = "FLCI"

        def excludes_zero(m):
            lb, ub = fl.interval(beta, m)
            return lb > 0 or ub < 0

        m_hi0 = max(float(np.max(Ms)) if len(Ms) else 0.0, 1e-12) * 2 + 10 * se
    table = pd.DataFrame(rows)
    table["method"] = method
    table["restriction"] = restriction
    bd, censored = math.nan, False
    if breakdown and (original[0] > 0 or original[1] < 0):
        bd, censored = _breakdown(excludes_zero, m_hi0)
    return HonestDiDResult(
        table=table,
        original=original,
        estimate=est,
        std_error=se,
        restriction=restriction,
        method=method,
        alpha=alpha,
        breakdown=bd,
        breakdown_censored=censored,
        l_vec=lv,
        n_pre=n_pre,
        n_post=n_post,
        n_obs=n_obs,
        label=label,
    )


def _breakdown(excludes_zero, m_hi, tol: float = 1e-4) -> tuple[float, bool]:
    """Largest m with excludes_zero(m) (assumed monotone), by doubling then bisection."""
    if not excludes_zero(0.0):
        return 0.0, False
    lo, hi = 0.0, m_hi
    for _ in range(6):
        if not excludes_zero(hi):
            break
        lo, hi = hi, hi * 2
    else:
        return lo, True
    while hi - lo > tol * max(1.0, hi):
        mid = (lo + hi) / 2
        if excludes_zero(mid):
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2, False


def honest_did_event_study(
    result,
    *,
    restriction: str = "relative_magnitude",
    M=None,
    l_vec=None,
    post: str = "first",
    max_post: int | None = None,
    **kwargs,
) -> HonestDiDResult:
    """:func:`honest_did` for an :class:`EventStudyResult` (TWFE or Sun-Abraham): the
    pre-period coefficients (``e < -1``) and post-period ones (``e >= 0``) with their CR1
    covariance.  ``post="first"`` targets the first post-period effect (R's default),
    ``post="average"`` the average over the post periods (``l_vec`` overrides both).  The
    binned endpoint coefficients are used as they are (they pool the event times beyond).
    ``max_post`` keeps only the first post-period coefficients (their sub-vector and
    sub-covariance are a valid event study of their own; the ARP programme grows
    combinatorially with the number of post periods)."""
    vc = result.vcov
    names = list(vc.index)
    pre = [e for e in names if e < -1]
    pst = [e for e in names if e >= 0]
    if max_post is not None:
        pst = pst[: int(max_post)]
    order = pre + pst
    beta = result.coefficients.loc[order, "estimate"].to_numpy(float)
    sig = vc.loc[order, order].to_numpy(float)
    if l_vec is None:
        l_vec = np.zeros(len(pst))
        if post == "average":
            l_vec[:] = 1.0 / len(pst)
        elif post == "first":
            l_vec[0] = 1.0
        else:
            raise ValueError("honest_did_event_study: post must be 'first' or 'average'")
    label = "effect at e = 0" if post == "first" else "average post-period effect"
    return honest_did(
        beta,
        sig,
        len(pre),
        len(pst),
        restriction=restriction,
        M=M,
        l_vec=l_vec,
        label=label,
        n_obs=result.n_obs,
        **kwargs,
    )
