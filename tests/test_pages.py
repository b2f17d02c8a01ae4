"""Every page runs in-process (AppTest) on a demo database without an exception."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from labo_dash.ui.navigation import PAGES
from tests.conftest import hold_database


def run_page(script: str) -> AppTest:
    """Run the app, switch to ``script`` and return the finished AppTest."""
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.run()
    if script != PAGES[0].script:
        at.switch_page(script)
        at.run()
    return at


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.url_path or "accueil")
def test_page_runs_without_exception(spec, demo_db, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(demo_db))
    at = run_page(spec.script)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"


def test_home_shows_seminar_and_figures(demo_db, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(demo_db))
    at = run_page(PAGES[0].script)
    assert "Accompagner pour coopérer" in at.title[0].value
    labels = [m.label for m in at.metric]
    assert "Participant·e·s" in labels and "Actions de suivi" in labels
    participants = next(m for m in at.metric if m.label == "Participant·e·s")
    assert int(participants.value.replace("\u00a0", "")) >= 70
    texts = " ".join(md.value for md in at.markdown)
    assert "Déjeuner sur place" in texts
    assert "Financer l'accompagnement des coopérations" in texts


def test_home_on_locked_database_says_so_in_french(fresh_db, monkeypatch):
    with hold_database(fresh_db) as pid:
        monkeypatch.setenv("LABO_DB", str(fresh_db))
        at = AppTest.from_file("../app.py", default_timeout=60)
        at.run()
        assert not at.exception
        message = at.error[0].value
        assert "déjà ouverte" in message and f"PID {pid}" in message
