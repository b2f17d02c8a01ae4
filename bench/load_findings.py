"""The workshops' load scenario of bench_load.py (``--scenario findings``; see its docstring).

Phones post findings over the window while the wall is projected and organisers moderate.
"""

from __future__ import annotations

import argparse
import random
import re
import threading
import time
from pathlib import Path

import httpx

from bench import load_kit as kit
from labo_dash import db

TYPING = (5.0, 15.0)  # seconds a participant takes to type a finding, after the page has loaded


def poster(url: str, code: str, n: int, start_at: float, think: float, record: kit.Record) -> None:
    """One phone in a workshop: open the posts page at ``start_at``, type for ``think`` s, post a finding."""
    kind = ("frein", "levier", "constat")[n % 3]
    text = f"Charge : {kind} n° {n} posté depuis un téléphone pendant l'atelier {1 + n % 3}"
    form = {"code": code, "post": "finding", "workshop": str(1 + n % 3), "kind": kind, "text": text,
            "objective": [str(1 + n % 5), str(1 + (n + 2) % 5)]}
    if kit.phone_post(url, code, start_at, think, record,
                      ("/contribuer", "Envoyer ma proposition", "page des propositions"),
                      ("/contribuer", form, "ok=1", "proposition non confirmée")):
        with record.lock:
            record.posted.append(text)


_ACCEPT = re.compile(r"^FormSubmitter:prop_(\d+)-Accepter$")


def moderator(url: str, name: str, until: float, pause: float, record: kit.Record) -> None:
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


class Wall(kit.ProjectorTab):
    """/diagnostic?vue=mur on the projector."""

    def __init__(self, url: str) -> None:
        super().__init__(f"{url}/diagnostic?vue=mur")
        self.heading = self.tab.get_by_text(_FINDINGS).first
        self.heading.wait_for()

    def watch(self, deadline: float, record: kit.Record) -> None:
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


def wall_delays(record: kit.Record) -> list[float]:
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


def prepare_findings(path: Path, phones: int) -> list[str]:
    """Build the demo with ``phones`` participants (no round open: the workshops); return their codes."""
    con = kit.demo_with_participants(path, phones)
    codes = kit.codes_of(con, phones)
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

    def workers(codes: list[str], url: str, window: kit.Window, record: kit.Record) -> list[threading.Thread]:
        rng = random.Random(13)
        phones = [(url, code, n, window.start + args.window * n / args.voters, rng.uniform(*TYPING), record)
                  for n, code in enumerate(codes)]
        moderators = [(url, f"Organisatrice {n + 1}", window.end, args.pause, record)
                      for n in range(args.organisers)]
        return ([threading.Thread(target=poster, args=phone) for phone in phones]
                + [threading.Thread(target=moderator, args=staff) for staff in moderators])

    record, window, (in_db, made) = kit.run_scenario(kit.Scenario(
        prepare=lambda path: prepare_findings(path, args.voters),
        open_screen=Wall,
        workers=workers,
        watch=lambda wall, window, record: wall.watch(window.end + max(TYPING) + 10, record),
        stored=lambda path, codes, record: stored_posts(path, record.posted, record.accepted),
    ), args.window)

    rows = [
        ("Phones / window",
         f"{args.voters} in {args.window:.0f} s, the wall projected (following by itself), "
         f"{args.organisers} moderators (an acceptance every {args.pause:.0f} s each)"),
        ("Posts acknowledged / in database", f"{len(record.acks)} / {in_db}"),
        ("Posts per second (first submit to last answer)", f"{len(record.acks) / record.span():.2f}"),
        ("Post -> commit latency p50 / p95 / max", kit.spread(record.submits, 3)),
        ("Posts page load p50 / p95 / max", kit.spread(record.loads, 3)),
        ("Wall: counts seen / last shown",
         f"{len(record.wall)} / {record.wall[-1][1] if record.wall else '-'}"),
        ("Acceptance -> shown on the wall p50 / p95 / max", kit.spread(wall_delays(record), 2)),
        ("Acceptances: count / findings in database", f"{len(record.accepted)} / {made}"),
        ("Acceptance (submit -> page redrawn) p50 / p95 / max", kit.spread(record.saves, 2)),
    ]
    kit.print_table(rows + kit.server_rows(record, window))
    if in_db != len(record.acks) or made != len(record.accepted):
        raise SystemExit("an acknowledged post or acceptance is missing from the database")
