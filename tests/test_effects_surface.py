"""The common result surface of every nanbei.effects result (nanbei.results.Result).

For each result class: summary() renders as text, HTML and LaTeX; tidy() starts with
TIDY_COLUMNS; plot() returns a matplotlib Axes (Agg backend); the object pickles; the
confidence intervals are there where an estimate is reported.  Plus the deprecated old
names, city names instead of codes in figures, and ``verdict``.
"""

from __future__ import annotations

import math
import pickle
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.axes  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from nanbei import effects  # noqa: E402
from nanbei.results import TIDY_COLUMNS, Result, Summary, tidy_frame  # noqa: E402

SUQIAN = 321300
PREDICTORS = [("y", 2002, 2005), ("y", 2006, 2008), ("y", 2009, 2011)]
ANHUI = [
    340100,
    340200,
    340300,
    340400,
    340500,
    340600,
    340700,
    340800,
    341000,
    341100,
    341200,
    341300,
    341500,
    341600,
    341700,
    341800,
]


def sc_panel(seed=0, n_donors=15, T=20, T0=12, effect=1.0):
    """A treated city (Suqian's code) and Anhui donor codes from a two-factor model."""
    rng = np.random.default_rng(seed)
    f = np.column_stack([np.linspace(0, 2, T), np.sin(np.arange(T) / 3)])
    load = rng.normal(1, 0.3, size=(n_donors + 1, 2))
    Y = (
        5
        + rng.normal(size=n_donors + 1)
        + f @ load.T
        + rng.normal(scale=0.1, size=(T, n_donors + 1))
    )
    Y[T0:, 0] += effect
    units = [SUQIAN, *ANHUI[:n_donors]]
    return pd.DataFrame(
        {
            "city": np.repeat(units, T),
            "year": np.tile(np.arange(2000, 2000 + T), len(units)),
            "y": Y.T.ravel(),
        }
    )


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    out: dict[str, Result] = {}
    df = sc_panel()
    sc = effects.synthetic_control(
        df,
        unit="city",
        time="year",
        outcome="y",
        treated=SUQIAN,
        treatment_time=2012,
        predictors=PREDICTORS,
        v=[1, 1, 1],
    )
    out["placebo"] = sc.placebo_space()
    out["synthetic_control"] = sc
    out["leave_one_out"] = sc.leave_one_out()
    out["placebo_time"] = sc.placebo_time(2010)
    panel = effects.did.simulate_staggered_panel(300, 8, cohorts=[4, 6], effect=1.0, seed=2)
    kw = dict(unit="unit", time="time", outcome="y", cohort="cohort")
    cs = effects.staggered_did(panel, **kw)
    out["staggered_did"] = cs
    for kind in ("simple", "group", "dynamic", "calendar"):
        out[f"aggregate_{kind}"] = cs.aggregate(kind)
    out["event_study"] = effects.event_study(panel, **kw, window=(-3, 3))
    out["event_study_sunab"] = effects.event_study(panel, **kw, window=(-3, 3), estimator="sunab")
    d = panel.assign(
        treat=((panel["cohort"] > 0) & (panel["time"] >= panel["cohort"])).astype(float),
        region=panel["unit"] % 12,
    )
    out["wild_bootstrap"] = effects.wild_cluster_bootstrap(
        d, y="y", x="treat", fe=["unit", "time"], param="treat", cluster="region", n_boot=199
    )
    small = d[d["unit"] <= 12]
    out["randomization"] = effects.randomization_inference(
        small, unit="unit", time="time", treatment="treat", outcome="y", n_perm=999
    )
    return out


NAMES = [
    "synthetic_control",
    "placebo",
    "leave_one_out",
    "placebo_time",
    "staggered_did",
    "aggregate_simple",
    "aggregate_group",
    "aggregate_dynamic",
    "aggregate_calendar",
    "event_study",
    "event_study_sunab",
    "wild_bootstrap",
    "randomization",
]
CLASSES = {
    "synthetic_control": "SyntheticControlResult",
    "placebo": "PlaceboSpaceResult",
    "leave_one_out": "LeaveOneOutResult",
    "placebo_time": "SyntheticControlResult",
    "staggered_did": "StaggeredDiDResult",
    "event_study": "EventStudyResult",
    "wild_bootstrap": "WildBootstrapResult",
    "randomization": "RandomizationResult",
}


