"""Every branch of the sentences the convergence notebook prints (nanbei.convergence.prose)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from nanbei.convergence import prose

INF, NAN = math.inf, math.nan


# --------------------------------------------------------------------------- counting words


@pytest.mark.parametrize(("n", "expected"), [(0, "0 clubs"), (1, "1 club"), (2, "2 clubs")])
def test_plural(n, expected):
    assert prose.plural(n, "club") == expected


def test_plural_irregular():
    assert prose.plural(1, "city", "cities") == "1 city"
    assert prose.plural(3, "city", "cities") == "3 cities"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (10, "10th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
    ],
)
def test_ordinal(n, expected):
    assert prose.ordinal(n) == expected


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [
        (3, 5, "3 of 5 Subei cities"),
        (0, 5, "none of the 5 Subei cities"),
        (5, 5, "all 5 Subei cities"),
        (1, 1, "the one Subei city"),
        (0, 1, "not the one Subei city"),
        (0, 0, "no Subei cities"),
    ],
)
def test_count_phrase(k, n, expected):
    assert prose.count_phrase(k, n, "Subei city", "Subei cities") == expected


def test_count_phrase_refuses_impossible_counts():
    with pytest.raises(ValueError, match="0 <= k <= n"):
        prose.count_phrase(6, 5, "city")


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        ([], "no club"),
        ([2], "club 2"),
        ([2, 1, 2], "clubs 1 and 2"),
        ([4, 1, 3], "clubs 1, 3 and 4"),
    ],
)
def test_club_list(numbers, expected):
    assert prose.club_list(numbers) == expected


# --------------------------------------------------------------------------- ranks


def test_rank_among_counts_strictly_better_values():
    slopes = pd.Series({"A": -0.04, "B": -0.02, "J": -0.01, "C": -0.01, "D": 0.01, "E": NAN})
    assert prose.rank_among(slopes, "A") == 1
    assert prose.rank_among(slopes, "J") == 3  # tied with C: both 3rd
    assert prose.rank_among(slopes, "C") == 3
    assert prose.rank_among(slopes, "D") == 5  # the NaN province is not counted
    assert prose.rank_among(slopes, "D", smaller_is_better=False) == 1
    assert prose.rank_among(slopes, "E") is None
    assert prose.rank_among(slopes, "missing") is None


@pytest.mark.parametrize(
    ("rank", "total", "expected"),
    [
        (10, 14, "ranks 10th of 14 provinces"),
        (1, 14, "ranks 1st of 14 provinces"),
        (None, 14, "is not among the 14 provinces ranked"),
        (1, 1, "is the only one of the provinces ranked"),
    ],
)
def test_rank_phrase(rank, total, expected):
    assert prose.rank_phrase(rank, total) == expected


def test_rank_phrase_refuses_a_rank_outside_the_total():
    with pytest.raises(ValueError, match="outside"):
        prose.rank_phrase(15, 14)


# --------------------------------------------------------------------------- tests


def test_rejection_phrase_rejects():
    text = prose.rejection_phrase(0.0066, hypothesis="a zero slope", label="HC1")
    assert text == "rejects a zero slope at the 5% level (HC1 p = 0.007)"


def test_rejection_phrase_does_not_reject_and_rounding_never_crosses_alpha():
    text = prose.rejection_phrase(0.0504, hypothesis="a zero slope")
    assert text.startswith("does not reject a zero slope at the 5% level")
    assert "0.050" not in text.replace("0.0504", "")  # printed so that it stays above 0.05


def test_rejection_phrase_at_alpha_rejects_and_other_levels():
    assert prose.rejection_phrase(0.05, hypothesis="H0").startswith("rejects")
    assert "at the 10% level" in prose.rejection_phrase(0.07, hypothesis="H0", alpha=0.10)
    assert prose.rejection_phrase(0.0001, hypothesis="H0").endswith("(p < 0.001)")


def test_rejection_phrase_without_p_value():
    assert (
        prose.rejection_phrase(NAN, hypothesis="a zero slope")
        == "cannot test a zero slope (no p-value)"
    )


def _log_t(t, converges):
    return SimpleNamespace(t=t, critical=-1.65, converges=converges)


@pytest.mark.parametrize(
    ("t", "converges", "start"),
    [
        (-2.75, False, "rejects overall convergence (t = -2.75 < -1.65)"),
        (0.31, True, "does not reject overall convergence (t = 0.31, not below -1.65)"),
        (INF, True, "finds the units identical"),
        (NAN, False, "is undefined"),
    ],
)
def test_log_t_phrase(t, converges, start):
    assert prose.log_t_phrase(_log_t(t, converges)).startswith(start)


def test_log_t_phrase_on_a_real_result():
    import numpy as np

    from nanbei.convergence import log_t_test

    rng = np.random.default_rng(0)
    years = range(1990, 2020)
    rows = [
        (u, t, 100 * (1 + 0.05 * u) ** ((t - 1989) / 10) * np.exp(rng.normal(0, 0.01)))
        for u in range(10)
        for t in years
    ]
    res = log_t_test(pd.DataFrame(rows, columns=["u", "t", "y"]), unit="u", time="t", value="y")
    text = prose.log_t_phrase(res)
    assert ("does not reject" in text) == bool(res.converges)
    assert f"t = {res.t:.2f}" in text


# --------------------------------------------------------------------------- directions


@pytest.mark.parametrize(
    ("slope", "tol", "expected"),
    [
        (-0.05, 0.0, "converging"),
        (0.02, 0.0, "diverging"),
        (1e-12, 1e-10, "neither converging nor diverging"),
        (NAN, 0.0, "undefined"),
    ],
)
def test_direction_word(slope, tol, expected):
    assert prose.direction_word(slope, tol=tol) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (3.634, 3.111, "falls by 0.52 (3.63 → 3.11)"),
        (2.1, 2.4, "rises by 0.30 (2.10 → 2.40)"),
        (3.634, 3.6349, "is unchanged at 3.63"),  # equal as printed
    ],
)
def test_change_phrase(a, b, expected):
    assert prose.change_phrase(a, b) == expected


@pytest.mark.parametrize(
    ("change", "expected"), [(-0.3, "fall"), (0.2, "rise"), (0.0, "change"), (NAN, "change")]
)
def test_change_noun(change, expected):
    assert prose.change_noun(change) == expected


def test_sigma_trend_phrase_branches():
    down = pd.Series([0.645, 0.7, 0.5201], index=[2001, 2005, 2021])
    assert (
        prose.sigma_trend_phrase(down)
        == "falls from 0.645 (2001) to 0.520 (2021): sigma convergence"
    )
    up = pd.Series([0.3, 0.35], index=[2001, 2021])
    assert prose.sigma_trend_phrase(up).endswith("sigma divergence")
    assert prose.sigma_trend_phrase(up).startswith("rises from 0.300 (2001)")
    flat = pd.Series([0.3001, 0.2999], index=[2001, 2021])
    assert prose.sigma_trend_phrase(flat).startswith("is unchanged at 0.300")
    with pytest.raises(ValueError, match="two periods"):
        prose.sigma_trend_phrase(pd.Series([0.3, NAN], index=[1, 2]))


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([0.9, 0.93], "mostly a south–north matter"),
        ([0.3, 0.45], "less than half a south–north matter"),
        ([0.45, 0.55], "partly a south–north matter (its share is at or crosses one half)"),
        ([0.5, 0.6], "partly a south–north matter (its share is at or crosses one half)"),
    ],
)
def test_dominance_phrase(shares, expected):
    assert prose.dominance_phrase(shares) == expected


def test_dominance_phrase_needs_a_share():
    with pytest.raises(ValueError, match="no finite share"):
        prose.dominance_phrase([NAN])


# --------------------------------------------------------------------------- the headline ratio


def test_basis_attribution_splits_a_fall():
    text = prose.basis_attribution((3.63, 1.96), (3.63, 3.29))
    # official fall 1.67, registered 0.34: basis 80%, the rest 20%
    assert text == (
        "So about **80%** of the official fall is the change of population basis and "
        "20% a fall of the gap per registered inhabitant."
    )


def test_basis_attribution_when_the_official_ratio_does_not_fall():
    assert prose.basis_attribution((3.0, 3.2), (3.0, 3.1)).startswith(
        "The official ratio does not fall"
    )
    assert prose.basis_attribution((3.0, 3.001), (3.0, 2.0)).startswith(
        "The official ratio does not fall"
    )  # equal as printed


@pytest.mark.parametrize(
    ("registered", "how"), [((3.0, 3.0), "does not narrow"), ((3.0, 3.4), "widens by 0.40")]
)
def test_basis_attribution_when_the_registered_ratio_does_not_fall(registered, how):
    text = prose.basis_attribution((3.5, 2.5), registered)
    assert text == (
        "The whole official fall is the change of population basis: per registered "
        f"inhabitant the gap {how}."
    )


def test_basis_attribution_when_the_registered_ratio_falls_more():
    assert "explains none" in prose.basis_attribution((3.5, 3.0), (3.5, 2.5))


@pytest.mark.parametrize(
    ("resident", "registered", "expected"),
    [
        ((2.59, 1.96), (4.02, 3.35), "on either consistent basis the gap narrowed"),
        ((2.0, 2.2), (3.0, 3.3), "on either consistent basis the gap widened"),
        ((2.0, 2.0), (3.0, 3.001), "on either consistent basis the gap did not change"),
        (
            (2.59, 1.96),
            (3.0, 3.3),
            "the two consistent bases disagree: per resident the gap narrowed, "
            "per registered inhabitant it widened",
        ),
    ],
)
def test_consistent_bases_phrase(resident, registered, expected):
    assert prose.consistent_bases_phrase(resident, registered) == expected


# --------------------------------------------------------------------------- speed, half-life


@pytest.mark.parametrize(
    ("speed", "expected"),
    [
        (0.0086, "a speed of 0.86% a year"),
        (-0.005, "a negative speed (-0.50% a year: divergence)"),
        (NAN, "an undefined speed (the fitted slope overshoots)"),
    ],
)
def test_speed_phrase(speed, expected):
    assert prose.speed_phrase(speed) == expected


@pytest.mark.parametrize(
    ("half_life", "ci", "expected"),
    [
        (78.07, (45.2, 300.4), "a half-life of 78 years (95% interval 45–300 years)"),
        (78.07, (45.2, INF), "a half-life of 78 years (95% interval 45 years to never)"),
        (78.07, None, "a half-life of 78 years"),
        (78.07, (NAN, NAN), "a half-life of 78 years"),
        (0.4, None, "a half-life of under one year"),
        (INF, (50.0, INF), "no finite half-life (no convergence)"),
        (NAN, None, "an undefined half-life (the fitted slope overshoots)"),
    ],
)
def test_half_life_phrase(half_life, ci, expected):
    assert prose.half_life_phrase(half_life, ci) == expected


def test_half_life_phrase_matches_a_beta_result():
    from nanbei.convergence import beta

    df = pd.DataFrame(
        {
            "u": [1, 1, 2, 2, 3, 3, 4, 4],
            "t": [0, 10] * 4,
            "y": [1.0, 2.2, 2.0, 3.6, 4.0, 5.9, 3.0, 4.4],
        }
    )
    res = beta(df, unit="u", time="t", value="y", start=0, end=10)
    row = res.tidy().set_index("term").loc["half_life"]
    text = prose.half_life_phrase(res.half_life, (row["conf_low"], row["conf_high"]))
    assert text.startswith(f"a half-life of {res.half_life:.0f} years")


# --------------------------------------------------------------------------- Theil weighting


def _ranges(rows):
    """rows: weighting -> (min, max, dominant), all over 2005-2014."""
    columns = ["weighting", "first", "last", "n_periods", "min", "max", "mean", "dominant"]
    return pd.DataFrame(
        [
            {
                "weighting": w,
                "first": 2005,
                "last": 2014,
                "n_periods": 10,
                "min": lo,
                "max": hi,
                "mean": (lo + hi) / 2,
                "dominant": dom,
            }
            for w, (lo, hi, dom) in rows.items()
        ],
        columns=columns,
    ).set_index("weighting")


def test_theil_explanation_no_weighting_reproduces_the_study():
    ranges = _ranges(
        {
            "population-weighted": (0.88, 0.93, "between"),
            "GDP-weighted": (0.82, 0.92, "between"),
            "unweighted": (0.86, 0.93, "between"),
        }
    )
    text = prose.theil_weighting_explanation(ranges, published="within", study="Liu and Zhang")
    assert text.startswith(
        "No weighting reproduces Liu and Zhang's finding that within-region "
        "inequality dominates. In 2005–2014 the between-region share of "
        "Theil's T is 0.88–0.93 population-weighted, 0.82–0.92 GDP-weighted "
        "and 0.86–0.93 unweighted: the between-region part is more than half "
        "under every weighting."
    )
    # the closest weighting and how far it moves the share: means 0.905 vs 0.87 -> 4 points
    assert (
        "The GDP-weighted index comes closest, but it moves the share by only 4 percentage "
        "points on average from the population-weighted one" in text
    )
    assert "the weighting does not drive the difference" in text


def test_theil_explanation_reference_already_closest():
    ranges = _ranges(
        {"population-weighted": (0.60, 0.70, "between"), "unweighted": (0.80, 0.90, "between")}
    )
    text = prose.theil_weighting_explanation(ranges)
    assert "The population-weighted index reported here is already the closest" in text


def test_theil_explanation_with_a_weighting_whose_dominant_part_changes():
    ranges = _ranges(
        {"population-weighted": (0.70, 0.80, "between"), "GDP-weighted": (0.45, 0.60, "mixed")}
    )
    text = prose.theil_weighting_explanation(ranges)
    assert (
        "between-region inequality dominates in every year only population-weighted; "
        "the dominant part changes within these years GDP-weighted."
    ) in text
    all_mixed = _ranges({"a": (0.45, 0.6, "mixed"), "b": (0.4, 0.55, "mixed")})
    assert (
        "; the dominant part changes within these years a and b."
        in prose.theil_weighting_explanation(all_mixed)
    )


def test_theil_explanation_with_an_undefined_split():
    ranges = _ranges(
        {"population-weighted": (0.70, 0.80, "between"), "unweighted": (NAN, NAN, "undefined")}
    )
    text = prose.theil_weighting_explanation(ranges)
    assert (
        "between-region inequality dominates in every year only population-weighted; the "
        "split is undefined in some year unweighted"
    ) in text
    assert "already the closest" in text  # the NaN weighting is not a candidate
    only_nan = _ranges({"a": (NAN, NAN, "undefined")})
    assert prose.theil_weighting_explanation(only_nan).endswith("or exactly half).")


def test_theil_explanation_some_weightings_reproduce_it():
    ranges = _ranges(
        {
            "population-weighted": (0.88, 0.93, "between"),
            "GDP-weighted": (0.30, 0.45, "within"),
            "unweighted": (0.86, 0.93, "between"),
        }
    )
    text = prose.theil_weighting_explanation(ranges, study="the study")
    assert text.startswith("The weighting drives the difference.")
    assert (
        "within-region inequality dominates GDP-weighted, as the study finds, but not "
        "population-weighted and unweighted."
    ) in text


def test_theil_explanation_every_weighting_reproduces_it():
    ranges = _ranges(
        {"population-weighted": (0.30, 0.40, "within"), "unweighted": (0.35, 0.45, "within")}
    )
    text = prose.theil_weighting_explanation(ranges, study="the study")
    assert text.startswith(
        "Every weighting agrees with the study that within-region inequality "
        "dominates: in 2005–2014 the between-region share"
    )
    assert text.endswith("The weighting does not matter for this finding.")


def test_theil_explanation_published_between():
    ranges = _ranges({"population-weighted": (0.88, 0.93, "between")})
    assert prose.theil_weighting_explanation(ranges, published="between").startswith("Every")


def test_theil_explanation_years_not_in_the_data_and_bad_input():
    empty = _ranges({})
    assert (
        prose.theil_weighting_explanation(empty, study="the study", window=(2005, 2014))
        == "The years of the study (2005–2014) are not in this sample, so it cannot be compared."
    )
    ranges = _ranges({"population-weighted": (0.88, 0.93, "between")})
    with pytest.raises(ValueError, match="within' or 'between"):
        prose.theil_weighting_explanation(ranges, published="both")
    with pytest.raises(ValueError, match="reference"):
        prose.theil_weighting_explanation(ranges, reference="GDP-weighted")


def test_theil_explanation_from_a_real_decomposition():
    """End to end on data built so that GDP weights (and only they) make the within part
    dominate: the rich group's poor member carries most of the GDP weight, so under GDP
    weights the two groups' means are close while the rich group stays unequal inside."""
    from nanbei.convergence import theil_decomposition

    rows = []
    for t in (2005, 2006):
        rows += [
            ("r1", t, 10.0, 100.0, 1.0, "rich"),
            ("r2", t, 1.1, 1.0, 100.0, "rich"),
            ("p1", t, 1.0, 50.0, 1.0, "poor"),
            ("p2", t, 1.2, 50.0, 1.0, "poor"),
        ]
    df = pd.DataFrame(rows, columns=["u", "t", "y", "pop", "gdp", "g"])
    res = theil_decomposition(
        df,
        unit="u",
        time="t",
        value="y",
        group="g",
        weights={"population-weighted": "pop", "GDP-weighted": "gdp"},
    )
    ranges = res.share_range(2005, 2014)
    assert list(ranges["dominant"]) == ["between", "within"]
    text = prose.theil_weighting_explanation(ranges)
    assert text.startswith("The weighting drives the difference.")


