"""Load benchmark: a plenary on one laptop, the whole app at once.

``--voters`` participants (200) vote from their phones within ``--window`` seconds (120): each opens the
link of their badge (``GET /vote?code=CODE``, the light ballot), takes a few seconds to choose, and posts
the ballot (``POST /bulletin``). Meanwhile the live projection ``/resultats`` is open in a real Chromium
tab (its fragment refreshes every 2 s) and two organisers record progress updates on ``/actions``
(Streamlit's agent API: the same script runs a browser triggers). Everything talks to 127.0.0.1 only and
every loop ends with the window.

Prints one table: ballots per second, latency from submit to commit (the answer to the POST comes after
the ballot's transaction has committed), the projection's refresh delay (from a ballot's commit to the
projected turnout that counts it), the organisers' save latency, and the server's memory (RSS) and CPU
read from /proc. Then checks the database: one ballot per voter, every acknowledged update stored.

    .venv/bin/python bench/bench_load.py [--voters 200] [--window 120] [--organisers 2]

``--scenario findings`` runs the workshops instead: ``--voters`` phones (200) each open their posts page
(``GET /contribuer?code=CODE``) at evenly spread moments over the window, type for a few seconds and post a
frein, levier or constat (``POST /contribuer``, answered by a 303 once the post has committed); the wall
``/diagnostic?vue=mur`` is projected in a real Chromium tab (it follows the data by itself), and
``--organisers`` organisers moderate on ``/diagnostic?vue=propositions`` (agent API), accepting the oldest
pending post every ``--pause`` seconds. Prints the post -> commit latency, the page loads, the moderators'
acceptances and how long an accepted finding takes to show on the projected wall; checks every
acknowledged post and every acceptance in the database.

    .venv/bin/python bench/bench_load.py --scenario findings [--voters 200] [--window 120] [--pause 5]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from labo_dash import db, participants, rounds  # noqa: E402
from labo_dash.access import SYSTEM  # noqa: E402
from labo_dash.demo import build_demo  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402

THINK = (2.0, 6.0)  # seconds a participant takes to choose, after the page has loaded
ORGANISER_PAUSE = 15.0  # seconds between two updates of one organiser: a brisk human, typing a comment
TICKS = os.sysconf("SC_CLK_TCK")
TYPING = (5.0, 15.0)  # seconds a participant takes to type a finding, after the page has loaded


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


def prepare(path: Path, voters: int) -> tuple[int, list[int], list[str], list[int]]:
    """Build the demo with ``voters`` participants and an open dot-voting round.

    Return the round, its items, the participants' codes and the actions the organisers update.
    """
    con = db.open_database(path)
    build_demo(con, seed=42)
    missing = voters - len(participants.list_participants(con))
    if missing > 0:
        lines = "".join(f"Participant·e {i};Structure {i % 40};PTCE;Bretagne\n" for i in range(missing))
        participants.import_participants(
            con, SYSTEM, ("nom;structure;type de participant;territoire\n" + lines).encode(), "charge.csv")
    items = [c["id"] for c in rounds.candidate_items(con, "challenges")]
    round_id = rounds.create_round(con, SYSTEM, rounds.RoundRules("Plénière (test de charge)"), items)
    rounds.set_status(con, SYSTEM, round_id, "open")
    codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT ?", [voters])]
    open_actions = [r["id"] for r in db.query(con, "SELECT id FROM actions ORDER BY id LIMIT 8")]
    con.close()
    return round_id, items, codes, open_actions


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


def voter(url: str, round_id: int, code: str, items: list[int], start_at: float, think: float,
          record: Record) -> None:
    """One phone: open the badge's link at ``start_at``, choose for ``think`` s, post the ballot."""
    time.sleep(max(0.0, start_at - time.monotonic()))
    # A phone reconnects after a pause: the server closes idle connections after 5 s (keep-alive).
    limits = httpx.Limits(keepalive_expiry=1.0)
    with httpx.Client(base_url=url, timeout=120, follow_redirects=False, limits=limits) as phone:
        try:
            t0 = time.monotonic()
            page = phone.get("/vote", params={"code": code})
            loaded = time.monotonic() - t0
            if page.status_code != 200 or "Enregistrer mon vote" not in page.text:
                raise RuntimeError(f"page du bulletin : {page.status_code}")
            time.sleep(think)
            t0 = time.monotonic()
            with record.lock:
                record.first_submit = min(record.first_submit or t0, t0)
            answer = phone.post("/bulletin", data={"code": code, "round": str(round_id),
                                                   "v": [str(i) for i in items]})
            t1 = time.monotonic()
            if answer.status_code != 303 or "ok=" not in answer.headers.get("location", ""):
                raise RuntimeError(f"bulletin non confirmé : {answer.status_code}")
        except (httpx.HTTPError, RuntimeError) as exc:
            with record.lock:
                record.failures.append(f"{code}: {exc}")
            return
    with record.lock:
        record.loads.append(loaded)
        record.submits.append(t1 - t0)
        record.acks.append(t1)


