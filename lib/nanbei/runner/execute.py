"""Execute one notebook with one parameter set: the unit of work of every backend.

:func:`execute_job` runs in a local worker process, in a Dask worker, or in the caller's own
process (``nanbei.reports.run_notebook``).  It

* locks the (parameter set, notebook) pair, so two runs never write the same files at once;
* starts the project kernel itself over IPC (no "running over TCP without encryption"), in a
  private working folder (the job's staging folder: relative writes of a notebook can't race
  with another job, and are kept with its report), with ``$NANBEI_RECORD_FILE`` for
  :func:`nanbei.record` and a fixed ``PYTHONHASHSEED``;
* executes the notebook with papermill in a helper thread while the calling thread watches for
  a stop request (signal, Dask cancellation), the per-notebook timeout and the death of its
  parent: it interrupts the kernel (SIGINT: the partial notebook shows where it stopped), then
  kills it after a grace period;
* renders the reports and a thumbnail into the staging folder, then moves every file into
  place atomically (signals deferred meanwhile).  On failure, timeout or interruption nothing of
  the previous good report is touched except its status banner, which says it is stale; the
  partial notebook goes to ``failed/``;
* writes the run record ``<stem>.run.json`` (status, parameters, provenance, durations, error).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from nanbei.runner import files, provenance
from nanbei.runner.params import parameters_cell, python_literal
from nanbei.store import RECORD_ENV, RESULTS_SUFFIX

KERNEL_NAME = "nanbei"
#: Seconds a cell's output may arrive after its execute reply (papermill's default is 4).
IOPUB_TIMEOUT = 60
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Statuses of an attempt.  A parameter set's status is the latest attempt's, except that a set
# whose latest attempt did not succeed but which still has a report from an earlier good run
# is "stale".
OK, FAILED, TIMEOUT, INTERRUPTED, RUNNING, STALE = (
    "ok",
    "failed",
    "timeout",
    "interrupted",
    "running",
    "stale",
)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM, raised in the main thread (SIGTERM handled exactly like SIGINT)."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def raise_interrupted(signum, frame):  # a signal handler
    raise Interrupted(signum)


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


@dataclass
class JobSpec:
    """Everything a worker needs to run one job (picklable; paths absolute)."""

    notebook: str
    output: str
    key: str
    overrides: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    run_id: str = field(default_factory=new_run_id)
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    inject: tuple[str, ...] = ()  # output parameters pointed at the job's own folder
    timeout: float | None = None
    threads: int | None = None  # BLAS/OpenMP threads per kernel (None: leave as is)
    layout: str = "sets"  # "sets": <output>/<key>/<stem>.*; "legacy": executed/ reports/ failed/
    variants: tuple[str, ...] = ("reader", "code")
    provenance: dict[str, Any] = field(default_factory=dict)
    configs: list[str] = field(default_factory=list)
    start_timeout: float = 120.0
    grace: float = 5.0
    parent_pid: int | None = None

    @property
    def stem(self) -> str:
        return Path(self.notebook).stem

    @property
    def label(self) -> str:
        return f"{self.stem} [{self.key}]"

    def to_dict(self) -> dict:
        return asdict(self)


class Layout:
    """Where a job's files go."""

    def __init__(self, spec: JobSpec):
        out, stem = Path(spec.output), spec.stem
        if spec.layout == "legacy":
            self.folder = out / "executed"
            self.executed = self.folder / f"{stem}.ipynb"
            self.html = {
                "reader": out / "reports" / f"{stem}.html",
                "code": out / "reports" / f"{stem}.html",
            }
            self.failed = out / "failed" / f"{stem}.ipynb"
            self.thumbnail = None
        else:
            self.folder = out / spec.key
            self.executed = self.folder / f"{stem}.ipynb"
            self.html = {
                "reader": self.folder / f"{stem}.html",
                "code": self.folder / f"{stem}.code.html",
            }
            self.failed = self.folder / "failed" / f"{stem}.ipynb"
            self.thumbnail = self.folder / f"{stem}.png"
        self.results = self.folder / f"{stem}{RESULTS_SUFFIX}"
        self.record = self.folder / f"{stem}.run.json"
        self.staging_root = self.folder / ".staging"
        self.staging = self.staging_root / f"{stem}-{spec.run_id}-{spec.job_id}"
        self.lock = self.staging_root / f"{stem}.lock"
        self.stem = stem

    def internal_names(self) -> set[str]:
        names = {self.executed.name, self.results.name, self.record.name}
        names |= {p.name for p in self.html.values()}
        if self.thumbnail:
            names.add(self.thumbnail.name)
        return names


