"""Run one notebook and render its report (the runner's single-notebook API), and the old
``python -m nanbei.reports`` command line, now the same as ``nanbei run``.

    nanbei run                                      # every notebook: see nanbei.runner
    python -m nanbei.reports 00_data -p scope=china  # the same as: nanbei run 00_data -p scope=china

:func:`run_notebook` executes one notebook in the caller's process (the kernel is a separate
process, as always) with the same machinery as ``nanbei run``: the project kernel over IPC,
parameters checked against the notebook's declarations before the kernel starts, files written
aside and moved into place, a failure's partial notebook kept in ``failed/``, SIGTERM handled
like SIGINT.  Its layout is flat: ``out_dir/executed/<nb>.ipynb`` (with ``<nb>.results.json``
and ``<nb>.run.json`` beside it), ``out_dir/reports/<nb>.html``, ``out_dir/failed/<nb>.ipynb``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from nanbei.runner.execute import KERNEL_NAME, OK, JobSpec, error_line, execute_job
from nanbei.runner.params import ParameterError, coerce, declared_parameters, parse_text, same
from nanbei.runner.render import render_html as _render_html

__all__ = [
    "KERNEL_NAME",
    "NotebookError",
    "ParameterError",
    "notebook_parameters",
    "run_notebook",
    "render_html",
    "main",
]

ROOT = Path(__file__).resolve().parents[2]


class NotebookError(RuntimeError):
    """A notebook failed, timed out or was stopped; ``record`` is its run record."""

    def __init__(self, message: str, record: dict):
        super().__init__(message)
        self.record = record


def notebook_parameters(path: Path) -> dict:
    """The parameters declared in a notebook's cell tagged ``parameters`` (name -> Parameter)."""
    return declared_parameters(path)


def render_html(executed: Path, target: Path, show_code: bool = False) -> None:
    """Render an executed notebook to HTML (title from its first heading)."""
    import nbformat

    from nanbei.runner.files import atomic_write
    from nanbei.runner.render import notebook_title

    nb = nbformat.read(executed, as_version=4)
    atomic_write(
        Path(target),
        _render_html(nb, with_code=show_code, title=notebook_title(nb, Path(executed).stem)),
    )


def run_notebook(
    path: Path,
    out_dir: Path,
    parameters: dict | None = None,
    show_code: bool = False,
    log_output: bool = False,
    timeout: float | None = None,
) -> Path:
    """Execute one notebook and render its report; return the report's path.

    Only parameters the notebook declares are accepted (an unknown name raises SystemExit: a typo
    would otherwise be silently ignored); each value is checked against the type of the declared
    default (``ParameterError``), text values are parsed as on the command line.  A failure raises
    :class:`NotebookError` with the error's type and message.  ``log_output`` is accepted for
    compatibility and ignored (the executed notebook holds every output).
    """
    path = Path(path).resolve()
    declared = declared_parameters(path)
    parameters = dict(parameters or {})
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise SystemExit(
            f"{path.name}: unknown parameter(s) {unknown}; "
            f"this notebook declares {sorted(declared)}"
        )
    overrides = {}
    for name, value in parameters.items():
        p = declared[name]
        typed = coerce(
            p,
            parse_text(value, p) if isinstance(value, str) and p.type != "str" else value,
            path.stem,
        )
        if not (p.literal and same(typed, p.default)):
            overrides[name] = typed
    effective = {n: p.default for n, p in declared.items() if p.literal} | overrides
    from nanbei.runner import provenance

    spec = JobSpec(
        notebook=str(path),
        output=str(Path(out_dir).resolve()),
        key="default",
        overrides=overrides,
        parameters=effective,
        layout="legacy",
        variants=("code",) if show_code else ("reader",),
        timeout=timeout,
        provenance=provenance.collect(path.parent),
    )
    record = execute_job(spec)
    attempt = record.get("attempt") or {}
    if attempt.get("status") != OK:
        raise NotebookError(
            f"{path.name} {attempt.get('status')}: {error_line(attempt.get('error') or {})}", record
        )
    return Path(out_dir) / "reports" / f"{path.stem}.html"


def main(argv: list[str] | None = None) -> int:
    """``python -m nanbei.reports [NOTEBOOK ...] [-p NAME=VALUE] [--out DIR]`` = ``nanbei run``."""
    from nanbei.runner.cli import main as cli_main

    args = list(sys.argv[1:] if argv is None else argv)
    args = ["--output" if a == "--out" else a for a in args if a != "--show-code"]
    return cli_main(["run", *args])


if __name__ == "__main__":
    sys.exit(main())
