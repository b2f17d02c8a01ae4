"""The light phone page shows a closed round's results once they are public (ties as ties, turnout)."""

from __future__ import annotations

import re
import warnings

import pytest

from labo_dash import db, french, rounds, voting
from labo_dash.access import ORGANISER, PARTICIPANT, Actor
from labo_dash.rounds import RoundRules

ORGANISER_ACTOR = Actor(ORGANISER, "Hélène")
VOTER = Actor(PARTICIPANT, "Participant·e")


@pytest.fixture
def phone(demo_db, monkeypatch):
    """A hidden majority-judgment round whose first three défis tie; yields (client, con, round, code)."""
    from starlette.applications import Starlette

    from labo_dash.phone.ballot import routes

    monkeypatch.setenv("LABO_DB", str(demo_db))
    con = db.connect(demo_db)
    items = [c.id for c in rounds.candidate_items(con, "challenges")][:4]
    rules = RoundRules(title="Plénière de clôture", method="majority_judgment", results_visibility="hidden")
    round_id = rounds.create_round(con, ORGANISER_ACTOR, rules, items)
    rounds.set_status(con, ORGANISER_ACTOR, round_id, "open")
    codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT 3")]
    for code, (same, fourth) in zip(codes, [(0, 3), (1, 2), (0, 4)], strict=True):
        choices = {item: (same, False) for item in items[:3]} | {items[3]: (fourth, False)}
        voting.submit_ballot(con, VOTER, round_id, code, choices)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's test client would rather have httpx2 than httpx
        from starlette.testclient import TestClient

        client = TestClient(Starlette(routes=routes()))
    with client:
        yield client, con, round_id, codes[0]
    db.close(demo_db)


def ranks(html: str) -> list[str]:
    return re.findall(r"<span class='rank'>([^<]*)</span>", html)


def test_results_reach_the_phones_only_once_revealed(phone):
    client, con, round_id, code = phone
    rounds.set_status(con, ORGANISER_ACTOR, round_id, "closed")
    closed = client.get("/bulletin", params={"code": code}).text
    assert french.spaces("« Plénière de clôture » est clos") in closed  # no line break after «
    assert "Résultats" not in closed and ranks(closed) == []
    assert "http-equiv='refresh'" in closed  # the waiting page reloads itself: the reveal shows up alone
    rounds.set_visibility(con, ORGANISER_ACTOR, round_id, "hidden", revealed=True)
    revealed = client.get("/bulletin", params={"code": code}).text
    assert french.spaces("Résultats : Plénière de clôture") in revealed
    registered = db.query(con, "SELECT count(*) AS n FROM participants")[0]["n"]
    assert f"3 votant·e·s sur {registered} inscrit·e·s" in revealed
    assert ranks(revealed) == ["1.", "1.", "1.", "4."]  # three identical merit profiles: one tie


def test_an_open_round_shows_its_ballot_not_results(phone):
    client, _, _, code = phone
    page = client.get("/bulletin", params={"code": code}).text
    assert "Résultats" not in page and ranks(page) == []


def test_a_name_and_a_challenge_title_with_markup_are_escaped(phone):
    client, con, round_id, code = phone
    name, title = "<script>alert('nom')</script> Zoé", "<script>alert('défi')</script> Coopérer"
    con.execute("UPDATE participants SET name = ? WHERE code = ?", [name, code])
    item = rounds.round_items(con, round_id)[0].id
    con.execute("UPDATE challenges SET title = ? WHERE id = ?", [title, item])
    page = client.get("/bulletin", params={"code": code}).text
    assert "<script>alert" not in page
    assert "Bonjour <b>&lt;script&gt;alert(&#x27;nom&#x27;)&lt;/script&gt; Zoé</b>" in page
    escaped = "&lt;script&gt;alert(&#x27;défi&#x27;)&lt;/script&gt; Coopérer"
    assert f"<h3>{escaped}</h3>" in page and f"aria-label='{escaped}'" in page  # title and radio group
