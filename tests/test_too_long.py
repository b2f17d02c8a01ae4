"""A 3 000-character paste into a limited field, one test per kind of form (AppTest, demo data).

The browser used to cut or block such a paste (Streamlit's ``max_chars``), after which the server said
« Le texte est vide ». Now no field carries a client limit where the server checks the length: the server
refuses with one message (:func:`labo_dash.french.too_long`, « Le texte fait 3 000 caractères ; 500 au
plus. ») and the form keeps what was typed.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from labo_dash import db, diagnosis, french, settings
from labo_dash.access import SYSTEM
from tests.test_roles import PAGES, configured, hash_env, open_page  # noqa: F401 (fixtures)
from tests.test_roles import app as signed_app

LONG = ("Une phrase collée depuis un compte rendu. " * 72)[:2999] + "."  # 3 000 characters
NBSP = "\u00a0"


def refusal(subject: str, limit: int) -> str:
    return f"{subject} fait 3{NBSP}000 caractères ; {french.number(limit)} au plus."


@pytest.fixture
def app(demo_db, monkeypatch):
    """Return a function opening a page of the app on a private demo database (local demo mode)."""
    monkeypatch.setenv("LABO_DB", str(demo_db))

    def open_page(script: str, tab: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file("../app.py", default_timeout=90)
        for name, value in query.items():
            at.query_params[name] = value
        at.switch_page(script)
        if tab is not None:  # /actions: only the open tab runs
            at.session_state["actions_tab"] = tab
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    yield open_page
    db.close(demo_db)


def widget(at: AppTest, kind: str, label: str):
    """Return the widget of a kind (text_input, text_area) with that label."""
    return next(w for w in getattr(at, kind) if w.label == label)


def submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def paste(at: AppTest, kind: str, label: str, button: str, message: str) -> None:
    """Paste LONG into the field, submit, and check the refusal and that the text is kept."""
    field = widget(at, kind, label)
    assert field.proto.max_chars == 0  # no client limit: the browser lets the paste in
    field.input(LONG)
    submit(at, button)
    shown = [e.value.replace("\\", "") for e in at.error]  # as read (markdown escapes removed)
    assert any(message in e for e in shown), shown
    assert widget(at, kind, label).value == LONG


def test_finding_capture(app):
    at = app("pages/diagnostic.py")
    before = len(diagnosis.list_findings(db.connect()))
    at.pills(key="cap_objectives").set_value([2])
    paste(at, "text_area", "Ce qui a été dit", "Enregistrer le constat",
          refusal("Le texte", diagnosis.MAX_TEXT))
    assert not any("Le texte est vide" in e.value for e in at.error)
    assert len(diagnosis.list_findings(db.connect())) == before


def test_finding_edit(app):
    at = app("pages/diagnostic.py", vue="defis")
    first = diagnosis.list_findings(db.connect())[0].id
    at.checkbox(key=f"sort_pick_{first}").check()
    submit(at, "Modifier")
    paste(at, "text_area", "Texte", "Enregistrer", refusal("Le texte", diagnosis.MAX_TEXT))


def test_defi(app):
    at = app("pages/diagnostic.py", vue="defis")
    submit(at, "Formuler un défi")
    paste(at, "text_input", "Titre du défi", "Créer le défi", refusal("Le titre", 150))


def test_barometer_territory(app):
    at = app("pages/diagnostic.py", vue="barometre")
    at.segmented_control(key="baro_paper_1").set_value(2)
    paste(at, "text_input", "Territoire", "Enregistrer mes réponses", refusal("Le territoire", 80))


def test_solution(app):
    at = app("pages/actions.py", tab="💡 Solutions et création d'actions")
    at.selectbox(key="solution_0_c").set_value(1)
    paste(at, "text_input", "Intitulé de la solution", "Ajouter la solution", refusal("L'intitulé", 200))


def test_progress_update_comment(app):
    at = app("pages/actions.py", action="2")
    paste(at, "text_area", "Commentaire", "Enregistrer le point", refusal("Le commentaire", 2000))


def test_action_card_edit(app):
    at = app("pages/actions.py", action="2")
    paste(at, "text_input", "Intitulé", "Enregistrer la fiche", refusal("« Intitulé »", 200))


def test_withdrawal_reason(app):
    at = app("pages/actions.py", action="2")
    paste(at, "text_area", "Raison du retrait", "Retirer le point", refusal("La raison", 1000))


def test_review_decision(app):
    at = app("pages/suivi.py", onglet="Relevé de décisions")
    paste(at, "text_area", "Décision", "Ajouter la décision", refusal("La décision", 1000))


def test_participant_registration(app):
    at = app("pages/admin.py")
    paste(at, "text_input", "Structure", "Inscrire", refusal("La structure", 160))


def test_round_duplicate_title(app):
    at = app("pages/admin.py", onglet="Tours de vote")
    field = next(w for w in at.text_input if w.label.startswith("Titre du nouveau tour"))
    paste(at, "text_input", field.label, "Dupliquer ce tour", refusal("Le titre", 200))


def test_walk_in_sign_up(app, demo_db):
    settings.set_setting(db.connect(demo_db), SYSTEM, "self_registration", True)
    at = app("pages/vote.py")
    paste(at, "text_input", "Prénom et nom", "M'inscrire et recevoir mon code", refusal("Le nom", 120))


def test_sign_in_name(configured):  # noqa: F811 (the fixture imported above)
    connexion = next(s for s in PAGES if s.url_path == "connexion")
    at = open_page(signed_app(), connexion)
    at.text_input(key="signin_passcode").input("pilotage-2026")
    paste(at, "text_input", "Votre nom", "Se connecter", refusal("Le nom", 80))
