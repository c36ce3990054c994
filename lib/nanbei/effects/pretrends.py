"""Joint pre-trend tests for event studies: a Wald test and its wild cluster bootstrap.

Looking at pre-period coefficients one at a time (is any of them significant?) is a
multiple-testing exercise with low power; the joint hypothesis "every pre-period
coefficient is zero" is tested here with

* the **Wald test** ``W = b_pre' V_pre^-1 b_pre`` with the CR1 cluster-robust ``V``: reported
  as chi-squared(k) and as ``F = W / k`` against F(k, G - 1) (the few-cluster convention of
  Stata's ``test`` after ``reghdfe``/``fixest::wald``); and
* its **few-cluster bootstrap version**: the restricted wild cluster bootstrap (WCR) of the
  Wald statistic.  The null (all pre-period coefficients zero) is imposed: the model without
  the pre-period dummies gives fitted values and residuals ``u_r``; bootstrap outcomes are
  ``y* = fitted + u_r * v_g`` with one Rademacher or Webb weight ``v_g`` per cluster, and
  the full event-study regression and its CR1 Wald statistic are recomputed for every draw.
  The p-value is the share of bootstrap statistics at least as large as the observed one.
  Every draw is exact linear algebra on cluster-level blocks (the bootstrap coefficients
  and cluster scores are linear in ``v``), so 9,999 draws take a fraction of a second;
  ``tests/test_effects_pretrends.py`` checks draws against an explicit refit with every
  fixed effect as a dummy.

The bootstrap covers the two-way fixed-effects event study with binned endpoints of
:func:`nanbei.effects.event_study`; for Sun-Abraham or Callaway-Sant'Anna estimates the
Wald test uses the estimator's own covariance (:func:`wald_pretest`,
:meth:`StaggeredDiDResult.pretest`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from nanbei.effects._common import check_draws
from nanbei.effects.event_study import _check_window, event_time_coding
from nanbei.fixed_effects import Demeaner, cr1_factor, indicator
from nanbei.panel import check_panel, unit_cohorts
from nanbei.results import Result, Summary, tidy_frame
from nanbei.wording import p_phrase

__all__ = ["PreTrendTest", "pretrend_test", "wald_pretest"]


def _wald(theta: np.ndarray, V: np.ndarray) -> tuple[float, int]:
    """Wald statistic theta' V^+ theta and its degrees of freedom (the rank of V)."""
    theta = np.asarray(theta, float)
    V = np.asarray(V, float)
    w, U = np.linalg.eigh((V + V.T) / 2)
    keep = w > 1e-12 * max(w.max(), 1e-300)
    z = U[:, keep].T @ theta
    return float(np.sum(z**2 / w[keep])), int(keep.sum())


@dataclass(repr=False)
class PreTrendTest(Result):
    """A joint test that the pre-treatment coefficients are all zero.

    Attributes: ``statistic`` (Wald), ``df`` (its degrees of freedom), ``p_value`` (of
    ``test``), ``p_value_f`` (F(df, G - 1) version, NaN if not applicable),
    ``p_value_bootstrap`` (wild cluster bootstrap, NaN if not run), ``terms`` and
    ``estimates`` (the tested coefficients), ``n_clusters``, ``n_boot``.
    """

    _name = "Joint pre-trend test"

    statistic: float
    df: int
    p_value: float
    test: str
    terms: list
    estimates: np.ndarray
    n_obs: int = 0
    alpha: float = 0.05
    p_value_f: float = math.nan
    p_value_bootstrap: float = math.nan
    n_clusters: int = 0
    n_boot: int = 0
    weights: str = ""
    boot_statistics: np.ndarray | None = field(default=None, repr=False)

    @property
    def rejects(self) -> bool:
        """Whether the headline p-value (bootstrap if run, else ``p_value``) is <= alpha."""
        p = self.p_value_bootstrap if np.isfinite(self.p_value_bootstrap) else self.p_value
        return bool(p <= self.alpha)

    def tidy(self) -> pd.DataFrame:
        rows = [
            {
                "term": "Wald (chi-squared)",
                "statistic": self.statistic,
                "p_value": float(stats.chi2.sf(self.statistic, self.df)),
                "n_obs": self.n_obs,
                "df": self.df,
            }
        ]
        if np.isfinite(self.p_value_f):
            rows.append(
                {
                    "term": f"F({self.df}, {self.n_clusters - 1})",
                    "statistic": self.statistic / self.df,
                    "p_value": self.p_value_f,
                    "n_obs": self.n_obs,
                    "df": self.df,
                }
            )
        if np.isfinite(self.p_value_bootstrap):
            rows.append(
                {
                    "term": f"wild cluster bootstrap ({self.weights}, {self.n_boot} draws)",
                    "statistic": self.statistic,
                    "p_value": self.p_value_bootstrap,
                    "n_obs": self.n_obs,
                    "df": self.df,
                }
            )
        return tidy_frame(rows)

    def summary(self) -> Summary:
        tab = self.tidy().set_index("term")[["statistic", "p_value", "df"]]
        coef = pd.DataFrame({"estimate": self.estimates}, index=pd.Index(self.terms, name="term"))
        return Summary(
            f"Joint pre-trend test: {len(self.terms)} pre-period coefficients = 0",
            [("Tests", tab), ("Tested coefficients", coef)],
            [
                f"{self.n_clusters} clusters" if self.n_clusters else "",
                "H0: no pre-trend (every tested coefficient is zero)",
            ],
        )

    def __repr__(self) -> str:
        boot = (
            f", bootstrap {p_phrase(self.p_value_bootstrap)}"
            if np.isfinite(self.p_value_bootstrap)
            else ""
        )
        return f"PreTrendTest(W={self.statistic:.3f}, df={self.df}, {p_phrase(self.p_value)}{boot})"

    def _plot(self, ax, labels, lang, **kwargs):
        """The bootstrap distribution of the Wald statistic with the observed value (or the
        chi-squared density when no bootstrap was run)."""
        if self.boot_statistics is not None:
            b = self.boot_statistics[np.isfinite(self.boot_statistics)]
            ax.hist(
                b,
                bins=60,
                density=True,
                color="#9aa5b1",
                edgecolor="white",
                label=f"bootstrap Wald ({self.n_boot} draws)",
            )
        x = np.linspace(0, max(self.statistic * 1.5, stats.chi2.ppf(0.99, self.df)), 200)
        ax.plot(x, stats.chi2.pdf(x, self.df), color="C0", label=f"chi-squared({self.df})")
        ax.axvline(self.statistic, color="black", lw=2, label=f"observed W = {self.statistic:.2f}")
        ax.set_xlabel("Wald statistic")
        ax.set_ylabel("density")
        ax.set_title(f"Joint pre-trend test ({len(self.terms)} coefficients)")
        ax.legend(frameon=False)


