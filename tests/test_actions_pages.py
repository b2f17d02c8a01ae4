"""AppTest flows of /actions and /suivi on the demo: create actions from a solution, record an update,
record decisions; refused input keeps what was typed and writes nothing."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from decimal import Decimal

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from labo_dash import action_creation, action_table, actions, clock, db, french, review, updates
from labo_dash.access import ORGANISER, Actor
from labo_dash.imports import actions as actions_import
from labo_dash.reporting import monthly
from labo_dash.reporting.workbook import situation_xlsx
from labo_dash.ui import action_form
from labo_dash.ui.actions_import import new_points
from tests.apptest import form_key

ACTIONS_PAGE, REVIEW_PAGE = "pages/actions.py", "pages/suivi.py"
TABLE_TAB, CARD_TAB, SOLUTIONS_TAB = (
    "📋 Tableau de suivi", "🔎 Fiche et historique", "💡 Solutions et création d'actions"
)
OUT_OF_RANGE = "Avancement : un nombre entier de 0 à 100 attendu, « 150 » lu (vide = non mesuré)."
NOT_STARTED = ("Statut « À lancer » mais avancement de 10 % (attendu : 0 %) : mettez 0 % (ou laissez "
               "l'avancement vide) ou choisissez En cours.")
NOT_FINISHED = ("Statut « Terminée » mais avancement de 90 % (attendu : 100 %) : mettez 100 % ou "
                "choisissez En cours.")
NBSP = "\u00a0"
ORGANISER_ACTOR = Actor(ORGANISER, "Test organisatrice")


@pytest.fixture
def app(demo_db, monkeypatch):
    """Return a function opening a page of the app on a private demo database (closed afterwards).

    The signature view shown at the foot of /suivi has its own tests; it is left out here to keep these
    flows fast (tests/test_pages.py runs the whole page).
    """
    monkeypatch.setenv("LABO_DB", str(demo_db))
    signature = _optional("labo_dash.ui.signature")
    if signature is not None:
        monkeypatch.setattr(signature, "render_signature", lambda *args, **kwargs: None)

    def open_page(script: str, tab: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file("../app.py", default_timeout=60)
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


def _optional(name: str):
    """Return the module ``name``, or None when it does not exist (yet)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None


def count(path, sql: str) -> int:
    """Count rows in the app's database through its shared connection."""
    return db.connect(path).execute(sql).fetchone()[0]


def plain(text: str) -> str:
    """Return a message as the user reads it (markdown escapes removed)."""
    return text.replace("\\", "")


def texts(at: AppTest) -> str:
    """Return every markdown, caption, success, warning and info text of the page, as read."""
    return plain(" ".join(e.value for e in [*at.markdown, *at.caption, *at.success, *at.warning, *at.info]))


def errors(at: AppTest) -> list[str]:
    """Return the error messages of the page, as read."""
    return [plain(e.value) for e in at.error]


def successes(at: AppTest) -> list[str]:
    """Return the success messages of the page, as read."""
    return [plain(e.value) for e in at.success]


def test_actions_page_shows_the_tracker(app):
    at = app(ACTIONS_PAGE)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Actions"] == "30" and metrics["En retard"] == "7"
    assert metrics["Avancement agrégé"].endswith("%")
    assert [t.label for t in at.tabs][:3] == [TABLE_TAB, CARD_TAB, SOLUTIONS_TAB]
    solution = "Un fonds territorial pluriannuel pour l'animation des coopérations"
    # Only the open tab runs: the table's, first; neither the solutions nor the card's forms.
    assert not any(solution in e.label for e in at.expander)
    assert not [b for b in at.button if str(b.key).startswith("FormSubmitter:update_")]
    at = app(ACTIONS_PAGE, tab=SOLUTIONS_TAB)
    assert "moyenne pondérée" in texts(at)  # the roll-up rule is explained on the page
    assert solution in " ".join(e.label for e in at.expander)


