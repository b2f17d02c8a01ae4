"""Browser: edit actions in the table (one refused save, then a corrected one), reload, and find the update
in the action's timeline and in the monthly review; a wrong link in the update form is refused in French."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import SCREENSHOTS, open_page, screenshot, wait_ready

pytestmark = pytest.mark.browser

ROW, HEADER, TITLE_X = 35, 35, 200  # data editor: row and header heights, a point in the title column
PROGRESS, COMMENT, PLANNED, SECURED = 2, 4, 13, 14  # moves right from the title to these columns


def viewport_shot(tab, name: str) -> None:
    """Save what the screen shows now (no resizing: the data editor keeps its selection and scroll)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def shows(tab, text: str) -> bool:
    """Wait until ``text`` is visible on the page (a save reruns the page once more) and say so."""
    tab.get_by_text(text).first.wait_for(state="visible", timeout=60_000)
    return True


def select_cell(tab, row: int, moves_right: int) -> None:
    """Select the cell of row ``row`` (0 = first), ``moves_right`` cells after the title.

    A click gives the grid the keyboard; the arrow keys then go to the first row's number whatever the
    cell selected before (they stop at the edges), and from there to the cell.
    """
    grid = tab.locator("[data-testid='stDataFrame']").first
    grid.evaluate("element => element.scrollIntoView({block: 'center'})")  # all its rows on screen
    tab.wait_for_timeout(1500)  # after a rerun the grid takes a moment before it answers clicks
    box = grid.bounding_box()
    tab.mouse.click(box["x"] + TITLE_X, box["y"] + HEADER + ROW / 2)
    tab.wait_for_timeout(400)
    home = ["ArrowUp"] * 40 + ["ArrowLeft"] * 25
    for key in home + ["ArrowDown"] * row + ["ArrowRight"] * (1 + moves_right):
        tab.keyboard.press(key)


def edit_cell(tab, row: int, moves_right: int, text: str) -> None:
    """Replace the content of the cell of row ``row`` (0 = first), ``moves_right`` cells after the title."""
    select_cell(tab, row, moves_right)
    type_in_selected_cell(tab, [], text)


def type_in_selected_cell(tab, moves: list[str], text: str) -> None:
    """Move the grid's selection with arrow keys, then replace the selected cell's content by ``text``.

    The editor commits with Enter, which moves the selection one row down.
    """
    for key in moves:
        tab.keyboard.press(key)
    tab.keyboard.press("Enter")  # opens the cell's editor (an input in the grid's overlay)
    editor = tab.locator("#portal .gdg-input")
    editor.wait_for(state="visible")
    editor.fill(text)
    editor.press("Enter")
    editor.wait_for(state="hidden")
    tab.wait_for_timeout(800)  # the grid hands the edit to its form: a save clicked at once may miss it


def test_table_edit_reaches_the_timeline_and_the_review(server, page):
    open_page(page, server, "suivi?mois=2026-11")
    stalled_before = page.get_by_role("tab", name="Au point mort (").inner_text()
    assert stalled_before == "Au point mort (8)"

    open_page(page, server, "actions")
    # Row 5 is action N° 5 (« Trois conventions pilotes », stalled at 30 %): 45 % and a comment.
    edit_cell(page, 4, PROGRESS, "45")
    edit_cell(page, 4, COMMENT, "Deux conventions inscrites à l'ordre du jour")
    # Row 2 is action N° 2 (8 000 € planned): a secured budget above it must refuse the whole save.
    edit_cell(page, 1, SECURED, "50000")
    viewport_shot(page, "actions-table-edits")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    wait_ready(page)
    assert shows(page, "1 ligne refusée : rien n'a été enregistré")
    assert shows(page, "Budget acquis (50 000,00 €) supérieur au budget prévu (8 000,00 €)")
    viewport_shot(page, "actions-table-refused")

    # The edits are kept: correct the one bad cell only, and save again.
    edit_cell(page, 1, SECURED, "8000")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    wait_ready(page)
    assert shows(page, "Enregistré : 1 point d'avancement, 0 fiche modifiée")
    screenshot(page, "actions-table-saved")

    page.reload()
    wait_ready(page)
    open_page(page, server, "actions?action=5")
    assert shows(page, "Deux conventions inscrites à l'ordre du jour")
    assert shows(page, "45 % (+15 points)")
    screenshot(page, "actions-timeline")

    open_page(page, server, "suivi?mois=2026-11")
    assert page.get_by_role("tab", name="Au point mort (").inner_text() == "Au point mort (7)"
    assert page.get_by_role("tab", name="Ont progressé (").inner_text() == "Ont progressé (14)"
    screenshot(page, "suivi-after-edit")


def test_wrong_link_in_an_update_is_refused_and_kept(server, page):
    open_page(page, server, "actions?action=3")
    form = page.locator("[data-testid='stForm']").filter(has_text="Nouveau point d'avancement")
    form.get_by_label("Commentaire").fill("Compte rendu du comité technique")
    form.get_by_label("Lien de preuve (facultatif)").fill("docs.exemple.org/cr")
    form.get_by_role("button", name="Enregistrer le point").click()
    wait_ready(page)
    assert shows(page, "Lien de preuve : une adresse web complète (https://…).")
    assert form.get_by_label("Commentaire").input_value() == "Compte rendu du comité technique"
    screenshot(page, "actions-update-refused")