def organiser(url: str, action_id: int, name: str, until: float, pause: float, record: Record) -> None:
    """One organiser with /actions open on one action: a progress update every few seconds until ``until``."""
    with httpx.Client(base_url=url, timeout=150) as client:
        try:
            snapshot = client.post("/_stcore/agent/interact", json={
                "page": "actions", "query_params": {"action": [str(action_id)]}}).json()
        except (httpx.HTTPError, ValueError) as exc:
            with record.lock:
                record.failures.append(f"{name}: {exc!r}")
            return
        n = 0
        while time.monotonic() < until:
            n += 1
            try:
                trigger = next(a["key"] for a in snapshot["actions"]
                               if a["kind"] == "trigger" and a["key"].startswith("FormSubmitter:update_"))
                form = trigger.removeprefix("FormSubmitter:").split("-")[0]
                comment = f"{name} : point n° {n} pendant la plénière"
                t0 = time.monotonic()
                answer = client.post("/_stcore/agent/interact", json={
                    "session_id": snapshot["session_id"], "widget_state": {f"{form}_comment": comment},
                    "trigger": {"key": trigger}})
                elapsed = time.monotonic() - t0
                snapshot = answer.json()
                if "Point d'avancement du" not in answer.text:
                    raise RuntimeError("point non confirmé")
            except (httpx.HTTPError, RuntimeError, StopIteration, KeyError, ValueError) as exc:
                with record.lock:
                    record.failures.append(f"{name}: {exc!r}")
                return
            with record.lock:
                record.saves.append(elapsed)
                record.updates.append(comment)
            time.sleep(pause)


def poster(url: str, code: str, n: int, start_at: float, think: float, record: Record) -> None:
    """One phone in a workshop: open the posts page at ``start_at``, type for ``think`` s, post a finding."""
    time.sleep(max(0.0, start_at - time.monotonic()))
    kind = ("frein", "levier", "constat")[n % 3]
    text = f"Charge : {kind} n° {n} posté depuis un téléphone pendant l'atelier {1 + n % 3}"
    limits = httpx.Limits(keepalive_expiry=1.0)
    with httpx.Client(base_url=url, timeout=120, follow_redirects=False, limits=limits) as phone:
        try:
            t0 = time.monotonic()
            page = phone.get("/contribuer", params={"code": code})
            loaded = time.monotonic() - t0
            if page.status_code != 200 or "Envoyer ma proposition" not in page.text:
                raise RuntimeError(f"page des propositions : {page.status_code}")
            time.sleep(think)
            t0 = time.monotonic()
            with record.lock:
                record.first_submit = min(record.first_submit or t0, t0)
            answer = phone.post("/contribuer", data={
                "code": code, "post": "finding", "workshop": str(1 + n % 3), "kind": kind, "text": text,
                "objective": [str(1 + n % 5), str(1 + (n + 2) % 5)]})
            t1 = time.monotonic()
            if answer.status_code != 303 or "ok=1" not in answer.headers.get("location", ""):
                raise RuntimeError(f"proposition non confirmée : {answer.status_code}")
        except (httpx.HTTPError, RuntimeError) as exc:
            with record.lock:
                record.failures.append(f"{code}: {exc}")
            return
    with record.lock:
        record.loads.append(loaded)
        record.submits.append(t1 - t0)
        record.acks.append(t1)
        record.posted.append(text)


_ACCEPT = re.compile(r"^FormSubmitter:prop_(\d+)-Accepter$")