def test_create_actions_from_a_solution(app, demo_db):
    at = app(ACTIONS_PAGE, tab=SOLUTIONS_TAB)
    before = count(demo_db, "SELECT count(*) FROM actions")
    key = "create_1_0"
    assert "Solution de départ" in [s.label for s in at.selectbox]
    at.text_area(key=f"{key}_titles").input("Cartographier les fonds existants\nRéunir les financeurs")
    at.text_input(key=f"{key}_ps").input("Région Occitanie")
    at.text_input(key=f"{key}_pp").input("Sandrine Lacombe")
    volunteers = at.multiselect(key=f"{key}_volunteers")
    volunteers.select(volunteers.options[0])
    at.selectbox(key=f"{key}_status").set_value("en_cours")
    at.text_input(key=f"{key}_progress").input("10 %")
    at.date_input(key=f"{key}_due").set_value(dt.date(2027, 6, 30))
    at.button(key=f"FormSubmitter:{key}-Créer les actions").click()
    at.run()
    assert not at.exception
    assert any("2 actions créées" in s for s in successes(at))
    assert count(demo_db, "SELECT count(*) FROM actions") == before + 2
    con = db.connect(demo_db)
    new = actions.get_action(con, before + 1)
    assert new.title == "Cartographier les fonds existants" and new.solution_id == 1
    assert new.status == "en_cours" and new.progress == 10
    assert new.contributors.split(" (")[0] == volunteers.options[0].split(" (")[0]
    assert at.text_area(key="create_1_1_titles").value == ""  # the form is empty for the next one


def test_an_added_solution_is_listed_and_offered_at_once(app, demo_db):
    at = app(ACTIONS_PAGE, tab=SOLUTIONS_TAB)
    before = count(demo_db, "SELECT count(*) FROM solutions")
    at.selectbox(key="solution_0_c").set_value(1)  # the first défi
    at.text_input(key="solution_0_t").input("Un guichet unique des financeurs")
    at.button(key="FormSubmitter:solution_0-Ajouter la solution").click()
    at.run()
    assert not at.exception
    assert any("Solution « Un guichet unique des financeurs » ajoutée." in s for s in successes(at))
    assert count(demo_db, "SELECT count(*) FROM solutions") == before + 1
    assert any("Un guichet unique des financeurs" in e.label for e in at.expander)
    assert any("Un guichet unique des financeurs" in o for o in at.selectbox(key="create_from").options)


def test_refused_actions_keep_what_was_typed(app, demo_db):
    at = app(ACTIONS_PAGE, tab=SOLUTIONS_TAB)
    before = count(demo_db, "SELECT count(*) FROM actions")
    key = "create_1_0"
    at.text_area(key=f"{key}_titles").input("Action datée à l'envers")
    at.date_input(key=f"{key}_start").set_value(dt.date(2026, 9, 1))
    at.date_input(key=f"{key}_due").set_value(dt.date(2026, 6, 1))
    at.button(key=f"FormSubmitter:{key}-Créer les actions").click()
    at.run()
    assert any("Aucune action n'a été créée" in e for e in errors(at))
    assert any("Échéance (1er juin 2026) antérieure au début (1er septembre 2026)" in e for e in errors(at))
    assert at.text_area(key=f"{key}_titles").value == "Action datée à l'envers"
    assert count(demo_db, "SELECT count(*) FROM actions") == before


@pytest.mark.parametrize(
    ("status", "typed", "message"),
    [
        ("en_cours", "150", OUT_OF_RANGE),
        ("en_cours", "40,5 %", "Avancement : un nombre entier de 0 à 100 attendu, « 40,5 % » lu "
                               "(vide = non mesuré)."),
        ("a_lancer", "10", NOT_STARTED),
    ],
)
def test_starting_progress_out_of_range_is_refused_and_kept(app, demo_db, status, typed, message):
    at = app(ACTIONS_PAGE, tab=SOLUTIONS_TAB)
    before = count(demo_db, "SELECT count(*) FROM actions")
    key = "create_1_0"
    at.text_area(key=f"{key}_titles").input("Action mesurée dès sa création")
    at.selectbox(key=f"{key}_status").set_value(status)
    at.text_input(key=f"{key}_progress").input(typed)
    at.button(key=f"FormSubmitter:{key}-Créer les actions").click()
    at.run()
    assert not at.exception
    assert any("Aucune action n'a été créée" in e for e in errors(at))
    assert message in errors(at)  # next to the field
    assert at.text_input(key=f"{key}_progress").value == typed  # kept as typed, never clamped
    assert count(demo_db, "SELECT count(*) FROM actions") == before


