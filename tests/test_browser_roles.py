"""Browser: passcodes configured; a partner signs in and finds no way to edit, a steering group member signs
in and records a progress update; a page typed by URL without the right role is refused in French."""

from __future__ import annotations

import pytest

from labo_dash import auth, db
from tests.conftest import screenshot, wait_ready

pytestmark = pytest.mark.browser

PASSCODES = {"organisateur": "organisation-2026", "pilotage": "pilotage-2026",
             "partenaire": "partenaire-2026"}
STAFF_PAGES = ["Actions de suivi", "Comité de pilotage", "Administration", "Diagnostic partagé"]


@pytest.fixture(scope="module")
def server(demo_copy, start_module_server):
    """One server for the module, on a private copy of the demo, with the three role passcodes."""
    path = demo_copy()
    env = {auth.PASSCODE_VARIABLES[role]: auth.hash_passcode(code) for role, code in PASSCODES.items()}
    with db.open_database(path) as con:
        running_action = db.query(con, """
            SELECT a.id, a.title FROM actions a JOIN (
                SELECT action_id, status FROM progress_updates
                QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY reported_on DESC, id DESC) = 1
            ) u ON u.action_id = a.id WHERE u.status = 'en_cours' ORDER BY a.id LIMIT 1""")[0]
    running = start_module_server(path, env)
    running.action = running_action
    return running


@pytest.fixture
def tab(page):
    """The conftest page, patient enough for a cold server on a busy 2-core machine."""
    page.set_default_timeout(90_000)
    return page


def sign_in(tab, server, name: str, passcode: str) -> None:
    tab.goto(f"{server.url}/connexion")
    wait_ready(tab)
    tab.get_by_label("Votre nom", exact=True).fill(name)
    tab.get_by_label("Code d'accès", exact=True).fill(passcode)
    tab.get_by_role("button", name="Se connecter").click()
    wait_ready(tab)


def menu(tab) -> list[str]:
    return [t.strip() for t in tab.locator("[data-testid='stSidebarNav'] a").all_inner_texts()]


def test_anonymous_visitor_sees_the_home_page_and_a_french_refusal(server, tab):
    page = tab
    page.goto(server.url)
    wait_ready(page)
    assert page.get_by_text("Mode démo local").count() == 0
    assert not [label for label in STAFF_PAGES if label in " ".join(menu(page))]
    page.goto(f"{server.url}/admin")
    wait_ready(page)
    assert page.get_by_text("Accès refusé").is_visible()
    assert page.get_by_text("Vous n'êtes pas connecté·e").is_visible()
    screenshot(page, "roles-anonyme-admin-refuse")


def test_a_wrong_passcode_is_refused_and_the_name_kept(server, tab):
    page = tab
    sign_in(page, server, "Ana Partenaire", "pas-le-bon-code")
    assert page.get_by_text("Code d'accès incorrect.").is_visible()
    assert page.get_by_label("Votre nom", exact=True).input_value() == "Ana Partenaire"
    screenshot(page, "roles-connexion-refusee")


def test_partner_reads_everything_and_finds_no_way_to_edit(server, tab):
    page = tab
    sign_in(page, server, "Ana Partenaire", PASSCODES["partenaire"])
    page.wait_for_function("() => location.pathname.endsWith('/partenaires')")
    wait_ready(page)
    assert page.get_by_role("heading", name="Espace partenaires").is_visible()
    assert page.get_by_text("Financements acquis").first.is_visible()
    page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
    items = menu(page)
    assert "Espace partenaires" in " ".join(items)
    assert not [label for label in STAFF_PAGES if label in " ".join(items)], items
    screenshot(page, "roles-partenaire")
    for link in ["Espace partenaires", "Accueil"]:
        page.locator("[data-testid='stSidebarNav'] a", has_text=link).first.click()
        wait_ready(page)
        main = page.locator("[data-testid='stMain']")
        assert main.locator("textarea, [data-testid='stTextInput'] input, [data-testid='stNumberInput']")\
            .count() == 0, link
        assert main.locator("[data-testid='stDataFrameGlideDataEditor']").count() == 0, "no editable table"
        buttons = [b.strip() for b in main.get_by_role("button").all_inner_texts()]
        assert not [b for b in buttons if "Enregistrer" in b or "Importer" in b or "Supprimer" in b], buttons
    page.locator("[data-testid='stSidebarNav'] a", has_text="Espace partenaires").first.click()
    wait_ready(page)
    assert page.get_by_role("button", name="Rapport mensuel (PDF)").is_visible()


def test_steering_member_records_a_progress_update(server, tab):
    page = tab
    sign_in(page, server, "Paul Martin", PASSCODES["pilotage"])
    page.wait_for_function("() => location.pathname.endsWith('/actions')")
    wait_ready(page)
    assert "Administration" not in " ".join(menu(page))
    page.get_by_role("tab", name="Fiche et historique").click()
    wait_ready(page)
    action = server.action
    page.get_by_role("combobox", name="Action").click()
    page.get_by_role("option", name=f"N° {action['id']} · {action['title']}").click()
    wait_ready(page)
    form = page.locator("[data-testid='stForm']").filter(has_text="Nouveau point d'avancement")
    form.get_by_role("textbox", name="Avancement (%)").fill("65")
    form.get_by_label("Commentaire", exact=True).fill("Point relu en comité (test navigateur)")
    form.get_by_role("button", name="Enregistrer le point").click()
    wait_ready(page)
    assert page.get_by_text("Point relu en comité (test navigateur)").first.is_visible()
    screenshot(page, "roles-pilotage-point-enregistre")
    page.goto(f"{server.url}/admin")
    wait_ready(page)
    assert page.get_by_text("Accès refusé").is_visible(), "a typed URL starts a new, signed-out session"
