"""Nanbei: testing claims about Jiangsu's south-north linkage policy with real data.

Sub-modules
-----------
nanbei.data         the data contract: loaders for the shipped (or your own) city panel
nanbei.convergence  sigma, beta, distribution dynamics and club convergence on any panel
nanbei.effects      synthetic control, staggered DiD, event studies, few-cluster inference
nanbei.plotting     matplotlib helpers with a bundled CJK font
"""

from nanbei.errors import DataError, DataWarning

__all__ = ["DataError", "DataWarning"]
__version__ = "0.1.0"
