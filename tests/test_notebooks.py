"""Every notebook runs end to end with papermill on small, fast parameters."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from nanbei import reports

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))

# Smaller or faster settings per notebook; each must be a parameter the notebook declares.
FAST_PARAMETERS: dict[str, dict] = {
    "01_convergence": {"fast": True},
    "02_cobuilt_parks": {"fast": True},
    "03_employment": {"fast": True},
    "04_claims": {"export_dir": ""},  # the runner's own output folder is not the test's to write
}


def test_there_are_notebooks():
    assert [p.stem for p in NOTEBOOKS][:1] == ["00_data"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_clean_and_parameterized(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), (
        f"{path.name} is committed with outputs"
    )
    assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in nb["cells"]) == 1
    assert nb["metadata"]["kernelspec"]["name"] == reports.KERNEL_NAME
    # Logic lives in lib/: notebooks call functions, they do not define long ones.
    for cell in code:
        src = "".join(cell["source"])
        assert "sys.path" not in src
        for block in src.split("\ndef ")[1:]:
            assert block.count("\n") < 15, f"{path.name}: long function defined in a notebook"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_and_renders(path, tmp_path):
    params = FAST_PARAMETERS.get(path.stem, {})
    report = reports.run_notebook(path, tmp_path, params)
    executed = nbformat.read(tmp_path / "executed" / path.name, as_version=4)
    errors = [
        o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
    warnings = [
        o["text"]
        for c in executed.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    ]
    assert not any("Glyph" in w and "missing" in w for w in warnings), (
        "CJK glyphs missing in a figure"
    )
    html = report.read_text(encoding="utf-8")
    assert report.stat().st_size > 10_000 and "<html" in html.lower()


# Other settings a user is likely to try: each must run end to end too.
VARIANTS = [
    (
        "01_convergence",
        {"fast": True, "basis": "official", "scope": "china", "grouping": "province_code"},
    ),
    ("01_convergence", {"fast": True, "prices": "nominal", "start_year": 2005, "end_year": 2015}),
    (
        "02_cobuilt_parks",
        {"fast": True, "outcome": "secondary_share", "estimator": "twfe", "inference": "wild"},
    ),
    # Suqian: the one Subei city with a complete FDI series once the 2008/2010 row shift is
    # repaired (Xuzhou's own 2008 value is not in the source).
    (
        "02_cobuilt_parks",
        {
            "fast": True,
            "outcome": "log_fdi",
            "start_year": 2004,
            "end_year": 2012,
            "treated_city": 321300,
        },
    ),
    ("02_cobuilt_parks", {"fast": True, "revisions": "keep", "end_year": 2020}),
    # every inference setting runs ("both" is the default above, "wild" in the first variant)
    (
        "02_cobuilt_parks",
        {
            "fast": True,
            "inference": "randomization",
            "exclude_donors": "none",
            "cs_control": "notyet",
            "synth_treatment_years": [2006],
        },
    ),
]


@pytest.mark.notebooks
@pytest.mark.parametrize("name,params", VARIANTS, ids=lambda v: str(v))
def test_notebook_variants_execute(name, params, tmp_path):
    report = reports.run_notebook(ROOT / "notebooks" / f"{name}.ipynb", tmp_path, params)
    assert report.exists()


def test_resident_basis_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(Exception, match="basis='resident' exists only in the census years"):
        reports.run_notebook(
            ROOT / "notebooks" / "01_convergence.ipynb",
            tmp_path,
            {"basis": "resident", "fast": True},
        )
    assert not (tmp_path / "reports").exists()


def test_unknown_parameter_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="unknown parameter"):
        reports.run_notebook(NOTEBOOKS[0], tmp_path, {"no_such_parameter": 1})
    assert not (tmp_path / "reports").exists()


def test_failed_run_leaves_no_report(tmp_path):
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('boom')"))
    broken = tmp_path / "99_broken.ipynb"
    nbformat.write(nb, broken)
    with pytest.raises(Exception, match="boom"):
        reports.run_notebook(broken, tmp_path / "out")
    assert not (tmp_path / "out" / "reports" / "99_broken.html").exists()
    assert not (tmp_path / "out" / "executed" / "99_broken.ipynb").exists()
    assert (tmp_path / "out" / "failed" / "99_broken.ipynb").exists()