def test_every_mistake_is_reported_before_the_budget_total_is_confirmed(app, demo_db):
    """A wrong starting % came out only after ticking « Je confirme » for the budget total."""
    at = app(ACTIONS_PAGE, tab=SOLUTIONS_TAB)
    before = count(demo_db, "SELECT count(*) FROM actions")
    key = "create_1_0"
    at.text_area(key=f"{key}_titles").input("Cartographier les fonds existants\nRéunir les financeurs")
    at.text_input(key=f"{key}_bp").input("45 000")
    at.selectbox(key=f"{key}_status").set_value("en_cours")
    at.text_input(key=f"{key}_progress").input("150")
    at.button(key=f"FormSubmitter:{key}-Créer les actions").click()
    at.run()
    assert OUT_OF_RANGE in errors(at)
    assert not any("ajoutés au budget prévu" in e for e in errors(at))  # the total comes once all is right
    assert count(demo_db, "SELECT count(*) FROM actions") == before


def test_one_budget_for_several_actions_shows_the_total_before_saving(app, demo_db):
    at = app(ACTIONS_PAGE, tab=SOLUTIONS_TAB)
    con = db.connect(demo_db)
    today = clock.today(con)
    planned = monthly.build_report(con, today.replace(day=1), today).figures.planned
    before = count(demo_db, "SELECT count(*) FROM actions")
    key = "create_1_0"
    at.text_area(key=f"{key}_titles").input("Cartographier les fonds existants\nRéunir les financeurs")
    at.text_input(key=f"{key}_bp").input("45 000")
    at.button(key=f"FormSubmitter:{key}-Créer les actions").click()
    at.run()
    assert not at.exception
    total = f"2 × 45{NBSP}000,00{NBSP}€ = 90{NBSP}000,00{NBSP}€ ajoutés au budget prévu"
    assert any(e.startswith("Aucune action n'a été créée") and total in e for e in errors(at))
    assert count(demo_db, "SELECT count(*) FROM actions") == before
    assert at.text_input(key=f"{key}_bp").value == "45 000"
    # the user meant 45 000 € for the two: 22 500 € each, a total confirmed once it is shown
    at.text_input(key=f"{key}_bp").input("22 500")
    at.checkbox(key=f"{key}_confirm").check()  # ticked before the new total was shown: not enough
    at.button(key=f"FormSubmitter:{key}-Créer les actions").click()
    at.run()
    total = f"2 × 22{NBSP}500,00{NBSP}€ = 45{NBSP}000,00{NBSP}€ ajoutés au budget prévu"
    assert any(total in e for e in errors(at))
    assert count(demo_db, "SELECT count(*) FROM actions") == before
    at.button(key=f"FormSubmitter:{key}-Créer les actions").click()
    at.run()
    assert not at.exception
    assert any("2 actions créées" in s for s in successes(at))
    assert count(demo_db, "SELECT count(*) FROM actions") == before + 2
    after = monthly.build_report(con, today.replace(day=1), today).figures.planned
    assert Decimal(repr(after)) - Decimal(repr(planned)) == Decimal("45000")