def cell_text(tab, row: int, moves_right: int) -> str:
    """Return what the cell holds, read from its editor (the grid draws on a canvas), then close it."""
    select_cell(tab, row, moves_right)
    tab.keyboard.press("Enter")
    editor = tab.locator("#portal .gdg-input")
    editor.wait_for(state="visible")
    value = editor.input_value()
    tab.keyboard.press("Escape")
    editor.wait_for(state="hidden")
    return value


def test_percentage_typed_at_human_speed_is_refused_and_kept(start_server, page, demo_db):
    """Fault 1: « 150 » typed key by key in a % cell was stored as 0, 5 or 100 with « Enregistré »."""
    import duckdb

    def counts() -> tuple[int, int, list]:
        con = duckdb.connect(str(demo_db), read_only=True)
        try:
            return (con.execute("SELECT count(*) FROM progress_updates").fetchone()[0],
                    con.execute("SELECT count(*) FROM audit_log").fetchone()[0],
                    con.execute("SELECT * FROM progress_updates ORDER BY id").fetchall())
        finally:
            con.close()

    before = counts()
    con = duckdb.connect(str(demo_db), read_only=True)
    title = con.execute("SELECT title FROM actions WHERE id = 5").fetchone()[0]
    con.close()
    server = start_server(demo_db)
    open_page(page, server, "actions")
    # Row 5 is action N° 5 (« Trois conventions pilotes », 30 %): select its % cell, then type as a person.
    select_cell(page, 4, PROGRESS)
    page.keyboard.type("150", delay=100)  # the first key opens the cell's editor, the others go into it
    editor = page.locator("#portal .gdg-input")
    expect(editor).to_have_value("150")
    page.keyboard.press("Enter")
    editor.wait_for(state="hidden")
    page.wait_for_timeout(800)  # the grid hands the edit to its form
    page.get_by_role("button", name="Enregistrer les modifications").click()
    wait_ready(page)
    refusal = (f"N° 5 « {title} » — Avancement : un nombre entier de 0 à 100 attendu, « 150 » lu "
               "(vide = non mesuré).")
    expect(page.get_by_text("1 ligne refusée : rien n'a été enregistré")).to_be_visible()
    expect(page.get_by_text(refusal)).to_be_visible()
    expect(page.get_by_text("Enregistré :")).to_have_count(0)
    viewport_shot(page, "actions-table-150-refused")
    assert cell_text(page, 4, PROGRESS) == "150"  # kept as typed: neither clamped nor replaced
    viewport_shot(page, "actions-table-150-kept")
    server.stop()
    assert counts() == before  # nothing written: no point, no audit row


def test_percentage_above_100_in_the_update_form_is_refused_in_french_and_kept(server, page):
    """Fault 1 in the form: 150 showed the browser's English range tooltip and the button did nothing."""
    open_page(page, server, "actions?action=3")
    form = page.locator("[data-testid='stForm']").filter(has_text="Nouveau point d'avancement")
    field = form.get_by_role("textbox", name="Avancement (%)")
    field.fill("")
    field.press_sequentially("150", delay=100)
    form.get_by_role("button", name="Enregistrer le point").click()
    wait_ready(page)
    expect(page.get_by_text("Le point n'a pas été enregistré : corrigez les champs")).to_be_visible()
    expect(page.get_by_text("Avancement : un nombre entier de 0 à 100 attendu, « 150 » lu")).to_be_visible()
    expect(field).to_have_value("150")
    screenshot(page, "actions-update-150-refused")


def test_one_budget_for_two_new_actions_shows_the_total_first(server, page):
    """Fault 7: 45 000 € typed once for two new actions must not add 90 000 € without the user seeing it."""
    open_page(page, server, "actions")
    page.get_by_role("tab", name="Solutions et création d'actions").click()
    form = page.locator("[data-testid='stForm']").filter(has_text="Intitulés des actions")
    form.get_by_role("textbox", name="Intitulés des actions (une par ligne)").fill(
        "Cartographier les fonds existants\nRéunir les financeurs")
    form.get_by_role("textbox", name="Budget prévu par action (€)").fill("45 000")
    form.get_by_role("button", name="Créer les actions").click()
    wait_ready(page)
    expect(page.get_by_text("2 × 45 000,00 € = 90 000,00 € ajoutés au budget prévu").first).to_be_visible()
    expect(form.get_by_role("textbox", name="Budget prévu par action (€)")).to_have_value("45 000")
    screenshot(page, "actions-create-budget-total")