# --- the kernel --------------------------------------------------------------------------------


def _kernel_manager_class():
    from jupyter_client import AsyncKernelManager

    class ProjectKernelManager(AsyncKernelManager):
        """The project kernel, shut down without the SIGINT that jupyter_client sends first.

        jupyter_client interrupts a kernel before every shutdown; after a clean run there is
        nothing to interrupt, and the signal only makes ipykernel print "KeyboardInterrupt
        caught in kernel" now and then.
        """

        async def _async_interrupt_kernel(self):
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return ProjectKernelManager


def kernel_env(spec: JobSpec, staging: Path) -> dict[str, str]:
    env = dict(os.environ)
    env[RECORD_ENV] = str(staging / f"{spec.stem}{RESULTS_SUFFIX}")
    env["NANBEI_RUN_ID"] = spec.run_id
    env["NANBEI_PARAMETER_SET"] = spec.key
    env["PYTHONHASHSEED"] = "0"  # hash-ordered iteration is the same on every rerun
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    if spec.threads:
        for name in THREAD_VARIABLES:
            env.setdefault(name, str(spec.threads))
    return env


class _Stopped(Exception):
    """Raised inside the execution thread to stop before the next cell."""


@dataclass
class _State:
    km: Any = None
    kernel_pid: int | None = None
    error: BaseException | None = None
    stop_reason: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    cells_done: int = 0
    started: float = 0.0
    current_cell: int | None = None


def _kill_kernel(state: _State, sig: int) -> None:
    pid = state.kernel_pid
    if not pid:
        return
    try:
        if sig == signal.SIGINT:
            os.kill(pid, sig)
        else:  # kernels run in their own session: take their children along
            os.killpg(pid, sig) if hasattr(os, "killpg") else os.kill(pid, sig)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _execute_in_thread(
    spec: JobSpec,
    nb,
    out_path: Path,
    staging: Path,
    state: _State,
    emit: Callable[[str, dict], None],
    n_code: int,
) -> None:
    import asyncio

    import papermill
    from jupyter_core.utils import ensure_event_loop

    runtime = Path(tempfile.mkdtemp(prefix="nanbei-k-"))
    loop = ensure_event_loop()
    km = None
    try:
        manager = _kernel_manager_class()
        options: dict[str, Any] = {"kernel_name": KERNEL_NAME}
        if os.name == "posix":  # IPC sockets in a private 0700 folder; TCP elsewhere
            options.update(
                transport="ipc", ip=str(runtime / "k"), connection_file=str(runtime / "kernel.json")
            )
        km = manager(**options)
        state.km = km
        loop.run_until_complete(km.start_kernel(cwd=str(staging), env=kernel_env(spec, staging)))
        state.kernel_pid = getattr(km.provisioner, "pid", None)
        emit("kernel", {"pid": state.kernel_pid, "cells": n_code})
        if state.stop_reason:
            raise _Stopped(state.stop_reason)

        def on_cell_start(cell, cell_index, **_):
            if state.stop_reason:
                raise _Stopped(state.stop_reason)
            if cell.cell_type == "code" and cell.source.strip():
                state.current_cell = cell_index
                emit("cell", {"index": cell_index, "done": state.cells_done, "cells": n_code})

        def on_cell_executed(cell, cell_index, **_):
            state.cells_done += 1
            emit("cell", {"index": cell_index, "done": state.cells_done, "cells": n_code})

        papermill.execute_notebook(
            nb,
            str(out_path),
            parameters=None,
            kernel_name=KERNEL_NAME,
            km=km,
            progress_bar=False,
            log_output=False,
            start_timeout=spec.start_timeout,
            # papermill fails a cell whose output arrives more than 4 s after its reply (its
            # default); on a loaded machine (CI's 2 cores, notebooks in parallel) that is a
            # false failure, while a hung cell is caught by the notebook timeout.
            iopub_timeout=IOPUB_TIMEOUT,
            on_cell_start=on_cell_start,
            on_cell_executed=on_cell_executed,
        )
    except BaseException as exc:  # noqa: BLE001 - reported by the watching thread
        state.error = exc
    finally:
        if km is not None:
            try:
                if loop.run_until_complete(km.is_alive()):
                    loop.run_until_complete(km.shutdown_kernel(now=bool(state.stop_reason)))
                else:
                    loop.run_until_complete(km.cleanup_resources())
            except BaseException:  # noqa: BLE001 - the kernel must not outlive the job
                _kill_kernel(state, signal.SIGKILL)
        shutil.rmtree(runtime, ignore_errors=True)
        with contextlib.suppress(Exception):
            loop.close()
        asyncio.set_event_loop(None)
        state.done.set()


