"""Every branch of the number-dependent sentences of notebook 02 (nanbei.effects.prose)."""

from __future__ import annotations

import math
from types import SimpleNamespace as NS

import numpy as np
import pandas as pd
import pytest

from nanbei.effects import prose
from nanbei.effects.placebo import InTimePlaceboResult
from nanbei.effects.pretrends import PreTrendTest


def test_count_share_and_listing():
    assert prose.count_phrase(5, "city", "cities") == "five cities"
    assert prose.count_phrase(1, "city", "cities") == "one city"
    assert prose.count_phrase(12, "city", "cities") == "12 cities"
    assert prose.share_phrase(3, 3, "fake date") == "all three fake dates"
    assert prose.share_phrase(2, 2, "cell") == "both cells"
    assert prose.share_phrase(2, 4, "cell") == "two of the 4 cells"
    assert prose.share_phrase(0, 3, "cell") == "none of the 3 cells"
    assert prose.listing(["a"]) == "a" and prose.listing(["a", "b", "c"]) == "a, b and c"
    assert prose.listing([]) == ""


def sc(pre=0.1, floor=1e-4, ratio=2.0, short=False, n_pre=10, donors=20, t=2006, gap=0.05):
    return NS(
        pre_rmspe=pre,
        rmspe_floor=floor,
        post_pre_ratio=ratio,
        ratio_capped=pre < floor,
        short_pre_period=short,
        n_pre_periods=n_pre,
        weights=pd.Series(np.ones(donors)),
        treatment_time=t,
        mean_post_gap=gap,
    )


def placebo(p, rank, n):
    return NS(p_value=p, rank=rank, n_obs=n)


def test_ratio_phrase_branches():
    assert prose.ratio_phrase(sc()) == "post/pre RMSPE ratio 2.00"
    capped = prose.ratio_phrase(sc(pre=1e-12, ratio=300.0))
    assert "not meaningful" in capped and "1e+14" not in capped


def test_synth_finding_branches():
    few = prose.synth_finding(sc(), placebo(0.111, 1, 9), "Suqian")
    assert "cannot distinguish" in few and "0.111" in few
    sig = prose.synth_finding(sc(), placebo(0.02, 1, 50), "Suqian")
    assert "the placebo cities do not produce" in sig and "ranks 1 of 50" in sig
    null = prose.synth_finding(sc(), placebo(0.45, 20, 44), "Suqian")
    assert "nothing distinguishable from placebo" in null and "p = 0.450" in null
    caveats = prose.synth_finding(
        sc(pre=1e-9, short=True, n_pre=5, donors=8), placebo(0.45, 20, 44), "Suqian"
    )
    assert "interpolation" in caveats and "RMSPE floor" in caveats


def sdid(est=0.3, se=0.1, k=40, p_placebo=0.05):
    z = 1.959963984540054
    return NS(
        estimate=est,
        se=se,
        ci=(est - z * se, est + z * se),
        p_value=2 * (1 - __import__("scipy").stats.norm.cdf(abs(est / se))) if se else math.nan,
        n_placebos=k,
        p_value_placebo=p_placebo,
    )


def test_sdid_finding_branches():
    assert "no placebo standard error" in prose.sdid_finding(sdid(se=0.0), "Suqian")
    few = prose.sdid_finding(sdid(k=8, p_placebo=1 / 9), "Suqian")
    assert "cannot reject" in few and "not distinguishable from placebo" in few
    rej = prose.sdid_finding(sdid(k=40, p_placebo=1 / 41), "Suqian")
    assert "it rejects a zero effect" in rej and "0 of the 40 placebo" in rej
    keep = prose.sdid_finding(sdid(est=0.05, k=40, p_placebo=0.5), "Suqian")
    assert "does not reject" in keep


def itp(estimates, p, actual_est=0.1, actual_p=0.04, t0=2006):
    idx = pd.Index(range(t0 - len(estimates), t0), name="fake_time")
    table = pd.DataFrame({"estimate": estimates, "p_value": p}, index=idx)
    act = pd.DataFrame({"estimate": [actual_est], "p_value": [actual_p]}, index=[t0])
    return InTimePlaceboResult(
        design="did", treatment_time=t0, table=table, actual=act, inference=("wild",)
    )


def test_in_time_placebo_branches():
    rejecting = prose.in_time_placebo_finding(itp([-0.1, -0.1, -0.1], [0.01, 0.01, 0.01]))
    assert "all three fake dates" in rejecting and "opposite sign" in rejecting
    assert "falling behind" in rejecting
    some = prose.in_time_placebo_finding(itp([0.05, 0.2, 0.01], [0.5, 0.01, 0.8], 0.1))
    assert "one of the 3 fake dates" in some and "opposite sign" not in some
    clean = prose.in_time_placebo_finding(itp([0.01, -0.02, 0.0], [0.6, 0.5, 0.9], 0.2, 0.01))
    assert "None of the 3 fake dates" in clean and "larger in absolute value than every" in clean
    neither = prose.in_time_placebo_finding(itp([0.01, -0.3, 0.0], [0.6, 0.5, 0.9], 0.2, 0.3))
    assert "Neither" in neither and "One placebo estimate is at least as large" in neither
    gaining = prose.in_time_placebo_finding(itp([0.1, 0.1], [0.01, 0.01], -0.2))
    assert "gaining on" in gaining
    no_actual = itp([0.1], [0.5])
    no_actual.actual = pd.DataFrame()
    assert "rank" not in prose.in_time_placebo_finding(no_actual)


