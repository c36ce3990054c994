"""Run every benchmark and print one table: nanbei against its reference, now and before.

Each ``benchmarks/bench_*.py`` runs in its own process (as ``python benchmarks/bench_x.py``
would) and reports its timings through ``_common.record``: nanbei's seconds and those of the
reference implementation or baseline, measured in the same run.  The table gives, per timing,
the ratio ``baseline / nanbei`` (above 1: nanbei is faster), the ratio recorded by the previous
run in ``benchmarks/ratios.csv`` and the change.  Ratios, not seconds, are compared: both sides
of a ratio ran on the same machine at the same time, so a ratio travels across machines where
seconds do not.

A timing is flagged ``SLOWER`` when nanbei's cost relative to its baseline rose by more than
``--threshold`` (default 25%, above the run-to-run noise of a shared machine): then the
previous ratio stays the reference in ``ratios.csv`` (so that a second run cannot hide the
slowdown) unless ``--accept`` is given.  Any other timing's ratio replaces the previous one.
The exit status is 1 when a script failed, a timing got slower or nanbei's numbers disagreed
with the reference's.

Run: ``python benchmarks/run_all.py`` (``make bench``); ``--only synth did`` runs the scripts
whose names contain one of the words; ``--no-save`` leaves ``ratios.csv`` alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from _common import RECORD_ENV

HERE = Path(__file__).resolve().parent
HISTORY = HERE / "ratios.csv"
KEY = ["benchmark", "task"]
HISTORY_COLUMNS = [
    *KEY,
    "baseline",
    "nanbei_s",
    "baseline_s",
    "ratio",
    "recorded",
    "commit",
    "machine",
]


def scripts(only: list[str] | None = None) -> list[Path]:
    """The benchmark scripts, by name; with ``only``, those whose name contains one of them."""
    found = sorted(HERE.glob("bench_*.py"))
    if only:
        found = [p for p in found if any(word in p.stem for word in only)]
    return found


def run_script(path: Path) -> tuple[int, float, list[dict]]:
    """Run one script in a fresh interpreter; its exit code, wall seconds and records."""
    with tempfile.TemporaryDirectory() as tmp:
        sink = Path(tmp) / "records.jsonl"
        env = {**os.environ, RECORD_ENV: str(sink)}
        t0 = time.perf_counter()
        code = subprocess.run([sys.executable, str(path)], cwd=HERE.parent, env=env).returncode
        seconds = time.perf_counter() - t0
        lines = sink.read_text(encoding="utf-8").splitlines() if sink.exists() else []
    return code, seconds, [{"benchmark": path.stem, **json.loads(line)} for line in lines]


def load_history(path: Path = HISTORY) -> pd.DataFrame:
    """The ratios recorded by earlier runs (empty if none)."""
    if not path.exists():
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    hist = pd.read_csv(path)
    missing = [c for c in HISTORY_COLUMNS if c not in hist.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}; expected {HISTORY_COLUMNS}")
    dup = hist.duplicated(KEY)
    if dup.any():
        raise ValueError(
            f"{path}: rows {list(hist.index[dup] + 2)} repeat a (benchmark, task) pair"
        )
    return hist


def compare(records: pd.DataFrame, history: pd.DataFrame, threshold: float = 0.25) -> pd.DataFrame:
    """Each record with the previous ratio of the same benchmark, task and baseline, the change
    (now / before) and a status.

    ``status``: ``SLOWER`` when ``before / now > 1 + threshold`` (nanbei's cost relative to
    its baseline rose by more than ``threshold``), ``faster`` when ``now / before`` exceeds
    it, ``same`` in between, ``new`` without an earlier ratio, ``new baseline`` when the
    baseline changed, ``no ratio`` when the baseline did not run, ``DISAGREES`` (first) when
    nanbei's numbers did not match the reference's.
    """
    if not 0 < threshold < 10:
        raise ValueError(f"compare: threshold must be a fraction like 0.25, got {threshold}")
    prev = history.set_index(KEY)
    rows = []
    for rec in records.to_dict("records"):
        key = (rec["benchmark"], rec["task"])
        before = math.nan
        status = "new"
        now = rec["ratio"] if rec["ratio"] is not None else math.nan
        if key in prev.index:
            old = prev.loc[key]
            if old["baseline"] != rec["baseline"]:
                status = "new baseline"
            else:
                before = float(old["ratio"])
        change = now / before if before > 0 and now > 0 else math.nan
        if not now > 0:
            status = "no ratio"
        elif math.isfinite(change):
            if 1 / change > 1 + threshold:
                status = "SLOWER"
            elif change > 1 + threshold:
                status = "faster"
            else:
                status = "same"
        if rec.get("agree") is False:
            status = "DISAGREES, " + status
        rows.append(
            {**rec, "ratio": now, "ratio_before": before, "change": change, "status": status}
        )
    cols = [*KEY, "nanbei_s", "baseline", "baseline_s", "ratio", "ratio_before", "change"]
    return pd.DataFrame(rows, columns=[*cols, "status", "agree"])


def updated_history(
    history: pd.DataFrame, table: pd.DataFrame, *, accept: bool, stamp: dict
) -> pd.DataFrame:
    """``history`` with this run's ratios in place of the earlier ones, except that a SLOWER
    timing keeps its earlier reference unless ``accept``; timings not run stay as they were."""
    fresh = table[table["ratio"].notna()]
    if not accept:
        fresh = fresh[~fresh["status"].str.contains("SLOWER")]
    fresh = fresh[[*KEY, "baseline", "nanbei_s", "baseline_s", "ratio"]].assign(**stamp)
    keep = history.set_index(KEY).index.difference(fresh.set_index(KEY).index)
    kept = history.set_index(KEY).loc[keep].reset_index()
    out = pd.concat([kept, fresh], ignore_index=True) if len(kept) else fresh
    return out[HISTORY_COLUMNS].sort_values(KEY).reset_index(drop=True)


def _stamp() -> dict:
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    return {
        "recorded": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }


def _text_table(frame: pd.DataFrame, left: set[str]) -> str:
    """Plain-text table; the columns in ``left`` aligned left, the others right."""
    cells = frame.astype(str)
    widths = {c: max(len(c), *(len(v) for v in cells[c])) for c in cells.columns}

    def line(values) -> str:
        return "  ".join(
            v.ljust(widths[c]) if c in left else v.rjust(widths[c])
            for c, v in zip(cells.columns, values, strict=True)
        ).rstrip()

    return "\n".join([line(cells.columns), *(line(row) for row in cells.to_numpy())])


def render(table: pd.DataFrame, failed: dict[str, int], threshold: float) -> str:
    """The final table as text, with a line per failed script and a verdict."""

    def fmt(v, spec: str, suffix: str = "") -> str:
        return "" if pd.isna(v) else f"{v:{spec}}{suffix}"

    show = pd.DataFrame(
        {
            "benchmark": table["benchmark"].str.removeprefix("bench_"),
            "task": table["task"],
            "nanbei s": table["nanbei_s"].map(lambda v: fmt(v, ".3g")),
            "baseline": table["baseline"],
            "baseline s": table["baseline_s"].map(lambda v: fmt(v, ".3g")),
            "ratio before": table["ratio_before"].map(lambda v: fmt(v, ".3g", "x")),
            "ratio now": table["ratio"].map(lambda v: fmt(v, ".3g", "x")),
            "change": table["change"].map(lambda v: fmt(100 * (v - 1), "+.0f", "%")),
            "status": table["status"],
        }
    )
    title = " benchmarks: nanbei against its reference, timed in the same run "
    lines = ["", "=" * 20 + title + "=" * 20]
    lines.append(
        _text_table(show, {"benchmark", "task", "baseline", "status"})
        if len(show)
        else "(no timings)"
    )
    lines.append(
        "ratio = baseline seconds / nanbei seconds (above 1: nanbei is faster); change = ratio "
        f"now / ratio before - 1; SLOWER: nanbei's cost relative to its baseline rose by more "
        f"than {threshold:.0%}"
    )
    for name, code in failed.items():
        lines.append(f"FAILED: {name} exited with status {code}")
    slower = int(table["status"].str.contains("SLOWER").sum())
    disagree = int(table["status"].str.contains("DISAGREES").sum())
    lines.append(
        f"{len(table)} timings; {slower} slower, {disagree} disagreeing with the reference, "
        f"{len(failed)} failed scripts"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", help="run the scripts whose name contains a word")
    ap.add_argument("--threshold", type=float, default=0.25, help="slowdown flagged (0.25)")
    ap.add_argument("--accept", action="store_true", help="record flagged ratios too")
    ap.add_argument("--no-save", action="store_true", help="do not update ratios.csv")
    args = ap.parse_args(argv)
    todo = scripts(args.only)
    if not todo:
        ap.error(f"no benchmark script matches {args.only}")
    history = load_history()
    records, failed = [], {}
    for path in todo:
        print(f"\n##### {path.name}", flush=True)
        code, seconds, recs = run_script(path)
        print(f"##### {path.name}: {seconds:.0f} s, exit status {code}", flush=True)
        if code:
            failed[path.stem] = code
        records += recs
    columns = [*KEY, "nanbei_s", "baseline", "baseline_s", "ratio", "agree"]
    table = compare(pd.DataFrame(records, columns=columns), history, args.threshold)
    print(render(table, failed, args.threshold))
    if not args.no_save and len(table):
        new = updated_history(history, table, accept=args.accept, stamp=_stamp())
        new.to_csv(HISTORY, index=False)
        print(f"ratios recorded in {HISTORY.relative_to(HERE.parent)}")
    bad = failed or table["status"].str.contains("SLOWER|DISAGREES").any()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