def test_card_edit_form_refusal_shows_under_the_field_and_keeps_the_input(server, page):
    """The card's edit form (the one action form, ui/action_form.py): a refused field says why, under it."""
    open_page(page, server, "actions?action=2")
    page.get_by_text("Modifier la fiche (pilote, dates, budget…)").click()
    form = page.locator("[data-testid='stForm']").filter(has_text="Enregistrer la fiche")
    form.get_by_role("textbox", name="Financeurs").fill("Région, Banque des territoires")
    secured = form.get_by_role("textbox", name="Budget acquis (€)")
    secured.fill("50 000")
    form.get_by_role("button", name="Enregistrer la fiche").click()
    wait_ready(page)
    expect(page.get_by_text("La fiche n'a pas été enregistrée : corrigez les champs")).to_be_visible()
    expect(form.get_by_text("Budget acquis (50 000,00 €) supérieur au budget prévu")).to_be_visible()
    expect(secured).to_have_value("50 000")
    expect(form.get_by_role("textbox", name="Financeurs")).to_have_value("Région, Banque des territoires")
    screenshot(page, "actions-edit-form-refused")


def test_letters_and_a_pasted_percentage_are_read_as_typed(start_server, browser, demo_db):
    """Letters in a number cell became 0 and a pasted « 100 % » became 1 %, both saved with « Enregistré »:
    numbers are text cells read by labo_dash.parsing, so letters are refused and « 100 % » reads 100."""
    import duckdb

    def state() -> tuple:
        con = duckdb.connect(str(demo_db), read_only=True)
        try:
            return (con.execute("SELECT count(*) FROM progress_updates").fetchone()[0],
                    con.execute("SELECT budget_planned FROM actions WHERE id = 3").fetchone()[0])
        finally:
            con.close()

    before = state()
    server = start_server(demo_db)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR",
                                  permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    open_page(tab, server, "actions")
    select_cell(tab, 4, PROGRESS)  # N° 5, 30 %
    tab.keyboard.type("abc", delay=100)
    tab.keyboard.press("Enter")
    select_cell(tab, 2, PLANNED)  # N° 3, « Budget prévu »
    tab.keyboard.type("huit mille", delay=60)
    tab.keyboard.press("Enter")
    tab.wait_for_timeout(800)
    tab.get_by_role("button", name="Enregistrer les modifications").click()
    wait_ready(tab)
    expect(tab.get_by_text("2 lignes refusées : rien n'a été enregistré")).to_be_visible()
    expect(tab.get_by_text("Avancement : un nombre entier de 0 à 100 attendu, « abc » lu")).to_be_visible()
    expect(tab.get_by_text("Budget prévu : « huit mille » n'est pas un nombre")).to_be_visible()
    viewport_shot(tab, "actions-table-letters-refused")
    assert cell_text(tab, 4, PROGRESS) == "abc"  # kept as typed
    edit_cell(tab, 2, PLANNED, "150 000 €")  # put the budget back as it was
    select_cell(tab, 4, PROGRESS)
    tab.evaluate("navigator.clipboard.writeText('100 %')")
    tab.keyboard.press("Control+V")  # as Excel users paste a cell shown « 100 % »
    tab.wait_for_timeout(800)
    assert cell_text(tab, 4, PROGRESS) == "100 %"
    tab.get_by_role("button", name="Enregistrer les modifications").click()
    wait_ready(tab)
    expect(tab.get_by_text("Enregistré : 1 point d'avancement, 0 fiche modifiée")).to_be_visible()
    viewport_shot(tab, "actions-table-pasted-percent")
    context.close()
    server.stop()
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        latest = con.execute("SELECT progress FROM progress_updates WHERE action_id = 5 "
                             "ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()
    assert latest == 100  # not 1
    assert state() == (before[0] + 1, before[1])  # one point, the budget unchanged


def test_table_edits_survive_a_tab_switch(start_server, page, demo_db):
    """Only the open tab runs, so the table's grid is gone while the card's tab is open: what was typed in it
    is kept in the session, shown again on coming back, and saved."""
    import duckdb

    comment = "Relance des partenaires avant le comité"
    server = start_server(demo_db)
    open_page(page, server, "actions")
    edit_cell(page, 5, COMMENT, comment)
    expect(page.get_by_text("1 action modifiée, non enregistrée.")).to_be_visible()
    page.get_by_role("tab", name="Fiche et historique").click()
    wait_ready(page)
    expect(page.get_by_text("Nouveau point d'avancement")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer les modifications")).to_have_count(0)  # not run
    page.get_by_role("tab", name="Tableau de suivi").click()
    wait_ready(page)
    expect(page.get_by_text("1 action modifiée, non enregistrée.")).to_be_visible()
    assert cell_text(page, 5, COMMENT) == comment
    viewport_shot(page, "actions-table-edit-kept-across-tabs")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    wait_ready(page)
    expect(page.get_by_text("Enregistré : 1 point d'avancement, 0 fiche modifiée")).to_be_visible()
    expect(page.get_by_text("non enregistrée")).to_have_count(0)
    server.stop()
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        stored = con.execute("SELECT count(*) FROM progress_updates WHERE comment = ?", [comment]).fetchone()
    finally:
        con.close()
    assert stored[0] == 1