def pretest(p, boot=math.nan):
    return PreTrendTest(
        statistic=5.0,
        df=4,
        p_value=p,
        test="F(4, 30)",
        terms=["a"],
        estimates=np.zeros(1),
        p_value_bootstrap=boot,
    )


def test_pretrend_finding_branches():
    cells = pd.DataFrame(
        {"ci_low": [0.1, -0.1, 0.02], "ci_high": [0.3, 0.1, 0.2]}, index=[-4, -3, -2]
    )
    sig_joint = prose.pretrend_finding(cells, pretest(0.2, boot=0.01))
    assert "two of the 3 pre-period cells (e = −4 and e = −2)" in sig_joint
    assert "parallel trends are rejected" in sig_joint and "wild cluster bootstrap" in sig_joint
    sig_not_joint = prose.pretrend_finding(cells, pretest(0.3))
    assert "Jointly, however, they are not significant" in sig_not_joint
    none = pd.DataFrame({"conf_low": [-0.1], "conf_high": [0.1]}, index=[-2])
    clean = prose.pretrend_finding(none, pretest(0.4))
    assert "no pre-period cell" in clean and "does not reject either" in clean
    assert "parallel trends are rejected" in prose.pretrend_finding(none, pretest(0.001))


def honest(original=(0.01, 0.08), bd=0.5, censored=False, label="effect"):
    return NS(original=original, breakdown=bd, breakdown_censored=censored, label=label)


def test_honest_finding_branches():
    assert "already contains zero" in prose.honest_finding(honest(original=(-0.01, 0.08)))
    assert "breakdown Mbar = 0.50" in prose.honest_finding(honest())
    assert "no longer significant" in prose.honest_finding(honest(bd=0.0))
    assert "every Mbar searched" in prose.honest_finding(honest(bd=4.0, censored=True))
    both = prose.honest_finding(honest(), honest(bd=0.02))
    assert "breakdown is M = 0.02" in both
    assert "exactly linear" in prose.honest_finding(honest(), honest(bd=0.0))
    assert "survives every M" in prose.honest_finding(honest(), honest(bd=1.0, censored=True))


def test_did_caveat_branches():
    assert "cannot tell the parks" in prose.did_caveat({"w": 0.04}, False, 2006)
    assert "weaken any causal" in prose.did_caveat({"w": 0.04}, True, 2006)
    assert "No few-cluster-robust test rejects" in prose.did_caveat(
        {"w": 0.2, "r": math.nan}, False, 2006
    )
    assert "blur" in prose.did_caveat({"w": 0.2}, True, 2006)
    # p = 0.050 rejects at 5% (the convention of the intervals), 0.0501 does not
    assert "No few" in prose.did_caveat({"r": 0.0501}, False, 2006)
    assert "cannot tell" in prose.did_caveat({"r": 0.05}, False, 2006)


def test_donor_pool_sentence_branches():
    empty = pd.DataFrame(columns=["city_code", "policies"])
    assert "No comparison city is left out" in prose.donor_pool_sentence(
        "none", empty, {}, 2001, 2018
    )
    assert "no comparison city in the sample" in prose.donor_pool_sentence(
        "similar", empty, {}, 2001, 2018
    )
    ex = pd.DataFrame(
        {"city_code": [341200, 330800], "policies": ["ah_wanbei_pairing", "zj_shanhai"]}
    )
    text = prose.donor_pool_sentence("similar", ex, {341200: "Fuyang"}, 2001, 2018)
    assert "two comparison cities" in text and "Fuyang (ah_wanbei_pairing) and 330800" in text


def test_revision_band_and_employment_sentences():
    empty = pd.DataFrame(columns=["break_id"])
    assert "No province-specific revision" in prose.revision_sentence(
        empty, "truncate", 2019, 2019, 2019
    )
    rev = pd.DataFrame({"break_id": ["census4_anhui"]})
    assert "ends in **2018**" in prose.revision_sentence(rev, "truncate", 2019, 2018, 2018)
    assert "Caution" in prose.revision_sentence(rev, "keep", 2019, 2019, 2018)
    assert "[-0.1000, +0.2000]" in prose.band_phrase({"conf_low": -0.1, "conf_high": 0.2}, 40, 2006)
    unbounded = prose.band_phrase({"conf_low": -np.inf, "conf_high": np.inf}, 8, 2006)
    assert "unbounded (at least 19" in unbounded
    assert "changes definition in 2013" in prose.employment_sentence(29.6, 5, 2006, 2012, 2013)
    assert "definition" not in prose.employment_sentence(29.6, 4, 2006, 2018)
    assert "four Subei cities" in prose.employment_sentence(1.0, 4, 2006, 2018)


@pytest.mark.parametrize("n,word", [(0, "no"), (10, "ten"), (11, "11")])
def test_count_phrase_edges(n, word):
    assert prose.count_phrase(n, "thing").startswith(word)


def test_missing_analysis_sentences():
    assert "two earlier years" in prose.no_placebo_sentence("the DiD", 2)
    assert "two years before" in prose.no_placebo_sentence("the DiD", 2)
    assert "one coefficient" in prose.no_honest_sentence(1)
