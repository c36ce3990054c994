"""Wording helpers shared by every package that writes sentences from numbers.

The prose functions of :mod:`nanbei.convergence.prose` and :mod:`nanbei.effects.prose`, the
verdicts of :mod:`nanbei.effects` and the result summaries all quote p-values and list names.
They do it with these few functions, so that a p-value reads the same everywhere and its
rounding can never carry it across the significance level the sentence is about.

Conventions: a test *rejects* when ``p <= alpha`` (the convention of the confidence intervals
in :mod:`nanbei.effects`: a value is in the interval exactly when its p-value exceeds
``alpha``); a p-value that is not finite prints as ``"n/a"``.

>>> format_p(0.0496, 0.05), format_p(0.0504, 0.05), format_p(0.0004, 0.05)
('0.0496', '0.0504', '< 0.001')
>>> p_phrase(0.012), p_phrase(0.0001)
('p = 0.012', 'p < 0.001')
>>> listing(["Xuzhou", "Suqian", "Lianyungang"])
'Xuzhou, Suqian and Lianyungang'
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

__all__ = ["format_p", "listing", "p_phrase"]

# Up to this many decimals a p-value is printed in fixed point; a p-value that still cannot be
# told from alpha there is printed in full (``repr``), which reads back as exactly itself.
_MAX_DIGITS = 12


def _check_alpha(alpha, what: str) -> float:
    if (
        isinstance(alpha, bool)
        or not isinstance(alpha, (int, float, np.integer, np.floating))
        or not 0 < float(alpha) < 1
    ):
        raise ValueError(f"{what}: alpha must be a number in (0, 1), got {alpha!r}")
    return float(alpha)


def format_p(p: float, alpha: float = 0.05) -> str:
    """A p-value printed so that its rounding never crosses ``alpha``.

    Three decimals by default; more where three would print a p-value on the wrong side of
    ``alpha``, as equal to it, or a positive p-value as zero (0.0496 -> "0.0496", not
    "0.050"); ``"< 0.001"`` for tiny rejecting p-values (when ``alpha >= 0.001``); ``"n/a"``
    for NaN or infinite values.  Read back, the text is never on the other side of ``alpha``.

    >>> format_p(0.2345, 0.05), format_p(0.05, 0.05), format_p(float("nan"), 0.05)
    ('0.234', '0.050', 'n/a')
    >>> format_p(0.00005, 0.0001), format_p(0.0500000001, 0.05)
    ('0.00005', '0.0500000001')

    Raises ValueError if ``alpha`` is not a number strictly between 0 and 1.
    """
    alpha = _check_alpha(alpha, "format_p")
    try:
        p = float(p)
    except (TypeError, ValueError):
        raise ValueError(f"format_p: p must be a number, got {p!r}") from None
    if not math.isfinite(p):
        return "n/a"
    reject = p <= alpha
    if reject and p < 0.001 <= alpha:
        return "< 0.001"
    for digits in range(3, _MAX_DIGITS + 1):
        text = f"{p:.{digits}f}"
        shown = float(text)
        if (shown <= alpha) == reject and (shown != alpha or p == alpha) and (shown != 0 or p == 0):
            return text
    return repr(p)


def p_phrase(p: float, alpha: float = 0.05) -> str:
    """``"p = 0.012"`` or ``"p < 0.001"``, with :func:`format_p`'s rounding.

    >>> p_phrase(0.0501), p_phrase(float("nan"))
    ('p = 0.0501', 'p = n/a')
    """
    text = format_p(p, alpha)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def listing(items: Iterable[object]) -> str:
    """Items joined as in a sentence: ``"a"``, ``"a and b"``, ``"a, b and c"``; ``""`` for none.

    >>> listing([]), listing(["a"]), listing(["a", "b"])
    ('', 'a', 'a and b')
    """
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
