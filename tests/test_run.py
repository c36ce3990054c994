"""`nanbei run` end to end on throwaway notebooks: failures, signals, staleness, sweeps, Dask."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_run_support import nanbei, tiny_project

from nanbei import store
from nanbei.runner import config, run

ROOT = Path(__file__).resolve().parents[1]
NOISE = ("Kernel is running over TCP without encryption", "KeyboardInterrupt caught in kernel")


def record(folder: Path, stem: str) -> dict:
    return json.loads((folder / f"{stem}.run.json").read_text())


def banner(html: Path) -> str:
    text = html.read_text(encoding="utf-8")
    return re.search(r"<!-- nanbei:status -->(.*?)<!-- /nanbei:status -->", text, re.S).group(1)


def logs(out: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in (out / "runs" / "logs").glob("*.log"))


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    """The default configuration of the tiny project, run once (all three succeed)."""
    project = tiny_project(tmp_path_factory.mktemp("done"))
    result = nanbei(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project, result


def test_default_run_reports_titles_provenance_and_permissions(done):
    project, result = done
    out = project / "out" / "default"
    assert len(re.findall(r"^ok ", result.stdout, re.M)) == 3 and "gallery" in result.stdout
    for stem in ("01_ok", "02_toggle", "04_ledger"):
        for name in (
            f"{stem}.html",
            f"{stem}.code.html",
            f"{stem}.ipynb",
            f"{stem}.results.json",
            f"{stem}.run.json",
        ):
            path = out / name
            assert path.exists(), name
            assert path.stat().st_mode & 0o777 == 0o644, f"{name} is not readable by others"
    reader = (out / "01_ok.html").read_text(encoding="utf-8")
    code = (out / "01_ok.code.html").read_text(encoding="utf-8")
    assert "<title>One · A tiny notebook</title>" in reader  # not "Notebook"
    assert "default_rng" in code and "default_rng" not in reader  # code only in one
    for needle in (
        "Parameters",
        "<code>x=1</code>",
        "<code>label='a'</code>",
        "Parameter set",
        "<code>default</code>",
        "<dt>Data</dt>",
        "<dt>Run</dt>",
        "(the notebook's defaults)",
        "not a git checkout",
        'href="../index.html"',
    ):
        assert needle in reader, needle
    rec = record(out, "01_ok")
    assert rec["status"] == "ok" and rec["attempt"]["status"] == "ok"
    assert rec["attempt"]["data_hash"] and rec["attempt"]["versions"]["papermill"]
    assert (
        rec["attempt"]["finished"] in reader[:200_000].replace("T", " ")
        or rec["attempt"]["finished"][:16].replace("T", " ") in reader
    )
    assert rec["report"]["duration"] > 0 and rec["parameters"] == {
        "x": 1,
        "label": "a",
        "seed": 7,
        "fast": False,
    }
    # 04's export_dir pointed at its own folder: the ledger sits beside the reports
    assert (out / "claims_ledger.json").exists() and (out / "claims_ledger.csv").exists()
    assert rec["report"]["files"]["thumbnail"] == "01_ok.png" and (out / "01_ok.png").exists()
    assert not list(out.rglob(".*.tmp")) and not list((out / ".staging").glob("*-*"))


def test_terminal_and_logs_carry_no_kernel_noise(done):
    project, result = done
    text = result.stdout + result.stderr + logs(project / "out")
    for noise in NOISE:
        assert noise not in text
    assert "\x1b[" not in result.stdout  # no live display when the output is not a terminal


def test_results_are_recorded_gathered_and_seeded_reruns_agree(done, tmp_path):
    project, _ = done
    table = store.load_results(project / "out")
    row = table[(table["notebook"] == "01_ok") & (table["name"] == "double")].iloc[0]
    assert row["value"] == 2 and row["unit"] == "units" and row["basis"] == "test"
    assert row["param.x"] == 1 and row["status"] == "ok"
    csv = (project / "out" / store.RESULTS_TABLE).read_text()
    assert "double" in csv and "answer" in csv
    first = json.loads((project / "out" / "default" / "01_ok.results.json").read_text())
    again = nanbei(project, "01_ok", "--output", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    second = json.loads((tmp_path / "again" / "default" / "01_ok.results.json").read_text())

    def values(doc):
        return {r["name"]: r["value"] for r in doc["records"] if r["name"] != "omp_threads"}

    assert values(first) == values(second)  # the seeded draw and the hash of a str agree
    assert first["run"]["run_id"] != second["run"]["run_id"]


def test_a_failure_leaves_others_done_keeps_the_last_good_report_marked_stale(tmp_path):
    project = tiny_project(tmp_path)
    out = project / "out" / "default"
    assert nanbei(project).returncode == 0
    good_nb = (out / "02_toggle.ipynb").read_bytes()
    good_html = (out / "02_toggle.html").read_text(encoding="utf-8")
    assert "succeeded" in banner(out / "02_toggle.html")

    failed = nanbei(project, env={"NANBEI_TEST_FAIL": "1"})
    assert failed.returncode == 1
    # the others completed in the same run
    run_ids = {
        stem: record(out, stem)["attempt"]["run_id"] for stem in ("01_ok", "02_toggle", "04_ledger")
    }
    assert len(set(run_ids.values())) == 1
    assert record(out, "01_ok")["status"] == "ok" and record(out, "04_ledger")["status"] == "ok"
    # the failing cell and error on the terminal
    assert "FAILED" in failed.stderr and "02_toggle [default]" in failed.stderr
    assert "RuntimeError: boom in the toggle notebook" in failed.stderr
    assert "failing cell: In[3]" in failed.stderr and "partial notebook:" in failed.stderr
    # the previous good report is intact, and says it is stale
    assert (out / "02_toggle.ipynb").read_bytes() == good_nb
    stale = (out / "02_toggle.html").read_text(encoding="utf-8")
    assert "Stale: the latest run" in banner(out / "02_toggle.html") and "boom" in banner(
        out / "02_toggle.html"
    )
    assert stale.replace(banner(out / "02_toggle.html"), "") == good_html.replace(
        banner_text(good_html), ""
    )
    assert "Stale" in banner(out / "02_toggle.code.html")
    rec = record(out, "02_toggle")
    assert rec["status"] == "stale" and rec["attempt"]["status"] == "failed"
    assert (
        rec["attempt"]["error"]["ename"] == "RuntimeError" and rec["attempt"]["error"]["cell"] == 3
    )
    partial = out / "failed" / "02_toggle.ipynb"
    assert partial.exists() and "boom in the toggle notebook" in partial.read_text()
    gallery = (project / "out" / "index.html").read_text(encoding="utf-8")
    assert 'class="card stale"' in gallery and "boom in the toggle notebook" in gallery
    # a later success clears the failure
    assert nanbei(project, "02_toggle").returncode == 0
    assert not partial.exists() and record(out, "02_toggle")["status"] == "ok"
    assert "succeeded" in banner(out / "02_toggle.html")


def banner_text(html: str) -> str:
    return re.search(r"<!-- nanbei:status -->(.*?)<!-- /nanbei:status -->", html, re.S).group(1)


def test_a_first_failure_leaves_no_report(tmp_path):
    project = tiny_project(tmp_path)
    res = nanbei(project, "02_toggle", env={"NANBEI_TEST_FAIL": "1"})
    assert res.returncode == 1
    out = project / "out" / "default"
    assert not (out / "02_toggle.html").exists() and not (out / "02_toggle.ipynb").exists()
    assert record(out, "02_toggle")["status"] == "failed"
    assert (out / "failed" / "02_toggle.ipynb").exists()


def test_other_parameters_never_overwrite_the_default_report(done, tmp_path):
    project = tiny_project(tmp_path)
    assert nanbei(project, "01_ok").returncode == 0
    default = project / "out" / "default" / "01_ok.html"
    before = default.read_bytes()
    res = nanbei(project, "01_ok", "-p", "x=5", "-p", "label=other")
    assert res.returncode == 0, res.stderr
    assert default.read_bytes() == before
    (other,) = [p for p in (project / "out").glob("label-other_x-5-*") if p.is_dir()]
    assert "x=5" in (other / "01_ok.html").read_text(encoding="utf-8")
    assert json.loads((other / "01_ok.results.json").read_text())["records"][0]["value"] == 10


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_run_cleanly_and_keeps_the_good_report(sig, tmp_path):
    project = tiny_project(tmp_path)
    out = project / "out" / "default"
    first = nanbei(project, "03_sleep", env={"NANBEI_TEST_SLEEP": "0.2"})
    assert first.returncode == 0, first.stderr
    good = (out / "03_sleep.ipynb").read_bytes()
    marker = tmp_path / "started.json"
    env = dict(os.environ, NANBEI_TEST_MARKER=str(marker))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nanbei",
            "run",
            "--config",
            str(project / "runs.toml"),
            "--no-progress",
            "03_sleep",
        ],
        cwd=project,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert marker.exists(), "the notebook never started"
        time.sleep(0.5)
        kernel = json.loads(marker.read_text())
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)  # what Ctrl-C at a terminal does: the whole foreground group
        else:
            proc.send_signal(sig)  # what `kill` does
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 128 + sig, stdout + stderr
    assert f"interrupted ({signal.Signals(sig).name})" in stderr
    rec = record(out, "03_sleep")
    assert rec["status"] == "stale" and rec["attempt"]["status"] == "interrupted"
    assert (out / "03_sleep.ipynb").read_bytes() == good
    assert "interrupted" in banner(out / "03_sleep.html")
    partial = (out / "failed" / "03_sleep.ipynb").read_text()
    assert "KeyboardInterrupt" in partial  # the kernel was interrupted in its cell
    # nothing left behind: no kernel, no connection file, no hidden partial notebook
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.kill(kernel["pid"], 0)
    assert not Path(kernel["connection_file"]).exists()
    assert not Path(kernel["cwd"]).exists()
    assert not [
        p
        for p in out.rglob("*")
        if p.name.startswith(".") and p.is_file() and not p.name.endswith(".lock")
    ]
    assert (
        "interrupted"
        in json.loads(sorted((project / "out" / "runs").glob("*.json"))[-1].read_text())["status"]
    )


def test_timeout_per_notebook(tmp_path):
    project = tiny_project(tmp_path)
    t0 = time.monotonic()
    res = nanbei(project, "03_sleep", "01_ok", "--timeout", "4", "--jobs", "1")
    assert time.monotonic() - t0 < 45
    assert res.returncode == 1
    assert "TIMEOUT" in res.stderr and "timeout: exceeded 4 s" in res.stderr
    out = project / "out" / "default"
    assert record(out, "03_sleep")["status"] == "timeout" and record(out, "01_ok")["status"] == "ok"
    assert (out / "failed" / "03_sleep.ipynb").exists()


def test_a_worker_that_dies_fails_only_its_own_notebook(tmp_path):
    from test_run_support import make_notebook

    project = tiny_project(tmp_path)
    make_notebook(
        project / "notebooks" / "05_crash.ipynb",
        "x = 1",
        ["import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"],
        "Crashes its worker",
    )
    res = nanbei(project, "05_crash", "01_ok", "02_toggle", "--jobs", "2")
    assert res.returncode == 1
    out = project / "out" / "default"
    rec = record(out, "05_crash")
    assert rec["status"] == "failed" and rec["attempt"]["error"]["ename"] == "WorkerDied"
    assert record(out, "01_ok")["status"] == "ok" and record(out, "02_toggle")["status"] == "ok"


def test_kernels_share_the_cores_when_notebooks_run_in_parallel(tmp_path):
    if "OMP_NUM_THREADS" in os.environ:
        pytest.skip("OMP_NUM_THREADS is set for this process")
    from nanbei.runner.core import default_jobs

    project = tiny_project(tmp_path)
    res = nanbei(project, "sweep", "--jobs", "2")
    assert res.returncode == 0, res.stderr
    values = {
        json.loads(p.read_text())["records"][3]["value"]
        for p in (project / "out").glob("*/01_ok.results.json")
    }
    assert values == {str(max(1, default_jobs() // 2))}


def test_a_sweep_gets_one_folder_per_parameter_set_and_a_comparable_table(tmp_path):
    project = tiny_project(tmp_path)
    res = nanbei(project, "sweep", "--jobs", "2")
    assert res.returncode == 0, res.stderr
    folders = sorted(p.name for p in (project / "out").iterdir() if p.is_dir() and p.name != "runs")
    assert len(folders) == 4 and "default" in folders  # x=1, label=a is the default
    wide = store.compare(project / "out", notebook="01_ok", names=["double"])
    assert sorted(wide["double"]) == [2, 2, 6, 6]
    assert set(wide.index.names) == {"set", "x", "label"}


def test_sweep_on_a_dask_local_cluster(tmp_path):
    from distributed import LocalCluster

    project = tiny_project(tmp_path)
    cfg = config.load_config(project / "runs.toml")
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        result = run(["sweep", "02_toggle"], config=cfg, scheduler=cluster, live=False, quiet=True)
    assert result.exit_code == 0, [result.records[s.job_id]["attempt"] for s in result.failed]
    assert len(result.specs) == 5 and all(result.status(s) == "ok" for s in result.specs)
    gallery = (project / "out" / "index.html").read_text(encoding="utf-8")
    assert gallery.count('class="card ok"') == 5
    assert (
        json.loads(sorted((project / "out" / "runs").glob("*.json"))[-1].read_text())["backend"]
        == "dask"
    )
    assert len(store.compare(project / "out", notebook="01_ok")) == 4


def test_legacy_reports_module_runs_like_nanbei_run(tmp_path):
    project = tiny_project(tmp_path)
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "nanbei.reports",
            "01_ok",
            "-p",
            "x=2",
            "--out",
            str(tmp_path / "legacy"),
            "--config",
            str(project / "runs.toml"),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=180,
    )
    assert res.returncode == 0, res.stderr
    assert list((tmp_path / "legacy").glob("x-2-*/01_ok.html"))


def test_run_notebook_api_types_and_failure(tmp_path):
    from nanbei import reports

    project = tiny_project(tmp_path)
    nb = project / "notebooks" / "01_ok.ipynb"
    with pytest.raises(reports.ParameterError, match="expects an integer"):
        reports.run_notebook(nb, tmp_path / "o", {"x": "abc"})
    report = reports.run_notebook(nb, tmp_path / "o", {"x": "3", "fast": "false"})
    assert report == tmp_path / "o" / "reports" / "01_ok.html"
    assert "x=3" in report.read_text(encoding="utf-8")
    results = json.loads((tmp_path / "o" / "executed" / "01_ok.results.json").read_text())
    assert results["records"][0]["value"] == 6


def test_sigterm_during_run_notebook_keeps_the_partial_and_cleans_up(tmp_path):
    project = tiny_project(tmp_path)
    marker = tmp_path / "started.json"
    code = (
        "from pathlib import Path\nfrom nanbei import reports\n"
        f"reports.run_notebook(Path({str(project / 'notebooks' / '03_sleep.ipynb')!r}), "
        f"Path({str(tmp_path / 'o')!r}))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env=dict(os.environ, NANBEI_TEST_MARKER=str(marker)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert marker.exists(), proc.communicate()[1] if proc.poll() is not None else "not started"
        time.sleep(0.5)
        kernel = json.loads(marker.read_text())
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0 and "Interrupted: SIGTERM" in stderr
    partial = tmp_path / "o" / "failed" / "03_sleep.ipynb"
    assert partial.exists() and "KeyboardInterrupt" in partial.read_text()
    assert not (tmp_path / "o" / "reports").exists()
    assert not Path(kernel["connection_file"]).exists()
    with pytest.raises(ProcessLookupError):
        os.kill(kernel["pid"], 0)
    hidden = [
        p for p in (tmp_path / "o").rglob(".*") if p.is_file() and not p.name.endswith(".lock")
    ]
    assert hidden == []
    rec = json.loads((tmp_path / "o" / "executed" / "03_sleep.run.json").read_text())
    assert (
        rec["attempt"]["status"] == "interrupted" and rec["attempt"]["error"]["reason"] == "SIGTERM"
    )


def test_the_kernel_is_not_sent_sigint_when_it_is_shut_down():
    """jupyter_client interrupts before every shutdown; ipykernel then may print
    "KeyboardInterrupt caught in kernel" after a clean run.  Ours does not."""
    import asyncio

    from nanbei.runner.execute import _kernel_manager_class

    sent = []
    km = _kernel_manager_class()(kernel_name="nanbei")

    async def record_signal(signum):
        sent.append(signum)

    km._async_signal_kernel = record_signal
    km._kernel_spec = type("Spec", (), {"interrupt_mode": "signal"})()
    km.provisioner = type("Provisioner", (), {"has_process": True})()  # "a kernel is running"
    km.shutting_down = True
    asyncio.run(km._async_interrupt_kernel())
    assert sent == []
    km.shutting_down = False  # an interrupt asked for outside a shutdown still goes through
    asyncio.run(km._async_interrupt_kernel())
    assert sent == [signal.SIGINT]
    km.provisioner = None


def test_the_live_display_in_a_terminal(tmp_path):
    import pty

    project = tiny_project(tmp_path)
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "nanbei", "run", "--config", str(project / "runs.toml"), "01_ok"],
        cwd=project,
        stdout=follower,
        stderr=follower,
        stdin=follower,
        env=dict(os.environ, COLUMNS="120", TERM="xterm"),
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode(errors="replace"))
    assert proc.returncode == 0
    assert "1 notebook run(s)" in screen and "━" in screen  # rich's progress bars
    assert "01_ok [default]" in screen and "ok " in screen
    assert re.search(r"01_ok \[default\]\s+━", screen)  # the notebook's own bar, label intact


def test_provenance_of_this_checkout():
    from nanbei.runner import provenance

    info = provenance.git_info(ROOT)
    if info["commit"] is None:
        pytest.skip("not a git checkout")
    assert re.fullmatch(r"[0-9a-f]{40}", info["commit"]) and isinstance(info["dirty"], bool)
    assert re.fullmatch(r"[0-9a-f]{16}", provenance.data_hash())
    assert provenance.git_info(Path("/"))["commit"] is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_starts_on_a_given_port_as_root_too_with_ipc_kernels(tmp_path):
    import urllib.request

    if subprocess.run(["make", "--version"], capture_output=True).returncode != 0:
        pytest.skip("make is not installed")
    port = _free_port()
    log = tmp_path / "lab.log"
    # -o: take the environment as it is (the suite runs inside it)
    proc = subprocess.Popen(
        [
            "make",
            "-o",
            ".venv/.nanbei-runtime",
            "lab",
            f"LAB_PORT={port}",
            "LAB_ARGS=--no-browser --IdentityProvider.token=t0k",
        ],
        cwd=ROOT,
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline, answer = time.monotonic() + 60, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                answer = json.loads(urllib.request.urlopen(base + "/api", timeout=2).read())
                break
            except OSError:
                time.sleep(0.5)
        assert answer and "version" in answer, log.read_text()
        req = urllib.request.Request(
            base + "/api/kernels",
            data=b'{"name": "nanbei"}',
            method="POST",
            headers={"Authorization": "token t0k"},
        )
        kernel = json.loads(urllib.request.urlopen(req, timeout=30).read())
        # the kernel listens on IPC sockets, and answers there
        from jupyter_client import BlockingKernelClient
        from jupyter_core.paths import jupyter_runtime_dir

        connection = Path(jupyter_runtime_dir()) / f"kernel-{kernel['id']}.json"
        assert json.loads(connection.read_text())["transport"] == "ipc"
        client = BlockingKernelClient(connection_file=str(connection))
        client.load_connection_file()
        client.start_channels()
        try:
            reply = client.kernel_info(reply=True, timeout=60)
            assert reply["content"]["status"] == "ok"
        finally:
            client.stop_channels()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    text = log.read_text()
    if os.geteuid() == 0:
        assert "--allow-root" in text
    assert "Kernel is running over TCP" not in text
