"""Scale-out benchmark (issue 17): a burst of phone ballots on DuckDB and on PostgreSQL with 1, 2 and 4 app
processes, and the warm rerun of /actions and /suivi on both engines.

In one run, on a throw-away PostgreSQL 15 cluster (tests/pg_cluster.py) and a DuckDB file in a temp folder,
each holding the demo (seed 42) and 500 participants:

1. Ballots: for each set-up (DuckDB × 1 process, PostgreSQL × 1, 2, 4 processes) a new dot-voting round is
   opened and real app processes are started (``streamlit run serve.py``, tests/conftest.py's ``Server``);
   a pool of ``--clients`` threads then sends the 500 participants' ballots at once as phones do
   (``POST /bulletin``, labo_dash/phone/ballot.py), spread over the processes in turn, as a proxy would.
   Latency = from the POST to the 303 that acknowledges it (after the commit); ballots/s = acknowledged
   ballots / (last answer − first send). The database is then checked: one ballot per acknowledged voter.
2. Pages: /actions and /suivi through AppTest in this process (``LABO_DB`` set to the file, then the URL):
   the median CPU and wall time of warm reruns (bench/bench_pages.py's ``measure_apptest``).

    .venv/bin/python bench/bench_scale.py [--ballots 500] [--clients 16] [--runs 5]

The machine is shared: the load average is printed before and after, and every process (the app's, the
cluster's, this one's) competes for the same cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import httpx  # noqa: E402
from bench_pages import measure_apptest  # noqa: E402

from bench.load_kit import quantile  # noqa: E402
from bench.pages_kit import Variant, load  # noqa: E402
from labo_dash import db, participants, rounds  # noqa: E402
from labo_dash.access import SYSTEM  # noqa: E402
from labo_dash.demo import build_demo  # noqa: E402
from labo_dash.rounds import RoundRules  # noqa: E402
from tests.conftest import Server  # noqa: E402
from tests.pg_cluster import Cluster  # noqa: E402

SETUPS = (("DuckDB", 1), ("PostgreSQL", 1), ("PostgreSQL", 2), ("PostgreSQL", 4))
PAGES = (Variant("pages/actions.py", "actions"), Variant("pages/suivi.py", "suivi"))


@dataclass
class Burst:
    """One set-up's burst: the latencies of the acknowledged ballots (s), its span (s), what was stored."""

    engine: str
    processes: int
    latencies: list[float]
    span: float
    failures: list[str]  # why each unacknowledged ballot failed (status or error)
    stored: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.span if self.span > 0 else float("nan")


def prepare(target: Path | str, voters: int) -> list[str]:
    """Build the demo at ``target`` (a DuckDB path or a PostgreSQL URL) with ``voters`` participants;
    return their codes."""
    con = db.open_database(target)
    build_demo(con, seed=42)
    for i in range(voters - len(participants.list_participants(con))):
        participants.register_participant(
            con, SYSTEM, {"name": f"Votant·e {i}", "structure": f"Structure {i % 40}", "kind": "PTCE"})
    codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT ?", [voters])]
    db.close(target)
    return codes


def open_round(target: Path | str, title: str) -> tuple[int, list[int]]:
    """Open a new dot-voting round on every défi (the previous one closed); return it and its items."""
    con = db.connect(target)
    for open_one in db.query(con, "SELECT id FROM rounds WHERE status = 'open'"):
        rounds.set_status(con, SYSTEM, open_one["id"], "closed")
    items = [c.id for c in rounds.candidate_items(con, "challenges")]
    round_id = rounds.create_round(con, SYSTEM, RoundRules(title), items)
    rounds.set_status(con, SYSTEM, round_id, "open")
    db.close(target)
    return round_id, items


