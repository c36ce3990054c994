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

Inputs, limits and reproducibility (both functions)
----------------------------------------------------
* Draw counts: ``n_boot`` / ``n_perm`` must be integers between
  :data:`~nanbei.effects._common.MIN_DRAWS` (99) and
  :data:`~nanbei.effects._common.MAX_DRAWS` (1,000,000); see
  :mod:`nanbei.effects._common` for why.  Weight vectors and permutations are
  generated and evaluated in fixed-size chunks (4,096 draws per random block),
  so memory does not grow with the number of clusters times draws; only a few
  float64 numbers per draw are kept (for the p-value function and the
  confidence interval).  Full enumeration happens only when the number of
  distinct weight vectors (assignments) is at most the number of draws asked
  for, hence never above the cap.
* Degenerate data are refused rather than reported as p = 1 or p = 0: a
  constant outcome, a model that fits the outcome exactly (zero residual
  variance, so no t statistic exists), a treatment that never varies within
  the treated units, a statistic that is NaN for the actual assignment.
* ``seed`` (default 0) fixes every random draw: reruns give identical
  numbers.  Pass ``seed=None`` for fresh entropy.
* ``formula=`` is parsed here, never evaluated as Python (see
  :func:`parse_formula` for the grammar), so a formula cannot run code.
"""

from __future__ import annotations

import itertools
import math
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from nanbei.effects._common import MIN_DRAWS, check_draws
from nanbei.fixed_effects import Demeaner, cr1_factor, indicator
from nanbei.panel import check_panel
from nanbei.results import TIDY_COLUMNS, Result, Summary, tidy_frame, unit_label
from nanbei.wording import p_phrase

__all__ = [
    "WildBootstrapResult",
    "RandomizationResult",
    "wild_cluster_bootstrap",
    "randomization_inference",
    "parse_formula",
]

# Equiprobable auxiliary weight distributions (mean 0, variance 1).
# Webb (2023, Canadian J. Econ.) six-point distribution: +-sqrt(1/2), +-1, +-sqrt(3/2).
_WEIGHT_SUPPORT = {
    "rademacher": np.array([-1.0, 1.0]),
    "webb": np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]),
}
_ALTERNATIVES = ("two-sided", "greater", "less")
_TIE_RTOL = 1e-9  # relative tolerance under which two t statistics count as tied
# Random draws are generated in blocks of this many draws (weight vectors or permutations),
# independent of ``chunk_size``/``batch_size``, so the numbers depend on the seed only.
_RNG_BLOCK = 4096
# Bytes of temporary floats per chunk of bootstrap draws (weights and their products).
_CHUNK_BYTES = 8e6


# --------------------------------------------------------------------------------------
# small generic helpers
# --------------------------------------------------------------------------------------
def _nested(inner: np.ndarray, outer: np.ndarray) -> bool:
    """True if every level of ``inner`` lies inside a single level of ``outer``."""
    first = np.full(int(inner.max()) + 1, -1, dtype=np.int64)
    first[inner[::-1]] = outer[::-1]  # outer level of the first occurrence of each inner level
    return bool(np.all(first[inner] == outer))


def _check_alternative(alternative: str) -> None:
    if alternative not in _ALTERNATIVES:
        raise ValueError(f"alternative must be one of {_ALTERNATIVES}, got {alternative!r}")


def _tidy_row(record: Mapping, extra: Sequence[str]) -> pd.DataFrame:
    """The one-row ``tidy()`` frame of a single-coefficient result: the common columns
    (:data:`nanbei.results.TIDY_COLUMNS`, NaN where the record has none), then ``extra``."""
    return tidy_frame([{k: record[k] for k in (*TIDY_COLUMNS, *extra) if k in record}])


def _frame_row(
    record: Mapping, columns: Sequence[tuple[str, str]], index: tuple[str, str]
) -> pd.DataFrame:
    """The one-row detailed table (``to_frame()``) of a single-coefficient result.

    ``columns`` pairs each output column with its key in ``record``; ``index`` pairs the
    index name with the key of its one label.
    """
    name, key = index
    return pd.DataFrame(
        {col: [record[k]] for col, k in columns}, index=pd.Index([record[key]], name=name)
    )


def _value_table(rows: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """A summary's (label, text) rows as a one-column ``value`` table indexed by label."""
    return pd.DataFrame({"value": [v for _, v in rows]}, index=pd.Index([k for k, _ in rows]))


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
# model formulas: parsed, never evaluated
# --------------------------------------------------------------------------------------
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_FACTOR = re.compile(
    rf"\s*(?:(?P<fn>C|log|np\.log)\s*\(\s*(?P<arg>{_NAME})\s*\)|(?P<name>{_NAME})|(?P<num>[01]))\s*"
)
_FORMULA_HELP = (
    "allowed: 'y ~ x1 + x2 + C(g)' where every name is a column; transforms C(col) "
    "(categorical), log(col) / np.log(col); numeric interactions a:b; '0 +' or '- 1' drops "
    "the intercept"
)


def parse_formula(formula: str) -> tuple[tuple[str | None, str], list, bool]:
    """Parse a model formula of the restricted grammar; nothing is ever evaluated.

    Grammar (whitespace is free)::

        formula  := response "~" rhs
        response := factor                       (no C())
        rhs      := item (("+" | "-") item)*      ("- 1" / "+ 0" drop the intercept)
        item     := "0" | "1" | factor (":" factor)*
        factor   := NAME | "C(" NAME ")" | "log(" NAME ")" | "np.log(" NAME ")"
        NAME     := a Python identifier naming a column of the data

    Returns ``(response, terms, intercept)`` where the response and each factor are
    ``(transform or None, column)`` pairs and ``terms`` is a list of factor lists.
    Anything else (``I(...)``, function calls, attribute access, operators such as ``*``
    or ``**``) raises ValueError: a formula string can never run code (statsmodels'
    patsy formulas are evaluated as Python, so ``I(__import__('os').system(...))`` would).
    """
    if not isinstance(formula, str) or formula.count("~") != 1:
        raise ValueError(f"formula must be a string like 'y ~ treat_post', got {formula!r}")
    lhs, rhs = formula.split("~")
    m = _FACTOR.fullmatch(lhs)
    if not m or m.group("num") is not None or m.group("fn") == "C":
        raise ValueError(f"formula: unsupported response {lhs.strip()!r}; {_FORMULA_HELP}")
    response = (m.group("fn"), m.group("arg")) if m.group("fn") else (None, m.group("name"))
    terms: list[list[tuple[str | None, str]]] = []
    intercept = True
    pos, sign = 0, "+"
    while True:
        m = _FACTOR.match(rhs, pos)
        if not m:
            raise ValueError(
                f"formula: unsupported syntax at {rhs[pos:].strip()[:40]!r} in {formula!r}; "
                f"{_FORMULA_HELP}"
            )
        pos = m.end()
        if m.group("num") is not None:
            if (sign, m.group("num")) in (("+", "0"), ("-", "1")):
                intercept = False
            elif (sign, m.group("num")) == ("+", "1"):
                intercept = True
            else:
                raise ValueError(
                    f"formula: '{sign} {m.group('num')}' is not allowed; {_FORMULA_HELP}"
                )
        else:
            if sign == "-":
                raise ValueError(
                    f"formula: only '- 1' may be subtracted, got '- {m.group(0).strip()}'; "
                    f"{_FORMULA_HELP}"
                )
            term = [(m.group("fn"), m.group("arg")) if m.group("fn") else (None, m.group("name"))]
            while pos < len(rhs) and rhs[pos] == ":":
                m2 = _FACTOR.match(rhs, pos + 1)
                if not m2 or m2.group("num") is not None:
                    raise ValueError(
                        f"formula: unsupported interaction at {rhs[pos:].strip()[:40]!r}; "
                        f"{_FORMULA_HELP}"
                    )
                term.append(
                    (m2.group("fn"), m2.group("arg"))
                    if m2.group("fn")
                    else (None, m2.group("name"))
                )
                pos = m2.end()
            if term not in terms:
                terms.append(term)
        if pos >= len(rhs):
            break
        if rhs[pos] not in "+-":
            raise ValueError(
                f"formula: unsupported syntax at {rhs[pos:].strip()[:40]!r} in {formula!r}; "
                f"{_FORMULA_HELP}"
            )
        sign = rhs[pos]
        pos += 1
    return response, terms, intercept


def _factor_label(fn, col) -> str:
    return col if fn is None else f"{fn}({col})"