def test_record_an_update_from_the_action_card(app, demo_db):
    at = app(ACTIONS_PAGE, action="2")
    assert at.selectbox(key="action_choice").value == 2
    points = count(demo_db, "SELECT count(*) FROM progress_updates WHERE action_id = 2")
    key = form_key(at, "update_2_")
    at.text_input(key=f"{key}_progress").input("80")
    at.text_area(key=f"{key}_comment").input("Deux fondations ont confirmé leur participation.")
    at.text_input(key=f"{key}_url").input("https://exemple.org/compte-rendu.pdf")
    at.button(key=f"FormSubmitter:{key}-Enregistrer le point").click()
    at.run()
    assert not at.exception
    assert any("Point d'avancement du" in s for s in successes(at))
    assert count(demo_db, "SELECT count(*) FROM progress_updates WHERE action_id = 2") == points + 1
    history = updates.history(db.connect(demo_db), 2)
    assert history["progress"].iloc[-1] == 80
    assert history["comment"].iloc[-1] == "Deux fondations ont confirmé leur participation."
    assert "Deux fondations ont confirmé leur participation." in texts(at)  # in the timeline at once


def test_refused_update_says_why_next_to_the_field(app, demo_db):
    at = app(ACTIONS_PAGE, action="2")
    updates = count(demo_db, "SELECT count(*) FROM progress_updates")
    key = form_key(at, "update_2_")
    at.text_area(key=f"{key}_comment").input("Preuve jointe")
    at.text_input(key=f"{key}_url").input("exemple.org/preuve")
    at.button(key=f"FormSubmitter:{key}-Enregistrer le point").click()
    at.run()
    assert any("Lien de preuve : une adresse web complète (https://…)." in e for e in errors(at))
    assert at.text_area(key=f"{key}_comment").value == "Preuve jointe"
    assert count(demo_db, "SELECT count(*) FROM progress_updates") == updates


@pytest.mark.parametrize(
    ("status", "typed", "message"),
    [
        ("en_cours", "150", OUT_OF_RANGE),
        ("terminee", "90 %", NOT_FINISHED),
    ],
)
def test_update_with_a_wrong_percentage_is_refused_and_kept(app, demo_db, status, typed, message):
    at = app(ACTIONS_PAGE, action="2")
    updates = count(demo_db, "SELECT count(*) FROM progress_updates")
    key = form_key(at, "update_2_")
    at.selectbox(key=f"{key}_status").set_value(status)
    at.text_input(key=f"{key}_progress").input(typed)
    at.button(key=f"FormSubmitter:{key}-Enregistrer le point").click()
    at.run()
    assert not at.exception
    assert "Le point n'a pas été enregistré : corrigez les champs signalés." in errors(at)
    assert message in errors(at)
    assert at.text_input(key=f"{key}_progress").value == typed
    assert count(demo_db, "SELECT count(*) FROM progress_updates") == updates


def test_edit_form_reads_typed_amounts_exactly_and_refuses_a_negative_one(app, demo_db):
    at = app(ACTIONS_PAGE, action="2")
    key = form_key(at, "edit_2_")
    assert at.text_input(key=f"{key}_bp").value == f"8{NBSP}000,00{NBSP}€"  # stored 8000.00
    audits = count(demo_db, "SELECT count(*) FROM audit_log")
    at.button(key=f"FormSubmitter:{key}-Enregistrer la fiche").click()
    at.run()
    assert "Aucune modification à enregistrer." in texts(at)  # « 8 000 » equals the stored 8000.00
    at.text_input(key=f"{key}_bp").input("-5")
    at.button(key=f"FormSubmitter:{key}-Enregistrer la fiche").click()
    at.run()
    assert any("Budget prévu : « -5 » lu, un montant de 0 à" in e for e in errors(at))
    assert at.text_input(key=f"{key}_bp").value == "-5"
    assert count(demo_db, "SELECT count(*) FROM audit_log") == audits
    at.text_input(key=f"{key}_bp").input("12 500,50 €")
    at.text_input(key=f"{key}_w").input("1,5")
    at.button(key=f"FormSubmitter:{key}-Enregistrer la fiche").click()
    at.run()
    assert not at.exception
    assert any("Fiche de l'action enregistrée." in s for s in successes(at))
    row = db.connect(demo_db).execute("SELECT budget_planned, weight FROM actions WHERE id = 2").fetchone()
    assert row == (Decimal("12500.50"), 1.5)


