"""What the terminal shows: a live display (rich) per notebook and overall while a run goes on,
one line per finished notebook, and a summary of every failure (its cell, its error, the end
of its traceback, where the partial notebook is).  Without a terminal (CI, a pipe, a log file)
there is no live display: only the finished-notebook lines and the summary."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING

from nanbei.runner.execute import OK, STALE, JobSpec, error_line

if TYPE_CHECKING:  # rich is imported only when a live display starts
    from rich.progress import Progress, TaskID


def _short(path: Path) -> str:
    """``path`` relative to the working folder when it lies inside it, else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def outcome(record: dict) -> tuple[str, str]:
    """(status word, detail) of a job's record, for one line on the terminal."""
    attempt = record.get("attempt") or {}
    status = attempt.get("status") or record.get("status", "failed")
    if status == OK:
        return "ok", ""
    return status, error_line(attempt.get("error") or {})


class Display:
    def __init__(
        self,
        specs: list[JobSpec],
        output: Path,
        *,
        live: bool | None = None,
        quiet: bool = False,
        stdout: IO | None = None,
        stderr: IO | None = None,
    ):
        self.specs = specs
        self.output = output
        self.quiet = quiet
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        isatty = getattr(self.stdout, "isatty", lambda: False)()
        self.live = (isatty if live is None else live) and not quiet
        self.lock = threading.RLock()
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}
        self.overall: TaskID | None = None

    def __enter__(self):
        if self.live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            console = Console(file=self.stdout)
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[what]}"),
                TimeElapsedColumn(),
                console=console,
                transient=False,
                refresh_per_second=4,
            )
            self.progress.start()
            self.overall = self.progress.add_task(
                f"[bold]{len(self.specs)} notebook run(s)", total=len(self.specs), what=""
            )
        return self

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def _print(self, text: str, *, error: bool = False) -> None:
        if self.progress is not None:
            self.progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.stderr if error else self.stdout, flush=True)

    def event(self, kind: str, spec: JobSpec, data: dict) -> None:
        with self.lock:
            if kind == "start" and self.progress is not None:
                from rich.markup import escape

                self.tasks[spec.job_id] = self.progress.add_task(
                    escape(spec.label), total=None, what="starting kernel"
                )
            elif kind == "progress" and self.progress is not None and spec.job_id in self.tasks:
                task = self.tasks[spec.job_id]
                what = data.get("kind")
                if what in ("kernel", "cell"):
                    self.progress.update(
                        task, total=data.get("cells"), completed=data.get("done", 0), what="cells"
                    )
                elif what == "render":
                    self.progress.update(task, what="rendering")
            elif kind == "done":
                if self.progress is not None:
                    running = self.tasks.pop(spec.job_id, None)
                    if running is not None:
                        self.progress.remove_task(running)
                    if self.overall is not None:  # set together with progress in __enter__
                        self.progress.advance(self.overall)
                self.finished(spec, data)

    def finished(self, spec: JobSpec, record: dict) -> None:
        status, detail = outcome(record)
        attempt = record.get("attempt") or {}
        seconds = attempt.get("duration") or 0.0
        if status == "ok":
            if not self.quiet:
                report = Path(spec.output) / spec.key / f"{spec.stem}.html"
                self._print(f"ok          {spec.label:<44} {seconds:6.1f} s  {_short(report)}")
        else:
            stale = " (previous report kept, marked stale)" if record.get("status") == STALE else ""
            self._print(
                f"{status.upper():<11} {spec.label:<44} {seconds:6.1f} s  {detail}{stale}",
                error=True,
            )

    def summary(
        self,
        specs: list[JobSpec],
        records: dict[str, dict],
        *,
        interrupted: str | None,
        gallery: Path | None,
        seconds: float,
    ) -> None:
        failed = [
            (s, records[s.job_id])
            for s in specs
            if s.job_id in records and outcome(records[s.job_id])[0] != "ok"
        ]
        not_run = [s for s in specs if s.job_id not in records]
        n_ok = len(records) - len(failed)
        for spec, record in failed:
            attempt = record.get("attempt") or {}
            error = attempt.get("error") or {}
            lines = [f"--- {outcome(record)[0].upper()}: {spec.label}"]
            if error.get("cell"):
                lines.append(f"    failing cell: In[{error['cell']}]  {error.get('source', '')}")
            lines.append(f"    error: {error.get('ename')}: {error.get('evalue', '')}"[:600])
            if error.get("reason"):
                lines.append(f"    reason: {error['reason']}")
            tb = [t for t in (error.get("traceback") or "").splitlines() if t.strip()]
            if tb:
                lines += ["    " + t for t in tb[-8:]]
            if record.get("failed_notebook"):
                folder = (
                    Path(spec.output) / spec.key if spec.layout != "legacy" else Path(spec.output)
                )
                lines.append(f"    partial notebook: {_short(folder / record['failed_notebook'])}")
            if record.get("status") == STALE:
                lines.append(
                    "    the previous good report of this parameter set is kept, marked stale"
                )
            self._print("\n".join(lines), error=True)
        parts = [f"{n_ok} ok"]
        if failed:
            parts.append(f"{len(failed)} not ok")
        if not_run:
            parts.append(f"{len(not_run)} not run")
        tail = f"; gallery: {_short(gallery)}" if gallery else ""
        head = f"interrupted ({interrupted}): " if interrupted else ""
        if not self.quiet or failed or interrupted:
            self._print(
                f"{head}{', '.join(parts)} in {seconds:.0f} s{tail}",
                error=bool(failed or interrupted),
            )
