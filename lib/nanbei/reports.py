"""Run every notebook end to end with papermill and render HTML reports.

    python -m nanbei.reports                       # all notebooks in notebooks/
    python -m nanbei.reports 00_data -p scope=china
    python -m nanbei.reports --show-code           # keep code cells in the HTML

Executed notebooks go to ``build/executed/`` and reports to ``build/reports/``
(both git-ignored).  Each file is written to a temporary name first and moved
into place only when complete, so a failed run never leaves a half-written
report: the partially executed notebook of a failure is kept in
``build/failed/`` for inspection instead.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import tempfile
import time
from pathlib import Path

KERNEL_NAME = "nanbei"
ROOT = Path(__file__).resolve().parents[2]


def notebook_parameters(path: Path) -> dict:
    """The defaults declared in a notebook's cell tagged ``parameters``."""
    import papermill

    return papermill.inspect_notebook(str(path))


def _parse_value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _atomic_write(target: Path, content: str | bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(content, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
        fh.write(content)
    os.replace(tmp, target)


def render_html(executed: Path, target: Path, show_code: bool = False) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = not show_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    _atomic_write(target, body)


def run_notebook(path: Path, out_dir: Path, parameters: dict | None = None,
                 show_code: bool = False, log_output: bool = False) -> Path:
    """Execute one notebook and render its report; return the report's path.

    Only parameters the notebook declares are passed; an unknown name is an error
    (a typo would otherwise be silently ignored).
    """
    import papermill

    declared = notebook_parameters(path)
    parameters = dict(parameters or {})
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise SystemExit(f"{path.name}: unknown parameter(s) {unknown}; "
                         f"this notebook declares {sorted(declared)}")
    executed = out_dir / "executed" / path.name
    executed.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=executed.parent, prefix=f".{path.stem}.", suffix=".ipynb")
    os.close(fd)
    try:
        papermill.execute_notebook(
            str(path), tmp, parameters=parameters, kernel_name=KERNEL_NAME,
            cwd=str(path.parent), log_output=log_output, progress_bar=False)
    except BaseException:
        failed = out_dir / "failed" / path.name
        failed.parent.mkdir(parents=True, exist_ok=True)
        if Path(tmp).exists():
            os.replace(tmp, failed)
        raise
    os.replace(tmp, executed)
    report = out_dir / "reports" / f"{path.stem}.html"
    render_html(executed, report, show_code=show_code)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Nanbei's notebooks and render reports.")
    parser.add_argument("notebooks", nargs="*",
                        help="notebook names (e.g. 00_data); default: all in notebooks/")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="parameter for every selected notebook that declares it")
    parser.add_argument("--out", type=Path, default=ROOT / "build", help="output folder")
    parser.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    args = parser.parse_args(argv)

    available = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    if args.notebooks:
        by_stem = {p.stem: p for p in available}
        missing = [n for n in args.notebooks if n.removesuffix(".ipynb") not in by_stem]
        if missing:
            parser.error(f"unknown notebook(s) {missing}; available: {sorted(by_stem)}")
        selected = [by_stem[n.removesuffix(".ipynb")] for n in args.notebooks]
    else:
        selected = available
    params = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"-p expects NAME=VALUE, got {item!r}")
        params[name] = _parse_value(value)

    declared = {nb: notebook_parameters(nb) for nb in selected}
    nowhere = sorted(set(params) - set().union(*declared.values()))
    if nowhere:
        parser.error(f"parameter(s) {nowhere} are declared by none of the selected notebooks")

    failures = []
    for nb in selected:
        start = time.perf_counter()
        applicable = {k: v for k, v in params.items() if k in declared[nb]}
        try:
            report = run_notebook(nb, args.out, applicable, show_code=args.show_code)
        except Exception as exc:  # report every notebook's outcome, then fail
            failures.append(nb.name)
            print(f"FAILED {nb.name}: {type(exc).__name__}: {str(exc)[-2000:]}", file=sys.stderr)
            continue
        print(f"ok     {nb.name} -> {report}  ({time.perf_counter() - start:.0f} s)")
    if failures:
        print(f"{len(failures)} notebook(s) failed: {failures}; partial executions in "
              f"{args.out / 'failed'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