def _formula_design(df: pd.DataFrame, formula: str):
    """(y, X, names, rows) for a formula of :func:`parse_formula`'s grammar.

    Coding follows patsy/statsmodels so that coefficient names are the familiar ones:
    ``Intercept``; a numeric column or transform by its text (``x``, ``np.log(x)``); a
    categorical (``C(g)``, or a non-numeric column) by treatment dummies named
    ``C(g)[T.level]`` (``g[T.level]``) against the first sorted level - all levels for the
    first categorical term when there is no intercept.  Rows with a missing value in any
    column used are dropped.
    """
    response, terms, intercept = parse_formula(formula)
    used = [response[1], *(col for term in terms for _, col in term)]
    missing = [c for c in dict.fromkeys(used) if c not in df.columns]
    if missing:
        raise ValueError(
            f"formula {formula!r}: column(s) {missing} not found; available columns are "
            f"{list(df.columns)}"
        )
    sub = df[list(dict.fromkeys(used))].dropna()
    if sub.empty:
        raise ValueError(f"formula {formula!r}: no row without missing values")

    def categorical(fn, col):
        return fn == "C" or (
            fn is None
            and not (
                pd.api.types.is_numeric_dtype(sub[col]) or pd.api.types.is_bool_dtype(sub[col])
            )
        )

    def numeric(fn, col):
        s = sub[col]
        if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
            raise ValueError(
                f"formula {formula!r}: column '{col}' must be numeric for {_factor_label(fn, col)}"
            )
        v = s.to_numpy(dtype=float)
        if fn in ("log", "np.log"):
            bad = int(np.sum(v <= 0))
            if bad:
                raise ValueError(
                    f"formula {formula!r}: {_factor_label(fn, col)} needs positive values; "
                    f"column '{col}' has {bad} non-positive value(s)"
                )
            v = np.log(v)
        return v

    yv = numeric(*response)
    cols, names = [], []
    if intercept:
        cols.append(np.ones(len(sub)))
        names.append("Intercept")
    full_rank_done = intercept
    for term in terms:
        if len(term) == 1 and categorical(*term[0]):
            fn, col = term[0]
            levels = np.sort(pd.unique(sub[col]))
            full = (
                not full_rank_done
            )  # patsy: full coding for the first categorical without intercept
            full_rank_done = True
            label = f"C({col})" if fn == "C" else col
            values = sub[col].to_numpy()
            for lev in levels if full else levels[1:]:
                cols.append((values == lev).astype(float))
                names.append(f"{label}[{lev}]" if full else f"{label}[T.{lev}]")
            continue
        if any(categorical(*f) for f in term):
            raise ValueError(
                f"formula {formula!r}: interactions with a categorical term are not supported; "
                "build the interaction columns in the data instead"
            )
        v = np.ones(len(sub))
        for f in term:
            v = v * numeric(*f)
        cols.append(v)
        names.append(":".join(_factor_label(*f) for f in term))
    if not cols:
        raise ValueError(f"formula {formula!r}: the model has no regressor")
    return yv, np.column_stack(cols), names, sub.index


def _design(df, formula, y, x, fe):
    """Build (y, X, names, kept row labels, outcome label) from a formula or column names."""
    if formula is not None:
        if y is not None or x is not None:
            raise ValueError("give either formula= or y=/x=, not both")
        yv, xm, names, rows = _formula_design(df, formula)
        return yv, xm, names, rows, formula.split("~")[0].strip()
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
    return sub[y].to_numpy(), xm, names, sub.index, y


# --------------------------------------------------------------------------------------
# wild cluster bootstrap
# --------------------------------------------------------------------------------------
class _WildPValue:
    """Bootstrap p-value as a function of the hypothesised value ``beta0``.

    Holds the per-draw building blocks (numerator and squared-denominator coefficients,
    affine / quadratic in ``beta0`` under WCR), so that every evaluation costs O(B) and
    the object pickles (a closure would not).
    """

    def __init__(
        self, n0, n1, d00, d01, d11, bhat, se, ra, ssc, impose_null, alternative, symmetric
    ):
        self.n0, self.n1, self.d00, self.d01, self.d11 = n0, n1, d00, d01, d11
        self.bhat, self.se, self.ra, self.ssc = bhat, se, ra, ssc
        self.impose_null, self.alternative, self.symmetric = impose_null, alternative, symmetric

    def t_star(self, beta0: float) -> np.ndarray:
        # Under WCR the residuals are uhat + delta*z with delta=(bhat-beta0)/ra.
        dlt = (self.bhat - beta0) / self.ra if self.impose_null else 0.0
        num = self.n0 + dlt * self.n1
        den2 = self.ssc * (self.d00 + 2 * dlt * self.d01 + dlt * dlt * self.d11)
        with np.errstate(divide="ignore", invalid="ignore"):
            return num / np.sqrt(np.maximum(den2, 0.0))

    def __call__(self, beta0: float) -> float:
        tt = (self.bhat - beta0) / self.se
        return _tail_share(self.t_star(beta0), tt, self.alternative, self.symmetric)


