"""Shared fixtures: real DuckDB files in temp folders, a real Streamlit server, a real Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from labo_dash import clock, db

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# A test that uses one of these fixtures (itself or through another fixture) starts a Streamlit server
# or Chromium: it is marked `browser`, which `make test-fast` leaves out.
BROWSER_FIXTURES = frozenset({"start_server", "start_module_server", "browser"})
_running: list[pytest.Item] = []  # the test being set up or run (a Server checks its marker)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs a server or a browser as `browser`."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _running[:] = [item]


def seminar_today() -> date:
    """Today in the seminar's default zone (Europe/Paris), as the app counts it: not the host's UTC date,
    which is still yesterday between 22:00 or 23:00 UTC and midnight."""
    return clock.now().astimezone(ZoneInfo("Europe/Paris")).date()


@pytest.fixture
def fresh_db(tmp_path: Path) -> Path:
    """Return the path of a migrated, empty database (closed, so any process may open it)."""
    path = tmp_path / "labo.duckdb"
    db.open_database(path).close()
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the demo (seed 42) once per test session."""
    from labo_dash.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = db.open_database(path)
    build_demo(con, seed=42)
    con.execute("CHECKPOINT")
    con.close()
    return path


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path) -> Path:
    """Return the path of a private copy of the demo database."""
    path = tmp_path / "labo.duckdb"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def con(demo_db: Path):
    """Return an open connection to a private demo database (closed afterwards)."""
    connection = db.open_database(demo_db)
    yield connection
    connection.close()


@pytest.fixture
def app_db(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app (``LABO_DB``) at a private demo copy (tests/apptest.py); close it afterwards."""
    monkeypatch.setenv("LABO_DB", str(demo_db))
    yield demo_db
    db.close()


@contextmanager
def hold_database(path: Path) -> Iterator[int]:
    """Keep ``path`` open in another process (as a running app would); yield that process's PID."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        yield holder.pid
    finally:
        holder.kill()
        holder.wait()


HOLDER = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); time.sleep(120)"


def free_port() -> int:
    """Return a TCP port free on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A `streamlit run serve.py` process (app + light phone ballot) on a free port with its own database."""

    def __init__(self, db_path: Path, env: dict[str, str] | None = None) -> None:
        if _running and _running[0].get_closest_marker("browser") is None:
            raise RuntimeError("start servers with the start_server or start_module_server fixture, "
                               "which marks the test `browser` (out of `make test-fast`)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = db_path
        self.log = db_path.parent / f"streamlit-{self.port}.log"
        environment = {**os.environ, "LABO_DB": str(db_path), **(env or {})}
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "serve.py",
                "--server.port", str(self.port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120  # a cold start on a busy 2-core machine
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not start within 120 s")

    def stop(self) -> None:
        """Stop the server (it releases the database file)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def running_servers() -> Iterator[Callable[..., Server]]:
    """Yield a function that starts a Streamlit server on a database; every one is stopped at the end."""
    servers: list[Server] = []

    def start(db_path: Path, env: dict[str, str] | None = None) -> Server:
        server = Server(db_path, env)
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def start_server() -> Iterator[Callable[..., Server]]:
    """Return a function that starts a Streamlit server for one test (stopped after it)."""
    with running_servers() as start:
        yield start


@pytest.fixture(scope="module")
def start_module_server() -> Iterator[Callable[..., Server]]:
    """Return a function that starts a Streamlit server shared by a test module (stopped after it)."""
    with running_servers() as start:
        yield start


@pytest.fixture(scope="module")
def demo_copy(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """Return a function that makes a private copy of the demo database (for a module's set-up)."""

    def copy() -> Path:
        path = tmp_path_factory.mktemp("demo-copy") / "labo.duckdb"
        shutil.copy(demo_template, path)
        return path

    return copy


@pytest.fixture(scope="module")
def server(demo_copy: Callable[[], Path], start_module_server: Callable[..., Server]) -> Server:
    """One Streamlit server on a private copy of the demo for the whole module.

    A module that needs another set-up (data written first, environment variables) overrides this
    fixture with ``demo_copy`` and ``start_module_server``.
    """
    return start_module_server(demo_copy())


@pytest.fixture(scope="session")
def browser():
    """Return a headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium manquant : lancez « make test », qui l'installe (apt-get install chromium).")
    expect.set_options(timeout=30_000)  # a rerun can take seconds on a busy 2-core machine
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@contextmanager
def browser_tab(browser, viewport: dict[str, int] | None = None, timeout_ms: int = 30_000) -> Iterator:
    """Yield a fresh page in its own context (French locale, ``viewport`` or 1366×900), closed afterwards."""
    context = browser.new_context(viewport=viewport or {"width": 1366, "height": 900}, locale="fr-FR")
    try:
        tab = context.new_page()
        tab.set_default_timeout(timeout_ms)
        yield tab
    finally:
        context.close()


@pytest.fixture
def page(browser):
    """Return a fresh browser page (desktop size, French locale)."""
    with browser_tab(browser) as tab:
        yield tab


# True once Streamlit's script state has read "notRunning" for 600 ms in a row (it reads so for a moment
# before the first run starts, and between a click and the rerun it triggers).
SETTLED = """() => {
    const idle = document.querySelector("[data-testid='stApp']")?.dataset.testScriptState === "notRunning";
    if (!idle) { window.laboIdleSince = undefined; return false; }
    window.laboIdleSince ??= performance.now();
    return performance.now() - window.laboIdleSince >= 600;
}"""


# Resolves after two animation frames: what a layout change (a new viewport) had to draw is drawn.
NEXT_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def wait_ready(tab) -> None:
    """Wait until Streamlit is connected, has drawn the page, and its script has stopped running."""
    tab.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    tab.wait_for_selector("[data-testid='stMain'] [data-testid='stElementContainer']", state="attached")
    tab.evaluate("() => { window.laboIdleSince = undefined; }")
    tab.wait_for_function(SETTLED, polling=100)


def open_page(tab, server: Server, path: str = "") -> None:
    """Open ``path`` of the app (``suivi?mois=2026-10``; "" for the home page) and wait until it is drawn.

    The page waits up to 90 s for anything afterwards: a cold page (/suivi also draws the signature
    view) is slow on a busy 2-core machine.
    """
    tab.set_default_timeout(90_000)
    tab.goto(f"{server.url}/{path}")
    wait_ready(tab)


def screenshot(tab, name: str) -> Path:
    """Save a screenshot of the whole page under artifacts/screenshots/ and return its path.

    Streamlit scrolls inside its main container, so the viewport is stretched to the content's height
    for the shot, then restored.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = tab.viewport_size
    height = tab.evaluate(
        "() => Math.max(document.body.scrollHeight, ...[...document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stAppViewContainer]')].map(e => e.scrollHeight))"
    )
    tab.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 8000)})
    tab.evaluate(NEXT_FRAMES)  # the page laid out again at its new height
    tab.screenshot(path=str(path), full_page=True)
    tab.set_viewport_size(size)
    return path