def _strip(text: str) -> str:
    return _ANSI.sub("", text)


def error_info(exc: BaseException | None, reason: str | None, spec: JobSpec) -> dict:
    """A short, unambiguous description of what went wrong."""
    from papermill.exceptions import PapermillExecutionError

    info: dict[str, Any] = {}
    if isinstance(exc, PapermillExecutionError):
        source = (exc.source or "").strip().splitlines()
        info.update(
            ename=exc.ename,
            evalue=_strip(str(exc.evalue)),
            cell=exc.exec_count,
            cell_index=exc.cell_index,
            source=source[0][:200] if source else "",
            traceback=_strip("\n".join(exc.traceback))[-6000:],
        )
    elif isinstance(exc, _Stopped) or exc is None:
        info.update(ename="Stopped", evalue=reason or "stopped")
    else:
        name = type(exc).__name__
        text = _strip(str(exc))
        if name == "NoSuchKernel":
            text += (
                f" (the project kernel {KERNEL_NAME!r} is not registered for this "
                "environment: run `make env`)"
            )
        info.update(ename=name, evalue=text[-2000:])
    if reason == TIMEOUT:
        info["reason"] = f"timeout: exceeded {spec.timeout:g} s"
    elif reason:
        info["reason"] = reason
    return info


def error_line(info: dict) -> str:
    """One line: the error, the cell it happened in, and why the run stopped."""
    where = f" at cell In[{info['cell']}]" if info.get("cell") else ""
    reason = f" ({info['reason']})" if info.get("reason") else ""
    evalue = str(info.get("evalue") or "").strip().splitlines()
    text = f"{info.get('ename')}: {evalue[0]}" if evalue else str(info.get("ename"))
    return text[:300] + where + reason


def _when(iso: str | None) -> str:
    return (iso or "")[:19].replace("T", " ")


# --- one job -----------------------------------------------------------------------------------


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM (main thread only) while files are moved into place."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    old: dict[signal.Signals, Callable[[int, FrameType | None], Any] | int | None] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            old[sig] = signal.signal(sig, lambda s, f: pending.append(s))
        except (ValueError, OSError):
            pass
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        for signum in pending:
            signal.raise_signal(signum)


@contextlib.contextmanager
def _terminate_as_interrupt():
    """In the main thread, SIGTERM (when nobody handles it) raises like SIGINT does."""
    installed = False
    if threading.current_thread() is threading.main_thread():
        try:
            if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
                signal.signal(signal.SIGTERM, raise_interrupted)
                installed = True
        except (ValueError, OSError):
            pass
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