@pytest.mark.parametrize("name", NAMES)
def test_common_surface(results, name):
    r = results[name]
    assert isinstance(r, Result)
    expected = CLASSES.get(name.split("_sunab")[0], "DiDAggregate")
    assert type(r).__name__ == expected
    s = r.summary()
    assert isinstance(s, Summary)
    text = str(s)
    assert text.startswith(s.title) and len(s.tables) >= 1
    html = r._repr_html_()
    assert html.startswith("<div") and "<table" in html and html == s._repr_html_()
    latex = s.as_latex()
    assert r"\begin{tabular}" in latex and r"\bottomrule" in latex
    tidy = r.tidy()
    assert list(tidy.columns[: len(TIDY_COLUMNS)]) == TIDY_COLUMNS
    assert len(tidy) >= 1 and tidy["estimate"].notna().any()
    assert type(r).__name__ in repr(r)
    ax = r.plot()
    assert isinstance(ax, matplotlib.axes.Axes) and ax.get_title()
    assert r.plot(ax=ax) is ax
    plt.close("all")
    back = pickle.loads(pickle.dumps(r))
    pd.testing.assert_frame_equal(back.tidy(), tidy)


@pytest.mark.parametrize("name", [n for n in NAMES if n not in ("leave_one_out", "placebo_time")])
def test_confidence_intervals_are_reported(results, name):
    """Every estimate with inference carries a finite-or-infinite interval around it."""
    tidy = results[name].tidy()
    rows = tidy[tidy["std_error"].notna() | tidy["p_value"].notna()]
    rows = rows[rows["term"] != "post/pre RMSPE ratio"]  # a test statistic, not an effect
    assert len(rows)
    assert rows["conf_low"].notna().all() and rows["conf_high"].notna().all()
    assert (rows["conf_low"] <= rows["estimate"] + 1e-12).all()
    assert (rows["estimate"] <= rows["conf_high"] + 1e-12).all()


def test_leave_one_out_and_time_placebo_state_why_no_interval(results):
    loo = results["leave_one_out"].tidy()
    assert loo["conf_low"].isna().all() and "robustness" in str(results["leave_one_out"].summary())
    pt = results["placebo_time"]
    assert pt.tidy()["conf_low"].isna().all()
    assert "placebo_space()" in str(pt.summary())


def test_synthetic_control_tidy_gets_the_band_after_placebo_space():
    df = sc_panel(seed=3)
    sc = effects.synthetic_control(
        df,
        unit="city",
        time="year",
        outcome="y",
        treated=SUQIAN,
        treatment_time=2012,
        v=np.ones(12),
    )
    assert sc.tidy()["conf_low"].isna().all()
    band = sc.band()  # runs the placebos
    t = sc.tidy()
    pd.testing.assert_frame_equal(t[TIDY_COLUMNS], tidy_frame(band)[TIDY_COLUMNS])
    assert t.loc[t["term"] == "mean post gap", "estimate"].item() == pytest.approx(sc.mean_post_gap)


def test_city_codes_become_names(results):
    pl = results["placebo"]
    ax = pl.plot()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Suqian" in legend and "321300" not in " ".join(legend)
    assert ax.get_ylabel() == "gap in y, treated − synthetic"
    assert "Suqian" in ax.get_title()
    ax = pl.plot(lang="zh")
    assert "宿迁市" in [t.get_text() for t in ax.get_legend().get_texts()]
    ax = results["synthetic_control"].plot(kind="weights", labels={ANHUI[0]: "Hefei*"})
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert all(not t.isdigit() for t in ticks)
    plt.close("all")


def test_old_names_still_work_with_a_deprecation_warning(results):
    wb = results["wild_bootstrap"]
    with pytest.warns(DeprecationWarning, match="conf_level"):
        assert wb.conf_level == pytest.approx(1 - wb.alpha) == pytest.approx(0.95)
    sc = results["synthetic_control"]
    with pytest.warns(DeprecationWarning, match="kind"):
        ax = sc.plot("gap")
    assert "gap" in ax.get_ylabel()
    with pytest.warns(DeprecationWarning, match="mspe_threshold"):
        results["placebo"].plot(5)
    plt.close("all")
    # attribute names that stayed: estimate, p_value, p_value_cr1, ci, n_boot, enumerated
    assert {"estimate", "p_value", "p_value_cr1", "ci", "n_boot", "enumerated"} <= set(dir(wb))


