"""Crash safety: the app is killed (SIGKILL) in the middle of a burst of ballots and progress updates.

Participants post their ballots to the light phone ballot (``POST /bulletin``, as their phones do) and two
organisers record progress updates on ``/actions`` (through Streamlit's agent API, the same script runs a
browser triggers). Whatever the server acknowledged (a 303 to ``ok=1``/``ok=0``, an "enregistré"
message) must be in the database after the kill and a restart, exactly once; a graceful restart changes
no table at all (row counts and checksums of every table).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from labo_dash import access, backup, db, rounds, voting

AGENT_ENV = {"STREAMLIT_SERVER_ENABLE_AGENT_API": "true", "STREAMLIT_SERVER_AGENT_WAIT_TIMEOUT": "120"}
ITEMS = [1, 2, 3, 4, 5, 6]
VOTERS = 60
VOTER_THREADS = 6
KILL_AFTER = 30  # acknowledged ballots
DEADLINE = 45.0  # seconds: the kill comes then at the latest
ACTIONS = (5, 12)  # one action per organiser


@dataclass
class Ledger:
    """What each participant and organiser sent, and which of it the server acknowledged."""

    ballots: dict[str, list[tuple[frozenset[int], str]]] = field(default_factory=dict)  # code -> sent, answer
    updates: dict[str, str] = field(default_factory=dict)  # comment -> "ack" or "unknown"
    lock: threading.Condition = field(default_factory=threading.Condition)  # notified at each answer
    killed: threading.Event = field(default_factory=threading.Event)
    errors: list[str] = field(default_factory=list)  # what a worker thread raised

    def acknowledged_ballots(self) -> int:
        with self.lock:
            return sum(answer != "unknown" for sent in self.ballots.values() for _, answer in sent)


def ballot_plan(index: int) -> list[frozenset[int]]:
    """Return the ballots participant ``index`` sends in turn: first, the same again, then a change."""
    first = frozenset({ITEMS[index % 6], ITEMS[(index + 2) % 6]})
    plan = [first]
    if index % 3 == 0:
        plan.append(first)  # an identical resubmission writes nothing
    if index % 4 == 0:
        plan.append(frozenset({ITEMS[(index + 1) % 6], ITEMS[(index + 3) % 6], ITEMS[(index + 4) % 6]}))
    return plan


def vote(url: str, round_id: int, code: str, index: int, ledger: Ledger) -> None:
    """Send participant ``index``'s ballots, recording each answer; stop at the first unanswered one."""
    with httpx.Client(base_url=url, timeout=60, follow_redirects=False) as client:
        for items in ballot_plan(index):
            if ledger.killed.is_set():
                return
            with ledger.lock:
                ledger.ballots.setdefault(code, []).append((items, "unknown"))
                position = len(ledger.ballots[code]) - 1
            fields = {"code": code, "round": str(round_id), "v": [str(i) for i in sorted(items)]}
            try:
                answer = client.post("/bulletin", data=fields)
            except httpx.TransportError:
                return
            location = answer.headers.get("location", "")
            assert answer.status_code == 303 and ("ok=1" in location or "ok=0" in location), answer.text
            with ledger.lock:
                ledger.ballots[code][position] = (items, "changed" if "ok=1" in location else "same")
                ledger.lock.notify_all()


def _update_form(snapshot: dict) -> tuple[str, str]:
    """Return the comment widget key and the submit trigger key of the progress update form."""
    trigger = next(a["key"] for a in snapshot["actions"]
                   if a["kind"] == "trigger" and a["key"].startswith("FormSubmitter:update_"))
    form = trigger.removeprefix("FormSubmitter:").split("-")[0]
    return f"{form}_comment", trigger


def _messages(node: dict) -> Iterator[str]:
    if node.get("type") in ("success", "error", "warning", "exception"):
        yield f"{node['type']}: {node.get('props', {}).get('body', '')}"
    for child in node.get("children", []):
        yield from _messages(child)


def organiser(url: str, action_id: int, ledger: Ledger) -> None:
    """Record progress updates on one action, one after the other, until the server dies."""
    with httpx.Client(base_url=url, timeout=120) as client:
        try:
            opening = {"page": "actions", "query_params": {"action": [str(action_id)]}}
            snapshot = client.post("/_stcore/agent/interact", json=opening).json()
        except httpx.TransportError:
            return
        for n in range(1, 40):
            if ledger.killed.is_set():
                return
            comment_key, trigger = _update_form(snapshot)
            comment = f"Point n° {n} de l'action {action_id} (test de panne)"
            with ledger.lock:
                ledger.updates[comment] = "unknown"
            body = {"session_id": snapshot["session_id"], "widget_state": {comment_key: comment},
                    "trigger": {"key": trigger}}
            try:
                snapshot = client.post("/_stcore/agent/interact", json=body).json()
            except (httpx.TransportError, json.JSONDecodeError):
                return
            messages = list(_messages(snapshot["tree"]))
            assert any(m.startswith("success: Point d'avancement") for m in messages), messages
            with ledger.lock:
                ledger.updates[comment] = "ack"
                ledger.lock.notify_all()


@pytest.fixture
def crash_db(demo_db):
    """The demo with an open dot-voting round on six défis; return the path, the round and 60 codes."""
    con = db.open_database(demo_db)
    round_id = rounds.create_round(con, access.SYSTEM, rounds.RoundRules("Tour de la panne"), ITEMS)
    rounds.set_status(con, access.SYSTEM, round_id, "open")
    codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT ?", [VOTERS])]
    con.close()
    return demo_db, round_id, codes


