"""Benchmark: Rambachan-Roth bounds over a grid of 20 restriction values.

Inputs: (1) the Medicaid example of the R package HonestDiD's README (TWFE event study on
``tests/data/honest/ehec_data.csv``, 5 pre- and 2 post-period coefficients) and (2) notebook 02's
Subei TWFE event study (4 pre-period coefficients, the first 5 post-period ones).  For each,
``effects.honest_did`` computes the robust intervals for the first post-period effect at 20 values
of Mbar (relative magnitudes, C-LF, 1,000-point theta grid as R) and 20 values of M (smoothness,
FLCI), without the breakdown search; median of 3 runs.

Reference package, same input, same run: the Python port ``honestdid`` (0.1.1).  It needs torch
(with its CUDA runtime libraries, several GB) and cvxpy, so it is not in the project's lock; the
benchmark runs it in a separate interpreter named by ``NANBEI_HONESTDID_PYTHON`` (a virtual
environment with ``honestdid`` installed) and reports it as unavailable otherwise.  Agreement:
the largest absolute difference of the interval ends (the port's relative-magnitude routine
fails on these inputs with a TypeError, which is reported as such).

Target: each grid of 20 values under 2 s.  Writes ``benchmarks/results/bench_honestdid.csv``.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _common import record, record_calibrated, results_dir, subei_did, timed

from nanbei import effects

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = r"""
import json, sys, time, warnings
import numpy as np
warnings.simplefilter("ignore")
import honestdid as hd
d = np.load(sys.argv[1])
beta, sigma, npre, npost = d["beta"], d["sigma"], int(d["n_pre"]), int(d["n_post"])
out = {}
for key, fn, kw in (("rm", hd.createSensitivityResults_relativeMagnitudes, {"Mbarvec": d["mbar"]}),
                    ("sd", hd.createSensitivityResults, {"Mvec": d["m"]})):
    t = time.perf_counter()
    try:
        res = fn(betahat=beta, sigma=sigma, numPrePeriods=npre, numPostPeriods=npost, **kw)
        out[key] = res[["lb", "ub"]].to_numpy().tolist()
    except Exception as exc:
        out[key] = f"{type(exc).__name__}: {exc}"
    out[key + "_s"] = time.perf_counter() - t
print(json.dumps(out))
"""


def medicaid():
    df = pd.read_csv(ROOT / "tests" / "data" / "honest" / "ehec_data.csv")
    df = df[(df["year"] < 2016) & (df["yexp2"].isna() | (df["yexp2"] != 2015))].copy()
    df["cohort"] = np.where(df["yexp2"] == 2014, 2014, 0)
    es = effects.event_study(
        df, unit="stfips", time="year", outcome="dins", cohort="cohort", window=(-6, 1)
    )
    return es, None


def subei():
    panel = subei_did()
    es = effects.event_study(
        panel, unit="city_code", time="year", outcome="y", cohort="cohort", window=(-5, 10)
    )
    return es, 5


def inputs(es, max_post):
    names = list(es.vcov.index)
    pre = [e for e in names if e < -1]
    post = [e for e in names if e >= 0][:max_post]
    order = pre + post
    return (
        es.coefficients.loc[order, "estimate"].to_numpy(),
        es.vcov.loc[order, order].to_numpy(),
        len(pre),
        len(post),
    )


def reference(beta, sigma, n_pre, n_post, mbar, m):
    python = os.environ.get("NANBEI_HONESTDID_PYTHON")
    if not python:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.npz"
        np.savez(path, beta=beta, sigma=sigma, n_pre=n_pre, n_post=n_post, mbar=mbar, m=m)
        script = Path(tmp) / "ref.py"
        script.write_text(REFERENCE)
        try:
            run = subprocess.run(
                [python, str(script), str(path)],
                capture_output=True,
                text=True,
                timeout=float(os.environ.get("NANBEI_HONESTDID_TIMEOUT", "900")),
            )
        except subprocess.TimeoutExpired as exc:
            return {"error": f"honestdid did not finish in {exc.timeout:.0f} s"}
    if run.returncode != 0:
        return {"error": run.stderr.strip().splitlines()[-1]}
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> pd.DataFrame:
    rows = []
    for label, make in (("medicaid (R README)", medicaid), ("subei event study", subei)):
        es, max_post = make()
        beta, sigma, n_pre, n_post = inputs(es, max_post or 99)
        mbar = np.linspace(0, 2, 20)
        se1 = float(np.sqrt(sigma[n_pre, n_pre]))
        m = np.linspace(0, se1, 20)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            effects.honest_did(beta, sigma, n_pre, n_post, M=[1.0], breakdown=False)  # warm-up
            args = (beta, sigma, n_pre, n_post)
            t_rm, rm = timed(lambda a=args, v=mbar: effects.honest_did(*a, M=v, breakdown=False))
            t_sd, sd = timed(
                lambda a=args, v=m: effects.honest_did(
                    *a, M=v, restriction="smoothness", breakdown=False
                )
            )
        ref = reference(beta, sigma, n_pre, n_post, mbar, m)
        for key, t_ours, ours in (("rm", t_rm, rm), ("sd", t_sd, sd)):
            row = {
                "input": label,
                "restriction": ours.restriction,
                "values": 20,
                "nanbei_s": t_ours,
                "honestdid_s": np.nan,
                "ratio_reference_over_nanbei": np.nan,
                "max_abs_diff": np.nan,
                "reference_note": "NANBEI_HONESTDID_PYTHON not set",
            }
            if ref is not None and "error" in ref:
                row["reference_note"] = ref["error"]
            elif ref is not None:
                row["honestdid_s"] = ref[key + "_s"]
                row["ratio_reference_over_nanbei"] = ref[key + "_s"] / t_ours
                if isinstance(ref[key], str):
                    row["reference_note"] = f"honestdid failed: {ref[key][:80]}"
                else:
                    theirs = np.asarray(ref[key], float)
                    mine = ours.table[["lb", "ub"]].to_numpy()
                    row["max_abs_diff"] = float(np.nanmax(np.abs(theirs - mine)))
                    row["reference_note"] = "ok"
            rows.append(row)
            task = f"Rambachan-Roth bounds, {label}, {ours.restriction}, 20 values"
            if np.isfinite(row["honestdid_s"]):
                record(task, t_ours, row["honestdid_s"], "honestdid (Python port)")
            else:  # no reference time: machine-neutral against the calibration workload
                record_calibrated(task, t_ours)
    res = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(res.to_string(index=False))
    out = results_dir()
    res.to_csv(out / "bench_honestdid.csv", index=False)
    print(
        "target (< 2 s per grid of 20 values):", "met" if (res["nanbei_s"] < 2).all() else "NOT met"
    )
    return res


if __name__ == "__main__":
    main()
