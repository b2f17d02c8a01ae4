"""Every page runs in-process (AppTest) on a demo database without an exception."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from labo_dash import clock, db, signature
from labo_dash.ui.navigation import PAGES
from tests.conftest import hold_database


def run_page(script: str) -> AppTest:
    """Run the app on page ``script`` (one run, as a link opens it) and return the finished AppTest."""
    at = AppTest.from_file("../app.py", default_timeout=60)
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


@pytest.mark.duckdb_only
def test_home_on_locked_database_says_so_in_french(fresh_db, monkeypatch):
    with hold_database(fresh_db) as pid:
        monkeypatch.setenv("LABO_DB", str(fresh_db))
        at = AppTest.from_file("../app.py", default_timeout=60)
        at.run()
        assert not at.exception
        message = at.error[0].value
        assert "déjà ouverte" in message and f"PID {pid}" in message


# --- The long pages: summary first, details behind tabs that run only when open (issue 14) ---------------

LONG_PAGE_TABS = {
    "pages/accueil.py": ["Programme et objectifs", "Actions de suivi", "Signature, mois après mois"],
    "pages/suivi.py": ["Ce qui a changé", "Avancement par objectif et par défi", "Relevé de décisions",
                       "Signature"],
    "pages/partenaires.py": ["Ce qui a changé", "Avancement par objectif et par défi", "Relevé de décisions",
                             "Signature"],
}
TAB_PARAM = {"pages/accueil.py": "rubrique"}  # the home page's tabs (a key of its own: see pages/accueil.py)
SIGNATURE_VIEWS = ["Soutien aux défis, réparti par objectif", "Par objectif, mois après mois",
                   "Poids des objectifs dans chaque défi", "Calendrier des actions par objectif"]


def open_tab(script: str, **query: str) -> AppTest:
    """Run ``script`` with ``query`` in the address (``onglet``, ``vue``), as the links and the tabs do."""
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params.update(query)
    at.switch_page(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(("script", "tab"), [(s, t) for s, tabs in LONG_PAGE_TABS.items() for t in tabs])
def test_every_tab_of_the_long_pages_opens_from_the_address(script, tab, demo_db, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(demo_db))
    at = open_tab(script, **{TAB_PARAM.get(script, "onglet"): tab})
    labels = [t.label for t in at.tabs]  # depth first: a tab's own tabs come after it
    assert [label for label in labels if label in LONG_PAGE_TABS[script]] == LONG_PAGE_TABS[script]
    assert at.metric, "the summary (key figures) stays above the tabs"
    assert len(at.tabs[labels.index(tab)].children) > 0, "the open tab shows its content"


@pytest.mark.parametrize("view", SIGNATURE_VIEWS)
def test_every_view_of_the_signature_tab_opens(view, demo_db, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(demo_db))
    at = open_tab("pages/partenaires.py", onglet="Signature", vue=view)
    labels = [t.label for t in at.tabs]
    assert [label for label in labels if label in SIGNATURE_VIEWS] == SIGNATURE_VIEWS
    assert len(at.tabs[labels.index(view)].children) > 0


def test_home_summary_shows_the_most_supported_défis_and_only_the_open_tab_runs(demo_db, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(demo_db))
    at = open_tab(PAGES[0].script)
    assert "Le soutien de la salle aux défis, et sa réalisation" in [h.value for h in at.subheader]
    con = db.connect(demo_db)
    bars = signature.support_by_challenge(con, signature.support_round(con).id, clock.today(con))
    ranks = bars.drop_duplicates("challenge_id")["rank"]
    assert (ranks == 5).sum() == 2  # the demo's 5th place is shared: both défis are shown
    captions = " ".join(c.value for c in at.caption)
    assert f"Les 6 défis les plus soutenus, sur {len(ranks)} (ex æquo compris)." in captions
    subheaders = [h.value for h in at.subheader]
    assert "Programme de la journée" in subheaders  # the default tab
    assert "Actions de suivi par statut" not in subheaders  # a closed tab computes nothing
    assert not [e for e in at.expander if e.label.startswith("Les chiffres")]


def test_monthly_review_summary_then_the_changes_tab(demo_db, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(demo_db))
    at = open_tab("pages/suivi.py")
    assert {"Nouvelles", "En retard", "Avancement"} <= {m.label for m in at.metric}
    assert any(t.label.startswith("Terminées (") for t in at.tabs)  # the changes' own tabs, open by default
    assert "Relevé de décisions" in [t.label for t in at.tabs]
    assert "**Ajouter une décision**" not in [m.value for m in at.markdown]  # a closed tab computes nothing
    at.query_params["onglet"] = "Relevé de décisions"
    at.run()
    assert "**Ajouter une décision**" in [m.value for m in at.markdown]


def test_home_summary_names_the_slot_running_now_on_the_day(demo_db, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(demo_db))
    monkeypatch.setenv("LABO_NOW", "2026-03-24T10:30:00Z")  # 11h30 in Paris, the seminar's day
    at = open_tab(PAGES[0].script)
    assert [i.value for i in at.info if "En ce moment" in i.value] == [
        "**En ce moment** · 11h – 12h · Ateliers participatifs – Diagnostic partagé de l'accompagnement des "
        "coopérations dans les territoires ; formulation de défis à relever"
    ]
    monkeypatch.setenv("LABO_NOW", "2026-03-25T10:30:00Z")  # the day after: no slot is running
    assert not [i for i in open_tab(PAGES[0].script).info if "En ce moment" in i.value]
