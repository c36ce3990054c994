"""The common result surface (nanbei.results) on every convergence result.

For each result class: ``summary()`` renders as text, HTML and LaTeX; ``tidy()``
starts with TIDY_COLUMNS; ``plot()`` returns a matplotlib Axes and names city codes;
results pickle; every reported estimate carries a confidence interval (sigma
excepted, by design); the old attribute names still work but warn.  The intervals
of speed and half-life are checked against an independent computation (numerical
derivative, coverage in simulation).
"""

from __future__ import annotations

import math
import pickle
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from nanbei.convergence import (
    BetaPanelResult,
    BetaResult,
    ClubsResult,
    LogTResult,
    MarkovResult,
    SigmaResult,
    beta,
    beta_panel,
    clubs,
    log_t_test,
    markov,
    sigma,
)
from nanbei.results import TIDY_COLUMNS, Result

# Jiangsu's 13 prefecture city codes: plots must show their names, not the codes.
CODES = [
    320100,
    320200,
    320300,
    320400,
    320500,
    320600,
    320700,
    320800,
    320900,
    321000,
    321100,
    321200,
    321300,
]


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    """13 cities, 2001-2021, converging with noise; regions for the Theil split."""
    rng = np.random.default_rng(42)
    years = np.arange(2001, 2022)
    start = rng.normal(0, 0.5, len(CODES))
    rows = []
    for k, t in enumerate(years):
        ly = 10 + 0.08 * k + start * np.exp(-0.05 * k) + rng.normal(0, 0.02, len(CODES))
        rows.append(
            pd.DataFrame(
                {
                    "city": CODES,
                    "year": t,
                    "y": np.exp(ly),
                    "pop": rng.uniform(3, 10, len(CODES)),
                    "region": ["Sunan"] * 5 + ["Suzhong"] * 3 + ["Subei"] * 5,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def results(panel) -> dict[str, Result]:
    kw = dict(unit="city", time="year", value="y")
    return {
        "sigma": sigma(panel, **kw, weight="pop", group="region"),
        "beta": beta(panel, **kw, start=2001, end=2021),
        "beta_panel": beta_panel(panel, **kw, window=5, n_boot=999, seed=3),
        "markov": markov(panel, **kw, k=3, classes="pooled"),
        "clubs": clubs(panel, **kw),
        "log_t": log_t_test(panel, **kw),
    }


CLASSES = {
    "sigma": SigmaResult,
    "beta": BetaResult,
    "beta_panel": BetaPanelResult,
    "markov": MarkovResult,
    "clubs": ClubsResult,
    "log_t": LogTResult,
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("name", list(CLASSES))
def test_result_class_and_summary_in_three_formats(results, name):
    res = results[name]
    assert isinstance(res, CLASSES[name]) and isinstance(res, Result)
    summ = res.summary()
    text = str(summ)
    assert text.splitlines()[0] == summ.title and len(summ.tables) >= 1
    html = res._repr_html_()
    assert html == summ._repr_html_() and html.startswith("<div") and "<table" in html
    latex = summ.as_latex()
    assert latex == summ._repr_latex_()
    assert latex.count(r"\begin{table}") == len(summ.tables) and r"\bottomrule" in latex
    assert "_value" not in latex.replace(r"\_value", "")  # underscores escaped


@pytest.mark.parametrize("name", list(CLASSES))
def test_tidy_has_the_fixed_columns_first(results, name):
    tidy = results[name].tidy()
    assert list(tidy.columns[: len(TIDY_COLUMNS)]) == TIDY_COLUMNS
    assert len(tidy) >= 1 and tidy["term"].is_unique
    assert tidy["n_obs"].notna().all()


@pytest.mark.parametrize("name", list(CLASSES))
def test_plot_returns_axes_and_accepts_both_languages(results, name):
    res = results[name]
    ax = res.plot()
    assert isinstance(ax, Axes)
    fig, given = plt.subplots()
    assert res.plot(ax=given, lang="zh") is given
    with pytest.raises(ValueError, match="lang"):
        res.plot(lang="de")


@pytest.mark.parametrize("name", list(CLASSES))
def test_pickle_round_trip(results, name):
    res = results[name]
    back = pickle.loads(pickle.dumps(res))
    pd.testing.assert_frame_equal(back.tidy(), res.tidy())
    assert str(back.summary()) == str(res.summary())


@pytest.mark.parametrize("name", [n for n in CLASSES if n != "sigma"])
def test_every_estimate_has_a_confidence_interval(results, name):
    tidy = results[name].tidy()
    est = tidy[tidy["estimate"].notna()]
    assert len(est)
    assert est["conf_low"].notna().all() and est["conf_high"].notna().all()
    assert (est["conf_low"] <= est["estimate"] + 1e-12).all()
    assert (est["estimate"] <= est["conf_high"] + 1e-12).all()
    assert (est["std_error"].notna() | est["term"].eq("half_life")).all()


def test_sigma_tidy_is_descriptive(results, panel):
    # the indices describe the whole observed cross-section: no sampling intervals
    res = results["sigma"]
    tidy = res.tidy()
    assert len(tidy) == len(res.measures) * 21
    assert tidy[["std_error", "statistic", "p_value", "conf_low", "conf_high"]].isna().all().all()
    row = tidy.set_index("term").loc["gini[2005]"]
    assert row["estimate"] == res.table.loc[2005, "gini"] and row["n_obs"] == 13
    assert "no standard errors" in str(res.summary())


def test_sigma_result_keeps_dataframe_access(results):
    res = results["sigma"]
    tab = res.table
    assert isinstance(tab, pd.DataFrame) and list(res.columns) == list(tab.columns)
    pd.testing.assert_series_equal(res["cv_w"], tab["cv_w"])
    pd.testing.assert_frame_equal(res[["cv", "gini"]], tab[["cv", "gini"]])
    assert res.loc[2010, "theil"] == tab.loc[2010, "theil"] and res.iloc[0, 0] == 13
    assert list(res.index) == list(range(2001, 2022)) and len(res) == 21
    assert list(res) == list(tab.columns)
    assert res.to_frame().equals(tab) and res.to_frame() is not tab


def test_plots_name_the_cities(results):
    ax = results["beta"].plot()
    names = {t.get_text() for t in ax.texts}
    assert {"Suzhou", "Xuzhou", "Suqian"} <= names and "320500" not in names
    ax = results["beta"].plot(lang="zh")
    assert "苏州市" in {t.get_text() for t in ax.texts}
    ax = results["beta"].plot(labels={320500: "Soochow"})
    assert "Soochow" in {t.get_text() for t in ax.texts}
    ax = results["clubs"].plot(lang="zh")
    assert "宿迁市" in {t.get_text() for t in ax.texts}


def test_beta_plot_draws_the_fitted_line(results):
    res = results["beta"]
    ax = res.plot()
    line = ax.get_lines()[0]
    x, y = line.get_data()
    np.testing.assert_allclose(y, res.intercept + res.slope * x, rtol=1e-12)
    assert len(ax.collections[0].get_offsets()) == 13


def test_markov_plot_is_the_transition_heatmap(results):
    res = results["markov"]
    ax = res.plot()
    np.testing.assert_allclose(ax.get_images()[0].get_array(), res.p.to_numpy())


def test_clubs_tidy_rows_are_the_club_tests(results):
    res = results["clubs"]
    tidy = res.tidy().set_index("term")
    for i, test in enumerate(res.club_log_t, 1):
        row = tidy.loc[f"club {i}"]
        assert row["estimate"] == test.coef and row["statistic"] == test.t
        assert row["n_units"] == len(res.clubs[i - 1])
    assert tidy.loc["full panel", "estimate"] == res.log_t.coef


# --------------------------------------------------------------------------- deprecated names


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("beta", "pvalue", "p_value"),
        ("beta", "pvalue_hc1", "p_value_hc1"),
        ("beta", "nobs", "n_obs"),
        ("beta_panel", "pvalue_cluster", "p_value_cluster"),
        ("beta_panel", "pvalue_wild", "p_value_wild"),
        ("beta_panel", "nobs", "n_obs"),
        ("log_t", "alpha", "speed"),
    ],
)
def test_old_names_warn_and_agree(results, name, old, new):
    res = results[name]
    with pytest.warns(DeprecationWarning, match=rf"\.{old} is deprecated.*\.{new}"):
        value = getattr(res, old)
    assert value == getattr(res, new)
    with pytest.raises(AttributeError):  # read-only
        setattr(res, old, 1.0)


def test_new_names_do_not_warn(results):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for res in results.values():
            res.tidy()
            str(res.summary())
        results["beta"].p_value, results["beta_panel"].p_value_wild, results["log_t"].speed  # noqa: B018


def test_log_t_speed_is_half_the_coefficient(results):
    res = results["log_t"]
    assert res.speed == res.coef / 2


# --------------------------------------------------------------------------- speed and half-life


def test_speed_interval_maps_the_slope_interval_and_delta_se(results):
    res = results["beta"]
    T = res.end - res.start
    tidy = res.tidy().set_index("term")
    lo, hi = res.model.conf_int(alpha=0.05).loc["log_start"]

    def lam(b):
        return -math.log(1 + b * T) / T

    assert tidy.loc["speed", "conf_low"] == pytest.approx(lam(hi), rel=1e-12)
    assert tidy.loc["speed", "conf_high"] == pytest.approx(lam(lo), rel=1e-12)
    assert tidy.loc["half_life", "conf_low"] == pytest.approx(math.log(2) / lam(lo), rel=1e-12)
    assert tidy.loc["half_life", "conf_high"] == pytest.approx(math.log(2) / lam(hi), rel=1e-12)
    # delta method against a numerical derivative
    b, se, h = res.slope, res.se, 1e-7
    d_lam = (lam(b + h) - lam(b - h)) / (2 * h)
    d_half = (math.log(2) / lam(b + h) - math.log(2) / lam(b - h)) / (2 * h)
    assert tidy.loc["speed", "std_error"] == pytest.approx(abs(d_lam) * se, rel=1e-6)
    assert tidy.loc["half_life", "std_error"] == pytest.approx(abs(d_half) * se, rel=1e-6)
    # HC1 intervals use the HC1 slope interval
    hc1 = res.tidy("hc1").set_index("term")
    lo1, hi1 = res.conf_int_hc1
    assert hc1.loc["speed", "conf_low"] == pytest.approx(lam(hi1), rel=1e-12)
    assert hc1.loc["log_start", "std_error"] == pytest.approx(res.se_hc1, rel=1e-12)


def test_speed_interval_has_nominal_coverage():
    # growth = a + b ln y0 + normal noise: the OLS t interval of b is exact, and the
    # speed interval, its monotone image, must cover the true speed 95% of the time.
    lam, T, n, reps = 0.03, 10, 25, 400
    b = -(1 - math.exp(-lam * T)) / T
    rng = np.random.default_rng(2024)
    hits = 0
    for _ in range(reps):
        x = rng.normal(9, 0.5, n)
        g = 0.2 + b * x + rng.normal(0, 0.004, n)
        df = pd.DataFrame(
            {
                "u": np.r_[range(n), range(n)],
                "t": [0] * n + [T] * n,
                "y": np.exp(np.r_[x, x + g * T]),
            }
        )
        row = (
            beta(df, unit="u", time="t", value="y", start=0, end=T)
            .tidy()
            .set_index("term")
            .loc["speed"]
        )
        hits += row["conf_low"] <= lam <= row["conf_high"]
    assert abs(hits / reps - 0.95) < 0.035  # binomial sd 0.011


def test_alpha_sets_the_interval_level(panel):
    kw = dict(unit="city", time="year", value="y")
    wide = beta(panel, **kw, start=2001, end=2021, alpha=0.01).tidy().set_index("term")
    narrow = beta(panel, **kw, start=2001, end=2021, alpha=0.2).tidy().set_index("term")
    assert wide.loc["log_start", "conf_low"] < narrow.loc["log_start", "conf_low"]
    for fn, extra in ((beta, dict(start=2001, end=2021)), (beta_panel, {}), (markov, {})):
        for bad in (0, 1, 1.5, -0.1, True, "0.05"):
            with pytest.raises(ValueError, match="alpha"):
                fn(panel, **kw, **extra, alpha=bad)
