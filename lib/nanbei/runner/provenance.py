"""What a run was made from: git commit (and whether the tree was dirty), the data manifest's
hash, package versions, host."""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

PACKAGES = (
    "nanbei",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "linearmodels",
    "geopandas",
    "matplotlib",
    "papermill",
    "nbclient",
    "nbconvert",
    "ipykernel",
    "jupyter_client",
    "dask",
    "distributed",
)


def now() -> str:
    """The current time, ISO 8601 with the local offset (seconds)."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def git_info(folder: str | Path) -> dict:
    """Commit, short commit and dirty flag of the git checkout holding ``folder`` (None outside one).

    Dirty means ``git status --porcelain`` lists anything (changed, staged or untracked files,
    ignored ones excepted): an untracked module can change results as much as an edited one.
    """

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=20
        )

    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        status = git("status", "--porcelain")
        changed = [line for line in status.stdout.splitlines() if line.strip()]
        return {
            "commit": head.stdout.strip(),
            "dirty": bool(changed),
            "changed_files": len(changed),
        }
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def data_hash() -> str | None:
    """SHA-256 (first 16 hex digits) of the data checksum manifest the library reads
    (``data/SHA256SUMS`` in a checkout, ``$NANBEI_DATA_DIR`` if set, else the packaged copy)."""
    try:
        from nanbei.data.files import data_dir

        manifest = data_dir() / "SHA256SUMS"
        return hashlib.sha256(manifest.read_bytes()).hexdigest()[:16]
    except Exception:  # noqa: BLE001 - no data available: say so, do not fail the run
        return None


@functools.cache
def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def host() -> dict:
    return {"host": socket.gethostname(), "pid": os.getpid(), "platform": sys.platform}


def collect(folder: str | Path) -> dict:
    """Provenance shared by every job of a run (computed once, by the process that plans it)."""
    return {**git_info(folder), "data_hash": data_hash()}
