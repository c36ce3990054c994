"""Convergence analysis on any long panel of positive values (e.g. GDP per capita).

* :func:`sigma`      - dispersion/inequality per period (CV, sd of logs, Gini, Theil,
  population-weighted forms, between/within-group Theil decomposition);
* :func:`theil_decomposition` - the between/within split of Theil's T under several
  weightings at once (population, GDP, unweighted, or any weight column);
* :func:`beta`       - cross-section absolute or conditional beta convergence;
* :func:`beta_panel` - fixed-effects panel beta convergence with clustered and
  wild-cluster-bootstrap inference;
* :func:`markov`     - discrete Markov chain of distribution dynamics;
* :func:`clubs`      - Phillips-Sul club convergence (if available), and
  :func:`~nanbei.convergence.clubs.log_t_test` for one group.

All take the DataFrame plus the names of its ``unit``, ``time`` and ``value``
columns as keyword arguments and raise ``ValueError`` naming the problem on bad input.

Every result (:class:`SigmaResult`, :class:`TheilResult`, :class:`BetaResult`, :class:`BetaPanelResult`,
:class:`MarkovResult`, :class:`ClubsResult`, :class:`LogTResult`) derives from
:class:`nanbei.results.Result`: ``summary()`` (text, HTML, LaTeX), ``tidy()`` with
the columns ``term, estimate, std_error, statistic, p_value, conf_low, conf_high,
n_obs`` and ``plot(ax=None, labels=None, lang="en")``.  Names follow one scheme:
``p_value``, ``n_obs``, ``alpha`` (significance level of the intervals); the old
``pvalue``/``nobs`` names remain for one release as deprecated aliases.
"""

from nanbei.convergence.beta import BetaPanelResult, BetaResult, beta, beta_panel
from nanbei.convergence.markov import MarkovResult, markov
from nanbei.convergence.sigma import SigmaResult, TheilResult, sigma, theil_decomposition

__all__ = [
    "BetaPanelResult",
    "BetaResult",
    "MarkovResult",
    "SigmaResult",
    "TheilResult",
    "beta",
    "beta_panel",
    "markov",
    "sigma",
    "theil_decomposition",
]

try:
    from nanbei.convergence.clubs import ClubsResult, LogTResult, clubs, log_t_test  # noqa: F401
except ImportError as exc:
    # Tolerate only the clubs module itself being absent; any other import
    # failure inside it (a missing dependency, a missing name) is re-raised.
    if not (isinstance(exc, ModuleNotFoundError) and exc.name == "nanbei.convergence.clubs"):
        raise
else:
    __all__ += ["ClubsResult", "LogTResult", "clubs", "log_t_test"]