@dataclass(repr=False)
class WildBootstrapResult(Result):
    """Result of :func:`wild_cluster_bootstrap` for one coefficient.

    Attributes
    ----------
    param : name of the tested coefficient.
    estimate, se, t_stat : OLS estimate, its CR1 cluster-robust standard error
        and ``(estimate - h0) / se``.
    p_value : wild bootstrap p-value of ``H0: param = h0``; it moves in steps of
        ``p_value_resolution`` (1 / number of draws).
    p_value_cr1 : conventional p-value of the CR1 t-test with a t(G-1)
        reference distribution (for comparison; unreliable with few clusters).
    ci : bootstrap confidence interval at level ``1 - alpha`` (test inversion);
        bounds may be infinite when no value can be rejected at this level with
        few clusters.  NaN when the interval was not asked for.
    alpha : level of the interval (``conf_level`` is its deprecated complement).
    n_boot : number of bootstrap draws actually used (= m**G when enumerated).
    enumerated : True if all equally likely weight vectors were enumerated,
        so the p-value is exact (not subject to simulation error).
    t_boot : the bootstrap t statistics (under ``h0``).
    n_obs, n_clusters, n_bootclusters : sample sizes.
    """

    _name = "Wild cluster bootstrap"

    param: str
    estimate: float
    se: float
    t_stat: float
    p_value: float
    p_value_cr1: float
    ci: tuple[float, float]
    alpha: float
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
    outcome: str = "y"
    _pfun: Callable[[float], float] | None = field(default=None, repr=False)

    @property
    def conf_level(self) -> float:
        """Deprecated: the interval's level, ``1 - alpha``."""
        warnings.warn(
            "WildBootstrapResult.conf_level is deprecated; use 1 - .alpha",
            DeprecationWarning,
            stacklevel=2,
        )
        return 1.0 - self.alpha if np.isfinite(self.alpha) else math.nan

    @property
    def method(self) -> str:
        return "WCR" if self.impose_null else "WCU"

    @property
    def fixed_effects(self) -> tuple[str, ...]:
        """The absorbed fixed effects (same as ``fe``; the name table builders look for)."""
        return self.fe

    @property
    def p_value_resolution(self) -> float:
        """Step of the bootstrap p-value: 1 / number of draws."""
        return 1.0 / self.n_boot

    @property
    def conf_low(self) -> float:
        return float(self.ci[0])

    @property
    def conf_high(self) -> float:
        return float(self.ci[1])

    def p_value_at(self, beta0: float) -> float:
        """Bootstrap p-value of ``H0: param = beta0`` reusing the same draws."""
        if self._pfun is None:  # pragma: no cover
            raise ValueError("p-value function not available")
        return self._pfun(float(beta0))

    def __repr__(self) -> str:
        draws = f"{self.n_boot} {'enumerated' if self.enumerated else 'random'} draws"
        lo, hi = self.ci
        level = f"{1 - self.alpha:.0%}" if np.isfinite(self.alpha) else "no"
        return (
            f"WildBootstrapResult({self.method}-11 {self.weights}, {self.param}: "
            f"estimate={self.estimate:.4g}, se(CR1)={self.se:.4g}, t={self.t_stat:.3f}, "
            f"p={self.p_value:.4f} (CR1 t(G-1) p={self.p_value_cr1:.4f}), "
            f"{level} CI=[{lo:.4g}, {hi:.4g}], G={self.n_clusters}, {draws})"
        )

    def _p_text(self) -> str:
        if self.p_value == 0 and not self.enumerated:
            return f"< {self.p_value_resolution:.2g} (no draw as extreme)"
        return f"{self.p_value:.4f}"

    def summary(self) -> Summary:
        """Estimate, CR1 and bootstrap inference, and the settings, as a Summary."""
        alt = self.alternative
        if alt == "two-sided":
            alt += " (symmetric)" if self.symmetric else " (equal-tailed)"
        lo, hi = self.ci
        ci_text = (
            "not computed"
            if not np.isfinite(self.alpha)
            else f"[{lo:.6g}, {hi:.6g}]"
            + ("  (test inversion)" if self.impose_null else "  (percentile-t)")
        )
        rows = [
            ("H0", f"{self.param} = {self.h0:g}"),
            ("alternative", alt),
            ("estimate", f"{self.estimate:.6g}"),
            ("CR1 std. error", f"{self.se:.6g} (small-sample factor {self.ssc:.5f})"),
            ("t statistic", f"{self.t_stat:.4f}"),
            ("bootstrap p-value", self._p_text()),
            ("CR1 t(G-1) p-value", f"{self.p_value_cr1:.4f} (conventional, for comparison)"),
            (f"{1 - self.alpha:.0%} bootstrap CI" if np.isfinite(self.alpha) else "CI", ci_text),
            ("observations", str(self.n_obs)),
            (f"clusters ({self.cluster})", str(self.n_clusters)),
            (f"bootstrap clusters ({self.bootcluster})", str(self.n_bootclusters)),
            (
                "draws",
                f"all {self.n_boot} weight vectors enumerated (exact p-value)"
                if self.enumerated
                else f"{self.n_boot} random",
            ),
            ("absorbed fixed effects", ", ".join(self.fe) if self.fe else "none"),
        ]
        table = _value_table(rows)
        notes = [
            f"p-values move in steps of {self.p_value_resolution:.2g} (1/{self.n_boot} draws)."
        ]
        if self.n_boot < MIN_DRAWS:
            notes.append(f"only {self.n_boot} user-supplied weight vectors: the p-value is coarse")
        return Summary(
            f"Wild cluster bootstrap ({self.method}, {self.weights} weights)", [("", table)], notes
        )

    # tidy() (extras after the common columns) and to_frame() (the detailed table, its own
    # column names) both come from this one record.
    _TIDY_EXTRA = ("p_value_cr1", "n_clusters", "n_boot", "method")
    _FRAME_INDEX = ("param", "term")
    _FRAME_COLUMNS = (
        ("estimate", "estimate"),
        ("se_cr1", "std_error"),
        ("t_stat", "statistic"),
        ("p_value", "p_value"),
        ("p_value_cr1", "p_value_cr1"),
        ("ci_low", "conf_low"),
        ("ci_high", "conf_high"),
        ("alpha", "alpha"),
        ("h0", "h0"),
        ("method", "method"),
        ("weights", "weights"),
        ("n_boot", "n_boot"),
        ("enumerated", "enumerated"),
        ("n_clusters", "n_clusters"),
        ("n_obs", "n_obs"),
    )

    def _record(self) -> dict:
        """The coefficient with its CR1 standard error and t statistic, the bootstrap
        p-value and the bootstrap confidence interval, and the settings."""
        return {
            "term": self.param,
            "estimate": self.estimate,
            "std_error": self.se,
            "statistic": self.t_stat,
            "p_value": self.p_value,
            "conf_low": self.ci[0],
            "conf_high": self.ci[1],
            "n_obs": self.n_obs,
            "p_value_cr1": self.p_value_cr1,
            "n_clusters": self.n_clusters,
            "n_boot": self.n_boot,
            "method": self.method,
            "alpha": self.alpha,
            "h0": self.h0,
            "weights": self.weights,
            "enumerated": self.enumerated,
        }

    def tidy(self) -> pd.DataFrame:
        """One row: the coefficient with its CR1 standard error and t statistic, the
        bootstrap p-value and the bootstrap confidence interval."""
        return _tidy_row(self._record(), self._TIDY_EXTRA)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame indexed by the parameter name (the detailed table)."""
        return _frame_row(self._record(), self._FRAME_COLUMNS, self._FRAME_INDEX)

    def _plot(self, ax, labels, lang, **kwargs):
        """Histogram of the bootstrap t statistics under H0 with the observed t."""
        tb = self.t_boot[np.isfinite(self.t_boot)]
        ax.hist(
            tb,
            bins=min(60, max(10, len(tb) // 20)),
            color="#9aa5b1",
            edgecolor="white",
            density=True,
            label=f"bootstrap t* ({self.n_boot} draws)",
        )
        ax.axvline(self.t_stat, color="black", lw=2, label=f"observed t = {self.t_stat:.2f}")
        if self.alternative == "two-sided" and self.symmetric:
            ax.axvline(-self.t_stat, color="black", lw=1, ls="--")
        ax.set_xlabel(f"t statistic of {self.param} (H0: {self.param} = {self.h0:g})")
        ax.set_ylabel("density")
        ax.set_title(
            f"Wild cluster bootstrap ({self.method}, {self.weights}): {p_phrase(self.p_value)}"
        )
        ax.legend(frameon=False)


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


class _WeightDraws:
    """The bootstrap weight vectors, generated chunk by chunk (never all at once).

    * Rademacher / Webb with ``m**G <= n_boot``: all ``m**G`` vectors are enumerated in
      ``itertools.product`` order (cluster 0 varies slowest), each chunk computed from
      the draw indices;
    * otherwise ``n_boot`` random vectors, drawn as int8 codes in blocks of
      ``_RNG_BLOCK`` draws (the numbers depend on the seed only, not on ``chunk_size``);
    * an explicit ``(B, G)`` array is used as given.
    """

    def __init__(self, weights, n_boot: int, g_boot: int, rng):
        self.g = g_boot
        self.rng = rng
        self.matrix: np.ndarray | None = None  # explicit weights, G x B
        self.values: np.ndarray | None = None  # support of the random or enumerated weights
        if isinstance(weights, str):
            key = weights.lower()
            if key not in _WEIGHT_SUPPORT:
                raise ValueError(
                    f"unknown weights {weights!r}; use one of {sorted(_WEIGHT_SUPPORT)} "
                    "or an (n_boot, G) array of draws"
                )
            self.values = _WEIGHT_SUPPORT[key]
            self.name = key
            m = len(self.values)
            self.enumerated = g_boot * math.log(m) <= math.log(n_boot) + 1e-12  # m**G <= n_boot
            self.n = m**g_boot if self.enumerated else n_boot
            return
        arr = np.asarray(weights, dtype=float)
        if arr.ndim != 2 or arr.shape[1] != g_boot:
            raise ValueError(
                f"explicit weights must be an (n_boot, G) array with G={g_boot} bootstrap "
                f"clusters, got shape {arr.shape}"
            )
        if not np.isfinite(arr).all():
            raise ValueError("explicit weights contain non-finite values")
        if len(arr) < 1:
            raise ValueError("explicit weights: the array has no rows (draws)")
        self.name, self.enumerated, self.n = "user", False, len(arr)
        self.matrix = arr.T

    def chunks(self, size: int) -> Iterator[tuple[slice, np.ndarray]]:
        """Yield (slice of draw indices, G x k float weights) for consecutive draws."""
        size = max(1, int(size))
        if self.matrix is not None:
            for s0 in range(0, self.n, size):
                sl = slice(s0, min(self.n, s0 + size))
                yield sl, self.matrix[:, sl]
            return
        values = self.values
        assert values is not None  # set whenever no explicit matrix was given
        m = len(values)
        if self.enumerated:
            powers = m ** np.arange(self.g - 1, -1, -1, dtype=np.int64)
            for s0 in range(0, self.n, size):
                idx = np.arange(s0, min(self.n, s0 + size), dtype=np.int64)
                codes = (idx[None, :] // powers[:, None]) % m
                yield slice(s0, s0 + len(idx)), values[codes]
            return
        for b0 in range(0, self.n, _RNG_BLOCK):
            k = min(_RNG_BLOCK, self.n - b0)
            codes = self.rng.integers(0, m, size=(self.g, k), dtype=np.int8)
            for s0 in range(0, k, size):
                s1 = min(k, s0 + size)
                yield slice(b0 + s0, b0 + s1), values[codes[:, s0:s1]]


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
    seed: int | np.random.Generator | None = 0,
    chunk_size: int = 4096,
    alpha: float | None = None,
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
        (e.g. ``"treat_post"``; for ``C(g)`` terms ``"C(g)[T.level]"``).
    cluster : column defining the clusters of the CR1 variance.
    formula : a model formula such as ``"lgdp ~ treat_post + C(year)"``, parsed by
        :func:`parse_formula` (column names, ``C()``, ``log()``/``np.log()``, numeric
        interactions ``a:b``, ``- 1``), never evaluated as Python.  Rows with missing
        values are dropped.
    y, x : alternatively the outcome column and regressor column(s); an
        intercept is added unless ``fe`` is given.
    fe : column(s) of fixed effects absorbed by demeaning (any intercept or
        dummies collinear with them are dropped).  The bootstrap is exactly
        the one of the model with these FE as dummies (see module docstring).
    bootcluster : column at which the bootstrap weights vary (default
        ``cluster``); a finer level gives the "subcluster" wild bootstrap that
        MacKinnon & Webb (2018) recommend when very few clusters are treated.
    n_boot : number of bootstrap draws, an integer from 99 to 1,000,000 (see
        :mod:`nanbei.effects._common`).  With Rademacher (Webb) weights and
        ``2**G <= n_boot`` (``6**G <= n_boot``) all weight vectors are
        enumerated instead, giving the exact bootstrap p-value.  Ignored for an
        explicit array of weights, which is used as given (the p-value then has
        resolution 1/B, reported in the summary).
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
    seed : int (default 0) or numpy Generator for the draws; None for fresh entropy.
    chunk_size : largest number of draws processed per matrix product; the chunk is
        made smaller when the number of clusters would make it exceed about 8 MB.
    alpha : the interval's level as ``1 - alpha`` (the project-wide name); if given it
        overrides ``conf_level``.

    Returns
    -------
    WildBootstrapResult

    Raises
    ------
    ValueError for unknown columns, a bad formula, ``n_boot`` outside [99, 10**6], a
    constant outcome or a model that fits the outcome exactly (zero residual variance:
    the CR1 standard error is 0 and no t statistic exists), collinear regressors, or
    fewer than 2 clusters.

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
    what = "wild_cluster_bootstrap"
    n_boot, conf_level = _check_wild_options(
        df, weights, n_boot, alternative, alpha, conf_level, chunk_size, what
    )
    fe_cols = [] if fe is None else ([fe] if isinstance(fe, str) else list(fe))
    data = df.reset_index(drop=True)
    bcol = bootcluster or cluster
    columns = [cluster, *fe_cols, *([bcol] if bootcluster else [])]
    yv, xm, names, rows, yname = _checked_design(data, formula, y, x, fe_cols, param, columns, what)
    cl, n_cl, bc, n_bc = _cluster_codes(data, cluster, bcol, rows)
    fe_codes = [_codes(data, f, rows, "fixed-effect")[0] for f in fe_cols]
    fit = _fwl_ols(yv, xm, names, param, fe_cols, fe_codes, yname, what)
    ssc = _absorbed_cr1_factor(fit.k, len(yv), fe_codes, cl, n_cl)
    se = _cr1_se(fit, cl, n_cl, ssc, param, what)
    t_obs = (fit.beta[fit.j] - h0) / se

    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    draws = _WeightDraws(weights, int(n_boot), n_bc, rng)
    scores = _ScoreMap(fit, cl, n_cl, bc, n_bc, fe_codes)
    moments = _bootstrap_moments(scores, fit, draws, impose_null, int(chunk_size))
    bhat = float(fit.beta[fit.j])
    pfun = _WildPValue(*moments, bhat, se, fit.ra, ssc, impose_null, alternative, symmetric)
    t_boot = pfun.t_star(h0)
    ci = (math.nan, math.nan)
    if conf_level is not None:
        ci = invert_test(pfun, bhat, se, 1.0 - conf_level)

    return WildBootstrapResult(
        param=param,
        estimate=bhat,
        se=se,
        t_stat=float(t_obs),
        p_value=_tail_share(t_boot, t_obs, alternative, symmetric),
        p_value_cr1=_cr1_pvalue(t_obs, n_cl - 1, alternative),
        ci=ci,
        alpha=float(1.0 - conf_level) if conf_level is not None else math.nan,
        h0=float(h0),
        alternative=alternative,
        symmetric=symmetric,
        impose_null=impose_null,
        weights=draws.name,
        n_boot=int(draws.n),
        enumerated=draws.enumerated,
        n_obs=int(len(yv)),
        n_clusters=int(n_cl),
        n_bootclusters=int(n_bc),
        cluster=cluster,
        bootcluster=bcol,
        fe=tuple(fe_cols),
        ssc=float(ssc),
        t_boot=t_boot,
        outcome=yname,
        _pfun=pfun,
    )


def _check_wild_options(
    df, weights, n_boot, alternative: str, alpha, conf_level, chunk_size, what: str
) -> tuple[int, float | None]:
    """Validate the non-column arguments of :func:`wild_cluster_bootstrap`.

    Returns ``n_boot`` (checked when the weights are drawn, as given for an explicit
    array) and the interval level (``1 - alpha`` when ``alpha`` is given).
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    if isinstance(weights, str):
        n_boot = check_draws(n_boot, "n_boot", what)
    _check_alternative(alternative)
    if alpha is not None:
        if not 0 < alpha < 1:
            raise ValueError(f"{what}: alpha must be in (0, 1), got {alpha}")
        conf_level = 1.0 - alpha
    if conf_level is not None and not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1), got {conf_level}")
    if (
        not isinstance(chunk_size, (int, np.integer))
        or isinstance(chunk_size, bool)
        or chunk_size < 1
    ):
        raise ValueError(f"{what}: chunk_size must be a positive integer, got {chunk_size!r}")
    return n_boot, conf_level


