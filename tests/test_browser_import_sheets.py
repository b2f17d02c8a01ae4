"""Browser: every import preview says which sheet it read; a hidden first sheet is never imported.

The workbooks are what Excel users send: a hidden old list first and the visible, active sheet second;
a progress cell shown « 100 % » (stored 1 with a percent format) in the actions round trip.
"""

from __future__ import annotations

import io
import urllib.parse

import openpyxl
import pytest
from playwright.sync_api import expect

from labo_dash import db
from labo_dash.reporting import monthly
from labo_dash.reporting.workbook import report_xlsx
from tests.conftest import screenshot, seminar_today, wait_ready

pytestmark = pytest.mark.browser


def workbook(path, hidden: tuple[str, list[list[object]]], visible: tuple[str, list[list[object]]]) -> None:
    """Write a workbook whose first sheet is hidden and whose second is visible and active."""
    book = openpyxl.Workbook()
    book.active.title = hidden[0]
    for row in hidden[1]:
        book.active.append(row)
    book.active.sheet_state = "hidden"
    sheet = book.create_sheet(visible[0])
    for row in visible[1]:
        sheet.append(row)
    book.active = 1
    book.save(path)


@pytest.fixture(scope="module")
def setup(demo_copy, start_module_server):
    """A demo copy, the edited actions workbook made from it (before the server holds the file), a server."""
    path = demo_copy()
    folder = path.parent
    con = db.open_database(path)
    today = seminar_today()
    action = db.query(con, """
        SELECT a.id FROM actions a JOIN (
            SELECT action_id, status, reported_on FROM progress_updates
            QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY reported_on DESC, id DESC) = 1
        ) u ON u.action_id = a.id WHERE u.status = 'en_cours' AND u.reported_on < ? ORDER BY a.id LIMIT 1""",
        [today])[0]["id"]
    report = monthly.build_report(con, today.replace(day=1), today)
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    con.close()
    sheet = book["Actions"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == action)
    sheet.cell(row, headers["Statut"]).value = "Terminée"
    progress = sheet.cell(row, headers["Avancement (%)"])
    progress.value, progress.number_format = 1, "0%"  # Excel shows « 100 % »
    book.save(folder / "situation.xlsx")
    return {"server": start_module_server(path), "folder": folder, "action": action}


def upload(tab, path) -> None:
    tab.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(path))
    wait_ready(tab)


def test_findings_preview_names_the_visible_sheet(setup, page):
    path = setup["folder"] / "constats.xlsx"
    header = ["atelier", "type", "texte", "objectifs"]
    workbook(path, ("Brouillon", [header, [1, "frein", "Brouillon à ne pas importer", 1]]),
             ("Constats", [header, [2, "levier", "Un fonds mutualisé entre financeurs", 3]]))
    page.goto(f"{setup['server'].url}/diagnostic?vue=import")
    wait_ready(page)
    upload(page, path)
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("Aperçu : 1 constat prêt à être importé")
    expect(main).to_contain_text("lu : feuille « Constats » ; non lue : « Brouillon » (masquée)")
    expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible()
    screenshot(page, "import-constats-feuille-lue")


def test_participants_preview_names_the_visible_sheet_and_a_hidden_only_list_is_refused(setup, page):
    path = setup["folder"] / "inscrits.xlsx"
    header = ["nom", "structure", "type de participant", "territoire"]
    workbook(path, ("Liste 2025", [header, ["Ancien Inscrit", "Réseau", "PTCE", "Bretagne"]]),
             ("Inscrits 2026", [header, ["Nouvelle Venue", "Coop", "PTCE", "Creuse"]]))
    page.goto(f"{setup['server'].url}/admin?onglet={urllib.parse.quote_plus('Participant·e·s et badges')}")
    wait_ready(page)
    upload(page, path)
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("Aperçu : 1 personne à inscrire")
    expect(main).to_contain_text("lu : feuille « Inscrits 2026 » ; non lue : « Liste 2025 » (masquée)")
    screenshot(page, "import-participants-feuille-lue")
    hidden_only = setup["folder"] / "caches.xlsx"
    workbook(hidden_only, ("Inscrits", [header, ["Caché", "Réseau", "PTCE", "Bretagne"]]), ("Feuil1", []))
    upload(page, hidden_only)
    expect(main).to_contain_text("dans une feuille masquée (« Inscrits »), qui n'est pas lue")
    assert "Traceback" not in main.inner_text()
    screenshot(page, "import-participants-feuille-masquee")


def test_actions_round_trip_reads_100_percent_and_names_the_sheets(setup, page):
    page.goto(f"{setup['server'].url}/actions")
    wait_ready(page)
    expander = page.locator("[data-testid='stExpander']").filter(has_text="Mettre à jour depuis Excel")
    expander.get_by_text("Mettre à jour depuis Excel").click()
    uploader = expander.locator("[data-testid='stFileUploaderDropzoneInput']")
    uploader.set_input_files(str(setup["folder"] / "situation.xlsx"))
    wait_ready(page)
    expect(expander).to_contain_text("lu : feuilles « Actions » et « Points d'avancement »")
    expect(expander).to_contain_text("1 nouveau point d'avancement")
    updates = expander.locator("[data-testid='stDataFrame']").last
    expect(updates).to_be_visible()
    screenshot(page, "import-actions-100-pour-cent")
    page.get_by_role("button", name="Importer ces changements").click()
    wait_ready(page)
    expect(expander).to_contain_text("1 point d'avancement ajouté")
