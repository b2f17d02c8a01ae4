"""Browser: two scribes capture at once and both findings reach the wall; a French Excel CSV import."""

from __future__ import annotations

import pytest

from tests.conftest import open_page, screenshot, wait_ready

pytestmark = pytest.mark.browser


def open_view(tab, server, view: str) -> None:
    open_page(tab, server, f"diagnostic?vue={view}")


def test_two_scribes_capture_at_once_and_the_wall_shows_both(server, browser):
    tabs = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
        tabs.append(context.new_page())
    first, second = tabs
    open_view(first, server, "saisie")
    open_view(second, server, "saisie")
    second.get_by_role("radio", name="Levier").click()
    first.get_by_label("Ce qui a été dit").fill("Scribe A : les réseaux se disputent les financements")
    second.get_by_label("Ce qui a été dit").fill("Scribe B : un agenda partagé des rencontres entre réseaux")
    first.get_by_role("button", name="3 · Financement").click()
    second.get_by_role("button", name="5 · Écosystèmes").click()
    first.get_by_role("button", name="Enregistrer le constat").click()
    second.get_by_role("button", name="Enregistrer le constat").click()
    wait_ready(first)
    wait_ready(second)
    # each scribe sees their finding at once, the form cleared, the kind kept
    for tab, text, kind in [(first, "Scribe A", "Frein"), (second, "Scribe B", "Levier")]:
        assert tab.get_by_text(text).first.is_visible()
        assert tab.get_by_label("Ce qui a été dit").input_value() == ""
        assert tab.get_by_role("radio", name=kind).is_checked()
    screenshot(second, "diagnostic-saisie")
    open_view(first, server, "mur")
    assert first.get_by_text("Scribe A : les réseaux se disputent").is_visible()
    assert first.get_by_text("Scribe B : un agenda partagé").is_visible()
    first.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
    assert first.locator("[data-testid='stException']").count() == 0
    screenshot(first, "diagnostic-mur")
    for tab in tabs:
        tab.context.close()


def test_import_a_french_excel_csv_then_a_bad_one(server, page, tmp_path):
    good = tmp_path / "constats atelier 2.csv"
    good.write_bytes(
        "Atelier;Type;Texte;Objectifs;Groupe;Type de participant\r\n"
        "2;Frein;Les délais de versement pèsent sur la trésorerie;3;Table 5;PTCE\r\n"
        "Atelier 3 : compétences et métiers;levier;Un tutorat entre animateur·ice·s;4, 5;;\r\n"
        .encode("cp1252")
    )
    open_view(page, server, "import")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(good))
    wait_ready(page)
    assert page.get_by_text("Aperçu : 2 constats prêts à être importés").is_visible()
    screenshot(page, "diagnostic-import-apercu")
    page.get_by_role("button", name="Importer les 2 constats").click()
    wait_ready(page)
    assert page.get_by_text("2 constats importés").is_visible()
    bad = tmp_path / "mauvais.csv"
    bad.write_bytes(b"atelier;type;texte;objectifs\r\n1;frein;ok;1\r\n9;frein;atelier inconnu;1\r\n"
                    b"1;frein;x;7\r\n")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    wait_ready(page)
    assert page.get_by_text("Fichier refusé").is_visible()
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Traceback" not in body
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for()
    screenshot(page, "diagnostic-import-refus")
    open_view(page, server, "mur")
    assert page.get_by_text("Les délais de versement pèsent sur la trésorerie").is_visible()
    assert page.get_by_text("atelier inconnu").count() == 0


def test_capture_on_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    tab = context.new_page()
    open_view(tab, server, "saisie")
    assert tab.get_by_role("button", name="Enregistrer le constat").is_visible()
    tab.get_by_role("button", name="Enregistrer le constat").click()
    wait_ready(tab)
    assert tab.get_by_text("Le texte est vide").is_visible()
    screenshot(tab, "diagnostic-saisie-telephone")
    context.close()
