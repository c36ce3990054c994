"""``nanbei.runner.run``: plan, execute (locally or on Dask), gather, build the gallery."""

from __future__ import annotations

import math
import os
import signal
import threading
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nanbei.runner import files, provenance
from nanbei.runner.config import Job, RunnerConfig, load_config, plan
from nanbei.runner.execute import (
    OK,
    Interrupted,
    JobSpec,
    Layout,
    new_run_id,
    raise_interrupted,
)
from nanbei.runner.local import _signals_noted
from nanbei.runner.params import declared_parameters


@dataclass
class RunResult:
    """What a run did.  ``records`` maps job ids to run records (see ``<stem>.run.json``)."""

    run_id: str
    output: Path
    specs: list[JobSpec]
    records: dict[str, dict] = field(default_factory=dict)
    interrupted: int | None = None  # the signal number, if the run was interrupted
    gallery: Path | None = None
    results: Path | None = None
    seconds: float = 0.0

    def status(self, spec: JobSpec) -> str:
        rec = self.records.get(spec.job_id)
        if rec is None:
            return "not run"
        return (rec.get("attempt") or {}).get("status") or rec.get("status", "failed")

    @property
    def failed(self) -> list[JobSpec]:
        return [s for s in self.specs if self.status(s) not in (OK, "not run")]

    @property
    def ok(self) -> bool:
        return self.interrupted is None and all(self.status(s) == OK for s in self.specs)

    @property
    def exit_code(self) -> int:
        if self.interrupted is not None:
            return 128 + int(self.interrupted)
        return 0 if self.ok else 1

    def reports(self) -> dict[str, Path]:
        """Report path of every job that succeeded, by label."""
        return {
            s.label: Path(s.output) / s.key / f"{s.stem}.html"
            for s in self.specs
            if self.status(s) == OK
        }


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _expected_seconds(spec: JobSpec) -> float:
    rec = files.read_json(Layout(spec).record) or {}
    for part in (rec.get("report") or {}, rec.get("attempt") or {}):
        if part.get("duration"):
            return float(part["duration"])
    return math.inf  # unknown: start it early, it may be long