@pytest.mark.parametrize("name", ["nanbei.convergence.sigma", "nanbei.convergence.beta"])
def test_docstring_examples_run(name):
    import doctest
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(name), verbose=False)
    assert tried > 0 and failures == 0


# --------------------------------------------------------------------------- in Chinese


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [
        (3, 5, "5个苏北城市中的3个"),
        (0, 5, "5个苏北城市中没有一个"),
        (5, 5, "全部5个苏北城市"),
        (1, 1, "唯一的苏北城市"),
        (0, 1, "唯一的苏北城市不在其中"),
        (0, 0, "没有苏北城市"),
    ],
)
def test_count_phrase_in_chinese(k, n, expected):
    assert prose.count_phrase(k, n, "苏北城市", lang="zh") == expected


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        ([], "不属于任何俱乐部"),
        ([2, 2], "俱乐部2"),
        ([2, 1], "俱乐部1和2"),
        ([4, 1, 3], "俱乐部1、3和4"),
    ],
)
def test_club_list_in_chinese(numbers, expected):
    assert prose.club_list(numbers, lang="zh") == expected


def test_rank_phrase_in_chinese():
    assert prose.rank_phrase(3, 14, "省份", lang="zh") == "在14个省份中排第3位"
    assert prose.rank_phrase(None, 14, "省份", lang="zh") == "不在参与排名的14个省份之中"
    assert prose.rank_phrase(1, 1, "省份", lang="zh") == "是参与排名的唯一省份"
    with pytest.raises(ValueError, match="outside"):
        prose.rank_phrase(15, 14, "省份", lang="zh")


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.007, "在5%水平上拒绝斜率为零（HC1 p = 0.007）"),
        (0.05, "在5%水平上拒绝斜率为零（HC1 p = 0.050）"),
        (0.2, "在5%水平上不能拒绝斜率为零（HC1 p = 0.200）"),
        (NAN, "无法检验斜率为零（没有p值）"),
    ],
)
def test_rejection_phrase_in_chinese(p, expected):
    assert prose.rejection_phrase(p, hypothesis="斜率为零", label="HC1", lang="zh") == expected


