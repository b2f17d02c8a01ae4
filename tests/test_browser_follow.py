"""Browser: the follow-up a steering group runs, on a real server with the demo's clock (29 November 2026):
the action table's filters, the « Relances » of /suivi, ticking findings for a défi, and a 3 000-character
paste that the browser lets in and the server refuses in French, keeping it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import SCREENSHOTS, open_page, screenshot, wait_ready

pytestmark = pytest.mark.browser

NOW = "2026-11-29T10:00:00Z"  # four days after the review of 25 November 2026
LONG = ("Une phrase collée depuis un compte rendu. " * 72)[:2999] + "."  # 3 000 characters


@pytest.fixture(scope="module")
def server(demo_copy, start_module_server):
    """One `streamlit run` on a private copy of the demo, clock frozen at NOW, for the whole module."""
    return start_module_server(demo_copy(), {"LABO_NOW": NOW})


def test_late_actions_filter(page, server):
    open_page(page, server, "actions")
    form = page.get_by_test_id("stForm").filter(has_text="Trier par")
    form.get_by_text("En retard seulement").click()
    form.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("7 actions sur 30 selon ces filtres.")).to_be_visible()
    screenshot(page, "follow-actions-late")


def test_reminders_section(page, server):
    open_page(page, server, "suivi")
    page.get_by_role("tab", name="Relances").click()  # a tab of /suivi, run only when open
    wait_ready(page)
    assert "onglet=Relances" in page.url
    heading = page.get_by_role("heading", name="Relances avant le prochain comité")
    heading.scroll_into_view_if_needed()
    date = page.get_by_role("group", name="Date du prochain comité")
    expect(date).to_contain_text("25")
    expect(date).to_contain_text("12")
    pilot = page.get_by_text("Sandrine Lacombe (Région Occitanie) · 1 action")
    pilot.click()
    href = page.get_by_role("link", name="Écrire le courriel").first.get_attribute("href")
    assert href.startswith("mailto:?subject=Comit%C3%A9%20de%20pilotage%20du%2025%20d%C3%A9cembre%202026")
    expect(page.get_by_text("Bonjour Sandrine Lacombe,")).to_be_visible()
    pilot.evaluate("element => element.scrollIntoView({block: 'start'})")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "follow-reminders.png"))  # the viewport: one pilot's reminder


def test_a_past_next_review_typed_is_refused_in_french_and_kept(page, server):
    """The next review's date typed in the past (the clock says 29 November 2026): no bound in the widget,
    which would drop the date with an English tooltip; the domain refuses it in French, the date stays."""
    open_page(page, server, "suivi?onglet=Relances")
    field = page.get_by_test_id("stDateInput").filter(has_text="Date du prochain comité")
    day = field.get_by_role("spinbutton", name="jour, Date du prochain comité")
    expect(day).to_be_visible()
    day.click()  # the field's segments (day, month, year) take the digits in turn
    page.keyboard.type("20112026")
    # A date field outside a form sends its value when it is left.
    page.get_by_role("heading", name="Relances avant le prochain comité").click()
    expect(page.get_by_text("Date du prochain comité : 20 novembre 2026 est passé ; choisissez aujourd'hui "
                            "(29 novembre 2026) ou une date à venir.")).to_be_visible()
    wait_ready(page)
    expect(field.locator("input[type='date']")).to_have_value("2026-11-20")
    expect(page.get_by_role("link", name="Écrire le courriel")).to_have_count(0)  # no reminder prepared
    screenshot(page, "follow-reminders-past-date")


def test_tick_findings_for_a_defi(page, server):
    open_page(page, server, "diagnostic?vue=defis")
    boxes = page.get_by_test_id("stCheckbox")
    boxes.nth(0).click()
    boxes.nth(2).click()
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("2 constats choisis")).to_be_visible()
    page.get_by_role("button", name="Formuler un défi").click()
    expect(page.get_by_text("Constats d'origine (provenance)")).to_be_visible()
    screenshot(page, "follow-defi-checklist")


def test_a_long_paste_is_let_in_refused_and_kept(page, server):
    open_page(page, server, "diagnostic?vue=saisie")
    text = page.get_by_label("Ce qui a été dit")
    text.fill(LONG)
    expect(text).to_have_value(LONG)  # no client limit cuts or blocks it
    page.get_by_role("button", name="Enregistrer le constat").click()
    expect(page.get_by_text("Le texte fait 3\u00a0000 caractères ; 500 au plus.")).to_be_visible()
    expect(page.get_by_label("Ce qui a été dit")).to_have_value(LONG)
    screenshot(page, "follow-too-long")
