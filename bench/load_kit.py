"""What bench_load.py's scenarios share: the server under load, its sampling, the projected tab, the table.

A scenario builds its database, then :func:`run_window` starts the app (as ``make run`` does, the agent API
on), samples its memory and CPU from /proc, warms it up, opens the projected screen in a real Chromium tab,
runs the scenario's workers over the window while the screen is watched, and stops the server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Protocol, TypeVar

import httpx
from playwright.sync_api import sync_playwright

from labo_dash import db, participants
from labo_dash.access import SYSTEM
from labo_dash.demo import build_demo
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Record:
    """Timings gathered by the workers (time.monotonic seconds)."""

    loads: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)  # latency of each acknowledged ballot
    acks: list[float] = field(default_factory=list)  # when each acknowledged ballot's answer arrived
    first_submit: float | None = None
    failures: list[str] = field(default_factory=list)
    saves: list[float] = field(default_factory=list)  # organisers' update latency
    updates: list[str] = field(default_factory=list)  # comments acknowledged
    turnout: list[tuple[float, int]] = field(default_factory=list)  # projection: (seen at, voters shown)
    posted: list[str] = field(default_factory=list)  # texts of the acknowledged posts (findings scenario)
    wall: list[tuple[float, int]] = field(default_factory=list)  # projected wall: (seen at, findings shown)
    accepted: list[int] = field(default_factory=list)  # posts accepted by the moderators
    accept_acks: list[float] = field(default_factory=list)  # when each acceptance's answer arrived
    memory: list[tuple[float, int, float]] = field(default_factory=list)  # (at, RSS bytes, CPU seconds)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def span(self) -> float:
        """Return the seconds from the first submit to the last acknowledged answer (nan before any)."""
        if not self.acks or self.first_submit is None:
            return float("nan")
        return max(self.acks) - self.first_submit


def demo_with_participants(path: Path, count: int) -> db.Connection:
    """Build the demo in ``path`` with at least ``count`` participants; return the open connection."""
    con = db.open_database(path)
    build_demo(con, seed=42)
    missing = count - len(participants.list_participants(con))
    if missing > 0:
        lines = "".join(f"Participant·e {i};Structure {i % 40};PTCE;Bretagne\n" for i in range(missing))
        participants.import_participants(
            con, SYSTEM, ("nom;structure;type de participant;territoire\n" + lines).encode(), "charge.csv")
    return con


def codes_of(con: db.Connection, count: int) -> list[str]:
    """Return the codes of the first ``count`` participants (by id)."""
    return [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT ?", [count])]


def start_server(path: Path, backups: Path) -> tuple[subprocess.Popen, str]:
    """Start the app as ``make run`` does (serve.py), with the agent API on; return it and its URL."""
    port = free_port()
    env = {**os.environ, "LABO_DB": str(path), "LABO_BACKUP_DIR": str(backups)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.enableAgentApi", "true", "--server.agentWaitTimeout", "120"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start within 90 s")


def process_usage(pid: int) -> tuple[int, float]:
    """Return the resident memory (bytes) and CPU time (s) of a process, from /proc."""
    rss = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) * 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return rss, (int(fields[11]) + int(fields[12])) / TICKS


def sample_memory(pid: int, record: Record, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            rss, cpu = process_usage(pid)
        except (FileNotFoundError, ProcessLookupError):
            return
        record.memory.append((time.monotonic(), rss, cpu))
        stop.wait(0.25)


class ProjectorTab:
    """A page open in a real Chromium tab, as on the room's projector (nobody touches it)."""

    def __init__(self, address: str) -> None:
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        self.tab = self._browser.new_page(viewport={"width": 1366, "height": 768}, locale="fr-FR")
        self.tab.set_default_timeout(120_000)
        self.tab.goto(address)

    def close(self) -> None:
        self._browser.close()
        self._playwright.stop()


def phone_post(url: str, code: str, start_at: float, think: float, record: Record,
               page: tuple[str, str, str], post: tuple[str, Mapping[str, Sequence[str]], str, str]) -> bool:
    """One phone: open its page at ``start_at``, take ``think`` s, post its form; True once acknowledged.

    ``page``: (path opened with ?code=, a text it must show, its French name); ``post``: (path, form, a text
    the 303's location must hold, the French name of the post). Records the page load, the post's latency
    and when its answer came, or the failure.
    """
    time.sleep(max(0.0, start_at - time.monotonic()))
    (opened, ready, page_name), (action, form, ok, post_name) = page, post
    # A phone reconnects after a pause: the server closes idle connections after 5 s (keep-alive).
    limits = httpx.Limits(keepalive_expiry=1.0)
    with httpx.Client(base_url=url, timeout=120, follow_redirects=False, limits=limits) as phone:
        try:
            t0 = time.monotonic()
            shown = phone.get(opened, params={"code": code})
            loaded = time.monotonic() - t0
            if shown.status_code != 200 or ready not in shown.text:
                raise RuntimeError(f"{page_name} : {shown.status_code}")
            time.sleep(think)
            t0 = time.monotonic()
            with record.lock:
                record.first_submit = min(record.first_submit or t0, t0)
            answer = phone.post(action, data=form)
            t1 = time.monotonic()
            if answer.status_code != 303 or ok not in answer.headers.get("location", ""):
                raise RuntimeError(f"{post_name} : {answer.status_code}")
        except (httpx.HTTPError, RuntimeError) as exc:
            with record.lock:
                record.failures.append(f"{code}: {exc}")
            return False
    with record.lock:
        record.loads.append(loaded)
        record.submits.append(t1 - t0)
        record.acks.append(t1)
    return True


