"""Few-cluster inference: wild cluster bootstrap and randomization inference.

Jiangsu has 13 prefecture-level cities and Subei only five, so a regression
clustered by city has very few clusters (and even fewer *treated* clusters).
Conventional cluster-robust (CR1) t-tests then over-reject, often badly
(Cameron, Gelbach & Miller 2008; MacKinnon & Webb 2017, 2018).  This module
provides the two standard remedies:

``wild_cluster_bootstrap``
    The restricted (WCR, null imposed) or unrestricted (WCU) wild cluster
    bootstrap-t for one coefficient of a linear model, with Rademacher or Webb
    weights, exact enumeration of all weight vectors when there are few
    clusters, absorbed fixed effects and confidence intervals by test
    inversion, as in Stata's ``boottest`` (Roodman, MacKinnon, Nielsen & Webb
    2019, "Fast and wild", *Stata Journal* 19(1)).

``randomization_inference``
    Permutation (randomization) inference that re-assigns treatment across
    units, keeping the number of treated units and the set of adoption dates
    (MacKinnon & Webb 2020, "Randomization inference for difference-in-
    differences with few treated clusters", *J. Econometrics* 218(2); Young
    2019, *QJE* 134(2)).  The default statistic is the TWFE DiD t-statistic,
    which MacKinnon & Webb show is more reliable than the coefficient when the
    treated clusters differ in size; any ``statistic(df) -> float`` (e.g. a
    synthetic-control gap) can be used instead.

Why hand-written rather than a library call: the bootstrap needs cluster-level
building blocks (``X_g'X_g``-type sums) that statsmodels/linearmodels do not
expose, and the existing Python package ``wildboottest`` loops over cluster
pairs in Python, needs every fixed effect as an explicit dummy and offers no
confidence intervals.  Both functions are checked in
``tests/test_effects_inference.py`` against ``wildboottest``, a brute-force
statsmodels refit per bootstrap draw, pyfixest/statsmodels standard errors and
hand-worked permutation examples.

Algebra of the fast wild cluster bootstrap (Roodman et al. 2019, sec. 3;
MacKinnon 2023, "Fast cluster bootstrap methods for linear regression
models", *Econometrics and Statistics* 26).  Write the model as
``y = X b + D alpha + u`` with absorbed fixed effects ``D``, and let
``Xt = M_D X``, ``yt = M_D y`` (Frisch-Waugh-Lovell).  For the tested
coefficient ``j`` let ``a = (Xt'Xt)^{-1} e_j`` and ``z = Xt a`` (an N-vector).
A bootstrap sample is ``y* = X b0 + D alpha0 + u∘v`` where ``u`` are the
(restricted or unrestricted) residuals and ``v`` is constant within each
bootstrap cluster.  Then, exactly,

* numerator  ``b*_j - b0_j = sum_b v_b c_b`` with ``c_b = sum_{i in b} z_i u_i``;
* the CR1 score of CRVE-cluster ``g`` projected on ``j`` is ``(A v)_g`` with
  ``A_gb = sum_{i in g} z_i [M_D (u∘1_b)]_i - (Xt_g'z_g)'(Xt'Xt)^{-1}(Xt_b'u_b)``,

so ``t*_b = c'v / sqrt(ssc * ||A v||^2)``: once the G x G matrix ``A`` is
built, every draw costs O(G^2) and all draws are one matrix product
``A @ V``.  When every fixed effect is nested within the bootstrap clusters
(e.g. city FE with city clusters), ``M_D(u∘1_b) = u∘1_b`` because ``u`` is
orthogonal to ``D`` inside each cluster, so partialling out the FE once and
bootstrapping the demeaned model (plain FWL) is exact.  When a fixed effect
cuts across clusters (year FE with city clusters) FWL still gives the same
``b*`` in every draw, but the bootstrap residuals of the full model differ
from those of the demeaned model by ``P_D(u∘v)``; the ``M_D(u∘1_b)`` term
above keeps this correction, so the absorbed-FE result is identical to
putting every FE in as dummies (what ``wildboottest``/pyfixest do) - a test
checks exactly that.  Everything is linear in ``u``, and the restricted
residuals are affine in the hypothesised value ``beta0``, so the p-value as a
function of ``beta0`` costs O(B) per evaluation; this is what makes the
confidence interval by test inversion cheap (as in ``boottest``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from nanbei.panel import check_panel

__all__ = [
    "WildBootstrapResult",
    "RandomizationResult",
    "wild_cluster_bootstrap",
    "randomization_inference",
]

# Equiprobable auxiliary weight distributions (mean 0, variance 1).
# Webb (2023, Canadian J. Econ.) six-point distribution: +-sqrt(1/2), +-1, +-sqrt(3/2).
_WEIGHT_SUPPORT = {
    "rademacher": np.array([-1.0, 1.0]),
    "webb": np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]),
}
_ALTERNATIVES = ("two-sided", "greater", "less")
_TIE_RTOL = 1e-9  # relative tolerance under which two t statistics count as tied


# --------------------------------------------------------------------------------------
# small generic helpers
# --------------------------------------------------------------------------------------
def _indicator(codes: np.ndarray, n_levels: int) -> sp.csr_matrix:
    """Sparse L x N matrix with a one where observation i belongs to level codes[i]."""
    n = codes.shape[0]
    return sp.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(n_levels, n))


class _Demeaner:
    """Partial fixed effects out of columns by alternating projections.

    For one fixed effect this is the exact within transformation; for several
    it is the method of alternating projections (Guimaraes & Portugal 2010;
    Gaure 2013), iterated until the largest group mean removed in a sweep is
    below ``tol`` times the scale of the data.  Hand-written (instead of
    calling pyfixest) because the bootstrap needs to demean many columns at
    once and pyfixest is only a test dependency.
    """

    def __init__(self, fe_codes: Sequence[np.ndarray], tol: float = 1e-11, max_iter: int = 10_000):
        self.ops = []
        for codes in fe_codes:
            n_lev = int(codes.max()) + 1
            ind = _indicator(codes, n_lev)
            counts = np.asarray(ind.sum(axis=1)).ravel()
            self.ops.append((ind, counts, codes))
        self.tol = tol
        self.max_iter = max_iter

    def __call__(self, w: np.ndarray) -> np.ndarray:
        if not self.ops:
            return np.array(w, dtype=float, copy=True)
        one_d = w.ndim == 1
        out = np.array(w, dtype=float, copy=True).reshape(w.shape[0], -1)
        scale = max(1.0, float(np.abs(out).max()) if out.size else 1.0)
        for _ in range(self.max_iter):
            biggest = 0.0
            for ind, counts, codes in self.ops:
                means = (ind @ out) / counts[:, None]
                out -= means[codes]
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


def _nested(inner: np.ndarray, outer: np.ndarray) -> bool:
    """True if every level of ``inner`` lies inside a single level of ``outer``."""
    first = np.full(int(inner.max()) + 1, -1, dtype=np.int64)
    first[inner[::-1]] = outer[::-1]  # outer level of the first occurrence of each inner level
    return bool(np.all(first[inner] == outer))


def _check_alternative(alternative: str) -> None:
    if alternative not in _ALTERNATIVES:
        raise ValueError(f"alternative must be one of {_ALTERNATIVES}, got {alternative!r}")


def _tail_share(dist: np.ndarray, obs: float, alternative: str, symmetric: bool) -> float:
    """Share of ``dist`` at least as extreme as ``obs`` (ties, within a relative
    tolerance, count as extreme; NaN draws count as extreme, conservatively)."""
    tol = _TIE_RTOL * max(1.0, abs(obs))
    nan = np.isnan(dist)
    if alternative == "greater":
        hit = dist >= obs - tol
    elif alternative == "less":
        hit = dist <= obs + tol
    elif symmetric:
        hit = np.abs(dist) >= abs(obs) - tol
    else:  # equal-tailed
        lo = np.mean((dist <= obs + tol) | nan)
        hi = np.mean((dist >= obs - tol) | nan)
        return float(min(1.0, 2.0 * min(lo, hi)))
    return float(np.mean(hit | nan))


# --------------------------------------------------------------------------------------
# wild cluster bootstrap
# --------------------------------------------------------------------------------------
@dataclass(repr=False)
class WildBootstrapResult:
    """Result of :func:`wild_cluster_bootstrap` for one coefficient.

    Attributes
    ----------
    param : name of the tested coefficient.
    estimate, se, t_stat : OLS estimate, its CR1 cluster-robust standard error
        and ``(estimate - h0) / se``.
    p_value : wild bootstrap p-value of ``H0: param = h0``.
    p_value_cr1 : conventional p-value of the CR1 t-test with a t(G-1)
        reference distribution (for comparison; unreliable with few clusters).
    ci : bootstrap confidence interval (test inversion); bounds may be
        infinite when no value can be rejected at this level with few clusters.
    n_boot : number of bootstrap draws actually used (= m**G when enumerated).
    enumerated : True if all equally likely weight vectors were enumerated,
        so the p-value is exact (not subject to simulation error).
    t_boot : the bootstrap t statistics (under ``h0``).
    """

    param: str
    estimate: float
    se: float
    t_stat: float
    p_value: float
    p_value_cr1: float
    ci: tuple[float, float]
    conf_level: float
    h0: float
    alternative: str
    symmetric: bool
    impose_null: bool
    weights: str
    n_boot: int
    enumerated: bool
    n_obs: int
    n_clusters: int
    n_bootclusters: int
    cluster: str
    bootcluster: str
    fe: tuple[str, ...]
    ssc: float
    t_boot: np.ndarray = field(repr=False)
    _pfun: Callable[[float], float] | None = field(default=None, repr=False)

    @property
    def method(self) -> str:
        return "WCR" if self.impose_null else "WCU"

    def p_value_at(self, beta0: float) -> float:
        """Bootstrap p-value of ``H0: param = beta0`` reusing the same draws."""
        if self._pfun is None:  # pragma: no cover
            raise ValueError("p-value function not available")
        return self._pfun(float(beta0))

    def __repr__(self) -> str:
        draws = f"{self.n_boot} {'enumerated' if self.enumerated else 'random'} draws"
        lo, hi = self.ci
        return (
            f"WildBootstrapResult({self.method}-11 {self.weights}, {self.param}: "
            f"estimate={self.estimate:.4g}, se(CR1)={self.se:.4g}, t={self.t_stat:.3f}, "
            f"p={self.p_value:.4f} (CR1 t(G-1) p={self.p_value_cr1:.4f}), "
            f"{self.conf_level:.0%} CI=[{lo:.4g}, {hi:.4g}], G={self.n_clusters}, {draws})"
        )

    def summary(self) -> str:
        """Multi-line human-readable report."""
        lo, hi = self.ci
        alt = self.alternative
        if alt == "two-sided":
            alt += " (symmetric)" if self.symmetric else " (equal-tailed)"
        lines = [
            f"Wild cluster bootstrap ({self.method}, {self.weights} weights)",
            "=" * 64,
            f"H0: {self.param} = {self.h0:g}   alternative: {alt}",
            f"estimate          {self.estimate: .6g}",
            f"CR1 std. error    {self.se: .6g}   (small-sample factor {self.ssc:.5f})",
            f"t statistic       {self.t_stat: .4f}",
            f"bootstrap p-value {self.p_value: .4f}",
            f"CR1 t(G-1) p      {self.p_value_cr1: .4f}   (conventional, for comparison)",
            f"{self.conf_level:.0%} bootstrap CI [{lo:.6g}, {hi:.6g}]"
            + ("  (test inversion)" if self.impose_null else "  (percentile-t)"),
            f"observations {self.n_obs}; clusters ({self.cluster}) {self.n_clusters}; "
            f"bootstrap clusters ({self.bootcluster}) {self.n_bootclusters}",
            (
                f"draws: all {self.n_boot} weight vectors enumerated (exact p-value)"
                if self.enumerated
                else f"draws: {self.n_boot} random"
            ),
            f"absorbed fixed effects: {', '.join(self.fe) if self.fe else 'none'}",
        ]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame indexed by the parameter name."""
        return pd.DataFrame(
            {
                "estimate": [self.estimate],
                "se_cr1": [self.se],
                "t_stat": [self.t_stat],
                "p_value": [self.p_value],
                "p_value_cr1": [self.p_value_cr1],
                "ci_low": [self.ci[0]],
                "ci_high": [self.ci[1]],
                "h0": [self.h0],
                "method": [self.method],
                "weights": [self.weights],
                "n_boot": [self.n_boot],
                "enumerated": [self.enumerated],
                "n_clusters": [self.n_clusters],
                "n_obs": [self.n_obs],
            },
            index=pd.Index([self.param], name="param"),
        )


