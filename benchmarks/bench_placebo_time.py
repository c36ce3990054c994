"""Benchmark: the full in-time placebo of the Subei DiD, 9,999 wild bootstrap draws per fake year.

The sample is notebook 02's default simple DiD: log real GDP per capita (registered basis) of
Subei's cities and the comparison cities of Shandong, Anhui, Zhejiang and Henan with a complete,
break-free series, 2001-2018, comparison cities touched by a competing policy left out (rule
"similar"), treated from 2006.  ``effects.placebo_in_time(design="did")`` re-estimates the DiD at
every admissible fake year (each with at least two earlier years, using only the years before
2006) with the restricted wild cluster bootstrap (Webb weights, 9,999 draws, clustered by city),
including the estimate at the real date, and the confidence interval by test inversion.

Reference, in the same run on the same input: the ``wildboottest`` package on the same placebo
regressions (treated x post on the truncated panel, with city and year effects as dummies, the
model our absorbed-FE bootstrap reproduces exactly), 9,999 draws each (its default
Rademacher/Webb choice set to Webb).  Agreement: the p-values of the two must agree within Monte
Carlo error (3 standard errors of the difference of two independent 9,999-draw estimates).

Run: ``python benchmarks/bench_placebo_time.py``; writes ``benchmarks/results/bench_placebo_time.csv``.
Target: under 10 s for the full placebo.
"""

from __future__ import annotations

import math
import warnings

import pandas as pd
from _common import dummies_design, record, results_dir, subei_did, timed, wildboottest_wcr

from nanbei import effects

B = 9999


def reference(panel: pd.DataFrame, fake: float, seed: int) -> float:
    """wildboottest on treated x post with city and year dummies, truncated panel."""
    sub = panel[panel["year"] < 2006] if fake < 2006 else panel
    d = ((sub["cohort"] > 0) & (sub["year"] >= fake)).to_numpy(float)
    X = dummies_design(sub, d, ["city_code", "year"])
    _, wb = wildboottest_wcr(
        X,
        sub["y"].to_numpy(float),
        sub["city_code"].to_numpy(),
        B=B,
        seed=seed,
        weights="webb",
        parallel=False,
    )
    return float(wb.pvalue)


def main() -> pd.DataFrame:
    panel = subei_did()
    print(
        f"Subei DiD: {panel['city_code'].nunique()} cities x {panel['year'].nunique()} years, "
        f"{int((panel['cohort'] > 0).sum() / panel['year'].nunique())} treated cities"
    )
    kw = dict(
        unit="city_code",
        time="year",
        outcome="y",
        cohort="cohort",
        design="did",
        inference="wild",
        n_boot=B,
        seed=2006,
    )
    effects.placebo_in_time(panel, **{**kw, "n_boot": 99})  # warm-up
    t_ours, res = timed(lambda: effects.placebo_in_time(panel, **kw))
    fakes = [*res.table.index.tolist(), 2006]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference(panel, fakes[0], 1)  # warm-up (numba compilation)
        t_ref, p_ref = timed(lambda: [reference(panel, float(f), 2006) for f in fakes], 1)
    ours = [*res.table["p_value"].tolist(), res.actual_p_value]
    rows = []
    for f, po, pr in zip(fakes, ours, p_ref, strict=True):
        se = math.sqrt(max(2 * pr * (1 - pr) / B, 1e-12))
        rows.append(
            {
                "date": f,
                "p_nanbei": po,
                "p_wildboottest": pr,
                "agree_3se": abs(po - pr) <= 3 * se + 1 / B,
            }
        )
    table = pd.DataFrame(rows).set_index("date")
    print(table.to_string())
    summary = pd.DataFrame(
        [
            {
                "fake_dates": len(fakes) - 1,
                "draws_each": B,
                "nanbei_s": t_ours,
                "wildboottest_s": t_ref,
                "ratio_reference_over_nanbei": t_ref / t_ours,
                "agree": bool(table["agree_3se"].all()),
            }
        ]
    )
    print(summary.T.to_string())
    record(
        f"in-time placebo of the Subei DiD, {len(fakes) - 1} fake dates + the real one, "
        f"{B:,} draws each",
        t_ours,
        t_ref,
        "wildboottest (dummies model), one test per date",
        agree=bool(summary["agree"].iloc[0]),
    )
    out = results_dir()
    summary.to_csv(out / "bench_placebo_time.csv", index=False)
    table.to_csv(out / "bench_placebo_time_pvalues.csv")
    print("AGREEMENT:", "OK" if summary["agree"].iloc[0] else "FAILED")
    print("target (< 10 s for the full in-time placebo):", "met" if t_ours < 10 else "NOT met")
    return summary


if __name__ == "__main__":
    main()
