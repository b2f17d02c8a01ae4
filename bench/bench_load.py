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
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load_kit as kit  # noqa: E402
from bench.load_findings import findings_scenario  # noqa: E402
from labo_dash import db, rounds  # noqa: E402
from labo_dash.access import SYSTEM  # noqa: E402

THINK = (2.0, 6.0)  # seconds a participant takes to choose, after the page has loaded
ORGANISER_PAUSE = 15.0  # seconds between two updates of one organiser: a brisk human, typing a comment
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Plenary:
    """The open dot-voting round, its items, the voters' codes and the actions the organisers update."""

    round_id: int
    items: list[int]
    codes: list[str]
    actions: list[int]


def prepare(path: Path, voters: int) -> Plenary:
    """Build the demo with ``voters`` participants and an open dot-voting round."""
    con = kit.demo_with_participants(path, voters)
    items = [c.id for c in rounds.candidate_items(con, "challenges")]
    round_id = rounds.create_round(con, SYSTEM, rounds.RoundRules("Plénière (test de charge)"), items)
    rounds.set_status(con, SYSTEM, round_id, "open")
    codes = kit.codes_of(con, voters)
    open_actions = [r["id"] for r in db.query(con, "SELECT id FROM actions ORDER BY id LIMIT 8")]
    con.close()
    return Plenary(round_id, items, codes, open_actions)


def voter(url: str, round_id: int, code: str, items: list[int], start_at: float, think: float,
          record: kit.Record) -> None:
    """One phone: open the badge's link at ``start_at``, choose for ``think`` s, post the ballot."""
    ballot = {"code": code, "round": str(round_id), "v": [str(i) for i in items]}
    kit.phone_post(url, code, start_at, think, record, ("/vote", "Enregistrer mon vote", "page du bulletin"),
               ("/bulletin", ballot, "ok=", "bulletin non confirmé"))


def organiser(url: str, action_id: int, name: str, until: float, pause: float, record: kit.Record) -> None:
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


_VOTERS = re.compile(r"(\d[\d\s\u00a0\u202f]*) votant")


class Projection(kit.ProjectorTab):
    """/resultats on the projector."""

    def __init__(self, url: str) -> None:
        super().__init__(f"{url}/resultats")
        self.turnout = self.tab.locator(".projo-turnout").first
        self.turnout.wait_for()

    def watch(self, until_count: int, deadline: float, record: kit.Record) -> None:
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


def refresh_delays(record: kit.Record) -> list[float]:
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


def ballots_scenario(args: argparse.Namespace) -> None:
    """Phones vote over the window while the results are projected and organisers record updates."""

    def workers(plenary: Plenary, url: str, window: kit.Window, record: kit.Record) -> list[threading.Thread]:
        rng = random.Random(8)
        voters = [threading.Thread(target=voter, args=(
            url, plenary.round_id, code, rng.sample(plenary.items, 2),
            window.start + args.window * i / args.voters, rng.uniform(*THINK), record))
            for i, code in enumerate(plenary.codes)]
        for n in range(args.organisers):
            action, name = plenary.actions[n % len(plenary.actions)], f"Organisatrice {n + 1}"
            voters.append(threading.Thread(
                target=organiser, args=(url, action, name, window.end, args.pause, record)))
        return voters

    record, window, (in_db, updates_in_db) = kit.run_scenario(kit.Scenario(
        prepare=lambda path: prepare(path, args.voters),
        open_screen=Projection,
        workers=workers,
        watch=lambda projection, window, record: projection.watch(args.voters, window.end + 60, record),
        stored=lambda path, plenary, record: stored(path, plenary.round_id, record.updates),
    ), args.window)
    delays = refresh_delays(record)
    rows = [
        ("Voters / window",
         f"{args.voters} in {args.window:.0f} s, 1 projection, {args.organisers} organisers "
         f"(an update every {args.pause:.0f} s each)"),
        ("Ballots acknowledged / in database", f"{len(record.acks)} / {in_db}"),
        ("Ballots per second (first submit to last answer)", f"{len(record.acks) / record.span():.2f}"),
        ("Submit -> commit latency p50 / p95 / max",
         f"{kit.quantile(record.submits, .5):.3f} / {kit.quantile(record.submits, .95):.3f} / "
         f"{max(record.submits, default=float('nan')):.3f} s"),
        ("Ballot page load p50 / p95",
         f"{kit.quantile(record.loads, .5):.3f} / {kit.quantile(record.loads, .95):.3f} s"),
        ("Projection refresh delay p50 / p95 / max",
         f"{kit.quantile(delays, .5):.2f} / {kit.quantile(delays, .95):.2f} / "
         f"{max(delays, default=float('nan')):.2f} s"),
        ("Projection: turnout figures seen / last shown",
         f"{len(record.turnout)} / {record.turnout[-1][1] if record.turnout else '-'}"),
        ("Organiser saves: count / in database / p50 / p95",
         f"{len(record.saves)} / {updates_in_db} / {kit.quantile(record.saves, .5):.2f} / "
         f"{kit.quantile(record.saves, .95):.2f} s"),
    ]
    kit.print_table(rows + kit.server_rows(record, window))
    if in_db != len(record.acks) or updates_in_db != len(record.updates):
        raise SystemExit("an acknowledged ballot or update is missing from the database")


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
    (findings_scenario if args.scenario == "findings" else ballots_scenario)(args)


if __name__ == "__main__":
    main()
