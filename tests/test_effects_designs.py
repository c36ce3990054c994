"""The design battery (nanbei.effects.designs) on simulated panels with a known effect and a known
null, and the segment rule that keeps its windows off definitional breaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nanbei.effects import designs, randomization_inference, wild_cluster_bootstrap

N_TREATED = 5
T0 = 2006


def simulate(effect: float, *, n_control: int = 20, seed: int = 1, noise: float = 0.03):
    """Interactive fixed effects (unit level + loading x common factor) and noise; the first
    ``N_TREATED`` units gain ``effect`` from ``T0``."""
    rng = np.random.default_rng(seed)
    n = N_TREATED + n_control
    years = np.arange(1999, 2013)
    level = rng.normal(0, 0.3, n)
    loading = rng.normal(1, 0.2, n)
    factor = np.cumsum(rng.normal(0.05, 0.02, len(years)))
    u, t = np.meshgrid(np.arange(n), years, indexing="ij")
    y = level[u] + loading[u] * factor[t - years[0]] + rng.normal(0, noise, u.shape)
    y = y + effect * ((u < N_TREATED) & (t >= T0))
    return pd.DataFrame({"u": u.ravel(), "t": t.ravel(), "y": y.ravel()})


def battery(df, **kwargs):
    args = dict(
        unit="u",
        time="t",
        outcome="y",
        treated=range(N_TREATED),
        treatment_time=T0,
        synth_unit=2,
        n_boot=199,
        seed=1,
        synth_kwargs={"n_starts": 1},
    )
    args.update(kwargs)
    return designs.run_designs(df, **args)


@pytest.fixture(scope="module")
def with_effect():
    return battery(simulate(0.3), pools={"last ten": range(15, 25)})


@pytest.fixture(scope="module")
def null():
    return battery(simulate(0.0), pools={"last ten": range(15, 25)})


def test_known_effect_is_found_by_every_design(with_effect):
    b = with_effect
    assert b.did_wild.estimate == pytest.approx(0.3, abs=0.05)
    assert b.did_wild.p_value <= 0.05 and b.did_ri.p_value <= 0.05
    assert b.did_wild.ci[0] < 0.3 < b.did_wild.ci[1]
    post = b.event_study.coefficients.loc[0:, "estimate"]
    assert post.mean() == pytest.approx(0.3, abs=0.05)
    assert b.synth.mean_post_gap == pytest.approx(0.3, abs=0.1)
    assert b.synth_placebo.rank == 1
    assert b.sdid.estimate == pytest.approx(0.3, abs=0.1)
    text = designs.design_findings(b, treated_name="unit 2", group_name="the treated")
    assert "both tests reject a zero effect" in text["did"]
    assert "finds a gap the placebo cities do not produce" in text["synth"]


def test_known_null_is_not_rejected(null):
    b = null
    assert abs(b.did_wild.estimate) < 0.05
    assert b.did_wild.p_value > 0.05 and b.did_ri.p_value > 0.05
    assert b.did_wild.ci[0] < 0 < b.did_wild.ci[1]
    assert b.synth_placebo.p_value > 0.05
    assert not b.pretest.rejects
    assert b.in_time["simple DiD"].n_rejections == 0
    text = designs.design_findings(b, treated_name="unit 2", group_name="the treated")
    assert "neither test rejects" in text["did"]
    assert "already contains zero" in text["honest"]
    assert "in none" in text["pools"]


def test_did_agrees_with_a_direct_call(null):
    """The battery's DiD is the same regression and test as a direct call (second route)."""
    df = simulate(0.0)
    did = df.assign(treat_post=((df["u"] < N_TREATED) & (df["t"] >= T0)) * 1.0)
    wb = wild_cluster_bootstrap(
        did,
        y="y",
        x="treat_post",
        fe=["u", "t"],
        param="treat_post",
        cluster="u",
        n_boot=199,
        weights="webb",
        seed=1,
    )
    ri = randomization_inference(
        did,
        unit="u",
        time="t",
        treatment="treat_post",
        outcome="y",
        statistic="t",
        n_perm=199,
        seed=1,
    )
    assert null.did_wild.estimate == pytest.approx(wb.estimate)
    assert null.did_wild.p_value == pytest.approx(wb.p_value)
    assert null.did_ri.p_value == pytest.approx(ri.p_value)
    # and the DiD coefficient is the closed-form double difference of means on a balanced panel
    m = did.groupby([did["u"] < N_TREATED, did["t"] >= T0])["y"].mean()
    assert wb.estimate == pytest.approx(
        (m[True, True] - m[True, False]) - (m[False, True] - m[False, False])
    )


def test_pre_trend_is_caught():
    """Treated units drifting apart before T0: pre-trend test and in-time placebos must flag it."""
    df = simulate(0.0)
    df["y"] += 0.04 * (df["u"] < N_TREATED) * (df["t"] - 1999)
    b = battery(df, synth_unit=None)
    assert b.synth is None and "synth" in designs.design_findings(b, treated_name="", group_name="")
    assert b.pretrends_doubtful
    assert b.in_time["simple DiD"].n_rejections > 0
    assert (
        "parallel trends are rejected"
        in designs.design_findings(b, treated_name="", group_name="")["pretrend"]
    )