def moderator(url: str, name: str, until: float, pause: float, record: Record) -> None:
    """One organiser on /diagnostic?vue=propositions: accept the oldest pending post every ``pause`` s."""
    with httpx.Client(base_url=url, timeout=150) as client:
        try:
            snapshot = client.post("/_stcore/agent/interact", json={
                "page": "diagnostic", "query_params": {"vue": ["propositions"]}}).json()
            while time.monotonic() < until:
                keys = [a["key"] for a in snapshot["actions"] if a["kind"] == "trigger"]
                pending = sorted((int(m.group(1)), key) for key in keys if (m := _ACCEPT.match(key)))
                trigger = pending[0][1] if pending else "prop_refresh"
                t0 = time.monotonic()
                answer = client.post("/_stcore/agent/interact", json={
                    "session_id": snapshot["session_id"], "trigger": {"key": trigger}})
                t1 = time.monotonic()
                snapshot = answer.json()
                if pending:
                    if "est acceptée" not in answer.text:
                        raise RuntimeError(f"proposition n° {pending[0][0]} non acceptée")
                    with record.lock:
                        record.saves.append(t1 - t0)
                        record.accept_acks.append(t1)
                        record.accepted.append(pending[0][0])
                time.sleep(pause if pending else 1.0)
        except (httpx.HTTPError, RuntimeError, KeyError, ValueError) as exc:
            with record.lock:
                record.failures.append(f"{name}: {exc!r}")


_FINDINGS = re.compile(r"(\d+) constats? · tous les ateliers")


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


class Wall(ProjectorTab):
    """/diagnostic?vue=mur on the projector."""

    def __init__(self, url: str) -> None:
        super().__init__(f"{url}/diagnostic?vue=mur")
        self.heading = self.tab.get_by_text(_FINDINGS).first
        self.heading.wait_for()

    def watch(self, deadline: float, record: Record) -> None:
        """Note when each new count of findings appears on the wall, until ``deadline``."""
        shown = -1
        while time.monotonic() < deadline:
            match = _FINDINGS.search(self.heading.text_content() or "")
            value = int(match.group(1)) if match else -1
            if value != shown:
                shown = value
                with record.lock:
                    record.wall.append((time.monotonic(), value))
            self.tab.wait_for_timeout(200)


def wall_delays(record: Record) -> list[float]:
    """For the k-th acceptance: how long from its answer until the wall showed k more findings."""
    if not record.wall:
        return []
    base = record.wall[0][1]
    delays = []
    for k, ack in enumerate(sorted(record.accept_acks), start=1):
        seen = next((t for t, value in record.wall if value >= base + k), None)
        if seen is not None:
            delays.append(max(0.0, seen - ack))
    return delays


_VOTERS = re.compile(r"(\d[\d\s\u00a0\u202f]*) votant")


class Projection(ProjectorTab):
    """/resultats on the projector."""

    def __init__(self, url: str) -> None:
        super().__init__(f"{url}/resultats")
        self.turnout = self.tab.locator(".projo-turnout").first
        self.turnout.wait_for()

    def watch(self, until_count: int, deadline: float, record: Record) -> None:
        """Note when each new turnout figure appears on screen, until ``until_count`` voters or deadline."""
        shown = -1
        while time.monotonic() < deadline:
            match = _VOTERS.search(self.turnout.text_content() or "")
            value = int(re.sub(r"\D", "", match.group(1))) if match else -1
            if value != shown:
                shown = value
                with record.lock:
                    record.turnout.append((time.monotonic(), value))
            if value >= until_count:
                return
            self.tab.wait_for_timeout(100)


def server_rows(record: Record, rss: tuple[int, int, int], cpu: tuple[float, float], cpu_share: float,
                loads: tuple[float, float]) -> list[tuple[str, str]]:
    """Return the rows every scenario ends with: server memory (idle, peak, after) and CPU, load, failures."""
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


def refresh_delays(record: Record) -> list[float]:
    """For the k-th acknowledged ballot: how long until the projection showed at least k voters."""
    delays = []
    for k, ack in enumerate(sorted(record.acks), start=1):
        seen = next((t for t, value in record.turnout if value >= k), None)
        if seen is not None:
            delays.append(max(0.0, seen - ack))
    return delays


def stored(path: Path, round_id: int, updates: list[str]) -> tuple[int, int]:
    con = db.open_database(path)
    try:
        voters = db.query(con, "SELECT count(DISTINCT participant_id) AS n FROM ballots WHERE round_id = ?",
                          [round_id])[0]["n"]
        found = db.query(con, "SELECT count(*) AS n FROM progress_points WHERE comment IN "
                         "(SELECT unnest(?::VARCHAR[]))", [updates])[0]["n"]
        return voters, found
    finally:
        con.close()


