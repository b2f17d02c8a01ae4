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
from pathlib import Path

import pytest

from labo_dash import db

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


@contextmanager
def hold_database(path: Path) -> Iterator[int]:
    """Keep ``path`` open in another process (as a running app would); yield that process's PID."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
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
        deadline = time.monotonic() + 60
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
        raise RuntimeError("streamlit did not start within 60 s")

    def stop(self) -> None:
        """Stop the server (it releases the database file)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def start_server() -> Iterator[Callable[..., Server]]:
    """Return a function that starts a Streamlit server on a database; all are stopped afterwards."""
    servers: list[Server] = []

    def start(db_path: Path, env: dict[str, str] | None = None) -> Server:
        server = Server(db_path, env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    """Return a headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium manquant : lancez « make test », qui l'installe (apt-get install chromium).")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """Return a fresh browser page (desktop size, French locale)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


def wait_ready(tab) -> None:
    """Wait until Streamlit is connected, has drawn the page, and its script has stopped running.

    The script state reads "notRunning" for a moment before the first run starts, so the page must
    also show an element, and the state must stay "notRunning" across two looks 300 ms apart.
    """
    tab.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    tab.wait_for_selector("[data-testid='stMain'] [data-testid='stElementContainer']", state="attached")
    idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
    for _ in range(2):
        tab.wait_for_selector(idle)
        tab.wait_for_timeout(300)
    tab.wait_for_selector(idle)


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
    tab.wait_for_timeout(400)
    tab.screenshot(path=str(path), full_page=True)
    tab.set_viewport_size(size)
    return path
