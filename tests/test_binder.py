"""The Binder configuration stays consistent with the lock, the package and the README link.

Binder (repo2docker) reads only ``binder/`` when it exists: ``runtime.txt`` (the Python),
``requirements.txt`` (installed with pip, ``-r`` paths relative to it) and ``postBuild`` (run once
afterwards, in the repository root).  These tests check what can be checked without building the
image: every pin is the lock's, the extras agree with their own requirements when installed, the
Python is one the lock and pyproject support, postBuild is a valid executable script doing what
``make env`` does, and the README's badge opens a notebook that exists.
"""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from nanbei import reports, workshop

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
#: Packages Binder installs beyond the runtime lock: the explorer's controls.
INTERACTIVE_EXTRAS = {"ipywidgets", "widgetsnbextension", "jupyterlab-widgets"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            pins[_norm(m.group(1))] = m.group(2)
    return pins


def _requirement_lines(path: Path) -> list[str]:
    return [
        ln.split("#", 1)[0].strip()
        for ln in path.read_text().splitlines()
        if ln.split("#", 1)[0].strip()
    ]


def test_binder_uses_only_the_files_it_should():
    assert BINDER.is_dir()
    # repo2docker would prefer these over requirements.txt, or run them instead of our set-up
    for competing in (
        "environment.yml",
        "Pipfile",
        "Pipfile.lock",
        "setup.py",
        "Project.toml",
        "install.R",
        "apt.txt",
        "Dockerfile",
        "pyproject.toml",
    ):
        assert not (BINDER / competing).exists(), f"binder/{competing} would change the build"
    assert sorted(p.name for p in BINDER.iterdir()) == [
        "postBuild",
        "requirements.txt",
        "runtime.txt",
    ]


def test_requirements_are_the_lock_plus_pinned_interactive_extras():
    lines = _requirement_lines(BINDER / "requirements.txt")
    includes = [ln for ln in lines if ln.startswith("-")]
    assert includes == ["-r ../requirements/lock.txt"]
    lock = (BINDER / "../requirements/lock.txt").resolve()
    assert lock == ROOT / "requirements" / "lock.txt" and lock.exists()
    lock_pins = _pins(lock)
    extras = {}
    for line in lines:
        if line.startswith("-"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([0-9][^\s;]*)", line)
        assert m, f"binder/requirements.txt: {line!r} is not an exact pin"
        extras[_norm(m.group(1))] = m.group(2)
    for name in extras:
        assert name not in lock_pins, (
            f"{name} is in the lock ({lock_pins[name]}): remove it from "
            "binder/requirements.txt so the lock is the one source"
        )
        assert name in INTERACTIVE_EXTRAS, f"{name}: an unexpected extra package for Binder"
    # ipywidgets is pinned together with the two front-end packages it requires
    assert set(extras) in (INTERACTIVE_EXTRAS, set())
    if set(extras) == set():
        assert "ipywidgets" in lock_pins


def test_extras_satisfy_their_own_requirements_and_the_lock():
    """With ipywidgets installed here, its declared requirements must accept the Binder pins of its
    front-end packages and the lock's pins of comm, ipython and traitlets."""
    from importlib.metadata import PackageNotFoundError, requires

    try:
        declared = requires("ipywidgets") or []
    except PackageNotFoundError:
        pytest.skip("ipywidgets is not installed here: its requirements cannot be read")
    from packaging.requirements import Requirement

    pins = _pins(ROOT / "requirements" / "lock.txt") | _pins(BINDER / "requirements.txt")
    for text in declared:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = _norm(req.name)
        assert name in pins, f"ipywidgets needs {name}, pinned neither in the lock nor for Binder"
        assert req.specifier.contains(pins[name], prereleases=True), (name, pins[name], text)


def test_python_is_one_the_lock_and_the_package_support():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    m = re.fullmatch(r"python-(3)\.(\d+)", runtime)
    assert m, f"binder/runtime.txt: {runtime!r}"
    version = (int(m.group(1)), int(m.group(2)))
    header = (ROOT / "requirements" / "lock.txt").read_text().splitlines()[1]
    locked = re.search(r"--python-version (3)\.(\d+)", header)
    assert version == (int(locked.group(1)), int(locked.group(2))), (
        "lock compiled for another Python"
    )
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.11,<3.14" and (3, 11) <= version <= (3, 13)


def test_postbuild_installs_the_package_the_kernel_and_the_student_copy():
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable"
    text = post.read_text()
    assert text.startswith("#!/bin/bash\n") and "set -euo pipefail" in text
    assert subprocess.run(["bash", "-n", str(post)], capture_output=True).returncode == 0
    commands = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    assert "python -m pip install --no-cache-dir --no-deps -e ." in commands
    # the kernel every notebook names, registered as `make env` registers it
    kernel = next(c for c in commands if "ipykernel install" in c)
    assert f"--name {reports.KERNEL_NAME}" in kernel
    makefile = (ROOT / "Makefile").read_text()
    display = re.search(r'--display-name "([^"]+)"', kernel).group(1)
    assert f'--name nanbei --display-name "{display}"' in makefile
    build = next(c for c in commands if "nanbei.workshop build" in c)
    source = build.split("build", 1)[1].split()[0]
    assert workshop.sources(ROOT / source), f"postBuild builds the workshop from {source}: empty"


def test_readme_has_a_binder_badge_that_opens_an_existing_notebook():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Interactive use", 1)[1].split("\n## ", 1)[0]
    m = re.search(
        r"\[!\[Binder\]\(https://mybinder\.org/badge_logo\.svg\)\]"
        r"\((https://mybinder\.org/v2/gh/[^/]+/[^/]+/[^?)]+)\?urlpath=lab/tree/([^)]+)\)",
        section,
    )
    assert m, "no Binder badge in the README's 'Interactive use' section"
    assert (ROOT / m.group(2)).exists(), f"the Binder link opens {m.group(2)}, which does not exist"
    assert "make workshop" in section and "INSTRUCTOR.md" in section


def test_the_colab_cell_installs_from_the_repository_the_binder_badge_opens():
    """Colab has no project environment: notebook 05's Colab cell installs the package (the tidy
    data ship inside it) from the same public repository as the Binder badge, and only on Colab."""
    import json

    readme = (ROOT / "README.md").read_text()
    binder = re.search(r"https://mybinder\.org/v2/gh/([^/]+/[^/]+)/", readme).group(1)
    nb = json.loads((ROOT / "notebooks" / "05_explorer.ipynb").read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "colab" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, "notebook 05 needs one cell tagged 'colab'"
    source = "".join(cells[0]["source"])
    repository = re.search(r'REPOSITORY = "https://github\.com/([^"]+)"', source).group(1)
    assert repository == binder
    assert 'if "google.colab" in sys.modules:' in source  # a no-op everywhere else
    assert 'f"git+{REPOSITORY}"' in source
    first_import = next(
        i for i, c in enumerate(nb["cells"]) if "from nanbei" in "".join(c["source"])
    )
    assert nb["cells"].index(cells[0]) < first_import, "install before the first nanbei import"
    colab = re.search(r"colab\.research\.google\.com/github/([^/]+/[^/]+)/blob/", readme)
    assert colab and colab.group(1) == binder, "the README's Colab link opens another repository"
