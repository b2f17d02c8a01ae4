"""Pages of the follow-up a steering group runs: the action table's filters, « mes actions », the
« Relances » section of /suivi and the alert threshold on /admin (AppTest, demo data, frozen clock)."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from labo_dash import clock, db, french, reminders, settings
from labo_dash.access import PARTNER, STEERING, Actor
from labo_dash.ui import auth as ui_auth

ACTIONS_PAGE, REVIEW_PAGE, ADMIN_PAGE = "pages/actions.py", "pages/suivi.py", "pages/admin.py"
NOW = "2026-11-29T10:00:00Z"  # four days after the review of 25 November 2026


@pytest.fixture
def app(demo_db, monkeypatch):
    """Return a function opening a page on a private demo database, clock frozen at NOW (local demo mode)."""
    monkeypatch.setenv("LABO_DB", str(demo_db))
    signature = pytest.importorskip("labo_dash.ui.signature")
    monkeypatch.setattr(signature, "render_signature", lambda *args, **kwargs: None)
    frozen = clock.frozen(NOW)
    frozen.__enter__()

    def open_page(script: str, **query: str) -> AppTest:
        at = AppTest.from_file("../app.py", default_timeout=90)
        for name, value in query.items():
            at.query_params[name] = value
        at.switch_page(script)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    yield open_page
    frozen.__exit__(None, None, None)
    db.close(demo_db)


def table_ids(at: AppTest) -> list[int]:
    """Return the action numbers the action table shows, in order."""
    return [int(i) for i in at.dataframe[0].value.index]


def pilots_of(demo_db, ids: list[int]) -> set[str]:
    rows = db.connect(demo_db).execute(
        "SELECT DISTINCT pilot_person FROM actions WHERE list_contains(?, id)", [ids]).fetchall()
    return {r[0] for r in rows}


def test_filters_apply_in_one_submit_and_sort(app, demo_db):
    at = app(ACTIONS_PAGE)
    assert len(table_ids(at)) == 30
    at.multiselect(key="filter_pilots").set_value(["Sandrine Lacombe (Région Occitanie)"])
    at.selectbox(key="filter_sort").set_value("due_date")
    at.button(key="FormSubmitter:action_filters-Filtrer").click()
    at.run()
    assert not at.exception
    shown = table_ids(at)
    assert 1 < len(shown) < 30 and pilots_of(demo_db, shown) == {"Sandrine Lacombe"}
    dues = at.dataframe[0].value["due_date"].tolist()
    assert dues == sorted(dues)
    assert f"{french.plural(len(shown), 'action', 'actions')} sur 30 selon ces filtres." in [
        c.value for c in at.caption]


def test_late_only(app):
    at = app(ACTIONS_PAGE)
    at.checkbox(key="filter_overdue").check()
    at.button(key="FormSubmitter:action_filters-Filtrer").click()
    at.run()
    assert len(table_ids(at)) == 7 and all("en retard" in f for f in at.dataframe[0].value["flags"])


def test_mine_in_the_local_demo_mode_is_a_pilot_chooser(app):
    at = app(ACTIONS_PAGE)
    who = at.selectbox(key="filter_mine_who")
    assert who.value == "Toutes les actions" and "Avise" in who.options and "Sandrine Lacombe" in who.options
    who.set_value("Avise")
    at.button(key="FormSubmitter:action_filters-Filtrer").click()
    at.run()
    frame = at.dataframe[0].value
    assert len(frame) > 1
    assert all(s == "Avise" or "Avise" in c for s, c in zip(frame["pilot_structure"], frame["contributors"],
                                                             strict=True))


def test_mine_for_a_signed_in_pilot(app, monkeypatch):
    monkeypatch.setattr(ui_auth, "current_actor", lambda: Actor(STEERING, "Sandrine Lacombe"))
    monkeypatch.setattr(ui_auth.AuthConfig, "demo_mode", property(lambda self: False))
    at = app(ACTIONS_PAGE)
    mine = at.checkbox(key="filter_mine")
    assert mine.label == "Mes actions (Sandrine Lacombe)"
    mine.check()
    at.button(key="FormSubmitter:action_filters-Filtrer").click()
    at.run()
    assert set(at.dataframe[0].value["pilot_person"]) == {"Sandrine Lacombe"}



def test_review_page_prepares_the_reminders_per_pilot(app, demo_db):
    at = app(REVIEW_PAGE, onglet="Relances")
    assert "Relances" in [t.label for t in at.tabs]
    assert "Relances avant le prochain comité" in [h.value for h in at.subheader]
    assert at.date_input(key="reminders_next_review").value == dt.date(2026, 12, 25)
    pilots = [e.label for e in at.expander if " · " in e.label]
    rows = reminders.reminders(db.connect(demo_db), dt.date(2026, 11, 29), dt.date(2026, 12, 25))
    counts = rows.groupby("pilot", sort=False).size()
    assert pilots == [f"{pilot} · {french.plural(n, 'action', 'actions')}" for pilot, n in counts.items()]
    assert "Sandrine Lacombe (Région Occitanie) · 1 action" in pilots
    links = [e.proto.url for e in at.get("link_button")]
    assert len(links) == len(pilots) and all(u.startswith("mailto:?subject=Comit%C3%A9%20de%20pilotage")
                                             for u in links)
    labels = [e.proto.label for e in at.get("download_button")]
    assert "Télécharger les relances (CSV)" in labels and "Échéances de toutes les actions (.ics)" in labels
    codes = [c.value for c in at.code]
    assert any(c.startswith("Bonjour Sandrine Lacombe,\n") and "25 décembre 2026" in c for c in codes)
    at.date_input(key="reminders_next_review").set_value(dt.date(2027, 1, 25))
    at.run()
    assert not at.exception and any("25 janvier 2027" in c for c in [c.value for c in at.code])


def test_a_past_next_review_is_refused_and_kept(app, demo_db):
    at = app(REVIEW_PAGE, onglet="Relances")
    today = clock.today(db.connect(demo_db))
    past = today - dt.timedelta(days=3)
    at.date_input(key="reminders_next_review").set_value(past)
    at.run()
    assert not at.exception
    assert [e.value.replace("\\", "") for e in at.error] == [  # markdown escapes taken off
        "Les relances n'ont pas été préparées : la date du prochain comité est passée.",
        f"Date du prochain comité : {french.date(past)} est passé ; choisissez aujourd'hui "
        f"({french.date(today)}) ou une date à venir.",
    ]
    assert at.date_input(key="reminders_next_review").value == past
    labels = [e.proto.label for e in at.get("download_button")]
    assert "Télécharger les relances (CSV)" not in labels and not at.code  # no reminder prepared


def test_partners_get_no_reminders(app, monkeypatch):
    monkeypatch.setattr(ui_auth, "current_actor", lambda: Actor(PARTNER, "Fondation"))
    at = app(REVIEW_PAGE, onglet="Relances")
    assert "Relances" not in [t.label for t in at.tabs]  # no such tab for partners
    assert "Relances avant le prochain comité" not in [h.value for h in at.subheader]
    assert not at.get("link_button")


def test_alert_threshold_is_set_on_admin_and_refused_out_of_bounds(app, demo_db):
    at = app(ADMIN_PAGE, onglet="Accès")
    days = at.number_input(key="setting_stale_after_days")
    assert days.value == 14
    days.set_value(200)
    at.button(key="FormSubmitter:access-settings-Enregistrer").click()
    at.run()
    assert [e.value for e in at.error] == [
        "Valeur refusée pour « Délai avant de signaler une action sans point depuis la dernière revue "
        "(jours) » : un nombre entier de 0 à 90 est attendu, pas « 200 ». Rien n'a été modifié."]
    assert at.number_input(key="setting_stale_after_days").value == 200  # kept as typed, not clamped
    assert settings.get_setting(db.connect(demo_db), settings.STALE_AFTER_DAYS) == 14
    at.number_input(key="setting_stale_after_days").set_value(3)
    at.button(key="FormSubmitter:access-settings-Enregistrer").click()
    at.run()
    assert [s.value for s in at.success] == ["Réglages enregistrés."]
    at = app(ACTIONS_PAGE)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sans point depuis la revue"] == "21"  # the review of 25 November is 4 days old
