"""Throwaway notebooks and a project around them, for the runner's tests (no test here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

KERNELSPEC = {"name": "nanbei", "display_name": "Python 3 (nanbei)", "language": "python"}

OK_CELLS = [
    "import os\nimport numpy as np\nimport nanbei",
    "nanbei.record('double', x * 2, unit='units', basis='test')\n"
    "nanbei.record('draw', float(np.random.default_rng(seed).normal()))\n"
    "nanbei.record('hashed', hash('nanbei') % 1000003)\n"
    "nanbei.record('omp_threads', os.environ.get('OMP_NUM_THREADS'))\n"
    "print('label is', label)",
    "import matplotlib\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(4, 3))\n"
    "ax.plot([0, 1, 2], [0, x, 4 * x], color='tab:red', linewidth=4)\nax.set_title(label)\nplt.show()",
]

TOGGLE_CELLS = [
    "import os\nimport nanbei\nnanbei.record('answer', 42)",
    "if os.environ.get('NANBEI_TEST_FAIL'):\n    raise RuntimeError('boom in the toggle notebook')",
    "print('all fine')",
]

# Writes a marker (kernel pid and connection file) into its working folder, then sleeps.
SLEEP_CELLS = [
    "import os, time, json\nfrom ipykernel import get_connection_file\n"
    "seconds = float(os.environ.get('NANBEI_TEST_SLEEP', seconds))",
    "with open('started.json', 'w') as fh:\n"
    "    json.dump({'pid': os.getpid(), 'connection_file': get_connection_file(),\n"
    "               'cwd': os.getcwd()}, fh)\n"
    "if os.environ.get('NANBEI_TEST_MARKER'):\n"
    "    with open(os.environ['NANBEI_TEST_MARKER'], 'w') as fh:\n"
    "        json.dump({'pid': os.getpid(), 'connection_file': get_connection_file(),\n"
    "                   'cwd': os.getcwd()}, fh)\n"
    "for _ in range(int(seconds * 10)):\n    time.sleep(0.1)",
    "print('slept')",
]

LEDGER_CELLS = [
    "import json\nfrom pathlib import Path\n"
    "rows = [{'claim_id': 'gap', 'claim_zh': '差距', 'claim_en': 'The gap narrowed', 'claimed': 3.5,\n"
    "         'unit': 'ratio', 'status': 'reproduced', 'measured': 3.49, 'years': '2000',\n"
    "         'evidence': '01_ok; 02_toggle'}]\n"
    "if export_dir:\n"
    "    out = Path(export_dir)\n    out.mkdir(parents=True, exist_ok=True)\n"
    "    (out / 'claims_ledger.json').write_text(json.dumps(rows, ensure_ascii=False))\n"
    "    (out / 'claims_ledger.csv').write_text('claim_id,status\\ngap,reproduced\\n')\n"
    "print(len(rows), 'claims')",
]

RUNS_TOML = """
[runner]
notebooks = "notebooks"
output = "out"
output_parameters = ["export_dir"]

[configs.default]
description = "the quick ones"
notebooks = ["01_ok", "02_toggle", "04_ledger"]

[configs.sweep]
description = "a 2 x 2 sweep"
notebooks = ["01_ok"]
grid = { x = [1, 3], label = ["a", "b"] }
"""


def make_notebook(path: Path, params: str, cells: list[str], title: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nA throwaway notebook."), p]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return path


def tiny_project(root: Path) -> Path:
    nbs = root / "notebooks"
    nbs.mkdir(parents=True)
    make_notebook(
        nbs / "01_ok.ipynb",
        'x = 1  # a number\nlabel = "a"  # a "quoted" label\nseed = 7\nfast = False',
        OK_CELLS,
        "One · A tiny notebook",
    )
    make_notebook(nbs / "02_toggle.ipynb", "x = 1", TOGGLE_CELLS, "Two · Fails on demand")
    make_notebook(nbs / "03_sleep.ipynb", "seconds = 60.0", SLEEP_CELLS, "Three · Sleeps")
    make_notebook(
        nbs / "04_ledger.ipynb",
        'export_dir = "../elsewhere"  # where ("" = nowhere)',
        LEDGER_CELLS,
        "Four · A claims ledger",
    )
    (root / "runs.toml").write_text(RUNS_TOML, encoding="utf-8")
    return root


def nanbei(
    project: Path, *args: str, env: dict | None = None, timeout: float = 180, command: str = "run"
) -> subprocess.CompletedProcess:
    """``python -m nanbei <command> --config project/runs.toml ...`` in ``project``."""
    extra = ["--no-progress"] if command == "run" else []
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "nanbei",
            command,
            "--config",
            str(project / "runs.toml"),
            *extra,
            *args,
        ],
        cwd=project,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        umask=0o022,
    )
