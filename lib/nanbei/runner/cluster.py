"""Sweeps on a Dask distributed cluster: one task per notebook run.

``nanbei run robustness --scheduler tcp://host:8786`` submits every job as a task that calls
:func:`~nanbei.runner.execute.execute_job` on a worker.  The workers need the same environment
(this package, the project kernel ``nanbei``, the data) and must see the same output folder at
the same path (a shared file system): they write the reports there, and the runner then builds
the gallery from it.  Progress comes back as Dask events; an interrupt of the runner sets a Dask
``Event`` that every running task polls, so each stops its kernel and records itself as
interrupted, exactly as a local job does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nanbei.runner import files
from nanbei.runner.execute import JobSpec, Layout, execute_job, salvage


def dask_task(spec: JobSpec, stop_event: str, topic: str) -> dict:
    """The task run on a Dask worker for one job."""
    from distributed import Event, get_worker

    try:
        worker = get_worker()
    except ValueError:  # pragma: no cover - called outside a worker
        worker = None
    event = Event(stop_event)
    last_poll = 0.0
    reason: str | None = None

    def stop() -> str | None:
        nonlocal last_poll, reason
        now = time.monotonic()
        if now - last_poll >= 1.0:
            last_poll = now
            try:
                reason = "cancelled by the runner" if event.is_set() else None
            except Exception:  # noqa: BLE001 - scheduler gone: stop, the run is over
                reason = "lost the Dask scheduler"
        return reason

    def progress(kind: str, data: dict) -> None:
        if worker is not None:
            try:
                worker.log_event(topic, {"job_id": spec.job_id, "kind": kind, **data})
            except Exception:  # noqa: BLE001 - progress is best effort
                pass

    return execute_job(spec, stop=stop, progress=progress)


def _client(scheduler: Any):
    from distributed import Client

    if isinstance(scheduler, Client):
        return scheduler, False
    if isinstance(scheduler, (str, Path)):
        return Client(str(scheduler), set_as_default=False), True
    return Client(
        scheduler, set_as_default=False
    ), True  # a cluster object (LocalCluster, SLURMCluster)


def run_dask(
    specs: list[JobSpec],
    scheduler: Any,
    *,
    on_event: Callable[[str, JobSpec, dict], None] | None = None,
    grace: float = 30.0,
) -> dict[str, dict]:
    """Run ``specs`` as Dask tasks; return records by job id (see :func:`.local.run_local`)."""
    from distributed import Event, as_completed

    emit = on_event or (lambda *a: None)
    if not specs:
        return {}
    client, owned = _client(scheduler)
    run_id = specs[0].run_id
    topic = f"nanbei-progress-{run_id}"
    stop_event = Event(f"nanbei-stop-{run_id}", client=client)
    by_id = {s.job_id: s for s in specs}
    started: set[str] = set()

    def on_progress(event) -> None:
        _, msg = event
        spec = by_id.get(msg.get("job_id"))
        if spec is None:
            return
        if spec.job_id not in started:
            started.add(spec.job_id)
            emit("start", spec, {})
        emit("progress", spec, dict(msg))

    records: dict[str, dict] = {}
    futures = {}
    client.subscribe_topic(topic, on_progress)
    try:
        n = len(specs)
        for rank, spec in enumerate(specs):  # specs come longest first: keep that order
            fut = client.submit(
                dask_task,
                spec,
                stop_event.name,
                topic,
                pure=False,
                key=f"nanbei-{spec.stem}-{spec.key}-{spec.job_id}",
                priority=n - rank,
            )
            futures[fut] = spec
        try:
            for fut in as_completed(list(futures), loop=client.loop):
                spec = futures[fut]
                records[spec.job_id] = _result(fut, spec)
                emit("done", spec, records[spec.job_id])
        except KeyboardInterrupt:
            stop_event.set()
            deadline = time.monotonic() + grace
            try:  # tasks already on a worker stop themselves; the others are cancelled
                running = {key for keys in client.processing().values() for key in keys}
            except Exception:  # noqa: BLE001
                running = {f.key for f, s in futures.items() if s.job_id in started}
            for fut, spec in futures.items():
                if spec.job_id in records:
                    continue
                if fut.key not in running and not fut.done():
                    fut.cancel()
                    continue
                try:
                    fut.result(timeout=max(0.1, deadline - time.monotonic()))
                    records[spec.job_id] = _result(fut, spec)
                    emit("done", spec, records[spec.job_id])
                except Exception:  # noqa: BLE001 - no answer in time: cancel it
                    fut.cancel()
            raise
        _check_shared(specs, records)
        return records
    finally:
        try:
            client.unsubscribe_topic(topic)
        except Exception:  # noqa: BLE001
            pass
        if owned:
            client.close()


def _result(fut, spec: JobSpec) -> dict:
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - the task (or its worker) died
        try:
            return salvage(spec, f"Dask task failed: {type(exc).__name__}: {exc}")
        except OSError:
            return {
                "notebook": spec.stem,
                "set": spec.key,
                "status": "failed",
                "attempt": {
                    "run_id": spec.run_id,
                    "status": "failed",
                    "error": {"ename": type(exc).__name__, "evalue": str(exc)},
                },
            }


def _check_shared(specs: list[JobSpec], records: dict[str, dict]) -> None:
    """The workers' files must be visible here, or the gallery would be empty."""
    missing = [
        s
        for s in specs
        if s.job_id in records and not (files.read_json(Layout(s).record) or {}).get("attempt")
    ]
    if missing:
        raise RuntimeError(
            f"{len(missing)} job(s) ran on the cluster but their records are not in "
            f"{specs[0].output} here: the output folder must be shared with the Dask workers "
            "(same path on every machine)"
        )
