"""Browser: the signature on the home page and the monthly review, in a real `streamlit run` + Chromium."""

from __future__ import annotations

import pytest

from labo_dash.ui.navigation import PAGES
from tests.conftest import SCREENSHOTS, browser_tab, screenshot, wait_ready

pytestmark = pytest.mark.browser

BARS = "[class*='st-key-accueil-bars-'] [data-testid='stVegaLiteChart']"
SIGNATURE_TAB = "?rubrique=Signature%2C+mois+apr%C3%A8s+mois"  # home: « Signature, mois après mois »


@pytest.fixture
def tab(browser):
    """A desktop-size page, tall enough for the screenshots to show the whole signature."""
    with browser_tab(browser, {"width": 1366, "height": 2400}, timeout_ms=120_000) as page:
        yield page


def chart_image(page, selector: str, name: str) -> bytes:
    """Return (and save) a screenshot of the first chart matching ``selector``, once it is drawn."""
    chart = page.locator(selector).first
    chart.scroll_into_view_if_needed()
    chart.locator("canvas, svg").first.wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot, previous = chart.screenshot(), None
    while shot != previous:  # drawn: two screenshots in a row agree
        shot, previous = chart.screenshot(), shot
    (SCREENSHOTS / f"{name}.png").write_bytes(shot)
    return shot


def test_home_month_control_replays_the_history(server, tab):
    tab.goto(server.url)
    wait_ready(tab)
    tab.get_by_role("tab", name="Signature, mois après mois").click()  # only the open tab computes
    wait_ready(tab)
    assert tab.locator("[data-testid='stException']").count() == 0
    assert "rubrique=Signature" in tab.url  # the open tab is kept in the address
    assert tab.get_by_role("tab", name="Soutien aux défis, réparti par objectif", selected=True).is_visible()
    latest = chart_image(tab, BARS, "signature-barres-dernier-mois")
    slider = tab.locator(".st-key-accueil-month").get_by_role("slider")
    slider.focus()
    slider.press("Home")  # the seminar's month: nothing realised yet
    tab.get_by_role("button", name="Afficher ce mois").click()
    wait_ready(tab)
    assert tab.get_by_text("mars 2026").first.is_visible()
    assert tab.get_by_text("avancement des actions au 31 mars 2026").is_visible()
    march = chart_image(tab, BARS, "signature-barres-mars-2026")
    assert march != latest, "the per-défi chart must change with the month"
    screenshot(tab, "signature-accueil-mars-2026")
    slider.focus()
    slider.press("ArrowRight")
    slider.press("ArrowRight")
    tab.get_by_role("button", name="Afficher ce mois").click()
    wait_ready(tab)
    assert tab.get_by_text("avancement des actions au 31 mai 2026").is_visible()
    assert chart_image(tab, BARS, "signature-barres-mai-2026") not in (march, latest)


def test_click_on_a_défi_filters_the_other_views(server, tab):
    tab.goto(server.url + SIGNATURE_TAB)
    wait_ready(tab)
    chart = tab.locator(BARS).first
    chart.scroll_into_view_if_needed()
    chart.locator("canvas, svg").first.wait_for()
    # A row is 50 px: the défi's title, then its bar; the first bar is « Financer durablement… ».
    chart.click(position={"x": 40, "y": 34})
    wait_ready(tab)
    notice = tab.get_by_text("Filtre : défi « Financer durablement l'animation des coopérations »")
    assert notice.is_visible()
    screenshot(tab, "signature-accueil-filtre-defi")
    tab.get_by_role("tab", name="Calendrier des actions par objectif").click()
    wait_ready(tab)
    assert notice.is_visible()  # the filter holds from one view to the other
    # The Gantt keeps that défi's 6 actions, under its objectives (2 and 3) only.
    tabs = [t.strip() for t in tab.get_by_role("tab").all_inner_texts() if t.strip()[:1].isdigit()]
    assert [t.split(" (")[0] for t in tabs] == ["2 · Animation territoriale", "3 · Financement"], tabs
    assert all(t.split(" (")[1].startswith("6") for t in tabs), tabs
    assert tab.get_by_role("button", name="Tout afficher").is_visible()
    tab.get_by_role("button", name="Tout afficher").click()
    wait_ready(tab)
    assert tab.get_by_text("Filtre : défi").count() == 0


@pytest.mark.skipif(
    not any(p.url_path == "suivi" for p in PAGES), reason="the monthly review page is not there"
)
def test_monthly_review_month_changes_the_signature(server, tab):
    tab.goto(f"{server.url}/suivi?onglet=Signature")
    wait_ready(tab)
    assert tab.locator("[data-testid='stException']").count() == 0
    before = chart_image(
        tab, "[class*='st-key-suivi-bars-'] [data-testid='stVegaLiteChart']", "signature-suivi-avant"
    )
    picker = tab.get_by_label("Mois passé en revue")
    picker.scroll_into_view_if_needed()
    picker.click()
    picker.fill("Juin 2026")
    picker.press("Enter")
    wait_ready(tab)
    assert tab.get_by_text("avancement au 30 juin 2026").is_visible()
    assert "onglet=Signature" in tab.url and "mois=2026-06" in tab.url  # the tab stays open
    after = chart_image(
        tab, "[class*='st-key-suivi-bars-'] [data-testid='stVegaLiteChart']", "signature-suivi-juin"
    )
    assert after != before
    screenshot(tab, "signature-suivi-juin-2026")


def test_signature_at_phone_width(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 2400}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(server.url + SIGNATURE_TAB)
    wait_ready(page)
    chart_image(page, BARS, "signature-barres-telephone")
    box = page.locator(BARS).first.bounding_box()
    assert box["width"] <= 390 and box["height"] > 300
    assert page.get_by_role("button", name="▶ Rejouer l'historique").is_visible()
    screenshot(page, "signature-accueil-telephone")
    context.close()
