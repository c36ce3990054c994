"""Benchmark: `nanbei run` against the naive baseline, and a sweep on Dask against running it in turn.

1. The whole default set with HTML reports.  Baseline, measured in the same run: for each notebook
   in turn, papermill's command line (project kernel) then nbconvert's command line (HTML without
   code), which is what a shell loop or a Makefile does.  Runner: ``nanbei run`` (a subprocess,
   so its start-up is paid too) on the default number of local workers (one per core); it renders
   two HTML versions of each notebook (reader's and with code), a thumbnail, the results table and
   the gallery, which the baseline does not.  Target: at least 2x faster on a 2-core machine.
   Agreement check: both executed every notebook without error, and the text outputs of the
   executed notebooks (streams and text/plain, numbers included) are identical cell by cell.
2. A 16-run sweep (01_convergence, fast settings, basis x prices x start year x end year) through
   a 2-worker Dask ``LocalCluster``, against the same 16 runs one after another (the runner with
   one local worker).  Agreement: the same 16 parameter sets succeed, with the same text outputs.

Run: ``python benchmarks/bench_runner.py`` (about 5 minutes on 2 cores); writes
``benchmarks/results/bench_runner.csv``.  ``--quick`` skips the sweep.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from _common import record, results_dir

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))  # the default configuration
SWEEP_GRID = {
    "basis": ["registered", "official"],
    "prices": ["real", "nominal"],
    "start_year": [2001, 2005],
    "end_year": [2019, 2021],
}


def text_outputs(path: Path) -> list[str]:
    """The text a reader sees in each code cell (streams and text/plain), parameters cells aside."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] != "code" or "injected-parameters" in tags:
            continue
        parts = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                parts.append("".join(o["text"]))
            elif "text/plain" in o.get("data", {}):
                parts.append("".join(o["data"]["text/plain"]))
        # the only text allowed to differ: the kernel's temporary file names in warnings
        text = re.sub(r"ipykernel_\d+/\d+\.py", "ipykernel_N/N.py", "\n".join(parts))
        # an object's default repr carries its memory address (e.g. a folium map)
        out.append(re.sub(r" at 0x[0-9a-f]+>", " at 0x…>", text))
    return out


def baseline(notebooks: list[Path], folder: Path) -> float:
    """papermill CLI, then nbconvert CLI, for each notebook in turn."""
    t0 = time.perf_counter()
    for nb in notebooks:
        executed = folder / nb.name
        extra = ["-p", "export_dir", str(folder)] if nb.stem == "04_claims" else []
        subprocess.run(
            [
                str(BIN / "papermill"),
                "-k",
                "nanbei",
                "--no-progress-bar",
                str(nb),
                str(executed),
                *extra,
            ],
            cwd=nb.parent,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--to",
                "html",
                "--no-input",
                str(executed),
                "--output-dir",
                str(folder),
            ],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - t0


def runner(notebooks: list[Path], folder: Path) -> float:
    """``nanbei run`` on the same notebooks (the default configuration's)."""
    t0 = time.perf_counter()
    subprocess.run(
        [
            str(BIN / "nanbei"),
            "run",
            *map(str, notebooks),
            "--output",
            str(folder),
            "--no-progress",
            "-q",
        ],
        cwd=ROOT,
        check=True,
    )
    return time.perf_counter() - t0


def sweep(output: Path, scheduler=None, jobs: int | None = None) -> tuple[float, dict]:
    from nanbei.runner import config, run

    cfg = config.load_config()
    cfg.configs["bench-sweep"] = config.Configuration(
        "bench-sweep", ["01_convergence"], "benchmark sweep", {"fast": True}, dict(SWEEP_GRID)
    )
    t0 = time.perf_counter()
    result = run(
        ["bench-sweep"],
        output=output,
        scheduler=scheduler,
        jobs=jobs,
        config=cfg,
        live=False,
        quiet=True,
    )
    seconds = time.perf_counter() - t0
    assert result.exit_code == 0, f"sweep failed: {[s.label for s in result.failed]}"
    return seconds, {s.key: text_outputs(output / s.key / f"{s.stem}.ipynb") for s in result.specs}


def _load() -> float | None:
    """1-minute load average: other work on the machine skews both sides of a ratio."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # pragma: no cover - not on this platform
        return None


def main(quick: bool = False) -> pd.DataFrame:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # both run the same copy of the notebooks (the checkout may change meanwhile)
        (tmp / "notebooks").mkdir()
        notebooks = []
        for nb in NOTEBOOKS:
            shutil.copy2(nb, tmp / "notebooks" / nb.name)
            notebooks.append(tmp / "notebooks" / nb.name)
        (tmp / "base").mkdir()
        base_s = baseline(notebooks, tmp / "base")
        run_s = runner(notebooks, tmp / "run")
        for nb in NOTEBOOKS:  # agreement: same text outputs, every notebook
            a = text_outputs(tmp / "base" / nb.name)
            b = text_outputs(tmp / "run" / "default" / nb.name)
            assert len(a) == len(b), f"{nb.stem}: different cells"
            diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
            for i in diff:
                lines = list(
                    difflib.unified_diff(
                        a[i].splitlines(), b[i].splitlines(), "baseline", "nanbei run", lineterm=""
                    )
                )
                print(f"{nb.stem}, code cell {i}:\n" + "\n".join(lines[:30]))
            assert not diff, f"{nb.stem}: text outputs differ in code cells {diff}"
        rows.append(
            {
                "benchmark": f"default set ({len(NOTEBOOKS)} notebooks) with HTML",
                "baseline": "papermill CLI + nbconvert CLI, in turn",
                "baseline_s": base_s,
                "nanbei_s": run_s,
                "ratio": base_s / run_s,
                "cores": os.cpu_count(),
                "load_avg": _load(),
                "agree": True,
            }
        )
        print(
            f"default set: baseline {base_s:.1f} s, nanbei run {run_s:.1f} s, "
            f"{base_s / run_s:.2f}x (load average {_load()})",
            flush=True,
        )
        if not quick:
            from distributed import LocalCluster

            seq_s, seq_out = sweep(tmp / "seq", jobs=1)
            with LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster:
                dask_s, dask_out = sweep(tmp / "dask", scheduler=cluster)
            assert seq_out == dask_out, "the sweep's outputs differ between Dask and sequential"
            rows.append(
                {
                    "benchmark": f"sweep of {len(seq_out)} runs (01_convergence, fast)",
                    "baseline": "nanbei run --jobs 1 (in turn)",
                    "baseline_s": seq_s,
                    "nanbei_s": dask_s,
                    "ratio": seq_s / dask_s,
                    "cores": os.cpu_count(),
                    "load_avg": _load(),
                    "agree": True,
                }
            )
            print(
                f"sweep of {len(seq_out)}: in turn {seq_s:.1f} s, 2-worker LocalCluster "
                f"{dask_s:.1f} s, {seq_s / dask_s:.2f}x (load average {_load()})",
                flush=True,
            )
    table = pd.DataFrame(rows)
    for row in rows:
        record(row["benchmark"], row["nanbei_s"], row["baseline_s"], row["baseline"], agree=True)
    table.to_csv(results_dir() / "bench_runner.csv", index=False)
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
