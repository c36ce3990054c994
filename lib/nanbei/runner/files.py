"""Files written aside and moved into place atomically, readable by others (0644 under the usual
umask 022: ``tempfile`` would leave them 0600)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _umask()


def file_mode() -> int:
    return 0o666 & ~UMASK


def make_readable(path: Path) -> None:
    try:
        os.chmod(path, file_mode())
    except OSError:
        pass


def atomic_write(target: Path, content: str | bytes) -> None:
    """Write ``content`` to ``target`` through a temporary file in the same folder."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        if isinstance(content, bytes):
            with os.fdopen(fd, "wb") as fb:
                fb.write(content)
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as ft:
                ft.write(content)
        os.chmod(tmp, file_mode())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(target: Path, data: Any) -> None:
    atomic_write(target, json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n")


def read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def move_into_place(source: Path, target: Path) -> None:
    """Atomic replace of ``target`` by ``source`` (same file system), made readable."""
    target.parent.mkdir(parents=True, exist_ok=True)
    make_readable(source)
    os.replace(source, target)
