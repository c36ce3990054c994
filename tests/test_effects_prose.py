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


# --------------------------------------------------------------------------------------
# Chinese (lang="zh"): the same branches, in Chinese, with no English word left over
# --------------------------------------------------------------------------------------

#: Latin-script tokens a Chinese sentence may contain: symbols, statistics and names.
ALLOWED_LATIN = {
    *("p", "e", "M", "Mbar", "RMSPE", "F", "TWFE", "Wald"),
    *("Rambachan", "Roth", "Callaway", "Sant", "Anna"),
}


def zh_ok(text: str) -> str:
    """``text`` if it is Chinese with no English word in it (else the assertion fails)."""
    import re

    from nanbei.labels import has_cjk

    assert has_cjk(text), text
    prose_only = re.sub(r"`[^`]*`", "", text)  # code (a parameter value) is not prose
    words = set(re.findall(r"[A-Za-z]+", prose_only)) - ALLOWED_LATIN
    assert not words, (words, text)
    return text


def test_counting_words_in_chinese():
    assert prose.count_phrase(5, "城市", lang="zh") == "5个城市"
    assert prose.share_phrase(3, 3, "虚假日期", lang="zh") == "全部3个虚假日期"
    assert prose.share_phrase(2, 4, "系数", lang="zh") == "4个系数中的2个"
    assert prose.share_phrase(0, 3, "系数", lang="zh") == "3个系数中没有一个"
    assert prose.share_phrase(1, 1, "系数", lang="zh") == "1个系数中的1个"
    assert prose.listing(["甲", "乙", "丙"], lang="zh") == "甲、乙和丙"
    assert prose.listing(["甲"], lang="zh") == "甲" and prose.listing([], lang="zh") == ""
    assert prose.sentences(["一。", "", "二。"], lang="zh") == "一。二。"
    assert prose.sentences(["One.", "", "Two."]) == "One. Two."
    with pytest.raises(ValueError, match="lang"):
        prose.count_phrase(1, "city", lang="fr")


def test_ratio_and_synth_finding_in_chinese():
    assert zh_ok(prose.ratio_phrase(sc(), lang="zh")) == "处理后/处理前RMSPE之比为2.00"
    capped = zh_ok(prose.ratio_phrase(sc(pre=1e-12, ratio=300.0), lang="zh"))
    assert "没有意义" in capped and "1e+14" not in capped
    few = zh_ok(prose.synth_finding(sc(), placebo(0.111, 1, 9), "宿迁", lang="zh"))
    assert "无法把任何效应与安慰剂区分开" in few and "0.111" in few
    sig = zh_ok(prose.synth_finding(sc(), placebo(0.02, 1, 50), "宿迁", lang="zh"))
    assert "安慰剂城市不会产生的差距" in sig and "在50个单位中排第1位" in sig
    null = zh_ok(prose.synth_finding(sc(), placebo(0.45, 20, 44), "宿迁", lang="zh"))
    assert "没有发现可与安慰剂区分" in null and "p = 0.450" in null
    caveats = zh_ok(
        prose.synth_finding(
            sc(pre=1e-9, short=True, n_pre=5, donors=8), placebo(0.45, 20, 44), "宿迁", lang="zh"
        )
    )
    assert "插值" in caveats and "RMSPE下限" in caveats and " " not in caveats.split("。")[-2]


def test_sdid_finding_in_chinese():
    assert "没有可用的安慰剂标准误" in zh_ok(prose.sdid_finding(sdid(se=0.0), "宿迁", lang="zh"))
    few = zh_ok(prose.sdid_finding(sdid(k=8, p_placebo=1 / 9), "宿迁", lang="zh"))
    assert "无法在5%水平上拒绝" in few and "与安慰剂无法区分" in few
    rej = zh_ok(prose.sdid_finding(sdid(k=40, p_placebo=1 / 41), "宿迁", lang="zh"))
    assert "在5%水平上拒绝零效应" in rej and "40个安慰剂估计值" in rej and "中有0个" in rej
    keep = zh_ok(prose.sdid_finding(sdid(est=0.05, k=40, p_placebo=0.5), "宿迁", lang="zh"))
    assert "不拒绝零效应" in keep


