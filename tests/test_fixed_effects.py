"""Shared fixed-effects numerics against closed forms and a second implementation."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from nanbei.fixed_effects import Demeaner, cr1_factor, indicator


def _two_way(rng, n_a=7, n_b=5, drop=()):
    a, b = np.meshgrid(np.arange(n_a), np.arange(n_b), indexing="ij")
    a, b = a.ravel(), b.ravel()
    keep = np.setdiff1d(np.arange(a.size), drop)
    return a[keep], b[keep], rng.normal(size=(keep.size, 3))


@pytest.mark.parametrize("drop", [(), (3, 11, 17)])
def test_demeaner_equals_residuals_of_dummy_regression(drop):
    rng = np.random.default_rng(0)
    a, b, z = _two_way(rng, drop=drop)
    dummies = np.column_stack([np.eye(a.max() + 1)[a], np.eye(b.max() + 1)[b][:, 1:]])
    expected = np.column_stack([sm.OLS(z[:, j], dummies).fit().resid for j in range(3)])
    got = Demeaner([a, b], tol=1e-13)(z)
    np.testing.assert_allclose(got, expected, atol=1e-9)
    assert Demeaner([a, b]).balanced_two_way is (len(drop) == 0)


def test_one_way_is_the_within_transformation():
    codes = np.array([0, 0, 1, 1, 1, 2])
    z = np.array([1.0, 3.0, 2.0, 4.0, 6.0, 5.0])
    np.testing.assert_allclose(Demeaner([codes])(z), [-1, 1, -2, 0, 2, 0])


def test_indicator_gives_group_sums():
    codes = np.array([2, 0, 2, 1])
    np.testing.assert_array_equal(indicator(codes, 3) @ np.array([1.0, 2.0, 3.0, 4.0]), [2, 4, 4])


def test_cr1_factor():
    assert cr1_factor(10, 100, 5) == pytest.approx(10 / 9 * 99 / 95)
    with pytest.raises(ValueError, match="at least 2 clusters"):
        cr1_factor(1, 100, 5)
    with pytest.raises(ValueError, match="more observations"):
        cr1_factor(5, 4, 4)
