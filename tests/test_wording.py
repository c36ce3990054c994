"""nanbei.wording: p-values whose rounding never crosses alpha, and sentence listings."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from nanbei import wording
from nanbei.wording import format_p, listing, p_phrase


@pytest.mark.parametrize(
    "p, alpha, text",
    [
        (0.2345, 0.05, "0.234"),  # three decimals by default (round half to even of 0.2345)
        (0.0496, 0.05, "0.0496"),  # "0.050" would print a rejection as if on the boundary
        (0.0504, 0.05, "0.0504"),  # "0.050" would print a non-rejection as a rejection
        (0.05, 0.05, "0.050"),  # exactly alpha: rejects, and may print as alpha
        (0.04999999, 0.05, "0.04999999"),
        (0.0004, 0.05, "< 0.001"),
        (0.0004, 0.0001, "0.0004"),  # not rejected at alpha = 0.0001: no "< 0.001"
        (0.00005, 0.0001, "0.00005"),  # rejected, but never printed as "0.000"
        (0.0, 0.0001, "0.000"),
        (0.0500000001, 0.05, "0.0500000001"),
        (0.05 + 1e-15, 0.05, repr(0.05 + 1e-15)),  # no fixed-point text tells it from alpha
        (1.0, 0.05, "1.000"),
        (0.0, 0.05, "< 0.001"),
        (math.nan, 0.05, "n/a"),
        (math.inf, 0.05, "n/a"),
    ],
)
def test_format_p_examples(p, alpha, text):
    assert format_p(p, alpha) == text


@pytest.mark.parametrize("alpha", [0.1, 0.05, 0.01, 0.001])
def test_printed_p_value_is_on_the_same_side_of_alpha(alpha):
    # An independent check of the rule on many p-values around alpha: reading the printed
    # text back gives the same decision, and equals alpha only if p does.
    rng = np.random.default_rng(7)
    ps = np.concatenate(
        [
            alpha + rng.normal(scale=alpha / 50, size=2000),
            alpha + rng.choice([-1, 1], 200) * 10.0 ** rng.uniform(-9, -4, 200),
            rng.uniform(0, 1, 500),
            [alpha],
        ]
    )
    for p in np.clip(ps, 0, 1):
        text = format_p(p, alpha)
        if text.startswith("<"):
            assert p < 0.001 <= alpha
            continue
        shown = float(text)
        assert (shown <= alpha) == (p <= alpha), (p, text)
        assert shown != alpha or p == alpha, (p, text)
        assert shown != 0 or p == 0, (p, text)


def test_p_phrase():
    assert p_phrase(0.012) == "p = 0.012"
    assert p_phrase(0.0001) == "p < 0.001"
    assert p_phrase(0.0496, alpha=0.05) == "p = 0.0496"
    assert p_phrase(0.07, alpha=0.1) == "p = 0.070"
    assert p_phrase(math.nan) == "p = n/a"


@pytest.mark.parametrize("alpha", [0, 1, -0.1, 1.5, math.nan, "0.05", None, True])
def test_bad_alpha_is_refused(alpha):
    with pytest.raises(ValueError, match="format_p: alpha must be a number in \\(0, 1\\)"):
        format_p(0.3, alpha)
    with pytest.raises(ValueError, match="alpha"):
        p_phrase(0.3, alpha)


@pytest.mark.parametrize("p", [None, "small", [0.1]])
def test_a_p_value_that_is_not_a_number_is_refused(p):
    with pytest.raises(ValueError, match="format_p: p must be a number"):
        format_p(p, 0.05)


def test_listing():
    assert listing([]) == ""
    assert listing(["Suqian"]) == "Suqian"
    assert listing(["Suqian", "Huai'an"]) == "Suqian and Huai'an"
    assert listing(["a", "b", "c", "d"]) == "a, b, c and d"
    assert listing(x for x in (1, 2, 3)) == "1, 2 and 3"  # any iterable, items as text


def test_the_effects_helpers_are_the_public_ones():
    # Older imports keep working and give the same functions, so the wording cannot diverge.
    from nanbei.convergence import prose as convergence_prose
    from nanbei.effects import _common

    assert _common.format_p is format_p and _common.p_phrase is p_phrase
    assert _common.listing is listing
    assert convergence_prose.format_p is format_p and convergence_prose.p_phrase is p_phrase


def test_verdict_quotes_p_values_with_the_shared_wording():
    from nanbei.effects import verdict

    text = verdict({"wild cluster bootstrap": 0.0496, "randomization inference": 0.0504})
    assert text == (
        "At the 5% level, the tests disagree: wild cluster bootstrap (p = 0.0496) rejects a "
        "zero effect, randomization inference (p = 0.0504) does not."
    )
    three = verdict({"a": 0.01, "b": 0.02, "c": 0.2})
    assert "a (p = 0.010) and b (p = 0.020) reject" in three


def test_docstring_examples_run():
    failures, tried = doctest.testmod(wording, verbose=False)
    assert tried > 0 and failures == 0
