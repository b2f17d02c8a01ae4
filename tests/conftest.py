"""Shared fixtures: real DuckDB files in temp folders and real PostgreSQL databases, a real Streamlit
server, a real Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from labo_dash import backup, clock, db
from tests.pg_cluster import Cluster

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
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("engine") == "postgres":
            item.add_marker(pytest.mark.postgres)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _running[:] = [item]


def seminar_today() -> date:
    """Today in the seminar's default zone (Europe/Paris), as the app counts it: not the host's UTC date,
    which is still yesterday between 22:00 or 23:00 UTC and midnight."""
    return clock.now().astimezone(ZoneInfo("Europe/Paris")).date()


# Storage, domain and import tests run on both engines: a test that uses `engine` (through `fresh_db`,
# `demo_db` or `con`) runs once on a DuckDB file and once on a PostgreSQL database of a throw-away
# cluster (tests/pg_cluster.py), unless it also runs the app (`app_db`, a server, a browser: DuckDB, the
# default) or is marked `duckdb_only` (it tests the DuckDB file itself: locks, file copies). Its
# PostgreSQL run is marked `postgres`, which `make test-fast` leaves out.
ENGINES = ("duckdb", "postgres")
DUCKDB_APP_FIXTURES = frozenset({"app_db"}) | BROWSER_FIXTURES


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" in metafunc.fixturenames:
        duckdb_only = bool(DUCKDB_APP_FIXTURES & set(metafunc.fixturenames)) or bool(
            metafunc.definition.get_closest_marker("duckdb_only"))
        metafunc.parametrize("engine", ENGINES[:1] if duckdb_only else ENGINES, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The engine of this run of the test: ``duckdb`` or ``postgres``."""
    return request.param


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A PostgreSQL 15 cluster for this test session (one per xdist worker), started on first use."""
    cluster = Cluster()
    yield cluster
    cluster.stop()


class PgDatabases:
    """Databases of the session's cluster: templates built once, private copies made per test."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.count = 0

    def admin(self, sql: str) -> None:
        with psycopg.connect(self.cluster.url(), autocommit=True) as conn:
            conn.execute(sql)

    def template(self, name: str, build: Callable[[db.Connection], None]) -> str:
        self.admin(f'CREATE DATABASE "{name}"')
        con = db.open_database(self.cluster.url(name))
        try:
            build(con)
        finally:
            con.close()
        return name

    def copy(self, template: str) -> str:
        self.count += 1
        name = f"test_{os.getpid()}_{self.count}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.cluster.url(name)

    def drop(self, url: str) -> None:
        db.close(url)
        self.admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_databases(pg_cluster: Cluster) -> PgDatabases:
    return PgDatabases(pg_cluster)


@pytest.fixture(scope="session")
def pg_templates(pg_databases: PgDatabases) -> dict[str, str]:
    """The migrated empty database and the demo (seed 42) on PostgreSQL, built once per session."""
    from labo_dash.demo import build_demo

    return {
        "fresh": pg_databases.template("labo_fresh", lambda con: None),
        "demo": pg_databases.template("labo_demo", lambda con: build_demo(con, seed=42)),
    }


def _database(request: pytest.FixtureRequest, engine: str, kind: str, tmp_path: Path) -> Iterator[Path | str]:
    if engine == "postgres":
        # A PostgreSQL base's backups go to backups/<name>/ in the project unless LABO_BACKUP_DIR says.
        request.getfixturevalue("monkeypatch").setenv("LABO_BACKUP_DIR", str(tmp_path / "backups"))
        databases = request.getfixturevalue("pg_databases")
        url = databases.copy(request.getfixturevalue("pg_templates")[kind])
        yield url
        databases.drop(url)
        return
    path = tmp_path / "labo.duckdb"
    shutil.copy(request.getfixturevalue("demo_template" if kind == "demo" else "fresh_template"), path)
    yield path


@pytest.fixture
def fresh_db(request: pytest.FixtureRequest, engine: str, tmp_path: Path) -> Iterator[Path | str]:
    """Return a migrated, empty database (closed, so any process may open it): a DuckDB file's path, or a
    PostgreSQL URL (see ENGINES)."""
    yield from _database(request, engine, "fresh", tmp_path)


@pytest.fixture(scope="session")
def fresh_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate an empty DuckDB file once per test session (``fresh_db`` copies it)."""
    path = tmp_path_factory.mktemp("fresh") / "fresh.duckdb"
    db.open_database(path).close()
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the demo (seed 42) once per test session, as a DuckDB file."""
    from labo_dash.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = db.open_database(path)
    build_demo(con, seed=42)
    con.execute("CHECKPOINT")
    con.close()
    return path


@pytest.fixture
def demo_db(request: pytest.FixtureRequest, engine: str, tmp_path: Path) -> Iterator[Path | str]:
    """Return a private copy of the demo database: a DuckDB file's path, or a PostgreSQL URL."""
    yield from _database(request, engine, "demo", tmp_path)


@pytest.fixture
def con(demo_db: Path | str) -> Iterator[db.Connection]:
    """Return an open connection to a private demo database (closed afterwards)."""
    connection = db.open_database(demo_db)
    yield connection
    connection.close()


@pytest.fixture
def app_db(demo_db: Path, demo_daily_backup: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app (``LABO_DB``) at a private demo copy (tests/apptest.py); close it afterwards.

    Today's backup of the demo is already there (hard links to one real backup of the template, made once
    per session), so the app's first connection does not copy the 20 MB file again for each page test;
    the daily backup itself is tested in tests/test_backup.py.
    """
    shutil.copytree(demo_daily_backup, backup.default_dir(demo_db) / demo_daily_backup.name,
                    copy_function=os.link)
    monkeypatch.setenv("LABO_DB", str(demo_db))
    yield demo_db
    db.close()


@pytest.fixture(scope="session")
def demo_daily_backup(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real daily backup of the demo template (the folder ``app_db`` links into each test's backups)."""
    con = db.open_database(demo_template)
    try:
        return backup.snapshot(con, "quotidienne", to=tmp_path_factory.mktemp("daily"))
    finally:
        con.close()


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
    """A `streamlit run serve.py` process (app + light phone ballot) on a free port with its own database:
    a DuckDB file's path or a PostgreSQL URL (its log then goes to a temp folder)."""

    def __init__(self, db_path: Path | str, env: dict[str, str] | None = None) -> None:
        if _running and _running[0].get_closest_marker("browser") is None:
            raise RuntimeError("start servers with the start_server or start_module_server fixture, "
                               "which marks the test `browser` (out of `make test-fast`)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = db_path
        is_file = isinstance(db_path, Path)
        folder = db_path.parent if is_file else Path(tempfile.mkdtemp(prefix="labo-server-"))
        self.log = folder / f"streamlit-{self.port}.log"
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

    def start(db_path: Path | str, env: dict[str, str] | None = None) -> Server:
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