def burst(target: Path | str, engine: str, processes: int, codes: list[str], clients: int,
          backups: Path) -> Burst:
    """Start ``processes`` app processes on ``target``, send every code's ballot at once, stop them."""
    round_id, items = open_round(target, f"Rafale {engine} × {processes}")
    servers: list[Server] = []
    try:
        for _ in range(processes):
            servers.append(Server(target, {"LABO_BACKUP_DIR": str(backups)}))
        for server in servers:  # the ballot's modules imported and a pool open in every process
            httpx.get(f"{server.url}/bulletin", params={"code": codes[0]}, timeout=120)

        def vote(index: int) -> tuple[float, float] | str:
            server, code = servers[index % processes], codes[index]
            dots = [items[(index + k) % len(items)] for k in range(3)]
            form = {"code": code, "round": str(round_id), "v": [str(i) for i in dots]}
            start = time.monotonic()
            try:
                answer = httpx.post(f"{server.url}/bulletin", data=form, timeout=300, follow_redirects=False)
            except httpx.HTTPError as exc:
                return type(exc).__name__
            end = time.monotonic()
            ok = answer.status_code == 303 and "ok=1" in answer.headers.get("location", "")
            return (start, end) if ok else f"HTTP {answer.status_code}"

        with ThreadPoolExecutor(clients) as pool:
            answers = list(pool.map(vote, range(len(codes))))
    finally:
        for server in servers:
            server.stop()
    acked = [a for a in answers if isinstance(a, tuple)]
    span = max(end for _, end in acked) - min(start for start, _ in acked) if acked else float("nan")
    con = db.connect(target)
    [row] = db.query(con, "SELECT count(*) AS ballots, count(DISTINCT participant_id) AS voters "
                          "FROM ballots WHERE round_id = ?", [round_id])
    db.close(target)
    if row["ballots"] != row["voters"]:
        raise SystemExit(f"{engine} × {processes}: {row['ballots']} ballots for {row['voters']} voters")
    return Burst(engine, processes, [end - start for start, end in acked], span,
                 [a for a in answers if isinstance(a, str)], row["voters"])


def warm_pages(target: Path | str, runs: int) -> dict[str, tuple[float | None, float | None, str]]:
    """Return, per page, the median warm rerun (ms of CPU, ms wall) in AppTest, and its first failure."""
    os.environ["LABO_DB"] = str(target)
    figures = {}
    try:
        for variant in PAGES:
            timing = measure_apptest(variant, runs, budget_s=30, timeout=180)
            figures[variant.label] = (timing.warm_cpu, timing.warm_wall, "; ".join(timing.failures[:1]))
    finally:
        db.close()
        del os.environ["LABO_DB"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ballots", type=int, default=500, help="ballots in each burst (one per voter)")
    parser.add_argument("--clients", type=int, default=16, help="phones sending at once (threads)")
    parser.add_argument("--runs", type=int, default=5, help="warm reruns of each page")
    args = parser.parse_args()
    print(f"Machine load before: {load()}", flush=True)
    started = time.monotonic()
    cluster = Cluster()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            backups = Path(tmp) / "sauvegardes"
            with __import__("psycopg").connect(cluster.url(), autocommit=True) as admin:
                admin.execute('CREATE DATABASE "bench"')
            targets: dict[str, Path | str] = {"DuckDB": Path(tmp) / "bench.duckdb",
                                              "PostgreSQL": cluster.url("bench")}
            codes = {engine: prepare(target, args.ballots) for engine, target in targets.items()}
            pages = {engine: warm_pages(target, args.runs) for engine, target in targets.items()}
            bursts = []
            for engine, processes in SETUPS:
                bursts.append(burst(targets[engine], engine, processes, codes[engine], args.clients, backups))
                b = bursts[-1]
                print(f"  {engine} × {processes}: {b.rate:.1f} ballots/s, p95 "
                      f"{quantile(b.latencies, .95) * 1000:.0f} ms, {len(b.failures)} failed "
                      f"{sorted(set(b.failures))}", flush=True)
    finally:
        cluster.stop()

    print(f"\n== Burst of {args.ballots} phone ballots (POST /bulletin), {args.clients} clients at once")
    header = (f"{'engine':<11} {'processes':>9} {'ballots/s':>10} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
              f"{'failed':>6} {'stored':>6}")
    print(header)
    print("-" * len(header))
    for b in bursts:
        ms = [x * 1000 for x in b.latencies]
        top = max(ms, default=float("nan"))
        print(f"{b.engine:<11} {b.processes:>9} {b.rate:>10.1f} {quantile(ms, .5):>7.0f} "
              f"{quantile(ms, .95):>7.0f} {top:>7.0f} {len(b.failures):>6} {b.stored:>6}")
    print(f"\n== Warm rerun (AppTest, median of {args.runs}; ms)")
    header = f"{'page':<10} {'engine':<11} {'CPU ms':>7} {'wall ms':>8}  failure"
    print(header)
    print("-" * len(header))
    for variant in PAGES:
        for engine in targets:
            cpu, wall, failure = pages[engine][variant.label]
            cpu_text = "-" if cpu is None else f"{cpu:.0f}"
            wall_text = "-" if wall is None else f"{wall:.0f}"
            print(f"{variant.label:<10} {engine:<11} {cpu_text:>7} {wall_text:>8}  {failure}")
    print(f"\nMachine load after: {load()}; {time.monotonic() - started:.0f} s in all")


if __name__ == "__main__":
    main()
