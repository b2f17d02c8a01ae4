"""Browser: the home page invites the organiser to choose the reference round (link to /admin « Tours de
vote »), and the participants tab ticks presence in its « Présent·e » column, saved in one write."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from labo_dash import db, participants, rounds, voting
from labo_dash.access import ORGANISER, Actor
from labo_dash.rounds import RoundRules
from tests.conftest import screenshot, wait_ready

pytestmark = pytest.mark.browser

ORG = Actor(ORGANISER, "Hélène")
WAIT = 60_000  # ms: a rerun after a click is slow on a busy 2-core machine


@pytest.fixture
def server(demo_db, start_server):
    """The demo plus a 3-voter test round closed after the 68-voter plenary (not marked as a rehearsal)."""
    with db.open_database(demo_db) as con:
        ids = [c.id for c in rounds.candidate_items(con, "challenges")]
        round_id = rounds.create_round(con, ORG, RoundRules("Test micro", method="approval"), ids)
        rounds.set_status(con, ORG, round_id, "open")
        for row in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT 3"):
            voting.submit_ballot(con, ORG, round_id, row["code"], {ids[0]: (1, False)})
        rounds.set_status(con, ORG, round_id, "closed")
        first = participants.list_participants(con).iloc[0]  # the list's first row (by name)
    return start_server(demo_db), bool(first["present"])  # checked in today (presence is per day)


def test_home_invitation_and_presence_list(server, page):
    server, first_present = server
    page.set_default_timeout(WAIT)
    page.goto(server.url)
    wait_ready(page)
    invite = page.get_by_text("choisissez explicitement le tour de référence")
    expect(invite).to_be_visible()
    expect(page.get_by_text("vient du tour « Positionnement sur les défis (plénière de 12h) »")
           ).to_be_visible()
    invite.scroll_into_view_if_needed()
    screenshot(page, "presence-home-invitation")
    page.get_by_role("link", name="Choisir le tour de référence").click()
    expect(page.get_by_text("Ouvrez le tour voulu ci-dessous")).to_be_visible()  # /admin « Tours de vote »
    assert "onglet=Tours" in page.url
    wait_ready(page)
    screenshot(page, "presence-admin-rounds-invitation")

    page.goto(f"{server.url}/admin?onglet=Participant%C2%B7e%C2%B7s+et+badges")
    wait_ready(page)
    expect(page.get_by_text("3 présent·e·s sur 80 inscrit·e·s")).to_be_visible()  # the 3 voters
    grid = page.locator("[data-testid='stDataFrame']").last
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    cell = grid.get_by_test_id("glide-cell-0-0")  # the grid's accessible copy of the first « Présent·e »
    expect(cell).to_have_text("true" if first_present else "false")
    page.mouse.click(box["x"] + 49, box["y"] + 35 + 17)  # the first row's box (centred in its cell)
    expect(cell).to_have_text("false" if first_present else "true")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Présences enregistrées")).to_be_visible()
    after = 3 - 1 if first_present else 3 + 1  # the first row's box was ticked: now unticked, or the reverse
    expect(page.get_by_text(f"{after} présent·e·s sur 80 inscrit·e·s").first).to_be_visible()
    wait_ready(page)
    grid.scroll_into_view_if_needed()
    screenshot(page, "presence-participants-tab")
    page.get_by_role("button", name="Tout marquer présent").click()
    expect(page.get_by_text("80 présent·e·s sur 80 inscrit·e·s").first).to_be_visible()