@pytest.mark.parametrize(
    ("t", "converges", "expected"),
    [
        (INF, True, "发现各单位在最后一期完全相同（已经收敛；t无定义）"),
        (NAN, False, "对这些数据无定义（t不是数值）"),
        (-0.5, True, "不能拒绝整体收敛（t = -0.50，不低于-1.65）"),
        (-3.0, False, "拒绝整体收敛（t = -3.00 < -1.65）"),
    ],
)
def test_log_t_phrase_in_chinese(t, converges, expected):
    log_t = SimpleNamespace(t=t, critical=-1.65, converges=converges)
    assert prose.log_t_phrase(log_t, lang="zh") == expected


@pytest.mark.parametrize(
    ("slope", "expected"),
    [(-0.01, "收敛"), (0.01, "发散"), (0.0, "既不收敛也不发散"), (NAN, "无定义")],
)
def test_direction_word_in_chinese(slope, expected):
    assert prose.direction_word(slope, tol=0.0, lang="zh") == expected


def test_changes_in_chinese():
    assert prose.change_phrase(3.63, 3.11, lang="zh") == "下降0.52（3.63 → 3.11）"
    assert prose.change_phrase(2.1, 2.4, lang="zh") == "上升0.30（2.10 → 2.40）"
    assert prose.change_phrase(3.631, 3.629, lang="zh") == "保持在3.63不变"
    assert [prose.change_noun(x, lang="zh") for x in (-1, 1, 0, NAN)] == [
        "下降",
        "上升",
        "变化",
        "变化",
    ]