def _checked_design(
    data: pd.DataFrame,
    formula: str | None,
    y: str | None,
    x: str | Sequence[str] | None,
    fe_cols: list,
    param: str,
    columns: list,
    what: str,
) -> tuple[np.ndarray, np.ndarray, list, pd.Index, str]:
    """Outcome, regressors, coefficient names, rows used and outcome name of the model.

    Raises if one of ``columns`` (cluster, FE, bootcluster) is missing, ``param`` is not a
    coefficient, or the outcome is constant.
    """
    for col in columns:
        if col not in data.columns:
            raise ValueError(
                f"column '{col}' not found; available columns are {list(data.columns)}"
            )
    yv, xm, names, rows, yname = _design(data, formula, y, x, fe_cols)
    if param not in names:
        raise ValueError(
            f"param {param!r} is not a coefficient of the model; coefficients are {names}"
        )
    if len(yv) and np.ptp(yv) == 0:
        raise ValueError(
            f"{what}: the outcome {yname!r} is constant (zero variance, value {yv[0]:g}): the "
            "residuals are all zero, so the CR1 standard error is 0 and no t statistic or "
            "bootstrap p-value exists"
        )
    return yv, xm, names, rows, yname


def _cluster_codes(
    data: pd.DataFrame, cluster: str, bcol: str, rows: pd.Index
) -> tuple[np.ndarray, int, np.ndarray, int]:
    """Codes and numbers of the CR1 clusters and of the bootstrap clusters (2 or more each)."""
    cl, cl_labels = _codes(data, cluster, rows, "cluster")
    bc, bc_labels = _codes(data, bcol, rows, "bootcluster")
    n_cl, n_bc = len(cl_labels), len(bc_labels)
    if n_cl < 2:
        raise ValueError(f"cluster column '{cluster}' has {n_cl} cluster(s); at least 2 are needed")
    if n_bc < 2:
        raise ValueError(
            f"bootcluster column '{bcol}' has {n_bc} cluster(s); at least 2 are needed"
        )
    return cl, n_cl, bc, n_bc


@dataclass
class _WildFit:
    """OLS after partialling out the absorbed fixed effects (Frisch-Waugh-Lovell).

    ``xt``/``yt`` are the demeaned regressors and outcome, ``j`` the column of the tested
    coefficient, ``a = (Xt'Xt)^{-1} e_j``, ``ra = a_j`` and ``z = Xt a`` (module docstring).
    """

    demean: Demeaner
    xt: np.ndarray
    names: list
    xtx_inv: np.ndarray
    beta: np.ndarray
    uhat: np.ndarray
    j: int
    ra: float
    z: np.ndarray

    @property
    def k(self) -> int:
        return int(self.xt.shape[1])


def _fwl_ols(
    yv: np.ndarray,
    xm: np.ndarray,
    names: list,
    param: str,
    fe_cols: list,
    fe_codes: list[np.ndarray],
    yname: str,
    what: str,
) -> _WildFit:
    """Demean by the fixed effects, drop the regressors they absorb, and fit OLS.

    Raises if ``param`` is absorbed, the regressors are collinear, or the model fits the
    outcome exactly (no residual variance, hence no t statistic).
    """
    demean = Demeaner(fe_codes)
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
    if not np.linalg.norm(uhat) > 1e-10 * max(np.linalg.norm(yt), np.linalg.norm(yv - yv.mean())):
        raise ValueError(
            f"{what}: the model fits the outcome {yname!r} exactly (all residuals are zero, "
            "zero residual variance), so the CR1 standard error is 0 and no t statistic or "
            "bootstrap p-value exists"
        )
    a = xtx_inv[:, j]
    return _WildFit(demean, xt, names, xtx_inv, beta, uhat, j, a[j], xt @ a)