def prepare_findings(path: Path, phones: int) -> list[str]:
    """Build the demo with ``phones`` participants (no round open: the workshops); return their codes."""
    con = db.open_database(path)
    build_demo(con, seed=42)
    missing = phones - len(participants.list_participants(con))
    if missing > 0:
        lines = "".join(f"Participant·e {i};Structure {i % 40};PTCE;Bretagne\n" for i in range(missing))
        participants.import_participants(
            con, SYSTEM, ("nom;structure;type de participant;territoire\n" + lines).encode(), "charge.csv")
    codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT ?", [phones])]
    con.close()
    return codes


def stored_posts(path: Path, texts: list[str], accepted: list[int]) -> tuple[int, int]:
    """Return how many acknowledged posts are in the database, and how many acceptances made a finding."""
    con = db.open_database(path)
    try:
        posts = db.query(con, "SELECT count(*) AS n FROM contributions "
                         "WHERE text IN (SELECT unnest(?::VARCHAR[]))", [texts])[0]["n"]
        made = db.query(con, "SELECT count(*) AS n FROM contributions c "
                        "JOIN findings f ON f.id = c.finding_id "
                        "WHERE c.status = 'accepted' AND c.id IN (SELECT unnest(?::INTEGER[]))",
                        [accepted])[0]["n"]
        return posts, made
    finally:
        con.close()