def test_sigma_trend_phrase_in_chinese():
    falls = pd.Series([0.645, 0.52], index=[2001, 2021])
    assert (
        prose.sigma_trend_phrase(falls, lang="zh") == "从0.645（2001年）降至0.520（2021年）：σ收敛"
    )
    assert prose.sigma_trend_phrase(falls[::-1].set_axis([2001, 2021]), lang="zh") == (
        "从0.520（2001年）升至0.645（2021年）：σ发散"
    )
    flat = pd.Series([0.5, 0.5001], index=[2001, 2021])
    assert prose.sigma_trend_phrase(flat, lang="zh") == (
        "从2001年到2021年保持在0.500不变：既无σ收敛也无σ发散"
    )


def test_dominance_phrase_in_chinese():
    assert prose.dominance_phrase([0.6, 0.7], lang="zh") == "主要是南北之间的问题"
    assert prose.dominance_phrase([0.3, 0.4], lang="zh") == "不到一半是南北之间的问题"
    assert prose.dominance_phrase([0.3, 0.6], lang="zh").startswith("部分是南北之间的问题")
    # the English default is unchanged
    assert prose.dominance_phrase([0.6, 0.7]) == "mostly a south–north matter"


@pytest.mark.parametrize(
    ("official", "registered", "expected"),
    [
        ((2.0, 2.1), (2.0, 1.9), "这些年官方口径比值没有下降"),
        ((3.0, 2.0), (3.0, 3.0), "按户籍人口计算，差距没有缩小。"),
        ((3.0, 2.0), (3.0, 3.2), "差距扩大了0.20。"),
        ((3.0, 2.0), (3.0, 2.75), "约**75%**来自人口口径的变化，25%是"),
        ((3.0, 2.0), (3.0, 1.8), "不能解释官方口径的任何下降"),
    ],
)
def test_basis_attribution_in_chinese(official, registered, expected):
    assert expected in prose.basis_attribution(official, registered, lang="zh")