@contextmanager
def _signals_as_interrupts():
    """In the main thread: SIGTERM is handled exactly like SIGINT (raises an Interrupted)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in old:
        signal.signal(sig, raise_interrupted)
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def make_specs(
    jobs: list[Job],
    cfg: RunnerConfig,
    output: Path,
    *,
    run_id: str,
    timeout: float | None,
    threads: int | None,
    prov: dict,
    parent_pid: int | None,
) -> list[JobSpec]:
    specs = []
    for job in jobs:
        declared = declared_parameters(job.notebook)
        inject = tuple(p for p in cfg.output_parameters if p in declared and p not in job.overrides)
        specs.append(
            JobSpec(
                notebook=str(job.notebook.resolve()),
                output=str(output),
                key=job.key,
                overrides=job.overrides,
                run_id=run_id,
                inject=inject,
                parameters={**job.parameters, **{name: "." for name in inject}},
                timeout=timeout,
                threads=threads,
                provenance=prov,
                configs=job.configs,
                parent_pid=parent_pid,
            )
        )
    return specs


def run(
    targets: list[str] | tuple[str, ...] = (),
    *,
    output: str | Path | None = None,
    jobs: int | None = None,
    scheduler: Any = None,
    timeout: float | None = None,
    params: dict[str, str] | None = None,
    param_files: Sequence[str | Path] = (),
    values: dict[str, Any] | None = None,
    config: str | Path | RunnerConfig | None = None,
    live: bool | None = None,
    quiet: bool = False,
    stdout=None,
    stderr=None,
) -> RunResult:
    """Run notebooks and configurations; render reports; build the gallery and results table.

    ``targets``: notebook names (``01_convergence``) or paths, configuration names from
    ``runs.toml`` (``robustness``), or other ``.toml`` files; none means the ``default``
    configuration.  ``params`` are ``-p`` texts (``{"fast": "true"}``), ``values`` typed values,
    ``param_files`` ``-f`` files.  ``jobs``: local worker processes (default: one per core).
    ``scheduler``: a Dask scheduler address (``tcp://host:8786``), ``distributed.Client`` or
    cluster object; then every notebook run is one Dask task.  ``timeout``: seconds per notebook.

    Every parameter is checked before any kernel starts (:class:`ParameterError`).  A failing
    notebook never stops the others.  SIGINT/SIGTERM stop the run gracefully; the result then
    has ``interrupted`` set (and ``exit_code`` 130/143).
    """
    from nanbei.runner.gallery import build_gallery
    from nanbei.runner.progress import Display

    started = time.perf_counter()
    cfg = config if isinstance(config, RunnerConfig) else load_config(config)
    planned = plan(
        list(targets), config=cfg, params=params, param_files=list(param_files), values=values
    )
    out = Path(output).resolve() if output is not None else cfg.output
    out.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    prov = provenance.collect(planned[0].notebook.parent)
    n_workers = max(1, jobs or default_jobs())
    local = scheduler is None
    width = min(n_workers, len(planned))
    threads = max(1, default_jobs() // width) if local and width > 1 else None
    specs = make_specs(
        planned,
        cfg,
        out,
        run_id=run_id,
        timeout=timeout,
        threads=threads,
        prov=prov,
        parent_pid=os.getpid() if local else None,
    )
    specs.sort(key=_expected_seconds, reverse=True)  # longest first: shortest makespan
    result = RunResult(run_id, out, specs)
    display = Display(specs, out, live=live, quiet=quiet, stdout=stdout, stderr=stderr)
    record_path = out / "runs" / f"{run_id}.json"

    def write_run_record(status: str) -> None:
        files.write_json(
            record_path,
            {
                "run_id": run_id,
                "status": status,
                "started_at": started_at,
                "finished": provenance.now(),
                "duration": round(time.perf_counter() - started, 1),
                "backend": "local" if local else "dask",
                "workers": n_workers if local else None,
                "provenance": prov,
                "versions": provenance.package_versions(),
                "jobs": [
                    {
                        "notebook": s.stem,
                        "set": s.key,
                        "overrides": s.overrides,
                        "status": result.status(s),
                        "duration": (result.records.get(s.job_id, {}).get("attempt") or {}).get(
                            "duration"
                        ),
                    }
                    for s in specs
                ],
            },
        )

    started_at = provenance.now()
    write_run_record("running")
    with _signals_as_interrupts(), display:
        try:
            if local:
                from nanbei.runner.local import run_local

                result.records = {}
                try:
                    result.records = run_local(
                        specs,
                        workers=n_workers,
                        log_dir=out / "runs" / "logs",
                        on_event=display.event,
                    )
                except KeyboardInterrupt as exc:
                    result.interrupted = getattr(exc, "signum", signal.SIGINT)
                    result.records = _collect(specs)
            else:
                from nanbei.runner.cluster import run_dask

                try:
                    result.records = run_dask(specs, scheduler, on_event=display.event)
                except KeyboardInterrupt as exc:
                    result.interrupted = getattr(exc, "signum", signal.SIGINT)
                    result.records = _collect(specs)
        finally:
            result.seconds = time.perf_counter() - started
            noted: list[int] = []
            with _signals_noted(lambda signum, frame: noted.append(signum)):
                _finish(result, write_run_record, build_gallery)  # also after an interrupt
            if noted and result.interrupted is None:
                result.interrupted = noted[0]
    sig = signal.Signals(result.interrupted).name if result.interrupted else None
    display.summary(
        specs, result.records, interrupted=sig, gallery=result.gallery, seconds=result.seconds
    )
    return result


def _collect(specs: list[JobSpec]) -> dict[str, dict]:
    """Records of this run's jobs, read back from disk (after an interrupt)."""
    out = {}
    for spec in specs:
        rec = files.read_json(Layout(spec).record)
        if isinstance(rec, dict) and (rec.get("attempt") or {}).get("run_id") == spec.run_id:
            out[spec.job_id] = rec
    return out


def _finish(result: RunResult, write_run_record, build_gallery) -> None:
    from nanbei import store

    status = "interrupted" if result.interrupted else ("ok" if result.ok else "failed")
    write_run_record(status)
    table = store.gather(result.output)
    target = result.output / store.RESULTS_TABLE
    files.atomic_write(target, table.to_csv(index=False))
    result.results = target
    result.gallery = build_gallery(result.output)


__all__ = ["RunResult", "run", "default_jobs", "Interrupted"]
