"""Browser: a real server on a UTC host with its clock frozen by LABO_NOW at 00:30 in Paris on 1 October
2026 (2026-09-30T22:30Z) dates the forms 1 October, accepts an update of that day and shows its recording
time in Paris time; /admin shows the time zone setting."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from labo_dash import action_creation, clock, db
from tests.conftest import screenshot, wait_ready

pytestmark = pytest.mark.browser

MIDNIGHT_PAST = "2026-09-30T22:30:00Z"


def fresh_action(path) -> int:
    """Create, in the database at ``path``, an action never updated (its first update will be 1 October)."""
    from labo_dash.access import ORGANISER, Actor

    con = db.open_database(path)
    try:
        solution = con.execute("SELECT min(id) FROM solutions WHERE deleted_at IS NULL").fetchone()[0]
        with clock.frozen("2026-09-30T08:00:00Z"):
            today = clock.today(con)
            [action] = action_creation.create_actions(
                con, Actor(ORGANISER, "Test"), solution, ["Action créée pour le fuseau horaire"], {},
                reported_on=today, reported_by=None, today=today,
            )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return action


def test_a_frozen_server_dates_and_shows_in_the_seminars_zone(demo_db, start_server, page):
    action = fresh_action(demo_db)
    server = start_server(demo_db, {"LABO_NOW": MIDNIGHT_PAST, "TZ": "UTC"})
    page.set_default_timeout(90_000)
    page.goto(f"{server.url}/actions?action={action}")
    wait_ready(page)
    form = page.locator("[data-testid='stForm']").filter(has_text="Nouveau point d'avancement")
    # the date field's three parts, their screen-reader names in French (labo_dash/ui/streamlit_fr.json)
    for part, value in (("jour", "1"), ("mois", "10"), ("année", "2026")):
        expect(form.get_by_role("spinbutton", name=f"{part}, Date du point")).to_have_attribute(
            "aria-valuenow", value)
    form.get_by_label("Commentaire").fill("Point saisi à minuit et demie")
    form.get_by_role("button", name="Enregistrer le point").click()
    expect(page.get_by_text("Point saisi à minuit et demie")).to_be_visible()
    expect(page.get_by_text(re.compile(r"enregistré le 1er octobre 2026 à 0h30"))).to_be_visible()
    expect(page.get_by_text("dans le futur")).to_have_count(0)
    screenshot(page, "clock-actions-minuit-et-demie")

    page.goto(f"{server.url}/admin?onglet=Acc%C3%A8s")
    wait_ready(page)
    expect(page.get_by_text("Fuseau horaire du séminaire")).to_be_visible()
    now = "Dans le fuseau Europe/Paris, nous sommes le 1er octobre 2026 à 0h30."
    expect(page.get_by_text(now)).to_be_visible()
    screenshot(page, "clock-admin-fuseau")


def test_the_home_page_highlights_the_slot_of_the_local_time(demo_db, start_server, page):
    server = start_server(demo_db, {"LABO_NOW": "2026-03-24T10:30:00Z", "TZ": "UTC"})  # 11h30 in Paris
    page.set_default_timeout(90_000)
    page.goto(server.url)
    wait_ready(page)
    now = page.locator("[data-testid='stAlertContentSuccess']").filter(has_text="En ce moment")
    expect(now).to_have_count(1)
    expect(now).to_contain_text("11h – 12h")
    expect(now).to_contain_text("Diagnostic partagé")
    now.scroll_into_view_if_needed()
    screenshot(page, "clock-accueil-en-ce-moment")