def _design(df, formula, y, x, fe):
    """Build (y, X, names, kept row labels) from a formula or column names."""
    if formula is not None:
        if y is not None or x is not None:
            raise ValueError("give either formula= or y=/x=, not both")
        if not isinstance(formula, str) or "~" not in formula:
            raise ValueError(f"formula must be a string like 'y ~ treat_post', got {formula!r}")
        import statsmodels.formula.api as smf

        try:
            mod = smf.ols(formula, data=df, missing="drop")
        except Exception as exc:  # patsy raises its own error type
            raise ValueError(
                f"could not build the model from formula {formula!r}: {exc}. "
                f"Available columns: {list(df.columns)}"
            ) from exc
        yv = np.asarray(mod.endog, dtype=float)
        xm = np.asarray(mod.exog, dtype=float)
        names = list(mod.exog_names)
        rows = pd.Index(mod.data.row_labels)
        return yv, xm, names, rows
    if y is None or x is None:
        raise ValueError("specify the model with formula= or with both y= and x=")
    xs = [x] if isinstance(x, str) else list(x)
    missing = [c for c in [y, *xs] if c not in df.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not found; available columns are {list(df.columns)}")
    sub = df[[y, *xs]]
    for c in sub.columns:
        if not pd.api.types.is_numeric_dtype(sub[c]):
            raise ValueError(f"column '{c}' must be numeric")
    sub = sub.astype(float).dropna()
    xm = sub[xs].to_numpy()
    names = list(xs)
    if not fe:
        xm = np.column_stack([np.ones(len(sub)), xm])
        names = ["Intercept", *names]
    return sub[y].to_numpy(), xm, names, sub.index


def _codes(df: pd.DataFrame, col: str, rows: pd.Index, what: str) -> tuple[np.ndarray, np.ndarray]:
    if col not in df.columns:
        raise ValueError(
            f"{what} column '{col}' not found; available columns are {list(df.columns)}"
        )
    s = pd.Series(df[col].to_numpy()[np.asarray(rows)], index=rows)  # df has a RangeIndex
    if s.isna().any():
        raise ValueError(
            f"{what} column '{col}' has missing values in rows {list(s.index[s.isna()][:5])}"
        )
    codes, labels = pd.factorize(s, sort=True)
    return codes.astype(np.int64), np.asarray(labels)


def _weight_draws(weights, n_boot, g_boot, rng):
    """Return (values, codes or None, name, enumerated, matrix or None).

    Draws are kept as small integer codes (G_b x B) into ``values`` so that
    9,999 x 300 draws take 3 MB, and converted to floats chunk by chunk.
    """
    if isinstance(weights, str):
        key = weights.lower()
        if key not in _WEIGHT_SUPPORT:
            raise ValueError(
                f"unknown weights {weights!r}; use one of {sorted(_WEIGHT_SUPPORT)} "
                "or an (n_boot, G) array of draws"
            )
        values = _WEIGHT_SUPPORT[key]
        m = len(values)
        if g_boot * math.log(m) <= math.log(n_boot) + 1e-12:  # m**G <= n_boot
            # Exact: every weight vector is equally likely, so enumerate them all.
            codes = np.array(list(itertools.product(range(m), repeat=g_boot)), dtype=np.int8).T
            return values, codes, key, True, None
        codes = rng.integers(0, m, size=(g_boot, n_boot), dtype=np.int8)
        return values, codes, key, False, None
    arr = np.asarray(weights, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != g_boot:
        raise ValueError(
            f"explicit weights must be an (n_boot, G) array with G={g_boot} bootstrap clusters, "
            f"got shape {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise ValueError("explicit weights contain non-finite values")
    return None, None, "user", False, arr.T


def wild_cluster_bootstrap(
    df: pd.DataFrame,
    *,
    param: str,
    cluster: str,
    formula: str | None = None,
    y: str | None = None,
    x: str | Sequence[str] | None = None,
    fe: str | Sequence[str] | None = None,
    bootcluster: str | None = None,
    n_boot: int = 9999,
    weights: str | np.ndarray = "rademacher",
    impose_null: bool = True,
    h0: float = 0.0,
    alternative: str = "two-sided",
    symmetric: bool = True,
    conf_level: float | None = 0.95,
    seed: int | np.random.Generator | None = None,
    chunk_size: int = 4096,
) -> WildBootstrapResult:
    """Wild cluster bootstrap-t test and confidence interval for one OLS coefficient.

    Computes the OLS estimate of ``param``, its CR1 cluster-robust standard
    error (small-sample factor ``G/(G-1) * (N-1)/(N-k)`` with fixed effects
    nested in the clusters not counted in ``k``, as in fixest/pyfixest), and the
    "WCR11"/"WCU11" wild cluster bootstrap p-value of ``H0: param = h0``
    (Cameron, Gelbach & Miller 2008; Roodman et al. 2019).  Use it instead of
    the conventional CR1 t-test when clusters are few (Jiangsu: 13 cities) or
    few are treated.

    Parameters
    ----------
    df : long DataFrame with one row per observation.
    param : name of the coefficient to test, as it appears in the model
        (e.g. ``"treat_post"``; for formula terms, the patsy name).
    cluster : column defining the clusters of the CR1 variance.
    formula : patsy formula evaluated by statsmodels, e.g.
        ``"lgdp ~ treat_post + C(year)"``.  Rows with missing values are dropped.
    y, x : alternatively the outcome column and regressor column(s); an
        intercept is added unless ``fe`` is given.
    fe : column(s) of fixed effects absorbed by demeaning (any intercept or
        dummies collinear with them are dropped).  The bootstrap is exactly
        the one of the model with these FE as dummies (see module docstring).
    bootcluster : column at which the bootstrap weights vary (default
        ``cluster``); a finer level gives the "subcluster" wild bootstrap that
        MacKinnon & Webb (2018) recommend when very few clusters are treated.
    n_boot : number of bootstrap draws.  With Rademacher (Webb) weights and
        ``2**G <= n_boot`` (``6**G <= n_boot``) all weight vectors are
        enumerated instead, giving the exact bootstrap p-value.
    weights : ``"rademacher"`` (default), ``"webb"`` (six-point; better when
        G is below about 12, Webb 2023), or an ``(n_boot, G_boot)`` array of
        draws in the order of the sorted bootstrap-cluster labels.
    impose_null : True for WCR (recommended), False for WCU.
    h0 : hypothesised value.
    alternative : ``"two-sided"``, ``"greater"`` or ``"less"``.
    symmetric : for two-sided tests, compare ``|t*|`` with ``|t|`` (True) or use
        the equal-tailed p-value ``2 min(P(t* <= t), P(t* >= t))`` (False).
    conf_level : level of the confidence interval; ``None`` skips it.  For WCR
        the interval is the set of ``beta0`` not rejected by the bootstrap test
        (inverted by bisection, as ``boottest`` does); for WCU it is the
        percentile-t interval (obtained by the same inversion).
    seed : int or numpy Generator for the draws.
    chunk_size : number of draws processed per matrix product (memory control).

    Returns
    -------
    WildBootstrapResult

    Notes
    -----
    p-value convention: the share of bootstrap statistics at least as extreme
    as the observed one, with ties (within a relative 1e-9) counted as
    extreme.  Under full enumeration the WCR draws ``v = +1`` and ``v = -1``
    reproduce ``+-t`` exactly, so the smallest attainable p-value is
    ``2 / 2**G`` (Rademacher); ``wildboottest`` uses a strict inequality and
    therefore reports ``p - (ties)/B``.  The small-sample factor cancels from
    the bootstrap p-value and the interval; it only scales ``se``.
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(
            f"wild_cluster_bootstrap: expected a pandas DataFrame, got {type(df).__name__}"
        )
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer, got {n_boot!r}")
    _check_alternative(alternative)
    if conf_level is not None and not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1), got {conf_level}")
    fe_cols = [] if fe is None else ([fe] if isinstance(fe, str) else list(fe))
    data = df.reset_index(drop=True)
    for col in [cluster, *fe_cols, *([bootcluster] if bootcluster else [])]:
        if col not in data.columns:
            raise ValueError(
                f"column '{col}' not found; available columns are {list(data.columns)}"
            )

    yv, xm, names, rows = _design(data, formula, y, x, fe_cols)
    if param not in names:
        raise ValueError(
            f"param {param!r} is not a coefficient of the model; coefficients are {names}"
        )
    cl, cl_labels = _codes(data, cluster, rows, "cluster")
    bcol = bootcluster or cluster
    bc, bc_labels = _codes(data, bcol, rows, "bootcluster")
    n_cl, n_bc = len(cl_labels), len(bc_labels)
    if n_cl < 2:
        raise ValueError(f"cluster column '{cluster}' has {n_cl} cluster(s); at least 2 are needed")
    if n_bc < 2:
        raise ValueError(
            f"bootcluster column '{bcol}' has {n_bc} cluster(s); at least 2 are needed"
        )
    fe_codes = [_codes(data, f, rows, "fixed-effect")[0] for f in fe_cols]
    n = len(yv)

    # --- partial out absorbed fixed effects (FWL) ---------------------------------
    demean = _Demeaner(fe_codes)
    if fe_codes:
        yt = demean(yv)
        xt = demean(xm)
        # drop columns wiped out by the FE (intercept, C(year) dummies when year is absorbed)
        before = np.linalg.norm(xm, axis=0)
        keep = np.linalg.norm(xt, axis=0) > 1e-9 * np.maximum(before, 1.0)
        if param in names and not keep[names.index(param)]:
            raise ValueError(f"param {param!r} is collinear with the fixed effects {fe_cols}")
        xt = xt[:, keep]
        names = [nm for nm, k in zip(names, keep, strict=True) if k]
    else:
        yt, xt = yv, xm
    k = xt.shape[1]
    j = names.index(param)

    xtx = xt.T @ xt
    if np.linalg.matrix_rank(xtx) < k:
        raise ValueError(
            f"the regressors are collinear (rank {np.linalg.matrix_rank(xtx)} < {k}); "
            f"coefficients: {names}"
        )
    xtx_inv = np.linalg.inv(xtx)
    beta = xtx_inv @ (xt.T @ yt)
    uhat = yt - xt @ beta
    a = xtx_inv[:, j]
    ra = a[j]
    z = xt @ a

    # small-sample factor, fixest convention: FE nested in the clusters are not counted
    k_df = k
    if fe_codes:
        levels = [int(c.max()) + 1 for c in fe_codes]
        k_df += sum(levels) - (len(levels) - 1)
        k_df -= sum(lv - 1 for lv, c in zip(levels, fe_codes, strict=True) if _nested(c, cl))
    if n - k_df <= 0:
        raise ValueError(f"not enough observations ({n}) for {k_df} parameters")
    ssc = (n_cl / (n_cl - 1)) * ((n - 1) / (n - k_df))

    ind_cl = _indicator(cl, n_cl)
    ind_bc = _indicator(bc, n_bc)
    zg = ind_cl @ (xt * z[:, None])  # G x k : Xt_g' z_g
    zg_xinv = zg @ xtx_inv
    fe_nested_in_boot = all(_nested(c, bc) for c in fe_codes)
    pair = cl * n_bc + bc  # joint cluster x bootcluster cell

    def a_matrix(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(c, A) for residual vector u: numerator weights and CR1 score map."""
        c = np.bincount(bc, weights=z * u, minlength=n_bc)
        s_b = ind_bc @ (xt * u[:, None])  # G_b x k
        h = zg_xinv @ s_b.T  # G x G_b
        if fe_nested_in_boot:
            t = np.bincount(pair, weights=z * u, minlength=n_cl * n_bc).reshape(n_cl, n_bc)
        else:
            # M_D (u * 1_b) for every bootstrap cluster b, in column blocks
            t = np.empty((n_cl, n_bc))
            step = max(1, int(2e7 // max(n, 1)))
            for s0 in range(0, n_bc, step):
                cols = np.arange(s0, min(n_bc, s0 + step))
                w = np.zeros((n, len(cols)))
                sel = (bc >= cols[0]) & (bc <= cols[-1])
                w[np.nonzero(sel)[0], bc[sel] - cols[0]] = u[sel]
                t[:, cols] = ind_cl @ (z[:, None] * demean(w))
        return c, t - h

    se = math.sqrt(ssc * np.sum(np.bincount(cl, weights=z * uhat, minlength=n_cl) ** 2))
    t_obs = (beta[j] - h0) / se if se > 0 else math.copysign(math.inf, beta[j] - h0)
    p_cr1 = _cr1_pvalue(t_obs, n_cl - 1, alternative)

    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    values, codes, wname, enumerated, wmat = _weight_draws(weights, int(n_boot), n_bc, rng)
    n_draws = codes.shape[1] if codes is not None else wmat.shape[1]

    # --- bootstrap moments, all draws as chunked matrix products --------------------
    c0, a0 = a_matrix(uhat)
    if impose_null:
        c1, a1 = a_matrix(z)
        amat = np.vstack([a0, a1])
    else:
        c1, a1 = np.zeros_like(c0), None
        amat = a0
    n0 = np.empty(n_draws)
    n1 = np.empty(n_draws)
    d00 = np.empty(n_draws)
    d01 = np.zeros(n_draws)
    d11 = np.zeros(n_draws)
    for s0 in range(0, n_draws, chunk_size):
        sl = slice(s0, min(n_draws, s0 + chunk_size))
        vv = values[codes[:, sl]] if codes is not None else wmat[:, sl]
        n0[sl] = c0 @ vv
        n1[sl] = c1 @ vv
        p = amat @ vv
        p0 = p[:n_cl]
        d00[sl] = np.einsum("ij,ij->j", p0, p0)
        if impose_null:
            p1 = p[n_cl:]
            d01[sl] = np.einsum("ij,ij->j", p0, p1)
            d11[sl] = np.einsum("ij,ij->j", p1, p1)

    bhat = float(beta[j])

    def t_star(beta0: float) -> np.ndarray:
        # Under WCR the residuals are uhat + delta*z with delta=(bhat-beta0)/ra.
        dlt = (bhat - beta0) / ra if impose_null else 0.0
        num = n0 + dlt * n1
        den2 = ssc * (d00 + 2 * dlt * d01 + dlt * dlt * d11)
        with np.errstate(divide="ignore", invalid="ignore"):
            return num / np.sqrt(np.maximum(den2, 0.0))

    def pfun(beta0: float) -> float:
        tt = (bhat - beta0) / se if se > 0 else math.copysign(math.inf, bhat - beta0)
        return _tail_share(t_star(beta0), tt, alternative, symmetric)

    t_boot = t_star(h0)
    p_value = _tail_share(t_boot, t_obs, alternative, symmetric)
    ci = (math.nan, math.nan)
    if conf_level is not None:
        ci = _invert(pfun, bhat, se, 1.0 - conf_level)

    return WildBootstrapResult(
        param=param,
        estimate=bhat,
        se=se,
        t_stat=float(t_obs),
        p_value=p_value,
        p_value_cr1=p_cr1,
        ci=ci,
        conf_level=float(conf_level) if conf_level is not None else math.nan,
        h0=float(h0),
        alternative=alternative,
        symmetric=symmetric,
        impose_null=impose_null,
        weights=wname,
        n_boot=int(n_draws),
        enumerated=enumerated,
        n_obs=int(n),
        n_clusters=int(n_cl),
        n_bootclusters=int(n_bc),
        cluster=cluster,
        bootcluster=bcol,
        fe=tuple(fe_cols),
        ssc=float(ssc),
        t_boot=t_boot,
        _pfun=pfun,
    )


def _cr1_pvalue(t: float, dof: int, alternative: str) -> float:
    if alternative == "greater":
        return float(stats.t.sf(t, dof))
    if alternative == "less":
        return float(stats.t.cdf(t, dof))
    return float(2 * stats.t.sf(abs(t), dof))


def _invert(
    pfun: Callable[[float], float],
    bhat: float,
    se: float,
    alpha: float,
    max_doublings: int = 17,
    n_bisect: int = 100,
) -> tuple[float, float]:
    """Confidence set {beta0 : p(beta0) > alpha} found outward from the estimate.

    The p-value is a step function of beta0; starting at the estimate (where
    the t statistic is 0 and p is maximal) the search doubles the step until
    the test rejects, then bisects to about 1e-9 standard errors.  If even
    ``bhat +- se * 2**16`` is not rejected the bound is reported as infinite
    (further out, rounding error rather than the data decides the p-value).
    This happens with few clusters, e.g. 2/2**G > alpha when G <= 5 with
    Rademacher weights, so no value at all can be rejected.
    """
    scale = se if se > 0 and math.isfinite(se) else max(abs(bhat), 1.0)
    bounds = []
    for side in (-1.0, 1.0):
        inside = bhat
        step = scale
        outside = None
        for _ in range(max_doublings):
            cand = bhat + side * step
            if pfun(cand) <= alpha:
                outside = cand
                break
            inside = cand
            step *= 2.0
        if outside is None:
            bounds.append(side * math.inf)
            continue
        for _ in range(n_bisect):
            mid = 0.5 * (inside + outside)
            if pfun(mid) <= alpha:
                outside = mid
            else:
                inside = mid
            if abs(outside - inside) <= 1e-9 * scale:
                break
        bounds.append(0.5 * (inside + outside))
    return float(bounds[0]), float(bounds[1])


# --------------------------------------------------------------------------------------
# randomization inference
# --------------------------------------------------------------------------------------
@dataclass(repr=False)
class RandomizationResult:
    """Result of :func:`randomization_inference`.

    Attributes
    ----------
    statistic : name of the statistic ("t", "coef" or the callable's name).
    observed : statistic for the actual assignment.
    p_value : share of assignments whose statistic is at least as extreme as
        the observed one (the actual assignment included).
    distribution : statistics of the evaluated assignments (all of them, the
        actual one included, when ``exact``; the random draws otherwise).
    n_assignments : number of distinct assignments that keep the number of
        treated units and the multiset of adoption dates.
    exact : True if all assignments were enumerated.
    """

    statistic: str
    observed: float
    p_value: float
    alternative: str
    n_perm: int
    n_assignments: int
    exact: bool
    n_treated: int
    n_pool: int
    adoption: dict
    treated_units: tuple
    distribution: np.ndarray = field(repr=False)

    def __repr__(self) -> str:
        how = "all assignments enumerated" if self.exact else f"{self.n_perm} random permutations"
        return (
            f"RandomizationResult(statistic={self.statistic}, observed={self.observed:.4g}, "
            f"p={self.p_value:.4f}, {self.n_treated} treated of {self.n_pool} units, "
            f"{self.n_assignments} possible assignments, {how})"
        )

    def summary(self) -> str:
        """Multi-line human-readable report."""
        q = np.nanquantile(self.distribution, [0.025, 0.5, 0.975])
        dates = ", ".join(f"{k}: {v}" for k, v in self.adoption.items())
        return "\n".join(
            [
                "Randomization inference (treatment permuted across units)",
                "=" * 64,
                f"statistic          {self.statistic}",
                f"observed           {self.observed: .6g}",
                f"p-value            {self.p_value: .4f}   ({self.alternative})",
                f"treated units      {self.n_treated} of {self.n_pool} in the pool; "
                f"adoption dates {{{dates}}}",
                f"assignments        {self.n_assignments} possible; "
                + (
                    "all enumerated (exact p-value)"
                    if self.exact
                    else f"{self.n_perm} drawn at random (p = (1 + hits) / (1 + draws))"
                ),
                f"permutation dist.  2.5% {q[0]:.4g}   median {q[1]:.4g}   97.5% {q[2]:.4g}",
                f"smallest attainable p-value {self._min_p():.4g}",
            ]
        )

    def _min_p(self) -> float:
        return 1.0 / self.n_assignments if self.exact else 1.0 / (self.n_perm + 1)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame indexed by the statistic name."""
        return pd.DataFrame(
            {
                "observed": [self.observed],
                "p_value": [self.p_value],
                "alternative": [self.alternative],
                "n_perm": [self.n_perm],
                "n_assignments": [self.n_assignments],
                "exact": [self.exact],
                "n_treated": [self.n_treated],
                "n_pool": [self.n_pool],
            },
            index=pd.Index([self.statistic], name="statistic"),
        )


def _adoption_codes(panel, unit, treatment, tcode):
    """Adoption time code per unit (first period treated; -1 if never).

    Raises if the treatment is not 0/1 or switches off again (not absorbing).
    """
    d = panel[treatment].to_numpy(dtype=float)
    bad = ~np.isin(d, (0.0, 1.0))
    if bad.any():
        raise ValueError(
            f"treatment column '{treatment}' must be 0/1; found values like "
            f"{sorted(set(d[bad].tolist()))[:5]}"
        )
    adopt = {}
    for u, grp in panel.assign(_t=tcode).groupby(unit, sort=True):
        dd = grp[treatment].to_numpy()
        if dd.any():
            first = int(np.argmax(dd > 0))
            if not dd[first:].all():
                raise ValueError(
                    f"treatment column '{treatment}' switches off again for unit {u!r}; "
                    "randomization inference here permutes absorbing adoption dates"
                )
            adopt[u] = int(grp["_t"].iloc[first])
        else:
            adopt[u] = -1
    return adopt


def _enumerate_assignments(labels: np.ndarray) -> np.ndarray:
    """All distinct arrangements of the multiset ``labels`` (rows)."""
    values, counts = np.unique(labels, return_counts=True)
    p = len(labels)
    out = []

    def rec(avail, idx, cur):
        if idx == len(values) - 1:
            cur = cur.copy()
            cur[list(avail)] = values[idx]
            out.append(cur)
            return
        for combo in itertools.combinations(avail, counts[idx]):
            nxt = cur.copy()
            nxt[list(combo)] = values[idx]
            rest = tuple(a for a in avail if a not in set(combo))
            rec(rest, idx + 1, nxt)

    rec(tuple(range(p)), 0, np.empty(p, dtype=labels.dtype))
    return np.array(out)


def _n_assignments(labels: np.ndarray) -> int:
    _, counts = np.unique(labels, return_counts=True)
    n = math.factorial(len(labels))
    for c in counts:
        n //= math.factorial(int(c))
    return n


class _TWFEStat:
    """TWFE DiD coefficient and CR1 t-statistic for many treatment columns at once.

    ``y`` and the controls are demeaned by unit and time once; each batch of
    permuted treatment columns is demeaned with the same alternating
    projections, so the regression ``y ~ D + controls | unit + time`` costs a
    few sparse products per batch instead of one full fit per permutation.
    """

    def __init__(self, panel, unit_codes, time_codes, outcome, controls, cl_codes):
        self.demean = _Demeaner([unit_codes, time_codes])
        self.cl = cl_codes
        self.n_cl = int(cl_codes.max()) + 1
        yt = self.demean(panel[outcome].to_numpy(dtype=float))
        if controls:
            w = self.demean(panel[controls].to_numpy(dtype=float))
            q, r = np.linalg.qr(w)
            keep = np.abs(np.diag(r)) > 1e-10 * max(1.0, np.abs(r).max())
            self.q = q[:, keep]
            yt = yt - self.q @ (self.q.T @ yt)
        else:
            self.q = None
        self.y = yt
        n = len(yt)
        n_units = int(unit_codes.max()) + 1
        n_times = int(time_codes.max()) + 1
        k = 1 + (0 if self.q is None else self.q.shape[1])
        k_df = k + n_units + n_times - 1
        if _nested(unit_codes, cl_codes):
            k_df -= n_units - 1
        if _nested(time_codes, cl_codes):
            k_df -= n_times - 1
        self.ssc = (self.n_cl / (self.n_cl - 1)) * ((n - 1) / (n - k_df))
        self.ind = _indicator(cl_codes, self.n_cl)

    def __call__(self, dmat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dt = self.demean(dmat)
        if self.q is not None:
            dt = dt - self.q @ (self.q.T @ dt)
        sxx = np.einsum("ij,ij->j", dt, dt)
        with np.errstate(divide="ignore", invalid="ignore"):
            beta = (dt.T @ self.y) / sxx
            resid = self.y[:, None] - dt * beta[None, :]
            scores = self.ind @ (dt * resid)
            se = np.sqrt(self.ssc * np.einsum("ij,ij->j", scores, scores)) / sxx
            return beta, beta / se


def randomization_inference(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    treatment: str,
    outcome: str | None = None,
    statistic: str | Callable[[pd.DataFrame], float] = "t",
    controls: Sequence[str] | None = None,
    cluster: str | None = None,
    pool: Iterable | None = None,
    n_perm: int = 9999,
    alternative: str = "two-sided",
    seed: int | np.random.Generator | None = None,
    batch_size: int = 512,
) -> RandomizationResult:
    """Randomization (permutation) inference re-assigning treatment across units.

    Under the sharp null of no effect for any unit, and if treatment could
    equally well have gone to any units of the ``pool``, every re-assignment
    that keeps the number of treated units and the multiset of adoption dates
    is equally likely, so the rank of the observed statistic in the
    permutation distribution gives an exact p-value (Fisher; Young 2019;
    MacKinnon & Webb 2020).  This stays valid with one cluster per unit and
    few treated units, where CR1 t-tests fail.

    Parameters
    ----------
    df : long panel with one row per unit and period.
    unit, time : unit and period columns.
    treatment : 0/1 column, absorbing within unit (staggered adoption allowed).
        Permutation moves each treated unit's adoption date to another unit:
        the permuted column is ``1(time >= adoption date of the unit)``.
    outcome : outcome column (needed for the built-in statistics).
    statistic : ``"t"`` (default; the CR1 t-statistic of the treatment
        coefficient in ``outcome ~ treatment + controls | unit + time``, which
        MacKinnon & Webb 2020 prefer because it is less sensitive to the sizes
        of the treated clusters), ``"coef"`` (the coefficient itself), or a
        callable ``statistic(df) -> float`` evaluated on a copy of ``df`` whose
        treatment column holds the permuted assignment (e.g. a synthetic
        control post-period gap).
    controls : time-varying control columns for the built-in TWFE statistic.
    cluster : cluster column of the t-statistic (default ``unit``).
    pool : units among which treatment is re-assigned (default: all units).
        It must contain every actually treated unit; units outside the pool
        keep their actual (untreated) status.
    n_perm : if the number of distinct assignments is at most ``n_perm`` they
        are all enumerated (exact, e.g. 5 treated of 13 units = 1287);
        otherwise ``n_perm`` assignments are drawn at random.
    alternative : ``"two-sided"`` (``|S| >= |S_obs|``), ``"greater"`` or ``"less"``.
    seed : int or numpy Generator for random draws.
    batch_size : permutations evaluated per vectorised batch (built-in statistics).

    Returns
    -------
    RandomizationResult

    Notes
    -----
    p-value: exact case ``#{assignments with stat at least as extreme} /
    #assignments`` (the actual assignment included, so ``p >= 1/#assignments``);
    random case ``(1 + #{draws at least as extreme}) / (1 + n_perm)``.  Ties
    (within a relative 1e-9) count as extreme.
    """
    if not isinstance(n_perm, (int, np.integer)) or n_perm < 1:
        raise ValueError(f"n_perm must be a positive integer, got {n_perm!r}")
    _check_alternative(alternative)
    controls = (
        [] if controls is None else ([controls] if isinstance(controls, str) else list(controls))
    )
    builtin = isinstance(statistic, str)
    if builtin and statistic not in ("t", "coef"):
        raise ValueError(f"statistic must be 't', 'coef' or a callable, got {statistic!r}")
    if not builtin and not callable(statistic):
        raise ValueError(f"statistic must be 't', 'coef' or a callable, got {statistic!r}")
    if builtin and outcome is None:
        raise ValueError("outcome= is required for the built-in 't' and 'coef' statistics")
    cols = [treatment, *([outcome] if outcome is not None else []), *controls]
    extra = [cluster] if cluster is not None and cluster not in (unit, time) else []
    panel = check_panel(
        df,
        unit=unit,
        time=time,
        columns=cols,
        min_units=2,
        min_periods=2,
        what="randomization_inference",
    )
    if extra:
        if extra[0] not in df.columns:
            raise ValueError(
                f"randomization_inference: cluster column '{extra[0]}' not found; "
                f"available columns are {list(df.columns)}"
            )
        panel[extra[0]] = (
            df.set_index([unit, time])[extra[0]]
            .reindex(pd.MultiIndex.from_frame(panel[[unit, time]]))
            .to_numpy()
        )
    tcode, tlabels = pd.factorize(panel[time], sort=True)
    ucode, ulabels = pd.factorize(panel[unit], sort=True)
    adopt = _adoption_codes(panel, unit, treatment, tcode)
    adopt_arr = np.array([adopt[u] for u in ulabels])
    treated_units = tuple(u for u in ulabels if adopt[u] >= 0)
    if not treated_units:
        raise ValueError(f"treatment column '{treatment}' is never 1; nothing to permute")

    if pool is None:
        pool_idx = np.arange(len(ulabels))
    else:
        pool_list = list(pool)
        unknown = [p for p in pool_list if p not in set(ulabels.tolist())]
        if unknown:
            raise ValueError(f"pool contains units not in column '{unit}': {unknown[:5]}")
        outside = [u for u in treated_units if u not in set(pool_list)]
        if outside:
            raise ValueError(f"treated units {outside[:5]} are not in the pool")
        pool_idx = np.flatnonzero(np.isin(ulabels, pool_list))
    labels = adopt_arr[pool_idx]
    if (labels >= 0).all():
        raise ValueError(
            "every unit in the pool is treated; there is no comparison unit to permute with"
        )
    n_assign = _n_assignments(labels)
    exact = n_assign <= n_perm
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if exact:
        assignments = _enumerate_assignments(labels)
    else:
        assignments = np.array([rng.permutation(labels) for _ in range(int(n_perm))])

    def full_adopt(rows: np.ndarray) -> np.ndarray:
        out = np.repeat(adopt_arr[None, :], rows.shape[0], axis=0)
        out[:, pool_idx] = rows
        return out  # (m, n_units)

    def treat_matrix(adopt_rows: np.ndarray) -> np.ndarray:
        a = adopt_rows[:, ucode].T  # N x m
        return ((a >= 0) & (tcode[:, None] >= a)).astype(float)

    if builtin:
        cl_codes = ucode if cluster is None else pd.factorize(panel[cluster], sort=True)[0]
        if cluster is not None and panel[cluster].isna().any():
            raise ValueError(f"cluster column '{cluster}' has missing values")
        twfe = _TWFEStat(panel, ucode, tcode, outcome, controls, cl_codes)
        which = 1 if statistic == "t" else 0
        obs = float(twfe(panel[treatment].to_numpy(dtype=float)[:, None])[which][0])
        dist = np.empty(len(assignments))
        for s0 in range(0, len(assignments), batch_size):
            rows = assignments[s0 : s0 + batch_size]
            dist[s0 : s0 + len(rows)] = twfe(treat_matrix(full_adopt(rows)))[which]
        name = statistic
    else:
        name = getattr(statistic, "__name__", "statistic")
        base = df.copy()
        ucode_df = pd.Index(ulabels).get_indexer(base[unit])
        tcode_df = pd.Index(tlabels).get_indexer(base[time])
        obs = float(statistic(base.copy()))
        dist = np.empty(len(assignments))
        for b, row in enumerate(full_adopt(assignments)):
            a = row[ucode_df]
            pert = base.copy()
            pert[treatment] = ((a >= 0) & (tcode_df >= a)).astype(base[treatment].dtype)
            dist[b] = float(statistic(pert))

    hits = _tail_share(dist, obs, alternative, symmetric=True) * len(dist)
    p = hits / len(dist) if exact else (1.0 + hits) / (1.0 + len(dist))
    counts = pd.Series(labels[labels >= 0]).value_counts().sort_index()
    adoption = {
        tlabels[int(k)].item() if hasattr(tlabels[int(k)], "item") else tlabels[int(k)]: int(v)
        for k, v in counts.items()
    }
    return RandomizationResult(
        statistic=name,
        observed=obs,
        p_value=float(min(1.0, p)),
        alternative=alternative,
        n_perm=int(len(dist)),
        n_assignments=int(n_assign),
        exact=bool(exact),
        n_treated=len(treated_units),
        n_pool=int(len(pool_idx)),
        adoption=adoption,
        treated_units=treated_units,
        distribution=dist,
    )
