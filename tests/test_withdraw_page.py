"""AppTest of the action card's « Retirer ou corriger un point » form and of the timeline's withdrawn points
(the demo's action 3 holds one withdrawn point)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from labo_dash import actions, clock, db, demo, french, updates
from labo_dash.access import ORGANISER, Actor
from labo_dash.ui import signature as signature_ui
from tests.apptest import form_key

ACTIONS_PAGE = "pages/actions.py"
ACTION = 3  # demo.WRONG_POINT's action
ORGANISER_ACTOR = Actor(ORGANISER, "Test organisatrice")


@pytest.fixture
def app(demo_db, monkeypatch):
    """Open /actions?action=3 on a private demo copy (the signature view is tested elsewhere)."""
    monkeypatch.setenv("LABO_DB", str(demo_db))
    monkeypatch.setattr(signature_ui, "render_signature", lambda *args, **kwargs: None)
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["action"] = str(ACTION)
    at.switch_page(ACTIONS_PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    yield at
    db.close(demo_db)


def plain(text: str) -> str:
    return text.replace("\\", "")


def markdown(at: AppTest) -> str:
    return plain(" ".join(e.value for e in at.markdown))


def counts(path) -> tuple[int, int]:
    return db.connect(path).execute(
        "SELECT (SELECT count(*) FROM progress_updates), (SELECT count(*) FROM progress_withdrawals)"
    ).fetchone()


def test_timeline_strikes_the_withdrawn_point_through_with_who_and_why(app, demo_db):
    history = updates.history(db.connect(demo_db), ACTION)
    wrong = history[history["withdrawn"]].iloc[0]
    text = markdown(app)
    assert f"~~**{_date(wrong['reported_on'])}** · En cours · {demo.WRONG_POINT[1]}{french.NBSP}%~~" in text
    assert f"~~{wrong['comment']}~~" in text
    assert (f":red[↩️ retiré le {_date(wrong['withdrawn_on'])} par {demo.COORDINATOR} : "
            f"{demo.WITHDRAWAL_REASON}]") in text
    labels = app.selectbox(key=f"{form_key(app, f'withdraw_{ACTION}_')}_point").options
    assert all(f"N° {int(wrong['id'])} ·" not in label for label in labels)  # cannot be withdrawn twice


def test_refused_withdrawal_keeps_what_was_typed(app, demo_db):
    before = counts(demo_db)
    key = form_key(app, f"withdraw_{ACTION}_")
    app.checkbox(key=f"{key}_replace").check()
    app.text_input(key=f"{key}_progress").input("55")
    app.text_input(key=f"{key}_comment").input("Valeur corrigée")
    app.button(key=f"FormSubmitter:{key}-Retirer le point").click()
    app.run()
    assert not app.exception
    errors = [plain(e.value) for e in app.error]
    assert "Le point n'a pas été corrigé : corrigez les champs signalés." in errors
    assert "Raison : obligatoire (pourquoi ce point est-il faux ?)." in errors
    assert app.checkbox(key=f"{key}_replace").value
    assert app.text_input(key=f"{key}_progress").value == "55"
    assert app.text_input(key=f"{key}_comment").value == "Valeur corrigée"
    assert counts(demo_db) == before


def test_replace_a_point_from_the_card(app, demo_db):
    con = db.connect(demo_db)
    before = counts(demo_db)
    latest = updates.history(con, ACTION).query("not withdrawn").iloc[-1]
    key = form_key(app, f"withdraw_{ACTION}_")
    assert app.selectbox(key=f"{key}_point").value == int(latest["id"])  # newest point first
    app.text_area(key=f"{key}_reason").input("Pourcentage mal recopié du compte rendu")
    app.checkbox(key=f"{key}_replace").check()
    app.text_input(key=f"{key}_progress").input(str(int(latest["progress"]) - 5))
    app.button(key=f"FormSubmitter:{key}-Retirer le point").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert counts(demo_db) == (before[0] + 1, before[1] + 1)
    assert actions.get_action(con, ACTION).progress == int(latest["progress"]) - 5
    assert any(f"Point n° {int(latest['id'])} retiré, remplacé" in plain(s.value) for s in app.success)
    text = markdown(app)
    assert "Pourcentage mal recopié du compte rendu" in text
    new_id = int(updates.history(con, ACTION)["id"].max())
    assert f"remplacé par le point corrigé n° {new_id} du {_date(latest['reported_on'])}" in text


def _date(value) -> str:
    """Return a pandas date as the page writes it (``23 octobre 2026``)."""
    return french.date(value.date())


def test_the_newest_point_is_preselected_whenever_the_points_change(app, demo_db):
    """A point recorded on the card, then one recorded elsewhere (the table, an import, another session):
    each time, « Retirer ou corriger un point » preselects the newest point, and the new point's form
    starts from the action's new state."""
    con = db.connect(demo_db)
    latest = updates.history(con, ACTION).query("not withdrawn").iloc[-1]
    key = form_key(app, f"update_{ACTION}_")
    app.text_input(key=f"{key}_progress").input(str(int(latest["progress"]) + 3))
    app.text_area(key=f"{key}_comment").input("Atelier de restitution tenu")
    app.button(key=f"FormSubmitter:{key}-Enregistrer le point").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    recorded = int(updates.history(con, ACTION)["id"].max())
    assert recorded > int(latest["id"])
    assert app.selectbox(key=f"{form_key(app, f'withdraw_{ACTION}_')}_point").value == recorded
    today = clock.today(con)
    elsewhere = updates.record_update(
        con, ORGANISER_ACTOR, ACTION, reported_on=today, status="en_pause",
        progress_value=int(latest["progress"]) + 3, comment="En attente du financement", today=today,
    )
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key=f"{form_key(app, f'withdraw_{ACTION}_')}_point").value == elsewhere
    assert app.selectbox(key=f"{form_key(app, f'update_{ACTION}_')}_status").value == "en_pause"