def test_in_time_placebo_in_chinese():
    rejecting = zh_ok(
        prose.in_time_placebo_finding(
            itp([-0.1, -0.1, -0.1], [0.01, 0.01, 0.01]), "双重差分", lang="zh"
        )
    )
    assert "在全部3个虚假日期（2003、2004和2005年）" in rejecting and "符号相反" in rejecting
    assert "不断落后" in rejecting
    some = zh_ok(
        prose.in_time_placebo_finding(itp([0.05, 0.2, 0.01], [0.5, 0.01, 0.8], 0.1), lang="zh")
    )
    assert "3个虚假日期中的1个" in some and "符号相反" not in some
    clean = zh_ok(
        prose.in_time_placebo_finding(
            itp([0.01, -0.02, 0.0], [0.6, 0.5, 0.9], 0.2, 0.01), lang="zh"
        )
    )
    assert "3个虚假日期（2003—2005年）都不拒绝" in clean and "大于每一个安慰剂估计值" in clean
    neither = zh_ok(
        prose.in_time_placebo_finding(itp([0.01, -0.3, 0.0], [0.6, 0.5, 0.9], 0.2, 0.3), lang="zh")
    )
    assert "和真实日期（p = 0.300）都不拒绝" in neither and "有1个安慰剂估计值" in neither
    gaining = zh_ok(prose.in_time_placebo_finding(itp([0.1, 0.1], [0.01, 0.01], -0.2), lang="zh"))
    assert "追近" in gaining
    no_actual = itp([0.1], [0.5])
    no_actual.actual = pd.DataFrame()
    alone = zh_ok(prose.in_time_placebo_finding(no_actual, "合成控制", lang="zh"))
    assert "秩" not in alone and "（2005年；" in alone and "和真实日期都不拒绝" in alone


def test_pretrend_finding_in_chinese_and_the_group_name():
    cells = pd.DataFrame(
        {"ci_low": [0.1, -0.1, 0.02], "ci_high": [0.3, 0.1, 0.2]}, index=[-4, -3, -2]
    )
    sig_joint = zh_ok(prose.pretrend_finding(cells, pretest(0.2, boot=0.01), lang="zh"))
    assert sig_joint.startswith(
        "在Callaway–Sant'Anna事件研究中，3个政策前系数中的2个（e = −4和e = −2）"
    )
    assert "苏北在政策之前" in sig_joint and "平行趋势被拒绝" in sig_joint
    assert "野聚类自助法" in sig_joint
    sig_not_joint = zh_ok(prose.pretrend_finding(cells, pretest(0.3), lang="zh"))
    assert "但联合来看它们并不显著" in sig_not_joint and "联合检验（F(4, 30)）" in sig_not_joint
    none = pd.DataFrame({"conf_low": [-0.1], "conf_high": [0.1]}, index=[-2])
    clean = zh_ok(prose.pretrend_finding(none, pretest(0.4), source="TWFE事件研究", lang="zh"))
    assert clean.startswith("在TWFE事件研究中，没有一个政策前系数") and "联合检验也不拒绝" in clean
    assert "平行趋势被拒绝" in prose.pretrend_finding(none, pretest(0.001), lang="zh")
    chi2 = pretest(0.001)
    chi2.test = "Wald (chi-squared)"
    assert "联合检验（Wald卡方检验）" in zh_ok(prose.pretrend_finding(none, chi2, lang="zh"))
    # the treated group is named by the caller; left out, it is Subei in either language
    assert "the treated group was already moving" in prose.pretrend_finding(
        cells, pretest(0.3), group="the treated group"
    )
    assert "Subei was already moving" in prose.pretrend_finding(cells, pretest(0.3))
    assert "苏中在政策之前" in prose.pretrend_finding(cells, pretest(0.3), group="苏中", lang="zh")


def test_honest_finding_in_chinese():
    def hz(**kw):
        return honest(label="average post-period effect", **kw)

    assert "已经包含零" in zh_ok(prose.honest_finding(hz(original=(-0.01, 0.08)), lang="zh"))
    assert "临界值Mbar = 0.50" in zh_ok(prose.honest_finding(hz(), lang="zh"))
    assert "就不再显著" in zh_ok(prose.honest_finding(hz(bd=0.0), lang="zh"))
    assert "所有Mbar（最高4.00）" in zh_ok(
        prose.honest_finding(hz(bd=4.0, censored=True), lang="zh")
    )
    both = zh_ok(prose.honest_finding(hz(), hz(bd=0.02), lang="zh"))
    assert "临界值为M = 0.02" in both and "；" in both
    assert "严格线性外推" in zh_ok(prose.honest_finding(hz(), hz(bd=0.0), lang="zh"))
    assert "所有M（最高1）" in zh_ok(
        prose.honest_finding(hz(), hz(bd=1.0, censored=True), lang="zh")
    )
    # nanbei's own labels are translated; a label the caller chose is shown as given
    avg = prose.honest_finding(hz(), lang="zh")
    assert avg.startswith("在相对幅度约束下") and "政策后平均效应才保持显著" in zh_ok(avg)
    assert "自定参数" in prose.honest_finding(honest(label="自定参数"), lang="zh")


