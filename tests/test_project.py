"""Project plumbing: one set of pins for pip and conda, a registered kernel, CJK figures."""

from __future__ import annotations

import re
import sys
import tomllib
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_environment_yml_installs_the_lock():
    import yaml

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    python = [d for d in deps if isinstance(d, str) and d.startswith("python")]
    assert python == ["python=3.11"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == ">=3.11,<3.12"
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    # conda resolves -r relative to environment.yml, i.e. the same lock file as `make env`.
    assert pip == ["-r requirements/lock.txt", "-e ."]
    assert (ROOT / "requirements" / "lock.txt").exists()


def test_lock_pins_every_declared_dependency():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = pyproject["project"]["dependencies"] + [
        d for extra in pyproject["project"]["optional-dependencies"].values() for d in extra]
    pins = _lock_pins()
    for requirement in declared:
        name = re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pins, f"{name} is declared in pyproject.toml but not pinned in the lock"


def test_installed_versions_match_the_lock():
    from importlib.metadata import PackageNotFoundError, version

    pins = _lock_pins()
    for name in ["pandas", "numpy", "matplotlib", "statsmodels", "papermill", "jupyterlab",
                 "geopandas", "linearmodels"]:
        try:
            assert version(name) == pins[name], name
        except PackageNotFoundError:
            pytest.fail(f"{name} is pinned but not installed")


def test_project_kernel_is_registered_for_this_interpreter():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("nanbei")
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve()


def test_chinese_labels_render_without_missing_glyphs(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nanbei.plotting import CJK_FONT_FAMILY, region_map

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning
        fig, ax = plt.subplots()
        region_map(ax=ax)
        ax.set_title("苏南 苏中 苏北 −1")
        fig.savefig(tmp_path / "map.png")
    plt.close(fig)
    assert plt.rcParams["font.sans-serif"][0] == CJK_FONT_FAMILY
    assert (tmp_path / "map.png").stat().st_size > 20_000


def test_code_and_notebooks_pass_the_linter():
    import subprocess

    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", str(ROOT)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
