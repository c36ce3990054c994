"""Convergence analysis on any long panel of positive values (e.g. GDP per capita).

* :func:`sigma`      - dispersion/inequality per period (CV, sd of logs, Gini, Theil,
  population-weighted forms, between/within-group Theil decomposition);
* :func:`beta`       - cross-section absolute or conditional beta convergence;
* :func:`beta_panel` - fixed-effects panel beta convergence with clustered and
  wild-cluster-bootstrap inference;
* :func:`markov`     - discrete Markov chain of distribution dynamics;
* :func:`clubs`      - Phillips-Sul club convergence (if available).

All take the DataFrame plus the names of its ``unit``, ``time`` and ``value``
columns as keyword arguments and raise ``ValueError`` naming the problem on bad input.
"""

from nanbei.convergence.beta import BetaPanelResult, BetaResult, beta, beta_panel
from nanbei.convergence.markov import MarkovResult, markov
from nanbei.convergence.sigma import sigma

__all__ = [
    "BetaPanelResult",
    "BetaResult",
    "MarkovResult",
    "beta",
    "beta_panel",
    "markov",
    "sigma",
]

try:
    from nanbei.convergence.clubs import clubs  # noqa: F401  (re-exported via __all__)
except ImportError as exc:
    # Tolerate only the clubs module itself being absent; any other import
    # failure inside it (a missing dependency, a missing name) is re-raised.
    if not (isinstance(exc, ModuleNotFoundError) and exc.name == "nanbei.convergence.clubs"):
        raise
else:
    __all__.append("clubs")
