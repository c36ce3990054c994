"""The gallery: cards per notebook and parameter set, valid links, the claims ledger, and a real
browser (headless Chromium) opening it and a report from disk without errors."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import shutil
import subprocess
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from test_run_support import nanbei, tiny_project

from nanbei.runner.gallery import build_gallery


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(path: Path) -> list[str]:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.links


def assert_links_resolve(page: Path) -> int:
    """Every link of ``page`` is relative and points at an existing file; returns how many."""
    n = 0
    for link in links_of(page):
        if link.startswith(("#", "data:")):
            continue
        parsed = urlparse(link)
        assert not parsed.scheme and not link.startswith("/"), (
            f"{page.name}: non-relative link {link}"
        )
        target = (page.parent / unquote(parsed.path)).resolve()
        assert target.exists(), f"{page.name}: broken link {link}"
        n += 1
    return n


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    """A tiny project run several ways: ok, stale, failed without report, timed out, a sweep."""
    project = tiny_project(tmp_path_factory.mktemp("gallery"))
    assert nanbei(project).returncode == 0
    assert nanbei(project, "02_toggle", env={"NANBEI_TEST_FAIL": "1"}).returncode == 1  # stale
    assert nanbei(project, "sweep").returncode == 0
    assert nanbei(project, "01_ok", "-p", "label=<b>bold</b>").returncode == 0
    assert nanbei(project, "03_sleep", "--timeout", "3").returncode == 1  # timeout, no report
    return project / "out"


def test_cards_for_every_notebook_and_parameter_set_with_statuses(gallery):
    html = (gallery / "index.html").read_text(encoding="utf-8")
    assert html.count('<article class="card') == 4 + 1 + 1 + 1 + 1  # 01 x 5 sets, 02, 03, 04
    assert html.count('class="card ok"') == 6
    assert html.count('class="card stale"') == 1 and html.count('class="card timeout"') == 1
    assert '<h2 id="01_ok">One · A tiny notebook</h2>' in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html  # escaped
    assert "Latest run timeout" in html and "no report" in html
    assert 'alt="Key figure of One · A tiny notebook"' in html
    # the claims ledger's table, its evidence linked to the reports beside it
    assert '<h2 id="claims">Claims ledger</h2>' in html and "The gap narrowed" in html
    assert 'href="default/01_ok.html">01_ok</a>' in html
    assert 'href="default/claims_ledger.csv"' in html
    # the recorded numbers, side by side across the sweep
    assert '<h2 id="numbers">Recorded numbers</h2>' in html and 'href="results.csv"' in html


def test_every_link_of_the_gallery_and_the_reports_resolves(gallery):
    assert assert_links_resolve(gallery / "index.html") > 30
    for report in gallery.glob("*/*.html"):
        assert_links_resolve(report)


def test_the_gallery_builds_from_nothing_and_from_odd_records(tmp_path):
    page = build_gallery(tmp_path)
    assert "No reports yet" in page.read_text(encoding="utf-8")
    (tmp_path / "default").mkdir()
    (tmp_path / "default" / "x.run.json").write_text("{not json")
    (tmp_path / "default" / "y.run.json").write_text(
        json.dumps(
            {
                "notebook": "y",
                "status": "failed",
                "attempt": {"status": "failed", "error": {"ename": "E", "evalue": "<x>"}},
            }
        )
    )
    text = build_gallery(tmp_path).read_text(encoding="utf-8")
    assert 'class="card failed"' in text and "&lt;x&gt;" in text
    assert_links_resolve(tmp_path / "index.html")


# --- a real browser ------------------------------------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--window-size=1280,1000",
]


def _install_chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found or os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    import fcntl

    with open("/tmp/nanbei-chromium-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not shutil.which("chromium"):
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            for cmd in (
                ["apt-get", "install", "-y", "-q", "chromium"],
                ["apt-get", "update", "-q"],
                ["apt-get", "install", "-y", "-q", "chromium"],
            ):
                with contextlib.suppress(subprocess.SubprocessError, OSError):
                    subprocess.run(cmd, env=env, capture_output=True, timeout=900)
                if shutil.which("chromium"):
                    break
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def chromium():
    path = _install_chromium()
    if not path:
        pytest.skip("no Chromium: Debian's chromium package is not installed and could not be")
    try:
        import websockets.sync.client  # noqa: F401
    except ImportError:
        pytest.skip("the websockets package is needed to talk to Chromium")
    return path


class Browser:
    """Headless Chromium driven through the DevTools protocol."""

    def __init__(self, binary: str, profile: Path):
        self.proc = subprocess.Popen(
            [
                binary,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert port_file.exists(), "Chromium did not start its DevTools server"
        port = int(port_file.read_text().split()[0])
        for _ in range(50):
            with contextlib.suppress(OSError):
                targets = json.loads(
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list").read()
                )
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    break
            time.sleep(0.2)
        from websockets.sync.client import connect

        self.ws = connect(pages[0]["webSocketDebuggerUrl"], max_size=None, open_timeout=30)
        self.next_id = 0
        self.events: list[dict] = []
        for method in ("Runtime.enable", "Log.enable", "Page.enable"):
            self.call(method)

    def call(self, method: str, timeout: float = 60, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if msg.get("id") == self.next_id:
                assert "error" not in msg, msg
                return msg.get("result", {})
            self.events.append(msg)

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + 60
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            with contextlib.suppress(TimeoutError):
                self.events.append(
                    json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                )
            assert time.monotonic() < deadline, "the page never finished loading"
        end = time.monotonic() + 1.0  # late console messages
        while time.monotonic() < end:
            with contextlib.suppress(TimeoutError):
                self.events.append(json.loads(self.ws.recv(timeout=0.2)))

    def errors(self) -> list[str]:
        out = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(json.dumps(params.get("exceptionDetails", {}))[:300])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append(json.dumps(params.get("args", []))[:300])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                out.append(params["entry"].get("text", "") + " " + params["entry"].get("url", ""))
        return out

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def assert_not_blank(png: bytes) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        grey = img.convert("L")
        histogram = grey.histogram()
        total = sum(histogram)
        assert img.size[0] >= 800
        assert sum(1 for n in histogram if n) > 20, "the screenshot is (almost) one colour"
        assert sum(histogram[:200]) / total > 0.01, "the screenshot has almost nothing dark on it"


def test_gallery_and_a_report_open_in_chromium_from_disk(gallery, chromium, tmp_path):
    browser = Browser(chromium, tmp_path / "profile")
    try:
        for page in (
            gallery / "index.html",
            gallery / "default" / "01_ok.html",
            gallery / "default" / "02_toggle.html",
        ):
            browser.open(page.as_uri())
            assert browser.errors() == [], f"{page.name}: console errors"
            title = browser.call("Runtime.evaluate", expression="document.title")["result"]["value"]
            assert title in ("Nanbei reports", "One · A tiny notebook", "Two · Fails on demand")
            png = browser.screenshot()
            assert_not_blank(png)
            (tmp_path / f"{page.parent.name}-{page.stem}.png").write_bytes(png)
            loaded = browser.call(
                "Runtime.evaluate",
                expression=(
                    "[Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length,"
                    " document.images.length]"
                ),
                returnByValue=True,
            )["result"]["value"]
            assert loaded[0] == loaded[1], f"{page.name}: an image did not load"
            if page.stem in ("index", "01_ok"):
                assert loaded[0] >= 1  # thumbnails; the report's figure
    finally:
        browser.close()