def test_pools_rerun_on_each_donor_pool(with_effect):
    (pool,) = with_effect.pools
    assert pool.pool == "last ten" and pool.n_donors == 10
    assert set(pool.tidy()["term"]) == {
        "DiD (wild bootstrap)",
        "synthetic control (placebo band)",
        "synthetic DiD (placebo rank p)",
    }
    assert pool.tidy().iloc[0]["estimate"] == pytest.approx(0.3, abs=0.05)


def test_tidy_and_summary(with_effect):
    tidy = with_effect.tidy()
    assert tidy["term"].iloc[0] == "DiD (wild cluster bootstrap)"
    assert "by donor pool" in str(with_effect.summary())


def test_segment_window():
    assert designs.segment_window(1998, 2020, [1999, 2013], 2006) == (1999, 2012)
    assert designs.segment_window(1998, 2020, [], 2006) == (1998, 2020)
    assert designs.segment_window(1998, 2020, [1990, 2025], 2006) == (1998, 2020)
    with pytest.raises(ValueError, match="2005-2012"):
        designs.segment_window(1998, 2020, [2005, 2013], 2006)
    with pytest.raises(ValueError, match="outside"):
        designs.segment_window(2007, 2020, [], 2006)


def test_bad_input_is_refused():
    df = simulate(0.0)
    with pytest.raises(ValueError, match="not balanced"):
        battery(df.iloc[1:])
    gap = df.copy()
    gap.loc[3, "y"] = np.nan
    with pytest.raises(ValueError, match="u=0, t=2002"):
        battery(gap)
    with pytest.raises(ValueError, match="synth_unit 7"):
        battery(df, synth_unit=7)
    with pytest.raises(ValueError, match="no treated unit"):
        battery(df, treated=[99], synth_unit=None)
    with pytest.raises(ValueError, match="two earlier periods"):
        battery(df, treatment_time=2000)
    with pytest.raises(ValueError, match="inference"):
        battery(df, inference=("cr1",))


@pytest.mark.parametrize(
    ("rejecting", "expected"),
    [([], "in none"), (["a", "b"], "in every one"), (["a"], "only with a")],
)
def test_pool_sentence_branches(rejecting, expected):
    text = designs.pool_sentence(n_pools=2, low=-0.1, high=0.2, rejecting=rejecting)
    assert expected in text and "from -0.100 to +0.200" in text
    zh = designs.pool_sentence(n_pools=2, low=-0.1, high=0.2, rejecting=rejecting, lang="zh")
    assert "对照组" in zh and "-0.100 与 +0.200" in zh
    assert {
        "in none": "任何对照组中都不",
        "in every one": "每个对照组中都",
        "only with a": "只在a中",
    }[expected] in zh


#: Latin-script tokens a Chinese finding may contain: symbols, statistics and names.
ALLOWED_LATIN = {
    *("p", "e", "M", "Mbar", "RMSPE", "F", "TWFE", "Wald", "CI"),
    *("Rambachan", "Roth", "Callaway", "Sant", "Anna"),
}


@pytest.mark.parametrize("which", ["with_effect", "null"])
def test_design_findings_in_chinese(which, request):
    """Every finding of the battery in Chinese, with no English word left over, and the same
    verdict as in English."""
    import re

    from nanbei.labels import has_cjk

    b = request.getfixturevalue(which)
    zh = designs.design_findings(b, treated_name="单位2", group_name="处理组", lang="zh")
    en = designs.design_findings(b, treated_name="unit 2", group_name="the treated")
    assert set(zh) == set(en)
    for key, text in zh.items():
        assert bool(text) == bool(en[key]), key
        if text:
            assert has_cjk(text), (key, text)
            words = set(re.findall(r"[A-Za-z]+", text.replace("单位2", ""))) - ALLOWED_LATIN
            assert not words, (key, words, text)
    if which == "with_effect":
        assert "两个检验都拒绝零效应" in zh["did"] and "both tests reject" in en["did"]
        assert "安慰剂城市不会产生的差距" in zh["synth"] and "单位2" in zh["synth"]
    else:
        assert "两个检验都不拒绝零效应" in zh["did"] and "改变了处理组的路径" in zh["did"]
        assert "changed the treated's path" in en["did"]
        assert "任何对照组中都不" in zh["pools"]


def test_design_findings_name_the_treated_group():
    """The pre-trend finding and the DiD caveat speak of ``group_name`` (Subei when empty)."""
    df = simulate(0.0)
    df["y"] += 0.04 * (df["u"] < N_TREATED) * (df["t"] - 1999)
    b = battery(df, synth_unit=None)
    named = designs.design_findings(b, treated_name="", group_name="Group A")
    assert "Group A was already moving apart" in named["pretrend"]
    assert (
        "Subei was already moving apart"
        in designs.design_findings(b, treated_name="", group_name="")["pretrend"]
    )
    assert (
        "苏北在政策之前"
        in designs.design_findings(b, treated_name="", group_name="苏北", lang="zh")["pretrend"]
    )


def test_capitalized_keeps_the_rest():
    assert designs.capitalized("five Subei cities") == "Five Subei cities"
    assert designs.capitalized("") == ""
