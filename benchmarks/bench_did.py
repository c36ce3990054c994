"""Benchmark: nanbei.effects.did.staggered_did vs csdid (Python port of R did).

Simulated balanced panel, 3,000 units x 30 periods (seeded), 11 staggered
cohorts (periods 5, 7, ..., 25) and a never-treated group.  Times the
group-time ATT estimation (analytic standard errors) with and without a
covariate, and the ATT(g,t) fit followed by the four aggregations, for both
packages in the same run, and checks that ATT(g,t), their standard errors and
the aggregates agree.

Run:  python benchmarks/bench_did.py      (writes benchmarks/results/bench_did.csv)
"""

from __future__ import annotations

import contextlib
import io
import sys
import warnings

import numpy as np
import pandas as pd
from _common import record, results_dir, timed

from nanbei.effects.did import simulate_staggered_panel, staggered_did

N_UNITS, N_PERIODS, SEED = 3000, 30, 20240601
COHORTS = list(range(5, 27, 2))
KINDS = ("simple", "group", "dynamic", "calendar")


def _ours(df, covariates, aggregate):
    res = staggered_did(
        df,
        unit="unit",
        time="time",
        outcome="y",
        cohort="cohort",
        covariates=covariates,
        method="dr",
    )
    aggs = {k: res.aggregate(k) for k in KINDS} if aggregate else {}
    return res.att_gt[["cohort", "time", "att", "se"]], aggs


def _csdid(df, covariates, aggregate):
    from csdid.att_gt import ATTgt

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        fit = ATTgt(
            yname="y",
            gname="cohort",
            idname="unit",
            tname="time",
            data=df,
            control_group=["nevertreated"],
            xformla="y ~ " + " + ".join(covariates) if covariates else None,
        ).fit(est_method="dr", bstrap=False)
        aggs = {}
        if aggregate:
            for k in KINDS:
                fit.aggte(typec=k, bstrap=False)
                aggs[k] = dict(fit.atte)
    att = pd.DataFrame(
        {
            "cohort": fit.results["group"],
            "time": fit.results["year"],
            "att": fit.results["att"],
            "se": fit.results["se"],
        }
    )
    return att, aggs


def main() -> int:
    df = simulate_staggered_panel(
        N_UNITS,
        N_PERIODS,
        cohorts=COHORTS,
        never_share=0.25,
        effect=lambda g, e: 1.0 + 0.1 * e,
        seed=SEED,
    )
    print(
        f"panel: {N_UNITS} units x {N_PERIODS} periods, cohorts {COHORTS[0]}..{COHORTS[-1]} "
        f"+ never treated; {len(df):,} rows"
    )
    _ours(df, None, False)  # warm-up (imports)
    _csdid(df.head(300 * N_PERIODS).copy(), None, False)
    rows = []
    ok = True
    for label, covs, agg in [
        ("att_gt, no covariates", None, False),
        ("att_gt, covariate x", ["x"], False),
        ("att_gt + 4 aggregations, covariate x", ["x"], True),
    ]:
        t_ours, (ours, ours_agg) = timed(lambda c=covs, a=agg: _ours(df, c, a), 5)
        t_cs, (ref, ref_agg) = timed(lambda c=covs, a=agg: _csdid(df, c, a), 2)
        m = ours.merge(ref, on=["cohort", "time"], suffixes=("", "_cs"))
        d_att = float(np.max(np.abs(m["att"] - m["att_cs"])))
        d_se = float(np.max(np.abs(m["se"] - m["se_cs"])))
        d_agg = 0.0
        for k in ours_agg:
            d_agg = max(
                d_agg,
                abs(ours_agg[k].att - ref_agg[k]["overall_att"]),
                abs(ours_agg[k].se - ref_agg[k]["overall_se"]),
            )
        same = len(m) == len(ours) == len(ref) and d_att < 1e-8 and d_se < 1e-8 and d_agg < 1e-8
        ok &= same
        record(f"staggered DiD: {label}", t_ours, t_cs, "csdid (ATTgt)", agree=same)
        rows.append(
            dict(
                task=label,
                cells=len(ours),
                nanbei_s=t_ours,
                csdid_s=t_cs,
                speedup=t_cs / t_ours,
                max_abs_diff_att=d_att,
                max_abs_diff_se=d_se,
                max_abs_diff_aggregates=d_agg,
                agree=same,
            )
        )
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    out = results_dir()
    table.to_csv(out / "bench_did.csv", index=False)
    print(
        f"target: nanbei at least 5x faster -> "
        f"{'met' if (table.speedup >= 5).all() else 'NOT met'}; answers agree: {ok}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