def wald_pretest(result, alpha: float = 0.05) -> PreTrendTest:
    """Wald test of the pre-period coefficients of an :class:`EventStudyResult` (TWFE or
    Sun-Abraham) from its CR1 covariance: chi-squared(k) and F(k, G - 1)."""
    vc = result.vcov
    pre = [e for e in vc.index if e < -1]
    if not pre:
        raise ValueError(
            "wald_pretest: the event study has no pre-period coefficient besides "
            "the reference e = -1"
        )
    b = result.coefficients.loc[pre, "estimate"].to_numpy(float)
    stat, df = _wald(b, vc.loc[pre, pre].to_numpy(float))
    G = result.n_clusters
    pf = float(stats.f.sf(stat / df, df, G - 1)) if G > 1 else math.nan
    return PreTrendTest(
        statistic=stat,
        df=df,
        p_value=pf if np.isfinite(pf) else float(stats.chi2.sf(stat, df)),
        test=f"F({df}, {G - 1})" if np.isfinite(pf) else "Wald (chi-squared)",
        terms=[f"e={e}" for e in pre],
        estimates=b,
        n_obs=result.n_obs,
        alpha=alpha,
        p_value_f=pf,
        n_clusters=G,
    )


def _twfe_design(panel, unit, time, outcome, g_unit, window, what):
    """Outcome and one-hot event-time dummies (binned endpoints) of the TWFE event study."""
    coding = event_time_coding(
        panel[unit].map(g_unit).to_numpy(float), panel[time].to_numpy(float), window, what=what
    )
    X = np.zeros((len(panel), len(coding.terms)))
    on = coding.column >= 0
    X[np.flatnonzero(on), coding.column[on]] = 1.0
    return panel[outcome].to_numpy(float), X, coding.terms