def _absorbed_cr1_factor(
    k: int, n: int, fe_codes: list[np.ndarray], cl: np.ndarray, n_cl: int
) -> float:
    """CR1 small-sample factor with ``k`` regressors plus the absorbed fixed effects, not
    counting those nested in the clusters (the fixest convention)."""
    k_df = k
    if fe_codes:
        levels = [int(c.max()) + 1 for c in fe_codes]
        k_df += sum(levels) - (len(levels) - 1)
        k_df -= sum(lv - 1 for lv, c in zip(levels, fe_codes, strict=True) if _nested(c, cl))
    if n - k_df <= 0:
        raise ValueError(f"not enough observations ({n}) for {k_df} parameters")
    return cr1_factor(n_cl, n, k_df)


def _cr1_se(fit: _WildFit, cl: np.ndarray, n_cl: int, ssc: float, param: str, what: str) -> float:
    """CR1 standard error of the tested coefficient; raises if it is 0."""
    se = math.sqrt(ssc * np.sum(np.bincount(cl, weights=fit.z * fit.uhat, minlength=n_cl) ** 2))
    if not se > 0:
        raise ValueError(
            f"{what}: the CR1 standard error of {param!r} is 0 (the cluster scores cancel "
            "exactly), so no t statistic or bootstrap p-value exists"
        )
    return se


