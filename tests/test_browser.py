"""The explorer as a person uses it: JupyterLab in headless Chromium, run all, change a widget.

JupyterLab is started from this environment on a free port of the loopback interface (token
auth, kernels over IPC sockets as ``make lab`` runs them, runtime, config, data and settings
directories in a temporary folder so that the user's own are neither read nor changed). Debian's
``chromium`` is driven through playwright (its own browser download is not needed); when it is
missing the test installs it with apt-get if it can (root, apt-get present), and skips with a
message otherwise.

The check is on what the page shows: the explorer's summary sentence for the default
(registered) basis appears after "Run All", and after a click on the "official" basis button
the page shows the library's sentence for the official basis instead.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from nanbei import data, explorer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "05_explorer.ipynb"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package
STEP_TIMEOUT_MS = 180_000  # generous: the machine may be busy with the rest of the suite


def _chromium() -> Path:
    """Debian's chromium, installed with apt-get when missing and possible; else skip."""
    apt = shutil.which("apt-get")
    if not CHROMIUM.exists() and apt and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = [apt, "install", "-y", "--no-install-recommends", "chromium"]
        # a fresh machine may need its package lists first
        for cmd in (install, [apt, "update"], install):
            try:
                subprocess.run(cmd, env=env, capture_output=True, timeout=600, check=False)
            except subprocess.TimeoutExpired:
                break
            if CHROMIUM.exists():
                break
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not found and could not be installed (Debian package 'chromium', "
            "e.g. `sudo apt-get install chromium`): the browser test needs it"
        )
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(proc: subprocess.Popen, url: str, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"JupyterLab exited ({proc.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"JupyterLab did not answer within {timeout:.0f} s:\n{log.read_text()}")


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "."


def _start_lab(home: Path, port: int, token: str) -> tuple[subprocess.Popen, Path]:
    """JupyterLab on ``home/work`` with every Jupyter directory inside ``home``."""
    dirs = {
        "JUPYTER_RUNTIME_DIR": home / "rt",
        "JUPYTER_CONFIG_DIR": home / "config",
        "JUPYTER_DATA_DIR": home / "data",
        "JUPYTERLAB_SETTINGS_DIR": home / "settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "workspaces",
        "IPYTHONDIR": home / "ipython",
    }
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    settings = {
        # no news or update check: the page would ask, and the machine may have no network
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        # every cell in the page, not only those scrolled into view: the test reads their text
        "notebook-extension/tracker": {"windowingMode": "none"},
    }
    for name, values in settings.items():
        path = dirs["JUPYTERLAB_SETTINGS_DIR"] / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    # start-up work the test does not need: the language servers, the front end's build check
    config = dirs["JUPYTER_CONFIG_DIR"]
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"jupyter_lsp": False}}})
    )
    (config / "labconfig").mkdir()
    (config / "labconfig" / "page_config.json").write_text(json.dumps({"buildAvailable": False}))
    log = home / "lab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={home / 'work'}",
        "--KernelManager.transport=ipc",
        "--LabApp.expose_app_in_browser=True",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    env = {**os.environ, **{k: str(v) for k, v in dirs.items()}}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=home / "work",
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its kernels too are ended with its process group
        )
    return proc, log


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


# The notebook panel's kernel, through the app object JupyterLab exposes to the page.
_KERNEL_IDLE = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const session = panel && panel.sessionContext && panel.sessionContext.session;
    const kernel = session && session.kernel;
    return !!kernel && kernel.name === 'nanbei' && kernel.connectionStatus === 'connected'
        && kernel.status === 'idle';
}"""
_ALL_RUN = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const cells = panel.content.widgets.filter(c => c.model.type === 'code');
    const prompts = [...panel.node.querySelectorAll('.jp-InputPrompt')];
    return cells.length > 0 && cells.every(c => c.model.executionCount !== null)
        && !prompts.some(p => p.textContent.includes('*'));
}"""


_ERRORS = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .filter(c => c.model.type === 'code')
    .flatMap(c => c.model.outputs.toJSON())
    .filter(o => o.output_type === 'error')
    .map(o => o.ename + ': ' + o.evalue)"""


def _wait_idle(page, timeout_ms: int = STEP_TIMEOUT_MS) -> None:
    """Until the notebook's kernel is idle and every code cell has run."""
    page.wait_for_function(_KERNEL_IDLE, timeout=timeout_ms)
    page.wait_for_function(_ALL_RUN, timeout=timeout_ms)
    page.wait_for_function(_KERNEL_IDLE, timeout=timeout_ms)


def test_explorer_in_jupyterlab_follows_a_widget(tmp_path):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (test extra)"
    )
    chromium = _chromium()
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("nanbei")
    except NoSuchKernel:
        pytest.fail("the project kernel 'nanbei' is not registered (make env registers it)")
    # what the page must show: the library's sentences for the two bases
    panel = data.load_city_panel("jiangsu")
    before = _first_sentence(explorer.compute(panel, explorer.Choices()).summary("en"))
    official = explorer.compute(panel, explorer.Choices(basis="official"))
    after, note = _first_sentence(official.summary("en")), official.notes_text("en")[0]
    assert before != after and "2009" in note

    # short: IPC socket paths must fit in 107 bytes
    home = Path(tempfile.mkdtemp(prefix="nb-lab-"))
    (home / "work").mkdir()
    shutil.copy(NOTEBOOK, home / "work" / NOTEBOOK.name)
    port, token = _free_port(), os.urandom(16).hex()
    started = time.monotonic()
    phases: dict[str, float] = {}

    def lap(name: str) -> None:
        phases[name] = time.monotonic() - started - sum(phases.values())

    proc, log = _start_lab(home, port, token)
    try:
        _wait_for_server(proc, f"http://127.0.0.1:{port}/api/status?token={token}", log)
        lap("server")
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(chromium),
                headless=True,
                args=["--no-sandbox"] if os.geteuid() == 0 else [],
            )
            try:
                page = browser.new_page(viewport={"width": 1500, "height": 1100})
                page.set_default_timeout(STEP_TIMEOUT_MS)
                page.goto(f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK.name}?token={token}")
                page.wait_for_selector(".jp-Notebook .jp-CodeCell")
                page.wait_for_function(_KERNEL_IDLE)  # the project kernel has started
                lap("page and kernel")
                # Run > Run All Cells, as a person would
                page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
                page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
                _wait_idle(page)
                summary = page.get_by_text(before).first
                summary.wait_for()
                lap("run all")
                assert page.evaluate(_ERRORS) == []
                summary.scroll_into_view_if_needed()
                page.screenshot(path=tmp_path / "explorer_registered.png")

                # the population basis: the toggle button labelled "official"
                button = page.locator(".widget-toggle-button", has_text="official").first
                button.scroll_into_view_if_needed()
                button.click()
                changed = page.get_by_text(after).first
                changed.wait_for()
                _wait_idle(page)
                lap("widget change")
                changed.scroll_into_view_if_needed()
                page.screenshot(path=tmp_path / "explorer_official.png")
                text = " ".join(page.locator(".jp-Notebook").inner_text().split())
                assert after in text and before not in text
                assert note in text  # the official basis's break, said under the figure
                assert page.evaluate(_ERRORS) == []
            finally:
                browser.close()
    finally:
        _stop(proc)
        shutil.rmtree(home, ignore_errors=True)
    times = ", ".join(f"{k} {v:.1f} s" for k, v in phases.items())
    print(f"browser test: {time.monotonic() - started:.1f} s ({times}); screenshots in {tmp_path}")
    assert (tmp_path / "explorer_official.png").stat().st_size > 10_000