class Screen(Protocol):
    """A projected tab (:class:`ProjectorTab`) that a scenario watches."""

    def close(self) -> None: ...


S = TypeVar("S", bound=Screen)
P = TypeVar("P")


@dataclass
class Window:
    """The window during which the workers load the server (time.monotonic seconds), and its usage."""

    start: float
    end: float
    idle: tuple[int, float] = (0, 0.0)  # server RSS (bytes) and CPU time (s) once warmed up, before
    busy: tuple[int, float] = (0, 0.0)  # the same after the window
    loads: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load average before and after


def run_window(path: Path, seconds: float, record: Record, open_screen: Callable[[str], S],
               workers: Callable[[str, Window], list[threading.Thread]],
               watch: Callable[[S, Window], None]) -> Window:
    """Start the server on ``path``, warm it up, open the screen, run ``workers`` over ``seconds``.

    ``open_screen(url)`` opens the projected tab before the first phone, as in the room; the workers start
    and ``watch(screen, window)`` follows the screen until it returns; the workers are then joined and the
    server stopped (its memory is sampled into ``record.memory`` all along). Backups go beside ``path``.
    """
    server, url = start_server(path, path.parent / "sauvegardes")
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(server.pid, record, stop))
    sampler.start()
    try:
        httpx.get(f"{url}/", timeout=120)  # the first page load warms the server up
        idle = process_usage(server.pid)
        load_before = os.getloadavg()[0]
        screen = open_screen(url)
        start = time.monotonic() + 2
        window = Window(start, start + seconds, idle)
        threads = workers(url, window)
        for thread in threads:
            thread.start()
        watch(screen, window)
        screen.close()
        for thread in threads:
            thread.join(timeout=180)
        window.busy = process_usage(server.pid)
        window.loads = (load_before, os.getloadavg()[0])
    finally:
        stop.set()
        sampler.join()
        server.terminate()
        server.wait(timeout=60)
    return window


@dataclass(frozen=True)
class Scenario(Generic[P, S]):
    """A load scenario: its database, its projected screen, its workers, the check of what was stored."""

    prepare: Callable[[Path], P]  # builds the database at this path; returns what the workers need
    open_screen: Callable[[str], S]  # the projected tab (the app's URL given), open before the first phone
    workers: Callable[[P, str, Window, Record], list[threading.Thread]]  # the phones and the organisers
    watch: Callable[[S, Window, Record], None]  # follows the screen until the window is over
    stored: Callable[[Path, P, Record], tuple[int, int]]  # what of the acknowledged writes the database has


def run_scenario(scenario: Scenario[P, S], seconds: float) -> tuple[Record, Window, tuple[int, int]]:
    """Run ``scenario`` over ``seconds`` on a database in a temp folder; return the timings, the window
    and what the database holds of the acknowledged writes (as ``scenario.stored`` counts it)."""
    record = Record()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "charge.duckdb"
        prepared = scenario.prepare(path)
        window = run_window(path, seconds, record, scenario.open_screen,
                            lambda url, window: scenario.workers(prepared, url, window, record),
                            lambda screen, window: scenario.watch(screen, window, record))
        found = scenario.stored(path, prepared, record)
    return record, window, found


def server_rows(record: Record, window: Window) -> list[tuple[str, str]]:
    """Return the rows every scenario ends with: server memory (idle, peak, after) and CPU, load, failures."""
    peak = max((rss for _, rss, _ in record.memory), default=0)
    during = [(t, cpu) for t, _, cpu in record.memory if window.start <= t <= window.end + 5]
    cpu_share = ((during[-1][1] - during[0][1]) / (during[-1][0] - during[0][0])) if len(during) > 1 else 0.0
    rss = (window.idle[0], peak, window.busy[0])
    cpu = (window.idle[1], window.busy[1])
    loads = window.loads
    mb = 1024 * 1024
    return [
        ("Server RSS idle / peak / after", " / ".join(f"{value / mb:.0f}" for value in rss) + " MB"),
        ("Server CPU during the window",
         f"{cpu_share * 100:.0f} % of one core ({cpu[1] - cpu[0]:.0f} s in all)"),
        ("Machine: cores / load average at start, end",
         f"{os.cpu_count()} / {loads[0]:.1f}, {loads[1]:.1f} (other work competes for the cores)"),
        ("Failures",
         f"{len(record.failures)}" + (f" (first: {record.failures[0]})" if record.failures else "")),
    ]


def print_table(rows: list[tuple[str, str]]) -> None:
    """Print (measure, value) rows as a two-column table."""
    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  value")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def spread(values: list[float], digits: int) -> str:
    """Return "p50 / p95 / max s" of ``values`` (seconds)."""
    top = max(values, default=float("nan"))
    return f"{quantile(values, .5):.{digits}f} / {quantile(values, .95):.{digits}f} / {top:.{digits}f} s"