def pretrend_test(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    cohort: str,
    window: tuple[int, int] = (-5, 10),
    cluster: str | None = None,
    bootstrap: bool = True,
    n_boot: int = 9999,
    weights: str | np.ndarray = "webb",
    seed: int = 0,
    alpha: float = 0.05,
) -> PreTrendTest:
    """Joint test of no pre-trend in the TWFE event study, with a wild cluster bootstrap.

    The regression is that of :func:`nanbei.effects.event_study` with ``estimator="twfe"``
    (binned endpoints, reference ``e = -1``, unit and period effects, CR1 by ``cluster``).
    Returns the Wald statistic of the pre-period coefficients (``e < -1``) with its
    chi-squared and F(k, G - 1) p-values, and, with ``bootstrap=True``, the restricted wild
    cluster bootstrap p-value (module docstring).  ``weights`` is "rademacher", "webb" or an
    explicit (draws x clusters) array in the order of the sorted cluster labels (used by the
    tests to compare draws with explicit refits).  ``p_value`` is the bootstrap one when run.
    """
    from nanbei.effects.inference import _WEIGHT_SUPPORT, _WeightDraws

    what = "pretrend_test"
    lo, hi = _check_window(window, what)
    if lo > -2 or lo == -1:
        raise ValueError(f"{what}: the window has no pre-period coefficient besides e = -1")
    cluster = cluster or unit
    panel = check_panel(
        df, unit=unit, time=time, columns=[outcome], min_units=2, min_periods=3, what=what
    )
    if cluster != unit:
        panel[cluster] = (
            df.set_index([unit, time])[cluster]
            .reindex(pd.MultiIndex.from_frame(panel[[unit, time]]))
            .to_numpy()
        )
    g_unit = unit_cohorts(df, unit=unit, cohort=cohort, what=what)
    y, X, names = _twfe_design(panel, unit, time, outcome, g_unit, (lo, hi), what)
    pre = [i for i, e in enumerate(names) if e < -1]
    if not pre:
        raise ValueError(f"{what}: no pre-period dummy has observations")
    uc = pd.factorize(panel[unit])[0]
    tc = pd.factorize(panel[time])[0]
    cl, cl_labels = pd.factorize(panel[cluster], sort=True)
    G = len(cl_labels)
    demean = Demeaner([uc, tc], tol=1e-13)
    Z = demean(np.column_stack([y, X]))
    yd, Xd = Z[:, 0], Z[:, 1:]
    n, k = Xd.shape
    xtx = Xd.T @ Xd
    if np.linalg.matrix_rank(xtx) < k:
        raise ValueError(f"{what}: the event-time dummies are collinear with the fixed effects")
    B = np.linalg.inv(xtx)
    beta = B @ (Xd.T @ yd)
    resid = yd - Xd @ beta
    ind = indicator(cl, G)
    n_units = int(uc.max()) + 1
    n_times = int(tc.max()) + 1
    nested_u = bool(np.all(pd.Series(cl).groupby(uc).nunique() == 1))
    k_df = k + n_times + (0 if nested_u else n_units - 1)
    ssc = cr1_factor(G, n, k_df)
    S = ind @ (Xd * resid[:, None])
    V = ssc * B @ (S.T @ S) @ B
    bpre = beta[pre]
    stat, dfree = _wald(bpre, V[np.ix_(pre, pre)])
    pf = float(stats.f.sf(stat / dfree, dfree, G - 1))
    out = PreTrendTest(
        statistic=stat,
        df=dfree,
        p_value=pf,
        test=f"F({dfree}, {G - 1})",
        terms=[f"e={names[i]}" for i in pre],
        estimates=bpre,
        n_obs=n,
        alpha=alpha,
        p_value_f=pf,
        n_clusters=G,
    )
    if not bootstrap:
        return out
    # --- restricted wild cluster bootstrap of the Wald statistic ------------------------
    post = [i for i in range(k) if i not in pre]
    Xr = Xd[:, post]
    if post:
        ur = yd - Xr @ np.linalg.lstsq(Xr, yd, rcond=None)[0]
    else:
        ur = yd.copy()
    Bpre = B[pre]  # k_pre x k
    # m_b = M_D(u_r * 1_b) for every cluster b (exact also when the period effects cut
    # across the clusters), then the cluster scores of the bootstrap residuals are linear in v
    W = np.zeros((n, G))
    W[np.arange(n), cl] = ur
    M = demean(W)  # n x G
    AW = B @ (Xd.T @ W)  # k x G : (Xd'Xd)^-1 Xd' (u_r 1_b)
    C = Bpre @ (Xd.T @ W)  # k_pre x G : bootstrap b*_pre = C v
    # T[h, :, b] = sum_{i in h} Xd_i m_b,i - (Xd_h' Xd_h) AW[:, b], projected on the pre rows
    XM = (ind @ (Xd[:, :, None] * M[:, None, :]).reshape(n, -1)).reshape(G, k, G)
    XX = (ind @ np.einsum("ij,il->ijl", Xd, Xd).reshape(n, -1)).reshape(G, k, k)
    T = XM - np.einsum("hjl,lb->hjb", XX, AW)
    T2 = np.einsum("pj,hjb->hpb", Bpre, T)  # G x k_pre x G
    if isinstance(weights, str):
        n_boot = check_draws(n_boot, "n_boot", what)
        if weights.lower() not in _WEIGHT_SUPPORT:
            raise ValueError(f"{what}: weights must be 'rademacher', 'webb' or an array")
    draws = _WeightDraws(weights, int(n_boot), G, np.random.default_rng(seed))
    wstar = np.empty(draws.n)
    kp = len(pre)
    for sl, v in draws.chunks(512):
        bstar = (C @ v).T  # draws x k_pre
        Q = np.einsum("hpb,bd->dhp", T2, v)  # draws x G x k_pre
        Vs = ssc * np.einsum("dhp,dhq->dpq", Q, Q)
        Vs = Vs + 1e-300 * np.eye(kp)
        try:
            sol = np.linalg.solve(Vs, bstar[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            sol = np.einsum("dpq,dq->dp", np.linalg.pinv(Vs), bstar)
        wstar[sl] = np.einsum("dp,dp->d", bstar, sol)
    tol = 1e-9 * max(1.0, stat)
    p_boot = float(np.mean(wstar >= stat - tol))
    out.p_value_bootstrap = p_boot
    out.p_value = p_boot
    out.test = f"wild cluster bootstrap (WCR, {draws.name}, {draws.n} draws)"
    out.n_boot = int(draws.n)
    out.weights = draws.name
    out.boot_statistics = wstar
    return out
