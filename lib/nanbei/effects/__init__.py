"""Policy-effect estimators for any long panel, with inference that stays honest with few clusters.

* :func:`synthetic_control`       - Abadie-Diamond-Hainmueller synthetic control, placebos (with a
  placebo band as confidence intervals), leave-one-out;
* :func:`staggered_did`           - Callaway-Sant'Anna group-time ATTs and their aggregations;
* :func:`event_study`             - dynamic TWFE with binned endpoints, or Sun-Abraham;
* :func:`wild_cluster_bootstrap`  - restricted/unrestricted wild cluster bootstrap for one coefficient;
* :func:`randomization_inference` - permutation of treatment across comparison units, with a
  confidence interval by test inversion;
* :func:`placebo_in_time`         - in-time placebos for every design (fake dates, pre-period data only);
* :func:`pretrend_test`           - joint Wald pre-trend test with a wild cluster bootstrap version;
* :func:`honest_did`              - Rambachan-Roth sensitivity (relative magnitudes, smoothness),
  breakdown values;
* :func:`synthetic_did`           - synthetic difference-in-differences (Arkhangelsky et al. 2021);
* :func:`donor_pool`              - donor pools without cities treated by a competing policy;
* :func:`verdict`                 - the sentence saying which tests reject a zero effect, and
  :mod:`nanbei.effects.prose` for the other number-dependent sentences of notebook 02.

Every result derives from :class:`nanbei.results.Result`: ``summary()`` (text, HTML, LaTeX),
``tidy()`` (the columns of :data:`nanbei.results.TIDY_COLUMNS`) and ``plot(ax=None,
labels=None, lang="en")``.  Draw counts are limited to ``MIN_DRAWS``..``MAX_DRAWS``.
"""

from nanbei.effects import prose
from nanbei.effects._common import MAX_DRAWS, MIN_DRAWS, verdict
from nanbei.effects.did import DiDAggregate, StaggeredDiDResult, staggered_did
from nanbei.effects.donors import (
    EXCLUSION_RULES,
    PoolEstimates,
    competing_policy_cities,
    donor_pool,
)
from nanbei.effects.event_study import EventStudyResult, event_study
from nanbei.effects.honest import HonestDiDResult, honest_did, honest_did_event_study
from nanbei.effects.inference import (
    RandomizationResult,
    WildBootstrapResult,
    parse_formula,
    randomization_inference,
    wild_cluster_bootstrap,
)
from nanbei.effects.placebo import InTimePlaceboResult, fake_dates, placebo_in_time
from nanbei.effects.pretrends import PreTrendTest, pretrend_test, wald_pretest
from nanbei.effects.sdid import SyntheticDiDResult, synthetic_did
from nanbei.effects.synth import (
    LeaveOneOutResult,
    PlaceboSpaceResult,
    SyntheticControlResult,
    synthetic_control,
)

__all__ = [
    "EXCLUSION_RULES",
    "HonestDiDResult",
    "InTimePlaceboResult",
    "PoolEstimates",
    "PreTrendTest",
    "SyntheticDiDResult",
    "competing_policy_cities",
    "donor_pool",
    "fake_dates",
    "honest_did",
    "honest_did_event_study",
    "placebo_in_time",
    "pretrend_test",
    "synthetic_did",
    "wald_pretest",
    "prose",
    "MAX_DRAWS",
    "MIN_DRAWS",
    "DiDAggregate",
    "EventStudyResult",
    "LeaveOneOutResult",
    "PlaceboSpaceResult",
    "RandomizationResult",
    "StaggeredDiDResult",
    "SyntheticControlResult",
    "WildBootstrapResult",
    "event_study",
    "parse_formula",
    "randomization_inference",
    "staggered_did",
    "synthetic_control",
    "verdict",
    "wild_cluster_bootstrap",
]