def test_did_caveat_in_chinese_switches_at_alpha():
    assert "无法把园区" in zh_ok(prose.did_caveat({"w": 0.04}, False, 2006, lang="zh"))
    assert "削弱了任何因果解读" in zh_ok(prose.did_caveat({"w": 0.04}, True, 2006, lang="zh"))
    none = zh_ok(prose.did_caveat({"w": 0.2, "r": math.nan}, False, 2006, lang="zh"))
    assert none.startswith("没有一个") and "改变了苏北的路径" in none
    assert "模糊任何效应" in zh_ok(prose.did_caveat({"w": 0.2}, True, 2006, lang="zh"))
    # the same switch at alpha in both languages: p = 0.050 rejects, 0.0501 does not
    assert prose.did_caveat({"r": 0.0501}, False, 2006, lang="zh").startswith("没有一个")
    assert prose.did_caveat({"r": 0.05}, False, 2006, lang="zh").startswith("即使检验拒绝")
    assert prose.did_caveat({"r": 0.0501}, False, 2006).startswith("No few")
    assert prose.did_caveat({"r": 0.05}, False, 2006).startswith("Where a test rejects")
    assert "set the treated group apart" in prose.did_caveat(
        {"r": 0.01}, False, 2006, group="the treated group"
    )
    assert "改变了苏中的路径" in prose.did_caveat({"r": 0.3}, False, 2006, group="苏中", lang="zh")


def test_donor_pool_revision_band_and_employment_in_chinese():
    empty = pd.DataFrame(columns=["city_code", "policies"])
    assert "没有因竞争性政策" in prose.donor_pool_sentence("none", empty, {}, 2001, 2018, lang="zh")
    assert "2018年之前" in prose.donor_pool_sentence("similar", empty, {}, 2001, 2018, lang="zh")
    ex = pd.DataFrame({"city_code": [341200, 330800], "policies": ["皖北结对", "山海协作"]})
    text = zh_ok(
        prose.donor_pool_sentence(
            "similar", ex, {341200: "阜阳", 330800: "衢州"}, 2001, 2018, lang="zh"
        )
    )
    assert "剔除了2个" in text and "阜阳（皖北结对）和衢州（山海协作）" in text
    empty_rev = pd.DataFrame(columns=["break_id"])
    assert "没有" in zh_ok(
        prose.revision_sentence(empty_rev, "truncate", 2019, 2019, 2019, lang="zh")
    )
    rev = pd.DataFrame({"break_id": ["甲", "乙"]})
    cut = prose.revision_sentence(rev, "truncate", 2019, 2018, 2018, lang="zh")
    assert "截至**2018年**" in cut and "（甲、乙）" in cut
    assert "**注意：**" in prose.revision_sentence(rev, "keep", 2019, 2019, 2018, lang="zh")
    band = zh_ok(prose.band_phrase({"conf_low": -0.1, "conf_high": 0.2}, 40, 2006, lang="zh"))
    assert band == "2006年后平均差距的95%安慰剂区间为[-0.1000, +0.2000]"
    unbounded = prose.band_phrase({"conf_low": -np.inf, "conf_high": np.inf}, 8, 2006, lang="zh")
    assert "无界（至少需要19个）" in zh_ok(unbounded)
    emp = zh_ok(prose.employment_sentence(29.6, 5, 2006, 2012, 2013, lang="zh"))
    assert "5个苏北城市" in emp and "+29.6万人" in emp and "2013年改变定义" in emp
    assert "定义" not in prose.employment_sentence(29.6, 4, 2006, 2018, lang="zh")


def test_missing_analysis_sentences_in_chinese():
    assert "2个更早的年份" in zh_ok(prose.no_placebo_sentence("双重差分", 2, lang="zh"))
    assert "只有1个" in zh_ok(prose.no_honest_sentence(1, lang="zh"))
