"""Parallel local execution: a pool of worker processes (:mod:`.worker`), one job each at a time.

Workers are started in their own session, so a Ctrl-C at the terminal reaches only the runner,
which then stops them deliberately: SIGTERM to every busy worker (each interrupts its kernel,
keeps the partial notebook and writes its record), EOF to the idle ones, and after a grace period
SIGKILL for any worker and kernel still alive.  A worker that dies (killed, out of memory) fails
only its own job, whose partial notebook is salvaged; the others go on.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypedDict

from nanbei.runner.execute import Interrupted, JobSpec, salvage
from nanbei.runner.worker import decode, encode

Event = Callable[..., None]


class _StopState(TypedDict):
    interrupted: Interrupted | None
    deadline: float | None


class _Worker:
    def __init__(self, index: int, log_path: Path, events: queue.Queue):
        self.index = index
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(log_path, "ab")  # noqa: SIM115 - kept open for the worker's life
        env = dict(os.environ, PYTHONUNBUFFERED="1", JUPYTER_PLATFORM_DIRS="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nanbei.runner.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env,
            start_new_session=os.name == "posix",
        )
        # Popen leaves a stream None only when it is not a PIPE; both are pipes here.
        if self.proc.stdin is None or self.proc.stdout is None:
            raise RuntimeError("the worker process has no stdin/stdout pipes")
        self.stdin: IO[bytes] = self.proc.stdin
        self.stdout: IO[bytes] = self.proc.stdout
        self.job: JobSpec | None = None
        self.kernel_pid: int | None = None
        self.ready = False
        self.closed = False
        self.reader = threading.Thread(target=self._read, args=(events,), daemon=True)
        self.reader.start()

    def _read(self, events: queue.Queue) -> None:
        for line in self.stdout:
            try:
                events.put((self, decode(line)))
            except Exception:  # noqa: BLE001 - a garbled line: ignore it
                continue
        events.put((self, ("eof",)))

    def send(self, message) -> bool:
        try:
            self.stdin.write(encode(message))
            self.stdin.flush()
            return True
        except (BrokenPipeError, OSError, ValueError):
            return False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(OSError, ValueError):
                self.stdin.close()

    def signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, OSError):
            self.proc.send_signal(sig)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        if self.kernel_pid:
            with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
                os.killpg(self.kernel_pid, signal.SIGKILL)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextlib.contextmanager
def _signals_noted(handler):
    """In the main thread, SIGINT and SIGTERM call ``handler`` instead of raising anywhere."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in old:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


def run_local(
    specs: list[JobSpec],
    *,
    workers: int,
    log_dir: Path,
    on_event: Event | None = None,
    grace: float = 20.0,
) -> dict[str, dict]:
    """Run ``specs`` (in the given order) on ``workers`` processes; return records by job id.

    ``on_event(kind, spec, data)`` is called with kind "start", "progress" or "done".
    SIGINT or SIGTERM (in the main thread; a KeyboardInterrupt elsewhere) stops everything
    gracefully; :class:`Interrupted` is raised once the records of the running jobs are in.
    """
    emit = on_event or (lambda *a: None)
    events: queue.Queue = queue.Queue()
    pending = deque(specs)
    records: dict[str, dict] = {}
    by_id = {s.job_id: s for s in specs}
    run_id = specs[0].run_id if specs else "run"
    pool = [
        _Worker(i, log_dir / f"{run_id}-worker{i}.log", events)
        for i in range(max(1, min(workers, len(specs))))
    ]
    alive = set(pool)
    signals: list[int] = []
    state: _StopState = {"interrupted": None, "deadline": None}

    def assign(worker: _Worker) -> None:
        if state["interrupted"] is None and pending:
            spec = pending.popleft()
            worker.job = spec
            worker.kernel_pid = None
            if worker.send(("job", spec)):
                emit("start", spec, {"worker": worker.index})
                return
            pending.appendleft(spec)
            worker.job = None
        worker.close()

    def finish(worker: _Worker, record: dict) -> None:
        spec = worker.job
        worker.job = None
        if spec is not None:
            records[spec.job_id] = record
            emit("done", spec, record)

    def stop_all() -> None:
        state["deadline"] = time.monotonic() + grace
        pending.clear()
        for w in pool:
            if w.job is not None:
                w.signal(signal.SIGTERM)
            w.close()

    def handle(worker: _Worker, message) -> None:
        kind = message[0]
        if kind == "ready":
            worker.ready = True
            assign(worker)
        elif kind == "progress":
            _, job_id, what, data = message
            if what == "kernel":
                worker.kernel_pid = data.get("pid")
            if job_id in by_id:
                emit("progress", by_id[job_id], {"kind": what, **data})
        elif kind == "done":
            finish(worker, message[2])
            assign(worker)
        elif kind == "error":
            if worker.job is not None:
                finish(worker, salvage(worker.job, f"internal error in the worker:\n{message[2]}"))
            assign(worker)
        elif kind == "eof":
            code = worker.proc.wait()
            alive.discard(worker)
            worker.log.close()
            if worker.job is not None:  # died mid-job
                finish(
                    worker,
                    salvage(
                        worker.job,
                        f"the worker process exited with code {code} "
                        f"while running the notebook (see {worker.log.name})",
                    ),
                )
            if state["interrupted"] is not None or not pending or alive:
                return
            if not worker.ready:  # no worker left, and this one could not even start
                tail = _tail(Path(worker.log.name))
                while pending:
                    spec = pending.popleft()
                    records[spec.job_id] = salvage(spec, f"the worker could not start:\n{tail}")
                    emit("done", spec, records[spec.job_id])
                return
            fresh = _Worker(len(pool), log_dir / f"{run_id}-worker{len(pool)}.log", events)
            pool.append(fresh)
            alive.add(fresh)

    def on_signal(signum, frame):  # only note it: the loop acts on it between two events
        signals.append(signum)

    with _signals_noted(on_signal):
        while alive:
            try:
                if signals and state["interrupted"] is None:
                    state["interrupted"] = Interrupted(signals[0])
                    stop_all()
                elif len(signals) > 1 and state["deadline"] is not None:
                    state["deadline"] = time.monotonic() - 1  # a second signal: no more grace
                try:
                    worker, message = events.get(timeout=0.25)
                except queue.Empty:
                    if state["deadline"] is not None and time.monotonic() > state["deadline"]:
                        for w in alive:
                            w.kill()
                        state["deadline"] = None
                    continue
                handle(worker, message)
            except KeyboardInterrupt as exc:  # outside the main thread, or the caller's handler
                signals.append(getattr(exc, "signum", signal.SIGINT))
    for w in pool:  # keep only the logs that say something
        path = Path(w.log.name)
        if path.exists() and path.stat().st_size == 0:
            path.unlink()
    if state["interrupted"] is not None:
        raise state["interrupted"]
    for spec in specs:
        if spec.job_id not in records:
            records[spec.job_id] = salvage(spec, "never started: the worker pool failed")
    return records
