"""In-time placebos (nanbei.effects.placebo_in_time): simulated panels with no effect give roughly
uniform placebo p-values; a differential trend gives rejections at the fake dates; the real
post-treatment period never enters a placebo; every design runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from nanbei import effects


def simulate(seed=0, n=30, n_treated=8, T=12, t0=9, trend=0.0, effect=0.0, ar=0.0):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n), T)
    time = np.tile(np.arange(1, T + 1), n)
    treated = np.repeat(np.arange(n) < n_treated, T)
    e = np.zeros((n, T))
    e[:, 0] = rng.normal(size=n)
    for t in range(1, T):
        e[:, t] = ar * e[:, t - 1] + rng.normal(size=n)
    y = (
        rng.normal(size=n)[unit]
        + 0.1 * time
        + trend * treated * time
        + effect * treated * (time >= t0)
        + 0.5 * e.ravel()
    )
    return pd.DataFrame({"unit": unit, "time": time, "y": y, "cohort": np.where(treated, t0, 0)})


KW = dict(unit="unit", time="time", outcome="y", cohort="cohort")


def test_no_effect_gives_uniform_placebo_p_values():
    # one fake date per replication (independent draws), wild cluster bootstrap p-values
    p = []
    for seed in range(150):
        r = effects.placebo_in_time(
            simulate(seed),
            **KW,
            design="did",
            fake_times=[6],
            inference="wild",
            n_boot=199,
            actual=False,
            seed=seed,
        )
        p.append(r.p_values.iloc[0])
    p = np.asarray(p)
    assert stats.kstest(p, "uniform").pvalue > 0.01
    assert 0.0 <= np.mean(p <= 0.05) <= 0.12
    assert 0.35 <= np.mean(p <= 0.5) <= 0.65


def test_a_trend_gives_rejections_at_fake_dates():
    rejections = []
    for seed in range(20):
        r = effects.placebo_in_time(
            simulate(seed, trend=0.25),
            **KW,
            design="did",
            inference=("wild", "randomization"),
            n_boot=199,
            seed=seed,
        )
        rejections.append(r.n_rejections / r.n_placebos)
        assert r.table["estimate"].mean() > 0
    assert np.mean(rejections) > 0.8


def test_placebos_never_see_the_real_post_period():
    df = simulate(1, effect=0.0)
    r0 = effects.placebo_in_time(df, **KW, design="did", inference=("wild", "cr1"), n_boot=199)
    shocked = df.copy()
    shocked.loc[shocked["time"] >= 9, "y"] += np.random.default_rng(5).normal(
        5, 3, (shocked["time"] >= 9).sum()
    )
    r1 = effects.placebo_in_time(shocked, **KW, design="did", inference=("wild", "cr1"), n_boot=199)
    pd.testing.assert_frame_equal(r0.table, r1.table)
    assert r0.actual_estimate != pytest.approx(r1.actual_estimate)
    assert list(r0.table.index) == [3, 4, 5, 6, 7, 8]
    assert (r0.table["n_pre"] >= 2).all() and (r0.table["n_post"] >= 1).all()


def test_did_placebo_equals_a_direct_estimate_on_the_truncated_panel():
    df = simulate(2)
    r = effects.placebo_in_time(
        df, **KW, design="did", fake_times=[5], inference="wild", n_boot=199, seed=3
    )
    sub = df[df["time"] < 9].assign(
        d=lambda x: ((x["cohort"] > 0) & (x["time"] >= 5)).astype(float)
    )
    wb = effects.wild_cluster_bootstrap(
        sub,
        y="y",
        x="d",
        fe=["unit", "time"],
        param="d",
        cluster="unit",
        n_boot=199,
        weights="webb",
        seed=3,
    )
    assert r.table.loc[5, "estimate"] == pytest.approx(wb.estimate)
    assert r.table.loc[5, "p_value"] == pytest.approx(wb.p_value)


@pytest.mark.parametrize(
    "design,inference", [("event_study", "cr1"), ("staggered_did", ("analytic", "randomization"))]
)
def test_other_designs_run_and_detect_a_trend(design, inference):
    r = effects.placebo_in_time(
        simulate(4, trend=0.6), **KW, design=design, inference=inference, n_boot=199
    )
    assert r.n_rejections >= r.n_placebos - 1
    flat = effects.placebo_in_time(
        simulate(4), **KW, design=design, inference=inference, n_boot=199
    )
    assert flat.n_rejections <= 2


def test_staggered_cohorts_shift_and_early_cohorts_are_left_out():
    df = simulate(5, T=14)
    df.loc[df["unit"] < 4, "cohort"] = 11
    df.loc[df["unit"] == 7, "cohort"] = 2  # too early for any placebo
    r = effects.placebo_in_time(df, **KW, design="staggered_did", n_boot=199)
    assert r.treatment_time == 9
    assert (r.dropped["unit"] == 7).any()
    # fake date 8 shifts cohort 11 to 10, beyond the truncated window (periods < 9): left out
    assert ((r.dropped["fake_time"] == 8) & (r.dropped["unit"] == 0)).any()


def test_synthetic_control_design():
    df = simulate(6, n=12, n_treated=1)
    r = effects.placebo_in_time(df, **KW, design="synthetic_control", fake_times=[6, 7])
    assert list(r.table.index) == [6, 7]
    assert r.table["p_value"].between(1 / 12, 1).all()
    with pytest.raises(ValueError, match="exactly one treated"):
        effects.placebo_in_time(simulate(6), **KW, design="synthetic_control", fake_times=[6])


def test_result_surface_and_errors():
    r = effects.placebo_in_time(simulate(8), **KW, design="did", n_boot=199)
    tidy = r.tidy()
    assert tidy["term"].tolist()[-1] == "actual=9"
    assert "In-time placebo" in str(r.summary())
    import matplotlib

    matplotlib.use("Agg")
    r.plot()
    assert 0 < r.rank_p_value <= 1
    with pytest.raises(ValueError, match="design"):
        effects.placebo_in_time(simulate(8), **KW, design="rdd")
    with pytest.raises(ValueError, match="inference"):
        effects.placebo_in_time(simulate(8), **KW, design="event_study", inference="wild")
    with pytest.raises(ValueError, match="not before"):
        effects.placebo_in_time(simulate(8), **KW, fake_times=[9])
    with pytest.raises(ValueError, match="fewer than 2"):
        effects.placebo_in_time(simulate(8), **KW, fake_times=[2])
    with pytest.raises(ValueError, match="min_pre"):
        effects.placebo_in_time(simulate(8), **KW, min_pre=1)


def test_fake_dates_lists_the_admissible_dates_or_none():
    df = simulate(9)
    assert effects.fake_dates(df, unit="unit", time="time", cohort="cohort") == [3, 4, 5, 6, 7, 8]
    short = df[df["time"] >= 7]
    assert effects.fake_dates(short, unit="unit", time="time", cohort="cohort") == []
    assert effects.fake_dates(df.assign(cohort=0), unit="unit", time="time", cohort="cohort") == []
