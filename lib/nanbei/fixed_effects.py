"""Shared numerics of the fixed-effects estimators: group indicators, the demeaner and the CR1
small-sample factor.

One implementation serves the event study, the wild cluster bootstrap and randomization
inference (and through them the panel beta).  Written here rather than taken from pyfixest or
pyhdfe because the bootstrap demeans many columns at once inside its loop, and the event study
needs the closed form of a balanced two-way panel; pyfixest is a test dependency that checks it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp


def indicator(codes: np.ndarray, n_levels: int) -> sp.csr_matrix:
    """Sparse (levels x observations) 0/1 matrix: row g marks the observations of level g, so
    ``indicator(codes, G) @ X`` gives group sums of the columns of X."""
    n = codes.shape[0]
    return sp.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(n_levels, n))


def cr1_factor(n_clusters: int, n_obs: int, n_params: int) -> float:
    """The CR1 small-sample correction G/(G-1) * (n-1)/(n-k) of Stata and fixest (with k the
    parameters not nested in the clusters)."""
    if n_clusters < 2:
        raise ValueError(f"cluster-robust variance needs at least 2 clusters, got {n_clusters}")
    if n_obs <= n_params:
        raise ValueError(
            f"cluster-robust variance needs more observations ({n_obs}) than "
            f"parameters ({n_params})"
        )
    return n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - n_params)


class Demeaner:
    """Partial fixed effects out of columns.

    One fixed effect: the exact within transformation.  Two on a balanced panel (every
    combination observed once): the closed form ``z - mean_a - mean_b + mean``.  Otherwise the
    method of alternating projections (Guimaraes & Portugal 2010; Gaure 2013), iterated until the
    largest group mean removed in a sweep is below ``tol`` times the scale of the data.
    """

    def __init__(self, fe_codes: Sequence[np.ndarray], tol: float = 1e-11, max_iter: int = 10_000):
        self.ops = []
        for codes in fe_codes:
            codes = np.asarray(codes)
            ind = indicator(codes, int(codes.max()) + 1)
            counts = np.asarray(ind.sum(axis=1)).ravel()
            self.ops.append((ind, counts, codes))
        self.tol = tol
        self.max_iter = max_iter
        self.balanced_two_way = False
        if len(self.ops) == 2:
            (_, c1, a), (_, c2, b) = self.ops
            n = len(a)
            # every (a, b) combination exactly once: counts alone could hide a duplicate
            self.balanced_two_way = bool(
                n == len(c1) * len(c2)
                and np.all(c1 == len(c2))
                and np.all(c2 == len(c1))
                and np.unique(a.astype(np.int64) * len(c2) + b).size == n
            )

    def _means(self, op, out):
        ind, counts, codes = op
        return (ind @ out) / counts[:, None]

    def __call__(self, w: np.ndarray) -> np.ndarray:
        if not self.ops:
            return np.array(w, dtype=float, copy=True)
        one_d = w.ndim == 1
        out = np.array(w, dtype=float, copy=True).reshape(w.shape[0], -1)
        if self.balanced_two_way:
            a, b = self.ops
            out = out - self._means(a, out)[a[2]] - self._means(b, out)[b[2]] + out.mean(axis=0)
            return out.ravel() if one_d else out
        scale = max(1.0, float(np.abs(out).max()) if out.size else 1.0)
        for _ in range(self.max_iter):
            biggest = 0.0
            for op in self.ops:
                means = self._means(op, out)
                out -= means[op[2]]
                if means.size:
                    biggest = max(biggest, float(np.abs(means).max()))
            if len(self.ops) == 1 or biggest <= self.tol * scale:
                break
        else:  # pragma: no cover - pathological designs only
            raise ValueError(
                "fixed effects: alternating projections did not converge in "
                f"{self.max_iter} sweeps; check for a badly connected set of fixed effects"
            )
        return out.ravel() if one_d else out