class _Lock:
    """An exclusive lock on one (parameter set, notebook) pair, across processes."""

    def __init__(self, path: Path):
        self.path = path
        self.fh: TextIO | None = None

    def __enter__(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.fh = open(self.path, "a+")  # noqa: SIM115 - held for the job's duration
        try:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - Windows: no lock
            return True
        except OSError:
            fh.close()
            self.fh = None
            return False
        return True

    def __exit__(self, *exc):
        if self.fh is not None:
            self.fh.close()


def _prepare_notebook(spec: JobSpec):
    import nbformat

    nb = nbformat.read(spec.notebook, as_version=4)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    values = dict(spec.overrides)
    values.update({name: "." for name in spec.inject})
    if values:
        lines = ["# Parameters set by nanbei run"]
        lines += [f"{name} = {python_literal(value)}" for name, value in values.items()]
        cell = nbformat.v4.new_code_cell("\n".join(lines))
        cell.metadata["tags"] = ["injected-parameters"]
        if (nb.nbformat, nb.nbformat_minor) < (4, 5):
            cell.pop("id", None)
        found = parameters_cell(nb)
        nb.cells.insert(found[0] + 1 if found else 0, cell)
    nb.metadata["nanbei"] = {
        "set": spec.key,
        "run_id": spec.run_id,
        "overrides": {k: repr(v) for k, v in spec.overrides.items()},
    }
    return nb


def _base_record(spec: JobSpec, previous: dict | None) -> dict:
    rec = dict(previous or {})
    rec.update(
        notebook=spec.stem,
        source=spec.notebook,
        set=spec.key,
        overrides=spec.overrides,
        parameters=spec.parameters,
        injected={name: "." for name in spec.inject},
        configs=spec.configs,
    )
    rec.setdefault("report", None)
    return rec


def _links(spec: JobSpec, layout: Layout, has_results: bool) -> dict[str, str]:
    if spec.layout == "legacy":
        return {"notebook (.ipynb)": f"../executed/{layout.executed.name}"}
    links = {
        "reader's version": layout.html["reader"].name,
        "with code": layout.html["code"].name,
        "notebook (.ipynb)": layout.executed.name,
    }
    if has_results:
        links["numbers (.json)"] = layout.results.name
    links["gallery"] = "../index.html"
    return {
        k: v
        for k, v in links.items()
        if not (k == "with code" and "code" not in spec.variants)
        and not (k == "reader's version" and "reader" not in spec.variants)
    }


def execute_job(
    spec: JobSpec,
    stop: Callable[[], str | None] | None = None,
    progress: Callable[[str, dict], None] | None = None,
) -> dict:
    """Run one job; return its run record (also written to ``<stem>.run.json``).

    ``stop`` is polled; a non-empty return value (the reason) stops the job.  ``progress``
    receives events ``("kernel"|"cell"|"render", data)``.  In the main thread, SIGINT and SIGTERM
    stop the job the same way, and are re-raised as :class:`Interrupted` once the record is
    written.
    """
    layout = Layout(spec)
    emit = progress or (lambda kind, data: None)
    layout.folder.mkdir(parents=True, exist_ok=True)
    started_wall, t0 = provenance.now(), time.perf_counter()
    with _Lock(layout.lock) as locked:
        if not locked:
            return {
                "notebook": spec.stem,
                "set": spec.key,
                "status": FAILED,
                "busy": True,
                "attempt": {
                    "run_id": spec.run_id,
                    "status": FAILED,
                    "started": started_wall,
                    "finished": provenance.now(),
                    "duration": 0.0,
                    "error": {
                        "ename": "Busy",
                        "evalue": "another run is executing this notebook and parameter set",
                    },
                },
            }
        for old in layout.staging_root.glob(f"{spec.stem}-*"):  # left by a killed run
            shutil.rmtree(old, ignore_errors=True)
        staging = layout.staging
        staging.mkdir(parents=True)
        record = _base_record(spec, files.read_json(layout.record))
        record["attempt"] = {
            "run_id": spec.run_id,
            "status": RUNNING,
            "started": started_wall,
            **provenance.host(),
        }
        record["status"] = RUNNING
        files.write_json(layout.record, record)
        raised: BaseException | None = None
        try:
            status, info, exec_seconds, raised = _run(spec, layout, staging, stop, emit)
            render_seconds = 0.0
            if status == OK:
                r0 = time.perf_counter()
                try:
                    emit("render", {})
                    produced = _render(spec, layout, staging, exec_seconds, started_wall, t0)
                except Exception as exc:  # noqa: BLE001 - a render failure fails the job
                    status, info = (
                        FAILED,
                        {
                            "ename": type(exc).__name__,
                            "evalue": f"rendering the report failed: {exc}",
                        },
                    )
                render_seconds = time.perf_counter() - r0
            attempt = record["attempt"]
            attempt.update(
                status=status,
                finished=provenance.now(),
                duration=round(time.perf_counter() - t0, 3),
                execution=round(exec_seconds, 3),
                render=round(render_seconds, 3),
                **{k: spec.provenance.get(k) for k in ("commit", "dirty", "data_hash")},
                versions=provenance.package_versions(),
            )
            with signals_deferred():
                if status == OK:
                    _promote(spec, layout, staging, produced, record)
                else:
                    attempt["error"] = info
                    _keep_failure(spec, layout, staging, record)
                files.write_json(layout.record, record)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            with contextlib.suppress(OSError):
                layout.staging_root.rmdir()  # only if empty
    if raised is not None:
        raise raised
    return record


def _run(spec: JobSpec, layout: Layout, staging: Path, stop, emit):
    """Execute in a helper thread; watch it.

    Returns (status, error info, seconds, the Interrupted to re-raise or None)."""
    nb = _prepare_notebook(spec)
    n_code = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())
    out_path = staging / layout.executed.name
    state = _State(started=time.perf_counter())
    thread = threading.Thread(
        target=_execute_in_thread,
        name=f"nanbei-{spec.job_id}",
        args=(spec, nb, out_path, staging, state, emit, n_code),
        daemon=True,
    )
    reason: str | None = None
    to_raise: Interrupted | None = None
    interrupted_at: float | None = None
    killed_at: float | None = None
    deadline = state.started + spec.timeout if spec.timeout else None

    def begin(why: str):
        nonlocal reason, interrupted_at
        reason = why
        state.stop_reason = why
        interrupted_at = time.perf_counter()
        _kill_kernel(state, signal.SIGINT)

    with _terminate_as_interrupt():
        thread.start()
        while not state.done.is_set():
            try:
                state.done.wait(0.2)
                now = time.perf_counter()
                if reason is None:
                    why = stop() if stop else None
                    if why:
                        begin(str(why))
                    elif deadline and now > deadline:
                        begin(TIMEOUT)
                    elif spec.parent_pid and os.getppid() != spec.parent_pid:
                        begin("the runner that started this job exited")
                # interrupted_at is set whenever reason is (begin); the None test is for mypy.
                elif (
                    killed_at is None
                    and interrupted_at is not None
                    and now - interrupted_at > spec.grace
                ):
                    killed_at = now
                    _kill_kernel(state, signal.SIGKILL)
                elif killed_at is not None and now - killed_at > spec.grace + 10:
                    break  # the thread is stuck outside the kernel: give up on it
            except KeyboardInterrupt as exc:
                if to_raise is None:
                    to_raise = exc if isinstance(exc, Interrupted) else Interrupted(signal.SIGINT)
                if reason is None:
                    begin(signal.Signals(to_raise.signum).name)
                else:  # a second signal: no more grace
                    killed_at = time.perf_counter()
                    _kill_kernel(state, signal.SIGKILL)
    seconds = time.perf_counter() - state.started
    if state.error is None and state.done.is_set():
        return OK, {}, seconds, to_raise  # finished (even if a stop came at the very end)
    status = TIMEOUT if reason == TIMEOUT else INTERRUPTED if reason else FAILED
    if not out_path.exists():  # failed before papermill wrote anything: keep what was attempted
        import nbformat

        nbformat.write(nb, str(out_path))
    info = error_info(state.error, reason, spec)
    if "cell_index" not in info and state.current_cell is not None:
        info["cell_index"] = state.current_cell  # where it was when the kernel was stopped
    return status, info, seconds, to_raise


