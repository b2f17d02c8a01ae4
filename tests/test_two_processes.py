"""Two app processes on one PostgreSQL database (issue 17): ballots sent to both, one killed mid-way.

Each process is a real ``streamlit run serve.py`` (tests/conftest.py's ``Server``) whose ``LABO_DB`` is the
URL of a private copy of the demo on the session's throw-away cluster; ballots go through the light phone
routes (``POST /bulletin``, labo_dash/phone/ballot.py) as a phone sends them, and the projection is read in
Chromium.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import pytest
from playwright.sync_api import expect

from labo_dash import db, participants, results, rounds
from labo_dash.access import SYSTEM
from labo_dash.rounds import RoundRules
from tests.conftest import Server, browser_tab, open_page, screenshot

VOTERS = 100  # the demo's 80 participants and 20 more
BALLOTS_EACH = 2  # 200 ballots in all
KILL_AFTER = 100  # acknowledged ballots before the second process is killed (SIGKILL)
CLIENTS = 8  # phones sending at once


@dataclass
class Vote:
    """What the phones sent: per participant code, each ballot (its dots' item ids) and whether it was
    acknowledged (the 303 to the ballot with ok=1)."""

    sent: dict[str, list[tuple[frozenset[int], bool]]] = field(default_factory=dict)
    acked: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def pg_vote(pg_databases, pg_templates) -> Iterator[tuple[str, int, list[str], list[int]]]:
    """A private copy of the demo on PostgreSQL with 100 participants and an open dot-voting round on the
    défis (3 dots, at most 1 per défi); yield its URL, the round, the participants' codes and the items."""
    url = pg_databases.copy(pg_templates["demo"])
    con = db.connect(url)
    for i in range(VOTERS - len(participants.list_participants(con))):
        participants.register_participant(
            con, SYSTEM, {"name": f"Votant·e {i}", "structure": f"Structure {i % 7}", "kind": "PTCE"})
    items = [c.id for c in rounds.candidate_items(con, "challenges")]
    round_id = rounds.create_round(con, SYSTEM, RoundRules("Deux serveurs"), items)
    rounds.set_status(con, SYSTEM, round_id, "open")
    codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id")]
    db.close(url)  # the app processes open their own pools
    yield url, round_id, codes, items
    pg_databases.drop(url)


def picks(items: list[int], voter: int, wave: int) -> frozenset[int]:
    """The 3 défis a voter's ballot number ``wave`` gives a dot to (each wave's differ)."""
    return frozenset(items[(voter + 3 * wave + k) % len(items)] for k in range(3))


def send(server: Server, code: str, round_id: int, dots: frozenset[int]) -> httpx.Response:
    """Post a ballot as the phone's form does (no redirect followed: the 303 is the acknowledgement)."""
    form = {"code": code, "round": str(round_id), "v": [str(i) for i in sorted(dots)]}
    return httpx.post(f"{server.url}/bulletin", data=form, timeout=120, follow_redirects=False)


def acknowledged(answer: httpx.Response) -> bool:
    return answer.status_code == 303 and "ok=1" in answer.headers.get("location", "")


def stored_ballots(url: str, round_id: int) -> dict[str, list[frozenset[int]]]:
    """Return, per participant code, the round's ballots in the order they were written (their dots)."""
    con = db.connect(url)
    rows = db.query(
        con,
        "SELECT b.id, p.code, e.item_id, e.value FROM ballots b "
        "JOIN participants p ON p.id = b.participant_id JOIN ballot_entries e ON e.ballot_id = b.id "
        "WHERE b.round_id = ? ORDER BY b.id, e.item_id",
        [round_id],
    )
    ballots: dict[int, tuple[str, set[int]]] = {}
    for row in rows:
        assert row["value"] == 1  # one dot per défi at most
        ballots.setdefault(row["id"], (row["code"], set()))[1].add(row["item_id"])
    stored: dict[str, list[frozenset[int]]] = {}
    for code, dots in ballots.values():  # dicts keep the ids' order
        stored.setdefault(code, []).append(frozenset(dots))
    return stored


def test_two_processes_one_killed_lose_no_acknowledged_ballot(pg_vote, start_server, browser):
    url, round_id, codes, items = pg_vote
    survivor, victim = start_server(url), start_server(url)
    servers = (survivor, victim)
    vote = Vote()
    with browser_tab(browser) as tab:
        open_page(tab, survivor, f"resultats?tour={round_id}")  # on the projector before the first ballot
        turnout = tab.get_by_test_id("projo-turnout")
        expect(turnout).to_contain_text(results.Turnout(0, VOTERS).sentence())

        def phone(voter: int) -> None:
            """One participant: two ballots in a row, to the process of its parity (A, B, A, B…)."""
            code, server = codes[voter], servers[voter % 2]
            for wave in range(BALLOTS_EACH):
                dots = picks(items, voter, wave)
                try:
                    ok = acknowledged(send(server, code, round_id, dots))
                except httpx.TransportError:  # the killed process: refused, or cut in flight
                    ok = False
                with vote.lock:
                    vote.sent.setdefault(code, []).append((dots, ok))
                    vote.acked += ok
                    if ok and vote.acked == KILL_AFTER:
                        victim.process.send_signal(signal.SIGKILL)

        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(phone, range(VOTERS)))
        done = time.monotonic()
        assert victim.process.wait(timeout=30) == -signal.SIGKILL

        stored = stored_ballots(url, round_id)
        for voter, code in enumerate(codes):
            sent = vote.sent[code]
            if voter % 2 == 0:  # the survivor acknowledged every ballot sent to it
                assert all(ok for _, ok in sent), code
            found = stored.get(code, [])
            for dots, ok in sent:
                if ok:  # every acknowledged ballot is stored exactly once…
                    assert found.count(dots) == 1, (code, dots, found)
            # …and nothing else but a ballot cut in flight by the kill (committed, never acknowledged)
            assert set(found) <= {dots for dots, _ in sent}, (code, found)
            if sent[-1][1]:  # the current ballot is the last acknowledged one
                assert found[-1] == sent[-1][0], (code, found)
            elif found:  # or one sent after it that the kill cut in flight
                last_ack = max((i for i, (_, ok) in enumerate(sent) if ok), default=-1)
                assert found[-1] in [dots for dots, _ in sent[last_ack:]], (code, found)
        acked_voters = {code for code, sent in vote.sent.items() if any(ok for _, ok in sent)}
        assert acked_voters <= set(stored)
        only_victim = {codes[v] for v in range(1, VOTERS, 2)} & acked_voters
        assert only_victim  # voters whose every ballot went through the killed process…
        assert sum(len(s) for s in vote.sent.values()) == VOTERS * BALLOTS_EACH
        assert KILL_AFTER <= vote.acked < VOTERS * BALLOTS_EACH

        # …counted by the survivor's projection, refreshed in place (data versions read from the database)
        expect(turnout).to_contain_text(results.Turnout(len(stored), VOTERS).sentence())
        seen = time.monotonic() - done
        assert seen < 30
        screenshot(tab, "two-processes-projection")
        print(f"\n{vote.acked} acknowledged of {VOTERS * BALLOTS_EACH}; {len(stored)} voters; "
              f"{len(only_victim)} through the killed process only; projection updated {seen:.1f} s after")