def test_edit_form_follows_fields_saved_elsewhere(app, demo_db):
    """A field saved elsewhere (the table, an import, another session) shows in the card's edit form:
    saving the form afterwards never undoes it with the value it showed before."""
    at = app(ACTIONS_PAGE, action="2")
    suffix = action_form.KEYS["funders"]
    assert at.text_input(key=f"{form_key(at, 'edit_2_')}_{suffix}").value != "Fondation de l'Aude"
    con = db.connect(demo_db)
    today = clock.today(con)
    action_table.save_changes(con, ORGANISER_ACTOR, {2: {"funders": "Fondation de l'Aude"}},
                              reported_on=today, reported_by=None, today=today)
    at.run()
    assert not at.exception
    assert at.text_input(key=f"{form_key(at, 'edit_2_')}_{suffix}").value == "Fondation de l'Aude"


def test_card_alerts_are_the_trackers_flags(app, demo_db):
    """The card's alerts are the domain's rules: an action created after the review is not « sans point »."""
    con = db.connect(demo_db)
    today = clock.today(con)
    table = actions.tracker(con, today)
    assert table.attrs["last_review"] is not None
    stale = int(table.loc[table["stale"], "id"].iloc[0])
    solution = int(table["solution_id"].iloc[0])
    (new,) = action_creation.create_actions(con, ORGANISER_ACTOR, solution, ["Action née après la revue"], {},
                                    reported_on=today, reported_by=None, today=today)
    assert not actions.tracker(con, today).set_index("id").loc[new, "stale"]
    alert = f"Pas de point d'avancement depuis la revue du {french.date(table.attrs['last_review'])}."
    assert alert in [w.value for w in app(ACTIONS_PAGE, action=str(stale)).warning]
    assert alert not in [w.value for w in app(ACTIONS_PAGE, action=str(new)).warning]


def _form_widgets(at: AppTest, prefix: str) -> dict[str, str]:
    """Return the label of each input of the form whose keys start with ``prefix``, by key suffix."""
    return {w.key.removeprefix(prefix): w.label for w in [*at.text_input, *at.text_area, *at.date_input]
            if w.key and w.key.startswith(prefix)}


def test_one_form_lays_out_the_action_fields_for_creating_and_editing(app):
    """Issue 16: the creation form and the card's edit form are one builder over actions.FIELDS."""
    assert set(action_form.KEYS) == set(actions.FIELDS)
    card = app(ACTIONS_PAGE, action="2")
    edit = _form_widgets(card, form_key(card, "edit_2_") + "_")
    create = _form_widgets(app(ACTIONS_PAGE, tab=SOLUTIONS_TAB), "create_1_0_")
    assert set(edit) == set(action_form.KEYS.values())
    assert set(create) >= set(action_form.KEYS.values()) - {"title"}  # plus the titles and the first point
    for name in ("pilot_structure", "pilot_person", "funders", "start_date", "due_date", "next_step"):
        suffix = action_form.KEYS[name]
        assert edit[suffix] == create[suffix] == actions.FIELDS[name][0]
    assert (edit["bp"], create["bp"]) == ("Budget prévu (€)", "Budget prévu par action (€)")


def test_edit_form_refused_keeps_every_typed_field_with_its_message(app, demo_db):
    at = app(ACTIONS_PAGE, action="2")
    key = form_key(at, "edit_2_")
    audits = count(demo_db, "SELECT count(*) FROM audit_log")
    at.text_input(key=f"{key}_title").input(" ")
    at.text_input(key=f"{key}_fu").input("Région")
    at.date_input(key=f"{key}_start").set_value(dt.date(2027, 3, 1))
    at.date_input(key=f"{key}_due").set_value(dt.date(2027, 1, 31))
    at.button(key=f"FormSubmitter:{key}-Enregistrer la fiche").click()
    at.run()
    shown = errors(at)
    assert "La fiche n'a pas été enregistrée : corrigez les champs signalés." in shown
    assert "Intitulé : obligatoire." in shown
    assert "Échéance (31 janvier 2027) antérieure au début (1er mars 2027)." in shown
    assert at.text_input(key=f"{key}_fu").value == "Région"
    assert at.date_input(key=f"{key}_due").value == dt.date(2027, 1, 31)
    assert count(demo_db, "SELECT count(*) FROM audit_log") == audits