def test_staggered_did_plots_cohorts_and_event_time(results):
    ax = results["staggered_did"].plot()
    texts = [t.get_text() for t in ax.texts]
    assert {"g=4", "g=6"} <= set(texts)
    assert "cohort" in ax.get_title()
    ax = results["aggregate_dynamic"].plot()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "pre-treatment" in legend and "post-treatment" in legend
    plt.close("all")


def test_tidy_p_values_and_intervals_match_the_detailed_tables(results):
    es = results["event_study"]
    t = es.tidy().set_index("event_time")
    c = es.coefficients
    np.testing.assert_allclose(t["p_value"], c["p_value"], equal_nan=True)
    np.testing.assert_allclose(t["conf_low"], c["ci_low"], equal_nan=True)
    agg = results["aggregate_dynamic"]
    row = agg.tidy().set_index("term").loc["overall"]
    assert (row["conf_low"], row["conf_high"]) == pytest.approx(agg.ci)
    # normal p-value from the estimate and its standard error
    from scipy import stats

    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(agg.att / agg.se)))
    wb = results["wild_bootstrap"]
    assert tuple(wb.tidy().loc[0, ["conf_low", "conf_high"]]) == pytest.approx(wb.ci)


# --------------------------------------------------------------------------------------
# verdict
# --------------------------------------------------------------------------------------
def test_verdict_all_some_none():
    all_ = effects.verdict({"wild cluster bootstrap": 0.012, "randomization inference": 0.031})
    assert all_.startswith("At the 5% level, both tests reject a zero effect")
    assert "p = 0.012" in all_ and "p = 0.031" in all_
    some = effects.verdict({"wild cluster bootstrap": 0.012, "randomization inference": 0.075})
    assert "disagree" in some
    assert "wild cluster bootstrap (p = 0.012) rejects" in some
    assert "randomization inference (p = 0.075) does not" in some
    assert "Even" not in some
    none = effects.verdict({"wild cluster bootstrap": 0.21, "randomization inference": 0.075})
    assert "neither test rejects" in none and "0.075" in none
    three = effects.verdict({"a": 0.2, "b": 0.3, "c": 0.5}, alpha=0.1)
    assert three.startswith("At the 10% level, none of the 3 tests rejects")
    one = effects.verdict({"a": 0.04})
    assert "the test rejects" in one


def test_verdict_never_prints_a_number_on_the_wrong_side_of_alpha():
    # 0.0504 rounds to 0.050 at three decimals: it must be printed with more digits.
    s = effects.verdict({"a": 0.0504, "b": 0.0496})
    assert "a (p = 0.0504) does not" in s and "b (p = 0.0496) rejects" in s
    assert "p = 0.050 " not in s and "p = 0.050)" not in s
    assert effects.verdict({"a": 0.05}).endswith(
        "rejects a zero effect (a: p = 0.050)."
    )  # p = alpha
    assert "< 0.001" in effects.verdict({"a": 0.0})


def test_verdict_missing_and_bad_input():
    s = effects.verdict({"a": 0.2, "b": float("nan")})
    assert "the test does not reject" in s and "b: not available" in s
    assert "No p-value" in effects.verdict({"a": math.nan})
    with pytest.raises(ValueError, match="non-empty"):
        effects.verdict({})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        effects.verdict({"a": 1.5})
    with pytest.raises(ValueError, match="alpha"):
        effects.verdict({"a": 0.1}, alpha=0)


