"""Browser: a phone (390 px) posts a frein on the light page; an organiser accepts it; the wall shows it.

Also a walk-in registering on the posts page with markup in their name and text: shown as typed everywhere.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from labo_dash import db, settings
from labo_dash.access import SYSTEM
from tests.conftest import screenshot, wait_ready

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "fr-FR", "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "fr-FR"}
WAIT = 30_000  # ms: a shared 2-core machine under load can take seconds to rerun a page
TEXT = "Téléphone : les financeurs exigent des résultats en un an, la coopération en demande trois"
HOSTILE = "<img src=x onerror=alert(1)>**gras**"


@pytest.fixture(scope="module")
def server(demo_copy, start_module_server):
    """One server on a private demo copy (no open round: the workshops are running); returns it and a code."""
    path = demo_copy()
    with db.open_database(path) as con:
        code = db.query(con, "SELECT code FROM participants ORDER BY id LIMIT 1")[0]["code"]
        settings.set_setting(con, SYSTEM, "self_registration", True)
    return start_module_server(path), code


def test_a_phone_posts_a_frein_that_an_organiser_accepts_onto_the_wall(server, browser):
    running, code = server
    phone = browser.new_context(**PHONE).new_page()
    phone.set_default_timeout(WAIT)
    phone.goto(f"{running.url}/vote?code={code}")  # the badge's link: the light ballot, waiting for a round
    phone.get_by_role("link", name="Proposer un frein, un levier, un constat ou une solution").click()
    expect(phone.get_by_role("heading", name="Un frein, un levier ou un constat")).to_be_visible()
    phone.get_by_role("radio", name="Atelier 2 : financement").check()
    phone.get_by_role("radio", name="🧱 Frein").check()
    phone.get_by_label("Ce qui a été dit").fill(TEXT)
    phone.get_by_role("button", name="Envoyer ma proposition").click()
    # refused (no objective): the French message, and everything typed or chosen is still there
    expect(phone.get_by_role("alert").filter(has_text="au moins un des cinq objectifs")).to_be_visible()
    expect(phone.get_by_label("Ce qui a été dit")).to_have_value(TEXT)
    expect(phone.get_by_role("radio", name="Atelier 2 : financement")).to_be_checked()
    expect(phone.get_by_role("radio", name="🧱 Frein")).to_be_checked()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshot(phone, "contribuer-refus")
    phone.get_by_role("checkbox", name="3 · Financement").check()
    phone.get_by_role("button", name="Envoyer ma proposition").click()
    expect(phone.get_by_text("Merci ! Votre proposition est envoyée")).to_be_visible()
    expect(phone.get_by_text("en attente de relecture")).to_be_visible()
    screenshot(phone, "contribuer-envoye")

    wall = browser.new_context(**DESKTOP).new_page()  # the projector, open before the acceptance
    wall.set_default_timeout(WAIT)
    wall.goto(f"{running.url}/diagnostic?vue=mur")
    wait_ready(wall)
    expect(wall.get_by_text(TEXT)).to_have_count(0)

    organiser = browser.new_context(**DESKTOP).new_page()
    organiser.set_default_timeout(WAIT)
    organiser.goto(f"{running.url}/diagnostic?vue=propositions")
    wait_ready(organiser)
    form = organiser.locator("[data-testid='stForm']").filter(has_text="proposé par").first
    expect(form.get_by_label("Texte")).to_have_value(TEXT)
    screenshot(organiser, "diagnostic-propositions")
    form.get_by_role("button", name="Accepter").click()
    wait_ready(organiser)
    expect(organiser.get_by_text("Aucune proposition en attente")).to_be_visible()
    expect(organiser.locator("[data-testid='stAlertContentSuccess']")).to_contain_text("est acceptée")

    expect(wall.get_by_text(TEXT)).to_be_visible()  # the projected wall follows by itself, no click
    wait_ready(wall)
    assert wall.locator("[data-testid='stException']").count() == 0
    screenshot(wall, "diagnostic-mur-proposition")
    wall.context.close()

    phone.reload()
    expect(phone.locator("p.sub").filter(has_text="Frein · acceptée")).to_be_visible()  # the author sees it
    phone.context.close()
    organiser.context.close()


def test_a_walk_in_posts_from_the_light_page_and_markup_stays_text(server, browser):
    running, _ = server
    phone = browser.new_context(**PHONE).new_page()
    phone.set_default_timeout(WAIT)
    alerts = []
    phone.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    phone.goto(f"{running.url}/contribuer")  # no badge
    phone.get_by_label("Prénom et nom").fill(f"{HOSTILE} participante")
    phone.get_by_label("Vous êtes").select_option("autre")
    phone.get_by_role("button", name="M'inscrire et recevoir mon code").click()
    expect(phone.get_by_text("Votre code personnel :")).to_be_visible()
    assert "/contribuer?code=" in phone.url  # back on the posts page, the code in the link
    phone.get_by_role("radio", name="Atelier 3 : compétences et métiers").check()
    phone.get_by_role("radio", name="🚀 Levier").check()
    phone.get_by_label("Ce qui a été dit").fill(f"{HOSTILE} levier")
    phone.get_by_role("checkbox", name="4 · Compétences").check()
    phone.get_by_role("button", name="Envoyer ma proposition").click()
    expect(phone.get_by_text("Merci ! Votre proposition est envoyée")).to_be_visible()
    main = phone.locator("main")
    expect(main).to_contain_text(f"{HOSTILE} participante")
    expect(main).to_contain_text(f"{HOSTILE} levier")
    assert phone.locator("img[src='x']").count() == 0 and alerts == []
    screenshot(phone, "contribuer-inscription")

    organiser = browser.new_context(**DESKTOP).new_page()
    organiser.set_default_timeout(WAIT)
    organiser.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    organiser.goto(f"{running.url}/diagnostic?vue=propositions")
    wait_ready(organiser)
    form = organiser.locator("[data-testid='stForm']").filter(has_text="participante").first
    expect(form).to_contain_text(f"proposé par {HOSTILE} participante")
    expect(form.get_by_label("Texte")).to_have_value(f"{HOSTILE} levier")
    assert organiser.locator("img[src='x']").count() == 0 and alerts == []
    assert [b for b in form.locator("strong").all_text_contents() if b.strip() == "gras"] == []
    form.get_by_role("button", name="Rejeter").click()
    wait_ready(organiser)
    expect(organiser.locator("[data-testid='stAlertContentSuccess']")).to_contain_text("est rejetée")
    screenshot(organiser, "diagnostic-propositions-rejet")
    phone.reload()
    expect(phone.locator("p.sub").filter(has_text="Levier · non retenue")).to_be_visible()
    phone.context.close()
    organiser.context.close()