def findings_scenario(args: argparse.Namespace) -> None:
    """Phones post findings over the window while the wall is projected and organisers moderate."""
    rng = random.Random(13)
    record = Record()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "charge.duckdb"
        codes = prepare_findings(path, args.voters)
        server, url = start_server(path, Path(tmp) / "sauvegardes")
        stop = threading.Event()
        sampler = threading.Thread(target=sample_memory, args=(server.pid, record, stop))
        sampler.start()
        try:
            httpx.get(f"{url}/", timeout=120)  # the first page load warms the server up
            idle_rss, idle_cpu = process_usage(server.pid)
            load_before = os.getloadavg()[0]
            wall = Wall(url)  # projected before the first post, as in the room
            start = time.monotonic() + 2
            end = start + args.window
            workers = [
                threading.Thread(target=poster, args=(
                    url, code, n, start + args.window * n / args.voters, rng.uniform(*TYPING), record))
                for n, code in enumerate(codes)
            ]
            workers += [
                threading.Thread(target=moderator,
                                 args=(url, f"Organisatrice {n + 1}", end, args.pause, record))
                for n in range(args.organisers)
            ]
            for worker in workers:
                worker.start()
            wall.watch(end + max(TYPING) + 10, record)
            wall.close()
            for worker in workers:
                worker.join(timeout=180)
            busy_rss, busy_cpu = process_usage(server.pid)
            load_after = os.getloadavg()[0]
        finally:
            stop.set()
            sampler.join()
            server.terminate()
            server.wait(timeout=60)
        in_db, made = stored_posts(path, record.posted, record.accepted)

    span = (max(record.acks) - record.first_submit) if record.acks else float("nan")
    peak = max((rss for _, rss, _ in record.memory), default=0)
    during = [(t, cpu) for t, _, cpu in record.memory if start <= t <= end + 5]
    cpu_share = ((during[-1][1] - during[0][1]) / (during[-1][0] - during[0][0])) if len(during) > 1 else 0.0
    rows = [
        ("Phones / window",
         f"{args.voters} in {args.window:.0f} s, the wall projected (following by itself), "
         f"{args.organisers} moderators (an acceptance every {args.pause:.0f} s each)"),
        ("Posts acknowledged / in database", f"{len(record.acks)} / {in_db}"),
        ("Posts per second (first submit to last answer)", f"{len(record.acks) / span:.2f}"),
        ("Post -> commit latency p50 / p95 / max", spread(record.submits, 3)),
        ("Posts page load p50 / p95 / max", spread(record.loads, 3)),
        ("Wall: counts seen / last shown",
         f"{len(record.wall)} / {record.wall[-1][1] if record.wall else '-'}"),
        ("Acceptance -> shown on the wall p50 / p95 / max", spread(wall_delays(record), 2)),
        ("Acceptances: count / findings in database", f"{len(record.accepted)} / {made}"),
        ("Acceptance (submit -> page redrawn) p50 / p95 / max", spread(record.saves, 2)),
    ]
    print_table(rows + server_rows(record, (idle_rss, peak, busy_rss), (idle_cpu, busy_cpu), cpu_share,
                                   (load_before, load_after)))
    if in_db != len(record.acks) or made != len(record.accepted):
        raise SystemExit("an acknowledged post or acceptance is missing from the database")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=200, help="participants who vote (default 200)")
    parser.add_argument("--window", type=float, default=120.0, help="seconds over which they vote (120)")
    parser.add_argument("--organisers", type=int, default=2, help="organisers editing actions (default 2)")
    parser.add_argument("--pause", type=float, default=ORGANISER_PAUSE,
                        help=f"seconds between two updates of an organiser (default {ORGANISER_PAUSE:.0f})")
    parser.add_argument("--scenario", choices=("ballots", "findings"), default="ballots",
                        help="ballots: a plenary vote (default); findings: phones posting in the workshops")
    args = parser.parse_args()
    if args.scenario == "findings":
        findings_scenario(args)
        return
    rng = random.Random(8)
    record = Record()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "charge.duckdb"
        round_id, items, codes, action_ids = prepare(path, args.voters)
        server, url = start_server(path, Path(tmp) / "sauvegardes")
        stop = threading.Event()
        sampler = threading.Thread(target=sample_memory, args=(server.pid, record, stop))
        sampler.start()
        try:
            httpx.get(f"{url}/", timeout=120)  # the first page load warms the server up
            idle_rss, idle_cpu = process_usage(server.pid)
            load_before = os.getloadavg()[0]
            projection = Projection(url)  # open before the first voter, as in the room
            start = time.monotonic() + 2
            end = start + args.window
            workers = [
                threading.Thread(target=voter, args=(
                    url, round_id, code, rng.sample(items, 2),
                    start + args.window * i / args.voters, rng.uniform(*THINK), record))
                for i, code in enumerate(codes)
            ]
            workers += [
                threading.Thread(target=organiser, args=(
                    url, action_ids[n % len(action_ids)], f"Organisatrice {n + 1}", end, args.pause, record))
                for n in range(args.organisers)
            ]
            for worker in workers:
                worker.start()
            projection.watch(args.voters, end + 60, record)
            projection.close()
            for worker in workers:
                worker.join(timeout=180)
            busy_rss, busy_cpu = process_usage(server.pid)
            load_after = os.getloadavg()[0]
        finally:
            stop.set()
            sampler.join()
            server.terminate()
            server.wait(timeout=60)
        in_db, updates_in_db = stored(path, round_id, record.updates)

    span = (max(record.acks) - record.first_submit) if record.acks else float("nan")
    delays = refresh_delays(record)
    peak = max((rss for _, rss, _ in record.memory), default=0)
    during = [(t, cpu) for t, _, cpu in record.memory if start <= t <= end + 5]
    cpu_share = ((during[-1][1] - during[0][1]) / (during[-1][0] - during[0][0])) if len(during) > 1 else 0.0
    rows = [
        ("Voters / window",
         f"{args.voters} in {args.window:.0f} s, 1 projection, {args.organisers} organisers "
         f"(an update every {args.pause:.0f} s each)"),
        ("Ballots acknowledged / in database", f"{len(record.acks)} / {in_db}"),
        ("Ballots per second (first submit to last answer)", f"{len(record.acks) / span:.2f}"),
        ("Submit -> commit latency p50 / p95 / max",
         f"{quantile(record.submits, .5):.3f} / {quantile(record.submits, .95):.3f} / "
         f"{max(record.submits, default=float('nan')):.3f} s"),
        ("Ballot page load p50 / p95",
         f"{quantile(record.loads, .5):.3f} / {quantile(record.loads, .95):.3f} s"),
        ("Projection refresh delay p50 / p95 / max",
         f"{quantile(delays, .5):.2f} / {quantile(delays, .95):.2f} / "
         f"{max(delays, default=float('nan')):.2f} s"),
        ("Projection: turnout figures seen / last shown",
         f"{len(record.turnout)} / {record.turnout[-1][1] if record.turnout else '-'}"),
        ("Organiser saves: count / in database / p50 / p95",
         f"{len(record.saves)} / {updates_in_db} / {quantile(record.saves, .5):.2f} / "
         f"{quantile(record.saves, .95):.2f} s"),
    ]
    print_table(rows + server_rows(record, (idle_rss, peak, busy_rss), (idle_cpu, busy_cpu), cpu_share,
                                   (load_before, load_after)))
    if in_db != len(record.acks) or updates_in_db != len(record.updates):
        raise SystemExit("an acknowledged ballot or update is missing from the database")


if __name__ == "__main__":
    main()