def test_no_warning_from_plots(results):
    """Figures render without warnings (e.g. missing glyphs)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in NAMES:
            ax = results[name].plot(lang="zh")
            ax.figure.canvas.draw()
            plt.close("all")


def _figure_texts(ax) -> list[str]:
    """Title, axis labels, legend entries and tick labels of an Axes (non-numeric only)."""
    ax.figure.canvas.draw()
    texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    if ax.get_legend() is not None:
        texts += [t.get_text() for t in ax.get_legend().get_texts()]
    texts += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return [t for t in texts if t.strip() and not t.replace(".", "").lstrip("−-").isdigit()]


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("synthetic_control", {"kind": "paths"}),
        ("synthetic_control", {"kind": "gap"}),
        ("synthetic_control", {"kind": "weights"}),
        ("placebo", {}),
        ("placebo", {"mspe_threshold": 5}),
        ("leave_one_out", {}),
    ],
)
def test_synthetic_control_plots_follow_the_language(results, name, kwargs, recwarn):
    """Every text of the synthetic-control figures is in the language asked for: Chinese text in
    each label of a "zh" figure, none in an "en" one; drawn after the call (outside the style
    block) without a missing glyph."""
    from nanbei.labels import has_cjk

    outcome = results[name].outcome  # a column name ("y"), not a label: shown as it is
    zh = [t for t in _figure_texts(results[name].plot(lang="zh", **kwargs)) if t != outcome]
    en = [t for t in _figure_texts(results[name].plot(lang="en", **kwargs)) if t != outcome]
    assert zh and en
    assert all(has_cjk(t) for t in zh), [t for t in zh if not has_cjk(t)]
    assert not any(has_cjk(t) for t in en), [t for t in en if has_cjk(t)]
    assert not [w for w in recwarn if "missing from" in str(w.message)]
    plt.close("all")


def test_placebo_plot_in_chinese_names_the_band_and_the_test(results):
    pl = results["placebo"]
    ax = pl.plot(lang="zh")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    n = len(pl.gaps.columns) - 1
    assert f"安慰剂（{n}个）" in legend and "宿迁市" in legend
    assert (
        ax.get_title().startswith("空间安慰剂检验：宿迁市")
        and f"{pl.p_value:.3f}" in ax.get_title()
    )
    assert "placebo" not in " ".join(legend + [ax.get_title(), ax.get_xlabel()]).lower()
    plt.close("all")


@pytest.fixture(scope="module")
def more_results(results) -> dict[str, Result]:
    """The results whose figures are not in :data:`NAMES`: HonestDiD sensitivity (both
    restrictions) and in-time placebos of the DiD and the event study."""
    es = results["event_study"]
    panel = effects.did.simulate_staggered_panel(300, 8, cohorts=[4, 6], effect=1.0, seed=2)
    one_date = panel[panel["cohort"] != 4].assign(
        cohort=lambda d: d["cohort"].where(d["cohort"] == 0, 6)
    )
    kw = dict(unit="unit", time="time", outcome="y", cohort="cohort")
    return {
        "honest_rm": effects.honest_did_event_study(
            es, restriction="relative_magnitude", post="average", M=np.linspace(0, 0.5, 6)
        ),
        "honest_sd": effects.honest_did_event_study(es, restriction="smoothness", post="average"),
        "in_time_did": effects.placebo_in_time(
            one_date, **kw, design="did", inference=("wild",), n_boot=99, seed=1
        ),
        "in_time_event_study": effects.placebo_in_time(
            one_date, **kw, design="event_study", window=(-2, 1)
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "staggered_did",
        "aggregate_simple",
        "aggregate_group",
        "aggregate_dynamic",
        "aggregate_calendar",
        "event_study",
        "event_study_sunab",
        "honest_rm",
        "honest_sd",
        "in_time_did",
        "in_time_event_study",
    ],
)
def test_effects_plots_follow_the_language(results, more_results, name, recwarn):
    """Callaway–Sant'Anna, event-study, HonestDiD and in-time placebo figures: every title, axis
    label, legend entry and word tick in a "zh" figure has Chinese text, none in an "en" one."""
    from nanbei.labels import has_cjk

    r = {**results, **more_results}[name]
    zh = _figure_texts(r.plot(lang="zh"))
    en = _figure_texts(r.plot(lang="en"))
    assert zh and en
    assert all(has_cjk(t) for t in zh), [t for t in zh if not has_cjk(t)]
    assert not any(has_cjk(t) for t in en), [t for t in en if has_cjk(t)]
    assert not [w for w in recwarn if "missing from" in str(w.message)]
    plt.close("all")


def test_effects_plots_keep_their_english_labels(results, more_results):
    """The English figures read as before the labels moved to nanbei.labels."""
    ax = results["aggregate_dynamic"].plot()
    assert ax.get_xlabel() == "event time (periods since adoption)"
    assert ax.get_ylabel() == "ATT (95% CI)"
    assert ax.get_title() == "Callaway-Sant'Anna ATT, dynamic aggregation (analytic se)"
    es = results["event_study"]
    ax = es.plot()
    assert ax.get_title() == f"Event study (two-way fixed effects), {es.n_clusters} clusters"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["twfe"]
    ax = more_results["honest_rm"].plot()
    assert ax.get_xlabel() == "Mbar"
    assert ax.get_ylabel() == "95% CI for average post-period effect"
    ax = more_results["in_time_did"].plot()
    r = more_results["in_time_did"]
    assert ax.get_title() == (
        f"In-time placebo (did): {r.n_rejections} of {r.n_placebos} fake dates reject at 5%"
    )
    plt.close("all")


def test_chinese_figures_name_the_parts(results, more_results):
    ax = results["aggregate_dynamic"].plot(lang="zh")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"处理前", "处理后"} <= set(legend) and ax.get_title().endswith("动态聚合（解析标准误）")
    ax = more_results["honest_sd"].plot(lang="zh")
    assert ax.get_title() == "对平行趋势偏离的敏感性（平滑度约束）"
    assert ax.get_ylabel() == "政策后平均效应的95%置信区间"
    ax = results["staggered_did"].plot(lang="zh")
    assert "以从未处理单位为对照" in ax.get_title()
    plt.close("all")


def test_verdict_in_chinese():
    wild, ri = "野聚类自助法", "随机化推断"
    all_ = effects.verdict({wild: 0.012, ri: 0.031}, lang="zh")
    assert (
        all_
        == "在5%水平上，两个检验都拒绝零效应（野聚类自助法：p = 0.012；随机化推断：p = 0.031）。"
    )
    some = effects.verdict({wild: 0.012, ri: 0.075}, lang="zh")
    assert (
        "各检验结论不一：野聚类自助法（p = 0.012）拒绝零效应，随机化推断（p = 0.075）不拒绝" in some
    )
    none = effects.verdict({wild: 0.21, ri: 0.075}, lang="zh")
    assert "两个检验都不拒绝零效应" in none
    assert effects.verdict({"甲": 0.2, "乙": 0.3, "丙": 0.5}, alpha=0.1, lang="zh").startswith(
        "在10%水平上，3个检验都不拒绝"
    )
    assert "全部3个检验都拒绝" in effects.verdict({"甲": 0.01, "乙": 0.02, "丙": 0.03}, lang="zh")
    assert "该检验拒绝" in effects.verdict({"甲": 0.04}, lang="zh")
    assert "该检验不拒绝" in effects.verdict({"甲": 0.2, "乙": math.nan}, lang="zh")
    assert "（乙：不可用）" in effects.verdict({"甲": 0.2, "乙": math.nan}, lang="zh")
    assert effects.verdict({"甲": math.nan}, lang="zh").startswith("没有可用的p值")
    assert "甲（p = 0.01）、乙（p = 0.02）和丙" not in effects.verdict(
        {"甲": 0.01, "乙": 0.02, "丙": 0.2}, lang="zh"
    )
    assert "甲（p = 0.010）和乙（p = 0.020）拒绝" in effects.verdict(
        {"甲": 0.01, "乙": 0.02, "丙": 0.2}, lang="zh"
    )


def test_verdict_switches_at_alpha_in_both_languages():
    """p = 0.0504 does not reject at 5% and is never printed as 0.050; 0.0496 does."""
    for lang, no, yes in (("en", "does not", "rejects"), ("zh", "不拒绝", "拒绝零效应")):
        s = effects.verdict({"a": 0.0504, "b": 0.0496}, lang=lang)
        assert "p = 0.0504" in s and "p = 0.0496" in s and "p = 0.050 " not in s
        assert no in s and yes in s
    assert (
        effects.verdict({"a": 0.05}, lang="zh") == "在5%水平上，该检验拒绝零效应（a：p = 0.050）。"
    )
    assert effects.verdict({"a": 0.0501}, lang="zh").startswith("在5%水平上，该检验不拒绝")
    with pytest.raises(ValueError, match="lang"):
        effects.verdict({"a": 0.1}, lang="fr")
