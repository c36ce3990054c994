"""Drivers for reference packages the tests compare against (imported by the test modules)."""

from __future__ import annotations

import numpy as np


def wildboottest_cl(
    exog,
    endog,
    cluster,
    param_index: int,
    *,
    B: int,
    seed: int,
    impose_null: bool = True,
    weights_type: str = "rademacher",
):
    """Run the `wildboottest` package's WCR/WCU bootstrap ("11" variant) for one coefficient.

    Returns the fitted ``WildboottestCL`` object (``t_boot``, ``t_stat``, ``pvalue``,
    ``v`` = its weight draws).  It enumerates all 2^G sign vectors when 2^G < B.
    """
    from wildboottest.wildboottest import WildboottestCL

    R = np.zeros(np.shape(exog)[1])
    R[param_index] = 1.0
    boot = WildboottestCL(
        X=exog, Y=endog, cluster=np.asarray(cluster), R=R, B=B, seed=seed, parallel=False
    )
    boot.get_scores(bootstrap_type="11", impose_null=impose_null)
    boot.get_weights(weights_type=weights_type)
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    boot.get_pvalue(pval_type="two-tailed")
    return boot


#: The library's documented tie rule (nanbei.effects.inference): a bootstrap statistic within a
#: relative 1e-9 of the observed one counts as "at least as extreme".  wildboottest compares
#: strictly in floating point, so whether it counts a tie depends on the last bit of the BLAS
#: kernel (AVX2 vs AVX-512).  The reference p-value is recomputed from its draws with our rule.
TIE_RTOL = 1e-9


def symmetric_p_with_ties(t_boot, t_stat) -> tuple[float, int]:
    """Two-sided p-value ``mean(|t*| >= |t| - tol)`` with tol = TIE_RTOL * max(1, |t|), and the
    number of draws tied with ``t`` within that tolerance (machine-independent)."""
    tb = np.abs(np.ravel(np.asarray(t_boot, dtype=float)))
    t0 = abs(float(np.ravel(t_stat)[0]))
    tol = TIE_RTOL * max(1.0, t0)
    ties = int(np.sum(np.abs(tb - t0) <= tol))
    return float(np.mean(tb >= t0 - tol)), ties
