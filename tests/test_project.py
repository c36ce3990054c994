"""Project plumbing: one set of pins for pip and conda, a registered kernel, CJK figures."""

from __future__ import annotations

import re
import sys
import tomllib
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lock_pins(name: str = "lock-test.txt") -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / name).read_text().splitlines():
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
    assert pyproject["project"]["requires-python"] == ">=3.11,<3.14"
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    # conda resolves -r relative to environment.yml, i.e. the same lock file as `make env`.
    assert pip == ["-r requirements/lock.txt", "-e ."]
    assert (ROOT / "requirements" / "lock.txt").exists()


def _names(requirements) -> set[str]:
    return {
        re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


def test_locks_pin_every_declared_dependency_and_agree():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime = _names(pyproject["project"]["dependencies"])
    extras = _names(
        d for extra in pyproject["project"]["optional-dependencies"].values() for d in extra
    )
    runtime_pins, test_pins = _lock_pins("lock.txt"), _lock_pins("lock-test.txt")
    for name in runtime:
        assert name in runtime_pins, f"{name} is a dependency but not pinned in lock.txt"
    for name in runtime | extras:
        assert name in test_pins, f"{name} is declared but not pinned in lock-test.txt"
    # The runtime lock is the test lock restricted to what the runtime needs: same versions.
    for name, pin in runtime_pins.items():
        assert test_pins.get(name) == pin, (
            f"{name}: lock.txt {pin}, lock-test.txt {test_pins.get(name)}"
        )
    # Reference implementations and test tools stay out of the runtime environment.
    for name in ("inequality", "giddy", "csdid", "pysyncon", "wildboottest", "pytest", "ruff"):
        assert name not in runtime_pins, f"{name} is test-only but pinned in the runtime lock"


def test_library_never_imports_test_only_packages():
    import ast

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    test_only = {
        n.replace("-", "_") for n in _names(pyproject["project"]["optional-dependencies"]["test"])
    }
    for path in (ROOT / "lib" / "nanbei").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] not in test_only, f"{path.name} imports {module}"


def test_installed_versions_match_the_lock():
    from importlib.metadata import PackageNotFoundError, version

    pins = _lock_pins()
    for name in [
        "pandas",
        "numpy",
        "matplotlib",
        "statsmodels",
        "papermill",
        "jupyterlab",
        "geopandas",
        "linearmodels",
    ]:
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

    from nanbei.plotting import CJK_FONT_FAMILY, region_map, style

    before = list(plt.rcParams["font.sans-serif"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning
        with style():
            assert plt.rcParams["font.sans-serif"][0] == CJK_FONT_FAMILY
            fig, ax = plt.subplots()
            region_map(ax=ax, lang="zh")
            ax.set_title("苏南 苏中 苏北 −1")
        fig.savefig(tmp_path / "map.png")  # drawn after the block: the figure keeps its fonts
    plt.close(fig)
    assert list(plt.rcParams["font.sans-serif"]) == before  # the style did not leak
    assert (tmp_path / "map.png").stat().st_size > 20_000


def test_code_and_notebooks_pass_the_linter():
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--output-format", "concise", str(ROOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_and_notebooks_are_formatted():
    """`ruff format` is the one code style (run `.venv/bin/ruff format .` to apply it)."""
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", str(ROOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_library_is_type_clean():
    """`mypy` finds no error in lib/nanbei with the settings of pyproject.toml's [tool.mypy]
    (`.venv/bin/mypy` shows the same report)."""
    import importlib.util
    import subprocess

    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed: pip install -e '.[test]'")
    # No arguments: the files to check come from [tool.mypy], so a lost section fails here too.
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout, result.stdout + result.stderr


def test_wheel_ships_the_tidy_data_and_works_outside_a_checkout(tmp_path):
    """Build the wheel, unpack it away from the checkout and load the panel from it."""
    import subprocess
    import zipfile

    wheel_dir = tmp_path / "dist"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheel_dir),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    if build.returncode != 0 and "No module named pip" in build.stderr:
        pytest.skip("pip is not available in this environment")
    assert build.returncode == 0, build.stderr
    wheel = next(wheel_dir.glob("nanbei-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert "nanbei/_data/SHA256SUMS" in names and "nanbei/_data/tidy/city_panel.csv" in names
        assert not any(n.startswith("nanbei/_data/raw") for n in names)
        zf.extractall(site)
    code = (
        "from nanbei import data; p = data.load_city_panel('jiangsu'); "
        "print(data.data_dir().name, p['city_code'].nunique())"
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["_data", "13"]


def test_region_map_labels_in_english_and_chinese():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nanbei.plotting import region_map

    en = {t.get_text() for t in region_map(label="en").texts}
    zh = {t.get_text() for t in region_map(label="zh").texts}
    assert {"Suzhou", "Suqian", "Nanjing"} <= en and not any("市" in t for t in en)
    assert {"苏州市", "宿迁市", "南京市"} <= zh
    with pytest.raises(ValueError, match="English labels exist for the 13 cities only"):
        region_map(level="county", label="en")
    plt.close("all")


def test_style_context_leaves_global_settings_alone():
    import matplotlib as mpl

    from nanbei import plotting

    before = list(mpl.rcParams["font.sans-serif"])
    with plotting.style():
        assert mpl.rcParams["font.sans-serif"][0] == plotting.CJK_FONT_FAMILY
    assert list(mpl.rcParams["font.sans-serif"]) == before
