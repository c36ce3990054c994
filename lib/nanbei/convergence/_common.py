"""Small helpers shared by the convergence result classes (not public API)."""

from __future__ import annotations

import warnings

import numpy as np


def deprecated_alias(new: str, old: str) -> property:
    """A read-only property ``old`` that returns ``self.<new>`` with a DeprecationWarning.

    Used for the one-release transition to the common naming scheme of
    :mod:`nanbei.results` (``p_value``, ``n_obs``, ``alpha``).
    """

    def getter(self):
        warnings.warn(
            f"{type(self).__name__}.{old} is deprecated and will be removed in the next "
            f"release; use .{new}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(self, new)

    return property(getter, doc=f"Deprecated alias of ``{new}`` (read-only).")


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