def test_one_participant_s_ballots_sent_to_both_processes_at_once_leave_one_current_ballot(
        pg_vote, start_server):
    url, round_id, codes, items = pg_vote
    servers = (start_server(url), start_server(url))
    trials = codes[:10]
    for voter, code in enumerate(trials):
        same = picks(items, voter, 0)
        start = threading.Barrier(2)

        def post(server: Server, code: str = code, same: frozenset[int] = same,
                 start: threading.Barrier = start) -> str:
            start.wait()
            answer = send(server, code, round_id, same)
            assert answer.status_code == 303
            return answer.headers["location"]

        with ThreadPoolExecutor(2) as pool:
            locations = list(pool.map(post, servers))
        # the same ballot twice at once: one is written, the other finds it and writes nothing
        assert sorted("ok=1" in place for place in locations) == [False, True], locations
        assert stored_ballots(url, round_id)[code] == [same]

    code, different = codes[-1], [picks(items, 0, 0), picks(items, 0, 1)]
    start = threading.Barrier(2)

    def post_other(pair: tuple[Server, frozenset[int]]) -> bool:
        start.wait()
        return acknowledged(send(pair[0], code, round_id, pair[1]))

    with ThreadPoolExecutor(2) as pool:
        assert all(pool.map(post_other, zip(servers, different, strict=True)))
    found = stored_ballots(url, round_id)[code]  # two whole ballots, one after the other, never mixed
    assert sorted(found, key=sorted) == sorted(different, key=sorted)
