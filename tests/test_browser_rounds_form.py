"""Browser: /admin « Tours de vote » lists every fault of the round form at once, and keeps what was typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from labo_dash import db
from tests.conftest import screenshot, wait_ready

pytestmark = pytest.mark.browser

WAIT = 60_000  # ms: a rerun after a click is slow on a busy 2-core machine


def rounds_count(path) -> int:
    con = db.open_database(path)
    try:
        return db.query(con, "SELECT count(*) AS n FROM rounds")[0]["n"]
    finally:
        con.close()


def test_the_round_form_shows_every_fault_at_once(demo_db, start_server, page):
    server = start_server(demo_db)
    page.set_default_timeout(WAIT)
    page.goto(f"{server.url}/admin?onglet=Tours+de+vote")
    wait_ready(page)
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("textbox", name="Titre"))
    form.get_by_role("textbox", name="Gommettes par personne").fill("25")
    form.get_by_role("textbox", name="Au plus par élément").fill("2,5")
    remove = form.locator("[data-testid='stMultiSelect'] [data-tag] button")
    while remove.count():  # every pre-selected item removed: no item chosen
        remove.first.click()
    page.keyboard.press("Escape")  # the options' menu opened by the removals
    page.get_by_role("button", name="Créer le tour").click()
    wait_ready(page)
    for message in ("Le tour de vote n'est pas enregistré : corrigez les champs signalés.",
                    "Donnez un titre au tour de vote.",
                    "Le nombre de gommettes par personne doit être entre 1 et 20.",
                    "Au plus par élément : « 2,5 » lu, un nombre entier attendu.",
                    "Choisissez au moins deux éléments sur lesquels voter."):
        expect(page.get_by_text(message, exact=True)).to_be_visible(timeout=WAIT)
    expect(form.get_by_role("textbox", name="Gommettes par personne")).to_have_value("25")  # kept as typed
    expect(form.get_by_role("textbox", name="Au plus par élément")).to_have_value("2,5")
    form.scroll_into_view_if_needed()
    screenshot(page, "rounds-form-every-fault")
    server.stop()  # it holds the database file
    assert rounds_count(server.db_path) == 2  # the demo's two rounds, nothing written
