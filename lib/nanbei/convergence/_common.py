"""Small helpers shared by the convergence result classes (not public API)."""

from __future__ import annotations

import numpy as np

from nanbei.results import deprecated_alias  # noqa: F401  (re-exported for the result classes)


def check_alpha(alpha, what: str) -> float:
    """``alpha`` must be a significance level strictly between 0 and 1."""
    if (
        isinstance(alpha, bool)
        or not isinstance(alpha, (int, float, np.integer, np.floating))
        or not 0 < float(alpha) < 1
    ):
        raise ValueError(
            f"{what}: alpha (significance level of the confidence intervals) must be a number "
            f"strictly between 0 and 1, got {alpha!r}"
        )
    return float(alpha)


def fmt(x, spec: str = ".4g") -> str:
    """Number for prose: ``spec`` if finite, else 'inf' / 'nan'."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    return format(x, spec) if np.isfinite(x) else str(x)


def label_text(lang: str, en: str, zh: str) -> str:
    """Axis or title text in ``lang`` ("en" or "zh")."""
    return zh if lang == "zh" else en