class _ScoreMap:
    """``u -> (c, A)``: the numerator weights and the CR1 score map of the bootstrap
    t statistic for residual vector ``u`` (module docstring, "Algebra")."""

    def __init__(
        self,
        fit: _WildFit,
        cl: np.ndarray,
        n_cl: int,
        bc: np.ndarray,
        n_bc: int,
        fe_codes: list[np.ndarray],
    ):
        self.fit, self.cl, self.n_cl, self.bc, self.n_bc = fit, cl, n_cl, bc, n_bc
        self.ind_cl = indicator(cl, n_cl)
        self.ind_bc = indicator(bc, n_bc)
        zg = self.ind_cl @ (fit.xt * fit.z[:, None])  # G x k : Xt_g' z_g
        self.zg_xinv = zg @ fit.xtx_inv
        # FE nested in the bootstrap clusters: M_D (u * 1_b) = u * 1_b, no demeaning needed
        self.fe_nested_in_boot = all(_nested(c, bc) for c in fe_codes)
        self.pair = cl * n_bc + bc  # joint cluster x bootcluster cell

    def __call__(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z, n_cl, n_bc = self.fit.z, self.n_cl, self.n_bc
        c = np.bincount(self.bc, weights=z * u, minlength=n_bc)
        s_b = self.ind_bc @ (self.fit.xt * u[:, None])  # G_b x k
        h = self.zg_xinv @ s_b.T  # G x G_b
        t: np.ndarray
        if self.fe_nested_in_boot:
            t = np.bincount(self.pair, weights=z * u, minlength=n_cl * n_bc).reshape(n_cl, n_bc)
        else:
            t = self._demeaned_scores(u)
        return c, t - h

    def _demeaned_scores(self, u: np.ndarray) -> np.ndarray:
        """``sum_{i in g} z_i [M_D (u * 1_b)]_i`` for every cluster g and bootstrap cluster b,
        demeaning ``u * 1_b`` in column blocks to bound memory."""
        bc, n_bc, n = self.bc, self.n_bc, len(u)
        t = np.empty((self.n_cl, n_bc))
        step = max(1, int(2e7 // max(n, 1)))
        for s0 in range(0, n_bc, step):
            cols = np.arange(s0, min(n_bc, s0 + step))
            w = np.zeros((n, len(cols)))
            sel = (bc >= cols[0]) & (bc <= cols[-1])
            w[np.nonzero(sel)[0], bc[sel] - cols[0]] = u[sel]
            t[:, cols] = self.ind_cl @ (self.fit.z[:, None] * self.fit.demean(w))
        return t


def _bootstrap_moments(
    scores: _ScoreMap, fit: _WildFit, draws: _WeightDraws, impose_null: bool, chunk_size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-draw numerator and squared-denominator coefficients ``n0, n1, d00, d01, d11``
    (see :class:`_WildPValue`), all draws as chunked matrix products."""
    n_cl, n_draws = scores.n_cl, draws.n
    c0, a0 = scores(fit.uhat)
    if impose_null:
        c1, a1 = scores(fit.z)
        amat = np.vstack([a0, a1])
    else:
        c1, amat = np.zeros_like(c0), a0
    n0 = np.empty(n_draws)
    n1 = np.empty(n_draws)
    d00 = np.empty(n_draws)
    d01 = np.zeros(n_draws)
    d11 = np.zeros(n_draws)
    # Draws per matrix product: at most chunk_size, and few enough that the products
    # (2G x chunk floats) stay within _CHUNK_BYTES whatever the number of clusters.
    step = max(1, min(chunk_size, int(_CHUNK_BYTES // (24 * amat.shape[0]))))
    for sl, vv in draws.chunks(step):
        n0[sl] = c0 @ vv
        n1[sl] = c1 @ vv
        p = amat @ vv
        p0 = p[:n_cl]
        d00[sl] = np.einsum("ij,ij->j", p0, p0)
        if impose_null:
            p1 = p[n_cl:]
            d01[sl] = np.einsum("ij,ij->j", p0, p1)
            d11[sl] = np.einsum("ij,ij->j", p1, p1)
    return n0, n1, d00, d01, d11


def _cr1_pvalue(t: float, dof: int, alternative: str) -> float:
    if alternative == "greater":
        return float(stats.t.sf(t, dof))
    if alternative == "less":
        return float(stats.t.cdf(t, dof))
    return float(2 * stats.t.sf(abs(t), dof))


def invert_test(
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


def _invert_grid(
    pfun: Callable[[float], float],
    center: float,
    scale: float,
    alpha: float,
    step: float = 0.1,
    n_grid: int = 100,
    max_doublings: int = 16,
    rtol: float = 1e-6,
) -> tuple[float, float]:
    """Confidence set {tau : p(tau) > alpha} by a grid search outward from the estimate,
    then bisection.

    On each side the p-value is evaluated at ``center +- scale * step * i`` for
    ``i = 1..n_grid`` (0.1 to 10 standard errors); beyond that the distance doubles up
    to ``scale * 10 * 2**max_doublings``.  Between the last grid point not rejected and
    the first rejected one the boundary is found by bisection to ``rtol * scale``.  If
    nothing is rejected the bound is infinite (with few units or assignments no effect
    can be rejected).  The p-value of a permutation test is a step function and need not
    be monotone in tau; the interval reported is the stretch around the estimate up to
    the first rejection found on the grid (any non-rejected values further out, and any
    rejected pocket narrower than the grid step, are not represented).
    """
    scale = scale if scale > 0 and math.isfinite(scale) else max(abs(center), 1.0)
    bounds = []
    for side in (-1.0, 1.0):
        inside, outside = center, None
        offsets = [scale * step * i for i in range(1, n_grid + 1)]
        offsets += [scale * step * n_grid * 2.0**d for d in range(1, max_doublings + 1)]
        for off in offsets:
            cand = center + side * off
            if pfun(cand) <= alpha:
                outside = cand
                break
            inside = cand
        if outside is None:
            bounds.append(side * math.inf)
            continue
        while abs(outside - inside) > rtol * scale:
            mid = 0.5 * (inside + outside)
            if pfun(mid) <= alpha:
                outside = mid
            else:
                inside = mid
        bounds.append(0.5 * (inside + outside))
    return float(bounds[0]), float(bounds[1])


# --------------------------------------------------------------------------------------
# randomization inference
# --------------------------------------------------------------------------------------
class _RIPValue:
    """Randomization p-value of H0: effect = tau (outcome of treated unit-periods shifted
    by tau), from per-assignment sufficient statistics of the TWFE regression.

    For assignment k with demeaned treatment ``dk`` (after unit and period effects and
    controls), ``yt`` the demeaned outcome and ``dt`` the demeaned *actual* treatment,
    regressing ``y - tau * D_actual`` on ``D_k`` gives

    * coefficient ``(ny_k - tau nd_k) / sxx_k`` with ``ny = dk'yt``, ``nd = dk'dt``,
      ``sxx = dk'dk``;
    * cluster scores ``s0_k - tau s1_k`` (residuals are affine in tau), so the CR1
      variance is ``ssc (aa_k - 2 tau ab_k + tau^2 bb_k) / sxx_k^2``.

    Six numbers per assignment give the statistic at any tau exactly (a test checks it
    against a rerun on the shifted outcome).
    """

    def __init__(
        self, obs: dict, draws: dict, which: str, ssc: float, alternative: str, exact: bool
    ):
        self.obs, self.draws = obs, draws
        self.which, self.ssc, self.alternative, self.exact = which, ssc, alternative, exact

    def stat(self, m: dict, tau: float):
        num = m["ny"] - tau * m["nd"]
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.which == "coef":
                return num / m["sxx"]
            den2 = self.ssc * (m["aa"] - 2 * tau * m["ab"] + tau * tau * m["bb"])
            return num / np.sqrt(np.maximum(den2, 0.0))

    def __call__(self, tau: float) -> float:
        dist = self.stat(self.draws, tau)
        return _ri_p_value(dist, float(self.stat(self.obs, tau)), self.alternative, self.exact)


def _ri_p_value(dist: np.ndarray, obs: float, alternative: str, exact: bool) -> float:
    """Randomization p-value: the share of assignments at least as extreme as ``obs``; with
    random draws the actual assignment counts as one more, ``(1 + hits) / (1 + draws)``."""
    hits = _tail_share(dist, obs, alternative, symmetric=True) * len(dist)
    p = hits / len(dist) if exact else (1.0 + hits) / (1.0 + len(dist))
    return float(min(1.0, p))


@dataclass(repr=False)
class RandomizationResult(Result):
    """Result of :func:`randomization_inference`.

    Attributes
    ----------
    statistic : name of the statistic ("t", "coef" or the callable's name).
    observed : statistic for the actual assignment.
    p_value : share of assignments whose statistic is at least as extreme as
        the observed one (the actual assignment included).
    estimate : the TWFE DiD coefficient for the actual assignment (built-in
        statistics; the observed statistic for a callable).
    ci : confidence interval at level ``1 - alpha`` for a constant additive effect,
        by test inversion (see :func:`randomization_inference`); NaN for a callable
        statistic, infinite bounds when no effect can be rejected.
    distribution : statistics of the evaluated assignments (all of them, the
        actual one included, when ``exact``; the random draws otherwise).
    n_assignments : number of distinct assignments that keep the number of
        treated units and the multiset of adoption dates.
    exact : True if all assignments were enumerated.
    n_obs : rows of the panel.
    """

    _name = "Randomization inference"

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
    estimate: float = math.nan
    ci: tuple[float, float] = (math.nan, math.nan)
    alpha: float = 0.05
    term: str = "treatment"
    n_obs: int = 0
    _pfun: Callable[[float], float] | None = field(default=None, repr=False)

    @property
    def conf_low(self) -> float:
        return float(self.ci[0])

    @property
    def conf_high(self) -> float:
        return float(self.ci[1])

    @property
    def p_value_resolution(self) -> float:
        """Smallest attainable p-value (and step of the p-value)."""
        return self._min_p()

    def p_value_at(self, tau: float) -> float:
        """Randomization p-value of H0: the effect is ``tau`` for every treated unit-period
        (built-in statistics only)."""
        if self._pfun is None:
            raise ValueError("p_value_at needs the built-in 't' or 'coef' statistic")
        return self._pfun(float(tau))

    def __repr__(self) -> str:
        how = "all assignments enumerated" if self.exact else f"{self.n_perm} random permutations"
        return (
            f"RandomizationResult(statistic={self.statistic}, observed={self.observed:.4g}, "
            f"p={self.p_value:.4f}, {self.n_treated} treated of {self.n_pool} units, "
            f"{self.n_assignments} possible assignments, {how})"
        )

    def summary(self) -> Summary:
        """Observed statistic, p-value, interval and the permutation scheme, as a Summary."""
        q = np.nanquantile(self.distribution, [0.025, 0.5, 0.975])
        dates = ", ".join(f"{k}: {v}" for k, v in self.adoption.items())
        lo, hi = self.ci
        rows = [
            ("statistic", self.statistic),
            ("observed", f"{self.observed:.6g}"),
            (
                "estimate (TWFE coefficient)" if self._pfun is not None else "estimate",
                f"{self.estimate:.6g}",
            ),
            ("p-value", f"{self.p_value:.4f} ({self.alternative})"),
            (
                f"{1 - self.alpha:.0%} CI (test inversion)",
                f"[{lo:.6g}, {hi:.6g}]"
                if self._pfun is not None
                else "not available for a callable statistic",
            ),
            (
                "treated units",
                f"{self.n_treated} of {self.n_pool} in the pool; adoption dates {{{dates}}}",
            ),
            (
                "assignments",
                f"{self.n_assignments} possible; "
                + (
                    "all enumerated (exact p-value)"
                    if self.exact
                    else f"{self.n_perm} drawn at random (p = (1 + hits) / (1 + draws))"
                ),
            ),
            ("permutation dist.", f"2.5% {q[0]:.4g}   median {q[1]:.4g}   97.5% {q[2]:.4g}"),
            ("smallest attainable p-value", f"{self._min_p():.4g}"),
        ]
        table = _value_table(rows)
        notes = [
            "The interval collects the effects tau not rejected when the outcome of the treated "
            "unit-periods is shifted by tau (a constant additive effect), found on a grid of "
            "0.1 CR1 standard errors outward from the estimate and refined by bisection to "
            "1e-6 standard errors."
        ]
        return Summary(
            "Randomization inference (treatment permuted across units)", [("", table)], notes
        )

    def _min_p(self) -> float:
        return 1.0 / self.n_assignments if self.exact else 1.0 / (self.n_perm + 1)

    # tidy() (extras after the common columns) and to_frame() (the detailed table, its own
    # column names) both come from this one record.
    _TIDY_EXTRA = ("statistic_name", "n_assignments", "n_perm", "exact")
    _FRAME_INDEX = ("statistic", "statistic_name")
    _FRAME_COLUMNS = (
        ("observed", "statistic"),
        ("p_value", "p_value"),
        ("alternative", "alternative"),
        ("n_perm", "n_perm"),
        ("n_assignments", "n_assignments"),
        ("exact", "exact"),
        ("n_treated", "n_treated"),
        ("n_pool", "n_pool"),
        ("estimate", "estimate"),
        ("ci_low", "conf_low"),
        ("ci_high", "conf_high"),
    )

    def _record(self) -> dict:
        """The effect estimate (TWFE coefficient), the observed statistic, the
        randomization p-value and the test-inversion interval, and the scheme."""
        return {
            "term": self.term,
            "estimate": self.estimate,
            "statistic": self.observed,
            "p_value": self.p_value,
            "conf_low": self.ci[0],
            "conf_high": self.ci[1],
            "n_obs": self.n_obs,
            "statistic_name": self.statistic,
            "n_assignments": self.n_assignments,
            "n_perm": self.n_perm,
            "exact": self.exact,
            "alternative": self.alternative,
            "n_treated": self.n_treated,
            "n_pool": self.n_pool,
        }

    def tidy(self) -> pd.DataFrame:
        """One row: the effect estimate (TWFE coefficient), the observed statistic, the
        randomization p-value and the test-inversion interval."""
        return _tidy_row(self._record(), self._TIDY_EXTRA)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame indexed by the statistic name."""
        return _frame_row(self._record(), self._FRAME_COLUMNS, self._FRAME_INDEX)

    def _plot(self, ax, labels, lang, **kwargs):
        """Histogram of the permutation distribution with the observed statistic."""
        d = self.distribution[np.isfinite(self.distribution)]
        ax.hist(
            d,
            bins=min(60, max(10, len(d) // 20)),
            color="#9aa5b1",
            edgecolor="white",
            density=True,
            label=f"{len(d)} assignments",
        )
        ax.axvline(
            self.observed, color="black", lw=2, label=f"actual assignment: {self.observed:.3g}"
        )
        if self.alternative == "two-sided":
            ax.axvline(-self.observed, color="black", lw=1, ls="--")
        treated = ", ".join(unit_label(u, labels, lang) for u in self.treated_units[:5])
        more = f" +{len(self.treated_units) - 5}" if len(self.treated_units) > 5 else ""
        ax.set_xlabel(f"statistic '{self.statistic}' under re-assigned treatment")
        ax.set_ylabel("density")
        ax.set_title(f"Randomization inference: treated {treated}{more}; {p_phrase(self.p_value)}")
        ax.legend(frameon=False)


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


def _iter_assignments(labels: np.ndarray) -> Iterator[np.ndarray]:
    """All distinct arrangements of the multiset ``labels``, one at a time."""
    values, counts = np.unique(labels, return_counts=True)
    p = len(labels)

    def rec(avail, idx, cur):
        if idx == len(values) - 1:
            out = cur.copy()
            out[list(avail)] = values[idx]
            yield out
            return
        for combo in itertools.combinations(avail, counts[idx]):
            nxt = cur.copy()
            nxt[list(combo)] = values[idx]
            taken = set(combo)
            yield from rec(tuple(a for a in avail if a not in taken), idx + 1, nxt)

    yield from rec(tuple(range(p)), 0, np.empty(p, dtype=labels.dtype))


def _assignment_batches(labels, exact, n_perm, rng, batch) -> Iterator[np.ndarray]:
    """Assignments (rows of adoption codes over the pool) in batches of at most ``batch``:
    every distinct one when ``exact``, else ``n_perm`` random permutations drawn in blocks
    of ``_RNG_BLOCK`` (the draws depend on the seed only, not on ``batch``)."""
    if exact:
        buf = []
        for a in _iter_assignments(labels):
            buf.append(a)
            if len(buf) == batch:
                yield np.array(buf)
                buf = []
        if buf:
            yield np.array(buf)
        return
    for b0 in range(0, n_perm, _RNG_BLOCK):
        k = min(_RNG_BLOCK, n_perm - b0)
        block = rng.permuted(np.tile(labels, (k, 1)), axis=1)
        for s0 in range(0, k, batch):
            yield block[s0 : s0 + batch]


def _n_assignments(labels: np.ndarray) -> int:
    _, counts = np.unique(labels, return_counts=True)
    n = math.factorial(len(labels))
    for c in counts:
        n //= math.factorial(int(c))
    return n


class _TWFEStat:
    """Sufficient statistics of the TWFE DiD regression for many treatment columns at once.

    ``y`` and the controls are demeaned by unit and time once; each batch of
    permuted treatment columns is demeaned with the same alternating
    projections, so the regression ``y ~ D + controls | unit + time`` costs a
    few sparse products per batch instead of one full fit per permutation.
    ``moments`` returns the six numbers per column that :class:`_RIPValue` needs.
    """

    def __init__(self, panel, unit_codes, time_codes, outcome, controls, cl_codes, d_actual):
        self.demean = Demeaner([unit_codes, time_codes])
        self.cl = cl_codes
        self.n_cl = int(cl_codes.max()) + 1
        yt = self.demean(panel[outcome].to_numpy(dtype=float))
        # an orthonormal basis of the demeaned controls, partialled out of y and d (None: none)
        self.q: np.ndarray | None = None
        if controls:
            w = self.demean(panel[controls].to_numpy(dtype=float))
            q, r = np.linalg.qr(w)
            keep = np.abs(np.diag(r)) > 1e-10 * max(1.0, np.abs(r).max())
            self.q = q[:, keep]
            yt = yt - self.q @ (self.q.T @ yt)
        self.y = yt
        self.d = self._tilde(d_actual[:, None])[:, 0]
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
        self.ind = indicator(cl_codes, self.n_cl)

    def _tilde(self, dmat: np.ndarray) -> np.ndarray:
        dt = self.demean(dmat)
        if self.q is not None:
            dt = dt - self.q @ (self.q.T @ dt)
        return dt

    def moments(self, dmat: np.ndarray) -> dict:
        dt = self._tilde(dmat)
        sxx = np.einsum("ij,ij->j", dt, dt)
        ny = dt.T @ self.y
        nd = dt.T @ self.d
        with np.errstate(divide="ignore", invalid="ignore"):
            s0 = self.ind @ (dt * (self.y[:, None] - dt * (ny / sxx)[None, :]))
            s1 = self.ind @ (dt * (self.d[:, None] - dt * (nd / sxx)[None, :]))
        return {
            "ny": ny,
            "nd": nd,
            "sxx": sxx,
            "aa": np.einsum("ij,ij->j", s0, s0),
            "ab": np.einsum("ij,ij->j", s0, s1),
            "bb": np.einsum("ij,ij->j", s1, s1),
        }


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
    seed: int | np.random.Generator | None = 0,
    batch_size: int = 512,
    alpha: float = 0.05,
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
    n_perm : an integer from 99 to 1,000,000.  If the number of distinct
        assignments is at most ``n_perm`` they are all enumerated (exact, e.g. 5
        treated of 13 units = 1287); otherwise ``n_perm`` assignments are drawn at
        random.  Assignments are generated and evaluated in batches, so memory
        does not grow with ``n_perm`` beyond a few numbers per assignment.
    alternative : ``"two-sided"`` (``|S| >= |S_obs|``), ``"greater"`` or ``"less"``.
    seed : int (default 0) or numpy Generator for random draws; None for fresh entropy.
    batch_size : permutations evaluated per vectorised batch (built-in statistics).
    alpha : level of the confidence interval (``1 - alpha``).

    Returns
    -------
    RandomizationResult

    Confidence interval (built-in statistics)
    -----------------------------------------
    By test inversion: the set of effects tau for which H0 "the treatment raised the
    outcome of every treated unit-period by tau" is not rejected, i.e. whose p-value,
    recomputed with the outcome of the treated unit-periods shifted by -tau and the same
    assignments, exceeds ``alpha``.  The statistic is an exact function of tau for every
    assignment (see ``_RIPValue``), so each evaluation costs O(assignments); the search
    runs on a grid of 0.1 CR1 standard errors from the estimate out to 10 standard
    errors, then doubling, and bisects the boundary to 1e-6 standard errors
    (``_invert_grid``).  Bounds are infinite when no effect can be rejected (e.g. fewer
    than ``1 / alpha`` assignments).

    Raises
    ------
    ValueError for a non-0/1 or non-absorbing treatment, a treatment that is never 1, a
    treatment that never varies within the treated units (treated in every period: with
    unit effects the statistic is undefined), a constant outcome or one without variation
    after unit and period effects, a statistic that is NaN for the actual assignment,
    ``n_perm`` outside [99, 10**6], and bad pools.

    Notes
    -----
    p-value: exact case ``#{assignments with stat at least as extreme} /
    #assignments`` (the actual assignment included, so ``p >= 1/#assignments``);
    random case ``(1 + #{draws at least as extreme}) / (1 + n_perm)``.  Ties
    (within a relative 1e-9) count as extreme, and so do assignments whose statistic is
    NaN (conservative).
    """
    what = "randomization_inference"
    n_perm, controls = _check_ri_options(
        n_perm, alternative, alpha, batch_size, controls, statistic, outcome, what
    )
    cols = [treatment, *([outcome] if outcome is not None else []), *controls]
    panel = _ri_panel(df, unit, time, cols, cluster, what)
    tcode, tlabels = pd.factorize(panel[time], sort=True)
    ucode, ulabels = pd.factorize(panel[unit], sort=True)
    adopt_arr, treated_units = _treated_adoption(panel, unit, treatment, tcode, ulabels)
    if isinstance(statistic, str):
        _check_builtin_testable(panel, treatment, outcome, adopt_arr, treated_units, what)
    pool_idx, labels = _pool_labels(pool, ulabels, adopt_arr, treated_units, unit)
    n_assign = _n_assignments(labels)
    exact = n_assign <= n_perm
    n_eval = n_assign if exact else n_perm
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    batches = _assignment_batches(labels, exact, n_eval, rng, int(batch_size))
    adoptions = (_full_adoption(adopt_arr, pool_idx, rows) for rows in batches)

    pfun = None
    if isinstance(statistic, str):  # the built-in statistics (narrows the type, unlike builtin)
        twfe, d_obs = _twfe_statistic(panel, ucode, tcode, treatment, outcome, controls, cluster)
        _check_outcome_variation(twfe, panel[outcome].to_numpy(dtype=float), outcome, what)
        obs_m, draws = _twfe_moments(twfe, d_obs, adoptions, ucode, tcode, n_eval)
        pfun = _RIPValue(obs_m, draws, statistic, twfe.ssc, alternative, exact)
        obs = float(pfun.stat(obs_m, 0.0))
        dist = pfun.stat(draws, 0.0)
        estimate = obs_m["ny"] / obs_m["sxx"] if obs_m["sxx"] > 0 else math.nan
        name = statistic
    else:
        name = getattr(statistic, "__name__", "statistic")
        obs, dist = _callable_distribution(
            df, statistic, (unit, time, treatment), (ulabels, tlabels), adoptions, n_eval
        )
        estimate = obs
    _check_statistic_defined(obs, dist, name, what)

    return RandomizationResult(
        statistic=name,
        observed=obs,
        p_value=_ri_p_value(dist, obs, alternative, exact),
        alternative=alternative,
        n_perm=int(len(dist)),
        n_assignments=int(n_assign),
        exact=bool(exact),
        n_treated=len(treated_units),
        n_pool=int(len(pool_idx)),
        adoption=_adoption_counts(labels, tlabels),
        treated_units=treated_units,
        distribution=dist,
        estimate=float(estimate),
        ci=_ri_interval(pfun, estimate, alpha),
        alpha=float(alpha),
        term=treatment,
        n_obs=int(len(panel)),
        _pfun=pfun,
    )


def _check_ri_options(
    n_perm, alternative: str, alpha, batch_size, controls, statistic, outcome, what: str
) -> tuple[int, list]:
    """Validate the non-column arguments of :func:`randomization_inference`.

    Returns the checked ``n_perm`` and ``controls`` as a list.
    """
    n_perm = check_draws(n_perm, "n_perm", what)
    _check_alternative(alternative)
    if not 0 < alpha < 1:
        raise ValueError(f"{what}: alpha must be in (0, 1), got {alpha}")
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or batch_size < 1
    ):
        raise ValueError(f"{what}: batch_size must be a positive integer, got {batch_size!r}")
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
    return n_perm, controls


def _ri_panel(
    df: pd.DataFrame, unit: str, time: str, cols: list, cluster: str | None, what: str
) -> pd.DataFrame:
    """The checked panel of ``cols``, with the cluster column added when it is neither the
    unit nor the time column."""
    extra = [cluster] if cluster is not None and cluster not in (unit, time) else []
    panel = check_panel(
        df,
        unit=unit,
        time=time,
        columns=cols,
        min_units=2,
        min_periods=2,
        what=what,
    )
    if extra:
        if extra[0] not in df.columns:
            raise ValueError(
                f"{what}: cluster column '{extra[0]}' not found; "
                f"available columns are {list(df.columns)}"
            )
        panel[extra[0]] = (
            df.set_index([unit, time])[extra[0]]
            .reindex(pd.MultiIndex.from_frame(panel[[unit, time]]))
            .to_numpy()
        )
    return panel


def _treated_adoption(
    panel: pd.DataFrame, unit: str, treatment: str, tcode: np.ndarray, ulabels
) -> tuple[np.ndarray, tuple]:
    """Adoption time code of every unit in ``ulabels`` order (-1: never) and the treated
    units; raises if no unit is ever treated."""
    adopt = _adoption_codes(panel, unit, treatment, tcode)
    adopt_arr = np.array([adopt[u] for u in ulabels])
    treated_units = tuple(u for u in ulabels if adopt[u] >= 0)
    if not treated_units:
        raise ValueError(f"treatment column '{treatment}' is never 1; nothing to permute")
    return adopt_arr, treated_units


def _check_builtin_testable(
    panel: pd.DataFrame,
    treatment: str,
    outcome: str | None,
    adopt_arr: np.ndarray,
    treated_units: tuple,
    what: str,
) -> None:
    """Refuse data on which the TWFE statistic is undefined for every assignment: treated
    units treated in every period, or a constant outcome."""
    if np.all(adopt_arr[adopt_arr >= 0] == 0):
        raise ValueError(
            f"{what}: treatment column '{treatment}' never varies within the treated units "
            f"{list(treated_units)[:5]} (treated in every period): with unit fixed effects "
            "the treatment coefficient and its t statistic are undefined (NaN), so there is "
            "no test; the panel needs pre-treatment periods of the treated units"
        )
    y_all = panel[outcome].to_numpy(dtype=float)
    if np.ptp(y_all) == 0:
        raise ValueError(
            f"{what}: the outcome '{outcome}' is constant (zero variance, value "
            f"{y_all[0]:g}): every statistic would be NaN (or 0), so there is no test"
        )


def _pool_labels(
    pool: Iterable | None, ulabels, adopt_arr: np.ndarray, treated_units: tuple, unit: str
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the pool's units in ``ulabels`` and their adoption codes.

    Raises if the pool names unknown units, leaves out a treated unit, or holds no
    untreated unit.
    """
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
    return pool_idx, labels


def _full_adoption(adopt_arr: np.ndarray, pool_idx: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Adoption codes of all units (m x units) for m re-assignments of the pool's units;
    units outside the pool keep their actual codes."""
    out = np.repeat(adopt_arr[None, :], rows.shape[0], axis=0)
    out[:, pool_idx] = rows
    return out


def _twfe_statistic(
    panel: pd.DataFrame,
    ucode: np.ndarray,
    tcode: np.ndarray,
    treatment: str,
    outcome,
    controls: list,
    cluster: str | None,
) -> tuple[_TWFEStat, np.ndarray]:
    """The TWFE regression of the built-in statistics and the actual treatment column."""
    cl_codes = ucode if cluster is None else pd.factorize(panel[cluster], sort=True)[0]
    if cluster is not None and panel[cluster].isna().any():
        raise ValueError(f"cluster column '{cluster}' has missing values")
    d_obs = panel[treatment].to_numpy(dtype=float)
    return _TWFEStat(panel, ucode, tcode, outcome, controls, cl_codes, d_obs), d_obs


def _check_outcome_variation(twfe: _TWFEStat, y_all: np.ndarray, outcome, what: str) -> None:
    """Refuse an outcome that the unit and period effects (and controls) explain exactly."""
    y_dev = y_all - y_all.mean()
    if not np.linalg.norm(twfe.y) > 1e-10 * np.linalg.norm(y_dev):
        raise ValueError(
            f"{what}: the outcome '{outcome}' has no variation left after removing unit and "
            "period effects (and controls): every statistic would be NaN (or 0)"
        )


def _twfe_moments(
    twfe: _TWFEStat,
    d_obs: np.ndarray,
    adoptions: Iterator[np.ndarray],
    ucode: np.ndarray,
    tcode: np.ndarray,
    n_eval: int,
) -> tuple[dict, dict]:
    """The sufficient statistics of :class:`_RIPValue` for the actual assignment (floats)
    and for every re-assignment (arrays of length ``n_eval``), batch by batch."""
    obs_m = {k: float(v[0]) for k, v in twfe.moments(d_obs[:, None]).items()}
    draws = {k: np.empty(n_eval) for k in obs_m}
    filled = 0
    for adopt_rows in adoptions:
        a = adopt_rows[:, ucode].T  # N x m
        m = twfe.moments(((a >= 0) & (tcode[:, None] >= a)).astype(float))
        for k in draws:
            draws[k][filled : filled + len(adopt_rows)] = m[k]
        filled += len(adopt_rows)
    return obs_m, draws


def _callable_distribution(
    df: pd.DataFrame,
    statistic: Callable[[pd.DataFrame], float],
    columns: tuple[str, str, str],
    labels: tuple,
    adoptions: Iterator[np.ndarray],
    n_eval: int,
) -> tuple[float, np.ndarray]:
    """A user statistic on copies of ``df``: for the actual assignment and, unless that is
    NaN, for every re-assignment (the treatment column rewritten as ``1(time >= adoption)``).

    ``columns`` are the unit, time and treatment columns, ``labels`` the sorted unit and
    period labels the adoption codes refer to.
    """
    unit, time, treatment = columns
    base = df.copy()
    ucode_df = pd.Index(labels[0]).get_indexer(base[unit])
    tcode_df = pd.Index(labels[1]).get_indexer(base[time])
    obs = float(statistic(base.copy()))
    dist = np.empty(n_eval)
    if math.isnan(obs):
        return obs, dist
    b = 0
    for adopt_rows in adoptions:
        for row in adopt_rows:
            a = row[ucode_df]
            pert = base.copy()
            pert[treatment] = ((a >= 0) & (tcode_df >= a)).astype(base[treatment].dtype)
            dist[b] = float(statistic(pert))
            b += 1
    return obs, dist


def _check_statistic_defined(obs: float, dist: np.ndarray, name: str, what: str) -> None:
    """Refuse a statistic that is NaN for the actual assignment or for all re-assignments."""
    if math.isnan(obs):
        raise ValueError(
            f"{what}: the statistic '{name}' is NaN for the actual assignment (e.g. a treatment "
            "collinear with the fixed effects, or an outcome without variation), so there is "
            "no test"
        )
    if np.isnan(dist).all():
        raise ValueError(f"{what}: the statistic '{name}' is NaN for every re-assignment; no test")


def _adoption_counts(labels: np.ndarray, tlabels) -> dict:
    """Number of treated units of the pool by adoption period (period label -> count)."""
    counts = pd.Series(labels[labels >= 0]).value_counts().sort_index()
    return {
        tlabels[int(k)].item() if hasattr(tlabels[int(k)], "item") else tlabels[int(k)]: int(v)
        for k, v in counts.items()
    }


def _ri_interval(pfun: _RIPValue | None, estimate: float, alpha: float) -> tuple[float, float]:
    """Confidence interval of the built-in statistics by test inversion (NaN bounds for a
    user statistic), searched in steps of the CR1 standard error of the estimate."""
    if pfun is None:
        return (math.nan, math.nan)
    se_obs = math.sqrt(pfun.ssc * pfun.obs["aa"]) / pfun.obs["sxx"]
    return _invert_grid(pfun, estimate, se_obs, alpha)
