"""Policy-effect estimators for any long panel, with inference that stays honest with few clusters.

* :func:`synthetic_control`       - Abadie-Diamond-Hainmueller synthetic control, placebos, leave-one-out;
* :func:`staggered_did`           - Callaway-Sant'Anna group-time ATTs and their aggregations;
* :func:`event_study`             - dynamic TWFE with binned endpoints, or Sun-Abraham;
* :func:`wild_cluster_bootstrap`  - restricted/unrestricted wild cluster bootstrap for one coefficient;
* :func:`randomization_inference` - permutation of treatment across comparison units.
"""

from nanbei.effects.did import StaggeredDiDResult, staggered_did
from nanbei.effects.event_study import EventStudyResult, event_study
from nanbei.effects.inference import (
    RandomizationResult,
    WildBootstrapResult,
    randomization_inference,
    wild_cluster_bootstrap,
)
from nanbei.effects.synth import SyntheticControlResult, synthetic_control

__all__ = [
    "EventStudyResult",
    "RandomizationResult",
    "StaggeredDiDResult",
    "SyntheticControlResult",
    "WildBootstrapResult",
    "event_study",
    "randomization_inference",
    "staggered_did",
    "synthetic_control",
    "wild_cluster_bootstrap",
]
