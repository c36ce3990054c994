"""Synthetic DiD (nanbei.effects.synthetic_did) against the published Proposition 99 results of the
R package synthdid (README; Arkhangelsky et al. 2021, AER, Table 1) and against the Python port
``synthdid`` (package synthdid-py) on the same data and on a simulated panel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nanbei import effects

CA = Path(__file__).parent / "data" / "synth" / "sc_california_smoking.csv"


@pytest.fixture(scope="module")
def prop99():
    df = pd.read_csv(CA)
    df["year"] = df["year"].astype(int)
    return df[["state", "year", "cigsale"]]


def fit(df, method="sdid", se=False, **kw):
    return effects.synthetic_did(
        df,
        unit="state",
        time="year",
        outcome="cigsale",
        treated="California",
        treatment_time=1989,
        method=method,
        se=se,
        **kw,
    )


@pytest.mark.parametrize(
    "method,published", [("sdid", -15.60383), ("sc", -19.61966), ("did", -27.34911)]
)
def test_prop99_published_estimates(prop99, method, published):
    # R synthdid README prints -15.60383 (SDID), -19.61966 (SC), -27.34911 (DiD), 5 decimals
    assert fit(prop99, method).estimate == pytest.approx(published, abs=5e-6)


def test_prop99_published_unit_weights(prop99):
    w = fit(prop99).omega.sort_values(ascending=False)
    # R synthdid README, summary(tau.hat)$controls (3 decimals)
    expected = {
        "Nevada": 0.124,
        "New Hampshire": 0.105,
        "Connecticut": 0.078,
        "Delaware": 0.070,
        "Colorado": 0.058,
    }
    for state, value in expected.items():
        assert w[state] == pytest.approx(value, abs=5e-4)
    assert w.sum() == pytest.approx(1.0)


def test_matches_synthdid_py_weights_and_estimate(prop99):
    synthdid = pytest.importorskip("synthdid")
    wide = prop99.pivot(index="state", columns="year", values="cigsale")
    controls = [s for s in wide.index if s != "California"]
    Y = wide.loc[controls + ["California"]].to_numpy()
    T0 = int((wide.columns < 1989).sum())
    ref = synthdid.synthdid_estimate(Y, len(controls), T0)
    ours = fit(prop99)
    assert ours.estimate == pytest.approx(float(ref), abs=1e-8)
    assert np.allclose(ours.omega.to_numpy(), np.asarray(ref.weights.omega), atol=1e-8)
    assert np.allclose(ours.lambda_.to_numpy(), np.asarray(ref.weights.lambda_), atol=1e-8)


def test_matches_synthdid_py_on_a_simulated_panel():
    synthdid = pytest.importorskip("synthdid")
    rng = np.random.default_rng(7)
    N0, N1, T0, T1 = 25, 3, 12, 5
    L = rng.normal(size=(N0 + N1, 2)) @ rng.normal(size=(2, T0 + T1))
    Y = L + rng.normal(scale=0.3, size=L.shape)
    Y[N0:, T0:] += 1.0
    df = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(N0 + N1), T0 + T1),
            "time": np.tile(np.arange(T0 + T1), N0 + N1),
            "y": Y.ravel(),
        }
    )
    ours = effects.synthetic_did(
        df,
        unit="unit",
        time="time",
        outcome="y",
        treated=list(range(N0, N0 + N1)),
        treatment_time=T0,
        se=False,
    )
    ref = synthdid.synthdid_estimate(Y, N0, T0)
    assert ours.estimate == pytest.approx(float(ref), abs=1e-8)


def test_placebo_standard_error(prop99):
    res = fit(prop99, se=True, replications="all")
    assert res.n_placebos == 38
    assert res.se == pytest.approx(np.sqrt(37 / 38) * np.std(res.placebo_estimates, ddof=1))
    # California's effect is the largest in absolute value among the placebo estimates or close
    assert res.p_value_placebo <= 0.1
    lo, hi = res.ci
    assert lo < res.estimate < hi


def test_random_placebo_replications_and_errors(prop99):
    small = prop99[
        prop99["state"].isin(
            ["California", "Nevada", "Utah", "Montana", "Colorado", "Idaho", "Iowa", "Ohio"]
        )
    ]
    res = effects.synthetic_did(
        small,
        unit="state",
        time="year",
        outcome="cigsale",
        treated="California",
        treatment_time=1989,
        replications=99,
    )
    assert res.n_placebos == 99
    assert "Synthetic DiD" in str(res.summary())
    with pytest.raises(ValueError, match="method"):
        fit(prop99, method="augsynth")
    with pytest.raises(ValueError, match="not found"):
        effects.synthetic_did(
            prop99,
            unit="state",
            time="year",
            outcome="cigsale",
            treated="Atlantis",
            treatment_time=1989,
        )
    with pytest.raises(ValueError, match="two periods before"):
        effects.synthetic_did(
            prop99,
            unit="state",
            time="year",
            outcome="cigsale",
            treated="California",
            treatment_time=1971,
        )
