"""Browser: at 1920×1080, each long page answers its question in its first screen (summary first), and
every tab behind it opens without error (issue 14)."""

from __future__ import annotations

import pytest

from tests.conftest import SCREENSHOTS, browser_tab, wait_ready

pytestmark = pytest.mark.browser

SCREEN = {"width": 1920, "height": 1080}
REVIEW_TABS = ["Ce qui a changé", "Avancement par objectif et par défi", "Relevé de décisions", "Signature"]
# Per page: the elements its users come for, which must show without scrolling, then its tabs.
PAGES = {
    "": {
        "summary": [("heading", "« Accompagner pour coopérer et coopérer pour accompagner »"),
                    ("metric", "Participant·e·s"), ("metric", "Actions de suivi"),
                    ("heading", "Le soutien de la salle aux défis, et sa réalisation"),
                    ("chart", "[class*='st-key-accueil-resume-bars-'] [data-testid='stVegaLiteChart']"),
                    ("tab", "Programme et objectifs")],
        "tabs": ["Programme et objectifs", "Actions de suivi", "Signature, mois après mois"],
    },
    "suivi": {
        "summary": [("heading", "Comité de pilotage"), ("heading", "Revue d"), ("metric", "Nouvelles"),
                    ("metric", "En retard"), ("metric", "Avancement"), ("tab", "Ce qui a changé")],
        "tabs": REVIEW_TABS,
    },
    "partenaires": {
        "summary": [("heading", "Espace partenaires"), ("metric", "Actions suivies"),
                    ("metric", "Avancement global"), ("metric", "Financements acquis"),
                    ("button", "Rapport mensuel (PDF)"),
                    ("text", "Avancement par objectif au"),
                    ("chart", "[data-testid='stVegaLiteChart']"), ("tab", "Ce qui a changé")],
        "tabs": REVIEW_TABS,
    },
}


@pytest.fixture
def screen(browser):
    with browser_tab(browser, SCREEN, timeout_ms=120_000) as page:
        yield page


def locate(page, kind: str, name: str):
    """Return the summary's element named ``name`` (``kind``: heading, metric, tab, button, text, chart)."""
    main = page.locator("[data-testid='stMain']")
    if kind == "metric":
        return main.locator("[data-testid='stMetricLabel']", has_text=name).first
    if kind == "chart":
        return main.locator(name).first
    if kind == "text":
        return main.get_by_text(name).first
    return main.get_by_role(kind, name=name).first


def shot(page, name: str) -> None:
    """Save what the screen shows, as the user sees it without scrolling."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.parametrize("path", list(PAGES), ids=lambda p: p or "accueil")
def test_first_screen_shows_the_summary_and_every_tab_opens(server, screen, path):
    screen.goto(f"{server.url}/{path}")
    wait_ready(screen)
    assert screen.locator("[data-testid='stException']").count() == 0
    for kind, name in PAGES[path]["summary"]:
        element = locate(screen, kind, name)
        element.wait_for()
        if kind == "chart":
            element.locator("canvas, svg").first.wait_for()
        box = element.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"], (name, box)
    shot(screen, f"premier-ecran-{path or 'accueil'}")
    for label in PAGES[path]["tabs"]:
        screen.get_by_role("tab", name=label, exact=True).click()
        wait_ready(screen)
        assert screen.get_by_role("tab", name=label, exact=True).get_attribute("aria-selected") == "true"
        assert screen.locator("[data-testid='stException']").count() == 0, label
        panel = screen.locator("[role='tabpanel']:visible").first
        assert panel.locator("[data-testid='stElementContainer']").count() > 0, label
    shot(screen, f"premier-ecran-{path or 'accueil'}-dernier-onglet")