def _render(
    spec: JobSpec, layout: Layout, staging: Path, exec_seconds: float, started: str, t0: float
) -> dict[str, Path]:
    import nbformat

    from nanbei.runner import render

    executed = staging / layout.executed.name
    nb = nbformat.read(executed, as_version=4)
    title = render.notebook_title(nb, spec.stem)
    results_file = staging / layout.results.name
    doc = files.read_json(results_file) or {}
    records = doc.get("records", [])
    finished = provenance.now()
    meta = {
        "run_id": spec.run_id,
        "finished": finished,
        **{k: spec.provenance.get(k) for k in ("commit", "dirty", "data_hash")},
    }
    files.write_json(
        results_file,
        {
            "notebook": spec.stem,
            "set": spec.key,
            "title": title,
            "parameters": spec.parameters,
            "overrides": spec.overrides,
            "run": meta,
            "records": records,
        },
    )
    produced = {"executed": executed, "results": results_file}
    info = {
        "notebook": spec.stem,
        "set": spec.key,
        "parameters": spec.parameters,
        "overrides": spec.overrides,
        "injected": {n: "." for n in spec.inject},
        "finished": finished,
        "duration": time.perf_counter() - t0,
        "host": provenance.host()["host"],
        **meta,
    }
    banner = render.status_banner(
        OK,
        f"Current: the latest run of this notebook and parameter "
        f"set (run {spec.run_id}, {_when(finished)}) succeeded.",
    )
    header = render.header_html(info, _links(spec, layout, bool(records)), banner)
    for variant in spec.variants:
        target = staging / f"{variant}.html"
        files.atomic_write(
            target, render.render_html(nb, with_code=variant == "code", title=title, header=header)
        )
        produced[f"html:{variant}"] = target
    if layout.thumbnail is not None:
        thumb = staging / layout.thumbnail.name
        if render.thumbnail(nb, thumb):
            produced["thumbnail"] = thumb
    produced["title"] = title  # type: ignore[assignment]
    return produced