def test_review_page_shows_the_latest_month_and_replays_a_past_one(app):
    at = app(REVIEW_PAGE)
    con = db.connect()
    assert at.selectbox(key="review_month").value == max(review.review_months(con, clock.today(con)))
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) >= {
        "Nouvelles",
        "Ont progressé",
        "Au point mort",
        "En retard",
        "Terminées",
        "Avancement",
    }
    at.selectbox(key="review_month").set_value(dt.date(2026, 9, 1))
    at.run()
    assert not at.exception
    assert "Revue de septembre 2026" in [h.value for h in at.header]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Terminées"] == "2" and metrics["Abandonnées"] == "1"
    labels = [t.label for t in at.tabs]
    assert "Terminées (2)" in labels and "Abandonnées (1)" in labels
    at.query_params["onglet"] = "Relevé de décisions"
    at.run()
    assert "Abandonner l'application mobile et réaffecter son budget" in texts(at)  # September's decisions


def test_record_a_decision_tied_to_an_action(app, demo_db):
    at = app(REVIEW_PAGE, onglet="Relevé de décisions")
    month = at.selectbox(key="review_month").value
    decisions = count(demo_db, "SELECT count(*) FROM decisions")
    key = f"decision_{month:%Y%m}_0"
    at.button(key=f"FormSubmitter:{key}-Ajouter la décision").click()
    at.run()
    assert any("Écrivez la décision prise." in e for e in errors(at))
    assert count(demo_db, "SELECT count(*) FROM decisions") == decisions
    at.text_area(key=f"{key}_text").input("Avancer l'échéance de la cartographie au 15 décembre.")
    at.selectbox(key=f"{key}_action").set_value(14)
    at.text_input(key=f"{key}_owner").input("Réseau des CRESS")
    at.button(key=f"FormSubmitter:{key}-Ajouter la décision").click()
    at.run()
    assert not at.exception
    assert any("Décision ajoutée" in s for s in successes(at))
    rows = review.decisions(db.connect(demo_db), month)
    assert rows["text"].iloc[-1] == "Avancer l'échéance de la cartographie au 15 décembre."
    assert rows["action_id"].iloc[-1] == 14
    assert "Avancer l'échéance de la cartographie au 15 décembre." in texts(at)


def test_the_import_preview_names_the_line_action_and_comment_of_a_new_point(demo_db):
    """A new row of « Points d'avancement » and a comment edited on « Actions » both show in the preview
    with their line in the file, their action (N°, title) and their comment."""
    con = db.connect(demo_db)
    today = clock.today(con)
    tracked = [a for a in actions.get_actions(con).values() if a.status == "en_cours"][:2]
    book = openpyxl.load_workbook(io.BytesIO(situation_xlsx(con, today)))
    sheet = book["Actions"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    line = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == tracked[0].id)
    sheet.cell(line, headers["Dernier commentaire"]).value = "Relancé en comité"
    sheet.cell(line, headers["Avancement (%)"]).value = (tracked[0].progress or 0) + 5
    book["Points d'avancement"].append([None, tracked[1].id, None, today.strftime("%d/%m/%Y"), "En cours",
                                        tracked[1].progress, "Point ajouté dans Excel", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    plan = actions_import.plan_import(con, buffer.getvalue(), "situation.xlsx", today, "Paul")
    frame = new_points(plan)
    assert frame[["Ligne", "N° action", "Action", "Commentaire"]].values.tolist() == [
        [line, tracked[0].id, tracked[0].title, "Relancé en comité"],
        [book["Points d'avancement"].max_row, tracked[1].id, tracked[1].title, "Point ajouté dans Excel"],
    ]