def test_consistent_bases_phrase_in_chinese():
    assert (
        prose.consistent_bases_phrase((3, 2), (3, 2.5), lang="zh") == "按两种一致口径，差距都缩小"
    )
    assert prose.consistent_bases_phrase((2, 3), (2, 3), lang="zh") == "按两种一致口径，差距都扩大"
    assert prose.consistent_bases_phrase((3, 2), (3, 3.5), lang="zh") == (
        "两种一致口径结论不同：按常住人口差距缩小，按户籍人口差距扩大"
    )


def test_speed_and_half_life_in_chinese():
    assert prose.speed_phrase(0.0086, lang="zh") == "每年0.86%的收敛速度"
    assert prose.speed_phrase(-0.01, lang="zh") == "负的收敛速度（每年-1.00%：发散）"
    assert prose.speed_phrase(NAN, lang="zh") == "无定义的收敛速度（拟合斜率过大）"
    assert prose.half_life_phrase(78.2, (45, 300), lang="zh") == "78年的半衰期（95%区间：45—300年）"
    assert (
        prose.half_life_phrase(78.2, (45, INF), lang="zh") == "78年的半衰期（95%区间：45年至永不）"
    )
    assert prose.half_life_phrase(0.5, lang="zh") == "不到一年的半衰期"
    assert prose.half_life_phrase(INF, lang="zh") == "没有有限的半衰期（不收敛）"
    assert prose.half_life_phrase(NAN, lang="zh") == "无定义的半衰期（拟合斜率过大）"


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang"):
        prose.change_phrase(1, 2, lang="fr")