def _promote(spec: JobSpec, layout: Layout, staging: Path, produced: dict, record: dict) -> None:
    internal = {Path(p).name for k, p in produced.items() if k != "title"}
    extras = sorted(
        p for p in staging.iterdir() if p.name not in internal and not p.name.startswith(".")
    )
    moved: dict[str, str] = {}
    for item in extras:  # files the notebook wrote (relative paths, export_dir)
        target = layout.folder / item.name
        if item.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        files.move_into_place(item, target)
        moved[item.name] = item.name
    files.move_into_place(produced["executed"], layout.executed)
    files.move_into_place(produced["results"], layout.results)
    html = {}
    for variant in spec.variants:
        files.move_into_place(produced[f"html:{variant}"], layout.html[variant])
        html[variant] = _rel(layout.html[variant], layout.folder)
    thumb = None
    if layout.thumbnail is not None:  # a thumbnail is produced only when the layout has one
        if "thumbnail" in produced:
            files.move_into_place(produced["thumbnail"], layout.thumbnail)
            thumb = layout.thumbnail.name
        else:
            layout.thumbnail.unlink(missing_ok=True)
    layout.failed.unlink(missing_ok=True)  # a success clears the failure it replaces
    with contextlib.suppress(OSError):
        layout.failed.parent.rmdir()
    attempt = record["attempt"]
    record["status"] = OK
    record["title"] = produced["title"]
    record["failed_notebook"] = None
    n_records = len((files.read_json(layout.results) or {}).get("records", []))
    record["report"] = {
        "run_id": spec.run_id,
        "finished": attempt["finished"],
        "duration": attempt["duration"],
        "commit": spec.provenance.get("commit"),
        "dirty": spec.provenance.get("dirty"),
        "data_hash": spec.provenance.get("data_hash"),
        "files": {
            "html": html,
            "notebook": layout.executed.name,
            "results": layout.results.name,
            "thumbnail": thumb,
            "extras": sorted(moved),
        },
        "records": n_records,
        "slowest_cells": _slowest_cells(layout.executed),
    }


def _rel(path: Path, base: Path) -> str:
    return os.path.relpath(path, base).replace(os.sep, "/")


def _slowest_cells(path: Path, n: int = 3) -> list[dict]:
    doc = files.read_json(path) or {}
    timed = []
    for index, cell in enumerate(doc.get("cells", [])):
        pm = cell.get("metadata", {}).get("papermill", {})
        if pm.get("duration") is not None and cell.get("cell_type") == "code":
            timed.append(
                {
                    "cell": cell.get("execution_count"),
                    "index": index,
                    "seconds": round(pm["duration"], 3),
                }
            )
    return sorted(timed, key=lambda c: -c["seconds"])[:n]


def _keep_failure(spec: JobSpec, layout: Layout, staging: Path, record: dict) -> None:
    from nanbei.runner import render

    attempt = record["attempt"]
    partial = staging / layout.executed.name
    if partial.exists():
        files.move_into_place(partial, layout.failed)
        record["failed_notebook"] = _rel(layout.failed, layout.folder)
        attempt["partial"] = record["failed_notebook"]
    report = record.get("report")
    if report and layout.executed.exists():
        record["status"] = STALE
        text = (
            f"Stale: the latest run of this notebook and parameter set ({_when(attempt['finished'])}, "
            f"run {spec.run_id}) {attempt['status']}: {error_line(attempt.get('error', {}))}. "
            f"This report is from the earlier run {report.get('run_id')} "
            f"({_when(report.get('finished'))})."
        )
        for path in set(layout.html.values()):
            render.mark_stale(path, text)
    else:
        record["status"] = attempt["status"]
        record["report"] = None


def salvage(spec: JobSpec, why: str) -> dict:
    """Record a job whose worker died (killed, out of memory): keep its partial notebook, mark
    the previous report stale.  Called by the runner, not the (dead) worker."""
    layout = Layout(spec)
    record = _base_record(spec, files.read_json(layout.record))
    attempt = record.get("attempt") or {}
    if attempt.get("run_id") != spec.run_id:
        attempt = {"run_id": spec.run_id, "started": provenance.now()}
    attempt.update(
        status=FAILED, finished=provenance.now(), error={"ename": "WorkerDied", "evalue": why}
    )
    attempt.setdefault("duration", 0.0)
    record["attempt"] = attempt
    staging = layout.staging
    with signals_deferred():
        _keep_failure(spec, layout, staging, record)
        files.write_json(layout.record, record)
    shutil.rmtree(staging, ignore_errors=True)
    return record


def status_of(record: dict) -> str:
    return record.get("status") or (record.get("attempt") or {}).get("status") or FAILED
