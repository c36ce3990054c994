"""A long-lived local worker: ``python -m nanbei.runner.worker`` (started by :mod:`.local`).

It imports papermill and nbconvert once (about 3 s, mostly nbformat's schema machinery), then
runs the jobs it is sent one after another.  Protocol: one base64-encoded pickle per line; the
runner sends ``("job", JobSpec)`` or ``("exit",)`` on stdin, the worker answers ``("ready",
pid)``, ``("progress", job_id, kind, data)`` and ``("done", job_id, record)`` on a private copy
of its stdout (file descriptor 1 itself is pointed at stderr, so that stray prints of libraries
cannot corrupt the protocol; stderr goes to a log file).

SIGTERM and SIGINT stop the running job gracefully (the kernel is interrupted, the partial
notebook kept, the record written), after which the worker exits.
"""

from __future__ import annotations

import base64
import os
import pickle
import signal
import sys
import threading
import traceback


def encode(obj) -> bytes:
    return base64.b64encode(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)) + b"\n"


def decode(line: bytes):
    return pickle.loads(base64.b64decode(line))


def main() -> int:
    proto = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    lock = threading.Lock()

    def send(obj) -> None:
        data = encode(obj)
        with lock:
            try:
                proto.write(data)
            except (BrokenPipeError, OSError):  # the runner is gone
                pass

    reason: list[str] = []

    def on_signal(signum, frame):
        reason.append(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    import papermill  # noqa: F401 - warm up: the slow imports happen once per worker

    from nanbei.runner import render
    from nanbei.runner.execute import execute_job

    render._exporter(False)
    render._exporter(True)
    send(("ready", os.getpid()))
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        message = decode(line)
        if message[0] != "job":
            break
        spec = message[1]

        def stop() -> str | None:
            return reason[0] if reason else None

        def progress(kind: str, data: dict, _id: str = spec.job_id) -> None:
            send(("progress", _id, kind, data))

        try:
            record = execute_job(spec, stop=stop, progress=progress)
        except Exception:  # noqa: BLE001 - a bug in the runner: report it, keep serving
            send(("error", spec.job_id, traceback.format_exc()))
            continue
        send(("done", spec.job_id, record))
        if reason:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
