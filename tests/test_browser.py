"""Browser: a real `streamlit run` on a demo database, every page opened in Chromium."""

from __future__ import annotations

import pytest

from labo_dash.ui.navigation import PAGES
from tests.conftest import screenshot, wait_ready

pytestmark = pytest.mark.browser


def test_every_page_opens_in_french_without_exception(demo_db, start_server, page):
    server = start_server(demo_db)
    for spec in PAGES:
        page.goto(f"{server.url}/{spec.url_path}")
        wait_ready(page)
        name = spec.url_path or "accueil"
        screenshot(page, f"page-{name}")
        assert page.locator("[data-testid='stException']").count() == 0, name
        assert page.get_by_role("heading", level=1).count() >= 1, name
        body = page.locator("[data-testid='stMain']").inner_text()
        assert "Traceback" not in body and "Error" not in body, name


def test_home_page_content_on_desktop_and_phone(demo_db, start_server, browser):
    server = start_server(demo_db)
    sizes = [("bureau", {"width": 1366, "height": 900}), ("telephone", {"width": 390, "height": 844})]
    for label, viewport in sizes:
        context = browser.new_context(viewport=viewport, locale="fr-FR")
        tab = context.new_page()
        tab.goto(server.url)
        wait_ready(tab)
        assert tab.get_by_role("heading", name="Programme de la journée").is_visible()
        assert tab.get_by_text("Déjeuner sur place").is_visible()
        assert tab.get_by_text("Participant·e·s").first.is_visible()
        assert tab.get_by_text("Mode démo local").first.is_visible()
        tab.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
        screenshot(tab, f"accueil-{label}")
        context.close()
