"""Browser: edit actions in the table (one refused save, then a corrected one), reload, and find the update
in the action's timeline and in the monthly review; a wrong link in the update form is refused in French."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import Server, screenshot, wait_ready

pytestmark = pytest.mark.browser

ROW, HEADER, TITLE_X = 35, 35, 200  # data editor: row and header heights, a point in the title column
PROGRESS, COMMENT, SECURED = 2, 4, 14  # moves right from the title to these columns


@pytest.fixture(scope="module")
def server(demo_template, tmp_path_factory):
    """One `streamlit run` on a private copy of the demo for the whole module."""
    path = tmp_path_factory.mktemp("browser-actions") / "labo.duckdb"
    shutil.copy(demo_template, path)
    running = Server(path)
    yield running
    running.stop()


def open_page(tab, server: Server, path: str) -> None:
    """Open a page of the app (the router first, so that a fresh server uses its navigation)."""
    tab.goto(server.url)
    tab.get_by_role("link", name="Actions de suivi").wait_for()
    tab.goto(f"{server.url}/{path}")
    wait_ready(tab)


def edit_cell(tab, row: int, moves_right: int, text: str) -> None:
    """Replace the content of a data-editor cell: the row's title cell (pinned) then ``moves_right`` cells."""
    grid = tab.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    tab.wait_for_timeout(300)
    box = grid.bounding_box()
    tab.mouse.click(box["x"] + TITLE_X, box["y"] + HEADER + row * ROW + ROW / 2)
    tab.wait_for_timeout(400)
    for _ in range(moves_right):
        tab.keyboard.press("ArrowRight")
    tab.keyboard.press("Enter")
    tab.wait_for_timeout(300)
    tab.keyboard.press("Control+A")
    tab.keyboard.type(text)
    tab.keyboard.press("Enter")
    tab.wait_for_timeout(400)


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
    screenshot(page, "actions-table-edits")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    wait_ready(page)
    assert page.get_by_text("1 ligne(s) refusée(s) : rien n'a été enregistré").is_visible()
    assert page.get_by_text("Budget acquis (50 000 €) supérieur au budget prévu (8 000 €)").is_visible()
    screenshot(page, "actions-table-refused")

    # The edits are kept: correct the one bad cell only, and save again.
    edit_cell(page, 1, SECURED, "8000")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    wait_ready(page)
    assert page.get_by_text("Enregistré : 1 point(s) d'avancement, 0 fiche(s) modifiée(s)").is_visible()
    screenshot(page, "actions-table-saved")

    page.reload()
    wait_ready(page)
    open_page(page, server, "actions?action=5")
    assert page.get_by_text("Deux conventions inscrites à l'ordre du jour").first.is_visible()
    assert page.get_by_text("45 % (+15 points)").is_visible()
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
    assert page.get_by_text("Lien de preuve : une adresse web complète (https://…).").is_visible()
    assert form.get_by_label("Commentaire").input_value() == "Compte rendu du comité technique"
    screenshot(page, "actions-update-refused")