def burst_then_kill(server, round_id: int, codes: list[str]) -> Ledger:
    """Run the voters and the organisers, SIGKILL the server in the middle, return what was acknowledged."""
    ledger = Ledger()
    queue = list(enumerate(codes))
    queue_lock = threading.Lock()

    def voter_worker() -> None:
        while not ledger.killed.is_set():
            with queue_lock:
                if not queue:
                    return
                index, code = queue.pop(0)
            vote(server.url, round_id, code, index, ledger)

    def guarded(work, *args) -> None:
        try:
            work(*args)
        except Exception as exc:  # reported by the test instead of vanishing with the thread
            ledger.errors.append(f"{work.__name__}: {exc!r}")

    def acknowledged_updates() -> int:
        with ledger.lock:
            return sum(answer == "ack" for answer in ledger.updates.values())

    def wait_until(condition, seconds: float) -> None:  # woken by each answer the workers note
        with ledger.lock:
            ledger.lock.wait_for(condition, timeout=max(0.0, start + seconds - time.monotonic()))

    start = time.monotonic()
    organisers = [threading.Thread(target=guarded, args=(organiser, server.url, a, ledger)) for a in ACTIONS]
    voters = [threading.Thread(target=guarded, args=(voter_worker,)) for _ in range(VOTER_THREADS)]
    for thread in organisers:  # the organisers first: their page is the slower one to open
        thread.start()
    wait_until(lambda: acknowledged_updates() >= len(ACTIONS), DEADLINE / 2)
    for thread in voters:
        thread.start()
    wait_until(lambda: ledger.acknowledged_ballots() >= KILL_AFTER, DEADLINE)
    server.process.kill()  # SIGKILL: no shutdown hook, no checkpoint
    server.process.wait()
    ledger.killed.set()
    for thread in organisers + voters:
        thread.join(timeout=130)
    return ledger


def check_ledger(path, round_id: int, ledger: Ledger) -> None:
    """Find every acknowledged ballot and update in the database, exactly once."""
    con = db.open_database(path)
    try:
        for code, sent in ledger.ballots.items():
            person = db.query(con, "SELECT id FROM participants WHERE code = ?", [code])[0]["id"]
            rows = db.query(con, "SELECT fingerprint FROM ballots WHERE round_id = ? AND participant_id = ? "
                            "ORDER BY id", [round_id, person])
            changed = sum(answer == "changed" for _, answer in sent)
            unknown = [items for items, answer in sent if answer == "unknown"]
            assert changed <= len(rows) <= changed + len(unknown), (code, sent, len(rows))
            fingerprints = [r["fingerprint"] for r in rows]
            assert all(a != b for a, b in itertools.pairwise(fingerprints)), "a duplicate"
            acknowledged = [items for items, answer in sent if answer != "unknown"]
            if acknowledged:
                current = voting.current_ballot(con, round_id, person)
                expected = [acknowledged[-1], *unknown]
                assert {item for item, (value, _) in current.items() if value} in expected, (code, sent)
        stored = db.query(con, "SELECT comment, count(*) AS n FROM progress_updates "
                          "WHERE comment LIKE '%(test de panne)' GROUP BY comment")
        counts = {r["comment"]: r["n"] for r in stored}
        for comment, answer in ledger.updates.items():
            assert counts.get(comment, 0) == 1 if answer == "ack" else counts.get(comment, 0) <= 1, comment
        assert set(counts) <= set(ledger.updates)
    finally:
        con.close()


def fingerprints(path) -> dict[str, backup.Fingerprint]:
    con = db.open_database(path)
    try:
        return backup.table_fingerprints(con)
    finally:
        con.close()


def test_acknowledged_ballots_and_updates_survive_a_kill_and_a_restart(crash_db, start_server, tmp_path):
    path, round_id, codes = crash_db
    backups = {"LABO_BACKUP_DIR": str(tmp_path / "sauvegardes")}
    server = start_server(path, env={**AGENT_ENV, **backups})
    ledger = burst_then_kill(server, round_id, codes)

    assert ledger.errors == []
    acknowledged = ledger.acknowledged_ballots()
    acked_updates = sum(answer == "ack" for answer in ledger.updates.values())
    assert acknowledged >= KILL_AFTER // 2 and acked_updates >= 1, (acknowledged, ledger.updates)
    in_flight = sum(answer == "unknown" for sent in ledger.ballots.values() for _, answer in sent)
    assert in_flight >= 1, "the kill came after the burst, not in its middle"
    print(f"\nkilled with {acknowledged} ballots acknowledged and {in_flight} in flight; "
          f"{acked_updates} updates acknowledged, {len(ledger.updates) - acked_updates} in flight")

    check_ledger(path, round_id, ledger)  # the process that reopens the file replays its log
    after_kill = fingerprints(path)

    restarted = start_server(path, env=backups)  # the app starts again on the same file
    voted = next(code for code, sent in ledger.ballots.items() if sent[0][1] != "unknown")
    page = httpx.get(f"{restarted.url}/bulletin", params={"code": voted}, timeout=60)
    assert page.status_code == 200 and "Votre vote est enregistré" in page.text
    restarted.stop()  # a graceful stop

    assert fingerprints(path) == after_kill  # a restart without a kill changes no table
    check_ledger(path, round_id, ledger)