def test_plural_in_chinese():
    assert prose.plural(2, "俱乐部", lang="zh") == "2个俱乐部"
    assert prose.plural(1, "俱乐部", lang="zh") == "1个俱乐部"


def test_dropped_phrase_in_both_languages():
    from nanbei.data import Dropped

    d = Dropped(window=(2001, 2021))
    assert prose.dropped_phrase(d, lang="zh") == "没有城市未计入"
    assert prose.dropped_phrase(d) == str(d)
    d.add("series breaks", [1, 2])
    d.add("gaps", [3])
    assert (
        prose.dropped_phrase(d)
        == str(d)
        == ("3 cities left out in 2001–2021: 2 for series breaks, 1 for gaps")
    )
    assert (
        prose.dropped_phrase(d, lang="zh")
        == "2001—2021年有3个城市未计入：2个因序列断点，1个因数据缺口"
    )
    d.add("a reason nobody translated", [4])
    with pytest.raises(ValueError, match="no Chinese"):
        prose.dropped_phrase(d, lang="zh")


def _zh_theil(rows, **kw):
    return prose.theil_weighting_explanation(
        _ranges(rows), study="刘柄麟、张超", group_noun="区域", lang="zh", **kw
    )


def test_theil_explanation_in_chinese_every_case():
    none = _zh_theil(
        {"人口加权": (0.88, 0.93, "between"), "GDP加权": (0.82, 0.92, "between")},
        published="within",
    )
    assert none.startswith(
        "没有一种加权方式能重现刘柄麟、张超关于区域内差距占主导的结论。2005—2014年，泰尔指数T中"
        "区域间差距的比重为人口加权0.88–0.93和GDP加权0.82–0.92：在每种加权方式下区域间部分都超过一半。"
    )
    # the same closest weighting and distance as in English (means 0.905 vs 0.87 -> 4 points)
    assert "GDP加权指数最接近" in none and "变动4个百分点" in none
    closest = _zh_theil({"人口加权": (0.60, 0.70, "between"), "不加权": (0.80, 0.90, "between")})
    assert "本文报告的人口加权指数已最接近刘柄麟、张超" in closest
    every = _zh_theil({"人口加权": (0.2, 0.3, "within"), "不加权": (0.3, 0.4, "within")})
    assert every.startswith("所有加权方式都与刘柄麟、张超一致，即区域内差距占主导")
    some = _zh_theil({"人口加权": (0.2, 0.3, "within"), "不加权": (0.6, 0.7, "between")})
    assert some.startswith("加权方式决定了差异。") and "但在不加权下并非如此" in some
    mixed = _zh_theil({"人口加权": (0.70, 0.80, "between"), "GDP加权": (0.45, 0.60, "mixed")})
    assert "仅在人口加权下区域间差距每年都占主导；在GDP加权下主导部分在这些年间发生变化" in mixed
    undefined = _zh_theil({"人口加权": (0.7, 0.8, "between"), "不加权": (NAN, NAN, "undefined")})
    assert "在不加权下某些年份的分解无定义" in undefined
    empty = prose.theil_weighting_explanation(
        _ranges({}).iloc[0:0], study="刘柄麟、张超", window=(2005, 2014), lang="zh"
    )
    assert empty == "刘柄麟、张超的研究年份（2005—2014年）不在本样本中，无法比较。"
    for text in (none, closest, every, some, mixed, undefined):
        assert "weight" not in text and "region" not in text
